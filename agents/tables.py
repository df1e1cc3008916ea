"""The world's typed tables: countries, chips and holders, one row each, as aligned numpy columns.

Every phase reads and writes these columns (``model.countries.goodwill``,
``model.chips.h100e``, ``model.holders.country``) instead of a flat bag of
model attributes, so what belongs to a country, a chip or a holder is said
once, with its unit, here. Each table is built from a :class:`Scenario`;
columns that change during a run (a country's tier, a chip's price) are
plain mutable arrays the model updates at the phase that owns them.
Imports numpy and the agents package only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from agents.commands import COUNTRY_POLICIES
from agents.regime import Regime, Veu, is_controlled
from agents.scenario import Scenario, World

H100_DIE_MM2 = 814.0
"""Die area of the reference chip; vendor capacity is counted in dies of this size."""


class Kind:
    """Holder kinds: who owns a row of the holder table."""

    LAB = 0
    CLOUD = 1
    NATIONAL = 2


@dataclass
class Countries:
    """One row per country (or rest-of-tier aggregate): identity, tier, government state, this month's trade."""

    codes: list[str]
    names: list[str]
    tier: np.ndarray
    """1, 2 or 3; changes with ``set_tier`` commands."""
    is_us: np.ndarray
    transit_hub: np.ndarray
    open_propensity: np.ndarray
    """How readily its labs publish weights (0-1, see ``lab.choose_to_publish``)."""
    goodwill0: np.ndarray
    cooperation0: np.ndarray
    subsidy0: np.ndarray
    """Domestic-chip subsidy before any reaction (USD a year)."""
    index: dict[str, int] = field(init=False)
    goodwill: np.ndarray = field(init=False)
    """Towards the US, 0-1: falls when supply is denied, recovers slowly (``StateAgent``)."""
    cooperation: np.ndarray = field(init=False)
    """Transit enforcement, 0-1: follows goodwill."""
    subsidy_usd: np.ndarray = field(init=False)
    g2g: np.ndarray = field(init=False)
    """Whether it has a government-to-government security agreement."""
    deal_per_year: np.ndarray = field(init=False)
    deal_used: np.ndarray = field(init=False)
    cap_used: np.ndarray = field(init=False)
    """H100e of the country cap used in the current cap period."""
    requested_h100e: np.ndarray = field(init=False)
    denied_h100e: np.ndarray = field(init=False)
    denied_usd: np.ndarray = field(init=False)
    unmet_usd: np.ndarray = field(init=False)
    imports_h100e: np.ndarray = field(init=False)
    flow_us: np.ndarray = field(init=False)
    """This month's flows (H100e) for the map: US and domestic chips delivered there, grey-market chips
    bought there, smuggled chips leaving a hub and seized at it."""
    flow_domestic: np.ndarray = field(init=False)
    flow_grey: np.ndarray = field(init=False)
    flow_smuggled: np.ndarray = field(init=False)
    flow_seized: np.ndarray = field(init=False)
    policies: dict[str, np.ndarray] = field(init=False)
    """Each government's own policies (``country_policy``) by name, NaN while its bot decides (switches
    are 0 or 1): see :data:`agents.commands.COUNTRY_POLICIES`."""
    tier3_chip_share: np.ndarray = field(init=False)
    """Share of each country's imports that are Tier 3-designed chips, smoothed: what the US judges it by."""

    def __post_init__(self) -> None:
        n = len(self.codes)
        self.index = {c: i for i, c in enumerate(self.codes)}
        self.goodwill = self.goodwill0.copy()
        self.cooperation = self.cooperation0.copy()
        self.subsidy_usd = self.subsidy0.copy()
        self.g2g = np.zeros(n, dtype=bool)
        for name in ("deal_per_year", "deal_used", "cap_used", "requested_h100e", "denied_h100e", "denied_usd",
                     "unmet_usd", "imports_h100e", "flow_us", "flow_domestic", "flow_grey", "flow_smuggled",
                     "flow_seized", "tier3_chip_share"):
            setattr(self, name, np.zeros(n))
        self.policies = {name: np.full(n, np.nan) for name in COUNTRY_POLICIES}

    def chosen(self, name: str) -> np.ndarray:
        """Fixed policy ``name`` of every government: what it chose, else its bot's value."""
        values = self.policies[name]
        return np.where(np.isnan(values), COUNTRY_POLICIES[name].default, values)

    @property
    def transit_enforcement(self) -> np.ndarray:
        return self.chosen("transit_enforcement")

    def __len__(self) -> int:
        return len(self.codes)

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> "Countries":
        codes = list(scenario.countries)
        cs = [scenario.countries[c] for c in codes]
        subsidy0 = np.zeros(len(cs))
        if "CHN" in codes:
            subsidy0[codes.index("CHN")] = scenario.world.subsidy_usd_per_year
        return cls(codes=codes, names=[c.name for c in cs],
                   tier=np.array([c.tier for c in cs], dtype=int),
                   is_us=np.array([code == "USA" for code in codes]),
                   transit_hub=np.array([c.transit_hub for c in cs]),
                   open_propensity=np.array([c.open_weights_propensity for c in cs], dtype=float),
                   goodwill0=np.array([c.goodwill for c in cs], dtype=float),
                   cooperation0=np.array([c.cooperation for c in cs], dtype=float),
                   subsidy0=subsidy0)


