"""Tests for agents.scenario: loading, ``extends``, validation and overrides.

Small scenario files are written to pytest's ``tmp_path``. A child names its
parent by absolute path (``extends = "/…/scenarios/_world.toml"``) or by a
file name beside it (``extends = "b.toml"``); a bare name (``"_world"``) is
looked up in the shipped ``scenarios/`` folder.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.scenario import (
    SCENARIO_DIR,
    ScenarioError,
    apply_overrides,
    available_scenarios,
    load_raw,
    load_scenario,
    parse_value,
)

WORLD = SCENARIO_DIR / "_world.toml"
DEFAULT = "diffusion_rule_2025"
SHIPPED = ["diffusion_rule_2025", "no_controls", "rescission_2025"]
LPP_EXPECTED = "expected a number between 0 and 10,000,000 H100e/consignee/year"

# A complete country table except for ``tier`` (each test adds what it needs).
ATLANTIS_WITHOUT_TIER = """
[countries.ATL]
name = "Atlantis"
stock_h100e = 1000
spend_usd_per_year = 1e8
spend_growth_per_year = 1.2
labs = 1
lat = 0.0
lon = 0.0
goodwill = 0.5
cooperation = 0.5
transit_hub = false
nveu_share = 0
open_weights_propensity = 0.3
"""


# --------------------------------------------------------------------------
# helpers


def write(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


def write_child(tmp_path: Path, body: str, name: str = "child.toml", parent: str | Path = WORLD) -> Path:
    """A scenario file that extends ``parent`` and adds ``body``."""
    return write(tmp_path / name, f'extends = "{parent}"\n{body}')


def problems_of(name_or_path: str | Path, overrides: dict | None = None) -> list[str]:
    """The problems a load reports (fails the test if it loads)."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(name_or_path, overrides)
    assert info.value.problems, "ScenarioError raised without problems"
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


def only_problem(name_or_path: str | Path, overrides: dict | None = None) -> str:
    problems = problems_of(name_or_path, overrides)
    assert len(problems) == 1, problems
    return problems[0]


def base() -> object:
    return load_scenario(WORLD)


# --------------------------------------------------------------------------
# the shipped scenarios


def test_available_scenarios_lists_the_shipped_scenarios():
    assert set(SHIPPED) <= set(available_scenarios())
    assert available_scenarios() == sorted(available_scenarios())


def test_base_file_is_not_listed_as_a_scenario():
    assert WORLD.is_file()
    assert "_world" not in available_scenarios()
    assert not any(name.startswith("_") for name in available_scenarios())


@pytest.mark.parametrize("name", available_scenarios())
def test_every_shipped_scenario_loads(name):
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.path == str(SCENARIO_DIR / f"{name}.toml")
    assert "USA" in scenario.countries
    assert scenario.meta.months >= 1


def test_diffusion_rule_schedules_the_rule_with_its_levers():
    entry = load_scenario("diffusion_rule_2025").schedule["diffusion_rule"]
    assert (entry.month, entry.effective_month, entry.command) == (0, 4, "set")
    assert dict(entry.levers) == {"tier2_caps": True, "weights_controls": True}


def test_no_controls_changes_four_levers_and_inherits_the_rest():
    assert load_scenario("no_controls").policy == base().policy.changed(
        chip_controls=False, density_rule=False, foundry_rule=False, hbm_controls=False)


def test_rescission_inherits_its_grandparents_schedule():
    schedule = load_scenario("rescission_2025").schedule
    assert set(schedule) == {"diffusion_rule", "h20_ban", "rescission", "huawei_guidance",
                             "uae_deal", "saudi_deal", "h20_relicence"}
    assert schedule["uae_deal"].command == "deal"
    assert schedule["uae_deal"].country == "ARE"
    assert schedule["uae_deal"].h100e_per_year == 1.1e6


def test_scenario_is_frozen():
    scenario = load_scenario(DEFAULT)
    with pytest.raises(dataclasses.FrozenInstanceError):
        scenario.name = "other"  # type: ignore[misc]


def test_nested_sections_are_frozen():
    scenario = load_scenario(DEFAULT)
    with pytest.raises(dataclasses.FrozenInstanceError):
        scenario.world.utilisation = 0.9  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        scenario.countries["JPN"].tier = 2  # type: ignore[misc]


