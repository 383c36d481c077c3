"""Customer retention rate (CRR) and churn (domain.md §4.2).

* Formula: ``CRR = (E − N)/S`` with S customers at start, E at end, N new in the period.
* ID-based over two consecutive windows (non-contract businesses): a customer is "in" a window
  when they have at least one purchase in it (a receipt netting to more than 0 that no credit
  note refunds in full, see :mod:`kbworkbook.metrics._orders`); S = customers of the
  earlier window, E = of the later window, N = in E but not in S (new *or reactivated*),
  retained = |S ∩ E|, lost = |S \\ E|. ``crr = retained/S``, ``churn = lost/S = 1 − crr``,
  ``churn_avg_base = lost/((S+E)/2)``.
* ``annualize_churn``: ``1 − (1 − c)^periods``.

Rates are fractions 0..1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError
from kbworkbook.metrics._common import (
    customer_codes_with_walk_ins,
    day_numbers,
    identified_lines,
    require_columns,
    window_bounds,
)
from kbworkbook.metrics._orders import Orders, net_order_prefixes

__all__ = [
    "WindowRetention",
    "annualize_churn",
    "churn_average_base",
    "churn_rate",
    "retention_rate",
    "window_retention",
    "window_retentions",
]


def _check_counts(start: float, end: float, new: float) -> None:
    if min(start, end, new) < 0:
        raise MetricError("retention.negative_counts")
    if start == 0:
        raise MetricError("retention.no_start_customers")
    if end - new < 0:
        raise MetricError("retention.more_new_than_end", new=new, end=end)
    if end - new > start:
        raise MetricError("retention.more_kept_than_start", kept=end - new, start=start)


def retention_rate(start: float, end: float, new: float) -> float:
    """CRR = (E − N)/S as a fraction. S = 0 or E − N < 0 → :class:`MetricError`."""
    _check_counts(start, end, new)
    return (end - new) / start


def churn_rate(start: float, end: float, new: float) -> float:
    """Churn = lost/S = 1 − CRR as a fraction."""
    return 1.0 - retention_rate(start, end, new)


def churn_average_base(start: float, end: float, new: float) -> float:
    """Churn on the average base: lost / ((S + E)/2), lost = S − (E − N)."""
    _check_counts(start, end, new)
    return (start - (end - new)) / ((start + end) / 2.0)


def annualize_churn(rate: float, periods_per_year: int = 12) -> float:
    """Convert a per-period churn rate (fraction) to a yearly one: 1 − (1 − c)^periods."""
    if not 0.0 <= rate <= 1.0:
        raise MetricError("retention.churn_out_of_range", rate=rate)
    return 1.0 - (1.0 - rate) ** periods_per_year


@dataclass(frozen=True)
class WindowRetention:
    """ID-based retention between two consecutive windows; rates are fractions."""

    start_window: tuple[pd.Timestamp, pd.Timestamp]
    end_window: tuple[pd.Timestamp, pd.Timestamp]
    start: int
    end: int
    new: int
    retained: int
    lost: int
    crr: float
    churn: float
    churn_avg_base: float


def window_retention(
    transactions: pd.DataFrame, as_of: Any, months: int = 12
) -> WindowRetention:
    """ID-based retention for the windows ``[as_of−2m, as_of−m)`` and ``[as_of−m, as_of]``.

    Windows are half-open ``[start, end)`` timestamps; the later one ends after the day
    ``as_of``. Raises :class:`MetricError` when the earlier window has no customer.
    """
    (found,) = window_retentions(transactions, [as_of], months)
    if isinstance(found, MetricError):
        raise found
    return found


def window_retentions(
    transactions: pd.DataFrame, as_ofs: Sequence[Any], months: int = 12
) -> tuple[WindowRetention | MetricError, ...]:
    """:func:`window_retention` at each day of ``as_ofs``, from one pass over the lines: each
    point sees only the lines up to its day (a later credit note cancels nothing there).

    A point whose earlier window has no customer gives its :class:`MetricError` instead of a
    result; a table that allows no point at all (no date or revenue column, no identified
    line) raises it.
    """
    require_columns(transactions, ["date", "revenue"], "retention")
    transactions = identified_lines(transactions, "retention")
    bounds = [window_bounds(as_of, months) for as_of in as_ofs]
    last = max(end for _, end in bounds)
    days = day_numbers(transactions["date"])
    upto = np.flatnonzero(days < last.value // _DAY_NS)
    lines = transactions.iloc[upto]
    codes, uniques = customer_codes_with_walk_ins(lines)
    rev = lines["revenue"].to_numpy(dtype="float64", na_value=0.0)
    ends = [int(end.value // _DAY_NS) for _, end in bounds]
    netted = net_order_prefixes(lines, codes, days[upto], rev, ends)
    return tuple(_retention(orders, mid, end, months, len(uniques))
                 for orders, (mid, end) in zip(netted, bounds, strict=True))


_DAY_NS = 86_400_000_000_000


def _retention(netted: Orders, mid: pd.Timestamp, end: pd.Timestamp, months: int,
               ncust: int) -> WindowRetention | MetricError:
    start = mid - pd.DateOffset(months=months)
    d0, d1 = (int(t.value // _DAY_NS) for t in (start, mid))
    buy, oday = netted.purchase, netted.day
    in_s = buy & (oday >= d0) & (oday < d1)
    in_e = buy & (oday >= d1)
    s_set = np.bincount(netted.customer[in_s], minlength=ncust) > 0
    e_set = np.bincount(netted.customer[in_e], minlength=ncust) > 0
    s_n, e_n = int(s_set.sum()), int(e_set.sum())
    retained = int((s_set & e_set).sum())
    new = e_n - retained
    if s_n == 0:
        return MetricError(
            "retention.no_purchases", start=start, last=mid - pd.Timedelta(days=1)
        )
    lost = s_n - retained
    return WindowRetention(
        start_window=(start, mid),
        end_window=(mid, end),
        start=s_n,
        end=e_n,
        new=new,
        retained=retained,
        lost=lost,
        crr=retained / s_n,
        churn=lost / s_n,
        churn_avg_base=lost / ((s_n + e_n) / 2.0),
    )
