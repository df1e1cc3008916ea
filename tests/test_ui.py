"""The game window, headless (SDL dummy drivers): driven by posted clicks and keys, as a player would."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pygame
import pytest
from pygame_gui.elements import UITextEntryLine

from agents import commands as cmd
from agents.regime import LEVER_GROUPS, LEVERS
from game.session import GameSession
from game.ui.app import App, Settings
from game.ui.clock import SimClock
from support import button, buttons, click, key
from game.ui.scenes import (BriefingScene, DebriefScene, GlossaryScene, LoadScene, MainScene, PauseScene,
                            PickerScene, SettingsScene, TitleScene)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SILICON_CURTAIN_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def app(home):
    pygame.display.init()
    pygame.font.init()
    a = App(size=(1280, 720), settings=Settings(), persist_settings=False)
    yield a
    pygame.display.quit()


def start(app, scene):
    app.reset(scene)
    app.pump(2)
    return scene






def type_text(app, entry, text):
    click(app, entry)
    key(app, pygame.K_a, mod=pygame.KMOD_CTRL, frames=1)
    pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=text))
    app.pump(3)


# ---------------------------------------------------------------------------


def test_a_new_game_from_the_title_screen_by_clicks(app):
    start(app, TitleScene(app))
    click(app, button(app, "New game"))
    assert isinstance(app.top, PickerScene)
    click(app, button(app, "Rescission and bilateral deals"))
    click(app, button(app, "Enforcement"))
    click(app, button(app, "Continue to briefing"))
    assert isinstance(app.top, BriefingScene)
    assert app.top.session.scenario.name == "rescission_2025" and app.top.session.role.id == "bis_enforcement"
    app.pump(3)
    click(app, button(app, "Begin"))
    assert isinstance(app.top, MainScene)
    assert app.top.session.month == 0 and app.sim.paused
    assert app.top.tabs[0] == "Enforcement"


def test_the_whole_start_and_play_by_keyboard(app, no_events):
    start(app, TitleScene(app))
    key(app, pygame.K_RETURN)  # New game has the focus
    assert isinstance(app.top, PickerScene)
    key(app, pygame.K_RETURN)  # no focus: continue with the defaults
    assert isinstance(app.top, BriefingScene)
    key(app, pygame.K_RETURN)  # Begin has the focus
    main = app.top
    assert isinstance(main, MainScene)
    key(app, pygame.K_n)
    assert main.session.month == 1
    key(app, pygame.K_PERIOD)
    assert main.session.month == 2
    key(app, pygame.K_SPACE)
    assert app.sim.speed == 1
    key(app, pygame.K_3)
    assert app.sim.speed == 3
    app.pump(20)  # 4 months a second at 60 frames a second
    assert main.session.month >= 3
    key(app, pygame.K_SPACE)
    assert app.sim.paused
    month = main.session.month
    app.pump(30)
    assert main.session.month == month
    key(app, pygame.K_m)
    assert main.map_mode == 1
    key(app, pygame.K_PAGEDOWN)
    assert main.tab == main.tabs[1]
    key(app, pygame.K_ESCAPE)
    assert isinstance(app.top, PauseScene)
    key(app, pygame.K_ESCAPE)
    assert app.top is main


def test_a_lever_changed_in_the_panel_reaches_the_model_and_moves_the_metrics(app, no_events):
    session = GameSession("diffusion_rule_2025", seed=3)
    main = start(app, MainScene(app, session))
    click(app, button(app, "Enforcement"))
    plus = [w for w, name in main._widget_lever.items() if name == "enforcement_budget_usd" and w.text == "+"][0]
    for _ in range(4):
        click(app, [w for w, n in main._widget_lever.items() if n == "enforcement_budget_usd" and w.text == "+"][0])
    assert main.edits == {"enforcement_budget_usd": pytest.approx(191e6 * 1.25 ** 4, rel=0.01)}
    click(app, button(app, "Apply now"))
    assert main.status[0].startswith("Ordered: Enforcement budget $46")
    assert len(session.commands) == 1 and session.commands[0].month == 0
    value = session.commands[0].command.levers["enforcement_budget_usd"]
    for _ in range(12):
        key(app, pygame.K_n)
    assert session.month == 12
    assert session.model.regime.enforcement_budget_usd == value
    logged = [json.loads(line) for line in session.model.command_log]
    assert [c["levers"] for c in logged if c["source"] == "player"] == [{"enforcement_budget_usd": value}]
    assert logged[0]["source"].startswith("scenario:")  # the schedule first, the player last
    base = session.baseline_view("scheduled", 12).metrics
    def interdicted(metrics):  # the share of smuggled chips caught: what enforcement money buys
        return metrics["seized_cum"] / (metrics["seized_cum"] + metrics["smuggled_cum"])
    assert interdicted(session.view.metrics) > interdicted(base)
    assert session.view.metrics["smuggled_cum"] < base["smuggled_cum"]
    assert plus is not None


def test_a_refused_change_shows_the_models_reason(app):
    session = GameSession("diffusion_rule_2025", seed=3)
    main = start(app, MainScene(app, session))
    click(app, button(app, "Tier 2 rule"))
    entry = [w for w, name in main._entry_lever.items() if name == "lpp_limit_h100e"][0]
    type_text(app, entry, "-5")
    assert main.edits == {"lpp_limit_h100e": "-5"}
    key(app, pygame.K_ESCAPE, frames=1)  # leave the text field
    click(app, button(app, "Apply now"))
    assert main.status[0] == ("Refused: Licence-free allowance (LPP) takes a number from 0 H100e per buyer a "
                              "year to 10M H100e per buyer a year; you gave -5.0")
    assert session.commands == [] and session.model.queue == []


def test_a_roles_tabs_come_from_its_levers_and_policies(app):
    from game.ui.panels import CountryPanel, LeverPanel, PolicyPanel

    groups = [g for g, _ in LEVER_GROUPS]
    commerce = MainScene(app, GameSession("diffusion_rule_2025", seed=1))
    assert commerce.tabs == groups + ["Country"]
    enforcement = MainScene(app, GameSession("diffusion_rule_2025", seed=1, role="bis_enforcement"))
    assert enforcement.tabs == ["Enforcement"] + [g for g in groups if g != "Enforcement"] + ["Country"]
    t2 = MainScene(app, GameSession("diffusion_rule_2025", seed=1, role="tier2_government", country="IND"))
    assert t2.tabs == ["Policy", "Country"] + groups
    assert [type(t2.panels[t]) for t in t2.tabs] == [PolicyPanel, CountryPanel] + [LeverPanel] * len(groups)
    assert [t2.panels[g].editable for g in groups] == [False] * len(groups)  # the US rules, shown read only


def test_every_lever_is_in_the_panel_with_what_it_does_and_costs(app):
    assert sorted(l for _, group in LEVER_GROUPS for l in group) == sorted(LEVERS)
    assert all(spec.cost for spec in LEVERS.values())
    main = start(app, MainScene(app, GameSession("diffusion_rule_2025", seed=1)))
    seen = set()
    for tab in ("Chips", "Tier 2 rule", "Enforcement"):
        main.set_tab(tab)
        for _ in range(3):
            app.pump(1)
            for w, name in main._widget_lever.items():
                tip = getattr(w, "tool_tip_text", None) or ""
                if LEVERS[name].doc[:30] in tip and LEVERS[name].cost[:30] in tip:
                    seen.add(name)
            main.panel_scroll += main._rows_visible()
            main.rebuild()
    assert seen == set(LEVERS)


def test_a_tier2_government_asks_for_an_agreement_from_the_policy_tab(app):
    session = GameSession("diffusion_rule_2025", seed=2, role="tier2_government", country="IND")
    main = start(app, MainScene(app, session))
    assert main.tab == "Policy" and main.selected == "IND"
    click(app, button(app, "Ask the US for a security agreement"))
    assert [(p.command.kind, p.command.source) for p in session.commands] == [("g2g", "state:IND")]
    key(app, pygame.K_n)
    assert session.view.g2g[session.view.codes.index("IND")]
    assert button(app, "Security agreement signed").is_enabled is False
    click(app, button(app, "Tier 2 rule"))
    assert not main._entry_lever  # the rules are shown, not editable


def test_a_us_player_moves_a_country_between_tiers_from_the_map(app):
    session = GameSession("diffusion_rule_2025", seed=2)
    main = start(app, MainScene(app, session))
    x, y = main.world.country_px["IND"]
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(int(x), int(y)), button=1))
    app.pump(2)
    assert main.selected == "IND" and main.tab == "Country"
    click(app, button(app, "Move to Tier 3"))
    key(app, pygame.K_n)
    assert session.view.tier[session.view.codes.index("IND")] == 3
    assert any(n.kind == "tier_changed" for n in session.news)


@pytest.mark.parametrize("scale", [1.0, 1.25])
def test_every_country_is_easy_to_point_at_on_a_small_window(app, scale):
    app.apply_settings(Settings(ui_scale=scale, width=1280, height=720))
    session = GameSession("diffusion_rule_2025", seed=1)
    main = start(app, MainScene(app, session))
    area = {}
    r = main.L.map
    for y in range(r.top, r.bottom):
        for x in range(r.left, r.right):
            hit = main.country_at((x, y))
            if hit:
                area[hit[0]] = area.get(hit[0], 0) + 1
    assert set(area) == set(session.view.codes)
    small = min(area, key=area.get)
    assert area[small] >= 80, (small, area[small])  # Qatar's outline alone is 13 pixels at 100%
    assert area["DEU"] >= 120 and area["FRA"] >= 150  # neighbours of small countries keep their land
    for code in ("QAT", "TWN", "NLD", "ISR"):  # the centre of a tiny country selects it
        x, y = main.world.country_px[code]
        assert main.country_at((int(x), int(y)))[0] == code


def test_clicking_a_news_item_shows_that_month(app):
    session = GameSession("diffusion_rule_2025", seed=1)
    for _ in range(8):
        session.advance_month()
    main = start(app, MainScene(app, session))
    rect, n = main._news_rows[-1]
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=rect.center, button=1))
    app.pump(2)
    item = session.news[n]
    assert main.cursor == item.month + 1 and main.shown.month == item.month + 1
    assert main.looking_back_text(main.shown) == f"Looking back at the end of {item.date}"
    key(app, pygame.K_LEFTBRACKET)
    assert main.cursor == item.month
    key(app, pygame.K_l)
    assert main.cursor is None and main.shown is session.view


def test_save_and_load_from_the_screens(app, home, no_events):
    session = GameSession("diffusion_rule_2025", seed=4)
    session.submit(cmd.SetLevers(levers={"location_verification": True}))
    main = start(app, MainScene(app, session))
    for _ in range(3):
        key(app, pygame.K_n)
    key(app, pygame.K_s, mod=pygame.KMOD_CTRL)
    saves = list((home / "saves").glob("*.json"))
    assert len(saves) == 1
    start(app, LoadScene(app))
    click(app, [b for b in buttons(app) if b.text.startswith(saves[0].name)][0], frames=3)
    loaded = app.top
    assert isinstance(loaded, MainScene) and loaded is not main
    assert loaded.session.metrics_rows() == session.metrics_rows()


def test_a_corrupt_save_is_listed_with_its_reason_and_never_crashes(app, home):
    folder = home / "saves"
    folder.mkdir(parents=True)
    bad = folder / "broken.json"
    bad.write_text('{"format": "silicon-curtain-save", "version": 1, "scen')
    future = folder / "future.json"
    future.write_text('{"format": "silicon-curtain-save", "version": 9}')
    scene = start(app, LoadScene(app))
    rows = {b.text.split(":")[0]: b for b in buttons(app) if b.text.endswith(")") or "cannot load" in b.text}
    assert not rows["broken.json"].is_enabled and "not valid JSON" in rows["broken.json"].text
    assert not rows["future.json"].is_enabled and "newer version" in rows["future.json"].text
    entry = [w for w in scene.widgets if isinstance(w, UITextEntryLine)][0]
    type_text(app, entry, str(bad))
    click(app, button(app, "Load file"))
    assert isinstance(app.top, LoadScene) and "not valid JSON" in scene.status
    assert bad.read_text() == '{"format": "silicon-curtain-save", "version": 1, "scen'


def test_the_glossary_opens_from_any_screen_and_returns(app):
    main = start(app, MainScene(app, GameSession("diffusion_rule_2025", seed=1)))
    key(app, pygame.K_F1)
    assert isinstance(app.top, GlossaryScene)
    key(app, pygame.K_ESCAPE)
    assert app.top is main
    start(app, TitleScene(app))
    key(app, pygame.K_F1)
    assert isinstance(app.top, GlossaryScene)


def test_settings_change_scale_and_palette(app):
    start(app, SettingsScene(app))
    click(app, button(app, "125%"))
    assert app.settings.ui_scale == 1.25 and app.text.scale == 1.25
    click(app, button(app, "Colour-blind safe"))
    assert app.palette.name == "colour-blind safe"


def test_draw_changes_nothing(app):
    session = GameSession("diffusion_rule_2025", seed=1)
    for _ in range(6):
        session.advance_month()
    main = start(app, MainScene(app, session))
    main.mouse = tuple(int(v) for v in main.world.country_px["IND"])
    app.pump(2)

    def state():
        keys = ("cursor", "tab", "edits", "map_mode", "chart_page", "selected", "hover", "status", "panel_scroll",
                "news_scroll", "news_pick", "_chart_key", "_panel_key", "_top_key")
        return ({k: repr(getattr(main, k)) for k in keys}, session.month, len(session.views), len(session.news),
                len(main.widgets), app.sim.speed, len(session._scores), len(session.model.queue))

    before = state()
    for _ in range(3):
        app.draw(app.screen)
    assert state() == before


def test_the_debrief_compares_runs_and_exports_a_png(app, tmp_path):
    session = GameSession("diffusion_rule_2025", seed=1)
    session.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 5e8}))
    for _ in range(9):
        session.advance_month()
    start(app, DebriefScene(app, session))
    out = app.top.export(tmp_path / "d.png")
    img = pygame.image.load(str(out))
    assert img.get_width() > 1000 and img.get_height() > 720
    light = pygame.image.load(str(app.top.export_printable(tmp_path / "p.png")))
    def brightness(surface):
        return pygame.transform.average_color(surface)[:3]
    assert sum(brightness(light)) > 3 * 200 > 3 * 60 > sum(brightness(img))  # printable: dark on white
    key(app, pygame.K_ESCAPE)


@pytest.mark.parametrize("size, scale", [((1280, 720), 1.0), ((1920, 1080), 1.0), ((1280, 720), 1.25),
                                         ((1920, 1080), 1.5)])
def test_every_screen_fits_without_overlapping_widgets(app, size, scale):
    session = GameSession("diffusion_rule_2025", seed=1, role="us_commerce")
    t2 = GameSession("diffusion_rule_2025", seed=1, role="tier2_government", country="IND")
    app.apply_settings(Settings(ui_scale=scale, width=size[0], height=size[1]))
    assert app.size == size and app.settings.ui_scale == scale
    if True:
        main = MainScene(app, session)
        scenes = [TitleScene(app), PickerScene(app), BriefingScene(app, session), main, MainScene(app, t2),
                  SettingsScene(app), LoadScene(app), GlossaryScene(app), DebriefScene(app, session)]
        for scene in scenes:
            start(app, scene)
            tabs = scene.tabs if isinstance(scene, MainScene) else [None]
            for tab in tabs:
                if tab is not None:
                    scene.set_tab(tab)
                    app.pump(1)
                rects = [w.rect for w in scene.widgets if w.alive() and w.visible]
                screen = pygame.Rect(0, 0, *size)
                for r in rects:
                    assert screen.contains(r), (type(scene).__name__, tab, r)
                for i, a in enumerate(rects):
                    for b in rects[i + 1:]:
                        assert not a.colliderect(b), (type(scene).__name__, tab, a, b)


@pytest.mark.parametrize("size, scale", [((1280, 720), 1.0), ((1280, 720), 1.25), ((1920, 1080), 1.5)])
@pytest.mark.parametrize("role", ["us_commerce", "bis_enforcement", "tier2_government"])
def test_the_whole_briefing_and_its_keys_can_be_read_at_each_scale(app, size, scale, role):
    app.apply_settings(Settings(ui_scale=scale, width=size[0], height=size[1]))
    session = GameSession("diffusion_rule_2025", seed=1, role=role,
                          **({"country": "IND"} if role == "tier2_government" else {}))
    brief = start(app, BriefingScene(app, session))
    body = brief.body
    assert body.rect.bottom <= brief.begin_button.rect.top  # the text never runs under the buttons
    height = body.surface.get_height()
    assert body.max_offset == 0 or body.offset == 0 and body.visible_height < height  # a bar shows the rest
    for _ in range(20):  # PgDn to the end: every line of the briefing, the key table last, comes into view
        key(app, pygame.K_PAGEDOWN, frames=1)
    assert body.offset + body.visible_height >= height - app.text.line_height(14)
    key(app, pygame.K_RETURN)  # Enter still begins the game after scrolling
    assert isinstance(app.top, MainScene)


def test_the_sim_clock_gives_at_most_one_month_a_frame():
    c = SimClock()
    assert c.months_due(1.0) == 0
    c.step()
    assert (c.months_due(0.01), c.months_due(0.01)) == (1, 0)
    c.set_speed(1)
    assert [c.months_due(0.5) for _ in range(4)] == [0, 1, 0, 1]
    c.set_speed(3)
    assert [c.months_due(5.0) for _ in range(3)] == [1, 1, 1]  # a stall never runs several months at once
    c.toggle()
    assert c.paused and c.months_due(10.0) == 0
    c.toggle()
    assert c.speed == 3
    assert 0.0 <= c.alpha <= 1.0


# ---------------------------------------------------------------------------
# the command line


@pytest.fixture(scope="module")
def autoplay_png(tmp_path_factory):
    out = tmp_path_factory.mktemp("shot") / "main.png"
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy",
               SILICON_CURTAIN_HOME=str(tmp_path_factory.mktemp("home")))
    result = subprocess.run([sys.executable, "-m", "game", "play", "diffusion_rule_2025", "--seed", "3",
                             "--autoplay", "8", "--screenshot", str(out)], capture_output=True, text=True,
                            cwd=ROOT, env=env, timeout=120)
    return result, out


def test_autoplay_saves_a_screenshot_of_the_main_screen(autoplay_png):
    result, out = autoplay_png
    assert result.returncode == 0, result.stderr
    assert "month 8 (2025-09)" in result.stdout
    pygame.display.init()
    try:
        img = pygame.image.load(str(out))
    finally:
        pygame.display.quit()
    assert img.get_size() == (1280, 720)
    colours = {tuple(img.get_at((x, y)))[:3] for x in range(0, 1280, 16) for y in range(0, 720, 16)}
    assert len(colours) > 100  # a map, charts and text, not a blank window


def test_autoplay_with_a_commands_file(tmp_path):
    cmds = tmp_path / "c.jsonl"
    cmds.write_text('{"month": 1, "kind": "set", "levers": {"lpp_limit_h100e": 300}}\n'
                    '{"month": 2, "kind": "set", "levers": {"lpp_limit_h100e": -1}}\n')
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", SILICON_CURTAIN_HOME=str(tmp_path))
    r = subprocess.run([sys.executable, "-m", "game", "play", "--autoplay", "4", "--commands", str(cmds)],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert r.returncode == 2
    assert r.stderr.strip() == (f"silicon-curtain: error: {cmds}:2: refused at month 2: lpp_limit_h100e: expected "
                                f"a number between 0 and 10,000,000 H100e/consignee/year, got -1")


@pytest.mark.parametrize("driver, message", [(None, "no display to open the game window on"),
                                             ("dummy", "SDL_VIDEODRIVER=dummy shows no window")])
def test_play_without_a_display_says_so_in_one_line(tmp_path, driver, message):
    env = {k: v for k, v in os.environ.items() if k not in ("SDL_VIDEODRIVER", "DISPLAY", "WAYLAND_DISPLAY")}
    env["SILICON_CURTAIN_HOME"] = str(tmp_path)
    if driver:
        env["SDL_VIDEODRIVER"] = driver
    r = subprocess.run([sys.executable, "-m", "game", "play"], capture_output=True, text=True, cwd=ROOT, env=env,
                       timeout=60)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"silicon-curtain: error: {message}")
    assert "Traceback" not in r.stderr


def test_replay_and_run_never_import_pygame(tmp_path):
    s = GameSession("diffusion_rule_2025", seed=1)
    s.advance_month()
    save = s.save(tmp_path / "s.json")
    code = (f"import sys; from game.cli import main; rc = main(['replay', {str(save)!r}, '--out', "
            f"{str(tmp_path / 'r.csv')!r}]); sys.exit(rc or (1 if 'pygame' in sys.modules else 0))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_settings_survive_a_restart_and_a_bad_settings_file_falls_back(home):
    Settings(ui_scale=1.25, palette="colour_blind").save()
    assert Settings.load() == Settings(ui_scale=1.25, palette="colour_blind")
    (home / "settings.json").write_text('{"ui_scale": "huge", "width": 5')
    assert Settings.load() == Settings()
    (home / "settings.json").write_text('{"ui_scale": 1.5, "width": 100, "height": 100}')
    assert Settings.load() == Settings()


def test_an_announcement_after_the_end_is_refused_with_the_reason(app):
    session = GameSession("diffusion_rule_2025", seed=1)
    for _ in range(70):
        session.advance_month()
    main = start(app, MainScene(app, session))
    click(app, button(app, "Enforcement"))
    click(app, [w for w, n in main._widget_lever.items() if n == "enforcement_budget_usd" and w.text == "+"][0])
    click(app, button(app, "Announce +4 mo"))
    assert main.status[0] == "Refused: 2031-03 is after the scenario ends (2031-01); announce sooner."
    assert session.commands == []


def test_the_debrief_shows_what_each_role_is_scored_on(app, tmp_path):
    from game.ui.scenes.debrief import CHARTS_BY_ROLE, TABLES_BY_ROLE, debrief_rows

    t2 = GameSession("diffusion_rule_2025", seed=2, role="tier2_government", country="IND")
    for _ in range(5):
        t2.advance_month()
    rows = debrief_rows(t2.views, t2.role)
    i = t2.view.codes.index("IND")
    assert rows[5]["country_compute"] == float(t2.view.compute_h100e[i])
    assert {k for k, _, _ in TABLES_BY_ROLE["tier2_government"]} <= set(rows[5])
    assert all(s.key in rows[5] for spec in CHARTS_BY_ROLE["tier2_government"] for s in spec.series)
    bis = GameSession("diffusion_rule_2025", seed=2, role="bis_enforcement")
    bis.submit(cmd.SetLevers(levers={"location_verification": True}))
    bis.advance_month()
    assert [r["enforcement_cost"] for r in debrief_rows(bis.views, bis.role)] == [191e6, 191e6 + 150e6]
    start(app, DebriefScene(app, t2))
    assert app.top.export(tmp_path / "t2.png").exists()


def test_a_lever_changed_by_keyboard_alone(app):
    session = GameSession("diffusion_rule_2025", seed=3)
    main = start(app, MainScene(app, session))
    key(app, pygame.K_PAGEDOWN)
    key(app, pygame.K_PAGEDOWN)
    assert main.tab == "Enforcement"
    key(app, pygame.K_TAB)
    assert main._focused_lever() == "enforcement_budget_usd"
    key(app, pygame.K_RIGHT)
    key(app, pygame.K_RIGHT)
    assert main.edits["enforcement_budget_usd"] == pytest.approx(191e6 * 1.25 ** 2, rel=0.01)
    key(app, pygame.K_TAB)  # location verification: Enter toggles it
    key(app, pygame.K_RETURN)
    assert main.edits["location_verification"] is True
    key(app, pygame.K_a)
    assert main.status[0].startswith("Ordered:")
    assert session.commands[0].command.levers == {"enforcement_budget_usd": pytest.approx(2.98e8, rel=0.01),
                                                  "location_verification": True}


def type_keys(app, entry, text, fresh=True):
    """Type into a field one key at a time, a frame or two apart, as a person does."""
    if fresh:
        click(app, entry)
        key(app, pygame.K_a, mod=pygame.KMOD_CTRL, frames=1)
    for ch in text:
        k = ord(ch)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=ch, scancode=0))
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=0, unicode=ch, scancode=0))
        app.pump(2)


def typed_value(spec) -> str:
    """A number of several keystrokes inside the lever's range."""
    if spec.hi <= 1:
        return "0.35"
    if spec.hi >= 1e30:
        return "3e26"
    return str(25000 if spec.hi >= 25000 else int(spec.hi * 0.25))


