"""Where each part of the main screen sits, for a window size and UI scale.

Owns :class:`Layout` and ``make_layout``: the map keeps the world's aspect
on the left above the charts and the news; the score, the tabs, the panel
and its footer stack on the right. Imports pygame and the world map's
aspect ratio.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from game.ui.worldmap import ASPECT


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
