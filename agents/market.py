"""Monthly order matching and prices, vectorised with numpy.

Owns the arithmetic of the market: how buyers split spending across the
chips they may buy (a logit over cost per effective H100e), how allowed
orders are filled pro rata from limited supply, the vendors' price
multiplier and the grey-market premium. Pure functions over arrays; the
model decides who calls them and when. Imports numpy only.
"""

from __future__ import annotations

import numpy as np


def chip_prices(price0: np.ndarray, first_month: np.ndarray, month: int, doubling_years: float) -> np.ndarray:
    """List price per chip now: each chip gets cheaper as price-performance doubles.

    ``price0`` is the price at the scenario's start or at launch, whichever
    is later; from then it halves every ``doubling_years``.
    """
    age = np.maximum(0, month - np.maximum(first_month, 0))
    return price0 * 0.5 ** (age / (12.0 * doubling_years))


def choice_shares(cost: np.ndarray, mask: np.ndarray, sharpness: float) -> np.ndarray:
    """Share of each buyer's spending on each option: ``(cost_min / cost)^sharpness`` normalised.

    Rows with no allowed option get all zeros. ``cost`` and ``mask`` are
    ``[buyer, option]``.
    """
    safe = np.where(mask, cost, np.inf)
    best = safe.min(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(mask, (best / safe) ** sharpness, 0.0)
    total = weight.sum(axis=1, keepdims=True)
    return np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)


def fill_ratio(demand: np.ndarray, supply: np.ndarray) -> np.ndarray:
    """Share of each product's demand that supply can fill (pro rata), in [0, 1]."""
    return np.divide(np.minimum(demand, supply), demand, out=np.ones_like(demand, dtype=float),
                     where=demand > 0)


def price_multiplier(previous: float, demand: float, supply: float, elasticity: float,
                     lo: float = 0.6, hi: float = 4.0, smoothing: float = 0.3) -> float:
    """Vendors raise prices when orders outrun supply and cut them when stock piles up."""
    if supply <= 0:
        target = hi if demand > 0 else 1.0
    else:
        target = float(np.clip((max(demand, 1e-9) / supply) ** elasticity, lo, hi))
    return (1 - smoothing) * previous + smoothing * target


def grey_premium(unmet_h100e: float, grey_supply_h100e: float, premium_max: float, exponent: float) -> float:
    """Premium over list price that denied demand pays smugglers: ``π0 (U / (U + S))^b``."""
    total = unmet_h100e + grey_supply_h100e
    if total <= 0:
        return 0.0
    return premium_max * (unmet_h100e / total) ** exponent


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))