def numeric_levers(role):
    return [n for n in role.levers if LEVERS[n].kind in ("float", "int")]


@pytest.mark.parametrize("role", ["us_commerce", "bis_enforcement"])
def test_multi_digit_numbers_typed_into_every_numeric_lever_keep_every_digit(app, role):
    """With a change already pending, each field keeps focus and every digit; no digit acts as a shortcut."""
    session = GameSession("diffusion_rule_2025", seed=3, role=role)
    main = start(app, MainScene(app, session))
    names = numeric_levers(session.role)
    assert names
    main.set_edit("transit_cooperation_boost", 0.2)  # a change already pending
    typed = {}
    for name in names:
        tab = next(t for t, levers in LEVER_GROUPS if name in levers)
        main.set_tab(tab)
        app.pump(2)
        main.panel_scroll = next(i for i, n in enumerate(main._levers_in_tab()) if n == name)
        main.rebuild_panel()
        app.pump(1)
        entry = next(w for w, n in main._entry_lever.items() if n == name and w.alive())
        text = typed_value(LEVERS[name])
        type_keys(app, entry, text)
        entry = next(w for w, n in main._entry_lever.items() if n == name and w.alive())
        assert entry.get_text() == text and entry.is_focused, name
        assert main.edits[name] == text, name
        assert app.sim.speed in (0, 1) and session.month == 0, f"a digit typed into {name} acted as a shortcut"
        typed[name] = text
    click(app, button(app, "Apply now"))
    assert main.status[0].startswith("Ordered:"), main.status[0]
    sent = session.commands[-1].command.levers
    for name, text in typed.items():
        assert sent[name] == pytest.approx(float(text)), name
    if "deal" in session.role.commands:  # the deal size on the Country tab, while the clock runs
        main.select_country("ARE")
        app.pump(2)
        type_keys(app, main.deal_entry, "250")
        main.advance()  # a month passes mid-number and the panel is rebuilt
        main.rebuild_panel()
        app.pump(2)
        type_keys(app, main.deal_entry, "000", fresh=False)
        assert main.deal_entry.get_text() == "250000" and main.deal_entry.is_focused
        click(app, button(app, "Grant deal"))
        assert session.commands[-1].command.h100e_per_year == 250000


