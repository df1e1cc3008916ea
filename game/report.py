"""Figures and a Markdown summary of a finished batch, for a paper or a memo.

Owns ``DIR/report/``: fan charts of key metrics over time per lever setting,
the distribution of final outcomes, each input's main effect (tornado) and
marginal effect per step (least squares over all runs), variance-based
sensitivity where the design supports it (SALib: Sobol indices for a Sobol
design, RBD-FAST for random and Latin hypercube designs), and the runs in
which an outcome crosses a threshold the user names. Reads the folder
through ``game.batch``; draws headless (matplotlib's Agg backend); never
imports pygame. Figures and ``summary.md`` speak the chosen language
(metric, input and file names as the code says them); ``drivers.md`` and
the CSV files stay English (docs/uncertainty.md quotes the one, programs
read the others).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from agents.lang import N_, _
from agents.metrics import METRICS
from game.intervals import BAND, half_width, mean_half_width, welch
from agents.words import table_number
from game.batch import BatchError, load_results, parse_threshold, read_manifest
from game.fonts import figure_fonts

REPORT_DIR = "report"
MAX_GROUPS = 12
"""A split input with more distinct settings than this is cut into quantile bins."""
BINS = 4
TOP = 15
"""Inputs a chart or table of effects shows at most, the largest first (a sweep of declared ranges has ~75)."""
UNITS = {m.name: m.unit for m in METRICS}
UNIT_WORDS = {"chips": N_("chips"), "chips/month": N_("chips/month"), "count": N_("count"), "dies": N_("dies"),
              "months": N_("months"), "share": N_("share"), "stacks": N_("stacks"), "H100e/month": N_("H100e/month"),
              "USD/year": N_("USD/year")}
"""A metric's unit as people read it in a figure or the summary (``UNITS`` holds the code's own)."""
KINDS = {"lever": N_("lever"), "uncertainty": N_("uncertainty")}
BAND_LABEL = f"{100 * BAND[0]:.0f}-{100 * BAND[1]:.0f}%"
"""The band the game draws over sampled worlds, as the charts label it ("10-90%")."""


class ReportError(BatchError):
    """The report cannot be made (unfinished batch, bad threshold or metric): one clear message."""


@dataclass(frozen=True)
class Batch:
    """A finished batch, read once: its manifest, monthly rows and one row per run at the end."""

    folder: Path
    manifest: dict
    rows: pd.DataFrame  # run × month (or run), inputs joined
    final: pd.DataFrame  # one row per run at its last month, inputs joined
    factors: list[dict]
    metrics: list[str]

    @property
    def monthly(self) -> bool:
        return bool(self.manifest["sweep"]["monthly"])

    def factor(self, key: str) -> dict:
        return next(f for f in self.factors if f["key"] == key)


def read_batch(folder: str | Path) -> Batch:
    folder = Path(folder)
    manifest = read_manifest(folder)
    rows = load_results(folder)
    final = rows.sort_values(["run_id", "month"], kind="stable").groupby("run_id", sort=True).tail(1)
    return Batch(folder=folder, manifest=manifest, rows=rows, final=final.reset_index(drop=True),
                 factors=list(manifest.get("factors", [])), metrics=list(manifest["sweep"]["metrics"]))


# ===========================================================================
# analysis (pure: frames in, frames out)


def numeric(factor: dict) -> bool:
    values = factor.get("values")
    return values is None or all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def groups(final: pd.DataFrame, by: str | None, factor: dict | None) -> pd.Series:
    """Label each run with its setting of ``by`` (quantile bins if it has many settings)."""
    if by is None:
        return pd.Series(_("all runs"), index=final.index)
    col = final[by]
    distinct = sorted(col.unique().tolist(), key=lambda v: (isinstance(v, str), v))
    if len(distinct) <= MAX_GROUPS or not (factor and numeric(factor)):
        order = {v: i for i, v in enumerate(distinct)}
        labels = col.map(lambda v: f"{order[v]:02d}|{by} = {table_number(v)}")
        return labels
    edges = np.unique(np.quantile(col.to_numpy(dtype=float), np.linspace(0, 1, BINS + 1)))
    idx = np.clip(np.searchsorted(edges, col.to_numpy(dtype=float), side="right") - 1, 0, len(edges) - 2)
    names = [f"{i:02d}|" + _("{input} in [{low}, {high}]").format(input=by, low=table_number(edges[i]),
                                                                   high=table_number(edges[i + 1]))
             for i in range(len(edges) - 1)]
    return pd.Series([names[i] for i in idx], index=final.index)


def label(group: str) -> str:
    return group.split("|", 1)[-1]


def short(group: str, by: str | None) -> str:
    """A group's label without the input's name (for axis ticks)."""
    text = label(group)
    return text.removeprefix(f"{by} = ").removeprefix(f"{by} ") if by else text


def by_setting(final: pd.DataFrame, metric: str, grp: pd.Series, per: float | None, by: str | None,
               keys: Sequence[str]) -> pd.DataFrame:
    """Per setting: runs, mean, median and the game's band (``intervals.BAND``), and the change in the mean
    per ``per``.

    ``by`` (numeric, one value per group) turns on the change from the previous
    setting, with a 95% interval. When every run has a twin at the previous
    setting that differs only in ``by`` (same other inputs and replicate) the
    change is the mean of the paired differences; otherwise the groups are
    compared as independent samples. ``paired`` says which.
    """
    rows = []
    prev: tuple[float, pd.DataFrame] | None = None
    match = [k for k in keys if k != by] + ["replicate"]
    for g in sorted(grp.unique()):
        sub = final.loc[grp == g]
        y = sub[metric].to_numpy(dtype=float)
        row = {"setting": label(g), "runs": len(y), "mean": y.mean(), "p_lo": np.quantile(y, BAND[0]),
               "p50": np.median(y), "p_hi": np.quantile(y, BAND[1]), "change": np.nan, "ci": np.nan,
               "paired": False}
        if by is not None and prev is not None and float(sub[by].iloc[0]) != prev[0]:
            scale = (per or float(sub[by].iloc[0]) - prev[0]) / (float(sub[by].iloc[0]) - prev[0])
            a, b = prev[1][match + [metric]], sub[match + [metric]]
            twins = a.merge(b, on=match, suffixes=("_a", "_b"))
            if len(twins) == len(a) == len(b) and not a.duplicated(match).any():
                d = (twins[f"{metric}_b"] - twins[f"{metric}_a"]).to_numpy(dtype=float) * scale
                row.update(change=d.mean(), paired=True, ci=mean_half_width(float(d.std(ddof=1)), len(d)))
            else:
                ya = a[metric].to_numpy(dtype=float)
                row["change"] = (y.mean() - ya.mean()) * scale
                if len(y) > 1 and len(ya) > 1:
                    row["ci"] = welch(float(y.var(ddof=1)), len(y), float(ya.var(ddof=1)), len(ya)) * abs(scale)
        if by is not None:
            prev = (float(sub[by].iloc[0]), sub)
        rows.append(row)
    return pd.DataFrame(rows)


def main_effects(final: pd.DataFrame, factors: Sequence[dict], metric: str) -> pd.DataFrame:
    """Tornado data: the mean outcome at each input's low and high end, all else averaged over."""
    rows = []
    y = final[metric].to_numpy(dtype=float)
    for f in factors:
        col = final[f["key"]]
        distinct = sorted(col.unique().tolist(), key=lambda v: (isinstance(v, str), v))
        if len(distinct) < 2:
            continue
        if not numeric(f):
            means = {v: y[(col == v).to_numpy()].mean() for v in distinct}
            lo_v, hi_v = min(means, key=means.get), max(means, key=means.get)
            lo, hi, lo_l, hi_l = means[lo_v], means[hi_v], table_number(lo_v), table_number(hi_v)
        elif len(distinct) <= MAX_GROUPS:
            lo = y[(col == distinct[0]).to_numpy()].mean()
            hi = y[(col == distinct[-1]).to_numpy()].mean()
            lo_l, hi_l = table_number(distinct[0]), table_number(distinct[-1])
        else:
            x = col.to_numpy(dtype=float)
            q20, q80 = np.quantile(x, [0.2, 0.8])
            lo, hi = y[x <= q20].mean(), y[x >= q80].mean()
            lo_l = _("<= {value} (lowest 20%)").format(value=table_number(q20))
            hi_l = _(">= {value} (highest 20%)").format(value=table_number(q80))
        rows.append({"input": f["key"], "kind": f["kind"], "low": lo_l, "mean_low": lo, "high": hi_l,
                     "mean_high": hi, "swing": abs(hi - lo)})
    frame = pd.DataFrame(rows, columns=["input", "kind", "low", "mean_low", "high", "mean_high", "swing"])
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def marginal_effects(final: pd.DataFrame, factors: Sequence[dict], metric: str) -> tuple[pd.DataFrame, float]:
    """Least squares of the final outcome on every numeric input: effect per ``per`` with a 95% CI.

    Returns the table and R². Inputs that do not vary are left out.
    """
    keys = [f["key"] for f in factors if numeric(f) and final[f["key"]].nunique() > 1]
    y = final[metric].to_numpy(dtype=float)
    if not keys or len(y) <= len(keys) + 1:
        return pd.DataFrame(columns=["input", "per", "effect", "ci"]), float("nan")
    X = np.column_stack([np.ones(len(y))] + [final[k].to_numpy(dtype=float) for k in keys])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    dof = len(y) - X.shape[1]
    sigma2 = float(resid @ resid) / dof if dof > 0 else float("nan")
    try:
        cov = sigma2 * np.linalg.inv(X.T @ X)
        se = np.sqrt(np.clip(np.diag(cov), 0, None))
    except np.linalg.LinAlgError:
        se = np.full(X.shape[1], np.nan)
    tss = float(((y - y.mean()) ** 2).sum())
    r2 = 1 - float(resid @ resid) / tss if tss > 0 else float("nan")
    rows = []
    for j, k in enumerate(keys, start=1):
        f = next(f for f in factors if f["key"] == k)
        x = final[k].to_numpy(dtype=float)
        per = f.get("per") or float(x.max() - x.min())
        rows.append({"input": k, "per": per, "effect": beta[j] * per, "ci": half_width(float(se[j]), dof) * per})
    return pd.DataFrame(rows), r2


