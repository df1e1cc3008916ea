"""Scenes on a stack (after Tuxemon's state manager): lifecycle, widgets, keyboard focus.

Owns the :class:`Scene` base: ``enter``/``leave`` (build and kill its
widgets, so only the top scene has widgets), ``handle_event`` (returns True
when it consumed the event), ``update(dt)``, and ``draw(surface)``, which
must not change any game or scene state. Widgets are created in one
``build_ui()`` and pull their values from state; the focus ring makes every
button reachable from the keyboard (Tab, Shift+Tab, arrows, Enter).
Imports pygame and pygame_gui.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UITextEntryLine

if TYPE_CHECKING:
    from game.ui.app import App


class Scene:
    """One screen. Subclasses override build_ui, handle_event, update, draw."""

    opaque = True
    """An opaque scene hides the scenes below it (they are not drawn)."""
    arrows_move_focus = False
    """Menus: Up/Down move the keyboard focus like Tab."""

    def __init__(self, app: "App"):
        self.app = app
        self.widgets: list[Any] = []
        self.focus_ring: list[tuple[Any, Callable[[], None] | None]] = []
        self.focus_index: int | None = None

    # ---- lifecycle -------------------------------------------------------
    def enter(self) -> None:
        """Became the top scene (pushed, or uncovered): build the widgets."""
        self.build_ui()

    def leave(self) -> None:
        """Covered or popped: kill the widgets (state stays on the scene)."""
        self.clear_ui()

    def build_ui(self) -> None:
        """Create every widget of the scene, from its state."""

    def clear_ui(self) -> None:
        for w in self.widgets:
            w.kill()
        self.widgets = []
        self.focus_ring = []

    def rebuild(self) -> None:
        keep = self.focused_key()
        self.clear_ui()
        self.build_ui()
        self.restore_focus(keep)

    # ---- per frame ---------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> bool:
        """Keyboard focus: Tab / Shift+Tab (and arrows in menus) move, Enter activates."""
        if event.type != pygame.KEYDOWN or self.app.typing():
            return False
        back = bool(event.mod & pygame.KMOD_SHIFT)
        if event.key == pygame.K_TAB:
            self.move_focus(-1 if back else 1)
            return True
        if self.arrows_move_focus and event.key in (pygame.K_UP, pygame.K_DOWN):
            self.move_focus(-1 if event.key == pygame.K_UP else 1)
            return True
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER) and self.focus_index is not None:
            self.activate_focused()
            return True
        return False

    def update(self, dt: float) -> None:
        pass

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the scene. Must not change any state (game, scene or widgets)."""

    def draw_overlay(self, surface: pygame.Surface) -> None:
        """Drawn after the widgets: the keyboard-focus ring."""
        w = self.focused_widget()
        if w is not None and w.alive():
            pygame.draw.rect(surface, self.app.palette.warn, w.rect.inflate(4, 4), 2, border_radius=5)

    # ---- widgets -----------------------------------------------------------
    def button(self, rect, text: str, action: Callable[[], None] | None, *, tooltip: str | None = None,
               object_id: str | None = None, focus: bool = True, enabled: bool = True,
               selected: bool = False) -> UIButton:
        """A button that calls ``action`` when clicked or activated from the keyboard."""
        b = UIButton(pygame.Rect(rect), text, manager=self.app.manager, tool_tip_text=tooltip,
                     object_id=object_id, command=(lambda: self._run(action)) if action else None)
        if not enabled:
            b.disable()
        if selected:
            b.select()
        self.widgets.append(b)
        if focus and enabled and action is not None:
            self.focus_ring.append((b, action))
        return b

    def entry(self, rect, text: str, *, tooltip: str | None = None, focus: bool = True,
              enabled: bool = True) -> UITextEntryLine:
        e = UITextEntryLine(pygame.Rect(rect), manager=self.app.manager, initial_text=text)
        if tooltip:
            e.set_tooltip(tooltip)
        if not enabled:
            e.disable()
        self.widgets.append(e)
        if focus and enabled:
            self.focus_ring.append((e, None))
        return e

    def _run(self, action: Callable[[], None]) -> None:
        action()

    # ---- focus -------------------------------------------------------------
    def focused_widget(self) -> Any:
        if self.focus_index is None or not self.focus_ring:
            return None
        return self.focus_ring[self.focus_index % len(self.focus_ring)][0]

    def focused_key(self) -> Any:
        w = self.focused_widget()
        return getattr(w, "_focus_key", None) if w is not None else None

    def restore_focus(self, key: Any) -> None:
        if key is None:
            return
        for i, (w, _) in enumerate(self.focus_ring):
            if getattr(w, "_focus_key", None) == key:
                self.focus_index = i
                return

    def move_focus(self, step: int) -> None:
        if not self.focus_ring:
            self.focus_index = None
            return
        if self.focus_index is None:
            self.focus_index = 0 if step > 0 else len(self.focus_ring) - 1
        else:
            self.focus_index = (self.focus_index + step) % len(self.focus_ring)
        w = self.focused_widget()
        if isinstance(w, UITextEntryLine):
            self.app.manager.set_focus_set(None)
        self.on_focus(w)

    def on_focus(self, widget: Any) -> None:
        """Called when the keyboard focus lands on ``widget`` (e.g. to scroll it into view)."""

    def activate_focused(self) -> None:
        if self.focus_index is None or not self.focus_ring:
            return
        w, action = self.focus_ring[self.focus_index % len(self.focus_ring)]
        if isinstance(w, UITextEntryLine):
            self.app.manager.set_focus_set(w)
            w.focus()
        elif action is not None and w.is_enabled:
            action()

    def ui_event_element(self, event: pygame.event.Event) -> Any:
        return getattr(event, "ui_element", None) if event.type in (
            pygame_gui.UI_TEXT_ENTRY_CHANGED, pygame_gui.UI_TEXT_ENTRY_FINISHED) else None
