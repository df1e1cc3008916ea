"""The month's market: orders, screening, filling, prices. Vectorised with numpy.

Owns :class:`Market`, the market phase as an object with its own state
(vendors' price multipliers, the grey premium, what vendors expect to sell,
buyers' last choices), and the arithmetic it rests on as pure functions:
how buyers split spending across the chips they may buy (a logit over cost
per unit of value), how allowed orders are filled from limited supply, how
prices move towards where orders meet supply, and the grey-market premium.
A month: buyers hit by an announced restriction buy ahead; every buyer
spends its budget; the regime screens each order (``regime.screen_orders``);
vendors fill what is allowed; money an order could not use is re-spent on
the buyer's next-best option, up to ``MAX_ROUNDS`` rounds; prices move.
The world's arrays (holders, chips, countries, the ledger) are the model's:
the market reads them and writes its flows there. Imports numpy and the
regime; never pygame or game.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from agents import smuggler
from agents.arrays import scatter_add
from agents.regime import OrderBook, Regime, Rule, Screened, Veu, is_controlled, screen_orders

if TYPE_CHECKING:
    from agents.model import Announced, ComputeModel

H100_BANDWIDTH_TBS = 3.35
"""Memory bandwidth of the reference chip (facts §3)."""
MAX_ROUNDS = 2
"""Times a buyer may re-spend money an order could not use (denied or sold out)."""


def chip_prices(price0: np.ndarray, first_month: np.ndarray, month: int, doubling_years: float,
                pinned: np.ndarray | None = None) -> np.ndarray:
    """List price per chip now: each chip gets cheaper as price-performance doubles.

    ``price0`` is the price at the scenario's start or at launch, whichever
    is later; from then it halves every ``doubling_years``. ``pinned``
    chips keep their price: an export variant is re-based on each new
    generation with its performance held just under the threshold, so what
    it costs to make and what denied buyers pay for it do not follow the
    price-performance trend.
    """
    age = np.maximum(0, month - np.maximum(first_month, 0))
    if pinned is not None:
        age = np.where(pinned, 0, age)
    return price0 * 0.5 ** (age / (12.0 * doubling_years))


def choice_shares(cost: np.ndarray, mask: np.ndarray, sharpness: float,
                  per_unit: np.ndarray | None = None, group: np.ndarray | None = None) -> np.ndarray:
    """Share of each buyer's spending on each option: ``(cost_min / cost)^sharpness`` normalised.

    ``cost[option]`` is the same for every buyer, or ``cost[g, option]`` for
    buyers in group ``group[buyer] == g`` (a foreign buyer of Tier 3 chips
    pays a compliance risk a home buyer does not); ``mask[buyer, option]``
    says what each may buy. Rows with no allowed option get all zeros.
    Buyers share a handful of distinct (mask, group) pairs, so shares are
    computed once per pair and looked up: the cost does not grow with the
    buyers. With ``per_unit`` (price per option) the result is divided by
    it, giving quantities per dollar in the same single pass.
    """
    cost = np.atleast_2d(cost)
    group = np.zeros(mask.shape[0], dtype=np.int64) if group is None else np.asarray(group, dtype=np.int64)
    codes = (mask @ (1 << np.arange(mask.shape[1], dtype=np.int64))) * cost.shape[0] + group
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    m = mask[first]
    safe = np.where(m, cost[group[first]], np.inf)
    best = safe.min(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(m, (best / safe) ** sharpness, 0.0)
    total = weight.sum(axis=1, keepdims=True)
    shares = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)
    if per_unit is not None:
        shares = np.divide(shares, per_unit[None, :], out=np.zeros_like(shares), where=per_unit[None, :] > 0)
    return shares[inverse.ravel()]


def fill_ratio(demand: np.ndarray, supply: np.ndarray) -> np.ndarray:
    """Share of each product's demand that supply can fill (pro rata), in [0, 1]."""
    return np.divide(np.minimum(demand, supply), demand, out=np.ones_like(demand, dtype=float),
                     where=demand > 0)


def price_multiplier(previous: float, demand: float, supply: float, adjustment: float,
                     lo: float = 0.6, hi: float = 4.0) -> float:
    """Vendors move the price towards where orders meet supply: ``log p += a log(D / S)``.

    A small step ``a`` (a share of the gap a month) settles: demand for one
    chip falls several times faster than its price rises when buyers can
    switch, so a large step overshoots and the market swings month to
    month. The price stays within ``[lo, hi]`` times list.
    """
    if supply <= 0:
        return float(np.clip(previous * np.exp(adjustment), lo, hi)) if demand > 0 else previous
    if demand <= 0:
        return float(np.clip(previous * np.exp(-adjustment), lo, hi))
    return float(np.clip(previous * (demand / supply) ** adjustment, lo, hi))


def grey_premium(previous: float, wanted_h100e: float, supply_h100e: float, adjustment: float,
                 premium_max: float) -> float:
    """Premium over list price on the grey market, moved towards where denied demand meets smuggled supply.

    ``(1 + π) ← (1 + π) (wanted / supply)^a`` within ``[1, 1 + premium_max]``:
    buyers bid the premium up while they want more than smugglers bring and
    down when stock is left over. With no supply the premium rises by at
    most ``100^a`` a month.
    """
    if wanted_h100e <= 0:
        ratio = 0.5 if supply_h100e > 0 else 1.0
    else:
        ratio = wanted_h100e / max(supply_h100e, 0.01 * wanted_h100e)
    return float(np.clip((1.0 + previous) * ratio ** adjustment, 1.0, 1.0 + premium_max) - 1.0)


