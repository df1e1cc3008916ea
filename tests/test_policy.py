"""A government's own policies (``country_policy``): validated like other commands, and each moves the
world the way it should on several seeds."""

import json

import pytest

from agents import commands as cmd
from agents.model import ComputeModel

SEEDS = (1, 2, 3)


def run(seed, policy=None, months=36, at=0, scenario="diffusion_rule_2025"):
    m = ComputeModel(scenario=scenario, seed=seed)
    for month in range(months):
        if policy is not None and month == at:
            assert m.submit(policy).ok
        m.step()
    return m


def test_a_policy_is_checked_against_the_governments_tier_and_its_range():
    m = ComputeModel(scenario="diffusion_rule_2025", seed=1)
    ok = m.submit(cmd.CountryPolicy(country="CHN", policies={"subsidy_usd_per_year": 3e10}))
    assert ok.ok
    wrong_tier = m.submit(cmd.CountryPolicy(country="IND", policies={"subsidy_usd_per_year": 1e9}))
    assert not wrong_tier.ok and "Tier 3 government's policy; India is in Tier 2" in wrong_tier.reason
    typo = m.submit(cmd.CountryPolicy(country="ARE", policies={"transit_enforcment": 0.5}))
    assert not typo.ok and "did you mean 'transit_enforcement'" in typo.reason
    too_much = m.submit(cmd.CountryPolicy(country="ARE", policies={"transit_enforcement": 2}))
    assert not too_much.ok and "expected a number between 0 and 1, got 2" in too_much.reason
    assert not m.submit(cmd.CountryPolicy(country="USA", policies={"transit_enforcement": 0.5})).ok
    assert not m.submit(cmd.CountryPolicy(country="CHN", policies={})).ok


def test_a_policy_is_logged_and_read_back_like_any_command():
    m = run(1, cmd.CountryPolicy(country="ARE", policies={"transit_enforcement": 0.4}), months=2)
    line = next(json.loads(x) for x in m.command_log if '"country_policy"' in x)
    again = cmd.from_dict(line)
    assert again == cmd.CountryPolicy(country="ARE", policies={"transit_enforcement": 0.4})
    assert any(e.kind == "policy_set" and e.country == "ARE" for e in m.events)


def test_a_bigger_subsidy_grows_the_domestic_chip_industry():
    more = [run(s, cmd.CountryPolicy(country="CHN", policies={"subsidy_usd_per_year": 5e10}))
            .datacollector.model_vars["domestic_output_chips"][-1] for s in SEEDS]
    less = [run(s, cmd.CountryPolicy(country="CHN", policies={"subsidy_usd_per_year": 0.0}))
            .datacollector.model_vars["domestic_output_chips"][-1] for s in SEEDS]
    assert sum(more) > 1.1 * sum(less)


def test_purchase_guidance_moves_home_buyers_to_domestic_chips():
    def domestic_share(m):
        v = m.datacollector.model_vars
        return v["domestic_adversary"][-1] / v["compute_adversary"][-1]

    steered = [domestic_share(run(s, cmd.CountryPolicy(country="CHN", policies={"domestic_purchase_share": 1.0})))
               for s in SEEDS]
    free = [domestic_share(run(s, cmd.CountryPolicy(country="CHN", policies={"domestic_purchase_share": 0.0})))
            for s in SEEDS]
    assert sum(steered) > sum(free)


def _last(m, name):
    return m.datacollector.model_vars[name][-1]


def _own_compute(m, code):
    return float(m.installed_h100e()[m.holders.country == m.countries.index[code]].sum())


def test_blocking_export_variants_trades_compute_for_self_sufficiency_and_costs_us_vendors():
    """China's customs refuse H20-class chips: fewer variants in, less compute, more of it home-made."""
    base = {"subsidy_usd_per_year": 3e10}
    blocked = [run(s, cmd.CountryPolicy(country="CHN", policies={**base, "block_export_variants": True}))
               for s in SEEDS]
    open_ = [run(s, cmd.CountryPolicy(country="CHN", policies=base)) for s in SEEDS]
    for b, o in zip(blocked, open_):
        assert _last(b, "variant_exports_cum") < 0.2 * _last(o, "variant_exports_cum")
        assert _last(b, "compute_adversary") < _last(o, "compute_adversary")
        assert _last(b, "self_sufficiency_adversary") > _last(o, "self_sufficiency_adversary") + 0.05
        assert _last(b, "us_vendor_revenue_cum") < _last(o, "us_vendor_revenue_cum")


def test_keeping_domestic_chips_at_home_ends_their_exports_and_the_money_they_earn():
    kept = [run(s, cmd.CountryPolicy(country="CHN", policies={"export_domestic_chips": False})) for s in SEEDS]
    sold = [run(s) for s in SEEDS]
    assert all(_last(k, "domestic_exports_cum") == 0 and _last(k, "domestic_export_revenue_cum") == 0 for k in kept)
    assert all(_last(x, "domestic_exports_cum") > 0 and _last(x, "domestic_export_revenue_cum") > 0 for x in sold)
    assert sum(_last(k, "domestic_adversary") for k in kept) >= sum(_last(x, "domestic_adversary") for x in sold)


