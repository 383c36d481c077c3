"""The customer lifecycle: every identified customer in one stage at a Stichtag, and the flows
between two Stichtage (seed 004: new → regular → at risk → lost → won back).

A customer is a ``customer_id`` with at least one purchase (a netted order, see
:mod:`kbworkbook.metrics._orders`) on or before the Stichtag; walk-in lines (no customer
number) belong to nobody and are left out. For a Stichtag ``T`` (a whole day) and a customer
with first purchase ``f``, last purchase ``l`` on or before ``T`` and ``k`` purchases up to
``T``, let ``s = T − l`` be the days since the last purchase. The stage is the FIRST rule that
applies:

1. **lost** (``lost``) – ``s ≥ lapse_days``: no purchase for ``lapse_days`` days. The same
   lapse as the staying view (:func:`kbworkbook.metrics.survival.time_to_lapse`, which dates
   the lapse at ``l + lapse_days`` when no purchase follows): ``[analysis] lapse_days`` of
   kbworkbook.toml, else :func:`~kbworkbook.metrics.survival.lapse_gap_days` (9 in 10 pauses
   between two purchases of repeat buyers are shorter), see :func:`lapse_threshold`.
2. **won back** (``won_back``) – lost at the previous Stichtag ``P`` and not lost at ``T`` (so
   bought again after ``P``).
3. **new** (``new``) – first purchase within the last ``new_days`` days: ``T − f < new_days``
   (``[analysis] new_days``, default 90).
4. **regular** (``regular``) – a repeat buyer (``k ≥ 2``) whose last purchase is recent:
   ``s ≤ at_risk_days``.
5. **at risk** (``at_risk``) – the rest: a pause longer than usual (``s > at_risk_days``) but
   not yet lapsed, or a single purchase older than ``new_days`` (the second one never came).
   ``at_risk_days`` is ``[analysis] at_risk_days``, else the median pause between two
   purchases of repeat buyers (rounded up to whole days): half of all pauses are shorter.

Both thresholds derived from the data are computed from the purchases up to the CURRENT
Stichtag and used for both Stichtage, so a flow never comes from a changed rule.

The previous Stichtag ``P`` is ``T`` minus ``[analysis] lifecycle_months`` months (default 3;
counted like the windows, so 30 June − 3 months = 31 March),
or ``[analysis] previous_as_of`` (e.g. the Stichtag of the previous report). The stages at
``P`` follow the same rules, with ``P − (T − P)`` as their previous Stichtag. The flows count
customers by (stage at ``P``, stage at ``T``); a customer whose first purchase lies after ``P``
comes from ``not_yet`` ("not yet a customer"). Row sums are the counts at ``P`` (plus the
newcomers), column sums the counts at ``T``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError
from kbworkbook.metrics._common import NS_PER_DAY, to_timestamp
from kbworkbook.metrics.survival import _pause_quantile, _purchases

__all__ = [
    "DEFAULT_LIFECYCLE_MONTHS",
    "DEFAULT_NEW_DAYS",
    "FLOW_SOURCES",
    "STAGES",
    "Lifecycle",
    "LifecyclePolicy",
    "at_risk_threshold",
    "lapse_threshold",
    "lifecycle",
    "lifecycle_settings",
    "lifecycle_stages",
]

#: The stages in the order of the lifecycle (and of every count tuple).
STAGES: tuple[str, ...] = ("new", "regular", "at_risk", "lost", "won_back")
#: The rows of the flow matrix: "not yet a customer", then the stages.
FLOW_SOURCES: tuple[str, ...] = ("not_yet", *STAGES)
DEFAULT_NEW_DAYS = 90
DEFAULT_LIFECYCLE_MONTHS = 3


@dataclass(frozen=True)
class LifecyclePolicy:
    """The thresholds (days) of the stages; ``None`` = from the data (see module docstring).

    ``new_days``: a first purchase within that many days makes a customer new.
    ``at_risk_days``: more days than this since the last purchase puts a customer at risk.
    ``lapse_days``: that many days without a purchase and a customer is lost.
    ``months``: the previous Stichtag lies that many calendar months before the current one
    (unless ``previous`` is given to :func:`lifecycle`).
    """

    new_days: int = DEFAULT_NEW_DAYS
    at_risk_days: float | None = None
    lapse_days: float | None = None
    months: int = DEFAULT_LIFECYCLE_MONTHS

    def __post_init__(self) -> None:
        for name in ("new_days", "months"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number ≥ 1, not {value!r}")
        for name in ("at_risk_days", "lapse_days"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value >= 1):
                raise ValueError(f"{name} must be ≥ 1 day or None, not {value!r}")


@dataclass(frozen=True)
class Lifecycle:
    """Stage counts at two Stichtage and the flows between them (counts only, no ids).

    ``counts[i]`` / ``previous_counts[i]``: customers in ``STAGES[i]`` at ``as_of`` /
    ``previous``. ``flows[i][j]``: customers in ``FLOW_SOURCES[i]`` at ``previous`` and in
    ``STAGES[j]`` at ``as_of``. ``*_source``: ``config`` or ``data`` for each threshold.
    """

    as_of: pd.Timestamp
    previous: pd.Timestamp
    new_days: int
    at_risk_days: float
    lapse_days: float
    at_risk_source: str
    lapse_source: str
    counts: tuple[int, ...]
    previous_counts: tuple[int, ...]
    flows: tuple[tuple[int, ...], ...]

    @property
    def customers(self) -> int:
        """Customers at the Stichtag (every one in exactly one stage)."""
        return sum(self.counts)

    def count(self, stage: str, previous: bool = False) -> int:
        """Customers in ``stage`` at the Stichtag (``previous``: at the previous one)."""
        return (self.previous_counts if previous else self.counts)[STAGES.index(stage)]

    def flow(self, source: str, stage: str) -> int:
        """Customers in ``source`` (a stage or ``not_yet``) before and in ``stage`` now."""
        return self.flows[FLOW_SOURCES.index(source)][STAGES.index(stage)]


def lapse_threshold(transactions: pd.DataFrame, as_of: Any,
                    configured: float | None = None) -> tuple[float, str]:
    """The lapse (days) shared by the staying view and the lifecycle, with its source:
    ``(configured, "config")`` when set, else ``(lapse_gap_days(...), "data")``: 9 in 10
    pauses between two purchases of repeat buyers are shorter."""
    if configured is not None:
        return float(configured), "config"
    _ids, c, d, _end = _purchases(transactions, as_of)
    return _from_pauses(c, d, 0.9), "data"


def at_risk_threshold(transactions: pd.DataFrame, as_of: Any,
                      configured: float | None = None) -> tuple[float, str]:
    """Days after the last purchase beyond which a customer is at risk, with its source: the
    configured value, else the median pause between two purchases of repeat buyers."""
    if configured is not None:
        return float(configured), "config"
    _ids, c, d, _end = _purchases(transactions, as_of)
    return _from_pauses(c, d, 0.5), "data"


def _from_pauses(c: np.ndarray, d: np.ndarray, quantile: float) -> float:
    try:
        return _pause_quantile(c, d, quantile)
    except MetricError as exc:
        if exc.reason.code == "survival.no_repeat_buyers":
            raise MetricError("lifecycle.no_repeat_buyers") from None
        raise


def _whole(settings: Mapping[str, Any], key: str) -> int | None:
    value = settings.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if math.isfinite(value) and value >= 1 and value == int(value) else None


def lifecycle_settings(settings: Mapping[str, Any]) -> tuple[LifecyclePolicy, Any]:
    """The policy and the previous Stichtag (``None``: by months) from ``[analysis]`` of
    kbworkbook.toml: ``new_days``, ``at_risk_days``, ``lapse_days``, ``lifecycle_months``
    (whole numbers ≥ 1) and ``previous_as_of`` (a date). A value that does not fit is left at
    its default here; :class:`~kbworkbook.workspace.Workspace` refuses it when opening."""
    new_days = _whole(settings, "new_days") or DEFAULT_NEW_DAYS
    months = _whole(settings, "lifecycle_months") or DEFAULT_LIFECYCLE_MONTHS
    risk, lapse = _whole(settings, "at_risk_days"), _whole(settings, "lapse_days")
    policy = LifecyclePolicy(new_days=new_days, months=min(months, 120),
                             at_risk_days=None if risk is None else float(risk),
                             lapse_days=None if lapse is None else float(lapse))
    previous = settings.get("previous_as_of")
    try:
        previous = None if previous is None else pd.Timestamp(str(previous)).normalize()
    except ValueError:
        previous = None
    return policy, previous


def _day(value: pd.Timestamp) -> int:
    return int(value.normalize().value // NS_PER_DAY)


def _stages_at(c: np.ndarray, d: np.ndarray, n: int, first: np.ndarray, day: int, before: int,
               new_days: int, at_risk: float, lapse: float) -> np.ndarray:
    """Stage code per customer at day ``day`` (−1: not yet a customer); ``before`` is the day
    of the previous Stichtag used for "won back"."""
    lost_before = _lost(c, d, n, before, lapse)
    keep = d <= day
    k = np.bincount(c[keep], minlength=n)
    last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, c[keep], d[keep])
    since = day - last
    stage = np.full(n, -1, dtype=np.int64)
    exists = k > 0
    lost = exists & (since >= lapse)
    won = exists & ~lost & lost_before
    new = exists & ~lost & ~won & (day - first < new_days)
    regular = exists & ~lost & ~won & ~new & (k >= 2) & (since <= at_risk)
    at_risk_ = exists & ~lost & ~won & ~new & ~regular
    for code, mask in enumerate((new, regular, at_risk_, lost, won)):
        stage[mask] = code
    return stage


def _lost(c: np.ndarray, d: np.ndarray, n: int, day: int, lapse: float) -> np.ndarray:
    keep = d <= day
    last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, c[keep], d[keep])
    exists = np.bincount(c[keep], minlength=n) > 0
    return exists & (day - last >= lapse)


def _previous_day(as_of: pd.Timestamp, previous: Any, months: int) -> pd.Timestamp:
    if previous is None:  # as the windows count: 30 Jun − 3 months = 31 Mar
        one = pd.Timedelta(days=1)
        return (as_of + one - pd.DateOffset(months=months) - one).normalize()
    day = to_timestamp(previous, "previous").normalize()
    if day >= as_of:
        raise MetricError("lifecycle.previous_not_before", previous=day.date().isoformat(),
                          as_of=as_of.date().isoformat())
    return day


def _compute(transactions: pd.DataFrame, as_of: Any, policy: LifecyclePolicy | None,
             previous: Any) -> tuple[pd.Index, np.ndarray, np.ndarray, Lifecycle]:
    policy = policy or LifecyclePolicy()
    day = to_timestamp(as_of).normalize()
    prev = _previous_day(day, previous, policy.months)
    ids, c, d, end = _purchases(transactions, day)  # once: the thresholds use the same
    lapse, lapse_source = ((policy.lapse_days, "config") if policy.lapse_days is not None
                           else (_from_pauses(c, d, 0.9), "data"))
    risk, risk_source = ((policy.at_risk_days, "config") if policy.at_risk_days is not None
                         else (_from_pauses(c, d, 0.5), "data"))
    n = len(ids)
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, c, d)
    p = _day(prev)
    now = _stages_at(c, d, n, first, end, p, policy.new_days, risk, lapse)
    then = _stages_at(c, d, n, first, p, p - (end - p), policy.new_days, risk, lapse)
    size = len(STAGES)
    counts = np.bincount(now[now >= 0], minlength=size)
    previous_counts = np.bincount(then[then >= 0], minlength=size)
    matrix = np.zeros((len(FLOW_SOURCES), size), dtype=np.int64)
    known = now >= 0  # a customer whose every order was refunded has no stage at all
    np.add.at(matrix, (then[known] + 1, now[known]), 1)  # −1 (not yet) → row 0
    result = Lifecycle(
        as_of=day, previous=prev, new_days=policy.new_days, at_risk_days=risk, lapse_days=lapse,
        at_risk_source=risk_source, lapse_source=lapse_source,
        counts=tuple(int(x) for x in counts), previous_counts=tuple(int(x) for x in
                                                                    previous_counts),
        flows=tuple(tuple(int(x) for x in row) for row in matrix))
    return ids, now, then, result


def lifecycle(transactions: pd.DataFrame, as_of: Any, policy: LifecyclePolicy | None = None,
              previous: Any = None) -> Lifecycle:
    """Stage counts at ``as_of`` and at the previous Stichtag, and the flows between them
    (rules in the module docstring). ``previous=None``: ``as_of`` minus ``policy.months``.

    Raises :class:`MetricError` without identified purchases, without repeat buyers when a
    threshold has to come from the data, or when ``previous`` is not before ``as_of``.
    """
    return _compute(transactions, as_of, policy, previous)[3]


def lifecycle_stages(transactions: pd.DataFrame, as_of: Any,
                     policy: LifecyclePolicy | None = None,
                     previous: Any = None) -> pd.DataFrame:
    """Per customer (sorted by ``customer_id``): ``stage`` at ``as_of`` and
    ``previous_stage`` (``not_yet`` for a customer whose first purchase came later). For lists
    in the workspace and tests; never for a report (it holds ids)."""
    ids, now, then, _ = _compute(transactions, as_of, policy, previous)
    names = np.array(FLOW_SOURCES, dtype=object)
    known = now >= 0
    out = pd.DataFrame({"customer_id": ids[known], "stage": names[now[known] + 1],
                        "previous_stage": names[then[known] + 1]})
    return out.sort_values("customer_id", kind="stable").reset_index(drop=True)