@dataclass(frozen=True)
class Round:
    """What one round of trading delivered and left over."""

    chips: np.ndarray  # [holder, chip] delivered
    grey_h100e: np.ndarray  # [holder] bought on the grey market
    demand: np.ndarray  # [chip] allowed H100e requested
    home_demand: float  # allowed H100e of domestic chips requested by Tier 3 buyers
    denied: np.ndarray  # [holder, chip] H100e the regime denied
    ratio: np.ndarray  # [option] share of demand supply could fill
    unspent_usd: np.ndarray  # [holder] money to re-spend next round


class Market:
    """The market phase of a :class:`ComputeModel`: its prices, expectations and the month's trading."""

    def __init__(self, model: "ComputeModel"):
        self.model = model
        self.price_mult = 1.0
        """US vendors' price over list (all US chips: they compete for the same dies)."""
        self.domestic_price_mult = 1.0
        """The domestic designer's price over list, set by home orders."""
        self.grey_premium = 0.0
        """Premium over list price on the grey market (0.4 = 40% over)."""
        self.home_steer = 0.0
        """Extra cost (share of price) Tier 3 buyers see on legally imported US chips: customs checks and
        guidance to buy domestic, set by the domestic designer's government (``StateAgent``)."""
        self.us_demand_ema = np.zeros(model.n_chips)
        """H100e a month US vendors expect to sell, by chip (smoothed orders)."""
        self.us_orders_last = np.zeros(model.n_chips)
        self.domestic_demand_ema = 0.0
        self.grey_wanted_h100e = 0.0
        self.grey_supply_h100e = 0.0
        self.rule_counts = np.zeros(len(Rule), dtype=np.int64)
        self.rented_h100e = np.zeros(model.n_holders)
        """H100e each holder rents abroad this month (Tier 3 labs, see :meth:`_rent_abroad`)."""
        """Orders decided by each rule of the regime, cumulative (``Rule`` order)."""
        self._supply = np.zeros(model.n_chips + 1)
        self._lpp_used_before = np.zeros(model.n_holders)
        self._shell_lpp_used_before = np.zeros(0)
        self.training_cost_h100e = {"us": float("nan"), "adversary": float("nan")}
        self.home_wanted_h100e = 0.0
        """H100e of domestic chips Tier 3 buyers asked for this month (all rounds)."""
        self._export_room = 0.0
        """H100e of domestic chips foreign buyers may still get this month: stock beyond last month's home orders."""
        """USD per H100e of training compute each bloc bought last (see ``_note_training_costs``)."""

    def open(self) -> None:
        """Vendors' first stock and prices: what buyers would order at list prices, cleared by price.

        Orders are budgets (demand ∝ 1/price), so the opening price is the
        ratio of dies wanted to capacity; vendors enter the year with
        ``vendor_stock_months`` of stock on top of the month's orders.
        """
        m = self.model
        cost, unit = self.option_costs()
        mix = choice_shares(cost, self.option_mask(), m.world.choice_sharpness, group=self.buyer_group())
        spend = m.monthly_budget()[:, None] * mix
        want_all = np.divide(spend, unit[None, :], out=np.zeros_like(spend), where=unit[None, :] > 0)  # H100e
        want_h100e = want_all[:, : m.n_chips]
        self._note_training_costs(want_h100e / m.chips.h100e, want_all[:, m.n_chips], unit)
        self.us_demand_ema = np.where(m.chips.domestic, 0.0, want_h100e.sum(axis=0))
        dies_wanted = float((self.us_demand_ema / m.chips.h100e) @ m.chips.dies)
        self.price_mult = price_multiplier(1.0, dies_wanted, m.vendor_capacity_dies, 1.0)
        self.us_demand_ema /= self.price_mult
        self.us_orders_last = self.us_demand_ema
        m.us_designer._produce_us(months=1.0 + m.world.vendor_stock_months)
        self.domestic_demand_ema = m.domestic_supply_h100e()
        m.domestic_designer._produce_domestic()
        self.last_mix = mix

    def clear(self) -> None:
        """Labs, operators and smugglers order; the regime screens; the market fills.

        Buyers hit by an announced restriction first buy ahead into their
        stockpiles. Then every buyer spends its month's budget; money an
        order could not use (denied, or the chip sold out) is re-spent on the
        buyer's next-best allowed option, up to ``MAX_ROUNDS`` rounds.
        """
        m = self.model
        self._reset_month_counters()
        budget = m.monthly_budget()
        cost, unit = self.option_costs()
        mask = self.option_mask()
        self._count_outright_denials(budget, cost, unit)
        budget = self._rent_abroad(budget, cost, mask)
        self._supply = np.append(m.ledger.inventory, m.ledger.grey_stock @ m.chips.h100e)
        self.grey_supply_h100e = float(self._supply[-1])
        dom = m.chips.domestic
        self._export_room = max(float(m.ledger.inventory[dom] @ m.chips.h100e[dom]) - self.home_wanted_h100e, 0.0)
        self.home_wanted_h100e = 0.0
        requested = np.zeros(m.n_chips)
        home_requested = 0.0
        for rule, rush_budget, rush_mask in self._rush(budget):  # vendors see rush orders too, and make more
            r = self._trade_round(rush_budget, rush_mask & mask, cost, unit, first=False, stockpile=True)
            rule.pulled_usd += rush_budget - r.unspent_usd
            requested += r.demand
            home_requested += r.home_demand
        smuggler.plan_volume(m)
        delivered = np.zeros((m.n_holders, m.n_chips))
        grey_h100e = np.zeros(m.n_holders)
        for rnd in range(MAX_ROUNDS):
            r = self._trade_round(budget, mask, cost, unit, first=rnd == 0, stockpile=False)
            delivered += r.chips
            grey_h100e += r.grey_h100e
            requested += r.demand
            home_requested += r.home_demand
            budget = r.unspent_usd
            mask = self._next_mask(mask, r.denied, r.ratio < 1.0)
            if budget.sum() <= 0:
                break
        self._record_unmet(budget)
        self._note_training_costs(delivered, grey_h100e, unit)
        self._close_market(delivered, grey_h100e, requested, home_requested)

    def _rent_abroad(self, budget: np.ndarray, cost: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Tier 3 labs rent compute in Tier 2 clouds when it is cheaper than what they may buy; returns budgets left.

        Rent per H100e-month is the cloud's cost of the chips it holds over
        their service life, plus ``rental_margin``; a lab compares it, over
        the same life, with its best allowed purchase and splits its budget
        as it splits purchases (``choice_shares``). Clouds rent at most
        ``remote_access_share`` of their Tier 2 compute to such customers;
        know-your-customer rules (``remote_access_controlled``) turn away
        ``kyc_effectiveness`` of them. What is rented counts this month only.
        """
        m = self.model
        w = m.world
        self.rented_h100e = np.zeros(m.n_holders)
        renters = m.holders.is_lab & (m.holders.tier == 3)
        sites = m.holders.is_cloud & (m.holders.tier == 2)
        supply = w.remote_access_share * float((m.ledger.installed[sites] @ m.chips.h100e).sum())
        if m.regime.remote_access_controlled:
            supply *= 1.0 - w.kyc_effectiveness
        held = m.ledger.installed[sites].sum(axis=0)
        if not renters.any() or supply <= 0 or held.sum() <= 0:
            return budget
        life = w.service_life_months
        per_h100e = float((held * m.chips.price * self.price_mult).sum() / (held @ m.chips.h100e))
        rent = per_h100e / life * (1.0 + w.rental_margin)  # USD per H100e-month
        own = np.where(mask[renters], cost[0][None, :], np.inf).min(axis=1)  # best purchase, per unit of value
        with np.errstate(divide="ignore", over="ignore"):  # two options: share = 1 / (1 + (rent / own)^sharpness)
            share = 1.0 / (1.0 + (rent * life / own) ** w.choice_sharpness)
        want = budget[renters] * share / rent
        filled = want * min(1.0, supply / want.sum()) if want.sum() > 0 else want
        self.rented_h100e[renters] = filled
        m.remote_access_usd_cum += float(filled.sum() * rent)
        left = budget.copy()
        left[renters] -= filled * rent
        return left

    def _reset_month_counters(self) -> None:
        m = self.model
        self._lpp_used_before = m.holders.lpp_used.copy()
        self._shell_lpp_used_before = m.smugglers.lpp_used.copy()
        c = m.countries
        for arr in (c.requested_h100e, c.denied_h100e, c.denied_usd, c.imports_h100e, m.holders.denied_usd,
                    c.flow_us, c.flow_domestic, c.flow_grey, c.flow_smuggled, c.flow_seized):
            arr[:] = 0.0

    def _trade_round(self, spend: np.ndarray, mask: np.ndarray, cost: np.ndarray, unit: np.ndarray,
                     first: bool, stockpile: bool) -> "Round":
        """One round of choosing, screening and filling; smugglers order in the first round."""
        m = self.model
        K = m.n_chips
        want = spend[:, None] * choice_shares(cost, mask, m.world.choice_sharpness, per_unit=unit,
                                                     group=self.buyer_group())
        sm_rows = (np.flatnonzero(m.smugglers.order_h100e[: m.smugglers.n] > 0) if first
                   else np.zeros(0, dtype=int))
        book, order_h, order_k = self._order_book(want[:, :K], sm_rows)
        scr = self._screen(book, count=not stockpile)
        n_h = len(order_h) - len(sm_rows)
        allowed = np.where(m.holders.tier[:, None] == 1, want[:, :K], 0.0)  # Tier 1: no licence needed
        if not stockpile:
            self.rule_counts[Rule.TIER1] += np.count_nonzero(allowed > 1e-9)
        scatter_add(allowed.reshape(-1), order_h[:n_h] * K + order_k[:n_h], scr.allowed[:n_h])
        sm_allowed = scr.allowed[n_h:]
        demand = allowed.sum(axis=0)
        home_demand = float(allowed[m.holders.tier == 3][:, m.chips.domestic].sum())
        if len(sm_rows):
            demand[m.grey_chip] += sm_allowed.sum()
        grey_want = want[:, K]
        supply_h100e = np.append(self._supply[:K] * m.chips.h100e, self._supply[K])
        ratio = fill_ratio(np.append(demand, grey_want.sum()), supply_h100e)
        got = allowed * ratio[None, :K]
        got[:, m.chips.domestic] = self.home_first(allowed[:, m.chips.domestic],
                                                      supply_h100e[:K][m.chips.domestic])
        got_grey = grey_want * ratio[K]
        chips = got / m.chips.h100e
        m.variant_exports_chips_cum += float(chips[m.holders.tier == 3][:, m.chips.variant].sum())
        grey_chips = self._grey_chips(got_grey)
        if stockpile:
            m.ledger.sell(np.zeros_like(chips), to_stockpile=chips)
            m.ledger.sell_grey(np.zeros_like(grey_chips), to_stockpile=grey_chips)
            m.stockpiled_h100e_cum += float(got.sum() + got_grey.sum())
        else:
            m.ledger.sell(chips)
            m.ledger.sell_grey(grey_chips)
        self._supply[:K] -= chips.sum(axis=0)
        self._supply[K] -= got_grey.sum()
        shell_got = np.zeros(0)
        if len(sm_rows):
            shell_got = sm_allowed * ratio[m.grey_chip]
            self._fill_smugglers(sm_rows, shell_got, scr.lpp[n_h:] * ratio[m.grey_chip])
        self._book_revenue(got, scr, order_k[:n_h], ratio, shell_got, unit)
        denied = want[:, :K] - allowed
        if first:
            self.grey_wanted_h100e = float(grey_want.sum())
            self._count_requests(want, denied, unit)
            self._remember_demand(want * unit)
        unspent = (want[:, :K] - got) @ unit[:K] + (grey_want - got_grey) * unit[K]
        if stockpile:  # bought ahead: chips went to stockpiles; what supply could not fill is not re-spent
            return Round(np.zeros_like(chips), np.zeros_like(got_grey), demand, home_demand, denied, ratio,
                         np.maximum(unspent, 0.0))
        return Round(chips, got_grey, demand, home_demand, denied, ratio, np.maximum(unspent, 0.0))

    def home_first(self, allowed: np.ndarray, supply: np.ndarray) -> np.ndarray:
        """Fill orders for domestic chips: Tier 3 buyers first, foreign buyers from what is left.

        The designer's own government steers scarce output to home buyers
        (facts §7: supply is short and exports negligible): over the whole
        month, not only this round, foreign buyers get at most the stock
        beyond what home buyers asked for last month (``_export_room``), and
        only from an overall surplus.
        """
        m = self.model
        home = m.holders.tier == 3
        home_demand = allowed[home].sum(axis=0)
        home_ratio = fill_ratio(home_demand, supply)
        left = np.maximum(supply - home_demand, 0.0)
        # home buyers short of one design would take another: only an overall surplus is exported
        surplus = min(max(float(supply.sum() - home_demand.sum()), 0.0), self._export_room)
        left *= min(1.0, surplus / left.sum()) if left.sum() > 0 else 0.0
        away_ratio = fill_ratio(allowed[~home].sum(axis=0), left)
        got = allowed * np.where(home[:, None], home_ratio[None, :], away_ratio[None, :])
        self._export_room = max(self._export_room - float(got[~home].sum()), 0.0)
        self.home_wanted_h100e += float(home_demand.sum())
        return got

    def _fill_smugglers(self, rows: np.ndarray, got_h100e: np.ndarray, lpp_h100e: np.ndarray) -> None:
        """Shell companies' filled orders leave vendor stock for the smugglers' shipments."""
        m = self.model
        k = m.grey_chip
        chips = got_h100e / m.chips.h100e[k]
        bought = np.zeros(m.n_chips)
        bought[k] = chips.sum()
        m.ledger.sell_to_transit(bought)
        m.smugglers.bought[rows, k] += chips
        self._supply[k] -= chips.sum()
        m.smugglers.lpp_used[rows] += lpp_h100e
        if m.regime.tier2_caps:
            m.structured_h100e_cum += float(lpp_h100e.sum())

    def _close_market(self, delivered: np.ndarray, grey_h100e: np.ndarray, requested: np.ndarray,
                      home_requested: float) -> None:
        """Prices for next month, domestic exports, imports, and diversion of what arrived."""
        m = self.model
        us_requested = np.where(m.chips.domestic, 0.0, requested)
        self.us_demand_ema = 0.7 * self.us_demand_ema + 0.3 * us_requested
        self.us_orders_last = us_requested
        # the designer plans for home buyers first (facts §7); foreign buyers get what is left
        self.domestic_demand_ema = 0.7 * self.domestic_demand_ema + 0.3 * home_requested
        self._update_prices(us_requested, home_requested)
        domestic = delivered[:, m.chips.domestic] @ m.chips.h100e[m.chips.domestic]
        abroad = m.holders.tier != 3
        m.domestic_exports_h100e_cum += float(domestic[abroad].sum())
        dom_price = m.chips.price[m.chips.domestic] * self.domestic_price_mult
        m.domestic_export_usd_cum += float(delivered[abroad][:, m.chips.domestic].sum(axis=0) @ dom_price)
        total = delivered @ m.chips.h100e
        scatter_add(m.countries.imports_h100e, m.holders.country, total + grey_h100e)
        scatter_add(m.countries.flow_domestic, m.holders.country, domestic)
        self._note_tier3_chip_share()
        scatter_add(m.countries.flow_us, m.holders.country, total - domestic)
        scatter_add(m.countries.flow_grey, m.holders.country, grey_h100e)
        smuggler.divert(m, delivered)

    def _note_tier3_chip_share(self) -> None:
        """Each country's share of Tier 3-designed chips in its imports, smoothed over about half a year."""
        c = self.model.countries
        share = np.divide(c.flow_domestic, c.imports_h100e, out=np.zeros(len(c)), where=c.imports_h100e > 0)
        share[c.tier == 3] = 0.0
        c.tier3_chip_share[:] = 0.85 * c.tier3_chip_share + 0.15 * share

    def _remember_demand(self, want_usd: np.ndarray) -> None:
        """Each buyer's first-choice spending by option (shares): what an announced rule would hit."""
        total = want_usd.sum(axis=1, keepdims=True)
        self.last_mix = np.divide(want_usd, total, out=np.zeros_like(want_usd), where=total > 0)

    # helpers of the market phase ---------------------------------------

    def option_costs(self) -> tuple[np.ndarray, np.ndarray]:
        """What buyers weigh (price per unit of value, power included) and price per H100e, per option.

        The cost has two rows (see :meth:`buyer_group`): Tier 3 buyers add
        what their government's steering to home chips costs on imported
        ones (``home_steer``); buyers outside Tier 3 add the compliance risk
        of using Tier 3-designed chips. Value blends training throughput (H100e) with memory bandwidth
        (inference), relative to an H100: an export variant with little
        compute but much bandwidth (H20-class) is worth buying.
        """
        m = self.model
        price = m.chips.price * np.where(m.chips.domestic, self.domestic_price_mult, self.price_mult)
        grey = self.grey_unit_price() * (1.0 + self.grey_premium) if m.grey_chip is not None else 0.0
        unit = np.append(price / m.chips.h100e, grey)
        a = m.world.inference_weight
        value = (1 - a) * m.chips.h100e + a * m.chips.bw / H100_BANDWIDTH_TBS
        per_h100e = np.append(value / m.chips.h100e, value[m.grey_chip] / m.chips.h100e[m.grey_chip]
                              if m.grey_chip is not None else 1.0)
        base = unit / per_h100e * self._power_factor()
        home = base * np.append(np.where(m.chips.domestic, 1.0, 1.0 + self.home_steer), 1.0)
        foreign = base * np.append(np.where(m.chips.domestic, 1.0 + m.world.foreign_domestic_risk, 1.0), 1.0)
        return np.vstack([home, foreign]), unit

    def _power_factor(self) -> np.ndarray:
        """Per option: what running a chip costs on top of its price, relative to an H100 (1 for the grey chip)."""
        m = self.model
        return 1.0 + m.world.power_cost_share * (np.append(m.chips.penalty, 1.0) - 1.0)

    def _note_training_costs(self, delivered: np.ndarray, grey_h100e: np.ndarray, unit: np.ndarray) -> None:
        """What a unit of training compute cost the US and Tier 3 this month (USD per H100e, power included).

        The mean over what each bloc's buyers actually got, list, variant,
        domestic or grey: a bloc kept on old or cut-down chips pays more per
        unit of training than one buying the newest (seed 000: about 10x by
        2027). A bloc that bought nothing keeps last month's figure.
        """
        m = self.model
        per_h100e = unit * self._power_factor()
        K = m.n_chips
        spend = delivered @ (per_h100e[:K] * m.chips.h100e) + grey_h100e * per_h100e[K]
        got = delivered @ m.chips.h100e + grey_h100e
        for bloc, rows in (("us", m.holders.is_us), ("adversary", m.holders.tier == 3)):
            if got[rows].sum() > 0:
                self.training_cost_h100e[bloc] = float(spend[rows].sum() / got[rows].sum())

    def buyer_group(self) -> np.ndarray:
        """Row of the option costs each holder sees: 0 inside Tier 3 (home of the domestic chips), 1 abroad."""
        m = self.model
        return (m.holders.tier != 3).astype(np.int64)

    def grey_unit_price(self) -> float:
        """List price per H100e of the chip smugglers trade."""
        m = self.model
        if m.grey_chip is None:
            return 0.0
        return float(m.chips.price[m.grey_chip] * self.price_mult / m.chips.h100e[m.grey_chip])

    def option_mask(self) -> np.ndarray:
        """Options each holder may try: available, and not denied outright by the regime."""
        m = self.model
        r = m.regime
        tier = m.holders.tier[:, None]
        avail = m.chips.available[None, :]
        us = ~m.chips.domestic[None, :]
        denied_better = us & m.chips.controlled[None, :] & (tier == 3)
        denied = denied_better | (us & m.chips.variant[None, :] & (tier == 3) & (r.variant_policy == "denied")
                                  & r.chip_controls)
        denied |= ~us & (tier != 3) & r.huawei_guidance
        self.regime_denied = avail & denied
        chips = avail & ~denied & ~(~us & (tier == 1))  # Tier 1 buyers do not buy Tier 3 chips
        # an export variant is made for the markets denied the real thing, and sold only there
        chips &= ~m.chips.variant[None, :] | (avail & denied_better).any(axis=1, keepdims=True)
        if self._governments_refuse():
            chips &= ~self._refused_by_governments()
        grey = (m.holders.tier == 3) & r.chip_controls & (m.grey_chip is not None)
        return np.c_[chips, grey]

    def _governments_refuse(self) -> bool:
        """Whether any government has set a policy that keeps chips from buyers (most months none has)."""
        p = self.model.countries.policies
        return bool(np.isfinite(p["block_export_variants"]).any() or np.isfinite(p["allow_tier3_chips"]).any()
                    or np.isfinite(p["export_domestic_chips"]).any())

    def _refused_by_governments(self) -> np.ndarray:
        """[holder, chip] chips a government keeps from its buyers by its own policy (``country_policy``).

        A Tier 3 government may block US export variants at customs and
        keep its designer's chips at home; a Tier 2 government may keep
        Tier 3 chips out.
        """
        m = self.model
        c = m.countries
        country = m.holders.country
        refused = np.zeros((m.n_holders, m.n_chips), dtype=bool)
        block_variants = c.chosen("block_export_variants")[country] >= 0.5
        refused |= block_variants[:, None] & m.chips.variant[None, :] & ~m.chips.domestic[None, :]
        keep_out = c.chosen("allow_tier3_chips")[country] < 0.5
        home = m.domestic_designer.country
        if c.chosen("export_domestic_chips")[c.index[home]] < 0.5:
            keep_out |= m.holders.tier != 3
        refused |= keep_out[:, None] & m.chips.domestic[None, :]
        return refused

    def _count_outright_denials(self, budget: np.ndarray, cost: np.ndarray, unit: np.ndarray) -> None:
        """Demand the regime turns away before any order is placed (e.g. Tier 3 for controlled chips).

        Measured as the spending each buyer would have put on those chips
        with no regime: what a government sees as imports denied.
        """
        m = self.model
        K = m.n_chips
        rows = np.flatnonzero(self.regime_denied.any(axis=1))
        if len(rows) == 0:
            return
        us = ~m.chips.domestic[None, :]
        tier1 = m.holders.tier[rows, None] == 1
        free = m.chips.available[None, :] & ~(~us & tier1)
        shares = choice_shares(cost[:, :K], free, m.world.choice_sharpness,
                                      group=self.buyer_group()[rows]) * self.regime_denied[rows]
        usd = budget[rows] * shares.sum(axis=1)
        per_usd = np.divide(1.0, unit[:K], out=np.zeros(K), where=unit[:K] > 0)
        h100e = budget[rows] * (shares @ per_usd)
        country = m.holders.country[rows]
        scatter_add(m.countries.requested_h100e, country, h100e)
        scatter_add(m.countries.denied_h100e, country, h100e)
        scatter_add(m.countries.denied_usd, country, usd)
        m.denied_h100e_cum += float(h100e.sum())

    def _next_mask(self, mask: np.ndarray, denied: np.ndarray, exhausted: np.ndarray) -> np.ndarray:
        m = self.model
        out = mask.copy()
        out[:, : m.n_chips] &= ~(denied > 1e-9)
        out &= ~exhausted[None, :]
        return out

    def _rush(self, budget: np.ndarray) -> list[tuple[Announced, np.ndarray, np.ndarray]]:
        """For each announced restriction: who buys ahead, how much (USD), and which options.

        A buyer means to pull forward ``rush_intensity × anticipation_months``
        of its demand for the options the restriction will deny or cap (its
        share of last month's spending on them), in total over the window:
        each month it spends what is still missing over the months left, at
        most ``rush_max_extra_months`` of its budget on top (money). Price and supply limit what
        the dollars buy. So a short window buys less than a long one, and a
        longer window never lowers the total, which is bounded.
        Tier 3 buyers count a coming Tier 2 regime as a hit to their grey
        supply (smugglers will have to structure) and buy grey ahead.
        """
        m = self.model
        K = m.n_chips
        w = m.world
        rushes = []
        for rule in m.pending:
            after = m.regime.changed(**rule.levers)
            hit = np.zeros((m.n_holders, K + 1), dtype=bool)
            hit[:, :K] = self._restricted_after(after)
            hit[:, K] = (m.holders.tier == 3) & after.tier2_caps & (not m.regime.tier2_caps)
            share = (self.last_mix * hit).sum(axis=1)
            if not share.any():
                continue
            months_left = max(1, rule.effective_month - m.month)
            target = w.rush_intensity * w.anticipation_months * budget * share
            spend = np.clip((target - rule.pulled_usd) / months_left, 0.0, w.rush_max_extra_months * budget * share)
            rushes.append((rule, spend, hit))
        return rushes

    def _restricted_after(self, after: Regime) -> np.ndarray:
        """[holder, chip]: chips allowed now that ``after`` would deny or cap for the holder."""
        m = self.model
        tier = m.holders.tier[:, None]
        us = ~m.chips.domestic[None, :]
        avail = m.chips.available[None, :]
        ctrl_now = m.chips.controlled[None, :]
        ctrl_after = np.asarray(is_controlled(m.chips.tpp, m.chips.die, after))[None, :] & us
        newly_t3 = (tier == 3) & ctrl_after & ~ctrl_now
        variant_t3 = ((tier == 3) & m.chips.variant[None, :] & (after.variant_policy == "denied")
                      & (m.regime.variant_policy != "denied"))
        capped_t2 = (tier == 2) & ctrl_after & after.tier2_caps & (not m.regime.tier2_caps)
        capped_t2 &= (m.holders.veu[:, None] == Veu.NONE)
        return avail & us & (newly_t3 | variant_t3 | capped_t2)

    def smuggler_rush_factor(self, hub: np.ndarray) -> np.ndarray:
        """Networks buy ahead when an announced rule will force them to structure purchases.

        Like buyers (see :meth:`_rush`), a network in a Tier 2 hub pulls
        forward ``rush_intensity × anticipation_months`` of its capacity in
        total, spread over the months left and at most one extra month's
        capacity a month. Called once a month, by the smugglers' planning:
        it records what they pulled forward.
        """
        m = self.model
        w = m.world
        factor = np.zeros(len(hub))
        for rule in m.pending:
            after = m.regime.changed(**rule.levers)
            if after.tier2_caps and not m.regime.tier2_caps:
                months_left = max(1, rule.effective_month - m.month)
                left = w.rush_intensity * w.anticipation_months - rule.smuggler_pulled_months
                months = min(max(left, 0.0) / months_left, 1.0)
                rule.smuggler_pulled_months += months
                factor += np.where(m.countries.tier[hub] == 2, months, 0.0)
        return factor

    def _order_book(self, want_h100e: np.ndarray, sm_rows: np.ndarray) -> tuple[OrderBook, np.ndarray, np.ndarray]:
        """Orders that need screening (from outside Tier 1) in a random sequence, then shell orders.

        Tier 1 buyers need no licence for anything they may buy; their orders
        are allowed without entering the book (see :meth:`_trade_round`).
        """
        m = self.model
        screened = np.flatnonzero(m.holders.tier != 1)
        perm = screened[m.rng.permutation(len(screened))]  # who reaches the licensing desk first
        rows, k = np.nonzero(want_h100e[perm] > 1e-9)
        h = perm[rows]
        q = want_h100e[h, k]
        sm_k = np.full(len(sm_rows), m.grey_chip if m.grey_chip is not None else 0)
        sm_country = m.smugglers.hub[sm_rows]
        order_h = np.concatenate((h, m.n_holders + sm_rows))
        order_k = np.concatenate((k, sm_k))
        country = np.concatenate((m.holders.country[h], sm_country))
        book = OrderBook(
            consignee=order_h,
            country=country,
            tier=m.countries.tier[country],
            h100e=np.concatenate((q, m.smugglers.order_h100e[sm_rows])),
            controlled=m.chips.controlled[order_k],
            export_variant=m.chips.variant[order_k],
            domestic=m.chips.domestic[order_k],
            veu=np.concatenate((m.holders.veu[h], np.zeros(len(sm_rows), int))),
            no_licence=np.concatenate((np.zeros(len(h), bool), np.ones(len(sm_rows), bool))),
        )
        return book, order_h, order_k

    def _screen(self, book: OrderBook, count: bool) -> Screened:
        """Screen the book against the pools left, then draw the pools down (holders' pools here;
        shell companies' allowances are drawn when their orders are filled)."""
        m = self.model
        n_sm = m.smugglers.n
        lpp = m.regime.lpp_limit_h100e
        holders_left = self._month_allowance(lpp * m.holders.consignees, m.holders.lpp_used, self._lpp_used_before)
        lpp_left = np.concatenate((holders_left, np.zeros(n_sm)))
        shells = np.flatnonzero(book.no_licence)
        if len(shells):
            rows = book.consignee[shells] - m.n_holders
            sm = m.smugglers
            lpp_left[book.consignee[shells]] = self._month_allowance(
                sm.shells[rows] * lpp / m.scale, sm.lpp_used[rows], self._shell_lpp_used_before[rows])
        veu_room = np.concatenate((self.veu_room(), np.zeros(n_sm)))
        deal_left = np.maximum(m.countries.deal_per_year - m.countries.deal_used, 0.0)
        cap_left = m.cap_limits() - m.countries.cap_used
        scr = screen_orders(book, m.regime, lpp_left, veu_room, deal_left, cap_left)
        holders = ~book.no_licence
        scatter_add(m.holders.lpp_used, book.consignee[holders], scr.lpp[holders])
        scatter_add(m.holders.nveu_used, book.consignee[holders], scr.veu[holders])
        scatter_add(m.countries.deal_used, book.country, scr.deal)
        counted = scr.licence + (scr.lpp if m.regime.lpp_counts_against_cap else 0)
        scatter_add(m.countries.cap_used, book.country, counted)
        m.licensed_h100e_cum += float(scr.licence.sum() + scr.deal.sum())
        if count:
            self.rule_counts += np.bincount(scr.rule.astype(int), minlength=len(Rule))
            for rule_id in (Rule.CAP_REACHED,):
                hit = scr.rule == rule_id
                if hit.any():
                    for c in np.unique(book.country[hit]):
                        m._note_cap_reached(int(c))
        return scr

    def _month_allowance(self, yearly: np.ndarray, used: np.ndarray, used_before: np.ndarray) -> np.ndarray:
        """What is left this month of a yearly allowance spread over the months left in the year."""
        m = self.model
        this_month = np.maximum(yearly - used_before, 0.0) / m.months_left_in_year()
        return np.maximum(this_month - (used - used_before), 0.0)

    def veu_room(self) -> np.ndarray:
        """H100e each holder may still import as a validated end user."""
        m = self.model
        r = m.regime
        room = np.zeros(m.n_holders)
        if not (r.tier2_caps and r.veu_program):
            return room
        since = m.tier2_since if m.tier2_since is not None else m.month
        period = max(int(round(r.cap_period_months)), 1)
        year = min(((m.month - since) % period) // 12, len(r.nveu_cap_h100e) - 1)
        nat = m.holders.veu == Veu.NATIONAL
        room[nat] = np.maximum(r.nveu_cap_h100e[year] - m.holders.nveu_used[nat], 0.0)
        uni = np.flatnonzero(m.holders.veu == Veu.UNIVERSAL)
        if len(uni):  # per operator: at most uveu_max_one_tier2 in one Tier 2 country, the rest in Tier 1 (and the US)
            held = m.ledger.installed[uni] @ m.chips.h100e
            owner = np.unique(m.holders.owner[uni], return_inverse=True)[1]
            tier, in_us = m.holders.tier[uni], m.holders.is_us[uni]
            total = np.bincount(owner, held)
            out_room = np.maximum((1 - r.uveu_min_tier1) * total - np.bincount(owner, held * (tier != 1)), 0.0)
            us_room = np.maximum((1 - r.uveu_min_us) * total - np.bincount(owner, held * ~in_us), 0.0)
            out_room = np.where(np.bincount(owner, in_us) > 0, np.minimum(out_room, us_room), out_room)
            one = np.maximum(r.uveu_max_one_tier2 * total[owner] - held, 0.0)
            room[uni] = np.where(tier == 2, np.minimum(one, out_room[owner]), np.inf)
            refused = m.countries.chosen("host_uveu_sites")[m.holders.country[uni]] < 0.5
            room[uni[refused]] = 0.0  # a host that does not admit US clouds' sites: they buy under its cap
        return room

    def _grey_chips(self, got_h100e: np.ndarray) -> np.ndarray:
        """Grey-market stock handed to holders in proportion to what each bought (chips)."""
        m = self.model
        stock = m.ledger.grey_stock
        total = float(stock @ m.chips.h100e)
        if total <= 0 or got_h100e.sum() <= 0:
            return np.zeros((m.n_holders, m.n_chips))
        return np.outer(got_h100e / total, stock)

    def _book_revenue(self, got: np.ndarray, scr: Screened, order_k: np.ndarray, ratio: np.ndarray,
                      shell_h100e: np.ndarray, unit: np.ndarray) -> None:
        """US vendor revenue (net of revenue-share fees) and the fees paid, for one round."""
        m = self.model
        K = m.n_chips
        us = ~m.chips.domestic
        by_holder = got[:, :K][:, us] @ unit[:K][us]
        gross = float(by_holder.sum())
        fees = 0.0
        n_h = len(order_k)
        if scr.fee[:n_h].any():
            k = order_k
            fees = float((scr.fee[:n_h] * scr.allowed[:n_h] * ratio[k] * unit[k]).sum())
        shells = float(shell_h100e.sum() * unit[m.grey_chip]) if len(shell_h100e) else 0.0
        m.us_revenue_cum += gross + shells - fees
        m.us_revenue_tier3_cum += float(by_holder[m.holders.tier[: len(by_holder)] == 3].sum())
        m.fees_cum += fees

    def _count_requests(self, want_h100e: np.ndarray, denied: np.ndarray, unit: np.ndarray) -> None:
        m = self.model
        want = want_h100e[:, : m.n_chips].sum(axis=1)
        den = denied.sum(axis=1)
        scatter_add(m.countries.requested_h100e, m.holders.country, want)
        scatter_add(m.countries.denied_h100e, m.holders.country, den)
        m.denied_h100e_cum += float(den.sum())
        den_usd = (denied * unit[None, : m.n_chips]).sum(axis=1)
        m.holders.denied_usd += den_usd
        scatter_add(m.countries.denied_usd, m.holders.country, den_usd)

    def _record_unmet(self, budget: np.ndarray) -> None:
        """Money left after every round, by country: what governments see as unmet demand."""
        m = self.model
        m.countries.unmet_usd[:] = 0.0
        scatter_add(m.countries.unmet_usd, m.holders.country, budget)

    def _update_prices(self, us_requested: np.ndarray, home_requested: float) -> None:
        """Vendors' prices follow the orders that compete for their supply.

        Every US chip competes for the same leading-edge dies, and vendors
        short of their stock count restocking as orders; domestic
        chips go to home buyers first, so home orders set their price.
        """
        m = self.model
        w = m.world
        restock = np.maximum(w.vendor_stock_months * self.us_demand_ema / m.chips.h100e - m.ledger.inventory, 0.0)
        restock *= m.chips.in_production & ~m.chips.domestic
        dies_requested = float((us_requested / m.chips.h100e + restock) @ m.chips.dies)
        self.price_mult = price_multiplier(self.price_mult, dies_requested,
                                                  m.vendor_capacity_dies, w.price_adjustment_per_month)
        self.domestic_price_mult = price_multiplier(self.domestic_price_mult, home_requested,
                                                           m.domestic_supply_h100e(), w.price_adjustment_per_month)
        self.grey_premium = grey_premium(self.grey_premium, self.grey_wanted_h100e, self.grey_supply_h100e,
                                                w.price_adjustment_per_month, w.grey_premium_max)
