"""Do first-time buyers come back? The second-purchase rate and the loss after month one.

Two figures of the first weeks of a customer relationship, both from identified purchases up
to ``as_of`` (a purchase as in :mod:`kbworkbook.metrics._orders`):

* **Second-purchase rate** (Zweitkaufquote): of the customers whose FIRST purchase lies in the
  ``months`` calendar months that end ``days`` days before ``as_of``, the share who bought a
  second time within ``days`` days of the first. Every counted customer has had the full
  ``days`` to come back, so young customers do not pull the rate down. The first ``lead_days``
  of the data are left out of the first-purchase window: a customer who first appears there
  may well have bought before the data begin.
* **Loss after month one** (Kohorten-Verlust nach Monat 1): ``1 −`` the share of a monthly
  cohort active again in the month after its first purchase, averaged over the last
  ``cohorts`` monthly cohorts weighted by cohort size (the figure chapter 04 shows as
  "Monat 1" of its averages table; an unfinished month of ``as_of`` does not count).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError
from kbworkbook.metrics._common import to_timestamp
from kbworkbook.metrics.cohorts import (
    CohortTable,
    average_retention,
    cohort_retention,
    recent_cohorts,
)
from kbworkbook.metrics.survival import time_to_second_purchase

__all__ = ["EarlyLoyalty", "early_loyalty", "month_one_loss", "month_one_loss_of",
           "second_purchase_rate"]


@dataclass(frozen=True)
class EarlyLoyalty:
    """The two figures with their bases; a figure is ``None`` when the data do not allow it.

    ``first_buyers``: customers in the second-purchase base, ``first_from``/``first_to``: the
    days (inclusive) their first purchase lies in, ISO dates. ``cohorts``: monthly cohorts
    averaged for ``month_one_loss``; ``cohorts_from``/``cohorts_to``: their months (``2024-01``).
    """

    second_purchase_rate: float | None
    first_buyers: int
    days: int
    first_from: str
    first_to: str
    month_one_loss: float | None
    cohorts: int
    cohorts_from: str
    cohorts_to: str


def second_purchase_rate(transactions: pd.DataFrame, as_of: Any, days: int = 180,
                         months: int = 12, lead_days: int = 90) -> tuple[float, int, str, str]:
    """``(rate, first buyers, first day, last day)`` (see module docstring).

    Raises :class:`MetricError` when no first purchase falls in the window.
    """
    if days < 1 or months < 1 or lead_days < 0:
        raise ValueError("days and months must be ≥ 1, lead_days ≥ 0")
    day = to_timestamp(as_of).normalize()
    per = time_to_second_purchase(transactions, day)
    last = day - pd.Timedelta(days=days)
    first = last + pd.Timedelta(days=1) - pd.DateOffset(months=months)
    data_start = per["first_purchase"].min() if len(per) else last
    first = max(first, pd.Timestamp(data_start).normalize() + pd.Timedelta(days=lead_days))
    inside = (per["first_purchase"] >= first) & (per["first_purchase"] <= last)
    base = per.loc[inside]
    if first > last or not len(base):
        raise MetricError("early.no_first_buyers", days=days)
    back = base["observed"].to_numpy(dtype=bool) & (base["duration"].to_numpy() <= days)
    return (float(np.mean(back)), int(len(base)), first.date().isoformat(),
            last.date().isoformat())


def month_one_loss(transactions: pd.DataFrame, as_of: Any,
                   cohorts: int = 24) -> tuple[float, int, str, str]:
    """``(loss, cohorts averaged, first cohort, last cohort)`` (see module docstring).

    Raises :class:`MetricError` when no cohort has reached its second month.
    """
    day = to_timestamp(as_of).normalize()
    return month_one_loss_of(recent_cohorts(cohort_retention(
        transactions, period="M", mode="classic", as_of=day), day, cohorts))


def month_one_loss_of(table: CohortTable) -> tuple[float, int, str, str]:
    """:func:`month_one_loss` of a monthly cohort table already made by
    :func:`~kbworkbook.metrics.cohorts.recent_cohorts`."""
    averages = average_retention(table, periods=(1,))
    if averages.empty:
        raise MetricError("early.no_mature_cohort")
    month_one = table.retention.iloc[:, 1].to_numpy(dtype="float64")
    used = table.retention.index[np.isfinite(month_one)]
    return (1.0 - float(averages["weighted"].iloc[0]), int(averages["cohorts"].iloc[0]),
            str(used.min()), str(used.max()))


def early_loyalty(transactions: pd.DataFrame, as_of: Any, days: int = 180, months: int = 12,
                  cohorts: int = 24, table: CohortTable | None = None) -> EarlyLoyalty:
    """Both figures; either is ``None`` (with an empty base) when undefined for the data.

    ``table``: the monthly cohorts when already made (then ``cohorts`` is not used).
    """
    try:
        rate, buyers, first_from, first_to = second_purchase_rate(transactions, as_of, days,
                                                                  months)
    except MetricError:
        rate, buyers, first_from, first_to = None, 0, "", ""
    try:
        loss, n, c_from, c_to = (month_one_loss_of(table) if table is not None
                                 else month_one_loss(transactions, as_of, cohorts))
    except MetricError:
        loss, n, c_from, c_to = None, 0, "", ""
    return EarlyLoyalty(rate, buyers, days, first_from, first_to, loss, n, c_from, c_to)
