"""Classroom runs: lessons load and validate, teams play, the debrief compares them."""

import json
import shutil
from pathlib import Path

import pytest

from game.classroom import LESSON_DIR, LessonError, build_report, load_lesson, new_class
from game.cli import main
from game.session import GameSession
from support import play

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["diffusion_and_stockpiling", "smuggling_and_enforcement"])
def test_shipped_lessons_load_with_a_teachers_guide(name):
    lesson = load_lesson(name)
    assert len(lesson.teams) >= 2 and lesson.questions
    guide = (LESSON_DIR / lesson.guide).read_text()
    for heading in ("## Objectives", "## Timing", "## What to say in the debrief"):
        assert heading in guide


def write_lesson(tmp_path, body):
    path = tmp_path / "lesson.toml"
    path.write_text(body)
    return path


GOOD = """
[lesson]
title = "Test lesson"
scenario = "diffusion_rule_2025"
seed = 3
rounds = 2
months_per_round = 6
open_levers = ["enforcement_budget_usd", "lpp_limit_h100e"]

[teams.red]
name = "Red <b>team</b>"
role = "us_commerce"

[teams.blue]
name = "Blue"
role = "us_commerce"
"""


def test_bad_lesson_files_name_file_key_and_expectation(tmp_path):
    bad = write_lesson(tmp_path, GOOD.replace("seed = 3", 'seed = "three"').replace(
        'role = "us_commerce"\n\n[teams.blue]', 'role = "king"\n\n[teams.blue]').replace(
        '"lpp_limit_h100e"]', '"lpp_limit_h100e", "warp_drive"]').replace("rounds = 2", "rounds = 20"))
    with pytest.raises(LessonError) as info:
        load_lesson(bad)
    problems = "\n".join(info.value.problems)
    assert f"{bad}:lesson.seed: expected a whole number >= 0, got 'three'" in problems
    assert f"{bad}:teams.red.role: expected one of" in problems
    assert f"{bad}:lesson.open_levers[2]: unknown lever (expected one of: " in problems
    assert "rounds x months_per_round <= 72 (the scenario's length), got 20 x 6" in problems
    assert len(info.value.problems) == 4  # every problem at once


def test_lesson_that_runs_past_the_scenario_is_refused(tmp_path):
    bad = write_lesson(tmp_path, GOOD.replace("rounds = 2", "rounds = 13"))
    with pytest.raises(LessonError, match=r"rounds x months_per_round <= 72"):
        load_lesson(bad)


def test_tier2_team_needs_a_tier2_country(tmp_path):
    bad = write_lesson(tmp_path, GOOD + '\n[teams.gulf]\nname = "Gulf"\nrole = "tier2_government"\ncountry = "JPN"\n')
    with pytest.raises(LessonError, match=r"teams.gulf.country: expected a Tier 2 country"):
        load_lesson(bad)



