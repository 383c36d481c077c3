"""How long customers stay: Kaplan–Meier curves of time to the second purchase and to lapse.

Durations are in days from a customer's first purchase. A customer whose event has not
happened by the Stichtag is CENSORED at the Stichtag (still "at risk" until then): leaving such
customers out, or counting them as events, would bias the curve – that is what Kaplan–Meier
is for.

* **Second purchase**: event = the customer's second purchase (a netted order, see
  :mod:`kbworkbook.metrics._orders`; two purchases on the first day give duration 0).
* **Lapse**: a customer lapses when ``gap_days`` pass after a purchase without the next one
  (next purchase more than ``gap_days`` later, or none up to the Stichtag); the event is dated
  at that purchase plus ``gap_days``, so it never lies after the Stichtag.
  :func:`lapse_gap_days` suggests the gap from the data: the 90th percentile of the pauses
  between consecutive purchases of repeat buyers ("nine in ten come back within …").

:func:`kaplan_meier` is the product-limit estimator with Greenwood's variance and a pointwise
confidence band on the log(−log S) scale (Kalbfleisch & Prentice 2002, §1.4), which stays
inside [0, 1] and does not collapse where S is near 0 or 1; the curve is reported at the
distinct event times. Checked against the 6-MP remission data of Freireich et al. (1963) as
tabulated by Kleinbaum & Klein, *Survival Analysis* (3rd ed., 2012), ch. 2.
"""

from __future__ import annotations

import contextlib
import weakref
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, cast

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError
from kbworkbook.metrics._common import (
    customer_codes_with_walk_ins,
    day_numbers,
    identified_lines,
    require_columns,
    to_timestamp,
)
from kbworkbook.metrics._orders import net_orders

__all__ = [
    "SurvivalCurve",
    "kaplan_meier",
    "lapse_gap_days",
    "time_to_lapse",
    "time_to_second_purchase",
]

_NS_PER_DAY = 86_400 * 10**9


@dataclass(frozen=True)
class SurvivalCurve:
    """A Kaplan–Meier curve: ``survival[i]`` is S(t) for ``time[i]`` ≤ t < ``time[i+1]``.

    ``time`` starts at 0 (S = 1) followed by the distinct event times (days); ``at_risk`` and
    ``events`` belong to those times (0 events at time 0 unless events happen at 0).
    ``lower``/``upper`` are the pointwise band at ``confidence``. ``median`` is the first time
    with S ≤ 0.5 (``None`` while the curve stays above one half). ``follow_up`` is the longest
    duration observed (event or censored): the curve is known up to there.
    """

    time: np.ndarray
    survival: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    n: int
    n_events: int
    confidence: float
    median: float | None
    follow_up: float

    def at(self, t: float) -> float:
        """S(t): the curve's value at ``t`` days (a step function, right-continuous)."""
        i = int(np.searchsorted(self.time, t, side="right")) - 1
        return float(self.survival[max(i, 0)])


def kaplan_meier(durations: np.ndarray | pd.Series, observed: np.ndarray | pd.Series,
                 confidence: float = 0.95) -> SurvivalCurve:
    """The product-limit estimate of S(t) from durations (≥ 0) and event flags.

    ``observed`` is True where the event happened at the duration, False where the subject was
    censored then. At a tie, events come before censorings (the usual convention). Raises
    :class:`MetricError` for no subjects or a negative duration.
    """
    t = np.asarray(durations, dtype="float64")
    e = np.asarray(observed, dtype=bool)
    if t.size == 0:
        raise MetricError("survival.no_customers")
    if t.shape != e.shape or not np.isfinite(t).all() or (t < 0).any():
        raise MetricError("survival.bad_durations")
    times, inverse = np.unique(t, return_inverse=True)
    events = np.bincount(inverse, weights=e.astype("float64"), minlength=times.size)
    leaving = np.bincount(inverse, minlength=times.size).astype("float64")
    at_risk = t.size - np.concatenate(([0.0], np.cumsum(leaving)[:-1]))
    has_event = events > 0
    times, events, at_risk = times[has_event], events[has_event], at_risk[has_event]
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(1.0 - events / at_risk)
        greenwood = np.cumsum(events / (at_risk * (at_risk - events)))
        log_s = np.log(survival)
        se = np.sqrt(greenwood) / np.abs(log_s)
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    lower = np.where(survival > 0, survival ** np.exp(z * se), 0.0)
    upper = np.where(survival > 0, survival ** np.exp(-z * se), 0.0)
    # S = 1 (no event yet) or an undefined variance (everyone failed): the band is the point
    lower = np.where(np.isfinite(lower) & (log_s < 0), lower, survival)
    upper = np.where(np.isfinite(upper) & (log_s < 0), upper, survival)
    if times.size == 0 or times[0] > 0:
        start = ([0.0], [1.0], [1.0], [1.0], [float(t.size)], [0.0])
        times, survival, lower, upper, at_risk, events = (
            np.concatenate((a, b)) for a, b in zip(
                start, (times, survival, lower, upper, at_risk, events), strict=True))
    below = np.flatnonzero(survival <= 0.5)
    return SurvivalCurve(
        time=times, survival=survival, lower=lower, upper=upper, at_risk=at_risk,
        events=events, n=int(t.size), n_events=int(e.sum()), confidence=confidence,
        median=float(times[below[0]]) if below.size else None, follow_up=float(t.max()))