def test_scenario_tables_are_read_only_mappings():
    scenario = load_scenario(DEFAULT)
    with pytest.raises(TypeError):
        scenario.countries["ATL"] = scenario.countries["USA"]  # type: ignore[index]
    with pytest.raises(TypeError):
        del scenario.schedule["diffusion_rule"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("month, label", [(0, "2025-01"), (11, "2025-12"), (12, "2026-01"), (71, "2030-12")])
def test_date_labels_model_months(month, label):
    assert load_scenario(DEFAULT).date(month) == label


# --------------------------------------------------------------------------
# extends


def test_child_overriding_one_lever_inherits_the_rest_of_policy(tmp_path):
    child = load_scenario(write_child(tmp_path, "[policy]\nlpp_limit_h100e = 500\n"))
    assert child.policy.lpp_limit_h100e == 500.0
    assert child.policy == base().policy.changed(lpp_limit_h100e=500.0)


def test_child_inherits_meta_world_chips_and_clouds(tmp_path):
    child, parent = load_scenario(write_child(tmp_path, "[policy]\nlpp_limit_h100e = 500\n")), base()
    assert (child.meta, child.world) == (parent.meta, parent.world)
    assert dict(child.chips) == dict(parent.chips)
    assert dict(child.clouds) == dict(parent.clouds)


def test_child_overriding_one_country_tier_keeps_other_countries(tmp_path):
    child, parent = load_scenario(write_child(tmp_path, "[countries.JPN]\ntier = 2\n")), base()
    assert set(child.countries) == set(parent.countries)
    assert child.countries["JPN"] == dataclasses.replace(parent.countries["JPN"], tier=2)
    assert {k: v for k, v in child.countries.items() if k != "JPN"} == \
           {k: v for k, v in parent.countries.items() if k != "JPN"}


def test_extends_by_bare_name_uses_the_shipped_folder(tmp_path):
    child = load_scenario(write_child(tmp_path, "[world]\nutilisation = 0.5\n", parent="_world"))
    assert child.world == dataclasses.replace(base().world, utilisation=0.5)


def test_extends_by_file_name_resolves_beside_the_child(tmp_path):
    write(tmp_path / "mybase.toml", WORLD.read_text(encoding="utf-8"))
    child = load_scenario(write_child(tmp_path, "[meta]\nmonths = 24\n", parent="mybase.toml"))
    assert child.meta.months == 24
    assert child.meta.title == base().meta.title


def test_extends_chain_of_three_files_merges_in_order(tmp_path):
    write_child(tmp_path, "[policy]\nlpp_limit_h100e = 500\ntier2_caps = true\n", name="mid.toml")
    leaf = load_scenario(write_child(tmp_path, "[policy]\nlpp_limit_h100e = 700\n",
                                     name="leaf.toml", parent="mid.toml"))
    assert leaf.policy == base().policy.changed(lpp_limit_h100e=700.0, tier2_caps=True)


def test_extends_key_is_not_part_of_the_merged_scenario(tmp_path):
    raw, file = load_raw(write_child(tmp_path, ""))
    assert "extends" not in raw
    assert file == str(tmp_path / "child.toml")


def test_extends_cycle_is_an_error(tmp_path):
    a = write(tmp_path / "a.toml", 'extends = "b.toml"\n')
    write(tmp_path / "b.toml", 'extends = "a.toml"\n')
    problem = only_problem(a)
    assert problem.startswith(f"{a}:extends: ")
    assert "cycle" in problem
    assert "a -> b -> a" in problem


def test_extending_itself_is_a_cycle(tmp_path):
    a = write(tmp_path / "a.toml", 'extends = "a.toml"\n')
    assert only_problem(a) == f"{a}:extends: cycle in extends chain (a -> a)"


def test_missing_parent_is_an_error_naming_it(tmp_path):
    child = write_child(tmp_path, "", parent="no_such_parent")
    problem = only_problem(child)
    assert problem.startswith(f"{child}:extends: no scenario named 'no_such_parent'")
    assert str(SCENARIO_DIR / "no_such_parent.toml") in problem


def test_extends_must_be_a_string(tmp_path):
    child = write(tmp_path / "child.toml", "extends = 3\n")
    assert only_problem(child) == f"{child}:extends: expected a scenario name, got 3"


# --------------------------------------------------------------------------
# invalid files: every problem names the file, the dotted key and what was expected


def test_malformed_toml_is_reported(tmp_path):
    child = write(tmp_path / "child.toml", "[world\nutilisation = 0.4\n")
    assert only_problem(child).startswith(f"{child}: not valid TOML: ")


def test_malformed_parent_is_reported_against_the_parent(tmp_path):
    parent = write(tmp_path / "parent.toml", "policy = [\n")
    child = write_child(tmp_path, "", parent="parent.toml")
    assert only_problem(child).startswith(f"{parent}: not valid TOML: ")


def test_unknown_top_level_table_is_an_error(tmp_path):
    child = write_child(tmp_path, "[weather]\nrain = 1\n")
    assert only_problem(child) == (f"{child}:weather: unknown key (expected one of: "
                                   "chips, clouds, countries, meta, policy, schedule, uncertainties, world)")


def test_unknown_world_key_is_an_error(tmp_path):
    child = write_child(tmp_path, "[world]\nutilization = 0.4\n")
    problem = only_problem(child)
    assert problem == f"{child}:world.utilization: unknown key (did you mean 'utilisation'?)"


def test_string_for_a_world_number_is_an_error(tmp_path):
    child = write_child(tmp_path, '[world]\nutilisation = "high"\n')
    assert only_problem(child) == f"{child}:world.utilisation: expected a number between 0 and 1, got 'high'"


def test_bool_for_a_world_number_is_an_error(tmp_path):
    child = write_child(tmp_path, "[world]\nutilisation = true\n")
    assert only_problem(child) == f"{child}:world.utilisation: expected a number between 0 and 1, got True"


def test_fraction_for_a_world_integer_is_an_error(tmp_path):
    child = write_child(tmp_path, "[world]\ntraining_run_months = 4.5\n")
    assert only_problem(child) == f"{child}:world.training_run_months: expected a whole number between 1 and 36 months, got 4.5"


def test_world_value_out_of_range_names_the_range(tmp_path):
    child = write_child(tmp_path, "[world]\nutilisation = 2\n")
    assert only_problem(child) == f"{child}:world.utilisation: expected a number between 0 and 1, got 2.0"


def test_world_value_below_an_open_range_names_the_minimum_and_unit(tmp_path):
    child = write_child(tmp_path, "[world]\ntpp_per_h100e = 0.5\n")
    assert only_problem(child) == f"{child}:world.tpp_per_h100e: expected a number between 1 and 1,000,000 TPP, got 0.5"


def test_non_finite_world_value_is_an_error(tmp_path):
    child = write_child(tmp_path, "[world]\ntpp_per_h100e = inf\n")
    assert only_problem(child) == f"{child}:world.tpp_per_h100e: expected a number between 1 and 1,000,000 TPP, got inf"


def test_missing_required_country_key_is_an_error(tmp_path):
    child = write_child(tmp_path, ATLANTIS_WITHOUT_TIER)
    assert only_problem(child) == f"{child}:countries.ATL.tier: missing (expected a whole number between 1 and 3)"


def test_complete_new_country_is_accepted(tmp_path):
    child = load_scenario(write_child(tmp_path, ATLANTIS_WITHOUT_TIER + "tier = 2\n"))
    assert child.countries["ATL"].tier == 2
    assert child.countries["ATL"].aggregate is False
    assert len(child.countries) == len(base().countries) + 1


def test_lever_of_wrong_type_is_an_error(tmp_path):
    child = write_child(tmp_path, '[policy]\ntier2_caps = "yes"\n')
    assert only_problem(child) == f"{child}:policy.tier2_caps: expected true or false, got 'yes'"


def test_lever_choice_outside_its_choices_is_an_error(tmp_path):
    child = write_child(tmp_path, '[policy]\nvariant_policy = "sometimes"\n')
    assert only_problem(child) == (f"{child}:policy.variant_policy: expected one of "
                                   "'allowed', 'licence_fee', 'denied', got 'sometimes'")


def test_unknown_lever_is_an_error(tmp_path):
    child = write_child(tmp_path, "[policy]\ntier4_caps = true\n")
    problem = only_problem(child)
    assert problem == f"{child}:policy.tier4_caps: unknown lever (did you mean 'tier2_caps'?)"


def test_month_thirteen_is_not_a_start_month(tmp_path):
    child = write_child(tmp_path, '[meta]\nstart = "2025-13"\n')
    assert only_problem(child) == f"{child}:meta.start: expected a month YYYY-MM, got '2025-13'"


def test_other_start_month_shifts_dates(tmp_path):
    child = load_scenario(write_child(tmp_path, '[meta]\nstart = "2024-11"\n'))
    assert (child.start_year, child.start_month) == (2024, 11)
    assert [child.date(m) for m in (0, 1, 2, 14)] == ["2024-11", "2024-12", "2025-01", "2026-01"]


def test_schedule_entry_with_unknown_lever_is_an_error(tmp_path):
    child = write_child(tmp_path, "[schedule.x]\nmonth = 0\nlevers = { tier4_caps = true }\n")
    problem = only_problem(child)
    assert problem == f"{child}:schedule.x.levers.tier4_caps: unknown lever (did you mean 'tier2_caps'?)"


def test_schedule_entry_with_lever_of_wrong_type_is_an_error(tmp_path):
    child = write_child(tmp_path, "[schedule.x]\nmonth = 0\nlevers = { lpp_limit_h100e = -1 }\n")
    assert only_problem(child) == f"{child}:schedule.x.levers.lpp_limit_h100e: {LPP_EXPECTED}, got -1"


def test_schedule_set_without_levers_is_an_error(tmp_path):
    child = write_child(tmp_path, "[schedule.x]\nmonth = 0\n")
    assert only_problem(child) == f"{child}:schedule.x.levers: missing (expected at least one lever to set)"


def test_effective_month_before_month_is_an_error(tmp_path):
    child = write_child(tmp_path, "[schedule.x]\nmonth = 6\neffective_month = 3\n"
                                  "levers = { tier2_caps = true }\n")
    assert only_problem(child) == f"{child}:schedule.x.effective_month: expected a month >= month (6), got 3"


def test_effective_month_equal_to_month_is_accepted(tmp_path):
    child = load_scenario(write_child(tmp_path, "[schedule.x]\nmonth = 6\neffective_month = 6\n"
                                                "levers = { tier2_caps = true }\n"))
    assert child.schedule["x"].effective_month == 6


def test_deal_with_unknown_country_is_an_error(tmp_path):
    child = write_child(tmp_path, '[schedule.x]\nmonth = 4\ncommand = "deal"\ncountry = "ATL"\n'
                                  "h100e_per_year = 1000\n")
    assert only_problem(child) == f"{child}:schedule.x.country: expected a country of this scenario, got 'ATL'"


def test_unknown_schedule_command_is_an_error(tmp_path):
    child = write_child(tmp_path, '[schedule.x]\nmonth = 4\ncommand = "embargo"\n')
    assert only_problem(child) == (f"{child}:schedule.x.command: expected one of "
                                   "'set', 'rescind', 'set_tier', 'g2g', 'deal', 'country_policy', got 'embargo'")


def test_cloud_site_in_unknown_country_is_an_error(tmp_path):
    child = write_child(tmp_path, '[clouds.newco]\nname = "NewCo"\nhq = "USA"\nspend_usd_per_year = 1e9\n'
                                  "spend_growth_per_year = 1.2\nsites = { ATL = 0.5 }\n")
    assert only_problem(child) == f"{child}:clouds.newco.sites.ATL: unknown country (did you mean 'QAT'?)"


def test_cloud_sites_are_merged_key_by_key(tmp_path):
    child = load_scenario(write_child(tmp_path, "[clouds.hyperscaler_a]\nsites = { DEU = 0.02 }\n"))
    assert dict(child.clouds["hyperscaler_a"].sites) == {**base().clouds["hyperscaler_a"].sites, "DEU": 0.02}


def test_several_problems_in_one_file_are_all_reported(tmp_path):
    child = write_child(tmp_path, '[world]\nutilisation = 2\n[policy]\ntier2_caps = "yes"\n'
                                  '[meta]\nstart = "2025-13"\n')
    problems = problems_of(child)
    assert len(problems) >= 2
    assert f"{child}:world.utilisation: expected a number between 0 and 1, got 2.0" in problems
    assert f"{child}:policy.tier2_caps: expected true or false, got 'yes'" in problems
    assert f"{child}:meta.start: expected a month YYYY-MM, got '2025-13'" in problems


def test_unknown_scenario_name_lists_the_known_scenarios():
    problem = only_problem("no_such_scenario")
    assert problem.startswith(f"{SCENARIO_DIR / 'no_such_scenario.toml'}: no such scenario file")
    assert f"(known scenarios: {', '.join(available_scenarios())})" in problem


# --------------------------------------------------------------------------
# overrides (--set key=value)


def test_bare_lever_override_changes_policy():
    scenario = load_scenario(DEFAULT, {"lpp_limit_h100e": 500.0})
    assert scenario.policy == load_scenario(DEFAULT).policy.changed(lpp_limit_h100e=500.0)


def test_bare_world_override_changes_world():
    scenario = load_scenario(DEFAULT, {"utilisation": 0.6})
    assert scenario.world == dataclasses.replace(load_scenario(DEFAULT).world, utilisation=0.6)


def test_bare_meta_override_changes_meta():
    assert load_scenario(DEFAULT, {"months": 24}).meta.months == 24


def test_dotted_country_override_changes_one_country():
    scenario, default = load_scenario(DEFAULT, {"countries.JPN.tier": 2}), load_scenario(DEFAULT)
    assert scenario.countries["JPN"] == dataclasses.replace(default.countries["JPN"], tier=2)
    assert scenario.countries["KOR"] == default.countries["KOR"]


def test_dotted_schedule_override_changes_effective_month():
    entry = load_scenario("diffusion_rule_2025", {"schedule.diffusion_rule.effective_month": 16}).schedule[
        "diffusion_rule"]
    assert (entry.month, entry.effective_month) == (0, 16)
    assert dict(entry.levers) == {"tier2_caps": True, "weights_controls": True}


def test_dotted_policy_override_changes_policy():
    assert load_scenario(DEFAULT, {"policy.tier2_caps": True}).policy.tier2_caps is True


def test_parsed_command_line_values_override():
    scenario = load_scenario(DEFAULT, {"lpp_limit_h100e": parse_value("4e3"),
                                       "variant_policy": parse_value("denied")})
    assert (scenario.policy.lpp_limit_h100e, scenario.policy.variant_policy) == (4000.0, "denied")


def test_overrides_do_not_change_the_raw_scenario():
    raw, _ = load_raw(DEFAULT)
    out = apply_overrides(raw, {"countries.JPN.tier": 2, "lpp_limit_h100e": 1.0})
    assert (raw["countries"]["JPN"]["tier"], raw["policy"]["lpp_limit_h100e"]) == (1, 1699)
    assert (out["countries"]["JPN"]["tier"], out["policy"]["lpp_limit_h100e"]) == (2, 1.0)


def test_unknown_bare_override_key_is_an_error_naming_it():
    problem = only_problem(DEFAULT, {"lpp_limt": 1.0})
    assert problem.startswith("--set lpp_limt: unknown key (did you mean 'lpp_limit_h100e'? expected a lever")


def test_unknown_dotted_world_key_is_an_error_naming_it():
    problem = only_problem(DEFAULT, {"world.utilization": 0.5})
    assert problem.startswith("--set world.utilization: unknown key (")  # the [world] keys, or the closest


def test_unknown_dotted_lever_is_an_error_naming_it():
    assert only_problem(DEFAULT, {"policy.tier4_caps": True}) == \
           "--set policy.tier4_caps: unknown key (did you mean 'tier2_caps'?)"


def test_dotted_override_into_missing_table_is_an_error():
    assert only_problem(DEFAULT, {"countries.ATL.tier": 2}) == \
           "--set countries.ATL.tier: no table 'ATL' in this scenario"


def test_dotted_override_of_unknown_country_key_is_an_error():
    assert only_problem(DEFAULT, {"countries.JPN.rank": 2}) == \
           "--set countries.JPN.rank: no key 'rank' at countries.JPN"


def test_override_with_wrong_value_type_is_caught_by_validation():
    problem = only_problem(DEFAULT, {"lpp_limit_h100e": "lots"})
    assert problem == f"{SCENARIO_DIR / (DEFAULT + '.toml')}:policy.lpp_limit_h100e: {LPP_EXPECTED}, got 'lots'"


def test_world_override_with_wrong_value_type_is_caught_by_validation():
    problem = only_problem(DEFAULT, {"utilisation": "high"})
    assert problem == f"{SCENARIO_DIR / (DEFAULT + '.toml')}:world.utilisation: expected a number between 0 and 1, got 'high'"


@pytest.mark.parametrize("text, value, kind", [
    ("4e8", 4e8, float),
    ("500", 500, int),
    ("0.5", 0.5, float),
    ("true", True, bool),
    ("false", False, bool),
    ("[1, 2]", [1, 2], list),
    ('"quoted words"', "quoted words", str),
    ("denied", "denied", str),
    ("2025-13", "2025-13", str),
])
def test_parse_value_reads_toml_or_a_bare_word(text, value, kind):
    parsed = parse_value(text)
    assert parsed == value
    assert type(parsed) is kind


@given(st.floats(allow_nan=False))
def test_parse_value_round_trips_any_float(value):
    parsed = parse_value(repr(value))
    assert type(parsed) is float
    assert parsed == value and math.copysign(1, parsed) == math.copysign(1, value)


# --------------------------------------------------------------------------
# properties of lever overrides


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=0, max_value=1e7))
def test_any_lpp_limit_in_range_loads_exactly(value):
    assert load_scenario(DEFAULT, {"lpp_limit_h100e": value}).policy.lpp_limit_h100e == value


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**7))
def test_any_integer_lpp_limit_in_range_loads_as_a_float(value):
    limit = load_scenario(DEFAULT, {"lpp_limit_h100e": value}).policy.lpp_limit_h100e
    assert type(limit) is float and limit == value


