"""BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting Your Customers the
Easy Way", Marketing Science 24(2)).

Assumption, in plain words: the business is *non-contractual* – customers do not cancel, they
simply stop buying – and a customer can buy *at any time*. While "alive", a customer buys at
a steady personal rate λ (Poisson; λ varies between customers as Gamma(r, α)); after every
purchase the customer drops out with a personal probability p (p varies as Beta(a, b)).

Inputs follow lifetimes' conventions, in any one time unit (days, weeks …):

* ``frequency`` – repeat purchases: purchase periods after the first (whole number ≥ 0);
* ``recency`` – time from the first to the last purchase (0 when frequency is 0);
* ``T`` – time from the first purchase to the end of the observation (≥ recency).

``alpha`` and every horizon ``t`` are in that same unit; ``r``, ``a``, ``b`` have no unit.
Functions return float64 numpy arrays in the order of the inputs.

Numerics: the log-likelihood (FHL 2005, eq. 6) is evaluated in log space with
``scipy.special`` (``gammaln``, ``betaln``, ``logaddexp``), so frequencies of 10^4 and more
neither overflow nor underflow; terms that depend on the frequency only are computed once per
distinct frequency. The conditional expectation (FHL 2005, eq. 10) uses Euler's
transformation of the Gauss hypergeometric function,
``₂F₁(r+x, b+x; a+b+x−1; z) = (1−z)^(a−1−r−x) ₂F₁(a+b−1−r, a−1; a+b+x−1; z)``, whose
first two arguments stay small however large x is.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kbworkbook.errors import ModelError, Text
from kbworkbook.models._common import (
    WARM_START_SAMPLE,
    as_float_array,
    check_summary,
    dot,
    fit_log_params,
)

__all__ = [
    "BgNbdFit",
    "ConditionalPath",
    "bgnbd_log_likelihood",
    "expected_purchases",
    "expected_purchases_new",
    "fit_bgnbd",
    "p_alive",
]

_WHAT = "bgnbd"
#: Internal time unit: the longest T becomes 10 (conditioning only; results are rescaled).
_SCALE_TARGET = 10.0
#: Half-width of the interval around a = 1 where the conditional expectation is interpolated.
_A_NEAR_ONE = 1e-5


@dataclass(frozen=True)
class BgNbdFit:
    """Fitted BG/NBD parameters and how the fit went.

    ``r``, ``alpha``: Gamma shape and scale of the purchase rates (``alpha`` in the time unit
    of the inputs; mean rate r/alpha purchases per unit). ``a``, ``b``: Beta parameters of
    the drop-out probability after each purchase (mean a/(a+b)). ``log_likelihood``: the
    maximised total log-likelihood (natural log, inputs' time unit), ``n`` customers,
    ``iterations`` of L-BFGS-B, ``max_gradient``: largest |∂ mean log-likelihood / ∂ log θ|
    at the optimum (a convergence check; below 1e-5 or the fit is refused).
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n: int
    iterations: int
    max_gradient: float

    @property
    def params(self) -> dict[str, float]:
        """``{"r": …, "alpha": …, "a": …, "b": …}``."""
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


def bgnbd_log_likelihood(
    r: float, alpha: float, a: float, b: float, frequency: Any, recency: Any, T: Any
) -> np.ndarray:
    """Log-likelihood of each customer's history under the given parameters (FHL 2005, eq. 6).

    ``ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
    + ln[(α+T)^−(r+x) + 1{x>0} · a/(b+x−1) · (α+t_x)^−(r+x)]``.
    """
    from scipy.special import betaln, gammaln

    _check_params(r, alpha, a, b)
    x, tx, t_obs = check_summary(frequency, recency, T, _WHAT)
    c = r + x
    head = gammaln(c) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b)
    log_a = -c * np.log(alpha + t_obs)
    with np.errstate(divide="ignore"):
        log_b = np.log(a) - np.log(b + np.maximum(x, 1.0) - 1.0) - c * np.log(alpha + tx)
    return head + np.where(x > 0, np.logaddexp(log_a, log_b), log_a)


def _check_params(r: float, alpha: float, a: float, b: float) -> None:
    values = {"r": r, "alpha": alpha, "a": a, "b": b}
    bad = [k for k, v in values.items() if not (np.isfinite(v) and v > 0)]
    if bad:
        raise ModelError("model.params_positive", what=Text(f"what.{_WHAT}"), names=bad)


