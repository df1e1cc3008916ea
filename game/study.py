"""Scenario studies: calibration against the sourced record, side-by-side comparison, scenario docs.

Owns the calibration targets (each with its source and range), running
scenarios over many seeds into tidy DataFrames, paired comparisons of two
scenarios on the same seeds, their fan-chart figure, and the Markdown pages
generated from scenario ``[meta]`` tables. No pygame; matplotlib is imported
only to draw, with the headless Agg backend.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import pandas as pd

from agents.lang import N_, _
from agents.model import ComputeModel
from agents.scenario import Scenario, available_scenarios, load_scenario
from agents.words import format_value
from game.files import atomic_write
from game.intervals import mean_half_width

KEY_METRICS = (
    ("compute_adversary", "H100e"),
    ("compute_swing", "H100e"),
    ("domestic_adversary", "H100e"),
    ("smuggled_cum", "H100e"),
    ("seized_cum", "H100e"),
    ("structured_orders_cum", "H100e"),
    ("stockpiled_cum", "H100e"),
    ("us_vendor_revenue_cum", "USD"),
    ("frontier_gap_months", "months"),
    ("domestic_exports_cum", "H100e"),
)


# --------------------------------------------------------------------------
# running


def run_frame(scenario: str | Scenario, seed: int, months: int | None = None, scale: float = 1.0) -> pd.DataFrame:
    """One run, one row per month (the DataCollector's table)."""
    model = ComputeModel(scenario=scenario, seed=seed, scale=scale)
    for _month in range(months if months is not None else model.scenario.meta.months):
        model.step()
    return model.datacollector.get_model_vars_dataframe().reset_index(drop=True)


def run_seeds(scenario: str, seeds: Sequence[int], months: int | None = None) -> pd.DataFrame:
    """Runs of one scenario on several seeds, stacked with a ``seed`` column."""
    frames = []
    for seed in seeds:
        frame = run_frame(scenario, seed, months)
        frame.insert(0, "seed", seed)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def sample_runs(scenario_ref: str, seed: int, samples: int, months: int | None = None, scale: float = 1.0,
                overrides: dict | None = None, root_seed: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One scenario at ``samples`` Latin-hypercube points of its declared ranges, on one seed.

    The player's or researcher's own ``overrides`` win over a sampled value
    (a parameter set by hand is not uncertain). Returns the runs stacked
    with a ``sample`` column and the parameter values each sample used.
    """
    own = dict(overrides or {})
    base = load_scenario(scenario_ref, own)
    root = UNCERTAINTY_SEED if root_seed is None else root_seed
    frames, used = [], []
    for k, (moved,) in enumerate(parameter_points(base, samples=samples, root_seed=root, fixed=own)):
        frame = run_frame(load_scenario(scenario_ref, {**moved, **own}), seed, months, scale)
        frame.insert(0, "sample", k)
        frames.append(frame)
        used.append({"sample": k, **moved})
    return pd.concat(frames, ignore_index=True), pd.DataFrame(used)


def band_table(runs: pd.DataFrame, metrics: Sequence[str]) -> pd.DataFrame:
    """Per month and metric, the low, median and high of :data:`game.intervals.BAND` across the runs."""
    from game.intervals import BAND

    grouped = runs.groupby("month")[list(metrics)]
    parts = {name: grouped.quantile(q) for name, q in (("low", BAND[0]), ("median", 0.5), ("high", BAND[1]))}
    tidy = pd.concat({name: part.stack() for name, part in parts.items()}, axis=1)
    tidy.index.names = ["month", "metric"]
    return tidy.reset_index()


# --------------------------------------------------------------------------
# calibration


@dataclass(frozen=True)
class Target:
    """A sourced figure the model should reproduce, and how to read it off runs."""

    name: str
    unit: str
    sourced: str
    low: float
    high: float
    source: str
    read: Callable[[dict[str, pd.DataFrame]], pd.Series]
    """Given runs by scenario name (stacked samples and seeds), one model value per (sample, seed)."""
    note: str = ""
    fitted_by: str = ""
    """The parameters this figure was used to set; empty for a held-out figure, used to set nothing,
    which is the only honest test of the model."""

    @property
    def held_out(self) -> bool:
        return not self.fitted_by


RUN = ["sample", "seed"]
"""What identifies one run in the calibration's stacked frames."""


def _at(frame: pd.DataFrame, metric: str, month: int) -> pd.Series:
    return frame[frame["month"] == month].set_index(RUN)[metric]


def _between(frame: pd.DataFrame, metric: str, first: int, last: int) -> pd.Series:
    rows = frame[(frame["month"] >= first) & (frame["month"] <= last)]
    return rows.groupby(RUN)[metric].sum()


def _share(frame: pd.DataFrame, bloc: str, month: int) -> pd.Series:
    rows = frame[frame["month"] == month].set_index(RUN)
    total = rows[["compute_us", "compute_allies", "compute_swing", "compute_adversary"]].sum(axis=1)
    return rows[f"compute_{bloc}"] / total


def _ratio(frame: pd.DataFrame, top: str, bottom: str, month: int) -> pd.Series:
    rows = frame[frame["month"] == month].set_index(RUN)
    return rows[top] / rows[bottom].where(rows[bottom] > 0)


STARTING_STOCKS = "starting stocks (`countries.*.stock_h100e`, facts §10)"

TARGETS: tuple[Target, ...] = (
    Target("US share of AI compute, mid-2025", "share", "~75%", 0.65, 0.85,
           "Epoch AI GPU Clusters, Aug-Oct 2025 (facts §4) [H]",
           lambda r: _share(r["diffusion_rule_2025"], "us", 5),
           "The source covers 10-20% of global compute; the range is an estimate around it.",
           fitted_by=STARTING_STOCKS),
    Target("China (Tier 3) share of AI compute, mid-2025", "share", "~15%", 0.10, 0.20,
           "Epoch AI GPU Clusters, Aug-Oct 2025 (facts §4) [H]",
           lambda r: _share(r["diffusion_rule_2025"], "adversary", 5),
           "Tier 3 in the model is China plus Russia, Iran and the rest (under 3% of Tier 3 compute).",
           fitted_by=STARTING_STOCKS),
    Target("Chips smuggled into Tier 3 in the first year", "H100e", "~140,000 (2024)", 1e4, 4e5,
           "CNAS, Grunewald & Fist, Jun 2025 (facts §5) [H]; 90% range estimate (facts §10)",
           lambda r: _at(r["diffusion_rule_2025"], "smuggled_cum", 12),
           "The model's first year is 2025 (the source's is 2024); smuggled chips are mostly H100/H200 (1 H100e each).",
           fitted_by="`smuggler_capacity_h100e_per_month`"),
    Target("Domestic (Ascend-class) chips made in 2025", "chips", "200k-805k", 2e5, 8.05e5,
           "FT Feb 2025 (plan 400k); Kessler Jun 2025 (<=200k); SemiAnalysis Sep 2025 (~805k) (facts §7)",
           lambda r: _between(r["diffusion_rule_2025"], "domestic_output_chips", 1, 12),
           fitted_by="`domestic_packaging_chips_per_month`"),
    Target("Domestic (Ascend-class) chips made in 2026", "chips", "300k-1.6M", 3e5, 1.6e6,
           "Bloomberg Sep 2025 (~600k 910C, up to 1.6M dies); SemiAnalysis (~300k if HBM-bound) (facts §7)",
           lambda r: _between(r["diffusion_rule_2025"], "domestic_output_chips", 13, 24),
           "Not used to set a parameter, but the same packaging capacity set from 2025 carries it: "
           "a weak test.", fitted_by="`domestic_packaging_chips_per_month` (through the 2025 figure)"),
    Target("H20 pull-forward before the April 2025 licence requirement", "chips",
           "~1M ordered; several $B shipped first", 2.5e5, 6e5,
           "Nikkei Asia, Apr 23 2025 (facts §6) [H]; delivered share 40-60% estimate (facts §10)",
           lambda r: _at(r["rescission_2025"], "variant_exports_cum", 3)
           - _at(r["diffusion_rule_2025"], "variant_exports_cum", 3),
           "Extra H20s delivered to Tier 3 in Jan-Mar 2025 when the restriction is expected, against the "
           "same seeds without it. Range: 'several $B shipped first' at ~$12k a chip (>= 250k) up to 60% "
           "of the ~1M ordered.",
           fitted_by="`vendor_stock_months`, `rush_max_extra_months`, `rush_intensity`"),
    Target("US frontier lead, early 2026", "months", "12-24 months", 12, 24,
           "Anthropic, May 2026 (facts §4) [M]; White House: lag 1-2 years (facts §7) [H]",
           lambda r: _at(r["diffusion_rule_2025"], "frontier_gap_months", 12),
           "The lead follows from the starting stocks' ratio and the training rules; no parameter was set "
           "from it alone.", fitted_by=STARTING_STOCKS),
    # ---- held out: never used to set anything
    Target("Tier 3 share of US vendors' AI-chip revenue, Q1 2025", "share", "13% (NVIDIA), 24% (AMD)",
           0.10, 0.25, "NVIDIA China revenue FY2025 ~$17B (13%); AMD China 2024 $6.2B (24%) (facts §9) [M]",
           lambda r: _ratio(r["diffusion_rule_2025"], "us_vendor_revenue_tier3_cum", "us_vendor_revenue_cum", 3),
           "The sources' years end in January 2025 and December 2024, the quarter before the model's first; "
           "vendors book China revenue by billing address, the model by the buyer's country."),
    Target("Chips diverted by buyers' data centres abroad, 2025", "H100e", "median 18,000/yr (95%: 1,600-200,000)",
           1.6e3, 2e5, "IAPS 2023 via CNAS chart (facts §5) [M, unverified]",
           lambda r: _at(r["diffusion_rule_2025"], "diverted_cum", 12),
           "The source counts Chinese clouds redirecting chips from their data centres abroad; the model counts "
           "every legitimate Tier 2 buyer that diverts, seized or not."),
    Target("Domestic chips exported outside Tier 3, 2025 (share of output)", "share", "near zero", 0.0, 0.05,
           "BIS guidance, May 13 2025: using Ascend chips anywhere risks US penalties (facts §2) [H]; output is "
           "HBM-bound and short of home demand (facts §7) [M]",
           lambda r: _at(r["diffusion_rule_2025"], "domestic_exports_cum", 12)
           / _between(r["diffusion_rule_2025"], "domestic_output_adversary", 1, 12),
           "No source counts exports; 5% is the edge of 'near zero'. In H100e, exports over output made."),
    Target("H20 fees in the year after the August 2025 relicence", "USD", "≈$2.25B (15% of $15B)", 1.1e9, 4.5e9,
           "FT/AP, Aug 2025 (facts §2) [H]; range a factor of 2 around it (estimate)",
           lambda r: _at(r["rescission_2025"], "fees_cum", 19) - _at(r["rescission_2025"], "fees_cum", 7),
           "The $15B was the sales expected when the deal was struck, not sales made. The model's buyers take "
           "relicensed H20s at about the volume of the early-2025 rush; only home-chip guidance "
           "(`home_steer_max`) holds them back, so the model sits near the top of the range."),
    Target("Share of Tier 3 compute on domestic chips, mid-2025", "share", "2 of 22 notable models (9%)",
           0.011, 0.292, "CNAS, Jun 2025: only 2 of 22 notable PRC-only models trained on Chinese chips "
           "(facts §4) [H]",
           lambda r: _at(r["diffusion_rule_2025"], "self_sufficiency_adversary", 6),
           "The range is the 95% interval of 2 in 22 (Clopper-Pearson). Models trained is not compute "
           "installed: frontier runs favour the best chips, so the source's share should sit below the model's."),
)
CALIBRATION_SCENARIOS = ("diffusion_rule_2025", "rescission_2025")
CALIBRATION_MONTHS = 24
CENTRAL = -1
"""The ``sample`` of runs at the scenario's own values (no sampled parameter moved)."""


def calibrate(seeds: Sequence[int], samples: int = 0, progress: Callable[[str], None] | None = None,
              root_seed: int | None = None) -> pd.DataFrame:
    """Each sourced target against the model: its value at the scenario's own parameters (mean over
    seeds) and, with ``samples``, the band (:data:`game.intervals.BAND`) over a Latin hypercube of the
    declared ranges and the seeds, with a verdict that says whether the range was met, only reached by
    the band, or missed."""
    from game.intervals import BAND

    runs = {}
    scenarios = {name: load_scenario(name) for name in CALIBRATION_SCENARIOS}
    points = _calibration_points(scenarios, samples, UNCERTAINTY_SEED if root_seed is None else root_seed)
    for name, sc in scenarios.items():
        if progress:
            progress(f"running {name}: {len(points)} parameter points x {len(seeds)} seeds")
        frames = []
        for k, overrides in points:
            scenario = load_scenario(name, overrides[name]) if overrides[name] else sc
            for seed in seeds:
                frame = run_frame(scenario, seed, months=CALIBRATION_MONTHS)
                frame.insert(0, "seed", seed)
                frame.insert(0, "sample", k)
                frames.append(frame)
        runs[name] = pd.concat(frames, ignore_index=True)
    rows = []
    for t in TARGETS:
        values = t.read(runs).astype(float)
        central = values.xs(CENTRAL, level="sample")
        spread = values.drop(CENTRAL, level="sample") if samples else central
        low, high = (float(spread.quantile(q)) for q in BAND)
        mean = float(central.mean())
        rows.append({
            "target": t.name, "unit": t.unit, "held_out": t.held_out, "fitted_by": t.fitted_by,
            "model_mean": mean, "band_low": low, "band_high": high,
            "sourced": t.sourced, "low": t.low, "high": t.high,
            "inside": bool(t.low <= mean <= t.high), "verdict": _verdict(mean, low, high, t.low, t.high),
            "source": t.source, "note": t.note,
        })
    return pd.DataFrame(rows)


def _calibration_points(scenarios: dict[str, Scenario], samples: int, root_seed: int) -> list[tuple[int, dict]]:
    """(sample, overrides by scenario): the scenarios' own values, then the same quantiles for each."""
    points = [(CENTRAL, {name: {} for name in scenarios})]
    if samples > 0:
        drawn = parameter_points(*scenarios.values(), samples=samples, root_seed=root_seed)
        points += [(k, dict(zip(scenarios, overrides))) for k, overrides in enumerate(drawn)]
    return points


VERDICTS = ("inside", "inside at the fit only", "band overlaps", "outside")


def _verdict(value: float, band_low: float, band_high: float, low: float, high: float) -> str:
    """One of :data:`VERDICTS`: whether the model's own value meets the range, and whether the band of
    sampled worlds reaches it too (a value inside with the whole band outside holds only at the fit)."""
    reached = band_high >= low and band_low <= high
    if low <= value <= high:
        return "inside" if reached else "inside at the fit only"
    return "band overlaps" if reached else "outside"


@contextmanager
def _in_english() -> Iterator[None]:
    """Numbers and words in English inside the block: a generated doc reads the same whoever makes it."""
    from agents import lang
    from game import i18n

    was = lang.language()
    lang.install(i18n.catalogue("en"), "en")
    try:
        yield
    finally:
        lang.install(i18n.catalogue(was), was)


def calibration_markdown(table: pd.DataFrame, seeds: Sequence[int], samples: int = 0) -> str:
    """docs/calibration.md, generated (never typed by hand); in English whatever the reader's language
    (``--check`` compares it with the page byte for byte)."""
    with _in_english():
        return _calibration_markdown(table, seeds, samples)


def _calibration_markdown(table: pd.DataFrame, seeds: Sequence[int], samples: int) -> str:
    from game.intervals import BAND

    command = _calibrate_command(len(seeds), samples)
    band = f"{BAND[0]:.0%}-{BAND[1]:.0%}"
    lines = [
        "# Calibration against the sourced record",
        "",
        f"Generated by `{command}` — do not edit by hand; `silicon-curtain calibrate --check` (run by "
        "`make test`) fails when this page differs from what the model gives now.",
        "",
        f"The model value is the mean over seeds {seeds[0]}..{seeds[-1]} at the scenario's own parameters. "
        + (f"The band is {band} over {samples} Latin-hypercube points of the declared parameter ranges "
           f"(`[uncertainties]` in `scenarios/_world.toml`) times the {len(seeds)} seeds. "
           if samples else f"The band is {band} over the seeds only. ")
        + "A **fitted** target was used to set the parameters it names, so meeting it shows only that the fit "
        "holds; a **held-out** target set nothing, and is the test. *inside*: the model's own value is in the "
        "range and so is part of the band; *inside at the fit only*: the model's own value is in the range "
        "but no sampled world in the band is; *band overlaps*: the model's own value misses, some sampled "
        "worlds reach it; *outside*: neither does.",
        "",
        f"| target | kind | model | band {band} | sourced | range checked | verdict | source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in table.itertuples():
        verdict = r.verdict if r.verdict == "inside" else f"**{r.verdict}**"
        lines.append(f"| {r.target} | {'held-out' if r.held_out else 'fitted'} | {_fmt(r.model_mean, r.unit)} | "
                     f"{_fmt(r.band_low, r.unit)} – {_fmt(r.band_high, r.unit)} | {r.sourced} | "
                     f"{_fmt(r.low, r.unit)} – {_fmt(r.high, r.unit)} | {verdict} | {r.source} |")
    held = table[table.held_out]
    met = int((held.verdict == "inside").sum())
    lines += ["", f"Held out: {met} of {len(held)} inside their range at the scenario's own values, "
              f"{int((held.verdict == 'band overlaps').sum())} reached only by the band, "
              f"{int((held.verdict == 'outside').sum())} outside."]
    fitted = [f"- **{r.target}** was used to set {r.fitted_by}." for r in table.itertuples() if not r.held_out]
    lines += ["", "## What each fitted target set", ""] + fitted
    notes = [f"- **{r.target}**: {r.note}" for r in table.itertuples() if r.note]
    if notes:
        lines += ["", "## Notes on comparability", ""] + notes
    return "\n".join(lines) + "\n"


def _calibrate_command(seeds: int, samples: int) -> str:
    return f"silicon-curtain calibrate --seeds {seeds} --samples {samples}"


def _fmt(value: float, unit: str) -> str:
    """Calibration cells: whole thousands, millions to 2 decimals; the target's row names the unit."""
    digits = 0 if unit == "share" or abs(value) < 1e6 else 2
    if unit == "share" and 0 < abs(value) < 0.01:
        digits = 1  # a share under 1% (domestic exports) would read as 0%
    return format_value(unit, value, digits, style="long" if unit == "months" else "bare")


UNCERTAINTY_SEED = 20250513
"""Root of the Latin hypercube of declared ranges (the same draws for every comparison)."""


def compare(a: str, b: str, seeds: Sequence[int], months: Sequence[int] | None = None,
            horizon: int | None = None, samples: int = 0,
            root_seed: int = UNCERTAINTY_SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Runs of ``a`` and ``b`` on the same seeds, and the paired differences ``b - a``.

    Returns ``(runs, table)``: runs stacked with ``scenario``, ``sample`` and
    ``seed`` columns, and per key metric and month the mean of each, the
    mean difference and its 95% interval (Student's t: with 3 seeds the
    quantile is 4.30, not 1.96).

    With ``samples`` > 0 the declared ranges of the estimated parameters
    (``[uncertainties]``) are sampled too: a Latin hypercube of ``samples``
    points, the same quantiles for ``a`` and ``b`` (each in its own ranges),
    every point on every seed. The interval is then over the points' means,
    ``p5_diff``/``p95_diff`` give where the difference lies across them, and
    ``seed_share``/``parameter_share`` split its variance into seed noise and
    what the parameters leave open.
    """
    sa, sb = load_scenario(a), load_scenario(b)
    horizon = horizon or min(sa.meta.months, sb.meta.months)
    months = sorted(set(months or (12, horizon // 2, horizon)))
    points = parameter_points(sa, sb, samples=samples, root_seed=root_seed)
    frames = []
    for name, sc, at in ((a, sa, 0), (b, sb, 1)):
        for k, overrides in enumerate(points):
            scenario = load_scenario(name, overrides[at]) if overrides[at] else sc
            for seed in seeds:
                frame = run_frame(scenario, seed, months=horizon)
                frame.insert(0, "seed", seed)
                frame.insert(0, "sample", k)
                frame.insert(0, "scenario", name)
                frames.append(frame)
    runs = pd.concat(frames, ignore_index=True)
    rows = []
    for metric, unit in KEY_METRICS:
        for month in months:
            va, vb = _paired(runs, a, metric, month), _paired(runs, b, metric, month)
            rows.append({"metric": metric, "unit": unit, "month": month, "date": sa.date(month),
                         f"mean_{a}": float(va.mean()), f"mean_{b}": float(vb.mean()),
                         **_difference((vb - va).astype(float), samples)})
    return runs, pd.DataFrame(rows)


def parameter_points(*scenarios: Scenario, samples: int, root_seed: int,
                     fixed: Iterable[str] = ()) -> list[tuple[dict, ...]]:
    """Per sample, the overrides of each scenario: the same Latin-hypercube quantiles of each one's declared
    ranges (scenarios sharing the world get the same world). Parameters in ``fixed`` (set by hand, bare or
    dotted) are never sampled: a value someone chose is not uncertain. No samples: one point, no overrides."""
    from agents.uncertainty import dotted_key, overrides_at, sampled, unit_samples

    if samples <= 0:
        return [tuple({} for _ in scenarios)]
    chosen = {dotted_key(k) for k in fixed}
    keys = sorted({u.key for sc in scenarios for u in sampled(sc)})
    return [tuple({k: v for k, v in overrides_at(sc, units).items() if k not in chosen} for sc in scenarios)
            for units in unit_samples(keys, samples, root_seed)]


def _paired(runs: pd.DataFrame, name: str, metric: str, month: int) -> pd.Series:
    frame = runs[(runs.scenario == name) & (runs.month == month)]
    return frame.set_index(["sample", "seed"])[metric]


def _difference(diff: pd.Series, samples: int) -> dict[str, float]:
    """The mean difference, its 95% interval, and with sampled parameters its spread and variance split."""
    mean = float(diff.mean())
    if samples <= 0:
        half = mean_half_width(float(diff.std(ddof=1)), len(diff))
        return {"mean_diff": mean, "ci_low": mean - half, "ci_high": mean + half}
    by_point = diff.groupby(level="sample")
    point_means = by_point.mean()
    half = mean_half_width(float(point_means.std(ddof=1)), len(point_means))
    seeds = int(by_point.size().min())
    seed_var = float(by_point.var(ddof=1).mean()) if seeds > 1 else 0.0
    param_var = max(float(point_means.var(ddof=1)) - seed_var / seeds, 0.0) if len(point_means) > 1 else 0.0
    total = seed_var + param_var
    return {"mean_diff": mean, "ci_low": mean - half, "ci_high": mean + half,
            "p5_diff": float(diff.quantile(0.05)), "p95_diff": float(diff.quantile(0.95)),
            "seed_share": seed_var / total if total > 0 else float("nan"),
            "parameter_share": param_var / total if total > 0 else float("nan")}


def fan_chart(runs: pd.DataFrame, a: str, b: str, path: Path) -> None:
    """Median and 5-95% band over seeds (and sampled parameters) for each key metric, both scenarios on
    the same axes; titles in the chosen language (metric and scenario names as the code says them)."""
    from game.fonts import figure_fonts

    with figure_fonts():
        _draw_fan_chart(runs, a, b, path)


UNIT_WORDS = {"months": N_("months")}
"""Units of :data:`KEY_METRICS` that are words (H100e and USD read the same in every language)."""


def _draw_fan_chart(runs: pd.DataFrame, a: str, b: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = KEY_METRICS[:9]
    fig, axes = plt.subplots(3, 3, figsize=(15, 11), constrained_layout=True)
    colours = {a: "#0072B2", b: "#D55E00"}  # Okabe-Ito: safe for colour-blind readers
    for ax, (metric, unit) in zip(axes.flat, metrics):
        for name in (a, b):
            wide = runs[runs.scenario == name].pivot(index="month", columns=["sample", "seed"], values=metric)
            ax.fill_between(wide.index, wide.quantile(0.05, axis=1), wide.quantile(0.95, axis=1),
                            color=colours[name], alpha=0.2, linewidth=0)
            ax.plot(wide.index, wide.median(axis=1), color=colours[name], label=name)
        ax.set_title(metric.replace("_", " "))
        ax.set_xlabel(_("month"))
        ax.set_ylabel(_(UNIT_WORDS[unit]) if unit in UNIT_WORDS else unit)
        ax.grid(alpha=0.3)
    axes.flat[0].legend(loc="upper left")
    points = runs["sample"].nunique() if "sample" in runs else 1
    over = (_("{seeds} seeds x {points} parameter samples") if points > 1 else _("{seeds} seeds")).format(
        seeds=runs.seed.nunique(), points=points)
    fig.suptitle(_("{a} vs {b}: median and 5-95% over {over}").format(a=a, b=b, over=over))
    _save_figure(fig, path)
    plt.close(fig)


def _save_figure(fig, path: Path) -> None:
    atomic_write(path, lambda p: fig.savefig(p, dpi=110, format=path.suffix.lstrip(".") or "png"))


# --------------------------------------------------------------------------
# scenario docs


def scenarios_markdown() -> str:
    """docs/scenarios.md from the scenarios' [meta] tables (never typed by hand)."""
    lines = ["# Scenarios", "",
             "Generated by `silicon-curtain scenarios --markdown docs/scenarios.md` from each file's "
             "`[meta]` table — do not edit by hand.", ""]
    lines += ["| name | title | period |", "|---|---|---|"]
    scenarios = [load_scenario(n) for n in available_scenarios()]
    for sc in scenarios:
        lines.append(f"| [`{sc.name}`](#{sc.name.replace('_', '-')}) | {sc.meta.title} | "
                     f"{sc.date(0)} to {sc.date(sc.meta.months)} |")
    for sc in scenarios:
        meta = sc.meta
        lines += ["", f"## {sc.name}", "", f"**{meta.title}** — {meta.description}.", "",
                  " ".join(meta.context.split()), ""]
        changes = _changes(sc)
        if changes:
            lines += ["What happens, in the model's own commands:", ""] + [f"- {c}" for c in changes] + [""]
        if meta.objectives:
            lines += ["Learning objectives:", ""] + [f"- {o}" for o in meta.objectives] + [""]
        if meta.questions:
            lines += ["Questions for discussion:", ""] + [f"- {q}" for q in meta.questions] + [""]
        if meta.sources:
            lines += ["Sources:", ""] + [f"- {s}" for s in meta.sources]
    return "\n".join(lines).rstrip() + "\n"


def _changes(sc: Scenario) -> list[str]:
    out = []
    for entry in sorted(sc.schedule.values(), key=lambda e: e.month):
        when = sc.date(entry.month)
        if entry.command == "set":
            levers = ", ".join(f"`{k} = {v}`" for k, v in entry.levers.items())
            if entry.effective_month is not None and entry.effective_month > entry.month:
                out.append(f"{when}: announced, in force from {sc.date(entry.effective_month)}: {levers}")
            else:
                out.append(f"{when}: {levers}")
        elif entry.command == "rescind":
            out.append(f"{when}: the Tier 2 regime is rescinded")
        elif entry.command == "set_tier":
            out.append(f"{when}: {entry.country} moved to Tier {entry.tier}")
        elif entry.command == "g2g":
            out.append(f"{when}: security agreement with {entry.country}")
        elif entry.command == "deal":
            out.append(f"{when}: bilateral deal, {entry.country} may import {entry.h100e_per_year:,.0f} H100e a year")
    return out


