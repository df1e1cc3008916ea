"""Declared uncertainty: the range and distribution of every parameter the record does not pin down.

Owns :class:`Uncertainty` (one entry of a scenario's ``[uncertainties]``
table: a scenario key or a ``countries.*.goodwill``-style pattern, a range
in absolute numbers or relative to each value, a distribution, and why)
and the check that every entry names parameters the scenario has, with its
value inside the range. Sweeps, ``compare --uncertainty`` and the game's
bands sample from here, so a range is stated once. Problems are in the
language installed in ``agents.lang``. Imports the standard library,
``agents.lang`` and ``agents.checks`` only.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import math
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from agents.checks import Problems, flatten, is_number
from agents.lang import N_, _

DISTRIBUTIONS = ("uniform", "loguniform", "triangular")
"""How a range is sampled: evenly, evenly in the logarithm (for quantities known to a factor), or
peaked at the scenario's value."""
SPEC_KEYS = ("min", "max", "rel", "dist", "why", "fixed")
ENTRY_TABLES = ("countries", "chips", "clouds")


@dataclass(frozen=True)
class Uncertainty:
    """One declared range: ``key`` may hold ``*`` for every country, chip or cloud."""

    key: str
    why: str
    lo: float | None = None
    hi: float | None = None
    rel: tuple[float, float] | None = None
    """Factors of each parameter's own value (for patterns over countries whose values differ)."""
    dist: str = "uniform"
    fixed: bool = False
    """Declared but not sampled (the why says what would pin it down instead)."""

    def bounds(self, value: float, limits: tuple[float | None, float | None] = (None, None)) -> tuple[float, float]:
        """The range for a parameter whose scenario value is ``value``, inside what the parameter accepts."""
        if self.rel is not None:
            a, b = value * self.rel[0], value * self.rel[1]
            lo, hi = min(a, b), max(a, b)
        else:
            lo, hi = float(self.lo), float(self.hi)
        if limits[0] is not None:
            lo = max(lo, limits[0])
        if limits[1] is not None:
            hi = min(hi, limits[1])
        return lo, hi

    def from_unit(self, u: float, value: float, limits: tuple[float | None, float | None] = (None, None)) -> float:
        """The value at quantile ``u`` (0-1) of this range for a parameter whose scenario value is ``value``."""
        lo, hi = self.bounds(value, limits)
        if self.dist == "loguniform" and lo > 0:
            return float(math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo))))
        if self.dist == "triangular":
            mode = min(max(value, lo), hi)
            c = (mode - lo) / (hi - lo) if hi > lo else 0.5
            return float(lo + math.sqrt(u * c) * (hi - lo) if u < c else hi - math.sqrt((1 - u) * (1 - c)) * (hi - lo))
        return float(lo + u * (hi - lo))


def parameters(scenario: Any) -> Iterator[tuple[str, Any]]:
    """Every parameter of ``scenario`` as (dotted key, value): meta.*, world.*, policy.*, countries.X.*, chips.X.*,
    clouds.X.*."""
    for table in ("meta", "world", "policy"):
        section = getattr(scenario, table)
        for f in dataclasses.fields(section):
            yield f"{table}.{f.name}", getattr(section, f.name)
    for table in ENTRY_TABLES:
        for name, entry in getattr(scenario, table).items():
            for f in dataclasses.fields(entry):
                yield f"{table}.{name}.{f.name}", getattr(entry, f.name)


def limits(scenario: Any) -> dict[str, tuple[float | None, float | None]]:
    """What each numeric scenario parameter accepts (its field's min and max), by dotted key."""
    out = {}
    sections = [(t, getattr(scenario, t)) for t in ("meta", "world")]
    sections += [(f"{t}.{name}", entry) for t in ENTRY_TABLES for name, entry in getattr(scenario, t).items()]
    for prefix, section in sections:
        for f in dataclasses.fields(section):
            if "min" in f.metadata or "max" in f.metadata:
                out[f"{prefix}.{f.name}"] = (f.metadata.get("min"), f.metadata.get("max"))
    return out


def dotted_key(key: str) -> str:
    """A bare [world] key as the sweep writes it (``detect_hazard``) is ``world.detect_hazard``."""
    return key if "." in key else f"world.{key}"


def matches(entry: Uncertainty, known: Mapping[str, Any]) -> list[str]:
    """The scenario keys ``entry`` covers (its key, or every key its pattern matches)."""
    pattern = dotted_key(entry.key)
    return [k for k in known if fnmatch.fnmatchcase(k, pattern)] if "*" in pattern else \
        ([pattern] if pattern in known else [])


