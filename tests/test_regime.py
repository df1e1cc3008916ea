"""Behaviour of the export-control rules in ``agents.regime``.

Covers, with exact expected values (quantities in H100e; 1 H100e = 15,832 TPP):

* ``is_controlled``: the TPP threshold (4,800), the Oct 2023 performance-density
  rule (TPP >= 1,600 and PD >= 5.92), the H20 sitting under both, the master
  ``chip_controls`` switch, and array input.
* ``screen`` for one order, one rule per test: Tier 1, chips under the
  thresholds, export variants to Tier 3 under ``variant_policy``, controlled
  chips to Tier 3, Tier 2 with and without the Diffusion Rule's caps, and
  domestic (Tier 3 designed) chips under the Huawei guidance.
* The Tier 2 waterfall under ``tier2_caps``: LPP (1,699 per consignee), then
  VEU room, then the bilateral deal, then a licence against the country cap
  (49,900), the rest denied; shell companies that never apply for a licence;
  ``lpp_counts_against_cap``.
* ``screen_orders`` on multi-order books: shared pools drawn in sequence, the
  order crossing a limit getting what is left, structuring across consignees,
  and inputs left unmodified.
* ``take_shared`` on a hand-made interleaved example and on empty input.
* Hypothesis properties: ``screen_orders`` on a one-order book equals
  ``screen``; on a Tier 2 sequence it equals ``screen`` applied in turn with
  the pools drawn down by hand; allowed + denied == requested, allowed >= 0.
* ``lever_error`` messages and ``Regime.changed`` validation.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.regime import (
    LEVER_GROUPS,
    LEVER_TABS,
    LEVERS,
    Decision,
    Order,
    OrderBook,
    Regime,
    Rule,
    Veu,
    WorldState,
    is_controlled,
    lever_error,
    screen,
    screen_orders,
    step_lever,
    take_shared,
)

H100_TPP, H100_DIE = 15832.0, 814.0
H20_TPP = 2368.0
LPP = 1699.0
CAP = 49900.0

APPROX = dict(rel=1e-9, abs=1e-6)
AMOUNTS = ("allowed", "denied", "lpp", "veu", "deal", "licence", "fee")


# --------------------------------------------------------------------------
# helpers


def order(h100e: float = 100.0, tier: int = 2, controlled: bool = True, consignee: int = 0,
          country: int = 0, **kw) -> Order:
    """A US-designed order, by default a controlled chip to a Tier 2 country."""
    return Order(consignee=consignee, country=country, tier=tier, h100e=h100e, controlled=controlled, **kw)


def capped(**levers) -> Regime:
    """The Diffusion Rule in force (Tier 2 caps), plus any other levers."""
    return Regime(tier2_caps=True, **levers)


def world(lpp: float = 0.0, veu: float = 0.0, deal: float = 0.0, cap: float = 0.0) -> WorldState:
    return WorldState(lpp_left=lpp, veu_room=veu, deal_left=deal, cap_left=cap)


def book(*orders: Order) -> OrderBook:
    """An order book holding ``orders`` in sequence."""
    return OrderBook(
        consignee=np.array([o.consignee for o in orders], dtype=int),
        country=np.array([o.country for o in orders], dtype=int),
        tier=np.array([o.tier for o in orders], dtype=int),
        h100e=np.array([o.h100e for o in orders], dtype=float),
        controlled=np.array([o.controlled for o in orders], dtype=bool),
        export_variant=np.array([o.export_variant for o in orders], dtype=bool),
        domestic=np.array([o.domestic for o in orders], dtype=bool),
        veu=np.array([int(o.veu) for o in orders], dtype=int),
        no_licence=np.array([o.no_licence for o in orders], dtype=bool),
    )


def pools(*values: float) -> np.ndarray:
    return np.array(values, dtype=float)


def row(screened, i: int) -> Decision:
    """Order ``i`` of a :class:`Screened` result, as a :class:`Decision`."""
    return Decision(rule=Rule(int(screened.rule[i])), **{k: float(getattr(screened, k)[i]) for k in AMOUNTS})


def assert_same_decision(got: Decision, want: Decision) -> None:
    assert got.rule == want.rule, (got, want)
    for k in AMOUNTS:
        assert getattr(got, k) == pytest.approx(getattr(want, k), **APPROX), (k, got, want)


# --------------------------------------------------------------------------
# is_controlled


def test_h100_is_controlled():
    assert is_controlled(H100_TPP, H100_DIE, Regime()) is True


def test_h20_is_under_both_tests():
    # TPP 2,368 < 4,800 and PD 2,368 / 814 = 2.91 < 5.92
    assert is_controlled(H20_TPP, H100_DIE, Regime()) is False


@pytest.mark.parametrize("density_rule", [False, True])
def test_tpp_threshold_is_inclusive(density_rule):
    # a 1,000 mm^2 die keeps PD (4.8) under 5.92, so only the TPP test decides
    regime = Regime(density_rule=density_rule)
    assert is_controlled(4800.0, 1000.0, regime) is True
    assert is_controlled(4799.99, 1000.0, regime) is False


def test_density_rule_catches_a_chip_at_the_tpp_floor():
    assert is_controlled(1600.0, 270.0, Regime()) is True  # PD 5.926


def test_density_rule_threshold_is_inclusive():
    assert is_controlled(2960.0, 500.0, Regime()) is True  # PD exactly 5.92
    assert is_controlled(2960.0, 500.01, Regime()) is False


def test_density_rule_ignores_chips_below_the_tpp_floor():
    assert is_controlled(1599.0, 100.0, Regime()) is False  # PD 15.99, but TPP < 1,600


def test_density_rule_off_leaves_dense_small_chips_uncontrolled():
    assert is_controlled(1600.0, 100.0, Regime(density_rule=False)) is False


def test_chip_controls_off_controls_nothing():
    regime = Regime(chip_controls=False)
    assert is_controlled(H100_TPP, H100_DIE, regime) is False
    assert is_controlled(1600.0, 100.0, regime) is False


def test_is_controlled_works_on_arrays():
    tpp = pools(H100_TPP, H20_TPP, 4800.0, 4799.99, 1600.0, 1599.0)
    die = pools(H100_DIE, H100_DIE, 1000.0, 1000.0, 270.0, 100.0)
    got = is_controlled(tpp, die, Regime())
    assert isinstance(got, np.ndarray)
    np.testing.assert_array_equal(got, [True, False, True, False, True, False])


def test_default_regime_matches_the_published_numbers():
    r = Regime()
    assert (r.controlled_tpp, r.density_tpp_floor, r.density_threshold) == (4800.0, 1600.0, 5.92)
    assert (r.country_cap_h100e, r.lpp_limit_h100e) == (CAP, LPP)
    assert r.tier2_caps is False  # the default is the Oct 2023 rules, not the Diffusion Rule


def test_every_lever_has_its_words_tab_cost_and_step_in_the_registry():
    for name, spec in LEVERS.items():
        assert spec.label and spec.short and spec.cost and spec.doc, name
        assert spec.group in LEVER_TABS, name
        assert (spec.step is not None) == (spec.kind == "float"), name
        if spec.kind == "choice":
            assert set(spec.choice_words) == set(spec.choices), name
    assert [tab for tab, _ in LEVER_GROUPS] == list(LEVER_TABS)
    assert [n for _, names in LEVER_GROUPS for n in names] == list(LEVERS)  # the panel shows the registry's order


@pytest.mark.parametrize("name, value, direction, want", [
    ("enforcement_budget_usd", 191e6, 1, 239e6), ("enforcement_budget_usd", 191e6, -1, 153e6),
    ("lpp_limit_h100e", 1699.0, -1, 1360.0), ("cap_period_months", 36.0, 1, 45.0),
    ("cap_release_h100e_per_month", 0.0, 1, 1000.0), ("cap_release_h100e_per_month", 0.0, -1, 0.0),
    ("uveu_min_tier1", 0.95, 1, 1.0), ("uveu_max_one_tier2", 0.07, -1, 0.02),
    ("g2g_cap_multiplier", 2.0, 1, 2.5), ("g2g_cap_multiplier", 1.0, -1, 1.0),
    ("weights_control_ops", 1e26, 1, 1e27), ("weights_control_ops", 1e20, -1, 1e20),
])
def test_a_step_moves_a_lever_by_its_registry_rule_within_its_range(name, value, direction, want):
    assert step_lever(name, value, direction) == want


# --------------------------------------------------------------------------
# screen: one order, by tier and chip


@pytest.mark.parametrize("kw", [dict(controlled=True), dict(controlled=False),
                                dict(controlled=False, export_variant=True), dict(no_licence=True)])
def test_tier1_is_allowed_whatever_the_chip(kw):
    d = screen(order(5000.0, tier=1, **kw), capped(variant_policy="denied"), world())
    assert d == Decision(Rule.TIER1, 5000.0, 0.0)


@pytest.mark.parametrize("tier", [2, 3])
def test_uncontrolled_chip_is_allowed_in_tier2_and_tier3(tier):
    d = screen(order(5000.0, tier=tier, controlled=False), capped(), world())
    assert d == Decision(Rule.NOT_CONTROLLED, 5000.0, 0.0)


def test_export_variant_to_tier3_allowed_by_default():
    d = screen(order(800.0, tier=3, controlled=False, export_variant=True), Regime(), world())
    assert d == Decision(Rule.VARIANT_ALLOWED, 800.0, 0.0, fee=0.0)


def test_export_variant_to_tier3_pays_the_variant_fee():
    regime = Regime(variant_policy="licence_fee", variant_fee=0.25)
    d = screen(order(800.0, tier=3, controlled=False, export_variant=True), regime, world())
    assert d == Decision(Rule.VARIANT_FEE, 800.0, 0.0, fee=0.25)


def test_export_variant_fee_defaults_to_fifteen_percent():
    d = screen(order(800.0, tier=3, controlled=False, export_variant=True),
               Regime(variant_policy="licence_fee"), world())
    assert d.fee == 0.15


def test_export_variant_to_tier3_denied():
    d = screen(order(800.0, tier=3, controlled=False, export_variant=True),
               Regime(variant_policy="denied"), world())
    assert d == Decision(Rule.VARIANT_DENIED, 0.0, 800.0)


def test_export_variant_to_tier2_ignores_variant_policy():
    d = screen(order(800.0, tier=2, controlled=False, export_variant=True),
               capped(variant_policy="denied"), world())
    assert d == Decision(Rule.NOT_CONTROLLED, 800.0, 0.0)


def test_variant_policy_needs_chip_controls():
    d = screen(order(800.0, tier=3, controlled=False, export_variant=True),
               Regime(chip_controls=False, variant_policy="denied"), world())
    assert d == Decision(Rule.NOT_CONTROLLED, 800.0, 0.0)


def test_controlled_chip_to_tier3_is_denied():
    d = screen(order(800.0, tier=3), Regime(), world(lpp=1e9, veu=1e9, deal=1e9, cap=1e9))
    assert d == Decision(Rule.TIER3_DENIED, 0.0, 800.0)


def test_tier2_is_open_without_the_diffusion_rule():
    d = screen(order(1e6, tier=2), Regime(tier2_caps=False), world())  # all pools empty
    assert d == Decision(Rule.TIER2_OPEN, 1e6, 0.0)


def test_domestic_chip_sold_at_home_is_allowed_even_under_guidance():
    d = screen(order(800.0, tier=3, controlled=False, domestic=True), Regime(huawei_guidance=True), world())
    assert d == Decision(Rule.DOMESTIC, 800.0, 0.0)


@pytest.mark.parametrize("tier", [1, 2])
def test_domestic_chip_abroad_is_denied_under_huawei_guidance(tier):
    d = screen(order(800.0, tier=tier, controlled=False, domestic=True), Regime(huawei_guidance=True), world())
    assert d == Decision(Rule.DOMESTIC_GUIDANCE, 0.0, 800.0)


def test_domestic_chip_abroad_is_allowed_without_guidance():
    d = screen(order(800.0, tier=2, controlled=False, domestic=True), capped(), world())
    assert d == Decision(Rule.DOMESTIC, 800.0, 0.0)


# --------------------------------------------------------------------------
# screen: the Tier 2 waterfall under the Diffusion Rule


def test_order_exactly_at_the_lpp_left_is_all_licence_free():
    d = screen(order(LPP), capped(), world(lpp=LPP, cap=0.0))
    assert d == Decision(Rule.LPP, LPP, 0.0, lpp=LPP, licence=0.0)


def test_one_unit_over_the_lpp_goes_to_a_licence_against_the_cap():
    d = screen(order(LPP + 1), capped(), world(lpp=LPP, cap=CAP))
    assert d == Decision(Rule.LICENCE, LPP + 1, 0.0, lpp=LPP, licence=1.0)


def test_cap_smaller_than_the_order_gives_a_partial_licence():
    d = screen(order(5000.0), capped(), world(lpp=0.0, cap=1200.0))
    assert d == Decision(Rule.CAP_REACHED, 1200.0, 3800.0, licence=1200.0)


def test_cap_exactly_zero_denies_everything_beyond_lpp():
    d = screen(order(100.0), capped(), world(lpp=0.0, cap=0.0))
    assert d == Decision(Rule.CAP_REACHED, 0.0, 100.0)


def test_negative_pools_count_as_empty():
    d = screen(order(100.0), capped(), world(lpp=-5.0, deal=-5.0, cap=-5.0))
    assert d == Decision(Rule.CAP_REACHED, 0.0, 100.0)


@pytest.mark.parametrize("status", [Veu.NATIONAL, Veu.UNIVERSAL])
def test_veu_room_is_used_before_the_deal_and_the_cap(status):
    d = screen(order(10000.0, veu=status), capped(), world(lpp=1000.0, veu=6000.0, deal=2000.0, cap=500.0))
    assert d == Decision(Rule.CAP_REACHED, 9500.0, 500.0, lpp=1000.0, veu=6000.0, deal=2000.0, licence=500.0)


@pytest.mark.parametrize("status, rule", [(Veu.NATIONAL, Rule.NVEU), (Veu.UNIVERSAL, Rule.UVEU)])
def test_order_within_veu_room_is_decided_by_the_veu_kind(status, rule):
    d = screen(order(5000.0, veu=status), capped(), world(lpp=1000.0, veu=6000.0, deal=2000.0, cap=500.0))
    assert d == Decision(rule, 5000.0, 0.0, lpp=1000.0, veu=4000.0)


def test_veu_program_off_ignores_veu_room():
    d = screen(order(5000.0, veu=Veu.NATIONAL), capped(veu_program=False),
               world(lpp=1000.0, veu=6000.0, cap=500.0))
    assert d == Decision(Rule.CAP_REACHED, 1500.0, 3500.0, lpp=1000.0, veu=0.0, licence=500.0)


def test_consignee_without_veu_status_gets_no_veu_room():
    d = screen(order(5000.0, veu=Veu.NONE), capped(), world(veu=6000.0, cap=500.0))
    assert d == Decision(Rule.CAP_REACHED, 500.0, 4500.0, licence=500.0)


def test_bilateral_deal_is_used_before_the_cap():
    d = screen(order(3000.0), capped(), world(deal=2000.0, cap=5000.0))
    assert d == Decision(Rule.LICENCE, 3000.0, 0.0, deal=2000.0, licence=1000.0)


def test_order_within_the_deal_is_decided_by_the_deal():
    d = screen(order(1500.0), capped(), world(deal=2000.0, cap=5000.0))
    assert d == Decision(Rule.DEAL, 1500.0, 0.0, deal=1500.0)


def test_shell_company_gets_only_the_lpp_and_the_rest_is_denied():
    d = screen(order(5000.0, no_licence=True, veu=Veu.NATIONAL), capped(),
               world(lpp=LPP, veu=1e6, deal=1e6, cap=1e6))
    assert d == Decision(Rule.NO_LICENCE, LPP, 5000.0 - LPP, lpp=LPP)


def test_shell_company_within_the_lpp_is_allowed():
    d = screen(order(1000.0, no_licence=True), capped(), world(lpp=LPP))
    assert d == Decision(Rule.LPP, 1000.0, 0.0, lpp=1000.0)


def test_lpp_counted_against_the_cap_shrinks_the_licence():
    o, w = order(3000.0), world(lpp=LPP, cap=2000.0)
    # not counted: 1,301 above the LPP fits the 2,000 cap
    assert screen(o, capped(), w) == Decision(Rule.LICENCE, 3000.0, 0.0, lpp=LPP, licence=1301.0)
    # counted: the cap has 2,000 - 1,699 = 301 left for the licence
    assert screen(o, capped(lpp_counts_against_cap=True), w) == Decision(
        Rule.CAP_REACHED, LPP + 301.0, 1000.0, lpp=LPP, licence=301.0)


def test_zero_order_is_decided_as_lpp():
    assert screen(order(0.0), capped(), world()) == Decision(Rule.LPP, 0.0, 0.0)


def test_decision_explains_its_rule():
    d = screen(order(800.0, tier=3), Regime(), world())
    assert d.explanation == "controlled chip to Tier 3: denied"


# --------------------------------------------------------------------------
# screen_orders: a month's order book


def test_country_cap_reached_mid_month():
    # country 0 has 10,000 of cap; country 1 has 1,000 and is interleaved
    orders = [order(4000.0, consignee=0), order(500.0, consignee=4, country=1), order(5000.0, consignee=1),
              order(3000.0, consignee=2), order(2000.0, consignee=3)]
    s = screen_orders(book(*orders), capped(), lpp_left=pools(0, 0, 0, 0, 0), veu_room=pools(0, 0, 0, 0, 0),
                      deal_left=pools(0, 0), cap_left=pools(10000.0, 1000.0))
    np.testing.assert_array_equal(s.licence, [4000.0, 500.0, 5000.0, 1000.0, 0.0])
    np.testing.assert_array_equal(s.allowed, [4000.0, 500.0, 5000.0, 1000.0, 0.0])
    np.testing.assert_array_equal(s.denied, [0.0, 0.0, 0.0, 2000.0, 2000.0])
    assert [Rule(r) for r in s.rule] == [Rule.LICENCE, Rule.LICENCE, Rule.LICENCE,
                                         Rule.CAP_REACHED, Rule.CAP_REACHED]


def test_split_order_under_the_lpp_passes_a_zero_cap():
    # structuring: ten shells of 1,600 each stay under their own 1,699 LPP
    orders = [order(1600.0, consignee=i) for i in range(10)]
    s = screen_orders(book(*orders), capped(), lpp_left=np.full(10, LPP), veu_room=np.zeros(10),
                      deal_left=pools(0), cap_left=pools(0))
    np.testing.assert_array_equal(s.allowed, np.full(10, 1600.0))
    np.testing.assert_array_equal(s.lpp, np.full(10, 1600.0))
    assert s.denied.sum() == 0.0
    assert set(s.rule.tolist()) == {Rule.LPP}


def test_same_total_from_one_consignee_is_mostly_denied_at_a_zero_cap():
    s = screen_orders(book(order(16000.0, consignee=0)), capped(), lpp_left=pools(LPP), veu_room=pools(0),
                      deal_left=pools(0), cap_left=pools(0))
    assert row(s, 0) == Decision(Rule.CAP_REACHED, LPP, 16000.0 - LPP, lpp=LPP)


def test_one_consignees_orders_share_its_lpp():
    orders = [order(1000.0, consignee=0), order(1000.0, consignee=0)]
    s = screen_orders(book(*orders), capped(), lpp_left=pools(LPP), veu_room=pools(0),
                      deal_left=pools(0), cap_left=pools(CAP))
    assert row(s, 0) == Decision(Rule.LPP, 1000.0, 0.0, lpp=1000.0)
    assert row(s, 1) == Decision(Rule.LICENCE, 1000.0, 0.0, lpp=699.0, licence=301.0)


def test_lpp_shipments_leave_the_cap_alone_by_default():
    orders = [order(LPP, consignee=0), order(10.0, consignee=1)]
    s = screen_orders(book(*orders), capped(), lpp_left=pools(LPP, 0), veu_room=pools(0, 0),
                      deal_left=pools(0), cap_left=pools(10.0))
    assert row(s, 0) == Decision(Rule.LPP, LPP, 0.0, lpp=LPP)
    assert row(s, 1) == Decision(Rule.LICENCE, 10.0, 0.0, licence=10.0)


def test_lpp_shipments_use_up_the_cap_when_counted():
    orders = [order(LPP, consignee=0), order(10.0, consignee=1)]
    s = screen_orders(book(*orders), capped(lpp_counts_against_cap=True), lpp_left=pools(LPP, 0),
                      veu_room=pools(0, 0), deal_left=pools(0), cap_left=pools(10.0))
    assert row(s, 0) == Decision(Rule.LPP, LPP, 0.0, lpp=LPP)
    assert row(s, 1) == Decision(Rule.CAP_REACHED, 0.0, 10.0)


def test_veu_room_and_deal_are_shared_in_sequence():
    # consignee 0 (NVEU) orders twice from its 3,000 room; the country deal of 2,500 is shared with consignee 1
    orders = [order(2000.0, consignee=0, veu=Veu.NATIONAL), order(2000.0, consignee=0, veu=Veu.NATIONAL),
              order(2000.0, consignee=1)]
    s = screen_orders(book(*orders), capped(), lpp_left=pools(0, 0), veu_room=pools(3000.0, 0),
                      deal_left=pools(2500.0), cap_left=pools(0))
    assert row(s, 0) == Decision(Rule.NVEU, 2000.0, 0.0, veu=2000.0)
    assert row(s, 1) == Decision(Rule.DEAL, 2000.0, 0.0, veu=1000.0, deal=1000.0)
    assert row(s, 2) == Decision(Rule.CAP_REACHED, 1500.0, 500.0, deal=1500.0)


def test_screen_orders_mixes_every_tier_in_one_book():
    orders = [order(10.0, tier=1), order(20.0, tier=3), order(30.0, tier=3, controlled=False, export_variant=True),
              order(40.0, tier=2, controlled=False), order(50.0, tier=2, domestic=True, controlled=False),
              order(60.0, tier=2)]
    s = screen_orders(book(*orders), Regime(variant_policy="licence_fee", huawei_guidance=True),
                      lpp_left=pools(0), veu_room=pools(0), deal_left=pools(0), cap_left=pools(0))
    assert [Rule(r) for r in s.rule] == [Rule.TIER1, Rule.TIER3_DENIED, Rule.VARIANT_FEE, Rule.NOT_CONTROLLED,
                                         Rule.DOMESTIC_GUIDANCE, Rule.TIER2_OPEN]
    np.testing.assert_array_equal(s.allowed, [10.0, 0.0, 30.0, 40.0, 0.0, 60.0])
    np.testing.assert_array_equal(s.denied, [0.0, 20.0, 0.0, 0.0, 50.0, 0.0])
    np.testing.assert_array_equal(s.fee, [0.0, 0.0, 0.15, 0.0, 0.0, 0.0])


def test_screen_orders_leaves_its_inputs_unchanged():
    orders = [order(3000.0, consignee=0, veu=Veu.NATIONAL), order(3000.0, consignee=1, country=1),
              order(3000.0, consignee=0, no_licence=True)]
    b = book(*orders)
    inputs = dict(lpp_left=pools(LPP, 100.0), veu_room=pools(500.0, 0), deal_left=pools(200.0, 50.0),
                  cap_left=pools(1000.0, 0))
    before = {k: v.copy() for k, v in inputs.items()}
    book_before = {f.name: getattr(b, f.name).copy() for f in dataclasses.fields(b)}
    screen_orders(b, capped(lpp_counts_against_cap=True), **inputs)
    for k, v in inputs.items():
        np.testing.assert_array_equal(v, before[k], err_msg=k)
    for name, v in book_before.items():
        np.testing.assert_array_equal(getattr(b, name), v, err_msg=name)


def test_screen_orders_on_an_empty_book():
    s = screen_orders(book(), capped(), lpp_left=pools(), veu_room=pools(), deal_left=pools(), cap_left=pools())
    assert all(len(getattr(s, k)) == 0 for k in ("rule",) + AMOUNTS)


# --------------------------------------------------------------------------
# take_shared


def test_take_shared_grants_in_sequence_per_pool():
    # pool 0 holds 8: 5 granted, then 3 of 4, then 0 of 6. pool 1 holds 4: 3, then 1 of 2.
    request = pools(5, 3, 4, 2, 6)
    pool = np.array([0, 1, 0, 1, 0])
    got = take_shared(request, pool, pools(8, 4))
    np.testing.assert_array_equal(got, [5.0, 3.0, 3.0, 1.0, 0.0])


def test_take_shared_keeps_sequence_when_a_later_pool_comes_first():
    got = take_shared(pools(2, 2, 2, 2), np.array([1, 0, 1, 0]), pools(3, 3))
    np.testing.assert_array_equal(got, [2.0, 2.0, 1.0, 1.0])


def test_take_shared_treats_an_overdrawn_pool_as_empty():
    got = take_shared(pools(5, 1), np.array([0, 1]), pools(-3, 10))
    np.testing.assert_array_equal(got, [0.0, 1.0])


def test_take_shared_on_no_requests():
    got = take_shared(pools(), np.array([], dtype=int), pools(10))
    assert got.shape == (0,)


# --------------------------------------------------------------------------
# properties: the vector screening equals the scalar one

quantity = st.one_of(st.integers(0, 10**6).map(float),
                     st.floats(0.0, 1e6, allow_nan=False, allow_infinity=False))
pool_value = st.one_of(st.integers(-1000, 10**6).map(float),
                       st.floats(-1e5, 1e6, allow_nan=False, allow_infinity=False))


@st.composite
def regimes(draw, tier2_caps=None) -> Regime:
    return Regime(
        tier2_caps=draw(st.booleans()) if tier2_caps is None else tier2_caps,
        variant_policy=draw(st.sampled_from(LEVERS["variant_policy"].choices)),
        variant_fee=draw(st.floats(0.0, 1.0)),
        huawei_guidance=draw(st.booleans()),
        lpp_counts_against_cap=draw(st.booleans()),
        veu_program=draw(st.booleans()),
        chip_controls=draw(st.booleans()),
    )


@st.composite
def orders(draw, tier=None, controlled=None, consignees=1, countries=1, quantity=quantity) -> Order:
    return Order(
        consignee=draw(st.integers(0, consignees - 1)),
        country=draw(st.integers(0, countries - 1)),
        tier=draw(st.integers(1, 3)) if tier is None else tier,
        h100e=draw(quantity),
        controlled=draw(st.booleans()) if controlled is None else controlled,
        export_variant=draw(st.booleans()),
        domestic=draw(st.booleans()) if tier is None else False,
        veu=draw(st.sampled_from(Veu)),
        no_licence=draw(st.booleans()),
    )


def assert_conserves(s, requested: np.ndarray) -> None:
    np.testing.assert_allclose(s.allowed + s.denied, requested, rtol=1e-12, atol=1e-9)
    assert (s.allowed >= 0).all()


@settings(max_examples=500, deadline=None)
@given(o=orders(), regime=regimes(), lpp=pool_value, veu=pool_value, deal=pool_value, cap=pool_value)
def test_screen_orders_on_one_order_equals_screen(o, regime, lpp, veu, deal, cap):
    s = screen_orders(book(o), regime, pools(lpp), pools(veu), pools(deal), pools(cap))
    assert_same_decision(row(s, 0), screen(o, regime, world(lpp, veu, deal, cap)))
    assert_conserves(s, pools(o.h100e))


# Quantities on a grid of quarter units are exact in binary floating point, so the
# sequence property can demand the same rule; with arbitrary floats only the
# amounts agree (see test_exact_fit_after_another_pools_fraction_keeps_its_rule).
grid_quantity = st.integers(0, 4 * 10**6).map(lambda n: n / 4)
grid_pool = st.integers(-4000, 4 * 10**6).map(lambda n: n / 4)


def screen_in_sequence(seq: list[Order], regime: Regime, lpp, veu, deal, cap) -> list[Decision]:
    """``screen`` each order in turn, drawing the shared pools down by hand."""
    lpp, veu, deal, cap = list(lpp), list(veu), list(deal), list(cap)
    out = []
    for o in seq:
        c, k = o.consignee, o.country
        d = screen(o, regime, world(lpp[c], veu[c], deal[k], cap[k]))
        lpp[c] -= d.lpp
        veu[c] -= d.veu
        deal[k] -= d.deal
        cap[k] -= d.licence + (d.lpp if regime.lpp_counts_against_cap else 0.0)
        out.append(d)
    return out


def tier2_sequences(quantity, pool_value):
    return dict(
        seq=st.lists(orders(tier=2, controlled=True, consignees=3, countries=2, quantity=quantity),
                     min_size=2, max_size=8),
        regime=regimes(tier2_caps=True),
        lpp=st.lists(pool_value, min_size=3, max_size=3), veu=st.lists(pool_value, min_size=3, max_size=3),
        deal=st.lists(pool_value, min_size=2, max_size=2), cap=st.lists(pool_value, min_size=2, max_size=2))


@settings(max_examples=500, deadline=None)
@given(**tier2_sequences(grid_quantity, grid_pool))
def test_screen_orders_equals_screen_applied_in_sequence(seq, regime, lpp, veu, deal, cap):
    s = screen_orders(book(*seq), regime, pools(*lpp), pools(*veu), pools(*deal), pools(*cap))
    for i, want in enumerate(screen_in_sequence(seq, regime, lpp, veu, deal, cap)):
        assert_same_decision(row(s, i), want)
    assert_conserves(s, pools(*(o.h100e for o in seq)))


@settings(max_examples=500, deadline=None)
@given(**tier2_sequences(quantity, pool_value))
def test_screen_orders_amounts_equal_screen_in_sequence_for_any_floats(seq, regime, lpp, veu, deal, cap):
    s = screen_orders(book(*seq), regime, pools(*lpp), pools(*veu), pools(*deal), pools(*cap))
    for i, want in enumerate(screen_in_sequence(seq, regime, lpp, veu, deal, cap)):
        got = row(s, i)
        for k in AMOUNTS:
            assert getattr(got, k) == pytest.approx(getattr(want, k), **APPROX), (k, got, want)
    assert_conserves(s, pools(*(o.h100e for o in seq)))


def test_exact_fit_after_another_pools_fraction_keeps_its_rule():
    orders_ = [order(0.4, consignee=0), order(1000.0, consignee=1), order(699.0, consignee=1)]
    s = screen_orders(book(*orders_), capped(), lpp_left=pools(LPP, LPP), veu_room=pools(0, 0),
                      deal_left=pools(0), cap_left=pools(0))
    assert screen_in_sequence(orders_, capped(), [LPP, LPP], [0, 0], [0], [0])[2] == \
        Decision(Rule.LPP, 699.0, 0.0, lpp=699.0)
    assert row(s, 2) == Decision(Rule.LPP, 699.0, 0.0, lpp=699.0)


# --------------------------------------------------------------------------
# lever_error and Regime.changed


def test_every_lever_default_is_valid():
    assert {name: lever_error(name, spec.default) for name, spec in LEVERS.items()} == dict.fromkeys(LEVERS)


def test_unknown_lever_names_the_expected_levers():
    msg = lever_error("cap", 1.0)
    assert msg == "unknown lever (expected one of: " + ", ".join(sorted(LEVERS)) + ")"
    assert "country_cap_h100e" in msg and "tier2_caps" in msg


def test_string_for_a_number_is_rejected():
    assert lever_error("country_cap_h100e", "50000") == \
        "expected a number between 0 and 1,000,000,000 H100e, got '50000'"


def test_bool_for_a_number_is_rejected():
    assert lever_error("country_cap_h100e", True) == "expected a number between 0 and 1,000,000,000 H100e, got True"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_number_is_rejected(value):
    assert lever_error("variant_fee", value) == f"expected a number between 0 and 1, got {value!r}"


def test_number_for_a_bool_is_rejected():
    assert lever_error("tier2_caps", 1) == "expected true or false, got 1"


def test_out_of_range_names_the_range():
    assert lever_error("variant_fee", 1.5) == "expected a number between 0 and 1, got 1.5"
    assert lever_error("controlled_tpp", -1) == "expected a number between 0 and 1,000,000 TPP, got -1"


def test_range_ends_are_valid():
    assert lever_error("variant_fee", 0) is None
    assert lever_error("variant_fee", 1.0) is None
    assert lever_error("g2g_cap_multiplier", 1) is None
    assert lever_error("g2g_cap_multiplier", 0.99) is not None


def test_choice_lever_lists_its_choices():
    assert lever_error("variant_policy", "banned") == \
        "expected one of 'allowed', 'licence_fee', 'denied', got 'banned'"


@pytest.mark.parametrize("value", [[], [1.0, -2.0], "100000", [1.0, "2"], 5.0])
def test_bad_list_lever_is_rejected(value):
    assert lever_error("nveu_cap_h100e", value) == f"expected a non-empty list of numbers >= 0, got {value!r}"


def test_list_lever_accepts_non_negative_numbers():
    assert lever_error("nveu_cap_h100e", [0, 1.5, 2]) is None


def test_changed_rejects_a_bad_value_with_the_lever_name():
    with pytest.raises(ValueError, match=r"^variant_fee: expected a number between 0 and 1, got 2$"):
        Regime().changed(variant_fee=2)


def test_changed_rejects_an_unknown_lever():
    with pytest.raises(ValueError, match=r"^cap: unknown lever"):
        Regime().changed(cap=1.0)


def test_changed_rejects_the_whole_change_if_one_value_is_bad():
    original = Regime()
    with pytest.raises(ValueError):
        original.changed(tier2_caps=True, variant_policy="banned")
    assert original == Regime()


def test_changed_returns_a_new_regime_and_leaves_the_original():
    original = Regime()
    new = original.changed(tier2_caps=True, country_cap_h100e=100000, nveu_cap_h100e=[1, 2])
    assert new is not original
    assert (new.tier2_caps, new.country_cap_h100e, new.nveu_cap_h100e) == (True, 100000.0, (1.0, 2.0))
    assert type(new.country_cap_h100e) is float  # coerced from int
    assert original == Regime()
    assert dataclasses.replace(new, tier2_caps=False, country_cap_h100e=CAP,
                               nveu_cap_h100e=original.nveu_cap_h100e) == original
