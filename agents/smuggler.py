"""Smuggling networks and diversion, vectorised over networks.

Owns the ``SmugglerAgent`` (a thin Mesa agent over one row of the
:class:`SmugglerBook`), how networks choose volume from expected profit,
how they structure purchases under the licence-free threshold through
shell companies, detection, seizure, closure and entry, and diversion by
legitimate Tier 2 buyers. Imports mesa and numpy.

Everything is in shares of the smuggled chip's list price, so margins keep
their meaning as prices fall: volume ``q = capacity × tanh(max(0, margin) /
scale)``, margin = premium − running costs − shell costs − expected loss;
no profit, no smuggling, and a network that has not paid for
``network_exit_months`` closes.

Detection per shipment (MODEL.md §7), with more exposure for every shell
company the consignment was bought through:
``p = 1 - exp(-h0 (E/E0)^ε (1 + LV m_lv) (1 + κ_hub) (size/size0)^s (1 + x shells))``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from agents.arrays import scatter_add, sigmoid
from agents.lang import ngettext

if TYPE_CHECKING:
    from agents.model import ComputeModel


class SmugglerAgent(mesa.Agent):
    """A network based in a transit country; its numbers live in the smugglers' book."""

    def __init__(self, model: "ComputeModel", row: int, hub: str):
        super().__init__(model)
        self.row = row
        self.hub = hub

    @property
    def capacity_h100e(self) -> float:
        return float(self.model.smugglers.capacity[self.row])

    @property
    def shells(self) -> int:
        return int(self.model.smugglers.shells[self.row])


class SmugglerBook:
    """Per-network arrays; rows are never reused, so a row index names one network for life."""

    def __init__(self, n_chips: int, size: int = 64):
        self.n_chips = n_chips
        self.n = 0
        self._alloc(size)

    def _alloc(self, size: int) -> None:
        def grow(old: np.ndarray | None, shape: tuple, dtype=float) -> np.ndarray:
            new = np.zeros(shape, dtype=dtype)
            if old is not None:
                new[: len(old)] = old
            return new

        get = lambda name: getattr(self, name, None)  # noqa: E731
        self.alive = grow(get("alive"), (size,), bool)
        self.hub = grow(get("hub"), (size,), int)
        self.capacity = grow(get("capacity"), (size,))
        self.shells = grow(get("shells"), (size,), int)
        self.lpp_used = grow(get("lpp_used"), (size,))
        self.bought = grow(get("bought"), (size, self.n_chips))
        self.transit = grow(get("transit"), (size, self.n_chips))
        self.order_h100e = grow(get("order_h100e"), (size,))
        self.idle_months = grow(get("idle_months"), (size,), int)
        self.size = size

    def add(self, hubs: np.ndarray, capacity: np.ndarray) -> np.ndarray:
        """New networks; returns their rows."""
        k = len(hubs)
        while self.n + k > self.size:
            self._alloc(self.size * 2)
        rows = np.arange(self.n, self.n + k)
        self.alive[rows] = True
        self.hub[rows] = hubs
        self.capacity[rows] = capacity
        self.n += k
        return rows

    def in_transit(self) -> np.ndarray:
        return self.bought[: self.n].sum(axis=0) + self.transit[: self.n].sum(axis=0)


def detection_probability(model: "ComputeModel", hub: np.ndarray, size_h100e: np.ndarray,
                          per_row: float = 1.0, shells: np.ndarray | float = 0.0) -> np.ndarray:
    """Chance that one shipment of ``size_h100e`` from ``hub`` is caught.

    ``per_row``: how many of these shipments travel as one real consignment
    (``model.scale`` for networks, whose rows at ``--scale F`` are 1/F of a
    network), so the odds do not depend on the scale. ``shells``: shell
    companies the consignment was bought through; each is one more paper
    trail (``shell_exposure``).
    """
    w = model.world
    r = model.regime
    budget = (r.enforcement_budget_usd / w.detect_budget_ref_usd) ** w.enforcement_elasticity
    lv = 1.0 + (w.location_verification_mult if r.location_verification else 0.0)
    coop = 1.0 + model.countries.cooperation[hub]
    size = (np.maximum(size_h100e * per_row, 1e-9) / w.detect_size_ref_h100e) ** w.detect_size_exponent
    paper = 1.0 + w.shell_exposure * np.asarray(shells, dtype=float)
    return 1.0 - np.exp(-w.detect_hazard * budget * lv * coop * size * paper)


