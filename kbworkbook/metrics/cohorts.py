"""Cohort retention table (domain.md §4.6).

A customer's cohort is the period of their first purchase. Cell (c, k) = distinct customers of
cohort c with a purchase in period c + k ("classic") or in period c + k or later ("rolling"),
divided by the cohort size. Column 0 is 1.0; cells after the last period (the period of
``as_of``, else of the last purchase) are NaN, not 0. A purchase is a receipt netting to more
than 0 that no credit note refunds in full (see :mod:`kbworkbook.metrics._orders`); lines after
``as_of`` are ignored. Fractions 0..1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError
from kbworkbook.metrics._common import (
    customer_codes_with_walk_ins,
    day_numbers,
    identified_lines,
    period_labels,
    period_numbers,
    require_columns,
    sorted_unique,
    to_timestamp,
)
from kbworkbook.metrics._orders import net_orders

__all__ = ["CohortTable", "average_retention", "cohort_retention", "recent_cohorts"]


@dataclass(frozen=True)
class CohortTable:
    """``retention``: fractions, index = cohort period, columns = periods since first purchase.

    ``counts``: the same as customer counts (0 where future); ``sizes``: customers per cohort.
    """

    retention: pd.DataFrame
    counts: pd.DataFrame
    sizes: pd.Series
    period: str
    mode: str


def cohort_retention(
    transactions: pd.DataFrame,
    period: str = "M",
    mode: Literal["classic", "rolling"] = "classic",
    as_of: Any = None,
) -> CohortTable:
    """Cohort × periods-since-first-purchase retention matrix (see module docstring).

    ``period``: "D", "W", "M", "Q" or "Y". Raises :class:`MetricError` without any purchase.
    """
    if mode not in ("classic", "rolling"):
        raise ValueError("mode must be 'classic' or 'rolling'")
    require_columns(transactions, ["date", "revenue"], "cohorts")
    transactions = identified_lines(transactions, "cohorts")
    days = day_numbers(transactions["date"])
    rev = transactions["revenue"].to_numpy(dtype="float64", na_value=0.0)
    last_day: int | None = None
    upto = np.arange(days.size)
    if as_of is not None:
        last_day = int(to_timestamp(as_of).normalize().value // 86_400_000_000_000)
        upto = np.flatnonzero(days <= last_day)
    cust, _ = customer_codes_with_walk_ins(transactions)
    netted = net_orders(transactions.iloc[upto], cust[upto], days[upto], rev[upto])
    if not netted.purchase.any():
        raise MetricError("cohorts.no_purchases")
    c = netted.customer[netted.purchase]
    p = period_numbers(netted.day[netted.purchase], period)
    p0 = int(p.min())
    plast = int(period_numbers(np.array([last_day]), period)[0]) if last_day is not None else None
    if plast is None:
        plast = int(p.max())
    n_per = plast - p0 + 1
    key = c * n_per + (p - p0)
    u = sorted_unique(key)
    cu = u // n_per
    pu = u - cu * n_per
    newc = np.empty(u.size, dtype=bool)
    newc[0] = True
    np.not_equal(cu[1:], cu[:-1], out=newc[1:])
    starts = np.flatnonzero(newc)
    cohort = pu[starts]
    runs = np.diff(np.append(starts, u.size))
    if mode == "classic":
        k = pu - np.repeat(cohort, runs)
        flat = np.bincount(np.repeat(cohort, runs) * n_per + k, minlength=n_per * n_per)
        counts = flat.reshape(n_per, n_per)
    else:
        ends = np.append(starts[1:], u.size) - 1
        kmax = pu[ends] - cohort
        flat = np.bincount(cohort * n_per + kmax, minlength=n_per * n_per)
        counts = np.cumsum(flat.reshape(n_per, n_per)[:, ::-1], axis=1)[:, ::-1]
    sizes = counts[:, 0]
    rows = np.flatnonzero(sizes > 0)
    counts = counts[rows]
    sizes = sizes[rows]
    ncols = n_per - int(rows.min())
    counts = counts[:, :ncols]
    frac = counts / sizes[:, None].astype("float64")
    future = (rows[:, None] + np.arange(ncols)[None, :]) > (n_per - 1)
    frac[future] = np.nan
    index = period_labels(rows + p0, period)
    index.name = "cohort"
    columns = pd.RangeIndex(ncols, name="periods_since_first")
    return CohortTable(
        retention=pd.DataFrame(frac, index=index, columns=columns),
        counts=pd.DataFrame(counts, index=index, columns=columns),
        sizes=pd.Series(sizes, index=index, name="customers"),
        period=period,
        mode=mode,
    )


def recent_cohorts(table: CohortTable, as_of: Any, last: int = 24) -> CohortTable:
    """The last ``last`` cohorts and first ``last`` periods of a monthly ``table``.

    The cells of the as-of month become NaN when ``as_of`` is not its last day (an unfinished
    month would read as a drop).
    """
    day = to_timestamp(as_of)
    retention = table.retention.iloc[-last:, :last].copy()
    counts = table.counts.iloc[-last:, :last].copy()
    sizes = table.sizes.iloc[-last:].copy()
    month_end = (day + pd.offsets.MonthEnd(0)).normalize()
    if table.period == "M" and day.normalize() < month_end:
        current = day.to_period("M")
        values = retention.to_numpy(dtype="float64", copy=True)
        for i, cohort in enumerate(retention.index):
            k = (current - cohort).n
            if 0 < k < values.shape[1]:
                values[i, k] = np.nan
        retention = pd.DataFrame(values, index=retention.index, columns=retention.columns)
    return CohortTable(retention=retention, counts=counts, sizes=sizes, period=table.period,
                       mode=table.mode)


def average_retention(table: CohortTable,
                      periods: tuple[int, ...] = (1, 2, 3, 6, 12)) -> pd.DataFrame:
    """Average share active again ``k`` periods after the first purchase, over the cohorts
    that have reached period ``k`` (cells that are not NaN).

    Columns ``period``, ``weighted`` (by cohort size: the share of all customers of those
    cohorts, large cohorts count more), ``simple`` (each cohort counts once) and ``cohorts``
    (how many were averaged). Periods no cohort has reached are left out.
    """
    values = table.retention.to_numpy(dtype="float64")
    sizes = table.sizes.to_numpy(dtype="float64")
    rows = []
    for k in periods:
        if k >= values.shape[1]:
            continue
        mature = np.isfinite(values[:, k])
        if not mature.any() or sizes[mature].sum() <= 0:
            continue
        weighted = float(np.sum(values[mature, k] * sizes[mature]) / np.sum(sizes[mature]))
        rows.append({"period": int(k), "weighted": weighted,
                     "simple": float(values[mature, k].mean()),
                     "cohorts": int(mature.sum())})
    return pd.DataFrame(rows, columns=["period", "weighted", "simple", "cohorts"])
