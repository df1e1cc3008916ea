"""Scenario-level effects the domain facts describe, compared on the same seeds.

Each test compares two configurations on seeds 1-3 (facts.md, "Directions
the model should reproduce"). No code branches on a scenario's name: the
effects come from the agents' choices under different levers.
"""

import pytest

from conftest import SEEDS, run_final, total

RULE = "diffusion_rule_2025"


def test_controls_cut_adversary_compute_markedly():
    assert total("compute_adversary", RULE) < 0.5 * total("compute_adversary", "no_controls")


def test_controls_cost_us_vendors_revenue():
    assert total("us_vendor_revenue_cum", RULE) < total("us_vendor_revenue_cum", "no_controls")


def test_controls_raise_domestic_adversary_chips():
    assert total("domestic_adversary", RULE) > 1.2 * total("domestic_adversary", "no_controls")


@pytest.mark.parametrize("seed", SEEDS)
def test_controls_create_smuggling_that_does_not_exist_without_them(seed):
    assert run_final(RULE, seed)["smuggled_cum"] > 0
    assert run_final("no_controls", seed)["smuggled_cum"] == 0


def test_smuggling_rises_with_the_grey_premium():
    higher = (("grey_premium_max", 0.9),)
    assert total("smuggled_cum", RULE, higher) > total("smuggled_cum", RULE)


def test_enforcement_funding_raises_seizures_and_cuts_smuggling():
    """Seizures rise at first; over years deterrence shrinks the trade, so the share seized is what keeps rising."""
    funded = (("enforcement_budget_usd", 4e8),)
    assert total("seized_cum", RULE, funded, months=36) > total("seized_cum", RULE, months=36)
    assert total("smuggled_cum", RULE, funded) < total("smuggled_cum", RULE)

    def share_seized(overrides: tuple = ()) -> float:
        seized = total("seized_cum", RULE, overrides)
        return seized / (seized + total("smuggled_cum", RULE, overrides))

    assert share_seized(funded) >= share_seized()


def test_lower_licence_free_threshold_cuts_structured_orders():
    lower = (("lpp_limit_h100e", 500.0),)
    assert total("structured_orders_cum", RULE, lower) < 0.8 * total("structured_orders_cum", RULE)


def test_structured_orders_only_exist_under_a_licence_free_threshold():
    assert total("structured_orders_cum", RULE) > 0
    assert total("structured_orders_cum", "no_controls") == 0


def test_later_effective_date_raises_stockpiling_before_it():
    later = (("schedule.diffusion_rule.effective_month", 16),)
    assert total("stockpiled_cum", RULE, later) > total("stockpiled_cum", RULE)


def test_rescission_sends_more_compute_to_tier2():
    assert total("compute_swing", "rescission_2025") > 1.3 * total("compute_swing", RULE)


def test_huawei_guidance_cuts_domestic_chip_exports():
    assert total("domestic_exports_cum", "rescission_2025") < 0.1 * total("domestic_exports_cum", RULE)


def test_us_leads_the_frontier_under_the_rule():
    gaps = [run_final(RULE, s)["frontier_gap_months"] for s in SEEDS]
    assert all(g > 6 for g in gaps)
