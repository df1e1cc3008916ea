"""Firms: chip designers, foundries and data-centre operators.

Owns the ``FirmAgent`` and its roles. A US designer makes the leading chips
and redesigns its export variant to sit just under the control threshold; a
domestic Tier 3 designer makes Ascend-class chips, limited by wafers, yield
and high-bandwidth memory; the leading-edge foundry grows capacity and (if
the foundry rule allows) makes Tier 3 designs; the domestic foundry grows
with subsidy after a lag and learns yield; cloud operators split their
spending across data-centre sites and pull back from sites where orders are
denied. Imports mesa and numpy.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

import mesa
import numpy as np

from agents.regime import is_controlled

if TYPE_CHECKING:
    from agents.model import ComputeModel


class Role(Enum):
    US_DESIGNER = "us_designer"
    DOMESTIC_DESIGNER = "domestic_designer"
    LEADING_FOUNDRY = "leading_foundry"
    DOMESTIC_FOUNDRY = "domestic_foundry"
    CLOUD = "cloud"
    NATIONAL_OPERATOR = "national_operator"


VARIANT_DESIGN_LAG_MONTHS = 6
"""Months a vendor needs to ship a redesigned export variant (A800/H800, H20 precedent)."""
LEADING_EDGE_YIELD = 0.8
"""Yield when leading-edge foundries may make Tier 3 designs (no foundry rule), estimate."""
VARIANT_MARGIN = 0.95
"""A redesigned variant sits 5% under the threshold it must clear."""


def ration_by_margin(asked: np.ndarray, margin: np.ndarray, capacity: float) -> np.ndarray:
    """Grant each product ``asked × min(1, λ × margin)``, with ``λ`` so that grants fill ``capacity``.

    Everything is granted when capacity allows; otherwise the products that
    earn most per unit of capacity are filled first and the rest in
    proportion to their margin (water-filling), so a low-margin product is
    squeezed without being starved.
    """
    total = float(asked.sum())
    if capacity >= total:
        return asked.copy()
    if capacity <= 0 or total <= 0:
        return np.zeros_like(asked)
    order = np.argsort(-margin, kind="stable")
    a, mg = asked[order], np.maximum(margin[order], 1e-12)
    for j in range(len(a)):  # the first j products are filled; the rest get λ × margin of their ask
        lam = (capacity - a[:j].sum()) / float(a[j:] @ mg[j:]) if a[j:] @ mg[j:] > 0 else np.inf
        if lam * mg[j] <= 1.0:
            break
    fill = np.minimum(1.0, lam * mg)
    out = np.empty_like(asked)
    out[order] = a * fill
    return out


class FirmAgent(mesa.Agent):
    """A firm with one role; operators own data-centre sites (holders)."""

    def __init__(self, model: "ComputeModel", role: Role, name: str, country: str,
                 sites: dict[int, float] | None = None, home: int | None = None):
        super().__init__(model)
        self.role = role
        self.name = name
        self.country = country
        self.target_sites = dict(sites or {})
        """holder index -> intended share of spending (operators only)."""
        self.site_weight = dict(self.target_sites)
        self.home = home
        self.redesign_due: int | None = None

    # ---- monthly ---------------------------------------------------------
    def plan(self) -> None:
        """Decide this month's intentions before orders are placed."""
        if self.role is Role.CLOUD:
            self._allocate_sites()
        elif self.role is Role.US_DESIGNER:
            self._design_variants()

    def produce(self) -> None:
        """Grow capacity (foundries) or make chips (designers)."""
        if self.role is Role.LEADING_FOUNDRY:
            self.model.vendor_capacity_dies *= self.model.world.vendor_capacity_growth_per_year ** (1 / 12)
        elif self.role is Role.DOMESTIC_FOUNDRY:
            self._expand_domestic()
        elif self.role is Role.US_DESIGNER:
            self._produce_us()
        elif self.role is Role.DOMESTIC_DESIGNER:
            self._produce_domestic()

    # ---- operators ------------------------------------------------------
    def _allocate_sites(self) -> None:
        """Pull spending home from sites whose orders were denied; drift back otherwise."""
        m = self.model
        for h, target in self.target_sites.items():
            if h == self.home:
                continue
            denied = m.holders.denied_usd[h]
            if denied > 0:
                self.site_weight[h] = self.site_weight[h] * 0.7
            else:
                self.site_weight[h] += 0.1 * (target - self.site_weight[h])
        abroad = sum(v for h, v in self.site_weight.items() if h != self.home)
        self.site_weight[self.home] = max(0.0, 1.0 - abroad)
        for h, share in self.site_weight.items():
            m.holders.site_share[h] = share

    # ---- designers ------------------------------------------------------
    def _design_variants(self) -> None:
        """Redesign export variants that a new threshold caught (vendors design to thresholds)."""
        m = self.model
        variants = np.flatnonzero(m.chips.variant)
        if len(variants) == 0:
            return
        caught = is_controlled(m.chips.tpp[variants], m.chips.die[variants], m.regime)
        if not np.any(caught):
            self.redesign_due = None
            return
        if self.redesign_due is None:
            self.redesign_due = m.month + VARIANT_DESIGN_LAG_MONTHS
            return
        if m.month < self.redesign_due:
            return
        for k in variants[np.atleast_1d(caught)]:
            limit = m.regime.controlled_tpp
            if m.regime.density_rule:
                limit = min(limit, max(m.regime.density_tpp_floor, m.regime.density_threshold * m.chips.die[k]))
            new_tpp = VARIANT_MARGIN * limit
            ratio = new_tpp / m.chips.tpp[k]
            m.chips.tpp[k] = new_tpp
            m.chips.h100e[k] *= ratio
            m.chips.price0[k] *= ratio
            m.record_event("variant_redesigned",
                           f"{self.name} redesigns {m.chips.names[k]} to {new_tpp:,.0f} TPP, under the new threshold",
                           chip=m.chips.names[k])
        self.redesign_due = None

    def _produce_us(self, months: float = 1.0) -> None:
        """Make what sells plus a stock, giving scarce leading-edge dies to the best margin per die.

        Each chip in production gets its expected orders (last month's when a
        rush made them larger) less the stock
        left unsold, then a buffer of ``vendor_stock_months`` of orders.
        Prices clear the market (see ``market.price_multiplier``), so dies
        are scarce only while orders outrun the price; then orders come
        before buffers, and within each the products that earn more per die
        get a larger share of what they asked for (:func:`ration_by_margin`).
        ``months`` of capacity: more than one only for the stock vendors
        hold when the scenario starts.
        """
        m = self.model
        made = m.chips.in_production & ~m.chips.domestic
        demand = np.maximum(m.market.us_demand_ema, m.market.us_orders_last) / m.chips.h100e * made  # a rush is served too
        orders = np.maximum(demand - m.ledger.inventory, 0.0)
        buffer = np.maximum(demand * (1.0 + m.world.vendor_stock_months) - m.ledger.inventory - orders, 0.0)
        margin = m.chips.price / m.chips.dies
        capacity = m.vendor_capacity_dies * months
        orders_dies = ration_by_margin(orders * m.chips.dies, margin, capacity)
        buffer_dies = ration_by_margin(buffer * m.chips.dies, margin, capacity - orders_dies.sum())
        chips = (orders_dies + buffer_dies) / m.chips.dies
        m.ledger.produce(chips)

    def _produce_domestic(self) -> None:
        """Make the newest domestic chip: what sells, within wafers × good dies × yield and HBM."""
        m = self.model
        w = m.world
        k = m.newest_domestic_chip()
        if k is None:
            return
        capacity = m.domestic_supply_h100e() / m.chips.h100e[k]
        stock_chips = m.ledger.inventory[m.chips.domestic] @ m.chips.h100e[m.chips.domestic] / m.chips.h100e[k]
        demand = m.market.domestic_demand_ema / m.chips.h100e[k]
        # make what sells, and close half the gap to a half-month buffer (no boom-and-bust in output)
        wanted = max(0.0, demand + 0.5 * (0.5 * demand - stock_chips))
        made = float(min(capacity, wanted))
        if m.regime.hbm_controls:
            m.hbm_stock = max(0.0, m.hbm_stock + m.hbm_domestic_per_month - made * w.hbm_stacks_per_chip)
        m.hbm_domestic_per_month *= w.hbm_domestic_growth_per_year ** (1 / 12)
        out = np.zeros(m.n_chips)
        out[k] = made
        m.ledger.produce(out)
        m.domestic_made_cum += made
        m.domestic_output_h100e = made * m.chips.h100e[k]
        m.domestic_output_chips = made

    # ---- foundries ------------------------------------------------------
    def _expand_domestic(self) -> None:
        """Capacity follows subsidy after a lag; yield learns with cumulative output."""
        m = self.model
        w = m.world
        m.subsidy_history.append(float(m.countries.subsidy_usd.sum()))
        lagged = m.subsidy_history[max(0, len(m.subsidy_history) - 1 - w.domestic_capacity_lag_months)]
        m.domestic_wafers += w.domestic_wafer_growth_per_usd * lagged / 12.0
        gap = w.domestic_yield_max - w.domestic_yield_start
        m.domestic_yield = w.domestic_yield_max - gap * 0.5 ** (m.domestic_made_cum / w.domestic_yield_learning_chips)
