"""The map view: countries coloured by the chosen measure, the month's flows, the legend, the hover panel.

Owns :class:`MapView`: the coloured map and the arcs are render caches
refreshed in ``refresh`` when their inputs change (``draw`` only blits and
draws), and hit-testing (``country_at``) that gives small countries a disc
round their centre. A click selects a country. Imports pygame, numpy and
the game package.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pygame

from agents.lang import N_, _
from game.session import human
from game.ui.panels.country import country_rows
from game.ui.panels.part import Part
from game.ui.worldmap import FlowLayer, WorldMap, dot_radius, draw_cross

if TYPE_CHECKING:
    from agents.view import MonthView
    from game.ui.scenes.main import MainScene

MAP_MODES = (("tier", N_("Tier")), ("compute", N_("Compute")), ("imports", N_("Imports")),
             ("goodwill", N_("Goodwill")), ("cap", N_("Cap used")))
"""The map's measures: (key, name; the name is shown through ``_``)."""
MARKER_LABELS = {"ROW2": N_("Rest of T2"), "ROW3": N_("Rest of T3")}
TIER_WORDS = (N_("Tier 1"), N_("Tier 2"), N_("Tier 3"))
LEGEND_WORDS = (N_("US chips exported"), N_("Tier 3 domestic chips"), N_("Smuggled from hubs"), N_("Seized at a hub"))
"""The legend's words for the flows and the seizures."""
MARKER_CODES = ("SGP", "ROW2", "ROW3")
HIT_RADIUS = 10  # px at 100%: how far a small country's hit disc reaches over sea and unmodelled land
HIT_CORE = 6  # px at 100%: where it wins over a neighbour's outline (and what counts as small: less area)