def test_only_roles_with_numeric_levers_type_numbers():
    assert not numeric_levers(GameSession("diffusion_rule_2025", seed=1, role="tier2_government", country="IND").role)


def test_arrows_move_within_the_pickers_lists(app):
    picker = start(app, PickerScene(app))
    first = picker.index
    key(app, pygame.K_DOWN)
    assert picker.index == (first + 1) % len(picker.names)
    key(app, pygame.K_UP)
    assert picker.index == first
    key(app, pygame.K_RIGHT)
    assert picker.role == "bis_enforcement"
    key(app, pygame.K_RIGHT)
    assert picker.role == "tier2_government"
    country = picker.country_i
    key(app, pygame.K_RIGHT, mod=pygame.KMOD_SHIFT)
    assert picker.country_i == country + 1 and picker.role == "tier2_government"
    key(app, pygame.K_LEFT)
    assert picker.role == "bis_enforcement"
    key(app, pygame.K_RETURN)
    assert isinstance(app.top, BriefingScene) and app.top.session.role.id == "bis_enforcement"


def test_short_role_names_are_accepted_and_listed(tmp_path):
    from game.session import make_role

    assert make_role("us").id == "us_commerce" and make_role("enforcement").id == "bis_enforcement"
    assert make_role("tier2", country="IND").id == "tier2_government"
    with pytest.raises(ValueError, match=r"us_commerce \(us, commerce\)"):
        make_role("president")


