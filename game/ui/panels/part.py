"""The base of every part of the main screen: build its widgets, update, draw, take its input.

Owns :class:`Part`. A part keeps a reference to the main scene, which owns
the layout, the shown month, the selected country and the status line
every part shares; its widgets are made through the scene (``scene.button``,
``scene.entry``) so they join the scene's one keyboard focus ring. Imports
pygame only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

if TYPE_CHECKING:
    from game.ui.scenes.main import MainScene


class Part:
    """One part of the main screen (the top bar, the map, the charts, the news, the score, a tab's panel)."""

    tab = ""
    """The tab that shows this part in the right-hand panel ("" for a part that is always shown)."""

    def __init__(self, scene: "MainScene"):
        self.scene = scene
        self.app = scene.app
        self.session = scene.session

    def build(self) -> None:
        """Create the part's widgets (the scene kills them when it rebuilds)."""

    def update(self, dt: float) -> None:
        """Per frame, before drawing: bring what the part shows up to date."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the part. Must not change any state."""

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Take an event that is this part's (a click or a wheel over it); True when consumed."""
        return False


class TabPanel(Part):
    """A part shown in the right-hand panel when its tab is chosen; the footer below it says what to do."""

    def __init__(self, scene: "MainScene", tab: str):
        super().__init__(scene)
        self.tab = tab
        self.rows: list[tuple[str, pygame.Rect]] = []  # (name, rect) of each row shown, for the marks beside them
        self.scroll = 0  # rows scrolled out of view at the top
        self.entry_lever: dict[Any, str] = {}  # the panel's text fields and the lever each edits
        self.widget_lever: dict[Any, str] = {}  # every widget of a lever row and its lever (arrows nudge it)

    def rows_visible(self) -> int:
        """How many rows fit in the panel."""
        L = self.scene.L
        return max(1, (L.panel.h - self.app.u(8)) // L.row_h)

    def tooltip(self) -> str:
        """The tab button's tooltip."""
        return ""

    def footer(self, text: str, colour: Any) -> tuple[str, Any, int]:
        """What the footer says under this panel: the status line, or a hint when it is empty; max lines."""
        return text, colour, 4

    def capture(self) -> None:
        """Take what is typed in the panel's fields (before a month is simulated or changes are submitted)."""

    def on_focus(self, widget: Any) -> None:
        """The keyboard focus landed on ``widget``."""

    def scrollbar(self) -> tuple[pygame.Rect, pygame.Rect] | None:
        """(track, thumb) when some rows are out of view."""
        return None