#: the last :func:`_purchases` result: (weak reference to the frame, Stichtag, result); the
#: three views of one chapter (second purchase, lapse gap, lapse) net the receipts once
_LAST: list[Any] = [None, None, None]


def _purchases(transactions: pd.DataFrame, as_of: object) -> tuple[pd.Index, np.ndarray,
                                                                    np.ndarray, int]:
    """Identified purchases up to ``as_of``: (customer ids, customer code, day) sorted by
    customer and day, and the Stichtag's day number."""
    ref, day, kept = _LAST
    if ref is not None and ref() is transactions and day == to_timestamp(as_of):
        return cast(tuple[pd.Index, np.ndarray, np.ndarray, int], kept)
    require_columns(transactions, ["date", "revenue"], "survival")
    frame = identified_lines(transactions, "survival")
    end = int(to_timestamp(as_of).normalize().value // _NS_PER_DAY)
    days = day_numbers(frame["date"])
    keep = np.flatnonzero(days <= end)
    frame = frame.iloc[keep]
    days = days[keep]
    cust, ids = customer_codes_with_walk_ins(frame)
    rev = frame["revenue"].to_numpy(dtype="float64", na_value=0.0)
    orders = net_orders(frame, cust, days, rev)
    if not orders.purchase.any():
        raise MetricError("survival.no_purchases")
    c, d = orders.customer[orders.purchase], orders.day[orders.purchase]
    order = np.lexsort((d, c))
    result = (ids, c[order], d[order], end)
    with contextlib.suppress(TypeError):  # a frame that cannot be referenced weakly: no memo
        _LAST[:] = [weakref.ref(transactions), to_timestamp(as_of), result]
    return result


def _per_customer(ids: pd.Index, codes: np.ndarray, first: np.ndarray, duration: np.ndarray,
                  observed: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame({
        "customer_id": ids[codes],
        "first_purchase": pd.to_datetime(first * _NS_PER_DAY),
        "duration": duration.astype("float64"),
        "observed": observed,
    })
    return out.sort_values("customer_id", kind="stable").reset_index(drop=True)


def time_to_second_purchase(transactions: pd.DataFrame, as_of: object) -> pd.DataFrame:
    """Per customer: first purchase, days until the second purchase (``observed``) or until the
    Stichtag (censored). Columns ``customer_id``, ``first_purchase``, ``duration``,
    ``observed``."""
    ids, c, d, end = _purchases(transactions, as_of)
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    counts = np.diff(np.r_[starts, c.size])
    first = d[starts]
    second = np.where(counts > 1, d[np.minimum(starts + 1, c.size - 1)], end)
    return _per_customer(ids, c[starts], first, second - first, counts > 1)


def lapse_gap_days(transactions: pd.DataFrame, as_of: object, quantile: float = 0.9) -> float:
    """The pause (days) after which a customer counts as lapsed: the ``quantile`` of the pauses
    between consecutive purchases of repeat buyers. Raises :class:`MetricError` without
    repeat buyers."""
    _ids, c, d, _end = _purchases(transactions, as_of)
    return _pause_quantile(c, d, quantile)


def _pause_quantile(c: np.ndarray, d: np.ndarray, quantile: float) -> float:
    """The ``quantile`` of the pauses (days > 0) between consecutive purchases of the same
    customer, rounded up; ``c``/``d`` sorted by customer and day (:func:`_purchases`)."""
    same = c[1:] == c[:-1]
    gaps = (d[1:] - d[:-1])[same]
    gaps = gaps[gaps > 0]
    if gaps.size == 0:
        raise MetricError("survival.no_repeat_buyers")
    return float(np.ceil(np.quantile(gaps, quantile)))


def time_to_lapse(transactions: pd.DataFrame, as_of: object, gap_days: float) -> pd.DataFrame:
    """Per customer: days from the first purchase until the first pause of ``gap_days`` (the
    event, dated at the purchase before the pause + ``gap_days``), or until the Stichtag when
    no pause that long happened (censored). Same columns as :func:`time_to_second_purchase`."""
    if not gap_days > 0:
        raise MetricError("survival.bad_gap", gap=gap_days)
    ids, c, d, end = _purchases(transactions, as_of)
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    last = np.r_[starts[1:], c.size] - 1
    nxt = np.r_[d[1:], 0]
    nxt[last] = end + 1  # the pause after the last purchase runs to the Stichtag (inclusive)
    long_pause = (nxt - d) > gap_days  # no purchase within gap_days after this one
    group = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, c.size]))
    lapse_day = np.full(starts.size, np.inf)
    hit = np.flatnonzero(long_pause)
    np.minimum.at(lapse_day, group[hit], d[hit] + gap_days)
    first = d[starts]
    observed = np.isfinite(lapse_day)  # by construction dated on or before the Stichtag
    duration = np.where(observed, lapse_day - first, end - first)
    return _per_customer(ids, c[starts], first, duration, observed)
