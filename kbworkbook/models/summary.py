"""Per-customer model inputs (frequency, recency, T, monetary value) from canonical transactions.

``rfm_summary`` builds what :func:`fit_bgnbd` and :func:`fit_gamma_gamma` take, the way
lifetimes' ``summary_data_from_transaction_data`` does with ``freq="D"`` (and
``freq_multiplier`` for weeks), from the canonical transactions table (``customer_id``,
``date``, ``revenue``; design.md):

* only *purchases* count: lines with a customer number and revenue ≥ 0 (walk-in lines without
  ``customer_id`` and returns – negative revenue, or ``kind`` "return" where that column
  exists – are left out); lines after ``as_of`` are ignored. A line of value 0 is a purchase:
  a free item (a loyalty card's tenth coffee, a promotional CD in the CDNOW data) is still a
  visit;
* all purchase lines of one customer on one calendar day form ONE purchase (their values are
  summed);
* ``frequency`` = purchase days − 1; ``recency`` = last − first purchase day; ``T`` = ``as_of``
  − first purchase day; both divided by the length of ``unit`` (``"D"`` 1 day, ``"W"`` 7 days,
  ``"M"`` 365.25/12 days), so a week-based summary has fractional weeks like the CDNOW data;
* ``monetary_value`` = mean day value over the repeat purchase days (the first purchase is left
  out, as the Gamma-Gamma model expects); 0 when frequency is 0. The value column is
  ``revenue`` or, with ``value="margin"``, the ``margin`` column.

With ``calibration_end`` the summary is split as in lifetimes' ``calibration_and_holdout_data``:
the ``_cal`` columns describe customers whose first purchase is on or before
``calibration_end`` up to that day; ``frequency_holdout`` counts their purchase days in
(calibration_end, as_of], ``monetary_value_holdout`` is the mean day value of those (0 when
none) and ``duration_holdout`` the holdout length in ``unit``.

This differs from :func:`kbworkbook.metrics.rfm_summary` (which it builds on) in leaving out
walk-ins and returns and in the time unit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError
from kbworkbook.metrics import rfm_summary as _daily_summary
from kbworkbook.metrics._common import column_text, require_columns, to_timestamp

__all__ = ["UNIT_DAYS", "rfm_summary"]

#: Days per time unit of the summary.
UNIT_DAYS: dict[str, float] = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}

_WHAT = "customer_summary"


def _unit_days(unit: str) -> float:
    if unit not in UNIT_DAYS:
        raise MetricError("summary.unknown_unit", unit=unit)
    return UNIT_DAYS[unit]


def _purchases(transactions: pd.DataFrame, value: str) -> pd.DataFrame:
    columns = ["customer_id", "date", "revenue"] + ([value] if value != "revenue" else [])
    require_columns(transactions, columns, _WHAT)
    revenue = transactions["revenue"].to_numpy(dtype="float64", na_value=np.nan)
    keep = (revenue >= 0) & transactions["customer_id"].notna().to_numpy()
    if "kind" in transactions.columns:
        keep &= (transactions["kind"].astype("str").str.lower() != "return").to_numpy()
    frame = transactions.loc[keep, ["customer_id", "date", value]]
    if value != "revenue" and frame[value].isna().any():
        raise MetricError("summary.value_missing", column=column_text(value))
    return frame


def _summary(purchases: pd.DataFrame, end: pd.Timestamp, days: float, value: str) -> pd.DataFrame:
    if len(purchases) == 0:
        raise MetricError("summary.no_identified_purchases", end=end)
    out = _daily_summary(purchases, observation_end=end, freq="D", monetary_col=value)
    if days != 1.0:
        out["recency"] = out["recency"] / days
        out["T"] = out["T"] / days
    return out


def rfm_summary(
    transactions: pd.DataFrame,
    as_of: Any,
    unit: str = "D",
    *,
    calibration_end: Any = None,
    value: str = "revenue",
) -> pd.DataFrame:
    """frequency, recency, T, monetary_value per customer at ``as_of`` (module docstring).

    ``as_of`` and ``calibration_end`` are inclusive days. Index ``customer_id`` (sorted),
    float columns. Raises :class:`~kbworkbook.errors.MetricError` for missing columns, an
    unknown unit, no purchases with a customer number, or ``calibration_end`` not before
    ``as_of``.
    """
    days = _unit_days(unit)
    end = to_timestamp(as_of, "as_of").normalize()
    purchases = _purchases(transactions, value)
    if calibration_end is None:
        return _summary(purchases, end, days, value)
    cal_end = to_timestamp(calibration_end, "calibration_end").normalize()
    if cal_end >= end:
        raise MetricError("summary.calibration_after_end", calibration_end=cal_end, end=end)
    dates = pd.to_datetime(purchases["date"])
    cal = _summary(purchases.loc[(dates < cal_end + pd.Timedelta(days=1)).to_numpy()],
                   cal_end, days, value)
    cal.columns = [f"{c}_cal" for c in cal.columns]
    later = purchases.loc[((dates >= cal_end + pd.Timedelta(days=1))
                           & (dates < end + pd.Timedelta(days=1))).to_numpy()]
    later = later.assign(day=pd.to_datetime(later["date"]).dt.normalize(),
                         customer_id=later["customer_id"].astype("str"))
    later = later.loc[later["customer_id"].isin(cal.index)]
    by_day = later.groupby(["customer_id", "day"], sort=False)[value].sum()
    per_customer = by_day.groupby(level="customer_id", sort=False).agg(["size", "mean"])
    out = cal.copy()
    out["frequency_holdout"] = per_customer["size"].reindex(out.index, fill_value=0).astype(
        "float64")
    out["monetary_value_holdout"] = per_customer["mean"].reindex(out.index, fill_value=0.0
                                                                 ).astype("float64")
    out["duration_holdout"] = float((end - cal_end).days) / days
    return out
