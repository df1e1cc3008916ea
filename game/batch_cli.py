"""The ``batch`` and ``report`` subcommands: research sweeps from the command line.

Owns their arguments and turning sweep-file, folder and report problems into
one line (``game.cli.UsageError``, exit 2). ``game.batch`` and
``game.report`` are imported only when one of these commands runs, so the
other commands start as fast as before. Never imports pygame.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from agents.lang import N_, _
from game.cli import EXIT_OK, RESEARCH, UsageError, whole_number


def _factor_value(key: str):
    """How a sweep factor's values read in a plan: a lever in its words ('$171M a year'), anything else as a number."""
    from agents.regime import LEVERS
    from agents.words import format_lever, table_number

    if key in LEVERS:
        return lambda v: format_lever(key, v)
    return table_number

BACKENDS = ("process", "ray")



def register(sub: Any) -> None:
    """Add ``batch`` and ``report`` to the ``silicon-curtain`` subcommands."""
    s = sub.add_parser("batch", help=_("run a sweep file: many seeded runs, resumable, local or on Ray"),
                       description=_("Run every run of a sweep file and write Parquet results, a run table "
                                     "and a manifest into --out. Kill it at any time; --resume finishes it."))
    s.add_argument("sweep", help=_("a sweep file (.toml) or a shipped sweep's name, e.g. enforcement"))
    s.add_argument("--out", type=Path, help=_("output folder (default: results/<sweep file name>)"))
    s.add_argument("--workers", type=_positive_int,
                   help=_("worker processes (default: the number of cores; 1 runs in this process); "
                          "with --backend ray: CPUs of a local Ray"))
    s.add_argument("--backend", choices=BACKENDS, default="process",
                   help=_("process (default): a local process pool; ray: RAY_ADDRESS's cluster or a local Ray"))
    s.add_argument("--resume", action="store_true", help=_("finish the batch in --out: run only the missing runs"))
    s.add_argument("--csv", action="store_true", help=_("also write results.csv and runs.csv"))
    s.add_argument("--batch-size", type=_positive_int, metavar="N",
                   help=_("runs per task, at most (default: about four tasks per worker, at most 10; fewer at the "
                          "end)"))
    s.add_argument("--plan", action="store_true", help=_("print the inputs and number of runs, run nothing"))
    s.add_argument("--max-runs", type=whole_number(1, N_("a number of runs"), 10_000_000), default=100_000,
                   metavar="N", help=_("refuse a sweep of more than N runs (default 100000, about a day "
                                       "on a laptop; at most 10000000)"))
    s.add_argument("--no-progress", action="store_true", help=_("no progress bar"))
    s.set_defaults(func=cmd_batch, needs=RESEARCH)

    s = sub.add_parser("report", help=_("figures and a Markdown summary of a finished batch"),
                       description=_("Write PNG and SVG figures and summary.md into DIR/report/."))
    s.add_argument("folder", type=Path, help=_("a batch output folder (the --out of `batch`)"))
    s.add_argument("--threshold", action="append", default=[], metavar="METRIC>VALUE",
                   help=_("list the runs where a metric crosses a value, e.g. smuggled_cum>150000 (repeatable)"))
    s.add_argument("--metrics", help=_("comma-separated metrics to chart (default: the sweep's [report] "
                                       "metrics, else its first four)"))
    s.add_argument("--by", help=_("input to split the charts by (default: the first lever)"))
    s.add_argument("--no-svg", action="store_true", help=_("PNG only"))
    s.set_defaults(func=cmd_report, needs=RESEARCH)


_positive_int = whole_number(1, N_("a whole number"), 100_000)


def cmd_batch(args: argparse.Namespace) -> int:
    import time

    from game.batch import (BatchError, SweepError, check_size, count_points, count_runs, default_workers,
                            estimate_seconds, load_sweep, run_batch)

    try:
        sweep = load_sweep(args.sweep)
    except SweepError as exc:
        raise UsageError("\n  ".join(exc.problems)) from None
    runs, points = count_runs(sweep), count_points(sweep)  # counted, not built: a huge plan is refused first
    cores = args.workers or default_workers()
    header = _("{title}: {runs} runs ({points} points x {seeds} seed(s), design {design}), {months} months of "
               "{scenario}; about {duration} on {cores} core(s)").format(
        title=_(sweep.title), runs=f"{runs:,}", points=f"{points:,}", seeds=sweep.seeds, design=sweep.design,
        months=sweep.months, scenario=Path(sweep.scenario).stem,
        duration=_duration(estimate_seconds(sweep, runs, cores)), cores=cores)
    try:
        check_size(sweep, args.max_runs)
    except BatchError as exc:
        print(header, flush=True)
        raise UsageError(str(exc)) from None
    if args.plan:
        print(header)
        for f in sweep.factors:
            say = _factor_value(f.key)
            if f.declared:
                what = _("quantile of its declared range {span} ({dist}, sampled)").format(span=f.span, dist=f.dist)
            elif f.values is not None:
                what = ", ".join(say(v) for v in f.values)
            elif f.steps:
                what = _("{lo} to {hi} in {steps} steps").format(lo=say(f.lo), hi=say(f.hi), steps=f.steps)
            else:
                what = _("{lo} to {hi} (sampled)").format(lo=say(f.lo), hi=say(f.hi))
            print(f"  {f.kind:<11} {f.key} = {what}")
        return EXIT_OK
    out = args.out or Path("results") / sweep.name
    print(f"{header} -> {out}", flush=True)
    t0 = time.perf_counter()
    try:
        run_batch(sweep, out, workers=args.workers, backend=args.backend, resume=args.resume,
                  csv=True if args.csv else None, batch_size=args.batch_size,
                  progress=False if args.no_progress else None)
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    except KeyboardInterrupt:
        print(_("silicon-curtain: interrupted; the runs finished so far are saved in {out}: finish them with "
                "silicon-curtain batch {sweep} --out {out} --resume").format(out=out, sweep=args.sweep),
              file=sys.stderr)
        return 130
    seconds = time.perf_counter() - t0
    print(_("done in {seconds} s: {results} (results), {inputs} (inputs), {manifest}\nnext: silicon-curtain "
            "report {out}").format(seconds=f"{seconds:.1f}", results=out / "results.parquet",
                                   inputs=out / "runs.parquet", manifest=out / "manifest.json", out=out))
    return EXIT_OK


def _duration(seconds: float) -> str:
    """A rough time in the largest unit that reads well: 40 s, 12 min, 3.5 h, 9 days."""
    if seconds < 90:
        return _("{n} s").format(n=f"{seconds:.0f}")
    if seconds < 5400:
        return _("{n} min").format(n=f"{seconds / 60:.0f}")
    if seconds < 172800:
        return _("{n} h").format(n=f"{seconds / 3600:.1f}")
    return _("{n} days").format(n=f"{seconds / 86400:,.0f}")


def cmd_report(args: argparse.Namespace) -> int:
    from game.batch import BatchError
    from game.report import write_report

    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()] if args.metrics else None
    try:
        out = write_report(args.folder, thresholds=args.threshold, metrics=metrics, by=args.by,
                           svg=not args.no_svg)
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    print(_("wrote {path} and its figures").format(path=out / "summary.md"))
    return EXIT_OK
