"""Batch benchmark for Silicon Curtain (a script, not a test).

Run with ``make bench`` or ``.venv/bin/python bench/bench_batch.py [--runs N]``.

What it measures, on this machine, with ``time.perf_counter`` around
``game.batch.run_batch`` (sweep validation, run table, process start-up,
every run, Parquet parts, the final merge and the manifest):

(a) ``--runs`` runs (default 1,000) of the default scenario
    (``diffusion_rule_2025``, its 72 months, every metric kept monthly) as a
    Monte Carlo over seeds on ``--workers`` workers (default 2, a process
    pool): wall time and runs/s.
(b) The speedup from 1 to 2 workers on the same ``--speedup-runs`` runs
    (default 200): 1 worker runs in this process, 2 in a process pool; the
    two result tables are checked identical.

Targets: (a) finishes in minutes, not hours; (b) near-linear speedup
(>= 1.6x on two otherwise idle cores). Figures move with other load on the
machine; compare runs on the same machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

# Benchmark the working tree even without an editable install.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SCENARIO = "diffusion_rule_2025"
TARGET_SPEEDUP = 1.6

SWEEP = """\
[sweep]
title = "Benchmark: Monte Carlo of the default scenario"
scenario = "{scenario}"

[design]
kind = "grid"
seeds = {runs}
root_seed = 1
"""


def cpu_pressure() -> str:
    """Linux PSI: share of the last 60 s in which some runnable task waited for a CPU (other load shows here)."""
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except (OSError, IndexError):
        return "n/a"
    return next((f"{float(f.split('=')[1]):.0f}%" for f in line.split() if f.startswith("avg60=")), "n/a")


def timed_batch(folder: Path, runs: int, workers: int) -> tuple[float, Path]:
    from game.batch import run_batch

    sweep = folder / f"mc_{runs}.toml"
    sweep.write_text(SWEEP.format(scenario=SCENARIO, runs=runs))
    out = folder / f"out_{runs}_{workers}"
    t0 = time.perf_counter()
    run_batch(sweep, out, workers=workers, progress=sys.stderr.isatty())
    return time.perf_counter() - t0, out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=1000, help="runs in the main measurement (default 1000)")
    p.add_argument("--workers", type=int, default=2, help="workers in the main measurement (default 2)")
    p.add_argument("--speedup-runs", type=int, default=200,
                   help="runs for the 1 -> 2 worker speedup (default 200; 0 skips it)")
    args = p.parse_args()

    import pandas as pd

    print(f"batch benchmark: {platform.python_version()} on {platform.platform()}, "
          f"{os.cpu_count()} CPUs; scenario {SCENARIO}, 72 months, all metrics monthly; "
          f"CPU pressure before: {cpu_pressure()}")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        folder = Path(tmp)
        speedup = None
        if args.speedup_runs:
            t1, out1 = timed_batch(folder, args.speedup_runs, 1)
            t2, out2 = timed_batch(folder, args.speedup_runs, 2)
            same = pd.read_parquet(out1 / "results.parquet").equals(pd.read_parquet(out2 / "results.parquet"))
            speedup = t1 / t2
            print(f"  {args.speedup_runs} runs, 1 worker : {t1:7.1f} s  {args.speedup_runs / t1:6.2f} runs/s")
            print(f"  {args.speedup_runs} runs, 2 workers: {t2:7.1f} s  {args.speedup_runs / t2:6.2f} runs/s"
                  f"  speedup {speedup:.2f}x  (tables identical: {'yes' if same else 'NO'})")
            if not same:
                print("  FAIL: 1 and 2 workers gave different tables", file=sys.stderr)
                return 1
        t, out = timed_batch(folder, args.runs, args.workers)
        rows = len(pd.read_parquet(out / "results.parquet", columns=["run_id"]))
        size = (out / "results.parquet").stat().st_size / 2**20
        print(f"  {args.runs} runs, {args.workers} workers: {t:7.1f} s  {args.runs / t:6.2f} runs/s  "
              f"({rows:,} rows, results.parquet {size:.1f} MiB)")
    print(f"  CPU pressure after: {cpu_pressure()} (high values: other processes competed for the cores, "
          f"and the figures above understate this machine)")
    verdict = "minutes, not hours" if t < 3600 else "over an hour"
    line = f"batch: {args.runs} runs in {t / 60:.1f} min ({verdict})"
    if speedup is not None:
        line += (f"; 1 -> 2 workers {speedup:.2f}x "
                 f"({'near-linear' if speedup >= TARGET_SPEEDUP else f'below the {TARGET_SPEEDUP}x target'})")
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
