"""agents.checks: one wording for every file's problems, and the same mistake read the same everywhere."""

import json
import re

import pytest

from agents.checks import (REQUIRED, Bool, Integer, Invalid, ListOf, Nullable, Number, OneOf, Problems, Table, Text,
                           show)


def test_wrong_value_reads_file_key_expected_got():
    p = Problems("a.toml")
    assert p.check("world.x", "high", Number(0, 1)) is None
    assert p.messages() == ["a.toml:world.x: expected a number between 0 and 1, got 'high'"]


def test_missing_key_says_what_was_expected():
    p = Problems("a.toml")
    assert p.get({}, "lesson", "rounds", Integer(1, 24)) is None
    assert p.messages() == ["a.toml:lesson.rounds: missing (expected a whole number between 1 and 24)"]


def test_an_absent_optional_key_gives_its_default_and_no_problem():
    p = Problems("a.toml")
    assert p.get({}, "lesson", "minutes", Integer(10, 600), 90) == 90
    assert not p


def test_a_wrong_optional_key_is_reported_and_gives_its_default():
    p = Problems("a.toml")
    assert p.get({"minutes": "long"}, "lesson", "minutes", Integer(10, 600), 90) == 90
    assert len(p) == 1


def test_unknown_key_suggests_the_closest_known_one():
    p = Problems("a.toml")
    p.keys({"utilization": 0.4, "zzz": 1}, "world", ["utilisation", "rush_intensity"])
    assert p.messages() == ["a.toml:world.utilization: unknown key (did you mean 'utilisation'?)",
                            "a.toml:world.zzz: unknown key (expected one of: rush_intensity, utilisation)"]


def test_every_problem_of_a_file_is_collected_in_order():
    p = Problems("s.toml")
    table = {"a": "x", "b": True, "c": 5}
    p.get(table, "t", "a", Number())
    p.get(table, "t", "b", Integer())
    p.get(table, "t", "c", OneOf(("x", "y")))
    p.get(table, "t", "d", Text())
    assert p.messages() == ["s.toml:t.a: expected a number, got 'x'",
                            "s.toml:t.b: expected a whole number, got True",
                            "s.toml:t.c: expected one of 'x', 'y', got 5",
                            "s.toml:t.d: missing (expected a string)"]
    with pytest.raises(ValueError) as info:
        p.raise_if_any(ValueError)
    assert str(info.value).count("s.toml:") == 4


def test_ranges_name_their_ends_and_unit():
    assert Number(1, 1e6, "TPP").what == "a number between 1 and 1,000,000 TPP"
    assert Number(0, None, "USD").what == "a number >= 0 USD"
    assert Number(None, 5).what == "a number <= 5"
    assert Number(1e20, 1e32, "operations").what == "a number between 1e20 and 1e32 operations"
    assert Integer(1, 36, "months").what == "a whole number between 1 and 36 months"
    assert Number(0, 1).check(1.5) == (False, 1.5)
    assert Number(0, 1).check(1) == (True, 1.0)


@pytest.mark.parametrize("value", [True, False])
def test_true_and_false_are_not_numbers(value):
    assert not Number().check(value)[0]
    assert not Integer().check(value)[0]
    assert Bool().check(value)[0]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinity_are_refused(value):
    p = Problems("f.json")
    p.check("x", value, Number())
    assert p.messages() == [f"f.json:x: expected a number, got {value!r}"]


def test_whole_floats_only_where_asked():
    assert Integer().check(12.0) == (False, 12.0)
    assert Integer(whole_floats=True).check(12.0) == (True, 12)
    assert not Integer(whole_floats=True).check(12.5)[0]


def test_lists_tables_strings_and_null():
    assert ListOf(Text()).what == "a list of strings"
    assert ListOf(Number(0), nonempty=True).what == "a non-empty list of numbers >= 0"
    assert ListOf(Text()).check(["a", 1]) == (False, ["a", 1])
    assert ListOf(Number(), as_tuple=True).check([1, 2]) == (True, (1.0, 2.0))
    assert Table().check({"a": 1})[0] and not Table().check([1])[0]
    assert Text().check("x")[0] and not Text(nonempty=True).check("")[0]
    assert Nullable(Integer(0)).what == "a whole number >= 0 or null"
    assert Nullable(Integer(0)).check(None) == (True, None)
    assert OneOf(("a",)).check(["unhashable"]) == (False, ["unhashable"])


