"""The NPS interval the report shows: adjusted Wald (Rocks 2016), sane at small n and bounds."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook import metrics as m


def test_three_answers_of_ten_do_not_give_100_to_100() -> None:
    """Issue 12 #10. n' = 6, p' = 3.75/6, d' = 0.75/6: centre 50, half-width
    1.96·100·√((0.75 − 0.25)/6) = 56.58 → [−6.58; 100] (clipped)."""
    res = m.nps([10, 10, 10])
    assert (res.ci_low, res.ci_high) == (100.0, 100.0)  # the plain Wald interval collapses
    assert res.interval_low == pytest.approx(50 - 196 * math.sqrt(1 / 12), abs=1e-9)
    assert res.interval_low == pytest.approx(-6.5803, abs=1e-4)
    assert res.interval_high == 100.0
    low = m.nps([0, 0, 0])
    assert (low.interval_low, low.interval_high) == (-100.0, pytest.approx(6.5803, abs=1e-4))


def test_oracle_4_1_n200_adjusted() -> None:
    """100 P / 60 Pa / 40 D: n' = 203, p' = 100.75/203, d' = 40.75/203."""
    res = m.nps([9] * 100 + [8] * 60 + [0] * 40)
    p, d = 100.75 / 203, 40.75 / 203
    half = 1.96 * 100 * math.sqrt((p + d - (p - d) ** 2) / 203)
    assert res.interval_low == pytest.approx(100 * (p - d) - half)
    assert (res.interval_low, res.interval_high) == (pytest.approx(18.8153, abs=1e-4),
                                                     pytest.approx(40.2980, abs=1e-4))
    # the Wald oracle of domain.md §4.1 is kept in ci_low / ci_high
    assert (res.ci_low, res.ci_high) == (pytest.approx(19.1755, abs=1e-4),
                                         pytest.approx(40.8245, abs=1e-4))


def test_single_answer_interval_contains_the_observed_score() -> None:
    # n' = 4: centre 25, half 73.5 → [−48.5; 98.5], widened to contain the observed +100
    res = m.nps([10])
    assert (res.interval_low, res.interval_high) == (pytest.approx(-48.5), 100.0)


def test_whole_customer_base_answered_has_no_sampling_error() -> None:
    res = m.nps([10, 10, 0], population=3)
    assert res.se == 0.0
    assert res.interval_low == res.interval_high == pytest.approx(100 / 3)
    # half of a base of 6 answered: the finite-population correction narrows the interval
    sample, census_half = m.nps([10, 10, 0]), m.nps([10, 10, 0], population=6)
    width = sample.interval_high - sample.interval_low
    assert census_half.interval_high - census_half.interval_low < width


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60))
def test_interval_within_bounds_never_empty_and_contains_the_score(p, pa, d) -> None:
    if p + pa + d == 0:
        return
    res = m.nps([10] * p + [7] * pa + [0] * d)
    assert -100.0 <= res.interval_low <= res.score <= res.interval_high <= 100.0
    assert res.interval_high - res.interval_low > 0
    # promoters and detractors swapped: the interval mirrors
    mirror = m.nps([10] * d + [7] * pa + [0] * p)
    assert mirror.interval_low == pytest.approx(-res.interval_high, abs=1e-9)
    assert mirror.interval_high == pytest.approx(-res.interval_low, abs=1e-9)
