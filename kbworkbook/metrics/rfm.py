"""RFM: lifetimes-compatible summary, rank-based 1–5 scores and segments (domain.md §4.7).

``rfm_summary`` reproduces ``lifetimes.utils.summary_data_from_transaction_data`` (with a
monetary column, ``include_first_transaction=False``, ``freq_multiplier=1``):

* every date is floored to its period (``freq`` "D" = calendar day, "W" = week starting
  Monday); ``observation_end`` (default: the last date) is floored the same way and lines in
  later periods are dropped;
* all lines of one customer in one period form ONE purchase, their values are summed;
* ``frequency`` = number of distinct purchase periods − 1 (repeat periods);
* ``recency`` = last − first purchase period, ``T`` = observation end − first purchase period,
  both in periods (days or weeks);
* ``monetary_value`` = mean of the per-period sums over the repeat periods (the first period
  is left out); 0 when ``frequency`` is 0. Every line counts, negative values included.

Rows are sorted by ``customer_id`` (string order), index named ``customer_id``, float columns.

``rfm_values`` gives the workshop RFM inputs at ``as_of``: R = days since the last purchase,
F = purchases (receipts netting to more than 0 and not refunded in full, see
:mod:`kbworkbook.metrics._orders`), M = net revenue. ``rfm_scores`` ranks each
ascending, ``score = ceil(5·rank/n)``; for R (days) ``6 − ceil(5·rank/n)``. Ties are ranked
by value only ("competition" ranking), so identical customers always get identical scores
and the customer id never matters: a group of equal values takes the WEAKER end of the ranks
it spans – the lowest rank for F and M, the highest rank of days for R. A customer with one
purchase therefore always has F = 1, however many share that value. With heavy ties some
scores stay empty and the five groups are not equally large. Customers with M ≤ 0 are
dropped; fewer than 5 → MetricError (domain.md §4.7 proposed breaking ties by the id, which
gave identical customers different segments).
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError, Text
from kbworkbook.metrics._common import (
    customer_codes_with_walk_ins,
    day_numbers,
    identified_lines,
    period_numbers,
    require_columns,
    sorted_unique,
    to_timestamp,
    window_bounds,
)
from kbworkbook.metrics._orders import net_orders

__all__ = [
    "default_segments",
    "rfm_scores",
    "rfm_segments",
    "rfm_summary",
    "rfm_values",
]

_FREQS = ("D", "W")


def rfm_summary(
    transactions: pd.DataFrame,
    observation_end: Any = None,
    freq: str = "D",
    monetary_col: str = "revenue",
) -> pd.DataFrame:
    """Per-customer frequency, recency, T, monetary_value exactly as lifetimes defines them.

    See the module docstring. ``freq`` is "D" or "W". Vectorised: one factorisation of the ids,
    one sort of integer (customer, period) keys, numpy reductions.
    """
    if freq not in _FREQS:
        raise ValueError(f"freq must be one of {_FREQS}")
    require_columns(transactions, ["date", monetary_col], "rfm_summary")
    transactions = identified_lines(transactions, "rfm_summary")
    if len(transactions) == 0:
        raise MetricError("rfm.no_transactions")
    days = day_numbers(transactions["date"])
    p = period_numbers(days, freq)
    if observation_end is None:
        pend = int(p.max())
    else:
        end_day = int(to_timestamp(observation_end, "observation_end").value // 86_400_000_000_000)
        pend = int(period_numbers(np.array([end_day], dtype=np.int64), freq)[0])
    cust, uniques = customer_codes_with_walk_ins(transactions)
    rev = transactions[monetary_col].to_numpy(dtype="float64", na_value=0.0)
    keep = p <= pend
    if not keep.all():
        cust, p, rev = cust[keep], p[keep], rev[keep]
    if p.size == 0:
        raise MetricError("rfm.none_before_end")
    p0 = int(p.min())
    span = pend - p0 + 1
    rel = p - p0
    u = sorted_unique(cust * span + rel)
    cu = u // span
    pu = u - cu * span
    newc = np.empty(u.size, dtype=bool)
    newc[0] = True
    np.not_equal(cu[1:], cu[:-1], out=newc[1:])
    starts = np.flatnonzero(newc)
    ends = np.append(starts[1:], u.size) - 1
    present = cu[starts]
    first = pu[starts]
    count = ends - starts + 1
    first_of = np.full(len(uniques), -1, dtype=np.int64)
    first_of[present] = first
    repeat = rel != first_of[cust]
    rsum = np.bincount(cust[repeat], weights=rev[repeat], minlength=len(uniques))[present]
    frequency = (count - 1).astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, rsum / np.maximum(frequency, 1.0), 0.0)
    index = pd.Index(uniques[present], name="customer_id")
    return pd.DataFrame(
        {
            "frequency": frequency,
            "recency": (pu[ends] - first).astype("float64"),
            "T": (span - 1 - first).astype("float64"),
            "monetary_value": monetary,
        },
        index=index,
    )


def rfm_values(transactions: pd.DataFrame, as_of: Any, months: int | None = None) -> pd.DataFrame:
    """R/F/M inputs per customer at ``as_of`` (inclusive; later lines ignored).

    ``months``: only the window of that many calendar months ending with ``as_of`` counts (the
    report's current window); ``None`` = the whole history up to ``as_of``. ``recency`` = days
    from the last purchase to ``as_of``; ``frequency`` = purchases (netted receipts, see the
    module docstring); ``monetary`` = net revenue (returns subtracted). Only customers with at
    least one purchase (in the window); sorted by ``customer_id``.
    """
    require_columns(transactions, ["date", "revenue"], "rfm")
    transactions = identified_lines(transactions, "rfm")
    end_day = int(to_timestamp(as_of).normalize().value // 86_400_000_000_000)
    days = day_numbers(transactions["date"])
    inside = days <= end_day
    if months is not None:
        start, _ = window_bounds(as_of, months)
        inside &= days >= int(start.value // 86_400_000_000_000)
    sel = np.flatnonzero(inside)
    frame = transactions.iloc[sel]
    cust, uniques = customer_codes_with_walk_ins(frame)
    d = days[sel]
    rev = frame["revenue"].to_numpy(dtype="float64", na_value=0.0)
    n = len(uniques)
    netted = net_orders(frame, cust, d, rev)
    buy = netted.purchase
    last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, netted.customer[buy], netted.day[buy])
    freq = np.bincount(netted.customer[buy], minlength=n)
    money = np.bincount(cust, weights=rev, minlength=n)
    has = freq > 0
    return pd.DataFrame(
        {
            "recency": (end_day - last[has]).astype("int64"),
            "frequency": freq[has].astype("int64"),
            "monetary": money[has],
        },
        index=pd.Index(uniques[has], name="customer_id"),
    )


def _rank_scores(values: np.ndarray, weakest: str) -> np.ndarray:
    """``ceil(5·rank/n)`` with 1-based ascending ranks by value only.

    Equal values share one rank: ``weakest="low"`` gives them the lowest rank of their group
    (F, M), ``"high"`` the highest (days for R, where more days is weaker).
    """
    n = values.size
    ordered = np.sort(values)
    if weakest == "low":
        rank = np.searchsorted(ordered, values, side="left") + 1
    else:
        rank = np.searchsorted(ordered, values, side="right")
    return -((-5 * rank.astype(np.int64)) // n)


def rfm_scores(values: pd.DataFrame) -> pd.DataFrame:
    """Deterministic 1–5 scores ``r_score``, ``f_score``, ``m_score`` (see module docstring).

    ``values`` has columns ``recency`` (days), ``frequency``, ``monetary`` and the customer id
    as index (or a ``customer_id`` column). Rows with monetary ≤ 0 are dropped first.
    """
    frame = values.set_index("customer_id") if "customer_id" in values.columns else values
    require_columns(frame, ["recency", "frequency", "monetary"], "rfm_scores")
    frame = frame.loc[frame["monetary"].to_numpy(dtype="float64") > 0]
    n = len(frame)
    if n < 5:
        raise MetricError("rfm.too_few_customers", n=n)
    out = frame.copy()
    out["r_score"] = 6 - _rank_scores(frame["recency"].to_numpy(dtype="float64"), "high")
    out["f_score"] = _rank_scores(frame["frequency"].to_numpy(dtype="float64"), "low")
    out["m_score"] = _rank_scores(frame["monetary"].to_numpy(dtype="float64"), "low")
    return out


def default_segments() -> dict[str, Any]:
    """The packaged segment table (``rfm_segments.toml``) as a dict."""
    text = resources.files("kbworkbook.metrics").joinpath("rfm_segments.toml").read_text("utf-8")
    return tomllib.loads(text)


def _validate_segments(table: Mapping[str, Any]) -> tuple[np.ndarray, dict[str, dict[str, str]]]:
    for key in table:
        if key not in ("grid", "labels"):
            hint = difflib.get_close_matches(key, ["grid", "labels"], n=1)
            tip = Text("segments.did_you_mean", name=hint[0]) if hint else ""
            raise MetricError("segments.unknown_section", key=key, tip=tip)
    grid = table.get("grid")
    labels = table.get("labels")
    if not isinstance(grid, Mapping) or not isinstance(labels, Mapping):
        raise MetricError("segments.sections_missing")
    rows = []
    for r in range(1, 6):
        row = grid.get(f"r{r}")
        if not isinstance(row, list | tuple) or len(row) != 5:
            raise MetricError("segments.row_length", row=f"r{r}")
        for key in row:
            if key not in labels:
                hint = difflib.get_close_matches(str(key), list(labels), n=1)
                tip = Text("segments.did_you_mean", name=hint[0]) if hint else ""
                raise MetricError("segments.no_label", key=str(key), row=f"r{r}", tip=tip)
        rows.append(list(row))
    for key, lab in labels.items():
        if not isinstance(lab, Mapping) or "de" not in lab or "en" not in lab:
            raise MetricError("segments.label_languages", key=key)
    return np.array(rows, dtype=object), {k: dict(v) for k, v in labels.items()}


def rfm_segments(
    scores: pd.DataFrame,
    segments: Mapping[str, Any] | None = None,
    language: str = "de",
) -> pd.DataFrame:
    """Add ``segment`` (key) and ``segment_label`` from the R×F grid to an ``rfm_scores`` frame.

    ``segments``: a table like ``rfm_segments.toml`` (``grid.r1..r5``, ``labels.<key>.de/en``);
    default = the packaged one. ``language``: "de" or "en" for the label.
    """
    if language not in ("de", "en"):
        raise ValueError("language must be 'de' or 'en'")
    require_columns(scores, ["r_score", "f_score"], "rfm_segments")
    grid, labels = _validate_segments(default_segments() if segments is None else segments)
    r = scores["r_score"].to_numpy(dtype="int64")
    f = scores["f_score"].to_numpy(dtype="int64")
    if ((r < 1) | (r > 5) | (f < 1) | (f > 5)).any():
        raise ValueError("scores must lie in 1..5")
    keys = grid[r - 1, f - 1]
    out = scores.copy()
    out["segment"] = pd.Series(keys, index=scores.index, dtype="str")
    out["segment_label"] = out["segment"].map({k: v[language] for k, v in labels.items()})
    return out