def read_uncertainties(table: Any, scenario: Any, p: Problems, check_values: bool = True) -> dict[str, Uncertainty]:
    """The ``[uncertainties]`` table of a scenario, checked against its parameters (and, with
    ``check_values``, that each range holds the scenario's own value)."""
    if table is None:
        return {}
    if not isinstance(table, dict):
        p.expected("uncertainties", N_("a table of key = { min, max, dist, why }"), table)
        return {}
    known = dict(parameters(scenario))
    accepts = limits(scenario)
    out = {}
    for key, spec in flatten(table, SPEC_KEYS):
        at = f"uncertainties.{key}"
        entry = _entry(key, spec, at, p)
        if entry is None:
            continue
        covered = matches(entry, known)
        if not covered:
            p.add(at, _("names no parameter of this scenario (expected a [world] key or a dotted key such as "
                      "countries.*.goodwill), got {value}").format(value=repr(key)))
            continue
        for k in covered if check_values and not entry.fixed else ():
            value = known[k]
            if not is_number(value):
                p.expected(at, _("numeric parameters only ({key} is {value})").format(key=k, value=repr(value)), key)
                break
            lo, hi = entry.bounds(float(value), accepts.get(k, (None, None)))
            if not lo <= float(value) <= hi:
                p.expected(at, _("a range holding the scenario's value ({key} = {value})").format(key=k, value=f"{value:g}"),
                           _("{lo} to {hi}").format(lo=f"{lo:g}", hi=f"{hi:g}"))
                break
        out[key] = entry
    return out


def _entry(key: str, spec: Any, at: str, p: Problems) -> Uncertainty | None:
    if not isinstance(spec, dict):
        p.expected(at, N_("a table { min, max, dist, why } or { rel = [a, b], why } or { fixed = true, why }"), spec)
        return None
    p.keys(spec, at, SPEC_KEYS)
    why = spec.get("why")
    if not isinstance(why, str) or not why.strip():
        p.missing(f"{at}.why", N_("the reasoning or source of the range"))
        return None
    dist = spec.get("dist", "uniform")
    if dist not in DISTRIBUTIONS:
        p.expected(f"{at}.dist", _("one of {choices}").format(choices=", ".join(DISTRIBUTIONS)), dist)
        return None
    if spec.get("fixed") is True:
        return Uncertainty(key, why.strip(), dist=dist, fixed=True)
    rel = spec.get("rel")
    lo, hi = spec.get("min"), spec.get("max")
    if rel is not None:
        if not (isinstance(rel, list) and len(rel) == 2 and all(is_number(x) and x >= 0 for x in rel)
                and rel[0] < rel[1] and rel[0] <= 1 <= rel[1]):
            p.expected(f"{at}.rel", N_("two factors [below, above] around 1, e.g. [0.7, 1.3]"), rel)
            return None
        return Uncertainty(key, why.strip(), rel=(float(rel[0]), float(rel[1])), dist=dist)
    if not (is_number(lo) and is_number(hi) and lo < hi):
        p.expected(at, N_("min < max (numbers), or rel = [a, b], or fixed = true"), {"min": lo, "max": hi})
        return None
    if dist == "loguniform" and lo <= 0:
        p.expected(f"{at}.min", N_("a number > 0 for a loguniform range"), lo)
        return None
    return Uncertainty(key, why.strip(), lo=float(lo), hi=float(hi), dist=dist)


def sampled(scenario: Any) -> list[Uncertainty]:
    """The declared ranges that are sampled (not ``fixed``), in a stable order: one dimension each."""
    return [u for key, u in sorted(scenario.uncertainties.items()) if not u.fixed]


def overrides_at(scenario: Any, units: Mapping[str, float]) -> dict[str, Any]:
    """Scenario overrides putting each sampled parameter at its quantile ``units[entry key]`` (0-1).

    A pattern's parameters (every country's goodwill) move together, each
    in its own range; whole-number parameters are rounded; every value
    stays inside what its parameter accepts.
    """
    known = dict(parameters(scenario))
    accepts = limits(scenario)
    out: dict[str, Any] = {}
    for entry in sampled(scenario):
        if entry.key not in units:
            continue
        for key in matches(entry, known):
            value = known[key]
            if not is_number(value):
                continue
            x = entry.from_unit(units[entry.key], float(value), accepts.get(key, (None, None)))
            out[key] = int(round(x)) if isinstance(value, int) and not isinstance(value, bool) else x
    return out


def unit_samples(keys: list[str], samples: int, seed: int) -> list[dict[str, float]]:
    """``samples`` Latin-hypercube points over ``keys`` (quantiles 0-1), the same for the same seed."""
    from scipy.stats import qmc

    if not keys:
        return [{} for _ in range(samples)]
    points = qmc.LatinHypercube(d=len(keys), seed=seed).random(samples)
    return [dict(zip(keys, map(float, row))) for row in points]