def test_an_idle_screen_drops_to_a_low_frame_rate_and_wakes_on_input(app, monkeypatch):
    """A static screen should not redraw 60 times a second (it kept a CPU core 45% busy)."""
    from game.ui import app as app_module

    start(app, TitleScene(app))
    asked = []

    class FakeClock:
        def tick(self, fps):
            asked.append(fps)
            if len(asked) == 80:  # a second at 60 frames, then some at the idle rate
                pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(5, 5), rel=(1, 1), buttons=(0, 0, 0)))
            if len(asked) == 90:
                pygame.event.post(pygame.event.Event(pygame.QUIT))
            return 1000 // fps

    monkeypatch.setattr(app, "clock", FakeClock())
    monkeypatch.setattr(app, "running", True)
    app.run()
    assert asked[0] == app_module.FPS  # just after the screen opened
    assert set(asked[65:80]) == {app_module.IDLE_FPS}  # nothing moved for a second
    assert asked[81] == app_module.FPS  # the mouse moved: full rate again
    app.sim.set_speed(1)
    assert app.busy()


@pytest.mark.parametrize("size, scale", [((1280, 720), 1.0), ((1280, 720), 1.25), ((1600, 900), 1.5),
                                         ((1920, 1080), 1.0)])
def test_every_lever_is_visible_or_reachable_by_a_visible_scroll_bar(home, size, scale):
    pygame.display.init()
    pygame.font.init()
    app = App(size=size, settings=Settings(ui_scale=scale, width=size[0], height=size[1]), persist_settings=False)
    try:
        session = GameSession("diffusion_rule_2025", seed=1)
        main = start(app, MainScene(app, session))
        for tab, levers in LEVER_GROUPS:
            main.set_tab(tab)
            app.pump(1)
            seen = set()
            for _ in range(20):
                seen |= {n for n, rect in main._rows if main.L.panel.contains(rect)}
                bar = main.panel_scrollbar()
                if bar is None:
                    break
                track, thumb = bar
                assert main.L.panel.contains(track) and thumb.h >= 4
                if thumb.bottom >= track.bottom - 1:
                    break
                click_at(app, (track.centerx, track.bottom - 2))
            assert set(levers) <= seen, (tab, scale, set(levers) - seen)
            if "rescind" in session.role.commands and tab == "Tier 2 rule":
                rescind = [b for b in buttons(app) if b.text.startswith("Rescind")]
                assert rescind and main.L.panel.contains(rescind[0].rect), scale
    finally:
        pygame.display.quit()


