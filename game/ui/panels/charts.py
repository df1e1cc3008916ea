"""The chart strip under the map: a page of small time-series charts, or every chart on a tall screen.

Owns :class:`ChartView`: which page is shown, where each chart sits, and
the rendered charts (a render cache redrawn one chart a frame after a
month, so no frame does all the work; ``draw`` only blits). A click shows
the next page. Imports pygame and the game package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from agents.lang import _, language
from game.ui.bands import chart_band
from game.ui.charts import CHART_PAGES, CHARTS, render_chart
from game.ui.panels.part import Part
from game.ui.style import sentences

if TYPE_CHECKING:
    from game.ui.scenes.main import MainScene

CHARTS_BY_KEY = {c.key: c for c in CHARTS}


class ChartView(Part):
    """The charts in ``scene.L.charts``."""

    def __init__(self, scene: "MainScene"):
        super().__init__(scene)
        self.page = 0  # index into CHART_PAGES
        self.rects: dict[str, pygame.Rect] = {}
        self._charts: dict[str, pygame.Surface] = {}
        self._key: tuple | None = None
        self._due: list[str] = []
        self._baseline_rows: dict[str, list[dict]] | None = None

    def next_page(self) -> None:
        self.page = (self.page + 1) % len(CHART_PAGES)

    def refresh(self, all_charts: bool = False) -> None:
        """Bring the charts up to date; they are redrawn one a frame (spreads a month's work)."""
        scene = self.scene
        layout_key = (self.page, scene.L.charts.size, self.app.palette.name, self.app.settings.ui_scale, language())
        bands = self.app.bands
        key = (len(self.session.views), scene.cursor, id(bands.of(self.session)), bands.note(self.session)) + layout_key
        if key != self._key:
            full = all_charts or self._key is None or self._key[4:] != layout_key
            self._key = key
            self._layout()
            self._due = list(self.rects)
            if full:
                self._charts = {}
        while self._due:
            self._render(self._due.pop(0))
            if not (all_charts or len(self._charts) < len(self.rects)):
                break

    def _keys(self) -> tuple[str, ...]:
        if self.scene.L.charts.h >= self.app.u(300):
            return tuple(k for page in CHART_PAGES for k in page)
        return CHART_PAGES[self.page]

    def _layout(self) -> None:
        L, u = self.scene.L, self.app.u
        keys = self._keys()
        cols = 3
        nrows = (len(keys) + cols - 1) // cols
        gap = u(4)
        cw = (L.charts.w - gap * (cols + 1)) // cols
        ch = (L.charts.h - gap * (nrows + 1)) // nrows
        self.rects = {}
        for j, key in enumerate(keys):
            r, c = divmod(j, cols)
            self.rects[key] = pygame.Rect(L.charts.x + gap + c * (cw + gap), L.charts.y + gap + r * (ch + gap), cw, ch)
        self._charts = {k: v for k, v in self._charts.items() if k in self.rects}

    def _render(self, key: str) -> None:
        u, p, t = self.app.u, self.app.palette, self.app.text
        session = self.session
        if self._baseline_rows is None:
            self._baseline_rows = {k: [dict(v.metrics) for v in b.views] for k, b in session.baselines.items()}
        rows = [v.metrics for v in session.views]
        rect = self.rects[key]
        sc = session.scenario
        years = lambda m: sc.date(m)[:4] if sc.date(m).endswith("-01") else None  # noqa: E731
        spec = CHARTS_BY_KEY[key]
        bands = self.app.bands
        band = bands.of(session)
        self._charts[key] = render_chart(spec, rect.size, t, p, rows, session.horizon, self._baseline_rows,
                                         cursor=self.scene.cursor, years=years, font=12 if rect.h < u(240) else 13,
                                         band=chart_band(spec, band), band_note="" if band else bands.note(session),
                                         band_label=bands.label(session))

    def handle_event(self, event: pygame.event.Event) -> bool:
        """A click on a chart shows the next page."""
        if event.type == pygame.MOUSEBUTTONDOWN and any(r.collidepoint(event.pos) for r in self.rects.values()):
            self.next_page()
            return True
        return False

    def tooltip(self, pos: tuple[int, int]) -> str | None:
        """What the chart under ``pos`` shows."""
        tip = None
        for key, rect in self.rects.items():
            if rect.collidepoint(pos):
                bands = self.app.bands
                shaded = (_("Shaded: {band} (the declared ranges of the estimated parameters); dotted ahead: "
                            "their median.").format(band=bands.note(self.session)) if bands.of(self.session) else "")
                tip = sentences(_(CHARTS_BY_KEY[key].doc), shaded, _("Click for the other charts (C)."))
        return tip

    def draw(self, surface: pygame.Surface) -> None:
        for key, surf in self._charts.items():
            surface.blit(surf, self.rects[key].topleft)
