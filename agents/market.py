"""Monthly order matching and prices, vectorised with numpy.

Owns the arithmetic of the market: how buyers split spending across the
chips they may buy (a logit over cost per effective H100e), how allowed
orders are filled pro rata from limited supply, the vendors' price
multiplier and the grey-market premium. Pure functions over arrays; the
model decides who calls them and when. Imports numpy only.
"""

from __future__ import annotations

import numpy as np


def chip_prices(price0: np.ndarray, first_month: np.ndarray, month: int, doubling_years: float,
                pinned: np.ndarray | None = None) -> np.ndarray:
    """List price per chip now: each chip gets cheaper as price-performance doubles.

    ``price0`` is the price at the scenario's start or at launch, whichever
    is later; from then it halves every ``doubling_years``. ``pinned``
    chips keep their price: an export variant is re-based on each new
    generation with its performance held just under the threshold, so what
    it costs to make and what denied buyers pay for it do not follow the
    price-performance trend.
    """
    age = np.maximum(0, month - np.maximum(first_month, 0))
    if pinned is not None:
        age = np.where(pinned, 0, age)
    return price0 * 0.5 ** (age / (12.0 * doubling_years))


def choice_shares(cost: np.ndarray, mask: np.ndarray, sharpness: float,
                  per_unit: np.ndarray | None = None, group: np.ndarray | None = None) -> np.ndarray:
    """Share of each buyer's spending on each option: ``(cost_min / cost)^sharpness`` normalised.

    ``cost[option]`` is the same for every buyer, or ``cost[g, option]`` for
    buyers in group ``group[buyer] == g`` (a foreign buyer of Tier 3 chips
    pays a compliance risk a home buyer does not); ``mask[buyer, option]``
    says what each may buy. Rows with no allowed option get all zeros.
    Buyers share a handful of distinct (mask, group) pairs, so shares are
    computed once per pair and looked up: the cost does not grow with the
    buyers. With ``per_unit`` (price per option) the result is divided by
    it, giving quantities per dollar in the same single pass.
    """
    cost = np.atleast_2d(cost)
    group = np.zeros(mask.shape[0], dtype=np.int64) if group is None else np.asarray(group, dtype=np.int64)
    codes = (mask @ (1 << np.arange(mask.shape[1], dtype=np.int64))) * cost.shape[0] + group
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    m = mask[first]
    safe = np.where(m, cost[group[first]], np.inf)
    best = safe.min(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(m, (best / safe) ** sharpness, 0.0)
    total = weight.sum(axis=1, keepdims=True)
    shares = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)
    if per_unit is not None:
        shares = np.divide(shares, per_unit[None, :], out=np.zeros_like(shares), where=per_unit[None, :] > 0)
    return shares[inverse.ravel()]


def fill_ratio(demand: np.ndarray, supply: np.ndarray) -> np.ndarray:
    """Share of each product's demand that supply can fill (pro rata), in [0, 1]."""
    return np.divide(np.minimum(demand, supply), demand, out=np.ones_like(demand, dtype=float),
                     where=demand > 0)


def price_multiplier(previous: float, demand: float, supply: float, adjustment: float,
                     lo: float = 0.6, hi: float = 4.0) -> float:
    """Vendors move the price towards where orders meet supply: ``log p += a log(D / S)``.

    A small step ``a`` (a share of the gap a month) settles: demand for one
    chip falls several times faster than its price rises when buyers can
    switch, so a large step overshoots and the market swings month to
    month. The price stays within ``[lo, hi]`` times list.
    """
    if supply <= 0:
        return float(np.clip(previous * np.exp(adjustment), lo, hi)) if demand > 0 else previous
    if demand <= 0:
        return float(np.clip(previous * np.exp(-adjustment), lo, hi))
    return float(np.clip(previous * (demand / supply) ** adjustment, lo, hi))


def grey_premium(previous: float, wanted_h100e: float, supply_h100e: float, adjustment: float,
                 premium_max: float) -> float:
    """Premium over list price on the grey market, moved towards where denied demand meets smuggled supply.

    ``(1 + π) ← (1 + π) (wanted / supply)^a`` within ``[1, 1 + premium_max]``:
    buyers bid the premium up while they want more than smugglers bring and
    down when stock is left over. With no supply the premium rises by at
    most ``100^a`` a month.
    """
    if wanted_h100e <= 0:
        ratio = 0.5 if supply_h100e > 0 else 1.0
    else:
        ratio = wanted_h100e / max(supply_h100e, 0.01 * wanted_h100e)
    return float(np.clip((1.0 + previous) * ratio ** adjustment, 1.0, 1.0 + premium_max) - 1.0)


def scatter_add(target: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    """``target[index] += values`` with repeated indices summed (``np.add.at``, but via bincount: faster).

    ``values`` may be 1-D (one per index) or 2-D (one row per index).
    """
    n = target.shape[0]
    if values.ndim == 1:
        target += np.bincount(index, weights=values, minlength=n)[:n]
    else:
        flat = (index[:, None] * values.shape[1] + np.arange(values.shape[1])[None, :]).ravel()
        target += np.bincount(flat, weights=values.ravel(), minlength=target.size).reshape(target.shape)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))