class _Objective:
    """Mean negative log-likelihood and its gradient in log-parameters, on scaled times.

    Customers without repeat purchases contribute ``r ln α − r ln(α+T)`` only and are grouped
    by T; for the others, the frequency-only terms are computed per distinct frequency.
    """

    def __init__(self, x: np.ndarray, tx: np.ndarray, t_obs: np.ndarray) -> None:
        zero = x == 0
        self.n = x.size
        self.t0, self.c0 = np.unique(t_obs[zero], return_counts=True)
        self.n0 = int(zero.sum())
        rep = ~zero
        self.x1 = x[rep]
        self.tx1 = tx[rep]
        self.t1 = t_obs[rep]
        self.n1 = self.x1.size
        self.xu, inv, cnt = np.unique(self.x1, return_inverse=True, return_counts=True)
        self.inv = inv.astype(np.intp)
        self.cnt = cnt.astype("float64")

    def __call__(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        from scipy.special import betaln, digamma, expit, gammaln

        r, alpha, a, b = np.exp(theta)
        log_alpha = np.log(alpha)
        ll = 0.0
        g = np.zeros(4)
        # customers without repeat purchases: r ln α − r ln(α+T), grouped by T
        if self.n0:
            l0 = np.log(alpha + self.t0)
            ll += self.n0 * r * log_alpha - r * dot(self.c0, l0)
            g[0] += self.n0 * log_alpha - dot(self.c0, l0)
            g[1] += self.n0 * r / alpha - r * dot(self.c0, 1.0 / (alpha + self.t0))
        if self.n1:
            xu, cnt = self.xu, self.cnt
            head = gammaln(r + xu) - gammaln(r) + betaln(a, b + xu) - betaln(a, b)
            lab = np.log(a) - np.log(b + xu - 1.0)
            c = r + self.x1
            l_t = np.log(alpha + self.t1)
            diff = np.log(alpha + self.tx1) - l_t  # ≤ 0
            d = lab[self.inv] - c * diff  # log of (B-term / A-term)
            w = expit(d)  # weight of the "dropped out after the last purchase" branch
            ll += dot(cnt, head) + self.n1 * r * log_alpha - dot(c, l_t) \
                + np.logaddexp(0.0, d).sum()
            psi_ab = digamma(a + b)
            g[0] += dot(cnt, digamma(r + xu) - digamma(r)) + self.n1 * log_alpha - l_t.sum() \
                - dot(w, diff)
            inv_t = 1.0 / (alpha + self.t1)
            g[1] += self.n1 * r / alpha - dot(c, inv_t + w * (1.0 / (alpha + self.tx1) - inv_t))
            w_by_x = np.bincount(self.inv, weights=w, minlength=xu.size)
            g[2] += dot(cnt, psi_ab - digamma(a + b + xu)) + w_by_x.sum() / a
            g[3] += dot(cnt, digamma(b + xu) - digamma(a + b + xu) - digamma(b) + psi_ab) \
                - dot(w_by_x, 1.0 / (b + xu - 1.0))
        params = np.array([r, alpha, a, b])
        return -ll / self.n, -(g * params) / self.n


def fit_bgnbd(frequency: Any, recency: Any, T: Any) -> BgNbdFit:
    """Maximum-likelihood BG/NBD parameters for customers' (frequency, recency, T).

    See the module docstring for the input conventions. Times are rescaled internally so that
    the longest T is 10 (``alpha`` is returned in the inputs' unit, so the result does not
    depend on the unit chosen); start values r = α = a = b = 1 on that scale. From 40'000
    customers on, the fit first runs on every k-th customer (~20'000) and starts from that
    optimum. Raises
    :class:`~kbworkbook.errors.ModelError` for invalid inputs and when the fit does not
    converge.
    """
    x, tx, t_obs = check_summary(frequency, recency, T, _WHAT)
    t_max = float(t_obs.max())
    if t_max <= 0:
        raise ModelError("bgnbd.all_t_zero")
    scale = _SCALE_TARGET / t_max
    x_s, t_s = tx * scale, t_obs * scale
    objective = _Objective(x, x_s, t_s)
    step = x.size // WARM_START_SAMPLE
    warm = _Objective(x[::step], x_s[::step], t_s[::step]) if step >= 2 else None
    opt = fit_log_params(objective, [0.0, 0.0, 0.0, 0.0], ["r", "alpha", "a", "b"], _WHAT,
                         warm=warm)
    r, alpha_scaled, a, b = np.exp(opt.log_params)
    # the density of the purchase times picks up 1/scale per repeat purchase
    log_lik = opt.mean_log_likelihood * x.size + float(x.sum()) * np.log(scale)
    return BgNbdFit(
        r=float(r), alpha=float(alpha_scaled / scale), a=float(a), b=float(b),
        log_likelihood=float(log_lik), n=int(x.size), iterations=opt.iterations,
        max_gradient=opt.max_gradient,
    )


def _log_odds_dead(
    fit: BgNbdFit, x: np.ndarray, tx: np.ndarray, t_obs: np.ndarray
) -> np.ndarray:
    """ln[a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)] for x > 0 (−inf for x = 0)."""
    with np.errstate(divide="ignore"):
        lab = np.log(fit.a) - np.log(fit.b + np.maximum(x, 1.0) - 1.0)
    ratio = np.log1p((t_obs - tx) / (fit.alpha + tx))
    return np.where(x > 0, lab + (fit.r + x) * ratio, -np.inf)


def p_alive(fit: BgNbdFit, frequency: Any, recency: Any, T: Any) -> np.ndarray:
    """Probability that each customer is still "alive" (will buy again) at the end of T.

    ``P = 1 / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))`` (FHL 2005, eq. 11; Fader &
    Hardie, note 021). Exactly 1 for customers without repeat purchases: in the BG/NBD a
    customer can only drop out right after a purchase.
    """
    x, tx, t_obs = check_summary(frequency, recency, T, _WHAT)
    return _alive(_log_odds_dead(fit, x, tx, t_obs))


def _alive(log_odds_dead: np.ndarray) -> np.ndarray:
    """1 / (1 + e^L) without overflow (L = −inf gives 1); numpy only, so scoring a cached fit
    needs no scipy import."""
    return np.exp(-np.logaddexp(0.0, log_odds_dead))


def _hyp_term(fit: BgNbdFit, x: np.ndarray, z: np.ndarray) -> np.ndarray:
    """(a+b+x−1)/(a−1) · [1 − (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z)].

    At a = 1 the quotient is 0/0 (its limit is finite): for |a − 1| < 1e-5 the term is
    interpolated linearly between a = 1 ± 1e-5 (error of order 1e-10).
    """
    if abs(fit.a - 1.0) < _A_NEAR_ONE:
        lo = _hyp_term_at(fit.r, 1.0 - _A_NEAR_ONE, fit.b, x, z)
        hi = _hyp_term_at(fit.r, 1.0 + _A_NEAR_ONE, fit.b, x, z)
        weight = (fit.a - 1.0 + _A_NEAR_ONE) / (2 * _A_NEAR_ONE)
        return lo + weight * (hi - lo)
    return _hyp_term_at(fit.r, fit.a, fit.b, x, z)


def _hyp_term_at(r: float, a: float, b: float, x: np.ndarray, z: np.ndarray) -> np.ndarray:
    from scipy.special import hyp2f1

    x, z = np.broadcast_arrays(np.asarray(x, dtype="float64"), np.asarray(z, dtype="float64"))
    c = a + b + x - 1.0
    hyp = hyp2f1(a + b - 1.0 - r, a - 1.0, c, z)
    inner = (a - 1.0) * np.log1p(-z)
    with np.errstate(divide="ignore", invalid="ignore"):
        # 1 − e^inner·F without cancellation where F > 0 (the usual case)
        bracket = np.where(hyp > 0, -np.expm1(inner + np.log(hyp)), 1.0 - np.exp(inner) * hyp)
    # scipy's hyp2f1 can be NaN or plainly wrong near z = 1 when c − A − B = x + r − a + 1 is
    # an integer (the logarithmic case; e.g. r = a). There, Pfaff's transformation
    # (1−z)^B·₂F₁(A, B; C; z) = ₂F₁(C − A, B; C; z/(z − 1)) is evaluated as well and used where
    # the two disagree (checked against mpmath: max. relative error 3e-6 over 11'000 cases,
    # half of them degenerate, against inf for the direct form alone).
    gap = x + r - a + 1.0
    suspect = ~np.isfinite(bracket) | (np.abs(gap - np.round(gap)) < 0.01)
    if suspect.any():
        zs, cs = z[suspect], c[suspect]
        here = bracket[suspect]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            other = 1.0 - hyp2f1(r + x[suspect], a - 1.0, cs, zs / (zs - 1.0))
            wrong = ~np.isfinite(here) | (np.abs(here - other) > 1e-3 * np.abs(other))
        bracket = bracket.copy()
        bracket[np.flatnonzero(suspect)[wrong]] = other[wrong]
    with np.errstate(invalid="ignore", over="ignore"):  # c = 0 (a + b + x = 1): 0 · inf
        term = c / (a - 1.0) * bracket
    lost = np.flatnonzero(~np.isfinite(term))
    if lost.size:  # both forms fail (x ≈ 100 with recency = T = 0; c = 0): integrate
        term = term.copy()
        for i in lost:
            term[i] = _term_by_integration(r, a, b, float(x[i]), float(z[i]))
    return term


def _term_by_integration(r: float, a: float, b: float, x: float, z: float) -> float:
    """E[Y(t) | alive, x, T] by integrating over p: given alive, λ ~ Gamma(r + x, α + T) and
    p ~ Beta(a, b + x), so E = ∫₀¹ [1 − ((1−z)/(1−z+p·z))^(r+x)] / p · beta(p; a, b + x) dp
    with z = t/(α + T + t). Slow (scipy's quad); only for what the closed form cannot give."""
    from scipy.integrate import IntegrationWarning, quad
    from scipy.special import betaln

    if z <= 0.0:
        return 0.0
    shape = r + x

    def bought_per_p(p: float) -> float:  # [1 − ((1−z)/(1−z+p·z))^(r+x)] / p, smooth on [0, 1]
        if p <= 0.0:
            return shape * z / (1.0 - z)
        return float(-np.expm1(shape * (np.log1p(-z) - np.log1p(-z + p * z))) / p)

    # the beta density's p^(a−1)·(1−p)^(b+x−1) as quad's algebraic weight (QAWS): exact at
    # the endpoints where it is singular (a < 1, b + x < 1)
    with warnings.catch_warnings():
        # asked for 1e-11; roundoff can stop quad short of that (it warns): the estimate of
        # the error it reaches decides below
        warnings.simplefilter("ignore", IntegrationWarning)
        value, error = quad(bought_per_p, 0.0, 1.0, weight="alg", wvar=(a - 1.0, b + x - 1.0),
                            epsabs=1e-13, epsrel=1e-11, limit=200)[:2]
    if not error <= 1e-8 * abs(value) + 1e-12:
        raise ModelError("bgnbd.integration_inexact", error=float(error))
    return float(value * np.exp(-betaln(a, b + x)))


def _horizons(t: Any) -> np.ndarray:
    horizon = as_float_array(t, "t", _WHAT)
    if (horizon < 0).any():
        raise ModelError("bgnbd.negative_horizon")
    return horizon


def expected_purchases(
    fit: BgNbdFit, t: float, frequency: Any, recency: Any, T: Any
) -> np.ndarray:
    """Expected purchases of each customer in the next ``t`` time units (after the end of T).

    FHL 2005, eq. 10: ``E[Y(t) | x, t_x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x)
    ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive)``, evaluated in the transformed form of the
    module docstring. ``t`` is a scalar ≥ 0 in the inputs' time unit.
    """
    horizon = _horizons(t)
    if horizon.size != 1:
        raise ModelError("bgnbd.horizon_scalar")
    x, tx, t_obs = check_summary(frequency, recency, T, _WHAT)
    return ConditionalPath(fit, x, tx, t_obs).at(float(horizon[0]))


class ConditionalPath:
    """E[Y(t) | history] of many customers for several horizons t (validated float inputs).

    P(alive) is computed once; the hypergeometric term depends on (x, T) only and is
    evaluated once per distinct pair when that at least halves the work (real data in whole
    days repeat pairs a lot).
    """

    def __init__(self, fit: BgNbdFit, x: np.ndarray, tx: np.ndarray, t_obs: np.ndarray) -> None:
        self.fit = fit
        self.alive = _alive(_log_odds_dead(fit, x, tx, t_obs))
        pairs = np.ascontiguousarray(np.stack([x, t_obs], axis=1)).view(np.complex128).ravel()
        codes, uniques = pd.factorize(pairs)
        self.dedupe = len(uniques) * 2 <= x.size
        if self.dedupe:
            uniq = np.asarray(uniques)
            self.codes = codes
            self.x, self.t_obs = uniq.real.copy(), uniq.imag.copy()
        else:
            self.x, self.t_obs = x, t_obs

    def at(self, t: float) -> np.ndarray:
        """Expected purchases in (T, T + t] per customer (t ≥ 0)."""
        if t == 0:
            return np.zeros_like(self.alive)
        term = _hyp_term(self.fit, self.x, t / (self.fit.alpha + self.t_obs + t))
        return (term[self.codes] if self.dedupe else term) * self.alive


def expected_purchases_new(fit: BgNbdFit, t: Any) -> np.ndarray:
    """Expected repeat purchases of a new customer within ``t`` time units of the first one.

    FHL 2005, eq. 9: ``E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))]``.
    ``t`` may be a scalar or an array of horizons (≥ 0).
    """
    horizon = _horizons(t)
    z = horizon / (fit.alpha + horizon)
    return np.where(horizon > 0, _hyp_term(fit, np.zeros_like(z), z), 0.0)
