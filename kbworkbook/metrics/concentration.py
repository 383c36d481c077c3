"""How much of the revenue rests on few customers (Klumpenrisiko; issue 16, B2B mode).

For the window of ``months`` calendar months ending with the Stichtag (inclusive), each
identified customer's net revenue is summed (returns subtract; walk-in lines belong to
nobody). Customers whose net revenue is ≤ 0 are left out. Then

* ``top_n_share`` = revenue of the ``top_n`` (10) customers with the most revenue ÷ revenue of
  all customers with positive revenue – 1 when there are ``top_n`` or fewer;
* ``top_share_share`` = revenue of the ``⌈top_share · n⌉`` (20 %, at least one) customers with
  the most revenue ÷ the same total.

Ties do not matter: the sum of the k largest values is the same whichever of the equal
customers is counted. A firm selling to other firms often has few large customers; losing one
of them then costs a large part of the revenue at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError
from kbworkbook.metrics._common import (
    customer_codes_with_walk_ins,
    day_numbers,
    require_columns,
    window_bounds,
)

__all__ = ["Concentration", "revenue_concentration"]


@dataclass(frozen=True)
class Concentration:
    """Revenue shares of the largest customers of a window (see the module docstring)."""

    customers: int
    revenue: float
    top_n: int
    top_n_share: float
    top_share: float
    top_share_customers: int
    top_share_share: float


def revenue_concentration(transactions: pd.DataFrame, as_of: Any, months: int = 12,
                          top_n: int = 10, top_share: float = 0.2) -> Concentration:
    """Revenue shares of the ``top_n`` and the top ``top_share`` customers in the window.

    Raises :class:`MetricError` when no identified customer has positive revenue there.
    """
    if top_n < 1 or not 0 < top_share <= 1:
        raise ValueError("top_n must be ≥ 1 and top_share in (0, 1]")
    require_columns(transactions, ["date", "revenue"], "concentration")
    start, end = window_bounds(as_of, months)
    d0, d1 = (int(t.value // 86_400_000_000_000) for t in (start, end))
    days = day_numbers(transactions["date"])
    cust, _ = customer_codes_with_walk_ins(transactions)
    rev = transactions["revenue"].to_numpy(dtype="float64", na_value=0.0)
    keep = (days >= d0) & (days < d1) & (cust >= 0)
    per_customer = np.bincount(cust[keep], weights=rev[keep]) if keep.any() else np.zeros(0)
    values = np.sort(per_customer[per_customer > 0])[::-1]
    total = float(values.sum())
    if not values.size or total <= 0:
        raise MetricError("concentration.no_revenue")
    heads = max(1, math.ceil(top_share * values.size - 1e-9))
    return Concentration(
        customers=int(values.size), revenue=total, top_n=top_n,
        top_n_share=float(values[:top_n].sum()) / total, top_share=top_share,
        top_share_customers=heads, top_share_share=float(values[:heads].sum()) / total)
