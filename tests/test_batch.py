"""Research batches: sweep files, designs, seeds, workers, resuming after SIGKILL, the Python API."""

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from pandas.testing import assert_frame_equal

import game.batch as batch
from game.batch import (MANIFEST, PARTS, RESULTS, RUNS, BatchError, SweepError, load_results, load_sweep,
                        plan_runs, run_batch, run_seed, run_sweep)
from game.cli import main

ROOT = Path(__file__).resolve().parent.parent

TINY = """\
[sweep]
title = "tiny"
scenario = "diffusion_rule_2025"
months = 12

[design]
kind = "lhs"
samples = 2
seeds = 2
root_seed = 11
common_random_numbers = true

[levers]
enforcement_budget_usd = [191e6, 591e6]

[uncertainties]
detect_hazard = { min = 0.02, max = 0.05 }

[outputs]
metrics = ["smuggled_cum", "seized_cum", "compute_adversary"]
"""
"""Two lever settings x two LHS samples x two seeds = 8 runs of 12 months."""

METRICS = ["smuggled_cum", "seized_cum", "compute_adversary"]


def write(tmp_path: Path, text: str, name: str = "tiny.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def frames(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    return pd.read_parquet(out / RESULTS), pd.read_parquet(out / RUNS)


@pytest.fixture(scope="module")
def tiny_batch(tmp_path_factory) -> tuple[Path, Path]:
    """The tiny sweep run once, uninterrupted, in this process (1 worker)."""
    tmp = tmp_path_factory.mktemp("tiny")
    sweep = write(tmp, TINY)
    return sweep, run_batch(sweep, tmp / "out", workers=1)


# ---------------------------------------------------------------------------
# designs and seeds


def test_levers_are_crossed_with_the_same_latin_hypercube_of_uncertainties(tmp_path):
    table = plan_runs(load_sweep(write(tmp_path, TINY)))
    assert table["run_id"].tolist() == list(range(8))
    assert table["enforcement_budget_usd"].tolist() == [191e6] * 4 + [591e6] * 4
    assert table["replicate"].tolist() == [0, 1] * 4
    hazard = table["detect_hazard"].to_numpy()
    assert (hazard[:4] == hazard[4:]).all()  # each lever setting meets the same draws
    first, second = sorted({hazard[0], hazard[2]})
    assert 0.02 <= first < 0.035 <= second <= 0.05  # one draw in each half: a Latin hypercube


def test_run_seeds_derive_from_the_root_seed_and_the_point(tmp_path):
    table = plan_runs(load_sweep(write(tmp_path, TINY)))
    # common random numbers: the key is the uncertainty sample, shared by both lever settings
    expected = [run_seed(11, s, r) for _ in range(2) for s in range(2) for r in range(2)]
    assert table["seed"].tolist() == expected
    assert expected[0] == int(np.random.SeedSequence(11, spawn_key=(1, 0, 0)).generate_state(1, np.uint64)[0])
    plain = plan_runs(load_sweep(write(tmp_path, TINY.replace("common_random_numbers = true", ""))))
    assert plain["seed"].tolist() == [run_seed(11, p, r) for p in range(4) for r in range(2)]
    assert plain["seed"].nunique() == 8


def test_grid_design_crosses_every_setting_and_rounds_integer_keys(tmp_path):
    text = """
[sweep]
scenario = "diffusion_rule_2025"
months = 6
[design]
kind = "grid"
[levers]
"schedule.diffusion_rule.effective_month" = { min = 0, max = 12, steps = 4 }
lpp_limit_h100e = [500, 1699]
[uncertainties]
rush_intensity = { min = 0.4, max = 0.6, steps = 3 }
"""
    table = plan_runs(load_sweep(write(tmp_path, text)))
    assert len(table) == 4 * 2 * 3
    assert sorted(table["schedule.diffusion_rule.effective_month"].unique().tolist()) == [0, 4, 8, 12]
    assert table["schedule.diffusion_rule.effective_month"].dtype == np.int64
    assert sorted(table["rush_intensity"].unique().tolist()) == pytest.approx([0.4, 0.5, 0.6])
    assert table["block"].nunique() == 24 and (table["sample"] == 0).all()


def test_sobol_design_makes_saltelli_rows_per_lever_setting(tmp_path):
    text = TINY.replace('kind = "lhs"', 'kind = "sobol"').replace("samples = 2", "samples = 4").replace(
        "seeds = 2", "seeds = 1")
    text = text.replace("[outputs]", "grey_premium_max = { min = 0.3, max = 0.9 }\n\n[outputs]")
    table = plan_runs(load_sweep(write(tmp_path, text)))
    assert len(table) == 2 * 4 * (2 + 2)  # two lever settings x N(D + 2) Saltelli rows
    assert table["sample"].max() == 15


def test_random_design_is_reproducible_from_the_root_seed(tmp_path):
    text = TINY.replace('kind = "lhs"', 'kind = "random"').replace("samples = 2", "samples = 5")
    a = plan_runs(load_sweep(write(tmp_path, text)))
    b = plan_runs(load_sweep(write(tmp_path, text, "again.toml")))
    c = plan_runs(load_sweep(write(tmp_path, text.replace("root_seed = 11", "root_seed = 12"), "other.toml")))
    assert_frame_equal(a, b)
    assert not np.array_equal(a["detect_hazard"], c["detect_hazard"])


# ---------------------------------------------------------------------------
# running


def test_results_have_one_row_per_run_and_month(tiny_batch):
    _, out = tiny_batch
    results, runs = frames(out)
    assert list(results.columns) == ["run_id", "month", "date", *METRICS]
    assert len(results) == 8 * 13
    assert results.groupby("run_id")["month"].apply(list).tolist() == [list(range(13))] * 8
    assert results["date"].iloc[12] == "2026-01"
    assert list(runs.columns) == ["run_id", "point", "block", "sample", "replicate", "seed",
                                  "enforcement_budget_usd", "detect_hazard"]
    assert not (out / PARTS).exists()


def test_a_run_in_the_batch_equals_the_same_run_alone(tiny_batch):
    from agents.model import ComputeModel

    _, out = tiny_batch
    df = load_results(out)
    row = df[df["run_id"] == 5].reset_index(drop=True)
    model = ComputeModel(scenario="diffusion_rule_2025", seed=int(row["seed"][0]),
                         enforcement_budget_usd=float(row["enforcement_budget_usd"][0]),
                         detect_hazard=float(row["detect_hazard"][0]))
    for _ in range(12):
        model.step()
    alone = model.datacollector.get_model_vars_dataframe()
    assert row["smuggled_cum"].tolist() == alone["smuggled_cum"].tolist()


def test_one_and_two_workers_give_identical_tables(tiny_batch, tmp_path):
    sweep, out1 = tiny_batch
    out2 = run_batch(sweep, tmp_path / "two", workers=2, batch_size=1)
    assert_frame_equal(frames(out1)[0], frames(out2)[0], check_exact=True)
    assert_frame_equal(frames(out1)[1], frames(out2)[1], check_exact=True)
    sessions = json.loads((out2 / MANIFEST).read_text())["sessions"]
    assert sessions[0]["workers"] == 2


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked only on Linux")
def test_forked_and_spawned_workers_give_identical_tables(tiny_batch, tmp_path, monkeypatch):
    import game.batch as batch

    sweep, out1 = tiny_batch
    tables = {}
    for method in ("fork", "spawn"):
        monkeypatch.setattr(batch, "_start_method", lambda m=method: m)
        tables[method] = frames(run_batch(sweep, tmp_path / method, workers=2, batch_size=2))[0]
    assert_frame_equal(frames(out1)[0], tables["fork"], check_exact=True)
    assert_frame_equal(frames(out1)[0], tables["spawn"], check_exact=True)


def test_workers_are_spawned_while_another_thread_runs():
    import threading

    from game.batch import _start_method

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _start_method() == "spawn"  # a fork would copy a process whose other thread may hold a lock
    finally:
        stop.set()
        other.join()


def test_an_executor_passed_in_gives_identical_tables(tiny_batch, tmp_path):
    sweep, out1 = tiny_batch
    with ThreadPoolExecutor(max_workers=3) as pool:
        out3 = run_batch(sweep, tmp_path / "threads", executor=pool, batch_size=3)
    assert_frame_equal(frames(out1)[0], frames(out3)[0], check_exact=True)


def test_manifest_records_versions_hashes_seed_and_times(tiny_batch):
    sweep, out = tiny_batch
    m = json.loads((out / MANIFEST).read_text())
    assert m["status"] == "complete" and m["runs"] == 8 and m["points"] == 4
    assert m["version"] == "0.1.0" and m["python"] and m["platform"]
    assert m["sweep"]["sha256"] == hashlib.sha256(sweep.read_bytes()).hexdigest()
    assert m["sweep"]["root_seed"] == 11
    world = next(h for p, h in m["scenario"]["files"].items() if p.endswith("_world.toml"))
    assert world == hashlib.sha256((ROOT / "scenarios" / "_world.toml").read_bytes()).hexdigest()
    assert m["started"] <= m["finished"]
    assert "git_commit" in m and (out / "sweep.toml").read_text() == TINY


def test_final_only_outputs_one_row_per_run_and_csv_on_request(tmp_path):
    sweep = write(tmp_path, TINY.replace('"compute_adversary"]', '"compute_adversary"]\nmonthly = false'))
    out = run_batch(sweep, tmp_path / "out", workers=1, csv=True)
    results = pd.read_parquet(out / RESULTS)
    assert results["run_id"].tolist() == list(range(8)) and (results["month"] == 12).all()
    from_csv = pd.read_csv(out / "results.csv")
    assert from_csv["run_id"].tolist() == list(range(8))
    assert np.allclose(from_csv["smuggled_cum"], results["smuggled_cum"], rtol=1e-11)
    assert len(pd.read_csv(out / "runs.csv")) == 8


def test_python_api_returns_a_dataframe_with_inputs_and_metrics(tmp_path):
    df = run_sweep(write(tmp_path, TINY), workers=1)
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["run_id", "point", "block", "sample", "replicate", "seed",
                                "enforcement_budget_usd", "detect_hazard", "month", "date", *METRICS]
    assert len(df) == 8 * 13
    assert df["seed"].dtype == np.uint64 and df["smuggled_cum"].dtype == np.float64


# ---------------------------------------------------------------------------
# the output folder: refusing, resuming, failing


def test_rerunning_into_a_non_empty_folder_refuses_and_says_so(tiny_batch, capsys):
    sweep, out = tiny_batch
    before = (out / RESULTS).read_bytes()
    with pytest.raises(BatchError, match=r"not empty: it holds a batch that is complete; add --resume"):
        run_batch(sweep, out, workers=1)
    assert main(["batch", str(sweep), "--out", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--resume" in err
    assert (out / RESULTS).read_bytes() == before


def test_a_folder_that_is_not_a_batch_is_refused(tmp_path, tiny_batch):
    sweep, _ = tiny_batch
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(BatchError, match="folder is not empty"):
        run_batch(sweep, tmp_path, workers=1)
    with pytest.raises(BatchError, match="nothing to resume"):
        run_batch(sweep, tmp_path, workers=1, resume=True)


def test_resuming_a_complete_batch_runs_nothing(tiny_batch, monkeypatch):
    sweep, out = tiny_batch
    monkeypatch.setattr(batch, "run_task", lambda task: pytest.fail("ran a run"))
    assert run_batch(sweep, out, workers=1, resume=True) == out


def test_resume_refuses_a_changed_sweep(tiny_batch, tmp_path):
    _, out = tiny_batch
    changed = write(tmp_path, TINY.replace("months = 12", "months = 6"))
    with pytest.raises(BatchError, match=r"different batch: the sweep file .* changed"):
        run_batch(changed, out, workers=1, resume=True)


def test_killed_batch_resumes_to_the_uninterrupted_result(tmp_path):
    """SIGKILL the whole process group mid-batch; every file left is readable; resume equals a clean run."""
    text = TINY.replace("seeds = 2", "seeds = 6")  # 24 runs
    sweep = write(tmp_path, text)
    out = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, "-m", "game", "batch", str(sweep), "--out", str(out),
                             "--workers", "1", "--batch-size", "1", "--no-progress"],
                            cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        while len(list((out / PARTS).glob("part-*.parquet"))) < 3:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the batch never got going"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    parts = list((out / PARTS).glob("part-*.parquet"))
    assert 3 <= len(parts) < 24 and not (out / RESULTS).exists()
    for part in parts:  # atomic writes: nothing half-written under a real name
        assert pq.read_table(part).num_rows == 13
    assert json.loads((out / MANIFEST).read_text())["status"] == "running"

    calls = []
    real = batch.run_task
    resumed = run_batch(sweep, out, workers=1, resume=True,
                        executor=_Spy(calls, real))
    assert sum(len(t.runs) for t in calls) == 24 - len(parts)  # only the missing runs
    clean = run_batch(sweep, tmp_path / "clean", workers=1)
    assert_frame_equal(frames(resumed)[0], frames(clean)[0], check_exact=True)
    assert_frame_equal(frames(resumed)[1], frames(clean)[1], check_exact=True)
    assert json.loads((resumed / MANIFEST).read_text())["status"] == "complete"


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find worker processes")
def test_pool_workers_exit_when_the_batch_process_is_killed(tmp_path):
    sweep = write(tmp_path, TINY.replace("seeds = 2", "seeds = 30"))
    out = tmp_path / "orphans"
    proc = subprocess.Popen([sys.executable, "-m", "game", "batch", str(sweep), "--out", str(out),
                             "--workers", "2", "--batch-size", "1", "--no-progress"],
                            cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not list((out / PARTS).glob("part-*.parquet")):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        workers = _children(proc.pid)
        assert len(workers) >= 2
        proc.kill()  # the batch process alone, as the OOM killer would
        proc.wait()
        deadline = time.monotonic() + 15
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers), "pool workers outlived the batch"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_a_second_batch_on_the_same_folder_is_refused(tmp_path):
    import fcntl

    sweep = write(tmp_path, TINY)
    out = tmp_path / "busy"
    out.mkdir()
    with open(out / ".lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242\n")
        held.flush()
        with pytest.raises(BatchError, match=r"another batch is running in this folder \(pid 4242\)"):
            run_batch(sweep, out, workers=1, resume=True)
    assert run_batch(sweep, out, workers=1, resume=True) == out  # lock released: it runs


class _Spy(batch.InlineExecutor):
    """An in-process executor that records the tasks it is given."""

    def __init__(self, calls, real):
        self.calls, self.real = calls, real

    def submit(self, fn, /, *args, **kwargs):
        self.calls.append(args[0])
        return super().submit(fn, *args, **kwargs)


def test_a_failing_run_stops_with_its_inputs_and_keeps_the_rest(tiny_batch, tmp_path, monkeypatch):
    sweep, out_ok = tiny_batch
    real = batch.simulate_run

    def flaky(scenario, overrides, seed, months, **kw):
        if overrides["enforcement_budget_usd"] == 591e6:
            raise ValueError("boom")
        return real(scenario, overrides, seed, months, **kw)

    monkeypatch.setattr(batch, "simulate_run", flaky)
    out = tmp_path / "flaky"
    with pytest.raises(BatchError, match=r"run 4 \(seed \d+, inputs .*591000000.*\) failed: ValueError: boom"):
        run_batch(sweep, out, workers=1, batch_size=1)
    assert len(list((out / PARTS).glob("part-*.parquet"))) == 4
    monkeypatch.setattr(batch, "simulate_run", real)
    run_batch(sweep, out, workers=1, resume=True)
    assert_frame_equal(frames(out)[0], frames(out_ok)[0], check_exact=True)


# ---------------------------------------------------------------------------
# bad sweep files: one clear message naming the file, the key and what was expected


BAD = [
    ("[levers]\nenforcement_budget_usd", "[levers]\nnot_a_lever = [1, 2]\nenforcement_budget_usd",
     r"tiny\.toml:levers\.not_a_lever: expected a lever .*got 'not_a_lever'"),
    ("enforcement_budget_usd = [191e6, 591e6]", "utilisation = [0.3, 0.5]",
     r"tiny\.toml:levers\.utilisation: .*put it under \[uncertainties\]"),
    ("[191e6, 591e6]", "{ min = 1e6, max = 2e11 }",
     r"tiny\.toml:levers\.enforcement_budget_usd\.max: expected a number between 0 and 100,000,000,000 USD/year, "
     r"got 200000000000\.0"),
    ("{ min = 0.02, max = 0.05 }", "{ min = 0.05, max = 0.02 }",
     r"tiny\.toml:uncertainties\.detect_hazard\.max: expected a number > min \(0\.05\), got 0\.02"),
    ("{ min = 0.02, max = 0.05 }", "{ min = 0.02, max = 20 }",
     r"tiny\.toml:uncertainties\.detect_hazard\.max: expected a number between 0 and 10 per shipment at "
     r"baseline, got 20"),
    ('kind = "lhs"', 'kind = "latin"',
     r"tiny\.toml:design\.kind: expected one of 'grid', 'random', 'lhs', 'sobol', got 'latin'"),
    ('kind = "lhs"\nsamples = 2', 'kind = "sobol"\nsamples = 6',
     r"tiny\.toml:design\.samples: expected a power of 2 for a Sobol design .*got 6"),
    ('kind = "lhs"\nsamples = 2', 'kind = "grid"',
     r"tiny\.toml:uncertainties\.detect_hazard\.steps: missing"),
    ("samples = 2", "samples = 0", r"tiny\.toml:design\.samples: expected a whole number between 1 and"),
    ("seeds = 2", 'seeds = "two"', r"tiny\.toml:design\.seeds: expected a whole number .*got 'two'"),
    ('"compute_adversary"]', '"compute_adversry"]',
     r"tiny\.toml:outputs\.metrics\[2\]: expected a metric name .*got 'compute_adversry'"),
    ("[outputs]", "[sweeps]\nx = 1\n[outputs]", r"tiny\.toml:sweeps: unknown key \(did you mean 'sweep'\?\)"),
    ('scenario = "diffusion_rule_2025"', 'scenario = "diffusion_rule_2052"',
     r"tiny\.toml:sweep\.scenario: expected a scenario name .*got 'diffusion_rule_2052'"),
    ('scenario = "diffusion_rule_2025"', "",
     r"tiny\.toml:sweep\.scenario: missing \(expected a string\)"),
    ("[uncertainties]", '[uncertainties]\n"schedule.nope.effective_month" = [1, 2]',
     r"tiny\.toml:uncertainties\.schedule\.nope\.effective_month\[0\]: no table 'nope'"),
    ("[uncertainties]", '[uncertainties]\n"schedule.diffusion_rule.effective_month" = [1.5, 3]',
     r"tiny\.toml:uncertainties\.schedule\.diffusion_rule\.effective_month\[0\]: expected a whole number between 0 and 600 or null, got 1\.5"),
    ("[uncertainties]", "[uncertainties]\nvariant_policy = ['allowed', 'banned']",
     r"tiny\.toml:uncertainties\.variant_policy: .*a policy lever: put it under \[levers\]"),
    ("[levers]", "[levers]\nvariant_policy = ['allowed', 'banned']",
     r"tiny\.toml:levers\.variant_policy\[1\]: expected one of 'allowed', 'licence_fee', 'denied', got 'banned'"),
    ("[191e6, 591e6]", "[191e6, 191e6]", r"tiny\.toml:levers\.enforcement_budget_usd\.values: expected distinct"),
    ("[outputs]", '[report]\nthresholds = ["smuggled > 5"]\n[outputs]',
     r"tiny\.toml:report\.thresholds\[0\]: expected METRIC>VALUE with a kept metric"),
    ("months = 12", "months = 12.5", r"tiny\.toml:sweep\.months: expected a whole number between 1 and 600 months, got 12\.5"),
    ("[design]", "[design\n", r"tiny\.toml: not valid TOML"),
]


@pytest.mark.parametrize("old,new,message", BAD, ids=[m.split(":", 1)[1][:40] for _, _, m in BAD])
def test_bad_sweep_files_get_one_clear_message(tmp_path, capsys, old, new, message):
    assert old in TINY
    path = write(tmp_path, TINY.replace(old, new, 1))
    with pytest.raises(SweepError) as info:
        load_sweep(path)
    assert any(re.search(message, p) for p in info.value.problems), info.value.problems
    assert all(p.startswith(str(path)) for p in info.value.problems)
    assert main(["batch", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("silicon-curtain: error: ") and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_missing_sweep_file_is_named(tmp_path):
    with pytest.raises(SweepError, match=r"nope\.toml: no such sweep file"):
        load_sweep(tmp_path / "nope.toml")


def test_unquoted_dotted_keys_are_the_same_input(tmp_path):
    quoted = TINY.replace("[uncertainties]", '[uncertainties]\n"countries.CHN.spend_growth_per_year" = [1.2, 1.4]')
    bare = TINY.replace("[uncertainties]", "[uncertainties]\ncountries.CHN.spend_growth_per_year = [1.2, 1.4]")
    a = load_sweep(write(tmp_path, quoted, "a.toml"))
    b = load_sweep(write(tmp_path, bare, "b.toml"))
    assert a.factors == b.factors


# ---------------------------------------------------------------------------
# declared ranges: [uncertainties] declared = true


DECLARED = """\
[sweep]
scenario = "diffusion_rule_2025"
months = 2

[design]
kind = "lhs"
samples = 3
root_seed = 5

[uncertainties]
declared = true
"""
"""Every range diffusion_rule_2025 declares, three LHS points of two months."""


@pytest.fixture(scope="module")
def base():
    from agents.scenario import load_scenario

    return load_scenario("diffusion_rule_2025")


def test_a_declared_sweep_makes_one_factor_per_sampled_range(tmp_path, base):
    from agents.uncertainty import sampled

    sweep = load_sweep(write(tmp_path, DECLARED))
    assert [f.key for f in sweep.factors] == [u.key for u in sampled(base)]
    assert len(sweep.factors) == sum(not u.fixed for u in base.uncertainties.values())
    assert all(f.kind == "uncertainty" and f.declared and (f.lo, f.hi) == (0.0, 1.0)
               and (f.dist, f.why) == (base.uncertainties[f.key].dist, base.uncertainties[f.key].why)
               for f in sweep.factors)
    assert sweep.factors[0].span and "x0.8 to x1.2 of each value" in {f.span for f in sweep.factors}


def test_declared_runs_get_the_overrides_of_their_quantiles(tmp_path, base):
    from agents.uncertainty import overrides_at

    sweep = load_sweep(write(tmp_path, DECLARED))
    table = plan_runs(sweep)
    keys = [f.key for f in sweep.factors]
    assert len(table) == 3 and ((table[keys] >= 0) & (table[keys] <= 1)).all().all()
    inputs = batch.run_inputs(table, sweep)
    for row, got in zip(table.to_dict("records"), inputs):
        assert got == overrides_at(base, {k: row[k] for k in keys})
    goodwill = {k for k in inputs[0] if k.endswith(".goodwill")}
    assert goodwill == {f"countries.{c}.goodwill" for c in base.countries}  # a pattern sets every country's


def test_an_explicit_entry_replaces_the_declared_range_of_its_key(tmp_path, base):
    from agents.uncertainty import overrides_at

    text = DECLARED + ('detect_hazard = { min = 0.02, max = 0.03 }\n"countries.CHN.goodwill" = [0.5]\n'
                       'exclude = ["chips.*.tpp"]\n')
    sweep = load_sweep(write(tmp_path, text))
    keys = [f.key for f in sweep.factors]
    assert keys.count("detect_hazard") == 1 and not next(f for f in sweep.factors if f.key == "detect_hazard").declared
    assert "chips.*.tpp" not in keys and "countries.*.goodwill" in keys
    table = plan_runs(sweep)
    for row, got in zip(table.to_dict("records"), batch.run_inputs(table, sweep)):
        declared = overrides_at(base, {f.key: row[f.key] for f in sweep.factors if f.declared})
        assert got == declared | {"detect_hazard": row["detect_hazard"], "countries.CHN.goodwill": 0.5}
        assert 0.02 <= got["detect_hazard"] <= 0.03 and "world.detect_hazard" not in got
        assert got["countries.USA.goodwill"] == declared["countries.USA.goodwill"]  # the pattern moves the rest
        assert not any(k.endswith(".tpp") for k in got)


def test_the_report_ranks_declared_ranges_and_gives_their_reasons(tmp_path, base):
    from game.report import write_report

    only = ["detect_hazard", "smuggler_networks", "countries.*.goodwill"]
    text = (DECLARED.replace("samples = 3", "samples = 24").replace("months = 2", "months = 3")
            + f"only = {json.dumps(only)}\n[outputs]\nmetrics = [\"smuggled_cum\", \"compute_adversary\"]\n")
    report = write_report(run_batch(write(tmp_path, text), tmp_path / "out", workers=1), svg=False)
    indices = pd.read_csv(report / "sensitivity.csv")
    assert sorted(indices["input"].unique()) == sorted(only) and set(indices["metric"]) == {"smuggled_cum",
                                                                                          "compute_adversary"}
    summary = (report / "summary.md").read_text()
    assert "RBD-FAST" in summary and "## Outcomes at month 3\n" in summary  # no lever: one group of all runs
    assert "| `countries.*.goodwill` | uncertainty | declared range x0.8 to x1.2 of each value (uniform)" in summary
    drivers = (report / "drivers.md").read_text()
    top = indices[indices["metric"] == "smuggled_cum"].sort_values("S1_mean").iloc[-1]["input"]
    assert f"| `{top}` | " in drivers and base.uncertainties[top].why in drivers


# ---------------------------------------------------------------------------
# the shipped sweeps and the Ray backend


SWEEPS = sorted((ROOT / "sweeps").glob("*.toml"))


@pytest.mark.parametrize("path", SWEEPS, ids=[p.stem for p in SWEEPS])
def test_shipped_sweeps_are_valid_and_cite_their_ranges(path):
    sweep = load_sweep(path)
    assert len(plan_runs(sweep)) >= 100
    assert sweep.uncertainties and (sweep.levers or any(f.declared for f in sweep.factors))
    lines = path.read_text().splitlines()
    for f in sweep.factors:
        if f.declared:  # the scenario's [uncertainties] gives its reason
            assert f.why, f"{path.name}: declared {f.key} has no why"
            continue
        key = f.key.split(".")[-1]
        i = next(i for i, line in enumerate(lines) if re.match(rf'^"?[\w.]*{re.escape(key)}"?\s*=', line))
        context = " ".join(lines[max(0, i - 3): i + 1])
        assert "source:" in context or "estimate" in context, f"{path.name}: {f.key} cites nothing"


def test_ray_backend_gives_the_same_table(tiny_batch, tmp_path):
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'silicon-curtain[cluster]')")
    sweep, out1 = tiny_batch
    out = run_batch(sweep, tmp_path / "ray", backend="ray", workers=2, batch_size=2)
    assert_frame_equal(frames(out1)[0], frames(out)[0], check_exact=True)
    session = json.loads((out / MANIFEST).read_text())["sessions"][0]
    assert session["backend"] == "ray" and session["ray"]["address"] == "local" and session["ray"]["ray_version"]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_ray_cluster_started_with_ray_start_says_it_needs_its_token(tiny_batch, tmp_path):
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'silicon-curtain[cluster]')")
    import shutil as sh

    ray_cli = sh.which("ray") or str(Path(sys.executable).with_name("ray"))
    port = _free_port()
    subprocess.run([ray_cli, "start", "--head", "--port", str(port), "--num-cpus", "1",
                    "--include-dashboard", "false"], check=True, capture_output=True, timeout=120)
    try:
        sweep, out1 = tiny_batch
        env = {**os.environ, "RAY_ADDRESS": f"127.0.0.1:{port}"}
        env.pop("RAY_AUTH_MODE", None)

        def batch_cli(out, **extra):  # a process each: Ray reads its auth mode once per process
            return subprocess.run([sys.executable, "-m", "game", "batch", str(sweep), "--out", str(out),
                                   "--backend", "ray", "--no-progress"], cwd=ROOT, env={**env, **extra},
                                  capture_output=True, text=True, timeout=300)

        refused = batch_cli(tmp_path / "refused")
        assert refused.returncode == 2, refused.stderr
        assert refused.stderr.strip().splitlines()[-1].endswith("see docs/batch.md")
        assert "authentication token: set RAY_AUTH_MODE=token" in refused.stderr
        assert "gcs_client" not in refused.stderr  # Ray's retry lines stay off the terminal
        assert not (tmp_path / "refused").exists()  # nothing written before the backend is up
        done = batch_cli(tmp_path / "cluster", RAY_AUTH_MODE="token")
        assert done.returncode == 0, done.stderr
        assert_frame_equal(frames(out1)[0], frames(tmp_path / "cluster")[0], check_exact=True)
        session = json.loads((tmp_path / "cluster" / MANIFEST).read_text())["sessions"][0]
        assert session["ray"]["address"] == f"127.0.0.1:{port}"
    finally:
        subprocess.run([ray_cli, "stop", "--force"], capture_output=True, timeout=120)


@pytest.mark.parametrize("address, expected", [
    ("nonsense", "expected HOST:PORT of the head node"),
    ("host:notaport", "expected HOST:PORT"),
    ("127.0.0.1:{closed}", "cannot reach Ray's head there"),
])
def test_a_bad_ray_address_is_refused_in_one_line_without_ray(address, expected, monkeypatch):
    from game.batch import _check_ray_address

    monkeypatch.setenv("RAY_CONNECT_TIMEOUT", "2")
    with pytest.raises(BatchError, match=expected):
        _check_ray_address(address.format(closed=_free_port()))


def test_rays_own_failure_lines_become_one_message_naming_the_cause():
    from game.batch import _ray_failure

    auth = "[..] gcs_client.cc:210: Failed to get cluster ID: Unauthenticated: RPC error: InvalidAuthToken"
    assert "RAY_AUTH_MODE=token" in _ray_failure("h:1", ConnectionError("Failed to connect"), auth)
    other = "[..] gcs_client.cc:210: Failed to get cluster ID from GCS server: RpcError: status: 404"
    assert "not a Ray head" in _ray_failure("h:1", ConnectionError("Failed to connect"), other)
    assert _ray_failure(None, RuntimeError("boom\nmore"), "").endswith("cannot start or reach Ray: boom")


def test_a_batch_whose_backend_fails_to_start_leaves_no_folder(tmp_path, monkeypatch):
    import game.batch as batch

    def no_backend(*a, **k):
        raise BatchError("--backend ray: cannot start or reach Ray: test")

    monkeypatch.setattr(batch, "make_executor", no_backend)
    sweep = write(tmp_path, TINY)
    with pytest.raises(BatchError):
        run_batch(sweep, tmp_path / "new" / "out", backend="ray")
    assert not (tmp_path / "new" / "out").exists()


# ---------------------------------------------------------------------------
# a batch killed at any stage can be finished


class Killed(BaseException):
    """Stands for SIGKILL at one point: nothing after it runs."""


def _kill_at_manifest(status):
    import game.batch as batch

    real = batch._write_json

    def write_json(path, data):
        if path.name == MANIFEST and data.get("status") == status and not data.get("sessions"):
            raise Killed
        real(path, data)

    return write_json


@pytest.mark.parametrize("stage, resume", [("before the first manifest", True), ("before the first manifest", False),
                                           ("before the manifest says complete", True),
                                           ("while the parts are removed", True)])
def test_a_batch_killed_at_each_stage_finishes_with_identical_results(tiny_batch, tmp_path, monkeypatch,
                                                                       stage, resume):
    import game.batch as batch

    sweep, clean = tiny_batch
    out = tmp_path / "killed"
    if stage == "before the first manifest":
        monkeypatch.setattr(batch, "_write_json", _kill_at_manifest("running"))
    elif stage == "before the manifest says complete":
        real = batch._write_json
        monkeypatch.setattr(batch, "_write_json", lambda p, d: (_ for _ in ()).throw(Killed)
                            if d.get("status") == "complete" else real(p, d))
    else:
        def half_rmtree(path, ignore_errors=False):
            next(Path(path).glob("part-*.parquet")).unlink()  # one part gone, then the kill
            raise Killed

        monkeypatch.setattr(batch.shutil, "rmtree", half_rmtree)
    with pytest.raises(Killed):
        run_batch(sweep, out, workers=1)
    monkeypatch.undo()
    if stage == "before the first manifest":
        assert not (out / MANIFEST).exists() and (out / RUNS).exists()  # what the kill left
        run_batch(sweep, out, workers=1, resume=resume)  # starts again from nothing, either way
    else:
        run_batch(sweep, out, workers=1, resume=True)
    assert_frame_equal(frames(clean)[0], frames(out)[0], check_exact=True)
    assert json.loads((out / MANIFEST).read_text())["status"] == "complete"
    assert not (out / PARTS).exists()
