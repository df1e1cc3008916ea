"""The batch report: figures, the Markdown summary, sensitivity and threshold tables, from small sweeps."""

import json
from pathlib import Path

import pandas as pd
import pytest

from game.batch import MANIFEST, BatchError, load_results, run_batch
from game.cli import main
from game.report import by_setting, groups, main_effects, marginal_effects, write_report

SWEEP = """\
[sweep]
title = "Report test"
description = "Two enforcement budgets against an LHS of detection and premium."
scenario = "diffusion_rule_2025"
months = 6

[design]
kind = "lhs"
samples = 24
seeds = 1
root_seed = 3
common_random_numbers = true

[levers]
enforcement_budget_usd = { values = [191e6, 591e6], per = 1e8 }

[uncertainties]
detect_hazard = { min = 0.02, max = 0.05 }
grey_premium_max = { min = 0.3, max = 0.9 }

[outputs]
metrics = ["smuggled_cum", "seized_cum", "compute_adversary"]

[report]
thresholds = ["smuggled_cum > 60000"]
"""
"""2 lever settings x 24 LHS samples = 48 runs of 6 months: enough for RBD-FAST."""


@pytest.fixture(scope="module")
def lhs_batch(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    (tmp / "s.toml").write_text(SWEEP)
    return run_batch(tmp / "s.toml", tmp / "out", workers=1)


@pytest.fixture(scope="module")
def lhs_report(lhs_batch) -> Path:
    return write_report(lhs_batch, thresholds=["compute_adversary >= 1.2e6"])


def test_report_writes_png_and_svg_figures_and_a_summary(lhs_report):
    names = sorted(p.name for p in lhs_report.iterdir())
    for stem in ("fan_smuggled_cum", "fan_seized_cum", "fan_compute_adversary", "final_distributions",
                 "tornado", "sensitivity"):
        assert f"{stem}.png" in names and f"{stem}.svg" in names, names
        assert (lhs_report / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert b"<svg" in (lhs_report / f"{stem}.svg").read_bytes()[:2000]
    summary = (lhs_report / "summary.md").read_text()
    for heading in ("# Report test", "## Inputs", "## Outcomes at month 6, by `enforcement_budget_usd`",
                    "## Over time", "## Distribution of final outcomes", "## Effect of each input, one at a time",
                    "## Variance-based sensitivity", "## Threshold crossings"):
        assert heading in summary
    for figure in ("fan_smuggled_cum.png", "final_distributions.png", "tornado.png", "sensitivity.png"):
        assert f"]({figure})" in summary
    assert "RBD-FAST" in summary and "change in mean per 1e+08" in summary
    assert "mean of paired differences" in summary  # same LHS draws at both budgets: runs have twins


def test_threshold_table_lists_exactly_the_runs_that_cross(lhs_batch, lhs_report):
    df = load_results(lhs_batch)
    table = pd.read_csv(lhs_report / "thresholds.csv")
    for threshold, crossed in (("smuggled_cum > 60000", df[df["smuggled_cum"] > 60000]),
                               ("compute_adversary >= 1.2e+06", df[df["compute_adversary"] >= 1.2e6])):
        rows = table[table["threshold"] == threshold]
        assert sorted(rows["run_id"]) == sorted(crossed["run_id"].unique())
        first = crossed.groupby("run_id")["month"].min()
        assert dict(zip(rows["run_id"], rows["first_month"])) == first.to_dict()
    summary = (lhs_report / "summary.md").read_text()
    n = df.loc[df["smuggled_cum"] > 60000, "run_id"].nunique()
    assert f"**smuggled_cum > 60000** at any month: {n} of 48 runs" in summary


def test_main_effects_are_means_at_each_inputs_ends(lhs_batch):
    final = load_results(lhs_batch).groupby("run_id").tail(1)
    runs = final[final["enforcement_budget_usd"] == 191e6]["smuggled_cum"].mean()
    e = main_effects(final, [{"key": "enforcement_budget_usd", "kind": "lever", "values": [191e6, 591e6]}],
                     "smuggled_cum")
    assert e.loc[0, "mean_low"] == pytest.approx(runs)
    assert e.loc[0, "low"] == "1.91e+08" and e.loc[0, "high"] == "5.91e+08"


def test_marginal_effect_recovers_a_known_slope():
    final = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0, 4.0], "z": [1.0, 0.0, 1.0, 0.0, 1.0]})
    final["y"] = 5 + 3 * final["x"] - 2 * final["z"]
    table, r2 = marginal_effects(final, [{"key": "x", "lo": 0, "hi": 4, "per": 10},
                                         {"key": "z", "values": [0.0, 1.0]}], "y")
    assert table.loc[0, "effect"] == pytest.approx(30) and table.loc[1, "effect"] == pytest.approx(-2)
    assert r2 == pytest.approx(1)


