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
    s = sub.add_parser("batch", help="run a sweep file: many seeded runs, resumable, local or on Ray",
                       description="Run every run of a sweep file and write Parquet results, a run table "
                                   "and a manifest into --out. Kill it at any time; --resume finishes it.")
    s.add_argument("sweep", help="a sweep file (.toml) or a shipped sweep's name, e.g. enforcement")
    s.add_argument("--out", type=Path, help="output folder (default: results/<sweep file name>)")
    s.add_argument("--workers", type=_positive_int,
                   help="worker processes (default: the number of cores; 1 runs in this process); "
                        "with --backend ray: CPUs of a local Ray")
    s.add_argument("--backend", choices=BACKENDS, default="process",
                   help="process (default): a local process pool; ray: RAY_ADDRESS's cluster or a local Ray")
    s.add_argument("--resume", action="store_true", help="finish the batch in --out: run only the missing runs")
    s.add_argument("--csv", action="store_true", help="also write results.csv and runs.csv")
    s.add_argument("--batch-size", type=_positive_int, metavar="N",
                   help="runs per task, at most (default: about four tasks per worker, at most 10; fewer at the end)")
    s.add_argument("--plan", action="store_true", help="print the inputs and number of runs, run nothing")
    s.add_argument("--max-runs", type=whole_number(1, "a number of runs", 10_000_000), default=100_000,
                   metavar="N", help="refuse a sweep of more than N runs (default 100000, about a day "
                                     "on a laptop; at most 10000000)")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.set_defaults(func=cmd_batch, needs=RESEARCH)

    s = sub.add_parser("report", help="figures and a Markdown summary of a finished batch",
                       description="Write PNG and SVG figures and summary.md into DIR/report/.")
    s.add_argument("folder", type=Path, help="a batch output folder (the --out of `batch`)")
    s.add_argument("--threshold", action="append", default=[], metavar="METRIC>VALUE",
                   help="list the runs where a metric crosses a value, e.g. smuggled_cum>150000 (repeatable)")
    s.add_argument("--metrics", help="comma-separated metrics to chart (default: the sweep's [report] "
                                     "metrics, else its first four)")
    s.add_argument("--by", help="input to split the charts by (default: the first lever)")
    s.add_argument("--no-svg", action="store_true", help="PNG only")
    s.set_defaults(func=cmd_report, needs=RESEARCH)


_positive_int = whole_number(1, "a whole number", 100_000)


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
    header = (f"{sweep.title}: {runs:,} runs ({points:,} points x {sweep.seeds} seed(s), design "
              f"{sweep.design}), {sweep.months} months of {Path(sweep.scenario).stem}; about "
              f"{_duration(estimate_seconds(sweep, runs, cores))} on {cores} core(s)")
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
                what = f"quantile of its declared range {f.span} ({f.dist}, sampled)"
            else:
                what = (", ".join(say(v) for v in f.values) if f.values is not None
                        else f"{say(f.lo)} to {say(f.hi)}" + (f" in {f.steps} steps" if f.steps else " (sampled)"))
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
        print(f"silicon-curtain: interrupted; the runs finished so far are saved in {out}: finish them with "
              f"silicon-curtain batch {args.sweep} --out {out} --resume", file=sys.stderr)
        return 130
    seconds = time.perf_counter() - t0
    print(f"done in {seconds:.1f} s: {out / 'results.parquet'} (results), {out / 'runs.parquet'} (inputs), "
          f"{out / 'manifest.json'}\nnext: silicon-curtain report {out}")
    return EXIT_OK


def _duration(seconds: float) -> str:
    """A rough time in the largest unit that reads well: 40 s, 12 min, 3.5 h, 9 days."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:,.0f} days"


def cmd_report(args: argparse.Namespace) -> int:
    from game.batch import BatchError
    from game.report import write_report

    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()] if args.metrics else None
    try:
        out = write_report(args.folder, thresholds=args.threshold, metrics=metrics, by=args.by,
                           svg=not args.no_svg)
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    print(f"wrote {out / 'summary.md'} and its figures")
    return EXIT_OK
