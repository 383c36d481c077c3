"""The identified customers of one window, per customer (private; shared by the complaint
groups and customer profitability).

A customer is ACTIVE in the window with at least one purchase there (netted receipts, see
:mod:`kbworkbook.metrics._orders`); NEW when their first purchase up to ``as_of`` lies in the
window. Revenue and margin are the net sums of the customer's window lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kbworkbook.metrics._common import (
    customer_codes_with_walk_ins,
    day_numbers,
    walk_in_mask,
    window_bounds,
)
from kbworkbook.metrics._orders import net_orders

__all__ = ["WindowCustomers", "complaints_per_customer", "window_customers"]


@dataclass(frozen=True)
class WindowCustomers:
    """Arrays per customer code (``ids[k]`` is the id of code ``k``)."""

    start: pd.Timestamp
    end: pd.Timestamp
    ids: pd.Index
    orders: np.ndarray  # purchases in the window
    new: np.ndarray  # bool: first purchase ever lies in the window
    revenue: np.ndarray  # net revenue of the window lines
    margin: np.ndarray | None  # net margin of the window lines (None without the column)

    @property
    def active(self) -> np.ndarray:
        return self.orders >= 1


def window_customers(transactions: pd.DataFrame, as_of: Any, months: int) -> WindowCustomers:
    """Per identified customer: purchases, new, revenue (and margin) in the window."""
    start, end = window_bounds(as_of, months)
    d0, d1 = (int(t.value // 86_400_000_000_000) for t in (start, end))
    days = day_numbers(transactions["date"])
    rev = transactions["revenue"].to_numpy(dtype="float64", na_value=0.0)
    cust, ids = customer_codes_with_walk_ins(transactions)
    n = len(ids)
    upto = np.flatnonzero(days < d1)
    netted = net_orders(transactions.iloc[upto], cust[upto], days[upto], rev[upto])
    known = netted.purchase & (netted.customer >= 0)
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, netted.customer[known], netted.day[known])
    inside = known & (netted.day >= d0)
    orders = np.bincount(netted.customer[inside], minlength=n)
    lines = (days >= d0) & (days < d1) & (cust >= 0)
    revenue = np.bincount(cust[lines], weights=rev[lines], minlength=n)
    margin = None
    if "margin" in transactions.columns:
        mar = pd.to_numeric(transactions["margin"]).to_numpy(dtype="float64", na_value=0.0)
        margin = np.bincount(cust[lines], weights=np.nan_to_num(mar[lines]), minlength=n)
    return WindowCustomers(start, end, ids, orders, (first >= d0) & (first < d1), revenue,
                           margin)


def complaints_per_customer(complaints: pd.DataFrame, customers: WindowCustomers
                            ) -> tuple[np.ndarray, int, int, int]:
    """Complaints dated in the window per customer code, and the window's complaints in total,
    without a customer number, and with one that is no active customer of the window."""
    n = len(customers.ids)
    dates = pd.to_datetime(complaints["date"])
    inside = ((dates >= customers.start) & (dates < customers.end)).fillna(False)
    frame = complaints.loc[inside.to_numpy(dtype=bool)]
    counts = np.zeros(n, dtype=np.int64)
    if not len(frame):
        return counts, 0, 0, 0
    anonymous = walk_in_mask(frame)
    codes = np.full(len(frame), -1, dtype=np.int64)
    if (~anonymous).any():
        ids = frame["customer_id"].astype("str").str.strip().to_numpy()[~anonymous]
        codes[~anonymous] = customers.ids.get_indexer(pd.Index(ids, dtype="str"))
    matched = codes >= 0
    matched[matched] = customers.active[codes[matched]]
    np.add.at(counts, codes[matched], 1)
    return (counts, int(len(frame)), int(anonymous.sum()),
            int((~anonymous & ~matched).sum()))
