"""The main screen: lays out its parts, dispatches input and drawing to them, and runs the month.

Owns :class:`MainScene`, the coordinator of the parts in ``game.ui.panels`` (top bar, map, charts, news, score, and the
tab panels a role gets from its levers and policies): which tab is shown,
the state they share (the month shown while looking back, the selected
country, the status line, the mouse), the keyboard shortcuts, and the
month's clock. Changes reach the model only through
``GameSession.submit``; render caches are refreshed in ``update`` and
``draw`` only blits and draws. Imports pygame, pygame_gui and the game
package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui

from agents import commands as cmd
from agents.lang import _
from agents.regime import LEVER_GROUPS, LEVERS
from agents.words import month_text
from game.session import GameSession
from game.ui.panels import ChartView, Draft, MapView, NewsFeed, ScorePanel, TabPanel, TopBar, panels_for
from game.ui.panels.layout import Layout, make_layout
from game.ui.scene import Scene

if TYPE_CHECKING:
    from agents.view import MonthView
    from game.ui.app import App


def _delegate(part: str, name: str) -> property:
    """A scene attribute that is a part's (kept on the scene for scripts, tests and the other scenes)."""
    return property(lambda self: getattr(getattr(self, part), name),
                    lambda self, value: setattr(getattr(self, part), name, value))


