"""Confidence intervals the reports state: Student's t, never 1.96 with a handful of runs.

Owns the half-width of a 95% interval from a standard error and its
degrees of freedom (with n = 3 seeds the t quantile is 4.30, not 1.96),
and Welch's degrees of freedom for two independent samples. Imports scipy
and the standard library only.
"""

from __future__ import annotations

import math

from scipy import stats

LEVEL = 0.95
"""The confidence level of every interval the reports print."""


def half_width(se: float, dof: float, level: float = LEVEL) -> float:
    """Half the width of the ``level`` interval around a mean with standard error ``se`` (NaN without dof)."""
    if not dof > 0 or not math.isfinite(se):
        return float("nan")
    return float(stats.t.ppf(0.5 + level / 2, dof)) * se


def mean_half_width(sd: float, n: int, level: float = LEVEL) -> float:
    """Half-width for the mean of ``n`` values with sample standard deviation ``sd``."""
    return half_width(sd / math.sqrt(n), n - 1, level) if n > 1 else float("nan")


def welch(var_a: float, n_a: int, var_b: float, n_b: int, level: float = LEVEL) -> float:
    """Half-width for a difference of two independent means (Welch: unequal variances)."""
    qa, qb = var_a / n_a, var_b / n_b
    se = math.sqrt(qa + qb)
    denom = (qa * qa / (n_a - 1) if n_a > 1 else 0.0) + (qb * qb / (n_b - 1) if n_b > 1 else 0.0)
    dof = (qa + qb) ** 2 / denom if denom > 0 else float(n_a + n_b - 2)
    return half_width(se, dof, level)


BAND = (0.10, 0.90)
"""The quantiles of the band every chart and report draws over sampled worlds: where 8 in 10 of them
fall (a spread of outcomes, not a confidence interval of a mean)."""
