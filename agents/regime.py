"""The export regime: its levers, and the rules that screen each order.

Owns the lever registry (name, type, range, meaning, and how people see
it: label, panel tab and short label, cost, - / + step), the frozen
:class:`Regime`, and the screening rules as pure functions: ``screen`` for
one order (what the game explains) and ``screen_orders`` for a month's order
book as numpy arrays (what the model runs). Both apply the same rules in the
same order, and a test holds them equal. Imports numpy and the standard
library only.

Rule order for one order of a US-designed chip (H100e = TPP / 15,832):
Tier 1 → allowed. Chip not controlled → allowed (export variants to Tier 3
follow ``variant_policy``). Tier 3 → denied. Tier 2 without the Diffusion
Rule in force → allowed. Tier 2 under the rule: the consignee's licence-free
allowance (LPP) first, then its validated-end-user room (UVEU/NVEU), then
the country's bilateral deal, then a licence against the country cap; what
is left is denied. Shared pools (a consignee's LPP, a country's cap) are
consumed in order: the order that crosses a limit gets what is left.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Mapping

import numpy as np

from agents.checks import Bool, ListOf, Number, OneOf, Spec, expected, unknown


@dataclass(frozen=True)
class Step:
    """What the game's - / + buttons (and Left / Right on a focused value) do to a number lever.

    Either add ``add`` per press, rounded to ``decimals`` places, or multiply
    by ``times`` per press, keeping ``digits`` significant digits (from 0 or
    below, + goes to 1,000 and - to 0). The result stays within the lever's range.
    """

    add: float = 0.0
    times: float = 1.0
    decimals: int | None = None
    digits: int | None = None

    def apply(self, value: float, direction: int, lo: float | None, hi: float | None) -> float:
        if self.add:
            new = value + self.add * direction
            if self.decimals is not None:
                new = round(new, self.decimals)
        elif value <= 0:
            new = 1000.0 if direction > 0 else 0.0
        else:
            new = value * self.times ** direction
            if self.digits is not None:
                new = float(f"{new:.{self.digits}g}")
        return min(max(new, -math.inf if lo is None else lo), math.inf if hi is None else hi)


SHARE_STEP = Step(add=0.05, decimals=4)
"""Shares (0 to 1) move by 5 points."""
AMOUNT_STEP = Step(times=1.25, digits=3)
"""Amounts (chips, dollars, months, TPP) move by a quarter, to 3 significant digits."""

LEVER_TABS = ("Chips", "Tier 2 rule", "Enforcement")
"""The policy panel's tabs of levers, in order (a lever's ``group`` is one of them)."""


@dataclass(frozen=True)
class LeverSpec:
    """A policy lever: its type, allowed values, what it does and costs, and how people see it.

    The one registry of a lever's facts: the regime reads its type and range,
    ``agents.words`` its labels and words, the game's panel its tab, short
    label, cost and step, and ``silicon-curtain levers`` all of them.
    """

    kind: str  # "bool", "float", "choice", "floats"
    default: Any
    doc: str
    """What it does (the tooltip and the CLI)."""
    lo: float | None = None
    hi: float | None = None
    unit: str = ""
    choices: tuple[str, ...] = ()
    label: str = ""
    """Its name for people: news, messages, tooltips, the debrief ("Licence-free allowance (LPP)")."""
    short: str = ""
    """Its label in the policy panel, where space is short ("Licence-free (LPP)")."""
    group: str = ""
    """The panel tab it is on (one of ``LEVER_TABS``)."""
    cost: str = ""
    """What it costs, from the model's mechanics (MODEL.md); a lever the model does not use says so."""
    choice_words: Mapping[str, str] = field(default_factory=dict)
    """A choice lever's values as people say them."""
    step: Step | None = None
    """How the - / + buttons move a number lever (None for the others)."""

    def spec(self) -> Spec:
        """The check a value of this lever must pass (``agents.checks``)."""
        if self.kind == "bool":
            return Bool()
        if self.kind == "choice":
            return OneOf(self.choices)
        if self.kind == "floats":
            return ListOf(Number(self.lo, self.hi), nonempty=True, as_tuple=True)
        return Number(self.lo, self.hi, self.unit)

    def expected(self) -> str:
        return self.spec().what

    def coerce(self, value: Any) -> Any:
        if self.kind == "bool":
            return bool(value)
        if self.kind == "float":
            return float(value)
        if self.kind == "floats":
            return tuple(float(v) for v in value)
        return value


