"""Probabilistic customer lifetime value: BG/NBD purchases × value per purchase, discounted.

For each customer (history ``frequency``, ``recency``, ``T`` in one time unit) and each month
i = 1 … ``months`` after the end of T::

    CLV = Σ_i  margin · (E[Y(i·u)] − E[Y((i−1)·u)]) / (1 + d)^(i/12)

with E[Y(t)] the BG/NBD conditional expected purchases (:func:`expected_purchases`), u the
length of a month in the time unit, ``margin`` the value per purchase (usually the
Gamma-Gamma :func:`expected_margin`) and d the *yearly* discount rate.

Discounting convention: each month's expected value is discounted from the END of that month
with the monthly rate equivalent to the yearly rate, (1 + d)^(1/12) − 1; so the value of
month 12 is divided by exactly 1 + d, and d = 0 gives margin × E[Y(months·u)]. (lifetimes'
``customer_lifetime_value`` uses the same end-of-month scheme with a monthly rate; its
``discount_rate=0.01`` equals d = 1.01^12 − 1 ≈ 12.68 % here.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kbworkbook.errors import ModelError
from kbworkbook.models._common import as_float_array, check_summary
from kbworkbook.models.bgnbd import BgNbdFit, ConditionalPath

__all__ = ["UNITS_PER_MONTH", "clv", "units_per_month"]

#: Length of a month (365.25 / 12 days) in the supported time units of ``rfm_summary``.
UNITS_PER_MONTH: dict[str, float] = {"D": 365.25 / 12, "W": 365.25 / 12 / 7, "M": 1.0}


def units_per_month(unit: str | float) -> float:
    """Time units per month: ``"D"`` 30.4375, ``"W"`` ≈ 4.348, ``"M"`` 1, or a number > 0."""
    if isinstance(unit, str):
        if unit not in UNITS_PER_MONTH:
            raise ModelError("model_clv.unknown_unit", unit=unit)
        return UNITS_PER_MONTH[unit]
    value = float(unit)
    if not (np.isfinite(value) and value > 0):
        raise ModelError("model_clv.units_positive")
    return value


def clv(
    bgnbd: BgNbdFit,
    frequency: Any,
    recency: Any,
    T: Any,
    margin_per_purchase: Any,
    *,
    unit: str | float = "D",
    months: int = 12,
    yearly_discount_rate: float = 0.0,
) -> np.ndarray:
    """Discounted expected value of each customer over the next ``months`` months.

    ``unit`` is the time unit of recency and T (``"D"``, ``"W"``, ``"M"`` or time units per
    month, see :func:`units_per_month`); ``margin_per_purchase`` a scalar or one value per
    customer (money); ``yearly_discount_rate`` d ≥ 0 (e.g. the workspace's
    ``discount_rate``). Discounting convention in the module docstring. Money, float64,
    in input order.
    """
    x, tx, t_obs = check_summary(frequency, recency, T, "CLV")
    margin = as_float_array(margin_per_purchase, "margin_per_purchase", "CLV")
    if margin.size not in (1, x.size):
        raise ModelError("model_clv.margin_shape")
    if isinstance(months, bool) or not isinstance(months, int | np.integer) or months < 1:
        raise ModelError("model_clv.months")
    d = float(yearly_discount_rate)
    if not (np.isfinite(d) and d >= 0):
        raise ModelError("clv.negative_discount", value=yearly_discount_rate)
    month = units_per_month(unit)
    path = ConditionalPath(bgnbd, x, tx, t_obs)
    total = np.zeros(x.size)
    previous = np.zeros(x.size)
    for i in range(1, int(months) + 1):
        cumulative = path.at(i * month)
        total += (cumulative - previous) / (1.0 + d) ** (i / 12.0)
        previous = cumulative
    return total * margin
