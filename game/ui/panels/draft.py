"""The player's lever changes not yet submitted, shared by every lever tab, and how they are submitted.

Owns :class:`Draft` (the edits, how far ahead Announce sets them, the
levers in force and announced) and the text form of a lever's value in a
field (``lever_text``, ``parse_lever``). Changes reach the model only as
one ``SetLevers`` order through ``GameSession.submit``. Imports no pygame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agents import commands as cmd
from agents.lang import _
from agents.regime import LEVERS
from agents.words import entry_text, month_text, parse_entry

if TYPE_CHECKING:
    from game.ui.scenes.main import MainScene


def lever_text(name: str, value: Any) -> str:
    spec = LEVERS[name]
    if spec.kind == "floats":
        return ", ".join(entry_text(x) for x in value)
    if spec.kind == "float":
        return entry_text(value)
    if spec.kind == "bool":
        return "On" if value else "Off"
    return str(value)


def parse_lever(name: str, raw: Any) -> Any:
    spec = LEVERS[name]
    if spec.kind == "float":
        return parse_entry(raw) if isinstance(raw, str) else raw
    if spec.kind == "floats" and isinstance(raw, str):
        parts = [parse_entry(p) for p in raw.split(",") if p.strip()]
        return parts if all(isinstance(p, float) for p in parts) else raw
    return raw


class Draft:
    """The player's lever changes not yet submitted (on any tab), and how far ahead Announce sets them."""

    def __init__(self, scene: "MainScene"):
        self.scene = scene
        self.session = scene.session
        self.edits: dict[str, Any] = {}
        self.announce_months = 4

    def effective(self) -> dict[str, Any]:
        """Levers in force, with this month's queued immediate changes on top."""
        lev = dict(self.session.view.levers)
        for c in self.session.queued():
            if isinstance(c, cmd.SetLevers) and c.effective_month in (None, self.session.month):
                lev.update(c.levers)
        return lev

    def announced(self) -> dict[str, list[tuple[int, Any]]]:
        """Announced changes not yet in force: lever -> [(effective month, value)]."""
        out: dict[str, list[tuple[int, Any]]] = {}
        for eff, levers in self.session.view.pending:
            for k, v in levers.items():
                out.setdefault(k, []).append((eff, v))
        for c in self.session.queued():
            if isinstance(c, cmd.SetLevers) and c.effective_month not in (None, self.session.month):
                for k, v in c.levers.items():
                    out.setdefault(k, []).append((c.effective_month, v))
        return out

    def value_shown(self, name: str, effective: dict[str, Any]) -> Any:
        return self.edits.get(name, effective[name])

    def set(self, name: str, raw: Any) -> None:
        """Note a change; a value equal to the one in force is no change."""
        eff = self.effective()
        same = (raw == eff[name]) if not isinstance(raw, str) else (raw.strip() == lever_text(name, eff[name]))
        if same:
            self.edits.pop(name, None)
        else:
            self.edits[name] = raw

    def submit(self, effective: int | None) -> None:
        """Send every change as one order: next month (``None``) or announced for ``effective``."""
        scene, p = self.scene, self.scene.app.palette
        scene._capture_entries()
        if not self.edits:
            scene.status = (_("No changes to submit: edit a value first."), p.text_dim)
            return
        if effective is not None and effective > self.session.horizon:
            date = self.session.scenario.date
            scene.status = (_("Refused: {date} is after the scenario ends ({end}); announce sooner.").format(
                date=month_text(date(effective)), end=month_text(date(self.session.horizon))), p.bad)
            return
        levers = {k: parse_lever(k, v) for k, v in self.edits.items()}
        command = cmd.SetLevers(levers=levers, effective_month=effective)
        scene._report(command, self.session.submit(command), keep_edits=False)

    def apply_now(self) -> None:
        self.submit(None)

    def announce(self) -> None:
        self.submit(self.session.month + self.announce_months)

    def reset(self) -> None:
        self.edits.clear()
        self.scene.status = (_("Changes discarded."), self.scene.app.palette.text_dim)
        self.scene.rebuild_panel()

    def announce_step(self, d: int) -> None:
        self.announce_months = min(24, max(1, self.announce_months + d))
        self.scene.rebuild_panel()