@dataclass
class Chips:
    """One row per chip type: the scenario's spec, and what this month makes of it under the regime."""

    ids: list[str]
    names: list[str]
    tpp: np.ndarray
    """Total processing performance (TFLOPS × 16), the rule's measure."""
    die: np.ndarray
    """Die area, mm²."""
    h100e: np.ndarray
    """Compute in H100 equivalents (TPP / TPP of an H100)."""
    watts: np.ndarray
    bw: np.ndarray
    """Memory bandwidth, TB/s."""
    dies: np.ndarray
    """Leading-edge capacity a chip uses, in H100-size dies: an H20 costs a fab what an H100 does."""
    price0: np.ndarray
    """List price at launch, USD."""
    first: np.ndarray
    """Month it ships."""
    domestic: np.ndarray
    variant: np.ndarray
    """An export variant, re-based on each generation just under the threshold."""
    penalty: np.ndarray
    """Power per FLOP against an H100."""
    cpw: np.ndarray
    """Good-die candidates per wafer (domestic chips)."""
    bank_dies: np.ndarray
    """Banked leading-edge dies per chip (0: not made from the die bank)."""
    in_production: np.ndarray = field(init=False)
    available: np.ndarray = field(init=False)
    """Made this month or still in a vendor's stock."""
    controlled: np.ndarray = field(init=False)
    """Controlled under the regime in force (US chips only)."""
    price: np.ndarray = field(init=False)
    """List price this month, USD (falls with price-performance; variants pinned)."""

    def __post_init__(self) -> None:
        n = len(self.ids)
        self.in_production = np.zeros(n, dtype=bool)
        self.available = np.zeros(n, dtype=bool)
        self.controlled = np.zeros(n, dtype=bool)
        self.price = self.price0.copy()

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> "Chips":
        ids = list(scenario.chips)
        ks = [scenario.chips[k] for k in ids]
        tpp = np.array([k.tpp for k in ks], dtype=float)
        die = np.array([k.die_mm2 for k in ks], dtype=float)
        return cls(ids=ids, names=[k.name for k in ks], tpp=tpp, die=die,
                   h100e=tpp / scenario.world.tpp_per_h100e,
                   watts=np.array([k.watts for k in ks], dtype=float),
                   bw=np.array([k.memory_bw_tbs for k in ks], dtype=float),
                   dies=die / H100_DIE_MM2,
                   price0=np.array([k.price_usd for k in ks], dtype=float),
                   first=np.array([k.first_month for k in ks], dtype=int),
                   domestic=np.array([k.designer == "domestic" for k in ks]),
                   variant=np.array([k.export_variant for k in ks]),
                   penalty=np.array([k.power_penalty for k in ks], dtype=float),
                   cpw=np.array([k.chips_per_wafer for k in ks], dtype=float),
                   bank_dies=np.array([k.bank_dies_per_chip for k in ks], dtype=float))

    def controlled_by_tpp(self) -> np.ndarray:
        """US chips the grey market trades: those controlled under the Oct 2023 thresholds."""
        return np.asarray(is_controlled(self.tpp, self.die, Regime()))

    def in_production_at(self, month: int, overlap_months: float) -> np.ndarray:
        """Chips their designers still make: a product cycle, not every generation for ever.

        A chip stops ``overlap_months`` after a better chip of the same
        designer ships; the domestic designer makes only its newest chip.
        Export variants stay: the vendor re-bases them on the current
        generation, just under the threshold (see ``FirmAgent``).
        """
        launched = self.first <= month
        dom = self.domestic
        successor = ((dom[:, None] == dom[None, :]) & ~self.variant[None, :] & launched[None, :]
                     & (self.first[None, :] > self.first[:, None])
                     & (self.h100e[None, :] > self.h100e[:, None]))
        succeeded = np.where(successor, self.first[None, :], np.iinfo(np.int64).max // 2).min(axis=1)
        overlap = np.where(dom, 0, overlap_months)
        return launched & (self.variant | (month < succeeded + overlap))


@dataclass
class Holders:
    """One row per compute holder (a lab, a national operator, a cloud operator's site in one country)."""

    country: np.ndarray
    kind: np.ndarray
    """A :class:`Kind`."""
    spend0: np.ndarray
    """Spending on compute in month 0, USD a year."""
    growth: np.ndarray
    """Spending growth, × a year."""
    veu: np.ndarray
    """A :class:`agents.regime.Veu` status."""
    frontier: np.ndarray
    """Its country's leading lab."""
    consignees: np.ndarray
    """Real consignees a row stands for: at ``--scale F`` a lab row is 1/F of a lab, so per-consignee
    allowances (the licence-free limit) shrink with it and world totals do not depend on the scale."""
    site_share: np.ndarray
    """A cloud site's share of its operator's spending (1 for other holders)."""
    tier: np.ndarray = field(init=False)
    """Its country's tier (refreshed when tiers change)."""
    is_us: np.ndarray = field(init=False)
    is_lab: np.ndarray = field(init=False)
    is_cloud: np.ndarray = field(init=False)
    open: np.ndarray = field(init=False)
    """Whether each lab published its latest weights: its own choice each month (``lab.choose_to_publish``)."""
    owner: np.ndarray = field(init=False)
    """unique_id of the operator firm owning a site (-1 for labs)."""
    denied_usd: np.ndarray = field(init=False)
    lpp_used: np.ndarray = field(init=False)
    """H100e of this year's licence-free allowance used."""
    nveu_used: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.country)
        self.is_lab = self.kind == Kind.LAB
        self.is_cloud = self.kind == Kind.CLOUD
        self.open = np.zeros(n, dtype=bool)
        self.owner = np.full(n, -1)
        self.denied_usd = np.zeros(n)
        self.lpp_used = np.zeros(n)
        self.nveu_used = np.zeros(n)
        self.tier = np.zeros(n, dtype=int)
        self.is_us = np.zeros(n, dtype=bool)

    def __len__(self) -> int:
        return len(self.country)

    def refresh_tiers(self, countries: Countries) -> None:
        """Copy each holder's country's tier (after a ``set_tier``)."""
        self.tier = countries.tier[self.country]
        self.is_us = countries.is_us[self.country]


