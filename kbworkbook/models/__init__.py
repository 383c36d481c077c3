"""Probabilistic customer value: BG/NBD (who is still a customer, how many purchases to come)
and Gamma-Gamma (value per purchase), and the CLV built from both.

Pure functions: arrays/Series or canonical frames in, numpy arrays, frames or frozen
dataclasses out; no I/O. Typical use::

    from kbworkbook import models
    s = models.rfm_summary(transactions, as_of="2025-12-31", unit="D")
    gate = models.check_data(s, unit="D")  # German reasons when a model must not be used
    bg = models.fit_bgnbd(s["frequency"], s["recency"], s["T"])
    alive = models.p_alive(bg, s["frequency"], s["recency"], s["T"])
    next_year = models.expected_purchases(bg, 365.25, s["frequency"], s["recency"], s["T"])
    gg = models.fit_gamma_gamma(s["frequency"], s["monetary_value"])
    margin = models.expected_margin(gg, s["frequency"], s["monetary_value"])
    value = models.clv(bg, s["frequency"], s["recency"], s["T"], margin, unit="D",
                       months=12, yearly_discount_rate=0.08)

The models assume a non-contractual business (customers stop buying without cancelling) in
which customers can buy at any time.

scipy is imported inside the functions that compute, not with the modules: a chapter that only
reads a fit from the analysis cache does not pay for its import (about 0.3 s per kernel).
"""

from kbworkbook.models.bgnbd import (
    BgNbdFit,
    bgnbd_log_likelihood,
    expected_purchases,
    expected_purchases_new,
    fit_bgnbd,
    p_alive,
)
from kbworkbook.models.clv import UNITS_PER_MONTH, clv, units_per_month
from kbworkbook.models.gamma_gamma import (
    GammaGammaFit,
    expected_margin,
    fit_gamma_gamma,
    gamma_gamma_log_likelihood,
)
from kbworkbook.models.sufficiency import (
    DataSufficiency,
    GateIssue,
    Thresholds,
    check_data,
    model_assumptions,
)
from kbworkbook.models.summary import UNIT_DAYS, rfm_summary
from kbworkbook.models.validation import HoldoutCheck, holdout_check

__all__ = [
    "UNITS_PER_MONTH",
    "UNIT_DAYS",
    "BgNbdFit",
    "DataSufficiency",
    "GammaGammaFit",
    "GateIssue",
    "HoldoutCheck",
    "Thresholds",
    "bgnbd_log_likelihood",
    "check_data",
    "clv",
    "expected_margin",
    "expected_purchases",
    "expected_purchases_new",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gamma_gamma_log_likelihood",
    "holdout_check",
    "model_assumptions",
    "p_alive",
    "rfm_summary",
    "units_per_month",
]
