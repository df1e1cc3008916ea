"""Scenes on a stack (after Tuxemon's state manager): lifecycle, widgets, keyboard focus.

Owns the :class:`Scene` base: ``enter``/``leave`` (build and kill its
widgets, so only the top scene has widgets), ``handle_event`` (returns True
when it consumed the event), ``update(dt)``, and ``draw(surface)``, which
must not change any game or scene state. Widgets are created in one
``build_ui()`` and pull their values from state; the focus ring makes every
button reachable from the keyboard (Tab, Shift+Tab, arrows, Enter).
Tooltips in Japanese are wrapped here, at the two places widgets get
them (``button``, ``entry``): pygame_gui breaks a tooltip's lines only at
spaces, so :func:`wrap_tooltip` breaks them first, with the game's own
Japanese line breaking. Imports pygame and pygame_gui.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any, Callable

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UITextEntryLine

from game.ui.style import Text

if TYPE_CHECKING:
    from game.ui.app import App

TOOLTIP_FONT = 13
"""The tooltip's font size at 100% (``tool_tip`` in theme.json)."""
TOOLTIP_SLACK = 8
"""Pixels (at 100%) a pre-wrapped line keeps clear of the tooltip's edge: pygame_gui counts the line break
it is given (a few pixels) in the line's width, and a line it finds too wide it breaks again."""
_MARKUP = re.compile(r"</?(?:b|i|u|br|p|a|font|body|shadow|effect|img)\b[^<>]*>"
                     r"|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);", re.IGNORECASE)
"""What pygame_gui reads as markup in a tooltip: its tags and character references."""
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def tooltip_width(manager: pygame_gui.UIManager) -> int:
    """The width a tooltip's text wraps at in ``manager`` (its theme's ``rect_width`` less borders and padding)."""
    width = getattr(manager, "_silicon_tooltip_width", None)
    if width is None:
        tip = manager.create_tool_tip("x", (0, 0), (0, 0), None, None)
        width = tip.text_block.text_wrap_rect.width if tip.text_block is not None else 0
        tip.kill()
        manager._silicon_tooltip_width = width  # type: ignore[attr-defined]
    return width


def wrap_tooltip(markup: str, text: Text, width: int, size: int = TOOLTIP_FONT) -> str:
    """``markup`` (pygame_gui's tooltip HTML) with a ``<br>`` wherever :meth:`Text.wrap` breaks its lines
    at ``width`` pixels, so Japanese (no spaces) breaks between characters by the kinsoku rules rather
    than mid-word with a dash. Tags stay as they are; a ``<``, ``>`` or ``&`` that is not markup is
    escaped. A paragraph with bold text is measured in bold (its lines come out no wider than that).
    """
    paragraphs: list[list[tuple[str, str, bool]]] = [[]]  # (kind 'tag' or 'char', text, bold)
    bold = False
    pos = 0
    while pos < len(markup):
        m = _MARKUP.match(markup, pos)
        if m is not None and m.group(0).startswith("<"):
            tag = m.group(0)
            if _BREAK.fullmatch(tag):
                paragraphs.append([])
            else:
                name = tag.strip("</>").split()[0].lower() if tag.strip("</>") else ""
                if name == "b":
                    bold = not tag.startswith("</")
                paragraphs[-1].append(("tag", tag, bold))
            pos = m.end()
        elif m is not None:  # a character reference: one character
            paragraphs[-1].append(("char", html.unescape(m.group(0)), bold))
            pos = m.end()
        elif markup[pos] == "\n":
            paragraphs.append([])
            pos += 1
        else:
            paragraphs[-1].append(("char", markup[pos], bold))
            pos += 1
    return "<br>".join(_wrap_paragraph(p, text, width, size) for p in paragraphs)


def _wrap_paragraph(tokens: list[tuple[str, str, bool]], text: Text, width: int, size: int) -> str:
    """One paragraph's tokens as markup, whitespace collapsed, ``<br>`` where its wrapped lines break."""
    kept: list[tuple[str, str]] = []  # whitespace collapsed to single spaces, none at either end
    space_last = True  # the last character kept is a space (or there is none yet)
    for kind, s, _bold in tokens:
        if kind == "char" and s.isspace():
            if not space_last:
                kept.append(("char", " "))
                space_last = True
        else:
            kept.append((kind, s))
            space_last = space_last if kind == "tag" else False
    last = max((j for j, (k, _) in enumerate(kept) if k == "char"), default=None)
    if last is not None and kept[last] == ("char", " "):
        del kept[last]
    plain = "".join(s for k, s in kept if k == "char")
    bold = any(b for k, s, b in tokens if k == "char" and not s.isspace())
    lines = text.wrap(plain, size, width, bold) if plain else [""]
    breaks: dict[int, str] = {}  # plain index -> "replace" (a space that becomes the break) or "insert"
    at = 0
    for line in lines[:-1]:
        at += len(line)
        if at < len(plain) and plain[at] == " ":
            breaks[at] = "replace"
            at += 1
        else:
            breaks[at] = "insert"
    out: list[str] = []
    i = 0
    for kind, s in kept:
        if kind == "tag":
            out.append(s)
            continue
        how = breaks.get(i)
        if how == "replace":
            out.append("<br>")
        else:
            if how == "insert":
                out.append("<br>")
            out.append(html.escape(s, quote=False))
        i += 1
    return "".join(out)


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
        b = UIButton(pygame.Rect(rect), text, manager=self.app.manager, tool_tip_text=self.tooltip_text(tooltip),
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
            e.set_tooltip(self.tooltip_text(tooltip))
        if not enabled:
            e.disable()
        self.widgets.append(e)
        if focus and enabled:
            self.focus_ring.append((e, None))
        return e

    def tooltip_text(self, tooltip: str | None) -> str | None:
        """A widget's tooltip as pygame_gui gets it: wrapped beforehand when the game speaks Japanese."""
        if not tooltip or not self.app.japanese:
            return tooltip
        app = self.app
        return wrap_tooltip(tooltip, app.text, tooltip_width(app.manager) - app.u(TOOLTIP_SLACK))

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
