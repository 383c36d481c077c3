"""Numerics: independent oracles for the closed forms, gradients, extreme inputs, recovery."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.integrate import quad

from kbworkbook import models
from kbworkbook.errors import ModelError
from kbworkbook.models import bgnbd as bg_module
from kbworkbook.models import gamma_gamma as gg_module
from kbworkbook.models.simulate import simulate_customers

PARAMS = [
    (0.243, 4.414, 0.793, 2.426),  # CDNOW
    (0.3, 2.0, 0.3, 0.5),  # a + b < 1
    (2.0, 10.0, 3.0, 8.0),  # a > 1
    (0.5, 1.0, 1.0, 1.5),  # a = 1: the closed form is 0/0 there
    (1.2, 30.0, 0.2, 0.4),
]
HISTORIES = [(0, 0.0, 10.0), (0, 0.0, 0.0), (2, 30.43, 38.86), (7, 5.0, 38.0), (25, 30.0, 31.0)]


def _individual_level(r: float, alpha: float, a: float, b: float, x: int, t_x: float, T: float,
                      t: float) -> tuple[float, float]:
    """E[Y(t)] and P(alive) by integrating the individual-level BG/NBD (FHL 2005a, eqs. 3, 5, A2).

    λ ~ Gamma(r, α) is integrated in closed form (a Gamma integral), p ~ Beta(a, b) numerically
    with QUADPACK's algebraic-singularity rule; no hypergeometric function is involved. Given
    (λ, p): alive-likelihood (1−p)^x λ^x e^{−λT}, dead-likelihood p(1−p)^{x−1} λ^x e^{−λ t_x},
    E[purchases in (T, T+t] | alive] = (1 − e^{−λpt})/p.
    """
    k = r + x
    weight = {"weight": "alg", "wvar": (a - 1, b - 1), "epsabs": 0, "epsrel": 1e-12}

    def future(p: float) -> float:
        if p == 0:
            return t * k * (alpha + T) ** (-k - 1)
        return (1 - p) ** x * ((alpha + T) ** -k - (alpha + T + p * t) ** -k) / p

    num = quad(future, 0, 1, **weight)[0]
    alive = quad(lambda p: (1 - p) ** x * (alpha + T) ** -k, 0, 1, **weight)[0]
    dead = 0.0
    if x > 0:
        dead = quad(lambda p: p * (1 - p) ** (x - 1) * (alpha + t_x) ** -k, 0, 1, **weight)[0]
    return num / (alive + dead), alive / (alive + dead)


@pytest.mark.parametrize("params", PARAMS)
@pytest.mark.parametrize("history", HISTORIES)
def test_conditional_expectation_and_p_alive_match_numerical_integration(
    params: tuple[float, float, float, float], history: tuple[int, float, float]
) -> None:
    fit = models.BgNbdFit(*params, log_likelihood=0.0, n=1, iterations=0, max_gradient=0.0)
    x, t_x, T = history
    for t in (0.5, 39.0, 400.0):
        expected, alive = _individual_level(*params, x, t_x, T, t)
        got = models.expected_purchases(fit, t, x, t_x, T)[0]
        assert got == pytest.approx(expected, rel=1e-8), t
        assert models.p_alive(fit, x, t_x, T)[0] == pytest.approx(alive, rel=1e-10, abs=1e-300)


def test_log_likelihood_matches_the_formula_written_with_math_lgamma() -> None:
    r, alpha, a, b = 0.5, 6.0, 1.2, 3.3
    rows = [(0, 0.0, 6.0), (3, 4.0, 6.0), (1, 0.5, 2.0)]

    def by_hand(x: int, t_x: float, T: float) -> float:
        # FHL 2005a eq. 6: L = B(a,b+x)/B(a,b) Γ(r+x)α^r/(Γ(r)(α+T)^(r+x))
        #                    + δ B(a+1,b+x−1)/B(a,b) Γ(r+x)α^r/(Γ(r)(α+t_x)^(r+x))
        def beta(p: float, q: float) -> float:
            return math.exp(math.lgamma(p) + math.lgamma(q) - math.lgamma(p + q))

        gam = math.exp(math.lgamma(r + x) - math.lgamma(r)) * alpha**r
        total = beta(a, b + x) / beta(a, b) * gam / (alpha + T) ** (r + x)
        if x > 0:
            total += beta(a + 1, b + x - 1) / beta(a, b) * gam / (alpha + t_x) ** (r + x)
        return math.log(total)

    got = models.bgnbd_log_likelihood(r, alpha, a, b, *map(list, zip(*rows, strict=True)))
    np.testing.assert_allclose(got, [by_hand(*row) for row in rows], rtol=1e-12)


def test_gamma_gamma_log_likelihood_matches_the_gamma_density_by_hand() -> None:
    p, q, v = 6.0, 4.0, 15.0
    x, m = 3, 20.0
    # f(m | p, q, v, x) = Γ(px+q)/(Γ(px)Γ(q)) v^q m^(px−1) x^(px) / (v + x m)^(px+q)
    by_hand = (math.lgamma(p * x + q) - math.lgamma(p * x) - math.lgamma(q) + q * math.log(v)
               + (p * x - 1) * math.log(m) + p * x * math.log(x)
               - (p * x + q) * math.log(v + x * m))
    got = models.gamma_gamma_log_likelihood(p, q, v, [x, 0], [m, 0.0])
    assert got.shape == (1,)  # the customer without repeat purchases is left out
    assert got[0] == pytest.approx(by_hand, rel=1e-13)


def test_fit_log_likelihood_equals_the_sum_over_customers_and_is_a_maximum() -> None:
    rng = np.random.default_rng(7)
    s = simulate_customers(3000, rng.uniform(10, 100, 3000), rng, r=0.4, alpha=8.0, a=0.9,
                           b=3.0, p=5.0, q=3.0, v=20.0)
    fit = models.fit_bgnbd(s["frequency"], s["recency"], s["T"])
    total = models.bgnbd_log_likelihood(fit.r, fit.alpha, fit.a, fit.b, s["frequency"],
                                        s["recency"], s["T"]).sum()
    assert fit.log_likelihood == pytest.approx(total, rel=1e-12)
    for name in ("r", "alpha", "a", "b"):
        for factor in (0.99, 1.01):
            moved = {**fit.params, name: fit.params[name] * factor}
            ll = models.bgnbd_log_likelihood(*moved.values(), s["frequency"], s["recency"],
                                             s["T"]).sum()
            assert ll < fit.log_likelihood, (name, factor)
    gg = models.fit_gamma_gamma(s["frequency"], s["monetary_value"])
    gg_total = models.gamma_gamma_log_likelihood(gg.p, gg.q, gg.v, s["frequency"],
                                                 s["monetary_value"]).sum()
    assert gg.log_likelihood == pytest.approx(gg_total, rel=1e-12)


def test_analytic_gradients_match_finite_differences() -> None:
    rng = np.random.default_rng(3)
    s = simulate_customers(500, rng.uniform(1, 10, 500), rng, r=0.7, alpha=2.0, a=0.6, b=2.0,
                           p=4.0, q=3.0, v=1.0)
    objectives = [
        (bg_module._Objective(s["frequency"].to_numpy(), s["recency"].to_numpy(),
                              s["T"].to_numpy()), np.log([0.5, 1.5, 0.8, 2.5])),
        (gg_module._Objective(s["frequency"].to_numpy()[s["frequency"] > 0],
                              s["monetary_value"].to_numpy()[s["frequency"] > 0]),
         np.log([3.0, 2.0, 0.7])),
    ]
    for objective, theta in objectives:
        _, grad = objective(theta)
        h = 1e-6
        numeric = [
            (objective(theta + h * e)[0] - objective(theta - h * e)[0]) / (2 * h)
            for e in np.eye(theta.size)
        ]
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


def test_frequency_of_ten_thousand_neither_overflows_nor_warns() -> None:
    rng = np.random.default_rng(11)
    s = simulate_customers(2000, 52.0, rng, r=0.3, alpha=5.0, a=0.8, b=2.5, p=6.0, q=4.0,
                           v=15.0)
    x = np.r_[s["frequency"].to_numpy(), 10_000, 20_000]
    t_x = np.r_[s["recency"].to_numpy(), 52.0, 10.0]
    T = np.r_[s["T"].to_numpy(), 52.0, 52.0]
    m = np.r_[s["monetary_value"].to_numpy(), 30.0, 25.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit = models.fit_bgnbd(x, t_x, T)
        gg = models.fit_gamma_gamma(x, m)
        alive = models.p_alive(fit, x[-2:], t_x[-2:], T[-2:])
        future = models.expected_purchases(fit, 52.0, x[-2:], t_x[-2:], T[-2:])
        ll = models.bgnbd_log_likelihood(fit.r, fit.alpha, fit.a, fit.b, x[-2:], t_x[-2:],
                                         T[-2:])
        value = models.clv(fit, x[-2:], t_x[-2:], T[-2:],
                           models.expected_margin(gg, x[-2:], m[-2:]), unit="W")
    for arr in (alive, future, ll, value):
        assert np.isfinite(arr).all()
    # bought 10'000 times, the last time today: alive (P = 1/(1 + a/(b + 9999))); at its pace
    # (~192 a week) it would buy 10'000 times in a year, but after so many purchases the
    # drop-out probability per purchase (≈ a/(b+x) ≈ 1e-4) makes leaving within the year
    # likely: E = E[(1 − e^(−λpt))/p] ≈ 0.7 × the pace
    assert alive[0] == pytest.approx(1 / (1 + fit.a / (fit.b + 9_999)), rel=1e-12)
    pace = 10_000 / 52.0 * 52.0
    assert 0.4 * pace < future[0] < pace
    # 20'000 purchases, then 42 silent weeks: gone, and worth nothing
    assert alive[1] < 1e-300 and future[1] < 1e-300 and value[1] < 1e-300
    assert np.isfinite(fit.log_likelihood) and np.isfinite(gg.log_likelihood)


def test_fits_recover_simulated_parameters() -> None:
    rng = np.random.default_rng(2024)
    n = 40_000
    truth = {"r": 0.5, "alpha": 20.0, "a": 0.8, "b": 2.5}
    s = simulate_customers(n, rng.uniform(60, 730, n), rng, **truth, p=6.0, q=4.0, v=15.0)
    fit = models.fit_bgnbd(s["frequency"], s["recency"], s["T"])
    for name, value in truth.items():
        assert fit.params[name] == pytest.approx(value, rel=0.06), name
    gg = models.fit_gamma_gamma(s["frequency"], s["monetary_value"])
    # p·v/(q−1), the mean value per purchase, is what the data pin down best
    assert gg.population_mean == pytest.approx(6.0 * 15.0 / 3.0, rel=0.03)
    assert gg.p == pytest.approx(6.0, rel=0.1)


def test_warm_start_from_a_subsample_reaches_the_same_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(99)
    n = 45_000  # ≥ 2 × WARM_START_SAMPLE: the fit starts from every 2nd customer's optimum
    s = simulate_customers(n, rng.uniform(30, 400, n), rng, r=0.6, alpha=12.0, a=1.3, b=4.0,
                           p=5.0, q=3.0, v=20.0)
    warm_bg = models.fit_bgnbd(s["frequency"], s["recency"], s["T"])
    warm_gg = models.fit_gamma_gamma(s["frequency"], s["monetary_value"])
    monkeypatch.setattr(bg_module, "WARM_START_SAMPLE", 10**9)
    monkeypatch.setattr(gg_module, "WARM_START_SAMPLE", 10**9)
    cold_bg = models.fit_bgnbd(s["frequency"], s["recency"], s["T"])
    cold_gg = models.fit_gamma_gamma(s["frequency"], s["monetary_value"])
    assert warm_bg.iterations < cold_bg.iterations
    for name, value in cold_bg.params.items():
        assert warm_bg.params[name] == pytest.approx(value, rel=1e-7), name
    for name, value in cold_gg.params.items():
        assert warm_gg.params[name] == pytest.approx(value, rel=1e-6), name


def test_fit_is_invariant_under_a_change_of_time_unit() -> None:
    rng = np.random.default_rng(5)
    s = simulate_customers(3000, rng.uniform(30, 365, 3000), rng, r=0.4, alpha=15.0, a=0.7,
                           b=2.0)
    days = models.fit_bgnbd(s["frequency"], s["recency"], s["T"])
    weeks = models.fit_bgnbd(s["frequency"], s["recency"] / 7, s["T"] / 7)
    # equal up to the optimiser's tolerance (the scaled inputs differ only by rounding)
    assert weeks.alpha == pytest.approx(days.alpha / 7, rel=1e-7)
    for name in ("r", "a", "b"):
        assert getattr(weeks, name) == pytest.approx(getattr(days, name), rel=1e-7)
    # the likelihood of the purchase times changes by the Jacobian 7^(Σx)
    assert weeks.log_likelihood == pytest.approx(
        days.log_likelihood + s["frequency"].sum() * math.log(7), rel=1e-10)


def test_fit_that_cannot_pin_down_the_parameters_raises_a_german_model_error() -> None:
    # nobody ever bought again: nothing to learn about drop-out
    with pytest.raises(ModelError, match="BG/NBD: .*nicht bestimmt|konvergiert nicht"):
        models.fit_bgnbd(np.zeros(50), np.zeros(50), np.full(50, 30.0))
    # all customers buy at the same steady pace and never stop
    with pytest.raises(ModelError, match="BG/NBD"):
        models.fit_bgnbd(np.full(50, 30.0), np.full(50, 29.9), np.full(50, 30.0))
    # every repeat buyer spends exactly the same: the spread across customers is zero
    with pytest.raises(ModelError, match="Gamma-Gamma: .*(nicht bestimmt|konvergiert nicht)"):
        models.fit_gamma_gamma(np.full(30, 3.0), np.full(30, 20.0))


@pytest.mark.parametrize(("r", "alpha", "a", "b"), [
    (1.15, 0.125, 1.15, 5.0),  # r = a: c − a − b of the hypergeometric term is an integer
    (2.0, 0.5, 1.0 + 1e-4, 3.0),  # a ≈ 1 and r − a ≈ 1
    (0.243, 4.414, 0.793, 2.426),  # CDNOW (the ordinary case)
])
@pytest.mark.parametrize("t", [10.0, 100.0, 1000.0])
def test_expected_purchases_agree_with_the_model_integrated_numerically(
        r: float, alpha: float, a: float, b: float, t: float) -> None:
    """E[X(t)] of a new customer = ∫₀¹ [1 − (α/(α + p·t))^r] / p · beta(p; a, b) dp (the
    Poisson–gamma part integrated in closed form, the beta part numerically with scipy –
    independent of the hypergeometric closed form); equal to E[Y(t) | 0, 0, 0].

    scipy's hyp2f1 alone returns NaN or a wrong value near z = 1 in the first case (found by
    hypothesis as a NaN customer value for a customer whose first purchase is the Stichtag).
    """
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)

    def integrand(p: float) -> float:
        if p == 0.0:
            return 0.0
        bought = -math.expm1(-r * math.log1p(p * t / alpha))
        return bought / p * math.exp((a - 1) * math.log(p) + (b - 1) * math.log1p(-p) - log_beta)

    exact = quad(integrand, 0.0, 1.0, epsabs=1e-12, epsrel=1e-12, limit=200)[0]
    fit = models.BgNbdFit(r, alpha, a, b, 0.0, 1, 0, 0.0)
    zero = np.zeros(2)
    assert models.expected_purchases_new(fit, t)[0] == pytest.approx(exact, rel=1e-6)
    assert models.expected_purchases(fit, t, zero, zero, zero) == pytest.approx(
        [exact, exact], rel=1e-6)


def test_a_history_the_closed_form_cannot_evaluate_still_gets_a_finite_expectation() -> None:
    """x = 100 repeat purchases with recency = T = 0: scipy's hyp2f1 gives NaN in both the
    direct and Pfaff's form from t ≈ 10 on; the expectation is then integrated over p. It
    keeps rising with the horizon and stays below what an always-alive customer would buy."""
    fit = models.BgNbdFit(1.0, 1.0, 2.0, 5.0, 0.0, 1, 0, 0.0)
    x, zero = np.array([100.0]), np.zeros(1)
    values = [float(models.expected_purchases(fit, t, x, zero, zero)[0])
              for t in (1.0, 4.3, 10.0, 100.0, 1000.0)]
    assert all(math.isfinite(v) for v in values)
    assert values == sorted(values)
    # λ | x ~ Gamma(101, 1): an alive customer buys ~101 per unit of time until he drops out
    # t = 1: the closed form still works (E[Y | alive] = 51.71377403) and P(alive) =
    # 1 / (1 + a/(b + x − 1)) = 104/106 when recency = T (FHL 2005, eq. 11)
    assert values[0] == pytest.approx(51.71377403 * 104 / 106, rel=1e-8)


@pytest.mark.parametrize(("r", "alpha", "a", "b", "x", "z"), [
    (0.243, 4.414, 0.793, 2.426, 2.0, 0.5),
    (0.243, 4.414, 0.793, 2.426, 25.0, 0.99),
    (2.0, 10.0, 3.0, 8.0, 7.0, 0.2),
    (0.3, 2.0, 0.3, 0.5, 0.0, 0.9),
])
def test_the_integral_fallback_agrees_with_the_closed_form(
        r: float, alpha: float, a: float, b: float, x: float, z: float) -> None:
    fit = models.BgNbdFit(r, alpha, a, b, 0.0, 1, 0, 0.0)
    closed = bg_module._hyp_term(fit, np.array([x]), np.array([z]))[0]
    assert bg_module._term_by_integration(r, a, b, x, z) == pytest.approx(closed, rel=1e-7)