def build_holders(scenario: Scenario, countries: Countries, world: World, scale: float,
                  rng: np.random.Generator) -> tuple[Holders, list, list]:
    """Labs per country (a frontier lab and a Pareto tail), national operators and cloud sites.

    Returns the table and the specs the model turns into agents: labs as
    ``(row, country code, frontier)`` and clouds as ``(id, cloud, {row:
    share}, home row)``.
    """
    country, kind, spend, growth, veu, frontier, weight = [], [], [], [], [], [], []
    lab_specs = []
    for code in countries.codes:
        c = scenario.countries[code]
        ci = countries.index[code]
        lab_spend = c.spend_usd_per_year * (1.0 - c.nveu_share)
        n = max(1, int(round(c.labs * scale)))
        others = n - 1
        tail = rng.pareto(1.5, size=others) + 1.0 if others else np.zeros(0)
        lead = world.frontier_lab_share
        shares = np.r_[lead if others else 1.0, (1 - lead) * tail / tail.sum() if others else np.zeros(0)]
        for j in range(n):
            country.append(ci); kind.append(Kind.LAB); spend.append(lab_spend * shares[j])
            growth.append(c.spend_growth_per_year); veu.append(Veu.NONE)
            frontier.append(j == 0); weight.append(c.labs / n)
            lab_specs.append((len(country) - 1, code, j == 0))
        if c.nveu_share > 0:
            country.append(ci); kind.append(Kind.NATIONAL); spend.append(c.spend_usd_per_year * c.nveu_share)
            growth.append(c.spend_growth_per_year); veu.append(Veu.NATIONAL)
            frontier.append(False); weight.append(1.0)
    cloud_specs = []
    site_share = {}
    for cid, cl in scenario.clouds.items():
        sites = {}
        home = len(country)
        abroad = sum(cl.sites.values())
        for site_code, share in [(cl.hq, 1.0 - abroad)] + list(cl.sites.items()):
            sites[len(country)] = share
            site_share[len(country)] = share
            country.append(countries.index[site_code]); kind.append(Kind.CLOUD)
            spend.append(cl.spend_usd_per_year); growth.append(cl.spend_growth_per_year)
            veu.append(Veu.UNIVERSAL if cl.uveu else Veu.NONE); frontier.append(False)
            weight.append(1.0)
        cloud_specs.append((cid, cl, sites, home))
    shares = np.ones(len(country))
    for h, share in site_share.items():
        shares[h] = share
    holders = Holders(country=np.array(country, dtype=int), kind=np.array(kind, dtype=int),
                      spend0=np.array(spend, dtype=float), growth=np.array(growth, dtype=float),
                      veu=np.array(veu, dtype=int), frontier=np.array(frontier, dtype=bool),
                      consignees=np.array(weight, dtype=float), site_share=shares)
    holders.refresh_tiers(countries)
    return holders, lab_specs, cloud_specs
