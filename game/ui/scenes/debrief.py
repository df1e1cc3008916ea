"""The debrief: the player's run against the baselines on the same seed, the decisions on a
timeline with what followed each, the score, and the discussion questions; exportable as PNG.

The whole debrief is rendered once to one tall surface (``render_debrief``),
shown through a scrolling window and saved as the PNG, so the export is
exactly what the screen shows. Imports pygame and the game package.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from game.session import GameSession, game_home
from agents.words import format_value
from game.ui.charts import ChartSpec, Series, render_chart
from game.ui.scene import Scene
from game.ui.scenes.menus import ScrollText, heading
from game.ui.style import PRINT, Palette, Text

if TYPE_CHECKING:
    from game.ui.app import App

def _you(label: str, key: str, colour: int, unit: str, title: str, no_controls: bool = True,
         smooth: int = 1) -> ChartSpec:
    series = [Series("You", key, colour), Series("As scheduled", key, 2, baseline="scheduled")]
    if no_controls:
        series.append(Series("No controls", key, 1, baseline="no_controls"))
    return ChartSpec(label, title, unit, tuple(series), smooth=smooth)


US_CHARTS = (
    _you("d_adv", "compute_adversary", 3, "H100e", "Tier 3 compute"),
    _you("d_smug", "smuggled_cum", 4, "H100e", "Smuggled to Tier 3 (cumulative)", no_controls=False),
    _you("d_dom", "domestic_output_adversary", 5, "H100e/month", "Tier 3 domestic chips made (4-mo avg)", smooth=4),
    _you("d_rev", "us_vendor_revenue_cum", 0, "USD", "US vendor revenue (cumulative)"),
    _you("d_good", "goodwill_swing", 0, "0-1", "Tier 2 goodwill", no_controls=False),
    _you("d_gap", "frontier_gap_months", 0, "months", "Frontier gap"),
)
ENFORCEMENT_CHARTS = (
    _you("d_smug", "smuggled_cum", 4, "H100e", "Smuggled to Tier 3 (cumulative)", no_controls=False),
    _you("d_seiz", "seized_cum", 3, "H100e", "Seized (cumulative)", no_controls=False),
    _you("d_share", "seized_share", 5, "share", "Share of smuggled chips seized", no_controls=False),
    _you("d_cost", "enforcement_cost", 0, "USD", "Yearly cost of enforcement (as scored)", no_controls=False),
    _you("d_adv", "compute_adversary", 3, "H100e", "Tier 3 compute"),
    _you("d_good", "goodwill_swing", 0, "0-1", "Tier 2 goodwill", no_controls=False),
)
TIER2_CHARTS = (
    _you("d_cc", "country_compute", 0, "H100e", "Your compute"),
    _you("d_ci", "country_imports", 5, "H100e/month", "Your imports (4-mo avg)", smooth=4),
    _you("d_cg", "country_goodwill", 2, "0-1", "Your goodwill towards the US", no_controls=False),
    _you("d_ck", "country_cooperation", 4, "0-1", "Your transit cooperation", no_controls=False),
    _you("d_adv", "compute_adversary", 3, "H100e", "Tier 3 compute"),
    _you("d_smug", "smuggled_cum", 4, "H100e", "Smuggled to Tier 3 (cumulative)", no_controls=False),
)
CHARTS_BY_ROLE = {"us_commerce": US_CHARTS, "bis_enforcement": ENFORCEMENT_CHARTS,
                  "tier2_government": TIER2_CHARTS}

TABLES_BY_ROLE = {
    "us_commerce": (
        ("compute_adversary", "Tier 3 compute", "H100e"), ("smuggled_cum", "Smuggled", "H100e"),
        ("seized_cum", "Seized", "H100e"), ("domestic_output_adversary", "T3 domestic/mo", "H100e"),
        ("us_vendor_revenue_cum", "US revenue", "USD"), ("goodwill_swing", "T2 goodwill", "0-1"),
        ("frontier_gap_months", "Gap", "months")),
    "bis_enforcement": (
        ("smuggled_cum", "Smuggled", "H100e"), ("seized_cum", "Seized", "H100e"),
        ("seized_share", "Share seized", "share"), ("seizures_cum", "Shipments seized", "count"),
        ("enforcement_cost", "Cost/yr", "USD"), ("compute_adversary", "Tier 3 compute", "H100e"),
        ("goodwill_swing", "T2 goodwill", "0-1")),
    "tier2_government": (
        ("country_compute", "Your compute", "H100e"), ("country_imports", "Imports/mo", "H100e"),
        ("country_goodwill", "Goodwill", "0-1"), ("country_cooperation", "Cooperation", "0-1"),
        ("country_g2g", "Agreement", "yes/no"), ("compute_adversary", "Tier 3 compute", "H100e"),
        ("smuggled_cum", "Smuggled", "H100e")),
}


def debrief_rows(views, role) -> list[dict]:
    """Each month's metrics, plus what the role's debrief shows that is not a metric."""
    from game.score import enforcement_cost

    out = []
    for v in views:
        row = dict(v.metrics)
        caught = row["seized_cum"] + row["smuggled_cum"]
        row["seized_share"] = row["seized_cum"] / caught if caught > 0 else 0.0
        row["enforcement_cost"] = enforcement_cost(v.levers)
        if role.country and role.country in v.codes:
            i = v.codes.index(role.country)
            row.update(country_compute=float(v.compute_h100e[i]), country_imports=float(v.imports_h100e[i]),
                       country_goodwill=float(v.goodwill[i]), country_cooperation=float(v.cooperation[i]),
                       country_g2g=float(bool(v.g2g[i])))
        out.append(row)
    return out


def _cell(v: float, unit: str) -> str:
    return format_value(unit, v, style="short")


def render_debrief(session: GameSession, width: int, text: Text, palette: Palette, u) -> tuple[pygame.Surface, list[int]]:
    """The whole debrief on one surface ``width`` pixels wide (as tall as it needs), and where its blocks start."""
    t, p = text, palette
    m = session.month
    pad = u(24)
    inner = width - 2 * pad
    sc = session.scenario
    runs = [("You", None)] + [(b.label, k) for k, b in session.baselines.items()
                               if not (k == "published" and _same_run(session))]
    # --- measure and draw on a generous canvas, then crop
    canvas = pygame.Surface((width, u(6000)))
    canvas.fill(p.bg)
    y = pad
    stops = [0]
    y += heading(canvas, t, f"Debrief: {sc.meta.title}", (pad, y), 24, p.text) + u(2)
    sub = (f"You played {_who(session)}; seed {session.seed}; {sc.date(0)} to {session.view.date} "
           f"({m} of {session.horizon} months).")
    y += t.block(canvas, sub, (pad, y), inner, 14, p.accent) + u(10)
    # score table
    goals = session.score.goals
    table = TABLES_BY_ROLE[session.role.id]
    rows = debrief_rows(session.views, session.role)
    base = {k: debrief_rows(b.views, session.role) for k, b in session.baselines.items()}
    cols = ["Run", "Score"] + [g.label for g in goals] + [lab for _, lab, _ in table]
    col_w = [u(190), u(60)] + [u(86)] * len(goals) + [u(86)] * len(table)
    scale = min(1.0, inner / sum(col_w))
    col_w = [int(c * scale) for c in col_w]
    stops.append(y - u(4))
    y += heading(canvas, t, f"Your run against the same world without you (month {m})", (pad, y), 17,
                 p.accent) + u(6)
    x = pad
    hh = 0
    for c, w in zip(cols, col_w):
        hh = max(hh, t.block(canvas, c, (x, y), w - u(6), 11, p.text_dim, max_lines=3))
        x += w
    y += hh + u(2)
    pygame.draw.line(canvas, p.panel_edge, (pad, y), (pad + sum(col_w), y))
    y += u(4)
    for label, key in runs:
        if key is None:
            s = session.score
            metrics = rows[m]
        else:
            s = session.baseline_score(key)
            metrics = base[key][min(m, len(base[key]) - 1)]
        cells = [label, f"{s.total:.0f}"] + [f"{g.points:.0f}/{g.weight:g}" for g in s.goals]
        cells += [_cell(float(metrics[k]), unit) for k, _, unit in table]
        x = pad
        colour = p.text if key is None else p.text_dim
        for c, w in zip(cells, col_w):
            canvas.blit(t.render(t.fit(c, 13, w - u(6), key is None), 13, colour, key is None), (x, y))
            x += w
        y += t.line_height(13) + u(4)
    y += u(12)
    # charts: the whole horizon for the baselines, up to now for the player
    gap = u(10)
    cw = (inner - 2 * gap) // 3
    ch = u(168)
    years = lambda mm: sc.date(mm)[:4] if sc.date(mm).endswith("-01") else None  # noqa: E731
    stops.append(y - u(4))
    for i, spec in enumerate(CHARTS_BY_ROLE[session.role.id]):
        r, c = divmod(i, 3)
        surf = render_chart(spec, (cw, ch), t, p, rows, session.horizon, base, years=years, font=12,
                            full_baseline=True)
        canvas.blit(surf, (pad + c * (cw + gap), y + r * (ch + gap)))
    y += 2 * (ch + gap) + u(10)
    # decisions on a timeline
    effects = session.decision_effects()
    stops.append(y - u(4))
    y += heading(canvas, t, "Your decisions, and what followed", (pad, y), 17, p.accent) + u(8)
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
        y += t.block(canvas, "You gave no orders: your run is the scenario as scheduled. Try again with a "
                     "lever that worries you, and compare.", (pad, y), inner, 14, p.text) + u(6)
    for n, e in enumerate(effects, 1):
        stops.append(y - u(2))
        y += t.block(canvas, f"{n}.  {e.date}: {e.text}", (pad, y), inner, 14, p.text, bold=True)
        follow = "; ".join(e.effects)
        y += t.block(canvas, f"Next 12 months against the scenario as scheduled: {follow}.",
                     (pad + u(24), y), inner - u(24), 13, p.text)
        if e.events:
            y += t.block(canvas, "Meanwhile: " + "; ".join(e.events), (pad + u(24), y), inner - u(24), 12,
                         p.text_dim)
        y += u(8)
    y += u(8)
    if sc.meta.questions:
        stops.append(y - u(4))
        y += heading(canvas, t, "To discuss", (pad, y), 17, p.accent) + u(6)
        for n, q in enumerate(sc.meta.questions, 1):
            stops.append(y - u(2))
            y += t.block(canvas, f"{n}.  {q}", (pad, y), inner, 14, p.text) + u(4)
        y += u(8)
    note = ("How to read this: the baselines are the same scenario and seed without your orders (as "
            "scheduled), and the counterfactual without any chip controls. Effects are the change over the "
            "12 months after a decision minus the same change in the as-scheduled run; decisions close "
            "together share their effects. Score formula: docs/game.md.")
    stops.append(y - u(2))
    y += t.block(canvas, note, (pad, y), inner, 12, p.text_dim) + u(6)
    stamp = f"Silicon Curtain, exported {_dt.date.today().isoformat()}"
    canvas.blit(t.render(stamp, 11, p.text_dim), (pad, y))
    y += t.line_height(11) + pad
    return canvas.subsurface((0, 0, width, min(y, canvas.get_height()))).copy(), stops


def _who(session: GameSession) -> str:
    c = session.role.country
    return f"the Tier 2 government of {session.country_name(c)}" if c else f"the {session.role.title}"


def _same_run(session: GameSession) -> bool:
    return session.scenario_ref == "diffusion_rule_2025" and not session.overrides


class DebriefScene(Scene):
    def __init__(self, app: "App", session: GameSession):
        super().__init__(app)
        self.session = session
        self.scroll = ScrollText()
        self.surface: pygame.Surface | None = None
        self._key = None
        self.status = ""

    def build_ui(self) -> None:
        W, H = self.app.size
        u = self.app.u
        x = W - u(24)
        items = [("Export PNG", self.export, "Save this debrief as a PNG image, as on screen (E)", u(130)),
                 ("Printable PNG", self.export_printable, "Save it dark on white, for printing (P)", u(150)),
                 ("Title screen", self.title, "Start again (T)", u(130))]
        if not self.session.finished:
            items.insert(0, ("Back to the game", self.back, "Keep playing (Esc)", u(160)))
        for label, action, tip, w in reversed(items):
            x -= w
            self.button((x, u(14), w, u(36)), label, action, tooltip=tip,
                        object_id="#primary" if label == "Export PNG" else None)
            x -= u(8)
        self._render()

    def _render(self) -> None:
        W, H = self.app.size
        key = (W, H, self.app.settings, self.session.month)
        if key == self._key:
            return
        self._key = key
        u = self.app.u
        width = min(W - u(40), u(1400))
        self.surface, stops = render_debrief(self.session, width, self.app.text, self.app.palette, u)
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
            surface, _ = render_debrief(s, width, self.app.text, PRINT, self.app.u)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            pygame.image.save(surface, str(path))
        except (OSError, pygame.error) as exc:
            self.app.toast(f"Could not export to {path}: {exc}", self.app.palette.bad)
            return path
        self.app.toast(f"Exported the debrief to {path}", self.app.palette.good)
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
        heading(surface, t, "Debrief", (u(24), u(14)), 24, p.text)
        hint = "Scroll: wheel, arrows, PgUp/PgDn"
        surface.blit(t.render(hint, 12, p.text_dim), (u(150), u(24)))
