"""What a language's catalogue must hold, and keeping ``game/locale/<lang>.po`` up to date.

Two kinds of message reach people. Text in the code is marked with
``_()``, ``N_()`` or ``ngettext()`` (``agents.lang``) and found by Babel's
Python extractor. Text in data is listed here: every lever's and
government policy's words, country names, the scenarios' and lessons'
titles, context, objectives and questions, and the teacher guides, one
paragraph per message (how Sphinx translates documents). Markdown and
multi-line TOML text are looked up paragraph by paragraph by
:func:`paragraphs`, so a translator never sees a hard line break.

``python -m game.messages`` adds what a catalogue lacks (empty, with where
it is used) and drops what nothing says any more; ``--check`` only reports
(``tests/test_i18n.py`` fails on the same). Imports Babel, the standard
library and ``agents`` tables.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

from game import i18n

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("agents", "game")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
"""The marker functions of ``agents.lang`` and their message arguments (Babel's keyword spec)."""

Message = str | tuple[str, str]
"""A message id: a string, or (singular, plural) for counted messages."""


def code_messages() -> dict[Message, set[str]]:
    """Messages marked in the Python code of ``agents`` and ``game`` -> the files that say them."""
    from babel.messages.extract import extract_from_dir

    out: dict[Message, set[str]] = {}
    for folder in CODE_DIRS:
        found = extract_from_dir(ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS,
                                 comment_tags=(), strip_comment_tags=True)
        for filename, lineno, message, _comments, _context in found:
            key = message if isinstance(message, str) else tuple(message)[:2]
            if key and key != ("", ""):
                out.setdefault(key, set()).add(f"{folder}/{filename}")
    return out


def paragraphs(text: str) -> list[str]:
    """``text`` split at blank lines, each paragraph's hard line breaks kept (the unit a translator sees)."""
    return [p.strip("\n") for p in re.split(r"\n\s*\n", text) if p.strip()]


def translate_paragraphs(text: str) -> str:
    """A document or long TOML text in the chosen language, paragraph by paragraph."""
    from agents.lang import _

    return "\n\n".join(_(p) for p in paragraphs(text))


def data_messages() -> dict[str, set[str]]:
    """Messages in tables and shipped files -> where they come from."""
    out: dict[str, set[str]] = {}

    def add(text: str, where: str) -> None:
        if text and text.strip():
            out.setdefault(text, set()).add(where)

    for where, text in _table_texts():
        add(text, where)
    for where, text in _file_texts():
        for para in paragraphs(text) if "\n" in text else [text]:
            add(para, where)
    return out


def _table_texts() -> Iterator[tuple[str, str]]:
    from agents.commands import COUNTRY_POLICIES
    from agents.regime import LEVERS

    for name, lever in LEVERS.items():
        where = f"agents/regime.py#LEVERS[{name}]"
        yield from ((where, t) for t in (lever.group, lever.label, lever.short, lever.doc, lever.cost))
        yield from ((where, t) for t in lever.choice_words.values())
    for name, policy in COUNTRY_POLICIES.items():
        where = f"agents/commands.py#COUNTRY_POLICIES[{name}]"
        yield from ((where, t) for t in (policy.label, getattr(policy, "doc", "")))


def _file_texts() -> Iterator[tuple[str, str]]:
    from agents.scenario import SCENARIO_DIR
    from game.classroom import LESSON_DIR

    world = tomllib.loads((SCENARIO_DIR / "_world.toml").read_text(encoding="utf-8"))
    for code, country in world.get("countries", {}).items():
        yield f"scenarios/_world.toml#countries.{code}", country.get("name", "")
    for path in sorted(SCENARIO_DIR.glob("*.toml")):
        meta = tomllib.loads(path.read_text(encoding="utf-8")).get("meta", {})
        where = f"scenarios/{path.name}#meta"
        for key in ("title", "description", "context"):
            yield where, meta.get(key, "")
        for key in ("objectives", "questions"):
            yield from ((where, t) for t in meta.get(key, []))
    for path in sorted(LESSON_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        lesson, where = data.get("lesson", {}), f"lessons/{path.name}"
        yield where, lesson.get("title", "")
        yield from ((where, t) for t in lesson.get("questions", []))
        for team in data.get("teams", {}).values():
            yield where, team.get("name", "")
            yield where, team.get("goal", "")
    for path in sorted(LESSON_DIR.glob("*.md")):
        yield f"lessons/{path.name}", path.read_text(encoding="utf-8")


def required() -> dict[Message, set[str]]:
    """Every message a catalogue must translate -> where it is used."""
    out: dict[Message, set[str]] = dict(code_messages())
    for message, where in data_messages().items():
        out.setdefault(message, set()).update(where)
    return out


def _catalogue_path(language: str) -> Path:
    return i18n.LOCALE_DIR / f"{language}.po"


def read(language: str):
    """The language's catalogue as a Babel ``Catalog``."""
    from babel.messages.pofile import read_po

    with open(_catalogue_path(language), "rb") as fh:
        return read_po(fh, locale=language)


def gaps(language: str) -> tuple[list[Message], list[Message]]:
    """(messages the catalogue lacks or leaves empty, entries nothing says any more)."""
    wanted = required()
    have = {m.id if isinstance(m.id, str) else tuple(m.id)[:2]: m for m in read(language) if m.id}
    missing = sorted((k for k in wanted if k not in have or not _translated(have[k])), key=str)
    stale = sorted((k for k in have if k not in wanted), key=str)
    return missing, stale


def _translated(message) -> bool:
    s = message.string
    return all(s) if isinstance(s, (tuple, list)) else bool(s)


def update(language: str) -> tuple[int, int]:
    """Add missing messages (empty) to the catalogue and drop stale ones; returns (added, dropped)."""
    from babel.messages.pofile import write_po

    wanted = required()
    catalog = read(language)
    header = _header_comment(language)
    have = {m.id if isinstance(m.id, str) else tuple(m.id)[:2] for m in catalog if m.id}
    added = 0
    for key, where in sorted(wanted.items(), key=lambda kv: str(kv[0])):
        locations = [_location(w) for w in sorted(where)][:3]
        if key not in have:
            catalog.add(key, string=("",) if isinstance(key, tuple) else "", locations=locations)
            added += 1
        else:
            catalog[key].locations = locations
    dropped = 0
    for key in [k for k in have if k not in wanted]:
        catalog.delete(key)
        dropped += 1
    catalog.header_comment = header
    with open(_catalogue_path(language), "wb") as fh:
        write_po(fh, catalog, width=100, sort_output=False, include_previous=False, omit_header=False)
    return added, dropped


def _location(where: str) -> tuple[str, None]:
    """A file, without a line number: the catalogue does not change when code moves."""
    return where, None


def _header_comment(language: str) -> str:
    text = _catalogue_path(language).read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m game.messages", description=__doc__.split("\n\n")[0])
    parser.add_argument("language", nargs="?", default="ja", choices=[c for c in i18n.LANGUAGES if c != "en"])
    parser.add_argument("--check", action="store_true", help="report what is missing or stale; write nothing")
    args = parser.parse_args(argv)
    if not args.check:
        added, dropped = update(args.language)
        print(f"{_catalogue_path(args.language)}: added {added} empty, dropped {dropped} stale")
    missing, stale = gaps(args.language)
    for key in missing[:20]:
        print(f"untranslated: {key!r}")
    if len(missing) > 20:
        print(f"... and {len(missing) - 20} more untranslated")
    for key in stale[:20]:
        print(f"stale: {key!r}")
    print(f"{args.language}: {len(missing)} untranslated, {len(stale)} stale")
    return 1 if missing or stale else 0


if __name__ == "__main__":
    sys.exit(main())
