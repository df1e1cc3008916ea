"""Lesson restrictions in a team's save, and hot-seat classroom play (teams take turns on one computer)."""

import json

import pygame
import pytest

from agents import commands as cmd
from game.classroom import HotSeat, load_lesson, new_class
from game.cli import main
from game.session import GameSession, LessonRules, SaveError, check_header, read_save

TINY = """
[lesson]
title = "Tiny lesson"
scenario = "diffusion_rule_2025"
seed = 5
rounds = 2
months_per_round = 2
open_levers = ["enforcement_budget_usd", "lpp_limit_h100e"]

[teams.red]
name = "Red"
role = "us_commerce"

[teams.blue]
name = "Blue"
role = "us_commerce"
"""

RULES = LessonRules("Tiny lesson", ("enforcement_budget_usd", "lpp_limit_h100e"), 2, 2)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SILICON_CURTAIN_HOME", str(tmp_path / "home"))
    lesson = tmp_path / "tiny.toml"
    lesson.write_text(TINY)
    out = tmp_path / "class"
    new_class(load_lesson(lesson), out)
    return out


def team_file(folder, team):
    return folder / "teams" / f"{team}.json"


# ---------------------------------------------------------------------------
# lesson restrictions in the save


def test_a_teams_starting_save_carries_the_lessons_constraints(folder):
    data = json.loads(team_file(folder, "red").read_text())
    assert data["version"] == 1 and data["month"] == 0
    assert data["team"] == {"id": "red", "name": "Red"}
    assert data["lesson"] == {"title": "Tiny lesson", "open_levers": ["enforcement_budget_usd", "lpp_limit_h100e"],
                              "rounds": 2, "months_per_round": 2}


def test_lesson_constraints_survive_a_save_and_load_round_trip(folder):
    path = team_file(folder, "red")
    session = GameSession.load(path)
    assert session.lesson == RULES and session.team == {"id": "red", "name": "Red"}
    assert session.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 9e8})).ok
    session.advance_month()
    assert session.save() == path  # loaded from a file: saved back to it by default
    assert not list(path.parent.glob(".*.tmp"))  # written atomically: no temporary file left behind
    again = GameSession.load(path)
    assert again.lesson == RULES and again.team == {"id": "red", "name": "Red"}
    assert again.month == 1 and [p.month for p in again.commands] == [0]
    assert again.to_save()["lesson"] == session.to_save()["lesson"]


def test_a_new_game_saves_to_a_new_file_in_the_saves_folder(folder, tmp_path):
    session = GameSession("diffusion_rule_2025", seed=1)
    path = session.save()
    assert path.parent == tmp_path / "home" / "saves"
    assert "lesson" not in json.loads(path.read_text()) and "team" not in json.loads(path.read_text())


def test_the_policy_offers_only_open_levers_and_refuses_closed_ones_with_a_reason(folder):
    session = GameSession.load(team_file(folder, "red"))
    assert set(session.levers) == {"lpp_limit_h100e", "enforcement_budget_usd"}
    result = session.submit(cmd.SetLevers(levers={"controlled_tpp": 2000.0, "enforcement_budget_usd": 9e8}))
    assert not result.ok
    assert result.reason == ('the lesson "Tiny lesson" keeps Control threshold (TPP) closed '
                             "(open levers: Licence-free allowance (LPP), Enforcement budget)")
    assert session.commands == []
    late = session.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 9e8}, effective_month=4))
    assert (late.ok, late.reason) == (False, "the lesson ends at 2025-05: announce for 2025-04 at the latest")
    assert session.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 9e8}, effective_month=3)).ok
    enforcement = GameSession("diffusion_rule_2025", seed=5, role="bis_enforcement")
    enforcement.lesson = RULES
    assert enforcement.levers == ("enforcement_budget_usd",)  # the role's levers, narrowed by the lesson