class MapView(Part):
    """The world map in ``scene.L.map``."""

    def __init__(self, scene: "MainScene"):
        super().__init__(scene)
        v0 = self.session.views[0]
        self.world = WorldMap(v0.codes, v0.lat, v0.lon)
        self.flows = FlowLayer()
        self.mode = 0  # index into MAP_MODES
        self.hover: tuple[str, str] | None = None  # (code, outline name)
        self._map_surface: pygame.Surface | None = None
        self._colour_key: tuple | None = None

    def build(self) -> None:
        self.world.fit(self.scene.L.map)
        self._colour_key = None

    def next_mode(self) -> None:
        self.mode = (self.mode + 1) % len(MAP_MODES)

    # ---- hit-testing -------------------------------------------------------------
    def pointable(self) -> list[str]:
        """Countries with a hit disc round their centre: the markers, and outlines too small to point at."""
        core = self.app.u(HIT_CORE)
        index = self.scene.index
        return [c for c in dict.fromkeys([*MARKER_CODES, *self.world.small_countries(math.pi * core * core)])
                if c in index and c in self.world.country_px]

    def country_at(self, pos: tuple[int, int]) -> tuple[str, str] | None:
        """(scenario code, outline name) under ``pos``.

        A small country's disc wins within ``HIT_CORE`` of its centre; out to
        ``HIT_RADIUS`` it takes only sea, unmodelled land and other small
        countries, so a neighbour's outline stays its own.
        """
        u = self.app.u
        i = self.world.feature_at(pos)
        under = self.world.features[i].code if i >= 0 else None
        small = self.pointable()
        near = sorted(((p[0] - pos[0]) ** 2 + (p[1] - pos[1]) ** 2, code)
                      for code in small for p in (self.world.country_px[code],))
        if near:
            d2, code = near[0]
            if d2 <= u(HIT_CORE) ** 2 or (d2 <= u(HIT_RADIUS) ** 2 and (under not in self.scene.index
                                                                         or under in small)):
                return code, self.session.country_name(code)
        return (under, self.world.features[i].local_name()) if under else None

    def handle_event(self, event: pygame.event.Event) -> bool:
        """A click on a country selects it (and shows the Country tab)."""
        if event.type == pygame.MOUSEBUTTONDOWN and self.scene.L.map.collidepoint(event.pos):
            hit = self.country_at(event.pos)
            if hit is not None:
                self.scene.select_country(hit[0])
                return True
        return False

    # ---- update ------------------------------------------------------------------
    def update(self, dt: float) -> None:
        scene = self.scene
        self.hover = self.country_at(scene.mouse) if scene.L and scene.L.map.collidepoint(scene.mouse) else None

    def refresh(self) -> None:
        """Recolour the map and redraw the arcs when the month, the measure or the palette changed."""
        p = self.app.palette
        scene = self.scene
        view = scene.shown
        mode = MAP_MODES[self.mode][0]
        colour_key = (mode, scene.shown_index, p.name)
        if colour_key != self._colour_key:
            self._colour_key = colour_key
            colours = tuple(self._feature_colours(view, mode))
            self._map_surface = self.world.colour((mode, hash(colours)), colours, p)
        self.flows.set_month((scene.shown_index, self.world.rect.size, p.name, self.world.rect.topleft),
                             scene.shown_prev, view, self._points(), self.world.rect, p)

    def _points(self) -> dict[str, tuple[float, float]]:
        return {c: self.world.country_px[c] for c in self.session.view.codes if c in self.world.country_px}

    def _feature_colours(self, view: "MonthView", mode: str) -> list[tuple[int, int, int]]:
        p = self.app.palette
        real = np.array([not c.startswith("ROW") for c in view.codes])
        if mode == "tier":
            by_code = {c: p.tier_colour(t) for c, t in zip(view.codes, view.tier)}
        else:
            x = self._metric_share(view, mode)
            by_code = {c: (p.ramp_colour(x[i]) if (real[i] and not math.isnan(x[i])) else p.unmodelled)
                       for i, c in enumerate(view.codes)}
        return [by_code.get(f.code, p.unmodelled) if f.code else p.unmodelled for f in self.world.features]

    def _metric_share(self, view: "MonthView", mode: str) -> np.ndarray:
        """Each country's value in [0, 1] for the map ramp (nan: not applicable)."""
        real = np.array([not c.startswith("ROW") for c in view.codes])
        if mode in ("compute", "imports"):
            vals = np.asarray(view.compute_h100e if mode == "compute" else view.imports_h100e, dtype=float)
            top = max(float(vals[real].max()) if real.any() else 1.0, 10.0)
            lo = 3.0
            return np.clip((np.log10(np.maximum(vals, 1.0)) - lo) / max(np.log10(top) - lo, 1e-9), 0, 1)
        if mode == "goodwill":
            return np.asarray(view.goodwill, dtype=float)
        used = np.asarray(view.cap_used_h100e, dtype=float)
        limit = np.asarray(view.cap_limit_h100e, dtype=float)
        share = np.divide(used, limit, out=np.zeros_like(used), where=limit > 0)
        return np.where(np.asarray(view.tier) == 2, np.clip(share, 0, 1), np.nan)

    def _legend_range(self, view: "MonthView", mode: str) -> tuple[str, str]:
        if mode in ("compute", "imports"):
            vals = np.asarray(view.compute_h100e if mode == "compute" else view.imports_h100e, dtype=float)
            real = np.array([not c.startswith("ROW") for c in view.codes])
            return human(1e3), human(max(float(vals[real].max()), 10.0)) + " H100e"
        if mode == "goodwill":
            return "0", "1"
        return "0%", _("100% of cap")

    # ---- draw ----------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        scene = self.scene
        L, u, t, p = scene.L, self.app.u, self.app.text, self.app.palette
        pygame.draw.rect(surface, p.bg, L.map)
        if self._map_surface is not None:
            surface.blit(self._map_surface, self.world.rect.topleft)
        view = scene.shown
        mode = MAP_MODES[self.mode][0]
        # outlines: selected, hovered
        for code, colour, width in ((scene.selected, p.warn, 2),
                                    (self.hover[0] if self.hover else None, (255, 255, 255), 1)):
            if code is None:
                continue
            for fi, f in enumerate(self.world.features):
                if f.code == code and (not code.startswith("ROW") or (self.hover and self.hover[1] == f.name)):
                    for pts in self.world.px_polys[fi]:
                        pygame.draw.lines(surface, colour, True, pts, width)
        clip = surface.get_clip()
        surface.set_clip(L.map)
        alpha = self.app.sim.alpha if scene.cursor is None else 1.0
        self.flows.draw(surface, self.app.time, alpha, p)
        # domestic production: a pulsing ring at the adversary
        if "CHN" in self.world.country_px:
            out = float(view.metrics.get("domestic_output_adversary", 0.0))
            if out > 0:
                x, y = self.world.country_px["CHN"]
                r = (u(6) + u(3) * max(0.0, math.log10(out / 1e4) + 1)) * (1 + 0.12 * math.sin(self.app.time * 4))
                pygame.draw.circle(surface, p.flow_domestic, (int(x), int(y)), int(r), 2)
        # seizures: crosses at the hubs
        for i, code in enumerate(view.codes):
            seized = float(view.flow_seized_h100e[i])
            if seized > 1 and code in self.world.country_px:
                draw_cross(surface, self.world.country_px[code], 3 + dot_radius(seized), p.seized)
        # markers for countries too small for the outlines, and the aggregates
        share = None if mode == "tier" else self._metric_share(view, mode)
        for code in MARKER_CODES:
            if code not in scene.index or code not in self.world.country_px:
                continue
            i = scene.index[code]
            x, y = self.world.country_px[code]
            col = p.tier_colour(view.tier[i]) if share is None or math.isnan(share[i]) else p.ramp_colour(share[i])
            pygame.draw.circle(surface, col, (int(x), int(y)), u(6))
            pygame.draw.circle(surface, (230, 236, 243), (int(x), int(y)), u(6), 1)
            label = _(MARKER_LABELS[code]) if code in MARKER_LABELS else code
            surface.blit(t.render(label, 11, p.text), (int(x) + u(8), int(y) - u(8)))
        surface.set_clip(clip)
        self._draw_legend(surface, mode, view)
        if scene.cursor is not None:
            msg = _("{looking_back}. L or Esc: back to live; [ ]: earlier, later; B: branch here").format(
                looking_back=scene.looking_back_text(view))
            img = t.render(t.fit(msg, 13, L.map.w - u(290)), 13, p.warn, True)
            r = img.get_rect(topleft=(L.map.x + u(8), L.map.y + u(8))).inflate(u(10), u(6))
            pygame.draw.rect(surface, (8, 12, 18), r)
            surface.blit(img, (L.map.x + u(8), L.map.y + u(8)))
        if self.hover is not None:
            self._draw_hover(surface)

    def legend_rect(self) -> pygame.Rect:
        """Where the map's legend sits (bottom left): the hover panel keeps clear of it.

        Five rows for the tiers, six for a measure (its ramp, its range, the flows, the grey); as wide as
        its words need (Japanese ones are wider), at least 170 px at 100%.
        """
        u, lh = self.app.u, self.app.text.line_height(11) + 1
        h = (5 if MAP_MODES[self.mode][0] == "tier" else 6) * lh + u(10)
        m = self.scene.L.map
        return pygame.Rect(m.x + u(6), m.bottom - h - u(6), self.legend_width(), h)

    def legend_width(self) -> int:
        """The legend's width: 170 px at 100%, wider when its words need it (up to 260 px)."""
        u, t, fs = self.app.u, self.app.text, 11
        sw = u(10)
        tiers = sum(sw + u(8) + t.width(_(word), fs) for word in TIER_WORDS) - u(5)
        flows = sw + u(4) + max(t.width(_(w), fs) for w in LEGEND_WORDS)
        sample = _("{measure}: {low} to {high}")
        ranges = max(t.width(sample.format(measure=_(name), low=human(1e3), high=human(8.8888e7) + " H100e"), fs)
                     for _key, name in MAP_MODES[1:3])
        need = max(tiers, flows, ranges, t.width(_("Grey: not applicable"), fs)) + u(12)
        return max(u(170), min(u(260), need))

    def _draw_legend(self, surface: pygame.Surface, mode: str, view: "MonthView") -> None:
        u, t, p = self.app.u, self.app.text, self.app.palette
        fs = 11
        lh = t.line_height(fs) + 1
        r = self.legend_rect()
        w = r.w
        box = pygame.Surface(r.size, pygame.SRCALPHA)
        box.fill((*p.bg, 215))
        surface.blit(box, r.topleft)
        x, y = r.x + u(6), r.y + u(5)
        sw = u(10)
        if mode == "tier":
            items = [(colour, _(word)) for colour, word in zip(p.tier, TIER_WORDS)]
            cx = x
            for col, lab in items:
                pygame.draw.rect(surface, col, (cx, y + u(2), sw, sw))
                img = t.render(lab, fs, p.text)
                surface.blit(img, (cx + sw + u(3), y))
                cx += sw + u(8) + img.get_width()
        else:
            name = _(MAP_MODES[self.mode][1])
            lo, hi = self._legend_range(view, mode)
            bar = pygame.Rect(x, y + u(2), w - u(12), sw)
            for k in range(bar.w):
                pygame.draw.line(surface, p.ramp_colour(k / max(bar.w - 1, 1)), (bar.x + k, bar.y),
                                 (bar.x + k, bar.bottom))
            y += lh
            surface.blit(t.render(t.fit(_("{measure}: {low} to {high}").format(measure=name, low=lo, high=hi), fs,
                                        w - u(12)), fs, p.text), (x, y))
        y += lh
        for col, lab in zip((p.flow_us, p.flow_domestic, p.flow_smuggled), LEGEND_WORDS):
            lab = _(lab)
            pygame.draw.circle(surface, col, (x + sw // 2, y + lh // 2), u(4))
            surface.blit(t.render(t.fit(lab, fs, w - sw - u(10)), fs, p.text), (x + sw + u(4), y))
            y += lh
        if mode == "tier":
            draw_cross(surface, (x + sw // 2, y + lh // 2), u(3), p.seized)
            surface.blit(t.render(t.fit(_(LEGEND_WORDS[3]), fs, w - sw - u(10)), fs, p.text), (x + sw + u(4), y))
        else:
            surface.blit(t.render(t.fit(_("Grey: not applicable"), fs, w - u(12)), fs, p.text_dim), (x, y))

    def hover_size(self, n_lines: int) -> tuple[int, int, int]:
        """The hover panel's font size, row height, and how many of its ``n_lines`` rows fit the map.

        12 px rows while they fit (always at 100%); else 11 px rows set tight (1.3 times the font's
        size), then fewer rows: a large UI scale or the taller Japanese font would otherwise push the
        panel under the charts.
        """
        u, t, m = self.app.u, self.app.text, self.scene.L.map
        room = m.h - u(12) - t.line_height(14, True)
        lh = t.line_height(12) + 1
        if lh * n_lines <= room:
            return 12, lh, n_lines
        lh = min(t.line_height(11) + 1, int(round(11 * t.scale * 1.3)))
        return 11, lh, max(1, min(n_lines, room // lh))

    def hover_rect(self, n_lines: int) -> pygame.Rect:
        """The hover panel beside the mouse, inside the map and never over the legend."""
        u, t, m = self.app.u, self.app.text, self.scene.L.map
        w = u(250)
        _fs, lh, n_lines = self.hover_size(n_lines)
        h = u(8) + t.line_height(14, True) + lh * n_lines + u(4)
        mx, my = self.scene.mouse
        r = pygame.Rect(mx + u(16), my + u(12), w, h)
        if r.right > m.right:
            r.x = mx - u(16) - w
        if r.bottom > m.bottom:
            r.y = max(m.y, m.bottom - h)
        legend = self.legend_rect()
        if r.colliderect(legend):  # beside the legend if there is room, else above it
            if legend.right + u(6) + w <= m.right:
                r.x = legend.right + u(6)
            else:
                r.bottom = legend.top - u(4)
        return r

    def _draw_hover(self, surface: pygame.Surface) -> None:
        u, t, p = self.app.u, self.app.text, self.app.palette
        code, fname = self.hover
        if code in self.pointable():  # show the disc that was hit: the outline may be a few pixels
            x, y = self.world.country_px[code]
            pygame.draw.circle(surface, p.text, (int(x), int(y)), u(HIT_CORE), 1)
        lines = country_rows(self.session, self.scene.shown, code, fname)
        fs, lh, n = self.hover_size(len(lines))
        lines = lines[:n]
        r = self.hover_rect(len(lines))
        w = r.w
        box = pygame.Surface(r.size, pygame.SRCALPHA)
        box.fill((8, 12, 18, 235))
        surface.blit(box, r.topleft)
        pygame.draw.rect(surface, p.panel_edge, r, 1)
        y = r.y + u(4)
        title = _(self.session.country_name(code))
        surface.blit(t.render(t.fit(title, 14, w - u(12), True), 14, p.text, True), (r.x + u(6), y))
        y += t.line_height(14, True)
        for label, value in lines:
            surface.blit(t.render(t.fit(label, fs, w - u(12) - min(t.width(value, fs), w - u(120)) - u(6)), fs,
                                  p.text_dim), (r.x + u(6), y))
            img = t.render(t.fit(value, fs, w - u(120)), fs, p.text)
            surface.blit(img, (r.right - u(6) - img.get_width(), y))
            y += lh