def sensitivity(batch: Batch, metric: str) -> tuple[pd.DataFrame, str]:
    """Variance-based indices of the sampled inputs, per block of crossed settings, averaged.

    Sobol design: first-order (S1) and total (ST) Sobol indices; random and
    LHS designs: RBD-FAST first-order indices. ``S1_conf`` is SALib's 95%
    half-width (bootstrap for RBD-FAST). Largest S1 first. Returns (table,
    method or the reason there is none).
    """
    design = batch.manifest["sweep"]["design"]
    sampled = [f for f in batch.factors if "lo" in f and design != "grid"]
    if not sampled:
        return pd.DataFrame(), "none: " + _("variance-based sensitivity needs ranges sampled by a random, lhs or "
                                            "sobol design (this batch's design is a grid of settings)")
    names = [f["key"] for f in sampled]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    points = (batch.final.groupby("point", sort=True)
              .agg(block=("block", "first"), sample=("sample", "first"), y=(metric, "mean"),
                   **{f"x{i}": (k, "first") for i, k in enumerate(names)}))
    per_block = []
    for _block, blk in points.groupby("block", sort=True):
        blk = blk.sort_values("sample")
        y = blk["y"].to_numpy(dtype=float)
        if np.ptp(y) == 0:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if design == "sobol":
                from SALib.analyze import sobol
                si = sobol.analyze(problem, y, calc_second_order=False, seed=0)
                per_block.append(pd.DataFrame({"input": names, "S1": si["S1"], "S1_conf": si["S1_conf"],
                                               "ST": si["ST"], "ST_conf": si["ST_conf"]}))
            else:
                if len(y) < 24:
                    return pd.DataFrame(), "none: " + _("RBD-FAST needs at least 24 samples per setting of the "
                                                        "crossed inputs, this batch has {n}").format(n=len(y))
                from SALib.analyze import rbd_fast
                X = blk[[f"x{i}" for i in range(len(names))]].to_numpy(dtype=float)
                si = rbd_fast.analyze(problem, X, y, M=4 if len(y) < 128 else 10, seed=0)
                per_block.append(pd.DataFrame({"input": names, "S1": si["S1"], "S1_conf": si["S1_conf"]}))
    method = (_("Sobol indices (SALib, Saltelli sampling): S1 first order, ST total") if design == "sobol"
              else _("RBD-FAST first-order indices (SALib)"))
    if not per_block:
        return pd.DataFrame(), "none: " + _("{metric} does not vary across the sampled inputs").format(metric=metric)
    both = pd.concat(per_block, ignore_index=True)
    agg = both.groupby("input", sort=False).agg(["mean", "min", "max"])
    agg.columns = [f"{a}_{b}" for a, b in agg.columns]
    agg = agg.reset_index()
    agg["blocks"] = len(per_block)
    agg["samples"] = len(points) // max(1, points["block"].nunique())
    return agg.sort_values("S1_mean", ascending=False, kind="stable").reset_index(drop=True), method


