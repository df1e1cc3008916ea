"""The Mesa model: builds the world from a Scenario and runs the month in order.

Owns the world's arrays (countries, chips, holders), the regime in force and
the announced changes, the command queue and log, the month's step order and
the domain events. Agents hold identity and small decisions; numbers that
every month touches live here in numpy arrays so the hot paths are
vectorised. Imports mesa, numpy and the agents package; never pygame or game.

A month, in order: policy → plans → orders (labs, operators, smugglers) →
screening → market → shipping → production → installation and retirement →
training → states react → metrics.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import mesa
import numpy as np

from agents import commands as cmd
from agents import lab, market, smuggler
from agents.firm import LEADING_EDGE_YIELD, FirmAgent, Role
from agents.lab import LabAgent
from agents.ledger import Ledger
from agents.metrics import build_datacollector
from agents.regime import OrderBook, Regime, Rule, Screened, Veu, is_controlled, screen_orders
from agents.scenario import Scenario, load_scenario
from agents.smuggler import SmugglerAgent, SmugglerBook
from agents.state import StateAgent

MAX_ROUNDS = 2
"""Times a buyer may re-spend money an order could not use (denied or sold out)."""
G2G_MIN_COOPERATION = 0.3
"""The US (as a bot) grants a requested security agreement only to a country that enforces
transit controls at least this much."""
H100_DIE_MM2 = 814.0
"""Die area of the reference chip; vendor capacity is counted in dies of this size."""
H100_BANDWIDTH_TBS = 3.35
"""Memory bandwidth of the reference chip (facts §3)."""


class Kind:
    """Holder kinds: who owns a row of the holder arrays."""

    LAB = 0
    CLOUD = 1
    NATIONAL = 2


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


@dataclass
class Announced:
    """A policy change announced for a later month, and what buyers have pulled forward against it."""

    effective_month: int
    levers: dict
    source: str
    pulled_usd: np.ndarray | None = None  # [holder] bought ahead so far
    smuggler_pulled_months: float = 0.0  # months of network capacity bought ahead so far

    def __iter__(self):  # (effective_month, levers, source), as the view and the UI read it
        return iter((self.effective_month, self.levers, self.source))


@dataclass(frozen=True)
class Event:
    """A notable change with its cause, for the news log and the debrief."""

    month: int
    kind: str
    text: str
    country: str = ""
    chip: str = ""


class ComputeModel(mesa.Model):
    """States, firms, smugglers and labs trading compute under an export regime.

    Args:
        scenario: a scenario name, a path to a TOML file, or a :class:`Scenario`.
        seed: seeds every random draw (``model.rng`` / ``model.random``).
        scale: multiplies the number of labs and smuggling networks and
            divides each one's size, so world totals stay put.
        **overrides: scenario keys, as for ``--set`` (``lpp_limit_h100e=500``).
    """

    def __init__(self, *, scenario: str | Path | Scenario = "diffusion_rule_2025", seed: int | None = None,
                 scale: float = 1.0, check_conservation: bool = True, **overrides: Any):
        super().__init__(rng=seed)
        if isinstance(scenario, Scenario):
            if overrides:
                scenario = load_scenario(scenario.path, overrides)
        else:
            scenario = load_scenario(scenario, overrides)
        if not scale > 0:
            raise ValueError(f"scale: expected a number > 0, got {scale!r}")
        self.scenario = scenario
        self.world = scenario.world
        self.scale = float(scale)
        self.seed = seed
        self.check_conservation = check_conservation
        self.month = 0
        self.regime: Regime = scenario.policy
        self.pending: list[Announced] = []
        self.queue: list[cmd.Command] = []
        self.command_log: list[str] = []
        self.events: list[Event] = []
        self.tier2_since: int | None = 0 if self.regime.tier2_caps else None
        self._caps_reached: set[int] = set()
        self.player_countries: set[str] = set()
        """Countries whose government a player runs: their state agent leaves policy to the player."""

        self._build_countries()
        self._build_chips()
        self._build_holders()
        self.ledger = Ledger(self.n_holders, self.n_chips)
        self._seed_stock()
        self._refresh_chips()
        self._build_firms()
        self.smugglers = SmugglerBook(self.n_chips)
        self.diversion_transit = np.zeros((self.n_countries, self.n_chips))
        self.ledger.in_transit_fn = lambda: self.smugglers.in_transit() + self.diversion_transit.sum(axis=0)
        self._smuggler_agents: dict[int, SmugglerAgent] = {}
        self.networks_opened = 0
        self.networks_closed = 0
        self.open_networks(int(round(self.world.smuggler_networks * self.scale)))
        self._init_market()
        self._queue_schedule()
        lab.start(self)
        self._installed_cache: tuple[int, np.ndarray] = (-1, np.zeros(0))
        self.datacollector = build_datacollector()
        self.running = True
        self.datacollector.collect(self)

    # ==================================================================
    # construction

    def _build_countries(self) -> None:
        sc = self.scenario
        self.country_codes = list(sc.countries)
        self.country_index = {c: i for i, c in enumerate(self.country_codes)}
        cs = [sc.countries[c] for c in self.country_codes]
        self.n_countries = len(cs)
        self.country_names = [c.name for c in cs]
        self.country_tier = np.array([c.tier for c in cs], dtype=int)
        self.country_is_us = np.array([code == "USA" for code in self.country_codes])
        self.transit_hub = np.array([c.transit_hub for c in cs])
        self.goodwill0 = np.array([c.goodwill for c in cs], dtype=float)
        self.goodwill = self.goodwill0.copy()
        self.cooperation0 = np.array([c.cooperation for c in cs], dtype=float)
        self.cooperation = self.cooperation0.copy()
        self.g2g = np.zeros(self.n_countries, dtype=bool)
        self.deal_per_year = np.zeros(self.n_countries)
        self.deal_used = np.zeros(self.n_countries)
        self.cap_used = np.zeros(self.n_countries)
        self.requested_h100e = np.zeros(self.n_countries)
        self.denied_h100e = np.zeros(self.n_countries)
        self.denied_usd = np.zeros(self.n_countries)
        self.unmet_usd = np.zeros(self.n_countries)
        self.imports_h100e = np.zeros(self.n_countries)
        # this month's flows by country (H100e), for the map: US chips and domestic chips
        # delivered there, grey-market chips bought there, smuggled chips leaving a hub and seized at it
        self.flow_us = np.zeros(self.n_countries)
        self.flow_domestic = np.zeros(self.n_countries)
        self.flow_grey = np.zeros(self.n_countries)
        self.flow_smuggled = np.zeros(self.n_countries)
        self.flow_seized = np.zeros(self.n_countries)
        self.subsidy0 = np.zeros(self.n_countries)
        self.subsidy_usd = np.zeros(self.n_countries)
        if "CHN" in self.country_index:
            self.subsidy0[self.country_index["CHN"]] = self.world.subsidy_usd_per_year
        self.subsidy_usd[:] = self.subsidy0
        self.country_open_propensity = np.array([c.open_weights_propensity for c in cs], dtype=float)
        self.states: list[StateAgent] = [
            StateAgent(self, i, code, self.country_names[i]) for i, code in enumerate(self.country_codes)]

    def _build_chips(self) -> None:
        sc = self.scenario
        self.chip_ids = list(sc.chips)
        ks = [sc.chips[k] for k in self.chip_ids]
        self.n_chips = len(ks)
        self.chip_names = [k.name for k in ks]
        self.chip_tpp = np.array([k.tpp for k in ks], dtype=float)
        self.chip_die = np.array([k.die_mm2 for k in ks], dtype=float)
        self.chip_h100e = self.chip_tpp / self.world.tpp_per_h100e
        self.chip_watts = np.array([k.watts for k in ks], dtype=float)
        self.chip_bw = np.array([k.memory_bw_tbs for k in ks], dtype=float)
        self.chip_dies = self.chip_die / H100_DIE_MM2
        """Leading-edge capacity a chip uses, in H100-size dies: an H20 costs a fab what an H100 does."""
        self.chip_price0 = np.array([k.price_usd for k in ks], dtype=float)
        self.chip_first = np.array([k.first_month for k in ks], dtype=int)
        self.chip_domestic = np.array([k.designer == "domestic" for k in ks])
        self.chip_variant = np.array([k.export_variant for k in ks])
        self.chip_penalty = np.array([k.power_penalty for k in ks], dtype=float)
        self.chip_cpw = np.array([k.chips_per_wafer for k in ks], dtype=float)

    def _refresh_chips(self) -> None:
        """What is made, what is on sale, and control status of each chip under the regime in force."""
        self.chip_in_production = self._in_production()
        self.chip_available = self.chip_in_production | (self.ledger.inventory > 0.5)
        self.chip_controlled = np.asarray(is_controlled(self.chip_tpp, self.chip_die, self.regime)) & ~self.chip_domestic
        self.chip_price = market.chip_prices(self.chip_price0, self.chip_first, self.month,
                                             self.world.price_perf_doubling_years, pinned=self.chip_variant)
        us_ctrl = self.chip_available & ~self.chip_domestic & self.chip_controlled_by_tpp()
        if us_ctrl.any() and self.regime.chip_controls:
            value = np.where(us_ctrl, self.chip_h100e / self.chip_price, -np.inf)
            self.grey_chip: int | None = int(np.argmax(value))
        else:
            self.grey_chip = None

    def _in_production(self) -> np.ndarray:
        """Chips their designers still make: a product cycle, not every generation for ever.

        A chip stops ``product_overlap_months`` after a better chip of the
        same designer ships; the domestic designer makes only its newest
        chip. Export variants stay: the vendor re-bases them on the current
        generation, just under the threshold (see ``FirmAgent``).
        """
        launched = self.chip_first <= self.month
        dom = self.chip_domestic
        successor = ((dom[:, None] == dom[None, :]) & ~self.chip_variant[None, :] & launched[None, :]
                     & (self.chip_first[None, :] > self.chip_first[:, None])
                     & (self.chip_h100e[None, :] > self.chip_h100e[:, None]))
        succeeded = np.where(successor, self.chip_first[None, :], np.iinfo(np.int64).max // 2).min(axis=1)
        overlap = np.where(dom, 0, self.world.product_overlap_months)
        return launched & (self.chip_variant | (self.month < succeeded + overlap))

    def chip_controlled_by_tpp(self) -> np.ndarray:
        """US chips the grey market trades: those controlled under the Oct 2023 thresholds."""
        return np.asarray(is_controlled(self.chip_tpp, self.chip_die, Regime()))

    def _build_holders(self) -> None:
        """Labs per country, national operators, and cloud operators' sites."""
        sc = self.scenario
        country, kind, spend, growth, veu, frontier, weight = [], [], [], [], [], [], []
        self._lab_specs = []
        for code in self.country_codes:
            c = sc.countries[code]
            ci = self.country_index[code]
            lab_spend = c.spend_usd_per_year * (1.0 - c.nveu_share)
            n = max(1, int(round(c.labs * self.scale)))
            others = n - 1
            tail = self.rng.pareto(1.5, size=others) + 1.0 if others else np.zeros(0)
            lead = self.world.frontier_lab_share
            shares = np.r_[lead if others else 1.0, (1 - lead) * tail / tail.sum() if others else np.zeros(0)]
            for j in range(n):
                country.append(ci); kind.append(Kind.LAB); spend.append(lab_spend * shares[j])
                growth.append(c.spend_growth_per_year); veu.append(Veu.NONE)
                frontier.append(j == 0); weight.append(c.labs / n)
                self._lab_specs.append((len(country) - 1, code, j == 0))
            if c.nveu_share > 0:
                country.append(ci); kind.append(Kind.NATIONAL); spend.append(c.spend_usd_per_year * c.nveu_share)
                growth.append(c.spend_growth_per_year); veu.append(Veu.NATIONAL)
                frontier.append(False); weight.append(1.0)
        self._cloud_specs = []
        for cid, cl in sc.clouds.items():
            sites = {}
            home = len(country)
            abroad = sum(cl.sites.values())
            for site_code, share in [(cl.hq, 1.0 - abroad)] + list(cl.sites.items()):
                sites[len(country)] = share
                country.append(self.country_index[site_code]); kind.append(Kind.CLOUD)
                spend.append(cl.spend_usd_per_year); growth.append(cl.spend_growth_per_year)
                veu.append(Veu.UNIVERSAL if cl.uveu else Veu.NONE); frontier.append(False)
                weight.append(1.0)
            self._cloud_specs.append((cid, cl, sites, home))
        self.n_holders = len(country)
        self.holder_country = np.array(country, dtype=int)
        self.holder_kind = np.array(kind, dtype=int)
        self.holder_spend0 = np.array(spend, dtype=float)
        self.holder_growth = np.array(growth, dtype=float)
        self.holder_veu = np.array(veu, dtype=int)
        self.holder_open = np.zeros(len(country), dtype=bool)
        """Whether each lab published its latest weights: its own choice each month (``lab.choose_to_publish``)."""
        self.holder_frontier = np.array(frontier, dtype=bool)
        self.holder_consignees = np.array(weight, dtype=float)
        """Real consignees a row stands for: at ``--scale F`` a lab row is 1/F of a lab, so per-consignee
        allowances (the licence-free limit) shrink with it and world totals do not depend on the scale."""
        self.holder_site_share = np.ones(self.n_holders)
        for _, _, sites, _ in self._cloud_specs:
            for h, share in sites.items():
                self.holder_site_share[h] = share
        self.holder_owner = np.full(self.n_holders, -1)
        self.holder_denied_usd = np.zeros(self.n_holders)
        self.lab_mask = self.holder_kind == Kind.LAB
        self.lpp_used = np.zeros(self.n_holders)
        self.nveu_used = np.zeros(self.n_holders)
        self.run_ops = np.zeros(self.n_holders)
        self.capability = np.zeros(self.n_holders)
        self.effective_capability = np.zeros(self.n_holders)
        self._refresh_holder_tiers()
        self.labs = [LabAgent(self, h, code, fr) for h, code, fr in self._lab_specs]

    def _refresh_holder_tiers(self) -> None:
        self.holder_tier = self.country_tier[self.holder_country]
        self.holder_is_us = self.country_is_us[self.holder_country]

    def _seed_stock(self) -> None:
        """Starting installed stock per country, split over chip types and holders."""
        sc = self.scenario
        chips = np.zeros((self.n_holders, self.n_chips))
        share_us = np.array([sc.chips[k].initial_share_us for k in self.chip_ids])
        share_adv = np.array([sc.chips[k].initial_share_adversary for k in self.chip_ids])
        share_us = share_us / share_us.sum() if share_us.sum() > 0 else share_us
        share_adv = share_adv / share_adv.sum() if share_adv.sum() > 0 else share_adv
        for ci, code in enumerate(self.country_codes):
            c = sc.countries[code]
            mix = share_adv if c.tier == 3 else share_us
            per_chip = c.stock_h100e * mix / self.chip_h100e
            rows = np.flatnonzero(self.holder_country == ci)
            weight = self.holder_spend0[rows] * self.holder_site_share[rows]
            if weight.sum() <= 0:
                weight = np.ones(len(rows))
            chips[rows] += np.outer(weight / weight.sum(), per_chip)
        self.ledger.seed_installed(chips)
        installed_w = self._installed_watts()
        self.power_w = installed_w * self.world.dc_power_headroom

    def _build_firms(self) -> None:
        hq = "USA"
        adv = "CHN" if "CHN" in self.country_index else self.country_codes[int(np.argmax(self.country_tier))]
        self.us_designer = FirmAgent(self, Role.US_DESIGNER, "US chip designer", hq)
        self.domestic_designer = FirmAgent(self, Role.DOMESTIC_DESIGNER, "Domestic chip designer", adv)
        self.leading_foundry = FirmAgent(self, Role.LEADING_FOUNDRY, "Leading-edge foundry", "TWN"
                                         if "TWN" in self.country_index else hq)
        self.domestic_foundry = FirmAgent(self, Role.DOMESTIC_FOUNDRY, "Domestic foundry", adv)
        self.operators: list[FirmAgent] = []
        for _, cl, sites, home in self._cloud_specs:
            f = FirmAgent(self, Role.CLOUD, cl.name, cl.hq, sites=sites, home=home)
            for h in sites:
                self.holder_owner[h] = f.unique_id
            self.operators.append(f)
        for h in np.flatnonzero(self.holder_kind == Kind.NATIONAL):
            code = self.country_codes[self.holder_country[h]]
            f = FirmAgent(self, Role.NATIONAL_OPERATOR, f"{self.country_names[self.holder_country[h]]} national "
                          f"operator", code, sites={int(h): 1.0}, home=int(h))
            self.holder_owner[h] = f.unique_id
            self.operators.append(f)
        w = self.world
        self.vendor_capacity_dies = w.vendor_capacity_dies_per_month
        self.domestic_wafers = w.domestic_wafers_per_month
        self.domestic_yield = w.domestic_yield_start
        self.domestic_made_cum = 0.0
        self.domestic_output_h100e = 0.0
        self.domestic_output_chips = 0.0
        self.hbm_stock = w.hbm_stockpile_stacks
        self.hbm_domestic_per_month = w.hbm_domestic_stacks_per_month
        self.subsidy_history: list[float] = []

    def _init_market(self) -> None:
        self.price_mult = 1.0
        self.domestic_price_mult = 1.0
        self.grey_premium = 0.0
        self.home_steer = 0.0
        """Extra cost (share of price) Tier 3 buyers see on legally imported US chips: customs checks and
        guidance to buy domestic, set by the domestic designer's government (``StateAgent``)."""
        self.us_demand_ema = np.zeros(self.n_chips)
        self.domestic_demand_ema = 0.0
        self.open_history: list[float] = []
        self.leaked_capability = 0.0
        """Effective capability (log10 operations in today's algorithms) of the best leaked closed weights."""
        self.frontier_gap_months = 0.0
        self.capability_gap_months = 0.0
        self.best_capability_us = 0.0
        self.best_capability_adversary = 0.0
        # cumulative counters (metrics)
        self.smuggled_h100e_cum = 0.0
        self.seized_h100e_cum = 0.0
        self.seizures_cum = 0
        self.diverted_h100e_cum = 0.0
        self.structured_h100e_cum = 0.0
        self.us_revenue_cum = 0.0
        self.fees_cum = 0.0
        self.domestic_exports_h100e_cum = 0.0
        self.variant_exports_chips_cum = 0.0
        self.stockpiled_h100e_cum = 0.0
        self.licensed_h100e_cum = 0.0
        self.denied_h100e_cum = 0.0
        self.grey_wanted_h100e = 0.0
        self.grey_supply_h100e = 0.0
        self.rule_counts = np.zeros(len(Rule), dtype=np.int64)
        # first month's vendor stock: one month of what buyers would order at list prices
        cost, unit = self._option_costs()
        mix = market.choice_shares(cost, self._option_mask(), self.world.choice_sharpness, group=self.buyer_group())
        want_h100e = (self.monthly_budget()[:, None] * mix)[:, : self.n_chips] / unit[None, : self.n_chips]
        self.us_demand_ema = np.where(self.chip_domestic, 0.0, want_h100e.sum(axis=0))
        dies_wanted = float((self.us_demand_ema / self.chip_h100e) @ self.chip_dies)
        # vendors open at the price that clears their first month (orders are budgets: D ∝ 1/p)
        self.price_mult = market.price_multiplier(1.0, dies_wanted, self.vendor_capacity_dies, 1.0)
        self.us_demand_ema /= self.price_mult
        self.us_orders_last = self.us_demand_ema
        self.us_designer._produce_us(months=1.0 + self.world.vendor_stock_months)
        self.domestic_demand_ema = self.domestic_supply_h100e()
        self.domestic_designer._produce_domestic()
        self.last_mix = mix

    def domestic_supply_h100e(self) -> float:
        """What the domestic designer can make this month (H100e): wafers × dies × yield, capped by HBM."""
        k = self.newest_domestic_chip()
        if k is None:
            return 0.0
        yield_now = self.domestic_yield if self.regime.foundry_rule else max(self.domestic_yield, LEADING_EDGE_YIELD)
        chips = self.domestic_wafers * self.chip_cpw[k] * yield_now
        if self.regime.hbm_controls:
            chips = min(chips, (self.hbm_stock + self.hbm_domestic_per_month) / self.world.hbm_stacks_per_chip)
        return float(chips * self.chip_h100e[k])

    def _queue_schedule(self) -> None:
        self.scheduled: dict[int, list[cmd.Command]] = {}
        for name, entry in self.scenario.schedule.items():
            if entry.command == "set":
                c: cmd.Command = cmd.SetLevers(levers=dict(entry.levers), effective_month=entry.effective_month,
                                               source=f"scenario:{name}")
            elif entry.command == "rescind":
                c = cmd.Rescind(source=f"scenario:{name}")
            elif entry.command == "set_tier":
                c = cmd.SetTier(country=entry.country, tier=entry.tier, source=f"scenario:{name}")
            elif entry.command == "g2g":
                c = cmd.G2GAgreement(country=entry.country, source=f"scenario:{name}")
            else:
                c = cmd.BilateralDeal(country=entry.country, h100e_per_year=entry.h100e_per_year,
                                      source=f"scenario:{name}")
            self.scheduled.setdefault(entry.month, []).append(c)

    # ==================================================================
    # the month

    def step(self) -> None:
        """One month, in the design's order."""
        self.month = self.steps - 1
        self.set_policy()
        self.agents_by_type[FirmAgent].shuffle_do("plan")
        self.place_and_clear_orders()
        smuggler.ship(self)
        self.produce()
        self.install_and_retire()
        lab.train(self)
        self.agents_by_type[StateAgent].shuffle_do("react")
        if self.check_conservation:
            self.ledger.check()
        self.month += 1
        self.datacollector.collect(self)

    # ---- 1. policy -----------------------------------------------------
    def submit(self, command: cmd.Command) -> cmd.CommandResult:
        """Queue a command for the next policy phase; refused commands say why."""
        result = cmd.validate(command, self.country_index, self.month)
        if result.ok:
            self.queue.append(command)
        return result

    def set_policy(self) -> None:
        """Apply scheduled and queued commands, then announced changes that are now due."""
        if self._is_january():
            self.lpp_used[:] = 0.0
            self.smugglers.lpp_used[:] = 0.0
            self.deal_used[:] = 0.0
        for c in self.scheduled.get(self.month, []):
            result = self.submit(c)
            if not result.ok:  # a scenario schedule was validated at load; this is a model bug
                raise ValueError(f"scheduled command refused: {result.reason}")
        queue, self.queue = self.queue, []
        for c in queue:
            self.command_log.append(cmd.to_json(c, self.month))
            self._apply(c)
        due = [p for p in self.pending if p.effective_month <= self.month]
        self.pending = [p for p in self.pending if p.effective_month > self.month]
        for _, levers, label in due:
            self._set_levers(levers, label)
        self._refresh_chips()

    def months_left_in_year(self) -> int:
        """Months left in the calendar year, this one included (12 in January, 1 in December).

        Buyers spread a yearly licence-free allowance over the year as their
        demand arises, rather than spending it all in January.
        """
        return 12 - (self.scenario.start_month - 1 + self.month) % 12

    def _is_january(self) -> bool:
        return (self.scenario.start_month - 1 + self.month) % 12 == 0

    def _apply(self, c: cmd.Command) -> None:
        if isinstance(c, cmd.SetLevers):
            if c.effective_month is not None and c.effective_month > self.month:
                self.pending.append(Announced(c.effective_month, dict(c.levers), c.source,
                                              np.zeros(self.n_holders)))
                self.record_event("announced", f"Announced for {self.scenario.date(c.effective_month)}: "
                                  + _describe_levers(c.levers))
            else:
                self._set_levers(dict(c.levers), c.source)
        elif isinstance(c, cmd.Rescind):
            self.pending = []
            self._set_levers({"tier2_caps": False}, c.source)
            self.record_event("rescinded", "The Tier 2 regime is rescinded; announced changes are withdrawn")
        elif isinstance(c, cmd.SetTier):
            i = self.country_index[c.country]
            old = int(self.country_tier[i])
            self.country_tier[i] = c.tier
            self._refresh_holder_tiers()
            if c.tier > old:
                self.goodwill[i] = max(0.0, self.goodwill[i] - self.world.downgrade_goodwill_loss)
            self.record_event("tier_changed", f"{self.country_names[i]} moved from Tier {old} to Tier {c.tier}",
                              country=c.country)
        elif isinstance(c, cmd.G2GAgreement):
            i = self.country_index[c.country]
            if c.source.startswith("state:") and self.cooperation[i] < G2G_MIN_COOPERATION:
                self.record_event("g2g_refused", f"The US declines a security agreement with "
                                  f"{self.country_names[i]}: it does too little against transshipment",
                                  country=c.country)
                return
            self.g2g[i] = True
            self.goodwill[i] = min(1.0, self.goodwill[i] + 0.1)
            self.record_event("g2g_signed", f"{self.country_names[i]} signs a security agreement: cap x"
                              f"{self.regime.g2g_cap_multiplier:g}", country=c.country)
        elif isinstance(c, cmd.BilateralDeal):
            i = self.country_index[c.country]
            self.deal_per_year[i] = c.h100e_per_year
            self.goodwill[i] = min(1.0, self.goodwill[i] + 0.1)
            self.record_event("deal_signed", f"{self.country_names[i]} gets a deal for "
                              f"{c.h100e_per_year:,.0f} H100e a year", country=c.country)

    def _set_levers(self, levers: Mapping[str, Any], source: str) -> None:
        was_capped = self.regime.tier2_caps
        self.regime = self.regime.changed(**levers)
        if self.regime.tier2_caps and not was_capped:
            self.tier2_since = self.month
            self.record_event("in_force", "Tier 2 caps and the licence-free allowance are now in force")
        if not self.regime.tier2_caps:
            self.tier2_since = None
        if any(k != "tier2_caps" for k in levers):
            self.record_event("levers", "In force: " + _describe_levers(levers))

    # ---- 2-6. orders, screening, market --------------------------------
    def place_and_clear_orders(self) -> None:
        """Labs, operators and smugglers order; the regime screens; the market fills.

        Buyers hit by an announced restriction first buy ahead into their
        stockpiles. Then every buyer spends its month's budget; money an
        order could not use (denied, or the chip sold out) is re-spent on the
        buyer's next-best allowed option, up to ``MAX_ROUNDS`` rounds.
        """
        self._reset_month_counters()
        budget = self.monthly_budget()
        cost, unit = self._option_costs()
        mask = self._option_mask()
        self._count_outright_denials(budget, cost, unit)
        self._supply = np.r_[self.ledger.inventory, self.ledger.grey_stock @ self.chip_h100e]
        self.grey_supply_h100e = float(self._supply[-1])
        requested = np.zeros(self.n_chips)
        home_requested = 0.0
        for rule, rush_budget, rush_mask in self._rush(budget):  # vendors see rush orders too, and make more
            r = self._trade_round(rush_budget, rush_mask & mask, cost, unit, first=False, stockpile=True)
            rule.pulled_usd += rush_budget - r.unspent_usd
            requested += r.demand
            home_requested += r.home_demand
        smuggler.plan_volume(self)
        delivered = np.zeros((self.n_holders, self.n_chips))
        grey_h100e = np.zeros(self.n_holders)
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
        self._record_unmet(budget, unit)
        self._close_market(delivered, grey_h100e, requested, home_requested)

    def _reset_month_counters(self) -> None:
        self._lpp_used_before = self.lpp_used.copy()
        self._shell_lpp_used_before = self.smugglers.lpp_used.copy()
        for arr in (self.requested_h100e, self.denied_h100e, self.denied_usd, self.imports_h100e,
                    self.holder_denied_usd, self.flow_us, self.flow_domestic, self.flow_grey,
                    self.flow_smuggled, self.flow_seized):
            arr[:] = 0.0

    def _trade_round(self, spend: np.ndarray, mask: np.ndarray, cost: np.ndarray, unit: np.ndarray,
                     first: bool, stockpile: bool) -> "Round":
        """One round of choosing, screening and filling; smugglers order in the first round."""
        K = self.n_chips
        want = spend[:, None] * market.choice_shares(cost, mask, self.world.choice_sharpness, per_unit=unit,
                                                     group=self.buyer_group())
        sm_rows = (np.flatnonzero(self.smugglers.order_h100e[: self.smugglers.n] > 0) if first
                   else np.zeros(0, dtype=int))
        book, order_h, order_k = self._order_book(want[:, :K], sm_rows)
        scr = self._screen(book, count=not stockpile)
        n_h = len(order_h) - len(sm_rows)
        allowed = np.where(self.holder_tier[:, None] == 1, want[:, :K], 0.0)  # Tier 1: no licence needed
        if not stockpile:
            self.rule_counts[Rule.TIER1] += np.count_nonzero(allowed > 1e-9)
        market.scatter_add(allowed.reshape(-1), order_h[:n_h] * K + order_k[:n_h], scr.allowed[:n_h])
        sm_allowed = scr.allowed[n_h:]
        demand = allowed.sum(axis=0)
        home_demand = float(allowed[self.holder_tier == 3][:, self.chip_domestic].sum())
        if len(sm_rows):
            demand[self.grey_chip] += sm_allowed.sum()
        grey_want = want[:, K]
        supply_h100e = np.r_[self._supply[:K] * self.chip_h100e, self._supply[K]]
        ratio = market.fill_ratio(np.r_[demand, grey_want.sum()], supply_h100e)
        got = allowed * ratio[None, :K]
        got[:, self.chip_domestic] = self._home_first(allowed[:, self.chip_domestic],
                                                      supply_h100e[:K][self.chip_domestic])
        got_grey = grey_want * ratio[K]
        chips = got / self.chip_h100e
        self.variant_exports_chips_cum += float(chips[self.holder_tier == 3][:, self.chip_variant].sum())
        grey_chips = self._grey_chips(got_grey)
        if stockpile:
            self.ledger.sell(np.zeros_like(chips), to_stockpile=chips)
            self.ledger.sell_grey(np.zeros_like(grey_chips), to_stockpile=grey_chips)
            self.stockpiled_h100e_cum += float(got.sum() + got_grey.sum())
        else:
            self.ledger.sell(chips)
            self.ledger.sell_grey(grey_chips)
        self._supply[:K] -= chips.sum(axis=0)
        self._supply[K] -= got_grey.sum()
        shell_got = np.zeros(0)
        if len(sm_rows):
            shell_got = sm_allowed * ratio[self.grey_chip]
            self._fill_smugglers(sm_rows, shell_got, scr.lpp[n_h:] * ratio[self.grey_chip])
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

    def _home_first(self, allowed: np.ndarray, supply: np.ndarray) -> np.ndarray:
        """Fill orders for domestic chips: Tier 3 buyers first, foreign buyers from what is left.

        The designer's own government steers scarce output to home buyers
        (facts §7: supply is short and exports negligible).
        """
        home = self.holder_tier == 3
        home_demand = allowed[home].sum(axis=0)
        home_ratio = market.fill_ratio(home_demand, supply)
        left = np.maximum(supply - home_demand, 0.0)
        away_ratio = market.fill_ratio(allowed[~home].sum(axis=0), left)
        return allowed * np.where(home[:, None], home_ratio[None, :], away_ratio[None, :])

    def _fill_smugglers(self, rows: np.ndarray, got_h100e: np.ndarray, lpp_h100e: np.ndarray) -> None:
        """Shell companies' filled orders leave vendor stock for the smugglers' shipments."""
        k = self.grey_chip
        chips = got_h100e / self.chip_h100e[k]
        bought = np.zeros(self.n_chips)
        bought[k] = chips.sum()
        self.ledger.sell_to_transit(bought)
        self.smugglers.bought[rows, k] += chips
        self._supply[k] -= chips.sum()
        self.smugglers.lpp_used[rows] += lpp_h100e
        if self.regime.tier2_caps:
            self.structured_h100e_cum += float(lpp_h100e.sum())

    def _close_market(self, delivered: np.ndarray, grey_h100e: np.ndarray, requested: np.ndarray,
                      home_requested: float) -> None:
        """Prices for next month, domestic exports, imports, and diversion of what arrived."""
        us_requested = np.where(self.chip_domestic, 0.0, requested)
        dom_requested = float(requested[self.chip_domestic].sum())
        self.us_demand_ema = 0.7 * self.us_demand_ema + 0.3 * us_requested
        self.us_orders_last = us_requested
        self.domestic_demand_ema = 0.7 * self.domestic_demand_ema + 0.3 * dom_requested
        self._update_prices(us_requested, home_requested)
        domestic = delivered[:, self.chip_domestic] @ self.chip_h100e[self.chip_domestic]
        self.domestic_exports_h100e_cum += float(domestic[self.holder_tier != 3].sum())
        total = delivered @ self.chip_h100e
        market.scatter_add(self.imports_h100e, self.holder_country, total + grey_h100e)
        market.scatter_add(self.flow_domestic, self.holder_country, domestic)
        market.scatter_add(self.flow_us, self.holder_country, total - domestic)
        market.scatter_add(self.flow_grey, self.holder_country, grey_h100e)
        smuggler.divert(self, delivered)

    def _remember_demand(self, want_usd: np.ndarray) -> None:
        """Each buyer's first-choice spending by option (shares): what an announced rule would hit."""
        total = want_usd.sum(axis=1, keepdims=True)
        self.last_mix = np.divide(want_usd, total, out=np.zeros_like(want_usd), where=total > 0)

    # helpers of the market phase ---------------------------------------
    def monthly_budget(self) -> np.ndarray:
        """USD each holder wants to spend on chips this month."""
        years = self.month / 12.0
        return self.holder_spend0 / 12.0 * self.holder_growth ** years * self.holder_site_share

    def _option_costs(self) -> tuple[np.ndarray, np.ndarray]:
        """What buyers weigh (price per unit of value, power included) and price per H100e, per option.

        The cost has two rows (see :meth:`buyer_group`): Tier 3 buyers add
        what their government's steering to home chips costs on imported
        ones (``home_steer``); buyers outside Tier 3 add the compliance risk
        of using Tier 3-designed chips. Value blends training throughput (H100e) with memory bandwidth
        (inference), relative to an H100: an export variant with little
        compute but much bandwidth (H20-class) is worth buying.
        """
        price = self.chip_price * np.where(self.chip_domestic, self.domestic_price_mult, self.price_mult)
        grey = self.grey_unit_price() * (1.0 + self.grey_premium) if self.grey_chip is not None else 0.0
        unit = np.r_[price / self.chip_h100e, grey]
        a = self.world.inference_weight
        value = (1 - a) * self.chip_h100e + a * self.chip_bw / H100_BANDWIDTH_TBS
        per_h100e = np.r_[value / self.chip_h100e, value[self.grey_chip] / self.chip_h100e[self.grey_chip]
                          if self.grey_chip is not None else 1.0]
        power = 1.0 + self.world.power_cost_share * (np.r_[self.chip_penalty, 1.0] - 1.0)
        base = unit / per_h100e * power
        home = base * np.r_[np.where(self.chip_domestic, 1.0, 1.0 + self.home_steer), 1.0]
        foreign = base * np.r_[np.where(self.chip_domestic, 1.0 + self.world.foreign_domestic_risk, 1.0), 1.0]
        return np.vstack([home, foreign]), unit

    def buyer_group(self) -> np.ndarray:
        """Row of the option costs each holder sees: 0 inside Tier 3 (home of the domestic chips), 1 abroad."""
        return (self.holder_tier != 3).astype(np.int64)

    def grey_unit_price(self) -> float:
        """List price per H100e of the chip smugglers trade."""
        if self.grey_chip is None:
            return 0.0
        return float(self.chip_price[self.grey_chip] * self.price_mult / self.chip_h100e[self.grey_chip])

    def _option_mask(self) -> np.ndarray:
        """Options each holder may try: available, and not denied outright by the regime."""
        r = self.regime
        tier = self.holder_tier[:, None]
        avail = self.chip_available[None, :]
        us = ~self.chip_domestic[None, :]
        denied_better = us & self.chip_controlled[None, :] & (tier == 3)
        denied = denied_better | (us & self.chip_variant[None, :] & (tier == 3) & (r.variant_policy == "denied")
                                  & r.chip_controls)
        denied |= ~us & (tier != 3) & r.huawei_guidance
        self.regime_denied = avail & denied
        chips = avail & ~denied & ~(~us & (tier == 1))  # Tier 1 buyers do not buy Tier 3 chips
        # an export variant is made for the markets denied the real thing, and sold only there
        chips &= ~self.chip_variant[None, :] | (avail & denied_better).any(axis=1, keepdims=True)
        grey = (self.holder_tier == 3) & r.chip_controls & (self.grey_chip is not None)
        return np.c_[chips, grey]

    def _count_outright_denials(self, budget: np.ndarray, cost: np.ndarray, unit: np.ndarray) -> None:
        """Demand the regime turns away before any order is placed (e.g. Tier 3 for controlled chips).

        Measured as the spending each buyer would have put on those chips
        with no regime: what a government sees as imports denied.
        """
        K = self.n_chips
        rows = np.flatnonzero(self.regime_denied.any(axis=1))
        if len(rows) == 0:
            return
        us = ~self.chip_domestic[None, :]
        tier1 = self.holder_tier[rows, None] == 1
        free = self.chip_available[None, :] & ~(~us & tier1)
        shares = market.choice_shares(cost[:, :K], free, self.world.choice_sharpness,
                                      group=self.buyer_group()[rows]) * self.regime_denied[rows]
        usd = budget[rows] * shares.sum(axis=1)
        per_usd = np.divide(1.0, unit[:K], out=np.zeros(K), where=unit[:K] > 0)
        h100e = budget[rows] * (shares @ per_usd)
        country = self.holder_country[rows]
        market.scatter_add(self.requested_h100e, country, h100e)
        market.scatter_add(self.denied_h100e, country, h100e)
        market.scatter_add(self.denied_usd, country, usd)
        self.denied_h100e_cum += float(h100e.sum())

    def _next_mask(self, mask: np.ndarray, denied: np.ndarray, exhausted: np.ndarray) -> np.ndarray:
        out = mask.copy()
        out[:, : self.n_chips] &= ~(denied > 1e-9)
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
        K = self.n_chips
        w = self.world
        rushes = []
        for rule in self.pending:
            after = self.regime.changed(**rule.levers)
            hit = np.zeros((self.n_holders, K + 1), dtype=bool)
            hit[:, :K] = self._restricted_after(after)
            hit[:, K] = (self.holder_tier == 3) & after.tier2_caps & (not self.regime.tier2_caps)
            share = (self.last_mix * hit).sum(axis=1)
            if not share.any():
                continue
            months_left = max(1, rule.effective_month - self.month)
            target = w.rush_intensity * w.anticipation_months * budget * share
            spend = np.clip((target - rule.pulled_usd) / months_left, 0.0, w.rush_max_extra_months * budget * share)
            rushes.append((rule, spend, hit))
        return rushes

    def _restricted_after(self, after: Regime) -> np.ndarray:
        """[holder, chip]: chips allowed now that ``after`` would deny or cap for the holder."""
        tier = self.holder_tier[:, None]
        us = ~self.chip_domestic[None, :]
        avail = self.chip_available[None, :]
        ctrl_now = self.chip_controlled[None, :]
        ctrl_after = np.asarray(is_controlled(self.chip_tpp, self.chip_die, after))[None, :] & us
        newly_t3 = (tier == 3) & ctrl_after & ~ctrl_now
        variant_t3 = ((tier == 3) & self.chip_variant[None, :] & (after.variant_policy == "denied")
                      & (self.regime.variant_policy != "denied"))
        capped_t2 = (tier == 2) & ctrl_after & after.tier2_caps & (not self.regime.tier2_caps)
        capped_t2 &= (self.holder_veu[:, None] == Veu.NONE)
        return avail & us & (newly_t3 | variant_t3 | capped_t2)

    def smuggler_rush_factor(self, hub: np.ndarray) -> np.ndarray:
        """Networks buy ahead when an announced rule will force them to structure purchases.

        Like buyers (see :meth:`_rush`), a network in a Tier 2 hub pulls
        forward ``rush_intensity × anticipation_months`` of its capacity in
        total, spread over the months left and at most one extra month's
        capacity a month. Called once a month, by the smugglers' planning:
        it records what they pulled forward.
        """
        w = self.world
        factor = np.zeros(len(hub))
        for rule in self.pending:
            after = self.regime.changed(**rule.levers)
            if after.tier2_caps and not self.regime.tier2_caps:
                months_left = max(1, rule.effective_month - self.month)
                left = w.rush_intensity * w.anticipation_months - rule.smuggler_pulled_months
                months = min(max(left, 0.0) / months_left, 1.0)
                rule.smuggler_pulled_months += months
                factor += np.where(self.country_tier[hub] == 2, months, 0.0)
        return factor

    def _order_book(self, want_h100e: np.ndarray, sm_rows: np.ndarray) -> tuple[OrderBook, np.ndarray, np.ndarray]:
        """Orders that need screening (from outside Tier 1) in a random sequence, then shell orders.

        Tier 1 buyers need no licence for anything they may buy; their orders
        are allowed without entering the book (see :meth:`_trade_round`).
        """
        screened = np.flatnonzero(self.holder_tier != 1)
        perm = screened[self.rng.permutation(len(screened))]  # who reaches the licensing desk first
        rows, k = np.nonzero(want_h100e[perm] > 1e-9)
        h = perm[rows]
        q = want_h100e[h, k]
        sm_k = np.full(len(sm_rows), self.grey_chip if self.grey_chip is not None else 0)
        sm_country = self.smugglers.hub[sm_rows]
        order_h = np.r_[h, self.n_holders + sm_rows]
        order_k = np.r_[k, sm_k]
        country = np.r_[self.holder_country[h], sm_country]
        book = OrderBook(
            consignee=order_h,
            country=country,
            tier=self.country_tier[country],
            h100e=np.r_[q, self.smugglers.order_h100e[sm_rows]],
            controlled=self.chip_controlled[order_k],
            export_variant=self.chip_variant[order_k],
            domestic=self.chip_domestic[order_k],
            veu=np.r_[self.holder_veu[h], np.zeros(len(sm_rows), int)],
            no_licence=np.r_[np.zeros(len(h), bool), np.ones(len(sm_rows), bool)],
        )
        return book, order_h, order_k

    def _screen(self, book: OrderBook, count: bool) -> Screened:
        """Screen the book against the pools left, then draw the pools down (holders' pools here;
        shell companies' allowances are drawn when their orders are filled)."""
        n_sm = self.smugglers.n
        lpp = self.regime.lpp_limit_h100e
        lpp_left = np.r_[self._month_allowance(lpp * self.holder_consignees, self.lpp_used, self._lpp_used_before),
                         np.zeros(n_sm)]
        shells = np.flatnonzero(book.no_licence)
        if len(shells):
            rows = book.consignee[shells] - self.n_holders
            sm = self.smugglers
            lpp_left[book.consignee[shells]] = self._month_allowance(
                sm.shells[rows] * lpp / self.scale, sm.lpp_used[rows], self._shell_lpp_used_before[rows])
        veu_room = np.r_[self._veu_room(), np.zeros(n_sm)]
        deal_left = np.maximum(self.deal_per_year - self.deal_used, 0.0)
        cap_left = np.array([self.cap_limit(c) for c in range(self.n_countries)]) - self.cap_used
        scr = screen_orders(book, self.regime, lpp_left, veu_room, deal_left, cap_left)
        holders = ~book.no_licence
        market.scatter_add(self.lpp_used, book.consignee[holders], scr.lpp[holders])
        market.scatter_add(self.nveu_used, book.consignee[holders], scr.veu[holders])
        market.scatter_add(self.deal_used, book.country, scr.deal)
        market.scatter_add(self.cap_used, book.country, scr.licence + (scr.lpp if self.regime.lpp_counts_against_cap else 0))
        self.licensed_h100e_cum += float(scr.licence.sum() + scr.deal.sum())
        if count:
            self.rule_counts += np.bincount(scr.rule.astype(int), minlength=len(Rule))
            for rule_id in (Rule.CAP_REACHED,):
                hit = scr.rule == rule_id
                if hit.any():
                    for c in np.unique(book.country[hit]):
                        self._note_cap_reached(int(c))
        return scr

    def _month_allowance(self, yearly: np.ndarray, used: np.ndarray, used_before: np.ndarray) -> np.ndarray:
        """What is left this month of a yearly allowance spread over the months left in the year."""
        this_month = np.maximum(yearly - used_before, 0.0) / self.months_left_in_year()
        return np.maximum(this_month - (used - used_before), 0.0)

    def _veu_room(self) -> np.ndarray:
        """H100e each holder may still import as a validated end user."""
        r = self.regime
        room = np.zeros(self.n_holders)
        if not (r.tier2_caps and r.veu_program):
            return room
        since = self.tier2_since if self.tier2_since is not None else self.month
        year = min((self.month - since) // 12, len(r.nveu_cap_h100e) - 1)
        nat = self.holder_veu == Veu.NATIONAL
        room[nat] = np.maximum(r.nveu_cap_h100e[year] - self.nveu_used[nat], 0.0)
        uni = np.flatnonzero(self.holder_veu == Veu.UNIVERSAL)
        if len(uni):
            held = self.ledger.installed[uni] @ self.chip_h100e
            owner = self.holder_owner[uni]
            for o in np.unique(owner):
                rows = owner == o
                total = held[rows].sum() * 1.0
                tier = self.holder_tier[uni[rows]]
                outside = held[rows][tier != 1].sum()
                one = np.maximum(r.uveu_max_one_tier2 * total - held[rows], 0.0)
                out_room = max((1 - r.uveu_min_tier1) * total - outside, 0.0)
                in_us = self.holder_is_us[uni[rows]]
                if in_us.any():  # a US-headquartered VEU keeps uveu_min_us of its compute at home
                    out_room = min(out_room, max((1 - r.uveu_min_us) * total - held[rows][~in_us].sum(), 0.0))
                room[uni[rows]] = np.where(tier == 2, np.minimum(one, out_room), np.inf)
        return room

    def cap_limit(self, c: int) -> float:
        """Country ``c``'s cap on licensed controlled imports so far (H100e)."""
        r = self.regime
        multiplier = r.g2g_cap_multiplier if self.g2g[c] else 1.0
        cap = r.country_cap_h100e * multiplier
        if r.cap_release_h100e_per_month > 0 and self.tier2_since is not None:  # an agreement speeds the release too
            cap = min(cap, r.cap_release_h100e_per_month * multiplier * (self.month - self.tier2_since + 1))
        return cap

    def _note_cap_reached(self, c: int) -> None:
        """One event the first time a country's cap turns a licence away."""
        if c in self._caps_reached:
            return
        self._caps_reached.add(c)
        self.record_event("cap_reached", f"Tier 2 cap reached in {self.country_names[c]}: further licences denied",
                          country=self.country_codes[c])

    def _grey_chips(self, got_h100e: np.ndarray) -> np.ndarray:
        """Grey-market stock handed to holders in proportion to what each bought (chips)."""
        stock = self.ledger.grey_stock
        total = float(stock @ self.chip_h100e)
        if total <= 0 or got_h100e.sum() <= 0:
            return np.zeros((self.n_holders, self.n_chips))
        return np.outer(got_h100e / total, stock)

    def _book_revenue(self, got: np.ndarray, scr: Screened, order_k: np.ndarray, ratio: np.ndarray,
                      shell_h100e: np.ndarray, unit: np.ndarray) -> None:
        """US vendor revenue (net of revenue-share fees) and the fees paid, for one round."""
        K = self.n_chips
        us = ~self.chip_domestic
        gross = float(got.sum(axis=0)[us] @ unit[:K][us])
        fees = 0.0
        n_h = len(order_k)
        if scr.fee[:n_h].any():
            k = order_k
            fees = float((scr.fee[:n_h] * scr.allowed[:n_h] * ratio[k] * unit[k]).sum())
        shells = float(shell_h100e.sum() * unit[self.grey_chip]) if len(shell_h100e) else 0.0
        self.us_revenue_cum += gross + shells - fees
        self.fees_cum += fees

    def _count_requests(self, want_h100e: np.ndarray, denied: np.ndarray, unit: np.ndarray) -> None:
        want = want_h100e[:, : self.n_chips].sum(axis=1)
        den = denied.sum(axis=1)
        market.scatter_add(self.requested_h100e, self.holder_country, want)
        market.scatter_add(self.denied_h100e, self.holder_country, den)
        self.denied_h100e_cum += float(den.sum())
        den_usd = (denied * unit[None, : self.n_chips]).sum(axis=1)
        self.holder_denied_usd += den_usd
        market.scatter_add(self.denied_usd, self.holder_country, den_usd)

    def _record_unmet(self, budget: np.ndarray, unit: np.ndarray) -> None:
        """Money left after every round, by country: what governments see as unmet demand."""
        self.unmet_usd[:] = 0.0
        market.scatter_add(self.unmet_usd, self.holder_country, budget)

    def _update_prices(self, us_requested: np.ndarray, home_requested: float) -> None:
        """Vendors' prices follow the orders that compete for their supply.

        Every US chip competes for the same leading-edge dies, and vendors
        short of their stock count restocking as orders; domestic
        chips go to home buyers first, so home orders set their price.
        """
        w = self.world
        restock = np.maximum(w.vendor_stock_months * self.us_demand_ema / self.chip_h100e - self.ledger.inventory, 0.0)
        restock *= self.chip_in_production & ~self.chip_domestic
        dies_requested = float((us_requested / self.chip_h100e + restock) @ self.chip_dies)
        self.price_mult = market.price_multiplier(self.price_mult, dies_requested,
                                                  self.vendor_capacity_dies, w.price_adjustment_per_month)
        self.domestic_price_mult = market.price_multiplier(self.domestic_price_mult, home_requested,
                                                           self.domestic_supply_h100e(), w.price_adjustment_per_month)
        self.grey_premium = market.grey_premium(self.grey_premium, self.grey_wanted_h100e, self.grey_supply_h100e,
                                                w.price_adjustment_per_month, w.grey_premium_max)

    # ---- 8. production --------------------------------------------------
    def produce(self) -> None:
        """Foundries grow capacity, then designers make chips."""
        for role in (Role.LEADING_FOUNDRY, Role.DOMESTIC_FOUNDRY, Role.US_DESIGNER, Role.DOMESTIC_DESIGNER):
            self.agents_by_type[FirmAgent].select(lambda f, role=role: f.role is role).do("produce")

    def newest_domestic_chip(self) -> int | None:
        avail = np.flatnonzero(self.chip_domestic & (self.chip_first <= self.month))
        if len(avail) == 0:
            return None
        return int(avail[np.argmax(self.chip_first[avail])])

    # ---- 9. installation and retirement ---------------------------------
    def install_and_retire(self) -> None:
        """Deliveries are installed where data-centre power allows; old chips retire."""
        w = self.world
        self.power_w *= w.dc_power_growth_per_year ** (1 / 12)
        drain = 1.0 / max(w.anticipation_months, 1.0)
        cand = self.ledger.arriving + self.ledger.stockpile * drain
        cand_w = np.zeros(self.n_countries)
        market.scatter_add(cand_w, self.holder_country, cand @ self.chip_watts)
        room = np.maximum(self.power_w - self._installed_watts(), 0.0)
        share_c = np.divide(room, cand_w, out=np.ones(self.n_countries), where=cand_w > 0).clip(0, 1)
        self.ledger.settle(share_c[self.holder_country], drain)
        self.ledger.retire(1.0 / w.service_life_months)
        # data centres follow demand: capacity keeps a margin over what runs
        self.power_w = np.maximum(self.power_w, self._installed_watts() * w.dc_power_headroom)

    def _installed_watts(self) -> np.ndarray:
        per_holder = self.ledger.installed @ self.chip_watts
        out = np.zeros(self.n_countries)
        market.scatter_add(out, self.holder_country, per_holder)
        return out

    # ---- smugglers ------------------------------------------------------
    def open_networks(self, k: int) -> None:
        """``k`` new smuggling networks, in transit hubs weighted by how little they cooperate."""
        hubs = np.flatnonzero(self.transit_hub)
        if k <= 0 or len(hubs) == 0:
            return
        weight = 1.0 - self.cooperation[hubs] + 0.05
        chosen = self.rng.choice(hubs, size=k, p=weight / weight.sum())
        cap = np.full(k, self.world.smuggler_capacity_h100e_per_month / self.scale)
        rows = self.smugglers.add(chosen, cap)
        for row, hub in zip(rows, chosen):
            self._smuggler_agents[int(row)] = SmugglerAgent(self, int(row), self.country_codes[hub])
        self.networks_opened += k
        if self.month > 0:
            self.record_event("networks_entered", f"{k} new smuggling network{'s' if k > 1 else ''} "
                              f"(grey premium {self.grey_premium:.0%})")

    def close_network(self, row: int) -> None:
        self.smugglers.alive[row] = False
        agent = self._smuggler_agents.pop(row, None)
        if agent is not None:
            agent.remove()
        self.networks_closed += 1

    def remote_access_h100e(self) -> float:
        """Compute Tier 3 labs rent in data centres abroad (H100e), unless controlled."""
        if self.regime.remote_access_controlled:
            return 0.0
        sites = (self.holder_kind == Kind.CLOUD) & (self.holder_tier == 2)
        return float(self.world.remote_access_share * (self.ledger.installed[sites] @ self.chip_h100e).sum())

    # ---- events and views -----------------------------------------------
    def record_event(self, kind: str, text: str, country: str = "", chip: str = "") -> None:
        self.events.append(Event(self.month, kind, text, country, chip))

    def installed_h100e(self) -> np.ndarray:
        """Installed H100e per holder, computed once per month (metrics read it many times)."""
        if self._installed_cache[0] != self.steps:
            self._installed_cache = (self.steps, self.ledger.installed @ self.chip_h100e)
        return self._installed_cache[1]

    def bloc_compute(self) -> dict[str, float]:
        """Installed H100e by reporting bloc."""
        per_holder = self.installed_h100e()
        tier = self.holder_tier
        us = self.holder_is_us
        return {
            "us": float(per_holder[us].sum()),
            "allies": float(per_holder[(tier == 1) & ~us].sum()),
            "swing": float(per_holder[tier == 2].sum()),
            "adversary": float(per_holder[tier == 3].sum()),
        }


def _describe_levers(levers: Mapping[str, Any]) -> str:
    parts = []
    for k, v in levers.items():
        if isinstance(v, bool):
            parts.append(f"{k.replace('_', ' ')} {'on' if v else 'off'}")
        elif isinstance(v, float):
            parts.append(f"{k.replace('_', ' ')} = {v:,.4g}")
        else:
            parts.append(f"{k.replace('_', ' ')} = {v}")
    return ", ".join(parts)