class MainScene(Scene):
    """The game screen: the parts, the tab shown, and what they share."""

    map_mode = _delegate("mapview", "mode")
    hover = _delegate("mapview", "hover")
    world = _delegate("mapview", "world")
    flows = _delegate("mapview", "flows")
    chart_page = _delegate("chartview", "page")
    _chart_key = _delegate("chartview", "_key")
    news_scroll = _delegate("newsfeed", "scroll")
    news_pick = _delegate("newsfeed", "pick")
    news_rows = _news_rows = _delegate("newsfeed", "rows")
    _top_key = _delegate("topbar", "key")
    live_button = _delegate("topbar", "live_button")
    branch_button = _delegate("topbar", "branch_button")
    edits = _delegate("draft", "edits")
    announce_months = _delegate("draft", "announce_months")
    panel_scroll = _delegate("panel", "scroll")
    _rows = _delegate("panel", "rows")
    _entry_lever = _delegate("panel", "entry_lever")
    _widget_lever = _delegate("panel", "widget_lever")

    def __init__(self, app: "App", session: GameSession):
        super().__init__(app)
        self.session = session
        v0 = session.views[0]
        self.index = {c: i for i, c in enumerate(v0.codes)}
        self.status = ("", app.palette.text)
        self.selected = session.role.country or ("CHN" if "CHN" in self.index else v0.codes[0])
        self.cursor: int | None = None  # the view looked back at; None: the live month
        self.debrief_shown = session.finished
        self.mouse = (0, 0)
        self.L: Layout | None = None
        self.draft = Draft(self)
        self.topbar = TopBar(self)
        self.mapview = MapView(self)
        self.chartview = ChartView(self)
        self.newsfeed = NewsFeed(self)
        self.scorepanel = ScorePanel(self)
        self.panels: dict[str, TabPanel] = panels_for(self)
        self.tabs = list(self.panels)
        self.tab = self.tabs[0]
        self._panel_key: tuple | None = None
        self._panel_widgets: list[Any] = []
        self._tab_buttons: dict[str, Any] = {}
        self._end_at: float | None = None
        self._card_for: tuple[int, str] | None = None  # the event whose card was shown
        self._resume_speed = 0  # the clock speed to go back to once an event card is answered

    # ---- state -------------------------------------------------------------
    @property
    def panel(self) -> TabPanel:
        """The panel of the tab shown."""
        return self.panels[self.tab]

    @property
    def deal_entry(self) -> Any:
        return self.panels["Country"].deal_entry

    @property
    def shown_index(self) -> int:
        return self.cursor if self.cursor is not None else len(self.session.views) - 1

    @property
    def shown(self) -> "MonthView":
        return self.session.views[self.shown_index]

    @property
    def shown_prev(self) -> "MonthView":
        return self.session.views[max(0, self.shown_index - 1)]

    def effective_levers(self) -> dict[str, Any]:
        """Levers in force, with this month's queued immediate changes on top."""
        return self.draft.effective()

    def set_edit(self, name: str, raw: Any) -> None:
        self.draft.set(name, raw)

    def _levers_in_tab(self) -> tuple[str, ...]:
        return dict(LEVER_GROUPS).get(self.tab, ())

    def _rows_visible(self) -> int:
        return self.panel.rows_visible()

    def looking_back_text(self, view: Any) -> str:
        """Which month a past view shows: the state after month m is the end of m, where its news is dated."""
        date = self.session.scenario.date
        if view.month == 0:
            return _("Looking back at the start of {date}").format(date=month_text(date(0)))
        return _("Looking back at the end of {date}").format(date=month_text(date(view.month - 1)))

    # ---- hit-testing, for scripts and tests ---------------------------------------
    def pointable(self) -> list[str]:
        return self.mapview.pointable()

    def country_at(self, pos: tuple[int, int]) -> tuple[str, str] | None:
        return self.mapview.country_at(pos)

    def legend_rect(self) -> pygame.Rect:
        return self.mapview.legend_rect()

    def hover_rect(self, n_lines: int) -> pygame.Rect:
        return self.mapview.hover_rect(n_lines)

    def panel_scrollbar(self) -> tuple[pygame.Rect, pygame.Rect] | None:
        return self.panel.scrollbar() if self.L is not None else None

    # ---- widgets -------------------------------------------------------------
    def build_ui(self) -> None:
        self.L = make_layout(self.app.size, self.app.u)
        self.mapview.build()
        self.topbar.build()
        self._build_tabs()
        n0 = len(self.widgets)
        self.panel.build()
        self._panel_widgets = self.widgets[n0:]
        self._panel_first()
        self._panel_key = self._panel_signature()
        self._refresh_caches(all_charts=True)

    def _build_tabs(self) -> None:
        L = self.L
        n = len(self.tabs)
        w = L.tabs.w // n
        self._tab_buttons = {}
        for i, (name, panel) in enumerate(self.panels.items()):
            self._tab_buttons[name] = self.button(
                (L.tabs.x + i * w, L.tabs.y, w if i < n - 1 else L.tabs.w - i * w, L.tabs.h), _(name),
                lambda name=name: self.set_tab(name), tooltip=panel.tooltip() + " (PgUp/PgDn)",
                selected=name == self.tab, object_id="#tab")

    def rebuild_panel(self) -> None:
        """Rebuild only the panel's widgets (the levers or the country), keeping the keyboard focus.

        A text field someone is typing in keeps its text, cursor and focus
        through the rebuild, so no keystroke is lost or taken as a shortcut.
        """
        keep = self.focused_key()
        typing = self._typing_entry()
        old = set(self._panel_widgets)
        for w in old:
            w.kill()
        self.widgets = [w for w in self.widgets if w not in old]
        self.focus_ring = [(w, a) for w, a in self.focus_ring if w not in old]
        for name, b in self._tab_buttons.items():
            (b.select if name == self.tab else b.unselect)()
        n0 = len(self.widgets)
        self.panel.build()
        self._panel_widgets = self.widgets[n0:]
        self._panel_first()
        self._panel_key = self._panel_signature()
        self.focus_index = None
        self.restore_focus(keep)
        if typing is not None:
            self._refocus_entry(*typing)

    def _typing_entry(self) -> tuple[Any, str, int] | None:
        """The panel's text field that has the keyboard: its focus key, text and cursor."""
        for w in self._panel_widgets:
            if isinstance(w, pygame_gui.elements.UITextEntryLine) and w.alive() and w.is_focused:
                return getattr(w, "_focus_key", None), w.get_text(), getattr(w, "edit_position", len(w.get_text()))
        return None

    def _refocus_entry(self, key: Any, text: str, cursor: int) -> None:
        for w in self._panel_widgets:
            if isinstance(w, pygame_gui.elements.UITextEntryLine) and getattr(w, "_focus_key", None) == key:
                if w.get_text() != text:
                    w.set_text(text)
                self.app.manager.set_focus_set(w)
                w.focus()
                w.edit_position = min(cursor, len(text))
                self.restore_focus(key)
                return

    def _panel_first(self) -> None:
        """Tab goes through the panel (levers or country, then Apply) first; the top bar has its own keys."""
        panel = set(self._panel_widgets)
        self.focus_ring.sort(key=lambda wa: 0 if wa[0] in panel else 1)

    def _panel_signature(self) -> tuple:
        """What the panel's widgets show: they are rebuilt only when this changes."""
        v = self.session.view
        i = self.index[self.selected]
        eff = self.effective_levers()
        lev = tuple((k, str(eff[k])) for k in self._levers_in_tab())
        return (self.tab, lev, tuple(sorted(self.edits)), self.panel_scroll, self.selected, int(v.tier[i]),
                bool(v.g2g[i]), len(self.session.queued()), self.announce_months,
                tuple(float(v.policies[k][i]) for k in self.session.role.policies))

    # ---- actions -------------------------------------------------------------
    def open_menu(self) -> None:
        from game.ui.scenes.menus import PauseScene

        self.app.sim.set_speed(0)
        self.app.push(PauseScene(self.app, self))

    def live(self) -> None:
        self.cursor = None

    def branch_here(self) -> None:
        """A what-if: save this game as it is, then play on from the month shown, on the same seed."""
        if self.cursor is None:
            return
        at = self.cursor
        try:
            saved = self.session.save()
        except OSError as exc:
            self.status = (_("Not branched: this game could not be saved first ({error})").format(error=exc),
                           self.app.palette.bad)
            return
        self.session.file = saved  # where the original now lives (load it to go back to it)
        branch = self.session.branch_at(at)
        self.app.sim.set_speed(0)
        scene = MainScene(self.app, branch)
        self.app.reset(scene)
        scene.status = (_("A branch from {date}: this game is saved in {path}. Change a decision and play on; Save "
                          "writes the branch to a new file.").format(date=month_text(branch.view.date), path=saved),
                        self.app.palette.good)

    def set_tab(self, name: str) -> None:
        if name != self.tab:
            self.tab = name
            self.panel_scroll = 0
            self.focus_index = None
            self.rebuild_panel()

    def select_country(self, code: str) -> None:
        self.selected = code
        self.tab = "Country"
        self.rebuild_panel()

    def _submit_levers(self, effective: int | None) -> None:
        self.draft.submit(effective)

    def _report(self, command: Any, result: cmd.CommandResult, keep_edits: bool = True) -> None:
        """Say on the status line what became of an order, and show the panel as it now is."""
        p = self.app.palette
        if result.ok:
            self.status = (self.session.order_confirmation(command), p.good)
            if not keep_edits:
                self.edits.clear()
        else:
            self.status = (self.session.refusal_text(result.reason), p.bad)
        self.rebuild_panel()

    def _capture_entries(self) -> None:
        self.panel.capture()

    # ---- the month -------------------------------------------------------------
    def advance(self) -> None:
        """Simulate one month (called by ``update`` when the clock says so, or by scripted play)."""
        if self.session.finished:
            return
        self._capture_entries()
        self.session.advance_month()
        if self.status[1] != self.app.palette.bad:
            self.status = ("", self.app.palette.text)  # "Ordered: ..." is now in the news
        if self.session.at_round_end and not self.session.finished:
            self.app.sim.set_speed(0)  # a lesson round has ended: the class talks before the next one
            self.status = (_("End of round {round} of {rounds}: paused.").format(
                round=self.session.month // self.session.lesson.months_per_round, rounds=self.session.lesson.rounds),
                self.app.palette.warn)
        self.news_pick = None
        self.news_scroll = 0

    # ---- events ----------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type in (pygame_gui.UI_TEXT_ENTRY_CHANGED, pygame_gui.UI_TEXT_ENTRY_FINISHED):
            self.panel.handle_event(event)
            return True
        if event.type == pygame.MOUSEMOTION:
            self.mouse = event.pos
            return False
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            return self._click(event)
        if event.type == pygame.MOUSEWHEEL:
            return self._wheel(event)
        if event.type == pygame.KEYDOWN and not self.app.typing():
            if self._key(event):
                return True
        return super().handle_event(event)

    def _click(self, event: pygame.event.Event) -> bool:
        return any(part.handle_event(event) for part in (self.panel, self.mapview, self.newsfeed, self.chartview))

    def _wheel(self, event: pygame.event.Event) -> bool:
        return self.newsfeed.handle_event(event) or self.panel.handle_event(event)

    def _key(self, event: pygame.event.Event) -> bool:
        k = event.key
        top = self.topbar
        if k == pygame.K_s and event.mod & pygame.KMOD_CTRL:
            top.save()
        elif k == pygame.K_ESCAPE:
            if self.cursor is not None:
                self.cursor = None
            else:
                self.open_menu()
        elif k == pygame.K_SPACE:
            top.toggle()
        elif k in (pygame.K_n, pygame.K_PERIOD):
            top.step()
        elif k in (pygame.K_1, pygame.K_2, pygame.K_3):
            top.speed(k - pygame.K_0)
        elif k == pygame.K_m:
            self.mapview.next_mode()
        elif k == pygame.K_c:
            self.chartview.next_page()
        elif k == pygame.K_a:
            self.draft.apply_now()
        elif k in (pygame.K_PAGEUP, pygame.K_PAGEDOWN):
            i = self.tabs.index(self.tab)
            self.set_tab(self.tabs[(i + (1 if k == pygame.K_PAGEDOWN else -1)) % len(self.tabs)])
        elif k == pygame.K_LEFTBRACKET:
            self.cursor = max(0, self.shown_index - 1)
            self.app.sim.set_speed(0)
        elif k == pygame.K_RIGHTBRACKET:
            nxt = self.shown_index + 1
            self.cursor = None if nxt >= len(self.session.views) - 1 else nxt
        elif k == pygame.K_l:
            self.cursor = None
        elif k == pygame.K_b and self.cursor is not None:
            self.branch_here()
        elif k in (pygame.K_LEFT, pygame.K_RIGHT):
            name = self._focused_lever()
            if name is None or LEVERS[name].kind != "float":
                return False
            self.panel.nudge(name, 1 if k == pygame.K_RIGHT else -1)
        elif k in (pygame.K_UP, pygame.K_DOWN) and self.tab != "Country":
            self.move_focus(-1 if k == pygame.K_UP else 1)
        else:
            return False
        return True

    def _focused_lever(self) -> str | None:
        w = self.focused_widget()
        return self._widget_lever.get(w) if w is not None else None

    def on_focus(self, widget: Any) -> None:
        self.panel.on_focus(widget)

    # ---- update: the clock, the parts, and render caches ---------------------------
    def update(self, dt: float) -> None:
        app = self.app
        advanced = False
        if self.cursor is None and not self.session.finished and app.sim.months_due(dt):
            self.advance()
            advanced = True
        elif self.cursor is not None:
            app.sim.months_due(0.0)
        app.bands.follow(self.session)  # the band of the policy now (run in the background, renewed on orders)
        self.mapview.update(dt)
        self.topbar.update(dt)
        if not advanced and self._panel_signature() != self._panel_key:
            self.rebuild_panel()  # never in the frame that simulated a month: keeps that frame short
        self._refresh_caches()
        self.newsfeed.update(dt)
        self._open_event(later=advanced)
        if self.session.finished and not self.debrief_shown and not app.autoplay:
            # the debrief comes a moment after the last month, so the player sees how it ended
            if self._end_at is None:
                self._end_at = app.time + 1.5
                app.sim.set_speed(0)
            elif app.time >= self._end_at:
                from game.ui.scenes.debrief import DebriefScene

                self.debrief_shown = True
                app.push(DebriefScene(app, self.session))

    def _open_event(self, later: bool = False) -> None:
        """Put the session's open event to the player on a card; the clock waits until they choose.

        In the frame that simulated the month (``later``) the clock stops at once and the card
        comes the next frame, so that frame stays short. Scripted play (``--autoplay``) shows no
        card: the event passes unanswered when the month advances.
        """
        event = self.session.pending_event
        app = self.app
        if event is None or app.autoplay or self.session.finished or self._card_for == (event.month, event.id):
            return
        if app.sim.speed:
            self._resume_speed = app.sim.speed
            app.sim.set_speed(0)
        if later:
            return
        from game.ui.scenes.event import EventScene

        self._card_for = (event.month, event.id)
        speed, self._resume_speed = self._resume_speed, 0
        self.cursor = None
        app.push(EventScene(app, self, resume_speed=speed))

    def _refresh_caches(self, all_charts: bool = False) -> None:
        """Bring the render caches up to date (the score of the month shown, the map, the charts)."""
        if self.L is None:
            return
        self.session.score_at(self.shown_index)  # computed (and cached) here, so draw only reads it
        self.mapview.refresh()
        self.chartview.refresh(all_charts)

    # ---- draw ------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        L, p = self.L, self.app.palette
        if L is None:
            return
        self.topbar.draw(surface)
        self.mapview.draw(surface)
        self.chartview.draw(surface)
        self.newsfeed.draw(surface)
        self.scorepanel.draw(surface)
        pygame.draw.rect(surface, p.panel, L.panel)
        pygame.draw.rect(surface, p.panel, L.footer)
        pygame.draw.line(surface, p.panel_edge, (L.panel.x, L.top.bottom), (L.panel.x, L.footer.bottom))
        self.panel.draw(surface)
        self._draw_footer(surface)

    def _draw_footer(self, surface: pygame.Surface) -> None:
        """The shared status line under the panel: what became of the last order, else the panel's hint."""
        L, u, p = self.L, self.app.u, self.app.palette
        pygame.draw.line(surface, p.panel_edge, L.footer.topleft, L.footer.topright)
        text, colour, max_lines = self.panel.footer(*self.status)
        self.app.text.block(surface, text, (L.footer.x + u(10), L.footer.y + u(6)), L.footer.w - u(20), 12, colour,
                            max_lines=max_lines)

    def draw_overlay(self, surface: pygame.Surface) -> None:
        super().draw_overlay(surface)
        u, t, p = self.app.u, self.app.text, self.app.palette
        tip = None
        if self.L:
            tip = self.scorepanel.tooltip(self.mouse) or self.chartview.tooltip(self.mouse)
        if tip:
            w = u(340)
            h = t.block_height(tip, 12, w - u(12)) + u(8)
            mx, my = self.mouse
            r = pygame.Rect(min(mx + u(14), self.app.size[0] - w - u(4)), my + u(14), w, h)
            if r.bottom > self.app.size[1]:
                r.bottom = my - u(8)
            pygame.draw.rect(surface, (11, 17, 26), r)
            pygame.draw.rect(surface, p.accent, r, 1)
            t.block(surface, tip, (r.x + u(6), r.y + u(4)), w - u(12), 12, p.text)