def structuring_needed(model: "ComputeModel", hub: np.ndarray) -> np.ndarray:
    """Whether buying in ``hub`` means staying under the licence-free threshold."""
    return model.regime.tier2_caps & (model.countries.tier[hub] == 2)


def shells_for(model: "ComputeModel", volume_h100e: np.ndarray) -> np.ndarray:
    """Shell companies a network needs to buy ``volume_h100e`` a month under the licence-free limit.

    Counted for a whole network (a row at ``--scale F`` is 1/F of one) and
    capped at ``smuggler_max_shells``.
    """
    lpp = max(model.regime.lpp_limit_h100e, 1e-9)
    return np.minimum(np.ceil(12.0 * volume_h100e * model.scale / lpp - 1e-9), model.world.smuggler_max_shells)


def margin_share(model: "ComputeModel", hub: np.ndarray, volume_h100e: np.ndarray,
                 per_row: float) -> np.ndarray:
    """Expected profit per H100e as a share of list price, for networks in ``hub`` shipping ``volume_h100e``.

    premium − running costs − shell costs (fixed dollars per company and
    year, spread over its allowance) − chance of seizure × (chip + fine).
    """
    w = model.world
    unit = model.market.grey_unit_price()
    structured = structuring_needed(model, hub)
    shells = np.where(structured, shells_for(model, volume_h100e), 0.0)
    shell_cost = np.where(structured, w.shell_cost_usd_per_year / max(model.regime.lpp_limit_h100e, 1e-9), 0.0)
    p = detection_probability(model, hub, volume_h100e, per_row=per_row, shells=shells)
    return (model.market.grey_premium - w.smuggler_cost_share - shell_cost / max(unit, 1e-9)
            - p * (1.0 + w.fine_multiple))


def plan_volume(model: "ComputeModel") -> None:
    """Each live network picks this month's purchase (H100e) from expected profit; idle ones give up."""
    book = model.smugglers
    w = model.world
    rows = np.flatnonzero(book.alive[: book.n])
    book.order_h100e[: book.n] = 0.0
    if len(rows) == 0:
        return
    hub = book.hub[rows]
    if model.grey_chip is None:  # nothing worth smuggling
        margin = np.zeros(len(rows))
    else:
        margin = margin_share(model, hub, book.capacity[rows], per_row=model.scale)
    q = book.capacity[rows] * np.tanh(np.maximum(margin, 0.0) / w.smuggler_margin_scale_share)
    q *= 1.0 + model.market.smuggler_rush_factor(hub)
    # structured buying: each shell holds one licence-free allowance per calendar year, spread over the year
    structured = structuring_needed(model, hub)
    shells = np.where(structured, shells_for(model, q), 0.0)
    lpp = model.regime.lpp_limit_h100e
    allowance_left = np.maximum(shells * lpp / model.scale - book.lpp_used[rows], 0.0) / model.months_left_in_year()
    q = np.where(structured, np.minimum(q, allowance_left), q)
    book.shells[rows] = shells
    book.order_h100e[rows] = np.maximum(q, 0.0)
    book.idle_months[rows] = np.where(q > 0, 0, book.idle_months[rows] + 1)
    giving_up = rows[book.idle_months[rows] >= w.network_exit_months]
    for row in giving_up:
        model.close_network(int(row))
    if len(giving_up):
        model.record_event("networks_exited", ngettext(
            "{n} smuggling network gives up: no profit for {months} months",
            "{n} smuggling networks give up: no profit for {months} months", len(giving_up)).format(
            n=len(giving_up), months=w.network_exit_months))


