"""Levers, values and numbers in words and units: the one place that says them to people.

The model's news, the game's panel and messages, the debrief, the class
handout and report, and the CLI summary all say a lever and its value
through these functions ("Enforcement budget $374M a year", "Licence-free
allowance (LPP) 500 H100e per buyer a year", "Export variants to Tier 3:
licence with a fee"), so no code name or raw float reaches a person. A
lever's labels and choice words are in its ``agents.regime.LEVERS`` entry.
Everything here speaks the language installed in ``agents.lang``: labels
through the catalogue, large numbers in 万/億/兆 in Japanese, months as
2025年1月. Imports the standard library, ``agents.lang``, ``agents.regime``
and ``agents.commands`` only.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any, Mapping

from agents.checks import power_of_ten
from agents.commands import COUNTRY_POLICIES
from agents.lang import N_, _, language
from agents.regime import LEVERS

UNIT_WORDS = {
    "H100e/consignee/year": N_("H100e per buyer a year"),
    "H100e/month": N_("H100e a month"),
    "H100e/year": N_("H100e a year"),
    "TPP/mm^2": N_("TPP per mm²"),
    "USD/year": N_("a year"),
}
"""How a unit reads after a number (``USD`` units put a $ before it instead)."""

SHORT_UNIT = {
    "USD/year": N_("$/yr"), "H100e": "H100e", "H100e/month": N_("H100e/mo"), "H100e/consignee/year": N_("H100e/yr"),
    "TPP": "TPP", "TPP/mm^2": "TPP/mm²", "share": "0-1", "x": "×", "operations": N_("ops"),
}
"""A unit as the policy panel abbreviates it after a lever's short label ("Enforcement, $/yr")."""

_SUFFIXES = {
    "en": ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")),
    "ja": ((1e12, "兆"), (1e8, "億"), (1e4, "万")),
}
"""How each language groups large numbers: thousands (k, M, B, T) or myriads (万, 億, 兆)."""


def _trim(number: str) -> str:
    """'374.0' -> '374', '1.50' -> '1.5': no zeros a reader has to skip."""
    return number.rstrip("0").rstrip(".") if "." in number else number


def human(v: float | None, digits: int = 1) -> str:
    """1234567 -> '1.2M' (Japanese '123.5万'), 374e6 -> '374M' ('3.7億'); huge numbers in powers of ten (1e26)."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return _("n/a")
    if abs(v) >= 1e15:
        return power_of_ten(v, digits)
    for div, suffix in _SUFFIXES.get(language(), _SUFFIXES["en"]):
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
        return _("n/a")
    if unit == "yes/no":
        return _("yes") if v else _("no")
    if isinstance(v, bool):
        return _("on") if v else _("off")
    if isinstance(v, str):
        return v
    words = _(UNIT_WORDS.get(unit, unit)) if style == "long" else ""
    if isinstance(v, (list, tuple)):
        return _with_unit(", ".join(human(float(x), digits) for x in v), words)
    v = float(v)
    if not math.isfinite(v):
        return _("n/a")
    if unit.startswith("USD"):
        money = _("${amount}").format(amount=human(v, digits))
        rest = _(UNIT_WORDS.get(unit, unit[3:].lstrip("/"))) if style == "long" else ""
        return _with_unit(money, rest)
    if unit == "share":
        return _trim(f"{v * 100:.{digits}f}") + "%"
    if unit == "0-1":
        return f"{v:.2f}"
    if unit == "months":
        n = _trim(f"{v:.1f}")
        return {"long": _("{n} months"), "short": _("{n} mo"), "bare": "{n}"}[style].format(n=n)
    if unit == "x":
        return f"×{v:g}"
    if unit == "count":
        return f"{v:,.0f}"
    return _with_unit(human(v, digits), words)


def _with_unit(number: str, unit_words: str) -> str:
    """'374M' + 'a year' -> '374M a year'; Japanese units that start with '/' or '年' join without a space."""
    if not unit_words:
        return number
    return number + unit_words if unit_words.startswith(("/", "年", "か月")) else f"{number} {unit_words}"


def text_columns(text: str) -> int:
    """Columns ``text`` takes in a terminal or a fixed-width layout: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def month_text(date: str) -> str:
    """A model month's calendar label ('2025-01') as people read it: '2025-01', Japanese '2025年1月'."""
    if language() == "ja" and len(date) >= 7 and date[4] == "-":
        return f"{int(date[:4])}年{int(date[5:7])}月"
    return date


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
    return _(LEVERS[name].label) if name in LEVERS else name.replace("_", " ")


def lever_short_label(name: str) -> str:
    """A lever's label in the policy panel, with its unit if it has one: 'Enforcement, $/yr', 'Density rule'."""
    spec = LEVERS[name]
    unit = _(SHORT_UNIT.get(spec.unit, ""))
    return _(spec.short) + (_(", {unit}").format(unit=unit) if unit else "")


def format_lever(name: str, value: Any) -> str:
    """A lever's value in words: 'licence with a fee', '$374.0M a year', '500 H100e per buyer a year'."""
    words = LEVERS[name].choice_words if name in LEVERS else {}
    if isinstance(value, str) and value in words:
        return _(words[value])
    return format_value(LEVERS[name].unit if name in LEVERS else "", value)


def policy_label(name: str) -> str:
    return _(COUNTRY_POLICIES[name].label) if name in COUNTRY_POLICIES else name.replace("_", " ")


def policy_value(name: str, value: Any) -> str:
    """A government policy's value in words: 'on', '$50B a year', '0.4'."""
    if name in COUNTRY_POLICIES and COUNTRY_POLICIES[name].is_switch:
        return _("on") if value else _("off")
    return format_value(COUNTRY_POLICIES[name].unit if name in COUNTRY_POLICIES else "", value)


def policy_text(name: str, value: Any) -> str:
    """'Chip subsidy $50B a year', 'Block US export variants on'."""
    return _("{label} {value}").format(label=policy_label(name), value=policy_value(name, value))


def describe_levers(levers: Mapping[str, Any]) -> str:
    """'Enforcement budget $374.0M a year; Location verification on'."""
    return _("; ").join(_("{label} {value}").format(label=lever_label(k), value=format_lever(k, v))
                        for k, v in levers.items())


def lever_expects(name: str) -> str:
    """What a lever takes, for a person (files say true/false; people say on or off)."""
    spec = LEVERS[name]
    if spec.kind == "bool":
        return _("on or off")
    if spec.kind == "choice":
        words = spec.choice_words
        return _("one of: {choices}").format(choices=", ".join(_(words.get(c, c)) for c in spec.choices))
    lo = format_lever(name, spec.lo) if spec.lo is not None else None
    hi = format_lever(name, spec.hi) if spec.hi is not None else None
    if lo is not None and hi is not None:
        return _("a number from {lo} to {hi}").format(lo=lo, hi=hi)
    return _("a number of at least {lo}").format(lo=lo) if lo is not None else _("a number")
