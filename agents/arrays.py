"""Small array helpers the phases share. Imports numpy only."""

from __future__ import annotations

import numpy as np


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