def click_at(app, pos, frames=2):
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
    app.pump(frames)


def test_the_pickers_scenario_text_scrolls_instead_of_being_cut_at_125_percent(home):
    pygame.display.init()
    pygame.font.init()
    app = App(size=(1280, 720), settings=Settings(ui_scale=1.25), persist_settings=False)
    try:
        picker = start(app, PickerScene(app))
        key(app, pygame.K_RIGHT)
        key(app, pygame.K_RIGHT)  # Tier 2 government: the longest role text, the least room
        box = picker.text_scroll
        assert box.max_offset > 0 and box.rect.bottom < picker.plan()["header"]
        for _ in range(30):
            if box.offset >= box.max_offset:
                break
            key(app, pygame.K_PAGEDOWN)
        assert box.offset == box.max_offset  # the end, with "What you will learn", is reachable
        assert picker.index == picker.names.index("diffusion_rule_2025")  # PgDn scrolls text, not the list
    finally:
        pygame.display.quit()


def test_a_greyed_ui_scale_says_why_on_the_screen(app):
    settings = start(app, SettingsScene(app))
    assert "150% need a bigger window than this one (1280x720)" in settings.unavailable()
    grey = [b for b in buttons(app, "150%") if not b.is_enabled]
    assert grey


def test_the_whole_news_history_stays_reachable_by_scrolling(app):
    session = GameSession("diffusion_rule_2025", seed=1)
    for _ in range(30):
        session.advance_month()
    main = start(app, MainScene(app, session))
    assert len(main._news_rows) < len(session.news)
    pygame.mouse.set_pos(main.L.news.center)
    for _ in range(len(session.news)):
        if 0 in [n for _, n in main._news_rows]:
            break
        main._wheel(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-1))
        app.pump(1)
    assert 0 in [n for _, n in main._news_rows]  # the oldest item


