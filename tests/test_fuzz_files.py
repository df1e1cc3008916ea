"""Every file kind, mutated at random (hypothesis): each command ends in a result or one message, never a traceback.

A line of a real file gets a wrong value (a string, a huge or negative
number, a table, a list, NaN, a path), is dropped or cut in half; saves and
class.json get a wrong value at a random key. The corpus of named cases is
in test_bad_inputs.py; this finds the classes nobody listed.
"""

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.cli import main

ROOT = Path(__file__).resolve().parent.parent
VALUES = ['"x"', "-1", "1e308", "-1e308", "nan", "inf", "0", "[1, 2]", "{a = 1}", "true", "99999999999999999999999",
          '""', "[[1]]", "1.5", '"../../etc/passwd"', '"/etc/hostname"', "[]"]
JSON_VALUES = ["x", -1, 1e308, None, [1], {"a": 1}, True, 10 ** 30, "", "../x", []]
FUZZ = settings(max_examples=8, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def run_cli(args):
    """(exit code, stderr) of the CLI in this process; any other exception fails the test."""
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code
    return code, err.getvalue()


def assert_one_message(code, err, allowed=(0, 2)):
    assert code in allowed, err
    if code == 2:  # one message (a file's message lists each of its problems on a line of its own)
        first = err.strip().splitlines()[0]
        assert first.startswith(("silicon-curtain: error:", "usage:")), err
        assert "Traceback" not in err


@st.composite
def mutated_toml(draw, text):
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["value", "value", "drop", "half", "insert"]))
        if op == "value" and "=" in lines[i] and not lines[i].lstrip().startswith("#"):
            lines[i] = lines[i].split("=", 1)[0] + "= " + draw(st.sampled_from(VALUES))
        elif op == "drop" and len(lines) > 1:
            del lines[i]
        elif op == "half":
            lines[i] = lines[i][: len(lines[i]) // 2]
        else:
            lines.insert(i, draw(st.sampled_from(["[x]", "foo = 1", "= 3", "[meta", "[[teams]]"])))
    return "\n".join(lines) + "\n"


@st.composite
def mutated_json(draw, data):
    data = json.loads(json.dumps(data))
    node = data
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        k = draw(st.sampled_from(keys))
        if isinstance(node[k], (dict, list)) and node[k] and draw(st.booleans()):
            node = node[k]
            continue
        node[k] = draw(st.sampled_from(JSON_VALUES))
        break
    return data


SCENARIO = (ROOT / "scenarios" / "diffusion_rule_2025.toml").read_text()
SWEEP = (ROOT / "sweeps" / "enforcement.toml").read_text()
LESSON = (ROOT / "lessons" / "diffusion_and_stockpiling.toml").read_text()


@FUZZ
@given(text=mutated_toml(SCENARIO))
def test_a_mutated_scenario_is_run_or_refused_in_one_message(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("scenario")
    shutil.copy(ROOT / "scenarios" / "_world.toml", folder / "_world.toml")
    (folder / "s.toml").write_text(text)
    assert_one_message(*run_cli(["validate", folder / "s.toml"]), allowed=(0, 1, 2))
    code, err = run_cli(["run", folder / "s.toml", "--months", "2", "--out", folder / "o.csv"])
    assert_one_message(code, err)
    assert (folder / "o.csv").exists() == (code == 0)  # nothing written when refused


@FUZZ
@given(text=mutated_toml(SWEEP))
def test_a_mutated_sweep_is_planned_or_refused_in_one_message(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("sweep")
    (folder / "sw.toml").write_text(text)
    assert_one_message(*run_cli(["batch", folder / "sw.toml", "--plan"]))


@FUZZ
@given(text=mutated_toml(LESSON))
def test_a_mutated_lesson_makes_a_class_or_is_refused_in_one_message(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("lesson")
    shutil.copy(ROOT / "lessons" / "diffusion_and_stockpiling.md", folder / "diffusion_and_stockpiling.md")
    (folder / "l.toml").write_text(text)
    code, err = run_cli(["class", "new", folder / "l.toml", "--out", folder / "class"])
    assert_one_message(code, err)
    assert (folder / "class").exists() == (code == 0)


@pytest.fixture(scope="module")
def a_save(tmp_path_factory):
    from game.session import GameSession

    session = GameSession("diffusion_rule_2025", seed=1)
    session.advance_month()
    path = session.save(tmp_path_factory.mktemp("save") / "base.json")
    return json.loads(Path(path).read_text())


@FUZZ
@given(data=st.data())
def test_a_mutated_save_replays_or_is_refused_in_one_message(tmp_path_factory, a_save, data):
    folder = tmp_path_factory.mktemp("replay")
    (folder / "s.json").write_text(json.dumps(data.draw(mutated_json(a_save))))
    code, err = run_cli(["replay", folder / "s.json", "--out", folder / "o.csv"])
    assert_one_message(code, err)


@pytest.fixture(scope="module")
def a_class(tmp_path_factory):
    out = tmp_path_factory.mktemp("class") / "class"
    assert run_cli(["class", "new", "diffusion_and_stockpiling", "--out", out])[0] == 0
    return json.loads((out / "class.json").read_text())


@FUZZ
@given(data=st.data())
def test_a_mutated_class_json_is_read_or_refused_with_the_key(a_class, data):
    from game.classroom import LessonError, class_problem

    mutated = data.draw(mutated_json(a_class))
    problem = class_problem(mutated)
    if problem is None:  # accepted: every key the report reads has the type it needs
        assert all(isinstance(q, str) for q in mutated.get("questions", []))
        assert all(isinstance(t["name"], str) and isinstance(t["id"], str) for t in mutated["teams"])
        assert isinstance(mutated["rounds"], int) and isinstance(mutated["title"], str)
    else:
        assert ": " in problem and problem.split(":")[0]  # names the key
    assert LessonError
