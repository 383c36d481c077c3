"""Customer lifetime value (domain.md §4.4).

* Simple: ``AOV × purchases per year × years × margin rate``.
* Discounted (Gupta/Lehmann margin multiple), constant yearly margin m, retention r, discount
  d. Convention used by default (``convention="end"``): the first margin arrives at the END of
  period 1, ``CLV = m·r/(1+d−r)``. ``convention="start"`` adds a margin at t = 0:
  ``m(1+d)/(1+d−r)``. Finite horizon T: ``Σ_{t=1..T} m·r^t/(1+d)^t`` (``start``: t = 0..T−1,
  i.e. ``Σ m·r^t/(1+d)^t``). Expected lifetime ``1/(1−r)`` periods.
* Rejected: d < 0, r outside 0..1, and (infinite horizon) r ≥ 1 + d; a margin, retention,
  discount or acquisition cost that is NaN or infinite raises instead of returning NaN.
* Per customer, a missing ``margin`` on a line is never read as 0: it is estimated at the
  margin rate of the lines that have one (Σ margin / Σ revenue over those lines), and the
  customers concerned are flagged in ``margin_estimated``; ``attrs["margin_missing_lines"]``
  counts the lines.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError, Text
from kbworkbook.metrics._common import (
    customer_codes_with_walk_ins,
    day_numbers,
    identified_lines,
    require_columns,
    window_bounds,
)

__all__ = [
    "clv_by_segment",
    "clv_discounted",
    "clv_per_customer",
    "clv_simple",
    "expected_lifetime",
]


def clv_simple(aov: float, purchases_per_year: float, years: float, margin_rate: float) -> float:
    """AOV × purchases/year × years × margin rate (money)."""
    if min(aov, purchases_per_year, years) < 0 or not 0 <= margin_rate <= 1:
        raise MetricError("clv.simple_inputs")
    return aov * purchases_per_year * years * margin_rate


def _check(retention: float, discount: float, infinite: bool, margin: float = 0.0) -> None:
    for name, value in (("margin", margin), ("retention", retention), ("discount", discount)):
        if not math.isfinite(value):
            raise MetricError("clv.not_a_number", name=Text(f"clv.input.{name}"),
                              value=str(value))
    if discount < 0:
        raise MetricError("clv.negative_discount", value=discount)
    if not 0 <= retention <= 1:
        raise MetricError("clv.retention_out_of_range", value=retention)
    if infinite and retention >= 1 + discount:
        raise MetricError("clv.infinite_diverges")


def clv_discounted(
    margin: float,
    retention: float,
    discount: float,
    horizon: int | None = None,
    convention: Literal["end", "start"] = "end",
    acquisition_cost: float = 0.0,
) -> float:
    """Discounted CLV (see module docstring) minus ``acquisition_cost`` (net CLV)."""
    if convention not in ("end", "start"):
        raise ValueError("convention must be 'end' or 'start'")
    _check(retention, discount, horizon is None, margin)
    if not math.isfinite(acquisition_cost):
        raise MetricError("clv.acquisition_not_a_number")
    q = retention / (1 + discount)
    if horizon is None:
        value = margin * (retention if convention == "end" else 1 + discount) / (
            1 + discount - retention
        )
    else:
        if horizon < 0:
            raise ValueError("horizon must be ≥ 0")
        t = np.arange(1, horizon + 1) if convention == "end" else np.arange(0, horizon)
        value = float(margin * np.sum(q**t))
    return float(value) - acquisition_cost


def expected_lifetime(retention: float) -> float:
    """Expected customer lifetime 1/(1−r) in periods; r = 1 → MetricError."""
    if not 0 <= retention < 1:
        raise MetricError("clv.lifetime_undefined")
    return 1.0 / (1.0 - retention)


def clv_per_customer(
    transactions: pd.DataFrame,
    as_of: Any,
    retention: float,
    discount: float,
    months: int = 12,
    margin_rate: float | None = None,
    horizon: int | None = None,
    convention: Literal["end", "start"] = "end",
) -> pd.DataFrame:
    """Discounted CLV per customer from their margin in the last ``months`` (scaled to a year).

    Yearly margin m = Σ ``margin`` (or ``margin_rate`` × net revenue) in the window ×
    12/months; a missing margin is estimated (see module docstring). Returns
    ``annual_margin``, ``clv`` and ``margin_estimated`` per customer active in the window (a
    line in it), index ``customer_id`` sorted.
    """
    require_columns(transactions, ["date", "revenue"], "clv")
    transactions = identified_lines(transactions, "clv")
    start, end = window_bounds(as_of, months)
    days = day_numbers(transactions["date"])
    d0, d1 = (int(t.value // 86_400_000_000_000) for t in (start, end))
    sel = (days >= d0) & (days < d1)
    revenue = transactions["revenue"].to_numpy(dtype="float64", na_value=0.0)
    missing = np.zeros(len(transactions), dtype=bool)
    if margin_rate is not None:
        if not 0 <= margin_rate <= 1:
            raise MetricError("clv.margin_rate_out_of_range")
        money = revenue * margin_rate
    elif "margin" in transactions.columns:
        money = transactions["margin"].to_numpy(dtype="float64", na_value=np.nan)
        missing = np.isnan(money) & sel
        if missing.any():
            known = sel & ~np.isnan(money)
            base = float(revenue[known].sum())
            if not known.any() or base == 0:
                raise MetricError("clv.margin_all_missing")
            rate = float(money[known].sum()) / base
            money = np.where(missing, revenue * rate, money)
    else:
        raise MetricError("clv.margin_missing")
    frame = transactions.loc[sel]
    if len(frame) == 0:
        raise MetricError("clv.no_transactions")
    cust, uniques = customer_codes_with_walk_ins(frame)
    m = np.bincount(cust, weights=money[sel], minlength=len(uniques)) * 12.0 / months
    estimated = np.bincount(cust, weights=missing[sel].astype("float64"),
                            minlength=len(uniques)) > 0
    factor = clv_discounted(1.0, retention, discount, horizon, convention)
    out = pd.DataFrame(
        {"annual_margin": m, "clv": m * factor, "margin_estimated": estimated},
        index=pd.Index(uniques, name="customer_id"),
    )
    out.attrs["margin_missing_lines"] = int(missing.sum())
    return out


def clv_by_segment(clv: pd.DataFrame, segments: pd.Series) -> pd.DataFrame:
    """Customers, mean and total CLV per segment (``segments`` indexed by customer_id)."""
    require_columns(clv, ["clv"], "clv_segments")
    joined = clv[["clv"]].join(segments.rename("segment"), how="inner")
    out = joined.groupby("segment", sort=True)["clv"].agg(["count", "mean", "sum"])
    return out.rename(columns={"count": "customers", "mean": "clv_mean", "sum": "clv_total"})