def test_the_hover_panel_never_covers_the_map_legend(app):
    session = GameSession("diffusion_rule_2025", seed=1)
    main = start(app, MainScene(app, session))
    legend = main.legend_rect()
    for pos in (legend.center, legend.topright, (legend.right + 5, legend.bottom - 5), main.L.map.bottomleft):
        main.mouse = pos
        for n in (4, 9, 14):
            r = main.hover_rect(n)
            assert not r.colliderect(legend), (pos, n, r, legend)


def test_branch_here_saves_the_game_and_plays_on_from_the_month_looked_at(app, home, no_events):
    session = GameSession("diffusion_rule_2025", seed=2)
    main = start(app, MainScene(app, session))
    click(app, button(app, "Enforcement"))
    click(app, [w for w, n in main._widget_lever.items() if n == "enforcement_budget_usd" and w.text == "+"][0])
    click(app, button(app, "Apply now"))
    for _ in range(8):
        key(app, pygame.K_n)
    for _ in range(3):
        key(app, pygame.K_LEFTBRACKET)
    assert main.cursor == 5
    click(app, button(app, "Branch here"))  # by mouse; B does the same by keyboard
    branch = app.top
    assert isinstance(branch, MainScene) and branch is not main
    assert branch.session.month == 5 and len(branch.session.commands) == 1
    assert branch.session.view.metrics == session.views[5].metrics  # the same world at that month
    assert session.file is not None and session.file.exists()  # the original was saved first
    assert "A branch from" in branch.status[0]
    key(app, pygame.K_n)
    saved = branch.session.save()
    assert saved != session.file and GameSession.load(session.file).month == 8
    assert json.loads(saved.read_text())["branch"] == {"from": session.file.name, "at": 5}  # in the same folder