LEVERS: dict[str, LeverSpec] = {
    # Chips
    "chip_controls": LeverSpec(
        "bool", True,
        "Oct 2022/2023 chip rules: controlled chips need a licence for Tier 3, which is denied; foundries may not "
        "make Tier 3 designs.",
        label="Chip controls", short="Chip controls", group="Chips",
        cost="Costs US vendors their Tier 3 sales; Tier 3 turns to smugglers and subsidises its own chips."),
    "controlled_tpp": LeverSpec(
        "float", 4800.0,
        "A chip with this Total Processing Performance or more is controlled. Lower catches more chips; vendors "
        "redesign to sit under it.",
        0, 1e6, "TPP",
        label="Control threshold (TPP)", short="Control line", group="Chips", step=AMOUNT_STEP,
        cost="Lower catches more chips and loses their sales; vendors redesign export variants to sit just under "
             "the line."),
    "density_rule": LeverSpec(
        "bool", True,
        "Oct 2023: a chip of TPP >= density_tpp_floor with performance density >= density_threshold is controlled "
        "too (closes the A800/H800 gap).",
        label="Density rule", short="Density rule", group="Chips",
        cost="Catches chips cut down to dodge the line; loses the sales of those chips."),
    "density_tpp_floor": LeverSpec(
        "float", 1600.0,
        "TPP floor of the performance-density test.",
        0, 1e6, "TPP",
        label="Density TPP floor", short="Density floor", group="Chips", step=AMOUNT_STEP,
        cost="A lower floor catches smaller chips too, and loses their sales."),
    "density_threshold": LeverSpec(
        "float", 5.92,
        "Performance density (TPP per mm^2 of die) that makes a chip above the floor controlled.",
        0, 1000, "TPP/mm^2",
        label="Density threshold", short="Density line", group="Chips", step=AMOUNT_STEP,
        cost="A lower line catches more chips, and loses their sales."),
    "variant_policy": LeverSpec(
        "choice", "allowed",
        "Export variants (chips designed under the threshold) to Tier 3: allowed, licensed for a revenue-share "
        "fee, or denied.",
        choices=("allowed", "licence_fee", "denied"),
        label="Export variants to Tier 3", short="Variants to Tier 3", group="Chips",
        choice_words={"allowed": "allowed", "denied": "denied", "licence_fee": "licence with a fee"},
        cost="Denying variants loses their Tier 3 sales and raises Tier 3's chip subsidies; a fee earns revenue "
             "but sends compute to Tier 3."),
    "variant_fee": LeverSpec(
        "float", 0.15,
        "Share of variant sales paid to the US government under licence_fee.",
        0, 1, "share",
        label="Variant revenue share", short="Variant fee", group="Chips", step=SHARE_STEP,
        cost="A higher fee earns the government more per chip, and takes it from vendor revenue."),
    "foundry_rule": LeverSpec(
        "bool", True,
        "Leading-edge foundries may not make Tier 3 chip designs.",
        label="Foundry rule", short="Foundry rule", group="Chips",
        cost="Lifting it lets Tier 3 make its designs at leading-edge foundries (better yield)."),
    "hbm_controls": LeverSpec(
        "bool", True,
        "High-bandwidth memory may not be sold to Tier 3 (Dec 2024): domestic chips are limited by stockpiled and "
        "domestic HBM.",
        label="HBM controls", short="HBM controls", group="Chips",
        cost="Lifting it frees Tier 3's domestic chips from its memory stockpile."),
    # Tier 2 rule
    "tier2_caps": LeverSpec(
        "bool", False,
        "The Diffusion Rule's Tier 2 regime: country caps, the licence-free allowance (LPP) and validated end "
        "users. Costs vendor revenue and Tier 2 goodwill; pushes smugglers to split orders.",
        label="Tier 2 caps (Diffusion Rule)", short="Tier 2 caps", group="Tier 2 rule",
        cost="Keeps chips from leaking through Tier 2; costs vendor revenue and Tier 2 goodwill, and smugglers "
             "split orders under the licence-free allowance."),
    "country_cap_h100e": LeverSpec(
        "float", 49900.0,
        "Licensed controlled compute a Tier 2 country may import over the rule's period (790M TPP).",
        0, 1e9, "H100e",
        label="Country cap", short="Country cap", group="Tier 2 rule", step=AMOUNT_STEP,
        cost="A lower cap binds sooner: denied orders cost goodwill and push buyers to the grey market."),
    "cap_release_h100e_per_month": LeverSpec(
        "float", 0.0,
        "If > 0, the cap is released linearly at this rate from the rule's effective month (0 = all at once).",
        0, 1e9, "H100e/month",
        label="Cap release rate", short="Cap release", group="Tier 2 rule", step=AMOUNT_STEP,
        cost="Releasing the cap gradually slows a rush, but buyers wait and goodwill suffers."),
    "cap_period_months": LeverSpec(
        "float", 36.0,
        "The caps are cumulative over this many months from the rule's effective month (2025-27 in the rule); then "
        "they start again.",
        1, 600, "months",
        label="Cap period", short="Cap period", group="Tier 2 rule", step=AMOUNT_STEP,
        cost="A shorter period renews the caps sooner: more chips to Tier 2, fewer denied orders and less lost "
             "goodwill."),
    "g2g_cap_multiplier": LeverSpec(
        "float", 2.0,
        "A government-to-government security agreement multiplies the country cap by this.",
        1, 100, "x",
        label="G2G cap multiplier", short="G2G multiplier", group="Tier 2 rule", step=Step(add=0.5),
        cost="A bigger reward for security agreements buys cooperation, and sends more chips to Tier 2."),
    "lpp_limit_h100e": LeverSpec(
        "float", 1699.0,
        "Licence-free allowance per consignee per calendar year (26.9M TPP). Lower it and smugglers need more "
        "shell companies.",
        0, 1e7, "H100e/consignee/year",
        label="Licence-free allowance (LPP)", short="Licence-free (LPP)", group="Tier 2 rule", step=AMOUNT_STEP,
        cost="Lower: smugglers need more shell companies (costlier, riskier); small legitimate buyers lose their "
             "licence-free orders."),
    "lpp_counts_against_cap": LeverSpec(
        "bool", False,
        "Whether licence-free shipments use up the country cap.",
        label="LPP counts against cap", short="LPP uses cap", group="Tier 2 rule",
        cost="Closes the licence-free route around the cap; small orders then use up the country's cap."),
    "veu_program": LeverSpec(
        "bool", True,
        "Validated end users (universal and national) may import beyond the cap within their own limits.",
        label="Validated end users", short="Validated end users", group="Tier 2 rule",
        cost="Trusted data centres may import beyond the caps: keeps cloud operators building, puts some compute "
             "outside Tier 1."),
    "nveu_cap_h100e": LeverSpec(
        "floats", (100000.0, 270000.0, 320000.0),
        "A national VEU's cumulative limit by the end of the rule's first, second and third year.",
        0, None, "H100e",
        label="National VEU limits", short="National VEU limits", group="Tier 2 rule",
        cost="Higher limits let national operators build more: more compute in Tier 2."),
    "uveu_min_tier1": LeverSpec(
        "float", 0.75,
        "A universal VEU keeps at least this share of its compute in Tier 1.",
        0, 1, "share",
        label="UVEU share in Tier 1", short="UVEU min in Tier 1", group="Tier 2 rule", step=SHARE_STEP,
        cost="Keeps more compute in Tier 1: cloud operators build less abroad."),
    "uveu_max_one_tier2": LeverSpec(
        "float", 0.07,
        "A universal VEU keeps at most this share of its compute in any one Tier 2 country.",
        0, 1, "share",
        label="UVEU max in one Tier 2", short="UVEU max per T2", group="Tier 2 rule", step=SHARE_STEP,
        cost="Spreads compute thinly: operators build less in any one Tier 2 country."),
    "uveu_min_us": LeverSpec(
        "float", 0.5,
        "A US-headquartered universal VEU keeps at least this share in the US.",
        0, 1, "share",
        label="UVEU share in US", short="UVEU min in US", group="Tier 2 rule", step=SHARE_STEP,
        cost="Keeps more of US cloud operators' compute at home: they build less abroad."),
    # Enforcement
    "enforcement_budget_usd": LeverSpec(
        "float", 191e6,
        "Export enforcement funding. Detection per shipment grows with its square root (elasticity 0.5).",
        0, 1e11, "USD/year",
        label="Enforcement budget", short="Enforcement", group="Enforcement", step=AMOUNT_STEP,
        cost="Costs money (detection grows only with its square root); the enforcement role is scored on it."),
    "location_verification": LeverSpec(
        "bool", False,
        "Controlled chips report their location (Chip Security Act): diverted chips are far easier to find.",
        label="Location verification", short="Location checks", group="Enforcement",
        cost="Makes diverted chips easy to find; vendors and data centres bear the cost (the enforcement role is "
             "charged $150M a year)."),
    "transit_cooperation_boost": LeverSpec(
        "float", 0.0,
        "Diplomatic effort that raises transit countries' enforcement cooperation.",
        0, 1, "share",
        label="Transit diplomacy", short="Transit diplomacy", group="Enforcement", step=SHARE_STEP,
        cost="Diplomatic effort with transit countries (the enforcement role is charged $500M a year per unit)."),
    "huawei_guidance": LeverSpec(
        "bool", False,
        "Using Tier 3 domestic chips anywhere is treated as an export violation: their foreign buyers walk away.",
        label="Huawei guidance", short="Huawei guidance", group="Enforcement",
        cost="Stops Tier 3 selling its chips abroad; its foreign buyers need other chips."),
    "remote_access_controlled": LeverSpec(
        "bool", False,
        "Know-your-customer rules for cloud providers: Tier 3 labs may not rent controlled compute in data centres "
        "abroad (most are caught; some pass as others).",
        label="Remote-access controls", short="Remote access ban", group="Enforcement",
        cost="Know-your-customer checks turn most Tier 3 labs away from Tier 2 clouds; those clouds lose the "
             "business."),
    "weights_controls": LeverSpec(
        "bool", False,
        "Closed model weights trained above weights_control_ops need a licence to leave Tier 1 (open weights are "
        "exempt).",
        label="Model-weight controls", short="Weight controls", group="Enforcement",
        cost="Slows Tier 3 labs catching up through leaked closed weights; open weights still diffuse."),
    "weights_control_ops": LeverSpec(
        "float", 1e26,
        "Training operations above which closed weights are controlled.",
        1e20, 1e32, "operations",
        label="Weights threshold", short="Weights line", group="Enforcement", step=Step(times=10.0),
        cost="A lower line controls more models' weights."),
}