def test_the_session_pauses_at_round_ends_and_stops_at_the_last_round(folder):
    session = GameSession.load(team_file(folder, "red"))
    seen = []
    while not session.finished:
        session.advance_month()
        seen.append((session.month, session.at_round_end, session.round))
    assert seen == [(1, False, 1), (2, True, 2), (3, False, 2), (4, True, 2)]
    assert session.end_month == 4 and session.horizon == 72
    with pytest.raises(RuntimeError):
        session.advance_month()
    result = session.submit(cmd.SetLevers(levers={"enforcement_budget_usd": 9e8}))
    assert (result.ok, result.reason) == (False, "the lesson's last round is over: no more orders")


def test_saves_without_lesson_keys_still_load_and_corrupt_ones_are_still_refused(folder, tmp_path):
    data = json.loads(team_file(folder, "red").read_text())
    plain = {k: v for k, v in data.items() if k not in ("lesson", "team")}
    session = GameSession.from_save(plain)
    assert session.lesson is None and session.team is None and session.end_month == 72
    for bad, key in (({**data, "lesson": {**data["lesson"], "rounds": 0}}, "lesson.rounds"),
                     ({**data, "lesson": {**data["lesson"], "open_levers": ["warp"]}}, "lesson.open_levers[0]"),
                     ({**data, "lesson": "all"}, "lesson"),
                     ({**data, "team": ["red"]}, "team"),
                     ({**data, "version": 2}, "version")):
        with pytest.raises(SaveError) as info:
            check_header(bad, "x.json")
        assert info.value.key == key
    truncated = tmp_path / "truncated.json"
    truncated.write_text(team_file(folder, "red").read_text()[:40])
    with pytest.raises(SaveError, match="truncated or corrupt"):
        read_save(truncated)


# ---------------------------------------------------------------------------
# hot-seat


def play_turn(seat, levers):
    team = seat.current
    session = seat.load(team)
    assert session.month == seat.month_of(team)
    if levers:
        assert session.submit(cmd.SetLevers(levers=levers)).ok
    target = seat.target_month(team)
    while session.month < target:
        session.advance_month()
    assert session.at_round_end
    seat.end_turn(session)
    return team.id, target


def test_hot_seat_turns_go_team_by_team_round_by_round(folder):
    seat = HotSeat(folder)
    assert [t.id for t in seat.teams] == ["red", "blue"] and seat.round == 1
    turns = []
    red = {"enforcement_budget_usd": 2e9}
    blue = {"lpp_limit_h100e": 100.0}
    for levers in (red, blue, None, None):
        turns.append((seat.round,) + play_turn(seat, levers))
    assert turns == [(1, "red", 2), (1, "blue", 2), (2, "red", 4), (2, "blue", 4)]
    assert seat.finished and seat.current is None and seat.round == 2
    assert seat.months() == {"red": 4, "blue": 4}
    r, b = (GameSession.load(team_file(folder, t)) for t in ("red", "blue"))
    assert (r.views[0].metrics == b.views[0].metrics) and r.seed == b.seed == 5  # the same starting point
    assert [p.command.levers for p in r.commands] == [red] and [p.command.levers for p in b.commands] == [blue]
    assert r.view.levers["enforcement_budget_usd"] == 2e9 and b.view.levers["lpp_limit_h100e"] == 100.0
    assert r.view.metrics != b.view.metrics  # two branches


def test_a_team_save_from_another_class_is_refused_before_its_turn(folder):
    path = team_file(folder, "blue")
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "seed": 99}))
    seat = HotSeat(folder)
    with pytest.raises(SaveError, match="seed: expected 5, got 99"):
        seat.load(seat.teams[1])


def test_class_play_refuses_a_folder_that_is_not_a_class(tmp_path, capsys):
    assert main(["class", "play", str(tmp_path / "nowhere")]) == 2
    assert "no such class folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["class", "play", str(tmp_path / "empty")]) == 2
    assert "class.json" in capsys.readouterr().err


def test_class_play_opens_no_window_without_a_display_and_says_why(folder, capsys):
    assert main(["class", "play", str(folder)]) == 2  # SDL_VIDEODRIVER=dummy in the tests
    assert "shows no window" in capsys.readouterr().err


