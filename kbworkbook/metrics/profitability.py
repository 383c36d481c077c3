"""Der Kunde ist König, aber nicht um jeden Preis: customer profitability (seed 003).

Over one window (``months`` up to ``as_of``), for every ACTIVE identified customer (≥ 1
purchase):

``profit_k = margin_k − cost_per_order · purchases_k − cost_per_complaint · complaints_k``

``margin_k`` is the net contribution margin of the customer's window lines (the caller passes
lines whose ``margin`` is the contribution margin); the two costs are the cost to serve
(handling per purchase, per complaint; 0 when not known). Complaints count when dated in the
window and carrying the customer's number.

* **unprofitable**: ``profit_k < 0``;
* **marginal**: ``0 ≤ profit_k < MARGINAL_SHARE × mean profit per customer`` (earns less than a
  tenth of what the average customer earns; none when the mean is ≤ 0);
* **deciles**: customers sorted by profit, best first, cut into ten groups of (nearly) equal
  size; profit and revenue per group (needs ≥ 10 customers);
* **whale curve** (Kaplan & Cooper 1998, *Cost & Effect*): cumulative profit as a share of the
  total profit against the share of customers, best first; it rises above 100 % and falls
  back to 100 % as the unprofitable customers are added. Entry ``i`` of :attr:`whale` is at
  ``i/(len−1)`` of the customers, linearly interpolated; empty when the total profit is ≤ 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError
from kbworkbook.metrics._common import require_columns
from kbworkbook.metrics._window_customers import complaints_per_customer, window_customers

__all__ = ["MANY_UNPROFITABLE", "MARGINAL_SHARE", "CustomerProfitability", "customer_profitability"]

#: a customer earning less than this share of the mean profit per customer is "marginal"
MARGINAL_SHARE = 0.10
#: from this share of unprofitable customers on, the report proposes a measure of its own (a
#: rule of thumb of this workbook)
MANY_UNPROFITABLE = 0.10


@dataclass(frozen=True)
class CustomerProfitability:
    """Profit per customer of one window, summed over groups (no customer is named).

    Money in the data's currency. ``cost_per_order`` / ``cost_per_complaint``: the costs to
    serve used (``None``: not known, counted as 0).
    """

    window: tuple[pd.Timestamp, pd.Timestamp]
    customers: int
    revenue: float
    margin: float
    order_cost: float
    complaint_cost: float
    unprofitable: int
    unprofitable_revenue: float
    unprofitable_profit: float
    marginal: int
    marginal_revenue: float
    marginal_below: float
    decile_profit: tuple[float, ...]
    decile_revenue: tuple[float, ...]
    whale: tuple[float, ...]
    cost_per_order: float | None = None
    cost_per_complaint: float | None = None

    @property
    def profit(self) -> float:
        return self.margin - self.order_cost - self.complaint_cost

    @property
    def unprofitable_share(self) -> float:
        """Share of the customers who cost more than they bring (NaN without customers)."""
        return self.unprofitable / self.customers if self.customers else float("nan")

    @property
    def many_unprofitable(self) -> bool:
        """At least :data:`MANY_UNPROFITABLE` of the customers are unprofitable."""
        return bool(self.customers) and self.unprofitable_share >= MANY_UNPROFITABLE

    @property
    def unprofitable_revenue_share(self) -> float:
        """Their share of the customers' net revenue (NaN when it is 0)."""
        return self.unprofitable_revenue / self.revenue if self.revenue else float("nan")

    @property
    def marginal_revenue_share(self) -> float:
        """The barely profitable customers' share of the net revenue (NaN when it is 0)."""
        return self.marginal_revenue / self.revenue if self.revenue else float("nan")

    @property
    def top_decile_share(self) -> float:
        """Share of the total profit brought by the best tenth of the customers (NaN without
        deciles or with a total profit ≤ 0)."""
        if not self.decile_profit or self.profit <= 0:
            return float("nan")
        return self.decile_profit[0] / self.profit

    @property
    def peak(self) -> float:
        """Highest point of the whale curve: profit of the best customers / total profit."""
        return max(self.whale) if self.whale else float("nan")

    @property
    def humped(self) -> bool:
        """The whale curve rises visibly above 100 % (peak ≥ 100.5 %): unprofitable customers
        eat part of what the best ones earn."""
        return bool(self.whale) and self.peak >= 1.005

    @property
    def peak_at(self) -> float:
        """Share of the customers (best first) at the highest point of the whale curve."""
        if not self.whale:
            return float("nan")
        return int(np.argmax(self.whale)) / (len(self.whale) - 1)