assert all(spec.group in LEVER_TABS for spec in LEVERS.values()), "a lever's group is not a panel tab"

LEVER_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (tab, tuple(name for name, spec in LEVERS.items() if spec.group == tab)) for tab in LEVER_TABS)
"""The policy panel's tabs and their levers, in the order the panel shows them (the order of ``LEVERS``)."""


def step_lever(name: str, value: float, direction: int) -> float:
    """The next value of number lever ``name`` up (``direction`` 1) or down (-1): the - / + buttons, arrow keys."""
    spec = LEVERS[name]
    if spec.step is None:
        raise ValueError(f"{name} is not a number lever with a step")
    return spec.step.apply(value, direction, spec.lo, spec.hi)


def lever_error(name: str, value: Any) -> str | None:
    """Why ``value`` is not valid for lever ``name`` (None if it is), in the words of ``agents.checks``."""
    spec = LEVERS.get(name)
    if spec is None:
        return unknown(name, LEVERS, noun="lever")
    check = spec.spec()
    ok, _ = check.check(value)
    return None if ok else expected(check.what, value)


@dataclass(frozen=True)
class Regime:
    """The levers in force in one month. Defaults: the Oct 2023 chip rules."""

    chip_controls: bool = LEVERS["chip_controls"].default
    controlled_tpp: float = LEVERS["controlled_tpp"].default
    density_rule: bool = LEVERS["density_rule"].default
    density_tpp_floor: float = LEVERS["density_tpp_floor"].default
    density_threshold: float = LEVERS["density_threshold"].default
    tier2_caps: bool = LEVERS["tier2_caps"].default
    country_cap_h100e: float = LEVERS["country_cap_h100e"].default
    cap_release_h100e_per_month: float = LEVERS["cap_release_h100e_per_month"].default
    cap_period_months: float = LEVERS["cap_period_months"].default
    g2g_cap_multiplier: float = LEVERS["g2g_cap_multiplier"].default
    lpp_limit_h100e: float = LEVERS["lpp_limit_h100e"].default
    lpp_counts_against_cap: bool = LEVERS["lpp_counts_against_cap"].default
    veu_program: bool = LEVERS["veu_program"].default
    nveu_cap_h100e: tuple[float, ...] = LEVERS["nveu_cap_h100e"].default
    uveu_min_tier1: float = LEVERS["uveu_min_tier1"].default
    uveu_max_one_tier2: float = LEVERS["uveu_max_one_tier2"].default
    uveu_min_us: float = LEVERS["uveu_min_us"].default
    weights_controls: bool = LEVERS["weights_controls"].default
    weights_control_ops: float = LEVERS["weights_control_ops"].default
    enforcement_budget_usd: float = LEVERS["enforcement_budget_usd"].default
    location_verification: bool = LEVERS["location_verification"].default
    transit_cooperation_boost: float = LEVERS["transit_cooperation_boost"].default
    huawei_guidance: bool = LEVERS["huawei_guidance"].default
    variant_policy: str = LEVERS["variant_policy"].default
    variant_fee: float = LEVERS["variant_fee"].default
    remote_access_controlled: bool = LEVERS["remote_access_controlled"].default
    foundry_rule: bool = LEVERS["foundry_rule"].default
    hbm_controls: bool = LEVERS["hbm_controls"].default

    def changed(self, **levers: Any) -> "Regime":
        """A copy with some levers changed (validated)."""
        for name, value in levers.items():
            problem = lever_error(name, value)
            if problem:
                raise ValueError(f"{name}: {problem}")
        return dataclasses.replace(self, **{k: LEVERS[k].coerce(v) for k, v in levers.items()})

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