def test_the_menu_offers_a_what_if_branch_by_keyboard(app, home, no_events):
    session = GameSession("diffusion_rule_2025", seed=2)
    main = start(app, MainScene(app, session))
    key(app, pygame.K_ESCAPE)  # the menu
    key(app, pygame.K_b)
    assert isinstance(app.top, PauseScene) and "Play a month first" in app.top.status  # nothing to branch from yet
    key(app, pygame.K_ESCAPE)
    for _ in range(4):
        key(app, pygame.K_n)
    key(app, pygame.K_ESCAPE)
    click(app, button(app, "What if? Branch from a month"))
    assert app.top is main and main.cursor == 3 and "Branch here" in main.status[0]
    key(app, pygame.K_LEFTBRACKET)
    key(app, pygame.K_b)
    assert isinstance(app.top, MainScene) and app.top is not main and app.top.session.month == 2


def test_a_tier2_government_sets_its_policies_from_the_policy_tab(app):
    session = GameSession("diffusion_rule_2025", seed=1, role="tier2_government", country="IND")
    main = start(app, MainScene(app, session))
    plus = [b for b in buttons(app, "+") if getattr(b, "_focus_key", "") == "transit_enforcement+"][0]
    click(app, plus)
    click(app, [b for b in buttons(app, "+") if getattr(b, "_focus_key", "") == "transit_enforcement+"][0])
    assert main.status[0].startswith("Ordered: India's own policy: Transit enforcement 0.2")
    click(app, [b for b in buttons(app) if getattr(b, "_focus_key", "") == "host_uveu_sites"][0])  # On -> Off
    key(app, pygame.K_n)
    i = session.view.codes.index("IND")
    assert session.view.transit_enforcement[i] == pytest.approx(0.2)
    assert session.view.policies["host_uveu_sites"][i] == 0.0
    assert any(b.text == "0.2" for b in buttons(app))
    assert {g.key: g.value for g in session.score.goals}["cost"] == pytest.approx(0.5 - 0.2 * 300e6 / 600e6)


