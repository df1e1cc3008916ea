"""The Mesa model: builds the world from a Scenario and runs the month in order.

Owns the world's typed tables (``agents.tables``: countries, chips,
holders), the regime in force and
the announced changes, the command queue and log, the month's step order and
the domain events. Each phase with state of its own is an object the model
holds: the market (``agents.market.Market``: orders, screening, filling,
prices) and the smugglers' book; agents hold identity and small decisions.
Numbers every month touches are numpy arrays, so the hot paths are
vectorised. Imports mesa, numpy and the agents package; never pygame or game.

A month, in order: policy → plans → the market (rushes, smugglers' plans,
orders, screening, filling, prices, diversion) → shipping → production →
installation and retirement → training → states react → metrics.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import mesa
import numpy as np

from agents import commands as cmd
from agents import lab, market, smuggler
from agents.arrays import scatter_add
from agents.market import Market
from agents.firm import FirmAgent, Role
from agents.lang import N_, _, ngettext
from agents.lab import LabAgent
from agents.ledger import Ledger
from agents.metrics import build_datacollector
from agents.regime import Regime, is_controlled
from agents.scenario import Scenario, load_scenario
from agents.smuggler import SmugglerAgent, SmugglerBook
from agents.state import StateAgent, update_relations
from agents.tables import Chips, Countries, Kind, build_holders
from agents.words import describe_levers, month_text, policy_text

G2G_MIN_COOPERATION = 0.3
"""The US (as a bot) grants a requested security agreement only to a country that enforces
transit controls at least this much."""
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


SEED_MAX = 2**64 - 1
"""Seeds are whole numbers from 0 to 2**64 - 1 (what numpy's SeedSequence takes; batch seeds are uint64)."""
SCALE_RANGE = (0.01, 1000.0)
"""The agent multipliers a command line, save or sweep may ask for (1000x: about 0.6 GB, 1.5 s a month)."""


def seed_problem(seed: Any) -> str | None:
    """Why ``seed`` cannot seed a model (None if it can)."""
    import numbers

    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed <= SEED_MAX:
        return f"expected a whole number from 0 to {SEED_MAX}, got {seed!r}"
    return None


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
        if seed is not None and seed_problem(seed):
            raise ValueError(f"seed: {seed_problem(seed)}")
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
        self._init_counters()
        self.market = Market(self)
        self.market.open()
        self._queue_schedule()
        lab.start(self)
        self._installed_cache: tuple[int, np.ndarray] = (-1, np.zeros(0))
        self.datacollector = build_datacollector()
        self.running = True
        self.datacollector.collect(self)

    # ==================================================================
    # construction

    def _build_countries(self) -> None:
        self.countries = Countries.from_scenario(self.scenario)
        self.n_countries = len(self.countries)
        self.states: list[StateAgent] = [StateAgent(self, i, code, self.countries.names[i])
                                         for i, code in enumerate(self.countries.codes)]

    def _build_chips(self) -> None:
        self.chips = Chips.from_scenario(self.scenario)
        self.n_chips = len(self.chips)

    def _refresh_chips(self) -> None:
        """What is made, what is on sale, and control status of each chip under the regime in force."""
        ch = self.chips
        ch.in_production = ch.in_production_at(self.month, self.world.product_overlap_months)
        ch.available = ch.in_production | (self.ledger.inventory > 0.5)
        ch.controlled = np.asarray(is_controlled(ch.tpp, ch.die, self.regime)) & ~ch.domestic
        ch.price = market.chip_prices(ch.price0, ch.first, self.month, self.world.price_perf_doubling_years,
                                      pinned=ch.variant)
        us_ctrl = ch.available & ~ch.domestic & ch.controlled_by_tpp()
        if us_ctrl.any() and self.regime.chip_controls:
            value = np.where(us_ctrl, ch.h100e / ch.price, -np.inf)
            self.grey_chip: int | None = int(np.argmax(value))
        else:
            self.grey_chip = None

    def _build_holders(self) -> None:
        """Labs per country, national operators, and cloud operators' sites (see ``tables.build_holders``)."""
        self.holders, self._lab_specs, self._cloud_specs = build_holders(
            self.scenario, self.countries, self.world, self.scale, self.rng)
        self.n_holders = len(self.holders)
        self.run_ops = np.zeros(self.n_holders)
        self.capability = np.zeros(self.n_holders)
        self.effective_capability = np.zeros(self.n_holders)
        self.labs = [LabAgent(self, h, code, fr) for h, code, fr in self._lab_specs]

    def _seed_stock(self) -> None:
        """Starting installed stock per country, split over chip types and holders."""
        sc = self.scenario
        chips = np.zeros((self.n_holders, self.n_chips))
        share_us = np.array([sc.chips[k].initial_share_us for k in self.chips.ids])
        share_adv = np.array([sc.chips[k].initial_share_adversary for k in self.chips.ids])
        share_us = share_us / share_us.sum() if share_us.sum() > 0 else share_us
        share_adv = share_adv / share_adv.sum() if share_adv.sum() > 0 else share_adv
        for ci, code in enumerate(self.countries.codes):
            c = sc.countries[code]
            mix = share_adv if c.tier == 3 else share_us
            per_chip = c.stock_h100e * mix / self.chips.h100e
            rows = np.flatnonzero(self.holders.country == ci)
            weight = self.holders.spend0[rows] * self.holders.site_share[rows]
            if weight.sum() <= 0:
                weight = np.ones(len(rows))
            chips[rows] += np.outer(weight / weight.sum(), per_chip)
        self.ledger.seed_installed(chips)
        installed_w = self._installed_watts()
        self.power_w = installed_w * self.world.dc_power_headroom

    def _build_firms(self) -> None:
        hq = "USA"
        adv = "CHN" if "CHN" in self.countries.index else self.countries.codes[int(np.argmax(self.countries.tier))]
        # names are English (model state); the news says them with _() when it happens
        self.us_designer = FirmAgent(self, Role.US_DESIGNER, N_("US chip designer"), hq)
        self.domestic_designer = FirmAgent(self, Role.DOMESTIC_DESIGNER, N_("Domestic chip designer"), adv)
        self.leading_foundry = FirmAgent(self, Role.LEADING_FOUNDRY, N_("Leading-edge foundry"), "TWN"
                                         if "TWN" in self.countries.index else hq)
        self.domestic_foundry = FirmAgent(self, Role.DOMESTIC_FOUNDRY, N_("Domestic foundry"), adv)
        self.operators: list[FirmAgent] = []
        for _spec, cl, sites, home in self._cloud_specs:
            f = FirmAgent(self, Role.CLOUD, cl.name, cl.hq, sites=sites, home=home)
            for h in sites:
                self.holders.owner[h] = f.unique_id
            self.operators.append(f)
        for h in np.flatnonzero(self.holders.kind == Kind.NATIONAL):
            code = self.countries.codes[self.holders.country[h]]
            f = FirmAgent(self, Role.NATIONAL_OPERATOR, f"{self.countries.names[self.holders.country[h]]} national "
                          f"operator", code, sites={int(h): 1.0}, home=int(h))
            self.holders.owner[h] = f.unique_id
            self.operators.append(f)
        w = self.world
        self.vendor_capacity_dies = w.vendor_capacity_dies_per_month
        self.domestic_wafers = w.domestic_wafers_per_month
        self.domestic_yield = w.domestic_yield_start
        self.domestic_made_cum = 0.0
        self.domestic_output_h100e = 0.0
        self.domestic_output_chips = 0.0
        self.hbm_stock = w.hbm_stockpile_stacks
        """HBM stacks the domestic designer holds (used only while HBM is controlled)."""
        self.hbm_stockpiled_cum = 0.0
        self.die_bank_dies = w.tsmc_die_bank_dies
        """Leading-edge dies made for the domestic designer before the foundry rule (facts §5)."""
        self.hbm_domestic_per_month = w.hbm_domestic_stacks_per_month
        self.subsidy_history: list[float] = []

    def _init_counters(self) -> None:
        """Training measures and the cumulative counters the metrics read."""
        self.open_history: list[float] = []
        self.leaked_capability = 0.0
        """Effective capability (log10 operations in today's algorithms) of the best leaked closed weights."""
        self.frontier_gap_months = 0.0
        self.capability_gap_months = 0.0
        self.best_capability_us = 0.0
        self.best_capability_adversary = 0.0
        self.smuggled_h100e_cum = 0.0
        self.seized_h100e_cum = 0.0
        self.seizures_cum = 0
        self.diverted_h100e_cum = 0.0
        self.structured_h100e_cum = 0.0
        self.us_revenue_cum = 0.0
        self.us_revenue_tier3_cum = 0.0
        self.fees_cum = 0.0
        self.domestic_exports_h100e_cum = 0.0
        self.domestic_export_usd_cum = 0.0
        self.subsidy_spent_usd_cum = 0.0
        self.variant_exports_chips_cum = 0.0
        self.stockpiled_h100e_cum = 0.0
        self.licensed_h100e_cum = 0.0
        self.denied_h100e_cum = 0.0
        self.remote_access_usd_cum = 0.0

    def domestic_supply_h100e(self) -> float:
        """What the domestic designer can make this month (H100e): see ``FirmAgent.domestic_capacity``."""
        return self.domestic_designer.domestic_supply_h100e()

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
            elif entry.command == "country_policy":
                c = cmd.CountryPolicy(country=entry.country, policies=dict(entry.policies),
                                      source=f"scenario:{name}")
            else:
                c = cmd.BilateralDeal(country=entry.country, h100e_per_year=entry.h100e_per_year,
                                      source=f"scenario:{name}")
            self.scheduled.setdefault(entry.month, []).append(c)

    # ==================================================================
    # the month

    def step(self) -> None:
        """One month, in the design's order."""
        self.month = self.steps - 1
        self.set_policy()                                  # scheduled, queued and due commands
        self.agents_by_type[FirmAgent].shuffle_do("plan")  # operators pick sites, vendors redesign
        self.market.clear()                                # buy ahead, order, screen, fill, price
        smuggler.ship(self)                                # shipments seized or arrive; networks enter
        self.produce()                                     # foundries grow, designers make chips
        self.install_and_retire()                          # power-limited installation, retirement
        lab.train(self)                                    # runs, publishing, leaks, gaps
        update_relations(self)                             # goodwill and cooperation follow denials
        self.agents_by_type[StateAgent].shuffle_do("react")  # agreements, subsidies, steering
        if self.check_conservation:
            self.ledger.check()
        self.month += 1
        self.datacollector.collect(self)

    # ---- 1. policy -----------------------------------------------------
    def submit(self, command: cmd.Command) -> cmd.CommandResult:
        """Queue a command for the next policy phase; refused commands say why."""
        result = self.check(command)
        if result.ok:
            self.queue.append(command)
        return result

    def check(self, command: cmd.Command) -> cmd.CommandResult:
        """Whether :meth:`submit` would take ``command`` now (nothing is queued): a game greys out an
        option it would refuse."""
        result = cmd.validate(command, self.countries.index, self.month)
        if result.ok and isinstance(command, cmd.CountryPolicy):
            result = self._policy_problem(command)
        return result

    def withdraw(self, command: cmd.Command) -> None:
        """Take a queued command back before it applies (the session merges a government's orders of a month)."""
        self.queue = [c for c in self.queue if c is not command]

    def _policy_problem(self, command: cmd.CountryPolicy) -> cmd.CommandResult:
        """A Tier 2 government sets Tier 2 policies, a Tier 3 one Tier 3 policies."""
        i = self.countries.index[command.country]
        tier = int(self.countries.tier[i])
        for name in command.policies:
            wanted = cmd.COUNTRY_POLICIES[name].tier
            if tier != wanted:
                return cmd.CommandResult(False, _("{policy} is a Tier {wanted} government's policy; "
                                                  "{country} is in Tier {tier}").format(
                    policy=name, wanted=wanted, country=_(self.countries.names[i]), tier=tier))
        return cmd.CommandResult(True)

    def set_policy(self) -> None:
        """Apply the scenario's commands for this month, then queued orders, then announced changes now due.

        Orders come after the schedule, so a player's order in any month has
        the last word over the scenario's own for that month (a rescission
        in month 0 withdraws the rule the scenario announces in month 0).
        """
        if self._is_january():
            self.holders.lpp_used[:] = 0.0
            self.smugglers.lpp_used[:] = 0.0
            self.countries.deal_used[:] = 0.0
        orders, self.queue = self.queue, []
        for c in self.scheduled.get(self.month, []):
            result = self.submit(c)
            if not result.ok:  # a scenario schedule was validated at load; this is a model bug
                raise ValueError(f"scheduled command refused: {result.reason}")
        queue, self.queue = self.queue + orders, []  # the schedule first: players and states have the last word
        for c in queue:
            self.command_log.append(cmd.to_json(c, self.month))
            self._apply(c)
        due = [p for p in self.pending if p.effective_month <= self.month]
        self.pending = [p for p in self.pending if p.effective_month > self.month]
        for _when, levers, label in due:
            self._set_levers(levers, label)
        self._renew_caps()
        self._refresh_chips()

    def _renew_caps(self) -> None:
        """At the end of each cap period (``cap_period_months`` from the effective month) the caps start again."""
        if self.tier2_since is None or self.month <= self.tier2_since:
            return
        if (self.month - self.tier2_since) % max(int(round(self.regime.cap_period_months)), 1) == 0:
            self.countries.cap_used[:] = 0.0
            self.holders.nveu_used[:] = 0.0
            self._caps_reached.clear()
            self.record_event("caps_renewed", _("A new cap period begins: Tier 2 countries' caps and national VEU "
                                                "limits start again"))

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
                self.record_event("announced", _("Announced for {date}: {levers}").format(
                    date=month_text(self.scenario.date(c.effective_month)), levers=describe_levers(c.levers)))
            else:
                self._set_levers(dict(c.levers), c.source)
        elif isinstance(c, cmd.Rescind):
            self.pending = []
            self._set_levers({"tier2_caps": False}, c.source)
            self.record_event("rescinded", _("The Tier 2 regime is rescinded; announced changes are withdrawn"))
        elif isinstance(c, cmd.SetTier):
            i = self.countries.index[c.country]
            old = int(self.countries.tier[i])
            self.countries.tier[i] = c.tier
            self.holders.refresh_tiers(self.countries)
            if c.tier > old:
                self.countries.goodwill[i] = max(0.0, self.countries.goodwill[i] - self.world.downgrade_goodwill_loss)
            self.record_event("tier_changed", _("{country} moved from Tier {old} to Tier {new}").format(
                country=_(self.countries.names[i]), old=old, new=c.tier), country=c.country)
        elif isinstance(c, cmd.G2GAgreement):
            i = self.countries.index[c.country]
            if c.source.startswith("state:") and self.countries.cooperation[i] < G2G_MIN_COOPERATION:
                self.record_event("g2g_refused", _("The US declines a security agreement with {country}: it does "
                                                   "too little against transshipment").format(
                    country=_(self.countries.names[i])), country=c.country)
                return
            self.countries.g2g[i] = True
            self.countries.goodwill[i] = min(1.0, self.countries.goodwill[i] + 0.1)
            self.record_event("g2g_signed", _("{country} signs a security agreement: cap x{multiplier}").format(
                country=_(self.countries.names[i]), multiplier=f"{self.regime.g2g_cap_multiplier:g}"),
                country=c.country)
        elif isinstance(c, cmd.CountryPolicy):
            i = self.countries.index[c.country]
            for name, value in c.policies.items():
                self.countries.policies[name][i] = float(value)
            self.record_event("policy_set", _("{country} sets its policy: {policies}").format(
                country=_(self.countries.names[i]),
                policies=_("; ").join(policy_text(name, value) for name, value in c.policies.items())),
                country=c.country)
        elif isinstance(c, cmd.BilateralDeal):
            i = self.countries.index[c.country]
            self.countries.deal_per_year[i] = c.h100e_per_year
            self.countries.goodwill[i] = min(1.0, self.countries.goodwill[i] + 0.1)
            self.record_event("deal_signed", _("{country} gets a deal for {amount} H100e a year").format(
                country=_(self.countries.names[i]), amount=f"{c.h100e_per_year:,.0f}"), country=c.country)

    def _set_levers(self, levers: Mapping[str, Any], source: str) -> None:
        was_capped = self.regime.tier2_caps
        self.regime = self.regime.changed(**levers)
        if self.regime.tier2_caps and not was_capped:
            self.tier2_since = self.month
            self.record_event("in_force", _("Tier 2 caps and the licence-free allowance are now in force"))
        if not self.regime.tier2_caps:
            self.tier2_since = None
        if any(k != "tier2_caps" for k in levers):
            self.record_event("levers", _("In force: {levers}").format(levers=describe_levers(levers)))

    # ---- 2-6. orders, screening, market --------------------------------
    def monthly_budget(self) -> np.ndarray:
        """USD each holder wants to spend on chips this month."""
        years = self.month / 12.0
        return self.holders.spend0 / 12.0 * self.holders.growth ** years * self.holders.site_share

    def cap_limit(self, c: int) -> float:
        """Country ``c``'s cap on licensed controlled imports so far (H100e)."""
        return float(self.cap_limits()[c])

    def cap_limits(self) -> np.ndarray:
        """Every country's cap on licensed controlled imports so far in the cap period (H100e).

        A security agreement multiplies the cap and, under a linear release,
        the release rate too: it gives room the month it is signed.
        """
        r = self.regime
        multiplier = np.where(self.countries.g2g, r.g2g_cap_multiplier, 1.0)
        cap = r.country_cap_h100e * multiplier
        if r.cap_release_h100e_per_month > 0 and self.tier2_since is not None:
            months_in = (self.month - self.tier2_since) % max(int(round(r.cap_period_months)), 1) + 1
            cap = np.minimum(cap, r.cap_release_h100e_per_month * multiplier * months_in)
        return cap

    def _note_cap_reached(self, c: int) -> None:
        """One event the first time a country's cap turns a licence away."""
        if c in self._caps_reached:
            return
        self._caps_reached.add(c)
        self.record_event("cap_reached", _("Tier 2 cap reached in {country}: further licences denied").format(
            country=_(self.countries.names[c])), country=self.countries.codes[c])

    # ---- 8. production --------------------------------------------------
    def produce(self) -> None:
        """Foundries grow capacity, then designers make chips."""
        for role in (Role.LEADING_FOUNDRY, Role.DOMESTIC_FOUNDRY, Role.US_DESIGNER, Role.DOMESTIC_DESIGNER):
            self.agents_by_type[FirmAgent].select(lambda f, role=role: f.role is role).do("produce")

    def die_bank_chip(self) -> int | None:
        """The design banked dies make: the newest domestic chip, if it is built from them (910C-class).

        The designer makes one design at a time (the product cycle), so the
        bank serves only until a design it cannot make ships.
        """
        k = self.newest_domestic_chip()
        return k if k is not None and self.chips.bank_dies[k] > 0 else None

    def newest_domestic_chip(self) -> int | None:
        avail = np.flatnonzero(self.chips.domestic & (self.chips.first <= self.month))
        if len(avail) == 0:
            return None
        return int(avail[np.argmax(self.chips.first[avail])])

    # ---- 9. installation and retirement ---------------------------------
    def install_and_retire(self) -> None:
        """Deliveries are installed where data-centre power allows; old chips retire."""
        w = self.world
        self.power_w *= w.dc_power_growth_per_year ** (1 / 12)
        drain = 1.0 / max(w.anticipation_months, 1.0)
        cand = self.ledger.arriving + self.ledger.stockpile * drain
        cand_w = np.zeros(self.n_countries)
        scatter_add(cand_w, self.holders.country, cand @ self.chips.watts)
        room = np.maximum(self.power_w - self._installed_watts(), 0.0)
        share_c = np.divide(room, cand_w, out=np.ones(self.n_countries), where=cand_w > 0).clip(0, 1)
        self.ledger.settle(share_c[self.holders.country], drain)
        self.ledger.retire(1.0 / w.service_life_months)
        # data centres follow demand: capacity keeps a margin over what runs
        self.power_w = np.maximum(self.power_w, self._installed_watts() * w.dc_power_headroom)

    def _installed_watts(self) -> np.ndarray:
        per_holder = self.ledger.installed @ self.chips.watts
        out = np.zeros(self.n_countries)
        scatter_add(out, self.holders.country, per_holder)
        return out

    # ---- smugglers ------------------------------------------------------
    def open_networks(self, k: int) -> None:
        """``k`` new smuggling networks, in transit hubs weighted by how little they cooperate."""
        hubs = np.flatnonzero(self.countries.transit_hub)
        if k <= 0 or len(hubs) == 0:
            return
        weight = 1.0 - self.countries.cooperation[hubs] + 0.05
        chosen = self.rng.choice(hubs, size=k, p=weight / weight.sum())
        cap = np.full(k, self.world.smuggler_capacity_h100e_per_month / self.scale)
        rows = self.smugglers.add(chosen, cap)
        for row, hub in zip(rows, chosen):
            self._smuggler_agents[int(row)] = SmugglerAgent(self, int(row), self.countries.codes[hub])
        self.networks_opened += k
        if self.month > 0:
            self.record_event("networks_entered", ngettext(
                "{n} new smuggling network (grey premium {premium})",
                "{n} new smuggling networks (grey premium {premium})", k).format(
                n=k, premium=f"{self.market.grey_premium:.0%}"))

    def close_network(self, row: int) -> None:
        self.smugglers.alive[row] = False
        agent = self._smuggler_agents.pop(row, None)
        if agent is not None:
            agent.remove()
        self.networks_closed += 1

    def remote_access_h100e(self) -> float:
        """Compute Tier 3 labs rent in data centres abroad this month (H100e)."""
        return float(self.market.rented_h100e.sum())

    # ---- events and views -----------------------------------------------
    def record_event(self, kind: str, text: str, country: str = "", chip: str = "") -> None:
        """Note an event for the news. ``text`` is in the language of the moment (the caller translates); the
        model never reads it back, so nothing it decides depends on the language."""
        self.events.append(Event(self.month, kind, text, country, chip))

    def installed_h100e(self) -> np.ndarray:
        """Installed H100e per holder, computed once per month (metrics read it many times)."""
        if self._installed_cache[0] != self.steps:
            self._installed_cache = (self.steps, self.ledger.installed @ self.chips.h100e)
        return self._installed_cache[1]

    def bloc_compute(self) -> dict[str, float]:
        """Installed H100e by reporting bloc."""
        per_holder = self.installed_h100e()
        tier = self.holders.tier
        us = self.holders.is_us
        return {
            "us": float(per_holder[us].sum()),
            "allies": float(per_holder[(tier == 1) & ~us].sum()),
            "swing": float(per_holder[tier == 2].sum()),
            "adversary": float(per_holder[tier == 3].sum()),
        }