def test_long_values_are_cut_to_about_sixty_characters():
    text = show("x" * 500)
    assert len(text) == 60 and text.endswith("...")
    p = Problems("f.json")
    p.check("k", list(range(1000)), Text())
    assert len(p.messages()[0]) < len("f.json:k: expected a string, got ") + 61


def test_a_prefix_and_problems_found_elsewhere_are_placed_under_the_key():
    p = Problems("save.json", prefix="commands[2]")
    p.take(Invalid([("tier", "expected 1, 2 or 3, got 4")]))
    p.check(0, "x", Integer())
    assert p.messages() == ["save.json:commands[2].tier: expected 1, 2 or 3, got 4",
                            "save.json:commands[2][0]: expected a whole number, got 'x'"]
    assert REQUIRED is not None


# --------------------------------------------------------------------------
# the same mistake in five kinds of file reads the same

SHAPE = re.compile(r"^(?:--commands )?(?P<file>.+?):(?P<key>[\w.\[\]]+): expected (?P<what>a (?:whole )?number.*?), "
                   r"got 'lots'$")


def _one(lines: list[str], key: str) -> re.Match:
    hits = [m for m in (SHAPE.match(line) for line in lines) if m and m["key"].endswith(key)]
    assert hits, lines
    return hits[0]


def test_a_string_where_a_number_belongs_reads_the_same_in_every_kind_of_file(tmp_path):
    from agents.commands import from_dict
    from agents.scenario import SCENARIO_DIR, ScenarioError, load_scenario
    from game.batch import SweepError, load_sweep
    from game.classroom import LessonError, load_lesson
    from game.play_cli import read_commands
    from game.session import GameSession, SaveError
    from game.cli import UsageError

    found = {}
    scenario = tmp_path / "s.toml"
    scenario.write_text(f'extends = "{SCENARIO_DIR / "no_controls.toml"}"\n[world]\nutilisation = "lots"\n')
    with pytest.raises(ScenarioError) as e:
        load_scenario(scenario)
    found["scenario"] = _one(e.value.problems, "world.utilisation")

    sweep = tmp_path / "w.toml"
    sweep.write_text('[sweep]\nscenario = "no_controls"\nscale = "lots"\n[levers]\nlpp_limit_h100e = [1, 2]\n')
    with pytest.raises(SweepError) as e:
        load_sweep(sweep)
    found["sweep"] = _one(e.value.problems, "sweep.scale")

    lesson = tmp_path / "l.toml"
    lesson.write_text('[lesson]\ntitle = "t"\nscenario = "no_controls"\nseed = "lots"\nrounds = 1\n'
                      'months_per_round = 1\n[teams.a]\nname = "A"\n')
    with pytest.raises(LessonError) as e:
        load_lesson(lesson)
    found["lesson"] = _one(e.value.problems, "lesson.seed")

    save = tmp_path / "g.json"
    data = GameSession("no_controls", seed=1).to_save()
    data["commands"] = [{"month": 0, "kind": "deal", "country": "JPN", "h100e_per_year": "lots"}]
    save.write_text(json.dumps(data))
    with pytest.raises(SaveError) as e:
        GameSession.load(save)
    found["save"] = _one([str(e.value)], "commands[0].h100e_per_year")

    commands = tmp_path / "c.jsonl"
    commands.write_text(json.dumps({"month": 0, "kind": "deal", "country": "JPN", "h100e_per_year": "lots"}) + "\n")
    with pytest.raises(UsageError) as e:
        read_commands(commands)
    found["commands"] = _one([str(e.value)], "h100e_per_year")
    with pytest.raises(Invalid):
        from_dict({"kind": "deal", "country": "JPN", "h100e_per_year": "lots"})

    assert found["scenario"]["file"] == str(scenario)
    assert found["sweep"]["file"] == str(sweep)
    assert found["lesson"]["file"] == str(lesson)
    assert found["save"]["file"] == str(save)
    assert found["commands"]["file"] == f"{commands}:1"
    for m in found.values():
        assert m["what"].startswith(("a number", "a whole number"))
