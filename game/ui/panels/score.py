"""The score panel above the tabs: the total out of 100 and a bar for each of the role's goals.

Owns :class:`ScorePanel`. The score of the month shown is computed (and
cached by the session) in the scene's ``update``, so ``draw`` only reads
it. Imports pygame only.
"""

from __future__ import annotations

import pygame

from agents.lang import _
from game.ui.panels.part import Part
from game.ui.style import sentences


class ScorePanel(Part):
    """The score in ``scene.L.score``; hovering it explains every goal."""

    def tooltip(self, pos: tuple[int, int]) -> str | None:
        if not self.scene.L.score.collidepoint(pos):
            return None
        sc = self.session.score_at(self.scene.shown_index)
        return sentences(*(_("{goal}: {doc}").format(goal=g.label, doc=g.doc) for g in sc.goals),
                         _("Formula: see docs/game.md."))

    def draw(self, surface: pygame.Surface) -> None:
        u, t, p = self.app.u, self.app.text, self.app.palette
        r = self.scene.L.score
        pygame.draw.rect(surface, p.panel, r)
        pygame.draw.line(surface, p.panel_edge, r.bottomleft, r.bottomright)
        sc = self.session.score_at(self.scene.shown_index)
        x, y = r.x + u(10), r.y + u(4)
        img = t.render(_("Score {points}").format(points=f"{sc.total:.0f}"), 20, p.text, True)
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