def ship(model: "ComputeModel") -> None:
    """Last month's shipments are caught or arrive; this month's purchases set off."""
    book = model.smugglers
    n = book.n
    if n:
        rows = np.flatnonzero(book.transit[:n].sum(axis=1) > 0)
        if len(rows):
            caught = _cross_border(model, book.hub[rows], book.transit[rows], per_row=model.scale,
                                   shells=book.shells[rows])
            book.transit[rows] = 0.0
            model.seizures_cum += int(caught.sum())
            closing = rows[caught & (model.rng.random(len(rows)) < model.world.network_close_probability)]
            for row in closing:
                model.close_network(int(row))
        book.transit[:n] = book.bought[:n]
        book.bought[:n] = 0.0
    _ship_diversion(model)
    _enter(model)


def _cross_border(model: "ComputeModel", hubs: np.ndarray, consignments: np.ndarray,
                  per_row: float = 1.0, shells: np.ndarray | float = 0.0) -> np.ndarray:
    """Each consignment (a row of chips) from its hub is seized or reaches the grey market.

    Returns which were caught; the ledger and the cumulative counters are updated.
    """
    p = detection_probability(model, hubs, consignments @ model.chips.h100e, per_row, shells)
    caught = model.rng.random(len(hubs)) < p
    seized = consignments[caught].sum(axis=0)
    arrived = consignments[~caught].sum(axis=0)
    model.ledger.seize(seized)
    model.ledger.arrive_grey(arrived)
    model.seized_h100e_cum += float(seized @ model.chips.h100e)
    model.smuggled_h100e_cum += float(arrived @ model.chips.h100e)
    size = consignments @ model.chips.h100e
    scatter_add(model.countries.flow_seized, hubs[caught], size[caught])
    scatter_add(model.countries.flow_smuggled, hubs[~caught], size[~caught])
    return caught


def divert(model: "ComputeModel", delivered: np.ndarray) -> None:
    """Legitimate Tier 2 buyers pass a share of new controlled chips to the grey market.

    The share grows with the grey premium and shrinks with the country's
    cooperation with enforcement.
    """
    w = model.world
    pull = sigmoid((model.market.grey_premium - w.diversion_premium_floor) / 0.05)
    share_c = w.diversion_max_share * pull * (1.0 - model.countries.cooperation)
    share_h = np.where(model.holders.tier == 2, share_c[model.holders.country], 0.0)
    controlled = model.chips.controlled & ~model.chips.domestic
    amount = delivered * share_h[:, None] * controlled[None, :]
    if amount.sum() <= 0:
        return
    model.ledger.divert(amount)
    per_country = np.zeros((model.n_countries, model.n_chips))
    scatter_add(per_country, model.holders.country, amount)
    model.diversion_transit += per_country


def _ship_diversion(model: "ComputeModel") -> None:
    """Diverted consignments are caught or reach the grey market, one per country a month."""
    moving = model.diversion_transit
    countries = np.flatnonzero(moving.sum(axis=1) > 0)
    if len(countries) == 0:
        return
    model.diverted_h100e_cum += float(moving[countries].sum(axis=0) @ model.chips.h100e)
    _cross_border(model, countries, moving[countries])
    moving[:] = 0.0


def _enter(model: "ComputeModel") -> None:
    """New networks enter where smuggling pays: Poisson(λ × max(0, margin of a new network)).

    The margin is a new network's expected profit share at full capacity,
    averaged over the transit hubs it could pick.
    """
    w = model.world
    hubs = np.flatnonzero(model.countries.transit_hub)
    if model.grey_chip is None or len(hubs) == 0:
        return
    margin = margin_share(model, hubs, np.full(len(hubs), w.smuggler_capacity_h100e_per_month), per_row=1.0)
    lam = w.entry_rate_per_month * model.scale * max(0.0, float(margin.mean()))
    k = int(model.rng.poisson(lam)) if lam > 0 else 0
    if k:
        model.open_networks(k)
