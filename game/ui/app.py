"""The game window: the frame loop, the scene stack, settings, and the ``play`` entry point.

Owns the display and the one pygame_gui UIManager (built from the one
theme, scaled by the UI-scale setting), the stack of scenes (changes are
queued and applied between phases of a frame, so a button may replace its
own scene), the simulation clock, global keys (F1: glossary), short
messages ("toasts"), screenshots, and scripted play (``--autoplay``). The
month itself is advanced by the main scene's ``update``, at most one a
frame. Imports pygame, pygame_gui and the game package.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Callable

import pygame
import pygame_gui
from pygame_gui.elements import UITextEntryLine

from agents import lang
from agents.lang import _
from agents.words import month_text
from game import i18n
from game.i18n import LANGUAGES
from game.session import GameSession, game_home, write_json_atomic
from game.ui.bands import Bands
from game.ui.clock import SimClock
from game.ui.scene import Scene
from game.ui.style import PALETTES, THEME_FONT, Palette, Text, load_theme

FPS = 60
IDLE_FPS = 8
"""Frames a second while nothing moves: no input for ``IDLE_AFTER_S``, the clock paused, no message."""
IDLE_AFTER_S = 1.0
INPUT_EVENTS = frozenset((pygame.KEYDOWN, pygame.KEYUP, pygame.TEXTINPUT, pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN,
                          pygame.MOUSEBUTTONUP, pygame.MOUSEWHEEL, pygame.VIDEORESIZE, pygame.WINDOWEXPOSED))
"""Events from the person (not pygame_gui's own), which wake the loop to full rate."""
MIN_SIZE = (1024, 600)


@dataclass(frozen=True)
class Settings:
    """What the settings screen changes; kept in ``<game home>/settings.json``."""

    ui_scale: float = 1.0
    palette: str = "standard"
    width: int = 1280
    height: int = 720
    language: str = ""
    """The language chosen on the settings screen ('en', 'ja'); empty: from --lang, $SILICON_CURTAIN_LANG or the locale."""

    @classmethod
    def load(cls) -> "Settings":
        """The saved settings, or the defaults if there are none or they are unreadable."""
        path = game_home() / "settings.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):  # missing, not UTF-8, not JSON, too deep
            return cls()
        if not isinstance(data, dict):
            return cls()
        s = cls(**{k: data[k] for k in asdict(cls()) if k in data})
        number = isinstance(s.ui_scale, (int, float)) and not isinstance(s.ui_scale, bool)
        whole = all(isinstance(v, int) and not isinstance(v, bool) for v in (s.width, s.height))
        if (not isinstance(s.palette, str) or s.palette not in PALETTES or not number
                or s.language not in ("", *LANGUAGES)
                or not 0.75 <= s.ui_scale <= 2.0 or not whole
                or not (MIN_SIZE[0] <= s.width <= 7680 and MIN_SIZE[1] <= s.height <= 4320)):
            return cls()  # a value of the wrong type or out of range: the defaults, never a crash
        return replace(s, ui_scale=float(s.ui_scale))

    def save(self) -> None:
        try:
            write_json_atomic(game_home() / "settings.json", asdict(self))
        except OSError:
            pass  # settings are a convenience; the game goes on


def scale_fits(scale: float, size: tuple[int, int]) -> bool:
    """Whether a UI this big fits a window this size (150% needs at least 1600x900)."""
    return size[0] >= 1280 * scale * 0.8 - 1 and size[1] >= 720 * scale * 0.8 - 1


def settle_memory() -> None:
    """Collect garbage now and freeze what survives, at a scene change (a natural pause).

    The process holds about 100,000 long-lived Python objects (numpy, pandas,
    mesa, pygame_gui, the model, the baselines); a full garbage collection over
    them takes ~50 ms, and Python starts one at an unpredictable frame: a
    visible stutter. Frozen objects are skipped by every later collection, so
    collections during play only look at what play created.
    """
    gc.collect()
    gc.freeze()


class App:
    """The window and everything that lives as long as it does."""

    def __init__(self, size: tuple[int, int] | None = None, settings: Settings | None = None,
                 persist_settings: bool = True, bands: bool = False):
        self.settings = settings or Settings.load()
        if size is not None:
            self.settings = replace(self.settings, width=size[0], height=size[1])
        while self.settings.ui_scale > 1.0 and not scale_fits(self.settings.ui_scale,
                                                              (self.settings.width, self.settings.height)):
            self.settings = replace(self.settings, ui_scale=round(self.settings.ui_scale - 0.25, 2))
        self.persist_settings = persist_settings
        self.screen = pygame.display.set_mode((self.settings.width, self.settings.height), pygame.RESIZABLE)
        pygame.display.set_caption("Silicon Curtain")
        pygame.key.set_repeat(350, 45)
        self.text = Text(self.settings.ui_scale, japanese=self.japanese)
        self.manager = self._make_manager()
        self.stack: list[Scene] = []
        self._ops: list[tuple[str, Scene | None]] = []
        self.clock = pygame.time.Clock()
        self.sim = SimClock()
        self._last_input = 0.0
        self.time = 0.0
        self.running = True
        self.autoplay = False
        self._toast: tuple[str, tuple[int, int, int], float] | None = None
        self.last_frame_ms = 0.0
        self.bands = Bands(enabled=bands)
        """The charts' band of sampled worlds, run in a background process (off: nothing is run)."""
        self.bands.start()

    def _make_manager(self) -> pygame_gui.UIManager:
        """The one UIManager, from the one theme scaled to the UI scale; tooltip fonts preloaded."""
        scale = self.settings.ui_scale
        manager = pygame_gui.UIManager(self.screen.get_size(), load_theme(scale, self.japanese),
                                       starting_language=lang.language())
        size = max(8, int(round(13 * scale)))
        manager.preload_fonts([{"name": THEME_FONT[self.japanese], "point_size": size, "style": style}
                               for style in ("italic",)])  # bold 13 is in the theme already
        return manager

    @property
    def japanese(self) -> bool:
        """Whether the game speaks Japanese (every font is then Noto Sans JP)."""
        return lang.language() == "ja"

    # ---- properties --------------------------------------------------------
    @property
    def size(self) -> tuple[int, int]:
        return self.screen.get_size()

    @property
    def palette(self) -> Palette:
        return PALETTES.get(self.settings.palette, PALETTES["standard"])

    def u(self, px: float) -> int:
        """A layout length scaled by the UI-scale setting."""
        return int(round(px * self.settings.ui_scale))

    @property
    def top(self) -> Scene | None:
        return self.stack[-1] if self.stack else None

    def typing(self) -> bool:
        """Whether a text field has the keyboard (then letters are text, not hotkeys)."""
        focus = self.manager.get_focus_set()
        return bool(focus) and any(isinstance(w, UITextEntryLine) and w.is_focused for w in focus)

    # ---- scene stack (queued, applied between phases of a frame) -----------
    def push(self, scene: Scene) -> None:
        self._ops.append(("push", scene))

    def pop(self) -> None:
        self._ops.append(("pop", None))

    def replace(self, scene: Scene) -> None:
        self._ops.append(("replace", scene))

    def reset(self, scene: Scene) -> None:
        """Empty the stack and start from ``scene``."""
        self._ops.append(("reset", scene))

    def apply_ops(self) -> None:
        changed = bool(self._ops)
        while self._ops:
            op, scene = self._ops.pop(0)
            if self.top is not None:
                self.top.leave()
            if op == "push":
                self.stack.append(scene)
            elif op == "pop":
                if self.stack:
                    self.stack.pop()
            elif op == "replace":
                if self.stack:
                    self.stack.pop()
                self.stack.append(scene)
            elif op == "reset":
                self.stack = [scene]
            self.manager.set_focus_set(None)
            if self.top is not None:
                self.top.enter()
            if not self.stack:
                self.running = False
        if changed:
            settle_memory()

    def find(self, cls: type) -> Scene | None:
        for s in reversed(self.stack):
            if isinstance(s, cls):
                return s
        return None

    # ---- settings and size -----------------------------------------------
    def apply_settings(self, settings: Settings) -> None:
        """New UI scale, palette or window size: rebuild fonts, theme and the top scene's widgets."""
        old = self.settings
        self.settings = settings
        if self.persist_settings:
            settings.save()
        if self.top is not None:
            self.top.leave()
        if (settings.width, settings.height) != (old.width, old.height):
            self.screen = pygame.display.set_mode((settings.width, settings.height), pygame.RESIZABLE)
        if settings.language and settings.language != lang.language():
            i18n.use(settings.language)
        self.text = Text(settings.ui_scale, japanese=self.japanese)
        self.manager = self._make_manager()
        if self.top is not None:
            self.top.enter()

    def resized(self, size: tuple[int, int]) -> None:
        w, h = max(size[0], MIN_SIZE[0]), max(size[1], MIN_SIZE[1])
        if (w, h) != tuple(size):
            self.screen = pygame.display.set_mode((w, h), pygame.RESIZABLE)
        else:
            self.screen = pygame.display.get_surface()
        self.settings = replace(self.settings, width=w, height=h)
        self.manager.set_window_resolution((w, h))
        if self.top is not None:
            self.top.rebuild()

    # ---- messages ------------------------------------------------------------
    def toast(self, text: str, colour: tuple[int, int, int] | None = None, seconds: float = 5.0) -> None:
        self._toast = (text, colour or self.palette.text, self.time + seconds)

    # ---- the frame -----------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.running = False
            return
        if event.type == pygame.VIDEORESIZE:
            self.resized((event.w, event.h))
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_F12:
            import datetime as _dt

            stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            try:
                path = self.screenshot(game_home() / "screenshots" / f"silicon-curtain-{stamp}.png")
            except (OSError, pygame.error) as exc:
                self.toast(_("No screenshot: {error}").format(error=exc), self.palette.bad)
            else:
                self.toast(_("Screenshot saved to {path}").format(path=path), self.palette.good)
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_F1 and not self.typing():
            from game.ui.scenes import GlossaryScene

            if not isinstance(self.top, GlossaryScene):
                self.push(GlossaryScene(self))
            return
        consumed = self.manager.process_events(event)
        if consumed and event.type in (pygame.KEYDOWN, pygame.TEXTINPUT, pygame.MOUSEBUTTONDOWN):
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE and self.typing():
            self.manager.set_focus_set(None)
            return
        if self.top is not None:
            self.top.handle_event(event)

    def frame(self, dt: float) -> None:
        """One frame: events, update (the month, if one is due), draw, flip."""
        t0 = time.perf_counter()
        self.time += dt
        for event in pygame.event.get():
            if event.type in INPUT_EVENTS:
                self._last_input = self.time
            self.handle_event(event)
        self.apply_ops()
        self.bands.poll()  # never waits: a finished band is taken, the next job sent
        if self.top is not None:
            self.top.update(dt)
        self.apply_ops()
        if self._toast and self.time > self._toast[2]:
            self._toast = None
        self.manager.update(dt)
        self.draw(self.screen)
        pygame.display.flip()
        self.last_frame_ms = (time.perf_counter() - t0) * 1000

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(self.palette.bg)
        start = 0
        for i, s in enumerate(self.stack):
            if s.opaque:
                start = i
        for s in self.stack[start:]:
            s.draw(surface)
        self.manager.draw_ui(surface)
        if self.top is not None:
            self.top.draw_overlay(surface)
        if self._toast:
            self._draw_toast(surface)

    def _draw_toast(self, surface: pygame.Surface) -> None:
        text, colour, _until = self._toast
        w = min(self.size[0] - self.u(40), self.text.width(text, 14) + self.u(24))
        lines = self.text.wrap(text, 14, w - self.u(24))
        h = len(lines) * (self.text.line_height(14) + 2) + self.u(14)
        rect = pygame.Rect(0, 0, w, h)
        rect.midbottom = (self.size[0] // 2, self.size[1] - self.u(16))
        pygame.draw.rect(surface, (8, 12, 18), rect, border_radius=6)
        pygame.draw.rect(surface, colour, rect, 1, border_radius=6)
        self.text.block(surface, text, (rect.x + self.u(12), rect.y + self.u(7)), w - self.u(24), 14, colour)

    def busy(self) -> bool:
        """Whether the screen is changing: recent input, the clock running, a message or a text cursor."""
        return (self.time - self._last_input < IDLE_AFTER_S or not self.sim.paused or self._toast is not None
                or bool(self._ops) or self.typing())

    def run(self) -> None:
        """The window's loop: 60 frames a second while anything moves, ``IDLE_FPS`` when nothing does."""
        while self.running:
            dt = self.clock.tick(FPS if self.busy() else IDLE_FPS) / 1000.0
            self.frame(min(dt, 0.25))

    def screenshot(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.screen, str(path))
        return path

    def close(self) -> None:
        """Stop the background work (the band's worker): nothing outlives the window."""
        self.bands.close()

    def pump(self, frames: int = 1, dt: float = 1 / FPS) -> None:
        """Run frames without waiting for real time (tests, screenshots, autoplay)."""
        for _frame in range(frames):
            self.frame(dt)


# ---------------------------------------------------------------------------
# the ``play`` command


class DisplayError(Exception):
    """No window can be opened; the message says why and what to do."""


def open_display(interactive: bool) -> None:
    """Initialise SDL's video (not audio: the game has no sound) or raise DisplayError."""
    explicit = os.environ.get("SDL_VIDEODRIVER")
    try:
        with _quiet_stderr():  # SDL prints its probing of drivers (XDG_RUNTIME_DIR, ...) to stderr
            pygame.display.init()
            pygame.font.init()
    except pygame.error as exc:
        raise DisplayError(_("cannot open a window ({error}); run on a desktop, under xvfb-run, or headless with "
                             "--autoplay N --screenshot FILE.png").format(error=exc)) from None
    driver = pygame.display.get_driver()
    if interactive and driver in ("offscreen", "dummy"):
        pygame.display.quit()
        why = (_("SDL_VIDEODRIVER={driver} shows no window").format(driver=explicit) if explicit else
               _("no display to open the game window on (SDL fell back to the '{driver}' driver)").format(driver=driver))
        raise DisplayError(_("{why}: run it on a desktop, under xvfb-run, or headless with --autoplay N "
                             "--screenshot FILE.png").format(why=why))


class _quiet_stderr:
    """Silence file descriptor 2 (where SDL writes) for the duration of a block."""

    def __enter__(self):
        try:
            sys.stderr.flush()
            self._saved = os.dup(2)
            self._null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(self._null, 2)
        except OSError:
            self._saved = None
        return self

    def __exit__(self, *exc):
        if self._saved is not None:
            os.dup2(self._saved, 2)
            os.close(self._saved)
            os.close(self._null)
        return False


def play(*, scenario: str | None, role: str, country: str | None, seed: int, autoplay: int | None,
         screenshot: Path | None, commands: list[tuple[int, Any]] | None, load: Path | None,
         size: tuple[int, int] | None, log: Callable[[str], None] = print) -> int:
    """Start the game (title screen, or straight into a scenario), or play it scripted."""
    scripted = autoplay is not None or screenshot is not None
    open_display(interactive=not scripted)
    app = None
    try:
        app = App(size=size, persist_settings=not scripted, bands=not scripted)
        from game.ui.scenes import BriefingScene, MainScene, TitleScene

        if load is not None:
            session = GameSession.load(load)
            app.reset(MainScene(app, session))
            if session.load_warning:
                app.toast(session.load_warning, app.palette.warn)
        elif scenario is not None:
            session = GameSession(scenario, seed=seed, role=role, country=country)
            app.reset(MainScene(app, session) if scripted else BriefingScene(app, session))
        else:
            app.reset(TitleScene(app))
        if not scripted:
            app.run()
            return 0
        app.autoplay = True
        app.apply_ops()
        main = app.top
        if not isinstance(main, MainScene):
            main = MainScene(app, GameSession(seed=seed, role=role, country=country))
            app.reset(main)
            app.apply_ops()
        session = main.session
        todo = sorted(commands or [], key=lambda c: c[0])
        refused = _submit_due(session, todo, log)
        if refused:
            return 2
        for _month in range(autoplay or 0):
            if session.finished:
                break
            main.advance()
            refused = _submit_due(session, todo, log)
            if refused:
                return 2
            app.pump(1)
        app.pump(45)  # let the flows animate and the UI settle
        if screenshot is not None:
            app.screenshot(screenshot)
        s = session.score
        m = session.view.metrics
        summary = _("{scenario}: {role}, seed {seed}, month {month} ({date}); score {score}; Tier 3 compute {compute} "
                    "H100e, smuggled {smuggled} H100e").format(
            scenario=_(session.scenario.meta.title), role=session.role.label, seed=session.seed, month=session.month,
            date=month_text(session.view.date), score=f"{s.total:.0f}", compute=f"{m['compute_adversary']:,.0f}",
            smuggled=f"{m['smuggled_cum']:,.0f}")
        if screenshot is not None:
            summary += _("; screenshot {path}").format(path=screenshot)
        log(summary)
        return 0
    finally:
        if app is not None:
            app.close()
        pygame.display.quit()


def play_class(seat: Any, *, size: tuple[int, int] | None = None, frames: int | None = None) -> int:
    """Hot-seat classroom play: the class screen, then each team's turn (``seat``: a HotSeat).

    ``frames`` runs that many frames headless and returns (tests); otherwise the window runs until quit.
    """
    open_display(interactive=frames is None)
    app = None
    try:
        from game.ui.scenes.classroom import ClassScene

        app = App(size=size, persist_settings=frames is None, bands=frames is None)
        app.reset(ClassScene(app, seat))
        if frames is None:
            app.run()
        else:
            app.pump(frames)
        return 0
    finally:
        if app is not None:
            app.close()
        pygame.display.quit()


def _submit_due(session: GameSession, todo: list[tuple[int, Any]], log: Callable[[str], None]) -> bool:
    """Submit the scripted commands due this month; True if one was refused (reported)."""
    while todo and todo[0][0] <= session.month:
        month, (label, command) = todo.pop(0)
        result = session.submit(command)
        if not result.ok:
            print("silicon-curtain: error: " + _("{label}: refused at month {month}: {reason}").format(
                label=label, month=session.month, reason=result.reason), file=sys.stderr)
            return True
    return False