def test_preparing_a_class_never_imports_pygame(tmp_path):
    import subprocess
    import sys

    lesson = tmp_path / "tiny.toml"
    lesson.write_text(TINY)
    code = (f"import sys; from game.cli import main; main(['class', 'new', {str(lesson)!r}, '--out', "
            f"{str(tmp_path / 'c')!r}]); sys.exit(1 if 'pygame' in sys.modules else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------------------
# the class screen, driven from the keyboard


@pytest.fixture
def app(folder):
    from game.ui.app import App, Settings

    pygame.display.init()
    pygame.font.init()
    a = App(size=(1280, 720), settings=Settings(), persist_settings=False)
    yield a
    pygame.display.quit()


def key(app, k, frames=2):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=0, unicode="", scancode=0))
    app.pump(frames)


def test_the_class_screen_runs_turns_from_the_keyboard(app, folder, no_events):
    from game.ui.scenes.classroom import ClassScene, TurnScene

    seat = HotSeat(folder)
    scene = ClassScene(app, seat)
    app.reset(scene)
    app.pump(2)
    assert scene.current.id == "red" and scene.round == 1
    key(app, pygame.K_RETURN)  # the start button has the focus
    turn = app.top
    assert isinstance(turn, TurnScene) and turn.team.id == "red" and turn.session.month == 0
    assert set(turn._widget_lever.values()) <= {"enforcement_budget_usd", "lpp_limit_h100e"}
    assert turn.tabs[:2] == ["Tier 2 rule", "Enforcement"]  # the tabs with open levers come first
    key(app, pygame.K_n)
    assert turn.session.month == 1 and app.top is turn
    key(app, pygame.K_n, frames=3)  # the round's last month: the turn ends, the save is written
    assert app.top is scene
    assert seat.month_of(seat.teams[0]) == 2 and scene.current.id == "blue" and scene.round == 1
    assert "Red finished round 1" in scene.message
    key(app, pygame.K_RETURN)
    assert isinstance(app.top, TurnScene) and app.top.team.id == "blue"
    key(app, pygame.K_SPACE)  # play: the clock stops at the round's end by itself
    app.pump(150)
    assert app.top is scene and scene.round == 2 and scene.current.id == "red"
    assert seat.months() == {"red": 2, "blue": 2}
    for _ in range(2):  # round 2, both teams
        key(app, pygame.K_RETURN)
        key(app, pygame.K_n)
        key(app, pygame.K_n, frames=3)
    assert app.top is scene and scene.finished
    assert seat.months() == {"red": 4, "blue": 4}
    assert [b.text for b in scene.widgets] == ["Quit"]
    key(app, pygame.K_q)
    assert not app.running


def test_quitting_a_turn_from_its_menu_leaves_the_teams_save_unchanged(app, folder, no_events):
    from game.ui.scenes.classroom import ClassScene, TurnMenu, TurnScene

    before = team_file(folder, "red").read_text()
    scene = ClassScene(app, HotSeat(folder))
    app.reset(scene)
    app.pump(2)
    key(app, pygame.K_RETURN)
    assert isinstance(app.top, TurnScene)
    key(app, pygame.K_n)
    key(app, pygame.K_ESCAPE)
    assert isinstance(app.top, TurnMenu)
    labels = [getattr(w, "text", "") for w in app.top.widgets]
    assert "Abandon the turn" in labels
    assert "Load game" not in labels and "End game: debrief" not in labels  # the class decides when a turn ends
    key(app, pygame.K_q)
    assert app.top is scene and scene.current.id == "red"
    assert team_file(folder, "red").read_text() == before


def test_a_loaded_team_game_pauses_at_round_ends_then_ends_in_the_debrief(app, folder, no_events):
    from game.ui.scenes import DebriefScene, MainScene

    main = MainScene(app, GameSession.load(team_file(folder, "blue")))
    app.reset(main)
    app.pump(2)
    key(app, pygame.K_3)  # 4 months a second
    app.pump(60)
    assert main.session.month == 2 and app.sim.paused  # the end of round 1
    assert main.status[0] == "End of round 1 of 2: paused."
    key(app, pygame.K_SPACE)
    app.pump(200)
    assert main.session.month == 4 and main.session.finished
    assert isinstance(app.top, DebriefScene)
    path = main.session.save()
    assert path == team_file(folder, "blue") and read_save(path)["month"] == 4
