"""The lever panel: one tab per group of the lever registry, its rows, and the Apply / Announce footer.

Owns :class:`LeverPanel` (one tab's rows: a switch, a
choice, a number with - and +, or a list, each from ``agents.regime.LEVERS``;
rows the role cannot change show the value in force). Changes reach the
model only through ``GameSession.submit``. Imports pygame, pygame_gui and
the game package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui

from agents import commands as cmd
from agents.lang import N_, _
from agents.regime import LEVER_GROUPS, LEVERS, step_lever
from agents.words import format_lever, lever_expects, lever_short_label, month_text
from game.session import lever_label
from game.ui.panels.draft import Draft, lever_text, parse_lever
from game.ui.panels.part import TabPanel

if TYPE_CHECKING:
    from game.ui.scenes.main import MainScene


COST = N_("Cost:")


def lever_tooltip(name: str) -> str:
    spec = LEVERS[name]
    takes = _("Takes {expects}. In scenario files and --set: {name}.").format(expects=lever_expects(name), name=name)
    return (f"<b>{lever_label(name)}</b><br>{_(spec.doc)}<br><b>{_(COST)}</b> {_(spec.cost)}"
            f"<br><i>{takes}</i>")


class LeverPanel(TabPanel):
    """One tab of levers (a group of the registry), scrolled when its rows do not fit."""

    def __init__(self, scene: "MainScene", tab: str):
        super().__init__(scene, tab)
        self.levers: tuple[str, ...] = dict(LEVER_GROUPS).get(tab, ())
        self.draft: Draft = scene.draft
        self.panel_rows = (0, 0)  # (rows in the tab, rows that fit)

    @property
    def editable(self) -> bool:
        """Whether the role may change any lever of this tab (else it shows the rules in force)."""
        return any(l in self.session.levers for l in self.levers)

    def tooltip(self) -> str:
        return _("Your levers") if self.editable else _("The rules in force (you cannot change these)")

    # ---- widgets -------------------------------------------------------------
    def build(self) -> None:
        scene, u, L = self.scene, self.app.u, self.scene.L
        role = self.session.role
        self.entry_lever = {}
        self.widget_lever = {}
        eff = self.draft.effective()
        names = list(self.levers)
        extra = self.tab == "Tier 2 rule" and "rescind" in role.commands
        total = len(names) + (1 if extra else 0)
        vis = self.rows_visible()
        self.scroll = max(0, min(self.scroll, total - vis))
        self.panel_rows = (total, vis)
        rows = (names + (["__rescind__"] if extra else []))[self.scroll:self.scroll + vis]
        pad = u(8)
        x0 = L.panel.x + pad
        wtot = L.panel.w - 2 * pad
        label_w = int(wtot * 0.47)
        ctl_x = x0 + label_w + u(4)
        ctl_w = wtot - label_w - u(4)
        self.rows = []
        for r, name in enumerate(rows):
            y = L.panel.y + u(4) + r * L.row_h
            h = L.row_h - u(4)
            if name == "__rescind__":
                b = scene.button((x0, y, wtot, h), _("Rescind the Tier 2 regime"), self.rescind, object_id="#danger",
                                 tooltip=_("Withdraw the Diffusion Rule's Tier 2 regime and every announced change "
                                           "not yet in force (as on 13 May 2025). Takes effect next month."))
                b._focus_key = "rescind"
                continue
            spec = LEVERS[name]
            editable = name in self.session.levers  # the role's, narrowed by a lesson
            label = lever_short_label(name)
            lab = scene.button((x0, y, label_w, h), self.app.text.fit(label, 13, label_w - u(6)),
                               (lambda name=name: self.focus_lever(name)) if editable else None,
                               tooltip=lever_tooltip(name), object_id="#lever_label", focus=False)
            self.rows.append((name, pygame.Rect(x0, y, wtot, h)))
            value = self.draft.value_shown(name, eff)
            if not editable:
                scene.button((ctl_x, y, ctl_w, h), self.app.text.fit(format_lever(name, value), 13, ctl_w - u(12)),
                             None, tooltip=lever_tooltip(name), object_id="#value", enabled=False, focus=False)
                continue
            if spec.kind == "bool":
                b = scene.button((ctl_x, y, ctl_w, h), _("On") if value else _("Off"),
                                 lambda name=name: self.toggle_lever(name), tooltip=lever_tooltip(name),
                                 object_id="#toggle_on" if value else "#toggle_off")
            elif spec.kind == "choice":
                b = scene.button((ctl_x, y, ctl_w, h), format_lever(name, value),
                                 lambda name=name: self.cycle_lever(name),
                                 tooltip=lever_tooltip(name) + "<br>" + _("Click for the next choice."))
            elif spec.kind == "float":
                bw = u(26)
                ew = ctl_w - 2 * bw - u(8)
                text = value if isinstance(value, str) else lever_text(name, value)
                b = scene.entry((ctl_x, y, ew, h), text, tooltip=lever_tooltip(name))
                self.entry_lever[b] = name
                minus = scene.button((ctl_x + ew + u(4), y, bw, h), "-", lambda name=name: self.nudge(name, -1),
                                     tooltip=_("Lower (Left arrow)"), focus=False)
                plus = scene.button((ctl_x + ew + bw + u(8), y, bw, h), "+", lambda name=name: self.nudge(name, 1),
                                    tooltip=_("Raise (Right arrow)"), focus=False)
                self.widget_lever[minus] = self.widget_lever[plus] = name
            else:  # floats
                text = value if isinstance(value, str) else lever_text(name, value)
                b = scene.entry((ctl_x, y, ctl_w, h), text, tooltip=lever_tooltip(name))
                self.entry_lever[b] = name
            b._focus_key = name
            self.widget_lever[b] = name
            self.widget_lever[lab] = name
        self._build_footer()

    def _build_footer(self) -> None:
        scene, u, L = self.scene, self.app.u, self.scene.L
        if not self.editable:
            return
        y = L.footer.bottom - u(38)
        x = L.footer.x + u(8)
        h = u(32)
        dirty = bool(self.draft.edits)
        for key, label, action, tip, w in (
                ("Apply now", _("Apply now"), self.draft.apply_now,
                 _("Submit your changes; they take effect next month (A)"), u(96)),
                (f"Announce +{self.draft.announce_months} mo",
                 _("Announce +{months} mo").format(months=self.draft.announce_months), self.draft.announce,
                 _("Submit your changes to take effect later: buyers will race the announced date"), u(134))):
            b = scene.button((x, y, w, h), label, action, tooltip=tip, enabled=dirty,
                             object_id="#apply" if key == "Apply now" else None)
            b._focus_key = key
            x += w + u(4)
        for label, d in (("-", -1), ("+", 1)):
            b = scene.button((x, y, u(26), h), label, lambda d=d: self.draft.announce_step(d),
                             tooltip=_("Announce further ahead or sooner"), focus=False)
            x += u(30)
        b = scene.button((x, y, L.footer.right - u(8) - x, h), _("Reset"), self.draft.reset,
                         tooltip=_("Forget your unsubmitted changes"), enabled=dirty)
        b._focus_key = "reset"

    # ---- actions -------------------------------------------------------------
    def focus_lever(self, name: str) -> None:
        for i, (w, _action) in enumerate(self.scene.focus_ring):
            if getattr(w, "_focus_key", None) == name:
                self.scene.focus_index = i
                return

    def toggle_lever(self, name: str) -> None:
        self.draft.set(name, not bool(self.draft.value_shown(name, self.draft.effective())))
        self.scene.rebuild_panel()

    def cycle_lever(self, name: str) -> None:
        choices = LEVERS[name].choices
        cur = self.draft.value_shown(name, self.draft.effective())
        self.draft.set(name, choices[(choices.index(cur) + 1) % len(choices)] if cur in choices else choices[0])
        self.scene.rebuild_panel()

    def nudge(self, name: str, direction: int) -> None:
        cur = self.draft.value_shown(name, self.draft.effective())
        value = parse_lever(name, cur) if isinstance(cur, str) else cur
        if not isinstance(value, (int, float)):
            value = self.draft.effective()[name]
        self.draft.set(name, step_lever(name, float(value), direction))
        self.scene.rebuild_panel()

    def rescind(self) -> None:
        self.scene._report(cmd.Rescind(), self.session.submit(cmd.Rescind()))

    def capture(self) -> None:
        for w, name in self.entry_lever.items():
            if w.alive():
                self.draft.set(name, w.get_text())

    def on_focus(self, widget: Any) -> None:
        """Scroll the focused lever's row into view."""
        name = self.widget_lever.get(widget)
        if name is None:
            return
        names = list(self.levers)
        if name in names:
            r = names.index(name)
            vis = self.rows_visible()
            if not self.scroll <= r < self.scroll + vis:
                self.scroll = max(0, r - vis + 1) if r >= self.scroll + vis else r
                self.scene.rebuild_panel()

    # ---- input -------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> bool:
        """Typing in a field edits its lever; a click on the scroll bar pages the rows; the wheel scrolls them."""
        if event.type in (pygame_gui.UI_TEXT_ENTRY_CHANGED, pygame_gui.UI_TEXT_ENTRY_FINISHED):
            name = self.entry_lever.get(event.ui_element)
            if name is None:
                return False
            self.draft.set(name, event.text)
            if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED:
                self.app.manager.set_focus_set(None)
                self.scene.rebuild_panel()
            elif self.scene._panel_signature() != self.scene._panel_key:
                self.scene.rebuild_panel()  # Apply and Reset follow the edits; the field keeps the keyboard
            return True
        if event.type == pygame.MOUSEBUTTONDOWN:
            pos = event.pos
            bar = self.scrollbar()
            if bar is not None and bar[0].inflate(self.app.u(8), 0).collidepoint(pos):
                total, vis = self.panel_rows
                self.scroll = max(0, min(total - vis, self.scroll + (vis if pos[1] > bar[1].bottom else
                                                                     -vis if pos[1] < bar[1].y else 0)))
                self.scene.rebuild_panel()
                return True
        elif event.type == pygame.MOUSEWHEEL and self.scene.L.panel.collidepoint(pygame.mouse.get_pos()):
            self.scroll = max(0, self.scroll - event.y)
            self.scene.rebuild_panel()
            return True
        return False

    # ---- draw ----------------------------------------------------------------
    def scrollbar(self) -> tuple[pygame.Rect, pygame.Rect] | None:
        """(track, thumb) beside the lever rows when some rows are out of view; None when all fit."""
        total, vis = self.panel_rows
        if total <= vis or self.scene.L is None:
            return None
        u, panel = self.app.u, self.scene.L.panel
        track = pygame.Rect(panel.right - u(7), panel.y + u(4), u(5), panel.h - u(8))
        h = max(u(16), track.h * vis // total)
        y = track.y + (track.h - h) * self.scroll // max(1, total - vis)
        return track, pygame.Rect(track.x, y, track.w, h)

    def draw(self, surface: pygame.Surface) -> None:
        """A mark beside each changed row (not yet submitted) or announced one; the scroll bar."""
        u, p, t = self.app.u, self.app.palette, self.app.text
        announced = self.draft.announced()
        for name, rect in self.rows:
            if name in self.draft.edits:
                pygame.draw.rect(surface, p.warn, (rect.x - u(6), rect.y, u(3), rect.h))
            elif name in announced:
                pygame.draw.rect(surface, p.accent, (rect.x - u(6), rect.y, u(3), rect.h))
        bar = self.scrollbar()
        if bar is None:
            return
        track, thumb = bar
        pygame.draw.rect(surface, p.panel_edge, track, border_radius=3)
        pygame.draw.rect(surface, p.text_dim, thumb, border_radius=3)
        total, vis = self.panel_rows
        below = total - vis - self.scroll
        if below > 0:
            img = t.render(_("{n} more below: scroll, arrows or click the bar").format(n=below), 11, p.text_dim)
            panel = self.scene.L.panel
            surface.blit(img, (panel.right - img.get_width() - u(12), panel.bottom - img.get_height()))

    def footer(self, text: str, colour: Any) -> tuple[str, Any, int]:
        p = self.app.palette
        if not self.editable:
            if not text:
                text, colour = (_("These are the US rules in force; as the {role} you cannot change them. Hover a "
                                  "rule to read what it does.").format(role=self.session.role.title)), p.text_dim
            return text, colour, 4
        if not text:
            edits = self.draft.edits
            if edits:
                text = _("{n} change(s) not yet submitted. Apply now, or announce for {date}.").format(
                    n=len(edits), date=month_text(self.session.scenario.date(self.session.month
                                                                             + self.draft.announce_months)))
                colour = p.warn
            else:
                q = len(self.session.queued())
                text = (_("{n} order(s) queued for next month.").format(n=q) if q else
                        _("Change a value, then Apply now (next month) or Announce (later)."))
                colour = p.text_dim
        return text, colour, 2