def _whale(profits: np.ndarray, points: int) -> tuple[float, ...]:
    total = float(profits.sum())
    if total <= 0 or profits.size == 0:
        return ()
    cumulative = np.concatenate([[0.0], np.cumsum(profits) / total])
    grid = np.linspace(0.0, 1.0, points)
    return tuple(float(x) for x in np.interp(grid * profits.size,
                                             np.arange(profits.size + 1), cumulative))


def customer_profitability(transactions: pd.DataFrame, as_of: Any, months: int = 12,
                           complaints: pd.DataFrame | None = None,
                           cost_per_order: float | None = None,
                           cost_per_complaint: float | None = None,
                           points: int = 101) -> CustomerProfitability:
    """Profit per customer of the window (see module docstring).

    ``transactions`` needs ``margin`` (contribution margin per line). Raises
    :class:`MetricError` when the window has no identified purchase.
    """
    require_columns(transactions, ["date", "revenue", "margin"], "profitability")
    if points < 2:
        raise ValueError("points must be at least 2")
    for cost in (cost_per_order, cost_per_complaint):
        if cost is not None and not (np.isfinite(cost) and cost >= 0):
            raise ValueError("costs to serve must be finite and ≥ 0")
    customers = window_customers(transactions, as_of, months)
    active = customers.active
    if not active.any():
        raise MetricError("purchases.no_orders", start=customers.start,
                          last=customers.end - pd.Timedelta(days=1))
    complaints_k = np.zeros(len(customers.ids), dtype=np.int64)
    if complaints is not None and {"date", "customer_id"} <= set(complaints.columns):
        complaints_k = complaints_per_customer(complaints, customers)[0]
    assert customers.margin is not None
    margin = customers.margin[active]
    revenue = customers.revenue[active]
    order_cost = (cost_per_order or 0.0) * customers.orders[active]
    complaint_cost = (cost_per_complaint or 0.0) * complaints_k[active]
    profit = margin - order_cost - complaint_cost
    order = np.argsort(-profit, kind="stable")
    profit, revenue = profit[order], revenue[order]
    mean = float(profit.mean())
    below = MARGINAL_SHARE * mean if mean > 0 else 0.0
    losing = profit < 0
    marginal = (profit >= 0) & (profit < below)
    deciles = np.array_split(np.arange(profit.size), 10) if profit.size >= 10 else []
    return CustomerProfitability(
        window=(customers.start, customers.end),
        customers=int(profit.size),
        revenue=float(revenue.sum()),
        margin=float(margin.sum()),
        order_cost=float(order_cost.sum()),
        complaint_cost=float(complaint_cost.sum()),
        unprofitable=int(losing.sum()),
        unprofitable_revenue=float(revenue[losing].sum()),
        unprofitable_profit=float(profit[losing].sum()),
        marginal=int(marginal.sum()),
        marginal_revenue=float(revenue[marginal].sum()),
        marginal_below=below,
        decile_profit=tuple(float(profit[d].sum()) for d in deciles),
        decile_revenue=tuple(float(revenue[d].sum()) for d in deciles),
        whale=_whale(profit, points),
        cost_per_order=cost_per_order,
        cost_per_complaint=cost_per_complaint,
    )
