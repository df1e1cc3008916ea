"""Helpers several test files share: driving the UI headless, a scripted class team, altered month views."""

import dataclasses
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pygame
from pygame_gui.elements import UIButton

from agents import commands as cmd
from game.session import GameSession


def buttons(app, text=None):
    return [w for w in app.top.widgets if isinstance(w, UIButton) and w.alive()
            and (text is None or w.text == text)]


def button(app, text):
    found = buttons(app, text)
    assert found, f"no button {text!r} on {type(app.top).__name__}: {[b.text for b in buttons(app)]}"
    return found[0]


def click(app, widget, frames=2):
    pos = widget.rect.center
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
    app.pump(frames)


def key(app, k, mod=0, frames=2):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=mod, unicode="", scancode=0))
    app.pump(frames)


def play(path: Path, levers: dict | None, months: int) -> GameSession:
    """A scripted team: open its file, give its orders, play, save over the file."""
    session = GameSession.load(path)
    if levers:
        assert session.submit(cmd.SetLevers(levers=levers)).ok
    for _ in range(months):
        session.advance_month()
    session.save(path)
    return session


def with_metrics(v, **changes):
    return dataclasses.replace(v, metrics=MappingProxyType({**v.metrics, **changes}))


def flows(v, code, **arrays):
    """``v`` with one country's per-country numbers changed (e.g. flow_seized_h100e=900.0)."""
    i = v.codes.index(code)
    out = {}
    for name, value in arrays.items():
        a = np.array(getattr(v, name), dtype=float)
        a[i] = value
        out[name] = a
    return dataclasses.replace(v, **out)
