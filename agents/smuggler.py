"""Smuggling networks and diversion, vectorised over networks.

Owns the ``SmugglerAgent`` (a thin Mesa agent over one row of the
:class:`SmugglerBook`), how networks choose volume from expected profit,
how they structure purchases under the licence-free threshold through
shell companies, detection, seizure, closure and entry, and diversion by
legitimate Tier 2 buyers. Imports mesa and numpy.

Volume: ``q = capacity × tanh(max(0, margin) / scale)``: no profit, no
smuggling; margin = premium × price − costs − shell costs − expected loss.

Detection per shipment (MODEL.md §7):
``p = 1 - exp(-h0 (E/E0)^ε (1 + LV m_lv) (1 + κ_hub) (size/size0)^s)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from agents.market import scatter_add, sigmoid

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
                          per_row: float = 1.0) -> np.ndarray:
    """Chance that one shipment of ``size_h100e`` from ``hub`` is caught.

    ``per_row``: how many of these shipments travel as one real consignment
    (``model.scale`` for networks, whose rows at ``--scale F`` are 1/F of a
    network), so the odds do not depend on the scale.
    """
    w = model.world
    r = model.regime
    budget = (r.enforcement_budget_usd / w.detect_budget_ref_usd) ** w.enforcement_elasticity
    lv = 1.0 + (w.location_verification_mult if r.location_verification else 0.0)
    coop = 1.0 + model.cooperation[hub]
    size = (np.maximum(size_h100e * per_row, 1e-9) / w.detect_size_ref_h100e) ** w.detect_size_exponent
    return 1.0 - np.exp(-w.detect_hazard * budget * lv * coop * size)


def structuring_needed(model: "ComputeModel", hub: np.ndarray) -> np.ndarray:
    """Whether buying in ``hub`` means staying under the licence-free threshold."""
    return model.regime.tier2_caps & (model.country_tier[hub] == 2)


def plan_volume(model: "ComputeModel") -> None:
    """Each live network picks this month's purchase (H100e) from expected profit."""
    book = model.smugglers
    w = model.world
    rows = np.flatnonzero(book.alive[: book.n])
    book.order_h100e[: book.n] = 0.0
    if len(rows) == 0 or model.grey_chip is None:
        return
    hub = book.hub[rows]
    unit = model.grey_unit_price()
    p_guess = detection_probability(model, hub, book.capacity[rows], per_row=model.scale)
    structured = structuring_needed(model, hub)
    lpp = model.regime.lpp_limit_h100e
    shell_cost = np.where(structured, w.shell_cost_usd_per_year / max(lpp, 1e-9), 0.0)
    margin = (model.grey_premium * unit - w.smuggler_cost_usd_per_h100e - shell_cost
              - p_guess * unit * (1.0 + w.fine_multiple))
    q = book.capacity[rows] * np.tanh(np.maximum(margin, 0.0) / w.smuggler_margin_scale_usd)
    q *= 1.0 + model.smuggler_rush_factor(hub)
    # structured buying: shells hold one licence-free allowance each per calendar year; a row at
    # --scale F is 1/F of a real network, which runs whole shell companies
    shells_needed = np.ceil(12.0 * q * model.scale / max(lpp, 1e-9))
    shells = np.minimum(shells_needed, w.smuggler_max_shells)
    allowance_left = np.maximum(shells * lpp / model.scale - book.lpp_used[rows], 0.0) / model.months_left_in_year()
    q = np.where(structured, np.minimum(q, allowance_left), q)
    book.shells[rows] = np.where(structured, np.maximum(book.shells[rows], shells), book.shells[rows])
    book.order_h100e[rows] = np.maximum(q, 0.0)


def ship(model: "ComputeModel") -> None:
    """Last month's shipments are caught or arrive; this month's purchases set off."""
    book = model.smugglers
    n = book.n
    if n:
        rows = np.flatnonzero(book.transit[:n].sum(axis=1) > 0)
        if len(rows):
            caught = _cross_border(model, book.hub[rows], book.transit[rows], per_row=model.scale)
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
                  per_row: float = 1.0) -> np.ndarray:
    """Each consignment (a row of chips) from its hub is seized or reaches the grey market.

    Returns which were caught; the ledger and the cumulative counters are updated.
    """
    p = detection_probability(model, hubs, consignments @ model.chip_h100e, per_row)
    caught = model.rng.random(len(hubs)) < p
    seized = consignments[caught].sum(axis=0)
    arrived = consignments[~caught].sum(axis=0)
    model.ledger.seize(seized)
    model.ledger.arrive_grey(arrived)
    model.seized_h100e_cum += float(seized @ model.chip_h100e)
    model.smuggled_h100e_cum += float(arrived @ model.chip_h100e)
    size = consignments @ model.chip_h100e
    scatter_add(model.flow_seized, hubs[caught], size[caught])
    scatter_add(model.flow_smuggled, hubs[~caught], size[~caught])
    return caught


def divert(model: "ComputeModel", delivered: np.ndarray) -> None:
    """Legitimate Tier 2 buyers pass a share of new controlled chips to the grey market.

    The share grows with the grey premium and shrinks with the country's
    cooperation with enforcement.
    """
    w = model.world
    pull = sigmoid((model.grey_premium - w.entry_premium_floor) / 0.05)
    share_c = w.diversion_max_share * pull * (1.0 - model.cooperation)
    share_h = np.where(model.holder_tier == 2, share_c[model.holder_country], 0.0)
    controlled = model.chip_controlled & ~model.chip_domestic
    amount = delivered * share_h[:, None] * controlled[None, :]
    if amount.sum() <= 0:
        return
    model.ledger.divert(amount)
    per_country = np.zeros((model.n_countries, model.n_chips))
    scatter_add(per_country, model.holder_country, amount)
    model.diversion_transit += per_country


def _ship_diversion(model: "ComputeModel") -> None:
    """Diverted consignments are caught or reach the grey market, one per country a month."""
    moving = model.diversion_transit
    countries = np.flatnonzero(moving.sum(axis=1) > 0)
    if len(countries) == 0:
        return
    model.diverted_h100e_cum += float(moving[countries].sum(axis=0) @ model.chip_h100e)
    _cross_border(model, countries, moving[countries])
    moving[:] = 0.0


def _enter(model: "ComputeModel") -> None:
    """New networks enter where the grey premium pays: Poisson(λ × max(0, π − π_min))."""
    w = model.world
    lam = w.entry_rate_per_month * model.scale * max(0.0, model.grey_premium - w.entry_premium_floor)
    k = int(model.rng.poisson(lam)) if lam > 0 else 0
    if k:
        model.open_networks(k)