assert set(LEVERS) == {f.name for f in dataclasses.fields(Regime)}, "LEVERS and Regime disagree"


# --------------------------------------------------------------------------
# decisions


class Rule(IntEnum):
    """The rule that decided (the last part of) an order; the game explains it."""

    TIER1 = 0
    NOT_CONTROLLED = 1
    VARIANT_ALLOWED = 2
    VARIANT_FEE = 3
    VARIANT_DENIED = 4
    TIER3_DENIED = 5
    TIER2_OPEN = 6
    LPP = 7
    UVEU = 8
    NVEU = 9
    DEAL = 10
    LICENCE = 11
    CAP_REACHED = 12
    DOMESTIC_GUIDANCE = 13
    DOMESTIC = 14
    NO_LICENCE = 15


RULE_TEXT = {
    Rule.TIER1: "Tier 1 destination: no licence needed",
    Rule.NOT_CONTROLLED: "chip below the control thresholds",
    Rule.VARIANT_ALLOWED: "export variant: allowed to Tier 3",
    Rule.VARIANT_FEE: "export variant: licensed for a revenue-share fee",
    Rule.VARIANT_DENIED: "export variant: licence denied",
    Rule.TIER3_DENIED: "controlled chip to Tier 3: denied",
    Rule.TIER2_OPEN: "Tier 2 without country caps: allowed",
    Rule.LPP: "within the consignee's licence-free allowance (LPP)",
    Rule.UVEU: "universal validated end user within its location limits",
    Rule.NVEU: "national validated end user within its limit",
    Rule.DEAL: "within the country's bilateral deal",
    Rule.LICENCE: "licence granted against the country cap",
    Rule.CAP_REACHED: "licence denied: country cap reached",
    Rule.DOMESTIC_GUIDANCE: "Tier 3 domestic chip: guidance makes its use a violation",
    Rule.DOMESTIC: "domestic chip sold at home",
    Rule.NO_LICENCE: "above the licence-free allowance, and the buyer will not apply for a licence",
}


