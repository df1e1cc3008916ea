"""Files name paths only inside their own folder (or the shipped library): team ids, guides, saves, extends.

Each refusal is one message naming the file, the key and what was expected; the CLI exits with 2 and
writes nothing outside the folder.
"""

import json
from pathlib import Path

import pytest

from agents.scenario import SCENARIO_DIR, ScenarioError, load_raw, load_scenario
from game.classroom import HotSeat, LessonError, load_lesson, new_class, read_class
from game.cli import main
from game.session import GameSession, SaveError, replay

LESSON = """
[lesson]
title = "Tiny lesson"
scenario = "diffusion_rule_2025"
seed = 5
rounds = 2
months_per_round = 2
{guide}

[teams.red]
name = "Red"
role = "us_commerce"
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# ---------------------------------------------------------------------------
# team ids in class.json


@pytest.fixture
def klass(tmp_path, monkeypatch):
    monkeypatch.setenv("SILICON_CURTAIN_HOME", str(tmp_path / "home"))
    out = tmp_path / "deep" / "er" / "class"
    new_class(load_lesson(write(tmp_path / "tiny.toml", LESSON.format(guide=""))), out)
    return out


@pytest.mark.parametrize("bad", ["../../x", "/tmp/x", "Red Team", "", 7, None])
def test_a_team_id_in_class_json_is_checked_again_when_read(klass, bad):
    info = json.loads((klass / "class.json").read_text())
    info["teams"][0]["id"] = bad
    (klass / "class.json").write_text(json.dumps(info))
    with pytest.raises(LessonError) as exc:
        read_class(klass)
    assert exc.value.problems == [f"{klass / 'class.json'}:teams[0].id: expected an id of lower-case letters, "
                                  f"digits or _ (it names a file), got {bad!r}"]


def test_class_play_and_report_refuse_a_team_id_that_is_a_path(klass, tmp_path, capsys):
    info = json.loads((klass / "class.json").read_text())
    info["teams"][0]["id"] = "../../x"
    (klass / "class.json").write_text(json.dumps(info))
    (klass / "teams" / "red.json").rename(klass.parent.parent / "x.json")  # where the id points
    with pytest.raises(LessonError):
        HotSeat(klass)
    assert main(["class", "play", str(klass)]) == 2
    assert main(["class", "report", str(klass), "--out", str(tmp_path / "debrief")]) == 2
    err = capsys.readouterr().err
    assert err.count("teams[0].id: expected an id of lower-case letters") == 2 and "Traceback" not in err
    assert not (tmp_path / "debrief" / "index.html").exists()


# ---------------------------------------------------------------------------
# a lesson's guide


@pytest.mark.parametrize("guide", ["/etc/hostname", "../secret.md", "sub/../../secret.md"])
def test_a_lesson_guide_outside_the_lessons_folder_is_refused(tmp_path, guide, capsys):
    write(tmp_path / "secret.md", "not for students")
    lesson = write(tmp_path / "lessons" / "l.toml", LESSON.format(guide=f'guide = "{guide}"'))
    with pytest.raises(LessonError) as exc:
        load_lesson(lesson)
    assert exc.value.problems == [f"{lesson}:lesson.guide: expected a file in the lesson's folder "
                                  f"({lesson.parent}), got {guide!r}"]
    assert main(["class", "new", str(lesson), "--out", str(tmp_path / "class")]) == 2
    assert "lesson.guide: expected a file in the lesson's folder" in capsys.readouterr().err
    assert not (tmp_path / "class" / "teacher_guide.md").exists()


def test_a_lesson_guide_in_a_subfolder_of_the_lesson_is_copied(tmp_path, monkeypatch):
    monkeypatch.setenv("SILICON_CURTAIN_HOME", str(tmp_path / "home"))
    write(tmp_path / "lessons" / "guides" / "g.md", "# Guide\n")
    lesson = write(tmp_path / "lessons" / "l.toml", LESSON.format(guide='guide = "guides/g.md"'))
    new_class(load_lesson(lesson), tmp_path / "class")
    assert (tmp_path / "class" / "teacher_guide.md").read_text() == "# Guide\n"


# ---------------------------------------------------------------------------
# a save's scenario


def _save_with_scenario(path: Path, scenario: str) -> Path:
    data = GameSession("no_controls", seed=1).to_save()
    data["scenario"] = scenario
    data.pop("check")
    return write(path, json.dumps(data))


@pytest.mark.parametrize("scenario", ["../outside.toml", "/etc/outside.toml", "sub/../../outside.toml"])
def test_a_save_naming_a_scenario_outside_its_folder_is_refused(tmp_path, scenario, capsys):
    write(tmp_path / "outside.toml", f'extends = "{SCENARIO_DIR / "no_controls.toml"}"\n')
    save = _save_with_scenario(tmp_path / "saves" / "s.json", scenario)
    with pytest.raises(SaveError) as exc:
        GameSession.load(save)
    assert str(exc.value) == (f"{save}:scenario: expected a shipped scenario name or a .toml file in the "
                              f"save's folder ({save.parent}), got {scenario!r}")
    assert main(["replay", str(save), "--out", str(tmp_path / "r.csv")]) == 2
    assert "expected a shipped scenario name or a .toml file" in capsys.readouterr().err
    assert not (tmp_path / "r.csv").exists()


def test_a_save_names_its_own_scenario_file_relative_to_its_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "mine" / "my.toml", f'extends = "{SCENARIO_DIR / "no_controls.toml"}"\n')
    session = GameSession("mine/my.toml", seed=1)
    session.advance_month()
    save = session.save(tmp_path / "mine" / "s.json")
    assert json.loads(save.read_text())["scenario"] == "my.toml"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the save's folder, not the working folder, locates the scenario
    assert len(replay(save)) == 2
    # a shipped scenario given by path is saved by name
    shipped = GameSession(str(SCENARIO_DIR / "no_controls.toml"), seed=1).save(tmp_path / "t.json")
    assert json.loads(shipped.read_text())["scenario"] == "no_controls"


# ---------------------------------------------------------------------------
# a scenario's extends


def test_extends_resolves_against_the_childs_folder_not_the_working_folder(tmp_path, monkeypatch):
    write(tmp_path / "mine" / "sub" / "p.toml", 'extends = "no_controls"\n[world]\nutilisation = 0.5\n')
    child = write(tmp_path / "mine" / "c.toml", 'extends = "sub/p.toml"\n')
    write(tmp_path / "sub" / "p.toml", 'extends = "no_controls"\n[world]\nutilisation = 0.9\n')  # a decoy
    monkeypatch.chdir(tmp_path)
    assert load_scenario(child).world.utilisation == 0.5
    assert load_scenario(Path("mine/c.toml")).world.utilisation == 0.5


@pytest.mark.parametrize("parent", ["../p.toml", "sub/../../p.toml", "/etc/p.toml"])
def test_extends_outside_the_childs_folder_is_refused(tmp_path, parent, capsys):
    write(tmp_path / "p.toml", 'extends = "no_controls"\n')
    child = write(tmp_path / "mine" / "c.toml", f'extends = "{parent}"\n')
    with pytest.raises(ScenarioError) as exc:
        load_raw(child)
    assert exc.value.problems == [f"{child}:extends: expected a scenario name or a .toml file in the file's "
                                  f"folder ({child.parent}), got {parent!r}"]
    assert main(["run", str(child), "--months", "1", "--quiet"]) == 2
    assert f"{child}:extends: expected a scenario name or a .toml file" in capsys.readouterr().err


def test_extends_may_name_a_shipped_scenario_by_path(tmp_path):
    child = write(tmp_path / "c.toml", f'extends = "{SCENARIO_DIR / "no_controls.toml"}"\n')
    assert load_scenario(child).name == "c"


# ---------------------------------------------------------------------------
# a sweep's scenario


SWEEP = """
[sweep]
scenario = "{scenario}"
months = 2
[design]
kind = "grid"
seeds = 1
[levers.enforcement_budget_usd]
values = [1e8, 2e8]
"""


def test_a_sweep_reads_its_scenario_from_its_own_folder(tmp_path, monkeypatch):
    from game.batch import load_sweep

    write(tmp_path / "study" / "s.toml", f'extends = "{SCENARIO_DIR / "no_controls.toml"}"\n')
    sweep = write(tmp_path / "study" / "sweep.toml", SWEEP.format(scenario="s.toml"))
    monkeypatch.chdir(tmp_path)
    assert load_sweep(sweep).scenario == str(tmp_path / "study" / "s.toml")


@pytest.mark.parametrize("scenario", ["../s.toml", "/etc/s.toml"])
def test_a_sweep_naming_a_scenario_outside_its_folder_is_refused(tmp_path, scenario):
    from game.batch import SweepError, load_sweep

    write(tmp_path / "s.toml", f'extends = "{SCENARIO_DIR / "no_controls.toml"}"\n')
    sweep = write(tmp_path / "study" / "sweep.toml", SWEEP.format(scenario=scenario))
    with pytest.raises(SweepError) as exc:
        load_sweep(sweep)
    assert f"{sweep}:sweep.scenario: expected a scenario name or a .toml file in the sweep's folder " \
           f"({sweep.parent}), got {scenario!r}" in exc.value.problems
