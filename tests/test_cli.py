"""The command line: what a user types, what they see, and what is left on disk."""

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from agents.metrics import CONTRACT
from game.cli import main

ROOT = Path(__file__).resolve().parent.parent


def cli(*args, cwd=None):
    """Run the installed entry point in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "game", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=120)


def test_scenarios_lists_name_description_and_period(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for name in ("no_controls", "diffusion_rule_2025", "rescission_2025"):
        assert name in out
    assert "_world" not in out
    assert "2025-01 to 2031-01 (72 months)" in out


def test_run_writes_one_row_per_month_with_the_contract_columns(tmp_path, capsys):
    out = tmp_path / "a.csv"
    assert main(["run", "diffusion_rule_2025", "--seed", "7", "--months", "12", "--out", str(out)]) == 0
    rows = list(csv.reader(out.open()))
    assert rows[0][: len(CONTRACT)] == CONTRACT
    assert len(rows) == 1 + 13
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(13)]
    summary = capsys.readouterr().out
    assert "compute_adversary" in summary and "wrote 13 rows" in summary


def test_same_seed_gives_byte_identical_csv(tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    for path, seed in ((a, "7"), (b, "7"), (c, "8")):
        assert main(["run", "diffusion_rule_2025", "--seed", seed, "--months", "24", "--quiet",
                     "--out", str(path)]) == 0
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_set_overrides_a_lever(tmp_path):
    out = tmp_path / "b.csv"
    assert main(["run", "no_controls", "--seed", "7", "--months", "6", "--quiet",
                 "--set", "enforcement_budget_usd=4e8", "--out", str(out)]) == 0
    assert len(list(csv.reader(out.open()))) == 8


def test_run_creates_the_output_folder(tmp_path):
    out = tmp_path / "new" / "deeper" / "run.csv"
    assert main(["run", "no_controls", "--months", "2", "--quiet", "--out", str(out)]) == 0
    assert out.exists()


@pytest.mark.parametrize("args, message", [
    (["run", "no_such_scenario"], "no such scenario file"),
    (["run", "diffusion_rule_2025", "--set", "no_such_key=1"], "unknown key"),
    (["run", "diffusion_rule_2025", "--set", "lpp_limit_h100e=-1"], "policy.lpp_limit_h100e: expected a number"),
    (["run", "diffusion_rule_2025", "--set", "tier2_caps=maybe"], "expected true or false"),
    (["run", "diffusion_rule_2025", "--set", "lpp_limit_h100e"], "expected KEY=VALUE"),
    (["run", "diffusion_rule_2025", "--months", "0"], "expected a whole number of months from 1 to 600"),
    (["run", "diffusion_rule_2025", "--scale", "-2"], "expected an agent multiplier from 0.01 to 1000"),
])
def test_bad_input_is_one_clear_message_and_exit_2(args, message, tmp_path):
    out = tmp_path / "x.csv"
    result = cli(*args, "--out", str(out))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_malformed_scenario_file_names_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[meta\ntitle = 'x'\n")
    result = cli("run", str(bad))
    assert result.returncode == 2
    assert f"{bad}: not valid TOML" in result.stderr and "Traceback" not in result.stderr


def test_wrong_type_in_a_scenario_names_file_key_and_expectation(tmp_path):
    bad = tmp_path / "typo.toml"
    bad.write_text(f'extends = "{ROOT / "scenarios" / "diffusion_rule_2025.toml"}"\n'
                   '[world]\nutilisation = "high"\n')
    result = cli("run", str(bad))
    assert result.returncode == 2
    assert f"{bad}:world.utilisation: expected a number between 0 and 1, got 'high'" in result.stderr


def test_out_folder_that_is_a_directory_is_refused_before_running(tmp_path):
    result = cli("run", "no_controls", "--out", str(tmp_path))
    assert result.returncode == 2 and "is a folder" in result.stderr


def test_unwritable_out_path_is_refused_and_existing_file_kept(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    keep = locked / "run.csv"
    keep.write_text("precious")
    locked.chmod(0o500)
    try:
        result = cli("run", "no_controls", "--months", "2", "--out", str(keep))
        if result.returncode == 0:  # running as root: permissions do not bind
            pytest.skip("file permissions are not enforced for this user")
        assert result.returncode == 2 and "not writable" in result.stderr
        assert keep.read_text() == "precious"
    finally:
        locked.chmod(0o700)


def test_validate_reports_every_problem_and_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(f'extends = "{ROOT / "scenarios" / "_world.toml"}"\n'
                   '[world]\nutilisation = 3\nnonsense = 1\n')
    good = ROOT / "scenarios" / "no_controls.toml"
    assert main(["validate", str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"ok    {good}" in out
    assert f"{bad}:world.utilisation: expected a number between 0 and 1" in out
    assert f"{bad}:world.nonsense: unknown key" in out


def test_validate_all_shipped_scenarios_passes(capsys):
    files = sorted(str(p) for p in (ROOT / "scenarios").glob("*.toml"))
    assert main(["validate", *files]) == 0



def test_playing_never_needs_the_research_extras(tmp_path):
    """`make play` installs the game alone: a whole headless game imports no research package."""
    code = ("import os, sys; os.environ['SDL_VIDEODRIVER'] = 'dummy'\n"
            "for m in ('pyarrow', 'matplotlib', 'SALib'): sys.modules[m] = None  # as if not installed\n"
            "from game.cli import main\n"
            f"sys.exit(main(['play', 'diffusion_rule_2025', '--autoplay', '2', '--screenshot', {str(tmp_path / 'p.png')!r}]))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("argv", [["batch", "sweeps/enforcement.toml", "--out", "x"], ["report", "x"],
                                  ["compare", "no_controls", "diffusion_rule_2025"], ["class", "report", "x", "--out", "y"]])
def test_a_command_needing_the_research_extras_says_so_in_one_line(argv, monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a))
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "needs the research extras (pyarrow missing)" in err[0] and "pip install" in err[0]


def test_levers_lists_a_roles_levers(capsys):
    assert main(["levers", "--role", "enforcement"]) == 0
    out = capsys.readouterr().out
    assert "Export enforcement office: 3 lever(s)" in out and "location_verification" in out
    row = next(line for line in out.splitlines() if line.startswith("location_verification"))
    assert row.split()[1:3] == ["Enforcement", "Location"]  # the registry's group and label
    assert "lpp_limit_h100e" not in out
    assert main(["levers", "--role", "nobody"]) == 2
    assert "--role: expected one of us_commerce (us, commerce)" in capsys.readouterr().err


def test_run_uncertainty_prints_a_band_and_writes_it_beside_the_csv(tmp_path, capsys):
    out = tmp_path / "r.csv"
    args = ["run", "diffusion_rule_2025", "--months", "6", "--uncertainty", "--samples", "3",
            "--set", "grey_premium_max=0.5", "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "10-90%" in printed and "3 worlds" in printed
    run = pd.read_csv(out)
    bands = pd.read_csv(tmp_path / "r-bands.csv")
    used = pd.read_csv(tmp_path / "r-samples.csv")
    assert len(run) == 7 and list(run.columns[:2]) == ["month", "compute_us"], "the run's own CSV is unchanged"
    assert (bands["low"] <= bands["median"]).all() and (bands["median"] <= bands["high"]).all()
    last = bands[(bands.month == 6) & (bands.metric == "smuggled_cum")].iloc[0]
    assert last.high > last.low, "sampled worlds differ"
    assert len(used) == 3 and "world.grey_premium_max" not in used and "grey_premium_max" not in used, \
        "a parameter set by hand is not sampled"
