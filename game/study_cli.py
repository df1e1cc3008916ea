"""CLI commands for scenario studies: ``calibrate`` and ``compare`` (see game.study)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from agents.lang import N_, _
from game.cli import EXIT_INVALID, EXIT_OK, RESEARCH, UsageError, _check_out_path, _print_table, whole_number
from game.files import write_text



def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("calibrate", help=_("the model against the sourced record: fitted and held-out targets, "
                                           "with a band over the declared parameter ranges and seeds"))
    s.add_argument("--seeds", type=_count, default=2, help=_("seeds per parameter point (default 2)"))
    s.add_argument("--samples", type=whole_number(0, N_("a number of parameter samples"), 10_000), default=12,
                   help=_("Latin-hypercube points of the declared parameter ranges (default 12; 0: seeds only)"))
    s.add_argument("--out", type=Path, default=Path("docs/calibration.md"),
                   help=_("Markdown table to write (default docs/calibration.md)"))
    s.add_argument("--check", action="store_true",
                   help=_("write nothing; exit 1 if --out differs from what the model gives now (make test runs "
                          "this)"))
    s.set_defaults(func=cmd_calibrate)

    s = sub.add_parser("compare", help=_("run two scenarios on the same seeds and compare key metrics"))
    s.add_argument("a", help=_("first scenario (the baseline)"))
    s.add_argument("b", help=_("second scenario"))
    s.add_argument("--seeds", type=_count, default=20, help=_("seeds (default 20)"))
    s.add_argument("--months", type=_months, default=None,
                   help=_("comma-separated months to report, e.g. 12,36,72 (default: 12, half, end)"))
    s.add_argument("--out", type=Path, help=_("folder for compare.csv, runs.csv and fan_chart.png"))
    s.add_argument("--uncertainty", action="store_true",
                   help=_("also sample the declared ranges of the estimated parameters ([uncertainties]): the "
                          "interval then says what the parameters leave open, not only seed noise"))
    s.add_argument("--samples", type=whole_number(2, N_("a number of parameter samples"), 10_000), default=16,
                   help=_("Latin-hypercube points of the declared ranges with --uncertainty (default 16)"))
    s.set_defaults(func=cmd_compare, needs=RESEARCH)


_count = whole_number(2, N_("a number of seeds"), 10_000)


def _share(value: float) -> str:
    """A variance share; none when nothing varied (a metric equal in every run)."""
    return "-" if value != value else f"{value:.0%}"


def _months(text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected months like 12,36,72, got {value}").format(
            value=repr(text))) from None
    if not values or min(values) < 0:  # the top is the scenario's length, checked in cmd_compare
        raise argparse.ArgumentTypeError(_("expected months like 12,36,72 (>= 0), got {value}").format(
            value=repr(text)))
    return values


def cmd_calibrate(args: argparse.Namespace) -> int:
    from game import study

    out = args.out if args.check else _check_out_path(args.out)
    seeds = list(range(1, args.seeds + 1))
    table = study.calibrate(seeds, samples=args.samples, progress=lambda msg: print(msg, file=sys.stderr))
    text = study.calibration_markdown(table, seeds, args.samples)
    if args.check:
        return _check_calibration(out, text, study._calibrate_command(args.seeds, args.samples))
    rows = [(r.target, _("held-out") if r.held_out else _("fitted"), study._fmt(r.model_mean, r.unit),
             f"{study._fmt(r.band_low, r.unit)} – {study._fmt(r.band_high, r.unit)}", r.sourced,
             r.verdict) for r in table.itertuples()]
    _print_table((_("target"), _("kind"), _("model"), _("band 10-90%"), _("sourced"), _("verdict")), rows)
    write_text(out, text)
    print(_("wrote {path}").format(path=out))
    return EXIT_OK


def _check_calibration(path: Path, text: str, command: str) -> int:
    """Exit 1, saying what moved, when the calibration page no longer says what the model gives."""
    import difflib

    try:
        shipped = path.read_text(encoding="utf-8")
    except OSError as exc:
        print(_("{path}: cannot read it ({problem}); make it with `{command} --out {path}`").format(
            path=path, problem=exc.strerror or exc, command=command), file=sys.stderr)
        return EXIT_INVALID
    if shipped == text:
        print(_("{path} matches the model").format(path=path))
        return EXIT_OK
    diff = [line.rstrip("\n") for line in difflib.unified_diff(
        shipped.splitlines(True), text.splitlines(True), f"{path} (shipped)", "the model now", n=0)]
    print(_("{path}: differs from what the model gives now; renew it with `{command} --out {path}`").format(
        path=path, command=command), file=sys.stderr)
    for line in diff[:24]:
        print("  " + line, file=sys.stderr)
    if len(diff) > 24:
        print(_("  ... {n} more lines").format(n=len(diff) - 24), file=sys.stderr)
    return EXIT_INVALID


def cmd_compare(args: argparse.Namespace) -> int:
    from agents.scenario import ScenarioError, load_scenario
    from agents.words import month_text
    from game import study

    for name in (args.a, args.b):
        try:
            sc = load_scenario(name)
        except ScenarioError as exc:
            raise UsageError("\n  ".join(exc.problems)) from None
        if args.months and max(args.months) > sc.meta.months:
            raise UsageError(_("--months {month}: {scenario} runs only {months} months").format(
                month=max(args.months), scenario=name, months=sc.meta.months))
    out_dir = None
    if args.out is not None:
        if args.out.exists() and not args.out.is_dir():
            raise UsageError(_("--out {path}: is a file; expected a folder").format(path=args.out))
        _check_out_path(args.out / "compare.csv")
        out_dir = args.out
    seeds = list(range(1, args.seeds + 1))
    samples = args.samples if args.uncertainty else 0
    runs, table = study.compare(args.a, args.b, seeds, args.months, samples=samples)
    if samples:
        print(_("{b} minus {a}, paired over {seeds} seeds x {samples} samples of the declared parameter ranges "
                "(95% interval of the mean difference; 5-95% of the difference across them; the share of its "
                "variance from the parameters)").format(a=args.a, b=args.b, seeds=len(seeds), samples=samples))
    else:
        print(_("{b} minus {a}, paired over {seeds} seeds (95% interval of the mean difference; seed noise only: "
                "add --uncertainty for the parameters)").format(a=args.a, b=args.b, seeds=len(seeds)))
    # by column name: a scenario given as a path (scenarios/x.toml) is no Python identifier
    rows = [(r["metric"], month_text(r["date"]), study._fmt(r[f"mean_{args.a}"], r["unit"]),
             study._fmt(r[f"mean_{args.b}"], r["unit"]), study._fmt(r["mean_diff"], r["unit"]),
             f"[{study._fmt(r['ci_low'], r['unit'])}, {study._fmt(r['ci_high'], r['unit'])}]")
            + ((_("{lo} to {hi}").format(lo=study._fmt(r["p5_diff"], r["unit"]),
                                         hi=study._fmt(r["p95_diff"], r["unit"])),
                _share(r["parameter_share"])) if samples else ())
            for r in table.to_dict("records")]
    head = (_("metric"), _("month"), args.a, args.b, _("difference"), _("95% interval"))
    _print_table(head + ((_("5-95% across"), _("from parameters")) if samples else ()), rows, right={2, 3, 4})
    if out_dir is not None:
        write_text(out_dir / "compare.csv", table.to_csv(index=False))
        write_text(out_dir / "runs.csv", runs.to_csv(index=False))
        study.fan_chart(runs, args.a, args.b, out_dir / "fan_chart.png")
        print(_("wrote {path}").format(path=f"{out_dir / 'compare.csv'}, {out_dir / 'runs.csv'}, "
                                            f"{out_dir / 'fan_chart.png'}"))
    return EXIT_OK
