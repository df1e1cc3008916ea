"""Policy commands: the only way anyone (scenario, player, sweep, bot) changes policy.

Owns the command types, their validation against the model (answered at
once with a :class:`CommandResult`) and their JSON form for command logs.
Commands are applied at the start of the next month, in the order they were
submitted. Imports the standard library and ``agents.regime`` only.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from agents.checks import Bool, Invalid, Number, OneOf, Problems, Spec, expected, unknown
from agents.lang import N_, _
from agents.regime import lever_error


@dataclass(frozen=True)
class CommandResult:
    ok: bool
    reason: str = ""


@dataclass(frozen=True)
class SetLevers:
    """Change levers; with ``effective_month`` later than now it is announced first."""

    levers: Mapping[str, Any] = field(default_factory=dict)
    effective_month: int | None = None
    source: str = "player"
    kind: str = "set"


@dataclass(frozen=True)
class Rescind:
    """Withdraw the Tier 2 regime and every announced change not yet in force."""

    source: str = "player"
    kind: str = "rescind"


@dataclass(frozen=True)
class SetTier:
    country: str = ""
    tier: int = 2
    source: str = "player"
    kind: str = "set_tier"


@dataclass(frozen=True)
class G2GAgreement:
    """A government-to-government security agreement: the country's cap is multiplied."""

    country: str = ""
    source: str = "player"
    kind: str = "g2g"


@dataclass(frozen=True)
class BilateralDeal:
    """The country may import this much controlled compute a year outside its cap."""

    country: str = ""
    h100e_per_year: float = 0.0
    source: str = "player"
    kind: str = "deal"


@dataclass(frozen=True)
class CountryPolicy:
    """A government's own standing policies (a Tier 2 or Tier 3 government played by a person or a schedule)."""

    country: str = ""
    policies: Mapping[str, Any] = field(default_factory=dict)
    source: str = "player"
    kind: str = "country_policy"


@dataclass(frozen=True)
class PolicySpec:
    """A government's own policy: who may set it, what it takes, and how people read it.

    The one table the model, the scenario loader, the game's panels and the
    CLI's ``levers --role`` all read.
    """

    tier: int
    """The tier a government must be in to set it."""
    spec: Spec
    label: str
    doc: str
    bot: str
    """What the government's bot does when no person sets it (English, marked for the catalogue: show it
    with ``_(spec.bot)`` or :attr:`bot_text`)."""
    default: float = float("nan")
    """The value in force while the bot decides, when it is a fixed one (NaN: the bot sets it each month)."""
    step: float = 0.0
    """The step of the game's - / + buttons (0 for a switch)."""
    cost_usd_per_year: float = 0.0
    """What the policy costs its government a year at full effort (1, or on), as the score charges it."""

    @property
    def unit(self) -> str:
        return getattr(self.spec, "unit", "")

    @property
    def bot_text(self) -> str:
        """:attr:`bot` in the chosen language."""
        return _(self.bot)

    @property
    def is_switch(self) -> bool:
        return isinstance(self.spec, Bool)


COUNTRY_POLICIES: dict[str, PolicySpec] = {
    "subsidy_usd_per_year": PolicySpec(
        3, Number(0, 1e12, "USD/year"), "Chip subsidy",
        "State money for the domestic chip industry: it grows the domestic foundry's capacity after a lag.",
        N_("raises it with the imports its buyers are denied"), step=5e9),
    "domestic_purchase_share": PolicySpec(
        3, Number(0, 1), "Buy-domestic guidance",
        "Guidance steering home buyers to domestic chips, as a share of the most customs checks and "
        "guidance can do: imported chips cost home buyers more.",
        N_("steers as far as home supply could serve home demand"), step=0.1),
    "block_export_variants": PolicySpec(
        3, Bool(), "Block US export variants",
        "Customs refuses US export variants (H20-class chips made for this market): home buyers must buy "
        "domestic, smuggled or nothing, and US vendors lose the sales.",
        N_("lets them in"), default=0.0),
    "export_domestic_chips": PolicySpec(
        3, Bool(), "Sell domestic chips abroad",
        "Whether the domestic chip designer may sell abroad: foreign sales earn money that offsets the "
        "subsidy, but the chips leave home.",
        N_("sells abroad"), default=1.0),
    "transit_enforcement": PolicySpec(
        2, Number(0, 1), "Transit enforcement",
        "Customs and export checks against transshipment through this country's hubs: added to its "
        "transit cooperation, so fewer chips are diverted and the US trusts it more.",
        N_("does none beyond its cooperation"), default=0.0, step=0.1, cost_usd_per_year=300e6),
    "allow_tier3_chips": PolicySpec(
        2, Bool(), "Allow Tier 3 chips",
        "Whether buyers here may buy Tier 3-designed chips: more supply when the cap binds, but the US "
        "trusts a country less the more of its imports are Tier 3 chips.",
        N_("allows them"), default=1.0),
    "host_uveu_sites": PolicySpec(
        2, Bool(), "Host US cloud sites (UVEU)",
        "Whether universal validated end users (US clouds) may run sites here outside the country cap: "
        "their compute counts here, but meeting their security standard costs the host money.",
        N_("hosts them"), default=1.0, cost_usd_per_year=100e6),
}
"""Policies a government may set (``country_policy``)."""


