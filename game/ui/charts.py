"""Line charts drawn with pygame: axes, units, year ticks, a legend, baselines dotted.

Owns the chart definitions the main screen and the debrief show (which
metric, which unit, which colour) and their rendering to a surface, once per
month (never per frame). Reads metric dicts; imports pygame, the standard
library and ``game.session`` (for number formatting).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import pygame

from agents.lang import N_, _
from agents.words import format_value
from game.ui.style import Palette, Text


@dataclass(frozen=True)
class Series:
    label: str
    """The legend's word for the line (an English catalogue key: drawn through ``_``)."""
    key: str
    colour: int  # index into palette.series
    baseline: str | None = None  # a baseline key: drawn dotted from that run instead of the player's
    solid: bool = False  # a run drawn as a thin solid line (a what-if branch), not dotted


@dataclass(frozen=True)
class ChartSpec:
    """A chart: its title, unit word, legend labels and doc are English catalogue keys, shown through ``_``."""

    key: str
    title: str
    unit: str
    series: tuple[Series, ...]
    log: bool = False
    doc: str = ""
    smooth: int = 1  # months in a trailing moving average (for noisy monthly flows)


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec("compute", N_("Compute by bloc"), "H100e", (
        Series(N_("US"), "compute_us", 0), Series(N_("Allies"), "compute_allies", 1),
        Series(N_("Tier 2"), "compute_swing", 2), Series(N_("Tier 3"), "compute_adversary", 3),
        Series(N_("Tier 3, no controls"), "compute_adversary", 3, baseline="no_controls")), log=True,
        doc=N_("Installed accelerators by bloc (log scale). Dashed: Tier 3 in the no-controls run.")),
    ChartSpec("smuggling", N_("Smuggled vs seized"), "H100e", (
        Series(N_("Smuggled"), "smuggled_cum", 4), Series(N_("Seized"), "seized_cum", 3),
        Series(N_("Smuggled, as scheduled"), "smuggled_cum", 4, baseline="scheduled")),
        doc=N_("Controlled chips that reached Tier 3 illegally, and those seized, cumulative.")),
    ChartSpec("stockpile", N_("Stockpiles"), "H100e", (
        Series(N_("Tier 3"), "stockpile_adversary", 3), Series(N_("Tier 2"), "stockpile_swing", 2)),
        doc=N_("Chips bought ahead of a restriction and not yet installed.")),
    ChartSpec("domestic", N_("Tier 3 domestic chips made"), "H100e/month", (
        Series(N_("4-month average"), "domestic_output_adversary", 5),
        Series(N_("No controls"), "domestic_output_adversary", 5, baseline="no_controls")), smooth=4,
        doc=N_("Domestic (Tier 3-designed) chips made each month, averaged over 4 months (output comes in "
            "uneven batches). Dashed: the no-controls run.")),
    ChartSpec("revenue", N_("US vendor revenue"), "USD", (
        Series(N_("Revenue"), "us_vendor_revenue_cum", 0),
        Series(N_("No controls"), "us_vendor_revenue_cum", 0, baseline="no_controls")),
        doc=N_("US chip designers' sales, net of fees, cumulative. Dashed: the no-controls run.")),
    ChartSpec("gap", N_("Frontier gap"), "months", (
        Series(N_("Frontier"), "frontier_gap_months", 0), Series(N_("With open weights"), "capability_gap_months", 4),
        Series(N_("No controls"), "frontier_gap_months", 0, baseline="no_controls")),
        doc=N_("Months the best Tier 3 lab trails the best US lab.")),
)

UNIT_WORDS = {"H100e/month": N_("H100e/month"), "months": N_("months"), "USD": N_("USD"),
              "USD/year": N_("USD/year"), "share": N_("share")}
"""A chart's unit as its corner names it (other units, H100e and 0-1, are the same in every language)."""


def unit_text(unit: str, log: bool = False) -> str:
    """The unit in a chart's corner: 'H100e, log', 'months'."""
    word = _(UNIT_WORDS[unit]) if unit in UNIT_WORDS else unit
    return _("{unit}, log").format(unit=word) if log else word


CHART_PAGES = (("compute", "smuggling", "stockpile"), ("domestic", "revenue", "gap"))


def nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    """Round tick values (1, 2, 5 x 10^k) covering [lo, hi]."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 5, 10) if m * mag >= raw), default=10 * mag)
    start = math.floor(lo / step) * step
    ticks = [start]
    while ticks[-1] < hi - 1e-12 * max(abs(hi), 1.0):
        ticks.append(ticks[-1] + step)
    if len(ticks) < 2:
        ticks.append(ticks[-1] + step)
    return ticks


def _smooth(vals: list[float], k: int) -> list[float]:
    """Trailing mean over ``k`` values (the first values average what there is)."""
    if k <= 1:
        return vals
    out, acc = [], 0.0
    for i, v in enumerate(vals):
        acc += v
        if i >= k:
            acc -= vals[i - k]
        out.append(acc / min(i + 1, k))
    return out


def dashed(surf: pygame.Surface, colour, pts: list[tuple[float, float]], dash: float = 5.0, gap: float = 4.0,
           width: int = 1) -> None:
    """A dashed polyline: dashes measured along its length, so steep stretches stay dashed."""
    on, left = True, dash
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        seg = math.hypot(x1 - x0, y1 - y0)
        pos = 0.0
        while seg - pos > 1e-9:
            step = min(left, seg - pos)
            if on:
                a, b = pos / seg, (pos + step) / seg
                pygame.draw.line(surf, colour, (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a),
                                 (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b), width)
            pos += step
            left -= step
            if left <= 1e-9:
                on = not on
                left = dash if on else gap


def fmt_axis(v: float, unit: str, digits: int = 0) -> str:
    """A tick label: the axis names the unit."""
    return format_value(unit, v, digits, style="bare")


def axis_labels(ticks: list[float], unit: str) -> list[str]:
    """Tick labels with as few decimals as keep them distinct (1.5M is not 2M)."""
    for digits in (0, 1, 2):
        labels = [fmt_axis(t, unit, digits) for t in ticks]
        if len(set(labels)) == len(labels):
            return labels
    return labels


def render_chart(spec: ChartSpec, size: tuple[int, int], text: Text, palette: Palette,
                 rows: Sequence[dict], horizon: int, baselines: dict[str, Sequence[dict]] | None = None,
                 cursor: int | None = None, years: Callable[[int], str] | None = None,
                 font: int = 12, full_baseline: bool = False, band: Mapping[str, Sequence] | None = None,
                 band_note: str = "", band_label: str = "") -> pygame.Surface:
    """One chart as a surface.

    Args:
        rows: the player's metric dicts, month 0 onwards.
        horizon: the last month of the x axis.
        baselines: metric rows of other runs by key (baselines dotted, branches thin and solid).
        cursor: a month to mark (the month being inspected).
        years: month -> label for January ticks (None: month numbers).
        full_baseline: draw baselines over the whole horizon, not just up to now.
        band: (low, median, high) by month 0 to ``horizon``, by series key: shaded behind the line, with the
            drawn to the horizon, ahead of the line (where the world may go).
        band_note: a word on the band to come (drawn small in the plot's corner), e.g. that it is computing.
        band_label: the band's legend entry (e.g. "10-90%, 8 worlds"), shown if the legend has room.
    """
    w, h = size
    surf = pygame.Surface(size)
    surf.fill(palette.panel)
    pygame.draw.rect(surf, palette.panel_edge, surf.get_rect(), 1)
    pad = 6
    title_h = text.line_height(font + 1, True)
    u = text.render(unit_text(spec.unit, spec.log), font - 1, palette.text_dim)
    surf.blit(u, (w - pad - u.get_width(), 5))
    title = text.fit(_(spec.title), font + 1, w - 2 * pad - u.get_width() - 8, True)
    surf.blit(text.render(title, font + 1, palette.text, True), (pad, 3))
    # legend: one row of coloured labels under the title
    lx, ly = pad, 3 + title_h
    leg_h = text.line_height(font - 1)
    for s in spec.series:
        col = palette.series[s.colour]
        label = _(s.label)
        lw = text.width(label, font - 1) + 16
        if lx + lw > w - pad:  # a second row rather than dropping a line's label (the dashed ones come last)
            if lx == pad or ly > 3 + title_h:
                break
            lx, ly = pad, ly + leg_h
        if s.baseline and not s.solid:
            for k in range(0, 10, 4):
                pygame.draw.line(surf, col, (lx + k, ly + leg_h // 2), (lx + k + 2, ly + leg_h // 2), 2)
        else:
            pygame.draw.line(surf, col, (lx, ly + leg_h // 2), (lx + 10, ly + leg_h // 2), 2)
        surf.blit(text.render(label, font - 1, palette.text_dim), (lx + 13, ly))
        lx += lw + 6
    if band and band_label:
        lw = text.width(band_label, font - 1) + 16
        if lx + lw > w - pad and lx > pad and ly == 3 + title_h:
            lx, ly = pad, ly + leg_h
        if lx + lw <= w - pad:
            swatch = pygame.Surface((10, max(4, leg_h - 6)), pygame.SRCALPHA)
            swatch.fill((*palette.text[:3], BAND_ALPHA + 40))
            surf.blit(swatch, (lx, ly + 3))
            surf.blit(text.render(band_label, font - 1, palette.text_dim), (lx + 13, ly))
    top = ly + leg_h + 4
    # values
    n = len(rows)
    data: list[tuple[Series, list[float]]] = []
    for s in spec.series:
        if s.baseline:
            b = (baselines or {}).get(s.baseline)
            if not b:
                continue
            upto = len(b) if full_baseline else min(n, len(b))
            data.append((s, _smooth([float(r[s.key]) for r in b[:upto]], spec.smooth)))
        else:
            data.append((s, _smooth([float(r[s.key]) for r in rows], spec.smooth)))
    bands = [(s, band[s.key]) for s, _ in data if band and not s.baseline and s.key in band]
    values = [v for _, vals in data for v in vals if math.isfinite(v)]
    values += [float(v) for _, q in bands for v in (*q[0], *q[2]) if math.isfinite(v)]
    if spec.log:
        values = [v for v in values if v > 0]
    if not values:
        values = [0.0, 1.0]
    lo, hi = min(values), max(values)
    if spec.log:
        llo, lhi = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
        if lhi <= llo:
            lhi = llo + 1
        ticks = [10.0 ** k for k in range(llo, lhi + 1)]
        if len(ticks) > 5:
            ticks = ticks[::2] if (len(ticks) - 1) % 2 == 0 else ticks[::2] + [ticks[-1]]
        ylo, yhi = math.log10(ticks[0]), math.log10(ticks[-1])
        fy = lambda v: math.log10(v) if v > 0 else ylo  # noqa: E731
    else:
        lo = min(lo, 0.0)
        ticks = nice_ticks(lo, hi)
        ylo, yhi = ticks[0], ticks[-1]
        fy = lambda v: v  # noqa: E731
    labels = axis_labels(ticks, spec.unit)
    left = pad + max(text.width(lb, font - 1) for lb in labels) + 4
    bottom = h - pad - text.line_height(font - 1)
    right = w - pad - 2
    plot = pygame.Rect(left, top, max(10, right - left), max(10, bottom - top))
    lh = text.line_height(font - 1)
    for t, lb in zip(ticks, labels):
        y = plot.bottom - (fy(t) - ylo) / (yhi - ylo or 1) * plot.h
        pygame.draw.line(surf, palette.panel_edge, (plot.left, int(y)), (plot.right, int(y)), 1)
        img = text.render(lb, font - 1, palette.text_dim)
        surf.blit(img, (plot.left - 4 - img.get_width(), int(y) - lh // 2))
    pygame.draw.line(surf, palette.panel_edge, plot.bottomleft, plot.bottomright, 1)
    # x ticks: every January (or every 12 months)
    last_label_x = -1000
    for m in range(0, horizon + 1):
        label = years(m) if years else (str(m) if m % 12 == 0 else None)
        if not label:
            continue
        x = plot.left + m / max(horizon, 1) * plot.w
        pygame.draw.line(surf, palette.panel_edge, (int(x), plot.top), (int(x), plot.bottom), 1)
        img = text.render(label, font - 1, palette.text_dim)
        lx = max(int(x) - img.get_width() // 2, plot.left + 1)  # never under the lowest y label
        if lx > last_label_x + 4 and lx + img.get_width() <= w:
            surf.blit(img, (max(0, lx), plot.bottom + 1))
            last_label_x = lx + img.get_width()
    if cursor is not None and 0 <= cursor <= horizon:
        x = plot.left + cursor / max(horizon, 1) * plot.w
        pygame.draw.line(surf, palette.warn, (int(x), plot.top), (int(x), plot.bottom), 1)
    to_xy = lambda m, v: (plot.left + m / max(horizon, 1) * plot.w,  # noqa: E731
                          min(max(plot.bottom - (fy(v) - ylo) / (yhi - ylo or 1) * plot.h, plot.top), plot.bottom))
    if bands:
        draw_bands(surf, bands, palette, to_xy)
    if band_note:
        img = text.render(text.fit(band_note, font - 2, plot.w - 8), font - 2, palette.text_dim)
        surf.blit(img, (plot.right - img.get_width() - 3, plot.top + 2))
    for s, vals in data:
        if len(vals) < 2:
            continue
        col = palette.series[s.colour]
        pts = []
        for m, v in enumerate(vals):
            if not math.isfinite(v):
                continue
            x = plot.left + m / max(horizon, 1) * plot.w
            y = plot.bottom - (fy(v) - ylo) / (yhi - ylo or 1) * plot.h
            pts.append((x, min(max(y, plot.top), plot.bottom)))
        if len(pts) < 2:
            continue
        if s.baseline and not s.solid:
            dashed(surf, col, pts)
        elif s.solid:
            pygame.draw.lines(surf, col, False, pts, 1)
        else:
            pygame.draw.lines(surf, col, False, pts, 2)
    return surf


BAND_ALPHA = 56
"""Opacity (of 255) of a band's shading: the line stays readable over it, and two bands crossing show."""


def draw_bands(surf: pygame.Surface, bands: Sequence[tuple[Series, Sequence]], palette: Palette,
               to_xy: Callable[[int, float], tuple[float, float]]) -> None:
    """Each band shaded in its line's colour, edged a little darker, under the lines drawn after it."""
    layer = pygame.Surface(surf.get_size(), pygame.SRCALPHA)
    for s, (low, _median, high) in bands:
        col = palette.series[s.colour]
        top = [to_xy(m, v) for m, v in enumerate(high) if math.isfinite(v)]
        bottom = [to_xy(m, v) for m, v in enumerate(low) if math.isfinite(v)]
        if len(top) < 2 or len(bottom) < 2:
            continue
        pygame.draw.polygon(layer, (*col[:3], BAND_ALPHA), top + bottom[::-1])
        for edge in (top, bottom):
            pygame.draw.aalines(layer, (*col[:3], BAND_ALPHA + 40), False, edge)
    surf.blit(layer, (0, 0))
