"""A corpus of bad input (issue #12): every class gets one message naming the file or flag and the
key, exit code 2, no traceback, and nothing written (an existing file is left as it was).

CLI cases run in-process (``game.cli.main`` with capsys); hypothesis varies the values where the
class is "any value of the wrong type".
"""

import errno
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents import commands as cmd
from agents.scenario import ScenarioError, load_scenario
from game.cli import main

ROOT = Path(__file__).resolve().parent.parent
RULE = ROOT / "scenarios" / "diffusion_rule_2025.toml"
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

WRONG = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True),
                  st.text(max_size=8), st.lists(st.integers(), max_size=3),
                  st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))
"""Any JSON value: most are of the wrong type for any one field."""


def fails(argv, capsys, *needles, code=2):
    """Run the CLI in-process; it must exit ``code`` with one message naming ``needles``, no traceback."""
    try:
        got = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse: usage line + one error line
        got = exc.code
    err = capsys.readouterr().err
    assert got == code, err
    assert "Traceback" not in err
    assert err.count("error:") == 1, err
    for needle in needles:
        assert needle in err, (needle, err)
    return err


def snapshot(folder):
    return {p: p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------
# files that are not text, or nested thousands deep

NOT_UTF8 = b"[meta]\ntitle = \"caf\xe9\"\n"
DEEP_TOML = b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n"


@pytest.mark.parametrize("body, what", [(NOT_UTF8, "expected UTF-8 text"), (DEEP_TOML, "nested")])
def test_unreadable_toml_is_one_message_for_every_command(tmp_path, capsys, body, what):
    bad = tmp_path / "bad.toml"
    bad.write_bytes(body)
    out = tmp_path / "out.csv"
    fails(["run", bad, "--out", out], capsys, f"{bad}: not valid TOML", what)
    fails(["batch", bad, "--out", tmp_path / "b"], capsys, f"{bad}: not valid TOML", what)
    fails(["class", "new", bad, "--out", tmp_path / "c"], capsys, f"{bad}: not valid TOML", what)
    assert main(["validate", str(bad)]) == 1  # validate's contract: 1 for an invalid file
    assert what in capsys.readouterr().out
    assert not out.exists() and not (tmp_path / "b").exists() and not (tmp_path / "c").exists()


def test_a_deeply_nested_set_value_is_a_plain_word_not_a_crash(capsys):
    fails(["run", "no_controls", "--set", "utilisation=" + "[" * 3000], capsys, "world.utilisation")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_mutated_scenario_file_loads_or_says_why(tmp_path_factory, data):
    """Any byte changed, dropped or added: a Scenario or a ScenarioError, nothing else."""
    text = RULE.read_bytes().replace(b'extends = "_world"', f'extends = "{RULE.parent}/_world.toml"'.encode())
    i = data.draw(st.integers(0, len(text) - 1))
    how = data.draw(st.sampled_from(["replace", "drop", "insert"]))
    byte = bytes([data.draw(st.integers(0, 255))])
    mutated = {"replace": text[:i] + byte + text[i + 1:], "drop": text[:i] + text[i + 1:],
               "insert": text[:i] + byte + text[i:]}[how]
    path = tmp_path_factory.mktemp("mut") / "x.toml"
    path.write_bytes(mutated)
    try:
        load_scenario(path)
    except ScenarioError as exc:
        assert all(p.startswith(str(path)) for p in exc.problems)


# ---------------------------------------------------------------------------
# saves and --commands: every field type-checked


@pytest.fixture
def save(tmp_path):
    """A valid save of month 1 with one command, as a dict to spoil."""
    return {"format": "silicon-curtain-save", "version": 1, "scenario": "diffusion_rule_2025", "seed": 1,
            "overrides": {}, "scale": 1.0, "role": "us_commerce", "country": None, "month": 1,
            "commands": [{"month": 0, "kind": "set", "levers": {"enforcement_budget_usd": 4e8},
                          "effective_month": None, "source": "player"}]}


def write(path, data):
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def replay_fails(tmp_path, capsys, data, *needles):
    path = write(tmp_path / "game.json", data)
    out = tmp_path / "replay.csv"
    out.write_text("before\n")
    fails(["replay", path, "--out", out], capsys, str(path), *needles)
    assert out.read_text() == "before\n"


@pytest.mark.parametrize("command, key", [
    ({"kind": "set", "levers": {"enforcement_budget_usd": 4e8}, "effective_month": "12"}, "effective_month"),
    ({"kind": "set", "levers": ["enforcement_budget_usd", 4e8]}, "levers"),
    ({"kind": "g2g", "country": ["ARE"]}, "country"),
    ({"kind": "deal", "country": "ARE", "h100e_per_year": "5000"}, "h100e_per_year"),
    ({"kind": "rescind", "source": 7}, "source"),
    ({"kind": "set_tier", "country": "ARE", "tier": 1.5}, "tier"),
])
def test_a_mistyped_command_field_in_a_save_names_it(tmp_path, capsys, save, command, key):
    save["commands"] = [{"month": 0, **command}]
    replay_fails(tmp_path, capsys, save, "commands[0]", f"{key}: expected")


@pytest.mark.parametrize("change, key", [
    ({"seed": -1}, "seed: expected a whole number from 0"),
    ({"seed": 2**70}, "seed: expected a whole number from 0"),
    ({"overrides": {"utilisation": {"a": 1}}}, "overrides.utilisation: expected"),
    ({"overrides": {"utilisation": [[{}]]}}, "overrides.utilisation: expected"),
    ({"scale": 1e9}, "scale: expected a number between 0.01 and 1,000, got 1000000000.0"),
])
def test_a_bad_save_header_names_the_key(tmp_path, capsys, save, change, key):
    replay_fails(tmp_path, capsys, {**save, **change}, key)


@pytest.mark.parametrize("text, what", [
    ('{"seed": ' + "1" * 5000 + "}", "4300 digits"),
    ("[" * 5000 + "]" * 5000, "nested"),
    ('{"a": ' * 5000 + "1" + "}" * 5000, "nested"),
])
def test_a_save_json_python_cannot_read_is_one_message(tmp_path, capsys, text, what):
    replay_fails(tmp_path, capsys, text, what)


@FAST
@given(field=st.sampled_from(["levers", "effective_month", "country", "h100e_per_year", "source", "tier"]),
       kind=st.sampled_from(sorted(cmd.KINDS)), value=WRONG)
def test_commands_from_files_are_commands_or_value_errors(field, kind, value):
    """Whatever a save or --commands file holds, from_dict builds a well-typed command or says why."""
    try:
        c = cmd.from_dict({"kind": kind, field: value})
    except ValueError as exc:
        assert str(exc)
        return
    if hasattr(c, "levers"):
        assert isinstance(c.levers, dict) and (c.effective_month is None or isinstance(c.effective_month, int))
    assert isinstance(c.source, str)
    assert isinstance(getattr(c, "country", ""), str)
    cmd.validate(c, {"ARE": None, "USA": None}, 0)  # answers, never raises


@FAST
@given(field=st.sampled_from(["levers", "effective_month", "source", "month", "kind"]), value=WRONG)
def test_save_commands_are_parsed_or_refused_with_the_key(field, value):
    from game.session import SaveError, _parse_commands

    item = {"month": 0, "kind": "set", "levers": {"enforcement_budget_usd": 4e8}, field: value}
    try:
        _parse_commands([item], 3, "g.json")
    except SaveError as exc:
        assert exc.file == "g.json" and exc.key.startswith("commands[0]")


def test_play_commands_files_are_checked_before_anything_runs(tmp_path, capsys):
    lines = tmp_path / "c.jsonl"
    write(lines, '{"month": 1, "kind": "set", "levers": ["x"]}\n')
    fails(["play", "--autoplay", "2", "--commands", lines], capsys, f"--commands {lines}:1", "levers: expected")
    deep = write(tmp_path / "d.json", "[" * 5000 + "]" * 5000)
    fails(["play", "--autoplay", "2", "--commands", deep], capsys, f"--commands {deep}", "nested")
    huge = write(tmp_path / "h.jsonl", '{"month": ' + "9" * 5000 + "}\n")
    fails(["play", "--autoplay", "2", "--commands", huge], capsys, f"--commands {huge}:1", "digits")


def test_play_load_of_a_mistyped_save_is_one_message(tmp_path, capsys, save):
    save["commands"] = [{"month": 0, "kind": "g2g", "country": ["ARE"]}]
    path = write(tmp_path / "game.json", save)
    before = path.read_bytes()
    fails(["play", "--load", path, "--autoplay", "0"], capsys, str(path), "commands[0]", "country: expected")
    assert path.read_bytes() == before


# ---------------------------------------------------------------------------
# number flags: every one has a range


@pytest.mark.parametrize("argv, needle", [
    (["run", "no_controls", "--seed", "-1"], "--seed: expected a seed"),
    (["run", "no_controls", "--seed", "1" * 5000], "--seed: expected a seed"),
    (["play", "no_controls", "--seed", "-1", "--autoplay", "1"], "--seed: expected a seed"),
    (["run", "no_controls", "--scale", "1e9"], "--scale: expected an agent multiplier from 0.01 to 1000"),
    (["run", "no_controls", "--scale", "nan"], "--scale: expected"),
    (["run", "no_controls", "--months", "100000"], "--months: expected a whole number of months from 1 to 600"),
    (["play", "no_controls", "--autoplay", "100000"], "--autoplay: expected"),
    (["play", "no_controls", "--size", "100000x100000"], "--size: expected"),
    (["batch", "sweeps/enforcement.toml", "--workers", "0"], "--workers: expected"),
    (["batch", "sweeps/enforcement.toml", "--batch-size", "10000000"], "--batch-size: expected"),
    (["batch", "sweeps/enforcement.toml", "--max-runs", "0"], "--max-runs: expected"),
    (["compare", "no_controls", "rescission_2025", "--seeds", "1000000"], "--seeds: expected"),
    (["calibrate", "--seeds", "-3"], "--seeds: expected"),
    (["calibrate", "--samples", "-1"], "--samples: expected"),
])
def test_number_flags_say_their_range(capsys, argv, needle):
    fails(argv, capsys, needle)


# ---------------------------------------------------------------------------
# scenario values: validated, bounded, and checked before a run


@pytest.mark.parametrize("key", ["countries.CHN.stock_h100e", "chips.H100.price_usd", "tpp_per_h100e",
                                 "countries.USA.spend_usd_per_year", "chips.H100.tpp",
                                 "schedule.diffusion_rule.effective_month"])
def test_huge_scenario_numbers_are_refused_not_run_into_inf(tmp_path, capsys, key):
    out = tmp_path / "x.csv"
    fails(["run", "diffusion_rule_2025", "--set", f"{key}=1e308", "--out", out], capsys,
          key.split(".")[-1] + ": expected", "between")
    assert not out.exists()


def test_a_schedule_that_moves_the_usa_between_tiers_is_invalid(tmp_path, capsys):
    bad = tmp_path / "usa.toml"
    bad.write_text(f'extends = "{RULE}"\n[schedule.usa]\nmonth = 1\ncommand = "set_tier"\n'
                   f'country = "USA"\ntier = 2\n')
    assert main(["validate", str(bad)]) == 1
    assert f"{bad}:schedule.usa.country: expected a country other than USA" in capsys.readouterr().out
    fails(["run", bad, "--months", "2"], capsys, "schedule.usa.country")


# ---------------------------------------------------------------------------
# sweeps: the size is counted and refused before anything is built


def sweep_file(tmp_path, design="", levers="enforcement_budget_usd = { values = [1e8, 2e8] }"):
    path = tmp_path / "s.toml"
    path.write_text(f'[sweep]\nscenario = "no_controls"\nmonths = 3\n[design]\n{design}\n[levers]\n{levers}\n')
    return path


@pytest.mark.parametrize("design, levers, needle", [
    ("", "\n".join(f"{k} = {{ min = 1, max = 2, steps = 1000 }}" for k in
                   ("g2g_cap_multiplier", "cap_period_months", "density_threshold")), "1,000,000,000 runs"),
    ("seeds = 1000000", "enforcement_budget_usd = { values = [1e8, 2e8] }", "2,000,000 runs"),
])
def test_a_huge_sweep_is_refused_with_its_size_and_time(tmp_path, capsys, design, levers, needle):
    path = sweep_file(tmp_path, design, levers)
    for extra in ([], ["--plan"]):
        fails(["batch", path, "--out", tmp_path / "out", *extra], capsys, needle, "expected at most")
    assert not (tmp_path / "out").exists()


def test_a_sweep_with_two_billion_steps_names_the_key(tmp_path, capsys):
    path = sweep_file(tmp_path, "", "g2g_cap_multiplier = { min = 1, max = 2, steps = 2000000000 }")
    fails(["batch", path, "--plan"], capsys, "levers.g2g_cap_multiplier.steps: expected a whole number between 2")


def test_the_plan_prints_the_count_and_an_estimate(tmp_path, capsys):
    path = sweep_file(tmp_path, "seeds = 3")
    assert main(["batch", str(path), "--plan", "--workers", "2"]) == 0
    out = capsys.readouterr().out
    assert "6 runs (2 points x 3 seed(s)" in out and "about" in out and "on 2 core(s)" in out
    assert "enforcement_budget_usd = $100M a year, $200M a year" in out  # levers in words, not 100000000.0


DECLARED = ('[sweep]\nscenario = "diffusion_rule_2025"\nmonths = 2\n[design]\nkind = "lhs"\nsamples = 2\n'
            '[uncertainties]\ndeclared = true\n')
"""A sweep of every range diffusion_rule_2025 declares."""


@pytest.mark.parametrize("extra, needle", [
    ('exclude = ["detect_hazard", "detect_hazzard"]',
     "uncertainties.exclude[1]: expected a sampled range declared by scenario diffusion_rule_2025 (its "
     "[uncertainties], e.g. detect_hazard or countries.*.goodwill), got 'detect_hazzard'"),
    ('only = ["meta.months"]', "uncertainties.only[0]: expected a sampled range declared by scenario "
     "diffusion_rule_2025 (its [uncertainties], e.g. detect_hazard or countries.*.goodwill), got 'meta.months' "
     "(declared fixed = true: never sampled)"),
])
def test_a_bad_declared_range_name_gets_one_message_naming_file_and_key(tmp_path, capsys, extra, needle):
    from game.batch import SweepError, load_sweep

    path = tmp_path / "s.toml"
    path.write_text(DECLARED + extra + "\n")
    with pytest.raises(SweepError) as info:
        load_sweep(path)
    assert info.value.problems == [f"{path}:{needle}"]
    fails(["batch", path, "--plan"], capsys, f"{path}:{needle}")


@pytest.mark.parametrize("old, new, needle", [
    ("declared = true", 'declared = false\nexclude = ["detect_hazard"]',
     "uncertainties.exclude: expected exclude only with declared = true, got ['detect_hazard']"),
    ('kind = "lhs"\nsamples = 2', 'kind = "grid"',
     "uncertainties.declared: expected a random, lhs or sobol design to sample the declared ranges, got design 'grid'"),
])
def test_declared_ranges_need_declared_true_and_a_sampling_design(tmp_path, capsys, old, new, needle):
    path = tmp_path / "s.toml"
    path.write_text(DECLARED.replace(old, new))
    fails(["batch", path, "--plan"], capsys, f"{path}:{needle}")


# ---------------------------------------------------------------------------
# batch folders: damaged manifests and tables


@pytest.fixture(scope="module")
def batch_folder(tmp_path_factory):
    from game.batch import run_batch

    tmp = tmp_path_factory.mktemp("batch")
    path = sweep_file(tmp)
    run_batch(path, tmp / "done", workers=1, progress=False)
    return path, tmp / "done"


@pytest.mark.parametrize("damage, needle", [
    (lambda f: (f / "manifest.json").write_text("[1, 2]"), "manifest.json: expected a JSON object"),
    (lambda f: (f / "manifest.json").write_text('{"status": 3}'), "manifest.json:status: expected a string"),
    (lambda f: (f / "manifest.json").write_text("[" * 5000), "manifest.json: cannot be read"),
    (lambda f: (f / "results.parquet").write_bytes(b"PAR1 not really"), "results.parquet: cannot be read"),
    (lambda f: (f / "runs.parquet").unlink(), "runs.parquet: missing"),
])
def test_a_damaged_batch_folder_is_one_message(tmp_path, capsys, batch_folder, damage, needle):
    sweep, done = batch_folder
    folder = tmp_path / "b"
    shutil.copytree(done, folder)
    damage(folder)
    before = snapshot(folder)
    fails(["report", folder], capsys, needle)
    if "runs.parquet" not in needle:
        fails(["batch", sweep, "--out", folder, "--resume"], capsys, needle)
    assert snapshot(folder) == before


# ---------------------------------------------------------------------------
# class folders


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    lesson = tmp / "l.toml"
    lesson.write_text('[lesson]\ntitle = "T <i>"\nscenario = "diffusion_rule_2025"\nseed = 1\nrounds = 2\n'
                      'months_per_round = 1\n[teams.a]\nname = "<script>x</script>"\ngoal = "*win* [x](y)"\n'
                      '[teams.b]\nname = "B"\n')
    assert main(["class", "new", str(lesson), "--out", str(tmp / "c")]) == 0
    return tmp / "c"


def test_the_handout_shows_team_names_as_text(class_folder):
    text = (class_folder / "handout.md").read_text()
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert r"\*win\* \[x\]" in text and "<i>" not in text


@pytest.mark.parametrize("change, needle", [
    (lambda d: d.pop("rounds"), "class.json:rounds: missing (expected a whole number >= 1)"),
    (lambda d: d.update(seed="1"), "class.json:seed: expected a whole number, got '1'"),
    (lambda d: d.update(teams={"a": 1}), "class.json:teams: expected a list"),
    (lambda d: d["teams"][0].pop("name"), "class.json:teams[0].name: missing"),
    (lambda d: d["teams"][0].update(role=3), "class.json:teams[0].role: expected a role id"),
    (lambda d: d.update(open_levers="all"), "class.json:open_levers: expected a list"),
    (lambda d: d.update(questions=3), "class.json:questions: expected a list of questions (text), got 3"),
    (lambda d: d.update(questions=["Why?", 7]), "class.json:questions: expected a list of questions (text), got ['Why?', 7]"),
])
def test_a_mistyped_class_json_is_one_message(tmp_path, capsys, class_folder, change, needle):
    folder = tmp_path / "c"
    shutil.copytree(class_folder, folder)
    data = json.loads((folder / "class.json").read_text())
    change(data)
    (folder / "class.json").write_text(json.dumps(data))
    fails(["class", "report", folder, "--out", tmp_path / "r"], capsys, needle)
    fails(["class", "play", folder], capsys, needle)
    assert not (tmp_path / "r").exists()


def test_a_team_name_matplotlib_would_read_as_maths_is_plain_text(tmp_path, capsys, class_folder):
    from game.session import GameSession

    folder = tmp_path / "c"
    shutil.copytree(class_folder, folder)
    data = json.loads((folder / "class.json").read_text())
    data["teams"][1]["name"] = r"$\frac{$"
    (folder / "class.json").write_text(json.dumps(data))
    s = GameSession.load(folder / "teams" / "b.json")
    s.advance_month()
    s.save()
    assert main(["class", "report", str(folder), "--out", str(tmp_path / "r")]) == 0
    assert r"$\frac{$" in (tmp_path / "r" / "index.html").read_text()


# ---------------------------------------------------------------------------
# settings, output paths, pipes and full disks


@FAST
@given(key=st.sampled_from(["ui_scale", "palette", "width", "height"]), value=WRONG)
def test_settings_of_any_type_give_valid_settings(tmp_path_factory, monkeypatch, key, value):
    from game.ui.app import Settings

    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("SILICON_CURTAIN_HOME", str(home))
    (home / "settings.json").write_text(json.dumps({key: value}))
    s = Settings.load()
    assert isinstance(s.ui_scale, float) and 0.75 <= s.ui_scale <= 2.0
    assert isinstance(s.width, int) and isinstance(s.height, int) and isinstance(s.palette, str)


def test_settings_with_a_string_scale_or_deep_nesting_fall_back_to_the_defaults(tmp_path, monkeypatch):
    from game.ui.app import Settings

    monkeypatch.setenv("SILICON_CURTAIN_HOME", str(tmp_path))
    for text in ('{"ui_scale": "1.5"}', "[" * 5000, '{"palette": ["x"]}', "\xff"):
        (tmp_path / "settings.json").write_text(text, encoding="latin-1")
        assert Settings.load() == Settings()


def test_out_under_a_file_is_refused_before_the_run(tmp_path, capsys, monkeypatch):
    import game.cli

    monkeypatch.setattr(game.cli, "simulate", lambda *a, **k: pytest.fail("ran the model"))
    blocker = tmp_path / "FILE"
    blocker.write_text("x")
    fails(["run", "no_controls", "--out", blocker / "x.csv"], capsys, f"--out {blocker / 'x.csv'}", "is a file")
    fails(["run", "no_controls", "--out", blocker / "a" / "x.csv"], capsys, "is a file")
    assert blocker.read_text() == "x"


def test_a_full_disk_is_one_line_naming_the_file(tmp_path, capsys, monkeypatch):
    import game.files

    out = tmp_path / "a.csv"
    out.write_text("old\n")

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(game.files.os, "fsync", full)
    fails(["run", "no_controls", "--months", "1", "--quiet", "--out", out], capsys,
          f"{out}: No space left on device")
    assert out.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]  # no temporary file left behind


def test_a_closed_pipe_ends_quietly():
    """`silicon-curtain scenarios | head -1`: no BrokenPipeError traceback."""
    p = subprocess.Popen([sys.executable, "-m", "game", "scenarios"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=ROOT)
    p.stdout.close()  # the reader goes away before the first line
    err = p.stderr.read().decode()
    p.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_compare_takes_scenarios_given_as_paths(tmp_path, capsys, monkeypatch):
    import pandas as pd

    from game import study

    def quick(name, seeds, months):  # the table's shape, without 4 runs of 72 months
        return pd.DataFrame([{"seed": s, "month": m, **{k: float(s) for k, _ in study.KEY_METRICS}}
                             for s in seeds for m in range(months + 1)])

    monkeypatch.setattr(study, "run_seeds", quick)
    a, b = "scenarios/no_controls.toml", "scenarios/diffusion_rule_2025.toml"
    assert main(["compare", a, b, "--seeds", "2", "--months", "12"]) == 0
    assert "compute_adversary" in capsys.readouterr().out
