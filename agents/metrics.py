"""The reporters: one stable list of named, unit-bearing metrics.

Owns the metric table (name, unit, meaning, how to read it off the model)
and the DataCollector built from it. The first fourteen names are the CSV
contract and never change meaning; more may be added after them. Imports
mesa and numpy only (the model is passed in, never imported).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import mesa
import numpy as np


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    doc: str
    read: Callable[[Any], float]


def _installed_by_tier(model: Any, tier: int, us: bool | None = None) -> float:
    per = model.installed_h100e()
    sel = model.holders.tier == tier
    if us is not None:
        sel &= model.holders.is_us == us
    return float(per[sel].sum())


def _domestic_adversary(model: Any) -> float:
    rows = model.holders.tier == 3
    dom = model.chips.domestic
    return float((model.ledger.installed[rows][:, dom] @ model.chips.h100e[dom]).sum())


def training_cost_ratio(model: Any) -> float:
    """What a unit of training compute cost Tier 3 over what it cost the US (last purchases, power included)."""
    cost = model.market.training_cost_h100e
    return cost["adversary"] / cost["us"] if cost["us"] > 0 else float("nan")


def _stockpile(model: Any, tier: int) -> float:
    rows = model.holders.tier == tier
    return float((model.ledger.stockpile[rows] @ model.chips.h100e).sum())


def _us_share(model: Any) -> float:
    per = model.installed_h100e()
    total = per.sum()
    return float(per[model.holders.is_us].sum() / total) if total > 0 else 0.0


METRICS: list[Metric] = [
    Metric("compute_us", "H100e", "Installed, working accelerators in the United States.",
           lambda m: _installed_by_tier(m, 1, us=True)),
    Metric("compute_allies", "H100e", "Installed accelerators in Tier 1 countries other than the US.",
           lambda m: _installed_by_tier(m, 1, us=False)),
    Metric("compute_swing", "H100e", "Installed accelerators in Tier 2 countries.",
           lambda m: _installed_by_tier(m, 2)),
    Metric("compute_adversary", "H100e", "Installed accelerators in Tier 3 countries.",
           lambda m: _installed_by_tier(m, 3)),
    Metric("domestic_adversary", "H100e", "Installed Tier 3-designed (domestic) accelerators in Tier 3.",
           _domestic_adversary),
    Metric("stockpile_adversary", "H100e", "Chips Tier 3 bought ahead of a restriction (or beyond its "
           "data-centre power) and has not yet installed.", lambda m: _stockpile(m, 3)),
    Metric("smuggled_cum", "H100e", "Controlled chips that reached Tier 3 through smuggling networks "
           "and diversion, cumulative.", lambda m: m.smuggled_h100e_cum),
    Metric("seized_cum", "H100e", "Smuggled or diverted chips seized by enforcement, cumulative.",
           lambda m: m.seized_h100e_cum),
    Metric("structured_orders_cum", "H100e", "Chips bought through orders split under the licence-free "
           "threshold by shell companies, cumulative.", lambda m: m.structured_h100e_cum),
    Metric("us_vendor_revenue_cum", "USD", "US chip designers' sales, net of revenue-share fees, cumulative.",
           lambda m: m.us_revenue_cum),
    Metric("us_share_world_compute", "share", "US share of the world's installed accelerators (0-1).",
           _us_share),
    Metric("frontier_gap_months", "months", "How many months the best Tier 3 lab trails the best US lab "
           "in effective training compute (negative: it leads).", lambda m: m.frontier_gap_months),
    Metric("domestic_exports_cum", "H100e", "Tier 3-designed chips delivered to buyers outside Tier 3, "
           "cumulative.", lambda m: m.domestic_exports_h100e_cum),
    # --- more columns (stable names, may grow) ---
    Metric("stockpile_swing", "H100e", "Chips Tier 2 bought ahead of a restriction and not yet installed.",
           lambda m: _stockpile(m, 2)),
    Metric("stockpiled_cum", "H100e", "Chips bought ahead of announced restrictions, all buyers, cumulative.",
           lambda m: m.stockpiled_h100e_cum),
    Metric("domestic_output_adversary", "H100e/month", "Domestic chips made this month.",
           lambda m: m.domestic_output_h100e),
    Metric("domestic_output_chips", "chips/month", "Domestic chips made this month (all generations).",
           lambda m: m.domestic_output_chips),
    Metric("variant_exports_cum", "chips", "Export-variant chips (H20-class) delivered to Tier 3, cumulative.",
           lambda m: m.variant_exports_chips_cum),
    Metric("grey_premium", "share", "Grey-market premium over list price (0.4 = 40% over).",
           lambda m: m.market.grey_premium),
    Metric("smuggling_networks", "count", "Smuggling networks operating.",
           lambda m: int(m.smugglers.alive[: m.smugglers.n].sum())),
    Metric("seizures_cum", "count", "Shipments seized, cumulative.", lambda m: m.seizures_cum),
    Metric("diverted_cum", "H100e", "Chips diverted by legitimate Tier 2 buyers (seized or not), cumulative.",
           lambda m: m.diverted_h100e_cum),
    Metric("licensed_cum", "H100e", "Controlled chips licensed to Tier 2 (caps and deals), cumulative.",
           lambda m: m.licensed_h100e_cum),
    Metric("denied_cum", "H100e", "Orders denied by the regime, cumulative.", lambda m: m.denied_h100e_cum),
    Metric("fees_cum", "USD", "Revenue-share fees paid to the US government, cumulative.",
           lambda m: m.fees_cum),
    Metric("subsidy_adversary_usd", "USD/year", "Tier 3 domestic chip subsidies.",
           lambda m: float(m.countries.subsidy_usd[m.countries.tier == 3].sum())),
    Metric("goodwill_swing", "0-1", "Mean goodwill of Tier 2 governments towards the US.",
           lambda m: float(m.countries.goodwill[m.countries.tier == 2].mean())
           if (m.countries.tier == 2).any() else 0.0),
    Metric("capability_gap_months", "months", "Like frontier_gap_months, but each lab may build on open "
           "weights (and, without weight controls, leaked closed weights) after a lag.",
           lambda m: m.capability_gap_months),
    Metric("remote_access_adversary", "H100e", "Compute Tier 3 labs rent in Tier 2 data centres this month.",
           lambda m: m.remote_access_h100e()),
    Metric("usable_compute_adversary", "H100e", "Compute Tier 3 can train on: installed in Tier 3 plus rented "
           "abroad this month.", lambda m: _installed_by_tier(m, 3) + m.remote_access_h100e()),
    Metric("remote_access_usd_cum", "USD", "Rent Tier 3 labs paid Tier 2 clouds for remote access, cumulative.",
           lambda m: m.remote_access_usd_cum),
    Metric("training_cost_ratio", "x", "What a unit of training compute cost Tier 3 buyers this month (the "
           "chips they got, power included) over what it cost US buyers.", training_cost_ratio),
    Metric("hbm_stock_stacks", "stacks", "High-bandwidth memory stacks the domestic designer holds for "
           "use under the HBM controls.", lambda m: m.hbm_stock),
    Metric("die_bank_dies", "dies", "Leading-edge dies made for the domestic designer before the foundry "
           "rule, not yet used.", lambda m: m.die_bank_dies),
    Metric("subsidy_spent_cum", "USD", "Tier 3 domestic chip subsidies paid so far, cumulative.",
           lambda m: m.subsidy_spent_usd_cum),
    Metric("domestic_export_revenue_cum", "USD", "What the domestic designer earned selling outside Tier 3, "
           "cumulative.", lambda m: m.domestic_export_usd_cum),
    Metric("self_sufficiency_adversary", "share", "Share of Tier 3's installed compute that is Tier 3-designed "
           "(0-1).", lambda m: _domestic_adversary(m) / max(_installed_by_tier(m, 3), 1e-9)),
    Metric("us_vendor_revenue_tier3_cum", "USD", "US chip designers' sales to buyers in Tier 3, before fees, "
           "cumulative: what vendors report as China revenue.", lambda m: m.us_revenue_tier3_cum),
]

CONTRACT = [
    "month", "compute_us", "compute_allies", "compute_swing", "compute_adversary", "domestic_adversary",
    "stockpile_adversary", "smuggled_cum", "seized_cum", "structured_orders_cum", "us_vendor_revenue_cum",
    "us_share_world_compute", "frontier_gap_months", "domestic_exports_cum",
]
"""The CSV columns every run writes first, in this order (issue #3)."""

assert [m.name for m in METRICS[:13]] == CONTRACT[1:], "metric order broke the CSV contract"

COLUMNS = ["month"] + [m.name for m in METRICS] + ["date"]


def build_datacollector() -> mesa.DataCollector:
    reporters: dict[str, Any] = {"month": "month"}
    reporters.update({m.name: m.read for m in METRICS})
    reporters["date"] = lambda model: model.scenario.date(model.month)
    return mesa.DataCollector(model_reporters=reporters)


def markdown_table() -> str:
    """The metrics table for the README (a test keeps the README in step with it)."""
    lines = ["| column | unit | meaning |", "|---|---|---|", "| `month` | month | 0 = the scenario's first month |"]
    lines += [f"| `{m.name}` | {m.unit} | {m.doc} |" for m in METRICS]
    lines.append("| `date` | YYYY-MM | calendar month |")
    return "\n".join(lines)


def snapshot(model: Any) -> dict[str, Any]:
    """The metrics now, as plain Python values (for summaries and views)."""
    row = {"month": model.month}
    for m in METRICS:
        v = m.read(model)
        row[m.name] = float(v) if isinstance(v, (float, np.floating)) else v
    row["date"] = model.scenario.date(model.month)
    return row