def crossings(batch: Batch, metric: str, op: str, value: float) -> pd.DataFrame:
    """Runs whose ``metric`` crosses the threshold, with the first month it does and the final value."""
    cmp = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal}[op]
    rows = batch.rows.sort_values(["run_id", "month"], kind="stable")
    hit = rows[cmp(rows[metric].to_numpy(dtype=float), value)]
    first = hit.groupby("run_id", sort=True).head(1)[["run_id", "month", "date"]]
    first = first.rename(columns={"month": "first_month", "date": "first_date"})
    keys = [f["key"] for f in batch.factors]
    final = batch.final[["run_id", "seed", *keys, metric]].rename(columns={metric: f"final_{metric}"})
    out = first.merge(final, on="run_id", how="left")
    out.insert(0, "threshold", f"{metric} {op} {table_number(value)}")
    return out.sort_values(["first_month", "run_id"], kind="stable").reset_index(drop=True)


# ===========================================================================
# figures


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "silicon-curtain", "font.size": 8, "axes.titlesize": 8,
                         "figure.dpi": 150, "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _save(fig, stem: Path, svg: bool) -> list[Path]:
    plt = _pyplot()
    paths = [stem.with_suffix(".png")]
    fig.savefig(paths[0], metadata={"Software": None})
    if svg:
        paths.append(stem.with_suffix(".svg"))
        fig.savefig(paths[1], metadata={"Date": None})
    plt.close(fig)
    return paths


