"""Core performance benchmark for Silicon Curtain (a script, not a test).

Run with ``make bench`` or ``.venv/bin/python bench/bench_core.py [--quick]``.

What it measures, on this machine, with ``time.perf_counter``:

(a) Default scenario: ``ComputeModel(scenario="diffusion_rule_2025", seed=0)``
    stepped for 72 months in-process. Model construction and the 72 steps are
    timed separately; best of 3.
(b) Scaling: the same scenario with ``scale`` = 1, 10, 100, stepped 72 months:
    step wall time, months/s, number of agents (``len(m.agents)`` after
    construction), agent-months/s and the per-agent-month cost relative to
    scale 1 (1.0 = perfectly linear). Agent-months count ``len(m.agents)`` at
    the start of every step, i.e. agents x months when the population is fixed.
    Best of up to 3 runs (no more repeats once a scale has used 10 s).
(c) Memory: peak resident set size of the process (``resource`` ru_maxrss,
    monotone, so it is shown "so far" after each scale), and the tracemalloc
    peak of a separate scale-100 run (construction + 72 months; tracemalloc
    slows the run down, so it is never timed).
(d) Reference: Mesa's bundled BoltzmannWealth example (mesa 3.3.1) with
    10,000 agents on a 100x100 grid for 20 steps: agent-steps/s (best of 3).

Targets:
    * default scenario (construction + 72 months) < 1 s;
    * linear scaling: per-agent-month cost at scale 100 <= 1.5x that at scale 1;
    * scale-100 agent-months/s >= 3x BoltzmannWealth agent-steps/s.

Flags:
    --quick           skip scale 100 (the largest scale run stands in for it)
    --only-reference  run only (d), the BoltzmannWealth reference; does not
                      import the project, so it works before ``agents`` exists
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import sys
import time
import tracemalloc
from pathlib import Path

# Benchmark the working tree even without an editable install.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SCENARIO = "diffusion_rule_2025"
MONTHS = 72
SCALES = (1, 10, 100)
REPEATS = 3
SCALE_TIME_BUDGET_S = 10.0

REF_AGENTS = 10_000
REF_GRID = (100, 100)
REF_STEPS = 20

TARGET_DEFAULT_S = 1.0
TARGET_LINEAR_RATIO = 1.5
TARGET_VS_REFERENCE = 3.0


# --------------------------------------------------------------------------- helpers


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))
        )

    return "\n".join([fmt(headers), "  ".join("-" * w for w in widths), *map(fmt, rows)])


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def heading(text: str) -> None:
    print(f"\n{text}\n{'=' * len(text)}")


# --------------------------------------------------------------------------- project model


def build_model(scale: int | None = None):
    """Construct the project model (imported here so --only-reference needs no project)."""
    from agents.model import ComputeModel

    if scale is None:
        return ComputeModel(scenario=SCENARIO, seed=0)
    return ComputeModel(scenario=SCENARIO, seed=0, scale=scale)


def bench_default() -> dict:
    """(a) Default scenario: construction and 72 months timed separately, best of 3."""
    builds, steps, totals = [], [], []
    for _ in range(REPEATS):
        gc.collect()
        t0 = time.perf_counter()
        m = build_model()
        t1 = time.perf_counter()
        for _ in range(MONTHS):
            m.step()
        t2 = time.perf_counter()
        builds.append(t1 - t0)
        steps.append(t2 - t1)
        totals.append(t2 - t0)
        del m
    return {"build": min(builds), "step": min(steps), "total": min(totals)}


def run_scale(scale: int) -> dict:
    """One run at `scale`: construction time, step time, agents, agent-months."""
    gc.collect()
    t0 = time.perf_counter()
    m = build_model(scale)
    build = time.perf_counter() - t0
    agents = len(m.agents)
    step_time = 0.0
    agent_months = 0
    for _ in range(MONTHS):
        agent_months += len(m.agents)
        t = time.perf_counter()
        m.step()
        step_time += time.perf_counter() - t
    return {
        "scale": scale,
        "build": build,
        "step": step_time,
        "agents": agents,
        "agents_end": len(m.agents),
        "agent_months": agent_months,
    }


def bench_scales(scales: tuple[int, ...]) -> list[dict]:
    """(b) Scaling: best (by step time) of up to 3 runs per scale."""
    results = []
    for scale in scales:
        runs: list[dict] = []
        spent = 0.0
        while len(runs) < REPEATS and (not runs or spent < SCALE_TIME_BUDGET_S):
            run = run_scale(scale)
            spent += run["build"] + run["step"]
            runs.append(run)
        best = min(runs, key=lambda r: r["step"])
        best["runs"] = len(runs)
        best["rss_mib"] = peak_rss_mib()
        results.append(best)
        print(f"  scale {scale:>3}: {len(runs)} run(s), best {best['step']:.3f} s", flush=True)
    base = results[0]
    base_cost = base["step"] / base["agent_months"]
    for r in results:
        r["months_per_s"] = MONTHS / r["step"]
        r["agent_months_per_s"] = r["agent_months"] / r["step"]
        r["cost_ratio"] = (r["step"] / r["agent_months"]) / base_cost
    return results


def tracemalloc_peak_mib(scale: int) -> float:
    """(c) tracemalloc peak of one untimed run (construction + 72 months)."""
    gc.collect()
    tracemalloc.start()
    try:
        m = build_model(scale)
        for _ in range(MONTHS):
            m.step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del m
    return peak / (1024 * 1024)


# --------------------------------------------------------------------------- reference


def bench_reference() -> dict:
    """(d) Mesa's BoltzmannWealth, 10,000 agents on 100x100, 20 steps, best of 3."""
    from mesa.examples import BoltzmannWealth  # needs networkx (the `bench` extra)

    times = []
    for _ in range(REPEATS):
        gc.collect()
        m = BoltzmannWealth(n=REF_AGENTS, width=REF_GRID[0], height=REF_GRID[1], seed=0)
        agents = len(m.agents)
        t0 = time.perf_counter()
        for _ in range(REF_STEPS):
            m.step()
        times.append(time.perf_counter() - t0)
        del m
    best = min(times)
    return {"agents": agents, "time": best, "agent_steps_per_s": agents * REF_STEPS / best}


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip scale 100")
    parser.add_argument(
        "--only-reference", action="store_true", help="run only the BoltzmannWealth reference"
    )
    args = parser.parse_args(argv)

    import mesa
    import numpy

    print("Silicon Curtain core benchmark")
    print(
        f"python {platform.python_version()} | mesa {mesa.__version__} | numpy {numpy.__version__}"
        f" | {platform.machine()} | {os.cpu_count()} CPUs | {platform.platform(terse=True)}"
    )

    default = scales = None
    tm_peak = tm_scale = None
    if not args.only_reference:
        heading(f"(a) Default scenario '{SCENARIO}', {MONTHS} months, best of {REPEATS}")
        default = bench_default()
        print(
            table(
                ["construction s", "72 months s", "total s", "months/s", f"target < {TARGET_DEFAULT_S:g} s"],
                [[
                    f"{default['build']:.3f}",
                    f"{default['step']:.3f}",
                    f"{default['total']:.3f}",
                    f"{MONTHS / default['step']:.1f}",
                    verdict(default["total"] < TARGET_DEFAULT_S),
                ]],
            )
        )

        run_scales = tuple(s for s in SCALES if not (args.quick and s == 100))
        heading(f"(b) Scaling, {MONTHS} months, best of up to {REPEATS} (step time only)")
        scales = bench_scales(run_scales)
        print()
        print(
            table(
                ["scale", "agents", "build s", "step s", "months/s", "agent-months/s",
                 "cost/agent-month vs scale 1", "peak RSS MiB (so far)"],
                [[
                    str(r["scale"]),
                    f"{r['agents']:,}" + ("" if r["agents_end"] == r["agents"] else f" (end {r['agents_end']:,})"),
                    f"{r['build']:.3f}",
                    f"{r['step']:.3f}",
                    f"{r['months_per_s']:.1f}",
                    f"{r['agent_months_per_s']:,.0f}",
                    f"{r['cost_ratio']:.2f}x",
                    f"{r['rss_mib']:.0f}",
                ] for r in scales],
            )
        )

        tm_scale = run_scales[-1]
        heading(f"(c) Memory, scale {tm_scale}")
        tm_peak = tracemalloc_peak_mib(tm_scale)
        print(f"tracemalloc peak (separate run, construction + {MONTHS} months): {tm_peak:.1f} MiB")
        print(f"process peak RSS (ru_maxrss, whole benchmark so far):          {peak_rss_mib():.1f} MiB")

    heading(
        f"(d) Reference: Mesa BoltzmannWealth, {REF_AGENTS:,} agents, "
        f"{REF_GRID[0]}x{REF_GRID[1]} grid, {REF_STEPS} steps, best of {REPEATS}"
    )
    ref = bench_reference()
    print(
        table(
            ["agents", "steps", "time s", "agent-steps/s"],
            [[f"{ref['agents']:,}", str(REF_STEPS), f"{ref['time']:.3f}", f"{ref['agent_steps_per_s']:,.0f}"]],
        )
    )
    if args.only_reference:
        print(f"\npeak RSS (ru_maxrss): {peak_rss_mib():.1f} MiB")
        return 0

    big = scales[-1]
    ratio = big["agent_months_per_s"] / ref["agent_steps_per_s"]
    note = "" if big["scale"] == 100 else f" (--quick: scale {big['scale']} stands in for 100)"
    heading("Targets")
    print(
        table(
            ["target", "measured", "result"],
            [
                [
                    f"default scenario, {MONTHS} months < {TARGET_DEFAULT_S:g} s",
                    f"{default['total']:.3f} s",
                    verdict(default["total"] < TARGET_DEFAULT_S),
                ],
                [
                    f"linear: cost/agent-month at scale {big['scale']} <= {TARGET_LINEAR_RATIO:g}x scale 1",
                    f"{big['cost_ratio']:.2f}x",
                    verdict(big["cost_ratio"] <= TARGET_LINEAR_RATIO),
                ],
                [
                    f"scale {big['scale']} agent-months/s >= {TARGET_VS_REFERENCE:g}x Boltzmann agent-steps/s",
                    f"{ratio:.2f}x",
                    verdict(ratio >= TARGET_VS_REFERENCE),
                ],
            ],
        )
    )
    if note:
        print(note.strip())
    print(f"tracemalloc peak at scale {tm_scale}: {tm_peak:.1f} MiB; peak RSS {peak_rss_mib():.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
