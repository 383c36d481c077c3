"""Gamma-Gamma model of the value per purchase (Fader, Hardie & Lee 2005, "RFM and CLV: Using
Iso-Value Curves for Customer Base Analysis", JMR 42(4); Fader & Hardie, note 025).

Assumption, in plain words: each customer has a personal average value per purchase that does
not change over time and does *not* depend on how often the customer buys (check: the
correlation of frequency and average value among repeat buyers should be close to 0, see
:func:`kbworkbook.models.check_data`). Single purchase values vary around the personal average
(Gamma(p, ν)); the personal scale ν varies between customers (Gamma(q, γ)).

Inputs: ``frequency`` = repeat purchases (lifetimes' convention), ``monetary_value`` = the
customer's mean value of those repeat purchases (revenue or margin, any currency, > 0). Only
customers with frequency > 0 enter the fit. ``v`` (the paper's γ) is in the inputs' currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from kbworkbook.errors import ModelError, Text
from kbworkbook.models._common import (
    WARM_START_SAMPLE,
    as_float_array,
    dot,
    fit_log_params,
    frequency_array,
    raise_rows,
)

__all__ = [
    "GammaGammaFit",
    "expected_margin",
    "fit_gamma_gamma",
    "gamma_gamma_log_likelihood",
]

_WHAT = "gamma_gamma"


@dataclass(frozen=True)
class GammaGammaFit:
    """Fitted Gamma-Gamma parameters and how the fit went.

    ``p``: shape of one purchase's value around the customer's mean; ``q``, ``v``: shape and
    scale (currency) of the customers' value scales. Population mean value per purchase
    p·v/(q−1) (defined for q > 1). ``log_likelihood``: maximised total log-likelihood of the
    observed mean values (natural log, inputs' currency); ``n``: repeat buyers used;
    ``iterations``, ``max_gradient`` as for :class:`~kbworkbook.models.BgNbdFit`.
    """

    p: float
    q: float
    v: float
    log_likelihood: float
    n: int
    iterations: int
    max_gradient: float

    @property
    def params(self) -> dict[str, float]:
        """``{"p": …, "q": …, "v": …}``."""
        return {"p": self.p, "q": self.q, "v": self.v}

    @property
    def population_mean(self) -> float:
        """Mean value per purchase across customers, p·v/(q−1); needs q > 1."""
        _require_mean(self)
        return self.p * self.v / (self.q - 1.0)


def _require_mean(fit: GammaGammaFit) -> None:
    if not fit.q > 1.0:
        raise ModelError("gamma_gamma.q_at_most_one", q=round(float(fit.q), 3))


def _checked(frequency: Any, monetary_value: Any, fix: Text) -> tuple[np.ndarray, np.ndarray]:
    """frequency and monetary_value as arrays of one length; a repeat buyer's value must be
    positive (``fix`` says what to do otherwise)."""
    x = frequency_array(frequency, _WHAT)
    m = as_float_array(monetary_value, "monetary_value", _WHAT)
    if x.size != m.size:
        raise ModelError("gamma_gamma.lengths")
    raise_rows(_WHAT, monetary_value, (x > 0) & (m <= 0),
               Text("gamma_gamma.problem.value_not_positive"), fix)
    return x, m


def _repeat_buyers(frequency: Any, monetary_value: Any) -> tuple[np.ndarray, np.ndarray]:
    x, m = _checked(frequency, monetary_value, Text("gamma_gamma.fix.drop_net_returns"))
    keep = x > 0
    return x[keep], m[keep]


def gamma_gamma_log_likelihood(
    p: float, q: float, v: float, frequency: Any, monetary_value: Any
) -> np.ndarray:
    """Log-likelihood of each repeat buyer's mean value (customers with frequency 0 left out).

    ``ln f = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln m + px ln x
    − (px+q) ln(v + x m)``.
    """
    if not all(np.isfinite(k) and k > 0 for k in (p, q, v)):
        raise ModelError("model.params_positive", what=Text(f"what.{_WHAT}"),
                         names=["p", "q", "v"])
    from scipy.special import gammaln

    x, m = _repeat_buyers(frequency, monetary_value)
    px = p * x
    return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v)
            + (px - 1.0) * np.log(m) + px * np.log(x) - (px + q) * np.log(v + x * m))


class _Objective:
    """Mean negative log-likelihood in log-parameters; Γ terms once per distinct frequency."""

    def __init__(self, x: np.ndarray, m: np.ndarray) -> None:
        self.n = x.size
        self.x = x
        self.xm = x * m
        self.xu, inv, cnt = np.unique(x, return_inverse=True, return_counts=True)
        self.cnt = cnt.astype("float64")
        self.xcnt = self.xu * self.cnt
        log_m = np.log(m)
        self.sum_log_m = float(log_m.sum())
        self.sum_x_log_mx = float(dot(x, log_m + np.log(x)))

    def __call__(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        from scipy.special import digamma, gammaln

        p, q, v = np.exp(theta)
        pxu = p * self.xu
        lg = np.log(v + self.xm)
        sum_lg = lg.sum()
        sum_x_lg = dot(self.x, lg)
        ll = (dot(self.cnt, gammaln(pxu + q) - gammaln(pxu)) - self.n * gammaln(q)
              + self.n * q * np.log(v) + p * self.sum_x_log_mx - self.sum_log_m
              - p * sum_x_lg - q * sum_lg)
        psi = digamma(pxu + q)
        g = np.array([
            dot(self.xcnt, psi - digamma(pxu)) + self.sum_x_log_mx - sum_x_lg,
            dot(self.cnt, psi) - self.n * digamma(q) + self.n * np.log(v) - sum_lg,
            self.n * q / v - dot(p * self.x + q, 1.0 / (v + self.xm)),
        ])
        return -ll / self.n, -(g * np.array([p, q, v])) / self.n


def fit_gamma_gamma(frequency: Any, monetary_value: Any) -> GammaGammaFit:
    """Maximum-likelihood Gamma-Gamma parameters from repeat buyers' mean purchase values.

    Customers with frequency 0 are ignored. Values are rescaled internally to mean 1 (``v``
    is returned in the inputs' currency); start values p = q = v = 1 on that scale (from
    40'000 repeat buyers on, the optimum of every k-th of them, ~20'000). Raises
    :class:`~kbworkbook.errors.ModelError` for invalid inputs, fewer than 2 repeat buyers and
    when the fit does not converge.
    """
    x, m = _repeat_buyers(frequency, monetary_value)
    if x.size < 2:
        raise ModelError("gamma_gamma.too_few_repeat_buyers", n=x.size)
    scale = 1.0 / float(m.mean())
    m_s = m * scale
    objective = _Objective(x, m_s)
    step = x.size // WARM_START_SAMPLE
    warm = _Objective(x[::step], m_s[::step]) if step >= 2 else None
    opt = fit_log_params(objective, [0.0, 0.0, 0.0], ["p", "q", "v"], _WHAT, warm=warm)
    p, q, v_scaled = np.exp(opt.log_params)
    # each customer's density of the mean value picks up a factor 1/scale
    log_lik = opt.mean_log_likelihood * x.size + x.size * np.log(scale)
    return GammaGammaFit(
        p=float(p), q=float(q), v=float(v_scaled / scale), log_likelihood=float(log_lik),
        n=int(x.size), iterations=opt.iterations, max_gradient=opt.max_gradient,
    )


def expected_margin(fit: GammaGammaFit, frequency: Any, monetary_value: Any) -> np.ndarray:
    """Expected average value per future purchase of each customer (Gamma-Gamma, eq. 5).

    ``E[M | x, m] = p(v + x·m)/(px + q − 1)`` – a weighted mean of the population mean
    p·v/(q−1) and the customer's own mean m, the weight of m growing with x. Customers with
    frequency 0 get the population mean (their monetary_value is ignored). In the currency of
    the inputs: margin if margins were fitted, revenue if revenue. Needs q > 1.
    """
    _require_mean(fit)
    x, m = _checked(frequency, monetary_value, Text("gamma_gamma.fix.positive"))
    own = np.where(x > 0, m, 0.0)
    return fit.p * (fit.v + x * own) / (fit.p * x + fit.q - 1.0)