@pytest.fixture(scope="module")
def played_class(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    lesson = load_lesson(write_lesson(tmp, GOOD))
    folder = tmp / "class"
    new_class(lesson, folder)
    red = play(folder / "teams" / "red.json", {"enforcement_budget_usd": 8e8, "lpp_limit_h100e": 200.0}, 12)
    blue = play(folder / "teams" / "blue.json", None, 12)
    return folder, red, blue


def test_new_class_writes_a_starting_save_per_team_and_refuses_to_overwrite(played_class, tmp_path):
    folder, _, _ = played_class
    info = json.loads((folder / "class.json").read_text())
    assert [t["id"] for t in info["teams"]] == ["red", "blue"]
    assert (folder / "handout.md").read_text().startswith("# Test lesson")
    with pytest.raises(FileExistsError):
        new_class(load_lesson(write_lesson(tmp_path, GOOD)), folder)


def test_report_shows_teams_different_outcomes_side_by_side(played_class, tmp_path):
    folder, red, blue = played_class
    assert red.view.metrics["smuggled_cum"] < blue.view.metrics["smuggled_cum"]
    page, teams = build_report(folder, tmp_path / "debrief", band_samples=2)
    text = page.read_text()
    assert "worlds drawn from the declared ranges" in text
    assert "Red &lt;b&gt;team&lt;/b&gt;" in text and "<b>team</b>" not in text  # names are text, not markup
    assert "Blue" in text and "Questions for discussion" in text
    assert text.count("data:image/png;base64,") == 6
    assert all((tmp_path / "debrief" / f"{m}.png").exists() for m in ("compute_adversary", "smuggled_cum"))
    assert "enforcement budget" in text.lower()  # red's decision on the timeline
    assert [t.problem for t in teams] == ["", ""]


def test_corrupt_missing_and_mismatched_saves_are_reported_and_the_rest_still_built(played_class, tmp_path):
    folder, _, _ = played_class
    copy = tmp_path / "class"
    import shutil

    shutil.copytree(folder, copy)
    (copy / "teams" / "blue.json").write_text('{"format": "silicon-curtain-save", "version": 1, "scen')
    page, teams = build_report(copy, tmp_path / "debrief", band_samples=0)
    by_id = {t.team.id: t for t in teams}
    assert "not valid JSON" in by_id["blue"].problem and by_id["red"].session is not None
    assert "Blue" in page.read_text() and "not valid JSON" in page.read_text()
    data = json.loads((copy / "teams" / "red.json").read_text())
    data["seed"] = 99
    (copy / "teams" / "red.json").write_text(json.dumps(data))
    (copy / "teams" / "blue.json").unlink()
    _, teams = build_report(copy, tmp_path / "debrief2", band_samples=0)
    by_id = {t.team.id: t for t in teams}
    assert by_id["red"].problem.startswith("seed: expected 3, got 99")
    assert by_id["blue"].problem == "no save handed in"


def test_a_teams_run_replays_headless_to_the_same_numbers(played_class):
    folder, red, _ = played_class
    again = GameSession.load(folder / "teams" / "red.json")
    assert again.view.metrics == red.view.metrics


def test_class_commands_from_the_cli(tmp_path, capsys):
    out = tmp_path / "c"
    assert main(["class", "new", str(write_lesson(tmp_path, GOOD)), "--out", str(out)]) == 0
    assert main(["class", "report", str(out), "--out", str(tmp_path / "d")]) == 0
    assert "wrote" in capsys.readouterr().out
    assert main(["class", "new", "no_such_lesson", "--out", str(tmp_path / "x")]) == 2
    assert "no such lesson file" in capsys.readouterr().err
    assert main(["class", "report", str(tmp_path / "nowhere"), "--out", str(tmp_path / "d")]) == 2


def test_the_report_reads_for_people_and_others_can_open_it(played_class, tmp_path):
    """Levers in words, unplayed teams marked, no file names as captions, files readable by the group."""
    folder, _, _ = played_class
    info = json.loads((folder / "class.json").read_text())
    fresh = tmp_path / "fresh"
    shutil.copytree(folder, fresh)
    new = tmp_path / "new"
    new_class(load_lesson(write_lesson(tmp_path, GOOD)), new)
    shutil.copy(new / "teams" / "blue.json", fresh / "teams" / "blue.json")
    page, _ = build_report(fresh, tmp_path / "debrief", band_samples=0)
    text = page.read_text()
    assert "not played yet" in text and ".png</figcaption>" not in text
    assert "Licence-free allowance (LPP) 200 H100e per buyer a year" in text  # red's order in words
    for f in (tmp_path / "debrief").iterdir():
        assert f.stat().st_mode & 0o044 == 0o044 & ~_umask(), f  # as readable as any file the user makes
    assert info["title"] in (fresh / "handout.md").read_text()
    assert "`" not in (fresh / "handout.md").read_text().split("## Teams")[0]  # no code names for levers


def _umask() -> int:
    from game.files import umask

    return umask()


def test_a_teams_goals_set_its_score_weights(tmp_path):
    """Hawks care less for revenue: the same hawkish play scores higher for them than for the doves."""
    from agents import commands as cmd
    from game.classroom import load_lesson, new_class
    from game.session import GameSession

    out = tmp_path / "class"
    new_class(load_lesson("diffusion_and_stockpiling"), out)
    totals = {}
    for team in ("hawks", "doves"):
        session = GameSession.load(out / "teams" / f"{team}.json")
        assert session.weights and session.score_at(0).total == pytest.approx(50.0)
        session.submit(cmd.SetLevers(levers={"variant_policy": "denied"}))
        for _ in range(12):
            session.advance_month()
        points = {g.key: g.weight for g in session.score.goals}
        assert sum(points.values()) == pytest.approx(100.0)
        totals[team] = session.score.total
        session.save()
        again = GameSession.load(out / "teams" / f"{team}.json")  # the weights travel with the team's save
        assert again.score.total == pytest.approx(totals[team])
    assert points == {"deny": 20, "lead": 20, "revenue": 35, "goodwill": 25}  # the doves' own
    assert totals["hawks"] > totals["doves"] + 2


@pytest.mark.parametrize("weights, needle", [
    ("{ deny = 50, profit = 50 }", "teams.hawks.weights: profit: unknown goal of us_commerce"),
    ("{ deny = -5 }", "teams.hawks.weights: deny: expected points from 0 to 100, got -5"),
    ("{ deny = 0, lead = 0 }", "teams.hawks.weights: expected a table of points per goal"),
    ('"lots"', "teams.hawks.weights: expected a table of points per goal"),
])
def test_bad_team_weights_in_a_lesson_name_the_key(tmp_path, weights, needle):
    from game.classroom import LessonError, load_lesson

    text = (ROOT / "lessons" / "diffusion_and_stockpiling.toml").read_text()
    text = text.replace("weights = { deny = 55, lead = 25, revenue = 10, goodwill = 10 }", f"weights = {weights}")
    (tmp_path / "diffusion_and_stockpiling.md").write_text("guide")
    (tmp_path / "l.toml").write_text(text)
    with pytest.raises(LessonError) as exc:
        load_lesson(tmp_path / "l.toml")
    assert any(needle in p for p in exc.value.problems), exc.value.problems


def test_each_teams_band_replays_its_own_orders_and_spreads(played_class):
    from game.classroom import collect_teams, read_class, team_bands

    folder, red, blue = played_class
    teams = [t for t in collect_teams(folder, read_class(folder)) if t.session is not None]
    bands = team_bands(teams, ["smuggled_cum", "compute_adversary"], samples=3)
    assert set(bands) == {"red", "blue"}
    for t in teams:
        q = bands[t.team.id].quantiles("smuggled_cum")
        assert q.shape[1] == t.session.month + 1, "the band runs to the month the team reached"
        assert (q[0] <= q[1]).all() and (q[1] <= q[2]).all() and q[2][-1] > q[0][-1]
    red_q, blue_q = bands["red"].quantiles("smuggled_cum"), bands["blue"].quantiles("smuggled_cum")
    assert not (red_q == blue_q).all(), "each team's orders are replayed, not one shared world"