def test_change_per_step_pairs_runs_that_differ_only_in_the_split_input():
    final = pd.DataFrame({"budget": [1.0, 1.0, 3.0, 3.0], "hazard": [0.1, 0.2, 0.1, 0.2],
                          "replicate": [0, 0, 0, 0], "y": [10.0, 20.0, 6.0, 18.0]})
    factor = {"key": "budget", "values": [1.0, 3.0]}
    table = by_setting(final, "y", groups(final, "budget", factor), 1.0, "budget", ["budget", "hazard"])
    # twins: (10 -> 6) and (20 -> 18), per unit of budget: -2 and -1
    assert table["mean"].tolist() == [15.0, 12.0]
    assert table.loc[1, "change"] == pytest.approx(-1.5) and bool(table.loc[1, "paired"])
    # two twins: Student's t with 1 degree of freedom (12.71), not 1.96
    assert table.loc[1, "ci"] == pytest.approx(12.706 * pd.Series([-2.0, -1.0]).std() / 2 ** 0.5, rel=1e-4)
    unpaired = by_setting(final.iloc[[0, 1, 2]], "y", groups(final.iloc[[0, 1, 2]], "budget", factor), 1.0,
                          "budget", ["budget", "hazard"])
    assert unpaired.loc[1, "change"] == pytest.approx((6 - 15) / 2) and not unpaired.loc[1, "paired"]


def test_sobol_design_reports_first_order_and_total_indices(tmp_path):
    text = (SWEEP.replace('kind = "lhs"', 'kind = "sobol"').replace("samples = 24", "samples = 4")
            .replace("months = 6", "months = 3").replace("[191e6, 591e6]", "[191e6]"))
    (tmp_path / "s.toml").write_text(text)
    out = write_report(run_batch(tmp_path / "s.toml", tmp_path / "out", workers=1), svg=False)
    summary = (out / "summary.md").read_text()
    assert "Sobol indices (SALib" in summary and "| input | S1 | S1 min | S1 max | S1 ± 95% | ST | ST min | ST max | ST ± 95% |" in summary
    assert (out / "sensitivity.png").exists() and not (out / "sensitivity.svg").exists()


def test_grid_report_says_why_there_is_no_variance_based_sensitivity(tmp_path):
    text = """
[sweep]
scenario = "diffusion_rule_2025"
months = 2
[design]
kind = "grid"
[levers]
enforcement_budget_usd = [191e6, 591e6]
[uncertainties]
detect_hazard = [0.02, 0.05]
[outputs]
metrics = ["smuggled_cum"]
monthly = false
"""
    (tmp_path / "g.toml").write_text(text)
    out = write_report(run_batch(tmp_path / "g.toml", tmp_path / "out", workers=1), svg=False)
    summary = (out / "summary.md").read_text()
    assert "Not computed: variance-based sensitivity needs ranges sampled" in summary
    assert not (out / "fan_smuggled_cum.png").exists()  # one row per run: no time series
    assert (out / "final_distributions.png").exists() and (out / "tornado.png").exists()


def test_report_cli_writes_the_summary(lhs_batch, capsys):
    assert main(["report", str(lhs_batch), "--no-svg", "--metrics", "smuggled_cum",
                 "--threshold", "seized_cum>1000"]) == 0
    assert "summary.md" in capsys.readouterr().out
    summary = (lhs_batch / "report" / "summary.md").read_text()
    assert "**seized_cum > 1000**" in summary and "**smuggled_cum > 60000**" in summary


@pytest.mark.parametrize("args,message", [
    (["--threshold", "smuggled_cum=5"], "expected METRIC>VALUE"),
    (["--threshold", "smuggled_cum>lots"], "expected a number after '>'"),
    (["--metrics", "revenue"], "--metrics revenue: expected a metric this batch kept"),
    (["--by", "utilisation"], "--by utilisation: expected one of the swept inputs"),
])
def test_bad_report_options_get_one_clear_message(lhs_batch, capsys, args, message):
    assert main(["report", str(lhs_batch), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_report_refuses_an_unfinished_batch(lhs_batch, tmp_path):
    (tmp_path / MANIFEST).write_text(json.dumps({**json.loads((lhs_batch / MANIFEST).read_text()),
                                                 "status": "running"}))
    with pytest.raises(BatchError, match="the batch is not finished; finish it with .* --resume"):
        write_report(tmp_path)
    with pytest.raises(BatchError, match="no manifest.json here"):
        write_report(tmp_path / "elsewhere")