class Veu(IntEnum):
    NONE = 0
    NATIONAL = 1
    UNIVERSAL = 2


@dataclass(frozen=True)
class Order:
    """One consignee's order for one chip type, in H100e."""

    consignee: int
    country: int
    tier: int
    h100e: float
    controlled: bool
    export_variant: bool = False
    domestic: bool = False
    veu: Veu = Veu.NONE
    no_licence: bool = False
    """A buyer that never applies for a licence (a shell company)."""


@dataclass(frozen=True)
class WorldState:
    """The shared limits an order is screened against (H100e)."""

    lpp_left: float = 0.0
    veu_room: float = 0.0
    deal_left: float = 0.0
    cap_left: float = 0.0


@dataclass(frozen=True)
class Decision:
    """How an order was decided: the H100e granted under each rule, the rest denied."""

    rule: Rule
    allowed: float
    denied: float
    lpp: float = 0.0
    veu: float = 0.0
    deal: float = 0.0
    licence: float = 0.0
    fee: float = 0.0

    @property
    def explanation(self) -> str:
        return RULE_TEXT[self.rule]


def is_controlled(tpp: Any, die_mm2: Any, regime: Regime) -> Any:
    """Whether a US-designed chip is controlled (works on scalars and arrays)."""
    tpp = np.asarray(tpp, dtype=float)
    die = np.asarray(die_mm2, dtype=float)
    by_tpp = tpp >= regime.controlled_tpp
    by_density = regime.density_rule & (tpp >= regime.density_tpp_floor) & (tpp / die >= regime.density_threshold)
    out = regime.chip_controls & (by_tpp | by_density)
    return bool(out) if out.ndim == 0 else out


