"""The read-only view of one month that front ends draw from.

Owns :class:`MonthView`, a frozen snapshot of plain data (read-only numpy
arrays, tuples, dicts of floats) built after each step: per-country state
and this month's flows, the metrics, the levers in force and the month's
events. A front end keeps the last two views, never an agent. Imports numpy
and the agents package; never pygame.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

from agents.metrics import snapshot

if TYPE_CHECKING:
    from agents.model import ComputeModel, Event


def _frozen(a: np.ndarray) -> np.ndarray:
    out = np.array(a, copy=True)
    out.flags.writeable = False
    return out


@dataclass(frozen=True)
class MonthView:
    """One month of the world, as plain read-only data (units in the names: H100e, USD)."""

    month: int
    date: str
    scenario: str
    title: str
    codes: tuple[str, ...]
    names: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    tier: np.ndarray
    compute_h100e: np.ndarray
    domestic_h100e: np.ndarray
    stockpile_h100e: np.ndarray
    imports_h100e: np.ndarray
    domestic_output_h100e: np.ndarray
    """Domestic chips made this month, by the country that makes them."""
    flow_us_h100e: np.ndarray
    flow_domestic_h100e: np.ndarray
    flow_grey_h100e: np.ndarray
    flow_smuggled_h100e: np.ndarray
    flow_seized_h100e: np.ndarray
    goodwill: np.ndarray
    cooperation: np.ndarray
    transit_enforcement: np.ndarray
    """The government's own transit enforcement policy, 0-1 (``country_policy``)."""
    policies: Mapping[str, np.ndarray]
    """Every government's own policies in force (``country_policy``, by name): its choice, or its bot's
    value; the subsidy is what is paid (USD a year) and the designer's home the purchase share it steers (NaN
    elsewhere while no government has set one)."""
    tier3_chip_share: np.ndarray
    """Share of each country's imports that are Tier 3-designed chips, smoothed (what the US judges it by)."""
    g2g: np.ndarray
    cap_used_h100e: np.ndarray
    cap_limit_h100e: np.ndarray
    labs: np.ndarray
    metrics: Mapping[str, Any]
    levers: Mapping[str, Any]
    pending: tuple[tuple[int, Mapping[str, Any]], ...]
    events: tuple["Event", ...]


def policies_in_force(model: "ComputeModel") -> dict[str, np.ndarray]:
    """Each government policy by name, as in force this month (see :attr:`MonthView.policies`)."""
    c = model.countries
    out = {name: _frozen(c.chosen(name)) for name in c.policies}
    out["subsidy_usd_per_year"] = _frozen(c.subsidy_usd)
    steer = c.policies["domestic_purchase_share"].copy()
    home = c.index[model.domestic_designer.country]
    steer[home] = model.market.home_steer / model.world.home_steer_max if model.world.home_steer_max > 0 else 0.0
    out["domestic_purchase_share"] = _frozen(steer)
    return out


def month_view(model: "ComputeModel") -> MonthView:
    """Snapshot ``model`` after its latest step."""
    c = model.holders.country
    n = model.n_countries
    per_holder = model.installed_h100e()
    dom = model.ledger.installed[:, model.chips.domestic] @ model.chips.h100e[model.chips.domestic]
    stock = model.ledger.stockpile @ model.chips.h100e

    def by_country(values: np.ndarray) -> np.ndarray:
        return np.bincount(c, weights=values, minlength=n)

    made = np.zeros(n)
    made[model.countries.index[model.domestic_designer.country]] = model.domestic_output_h100e
    sc = model.scenario
    month_events = tuple(e for e in model.events if e.month == model.month - 1)
    return MonthView(
        month=model.month,
        date=sc.date(model.month),
        scenario=sc.name,
        title=sc.meta.title,
        codes=tuple(model.countries.codes),
        names=tuple(model.countries.names),
        lat=_frozen([sc.countries[k].lat for k in model.countries.codes]),
        lon=_frozen([sc.countries[k].lon for k in model.countries.codes]),
        tier=_frozen(model.countries.tier),
        compute_h100e=_frozen(by_country(per_holder)),
        domestic_h100e=_frozen(by_country(dom)),
        stockpile_h100e=_frozen(by_country(stock)),
        imports_h100e=_frozen(model.countries.imports_h100e),
        domestic_output_h100e=_frozen(made),
        flow_us_h100e=_frozen(model.countries.flow_us),
        flow_domestic_h100e=_frozen(model.countries.flow_domestic),
        flow_grey_h100e=_frozen(model.countries.flow_grey),
        flow_smuggled_h100e=_frozen(model.countries.flow_smuggled),
        flow_seized_h100e=_frozen(model.countries.flow_seized),
        goodwill=_frozen(model.countries.goodwill),
        cooperation=_frozen(model.countries.cooperation),
        transit_enforcement=_frozen(model.countries.transit_enforcement),
        policies=MappingProxyType(policies_in_force(model)),
        tier3_chip_share=_frozen(model.countries.tier3_chip_share),
        g2g=_frozen(model.countries.g2g),
        cap_used_h100e=_frozen(model.countries.cap_used),
        cap_limit_h100e=_frozen([model.cap_limit(i) for i in range(n)]),
        labs=_frozen(np.bincount(c[model.holders.is_lab], minlength=n)),
        metrics=MappingProxyType(snapshot(model)),
        levers=MappingProxyType(model.regime.as_dict()),
        pending=tuple((eff, MappingProxyType(dict(lv))) for eff, lv, _ in model.pending),
        events=month_events,
    )
