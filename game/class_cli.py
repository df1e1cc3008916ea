"""CLI commands for classroom runs: ``class new``, ``class report`` and ``class play`` (see game.classroom).

Each takes its own ``--lang`` (the handout, guide and report are written in it; see ``game.cli.main``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from agents.lang import N_, _
from game.cli import EXIT_OK, RESEARCH, UsageError, add_lang, whole_number


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("class", help=_("prepare a class from a lesson file, and build its debrief"))
    inner = p.add_subparsers(dest="class_command", metavar="ACTION", required=True)

    s = inner.add_parser("new", help=_("make a class folder: one starting save per team, guide, handout"))
    s.add_argument("lesson", help=_("a lesson file (.toml) or a shipped lesson's name, e.g. diffusion_and_stockpiling"))
    s.add_argument("--out", type=Path, required=True, help=_("the class folder to create (must be new or empty)"))
    add_lang(s)
    s.set_defaults(func=cmd_new)

    s = inner.add_parser("report", help=_("build the debrief (HTML + PNG) from the teams' saves"))
    s.add_argument("folder", type=Path, help=_("the class folder made by `class new`"))
    s.add_argument("--out", type=Path, required=True, help=_("folder for index.html and the charts"))
    s.add_argument("--band-samples", type=whole_number(0, N_("a number of sampled worlds"), 1_000), default=None,
                   help=_("worlds drawn from the declared parameter ranges for each team's 10-90%% band "
                          "(default 8, as in the game; 0: no bands)"))
    add_lang(s)
    s.set_defaults(func=cmd_report, needs=RESEARCH)

    s = inner.add_parser("play", help=_("hot-seat: the teams take turns on this computer, round by round"),
                         description=_("Open the class in the game window: each team in turn plays the current "
                                       "round from its own save in FOLDER/teams/ (written back at the round's "
                                       "end); after the last round, build the debrief with `class report`."))
    s.add_argument("folder", type=Path, help=_("the class folder made by `class new`"))
    s.add_argument("--size", type=_size, metavar="WxH", help=_("window size, e.g. 1920x1080 (default 1280x720)"))
    add_lang(s)
    s.set_defaults(func=cmd_play)


def cmd_new(args: argparse.Namespace) -> int:
    from game.classroom import LessonError, load_lesson, new_class

    try:
        lesson = load_lesson(args.lesson)
    except LessonError as exc:
        raise UsageError("\n  ".join(exc.problems)) from None
    try:
        written = new_class(lesson, args.out)
    except FileExistsError as exc:
        raise UsageError(f"--out {args.out}: {exc}") from None
    except OSError as exc:
        raise UsageError(_("--out {path}: cannot write: {problem}").format(path=args.out,
                                                                          problem=exc.strerror or exc)) from None
    print(_("{title}: {teams} teams, {rounds} rounds of {months} months").format(
        title=_(lesson.title), teams=len(lesson.teams), rounds=lesson.rounds, months=lesson.months_per_round))
    for path in written:
        print(_("  wrote {path}").format(path=path))
    print(_("Teams play their file from {folder}; then run: silicon-curtain class report {out} --out debrief/").format(
        folder=args.out / "teams", out=args.out))
    return EXIT_OK


def _size(text: str) -> tuple[int, int]:
    from game.play_cli import _size as size

    return size(text)


def cmd_play(args: argparse.Namespace) -> int:
    import os

    from game.classroom import HotSeat, LessonError
    from game.session import SaveError

    if not args.folder.is_dir():
        raise UsageError(_("{folder}: no such class folder (make one with `silicon-curtain class new`)").format(
            folder=args.folder))
    try:
        seat = HotSeat(args.folder)
        seat.months()  # every team's save must be readable before the window opens
    except LessonError as exc:
        raise UsageError("\n  ".join(exc.problems)) from None
    except SaveError as exc:
        raise UsageError(str(exc)) from None
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from game.ui.app import DisplayError, play_class  # pygame only now

    try:
        return play_class(seat, size=args.size)
    except DisplayError as exc:
        raise UsageError(str(exc)) from None


def cmd_report(args: argparse.Namespace) -> int:
    from game.classroom import LessonError, build_report

    if not args.folder.is_dir():
        raise UsageError(_("{folder}: no such class folder (make one with `silicon-curtain class new`)").format(
            folder=args.folder))
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(_("--out {path}: is a file; expected a folder").format(path=args.out))
    try:
        page, teams = build_report(args.folder, args.out, args.band_samples)
    except LessonError as exc:
        raise UsageError("\n  ".join(exc.problems)) from None
    from agents.words import month_text

    for t in teams:
        if t.problem:
            print(_("  {team} ({file}): skipped: {problem}").format(team=_(t.team.name), file=t.file,
                                                                    problem=t.problem))
        else:
            s = t.session
            print(_("  {team}: {date}, {decisions} decisions, score {score}").format(
                team=_(t.team.name), date=month_text(s.view.date), decisions=len(s.commands),
                score=f"{s.score.total:.0f}"))
            for w in t.warnings:
                print(_("    note: {note}").format(note=w))
    print(_("wrote {path}").format(path=page))
    return EXIT_OK
