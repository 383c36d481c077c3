"""Invariants of the BG/NBD, Gamma-Gamma and CLV functions (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kbworkbook import models

positive = st.floats(min_value=0.05, max_value=20.0, allow_nan=False)
fits = st.builds(
    lambda r, alpha, a, b: models.BgNbdFit(r, alpha, a, b, 0.0, 1, 0, 0.0),
    r=st.floats(0.05, 5.0), alpha=st.floats(0.1, 100.0), a=st.floats(0.05, 5.0),
    b=st.floats(0.05, 10.0),
)


@st.composite
def histories(draw: st.DrawFn, size: int = 8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.array(draw(st.lists(st.integers(0, 400), min_size=size, max_size=size)), float)
    T = np.array(draw(st.lists(st.floats(0.0, 500.0), min_size=size, max_size=size)))
    share = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=size, max_size=size)))
    return x, np.where(x > 0, T * share, 0.0), T


@given(fit=fits, history=histories())
@settings(deadline=None)
def test_p_alive_is_a_probability_and_1_without_repeat_purchases(
    fit: models.BgNbdFit, history: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> None:
    x, t_x, T = history
    alive = models.p_alive(fit, x, t_x, T)
    assert ((alive >= 0) & (alive <= 1)).all()
    assert (alive[x == 0] == 1.0).all()


@given(fit=fits, history=histories(), extra=st.floats(0.1, 200.0))
@settings(deadline=None)
def test_p_alive_falls_the_longer_a_repeat_buyer_stays_silent(
    fit: models.BgNbdFit, history: tuple[np.ndarray, np.ndarray, np.ndarray], extra: float
) -> None:
    x, t_x, T = history
    now = models.p_alive(fit, x, t_x, T)
    later = models.p_alive(fit, x, t_x, T + extra)
    assert (later[x > 0] <= now[x > 0]).all()
    assert (later[x == 0] == 1.0).all()


@given(fit=fits, history=histories(),
       horizons=st.lists(st.floats(0.0, 1000.0), min_size=2, max_size=5))
@settings(deadline=None)
def test_expected_purchases_start_at_0_and_grow_with_the_horizon(
    fit: models.BgNbdFit, history: tuple[np.ndarray, np.ndarray, np.ndarray],
    horizons: list[float],
) -> None:
    x, t_x, T = history
    assert (models.expected_purchases(fit, 0.0, x, t_x, T) == 0).all()
    values = [models.expected_purchases(fit, t, x, t_x, T) for t in sorted(horizons)]
    for earlier, later in zip(values, values[1:], strict=False):
        assert (later >= earlier * (1 - 1e-9) - 1e-12).all()
    assert all(np.isfinite(v).all() and (v >= -1e-12).all() for v in values)
    new = models.expected_purchases_new(fit, sorted(horizons))
    assert (np.diff(new) >= -1e-12).all()


@given(fit=fits, history=histories(), t=st.floats(0.0, 300.0), k=st.floats(0.01, 100.0))
@settings(deadline=None)
def test_predictions_do_not_depend_on_the_time_unit(
    fit: models.BgNbdFit, history: tuple[np.ndarray, np.ndarray, np.ndarray], t: float,
    k: float,
) -> None:
    """Measuring time in units k times smaller multiplies alpha, recency, T and t by k."""
    x, t_x, T = history
    rescaled = models.BgNbdFit(fit.r, fit.alpha * k, fit.a, fit.b, 0.0, 1, 0, 0.0)
    np.testing.assert_allclose(models.p_alive(rescaled, x, t_x * k, T * k),
                               models.p_alive(fit, x, t_x, T), rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(models.expected_purchases(rescaled, t * k, x, t_x * k, T * k),
                               models.expected_purchases(fit, t, x, t_x, T), rtol=1e-7,
                               atol=1e-300)


@given(p=positive, q=st.floats(1.05, 20.0), v=positive,
       x=st.lists(st.integers(0, 1000), min_size=1, max_size=10),
       m=st.lists(st.floats(0.01, 1e5), min_size=10, max_size=10))
@settings(deadline=None)
def test_expected_margin_lies_between_population_and_own_mean(
    p: float, q: float, v: float, x: list[int], m: list[float]
) -> None:
    fit = models.GammaGammaFit(p, q, v, 0.0, 1, 0, 0.0)
    freq = np.array(x, dtype=float)
    own = np.array(m[: len(x)])
    got = models.expected_margin(fit, freq, own)
    pop = fit.population_mean
    lo, hi = np.minimum(pop, own), np.maximum(pop, own)
    assert ((got >= lo * (1 - 1e-12)) & (got <= hi * (1 + 1e-12))).all()
    assert np.allclose(got[freq == 0], pop, rtol=1e-12)


@given(fit=fits, history=histories(), margin=st.floats(0.0, 500.0), months=st.integers(1, 36))
@settings(max_examples=50, deadline=None)
def test_clv_without_discount_is_margin_times_expected_purchases(
    fit: models.BgNbdFit, history: tuple[np.ndarray, np.ndarray, np.ndarray], margin: float,
    months: int,
) -> None:
    x, t_x, T = history
    value = models.clv(fit, x, t_x, T, margin, unit="D", months=months)
    horizon = months * models.UNITS_PER_MONTH["D"]
    expected = margin * models.expected_purchases(fit, horizon, x, t_x, T)
    np.testing.assert_allclose(value, expected, rtol=1e-9, atol=1e-12)


@given(fit=fits, history=histories(), rates=st.lists(st.floats(0.0, 1.0), min_size=2,
                                                      max_size=4))
# found by hypothesis: r = a (scipy's hyp2f1 NaN near z = 1), and x = 100 with T = 0
@example(fit=models.BgNbdFit(1.15, 0.125, 1.15, 5.0, 0.0, 1, 0, 0.0),
         history=(np.zeros(8), np.zeros(8), np.zeros(8)), rates=[0.0, 0.0])
@example(fit=models.BgNbdFit(1.0, 1.0, 2.0, 5.0, 0.0, 1, 0, 0.0),
         history=(np.array([0.0] * 7 + [100.0]), np.zeros(8), np.zeros(8)), rates=[0.0, 0.1])
@settings(max_examples=50, deadline=None)
def test_clv_falls_with_the_discount_rate_and_rises_with_the_horizon(
    fit: models.BgNbdFit, history: tuple[np.ndarray, np.ndarray, np.ndarray],
    rates: list[float],
) -> None:
    x, t_x, T = history
    values = [models.clv(fit, x, t_x, T, 10.0, unit="W", yearly_discount_rate=d)
              for d in sorted(rates)]
    for lower_rate, higher_rate in zip(values, values[1:], strict=False):
        assert (higher_rate <= lower_rate * (1 + 1e-12) + 1e-12).all()
    year = models.clv(fit, x, t_x, T, 10.0, unit="W", months=12, yearly_discount_rate=0.1)
    two = models.clv(fit, x, t_x, T, 10.0, unit="W", months=24, yearly_discount_rate=0.1)
    assert (two >= year - 1e-12).all()


def test_clv_discounts_each_month_from_its_end_with_the_monthly_equivalent_rate() -> None:
    """Worked example: the value of month i is divided by (1 + d)^(i/12)."""
    fit = models.BgNbdFit(0.243, 4.414, 0.793, 2.426, 0.0, 1, 0, 0.0)
    x, t_x, T = [2.0], [30.43], [38.86]
    month = models.UNITS_PER_MONTH["W"]
    cumulative = [models.expected_purchases(fit, i * month, x, t_x, T)[0] for i in range(13)]
    by_hand = sum((cumulative[i] - cumulative[i - 1]) * 20.0 / 1.08 ** (i / 12)
                  for i in range(1, 13))
    got = models.clv(fit, x, t_x, T, 20.0, unit="W", yearly_discount_rate=0.08)[0]
    assert got == pytest.approx(by_hand, rel=1e-12)
    # one period is discounted by (1 + d)^(1/12) whatever its length in time units
    one_month = models.clv(fit, x, t_x, T, 20.0, unit=12 * month, months=1,
                           yearly_discount_rate=0.08)[0]
    assert one_month == pytest.approx(cumulative[12] * 20.0 / 1.08 ** (1 / 12), rel=1e-12)
