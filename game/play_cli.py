"""``silicon-curtain play`` and ``silicon-curtain replay``.

Owns their arguments and turning bad input (an unknown scenario, role or
country, a bad commands file, a corrupt save, no display) into one clear
line and exit code 2. ``play`` imports pygame lazily (``game.ui.app``);
``replay`` never does: it rebuilds the game from the save headless and
writes exactly the metrics the player saw, one row per month.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from agents.lang import N_, _
from game.cli import (EXIT_OK, MAX_MONTHS, UsageError, _check_out_path, add_lang, seed_number, whole_number,
                      write_table)


def register(sub: argparse._SubParsersAction) -> None:
    from game.session import ROLE_ALIASES, ROLE_IDS

    s = sub.add_parser("play", help=_("play the game; with no arguments, the title screen"),
                       description=_("Play Silicon Curtain in a window. With a scenario, start straight at its "
                                     "briefing. With --autoplay MONTHS, play that many months headless with the "
                                     "scenario's schedule (or --commands FILE) and optionally --screenshot."))
    s.add_argument("scenario", nargs="?", help=_("scenario name (see `scenarios`) or a .toml file"))
    s.add_argument("--role", choices=ROLE_IDS + tuple(ROLE_ALIASES), default="us_commerce", metavar="ROLE",
                   help=_("who you play: us_commerce (us), bis_enforcement (enforcement, bis), "
                          "tier2_government (tier2), tier3_government (tier3, china); default us_commerce"))
    s.add_argument("--country", help=_("your country for a government role: a Tier 2 or Tier 3 ISO3 code "
                                       "(default IND for tier2, CHN for tier3)"))
    s.add_argument("--seed", type=seed_number, default=0, help=_("random seed (default 0)"))
    s.add_argument("--autoplay", type=_months, metavar="MONTHS", help=_("play MONTHS months headless, then stop"))
    s.add_argument("--screenshot", type=Path, metavar="FILE.png", help=_("save a screenshot of the main screen"))
    s.add_argument("--commands", type=Path, metavar="FILE",
                   help=_("JSON lines of commands, each with its month (the form of a save's or the model's "
                          "command log), given at their months during --autoplay"))
    s.add_argument("--load", type=Path, metavar="SAVE", help=_("start from a save file"))
    s.add_argument("--size", type=_size, metavar="WxH", help=_("window size, e.g. 1920x1080 (default 1280x720)"))
    add_lang(s, play=True)
    s.set_defaults(func=cmd_play)

    r = sub.add_parser("replay", help=_("replay a save's commands headless; write the metrics the player saw"),
                       description=_("Rebuild a saved game from its scenario, seed and command log, month by "
                                     "month, and write one CSV row per month: the metrics columns of `run`, then "
                                     "the score and the points of each goal."))
    r.add_argument("save", type=Path, help=_("a save file (.json)"))
    r.add_argument("--out", type=Path, required=True, help=_("CSV file to write"))
    r.set_defaults(func=cmd_replay)

    b = sub.add_parser("branch", help=_("branch a save at an earlier month: a what-if game on the same seed"),
                       description=_("Write a new save that is the saved game at --at MONTH, with only the orders "
                                     "given before that month. Play it on (`play --load NEW`) to try another "
                                     "decision on the same world; it replays exactly, like any save."))
    b.add_argument("save", type=Path, help=_("a save file (.json)"))
    b.add_argument("--at", type=whole_number(0, N_("a month"), MAX_MONTHS), required=True,
                   help=_("the month to branch from (0 to the save's month)"))
    b.add_argument("--out", type=Path, required=True, help=_("the new save file (.json)"))
    b.set_defaults(func=cmd_branch)

    c = sub.add_parser("branches", help=_("a game, its what-if branches and the baselines side by side"),
                       description=_("Replay a save, the game it was branched from and the other branches of that "
                                     "game (saves in the same folder whose branch.from names it; at most 4), and "
                                     "print a column per run: the score under the save's role and its key metrics, "
                                     "each branch at its own month, the runs without the player at the save's. A "
                                     "related save that cannot be replayed is left out with a note."))
    c.add_argument("save", type=Path, help=_("a save file (.json)"))
    c.add_argument("--csv", type=Path, metavar="FILE",
                   help=_("also write the table as CSV, a row per run (exact numbers)"))
    c.set_defaults(func=cmd_branches)


_months = whole_number(0, N_("a whole number of months"), MAX_MONTHS)


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected WIDTHxHEIGHT such as 1280x720, got {value}").format(
            value=repr(text))) from None
    if not (1024 <= w <= 7680 and 600 <= h <= 4320):
        raise argparse.ArgumentTypeError(_("expected from 1024x600 to 7680x4320, got {value}").format(value=repr(text)))
    return w, h


def cmd_play(args: argparse.Namespace) -> int:
    from agents.scenario import ScenarioError, load_scenario
    from game.session import make_role

    scripted = args.autoplay is not None or args.screenshot is not None
    if args.load is not None and args.scenario is not None:
        raise UsageError(_("give a scenario or --load SAVE, not both"))
    if args.load is not None:
        from game.session import SaveError, read_save, check_header

        try:
            check_header(read_save(args.load), str(args.load))
        except SaveError as exc:
            raise UsageError(str(exc)) from None
    scenario = args.scenario
    if scenario is None and args.load is None and scripted:
        scenario = "diffusion_rule_2025"
    if scenario is not None:
        try:
            sc = load_scenario(scenario)
        except ScenarioError as exc:
            raise UsageError("\n  ".join(exc.problems)) from None
        try:
            make_role(args.role, args.country, sc)
        except ValueError as exc:
            raise UsageError(f"--role/--country: {exc}") from None
    commands = read_commands(args.commands) if args.commands else None
    if commands and not scripted:
        raise UsageError(_("--commands needs --autoplay MONTHS"))
    if args.screenshot is not None:
        if args.screenshot.suffix.lower() != ".png":
            raise UsageError(_("--screenshot {path}: expected a .png file name").format(path=args.screenshot))
        _check_out_path(args.screenshot)
    if scripted:
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from game.session import SaveError, role_id
    from game.ui.app import DisplayError, play

    try:
        return play(scenario=scenario, role=role_id(args.role), country=args.country, seed=args.seed,
                    autoplay=args.autoplay, screenshot=args.screenshot, commands=commands, load=args.load,
                    size=args.size)
    except DisplayError as exc:
        raise UsageError(str(exc)) from None
    except SaveError as exc:
        raise UsageError(str(exc)) from None


def read_commands(path: Path) -> list[tuple[int, tuple[str, Any]]]:
    """Commands from JSON lines (or a JSON list), each an object with ``month`` and ``kind``."""
    from agents.checks import Invalid, expected
    from agents.commands import from_dict
    from game.session import json_problem

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(_("--commands {path}: cannot be read: {problem}").format(
            path=path, problem=exc.strerror or exc)) from None
    except UnicodeDecodeError:
        raise UsageError(_("--commands {path}: not a text file").format(path=path)) from None
    items: list[tuple[str, Any]] = []
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise UsageError(_("--commands {path}: not valid JSON at line {line}: {problem}").format(
                path=path, line=exc.lineno, problem=exc.msg)) from None
        except (ValueError, RecursionError) as exc:
            raise UsageError(_("--commands {path}: not valid JSON: {problem}").format(
                path=path, problem=json_problem(exc))) from None
        if not isinstance(data, list):
            raise UsageError(_("--commands {path}: expected a JSON list of commands, got {type}").format(
                path=path, type=type(data).__name__))
        items = [(f"{path}[{i}]", d) for i, d in enumerate(data)]
    else:
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                items.append((f"{path}:{n}", json.loads(line)))
            except json.JSONDecodeError as exc:
                raise UsageError(_("--commands {path}:{line}: not valid JSON ({problem})").format(
                    path=path, line=n, problem=exc.msg)) from None
            except (ValueError, RecursionError) as exc:
                raise UsageError(_("--commands {path}:{line}: not valid JSON ({problem})").format(
                    path=path, line=n, problem=json_problem(exc))) from None
    out = []
    for label, d in items:
        if not isinstance(d, dict):
            raise UsageError(_("--commands {where}: expected an object with month and kind, got {value}").format(
                where=label, value=repr(d)))
        month = d.get("month")
        if not isinstance(month, int) or isinstance(month, bool) or month < 0:
            problem = expected(N_("a whole number >= 0"), month)
            raise UsageError(f"--commands {label}:month: {problem}")
        try:
            command = from_dict(d)
        except Invalid as exc:
            key, text = exc.problems[0]
            raise UsageError(f"--commands {label}:{key}: {text}" if key else f"--commands {label}: {text}") from None
        except (ValueError, TypeError) as exc:
            raise UsageError(f"--commands {label}: {exc}") from None
        out.append((month, (label, command)))
    return out


def cmd_replay(args: argparse.Namespace) -> int:
    from game.session import SaveError, replay

    out = _check_out_path(args.out)
    try:
        frame = replay(args.save)
    except SaveError as exc:
        raise UsageError(str(exc)) from None
    write_frame(out, frame)
    print(_("replayed {months} months of {save}; wrote {rows} rows to {path}").format(
        months=len(frame) - 1, save=args.save, rows=len(frame), path=out))
    return EXIT_OK


def cmd_branch(args: argparse.Namespace) -> int:
    from agents.words import month_text
    from game.session import SaveError, branch

    out = _check_out_path(args.out)
    if out.exists() and out.resolve() == args.save.resolve():
        raise UsageError(_("--out {path}: is the save being branched; choose a new file (nothing was changed)").format(
            path=out))
    try:
        session = branch(args.save, args.at)
    except SaveError as exc:
        raise UsageError(str(exc)) from None
    session.save(out)
    print(_("branched {save} at month {month} ({date}), keeping {orders} order(s); wrote {path}: play on with "
            "silicon-curtain play --load {path}").format(save=args.save, month=args.at,
                                                         date=month_text(session.view.date),
                                                         orders=len(session.commands), path=out))
    return EXIT_OK


def cmd_branches(args: argparse.Namespace) -> int:
    from agents.words import month_text
    from game.branches import family
    from game.runs import compare_runs, csv_columns, csv_row, role_name, run_cells, table_columns
    from game.session import GameSession, SaveError

    out = _check_out_path(args.csv) if args.csv is not None else None
    try:
        session = GameSession.load(args.save)
    except SaveError as exc:
        raise UsageError(str(exc)) from None
    fam = family(session)
    runs = compare_runs(session, fam)
    role = session.role.id
    heading = (_("{title}: {role}, seed {seed}; {save} at {date} (month {month}), {lineage}") if fam.lineage
               else _("{title}: {role}, seed {seed}; {save} at {date} (month {month})"))
    print(heading.format(title=_(session.scenario.meta.title), role=role_name(session.role), seed=session.seed,
                         save=args.save, date=month_text(session.view.date), month=session.month,
                         lineage=fam.lineage))
    print_side_by_side(table_columns(session), [run_cells(r, role) for r in runs])
    if not fam.members:
        print(_("No branches of this game found beside it (make one with `silicon-curtain branch`)."))
    for note in (*fam.notes, session.load_warning):
        if note:
            print(note)
    if out is not None:
        write_table(out, csv_columns(session), (csv_row(r, role) for r in runs))
        print(_("wrote {rows} rows to {path}").format(rows=len(runs), path=out))
    return EXIT_OK


def print_side_by_side(columns: list[str], rows: list[list[str]]) -> None:
    """A column per run (its name heads it) and a row per measure: narrow enough for a terminal."""
    from game.cli import _print_table

    header = ("", *(r[0] for r in rows))
    lines = [(name, *(r[i] for r in rows)) for i, name in enumerate(columns[1:], 1)]
    _print_table(header, lines, right=set(range(1, len(header))))


def write_frame(path: Path, frame) -> None:
    """The replayed table as CSV, floats exact, written atomically."""
    write_table(path, list(frame.columns), frame.itertuples(index=False))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(1)
