"""The top bar: the menu, the clock's controls, the date and role, the map and chart switches, Save.

Owns :class:`TopBar`: its buttons (kept in step with the clock, the map's
measure and the chart page without a rebuild), the Back to live / Branch
here buttons shown while looking back, and the title. Imports pygame and
the game package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

from agents.lang import _, ngettext
from agents.words import month_text
from game.ui.charts import CHART_PAGES
from game.ui.panels.mapview import MAP_MODES
from game.ui.panels.part import Part

if TYPE_CHECKING:
    from game.ui.scenes.main import MainScene


class TopBar(Part):
    """The bar in ``scene.L.top`` (and the looking-back buttons on the map)."""

    def __init__(self, scene: "MainScene"):
        super().__init__(scene)
        self.buttons: dict[str, Any] = {}
        self.live_button: Any = None
        self.branch_button: Any = None
        self.key: tuple | None = None  # what the buttons show: rebuilt when the signature differs
        self.title_x = self.title_right = 0

    def build(self) -> None:
        scene, u, L = self.scene, self.app.u, self.scene.L
        y, h = L.top.y + u(5), u(30)
        x = u(6)
        sim = self.app.sim
        items = [("Menu", _("Menu"), scene.open_menu, _("Save, load, settings, debrief (Esc)"), u(62), False),
                 ("play", self.play_label(), self.toggle, _("Pause or resume (Space)"), u(68), False),
                 ("Step", _("Step"), self.step, _("Simulate one month (N)"), u(58), False),
                 ("1x", "1x", lambda: self.speed(1), _("1 month a second (1)"), u(40), sim.speed == 1),
                 ("2x", "2x", lambda: self.speed(2), _("2 months a second (2)"), u(40), sim.speed == 2),
                 ("4x", "4x", lambda: self.speed(3), _("4 months a second (3)"), u(40), sim.speed == 3)]
        self.buttons = {}
        for key, label, action, tip, w, sel in items:
            self.buttons[key] = scene.button((x, y, w, h), label, action, tooltip=tip, selected=sel, object_id="#tab")
            x += w + u(4)
        self.title_x = x + u(8)
        right = [("Map", self.map_label(), scene.mapview.next_mode,
                  _("Colour the map by tier, compute, imports this month, goodwill or cap used (M)"), u(130)),
                 ("Charts", self.charts_label(), scene.chartview.next_page, _("Next page of charts (C)"), u(92)),
                 ("Save", _("Save"), self.save, _("Save this month (Ctrl+S)"), u(56)),
                 ("Glossary", _("Glossary"), self.glossary, _("Terms explained (F1)"), u(78))]
        x = L.top.right - u(6)
        for key, label, action, tip, w in reversed(right):
            x -= w
            self.buttons[key] = scene.button((x, y, w, h), label, action, tooltip=tip, object_id="#tab")
            x -= u(4)
        self.title_right = x - u(8)
        self.live_button = self.branch_button = None
        self._sync_live_button()
        self.key = self.signature()

    def play_label(self) -> str:
        return _("Play") if self.app.sim.paused else _("Pause")

    def map_label(self) -> str:
        return _("Map: {measure}").format(measure=_(MAP_MODES[self.scene.mapview.mode][1]))

    def charts_label(self) -> str:
        return _("Charts {page}/{pages}").format(page=self.scene.chartview.page + 1, pages=len(CHART_PAGES))

    def signature(self) -> tuple:
        return (self.app.sim.speed, self.scene.mapview.mode, self.scene.chartview.page, self.scene.cursor is None)

    def _sync_live_button(self) -> None:
        scene, u, m = self.scene, self.app.u, self.scene.L.map
        if scene.cursor is not None and self.live_button is None:
            self.live_button = scene.button((m.right - u(130), m.y + u(6), u(120), u(28)), _("Back to live"),
                                            scene.live, tooltip=_("Show the current month again (L)"))
            self.branch_button = scene.button((m.right - u(260), m.y + u(6), u(124), u(28)), _("Branch here"),
                                              scene.branch_here,
                                              tooltip=_("Save this game, then play on from this month with other "
                                                        "decisions, on the same world (B)"))
        elif scene.cursor is None and self.live_button is not None:
            for button in (self.live_button, self.branch_button):
                button.kill()
                scene.widgets = [w for w in scene.widgets if w is not button]
                scene.focus_ring = [(w, a) for w, a in scene.focus_ring if w is not button]
            self.live_button = self.branch_button = None

    def update(self, dt: float) -> None:
        """Show the clock's speed, the map colouring and the chart page on the existing buttons."""
        if self.signature() == self.key:
            return
        sim = self.app.sim
        b = self.buttons
        b["play"].set_text(self.play_label())
        for k, label in ((1, "1x"), (2, "2x"), (3, "4x")):
            (b[label].select if sim.speed == k else b[label].unselect)()
        b["Map"].set_text(self.map_label())
        b["Charts"].set_text(self.charts_label())
        self._sync_live_button()
        self.key = self.signature()

    # ---- actions -------------------------------------------------------------
    def glossary(self) -> None:
        from game.ui.scenes.menus import GlossaryScene

        self.app.push(GlossaryScene(self.app))

    def toggle(self) -> None:
        if self.scene.cursor is not None:
            self.scene.cursor = None
        self.app.sim.toggle()

    def step(self) -> None:
        self.scene.cursor = None
        self.app.sim.step()

    def speed(self, k: int) -> None:
        self.scene.cursor = None
        self.app.sim.set_speed(k)

    def save(self) -> None:
        try:
            path = self.session.save()
        except OSError as exc:
            self.app.toast(_("Not saved: {error}").format(error=exc), self.app.palette.bad)
        else:
            self.app.toast(_("Saved to {path}").format(path=path), self.app.palette.good)

    # ---- draw ----------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        """The bar, and the date, speed and role as the title."""
        scene = self.scene
        L, u, t, p = scene.L, self.app.u, self.app.text, self.app.palette
        pygame.draw.rect(surface, p.panel, L.top)
        pygame.draw.line(surface, p.panel_edge, L.top.bottomleft, L.top.bottomright)
        s = self.session
        v = scene.shown
        w = self.title_right - self.title_x
        rate = int(self.app.sim.rate)
        state = _("PAUSED") if self.app.sim.paused else ngettext("{rate} month/s", "{rate} months/s", rate).format(
            rate=rate)
        if s.finished:
            state = _("THE END")
        date = month_text(v.date)
        line1 = _("{date}  month {month}/{months}  {state}").format(date=date, month=v.month, months=s.end_month,
                                                                    state=state)
        if t.width(line1, 16, True) > w:
            line1 = t.fit(f"{date}  {v.month}/{s.end_month}  {state}", 16, w, True)
        img = t.render(line1, 16, p.warn if scene.cursor is not None else p.text, True)
        surface.blit(img, (self.title_x, L.top.y + u(2)))
        line2 = _("{scenario}: {role}").format(scenario=_(s.scenario.meta.title), role=s.role.label)
        if s.lesson is not None:
            line2 = (_("{team}, round {round}/{rounds}: {role}") if s.team else _("round {round}/{rounds}: {role}")
                     ).format(team=_(s.team["name"]) if s.team else "", round=s.round, rounds=s.lesson.rounds,
                              role=s.role.label)
        line2 = t.fit(line2, 12, w)
        surface.blit(t.render(line2, 12, p.text_dim), (self.title_x, L.top.y + u(2) + img.get_height() - u(2)))
