"""Which part of the sales comes from recognisable customers (walk-in sales, domain.md §4.3).

A till records many sales without a customer number (walk-in sales, "Laufkundschaft"; about a
fifth of a bakery's lines). They are real revenue and count for revenue, receipts, baskets and
products; per-customer figures (retention, cohorts, RFM, CLV) can only use the identified lines.
:func:`identified_share` says how much of a window those lines are, so a chapter can state
"62 % des Umsatzes stammt von erkennbaren Kunden" beside every per-customer figure.

Receipts are the purchases of :func:`~kbworkbook.metrics.purchase_figures` (netted receipts,
:mod:`kbworkbook.metrics._orders`: a distinct ``order_id``, else customer + day; a walk-in line
without ``order_id`` is a receipt of its own; a receipt netting to ≤ 0 or refunded in full is
none), dated by their first line; revenue is net (returns subtract).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kbworkbook.metrics._common import (
    customer_codes_with_walk_ins,
    day_numbers,
    require_columns,
    window_bounds,
)
from kbworkbook.metrics._orders import net_orders

__all__ = ["IdentifiedShare", "identified_share", "top_customers_share"]


@dataclass(frozen=True)
class IdentifiedShare:
    """Lines, net revenue and receipts of a window: all, and those with a customer number."""

    window: tuple[pd.Timestamp, pd.Timestamp] | None
    lines: int
    known_lines: int
    revenue: float
    known_revenue: float
    receipts: int
    known_receipts: int

    @property
    def revenue_share(self) -> float:
        """Identified share of net revenue (NaN when the net revenue is 0)."""
        return self.known_revenue / self.revenue if self.revenue else float("nan")

    @property
    def receipt_share(self) -> float:
        """Identified share of receipts (NaN without receipts)."""
        return self.known_receipts / self.receipts if self.receipts else float("nan")

    @property
    def complete(self) -> bool:
        """True when every line of the window has a customer number."""
        return self.known_lines == self.lines


def identified_share(
    transactions: pd.DataFrame, as_of: Any = None, months: int | None = 12
) -> IdentifiedShare:
    """Identified vs all lines, net revenue and receipts in the ``months`` up to ``as_of``.

    ``as_of=None`` or ``months=None`` takes every line. A frame without a ``customer_id``
    column has no identified line.
    """
    require_columns(transactions, ["date", "revenue"], "identified_share")
    window = None
    days = day_numbers(transactions["date"])
    cust, _ = customer_codes_with_walk_ins(transactions)
    rev = transactions["revenue"].to_numpy(dtype="float64", na_value=0.0)
    upto = np.ones(days.size, dtype=bool)
    inside = upto
    d0 = None
    if as_of is not None and months is not None:
        start, end = window_bounds(as_of, months)
        d0, d1 = (int(t.value // 86_400_000_000_000) for t in (start, end))
        upto = days < d1
        inside = upto & (days >= d0)
        window = (start, end)
    before = np.flatnonzero(upto)
    netted = net_orders(transactions.iloc[before], cust[before], days[before], rev[before])
    counted = netted.purchase if d0 is None else netted.purchase & (netted.day >= d0)
    known = cust[inside] >= 0
    r = rev[inside]
    return IdentifiedShare(
        window=window,
        lines=int(inside.sum()),
        known_lines=int(known.sum()),
        revenue=float(r.sum()),
        known_revenue=float(r[known].sum()),
        receipts=int(counted.sum()),
        known_receipts=int((counted & (netted.customer >= 0)).sum()),
    )


def top_customers_share(
    transactions: pd.DataFrame, as_of: Any, months: int = 12, points: int = 101
) -> tuple[float, ...]:
    """Share of the identified net revenue of a window held by the top customers.

    Entry ``i`` of the result is the revenue share of the ``i/(points−1)`` customers with the
    highest net revenue in the ``months`` up to ``as_of`` (``[0]`` = 0, ``[-1]`` = 1; between
    two customers linearly interpolated). Customers whose net revenue is ≤ 0 count with 0.
    Returns ``()`` when the window has no identified revenue. Answers "how much do the
    heaviest buyers spend?" (e.g. the 35 % who would join a stamp card) without naming anyone.
    """
    require_columns(transactions, ["date", "revenue"], "Umsatz der stärksten Kunden")
    if points < 2:
        raise ValueError("points must be at least 2")
    start, end = window_bounds(as_of, months)
    d0, d1 = (int(t.value // 86_400_000_000_000) for t in (start, end))
    days = day_numbers(transactions["date"])
    cust, _ = customer_codes_with_walk_ins(transactions)
    rev = transactions["revenue"].to_numpy(dtype="float64", na_value=0.0)
    keep = (days >= d0) & (days < d1) & (cust >= 0)
    if not keep.any():
        return ()
    per_customer = np.bincount(cust[keep], weights=rev[keep])
    present = np.bincount(cust[keep]) > 0
    values = np.clip(per_customer[present], 0.0, None)
    total = float(values.sum())
    if total <= 0:
        return ()
    cumulative = np.concatenate([[0.0], np.cumsum(np.sort(values)[::-1]) / total])
    grid = np.linspace(0.0, 1.0, points)
    curve = np.interp(grid * values.size, np.arange(values.size + 1), cumulative)
    return tuple(float(x) for x in curve)
