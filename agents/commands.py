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

from agents.checks import Invalid, Number, OneOf, Problems, expected, unknown
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


COUNTRY_POLICIES: dict[str, tuple[int, Number, str]] = {
    "subsidy_usd_per_year": (3, Number(0, 1e12, "USD/year"),
                             "State money for the domestic chip industry: it grows the domestic foundry's "
                             "capacity with a lag (the bot raises it with denied demand)."),
    "domestic_purchase_share": (3, Number(0, 1),
                                "Guidance steering home buyers to domestic chips, as a share of the most "
                                "customs checks and guidance can do (the bot steers as far as home supply "
                                "could serve)."),
    "transit_enforcement": (2, Number(0, 1),
                            "Customs and export checks against transshipment through this country's hubs: "
                            "added to its transit cooperation, so fewer chips are diverted and the US "
                            "trusts it more."),
}
"""Policies a government may set: (the tier it must be in, its range, what it does)."""


Command = SetLevers | Rescind | SetTier | G2GAgreement | BilateralDeal | CountryPolicy
KINDS = {"set": SetLevers, "rescind": Rescind, "set_tier": SetTier, "g2g": G2GAgreement, "deal": BilateralDeal,
         "country_policy": CountryPolicy}


def validate(command: Command, countries: Mapping[str, Any], month: int) -> CommandResult:
    """Whether ``command`` can be applied; the reason says why not."""
    if isinstance(command, SetLevers):
        if not command.levers:
            return CommandResult(False, "no levers to set")
        for name, value in command.levers.items():
            problem = lever_error(name, value)
            if problem:
                return CommandResult(False, f"{name}: {problem}")
        if command.effective_month is not None and command.effective_month < month:
            return CommandResult(False, f"effective_month {command.effective_month} is in the past (now {month})")
        return CommandResult(True)
    if isinstance(command, (SetTier, G2GAgreement, BilateralDeal)):
        if command.country not in countries:
            return CommandResult(False, f"unknown country {command.country!r}")
        if isinstance(command, SetTier) and command.tier not in (1, 2, 3):
            return CommandResult(False, f"tier must be 1, 2 or 3, got {command.tier!r}")
        if isinstance(command, SetTier) and command.country == "USA":
            return CommandResult(False, "the United States sets the tiers; it has none")
        if isinstance(command, BilateralDeal) and not command.h100e_per_year > 0:
            return CommandResult(False, f"h100e_per_year must be > 0, got {command.h100e_per_year!r}")
        return CommandResult(True)
    if isinstance(command, CountryPolicy):
        if command.country not in countries:
            return CommandResult(False, f"unknown country {command.country!r}")
        if command.country == "USA":
            return CommandResult(False, "the United States sets the regime with levers, not country policies")
        if not command.policies:
            return CommandResult(False, "no policies to set")
        for name, value in command.policies.items():
            if name not in COUNTRY_POLICIES:
                return CommandResult(False, f"{name}: {unknown(name, COUNTRY_POLICIES, noun='policy')}")
            spec = COUNTRY_POLICIES[name][1]
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