def test_a_tier3_government_plays_from_its_policy_tab(app):
    session = GameSession("diffusion_rule_2025", seed=1, role="tier3_government")
    main = start(app, MainScene(app, session))
    assert main.tab == "Policy" and main.selected == "CHN"
    assert [name for name, _ in main._rows] == list(session.role.policies)
    sub = session.view.policies["subsidy_usd_per_year"][session.view.codes.index("CHN")]
    click(app, [b for b in buttons(app, "+") if getattr(b, "_focus_key", "") == "subsidy_usd_per_year+"][0])
    click(app, [b for b in buttons(app) if getattr(b, "_focus_key", "") == "block_export_variants"][0])
    assert [c.policies for c in session.queued()] == [{"subsidy_usd_per_year": sub + 5e9,
                                                      "block_export_variants": True}]  # one order a month
    key(app, pygame.K_n)
    i = session.view.codes.index("CHN")
    assert session.view.policies["block_export_variants"][i] == 1.0
    assert [b.text for b in buttons(app) if getattr(b, "_focus_key", "") == "block_export_variants"] == ["On"]
    # a policy never ordered is still its advisers' (the government's bot sets it)
    assert [b.text for b in buttons(app) if getattr(b, "_focus_key", "") == "export_domestic_chips"] == ["On (advisers)"]
