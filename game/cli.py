"""The ``silicon-curtain`` command line: list, validate and run scenarios headless.

Owns argument parsing, turning bad input into one clear message (exit 2,
no traceback), the end-of-run summary and atomic CSV output. Everything it
says (help, tables, errors) is in the chosen language (``--lang``, see
:func:`_choose_language`); the files it writes are not. Imports the
``agents`` package only; pygame is imported lazily by ``play`` alone, so
``run`` and ``validate`` work without a display.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import math
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from agents.lang import N_, _

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

EXTRA_COMMANDS: tuple[str, ...] = ("game.study_cli", "game.batch_cli", "game.play_cli", "game.class_cli",
                                   "game.tournament_cli")
"""Modules that add subcommands: each has ``register(subparsers)`` (imported lazily-light)."""

SUMMARY = [
    ("compute_us", "H100e"), ("compute_allies", "H100e"), ("compute_swing", "H100e"),
    ("compute_adversary", "H100e"), ("domestic_adversary", "H100e"), ("stockpile_adversary", "H100e"),
    ("smuggled_cum", "H100e"), ("seized_cum", "H100e"), ("structured_orders_cum", "H100e"),
    ("us_vendor_revenue_cum", "USD"), ("us_share_world_compute", N_("share")),
    ("frontier_gap_months", "months"), ("domestic_exports_cum", "H100e"),
]


RESEARCH = ("pyarrow", "matplotlib", "SALib")
"""The research extras (Parquet tables, figures, sensitivity indices): batches, reports and class
debriefs need them; playing does not (``make play`` installs without them)."""


def _choose_language(explicit: str | None, saved: str | None = None) -> None:
    """Install the language: ``explicit`` (a command's ``--lang``, else the top-level one), else ``saved``
    (the game's settings screen, for ``play``), else ``$SILICON_CURTAIN_LANG``, else the system locale."""
    from game import i18n

    try:
        i18n.use(explicit, saved=saved)
    except ValueError as exc:
        where = "--lang" if explicit else f"${i18n.ENV}"
        raise UsageError(f"{where}: {exc}") from None


def saved_language() -> str | None:
    """The language chosen on the game's settings screen (``game.ui.app.Settings.language``), or None.

    Read from the same file as ``Settings.load`` without importing pygame; a value the game does not
    speak, or an unreadable file, is no choice (``Settings.load`` gives the defaults then too).
    """
    import json

    from game.i18n import LANGUAGES
    from game.session import game_home

    try:
        data = json.loads((game_home() / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    language = data.get("language") if isinstance(data, dict) else None
    return language if isinstance(language, str) and language in LANGUAGES else None


def _language_before_parsing(argv: Sequence[str]) -> None:
    """Choose the language from ``argv`` before argparse reads it, so help and argparse's messages speak it.

    The last ``--lang`` wins (a command's comes after the top-level one); a language the game does not
    speak is reported once the arguments are parsed (see :func:`main`), so here it falls back quietly.
    """
    from game import i18n

    wanted, command, skip = None, None, False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
        elif arg == "--lang":
            wanted, skip = (argv[i + 1] if i + 1 < len(argv) else None), True
        elif arg.startswith("--lang="):
            wanted = arg.partition("=")[2]
        elif command is None and not arg.startswith("-"):
            command = arg
    for explicit in (wanted, None):
        try:
            _choose_language(explicit, saved_language() if command == "play" else None)
            return
        except UsageError:
            continue
    i18n.use("en")


class UsageError(Exception):
    """Bad input from the user: shown as one line, exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _language_before_parsing(argv)
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        _choose_language(getattr(args, "command_lang", None) or args.lang,
                         saved_language() if args.command == "play" else None)
        _check_extras(args.command, getattr(args, "needs", ()))
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe fails here, inside the handlers below, not at exit
        return code
    except UsageError as exc:
        print(_("silicon-curtain: error: {problem}").format(problem=exc), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(_("silicon-curtain: interrupted; nothing was written"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`silicon-curtain scenarios | head -1`): stop quietly, as Python's docs advise
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_INVALID
    except OSError as exc:  # a full disk, a read-only folder, a file that vanished: one line, no traceback
        problem = exc.strerror or exc
        if exc.filename:
            print(_("silicon-curtain: error: {file}: {problem}; nothing was written there").format(
                file=exc.filename, problem=problem), file=sys.stderr)
        else:
            print(_("silicon-curtain: error: {problem}; nothing was written there").format(problem=problem),
                  file=sys.stderr)
        return EXIT_USAGE


def _check_extras(command: str, needs: Sequence[str]) -> None:
    """A command that needs packages a player's install leaves out says which, in one line."""
    import importlib.util

    missing = [m for m in needs if importlib.util.find_spec(m) is None]
    if missing:
        raise UsageError(_("{command} needs the research extras ({modules} missing): run `make test`, "
                           "or `.venv/bin/pip install -e '.[research]'`").format(command=command,
                                                                                 modules=", ".join(missing)))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="silicon-curtain",
                                description=_("An agent-based game about AI-chip export controls."))
    p.add_argument("--lang", metavar="LANG",
                   help=_("language: en or ja (default: $SILICON_CURTAIN_LANG, else the system locale, else en)"))
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("scenarios", help=_("list the scenarios: name, description, period"))
    s.add_argument("--markdown", type=Path, metavar="FILE",
                   help=_("also write the scenario guide (context, objectives, questions) to FILE"))
    s.set_defaults(func=cmd_scenarios)

    s = sub.add_parser("levers", help=_("list the policy levers, their ranges and what they do"))
    s.add_argument("--role", help=_("only the levers, policies and orders of a role: us, enforcement, tier2 or tier3"))
    s.set_defaults(func=cmd_levers)

    s = sub.add_parser("run", help=_("run a scenario headless and write its monthly metrics"))
    s.add_argument("scenario", help=_("scenario name (see `scenarios`) or path to a .toml file"))
    s.add_argument("--seed", type=seed_number, default=0, help=_("random seed (default 0)"))
    s.add_argument("--months", type=_positive_int, help=_("months to simulate (default: the scenario's)"))
    s.add_argument("--scale", type=_scale, default=1.0,
                   help=_("multiply the number of labs and smuggling networks (world totals stay put)"))
    s.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help=_("override a scenario key, e.g. lpp_limit_h100e=500 or countries.JPN.tier=2"))
    s.add_argument("--out", type=Path, help=_("write one CSV row per month to this file"))
    s.add_argument("--quiet", action="store_true", help=_("no summary table"))
    s.add_argument("--uncertainty", action="store_true",
                   help=_("also run SAMPLES worlds drawn from the declared ranges of the estimated parameters and "
                          "show where 8 in 10 of them end (10-90%%); with --out, write STEM-bands.csv and "
                          "STEM-samples.csv beside the CSV"))
    s.add_argument("--samples", type=whole_number(2, N_("a number of parameter samples"), 10_000), default=16,
                   help=_("Latin-hypercube points of the declared ranges with --uncertainty (default 16)"))
    s.set_defaults(func=cmd_run)

    s = sub.add_parser("validate", help=_("check scenario files; exit 0 if all are valid, 1 if not"))
    s.add_argument("files", nargs="+", help=_("scenario names or .toml files"))
    s.set_defaults(func=cmd_validate)

    for module in EXTRA_COMMANDS:
        importlib.import_module(module).register(sub)
    return p


def add_lang(parser: argparse.ArgumentParser, play: bool = False) -> None:
    """A command's own ``--lang`` (``play`` and the ``class`` commands): it wins over ``silicon-curtain --lang``."""
    parser.add_argument("--lang", dest="command_lang", metavar="LANG",
                        help=_("language: en or ja (default: the game's settings, else $SILICON_CURTAIN_LANG, "
                               "else the system locale, else en)") if play else
                        _("language: en or ja (default: $SILICON_CURTAIN_LANG, else the system locale, else en)"))


def whole_number(minimum: int, what: str = N_("a whole number"), maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type: an int from ``minimum`` to ``maximum``, else one message saying what was expected.

    ``what`` is English marked with ``N_`` (it is translated when the message is shown)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:  # not a number, or more digits than Python converts
            value = minimum - 1
        if value < minimum or (maximum is not None and value > maximum):
            message = (_("expected {what} >= {minimum}, got {value}") if maximum is None
                       else _("expected {what} from {minimum} to {maximum}, got {value}"))
            raise argparse.ArgumentTypeError(message.format(what=_(what), minimum=minimum, maximum=maximum,
                                                            value=_shown(text)))
        return value

    return parse


def number_between(lo: float, hi: float, what: str = N_("a number")) -> Callable[[str], float]:
    """An argparse type: a number from ``lo`` to ``hi``, else one message saying what was expected."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(_("expected {what} from {minimum} to {maximum}, got {value}").format(
                what=_(what), minimum=f"{lo:g}", maximum=f"{hi:g}", value=_shown(text)))
        return value

    return parse


def _shown(text: str) -> str:
    """A flag's value in a message: quoted, and cut short if someone pasted a novel."""
    return repr(text) if len(text) <= 40 else repr(text[:37] + "...")


MAX_MONTHS = 600
"""The longest run (the longest a scenario's ``meta.months`` may be)."""
SEED_MAX = 2**64 - 1
"""Seeds numpy accepts (``agents.model.SEED_MAX``; not imported, so the parser stays light)."""

_positive_int = whole_number(1, N_("a whole number of months"), MAX_MONTHS)
seed_number = whole_number(0, N_("a seed (a whole number)"), SEED_MAX)
_scale = number_between(0.01, 1000.0, N_("an agent multiplier"))  # agents.model.SCALE_RANGE


# ---------------------------------------------------------------------------
# commands


def cmd_scenarios(args: argparse.Namespace) -> int:
    from agents.lang import ngettext
    from agents.scenario import ScenarioError, available_scenarios, load_scenario
    from agents.words import month_text

    rows = []
    for name in available_scenarios():
        try:
            sc = load_scenario(name)
        except ScenarioError as exc:
            rows.append((name, _("INVALID: {problem}").format(problem=exc.problems[0]), ""))
            continue
        n = sc.meta.months
        period = ngettext("{start} to {end} ({n} month)", "{start} to {end} ({n} months)", n).format(
            start=month_text(sc.date(0)), end=month_text(sc.date(n)), n=n)
        rows.append((name, _(sc.meta.description), period))
    _print_table((_("scenario"), _("description"), _("period")), rows)
    if args.markdown:
        from game.files import write_text
        from game.study import scenarios_markdown

        write_text(_check_out_path(args.markdown), scenarios_markdown())
        print(_("wrote {path}").format(path=args.markdown))
    return EXIT_OK


def cmd_levers(args: argparse.Namespace) -> int:
    from agents.regime import LEVERS

    from agents.commands import COUNTRY_POLICIES
    from agents.words import format_value

    names, policies = list(LEVERS), list(COUNTRY_POLICIES)
    if args.role:
        from game.session import GOVERNMENT_TIER, make_role, role_id

        try:  # a role's levers and policies do not depend on its country
            role = make_role(args.role, country="-" if role_id(args.role) in GOVERNMENT_TIER else None)
        except ValueError as exc:
            raise UsageError(f"--role: {str(exc).removeprefix('role: ')}") from None
        names, policies = list(role.levers), list(role.policies)
        print(_("{role}: {levers} lever(s), {policies} policy(ies); orders: {orders}").format(
            role=_(role.title), levers=len(names), policies=len(policies), orders=", ".join(role.commands)))

    rows = [(name, _(LEVERS[name].group), _(LEVERS[name].label), _(LEVERS[name].expected()), _(LEVERS[name].doc))
            for name in names]
    if rows:
        _print_table((_("lever"), _("group"), _("label"), _("expects"), _("what it does")), rows)
    if policies:
        if rows:
            print()
        print(_("Government policies (country_policy orders; a policy never set is left to the government's bot):"))
        _print_table((_("policy"), _("tier"), _("expects"), _("what it does"), _("left to the bot it"), _("cost")),
                     [(name, str(p.tier), _(p.spec.what), _(p.doc), _(p.bot),
                       format_value("USD/year", p.cost_usd_per_year) if p.cost_usd_per_year else "")
                      for name, p in ((n, COUNTRY_POLICIES[n]) for n in policies)])
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from agents.scenario import ScenarioError, load_scenario

    failed = 0
    for f in args.files:
        try:
            load_scenario(f)
        except ScenarioError as exc:
            failed += 1
            for problem in exc.problems:
                print(problem)
        else:
            print(_("ok    {file}").format(file=f))
    if failed:
        print(_("{failed} of {total} file(s) invalid").format(failed=failed, total=len(args.files)), file=sys.stderr)
    return EXIT_INVALID if failed else EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from agents.scenario import ScenarioError, load_scenario, parse_value

    overrides = _parse_overrides(args.overrides, parse_value)
    out = _check_out_path(args.out) if args.out else None
    try:
        scenario = load_scenario(args.scenario, overrides)
    except ScenarioError as exc:
        raise UsageError("\n  ".join(exc.problems)) from None
    months = args.months or scenario.meta.months
    rows = simulate(scenario, seed=args.seed, months=months, scale=args.scale)
    band = _uncertainty_band(args, overrides, months, out) if args.uncertainty else None
    if out is not None:
        write_csv(out, rows)
    if not args.quiet:
        _print_summary(scenario, args.seed, rows[-1], out, band, args.samples)
    return EXIT_OK


def _uncertainty_band(args: argparse.Namespace, overrides: dict[str, Any], months: int, out: Path | None):
    """The 10-90% band at the last month over ``--samples`` worlds of the declared ranges; with ``--out``
    the whole band by month and the sampled values are written beside the run's CSV."""
    from game import study
    from game.files import write_text

    runs, used = study.sample_runs(args.scenario, args.seed, args.samples, months, args.scale, overrides)
    table = study.band_table(runs, [name for name, _unit in SUMMARY])
    if out is not None:
        table.insert(1, "date", table.month.map(dict(zip(runs.month, runs.date))))
        write_text(_beside(out, "bands"), table.to_csv(index=False))
        write_text(_beside(out, "samples"), used.to_csv(index=False))
    return table[table.month == months].set_index("metric")


def _beside(path: Path, what: str) -> Path:
    return path.with_name(f"{path.stem}-{what}{path.suffix or '.csv'}")


# ---------------------------------------------------------------------------
# helpers


def simulate(scenario: Any, *, seed: int, months: int, scale: float = 1.0) -> list[dict[str, Any]]:
    """Run ``months`` months and return one row per month (month 0 = the start)."""
    from agents.metrics import COLUMNS
    from agents.model import ComputeModel

    model = ComputeModel(scenario=scenario, seed=seed, scale=scale)
    for _month in range(months):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    return [dict(zip(COLUMNS, (row[c] for c in COLUMNS))) for _i, row in frame.iterrows()]


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    """The run's monthly metrics, contract columns first (see :func:`write_table`)."""
    from agents.metrics import COLUMNS

    write_table(path, COLUMNS, ([row[c] for c in COLUMNS] for row in rows))


def write_table(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """CSV with floats in their exact shortest form, written atomically (temporary file, renamed)."""
    from game.files import atomic_write

    def write(tmp: Path) -> None:
        with open(tmp, "w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(list(columns))
            for row in rows:
                writer.writerow([_cell(v) for v in row])

    atomic_write(path, write)


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or getattr(getattr(value, "dtype", None), "kind", "") in ("i", "u"):
        return str(int(value))
    v = float(value)
    return "" if math.isnan(v) else repr(v)


def _parse_overrides(items: list[str], parse_value) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key.strip() or not text.strip():
            raise UsageError(_("--set {item}: expected KEY=VALUE, e.g. lpp_limit_h100e=500").format(item=repr(item)))
        out[key.strip()] = parse_value(text.strip())
    return out


def _check_out_path(path: Path) -> Path:
    """Fail before simulating if the CSV cannot be written there."""
    if path.is_dir():
        raise UsageError(_("--out {path}: is a folder; expected a file name such as {example}").format(
            path=path, example=path / "run.csv"))
    parent = path.parent if str(path.parent) else Path(".")
    for folder in (parent, *parent.parents):
        if folder.exists() and not folder.is_dir():
            raise UsageError(_("--out {path}: {folder} is a file, not a folder; expected a path in a folder").format(
                path=path, folder=folder))
    if not parent.exists():
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(_("--out {path}: cannot create folder {folder}: {problem}").format(
                path=path, folder=parent, problem=exc.strerror)) from None
    if not os.access(parent, os.W_OK):
        raise UsageError(_("--out {path}: folder {folder} is not writable").format(path=path, folder=parent))
    return path


def _print_summary(scenario: Any, seed: int, last: dict[str, Any], out: Path | None, band=None,
                   samples: int = 0) -> None:
    from agents.words import month_text

    print(_("{title} — seed {seed}, {start} to {end} ({months} months)").format(
        title=_(scenario.meta.title), seed=seed, start=month_text(scenario.date(0)), end=month_text(last["date"]),
        months=last["month"]))
    if band is None:
        rows = [(name, _human(last[name], unit), _(unit)) for name, unit in SUMMARY]
        _print_table((_("metric"), _("value"), _("unit")), rows, right={1})
    else:
        print(_("value: at the scenario's own parameters; 10-90%: across {samples} worlds drawn from the declared "
                "ranges of the estimated parameters (Latin hypercube), same seed").format(samples=samples))
        rows = [(name, _human(last[name], unit), f"{_human(band.low[name], unit)} – {_human(band.high[name], unit)}",
                 _(unit)) for name, unit in SUMMARY]
        _print_table((_("metric"), _("value"), "10-90%", _("unit")), rows, right={1, 2})
    if out is not None:
        if band is None:
            print(_("wrote {rows} rows to {path}").format(rows=last["month"] + 1, path=out))
        else:
            print(_("wrote {rows} rows to {path}, the band by month to {bands} and the sampled values to "
                    "{samples}").format(rows=last["month"] + 1, path=out, bands=_beside(out, "bands"),
                                        samples=_beside(out, "samples")))


def _human(value: Any, unit: str) -> str:
    """A summary cell: the unit has its own column, so only the number."""
    from agents.words import format_value

    return format_value(unit, value, style="bare")


def _print_table(header: tuple[str, ...], rows: list[tuple], right: set[int] = frozenset()) -> None:
    from agents.words import text_columns

    widths = [max(text_columns(str(x)) for x in col) for col in zip(header, *rows)]
    def pad(cell: str, width: int, right_aligned: bool) -> str:
        fill = " " * (width - text_columns(cell))
        return fill + cell if right_aligned else cell + fill
    def line(cells):
        return "  ".join(pad(str(c), w, i in right) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


if __name__ == "__main__":
    sys.exit(main())
