"""A game's family of what-if branches: the game it branched from, and the other branches of that game
and of this one.

Owns finding them (the parent the save's ``branch.from`` names; saves in the same folders whose
``branch.from`` names the same parent or this game), replaying each from its save (exact: the model is
deterministic for a seed) and saying in a note why one is left out (missing, unreadable, another world,
too many) instead of failing. Notes, names and the lineage are in the language installed in
``agents.lang`` (a member's ``label`` stays English for files). Imports ``game.session``; never pygame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from agents.lang import N_, _, ngettext
from agents.scenario import names_a_file
from agents.view import MonthView
from game.session import GameSession, SaveError, read_save

MAX_MEMBERS = 4
"""How many related games a debrief shows beside the player's (more would not fit its table)."""


@dataclass(frozen=True)
class Member:
    """A related game: its label, its save file, the month it branched (None: not a branch), its months."""

    label: str
    """In English, as files write it ("Branch from 2026-03")."""
    path: Path
    at: int | None
    views: tuple[MonthView, ...] = field(repr=False)
    shown: str = ""
    """The label in the reader's language."""

    @property
    def month(self) -> int:
        return len(self.views) - 1

    @property
    def date(self) -> str:
        return self.views[-1].date


@dataclass(frozen=True)
class Family:
    """The games related to one game, and why any were left out."""

    members: tuple[Member, ...] = ()
    notes: tuple[str, ...] = ()
    lineage: str = ""
    """What this game is, in the reader's words ("a branch from 2026-03 of orig.json"), or "" if it is not a
    branch."""


def family(session: GameSession, limit: int = MAX_MEMBERS) -> Family:
    """``session``'s parent first, then branches of the same parent and of this game (at most ``limit``)."""
    notes: list[str] = []
    point = session.branch_point
    own = _resolved(session.file)
    parent = _resolved(point.parent) if point is not None and point.parent is not None else None
    found: list[tuple[Path, GameSession]] = []
    if parent is not None and parent != own:
        other = _load(parent, session, notes, _("the game this one branched from"))
        if other is not None:
            found.append((parent, other))
    related = {p for p in (parent, own) if p is not None}
    left_out = 0
    for path in _branch_files(related):
        if len(found) >= limit:
            left_out += 1
            continue
        other = _load(path, session, notes, path.name)
        if other is not None:
            found.append((path, other))
    if left_out:
        notes.append(ngettext("{n} more branch not shown (at most {limit}).",
                              "{n} more branches not shown (at most {limit}).", left_out).format(n=left_out,
                                                                                                limit=limit))
    members = _labelled([(path, other, path == parent) for path, other in found])
    return Family(tuple(members), tuple(notes), _lineage(session))


def _resolved(path: Path | None) -> Path | None:
    return None if path is None else Path(path).resolve()


def _branch_files(related: set[Path]) -> Iterator[Path]:
    """Saves in the folders of ``related`` whose ``branch.from`` names one of them, by name.

    Only the header is read; a file that cannot be read as a save is not known to be a branch, so it is
    passed over without a note.
    """
    for folder in sorted({p.parent for p in related}):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            path = path.resolve()
            if path in related:
                continue
            try:
                raw = read_save(path).get("branch")
            except SaveError:
                continue
            ref = raw.get("from") if isinstance(raw, dict) else None
            if isinstance(ref, str) and ref and _resolved(path.parent / ref) in related:
                yield path


def _load(path: Path, session: GameSession, notes: list[str], what: str) -> GameSession | None:
    """A related save replayed, or None with a note saying why it is not shown."""
    try:
        other = GameSession.load(path)
    except SaveError as exc:
        notes.append(_("Not shown: {what} ({problem}).").format(what=what, problem=exc))
        return None
    problem = _other_world(session, other)
    if problem:
        notes.append(_("Not shown: {what} ({path}) is played on {difference}.").format(
            what=what, path=path, difference=_(problem)))
        return None
    if other.load_warning:
        notes.append(other.load_warning)
    return other


def _other_world(a: GameSession, b: GameSession) -> str | None:
    """How ``b`` is not a run of ``a``'s world by ``a``'s role (None when it is), in English (a catalogue key)."""
    for what, x, y in ((N_("another scenario"), _scenario_key(a.scenario_ref), _scenario_key(b.scenario_ref)),
                       (N_("another seed"), a.seed, b.seed), (N_("other settings"), a.overrides, b.overrides),
                       (N_("another scale"), a.scale, b.scale),
                       (N_("another role"), (a.role.id, a.role.country), (b.role.id, b.role.country))):
        if x != y:
            return what
    return None


def _scenario_key(ref: str) -> str:
    return str(Path(ref).resolve()) if names_a_file(ref) else ref


def _labelled(found: list[tuple[Path, GameSession, bool]]) -> list[Member]:
    """Members named as a player reads them ("Original", "Branch from 2026-03"), each name once."""
    from agents.words import month_text

    out: list[Member] = []
    seen: dict[str, int] = {}
    for path, other, is_parent in found:
        point = other.branch_point
        if point is None:
            label, shown = "Original", _("Original")
        else:
            date = other.scenario.date(point.at)
            label, shown = f"Branch from {date}", _("Branch from {date}").format(date=month_text(date))
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label += f" ({seen[label]})"
            shown = _("{name} ({n})").format(name=shown, n=seen[label])
        out.append(Member(label, path, None if point is None else point.at, tuple(other.views), shown))
    return out


def _lineage(session: GameSession) -> str:
    point = session.branch_point
    if point is None:
        return ""
    from agents.words import month_text

    source = point.parent.name if point.parent is not None else _("a game that was not saved")
    return _("a branch from {date} of {source}").format(date=month_text(session.scenario.date(point.at)),
                                                        source=source)
