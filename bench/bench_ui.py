"""Game frame-time benchmark for Silicon Curtain (a script, not a test).

Run with ``make bench`` or ``.venv/bin/python bench/bench_ui.py [--size 1280x720] [--frames 600] [--lang ja]``.
Runs headless (SDL's dummy video driver: software rendering, ``flip`` is a
no-op), so it measures the game's own work per frame: events, the month
when one is due, render caches, drawing the map, flows, charts and panels,
and pygame_gui's update and draw.

What it measures, with ``time.perf_counter`` around ``App.frame``:

(a) Frames on the main screen with the flows animating and no month due
    (clock paused at month 12 of the default scenario, a country hovered):
    median, 99th percentile and worst frame time.
(b) Frames during play at 4 months a second from month 12 to the end:
    the frames in which a month was simulated (median, 99th percentile,
    worst) and, separately, ``GameSession.advance_month`` alone.

(c) CPU use of the real window loop (``App.run`` with its clock) on the
    title screen and on the paused main screen, with no input, for
    ``--idle-seconds``: process CPU time over wall time.

Targets: (a) a frame in a few milliseconds at 1280x720; (b) no frame over
33 ms when a month is simulated (the clock runs at most one month a frame,
so a month never stacks up behind another); (c) an idle screen under 10%
of a core (it drops to ``IDLE_FPS`` frames a second).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

TARGET_FRAME_MS = 33.0
TARGET_IDLE_CPU = 0.10


def run_for(app, seconds: float) -> None:
    """The real window loop, stopped by a timed QUIT."""
    import pygame

    app.running = True
    pygame.time.set_timer(pygame.QUIT, int(seconds * 1000), loops=1)
    app.run()


def idle_cpu(app, scene, seconds: float) -> float:
    """Share of a core the real loop uses on ``scene`` once it has had no input for a while."""
    from game.ui.app import IDLE_AFTER_S

    app.reset(scene)
    app.apply_ops()
    run_for(app, IDLE_AFTER_S + 0.5)  # the screen opens at full rate, then settles
    wall, cpu = time.perf_counter(), time.process_time()
    run_for(app, seconds)
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q / 100 * (len(s) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="1280x720", help="window size WxH (default 1280x720)")
    ap.add_argument("--frames", type=int, default=600, help="frames for (a) (default 600)")
    ap.add_argument("--bands", action="store_true",
                    help="run the charts' band of sampled worlds in its background worker, as the game does")
    ap.add_argument("--idle-seconds", type=float, default=4.0, help="seconds of each idle screen in (c)")
    ap.add_argument("--lang", choices=("en", "ja"), default="en",
                    help="the game's language (Japanese draws every string in Noto Sans JP)")
    args = ap.parse_args()
    w, h = (int(x) for x in args.size.split("x"))

    import tempfile

    os.environ["SILICON_CURTAIN_HOME"] = tempfile.mkdtemp(prefix="sc-bench-")
    import pygame

    from game import i18n
    from game.session import GameSession
    from game.ui.app import App, Settings
    from game.ui.scenes import MainScene, TitleScene
    from game.ui.scenes.event import EventScene

    i18n.use(args.lang)
    pygame.display.init()
    pygame.font.init()
    app = App(size=(w, h), settings=Settings(width=w, height=h), persist_settings=False, bands=args.bands)
    session = GameSession("diffusion_rule_2025", seed=1)
    session.baselines
    for _ in range(12):
        session.advance_month()
    main_scene = MainScene(app, session)
    app.reset(main_scene)
    app.apply_ops()
    app.pump(30)  # warm the caches (text, charts, map)
    x, y = main_scene.world.country_px["IND"]
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(int(x), int(y)), rel=(0, 0), buttons=(0, 0, 0)))

    # (a) idle frames: flows animating, no month due
    idle = []
    dots = 0
    for _ in range(args.frames):
        t0 = time.perf_counter()
        app.frame(1 / 60)
        idle.append((time.perf_counter() - t0) * 1000)
    dots = sum(1 for f in main_scene.flows.flows if f.after > 1)

    # (b) play at 4 months a second to the end; frames with a month vs without
    step_ms = []
    orig = session.advance_month

    def timed():
        t0 = time.perf_counter()
        v = orig()
        step_ms.append((time.perf_counter() - t0) * 1000)
        return v

    session.advance_month = timed
    app.sim.set_speed(3)
    month_frames, other_frames = [], []
    guard = 0
    while not session.finished and guard < 100000:
        if isinstance(app.top, EventScene):  # an event card waits for a choice: let it pass, as a player may
            app.top.choose(len(app.top.event.choices) - 1)
        before = session.month
        t0 = time.perf_counter()
        app.frame(1 / 60)
        ms = (time.perf_counter() - t0) * 1000
        (month_frames if session.month != before else other_frames).append(ms)
        guard += 1

    # (c) the real loop, idle: the title screen, then the paused main screen
    app.sim.set_speed(0)
    cpu_title = idle_cpu(app, TitleScene(app), args.idle_seconds)
    cpu_main = idle_cpu(app, MainScene(app, session), args.idle_seconds)
    app.close()
    pygame.display.quit()

    print(f"Silicon Curtain game benchmark - {platform.python_implementation()} {platform.python_version()}, "
          f"pygame-ce {pygame.version.ver}, {platform.machine()}, {os.cpu_count()} cores, "
          f"SDL video driver {os.environ['SDL_VIDEODRIVER']}")
    print(f"main screen {w}x{h}, default scenario, seed 1"
          + (f"; band worker on ({app.bands.runner.generation} requests)" if args.bands else "; band worker off"))
    print()
    print(f"(a) idle frames, flows animating ({dots} flows), {len(idle)} frames:")
    print(f"    median {statistics.median(idle):6.2f} ms   p99 {pct(idle, 99):6.2f} ms   worst {max(idle):6.2f} ms")
    print(f"(b) playing at 4 months/s, months 12 to {session.month}:")
    print(f"    frames with a month ({len(month_frames)}): median {statistics.median(month_frames):6.2f} ms   "
          f"p99 {pct(month_frames, 99):6.2f} ms   worst {max(month_frames):6.2f} ms")
    print(f"    other frames ({len(other_frames)}):       median {statistics.median(other_frames):6.2f} ms   "
          f"p99 {pct(other_frames, 99):6.2f} ms   worst {max(other_frames):6.2f} ms")
    print(f"    advance_month alone:        median {statistics.median(step_ms):6.2f} ms   "
          f"worst {max(step_ms):6.2f} ms")
    print(f"(c) idle window loop, {args.idle_seconds:g} s each: title screen {cpu_title:5.1%} of a core, "
          f"paused main screen {cpu_main:5.1%}")
    worst = max(month_frames)
    verdict = "ok" if worst <= TARGET_FRAME_MS else "OVER"
    print(f"target: no frame over {TARGET_FRAME_MS:.0f} ms when a month is simulated: {verdict} "
          f"(worst {worst:.1f} ms)")
    idle_ok = "ok" if max(cpu_title, cpu_main) <= TARGET_IDLE_CPU else "OVER"
    print(f"target: an idle screen under {TARGET_IDLE_CPU:.0%} of a core: {idle_ok}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