def screen(order: Order, regime: Regime, world: WorldState) -> Decision:
    """Decide one order under ``regime`` given the shared limits left in ``world``."""
    want = order.h100e
    if order.domestic:
        if order.tier != 3 and regime.huawei_guidance:
            return Decision(Rule.DOMESTIC_GUIDANCE, 0.0, want)
        return Decision(Rule.DOMESTIC, want, 0.0)
    if order.tier == 1:
        return Decision(Rule.TIER1, want, 0.0)
    if not order.controlled:
        if order.tier == 3 and order.export_variant and regime.chip_controls:
            if regime.variant_policy == "denied":
                return Decision(Rule.VARIANT_DENIED, 0.0, want)
            if regime.variant_policy == "licence_fee":
                return Decision(Rule.VARIANT_FEE, want, 0.0, fee=regime.variant_fee)
            return Decision(Rule.VARIANT_ALLOWED, want, 0.0)
        return Decision(Rule.NOT_CONTROLLED, want, 0.0)
    if order.tier == 3:
        return Decision(Rule.TIER3_DENIED, 0.0, want)
    if not regime.tier2_caps:
        return Decision(Rule.TIER2_OPEN, want, 0.0)
    lpp = min(want, max(world.lpp_left, 0.0))
    rest = want - lpp
    if order.no_licence:
        rule = Rule.NO_LICENCE if rest > 0 else Rule.LPP
        return Decision(rule, lpp, rest, lpp=lpp)
    veu = 0.0
    if regime.veu_program and order.veu != Veu.NONE:
        veu = min(rest, max(world.veu_room, 0.0))
    rest -= veu
    deal = min(rest, max(world.deal_left, 0.0))
    rest -= deal
    cap_left = world.cap_left - (lpp if regime.lpp_counts_against_cap else 0.0)
    licence = min(rest, max(cap_left, 0.0))
    rest -= licence
    if rest > 0:
        rule = Rule.CAP_REACHED
    elif licence > 0:
        rule = Rule.LICENCE
    elif deal > 0:
        rule = Rule.DEAL
    elif veu > 0:
        rule = Rule.UVEU if order.veu == Veu.UNIVERSAL else Rule.NVEU
    else:
        rule = Rule.LPP
    return Decision(rule, want - rest, rest, lpp=lpp, veu=veu, deal=deal, licence=licence)