@settings(max_examples=60, deadline=None)
@given(st.floats(max_value=0, exclude_max=True, allow_nan=False, allow_infinity=False))
def test_any_lpp_limit_below_minimum_is_rejected(value):
    assert only_problem(DEFAULT, {"lpp_limit_h100e": value}) == \
           f"{SCENARIO_DIR / (DEFAULT + '.toml')}:policy.lpp_limit_h100e: {LPP_EXPECTED}, got {value!r}"


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=1e7, exclude_min=True, allow_nan=False))
def test_any_lpp_limit_above_maximum_is_rejected(value):
    assert only_problem(DEFAULT, {"lpp_limit_h100e": value}) == \
           f"{SCENARIO_DIR / (DEFAULT + '.toml')}:policy.lpp_limit_h100e: {LPP_EXPECTED}, got {value!r}"


# --------------------------------------------------------------------------
# bad types deep in tables, and read-only nested tables


def test_override_of_effective_month_with_a_word_is_caught_by_validation():
    problem = only_problem("diffusion_rule_2025", {"schedule.diffusion_rule.effective_month": "May"})
    assert problem.endswith(":schedule.diffusion_rule.effective_month: expected a whole number between 0 and 600 or null, got 'May'")


def test_deal_with_non_numeric_volume_is_an_error(tmp_path):
    child = write_child(tmp_path, '[schedule.x]\nmonth = 4\ncommand = "deal"\ncountry = "JPN"\n'
                                  'h100e_per_year = "lots"\n')
    assert f"{child}:schedule.x.h100e_per_year: expected a number between 0 and 1,000,000,000 H100e/year, got 'lots'" in problems_of(child)


