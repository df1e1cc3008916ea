"""Screenshots of every screen for the docs: ``python -m game.ui.shots docs/screenshots``, and in
Japanese ``python -m game.ui.shots docs/screenshots/ja --lang ja``.

Drives the real scenes headless (SDL's dummy driver) through a short scripted
game and saves a PNG of each screen at 1280x720, and of the main screen at
1920x1080 too. Saves and exports go to a temporary game home, never the
player's. Imports pygame and the game package.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m game.ui.shots", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default="docs/screenshots", help="the folder to write the PNGs to")
    parser.add_argument("--lang", choices=("en", "ja"), default="en", help="the language of every screen")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ["SILICON_CURTAIN_HOME"] = tempfile.mkdtemp(prefix="sc-shots-")
    from game import i18n

    i18n.use(args.lang)  # before the windows: their fonts and theme follow the language
    import pygame

    from agents import commands as cmd
    from game.session import GameSession, saves_dir
    from game.ui.app import App, Settings
    from game.ui.scenes import (BriefingScene, DebriefScene, GlossaryScene, LoadScene, MainScene, PauseScene,
                                PickerScene, SettingsScene, TitleScene)

    pygame.display.init()
    pygame.font.init()
    written = []

    def shot(app: App, name: str, frames: int = 4) -> None:
        app.pump(frames)
        written.append(app.screenshot(out / f"{name}.png"))

    def banded(app: App, name: str, session: GameSession, frames: int = 4) -> None:
        """A shot with the charts' band of sampled worlds in (other shots have none: they stay the same)."""
        app.bands.enabled = True
        app.bands.wait(session)
        shot(app, name, frames + 6)  # the charts re-render one a frame
        app.bands.enabled = False

    def hover(app: App, code: str) -> None:
        scene = app.top
        x, y = scene.world.country_px[code]
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(int(x), int(y)), rel=(0, 0), buttons=(0, 0, 0)))

    def play_session(months: int) -> GameSession:
        s = GameSession("diffusion_rule_2025", seed=1)
        s.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 4e8}))
        for m in range(months):
            if m == 6:
                s.submit(cmd.SetLevers(levers={"lpp_limit_h100e": 500.0, "location_verification": True},
                                       effective_month=9))
            if m == 14:
                s.submit(cmd.G2GAgreement(country="ARE"))
            s.advance_month()
        return s

    def tier3_session() -> GameSession:
        """China twelve months in, its subsidy raised and US export variants blocked."""
        s = GameSession("diffusion_rule_2025", seed=1, role="tier3_government")
        s.submit(cmd.CountryPolicy(country="CHN", policies={"subsidy_usd_per_year": 4e10,
                                                            "block_export_variants": True}))
        for _ in range(12):
            s.advance_month()
        return s

    def branches() -> GameSession:
        """A 36-month game saved, and two what-if branches of it beside it: the first branch, loaded."""
        from game.session import branch

        folder = saves_dir() / "what-if"
        original = play_session(36).save(folder / "original.json")
        tougher = branch(original, 6)
        tougher.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 8e8, "location_verification": True}))
        while tougher.month < 36:
            tougher.advance_month()
        tougher.save(folder / "tougher.json")
        rescinded = branch(original, 3)
        rescinded.submit(cmd.Rescind())
        while rescinded.month < 30:
            rescinded.advance_month()
        rescinded.save(folder / "rescinded.json")
        return GameSession.load(folder / "tougher.json")
    def event_card(app: App, suffix: str, role: str = "us_commerce", after: int = 10) -> None:
        """The card of the first event of a game after month ``after`` (the clock waits for a choice)."""
        s = GameSession("diffusion_rule_2025", seed=1, role=role)
        while s.pending_event is None or s.month < after:
            if s.pending_event is not None:
                s.choose(len(s.pending_event.choices) - 1)  # the early ones: "do nothing"
            s.advance_month()
        app.reset(MainScene(app, s))
        shot(app, f"event_card{suffix}" if role == "us_commerce" else f"event_card-{role}{suffix}", 10)

    def hot_seat(app: App) -> None:
        """The class screen after the first team's turn, and when the class has finished."""
        from game.classroom import HotSeat, load_lesson, new_class
        from game.ui.scenes.classroom import ClassScene

        folder = Path(os.environ["SILICON_CURTAIN_HOME"]) / "class"
        new_class(load_lesson("smuggling_and_enforcement"), folder)
        seat = HotSeat(folder)

        def turn() -> None:
            team = seat.current
            s = seat.load(team)
            if s.month == 0 and "enforcement_budget_usd" in s.levers:
                s.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 4e8}))
            while s.month < seat.target_month(team):
                s.advance_month()
            seat.end_turn(s)

        turn()
        scene = ClassScene(app, seat)
        app.reset(scene)
        app.apply_ops()
        scene.turn_ended(seat.teams[0], seat.path(seat.teams[0]))
        shot(app, "class")
        while not seat.finished:
            turn()
        app.reset(ClassScene(app, seat))
        shot(app, "class-finished")

    for size in ((1280, 720), (1920, 1080)):
        app = App(size=size, settings=Settings(width=size[0], height=size[1]), persist_settings=False, bands=True)
        app.bands.enabled = False
        suffix = "" if size == (1280, 720) else f"-{size[0]}x{size[1]}"
        session = play_session(20)
        main_scene = MainScene(app, session)
        app.reset(main_scene)
        app.apply_ops()
        app.sim.set_speed(1)
        app.pump(20)
        app.sim.set_speed(0)
        hover(app, "IND")
        banded(app, f"main{suffix}", session, 30)
        if size != (1280, 720):
            app.close()
            continue
        main_scene.set_tab("Tier 2 rule")
        app.pump(2)
        entry = [w for w, name in main_scene._entry_lever.items() if name == "lpp_limit_h100e"][0]
        entry.set_text("-5")
        main_scene._submit_levers(None)
        main_scene.map_mode = 1
        main_scene.chart_page = 1
        shot(app, "main-refused", 10)
        main_scene.select_country("ARE")
        main_scene.map_mode = 3
        hover(app, "SGP")
        shot(app, "main-country", 10)
        main_scene.edits.clear()
        main_scene.status = ("", app.palette.text)
        app.apply_settings(Settings(palette="colour_blind"))
        main_scene.map_mode = 0
        main_scene.set_tab("Chips")
        shot(app, "main-colourblind", 10)
        app.apply_settings(Settings())
        t2 = GameSession("diffusion_rule_2025", seed=2, role="tier2_government", country="IND")
        for _ in range(10):
            t2.advance_month()
        app.reset(MainScene(app, t2))
        shot(app, "main-tier2", 20)
        app.reset(MainScene(app, tier3_session()))
        shot(app, "main-tier3", 20)
        event_card(app, "")
        event_card(app, "", "tier3_government", after=1)
        event_card(app, "", "tier2_government", after=1)
        app.reset(MainScene(app, session))
        app.apply_ops()
        app.push(PauseScene(app, app.top))
        shot(app, "pause")
        app.reset(TitleScene(app))
        shot(app, "title")
        app.push(PickerScene(app))
        shot(app, "picker")
        app.top.pick_role("tier2_government")
        shot(app, "picker-tier2")
        app.top.pick_role("tier3_government")
        shot(app, "picker-tier3")
        app.reset(BriefingScene(app, GameSession("rescission_2025", seed=1)))
        shot(app, "briefing")
        app.reset(GlossaryScene(app))
        shot(app, "glossary")
        app.reset(SettingsScene(app))
        shot(app, "settings")
        session.save(saves_dir() / "diffusion-us-2026-09.json")
        broken = saves_dir() / "broken.json"
        broken.write_text('{"format": "silicon-curtain-save", "version": 1, "scenario": "diffus')
        future = saves_dir() / "from-the-future.json"
        future.write_text('{"format": "silicon-curtain-save", "version": 7}')
        app.reset(LoadScene(app))
        shot(app, "load")
        if size == (1280, 720):
            hot_seat(app)
        app.reset(DebriefScene(app, what_if := branches()))
        shot(app, "debrief-branches")
        full = play_session(72)
        app.reset(DebriefScene(app, full))
        banded(app, "debrief", full)
        app.bands.enabled = True  # the exports show the band too
        app.pump(2)
        written.append(app.top.export(out / "debrief-export.png"))
        written.append(app.top.export_printable(out / "debrief-print.png"))
        app.close()
    for scale, size in ((1.25, (1280, 720)), (1.5, (1600, 900))):  # every screen a class uses, scaled up
        app = App(size=size, settings=Settings(ui_scale=scale, width=size[0], height=size[1]), persist_settings=False,
                  bands=True)
        app.bands.enabled = False
        suffix = f"-{int(scale * 100)}"
        app.reset(TitleScene(app))
        shot(app, f"title{suffix}")
        picker = PickerScene(app)
        app.reset(picker)
        app.apply_ops()
        picker.pick_role("tier2_government")
        shot(app, f"picker{suffix}")
        t2 = GameSession("diffusion_rule_2025", seed=2, role="tier2_government", country="IND")
        app.reset(BriefingScene(app, t2))
        shot(app, f"briefing-tier2{suffix}")
        app.reset(BriefingScene(app, GameSession("diffusion_rule_2025", seed=1)))
        shot(app, f"briefing{suffix}")
        main_scene = MainScene(app, play_session(20))
        app.reset(main_scene)
        app.apply_ops()
        main_scene.set_tab("Tier 2 rule")
        banded(app, f"main{suffix}", main_scene.session, 10)
        app.reset(MainScene(app, t2))
        shot(app, f"main-tier2{suffix}", 10)
        app.reset(MainScene(app, tier3_session()))
        shot(app, f"main-tier3{suffix}", 10)
        app.reset(BriefingScene(app, GameSession("diffusion_rule_2025", seed=1, role="tier3_government")))
        shot(app, f"briefing-tier3{suffix}")
        event_card(app, suffix)
        app.reset(SettingsScene(app))
        shot(app, f"settings{suffix}")
        app.reset(GlossaryScene(app))
        shot(app, f"glossary{suffix}")
        app.reset(DebriefScene(app, what_if))
        shot(app, f"debrief-branches{suffix}")
        app.close()
    for p in written:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
