"""Calibration and comparison: generated tables, clear errors, files on disk."""

from pathlib import Path

import pandas as pd
import pytest

from game import study
from game.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_calibration_table_has_every_target_with_source_and_verdict():
    table = study.calibrate([1, 2], samples=2)
    assert list(table.target) == [t.name for t in study.TARGETS]
    assert table.source.str.len().min() > 10
    assert set(table.verdict) <= set(study.VERDICTS)
    fitted = table[~table.held_out]
    assert fitted.inside.all(), fitted[~fitted.inside][["target", "model_mean", "low", "high"]]
    assert (table.band_low <= table.band_high).all()


def test_held_out_targets_set_nothing_and_fitted_ones_name_what_they_set():
    held_out = [t for t in study.TARGETS if t.held_out]
    assert len(held_out) >= 4
    assert all("`" in t.fitted_by or "starting stocks" in t.fitted_by for t in study.TARGETS if not t.held_out)
    assert all(t.note for t in held_out), "a held-out target says why its source is or is not comparable"


@pytest.mark.parametrize("value, band, verdict", [
    (5, (4, 6), "inside"), (5, (20, 30), "inside at the fit only"),
    (50, (8, 30), "band overlaps"), (50, (40, 60), "outside"),
])
def test_verdicts_say_whether_the_fit_and_the_band_meet_the_range(value, band, verdict):
    assert study._verdict(value, *band, low=0, high=10) == verdict


def test_calibrate_writes_the_markdown_it_prints_and_check_catches_a_stale_page(tmp_path, capsys):
    out = tmp_path / "calibration.md"
    args = ["calibrate", "--seeds", "2", "--samples", "0", "--out", str(out)]
    assert main(args) == 0
    text = out.read_text()
    printed = capsys.readouterr().out
    assert text.startswith("# Calibration against the sourced record")
    assert "held-out" in text and "fitted" in printed
    for t in study.TARGETS:
        assert t.name in text and t.name in printed
    assert main(args + ["--check"]) == 0
    out.write_text(text.replace("| fitted |", "| held-out |", 1))
    assert main(args + ["--check"]) == 1
    err = capsys.readouterr().err
    assert "differs from what the model gives now" in err and "--seeds 2 --samples 0" in err
    assert out.read_text() != text, "--check writes nothing"
    assert main(args[:-1] + [str(tmp_path / "missing.md"), "--check"]) == 1


def test_shipped_calibration_page_is_what_the_model_gives_now(capsys):
    """make test runs ``calibrate --check`` with the page's own configuration (the defaults)."""
    assert main(["calibrate", "--check", "--out", str(ROOT / "docs" / "calibration.md")]) == 0, \
        capsys.readouterr().err


def test_compare_reports_paired_differences_with_intervals(tmp_path):
    runs, table = study.compare("diffusion_rule_2025", "no_controls", seeds=[1, 2, 3], months=[12, 24], horizon=24)
    row = table[(table.metric == "compute_adversary") & (table.month == 24)].iloc[0]
    assert row.mean_diff > 0 and row.ci_low <= row.mean_diff <= row.ci_high
    assert set(runs.scenario) == {"diffusion_rule_2025", "no_controls"} and runs.seed.nunique() == 3


def test_compare_command_writes_tables_and_a_fan_chart(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", "diffusion_rule_2025", "diffusion_rule_strengthened", "--seeds", "2",
                 "--months", "6,12", "--out", str(out)]) == 0
    table = pd.read_csv(out / "compare.csv")
    assert set(table.month) == {6, 12}
    png = (out / "fan_chart.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    assert "95% interval" in capsys.readouterr().out


def test_compare_rejects_unknown_scenarios_and_months_past_the_end(capsys):
    assert main(["compare", "nope", "no_controls", "--seeds", "2"]) == 2
    assert "no such scenario file" in capsys.readouterr().err
    assert main(["compare", "no_controls", "diffusion_rule_2025", "--seeds", "2", "--months", "900"]) == 2
    assert "runs only 72 months" in capsys.readouterr().err


def test_scenario_guide_is_generated_from_meta_and_shipped():
    text = study.scenarios_markdown()
    for name in ("diffusion_rule_delayed", "chip_security_act"):
        assert f"## {name}" in text
    assert "announced, in force from 2026-05" in text
    assert (ROOT / "docs" / "scenarios.md").read_text() == text


def test_compare_with_uncertainty_samples_the_declared_ranges_and_splits_the_variance():
    from agents.scenario import load_scenario
    from game.study import compare, parameter_points

    sa, sb = load_scenario("diffusion_rule_2025"), load_scenario("no_controls")
    points = parameter_points(sa, sb, samples=3, root_seed=7)
    assert len(points) == 3 and points[0][0] != points[1][0]  # three different draws
    for over_a, over_b in points:  # the same world draw for both (they share the world's values)
        assert over_a == over_b and "world.grey_premium_max" in over_a
        assert 0.3 <= over_a["world.grey_premium_max"] <= 0.9
    runs, table = compare("diffusion_rule_2025", "no_controls", [1, 2], months=[6], horizon=6, samples=3)
    assert set(runs["sample"]) == {0, 1, 2} and set(runs["seed"]) == {1, 2}
    for col in ("metric", "mean_diff", "ci_low", "ci_high", "p5_diff", "p95_diff", "seed_share",
                "parameter_share"):
        assert col in table.columns
    row = table[table.metric == "smuggled_cum"].iloc[0]
    assert row.seed_share + row.parameter_share == pytest.approx(1.0)
    assert row.ci_low <= row.mean_diff <= row.ci_high and row.p5_diff <= row.p95_diff


def test_compare_command_with_uncertainty_prints_the_spread_and_the_parameters_share(capsys):
    assert main(["compare", "diffusion_rule_2025", "no_controls", "--seeds", "2", "--months", "3",
                 "--uncertainty", "--samples", "2"]) == 0
    out = capsys.readouterr().out
    assert "2 seeds x 2 samples of the declared parameter ranges" in out and "from parameters" in out
    with pytest.raises(SystemExit) as stop:  # one sample has no spread to report
        main(["compare", "diffusion_rule_2025", "no_controls", "--uncertainty", "--samples", "1"])
    assert stop.value.code == 2


def test_a_parameter_set_by_hand_is_never_sampled_bare_or_dotted():
    from agents.scenario import load_scenario
    from game.study import parameter_points

    sc = load_scenario("diffusion_rule_2025", {"grey_premium_max": 0.5})
    for fixed in (["grey_premium_max"], ["world.grey_premium_max"]):
        (point,), _ = parameter_points(sc, samples=2, root_seed=7, fixed=fixed)
        assert "world.grey_premium_max" not in point and "world.detect_hazard" in point
