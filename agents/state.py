"""States: one agent per country (or rest-of-tier aggregate).

Owns how governments react each month: goodwill towards the US falls when
supply is cut and recovers slowly; transit cooperation follows goodwill;
Tier 2 governments seek a government-to-government agreement when their cap
binds; Tier 3 governments raise domestic chip subsidies as imports are
denied; the US answers agreement requests. All changes to policy go through
commands. Imports mesa and the agents package only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from agents.commands import G2GAgreement
from agents.lang import _

if TYPE_CHECKING:
    from agents.model import ComputeModel


def update_relations(model: "ComputeModel") -> None:
    """Every government's goodwill and transit cooperation, at once.

    Goodwill towards the US falls with the share of a country's orders
    denied and recovers slowly towards where it started; cooperation
    follows goodwill, plus any boost the regime pays for and the country's
    own transit enforcement, less the trust it loses by buying Tier 3 chips.
    """
    c = model.countries
    w = model.world
    denied_share = np.divide(c.denied_h100e, c.requested_h100e, out=np.zeros(len(c)), where=c.requested_h100e > 0)
    g = (c.goodwill + w.goodwill_recovery_per_month * (c.goodwill0 - c.goodwill)
         - w.goodwill_loss_per_denied_share * denied_share)
    c.goodwill[:] = np.clip(g, 0.0, 1.0)
    coop = (c.cooperation0 * (c.goodwill / np.maximum(c.goodwill0, 1e-9)) + model.regime.transit_cooperation_boost
            + c.transit_enforcement - w.tier3_chip_trust_loss * c.tier3_chip_share)
    c.cooperation[:] = np.clip(coop, 0.0, 1.0)


class StateAgent(mesa.Agent):
    """A government. Its tier, goodwill and cooperation live in the model's country table (``model.countries``)."""

    def __init__(self, model: "ComputeModel", index: int, code: str, name: str):
        super().__init__(model)
        self.index = index
        self.code = code
        self.name = name
        self.g2g_requested = False

    @property
    def tier(self) -> int:
        return int(self.model.countries.tier[self.index])

    @property
    def goodwill(self) -> float:
        return float(self.model.countries.goodwill[self.index])

    def react(self) -> None:
        """This government's own policy for next month (relations were updated for all at once).

        A policy a government has set (``country_policy``) stands; the rest
        follow its bot's rules. A government a person plays asks for
        agreements only when the person does.
        """
        m = self.model
        if self.tier == 2 and self.code not in m.player_countries:
            self._seek_g2g()
        elif self.tier == 3:
            self._subsidise()
            if self.code == m.domestic_designer.country:
                self._steer_buyers()

    def _seek_g2g(self) -> None:
        m = self.model
        c = self.index
        if self.g2g_requested or m.countries.g2g[c] or not m.regime.tier2_caps:
            return
        cap = m.cap_limit(c)
        binding = cap > 0 and m.countries.cap_used[c] >= 0.9 * cap and m.countries.denied_h100e[c] > 0
        willing = m.countries.goodwill[c] >= m.world.g2g_min_goodwill
        if binding and willing and m.random.random() < m.world.g2g_seek_probability:
            self.g2g_requested = True
            m.submit(G2GAgreement(country=self.code, source=f"state:{self.code}"))
            m.record_event("g2g_sought", _("{country} seeks a security agreement: its cap is binding").format(
                country=_(self.name)), country=self.code)

    def _steer_buyers(self) -> None:
        """Steer home buyers from imported chips to home ones as far as home supply could serve them.

        Customs checks and guidance cost buyers of imports more the larger
        the share of home demand the domestic designer could meet (facts §2:
        China's customs at first blocked the H200).
        """
        m = self.model
        chosen = m.countries.policies["domestic_purchase_share"][self.index]
        if not np.isnan(chosen):  # the government's own guidance (country_policy)
            m.market.home_steer = m.world.home_steer_max * chosen
            return
        home_demand = float(m.countries.requested_h100e[m.countries.tier == 3].sum())
        could_serve = min(1.0, m.domestic_supply_h100e() / home_demand) if home_demand > 0 else 0.0
        m.market.home_steer = m.world.home_steer_max * could_serve

    def _subsidise(self) -> None:
        m = self.model
        c = self.index
        chosen = m.countries.policies["subsidy_usd_per_year"][c]
        if not np.isnan(chosen):  # the government's own budget (country_policy)
            m.countries.subsidy_usd[c] = chosen
            return
        denied_usd_year = (m.countries.denied_usd[c] + m.countries.unmet_usd[c]) * 12
        wanted = m.countries.subsidy0[c] + m.world.subsidy_response * denied_usd_year
        m.countries.subsidy_usd[c] = max(m.countries.subsidy_usd[c], wanted)
