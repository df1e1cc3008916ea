"""The news feed under the charts: the game's news, newest first, and why the picked item happened.

Owns :class:`NewsFeed`: its scroll position, the picked item and the rows
on screen (laid out in ``update``). Clicking an item looks back at the
month it happened; the wheel scrolls through the whole history. Imports
pygame only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from agents.lang import _, ngettext
from agents.words import month_text
from game.ui.panels.part import Part

if TYPE_CHECKING:
    from game.ui.scenes.main import MainScene


class NewsFeed(Part):
    """The news in ``scene.L.news``: a list on the left, the picked item's cause on the right."""

    def __init__(self, scene: "MainScene"):
        super().__init__(scene)
        self.scroll = 0  # items scrolled past at the top (the newest)
        self.pick: int | None = None  # index into session.news
        self.rows: list[tuple[pygame.Rect, int]] = []

    def layout(self) -> list[tuple[pygame.Rect, int]]:
        """Rows of the news list: (rect, index into session.news), newest first."""
        L, u, t = self.scene.L, self.app.u, self.app.text
        news = self.session.news
        list_w = int(L.news.w * 0.6)
        y = L.news.y + u(4) + t.line_height(12, True) + u(2)
        lh = t.line_height(12) + u(3)
        rows = []
        for n in list(range(len(news) - 1, -1, -1))[self.scroll:]:
            if y + lh > L.news.bottom - u(2):
                break
            rows.append((pygame.Rect(L.news.x + u(4), y - u(1), list_w - u(8), lh), n))
            y += lh
        return rows

    def update(self, dt: float) -> None:
        self.rows = self.layout()

    def handle_event(self, event: pygame.event.Event) -> bool:
        """A click on an item looks back at its month (paused); the wheel scrolls the list."""
        scene = self.scene
        if event.type == pygame.MOUSEBUTTONDOWN:
            for rect, n in self.rows:
                if rect.collidepoint(event.pos):
                    self.pick = n
                    item = self.session.news[n]
                    scene.cursor = min(item.month + 1, len(self.session.views) - 1)
                    if scene.cursor == len(self.session.views) - 1:
                        scene.cursor = None
                    self.app.sim.set_speed(0)
                    return True
        elif event.type == pygame.MOUSEWHEEL and scene.L.news.collidepoint(pygame.mouse.get_pos()):
            self.scroll = max(0, min(len(self.session.news) - 1, self.scroll - event.y))
            return True
        return False

    def draw(self, surface: pygame.Surface) -> None:
        scene = self.scene
        L, u, t, p = scene.L, self.app.u, self.app.text, self.app.palette
        pygame.draw.rect(surface, p.panel, L.news)
        pygame.draw.line(surface, p.panel_edge, L.news.topleft, L.news.topright)
        news = self.session.news
        list_w = int(L.news.w * 0.6)
        x, y = L.news.x + u(8), L.news.y + u(4)
        head = t.fit(ngettext("News, {n} item (newest first; scroll for older; click one to see that month)",
                              "News, {n} items (newest first; scroll for older; click one to see that month)",
                              len(news)).format(n=len(news)), 12, list_w - u(16), True)
        surface.blit(t.render(head, 12, p.text_dim, True), (x, y))
        y += t.line_height(12, True) + u(2)
        colours = {"you": p.accent, "game": p.text_dim, "model": p.text}
        upto = scene.shown.month - 1
        dx = max(t.width(month_text(d), 12) for d in ("2025-01", "2025-12")) + u(8)
        for r, n in self.rows:
            if n >= len(news):
                continue
            item = news[n]
            if n == self.pick:
                pygame.draw.rect(surface, (36, 52, 74), r)
            elif r.collidepoint(scene.mouse):
                pygame.draw.rect(surface, (26, 37, 53), r)
            col = colours.get(item.origin, p.text)
            if scene.cursor is not None and item.month > upto:
                col = p.panel_edge
            surface.blit(t.render(month_text(item.date), 12, p.text_dim), (x, r.y + u(1)))
            surface.blit(t.render(t.fit(item.text, 12, list_w - dx - u(16)), 12, col), (x + dx, r.y + u(1)))
        if not news:
            surface.blit(t.render(t.fit(_("Nothing yet: press Space to start the clock, or N to step one month."), 12,
                                        list_w - u(16)), 12, p.text), (x, y))
        elif len(self.rows) < len(news):  # the whole history stays: a bar shows where the list is
            top = self.rows[0][0].y if self.rows else y
            track = pygame.Rect(L.news.x + list_w - u(9), top, u(4), L.news.bottom - u(4) - top)
            shown = max(1, len(self.rows))
            h = max(u(10), track.h * shown // len(news))
            ty = track.y + (track.h - h) * self.scroll // max(1, len(news) - shown)
            pygame.draw.rect(surface, p.panel_edge, track, border_radius=2)
            pygame.draw.rect(surface, p.text_dim, (track.x, min(ty, track.bottom - h), track.w, h), border_radius=2)
        # why: the picked item, or the newest with an explanation
        pick = self.pick
        if pick is None:
            pick = next((n for n in reversed(range(len(news))) if news[n].why), None)
        wx = L.news.x + list_w + u(8)
        ww = L.news.w - list_w - u(16)
        wy = L.news.y + u(4)
        surface.blit(t.render(_("Why it happened"), 12, p.text_dim, True), (wx, wy))
        wy += t.line_height(12, True) + u(2)
        if pick is not None:
            item = news[pick]
            wy += t.block(surface, item.text, (wx, wy), ww, 12, p.text, max_lines=2)
            if item.why:
                t.block(surface, item.why, (wx, wy + u(2)), ww, 12, p.accent,
                        max_lines=max(1, (L.news.bottom - wy - u(6)) // (t.line_height(12) + 2)))
