"""The main screen: the map with flows, the policy panel, time controls, charts, news, score.

Owns what the player sees while playing and the widgets that turn clicks
and keys into commands (always through ``GameSession.submit``, which the
model validates: a refused change shows the model's reason). Render caches
(the coloured map, the arcs, the charts) are refreshed in ``update`` when
their inputs change; ``draw`` only blits and draws. Imports pygame,
pygame_gui and the game package.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pygame
import pygame_gui

from agents import commands as cmd
from agents.model import G2G_MIN_COOPERATION
from agents.regime import LEVER_GROUPS, LEVERS, step_lever
from agents.words import (entry_text, format_lever, format_value, lever_expects, lever_short_label, parse_entry,
                          policy_value)
from game.session import GameSession, human, lever_label
from game.ui.charts import CHART_PAGES, CHARTS, render_chart
from game.ui.scene import Scene
from game.ui.worldmap import ASPECT, FlowLayer, WorldMap, dot_radius, draw_cross

if TYPE_CHECKING:
    from agents.view import MonthView
    from game.ui.app import App

MAP_MODES = (("tier", "Tier"), ("compute", "Compute"), ("imports", "Imports"), ("goodwill", "Goodwill"),
             ("cap", "Cap used"))
MARKER_CODES = ("SGP", "ROW2", "ROW3")
HIT_RADIUS = 10  # px at 100%: how far a small country's hit disc reaches over sea and unmodelled land
HIT_CORE = 6  # px at 100%: where it wins over a neighbour's outline (and what counts as small: less area)
CHARTS_BY_KEY = {c.key: c for c in CHARTS}


@dataclass
class Layout:
    top: pygame.Rect
    map: pygame.Rect
    charts: pygame.Rect
    news: pygame.Rect
    score: pygame.Rect
    tabs: pygame.Rect
    panel: pygame.Rect
    footer: pygame.Rect
    row_h: int


def make_layout(size: tuple[int, int], u) -> Layout:
    W, H = size
    top_h = u(40)
    right_w = max(u(400), int(W * 0.3))
    left_w = W - right_w
    news_h = max(u(132), int(H * 0.19))
    avail = H - top_h - news_h
    map_h = min(int(left_w / ASPECT), int(avail * 0.62))
    score_h = u(176)
    footer_h = u(84)
    tabs_h = u(30)
    score = pygame.Rect(left_w, top_h, right_w, score_h)
    tabs = pygame.Rect(left_w, score.bottom, right_w, tabs_h)
    footer = pygame.Rect(left_w, H - footer_h, right_w, footer_h)
    return Layout(
        top=pygame.Rect(0, 0, W, top_h),
        map=pygame.Rect(0, top_h, left_w, map_h),
        charts=pygame.Rect(0, top_h + map_h, left_w, avail - map_h),
        news=pygame.Rect(0, H - news_h, left_w, news_h),
        score=score, tabs=tabs,
        panel=pygame.Rect(left_w, tabs.bottom, right_w, footer.y - tabs.bottom),
        footer=footer, row_h=u(30),
    )


def lever_text(name: str, value: Any) -> str:
    spec = LEVERS[name]
    if spec.kind == "floats":
        return ", ".join(entry_text(x) for x in value)
    if spec.kind == "float":
        return entry_text(value)
    if spec.kind == "bool":
        return "On" if value else "Off"
    return str(value)


def parse_lever(name: str, raw: Any) -> Any:
    spec = LEVERS[name]
    if spec.kind == "float":
        return parse_entry(raw) if isinstance(raw, str) else raw
    if spec.kind == "floats" and isinstance(raw, str):
        parts = [parse_entry(p) for p in raw.split(",") if p.strip()]
        return parts if all(isinstance(p, float) for p in parts) else raw
    return raw


def policy_tooltip(name: str) -> str:
    spec = cmd.COUNTRY_POLICIES[name]
    cost = (f"<br><b>Cost:</b> {format_value('USD/year', spec.cost_usd_per_year)} at full effort "
            f"(a game estimate)" if spec.cost_usd_per_year else "")
    return (f"<b>{spec.label}</b><br>{spec.doc}{cost}<br><i>Left to your advisers it {spec.bot}. "
            f"Orders apply next month. In command files: {name}.</i>")


def lever_tooltip(name: str) -> str:
    spec = LEVERS[name]
    return (f"<b>{lever_label(name)}</b><br>{spec.doc}<br><b>Cost:</b> {spec.cost}"
            f"<br><i>Takes {lever_expects(name)}. In scenario files and --set: {name}.</i>")


class MainScene(Scene):
    """The game screen."""

    def __init__(self, app: "App", session: GameSession):
        super().__init__(app)
        self.session = session
        v0 = session.views[0]
        self.world = WorldMap(v0.codes, v0.lat, v0.lon)
        self.flows = FlowLayer()
        self.index = {c: i for i, c in enumerate(v0.codes)}
        role = session.role
        self.tabs = self._tabs()
        self.tab = self.tabs[0]
        self.map_mode = 0
        self.chart_page = 0
        self.edits: dict[str, Any] = {}
        self.announce_months = 4
        self.status = ("", app.palette.text)
        self.selected = role.country or ("CHN" if "CHN" in self.index else v0.codes[0])
        self.deal_text = "100k"
        self.cursor: int | None = None
        self.news_scroll = 0
        self.news_pick: int | None = None
        self.panel_scroll = 0
        self.debrief_shown = session.finished
        self.hover: tuple[str, str] | None = None  # (code, outline name)
        self.mouse = (0, 0)
        self.L: Layout | None = None
        self._entry_lever: dict[Any, str] = {}
        self._widget_lever: dict[Any, str] = {}
        self._panel_key: tuple | None = None
        self._top_key: tuple | None = None
        self._charts: dict[str, pygame.Surface] = {}
        self._chart_key: tuple | None = None
        self._chart_rects: dict[str, pygame.Rect] = {}
        self._map_surface: pygame.Surface | None = None
        self._colour_key: tuple | None = None
        self._charts_due: list[str] = []
        self._panel_widgets: list[Any] = []
        self._top_buttons: dict[str, Any] = {}
        self._tab_buttons: dict[str, Any] = {}
        self._end_at: float | None = None
        self._baseline_rows: dict[str, list[dict]] | None = None
        self._news_rows: list[tuple[pygame.Rect, int]] = []
        self.live_button = self.branch_button = None
        self._card_for: tuple[int, str] | None = None  # the event whose card was shown

    # ---- state -------------------------------------------------------------
    def _tabs(self) -> list[str]:
        role = self.session.role
        groups = [g for g, _ in LEVER_GROUPS]
        editable = [g for g, levers in LEVER_GROUPS if any(l in self.session.levers for l in levers)]
        if role.policies:  # a government: its own policies first, then its country, then the US rules
            return ["Policy", "Country"] + groups
        return editable + [g for g in groups if g not in editable] + ["Country"]

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
        lev = dict(self.session.view.levers)
        for c in self.session.queued():
            if isinstance(c, cmd.SetLevers) and c.effective_month in (None, self.session.month):
                lev.update(c.levers)
        return lev

    def announced(self) -> dict[str, list[tuple[int, Any]]]:
        out: dict[str, list[tuple[int, Any]]] = {}
        for eff, levers in self.session.view.pending:
            for k, v in levers.items():
                out.setdefault(k, []).append((eff, v))
        for c in self.session.queued():
            if isinstance(c, cmd.SetLevers) and c.effective_month not in (None, self.session.month):
                for k, v in c.levers.items():
                    out.setdefault(k, []).append((c.effective_month, v))
        return out

    def value_shown(self, name: str, effective: dict[str, Any]) -> Any:
        return self.edits.get(name, effective[name])

    # ---- widgets -------------------------------------------------------------
    def build_ui(self) -> None:
        self.L = make_layout(self.app.size, self.app.u)
        self.world.fit(self.L.map)
        self._entry_lever = {}
        self._widget_lever = {}
        self._build_top()
        self._build_tabs()
        n0 = len(self.widgets)
        self._build_panel()
        self._panel_widgets = self.widgets[n0:]
        self._panel_first()
        self._panel_key = self._panel_signature()
        self._top_key = self._top_signature()
        self._colour_key = None
        self._refresh_caches(all_charts=True)

    def _build_top(self) -> None:
        u, L = self.app.u, self.L
        y, h = L.top.y + u(5), u(30)
        x = u(6)
        sim = self.app.sim
        items = [("Menu", self.open_menu, "Save, load, settings, debrief (Esc)", u(62), False),
                 ("Play" if sim.paused else "Pause", self.toggle, "Pause or resume (Space)", u(68), False),
                 ("Step", self.step, "Simulate one month (N)", u(58), False),
                 ("1x", lambda: self.speed(1), "1 month a second (1)", u(40), sim.speed == 1),
                 ("2x", lambda: self.speed(2), "2 months a second (2)", u(40), sim.speed == 2),
                 ("4x", lambda: self.speed(3), "4 months a second (3)", u(40), sim.speed == 3)]
        self._top_buttons = {}
        for label, action, tip, w, sel in items:
            self._top_buttons[label if label not in ("Play", "Pause") else "play"] = self.button(
                (x, y, w, h), label, action, tooltip=tip, selected=sel, object_id="#tab")
            x += w + u(4)
        self.title_x = x + u(8)
        right = [("Map: " + MAP_MODES[self.map_mode][1], self.next_map_mode,
                  "Colour the map by tier, compute, imports this month, goodwill or cap used (M)", u(130)),
                 (f"Charts {self.chart_page + 1}/{len(CHART_PAGES)}", self.next_chart_page,
                  "Next page of charts (C)", u(92)),
                 ("Save", self.save, "Save this month (Ctrl+S)", u(56)),
                 ("Glossary", self.glossary, "Terms explained (F1)", u(78))]
        x = L.top.right - u(6)
        for label, action, tip, w in reversed(right):
            x -= w
            self._top_buttons[label.split()[0].rstrip(":")] = self.button((x, y, w, h), label, action, tooltip=tip,
                                                                          object_id="#tab")
            x -= u(4)
        self.title_right = x - u(8)
        self.live_button = self.branch_button = None
        self._sync_live_button()

    def _sync_live_button(self) -> None:
        u, m = self.app.u, self.L.map
        if self.cursor is not None and self.live_button is None:
            self.live_button = self.button((m.right - u(130), m.y + u(6), u(120), u(28)), "Back to live",
                                           self.live, tooltip="Show the current month again (L)")
            self.branch_button = self.button((m.right - u(260), m.y + u(6), u(124), u(28)), "Branch here",
                                             self.branch_here,
                                             tooltip="Save this game, then play on from this month with other "
                                                     "decisions, on the same world (B)")
        elif self.cursor is None and self.live_button is not None:
            for button in (self.live_button, self.branch_button):
                button.kill()
                self.widgets = [w for w in self.widgets if w is not button]
                self.focus_ring = [(w, a) for w, a in self.focus_ring if w is not button]
            self.live_button = self.branch_button = None

    def _sync_top(self) -> None:
        """Show the clock's speed, the map colouring and the chart page on the existing buttons."""
        sim = self.app.sim
        b = self._top_buttons
        b["play"].set_text("Play" if sim.paused else "Pause")
        for k, label in ((1, "1x"), (2, "2x"), (3, "4x")):
            (b[label].select if sim.speed == k else b[label].unselect)()
        b["Map"].set_text("Map: " + MAP_MODES[self.map_mode][1])
        b["Charts"].set_text(f"Charts {self.chart_page + 1}/{len(CHART_PAGES)}")
        self._sync_live_button()
        self._top_key = self._top_signature()

    def _build_tabs(self) -> None:
        L = self.L
        n = len(self.tabs)
        w = L.tabs.w // n
        self._tab_buttons = {}
        for i, name in enumerate(self.tabs):
            editable = name == "Country" or any(l in self.session.levers for l in dict(LEVER_GROUPS).get(name, ()))
            tip = ("Your government's own policies" if name == "Policy" else
                   "Your levers" if editable and name != "Country" else
                   "The rules in force (you cannot change these)" if name != "Country" else
                   "The selected country: its numbers and what you can do about it")
            self._tab_buttons[name] = self.button(
                (L.tabs.x + i * w, L.tabs.y, w if i < n - 1 else L.tabs.w - i * w, L.tabs.h), name,
                lambda name=name: self.set_tab(name), tooltip=tip + " (PgUp/PgDn)",
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
        self._entry_lever = {}
        self._widget_lever = {}
        for name, b in self._tab_buttons.items():
            (b.select if name == self.tab else b.unselect)()
        n0 = len(self.widgets)
        self._build_panel()
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

    def _build_panel(self) -> None:
        if self.tab == "Country":
            self._build_country()
        elif self.tab == "Policy":
            self._build_policies()
        else:
            self._build_levers()

    def _build_policies(self) -> None:
        """A government's own policies, one row each from the registry: - / + for numbers, a switch for the rest.

        Each click is an order (it applies next month); a Tier 2 government's
        request for a security agreement comes last.
        """
        u, L = self.app.u, self.L
        role = self.session.role
        pad = u(8)
        x0, wtot = L.panel.x + pad, L.panel.w - 2 * pad
        label_w = int(wtot * 0.52)
        ctl_x, ctl_w = x0 + label_w + u(4), wtot - label_w - u(4)
        h = L.row_h - u(4)
        y = L.panel.y + u(4)
        self._rows = []
        for name in role.policies:
            spec = cmd.COUNTRY_POLICIES[name]
            value = self.own_policy(name)
            tip = policy_tooltip(name)
            lab = self.button((x0, y, label_w, h), self.app.text.fit(spec.label, 13, label_w - u(6)), None,
                              tooltip=tip, object_id="#lever_label", focus=False)
            self._rows.append((name, pygame.Rect(x0, y, wtot, h)))
            if spec.is_switch:
                on = value >= 0.5
                b = self.button((ctl_x, y, ctl_w, h), "On" if on else "Off",
                                lambda name=name, on=on: self.set_policy(name, not on), tooltip=tip,
                                object_id="#toggle_on" if on else "#toggle_off")
            else:
                bw = u(26)
                vw = ctl_w - 2 * bw - u(8)
                self.button((ctl_x, y, vw, h), self.app.text.fit(policy_value(name, value), 13, vw - u(8)), None,
                            tooltip=tip, object_id="#value", enabled=False, focus=False)
                lo, hi = spec.spec.lo, spec.spec.hi
                for d, text, bx in ((-1, "-", ctl_x + vw + u(4)), (1, "+", ctl_x + vw + bw + u(8))):
                    nxt = value + d * spec.step
                    b = self.button((bx, y, bw, h), text, lambda name=name, nxt=nxt: self.set_policy(name, nxt),
                                    tooltip=f"{'Less' if d < 0 else 'More'}: {policy_value(name, spec.step)} a step",
                                    enabled=lo - 1e-9 <= nxt <= hi + 1e-9)
                    b._focus_key = f"{name}{text}"
                b = lab
            b._focus_key = name
            y += L.row_h
        if "g2g" in role.commands and role.country is not None:
            signed = bool(self.session.view.g2g[self.index[role.country]])
            b = self.button((x0, y + u(6), wtot, h),
                            "Security agreement signed" if signed else "Ask the US for a security agreement",
                            self.request_g2g, enabled=not signed,
                            tooltip="The US signs only if your transit cooperation is at least 0.3; the agreement "
                                    "multiplies your cap and lifts goodwill. The answer comes next month.")
            b._focus_key = "g2g"

    def _levers_in_tab(self) -> tuple[str, ...]:
        return dict(LEVER_GROUPS).get(self.tab, ())

    def _rows_visible(self) -> int:
        return max(1, (self.L.panel.h - self.app.u(8)) // self.L.row_h)

    def _build_levers(self) -> None:
        u, L = self.app.u, self.L
        role = self.session.role
        eff = self.effective_levers()
        names = list(self._levers_in_tab())
        extra = self.tab == "Tier 2 rule" and "rescind" in role.commands
        total = len(names) + (1 if extra else 0)
        vis = self._rows_visible()
        self.panel_scroll = max(0, min(self.panel_scroll, total - vis))
        self._panel_rows = (total, vis)
        rows = (names + (["__rescind__"] if extra else []))[self.panel_scroll:self.panel_scroll + vis]
        pad = u(8)
        x0 = L.panel.x + pad
        wtot = L.panel.w - 2 * pad
        label_w = int(wtot * 0.47)
        ctl_x = x0 + label_w + u(4)
        ctl_w = wtot - label_w - u(4)
        self._rows: list[tuple[str, pygame.Rect]] = []
        for r, name in enumerate(rows):
            y = L.panel.y + u(4) + r * L.row_h
            h = L.row_h - u(4)
            if name == "__rescind__":
                b = self.button((x0, y, wtot, h), "Rescind the Tier 2 regime", self.rescind, object_id="#danger",
                                tooltip="Withdraw the Diffusion Rule's Tier 2 regime and every announced change "
                                        "not yet in force (as on 13 May 2025). Takes effect next month.")
                b._focus_key = "rescind"
                continue
            spec = LEVERS[name]
            editable = name in self.session.levers  # the role's, narrowed by a lesson
            label = lever_short_label(name)
            lab = self.button((x0, y, label_w, h), self.app.text.fit(label, 13, label_w - u(6)),
                              (lambda name=name: self.focus_lever(name)) if editable else None,
                              tooltip=lever_tooltip(name), object_id="#lever_label", focus=False)
            self._rows.append((name, pygame.Rect(x0, y, wtot, h)))
            value = self.value_shown(name, eff)
            if not editable:
                self.button((ctl_x, y, ctl_w, h), self.app.text.fit(format_lever(name, value), 13, ctl_w - u(12)),
                            None, tooltip=lever_tooltip(name), object_id="#value", enabled=False, focus=False)
                continue
            if spec.kind == "bool":
                b = self.button((ctl_x, y, ctl_w, h), "On" if value else "Off",
                                lambda name=name: self.toggle_lever(name), tooltip=lever_tooltip(name),
                                object_id="#toggle_on" if value else "#toggle_off")
            elif spec.kind == "choice":
                b = self.button((ctl_x, y, ctl_w, h), format_lever(name, value), lambda name=name: self.cycle_lever(name),
                                tooltip=lever_tooltip(name) + "<br>Click for the next choice.")
            elif spec.kind == "float":
                bw = u(26)
                ew = ctl_w - 2 * bw - u(8)
                text = value if isinstance(value, str) else lever_text(name, value)
                b = self.entry((ctl_x, y, ew, h), text, tooltip=lever_tooltip(name))
                self._entry_lever[b] = name
                minus = self.button((ctl_x + ew + u(4), y, bw, h), "-", lambda name=name: self.nudge(name, -1),
                                    tooltip="Lower (Left arrow)", focus=False)
                plus = self.button((ctl_x + ew + bw + u(8), y, bw, h), "+", lambda name=name: self.nudge(name, 1),
                                   tooltip="Raise (Right arrow)", focus=False)
                self._widget_lever[minus] = self._widget_lever[plus] = name
            else:  # floats
                text = value if isinstance(value, str) else lever_text(name, value)
                b = self.entry((ctl_x, y, ctl_w, h), text, tooltip=lever_tooltip(name))
                self._entry_lever[b] = name
            b._focus_key = name
            self._widget_lever[b] = name
            self._widget_lever[lab] = name
        self._build_footer_levers()

    def _build_footer_levers(self) -> None:
        u, L = self.app.u, self.L
        if not any(l in self.session.levers for l in self._levers_in_tab()):
            return
        y = L.footer.bottom - u(38)
        x = L.footer.x + u(8)
        h = u(32)
        dirty = bool(self.edits)
        for label, action, tip, w in (
                ("Apply now", self.apply_now, "Submit your changes; they take effect next month (A)", u(96)),
                (f"Announce +{self.announce_months} mo", self.announce,
                 "Submit your changes to take effect later: buyers will race the announced date", u(134))):
            b = self.button((x, y, w, h), label, action, tooltip=tip, enabled=dirty,
                            object_id="#apply" if label == "Apply now" else None)
            b._focus_key = label
            x += w + u(4)
        for label, d in (("-", -1), ("+", 1)):
            b = self.button((x, y, u(26), h), label, lambda d=d: self.announce_step(d),
                            tooltip="Announce further ahead or sooner", focus=False)
            x += u(30)
        b = self.button((x, y, L.footer.right - u(8) - x, h), "Reset", self.reset_edits,
                        tooltip="Forget your unsubmitted changes", enabled=dirty)
        b._focus_key = "reset"

    def _build_country(self) -> None:
        u, L = self.app.u, self.L
        role = self.session.role
        code = self.selected
        i = self.index[code]
        v = self.session.view
        x = L.panel.x + u(8)
        w = L.panel.w - u(16)
        h = u(30)
        # browse
        by = L.panel.y + u(6)
        for label, d in (("<", -1), (">", 1)):
            bx = L.panel.right - u(8) - (u(70) if d < 0 else u(34))
            b = self.button((bx, by, u(30), u(26)), label, lambda d=d: self.cycle_country(d),
                            tooltip="Previous / next country (or click the map)")
            b._focus_key = f"browse{d}"
        if role.id == "us_commerce" and code != "USA":
            tier = int(v.tier[i])
            row_y = self._country_actions_top()
            bw = (w - u(8)) // 3
            for k in (1, 2, 3):
                b = self.button((x + (k - 1) * (bw + u(4)), row_y, bw, h), f"Move to Tier {k}",
                                lambda k=k: self.set_tier(k), enabled=k != tier,
                                tooltip=f"Move {self.session.country_name(code)} to Tier {k}. A downgrade cuts it "
                                        f"off and costs goodwill and cooperation. Takes effect next month.")
                b._focus_key = f"tier{k}"
            row_y += h + u(6)
            half = (w - u(4)) // 2
            b = self.button((x, row_y, half, h), "Security agreement" if not v.g2g[i] else "Agreement signed",
                            self.sign_g2g, enabled=not bool(v.g2g[i]),
                            tooltip="A government-to-government security agreement multiplies the country's "
                                    "cap (G2G multiplier) and lifts its goodwill.")
            b._focus_key = "g2g"
            self.deal_entry = self.entry((x + half + u(4), row_y, half // 2, h), self.deal_text,
                                         tooltip="H100e a year the deal allows outside the cap (e.g. 500k)")
            self.deal_entry._focus_key = "deal_text"
            b = self.button((x + half + u(8) + half // 2, row_y, w - half - u(8) - half // 2, h), "Grant deal",
                            self.grant_deal, tooltip="A bilateral deal: this much controlled compute a year "
                                                     "outside the cap; lifts goodwill.")
            b._focus_key = "deal"

    def _country_actions_top(self) -> int:
        """Top of the action buttons under the country's numbers (their bottom is the footer)."""
        u, L = self.app.u, self.L
        role = self.session.role
        rows = 2 if role.id == "us_commerce" and self.selected != "USA" else 0
        return L.footer.y - rows * (u(30) + u(6))

    # ---- signatures: rebuild widgets only when what they show has changed ----------------
    def _panel_signature(self) -> tuple:
        v = self.session.view
        i = self.index[self.selected]
        eff = self.effective_levers()
        lev = tuple((k, str(eff[k])) for k in self._levers_in_tab())
        return (self.tab, lev, tuple(sorted(self.edits)), self.panel_scroll, self.selected, int(v.tier[i]),
                bool(v.g2g[i]), len(self.session.queued()), self.announce_months,
                tuple(float(v.policies[k][i]) for k in self.session.role.policies))

    def _top_signature(self) -> tuple:
        return (self.app.sim.speed, self.map_mode, self.chart_page, self.cursor is None)

    # ---- actions -------------------------------------------------------------
    def open_menu(self) -> None:
        from game.ui.scenes.menus import PauseScene

        self.app.sim.set_speed(0)
        self.app.push(PauseScene(self.app, self))

    def glossary(self) -> None:
        from game.ui.scenes.menus import GlossaryScene

        self.app.push(GlossaryScene(self.app))

    def toggle(self) -> None:
        if self.cursor is not None:
            self.cursor = None
        self.app.sim.toggle()

    def step(self) -> None:
        self.cursor = None
        self.app.sim.step()

    def speed(self, k: int) -> None:
        self.cursor = None
        self.app.sim.set_speed(k)

    def next_map_mode(self) -> None:
        self.map_mode = (self.map_mode + 1) % len(MAP_MODES)

    def next_chart_page(self) -> None:
        self.chart_page = (self.chart_page + 1) % len(CHART_PAGES)

    def save(self) -> None:
        try:
            path = self.session.save()
        except OSError as exc:
            self.app.toast(f"Not saved: {exc}", self.app.palette.bad)
        else:
            self.app.toast(f"Saved to {path}", self.app.palette.good)

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
            self.status = (f"Not branched: this game could not be saved first ({exc})", self.app.palette.bad)
            return
        self.session.file = saved  # where the original now lives (load it to go back to it)
        branch = self.session.branch_at(at)
        self.app.sim.set_speed(0)
        scene = MainScene(self.app, branch)
        self.app.reset(scene)
        scene.status = (f"A branch from {branch.view.date}: this game is saved in {saved}. Change a decision "
                        f"and play on; Save writes the branch to a new file.", self.app.palette.good)

    def set_tab(self, name: str) -> None:
        if name != self.tab:
            self.tab = name
            self.panel_scroll = 0
            self.focus_index = None
            self.rebuild_panel()

    def focus_lever(self, name: str) -> None:
        for i, (w, _) in enumerate(self.focus_ring):
            if getattr(w, "_focus_key", None) == name:
                self.focus_index = i
                return

    def set_edit(self, name: str, raw: Any) -> None:
        eff = self.effective_levers()
        same = (raw == eff[name]) if not isinstance(raw, str) else (raw.strip() == lever_text(name, eff[name]))
        if same:
            self.edits.pop(name, None)
        else:
            self.edits[name] = raw

    def toggle_lever(self, name: str) -> None:
        self.set_edit(name, not bool(self.value_shown(name, self.effective_levers())))
        self.rebuild_panel()

    def cycle_lever(self, name: str) -> None:
        choices = LEVERS[name].choices
        cur = self.value_shown(name, self.effective_levers())
        self.set_edit(name, choices[(choices.index(cur) + 1) % len(choices)] if cur in choices else choices[0])
        self.rebuild_panel()

    def nudge(self, name: str, direction: int) -> None:
        cur = self.value_shown(name, self.effective_levers())
        value = parse_lever(name, cur) if isinstance(cur, str) else cur
        if not isinstance(value, (int, float)):
            value = self.effective_levers()[name]
        self.set_edit(name, step_lever(name, float(value), direction))
        self.rebuild_panel()

    def reset_edits(self) -> None:
        self.edits.clear()
        self.status = ("Changes discarded.", self.app.palette.text_dim)
        self.rebuild_panel()

    def announce_step(self, d: int) -> None:
        self.announce_months = min(24, max(1, self.announce_months + d))
        self.rebuild_panel()

    def apply_now(self) -> None:
        self._submit_levers(None)

    def announce(self) -> None:
        self._submit_levers(self.session.month + self.announce_months)

    def _submit_levers(self, effective: int | None) -> None:
        self._capture_entries()
        if not self.edits:
            self.status = ("No changes to submit: edit a value first.", self.app.palette.text_dim)
            return
        if effective is not None and effective > self.session.horizon:
            self.status = (f"Refused: {self.session.scenario.date(effective)} is after the scenario ends "
                           f"({self.session.scenario.date(self.session.horizon)}); announce sooner.",
                           self.app.palette.bad)
            return
        levers = {k: parse_lever(k, v) for k, v in self.edits.items()}
        command = cmd.SetLevers(levers=levers, effective_month=effective)
        self._report(command, self.session.submit(command),
                     keep_edits=False)

    def rescind(self) -> None:
        self._report(cmd.Rescind(), self.session.submit(cmd.Rescind()))

    def set_tier(self, k: int) -> None:
        c = cmd.SetTier(country=self.selected, tier=k)
        self._report(c, self.session.submit(c))

    def sign_g2g(self) -> None:
        c = cmd.G2GAgreement(country=self.selected)
        self._report(c, self.session.submit(c))

    def own_policy(self, name: str) -> float:
        """The player's government's policy: this month's order if there is one, else what is in force."""
        for c in reversed(self.session.queued()):
            if isinstance(c, cmd.CountryPolicy) and name in c.policies:
                return float(c.policies[name])
        return float(self.session.view.policies[name][self.index[self.session.role.country]])

    def set_policy(self, name: str, value: float) -> None:
        spec = cmd.COUNTRY_POLICIES[name]
        chosen: Any = bool(value) if spec.is_switch else round(min(spec.spec.hi, max(spec.spec.lo, value)), 6)
        c = cmd.CountryPolicy(country=self.session.role.country, policies={name: chosen})
        self._report(c, self.session.submit(c))

    def request_g2g(self) -> None:
        c = cmd.G2GAgreement(country=self.session.role.country or self.selected)
        self._report(c, self.session.submit(c))

    def grant_deal(self) -> None:
        text = self.deal_entry.get_text() if getattr(self, "deal_entry", None) else self.deal_text
        self.deal_text = text
        value = parse_entry(text)
        c = cmd.BilateralDeal(country=self.selected, h100e_per_year=value if isinstance(value, float) else text)
        self._report(c, self.session.submit(c))

    def _report(self, command: Any, result: cmd.CommandResult, keep_edits: bool = True) -> None:
        p = self.app.palette
        if result.ok:
            self.status = (self.session.order_confirmation(command), p.good)
            if not keep_edits:
                self.edits.clear()
        else:
            self.status = (self.session.refusal_text(result.reason), p.bad)
        self.rebuild_panel()

    def cycle_country(self, d: int) -> None:
        codes = self.session.view.codes
        self.selected = codes[(codes.index(self.selected) + d) % len(codes)]
        self.rebuild_panel()

    def select_country(self, code: str) -> None:
        self.selected = code
        self.tab = "Country"
        self.rebuild_panel()

    def _capture_entries(self) -> None:
        for w, name in self._entry_lever.items():
            if w.alive():
                self.set_edit(name, w.get_text())

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
            self.status = (f"End of round {self.session.month // self.session.lesson.months_per_round} of "
                           f"{self.session.lesson.rounds}: paused.", self.app.palette.warn)
        self.news_pick = None
        self.news_scroll = 0

    # ---- events ----------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type in (pygame_gui.UI_TEXT_ENTRY_CHANGED, pygame_gui.UI_TEXT_ENTRY_FINISHED):
            name = self._entry_lever.get(event.ui_element)
            if name is not None:
                self.set_edit(name, event.text)
                if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED:
                    self.app.manager.set_focus_set(None)
                    self.rebuild_panel()
                elif self._panel_signature() != self._panel_key:
                    self.rebuild_panel()  # Apply and Reset follow the edits; the field keeps the keyboard
            elif getattr(event.ui_element, "_focus_key", None) == "deal_text":
                self.deal_text = event.text
            return True
        if event.type == pygame.MOUSEMOTION:
            self.mouse = event.pos
            return False
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            return self._click(event.pos)
        if event.type == pygame.MOUSEWHEEL:
            return self._wheel(event)
        if event.type == pygame.KEYDOWN and not self.app.typing():
            if self._key(event):
                return True
        return super().handle_event(event)

    def _key(self, event: pygame.event.Event) -> bool:
        k = event.key
        ctrl = event.mod & pygame.KMOD_CTRL
        if k == pygame.K_s and ctrl:
            self.save()
        elif k == pygame.K_ESCAPE:
            if self.cursor is not None:
                self.cursor = None
            else:
                self.open_menu()
        elif k == pygame.K_SPACE:
            self.toggle()
        elif k in (pygame.K_n, pygame.K_PERIOD):
            self.step()
        elif k in (pygame.K_1, pygame.K_2, pygame.K_3):
            self.speed(k - pygame.K_0)
        elif k == pygame.K_m:
            self.next_map_mode()
        elif k == pygame.K_c:
            self.next_chart_page()
        elif k == pygame.K_a:
            self.apply_now()
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
            self.nudge(name, 1 if k == pygame.K_RIGHT else -1)
        elif k in (pygame.K_UP, pygame.K_DOWN) and self.tab != "Country":
            self.move_focus(-1 if k == pygame.K_UP else 1)
        else:
            return False
        return True

    def _focused_lever(self) -> str | None:
        w = self.focused_widget()
        return self._widget_lever.get(w) if w is not None else None

    def on_focus(self, widget: Any) -> None:
        name = self._widget_lever.get(widget)
        if name is None:
            return
        names = list(self._levers_in_tab())
        if name in names:
            r = names.index(name)
            vis = self._rows_visible()
            if not self.panel_scroll <= r < self.panel_scroll + vis:
                self.panel_scroll = max(0, r - vis + 1) if r >= self.panel_scroll + vis else r
                self.rebuild_panel()

    def _click(self, pos: tuple[int, int]) -> bool:
        L = self.L
        bar = self.panel_scrollbar()
        if bar is not None and bar[0].inflate(self.app.u(8), 0).collidepoint(pos):
            total, vis = self._panel_rows
            self.panel_scroll = max(0, min(total - vis, self.panel_scroll + (vis if pos[1] > bar[1].bottom else
                                                                              -vis if pos[1] < bar[1].y else 0)))
            self.rebuild_panel()
            return True
        if L.map.collidepoint(pos):
            hit = self.country_at(pos)
            if hit is not None:
                self.select_country(hit[0])
                return True
        for rect, n in self._news_rows:
            if rect.collidepoint(pos):
                self.news_pick = n
                item = self.session.news[n]
                self.cursor = min(item.month + 1, len(self.session.views) - 1)
                if self.cursor == len(self.session.views) - 1:
                    self.cursor = None
                self.app.sim.set_speed(0)
                return True
        for key, rect in self._chart_rects.items():
            if rect.collidepoint(pos):
                self.next_chart_page()
                return True
        return False

    def _wheel(self, event: pygame.event.Event) -> bool:
        pos = pygame.mouse.get_pos()
        if self.L.news.collidepoint(pos):
            self.news_scroll = max(0, min(len(self.session.news) - 1, self.news_scroll - event.y))
            return True
        if self.L.panel.collidepoint(pos) and self.tab != "Country":
            self.panel_scroll = max(0, self.panel_scroll - event.y)
            self.rebuild_panel()
            return True
        return False

    # ---- hover -----------------------------------------------------------------
    def pointable(self) -> list[str]:
        """Countries with a hit disc round their centre: the markers, and outlines too small to point at."""
        core = self.app.u(HIT_CORE)
        return [c for c in dict.fromkeys([*MARKER_CODES, *self.world.small_countries(math.pi * core * core)])
                if c in self.index and c in self.world.country_px]

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
            if d2 <= u(HIT_CORE) ** 2 or (d2 <= u(HIT_RADIUS) ** 2 and (under not in self.index or under in small)):
                return code, self.session.country_name(code)
        return (under, self.world.features[i].name) if under else None

    # ---- update: the clock, hover, and render caches -----------------------------
    def update(self, dt: float) -> None:
        app = self.app
        advanced = False
        if self.cursor is None and not self.session.finished and app.sim.months_due(dt):
            self.advance()
            advanced = True
        elif self.cursor is not None:
            app.sim.months_due(0.0)
        self.hover = self.country_at(self.mouse) if self.L and self.L.map.collidepoint(self.mouse) else None
        if self._top_signature() != self._top_key:
            self._sync_top()
        if not advanced and self._panel_signature() != self._panel_key:
            self.rebuild_panel()  # never in the frame that simulated a month: keeps that frame short
        self._refresh_caches()
        self._news_rows = self._news_layout()
        self._open_event()
        if self.session.finished and not self.debrief_shown and not app.autoplay:
            # the debrief comes a moment after the last month, so the player sees how it ended
            if self._end_at is None:
                self._end_at = app.time + 1.5
                app.sim.set_speed(0)
            elif app.time >= self._end_at:
                from game.ui.scenes.debrief import DebriefScene

                self.debrief_shown = True
                app.push(DebriefScene(app, self.session))

    def _open_event(self) -> None:
        """Put the session's open event to the player on a card; the clock waits until they choose.

        Scripted play (``--autoplay``) shows no card: the event passes unanswered when the month advances.
        """
        event = self.session.pending_event
        app = self.app
        if event is None or app.autoplay or self.session.finished or self._card_for == (event.month, event.id):
            return
        from game.ui.scenes.event import EventScene

        self._card_for = (event.month, event.id)
        speed = app.sim.speed
        app.sim.set_speed(0)
        self.cursor = None
        app.push(EventScene(app, self, resume_speed=speed))

    def _refresh_caches(self, all_charts: bool = False) -> None:
        """Bring the render caches up to date; charts are redrawn one a frame (spreads a month's work)."""
        if self.L is None:
            return
        p = self.app.palette
        view = self.shown
        self.session.score_at(self.shown_index)  # computed (and cached) here, so draw only reads it
        mode = MAP_MODES[self.map_mode][0]
        colour_key = (mode, self.shown_index, p.name)
        if colour_key != self._colour_key:
            self._colour_key = colour_key
            colours = tuple(self._feature_colours(view, mode))
            self._map_surface = self.world.colour((mode, hash(colours)), colours, p)
        self.flows.set_month((self.shown_index, self.world.rect.size, p.name, self.world.rect.topleft),
                             self.shown_prev, view, self._points(), self.world.rect, p)
        layout_key = (self.chart_page, self.L.charts.size, p.name, self.app.settings.ui_scale)
        key = (len(self.session.views), self.cursor) + layout_key
        if key != self._chart_key:
            full = all_charts or self._chart_key is None or self._chart_key[2:] != layout_key
            self._chart_key = key
            self._layout_charts()
            self._charts_due = list(self._chart_rects)
            if full:
                self._charts = {}
        while self._charts_due:
            self._render_chart(self._charts_due.pop(0))
            if not (all_charts or len(self._charts) < len(self._chart_rects)):
                break

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
            return "1k", human(max(float(vals[real].max()), 10.0)) + " H100e"
        if mode == "goodwill":
            return "0", "1"
        return "0%", "100% of cap"

    def _layout_charts(self) -> None:
        L, u = self.L, self.app.u
        keys = self._chart_keys()
        cols = 3
        nrows = (len(keys) + cols - 1) // cols
        gap = u(4)
        cw = (L.charts.w - gap * (cols + 1)) // cols
        ch = (L.charts.h - gap * (nrows + 1)) // nrows
        self._chart_rects = {}
        for j, key in enumerate(keys):
            r, c = divmod(j, cols)
            self._chart_rects[key] = pygame.Rect(L.charts.x + gap + c * (cw + gap),
                                                 L.charts.y + gap + r * (ch + gap), cw, ch)
        self._charts = {k: v for k, v in self._charts.items() if k in self._chart_rects}

    def _render_chart(self, key: str) -> None:
        u, p, t = self.app.u, self.app.palette, self.app.text
        if self._baseline_rows is None:
            self._baseline_rows = {k: [dict(v.metrics) for v in b.views] for k, b in self.session.baselines.items()}
        rows = [v.metrics for v in self.session.views]
        rect = self._chart_rects[key]
        sc = self.session.scenario
        years = lambda m: sc.date(m)[:4] if sc.date(m).endswith("-01") else None  # noqa: E731
        self._charts[key] = render_chart(CHARTS_BY_KEY[key], rect.size, t, p, rows, self.session.horizon,
                                         self._baseline_rows, cursor=self.cursor, years=years,
                                         font=12 if rect.h < u(240) else 13)

    def _chart_keys(self) -> tuple[str, ...]:
        if self.L.charts.h >= self.app.u(300):
            return tuple(k for page in CHART_PAGES for k in page)
        return CHART_PAGES[self.chart_page]

    # ---- draw ------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        L, p = self.L, self.app.palette
        if L is None:
            return
        pygame.draw.rect(surface, p.panel, L.top)
        pygame.draw.line(surface, p.panel_edge, L.top.bottomleft, L.top.bottomright)
        self._draw_title(surface)
        self._draw_map(surface)
        for key, surf in self._charts.items():
            surface.blit(surf, self._chart_rects[key].topleft)
        self._draw_news(surface)
        self._draw_score(surface)
        pygame.draw.rect(surface, p.panel, L.panel)
        pygame.draw.rect(surface, p.panel, L.footer)
        pygame.draw.line(surface, p.panel_edge, (L.panel.x, L.top.bottom), (L.panel.x, L.footer.bottom))
        if self.tab == "Country":
            self._draw_country(surface)
        else:
            self._draw_lever_marks(surface)
            self._draw_scrollbar(surface)
        self._draw_footer(surface)

    def panel_scrollbar(self) -> tuple[pygame.Rect, pygame.Rect] | None:
        """(track, thumb) beside the lever rows when some rows are out of view; None when all fit."""
        total, vis = getattr(self, "_panel_rows", (0, 0))
        if self.tab == "Country" or total <= vis or self.L is None:
            return None
        u, panel = self.app.u, self.L.panel
        track = pygame.Rect(panel.right - u(7), panel.y + u(4), u(5), panel.h - u(8))
        h = max(u(16), track.h * vis // total)
        y = track.y + (track.h - h) * self.panel_scroll // max(1, total - vis)
        return track, pygame.Rect(track.x, y, track.w, h)

    def _draw_scrollbar(self, surface: pygame.Surface) -> None:
        bar = self.panel_scrollbar()
        if bar is None:
            return
        p, t, u = self.app.palette, self.app.text, self.app.u
        track, thumb = bar
        pygame.draw.rect(surface, p.panel_edge, track, border_radius=3)
        pygame.draw.rect(surface, p.text_dim, thumb, border_radius=3)
        total, vis = self._panel_rows
        below = total - vis - self.panel_scroll
        if below > 0:
            img = t.render(f"{below} more below: scroll, arrows or click the bar", 11, p.text_dim)
            surface.blit(img, (self.L.panel.right - img.get_width() - u(12), self.L.panel.bottom - img.get_height()))

    def _draw_title(self, surface: pygame.Surface) -> None:
        L, u, t, p = self.L, self.app.u, self.app.text, self.app.palette
        s = self.session
        v = self.shown
        w = self.title_right - self.title_x
        rate = int(self.app.sim.rate)
        state = "PAUSED" if self.app.sim.paused else f"{rate} month{'s' if rate > 1 else ''}/s"
        if s.finished:
            state = "THE END"
        line1 = f"{v.date}  month {v.month}/{s.end_month}  {state}"
        if t.width(line1, 16, True) > w:
            line1 = t.fit(f"{v.date}  {v.month}/{s.end_month}  {state}", 16, w, True)
        img = t.render(line1, 16, p.warn if self.cursor is not None else p.text, True)
        surface.blit(img, (self.title_x, L.top.y + u(2)))
        line2 = f"{s.scenario.meta.title}: {s.role.label}"
        if s.lesson is not None:
            team = f"{s.team['name']}, " if s.team else ""
            line2 = f"{team}round {s.round}/{s.lesson.rounds}: {s.role.label}"
        line2 = t.fit(line2, 12, w)
        surface.blit(t.render(line2, 12, p.text_dim), (self.title_x, L.top.y + u(2) + img.get_height() - u(2)))

    def _draw_map(self, surface: pygame.Surface) -> None:
        L, u, t, p = self.L, self.app.u, self.app.text, self.app.palette
        pygame.draw.rect(surface, p.bg, L.map)
        if self._map_surface is not None:
            surface.blit(self._map_surface, self.world.rect.topleft)
        view = self.shown
        mode = MAP_MODES[self.map_mode][0]
        # outlines: selected, hovered
        for code, colour, width in ((self.selected, p.warn, 2),
                                    (self.hover[0] if self.hover else None, (255, 255, 255), 1)):
            if code is None:
                continue
            for fi, f in enumerate(self.world.features):
                if f.code == code and (not code.startswith("ROW") or (self.hover and self.hover[1] == f.name)):
                    for pts in self.world.px_polys[fi]:
                        pygame.draw.lines(surface, colour, True, pts, width)
        clip = surface.get_clip()
        surface.set_clip(L.map)
        alpha = self.app.sim.alpha if self.cursor is None else 1.0
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
            if code not in self.index or code not in self.world.country_px:
                continue
            i = self.index[code]
            x, y = self.world.country_px[code]
            col = p.tier_colour(view.tier[i]) if share is None or math.isnan(share[i]) else p.ramp_colour(share[i])
            pygame.draw.circle(surface, col, (int(x), int(y)), u(6))
            pygame.draw.circle(surface, (230, 236, 243), (int(x), int(y)), u(6), 1)
            label = {"ROW2": "Rest of T2", "ROW3": "Rest of T3"}.get(code, code)
            surface.blit(t.render(label, 11, p.text), (int(x) + u(8), int(y) - u(8)))
        surface.set_clip(clip)
        self._draw_legend(surface, mode, view)
        if self.cursor is not None:
            msg = f"{self.looking_back_text(view)}. L or Esc: back to live; [ ]: earlier, later; B: branch here"
            img = t.render(t.fit(msg, 13, L.map.w - u(290)), 13, p.warn, True)
            r = img.get_rect(topleft=(L.map.x + u(8), L.map.y + u(8))).inflate(u(10), u(6))
            pygame.draw.rect(surface, (8, 12, 18), r)
            surface.blit(img, (L.map.x + u(8), L.map.y + u(8)))
        if self.hover is not None:
            self._draw_hover(surface)

    def legend_rect(self) -> pygame.Rect:
        """Where the map's legend sits (bottom left): the hover panel keeps clear of it."""
        u, lh = self.app.u, self.app.text.line_height(11) + 1
        h = 5 * lh + u(10)
        return pygame.Rect(self.L.map.x + u(6), self.L.map.bottom - h - u(6), u(170), h)

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
            items = [(p.tier[0], "Tier 1"), (p.tier[1], "Tier 2"), (p.tier[2], "Tier 3")]
            cx = x
            for col, lab in items:
                pygame.draw.rect(surface, col, (cx, y + u(2), sw, sw))
                img = t.render(lab, fs, p.text)
                surface.blit(img, (cx + sw + u(3), y))
                cx += sw + u(8) + img.get_width()
        else:
            name = MAP_MODES[self.map_mode][1]
            lo, hi = self._legend_range(view, mode)
            bar = pygame.Rect(x, y + u(2), w - u(12), sw)
            for k in range(bar.w):
                pygame.draw.line(surface, p.ramp_colour(k / max(bar.w - 1, 1)), (bar.x + k, bar.y),
                                 (bar.x + k, bar.bottom))
            y += lh
            surface.blit(t.render(t.fit(f"{name}: {lo} to {hi}", fs, w - u(12)), fs, p.text), (x, y))
        y += lh
        for col, lab in ((p.flow_us, "US chips exported"), (p.flow_domestic, "Tier 3 domestic chips"),
                         (p.flow_smuggled, "Smuggled from hubs")):
            pygame.draw.circle(surface, col, (x + sw // 2, y + lh // 2), u(4))
            surface.blit(t.render(lab, fs, p.text), (x + sw + u(4), y))
            y += lh
        if mode == "tier":
            draw_cross(surface, (x + sw // 2, y + lh // 2), u(3), p.seized)
            surface.blit(t.render("Seized at a hub", fs, p.text), (x + sw + u(4), y))
        else:
            surface.blit(t.render("Grey: not applicable", fs, p.text_dim), (x, y))

    def hover_rect(self, n_lines: int) -> pygame.Rect:
        """The hover panel beside the mouse, inside the map and never over the legend."""
        u, t = self.app.u, self.app.text
        w = u(250)
        h = u(8) + t.line_height(14, True) + (t.line_height(12) + 1) * n_lines + u(4)
        mx, my = self.mouse
        r = pygame.Rect(mx + u(16), my + u(12), w, h)
        if r.right > self.L.map.right:
            r.x = mx - u(16) - w
        if r.bottom > self.L.map.bottom:
            r.y = max(self.L.map.y, self.L.map.bottom - h)
        legend = self.legend_rect()
        if r.colliderect(legend):  # beside the legend if there is room, else above it
            if legend.right + u(6) + w <= self.L.map.right:
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
        lines = self.country_lines(self.shown, code, fname)
        fs = 12
        lh = t.line_height(fs) + 1
        r = self.hover_rect(len(lines))
        w = r.w
        box = pygame.Surface(r.size, pygame.SRCALPHA)
        box.fill((8, 12, 18, 235))
        surface.blit(box, r.topleft)
        pygame.draw.rect(surface, p.panel_edge, r, 1)
        y = r.y + u(4)
        title = self.session.country_name(code)
        surface.blit(t.render(t.fit(title, 14, w - u(12), True), 14, p.text, True), (r.x + u(6), y))
        y += t.line_height(14, True)
        for label, value in lines:
            surface.blit(t.render(label, fs, p.text_dim), (r.x + u(6), y))
            img = t.render(t.fit(value, fs, w - u(120)), fs, p.text)
            surface.blit(img, (r.right - u(6) - img.get_width(), y))
            y += lh

    def country_lines(self, view: "MonthView", code: str, fname: str = "") -> list[tuple[str, str]]:
        """What the hover panel and the Country tab say about a country."""
        i = self.index[code]
        tier = int(view.tier[i])
        out = []
        if code.startswith("ROW") and fname and fname != self.session.country_name(code):
            out.append(("Includes", fname))
        out += [("Tier", str(tier)),
                ("Compute installed", human(view.compute_h100e[i]) + " H100e"),
                ("  of which domestic", human(view.domestic_h100e[i]) + " H100e"),
                ("Stockpile", human(view.stockpile_h100e[i]) + " H100e"),
                ("Imports this month", human(view.imports_h100e[i]) + " H100e"),
                ("  US chips", human(view.flow_us_h100e[i]) + " H100e"),
                ("  Tier 3 chips", human(view.flow_domestic_h100e[i]) + " H100e")]
        if code == "CHN":
            out.append(("Domestic chips made", human(view.metrics["domestic_output_adversary"]) + " H100e/mo"))
        if view.flow_smuggled_h100e[i] > 0 or view.flow_seized_h100e[i] > 0:
            out += [("Smuggled out (hub)", human(view.flow_smuggled_h100e[i]) + " H100e"),
                    ("Seized here", human(view.flow_seized_h100e[i]) + " H100e")]
        if view.flow_grey_h100e[i] > 0:
            out.append(("Grey-market buys", human(view.flow_grey_h100e[i]) + " H100e"))
        out += [("Goodwill to the US", f"{view.goodwill[i]:.2f}"),
                ("Transit cooperation", f"{view.cooperation[i]:.2f}")]
        if tier == 2:
            limit = float(view.cap_limit_h100e[i])
            caps = bool(view.levers.get("tier2_caps"))
            out.append(("Cap used", f"{human(view.cap_used_h100e[i])} of {human(limit)}" if caps else "no caps"))
            out.append(("Security agreement", "yes" if view.g2g[i] else "no"))
            if self.session.role.country == code and not view.g2g[i]:
                ok = view.cooperation[i] >= G2G_MIN_COOPERATION
                out.append(("The US would sign now", f"{'yes' if ok else 'no'} (needs cooperation "
                                                     f"{G2G_MIN_COOPERATION:g})"))
        out.append(("AI labs", str(int(view.labs[i]))))
        if self.session.role.country == code:  # a government's own levers first: they fit at 125% too
            first = ("Tier", "Goodwill to the US", "Transit cooperation", "Security agreement",
                     "The US would sign now", "Cap used")
            out.sort(key=lambda row: first.index(row[0]) if row[0] in first else len(first))
        return out

    def looking_back_text(self, view: Any) -> str:
        """Which month a past view shows: the state after month m is the end of m, where its news is dated."""
        date = self.session.scenario.date
        if view.month == 0:
            return f"Looking back at the start of {date(0)}"
        return f"Looking back at the end of {date(view.month - 1)}"

    def _news_layout(self) -> list[tuple[pygame.Rect, int]]:
        """Rows of the news list: (rect, index into session.news), newest first."""
        L, u, t = self.L, self.app.u, self.app.text
        news = self.session.news
        list_w = int(L.news.w * 0.6)
        y = L.news.y + u(4) + t.line_height(12, True) + u(2)
        lh = t.line_height(12) + u(3)
        rows = []
        for n in list(range(len(news) - 1, -1, -1))[self.news_scroll:]:
            if y + lh > L.news.bottom - u(2):
                break
            rows.append((pygame.Rect(L.news.x + u(4), y - u(1), list_w - u(8), lh), n))
            y += lh
        return rows

    def _draw_news(self, surface: pygame.Surface) -> None:
        L, u, t, p = self.L, self.app.u, self.app.text, self.app.palette
        pygame.draw.rect(surface, p.panel, L.news)
        pygame.draw.line(surface, p.panel_edge, L.news.topleft, L.news.topright)
        news = self.session.news
        list_w = int(L.news.w * 0.6)
        x, y = L.news.x + u(8), L.news.y + u(4)
        head = t.fit(f"News, {len(news)} items (newest first; scroll for older; click one to see that month)", 12,
                     list_w - u(16), True)
        surface.blit(t.render(head, 12, p.text_dim, True), (x, y))
        y += t.line_height(12, True) + u(2)
        colours = {"you": p.accent, "game": p.text_dim, "model": p.text}
        upto = self.shown.month - 1
        dx = t.width("2025-01", 12) + u(8)
        for r, n in self._news_rows:
            if n >= len(news):
                continue
            item = news[n]
            if n == self.news_pick:
                pygame.draw.rect(surface, (36, 52, 74), r)
            elif r.collidepoint(self.mouse):
                pygame.draw.rect(surface, (26, 37, 53), r)
            col = colours.get(item.origin, p.text)
            if self.cursor is not None and item.month > upto:
                col = p.panel_edge
            surface.blit(t.render(item.date, 12, p.text_dim), (x, r.y + u(1)))
            surface.blit(t.render(t.fit(item.text, 12, list_w - dx - u(16)), 12, col), (x + dx, r.y + u(1)))
        if not news:
            surface.blit(t.render("Nothing yet: press Space to start the clock, or N to step one month.", 12,
                                  p.text), (x, y))
        elif len(self._news_rows) < len(news):  # the whole history stays: a bar shows where the list is
            top = self._news_rows[0][0].y if self._news_rows else y
            track = pygame.Rect(L.news.x + list_w - u(9), top, u(4), L.news.bottom - u(4) - top)
            shown = max(1, len(self._news_rows))
            h = max(u(10), track.h * shown // len(news))
            ty = track.y + (track.h - h) * self.news_scroll // max(1, len(news) - shown)
            pygame.draw.rect(surface, p.panel_edge, track, border_radius=2)
            pygame.draw.rect(surface, p.text_dim, (track.x, min(ty, track.bottom - h), track.w, h), border_radius=2)
        # why: the picked item, or the newest with an explanation
        pick = self.news_pick
        if pick is None:
            pick = next((n for n in reversed(range(len(news))) if news[n].why), None)
        wx = L.news.x + list_w + u(8)
        ww = L.news.w - list_w - u(16)
        wy = L.news.y + u(4)
        surface.blit(t.render("Why it happened", 12, p.text_dim, True), (wx, wy))
        wy += t.line_height(12, True) + u(2)
        if pick is not None:
            item = news[pick]
            wy += t.block(surface, item.text, (wx, wy), ww, 12, p.text, max_lines=2)
            if item.why:
                t.block(surface, item.why, (wx, wy + u(2)), ww, 12, p.accent,
                        max_lines=max(1, (L.news.bottom - wy - u(6)) // (t.line_height(12) + 2)))

    @property
    def news_rows(self) -> list[tuple[pygame.Rect, int]]:
        return self._news_rows

    def _draw_score(self, surface: pygame.Surface) -> None:
        L, u, t, p = self.L, self.app.u, self.app.text, self.app.palette
        r = L.score
        pygame.draw.rect(surface, p.panel, r)
        pygame.draw.line(surface, p.panel_edge, r.bottomleft, r.bottomright)
        sc = self.session.score_at(self.shown_index)
        x, y = r.x + u(10), r.y + u(4)
        img = t.render(f"Score {sc.total:.0f}", 20, p.text, True)
        surface.blit(img, (x, y))
        sub = t.render(t.fit(f"/100   {self.session.role.label}", 12, r.w - img.get_width() - u(30)), 12,
                       p.text_dim)
        surface.blit(sub, (x + img.get_width() + u(6), y + img.get_height() - sub.get_height() - u(3)))
        y += img.get_height() + u(2)
        row_h = (r.bottom - y - u(4)) // max(1, len(sc.goals))
        for g in sc.goals:
            bar = pygame.Rect(x, y + u(1), r.w - u(20), row_h - u(3))
            pygame.draw.rect(surface, (22, 31, 44), bar)
            pygame.draw.rect(surface, (32, 60, 92), (bar.x, bar.y, int(bar.w * g.value), bar.h))
            pts = t.render(f"{g.points:.0f}/{g.weight:g}", 13, p.text, True)
            surface.blit(pts, (bar.right - u(4) - pts.get_width(), bar.y + u(1)))
            surface.blit(t.render(t.fit(g.label, 13, bar.w - pts.get_width() - u(14), True), 13, p.text, True),
                         (bar.x + u(4), bar.y + u(1)))
            surface.blit(t.render(t.fit(g.detail, 11, bar.w - u(8)), 11, p.text_dim),
                         (bar.x + u(4), bar.y + u(1) + t.line_height(13, True) - u(2)))
            y += row_h

    def _draw_lever_marks(self, surface: pygame.Surface) -> None:
        u, p = self.app.u, self.app.palette
        announced = self.announced()
        for name, rect in getattr(self, "_rows", []):
            if name in self.edits:
                pygame.draw.rect(surface, p.warn, (rect.x - u(6), rect.y, u(3), rect.h))
            elif name in announced:
                pygame.draw.rect(surface, p.accent, (rect.x - u(6), rect.y, u(3), rect.h))

    def _draw_country(self, surface: pygame.Surface) -> None:
        L, u, t, p = self.L, self.app.u, self.app.text, self.app.palette
        view = self.shown
        code = self.selected
        x, y = L.panel.x + u(10), L.panel.y + u(6)
        name = self.session.country_name(code)
        surface.blit(t.render(t.fit(f"{name} ({code})", 16, L.panel.w - u(100), True), 16, p.text, True), (x, y))
        y += t.line_height(16, True) + u(4)
        lines = self.country_lines(view, code)
        limit = self._country_actions_top() - u(4)
        fs = 13 if y + len(lines) * (t.line_height(13) + u(2)) <= limit else 12
        lh = t.line_height(fs) + (u(2) if fs == 13 else 0)
        for label, value in lines:
            if y + lh > limit:
                break
            surface.blit(t.render(label, fs, p.text_dim), (x, y))
            img = t.render(t.fit(value, fs, L.panel.w - u(180)), fs, p.text)
            surface.blit(img, (L.panel.right - u(12) - img.get_width(), y))
            y += lh

    def _draw_footer(self, surface: pygame.Surface) -> None:
        L, u, t, p = self.L, self.app.u, self.app.text, self.app.palette
        pygame.draw.line(surface, p.panel_edge, L.footer.topleft, L.footer.topright)
        x, y = L.footer.x + u(10), L.footer.y + u(6)
        w = L.footer.w - u(20)
        text, colour = self.status
        editable = any(l in self.session.levers for l in self._levers_in_tab())
        if self.tab == "Policy":
            q = len(self.session.queued())
            text = text or (f"{q} order(s) queued for next month. " if q else "") + (
                "Each click is an order for next month; a policy you never set stays with your advisers. "
                "Hover a policy to read what it does.")
            colour = colour if self.status[0] else p.text_dim
        elif self.tab != "Country" and not editable:
            text = text or ("These are the US rules in force; as the " + self.session.role.title
                            + " you cannot change them. Hover a rule to read what it does.")
            colour = colour if self.status[0] else p.text_dim
        elif self.tab != "Country" and not text:
            if self.edits:
                text = (f"{len(self.edits)} change(s) not yet submitted. Apply now, or announce for "
                        f"{self.session.scenario.date(self.session.month + self.announce_months)}.")
                colour = p.warn
            else:
                q = len(self.session.queued())
                text = (f"{q} order(s) queued for next month." if q else
                        "Change a value, then Apply now (next month) or Announce (later).")
                colour = p.text_dim
        if self.tab == "Country" and not text:
            text = {"us_commerce": "Click a country on the map (or < >) to see it and act on it.",
                    "bis_enforcement": "Smuggled chips leave from transit hubs; seizures show as crosses there.",
                    "tier3_government": "Click a country on the map (or < >) to see its numbers: smuggled chips "
                                        "reach you through transit hubs.",
                    }.get(self.session.role.id, "The US answers a request for an agreement the month after.")
            colour = p.text_dim
        max_lines = 2 if (self.tab != "Country" and editable) else 4
        t.block(surface, text, (x, y), w, 12, colour, max_lines=max_lines)

    def draw_overlay(self, surface: pygame.Surface) -> None:
        super().draw_overlay(surface)
        u, t, p = self.app.u, self.app.text, self.app.palette
        tip = None
        for key, rect in self._chart_rects.items():
            if rect.collidepoint(self.mouse):
                tip = CHARTS_BY_KEY[key].doc + " Click for the other charts (C)."
        if self.L and self.L.score.collidepoint(self.mouse):
            sc = self.session.score_at(self.shown_index)
            tip = " ".join(f"{g.label}: {g.doc}" for g in sc.goals) + " Formula: see docs/game.md."
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