# --------------------------------------------------------------------------
# the vectorised order book


@dataclass
class OrderBook:
    """A month's orders as parallel arrays, in the order they are screened."""

    consignee: np.ndarray  # int, index into the consignee pools
    country: np.ndarray  # int, index into the country pools
    tier: np.ndarray  # int 1..3
    h100e: np.ndarray  # float
    controlled: np.ndarray  # bool
    export_variant: np.ndarray  # bool
    domestic: np.ndarray  # bool
    veu: np.ndarray  # int (Veu)
    no_licence: np.ndarray  # bool: shell companies never apply for a licence


@dataclass
class Screened:
    """Per-order results of :func:`screen_orders` (H100e), plus the rule code."""

    rule: np.ndarray
    allowed: np.ndarray
    denied: np.ndarray
    lpp: np.ndarray
    veu: np.ndarray
    deal: np.ndarray
    licence: np.ndarray
    fee: np.ndarray


def take_shared(request: np.ndarray, pool: np.ndarray, left: np.ndarray) -> np.ndarray:
    """Grant requests in sequence from shared pools: the order crossing a limit gets the rest.

    ``pool[i]`` names the pool order ``i`` draws on, ``left[p]`` what pool ``p``
    still holds. Vectorised with a grouped cumulative sum; a stable sort
    brings each pool's orders together first unless they already are
    (a consignee's orders usually are).
    """
    n = len(request)
    if n == 0 or not request.any():
        return np.zeros(n)
    if not (left[pool] > 0).any():
        return np.zeros(n)
    starts = np.concatenate(([True], pool[1:] != pool[:-1]))
    if np.bincount(pool[starts]).max() == 1:  # every pool's orders are adjacent
        return _take_grouped(request, pool, left, starts)
    order = np.argsort(pool, kind="stable")
    sorted_pool = pool[order]
    granted = np.empty(n)
    granted[order] = _take_grouped(request[order], sorted_pool, left,
                                   np.concatenate(([True], sorted_pool[1:] != sorted_pool[:-1])))
    return granted


