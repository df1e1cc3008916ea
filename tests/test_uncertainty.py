"""Declared uncertainty: every estimate in the world file has a range, a distribution and a reason."""

import re
from pathlib import Path

import pytest

from agents.scenario import SCENARIO_DIR, ScenarioError, available_scenarios, load_scenario
from agents.uncertainty import limits, matches, parameters

WORLD = Path(SCENARIO_DIR) / "_world.toml"


def estimated_keys(path: Path = WORLD) -> list[str]:
    """Dotted keys of every line of a scenario file whose comment says `# estimate`."""
    section, keys = None, []
    for line in path.read_text().splitlines():
        head = re.match(r"^\[(.+)\]\s*$", line)
        if head:
            section = head.group(1)
            continue
        code, _, comment = line.partition("#")
        if "estimate" in comment and "=" in code and section not in (None, "uncertainties"):
            keys.append(f"{section}.{code.split('=')[0].strip()}")
    return keys


def test_every_estimate_has_a_declared_range():
    scenario = load_scenario("diffusion_rule_2025")
    known = dict(parameters(scenario))
    keys = estimated_keys()
    assert len(keys) > 400  # the world file's estimates, not an empty parse
    covered = {k for u in scenario.uncertainties.values() for k in matches(u, known)}
    missing = [k for k in keys if k not in covered]
    assert missing == [], f"estimates without a range in [uncertainties]: {missing}"


@pytest.mark.parametrize("path", sorted(p.name for p in Path(SCENARIO_DIR).glob("*.toml") if p.name != "_world.toml"))
def test_every_scenarios_own_estimates_have_a_range(path):
    """A scenario's own estimated parameters are covered (its schedule's dates and tiers are its story, not
    parameters: sweeps vary them as levers)."""
    scenario = load_scenario(Path(SCENARIO_DIR) / path)
    known = dict(parameters(scenario))
    keys = [k for k in estimated_keys(Path(SCENARIO_DIR) / path) if not k.startswith("schedule.")]
    covered = {k for u in scenario.uncertainties.values() for k in matches(u, known)}
    assert [k for k in keys if k not in covered] == []


def test_every_declared_range_says_why_and_holds_the_scenarios_value():
    scenario = load_scenario("diffusion_rule_2025")
    known, accepts = dict(parameters(scenario)), limits(scenario)
    for entry in scenario.uncertainties.values():
        assert len(entry.why) > 10, entry.key
        for key in matches(entry, known) if not entry.fixed else ():
            lo, hi = entry.bounds(float(known[key]), accepts.get(key, (None, None)))
            assert lo <= float(known[key]) <= hi and lo < hi or float(known[key]) == 0, (key, lo, hi)


@pytest.mark.parametrize("name", sorted(available_scenarios()))
def test_every_shipped_scenario_inherits_the_ranges(name):
    assert len(load_scenario(name).uncertainties) > 80


def test_the_ends_of_every_world_range_are_values_the_scenario_accepts():
    """A sweep may put any parameter at either end of its range: the scenario must load there."""
    scenario = load_scenario("diffusion_rule_2025")
    known = dict(parameters(scenario))
    for entry in scenario.uncertainties.values():
        if entry.fixed or entry.rel is not None or "*" in entry.key:
            continue
        key = entry.key if "." in entry.key else f"world.{entry.key}"
        for end in (entry.lo, entry.hi):
            value = int(round(end)) if isinstance(known[key], int) else end
            load_scenario("diffusion_rule_2025", {key: value})


def test_sampling_covers_the_range_in_its_distribution():
    u = load_scenario("diffusion_rule_2025").uncertainties
    shell = u["shell_cost_usd_per_year"]  # loguniform 2e5-1e6: the middle quantile is the geometric mean
    assert shell.from_unit(0.0, 5e5) == pytest.approx(2e5) and shell.from_unit(1.0, 5e5) == pytest.approx(1e6)
    assert shell.from_unit(0.5, 5e5) == pytest.approx((2e5 * 1e6) ** 0.5)
    goodwill = u["countries.*.goodwill"]  # relative, clipped to what goodwill accepts (0-1)
    assert goodwill.bounds(0.9, (0, 1)) == pytest.approx((0.72, 1.0))


@pytest.mark.parametrize("entry, needle", [
    ('"countries.IND.goodwill" = { min = 0.5, max = 0.9 }', "uncertainties.countries.IND.goodwill.why: missing"),
    ('detect_hazard = { min = 0.05, max = 0.02, why = "x" }', "uncertainties.detect_hazard: expected min < max"),
    ('detect_hazard = { min = 0.04, max = 0.05, why = "x" }', "a range holding the scenario's value"),
    ('detect_hazrd = { min = 0.02, max = 0.05, why = "x" }', "names no parameter of this scenario"),
    ('"countries.*.goodwil" = { rel = [0.8, 1.2], why = "x" }', "names no parameter of this scenario"),
    ('detect_hazard = { min = 0.02, max = 0.05, why = "x", dist = "normal" }', "expected one of uniform"),
    ('"countries.*.goodwill" = { rel = [1.1, 1.2], why = "x" }', "two factors [below, above] around 1"),
])
def test_a_bad_declared_range_is_named_in_its_file(tmp_path, entry, needle):
    path = tmp_path / "s.toml"
    path.write_text(f'extends = "diffusion_rule_2025"\n[uncertainties]\n{entry}\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert any(needle in p and str(path) in p for p in err.value.problems), err.value.problems


def test_an_override_may_explore_past_a_declared_range():
    """--set and sweeps may go beyond what is declared likely: the range says what is plausible, not allowed."""
    scenario = load_scenario("diffusion_rule_2025", {"world.grey_premium_max": 1.5})
    assert scenario.world.grey_premium_max == 1.5 and scenario.uncertainties["grey_premium_max"].hi == 0.9
