"""Purchase figures of one window (domain.md §4.3).

Window: ``months`` calendar months ending with the day ``as_of`` (inclusive).
Revenue is NET: every line in the window counts, returns/credit notes (negative revenue)
reduce it. An ORDER is a purchase: a receipt (distinct ``order_id``, else customer + calendar
day) whose lines net to more than 0 and that no credit note refunds in full (see
:mod:`kbworkbook.metrics._orders`); it belongs to the window of its first line. Credit notes
and fully returned receipts are not orders. A customer is active with ≥ 1 order.

* ``aov = revenue / orders``; ``frequency = known_orders / customers``;
  ``value_per_customer = known_revenue / customers`` (= ``aov · frequency`` without walk-ins).
* ``repeat_rate`` (Wiederkaufrate) = customers with ≥ 2 orders / customers with ≥ 1.
* Stammkunden: customers with ≥ ``min_orders`` orders in the window; ``regular_revenue_share``
  = their net revenue / total net revenue.
* Margin per order, new vs existing customers (needs ``margin``): a customer is *new* when their
  first purchase ever (up to ``as_of``) lies in the window. A line without a margin is
  estimated at the margin rate of the window's lines that have one (NaN when none has).

Walk-in lines (no ``customer_id``) count for ``revenue``, ``orders`` and ``aov``; the per-customer
figures (customers, frequency, value per customer, repeat rate, Stammkunden, new customers,
margins per order) use the identified lines only. ``known_revenue`` / ``known_orders`` say how
much of the window that is (``known_revenue_share``, ``known_order_share``); with no identified
customer the per-customer rates are NaN.
"""

from __future__ import annotations

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
from kbworkbook.metrics._orders import net_orders

__all__ = ["PurchaseFigures", "purchase_figures"]


@dataclass(frozen=True)
class PurchaseFigures:
    """Window purchase figures; money in the data's currency, rates as fractions."""

    window: tuple[pd.Timestamp, pd.Timestamp]
    revenue: float
    orders: int
    customers: int
    aov: float
    frequency: float
    value_per_customer: float
    repeat_customers: int
    repeat_rate: float
    min_orders: int
    regular_customers: int
    regular_revenue: float
    regular_revenue_share: float
    new_customers: int
    margin_per_order_new: float | None
    margin_per_order_existing: float | None
    known_revenue: float = float("nan")
    known_orders: int = 0

    @property
    def known_revenue_share(self) -> float:
        """Share of the window's net revenue on lines with a customer number (NaN for 0)."""
        return self.known_revenue / self.revenue if self.revenue else float("nan")

    @property
    def known_order_share(self) -> float:
        """Share of the window's orders (receipts) made by identified customers."""
        return self.known_orders / self.orders if self.orders else float("nan")


def purchase_figures(
    transactions: pd.DataFrame, as_of: Any, months: int = 12, min_orders: int = 2
) -> PurchaseFigures:
    """Window purchase figures (see module docstring). No order in the window → MetricError."""
    require_columns(transactions, ["date", "revenue"], "purchases")
    if min_orders < 1:
        raise ValueError("min_orders must be ≥ 1")
    start, end = window_bounds(as_of, months)
    days = day_numbers(transactions["date"])
    d0, d1 = (int(t.value // 86_400_000_000_000) for t in (start, end))
    rev = transactions["revenue"].to_numpy(dtype="float64", na_value=0.0)
    cust, uniques = customer_codes_with_walk_ins(transactions)
    ncust = len(uniques)
    upto = days < d1
    inwin = upto & (days >= d0)
    before = np.flatnonzero(upto)
    netted = net_orders(transactions.iloc[before], cust[before], days[before], rev[before])
    order_cust = netted.customer  # -1: a walk-in receipt
    known_purchase = netted.purchase & (order_cust >= 0)
    # first purchase ever (up to as_of) per customer; a fully returned receipt is none
    first = np.full(ncust, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, order_cust[known_purchase], netted.day[known_purchase])
    is_order = netted.purchase & (netted.day >= d0)
    known_order = is_order & (order_cust >= 0)

    sel = np.flatnonzero(inwin)
    c, r = cust[sel], rev[sel]
    known_line = c >= 0
    orders = int(is_order.sum())
    if orders == 0:
        raise MetricError("purchases.no_orders", start=start,
                          last=end - pd.Timedelta(days=1))
    known_orders = int(known_order.sum())
    known_revenue = float(r[known_line].sum())
    orders_per_cust = np.bincount(order_cust[known_order], minlength=ncust)
    rev_per_cust = np.bincount(c[known_line], weights=r[known_line], minlength=ncust)
    active = orders_per_cust >= 1
    customers = int(active.sum())
    revenue = float(r.sum())
    repeat = int((orders_per_cust >= 2).sum())
    regular = orders_per_cust >= min_orders
    regular_revenue = float(rev_per_cust[regular].sum())

    is_new_cust = (first >= d0) & (first < d1)
    new_customers = int((is_new_cust & active).sum())
    m_new: float | None = None
    m_old: float | None = None
    if "margin" in transactions.columns:
        mar = pd.to_numeric(transactions["margin"]).to_numpy(dtype="float64",
                                                             na_value=np.nan)[sel]
        gap = np.isnan(mar)
        if gap.any():  # estimated at the rate of the lines with a margin, never read as 0
            base = float(r[~gap].sum())
            rate = float(mar[~gap].sum()) / base if base > 0 else float("nan")
            mar = np.where(gap, r * rate, mar)
        new_line = np.zeros(c.size, dtype=bool)
        new_line[known_line] = is_new_cust[c[known_line]]
        old_line = known_line & ~new_line
        order_new = np.zeros(order_cust.size, dtype=bool)
        order_new[known_order] = is_new_cust[order_cust[known_order]]
        n_new = int((known_order & order_new).sum())
        n_old = int((known_order & ~order_new).sum())
        m_new = float(mar[new_line].sum()) / n_new if n_new else float("nan")
        m_old = float(mar[old_line].sum()) / n_old if n_old else float("nan")
    nan = float("nan")
    aov = revenue / orders
    freq = known_orders / customers if customers else nan
    return PurchaseFigures(
        window=(start, end),
        revenue=revenue,
        orders=orders,
        customers=customers,
        aov=aov,
        frequency=freq,
        value_per_customer=known_revenue / customers if customers else nan,
        repeat_customers=repeat,
        repeat_rate=repeat / customers if customers else nan,
        min_orders=min_orders,
        regular_customers=int(regular.sum()),
        regular_revenue=regular_revenue,
        regular_revenue_share=regular_revenue / revenue if revenue != 0 else nan,
        new_customers=new_customers,
        margin_per_order_new=m_new,
        margin_per_order_existing=m_old,
        known_revenue=known_revenue,
        known_orders=known_orders,
    )
