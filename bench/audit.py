"""The world, checked as an expert would: every bloc against no controls, and issue #10's findings.

Runs a scenario and ``no_controls`` on the same seeds and prints, per bloc,
compute, revenue, imports, exports and stockpiles, then one line per finding
of issue #10 with the number that measures it. Slow-ish (a few seconds a
seed); not part of the tests.

    .venv/bin/python bench/audit.py                  # diffusion_rule_2025, seeds 1-3
    .venv/bin/python bench/audit.py --scenario rescission_2025 --seeds 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents.model import ComputeModel  # noqa: E402


def run(scenario: str, seed: int, scale: float = 1.0, months: int | None = None, **overrides) -> ComputeModel:
    m = ComputeModel(scenario=scenario, seed=seed, scale=scale, check_conservation=False, **overrides)
    for _ in range(months or m.scenario.meta.months):
        m.step()
    return m


def world(m: ComputeModel) -> dict[str, float]:
    """Headline numbers of one finished run."""
    b = m.bloc_compute()
    variants = m.chips.variant & ~m.chips.domestic
    dom = m.chips.domestic
    tier = m.holders.tier
    inst = m.ledger.installed + m.ledger.stockpile
    h = m.chips.h100e
    out = {
        "compute_us": b["us"], "compute_allies": b["allies"], "compute_swing": b["swing"],
        "compute_adversary": b["adversary"],
        "revenue_usd": m.us_revenue_cum,
        "variant_dies_share": float((m.ledger.produced * m.chips.dies)[variants].sum()
                                    / max((m.ledger.produced * m.chips.dies)[~dom].sum(), 1e-9)),
        "variant_made_chips": float(m.ledger.produced[variants].sum()),
        "variant_tier1_h100e": float((inst[tier == 1][:, variants] @ h[variants]).sum()),
        "variant_tier3_chips": m.variant_exports_chips_cum,
        "a100_made_chips": float(m.ledger.produced[m.chips.ids.index("A100")]) if "A100" in m.chips.ids else 0.0,
        "domestic_home_h100e": float((inst[tier == 3][:, dom] @ h[dom]).sum()),
        "domestic_exports_h100e": m.domestic_exports_h100e_cum,
        "smuggled_h100e": m.smuggled_h100e_cum,
        "structured_h100e": m.structured_h100e_cum,
        "seized_h100e": m.seized_h100e_cum,
        "stockpiled_h100e": m.stockpiled_h100e_cum,
        "networks_open": float(m.smugglers.alive[: m.smugglers.n].sum()),
        "capability_gap": m.capability_gap_months,
        "frontier_gap": m.frontier_gap_months,
    }
    return out


def direction_changes(series: list[float]) -> float:
    """Share of months in which a series turns (up then down, or down then up)."""
    d = np.sign(np.diff(np.asarray(series)))
    d = d[d != 0]
    return float(np.mean(d[1:] != d[:-1])) if len(d) > 2 else 0.0


def mean(values: list[float]) -> float:
    return statistics.fmean(values)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenario", default="diffusion_rule_2025")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--scale-check", action="store_true", help="also compare scale 1 and 10 (slow)")
    a = p.parse_args(argv)
    seeds = range(1, a.seeds + 1)
    rows = {name: [world(run(name, s)) for s in seeds] for name in (a.scenario, "no_controls")}
    keys = rows[a.scenario][0].keys()
    print(f"{'metric':24} {a.scenario:>22} {'no_controls':>16} {'ratio':>7}")
    for k in keys:
        x = mean([r[k] for r in rows[a.scenario]])
        y = mean([r[k] for r in rows["no_controls"]])
        ratio = f"{x / y:7.2f}" if y else "      -"
        print(f"{k:24} {x:22,.4g} {y:16,.4g} {ratio}")

    turns = []
    for s in seeds:
        m = ComputeModel(scenario="no_controls", seed=s, check_conservation=False)
        out = []
        for _ in range(m.scenario.meta.months):
            m.step()
            out.append(m.domestic_output_h100e)
        turns.append(direction_changes(out[6:]))
    print(f"\n#4 no_controls domestic output: share of months that turn = {mean(turns):.2f}")

    for delay in (16, 28):
        stock = [run("diffusion_rule_2025", s, months=delay + 2,
                     **{"schedule.diffusion_rule.effective_month": delay}).stockpiled_h100e_cum for s in seeds]
        print(f"#5 stockpiled with {delay} months' warning: {mean(stock):,.0f} H100e")

    if a.scale_check:
        for scale in (1, 10):
            r = [world(run(a.scenario, s, scale=scale)) for s in seeds]
            print(f"#3 scale {scale:>3}: smuggled {mean([x['smuggled_h100e'] for x in r]):,.0f} "
                  f"structured {mean([x['structured_h100e'] for x in r]):,.0f} "
                  f"seized {mean([x['seized_h100e'] for x in r]):,.0f} "
                  f"swing {mean([x['compute_swing'] for x in r]):,.0f}")


if __name__ == "__main__":
    main()