Command = SetLevers | Rescind | SetTier | G2GAgreement | BilateralDeal | CountryPolicy
KINDS = {"set": SetLevers, "rescind": Rescind, "set_tier": SetTier, "g2g": G2GAgreement, "deal": BilateralDeal,
         "country_policy": CountryPolicy}


def validate(command: Command, countries: Mapping[str, Any], month: int) -> CommandResult:
    """Whether ``command`` can be applied; the reason says why not."""
    if isinstance(command, SetLevers):
        if not command.levers:
            return CommandResult(False, _("no levers to set"))
        for name, value in command.levers.items():
            problem = lever_error(name, value)
            if problem:
                return CommandResult(False, f"{name}: {problem}")
        if command.effective_month is not None and command.effective_month < month:
            return CommandResult(False, _("effective_month {month} is in the past (now {now})").format(
                month=command.effective_month, now=month))
        return CommandResult(True)
    if isinstance(command, (SetTier, G2GAgreement, BilateralDeal)):
        if command.country not in countries:
            return CommandResult(False, _("unknown country {country}").format(country=repr(command.country)))
        if isinstance(command, SetTier) and command.tier not in (1, 2, 3):
            return CommandResult(False, _("tier must be 1, 2 or 3, got {tier}").format(tier=repr(command.tier)))
        if isinstance(command, SetTier) and command.country == "USA":
            return CommandResult(False, _("the United States sets the tiers; it has none"))
        if isinstance(command, BilateralDeal) and not command.h100e_per_year > 0:
            return CommandResult(False, _("h100e_per_year must be > 0, got {value}").format(
                value=repr(command.h100e_per_year)))
        return CommandResult(True)
    if isinstance(command, CountryPolicy):
        if command.country not in countries:
            return CommandResult(False, _("unknown country {country}").format(country=repr(command.country)))
        if command.country == "USA":
            return CommandResult(False, _("the United States sets the regime with levers, not country policies"))
        if not command.policies:
            return CommandResult(False, _("no policies to set"))
        for name, value in command.policies.items():
            if name not in COUNTRY_POLICIES:
                return CommandResult(False, f"{name}: {unknown(name, COUNTRY_POLICIES, noun='policy')}")
            spec = COUNTRY_POLICIES[name].spec
            if not spec.check(value)[0]:
                return CommandResult(False, f"{name}: {expected(spec.what, value)}")
        return CommandResult(True)
    if isinstance(command, Rescind):
        return CommandResult(True)
    return CommandResult(False, f"not a command: {command!r}")


def to_json(command: Command, month: int) -> str:
    """One line of a command log."""
    body = dataclasses.asdict(command)
    if "levers" in body:
        body["levers"] = {k: list(v) if isinstance(v, tuple) else v for k, v in body["levers"].items()}
    return json.dumps({"month": month, **body}, sort_keys=True)


def from_dict(data: Mapping[str, Any]) -> Command:
    """Rebuild a command from its JSON form (without ``month``).

    A problem raises :class:`agents.checks.Invalid` (a ValueError) holding every ``(key, text)``;
    the caller places them in its file (``save.json:commands[3].tier: expected 1, 2 or 3, got 4``).
    """
    p = Problems()
    body = {k: v for k, v in data.items() if k != "month"}
    kind = body.pop("kind", None)
    cls = KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        if kind is None:
            p.missing("kind", OneOf(tuple(KINDS)).what)
        else:
            p.expected("kind", OneOf(tuple(KINDS)).what, kind)
        raise Invalid([(x.key, x.text) for x in p])
    names = [f.name for f in dataclasses.fields(cls) if f.name != "kind"]
    p.keys(body, "", names)
    for name, value in body.items():
        problem = _field_problem(name, value)
        if problem:
            p.expected(name, problem, value)
    if p:
        raise Invalid([(x.key, x.text) for x in p])
    return cls(**body)


def _whole(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


MAX_MONTH = 600
"""The latest month a command may name (a scenario runs at most 600 months)."""
MAX_DEAL_H100E_PER_YEAR = 1e9
"""The largest bilateral deal (as large as the largest country cap a lever allows)."""


def _field_problem(name: str, value: Any) -> str | None:
    """What a command field read from a file should be, if ``value`` is not that (None if it is)."""
    if name == "levers":
        ok = isinstance(value, dict) and all(isinstance(k, str) for k in value)
        return None if ok else "a table of lever: value"
    if name == "policies":
        ok = isinstance(value, dict) and all(isinstance(k, str) for k in value)
        return None if ok else "a table of policy: value"
    if name == "effective_month":
        ok = value is None or (_whole(value) and 0 <= value <= MAX_MONTH)
        return None if ok else f"a whole number from 0 to {MAX_MONTH}, or null"
    if name in ("source", "country"):
        return None if isinstance(value, str) else "a string"
    if name == "tier":
        return None if _whole(value) and value in (1, 2, 3) else "1, 2 or 3"
    if name == "h100e_per_year":
        ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
              and 0 < value <= MAX_DEAL_H100E_PER_YEAR)
        return None if ok else f"a number > 0 and at most {MAX_DEAL_H100E_PER_YEAR:g} H100e/year"
    return None
