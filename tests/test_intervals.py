"""Intervals the reports state use Student's t: with a handful of seeds they are wider than 1.96 sd/sqrt(n)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from game.intervals import half_width, mean_half_width, welch


def test_three_seeds_use_the_t_quantile_4_30_not_1_96():
    assert mean_half_width(1.0, 3) == pytest.approx(4.303 / math.sqrt(3), rel=1e-3)
    assert mean_half_width(1.0, 1000) == pytest.approx(1.962 / math.sqrt(1000), rel=1e-3)  # many runs: normal
    assert math.isnan(mean_half_width(1.0, 1)) and math.isnan(half_width(1.0, 0))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # scipy on nearly equal values
@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=30), st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=30))
def test_welch_agrees_with_scipy(a, b):
    a, b = np.array(a), np.array(b)
    va, vb = float(a.var(ddof=1)), float(b.var(ddof=1))
    if va + vb == 0:
        return
    h = welch(va, len(a), vb, len(b))
    lo, hi = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    assert h == pytest.approx((hi - lo) / 2, rel=1e-6, abs=1e-9)
