"""The debrief: the player's run against the baselines on the same seed, the decisions on a
timeline with what followed each, the score, and the discussion questions; exportable as PNG.

The whole debrief is rendered once to one tall surface (``render_debrief``),
shown through a scrolling window and saved as the PNG, so the export is
exactly what the screen shows. Imports pygame and the game package.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import pygame

from agents.lang import N_, _
from agents.words import month_text
from game.branches import Family, family
from game.runs import TABLES_BY_ROLE, Run, chart_rows, compare_runs, debrief_rows, run_cells, table_columns
from game.session import GameSession, game_home
from game.ui.bands import Bands, chart_band
from game.ui.charts import ChartSpec, Series, render_chart
from game.ui.scene import Scene
from game.ui.scenes.menus import ScrollText, flat, heading
from game.ui.style import PRINT, Palette, Text

if TYPE_CHECKING:
    from game.ui.app import App

def _you(label: str, key: str, colour: int, unit: str, title: str, no_controls: bool = True,
         smooth: int = 1) -> ChartSpec:
    series = [Series(N_("You"), key, colour), Series(N_("As scheduled"), key, 2, baseline="scheduled")]
    if no_controls:
        series.append(Series(N_("No controls"), key, 1, baseline="no_controls"))
    return ChartSpec(label, title, unit, tuple(series), smooth=smooth)


US_CHARTS = (
    _you("d_adv", "compute_adversary", 3, "H100e", N_("Tier 3 compute")),
    _you("d_smug", "smuggled_cum", 4, "H100e", N_("Smuggled to Tier 3 (cumulative)"), no_controls=False),
    _you("d_dom", "domestic_output_adversary", 5, "H100e/month", N_("Tier 3 domestic chips made (4-mo avg)"),
         smooth=4),
    _you("d_rev", "us_vendor_revenue_cum", 0, "USD", N_("US vendor revenue (cumulative)")),
    _you("d_good", "goodwill_swing", 0, "0-1", N_("Tier 2 goodwill"), no_controls=False),
    _you("d_gap", "frontier_gap_months", 0, "months", N_("Frontier gap")),
)
ENFORCEMENT_CHARTS = (
    _you("d_smug", "smuggled_cum", 4, "H100e", N_("Smuggled to Tier 3 (cumulative)"), no_controls=False),
    _you("d_seiz", "seized_cum", 3, "H100e", N_("Seized (cumulative)"), no_controls=False),
    _you("d_share", "seized_share", 5, "share", N_("Share of smuggled chips seized"), no_controls=False),
    _you("d_cost", "enforcement_cost", 0, "USD", N_("Yearly cost of enforcement (as scored)"), no_controls=False),
    _you("d_adv", "compute_adversary", 3, "H100e", N_("Tier 3 compute")),
    _you("d_good", "goodwill_swing", 0, "0-1", N_("Tier 2 goodwill"), no_controls=False),
)
TIER2_CHARTS = (
    _you("d_cc", "country_compute", 0, "H100e", N_("Your compute")),
    _you("d_ci", "country_imports", 5, "H100e/month", N_("Your imports (4-mo avg)"), smooth=4),
    _you("d_cg", "country_goodwill", 2, "0-1", N_("Your goodwill towards the US"), no_controls=False),
    _you("d_ck", "country_cooperation", 4, "0-1", N_("Your transit cooperation"), no_controls=False),
    _you("d_adv", "compute_adversary", 3, "H100e", N_("Tier 3 compute")),
    _you("d_smug", "smuggled_cum", 4, "H100e", N_("Smuggled to Tier 3 (cumulative)"), no_controls=False),
)
TIER3_CHARTS = (
    _you("d_cc", "country_compute", 0, "H100e", N_("Your compute")),
    _you("d_ss", "self_sufficiency_adversary", 5, "share", N_("Share on home-designed chips")),
    _you("d_dom", "domestic_output_adversary", 3, "H100e/month", N_("Home chips made a month (4-mo avg)"),
         smooth=4),
    _you("d_gap", "frontier_gap_months", 0, "months", N_("Months behind the US frontier")),
    _you("d_sub", "subsidy_adversary_usd", 4, "USD/year", N_("Chip subsidy"), no_controls=False),
    _you("d_smug", "smuggled_cum", 4, "H100e", N_("Smuggled to you (cumulative)"), no_controls=False),
)
CHARTS_BY_ROLE = {"us_commerce": US_CHARTS, "bis_enforcement": ENFORCEMENT_CHARTS,
                  "tier2_government": TIER2_CHARTS, "tier3_government": TIER3_CHARTS}

__all__ = ["CHARTS_BY_ROLE", "TABLES_BY_ROLE", "DebriefScene", "debrief_rows", "render_debrief"]


def with_branches(spec: ChartSpec, runs: Sequence[Run]) -> ChartSpec:
    """A chart with a thin solid line per branch, in colours the chart's own lines do not use; its title and
    legend in the chosen language."""
    series = tuple(dataclasses.replace(s, label=_(s.label)) for s in spec.series)
    spec = dataclasses.replace(spec, title=_(spec.title), series=series)
    branches = [r for r in runs if r.kind == "branch"]
    if not branches:
        return spec
    used = {s.colour for s in spec.series}
    free = [c for c in range(6) if c not in used] or list(range(6))
    key = spec.series[0].key
    extra = tuple(Series(r.name, key, free[i % len(free)], baseline=r.key, solid=True)
                  for i, r in enumerate(branches))
    return dataclasses.replace(spec, series=spec.series + extra)


def render_debrief(session: GameSession, width: int, text: Text, palette: Palette, u,
                   fam: Family | None = None, bands: Bands | None = None) -> tuple[pygame.Surface, list[int]]:
    """The whole debrief on one surface ``width`` pixels wide (as tall as it needs), and where its blocks start.

    ``fam``: the game's what-if branches (:func:`game.branches.family`), shown beside the baselines.
    ``bands``: the App's bands; the game's (its final policy's) is shaded on the charts when it is in.
    """
    t, p = text, palette
    m = session.month
    pad = u(24)
    inner = width - 2 * pad
    sc = session.scenario
    runs = compare_runs(session, fam)
    branched = any(r.kind == "branch" for r in runs)
    # --- measure and draw on a generous canvas, then crop
    canvas = pygame.Surface((width, u(6000)))
    canvas.fill(p.bg)
    y = pad
    stops = [0]
    title = _("Debrief: {title}").format(title=_(sc.meta.title))
    y += heading(canvas, t, t.fit(title, 24, inner, True), (pad, y), 24, p.text) + u(2)
    sub = _("You played {who}; seed {seed}; {start} to {end} ({month} of {months} months).").format(
        who=_who(session), seed=session.seed, start=month_text(sc.date(0)), end=month_text(session.view.date),
        month=m, months=session.horizon)
    if fam is not None and fam.lineage:
        sub = flat(sub + " " + _("This game is {lineage}.").format(lineage=fam.lineage))
    y += t.block(canvas, sub, (pad, y), inner, 14, p.accent) + u(10)
    # score table
    goals = session.score.goals
    table = TABLES_BY_ROLE[session.role.id]
    rows = list(runs[0].rows)
    base = chart_rows(runs)
    shown = [i for i in range(len(table_columns(session))) if branched or i != 1]  # a month only if they differ
    cols = [_(table_columns(session)[i]) for i in shown]
    col_w = _column_widths(runs, branched, len(goals) + len(table), inner, t, u)
    stops.append(y - u(4))
    title = (_("Your run, your what-if branches and the same world without you (month {month})") if branched
             else _("Your run against the same world without you (month {month})")).format(month=m)
    y += heading(canvas, t, title, (pad, y), 17, p.accent) + u(6)
    x = pad
    hh = 0
    for c, w in zip(cols, col_w):
        hh = max(hh, t.block(canvas, c, (x, y), w - u(6), 11, p.text_dim, max_lines=3))
        x += w
    y += hh + u(2)
    pygame.draw.line(canvas, p.panel_edge, (pad, y), (pad + sum(col_w), y))
    y += u(4)
    for run in runs:
        bold = run.kind == "you"
        colour = p.text_dim if run.kind == "baseline" else p.text
        x = pad
        cells = run_cells(run, session.role.id)
        cells[:2] = [_(cells[0]), month_text(cells[1])]  # the run's name and month, as a person reads them
        for c, w in zip([cells[i] for i in shown], col_w):
            canvas.blit(t.render(t.fit(c, 13, w - u(6), bold), 13, colour, bold), (x, y))
            x += w
        y += t.line_height(13) + u(4)
    if branched:
        y += u(2) + t.block(canvas, _("Branches are read at their own month (the Month column); the runs "
                                      "without you at yours. Each branch is scored on your goals."), (pad, y),
                            inner, 12, p.text_dim)
    for note in fam.notes if fam is not None else ():
        y += u(2) + t.block(canvas, _(note), (pad, y), inner, 12, p.warn)
    y += u(12)
    # charts: the whole horizon for the baselines, up to now for the player
    gap = u(10)
    cw = (inner - 2 * gap) // 3
    ch = u(168)
    years = lambda mm: sc.date(mm)[:4] if sc.date(mm).endswith("-01") else None  # noqa: E731
    stops.append(y - u(4))
    band = bands.of(session) if bands is not None else None
    note = bands.note(session, final=True) if bands is not None else ""
    for i, spec in enumerate(CHARTS_BY_ROLE[session.role.id]):
        r, c = divmod(i, 3)
        surf = render_chart(with_branches(spec, runs), (cw, ch), t, p, rows, session.horizon, base, years=years,
                            font=12, full_baseline=True, band=chart_band(spec, band),
                            band_note="" if band else note, band_label=bands.label(session) if band else "")
        canvas.blit(surf, (pad + c * (cw + gap), y + r * (ch + gap)))
    stops.append(y + ch + gap // 2)  # each row of charts is a block: a taller table still shows the first row
    y += 2 * (ch + gap)
    if band is not None:
        y += t.block(canvas, _("Shaded: {band}, each world drawing the estimated parameters from their declared "
                               "ranges (a Latin hypercube, your seed) and replaying your orders.").format(band=note),
                     (pad, y), inner, 12, p.text_dim)
    y += u(10)
    # decisions on a timeline
    effects = session.decision_effects()
    stops.append(y - u(4))
    y += heading(canvas, t, _("Your decisions, and what followed"), (pad, y), 17, p.accent) + u(8)
    line_y = y + u(12)
    x0, x1 = pad + u(10), pad + inner - u(10)
    pygame.draw.line(canvas, p.panel_edge, (x0, line_y), (x1, line_y), 2)
    for mm in range(0, session.horizon + 1, 12):
        x = x0 + (x1 - x0) * mm / max(session.horizon, 1)
        pygame.draw.line(canvas, p.panel_edge, (x, line_y - u(5)), (x, line_y + u(5)), 1)
        img = t.render(sc.date(mm)[:4], 11, p.text_dim)
        canvas.blit(img, (x - img.get_width() // 2, line_y + u(7)))
    xnow = x0 + (x1 - x0) * m / max(session.horizon, 1)
    pygame.draw.line(canvas, p.warn, (xnow, line_y - u(9)), (xnow, line_y + u(9)), 2)
    for n, e in enumerate(effects, 1):
        x = x0 + (x1 - x0) * e.month / max(session.horizon, 1)
        pygame.draw.circle(canvas, p.accent, (int(x), line_y), u(7))
        img = t.render(str(n), 10, p.bg, True)
        canvas.blit(img, (int(x) - img.get_width() // 2, line_y - img.get_height() // 2))
    y = line_y + u(30)
    if not effects:
        y += t.block(canvas, _("You gave no orders: your run is the scenario as scheduled. Try again with a "
                               "lever that worries you, and compare."), (pad, y), inner, 14, p.text) + u(6)
    for n, e in enumerate(effects, 1):
        stops.append(y - u(2))
        y += t.block(canvas, _("{n}.  {date}: {decision}").format(n=n, date=month_text(e.date), decision=e.text),
                     (pad, y), inner, 14, p.text, bold=True)
        follow = "; ".join(e.effects)
        y += t.block(canvas, _("Next 12 months against the scenario as scheduled: {effects}.").format(effects=follow),
                     (pad + u(24), y), inner - u(24), 13, p.text)
        if e.events:
            y += t.block(canvas, _("Meanwhile: {events}").format(events="; ".join(e.events)), (pad + u(24), y),
                         inner - u(24), 12, p.text_dim)
        y += u(8)
    y += u(8)
    if sc.meta.questions:
        stops.append(y - u(4))
        y += heading(canvas, t, _("To discuss"), (pad, y), 17, p.accent) + u(6)
        for n, q in enumerate(sc.meta.questions, 1):
            stops.append(y - u(2))
            y += t.block(canvas, f"{n}.  {_(q)}", (pad, y), inner, 14, p.text) + u(4)
        y += u(8)
    note = _("How to read this: the baselines are the same scenario and seed without your orders (as "
             "scheduled), and the counterfactual without any chip controls. Effects are the change over the "
             "12 months after a decision minus the same change in the as-scheduled run; decisions close "
             "together share their effects. Score formula: docs/game.md.")
    stops.append(y - u(2))
    y += t.block(canvas, note, (pad, y), inner, 12, p.text_dim) + u(6)
    stamp = _("Silicon Curtain, exported {date}").format(date=_dt.date.today().isoformat())
    canvas.blit(t.render(stamp, 11, p.text_dim), (pad, y))
    y += t.line_height(11) + pad
    return canvas.subsurface((0, 0, width, min(y, canvas.get_height()))).copy(), stops


def _column_widths(runs: Sequence[Run], month: bool, numbers: int, inner: int, t: Text, u) -> list[int]:
    """Run, month (if shown) and score as wide as their text; the numbers share the rest."""
    gap = u(8)
    run_w = min(u(210), max(t.width(r.name, 13, r.kind == "you") for r in runs) + gap)
    month_w = [max(t.width(month_text(r.date), 13, True) for r in runs) + gap] if month else []
    score_w = max(t.width(_("Score"), 11), t.width("100", 13, True)) + gap
    each = max(u(40), min(u(86), (inner - run_w - sum(month_w) - score_w) // max(numbers, 1)))
    return [run_w, *month_w, score_w] + [each] * numbers


def _who(session: GameSession) -> str:
    c = session.role.country
    role = _(session.role.title)
    return (_("the {role} of {country}").format(role=role, country=_(session.country_name(c))) if c
            else _("the {role}").format(role=role))


class DebriefScene(Scene):
    def __init__(self, app: "App", session: GameSession):
        super().__init__(app)
        self.session = session
        self.family = family(session)
        """The game's what-if branches, found and replayed once (a resize redraws without replaying)."""
        self.scroll = ScrollText()
        self.surface: pygame.Surface | None = None
        self._key = None
        self.status = ""

    def build_ui(self) -> None:
        W, H = self.app.size
        u = self.app.u
        x = W - u(24)
        items = [(N_("Export PNG"), self.export, _("Save this debrief as a PNG image, as on screen (E)"), u(130)),
                 (N_("Printable PNG"), self.export_printable, _("Save it dark on white, for printing (P)"), u(150)),
                 (N_("Title screen"), self.title, _("Start again (T)"), u(130))]
        if not self.session.finished:
            items.insert(0, (N_("Back to the game"), self.back, _("Keep playing (Esc)"), u(160)))
        for label, action, tip, w in reversed(items):
            x -= w
            self.button((x, u(14), w, u(36)), _(label), action, tooltip=tip,
                        object_id="#primary" if label == "Export PNG" else None)
            x -= u(8)
        self._render()

    def update(self, dt: float) -> None:
        """Ask for the band of the game's final policy, and redraw once when it arrives."""
        self.app.bands.follow(self.session)
        if self.surface is not None:
            self._render()

    def _render(self) -> None:
        W, H = self.app.size
        bands = self.app.bands
        key = (W, H, self.app.settings, self.session.month, id(bands.of(self.session)), bands.note(self.session))
        if key == self._key:
            return
        self._key = key
        u = self.app.u
        width = min(W - u(40), u(1400))
        self.surface, stops = render_debrief(self.session, width, self.app.text, self.app.palette, u, self.family,
                                             self.app.bands)
        self.scroll.set(self.surface, pygame.Rect((W - width) // 2 - u(6), u(60), width, H - u(64)), stops)

    def export(self, path: Path | None = None, printable: bool = False) -> Path:
        """Save the debrief as a PNG: as on screen, or dark on white for printing."""
        s = self.session
        if path is None:
            name = f"debrief-{Path(s.scenario_ref).stem}-{s.role.id}-seed{s.seed}-m{s.month}"
            path = game_home() / "exports" / f"{name}{'-print' if printable else ''}.png"
        surface = self.surface
        if printable:
            width = self.surface.get_width()
            surface, _stops = render_debrief(s, width, self.app.text, PRINT, self.app.u, self.family, self.app.bands)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            pygame.image.save(surface, str(path))
        except (OSError, pygame.error) as exc:
            self.app.toast(_("Could not export to {path}: {error}").format(path=path, error=exc), self.app.palette.bad)
            return path
        self.app.toast(_("Exported the debrief to {path}").format(path=path), self.app.palette.good)
        return path

    def export_printable(self, path: Path | None = None) -> Path:
        return self.export(path, printable=True)

    def back(self) -> None:
        self.app.pop()

    def title(self) -> None:
        from game.ui.scenes.menus import TitleScene

        self.app.reset(TitleScene(self.app))

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and not self.app.typing():
            if event.key == pygame.K_ESCAPE:
                self.back() if not self.session.finished else self.title()
                return True
            if event.key == pygame.K_e:
                self.export()
                return True
            if event.key == pygame.K_p:
                self.export_printable()
                return True
            if event.key == pygame.K_t:
                self.title()
                return True
        if self.scroll.handle_event(event, self.app.u(40)):
            return True
        return super().handle_event(event)

    def draw(self, surface: pygame.Surface) -> None:
        u, t, p = self.app.u, self.app.text, self.app.palette
        surface.fill(p.bg)
        self.scroll.draw(surface, p, t)
        pygame.draw.rect(surface, p.panel, (0, 0, self.app.size[0], u(58)))
        heading(surface, t, _("Debrief"), (u(24), u(14)), 24, p.text)
        x = max(u(150), u(24) + t.width(_("Debrief"), 24, True) + u(16))
        room = min([w.rect.x for w in self.widgets] + [self.app.size[0]]) - x - u(8)
        hint = t.fit(_("Scroll: wheel, arrows, PgUp/PgDn"), 12, room)
        surface.blit(t.render(hint, 12, p.text_dim), (x, u(24)))
