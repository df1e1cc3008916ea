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

from agents.lang import _
from agents.regime import Veu, is_controlled

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


def split_domestic_output(wanted_h100e: float, new: float, bank: float, limit: float, h100e: np.ndarray,
                          k: int, b: int | None) -> tuple[float, float]:
    """Chips of the newest design ``k`` and of the die-bank design ``b`` to make this month.

    The newest first: when packaging or HBM binds, it gives more compute per
    package and per stack; banked dies fill what is still wanted.
    """
    made_new = max(0.0, min(new, limit, wanted_h100e / h100e[k]))
    if b is None:
        return made_new, 0.0
    rest = max(0.0, wanted_h100e - made_new * h100e[k])
    return made_new, max(0.0, min(bank, limit - made_new, rest / h100e[b]))


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
        elif self.role is Role.DOMESTIC_DESIGNER:
            self._stockpile_hbm()

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
        """Pull spending home from sites whose orders were denied or whose host no longer admits them;
        drift back otherwise."""
        m = self.model
        hosts = m.countries.policies["host_uveu_sites"]  # NaN: the host's bot admits them
        refused = (m.holders.veu == int(Veu.UNIVERSAL)) & (hosts[m.holders.country] < 0.5) if (hosts < 0.5).any() else None
        for h, target in self.target_sites.items():
            if h == self.home:
                continue
            denied = m.holders.denied_usd[h]
            if denied > 0 or (refused is not None and refused[h]):
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
                           _("{firm} redesigns {chip} to {tpp} TPP, under the new threshold").format(
                               firm=_(self.name), chip=m.chips.names[k], tpp=f"{new_tpp:,.0f}"),
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
        # a rush is served too
        demand = np.maximum(m.market.us_demand_ema, m.market.us_orders_last) / m.chips.h100e * made
        orders = np.maximum(demand - m.ledger.inventory, 0.0)
        buffer = np.maximum(demand * (1.0 + m.world.vendor_stock_months) - m.ledger.inventory - orders, 0.0)
        margin = m.chips.price / m.chips.dies
        capacity = m.vendor_capacity_dies * months
        orders_dies = ration_by_margin(orders * m.chips.dies, margin, capacity)
        buffer_dies = ration_by_margin(buffer * m.chips.dies, margin, capacity - orders_dies.sum())
        chips = (orders_dies + buffer_dies) / m.chips.dies
        m.ledger.produce(chips)

    def domestic_capacity(self) -> tuple[int | None, int | None, float, float, float]:
        """This month's limits on domestic chips: ``(newest, bank chip, newest chips, bank chips, limit)``.

        The newest design is made on domestic wafers (wafers × good dies ×
        yield); the die-bank design (the newest one built from banked
        leading-edge dies, facts §5) from the dies left in the bank. Both
        need packaging, which grows with domestic capacity, and, under the
        HBM controls, memory from the stockpile and domestic HBM: the
        ``limit`` on both together (facts §7: HBM and packaging bind, not logic).
        """
        m = self.model
        w = m.world
        k = m.newest_domestic_chip()
        if k is None:
            return None, None, 0.0, 0.0, 0.0
        yield_now = m.domestic_yield if m.regime.foundry_rule else max(m.domestic_yield, LEADING_EDGE_YIELD)
        new = m.domestic_wafers * m.chips.cpw[k] * yield_now
        b = m.die_bank_chip()
        bank = m.die_bank_dies / m.chips.bank_dies[b] if b is not None else 0.0
        limit = w.domestic_packaging_chips_per_month * m.domestic_wafers / max(w.domestic_wafers_per_month, 1e-9)
        if m.regime.hbm_controls:
            limit = min(limit, (m.hbm_stock + m.hbm_domestic_per_month) / w.hbm_stacks_per_chip)
        return k, b, float(new), float(bank), float(limit)

    def domestic_supply_h100e(self) -> float:
        """What the domestic designer could make this month if it sold everything (H100e)."""
        k, b, new, bank, limit = self.domestic_capacity()
        if k is None:
            return 0.0
        made_new, made_bank = split_domestic_output(np.inf, new, bank, limit, self.model.chips.h100e, k, b)
        h = self.model.chips.h100e
        return float(made_new * h[k] + (made_bank * h[b] if b is not None else 0.0))

    def _produce_domestic(self) -> None:
        """Make what sells, newest design first, then from the die bank, within packaging and HBM."""
        m = self.model
        w = m.world
        k, b, new, bank, limit = self.domestic_capacity()
        if k is None:
            return
        h = m.chips.h100e
        stock_h100e = m.ledger.inventory[m.chips.domestic] @ h[m.chips.domestic]
        demand = m.market.domestic_demand_ema
        # make what sells, and close half the gap to a half-month buffer (no boom-and-bust in output)
        wanted = max(0.0, demand + 0.5 * (0.5 * demand - stock_h100e))
        made_new, made_bank = split_domestic_output(wanted, new, bank, limit, h, k, b)
        made = made_new + made_bank
        if m.regime.hbm_controls:
            m.hbm_stock = max(0.0, m.hbm_stock + m.hbm_domestic_per_month - made * w.hbm_stacks_per_chip)
        m.hbm_domestic_per_month *= w.hbm_domestic_growth_per_year ** (1 / 12)
        out = np.zeros(m.n_chips)
        out[k] += made_new
        if b is not None:
            out[b] += made_bank
            m.die_bank_dies = max(0.0, m.die_bank_dies - made_bank * m.chips.bank_dies[b])
        m.ledger.produce(out)
        m.domestic_made_cum += made_new
        m.domestic_output_h100e = float(out @ h)
        m.domestic_output_chips = made

    def _stockpile_hbm(self) -> None:
        """Buy HBM ahead of an announced ban: up to ``hbm_stockpile_months`` of need, as fast as suppliers ship.

        While HBM is not controlled the designer buys what each month needs;
        once a ban is announced it buys a stock for the months the ban will
        last, as Huawei did in the 29 days before December 2024 (facts §6).
        """
        m = self.model
        w = m.world
        if m.regime.hbm_controls or not any(a.levers.get("hbm_controls") is True for a in m.pending):
            return
        k, _bank_chip, new, bank, limit = self.domestic_capacity()
        if k is None:
            return
        need = min(new + bank, limit) * w.hbm_stacks_per_chip
        buy = min(w.hbm_export_stacks_per_month, max(0.0, w.hbm_stockpile_months * need - m.hbm_stock))
        m.hbm_stock += buy
        m.hbm_stockpiled_cum += buy

    # ---- foundries ------------------------------------------------------
    def _expand_domestic(self) -> None:
        """Capacity follows subsidy after a lag; yield learns with cumulative output."""
        m = self.model
        w = m.world
        m.subsidy_history.append(float(m.countries.subsidy_usd.sum()))
        m.subsidy_spent_usd_cum += float(m.countries.subsidy_usd[m.countries.tier == 3].sum()) / 12.0
        lagged = m.subsidy_history[max(0, len(m.subsidy_history) - 1 - w.domestic_capacity_lag_months)]
        m.domestic_wafers += w.domestic_wafer_growth_per_usd * lagged / 12.0
        gap = w.domestic_yield_max - w.domestic_yield_start
        m.domestic_yield = w.domestic_yield_max - gap * 0.5 ** (m.domestic_made_cum / w.domestic_yield_learning_chips)
