"""Whom to contact now: the win-back list, and afterwards what it brought.

Pure: the canonical transactions frame (plus, optionally, each customer's P(alive) and RFM
segment) in, frozen dataclasses out; no I/O. Only :func:`call_list_summary` and
:class:`WinBack` reach a report, and neither carries a customer id.

**Who is on the list** (:func:`call_list`, policy :class:`CallListPolicy`):

* *value at stake* = the contribution margin the customer brought in the 365 days up to and
  including their last purchase (net revenue of those days × margin rate, at least 0): what a
  year with this customer was worth the last time they were active;
* only customers whose last purchase lies at most ``max_days_since`` days before the Stichtag
  are looked at (the *recent base*; someone gone for many years is no call to make);
* *valuable*: among the recent base, value at stake > 0 and at least the value of the
  ``ceil(valuable_share · n)``-th most valuable customer (ties at that value are all in);
* *slipping*: with the BG/NBD model (``p_alive`` given) P(alive) < ``alive_below``; without it
  the days since the last purchase exceed ``gap_multiple`` × the customer's own mean gap
  between purchases (first to last purchase day / (purchase days − 1)); a customer with a
  single purchase day is measured against the median of the repeat buyers' own gaps;
* the *candidates* (valuable and slipping) are ranked by value at stake (highest first; ties:
  longer since the last purchase first, then customer number) and the first ``length`` are
  *listed*; the rest were cut only by the list length and serve as the comparison group later.

A purchase is a receipt of a customer that nets to more than 0 and that no credit note refunds
in full, dated by its first line, as every metric counts purchases
(:mod:`kbworkbook.metrics._orders`); net revenue counts every line of the customer (returns
subtract). A day is a calendar day; ``as_of`` is inclusive.

**What the list brought** (:func:`win_back`): for the latest list made before the Stichtag,
how many listed customers bought again after the list's date up to the Stichtag and their net
revenue in that time, beside a comparison group: contacted vs. not contacted when the owner
recorded an outcome for some listed customers but not all, else the candidates cut by the list
length.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError
from kbworkbook.metrics import rfm_scores, rfm_segments, rfm_values
from kbworkbook.metrics._common import (
    NS_PER_DAY,
    customer_codes_with_walk_ins,
    day_numbers,
    identified_lines,
    require_columns,
    sorted_unique,
    to_timestamp,
    walk_in_mask,
)
from kbworkbook.metrics._orders import Orders, net_orders
from kbworkbook.models.bgnbd import BgNbdFit, fit_bgnbd
from kbworkbook.models.bgnbd import p_alive as _p_alive
from kbworkbook.models.sufficiency import check_data
from kbworkbook.models.summary import rfm_summary

__all__ = [
    "OTHER_GROUP",
    "alive_probabilities",
    "CallList",
    "CallListPolicy",
    "WinBack",
    "call_list",
    "call_list_groups",
    "call_list_summary",
    "customer_values",
    "win_back",
]

#: Group of candidates without an RFM segment.
OTHER_GROUP = "other"
#: The highest recency score a slipping customer is grouped with (see :func:`call_list_groups`).
SLIPPING_R = 2
_YEAR_DAYS = 365
_WHAT = "calllist"


@dataclass(frozen=True)
class CallListPolicy:
    """Who counts as valuable and slipping, and how long the list is (module docstring)."""

    length: int = 30
    valuable_share: float = 0.25
    alive_below: float = 0.5
    gap_multiple: float = 2.0
    max_days_since: int = 730

    def __post_init__(self) -> None:
        if self.length < 1:
            raise ValueError("length must be at least 1")
        if not 0 < self.valuable_share <= 1:
            raise ValueError("valuable_share must lie in (0, 1]")
        if not 0 < self.alive_below <= 1:
            raise ValueError("alive_below must lie in (0, 1]")
        if self.gap_multiple <= 0 or self.max_days_since < 1:
            raise ValueError("gap_multiple and max_days_since must be positive")


@dataclass(frozen=True)
class CallList:
    """The candidates, ranked; ``listed`` marks the first ``policy.length`` of them.

    ``candidates`` is indexed by ``customer_id`` (the workspace list needs the ids; a report
    shows :func:`call_list_summary` only) with columns ``rank`` (1 = most value at stake),
    ``last_purchase``, ``days_since``, ``value_at_stake``, ``p_alive`` (NaN without the model),
    ``group`` (RFM segment key or :data:`OTHER_GROUP`) and ``listed``. ``method`` says how
    slipping was judged: ``"model"`` (P(alive)) or ``"gap"`` (own purchase rhythm).
    ``valuable`` counts the valuable customers of the recent base, slipping or not.
    """

    as_of: pd.Timestamp
    method: Literal["model", "gap"]
    policy: CallListPolicy
    recent_customers: int
    valuable: int
    candidates: pd.DataFrame

    @property
    def listed(self) -> pd.DataFrame:
        return self.candidates.loc[self.candidates["listed"].to_numpy(dtype=bool)]

    @property
    def not_listed(self) -> pd.DataFrame:
        return self.candidates.loc[~self.candidates["listed"].to_numpy(dtype=bool)]


@dataclass(frozen=True)
class _Receipts:
    """The identified lines up to a Stichtag and their netted receipts (customer codes into
    ``ids``, sorted as strings; day numbers)."""

    ids: pd.Index
    line_customer: np.ndarray
    line_day: np.ndarray
    revenue: np.ndarray
    orders: Orders
    date_dtype: Any


def _receipts(transactions: pd.DataFrame, end: pd.Timestamp) -> _Receipts:
    """The identified lines up to ``end`` (inclusive day), netted into receipts as every
    metric nets them (:mod:`kbworkbook.metrics._orders`)."""
    require_columns(transactions, ["customer_id", "date", "revenue"], _WHAT)
    days = day_numbers(transactions["date"])
    keep = (~walk_in_mask(transactions) & transactions["date"].notna().to_numpy(dtype=bool)
            & (days <= end.value // NS_PER_DAY))
    lines = transactions.iloc[np.flatnonzero(keep)]
    cust, ids = customer_codes_with_walk_ins(lines)
    days = days[keep]
    revenue = lines["revenue"].to_numpy(dtype="float64", na_value=0.0)
    return _Receipts(ids=ids, line_customer=cust, line_day=days, revenue=revenue,
                     orders=net_orders(lines, cust, days, revenue),
                     date_dtype=transactions["date"].dtype)


def customer_values(transactions: pd.DataFrame, as_of: Any, margin_rate: float) -> pd.DataFrame:
    """Per customer with a purchase up to ``as_of``: ``first_purchase``, ``last_purchase``,
    ``purchase_days``, ``days_since`` and ``value_at_stake`` (module docstring); sorted by
    ``customer_id``."""
    if not 0 <= margin_rate <= 1:
        raise ValueError("margin_rate must lie in 0..1")
    end = to_timestamp(as_of).normalize()
    found = _receipts(transactions, end)
    orders = found.orders
    buyer, day = orders.customer[orders.purchase], orders.day[orders.purchase]
    n = len(found.ids)
    bought = np.bincount(buyer, minlength=n) > 0
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first, buyer, day)
    np.maximum.at(last, buyer, day)
    span = int(day.max() - day.min()) + 1 if day.size else 1
    days_bought = sorted_unique(buyer * span + (day - (day.min() if day.size else 0))) // span
    # net revenue of every line in the 365 days up to and including the last purchase
    line_last = last[found.line_customer]
    in_year = (found.line_day <= line_last) & (found.line_day > line_last - _YEAR_DAYS)
    year = np.bincount(found.line_customer[in_year], weights=found.revenue[in_year],
                       minlength=n)
    end_day = end.value // NS_PER_DAY

    def dates(numbers: np.ndarray) -> np.ndarray:
        return numbers.astype("datetime64[D]").astype(found.date_dtype)

    return pd.DataFrame(
        {"first_purchase": dates(first[bought]), "last_purchase": dates(last[bought]),
         "purchase_days": np.bincount(days_bought, minlength=n)[bought].astype("int64"),
         "days_since": (end_day - last[bought]).astype("int64"),
         "value_at_stake": np.maximum(year[bought], 0.0) * margin_rate},
        index=pd.Index(found.ids[bought], dtype="str", name="customer_id"))


def alive_probabilities(transactions: pd.DataFrame, as_of: Any,
                        locale: str = "de-CH", fit: BgNbdFit | None = None) -> pd.Series | None:
    """P(alive) per customer id from the BG/NBD model fitted in weeks on all purchases up to
    ``as_of`` (as the outlook does; ``fit``: the outlook's fit, used instead of fitting
    again); ``None`` when the data gate blocks the model."""
    summary = rfm_summary(transactions, to_timestamp(as_of).normalize(), unit="W")
    if not check_data(summary, unit="W", locale=locale).usable:
        return None
    x, tx, t = summary["frequency"], summary["recency"], summary["T"]
    fit = fit if fit is not None else fit_bgnbd(x, tx, t)
    return pd.Series(_p_alive(fit, x, tx, t), index=summary.index.astype("str"),
                     name="p_alive")


def _slipping_by_gap(base: pd.DataFrame, multiple: float) -> np.ndarray:
    span = (base["last_purchase"] - base["first_purchase"]).dt.days.to_numpy(dtype="float64")
    repeats = base["purchase_days"].to_numpy(dtype="float64") - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(repeats > 0, span / repeats, np.nan)
    known = own[np.isfinite(own)]
    typical = float(np.median(known)) if known.size else math.nan
    gap = np.where(np.isfinite(own), own, typical)
    days = base["days_since"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        return np.isfinite(gap) & (days > multiple * gap)


def call_list(transactions: pd.DataFrame, as_of: Any, margin_rate: float,
              p_alive: pd.Series | None = None, segments: pd.Series | None = None,
              policy: CallListPolicy | None = None) -> CallList:
    """The ranked win-back candidates at ``as_of`` (see the module docstring).

    ``p_alive``: P(alive) per customer id (BG/NBD); ``None`` judges slipping by the customer's
    own purchase rhythm, and a customer missing from a given series is not judged slipping.
    ``segments``: RFM segment key per customer id (missing → :data:`OTHER_GROUP`).
    Raises :class:`~kbworkbook.errors.MetricError` when no line has a customer number.
    """
    policy = policy or CallListPolicy()
    end = to_timestamp(as_of).normalize()
    require_columns(transactions, ["customer_id", "date", "revenue"], _WHAT)
    identified_lines(transactions, _WHAT)  # raises when no line has a customer number
    values = customer_values(transactions, end, margin_rate)
    base = values.loc[values["days_since"].to_numpy() <= policy.max_days_since]
    stake = base["value_at_stake"].to_numpy(dtype="float64")
    valuable = np.zeros(len(base), dtype=bool)
    if len(base):
        k = math.ceil(policy.valuable_share * len(base))
        bar = float(np.sort(stake)[::-1][k - 1])
        valuable = (stake > 0) & (stake >= bar)
    if p_alive is not None:
        alive = pd.Series(p_alive, dtype="float64").reindex(
            base.index.astype("str")).to_numpy(dtype="float64")
        with np.errstate(invalid="ignore"):
            slipping = np.isfinite(alive) & (alive < policy.alive_below)
        method: Literal["model", "gap"] = "model"
    else:
        alive = np.full(len(base), np.nan)
        slipping = _slipping_by_gap(base, policy.gap_multiple)
        method = "gap"
    chosen = base.assign(p_alive=alive).loc[valuable & slipping]
    group = (pd.Series(segments, dtype="object").reindex(chosen.index.astype("str"))
             if segments is not None else pd.Series(np.nan, index=chosen.index, dtype="object"))
    chosen = chosen.assign(group=group.fillna(OTHER_GROUP).astype("str").to_numpy())
    chosen = chosen.reset_index().sort_values(
        ["value_at_stake", "days_since", "customer_id"], ascending=[False, False, True],
        kind="mergesort").set_index("customer_id")
    rank = np.arange(1, len(chosen) + 1)
    chosen = chosen.assign(rank=rank, listed=rank <= policy.length)
    columns = ["rank", "last_purchase", "days_since", "value_at_stake", "p_alive", "group",
               "listed"]
    return CallList(as_of=end, method=method, policy=policy, recent_customers=len(base),
                    valuable=int(valuable.sum()), candidates=chosen[columns])


def call_list_groups(transactions: pd.DataFrame, as_of: Any,
                     segments: Mapping[str, Any] | None = None,
                     language: str = "de") -> pd.DataFrame | None:
    """The group of each customer on a call list: their RFM segment over the whole history up
    to ``as_of``, with the recency score capped at :data:`SLIPPING_R` – a slipping customer is
    by definition no longer recent, so a former regular lands in »Nicht verlieren!« or
    »Gefährdet« with their playbook action, not in »Treue Kunden«. ``segments``: the
    workspace's segment table (default: the packaged one). Columns ``segment`` and
    ``segment_label`` by customer id; ``None`` below 5 customers with revenue.
    """
    try:
        scores = rfm_scores(rfm_values(transactions, as_of))
    except MetricError:
        return None
    scores["r_score"] = np.minimum(scores["r_score"].to_numpy(), SLIPPING_R)
    out = rfm_segments(scores, segments=segments, language=language)
    out.index = out.index.astype("str")
    return out[["segment", "segment_label"]]


def call_list_summary(result: CallList) -> pd.DataFrame:
    """Per group: ``candidates``, ``listed``, ``value_at_stake`` (of the listed) and
    ``mean_days_since`` (of the listed); most value at stake first. No customer ids: the index
    holds the group keys, one row per group."""
    frame = result.candidates
    grouped = frame.groupby("group", sort=True)
    listed = frame.loc[frame["listed"].to_numpy(dtype=bool)].groupby("group")
    out = pd.DataFrame({
        "candidates": grouped.size().astype("int64"),
        "listed": listed.size().reindex(grouped.size().index, fill_value=0).astype("int64"),
        "value_at_stake": listed["value_at_stake"].sum().reindex(grouped.size().index,
                                                                 fill_value=0.0),
        "mean_days_since": listed["days_since"].mean().reindex(grouped.size().index),
    })
    out.index.name = "group"
    return out.sort_values(["value_at_stake", "candidates"], ascending=False, kind="mergesort")


# -- closing the loop ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WinBack:
    """What the list of ``list_date`` brought by ``as_of``.

    ``groups`` (index: ``listed`` first, then ``contacted``/``not_contacted`` or
    ``not_listed``) has ``customers``, ``returned`` (bought again after the list date),
    ``rate`` (returned / customers) and ``revenue`` (their net revenue in that time).
    ``comparison``: which comparison the other rows are (``None``: no comparison group).
    """

    list_date: pd.Timestamp
    as_of: pd.Timestamp
    groups: pd.DataFrame
    comparison: Literal["contacted", "not_listed"] | None

    def _listed(self, column: str) -> Any:
        return self.groups.at["listed", column]

    @property
    def rate(self) -> float:
        """Share of the listed customers who bought again (0..1)."""
        return float(self._listed("rate"))

    @property
    def listed(self) -> int:
        return int(self._listed("customers"))

    @property
    def returned(self) -> int:
        return int(self._listed("returned"))

    @property
    def revenue(self) -> float:
        return float(self._listed("revenue"))

    @property
    def days(self) -> int:
        return int((self.as_of - self.list_date).days)


def win_back(transactions: pd.DataFrame, lists: pd.DataFrame, as_of: Any) -> WinBack | None:
    """Follow up the latest list made before ``as_of`` (``None`` when there is none).

    ``lists``: one row per customer and list with ``list_date``, ``customer_id``, ``listed``
    (on the list, or a candidate cut by its length) and ``contacted`` (``True``/``False`` where
    the owner's outcome column says so, missing where unknown).
    """
    require_columns(lists, ["list_date", "customer_id", "listed"], _WHAT)
    end = to_timestamp(as_of).normalize()
    dates = pd.to_datetime(lists["list_date"]).dt.normalize()
    earlier = dates < end
    if not earlier.any():
        return None
    start = dates[earlier].max()
    record = lists.loc[(dates == start).to_numpy(dtype=bool)]
    ids = record["customer_id"].astype("str").to_numpy()
    listed = record["listed"].to_numpy(dtype=bool)
    contacted = (record["contacted"] if "contacted" in record.columns
                 else pd.Series(pd.NA, index=record.index)).astype("boolean")
    found = _receipts(transactions, end)
    after = start.value // NS_PER_DAY
    back = found.orders.purchase & (found.orders.day > after)
    returned = set(found.ids[np.unique(found.orders.customer[back])])
    later = found.line_day > after
    revenue = pd.Series(np.bincount(found.line_customer[later], weights=found.revenue[later],
                                    minlength=len(found.ids)), index=found.ids)

    def row(mask: np.ndarray) -> dict[str, float]:
        members = ids[mask]
        n = len(members)
        back = sum(1 for c in members if c in returned)
        money = float(revenue.reindex(members, fill_value=0.0).sum())
        return {"customers": n, "returned": back, "rate": back / n if n else math.nan,
                "revenue": money}

    rows = {"listed": row(listed)}
    yes = contacted.fillna(False).to_numpy(dtype=bool) & listed
    comparison: Literal["contacted", "not_listed"] | None = None
    if yes.any() and (listed & ~yes).any():
        rows["contacted"] = row(yes)
        rows["not_contacted"] = row(listed & ~yes)
        comparison = "contacted"
    elif (~listed).any():
        rows["not_listed"] = row(~listed)
        comparison = "not_listed"
    groups = pd.DataFrame.from_dict(rows, orient="index")
    groups = groups.astype({"customers": "int64", "returned": "int64"})
    return WinBack(list_date=start, as_of=end, groups=groups, comparison=comparison)
