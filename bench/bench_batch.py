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
(c) ``--vs-mesa`` runs (default 80) on 2 workers through ``run_batch`` (what
    ``silicon-curtain batch`` does) and through ``mesa.batch_run`` on the
    same seeds, back to back in alternating order, ``--rounds`` times
    (default 3): median wall times, runs/s, and batch speed over Mesa's; the
    CPU seconds of each (this process and its workers) show the work done
    when other load moves the wall times.
    Mesa's numbers are checked equal to the batch's (the same work was done).

Targets: (a) finishes in minutes, not hours; (b) near-linear speedup
(>= 1.6x on two otherwise idle cores); (c) the batch at least as fast as
``mesa.batch_run`` (>= 1.0x, issue #10). Figures move with other load on the
machine; compare runs on the same machine. A measurement with 0 runs is
skipped: ``--runs 0 --speedup-runs 0`` measures (c) alone.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Benchmark the working tree even without an editable install.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SCENARIO = "diffusion_rule_2025"
TARGET_SPEEDUP = 1.6
TARGET_VS_MESA = 1.0

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


def cpu_seconds() -> float:
    """CPU time of this process and its finished workers: the work done, which other load moves less than wall time."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def write_sweep(folder: Path, runs: int) -> Path:
    sweep = folder / f"mc_{runs}.toml"
    sweep.write_text(SWEEP.format(scenario=SCENARIO, runs=runs))
    return sweep


def timed_batch(folder: Path, runs: int, workers: int, progress: bool | None = None) -> tuple[float, Path]:
    from game.batch import run_batch

    sweep = write_sweep(folder, runs)
    out = folder / f"out_{runs}_{workers}"
    shutil.rmtree(out, ignore_errors=True)  # rounds repeat a measurement: a new folder each time
    t0 = time.perf_counter()
    run_batch(sweep, out, workers=workers, progress=sys.stderr.isatty() if progress is None else progress)
    return time.perf_counter() - t0, out


def timed_mesa(seeds: list[int], months: int, workers: int) -> tuple[float, list[dict]]:
    """``mesa.batch_run`` over the seeds, every metric kept monthly.

    Mesa 3.3.1 runs ``max_steps + 1`` steps (tests/test_model.py pins it), so
    ``max_steps = months - 1`` calls ``step()`` ``months`` times, as the
    batch does; Mesa then reports months 0..months-1, the batch 0..months.
    """
    import mesa

    from agents.model import ComputeModel

    t0 = time.perf_counter()
    rows = mesa.batch_run(ComputeModel, parameters={"scenario": SCENARIO, "seed": seeds}, iterations=1,
                          max_steps=months - 1, number_processes=workers, data_collection_period=1,
                          display_progress=False)
    return time.perf_counter() - t0, rows


def same_numbers(rows: list[dict], results, table) -> bool:
    """Whether Mesa's rows hold the batch's numbers for the same seeds and months (the same work)."""
    import pandas as pd

    theirs = pd.DataFrame(rows)  # Mesa's "Step" equals the model's own "month" column
    theirs["seed"] = theirs["seed"].astype("uint64")
    ours = results.merge(table[["run_id", "seed"]], on="run_id")
    merged = ours.merge(theirs, on=["seed", "month"], suffixes=("", "_mesa"))
    metrics = [c for c in results.columns if c not in ("run_id", "month", "date")]
    return len(merged) == len(theirs) == len(table) * (results["month"].max()) and all(
        merged[m].astype("float64").equals(merged[f"{m}_mesa"].astype("float64")) for m in metrics)


def vs_mesa(folder: Path, runs: int, workers: int, rounds: int) -> float:
    """(c): batch vs ``mesa.batch_run`` on the same runs, alternating which goes first; the speed ratio."""
    import pandas as pd

    from game.batch import load_sweep, plan_runs

    sweep = load_sweep(write_sweep(folder, runs))
    table = plan_runs(sweep)
    seeds = [int(s) for s in table["seed"]]
    times: dict[str, list[float]] = {"batch": [], "mesa": []}
    cpu: dict[str, list[float]] = {"batch": [], "mesa": []}
    for r in range(rounds):
        for who in ("batch", "mesa") if r % 2 == 0 else ("mesa", "batch"):
            c0 = cpu_seconds()
            if who == "batch":
                t, out = timed_batch(folder, runs, workers, progress=False)
            else:
                t, rows = timed_mesa(seeds, sweep.months, workers)
            times[who].append(t)
            cpu[who].append(cpu_seconds() - c0)
        print(f"  round {r + 1}: batch {times['batch'][-1]:6.1f} s ({cpu['batch'][-1]:5.1f} CPU s), "
              f"mesa.batch_run {times['mesa'][-1]:6.1f} s ({cpu['mesa'][-1]:5.1f} CPU s), "
              f"CPU pressure {cpu_pressure()}")
    same = same_numbers(rows, pd.read_parquet(out / "results.parquet"), table)
    tb, tm = statistics.median(times["batch"]), statistics.median(times["mesa"])
    ratio = tm / tb  # (runs / tb) / (runs / tm)
    print(f"  {runs} runs, {workers} workers, median of {rounds}: batch {tb:6.1f} s {runs / tb:6.2f} runs/s, "
          f"mesa.batch_run {tm:6.1f} s {runs / tm:6.2f} runs/s: batch/mesa speed {ratio:.2f}x "
          f"(same numbers: {'yes' if same else 'NO'}; CPU s batch/mesa "
          f"{statistics.median(cpu['batch']) / statistics.median(cpu['mesa']):.2f})")
    if not same:
        print("  FAIL: mesa.batch_run and the batch disagree on the same seeds", file=sys.stderr)
        return math.nan
    return ratio


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=1000, help="runs in the main measurement (default 1000; 0 skips it)")
    p.add_argument("--workers", type=int, default=2, help="workers in the main measurement (default 2)")
    p.add_argument("--speedup-runs", type=int, default=200,
                   help="runs for the 1 -> 2 worker speedup (default 200; 0 skips it)")
    p.add_argument("--vs-mesa", type=int, default=80,
                   help="runs for batch vs mesa.batch_run on 2 workers (default 80; 0 skips it)")
    p.add_argument("--rounds", type=int, default=3, help="rounds of batch vs mesa.batch_run (default 3)")
    args = p.parse_args()

    import pandas as pd

    print(f"batch benchmark: {platform.python_version()} on {platform.platform()}, "
          f"{os.cpu_count()} CPUs; scenario {SCENARIO}, 72 months, all metrics monthly; "
          f"CPU pressure before: {cpu_pressure()}")
    speedup = ratio = t = None
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        folder = Path(tmp)
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
        if args.vs_mesa:
            ratio = vs_mesa(folder, args.vs_mesa, 2, max(1, args.rounds))
        if args.runs:
            t, out = timed_batch(folder, args.runs, args.workers)
            rows = len(pd.read_parquet(out / "results.parquet", columns=["run_id"]))
            size = (out / "results.parquet").stat().st_size / 2**20
            print(f"  {args.runs} runs, {args.workers} workers: {t:7.1f} s  {args.runs / t:6.2f} runs/s  "
                  f"({rows:,} rows, results.parquet {size:.1f} MiB)")
    print(f"  CPU pressure after: {cpu_pressure()} (high values: other processes competed for the cores, "
          f"and the figures above understate this machine)")
    verdicts = []
    if t is not None:
        verdicts.append(f"{args.runs} runs in {t / 60:.1f} min "
                        f"({'minutes, not hours' if t < 3600 else 'over an hour'})")
    if speedup is not None:
        verdicts.append(f"1 -> 2 workers {speedup:.2f}x "
                        f"({'near-linear' if speedup >= TARGET_SPEEDUP else f'below the {TARGET_SPEEDUP}x target'})")
    if ratio is not None:
        verdicts.append(f"vs mesa.batch_run {ratio:.2f}x ("
                        + ("at least as fast" if ratio >= TARGET_VS_MESA else f"below the {TARGET_VS_MESA}x target")
                        + ")")
    print("batch: " + "; ".join(verdicts))
    return 1 if ratio is not None and math.isnan(ratio) else 0


if __name__ == "__main__":
    sys.exit(main())