def _title(metric: str) -> str:
    """'smuggled_cum (H100e)': a metric and its unit as the code says them (``drivers.md`` stays English)."""
    return f"{metric} ({UNITS.get(metric, '')})"


def _unit(metric: str) -> str:
    """A metric's unit in the chosen language ('months', 'か月'); units of measure (H100e, USD) as they are."""
    unit = UNITS.get(metric, "")
    return _(UNIT_WORDS[unit]) if unit in UNIT_WORDS else unit


def _metric_title(metric: str) -> str:
    """'smuggled_cum (H100e)' in the chosen language: the metric's name (a column of the results) and its unit."""
    return _("{metric} ({unit})").format(metric=metric, unit=_unit(metric))


def fan_chart(batch: Batch, metric: str, grp_by_run: pd.Series, stem: Path, svg: bool) -> list[Path]:
    """One panel per setting: median, middle half and the game's band (``intervals.BAND``) over runs;
    other settings' medians in grey."""
    plt = _pyplot()
    rows = batch.rows[["run_id", "month", metric]]
    run_group = dict(zip(batch.final["run_id"], grp_by_run))
    rows = rows.assign(group=rows["run_id"].map(run_group))
    table = rows.pivot(index="month", columns="run_id", values=metric)
    names = sorted(set(run_group.values()))
    bands = {}
    for g in names:
        ids = [r for r, gg in run_group.items() if gg == g]
        q = np.percentile(table[ids].to_numpy(dtype=float), [100 * BAND[0], 25, 50, 75, 100 * BAND[1]], axis=1)
        bands[g] = q
    n = len(names)
    ncols = min(3, n)
    nrows = math.ceil(n / ncols)
    width = max(3.2 * ncols, 5.6)  # one panel (all runs) still holds the title
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, 2.3 * nrows + 0.4), sharex=True, sharey=True,
                             squeeze=False, layout="constrained")
    months = table.index.to_numpy()
    colour = plt.get_cmap("viridis")
    for i, g in enumerate(names):
        ax = axes[i // ncols][i % ncols]
        for other in names:
            if other != g:
                ax.plot(months, bands[other][2], color="0.8", lw=0.8)
        c = colour(i / max(1, n - 1) * 0.9)
        q = bands[g]
        ax.fill_between(months, q[0], q[4], color=c, alpha=0.2, lw=0,
                        label=_("{band} of runs").format(band=BAND_LABEL))
        ax.fill_between(months, q[1], q[3], color=c, alpha=0.4, lw=0, label=_("middle 50% of runs"))
        ax.plot(months, q[2], color=c, lw=1.5, label=_("median"))
        ax.set_title(label(g))
    for j in range(n, nrows * ncols):
        axes[j // ncols][j % ncols].set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel(_("month"))
    for row in axes:
        row[0].set_ylabel(_unit(metric))
    axes[0][0].legend(loc="upper left", frameon=False)
    fig.suptitle(_("{metric} over time: median, middle 50% and {band} of runs").format(
        metric=_metric_title(metric), band=BAND_LABEL))
    return _save(fig, stem, svg)


def distributions(batch: Batch, metrics: Sequence[str], grp: pd.Series, by: str | None, stem: Path,
                  svg: bool) -> list[Path]:
    """Box plots (whiskers at the game's band, ``intervals.BAND``) of each final outcome per setting, runs as dots."""
    plt = _pyplot()
    names = sorted(grp.unique())
    ncols = min(2, len(metrics))
    nrows = math.ceil(len(metrics) / ncols)
    width = max(2.8, 0.55 * len(names) + 1.2)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, 2.4 * nrows + 0.3), squeeze=False,
                             layout="constrained")
    rng = np.random.default_rng(0)
    ticks = [short(g, by) for g in names]
    rotate = sum(len(t) for t in ticks) > 6 * width
    for i, metric in enumerate(metrics):
        ax = axes[i // ncols][i % ncols]
        data = [batch.final.loc[grp == g, metric].to_numpy(dtype=float) for g in names]
        ax.boxplot(data, whis=(100 * BAND[0], 100 * BAND[1]), showfliers=False, widths=0.5,
                   medianprops={"color": "#ee6677"})
        for j, d in enumerate(data, start=1):
            ax.scatter(j + rng.uniform(-0.12, 0.12, len(d)), d, s=4, alpha=0.35, color="#4477aa", lw=0)
        ax.set_xticks(range(1, len(names) + 1), ticks, rotation=30 if rotate else 0,
                      ha="right" if rotate else "center")
        if by:
            ax.set_xlabel(by)
        ax.set_ylabel(_unit(metric))
        ax.set_title(_("{metric} at month {month}").format(metric=_metric_title(metric),
                                                             month=int(batch.final["month"].max())))
    for j in range(len(metrics), nrows * ncols):
        axes[j // ncols][j % ncols].set_visible(False)
    return _save(fig, stem, svg)


def tornado(effects: dict[str, pd.DataFrame], overall: dict[str, float], stem: Path, svg: bool) -> list[Path]:
    """Per outcome: bars from the overall mean to the mean at each input's low and high end."""
    plt = _pyplot()
    metrics = [m for m, e in effects.items() if len(e)]
    if not metrics:
        return []
    n_in = min(TOP, max(len(effects[m]) for m in metrics))
    fig, axes = plt.subplots(len(metrics), 1, figsize=(6.4, (0.35 * n_in + 0.8) * len(metrics) + 0.3),
                             squeeze=False, layout="constrained")
    for ax, metric in zip(axes[:, 0], metrics):
        e = effects[metric].head(TOP).iloc[::-1]
        base = overall[metric]
        ypos = np.arange(len(e))
        ax.barh(ypos + 0.2, e["mean_low"] - base, left=base, height=0.4, color="#4477aa",
                label=_("input at its low end"))
        ax.barh(ypos - 0.2, e["mean_high"] - base, left=base, height=0.4, color="#ee6677",
                label=_("input at its high end"))
        ax.axvline(base, color="0.3", lw=0.8)
        ax.set_yticks(ypos, e["input"])
        ax.set_title(_("{metric}: mean over runs, one input at a time").format(metric=_metric_title(metric))
                     + _of_top(len(effects[metric])))
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=2, frameon=False)
    return _save(fig, stem, svg)


def _of_top(n: int) -> str:
    """A chart title's note when it shows only the largest :data:`TOP` of ``n`` inputs."""
    return " " + _("(largest {top} of {n})").format(top=TOP, n=n) if n > TOP else ""


def sensitivity_chart(tables: dict[str, pd.DataFrame], stem: Path, svg: bool) -> list[Path]:
    """Per outcome: each input's share of the variance (largest first, with SALib's 95% interval)."""
    plt = _pyplot()
    metrics = [m for m, t in tables.items() if len(t)]
    if not metrics:
        return []
    n_in = min(TOP, max(len(tables[m]) for m in metrics))
    fig, axes = plt.subplots(len(metrics), 1, figsize=(6.4, (0.22 * n_in + 0.7) * len(metrics) + 0.5),
                             squeeze=False, layout="constrained")
    for ax, metric in zip(axes[:, 0], metrics):
        t = tables[metric].head(TOP).iloc[::-1]
        y = np.arange(len(t))
        h = 0.38 if "ST_mean" in t else 0.6
        ax.barh(y + (h / 2 if "ST_mean" in t else 0), t["S1_mean"], height=h, color="#4477aa", label="S1",
                xerr=t["S1_conf_mean"] if "S1_conf_mean" in t else None, error_kw={"lw": 0.6, "capsize": 1.5})
        if "ST_mean" in t:
            ax.barh(y - h / 2, t["ST_mean"], height=h, color="#ccbb44", label="ST")
        ax.set_yticks(y, t["input"])
        ax.set_xlim(0, max(1.0, float(np.nanmax(t.filter(like="_mean").to_numpy())) * 1.05))
        ax.set_title(_("{metric}: share of variance").format(metric=_metric_title(metric))
                     + _of_top(len(tables[metric])))
        ax.legend(loc="lower right", frameon=False, fontsize=7)
    return _save(fig, stem, svg)


# ===========================================================================
# the summary


def _md_table(frame: pd.DataFrame, columns: dict[str, str], limit: int | None = None) -> str:
    rows = frame if limit is None else frame.head(limit)
    lines = ["| " + " | ".join(columns.values()) + " |", "|" + "---|" * len(columns)]
    for _index, r in rows.iterrows():
        lines.append("| " + " | ".join(table_number(r[c]) if not isinstance(r[c], str) else r[c] for c in columns) + " |")
    return "\n".join(lines)


def _inputs_table(batch: Batch) -> str:
    lines = [_md_head((_("input"), _("kind"), _("settings")))]
    for f in batch.factors:
        if "dist" in f:
            what = _("declared range {span} ({dist}), sampled; the runs table holds its quantile 0-1").format(
                span=f["span"], dist=f["dist"])
        elif "values" in f:
            what = ", ".join(table_number(v) for v in f["values"])
        else:
            what = _("{low} to {high}").format(low=table_number(f["lo"]), high=table_number(f["hi"]))
            what += (" " + _("(log scale)")) if f.get("log") else ""
            what += _(", {n} steps").format(n=f["steps"]) if f.get("steps") else _(", sampled")
        kind = _(KINDS[f["kind"]]) if f["kind"] in KINDS else f["kind"]
        lines.append(f"| `{f['key']}` | {kind} | {what} |")
    return "\n".join(lines)


def _md_head(columns: Sequence[str]) -> str:
    """A Markdown table's header and rule."""
    return "| " + " | ".join(columns) + " |\n" + "|" + "---|" * len(columns)


def write_report(folder: str | Path, *, thresholds: Sequence[str] = (), metrics: Sequence[str] | None = None,
                 by: str | None = None, svg: bool = True) -> Path:
    """Write figures (PNG, and SVG unless ``svg=False``) and ``summary.md`` into ``folder/report``."""
    batch = read_batch(folder)
    m = batch.manifest
    keys = [f["key"] for f in batch.factors]
    wanted = list(metrics or m.get("report", {}).get("metrics") or batch.metrics[:4])
    for name in wanted:
        if name not in batch.metrics:
            raise ReportError(f"--metrics {name}: " + _("expected a metric this batch kept ({metrics})").format(
                metrics=", ".join(batch.metrics)))
    by = by or m.get("report", {}).get("by")
    if by is not None and by not in keys:
        raise ReportError(f"--by {by}: " + _("expected one of the swept inputs ({inputs})").format(
            inputs=", ".join(keys) or _("none")))
    if by is None:
        levers = [f for f in batch.factors if f["kind"] == "lever"]
        explicit = [f for f in batch.factors if "dist" not in f]
        by = (levers or explicit or [{"key": None}])[0]["key"]
    parsed = []
    for text in [*m.get("report", {}).get("thresholds", []), *thresholds]:
        try:
            parsed.append(parse_threshold(text, batch.metrics))
        except ValueError as exc:
            raise ReportError(f"--threshold: {exc}") from None

    out = batch.folder / REPORT_DIR
    out.mkdir(exist_ok=True)
    by_factor = batch.factor(by) if by else None
    grp = groups(batch.final, by, by_factor)
    grouped_numeric = by_factor is not None and numeric(by_factor) and batch.final[by].nunique() <= MAX_GROUPS
    figures: dict[str, list[Path]] = {}
    effects = {metric: main_effects(batch.final, batch.factors, metric) for metric in wanted}
    overall = {metric: float(batch.final[metric].mean()) for metric in wanted}
    sens = {metric: sensitivity(batch, metric) for metric in wanted}
    with figure_fonts():  # Japanese titles, and Japanese settings in an English report, need their glyphs
        if batch.monthly:
            for metric in wanted:
                figures[f"fan_{metric}"] = fan_chart(batch, metric, grp, out / f"fan_{metric}", svg)
        figures["final_distributions"] = distributions(batch, wanted, grp, by, out / "final_distributions", svg)
        figures["tornado"] = tornado(effects, overall, out / "tornado", svg)
        figures["sensitivity"] = sensitivity_chart({k: v[0] for k, v in sens.items()}, out / "sensitivity", svg)
    if any(len(t) for t, _method in sens.values()):
        indices = pd.concat([t.assign(metric=k) for k, (t, _method) in sens.items() if len(t)], ignore_index=True)
        indices.to_csv(out / "sensitivity.csv", index=False, float_format="%.6g")
    cross = [crossings(batch, *t) for t in parsed]
    if cross:
        all_cross = pd.concat(cross, ignore_index=True)
        all_cross.to_csv(out / "thresholds.csv", index=False, float_format="%.12g")

    md = _summary(batch, wanted, by, grp, grouped_numeric, effects, sens, parsed, cross, figures)
    (out / "summary.md").write_text(md, encoding="utf-8")
    if any("why" in f for f in batch.factors) and any(len(t) for t, _method in sens.values()):
        # in English whatever the reader's language: docs/uncertainty.md quotes it
        (out / DRIVERS).write_text(drivers(batch, {k: v[0] for k, v in sens.items()}), encoding="utf-8")
    return out


DRIVERS = "drivers.md"
"""The report's table of each outcome's largest first-order indices with each range's reason (for docs)."""


def drivers(batch: Batch, tables: dict[str, pd.DataFrame], top: int = 5) -> str:
    """Markdown: per outcome, its ``top`` inputs by S1 with their 95% half-widths, declared range and why."""
    n = next(int(t["samples"].iloc[0]) for t in tables.values() if len(t))
    lines = [f"Generated by `silicon-curtain report` from {len(batch.final)} runs ({n} samples per block); "
             f"S1 ± SALib's 95% half-width.", ""]
    for metric, t in tables.items():
        if not len(t):
            continue
        lines += [f"**{_title(metric)}**", "", "| input | S1 | ± 95% | range | why (from the scenario) |",
                  "|---|---|---|---|---|"]
        for _index, r in t.head(top).iterrows():
            f = batch.factor(r["input"])
            conf = f"{r['S1_conf_mean']:.2f}" if "S1_conf_mean" in t else ""
            rng = f.get("span") or f"{table_number(f['lo'])} to {table_number(f['hi'])}"
            lines.append(f"| `{r['input']}` | {r['S1_mean']:.2f} | {conf} | {rng} | {f.get('why', '')} |")
        lines.append("")
    return "\n".join(lines)


def _summary(batch: Batch, wanted, by, grp, grouped_numeric, effects, sens, parsed, cross, figures) -> str:
    """summary.md in the chosen language (metric, input and file names as the code says them)."""
    m = batch.manifest
    sw = m["sweep"]
    n_runs = len(batch.final)
    last = int(batch.final["month"].max())
    commit = m.get("git_commit")
    lines = [f"# {_(sw.get('title') or sw['name'])}", ""]
    if sw.get("description"):
        lines += [_(sw["description"]), ""]
    design = sw["design"] + (_(", {n} samples").format(n=sw["samples"]) if sw.get("samples") else "")
    plan = (_("{runs} runs: {points} points x {seeds} seed(s); design {design}; root seed {root_seed} with common "
              "random numbers; {months} months of scenario `{scenario}` (scale {scale}).")
            if sw.get("common_random_numbers") else
            _("{runs} runs: {points} points x {seeds} seed(s); design {design}; root seed {root_seed}; {months} "
              "months of scenario `{scenario}` (scale {scale})."))
    made = ""
    if commit:
        made = (_(", commit `{commit}` (uncommitted changes)") if m.get("git_dirty") else
                _(", commit `{commit}`")).format(commit=commit[:12])
    lines += [
        plan.format(runs=n_runs, points=m["points"], seeds=sw["seeds"], design=design, root_seed=sw["root_seed"],
                    months=sw["months"], scenario=Path(m["scenario"]["file"]).stem, scale=table_number(sw["scale"])),
        "",
        _("Made with silicon-curtain {version}{commit}, Python {python} on {platform}; started {started}, finished "
          "{finished}, {seconds} s of computing. Sweep file sha256 `{sweep_hash}…`; plan hash `{plan_hash}…` "
          "(`manifest.json`).").format(
            version=m.get("version"), commit=made, python=m.get("python"), platform=m.get("platform"),
            started=m.get("started"), finished=m.get("finished"), seconds=table_number(m.get("wall_seconds")),
            sweep_hash=sw["sha256"][:16], plan_hash=m["plan_hash"][:16]),
        "",
    ]
    if batch.factors:
        lines += ["## " + _("Inputs"), "", _inputs_table(batch), ""]

    outcomes = _("Outcomes at month {month}, by `{input}`") if by else _("Outcomes at month {month}")
    lines += ["## " + outcomes.format(month=last, input=by), ""]
    per = batch.factor(by).get("per") if by else None
    paired = []
    for metric in wanted:
        table = by_setting(batch.final, metric, grp, per, by if grouped_numeric else None,
                           [f["key"] for f in batch.factors])
        cols = {"setting": _("setting"), "runs": _("runs"), "mean": _("mean"),
                "p_lo": _("{n}th pct").format(n=f"{100 * BAND[0]:.0f}"), "p50": _("median"),
                "p_hi": _("{n}th pct").format(n=f"{100 * BAND[1]:.0f}")}
        if grouped_numeric and len(table) > 1:
            change = (_("change in mean per {per}").format(per=table_number(per)) if per
                      else _("change in mean per step"))
            cols |= {"change": change, "ci": _("± 95% CI")}
            paired.append(bool(table["paired"].iloc[1:].all()))
        lines += [f"**{_metric_title(metric)}**", "", _md_table(table, cols), ""]
    if paired:
        lines += [_("The change from the previous setting, scaled to the step, is the mean of paired differences: "
                    "each run against its twin at the previous setting (same other inputs and replicate); ± is a "
                    "95% interval (Student's t; Welch's for independent samples).") if all(paired) else
                  _("The change from the previous setting, scaled to the step, is the difference of the two "
                    "settings' means, treated as independent samples; ± is a 95% interval (Student's t; Welch's "
                    "for independent samples)."), ""]

    if figures.get(f"fan_{wanted[0]}"):
        lines += ["## " + _("Over time"), "",
                  _("Median, middle 50% and {band} of runs (the band the game draws over sampled worlds).").format(
                      band=BAND_LABEL), ""]
        for metric in wanted:
            alt = _("{metric} over time").format(metric=metric)
            lines += [f"![{alt}](fan_{metric}.png)", ""]
    lines += ["## " + _("Distribution of final outcomes"), "",
              _("Boxes: middle 50%; whiskers: {band} of runs.").format(band=BAND_LABEL), "",
              "![" + _("final outcomes") + "](final_distributions.png)", ""]

    lines += ["## " + _("Effect of each input, one at a time"), ""]
    if figures.get("tornado"):
        lines += [_("Mean outcome over all runs with the input at its low end and at its high end (every other "
                    "input and seed averaged over); inputs sorted by swing."), "",
                  "![" + _("tornado") + "](tornado.png)", ""]
        for metric in wanted:
            e = effects[metric]
            if len(e):
                mean = _("(mean over all runs {mean})").format(mean=table_number(batch.final[metric].mean()))
                lines += [f"**{_metric_title(metric)}** {mean}" + _of_top(len(e)), "",
                          _md_table(e, {"input": _("input"), "low": _("low end"), "mean_low": _("mean"),
                                        "high": _("high end"), "mean_high": _("mean"), "swing": _("swing")},
                                    limit=TOP), ""]
        lines += [_("**Marginal effects** (least squares of the final outcome on every numeric input over all "
                    "runs; effect per the input's `per`, or over its whole range):"), ""]
        for metric in wanted:
            table, r2 = marginal_effects(batch.final, batch.factors, metric)
            if len(table):
                table = table.sort_values("effect", key=abs, ascending=False, kind="stable")
                lines += [f"*{metric}* (R² {table_number(r2)})" + _of_top(len(table)), "",
                          _md_table(table, {"input": _("input"), "per": _("per"), "effect": _("effect"),
                                            "ci": _("± 95% CI")}, limit=TOP), ""]
    else:
        lines += [_("No input varies in this batch (a Monte Carlo over seeds only)."), ""]

    lines += ["## " + _("Variance-based sensitivity"), ""]
    method = next(iter(sens.values()))[1] if sens else "none"
    if any(len(t) for t, _method in sens.values()):
        first = next(t for t, _method in sens.values() if len(t))
        n = int(first["samples"].iloc[0])
        lines += [_("Method: {method}. Computed on each point's mean over seeds, for each setting of the crossed "
                    "inputs ({blocks} block(s) of {n} samples); the table gives the mean over blocks and its range. "
                    "As a rough guide an index is uncertain by about ±{error} (1/√N): read smaller values, and "
                    "negative ones, as zero.").format(method=method, blocks=first["blocks"].iloc[0], n=n,
                                                        error=f"{1 / math.sqrt(n):.2f}"), "",
                  "![" + _("sensitivity") + "](sensitivity.png)", ""]
        for metric, (t, _method) in sens.items():
            if len(t):
                cols = {"input": _("input"), "S1_mean": "S1", "S1_min": _("S1 min"), "S1_max": _("S1 max")}
                if "S1_conf_mean" in t:
                    cols |= {"S1_conf_mean": "S1 ± 95%"}
                if "ST_mean" in t:
                    cols |= {"ST_mean": "ST", "ST_min": _("ST min"), "ST_max": _("ST max"), "ST_conf_mean": "ST ± 95%"}
                lines += [f"**{_metric_title(metric)}**" + _of_top(len(t)), "", _md_table(t, cols, limit=TOP), ""]
        if any(len(t) > TOP for t, _method in sens.values()):
            lines += [_("Every input's indices: `sensitivity.csv`."), ""]
    else:
        lines += [_("Not computed: {reason}.").format(reason=method.removeprefix("none: ")), ""]

    lines += ["## " + _("Threshold crossings"), ""]
    if not parsed:
        lines += [_("No threshold named (`silicon-curtain report DIR --threshold 'smuggled_cum>150000'`, or "
                    "`thresholds` under `[report]` in the sweep file)."), ""]
    for (metric, op, value), table in zip(parsed, cross):
        crossed = (_("at any month: {n} of {runs} runs ({share}%).") if batch.monthly else
                   _("at month {month}: {n} of {runs} runs ({share}%)."))
        lines += [f"**{metric} {op} {table_number(value)}** " + crossed.format(
            month=last, n=len(table), runs=n_runs, share=f"{100 * len(table) / max(1, n_runs):.1f}"), ""]
        if by and len(table):
            share = (grp.groupby(grp).size().rename("runs").to_frame()
                     .join(grp[batch.final["run_id"].isin(table["run_id"]).to_numpy()]
                           .groupby(grp).size().rename("crossed"), how="left").fillna(0))
            share["share"] = share["crossed"] / share["runs"]
            share = share.reset_index(names="setting")
            share["setting"] = share["setting"].map(label)
            lines += [_md_table(share, {"setting": _("setting"), "runs": _("runs"), "crossed": _("crossed"),
                                        "share": _("share")}), ""]
        if len(table):
            keys = [f["key"] for f in batch.factors]
            cols = {"run_id": _("run"), "seed": _("seed"), **{k: k for k in keys},
                    "first_month": _("first month"), f"final_{metric}": _("final {metric}").format(metric=metric)}
            lines += [_md_table(table, cols, limit=30), ""]
            if len(table) > 30:
                lines += [_("(first 30 of {n}; all in `thresholds.csv`)").format(n=len(table)), ""]
    svg = any(p.suffix == ".svg" for ps in figures.values() for p in ps)
    lines += ["## " + _("Files"), "",
              _("`../results.parquet` ({rows}), `../runs.parquet` (each run's inputs and seed; join on `run_id`), "
                "`../manifest.json` (provenance). Figures here as {formats}.").format(
                  rows=_("one row per run and month") if batch.monthly else _("one row per run"),
                  formats=_("PNG and SVG") if svg else "PNG"), ""]
    return "\n".join(lines)