def test_a_tier2_country_that_keeps_tier3_chips_out_buys_none_and_is_not_judged_for_them():
    out = [run(s, cmd.CountryPolicy(country="QAT", policies={"allow_tier3_chips": False})) for s in SEEDS]
    free = [run(s) for s in SEEDS]
    i = free[0].countries.index["QAT"]
    assert all(m.countries.tier3_chip_share[i] == 0 for m in out)
    assert all(m.countries.tier3_chip_share[i] > 0 for m in free)  # it bought some, and the US noticed


def test_buying_tier3_chips_costs_a_country_the_us_trust():
    def cooperation(seed, loss):
        m = ComputeModel(scenario="diffusion_rule_2025", seed=seed, **{"world.tier3_chip_trust_loss": loss})
        for _ in range(36):
            m.step()
        return m.countries.cooperation[m.countries.index["QAT"]]

    assert all(cooperation(s, 3.0) < cooperation(s, 0.0) for s in SEEDS)


def test_a_host_that_refuses_us_cloud_sites_loses_their_compute_and_their_cost():
    refused = [run(s, cmd.CountryPolicy(country="IND", policies={"host_uveu_sites": False})) for s in SEEDS]
    hosted = [run(s) for s in SEEDS]
    assert sum(_own_compute(m, "IND") for m in refused) < 0.7 * sum(_own_compute(m, "IND") for m in hosted)


def test_transit_enforcement_at_the_hubs_cuts_smuggling():
    hubs = ("ARE", "SGP", "MYS")

    def smuggled(seed, level):
        m = ComputeModel(scenario="diffusion_rule_2025", seed=seed)
        for c in hubs:
            assert m.submit(cmd.CountryPolicy(country=c, policies={"transit_enforcement": level})).ok
        for _ in range(36):
            m.step()
        i = m.countries.index["ARE"]
        return m.datacollector.model_vars["smuggled_cum"][-1], float(m.countries.cooperation[i])

    strict = [smuggled(s, 0.6) for s in SEEDS]
    lax = [smuggled(s, 0.0) for s in SEEDS]
    assert sum(x for x, _ in strict) < 0.9 * sum(x for x, _ in lax)
    assert all(cs > cl for (_, cs), (_, cl) in zip(strict, lax))


SCHEDULED = """
extends = "diffusion_rule_2025"

[meta]
title = "UAE enforces transit"

[schedule.uae_customs]
month = 0
command = "country_policy"
country = "ARE"
policies = {{ {policies} }}
"""


def test_a_scenario_can_schedule_a_governments_policy(tmp_path):
    from agents.scenario import load_scenario

    path = tmp_path / "uae.toml"
    path.write_text(SCHEDULED.format(policies="transit_enforcement = 0.5"))
    m = ComputeModel(scenario=load_scenario(path), seed=1)
    base = ComputeModel(scenario="diffusion_rule_2025", seed=1)
    for _ in range(3):
        m.step()
        base.step()
    i = m.countries.index["ARE"]
    assert m.countries.transit_enforcement[i] == 0.5
    assert m.countries.cooperation[i] > base.countries.cooperation[i]


@pytest.mark.parametrize("policies, needle", [
    ("subsidy_usd_per_year = 1e9", "policies.subsidy_usd_per_year: expected a policy of a Tier 2 government"),
    ("transit_enforcment = 0.5", "policies.transit_enforcment: unknown policy (did you mean 'transit_enforcement'?)"),
    ("transit_enforcement = 3", "policies.transit_enforcement: expected a number between 0 and 1, got 3"),
])
def test_a_bad_scheduled_policy_is_named_in_the_file(tmp_path, policies, needle):
    from agents.scenario import ScenarioError, load_scenario

    path = tmp_path / "uae.toml"
    path.write_text(SCHEDULED.format(policies=policies))
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    assert any(needle in problem for problem in exc.value.problems), exc.value.problems


def test_a_sweep_varies_a_governments_policy_through_a_scheduled_command(tmp_path):
    """Research batches vary a country_policy like a lever: the scenario schedules it, the sweep sets its value."""
    import pandas as pd

    from game.batch import run_batch

    (tmp_path / "china.toml").write_text(
        'extends = "diffusion_rule_2025"\n[meta]\ntitle = "China sets its subsidy"\ndescription = "x"\n'
        '[schedule.china_subsidy]\nmonth = 0\ncommand = "country_policy"\ncountry = "CHN"\n'
        'policies = { subsidy_usd_per_year = 2e10 }\n')
    (tmp_path / "sweep.toml").write_text(
        '[sweep]\ntitle = "subsidy"\nscenario = "china.toml"\nmonths = 3\n[design]\nseeds = 1\n[levers]\n'
        'schedule.china_subsidy.policies.subsidy_usd_per_year = { values = [1e10, 6e10] }\n')
    run_batch(tmp_path / "sweep.toml", tmp_path / "out", workers=1, progress=False)
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    results = pd.read_parquet(tmp_path / "out" / "results.parquet")
    last = results[results.month == 3].merge(runs, on="run_id")
    spent = last.set_index("schedule.china_subsidy.policies.subsidy_usd_per_year")["subsidy_spent_cum"]
    assert spent[6e10] > 3 * spent[1e10] > 0