def _take_grouped(request: np.ndarray, pool: np.ndarray, left: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """take_shared for orders already grouped by pool (``starts`` marks each group's first order).

    One cumulative sum serves every pool, so a pool's running total carries
    rounding from the pools before it; grants within that rounding (1e-14 of
    the running total) of all or nothing are snapped to it, as sequential
    arithmetic would give.
    """
    n = len(request)
    cum = np.cumsum(request)
    group_start = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    before = cum - request - (cum[group_start] - request[group_start])
    granted = np.clip(np.maximum(left[pool], 0.0) - before, 0.0, request)
    hair = 1e-14 * np.abs(cum - request)
    granted = np.where(request - granted <= hair, request, granted)
    return np.where(granted <= hair, 0.0, granted)


def screen_orders(book: OrderBook, regime: Regime, lpp_left: np.ndarray, veu_room: np.ndarray,
                  deal_left: np.ndarray, cap_left: np.ndarray) -> Screened:
    """Screen a whole order book at once; the same rules, in the same order, as :func:`screen`.

    ``lpp_left`` and ``veu_room`` are indexed by consignee, ``deal_left`` and
    ``cap_left`` by country. Pools are not modified.
    """
    n = len(book.h100e)
    want = book.h100e.astype(float)
    zeros = np.zeros(n)
    rule = np.full(n, Rule.TIER2_OPEN, dtype=np.int8)
    allowed = want.copy()
    fee = zeros.copy()

    dom = book.domestic
    guidance = dom & (book.tier != 3) & regime.huawei_guidance
    rule[dom] = Rule.DOMESTIC
    rule[guidance] = Rule.DOMESTIC_GUIDANCE

    us = ~dom
    t1 = us & (book.tier == 1)
    rule[t1] = Rule.TIER1
    free = us & ~t1 & ~book.controlled
    variant3 = free & (book.tier == 3) & book.export_variant & regime.chip_controls
    rule[free] = Rule.NOT_CONTROLLED
    vdenied = np.zeros(n, dtype=bool)
    if regime.variant_policy == "denied":
        rule[variant3] = Rule.VARIANT_DENIED
        vdenied = variant3
    elif regime.variant_policy == "licence_fee":
        rule[variant3] = Rule.VARIANT_FEE
        fee[variant3] = regime.variant_fee
    else:
        rule[variant3] = Rule.VARIANT_ALLOWED
    ctrl = us & ~t1 & book.controlled
    t3 = ctrl & (book.tier == 3)
    rule[t3] = Rule.TIER3_DENIED
    t2 = ctrl & (book.tier == 2)
    capped = t2 & regime.tier2_caps

    lpp = zeros.copy()
    veu = zeros.copy()
    deal = zeros.copy()
    licence = zeros.copy()
    if capped.any():
        idx = np.flatnonzero(capped)
        w = want[idx]
        g_lpp = take_shared(w, book.consignee[idx], lpp_left)
        rest = w - g_lpp
        shell = book.no_licence[idx]
        shell_rest = np.where(shell, rest, 0.0)
        rest = np.where(shell, 0.0, rest)
        has_veu = (book.veu[idx] != Veu.NONE) & regime.veu_program
        g_veu = np.zeros_like(rest)
        if has_veu.any():
            g_veu[has_veu] = take_shared(rest[has_veu], book.consignee[idx][has_veu], veu_room)
        rest = rest - g_veu
        g_deal = take_shared(rest, book.country[idx], deal_left)
        rest = rest - g_deal
        counted = g_lpp if regime.lpp_counts_against_cap else np.zeros_like(g_lpp)
        g_cap = take_shared(rest + counted, book.country[idx], cap_left)
        g_lic = np.clip(g_cap - counted, 0.0, rest)
        rest = rest - g_lic + shell_rest
        lpp[idx], veu[idx], deal[idx], licence[idx] = g_lpp, g_veu, g_deal, g_lic
        sub = np.where(rest > 0, Rule.CAP_REACHED,
                       np.where(g_lic > 0, Rule.LICENCE,
                                np.where(g_deal > 0, Rule.DEAL,
                                         np.where(g_veu > 0, np.where(book.veu[idx] == Veu.UNIVERSAL,
                                                                      Rule.UVEU, Rule.NVEU), Rule.LPP))))
        sub = np.where(shell, np.where(shell_rest > 0, Rule.NO_LICENCE, Rule.LPP), sub)
        rule[idx] = sub
        allowed[idx] = w - rest
    denied_all = guidance | t3 | vdenied
    allowed[denied_all] = 0.0
    denied = want - allowed
    return Screened(rule=rule, allowed=allowed, denied=denied, lpp=lpp, veu=veu, deal=deal,
                    licence=licence, fee=fee)