def test_cloud_hq_of_wrong_type_is_an_error(tmp_path):
    child = write_child(tmp_path, '[clouds.hyperscaler_a]\nhq = ["USA"]\n')
    assert f"{child}:clouds.hyperscaler_a.hq: expected a string, got ['USA']" in problems_of(child)


def test_dotted_override_of_a_defaulted_schedule_key_works():
    entry = load_scenario("rescission_2025", {"schedule.h20_relicence.effective_month": 9}).schedule["h20_relicence"]
    assert (entry.month, entry.effective_month) == (7, 9)


def test_schedule_levers_of_a_loaded_scenario_are_read_only():
    levers = load_scenario("diffusion_rule_2025").schedule["diffusion_rule"].levers
    with pytest.raises(TypeError):
        levers["tier2_caps"] = False  # type: ignore[index]


def test_cloud_sites_of_a_loaded_scenario_are_read_only():
    sites = load_scenario(DEFAULT).clouds["hyperscaler_a"].sites
    with pytest.raises(TypeError):
        sites["CHN"] = 0.5  # type: ignore[index]


def test_schedule_levers_that_are_not_a_table_are_an_error(tmp_path):
    child = write_child(tmp_path, "[schedule.x]\nmonth = 0\nlevers = 5\n")
    assert f"{child}:schedule.x.levers: expected a table, got 5" in problems_of(child)
