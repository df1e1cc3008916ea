"""Levers, values and numbers in words and units: the one place that says them to people.

The model's news, the game's panel and messages, the debrief, the class
handout and report, and the CLI summary all say a lever and its value
through these functions ("Enforcement budget $374M a year", "Licence-free
allowance (LPP) 500 H100e per buyer a year", "Export variants to Tier 3:
licence with a fee"), so no code name or raw float reaches a person. A
lever's labels and choice words are in its ``agents.regime.LEVERS`` entry.
Imports the standard library, ``agents.regime`` and ``agents.commands`` only.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from agents.checks import power_of_ten
from agents.commands import COUNTRY_POLICIES
from agents.regime import LEVERS

UNIT_WORDS = {
    "H100e/consignee/year": "H100e per buyer a year",
    "H100e/month": "H100e a month",
    "H100e/year": "H100e a year",
    "TPP/mm^2": "TPP per mm²",
    "USD/year": "a year",
}
"""How a unit reads after a number (``USD`` units put a $ before it instead)."""

SHORT_UNIT = {
    "USD/year": "$/yr", "H100e": "H100e", "H100e/month": "H100e/mo", "H100e/consignee/year": "H100e/yr",
    "TPP": "TPP", "TPP/mm^2": "TPP/mm²", "share": "0-1", "x": "×", "operations": "ops",
}
"""A unit as the policy panel abbreviates it after a lever's short label ("Enforcement, $/yr")."""


def _trim(number: str) -> str:
    """'374.0' -> '374', '1.50' -> '1.5': no zeros a reader has to skip."""
    return number.rstrip("0").rstrip(".") if "." in number else number


def human(v: float | None, digits: int = 1) -> str:
    """1234567 -> '1.2M', 374e6 -> '374M'; huge numbers in powers of ten (1e26)."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "n/a"
    if abs(v) >= 1e15:
        return power_of_ten(v, digits)
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{_trim(f'{v / div:,.{digits}f}')}{suffix}"
    if abs(v) >= 10:
        return f"{v:,.0f}"
    small = f"{v:,.{max(digits, 1)}g}"
    return f"{v:,.0f}" if "e+" in small else small  # 9.97 rounds to 10, not '1e+01'


def format_value(unit: str, v: Any, digits: int = 1, style: str = "long") -> str:
    """A value with its unit, as a person reads it: the one formatter of numbers and units.

    ``digits`` are the decimals after k/M/B/T and in percentages (trailing
    zeros dropped); ``style`` is "long" (unit in words: "$374M a year",
    "14 months"), "short" (tables: "$374M", "14 mo") or "bare" (a column or
    axis already names the unit: "$374M", "14").
    """
    if v is None:
        return "n/a"
    if unit == "yes/no":
        return "yes" if v else "no"
    if isinstance(v, bool):
        return "on" if v else "off"
    if isinstance(v, str):
        return v
    words = UNIT_WORDS.get(unit, unit) if style == "long" else ""
    if isinstance(v, (list, tuple)):
        return ", ".join(human(float(x), digits) for x in v) + (f" {words}" if words else "")
    v = float(v)
    if not math.isfinite(v):
        return "n/a"
    if unit.startswith("USD"):
        rest = UNIT_WORDS.get(unit, unit[3:].lstrip("/")) if style == "long" else ""
        return f"${human(v, digits)}" + (f" {rest}" if rest else "")
    if unit == "share":
        return _trim(f"{v * 100:.{digits}f}") + "%"
    if unit == "0-1":
        return f"{v:.2f}"
    if unit == "months":
        return _trim(f"{v:.1f}") + {"long": " months", "short": " mo", "bare": ""}[style]
    if unit == "x":
        return f"×{v:g}"
    if unit == "count":
        return f"{v:,.0f}"
    return f"{human(v, digits)} {words}".strip()


def table_number(v: Any) -> str:
    """Numbers for research tables: 4 significant digits, no float noise, no units."""
    if isinstance(v, str) or type(v).__name__ in ("bool", "bool_"):
        return str(v)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if isinstance(v, int) or type(v).__name__.startswith(("int", "uint")):
        return str(int(v))
    v = float(v)
    if v.is_integer() and abs(v) < 1e6:
        return f"{int(v):d}"
    return f"{v:.4g}"


def entry_text(v: float) -> str:
    """A number in a field a person edits: short, and read back exactly by :func:`parse_entry` ('191M', '1e26')."""
    v = float(v)
    if v == 0:
        return "0"
    if abs(v) >= 1e13 or abs(v) < 1e-3:
        return power_of_ten(v, 3)
    if abs(v) < 1e5:
        return f"{v:,.0f}" if v == int(v) and abs(v) >= 1 else f"{v:g}"
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v / div:.4g}{suffix}"
    return f"{v:g}"


def parse_entry(text: str) -> Any:
    """'191M' -> 1.91e8, '1,699' -> 1699.0; anything else is returned as typed (the model refuses it)."""
    s = str(text).strip().replace(",", "").replace("_", "").replace("$", "").replace(" ", "")
    mult = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}
    try:
        if s and s[-1].lower() in mult:
            return float(s[:-1]) * mult[s[-1].lower()]
        return float(s)
    except ValueError:
        return text


def lever_label(name: str) -> str:
    return LEVERS[name].label if name in LEVERS else name.replace("_", " ")


def lever_short_label(name: str) -> str:
    """A lever's label in the policy panel, with its unit if it has one: 'Enforcement, $/yr', 'Density rule'."""
    spec = LEVERS[name]
    unit = SHORT_UNIT.get(spec.unit, "")
    return spec.short + (f", {unit}" if unit else "")


def format_lever(name: str, value: Any) -> str:
    """A lever's value in words: 'licence with a fee', '$374.0M a year', '500 H100e per buyer a year'."""
    words = LEVERS[name].choice_words if name in LEVERS else {}
    if isinstance(value, str) and value in words:
        return words[value]
    return format_value(LEVERS[name].unit if name in LEVERS else "", value)


def policy_label(name: str) -> str:
    return COUNTRY_POLICIES[name].label if name in COUNTRY_POLICIES else name.replace("_", " ")


def policy_value(name: str, value: Any) -> str:
    """A government policy's value in words: 'on', '$50B a year', '0.4'."""
    if name in COUNTRY_POLICIES and COUNTRY_POLICIES[name].is_switch:
        return "on" if value else "off"
    return format_value(COUNTRY_POLICIES[name].unit if name in COUNTRY_POLICIES else "", value)


def policy_text(name: str, value: Any) -> str:
    """'Chip subsidy $50B a year', 'Block US export variants on'."""
    return f"{policy_label(name)} {policy_value(name, value)}"


def describe_levers(levers: Mapping[str, Any]) -> str:
    """'Enforcement budget $374.0M a year; Location verification on'."""
    return "; ".join(f"{lever_label(k)} {format_lever(k, v)}" for k, v in levers.items())


def lever_expects(name: str) -> str:
    """What a lever takes, for a person (files say true/false; people say on or off)."""
    spec = LEVERS[name]
    if spec.kind == "bool":
        return "on or off"
    if spec.kind == "choice":
        words = spec.choice_words
        return "one of: " + ", ".join(words.get(c, c) for c in spec.choices)
    lo = format_lever(name, spec.lo) if spec.lo is not None else None
    hi = format_lever(name, spec.hi) if spec.hi is not None else None
    if lo is not None and hi is not None:
        return f"a number from {lo} to {hi}"
    return "a number" + (f" of at least {lo}" if lo is not None else "")
