"""Do regular customers complain less? Complaints per customer by group (seed 001).

Seed 001: "So kommt es beispielsweise seltener vor, dass Stammkunden ein Produkt beanstanden."
Checked with the client's own data when complaints carry the customer number of the sales
data. Over one window (``months`` up to ``as_of``) every ACTIVE customer (≥ 1 purchase) falls
into exactly one group:

* ``regular`` – at least ``min_orders`` purchases in the window (Stammkunden);
* ``new`` – first purchase ever in the window, fewer purchases;
* ``occasional`` – everyone else.

Per group: customers, their purchases in the window, complaints dated in the window of those
customers, customers with at least one complaint, ``per_100`` = complaints per 100 customers
and ``per_1000_purchases`` = complaints per 1,000 purchases. Regular customers buy more
often, so they have more occasions to complain: only the rate per purchase says whether they
complain *less* than others for the same amount of business. A complaint without a
customer number, or with one that bought nothing in the window, is counted apart
(``anonymous``, ``unmatched``), never guessed into a group.

:attr:`ComplaintsByGroup.regulars` compares the regulars' complaints per purchase with those
of all other active customers together: ``less`` below 0.8 times, ``more`` above 1.25 times,
else ``similar``; ``unknown`` when either side has no purchase. A rule of thumb for reading
the table; with few complaints chance decides much (:attr:`ComplaintsByGroup.few`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from kbworkbook.errors import MetricError
from kbworkbook.metrics._common import require_columns
from kbworkbook.metrics._window_customers import complaints_per_customer, window_customers

__all__ = ["FEW_COMPLAINTS", "GROUPS", "ComplaintGroup", "ComplaintsByGroup", "complaints_by_group"]

#: fewer linked complaints than this: the comparison is a tendency at best
FEW_COMPLAINTS = 20
#: the groups in display order
GROUPS: tuple[str, ...] = ("regular", "occasional", "new")


@dataclass(frozen=True)
class ComplaintGroup:
    """One group of the window's active customers and their complaints."""

    key: str
    customers: int
    complaints: int
    complainants: int
    purchases: int = 0

    @property
    def per_1000_purchases(self) -> float:
        """Complaints per 1,000 purchases of the group (NaN without purchases)."""
        return 1000.0 * self.complaints / self.purchases if self.purchases else float("nan")

    @property
    def per_100(self) -> float:
        """Complaints per 100 customers of the group (NaN for an empty group)."""
        return 100.0 * self.complaints / self.customers if self.customers else float("nan")

    @property
    def complainant_share(self) -> float:
        """Share of the group's customers with at least one complaint (NaN when empty)."""
        return self.complainants / self.customers if self.customers else float("nan")


@dataclass(frozen=True)
class ComplaintsByGroup:
    """Complaints of the window by customer group, and those that could not be linked."""

    window: tuple[pd.Timestamp, pd.Timestamp]
    groups: tuple[ComplaintGroup, ...]
    complaints: int  # dated in the window
    anonymous: int  # without a customer number
    unmatched: int  # with a number that bought nothing in the window

    @property
    def linked(self) -> int:
        return self.complaints - self.anonymous - self.unmatched

    def group(self, key: str) -> ComplaintGroup:
        return next(g for g in self.groups if g.key == key)

    @property
    def few(self) -> bool:
        return self.linked < FEW_COMPLAINTS

    @property
    def regulars(self) -> str:
        """``less`` / ``similar`` / ``more`` complaints per purchase than the other customers,
        or ``unknown`` (see module docstring)."""
        regular = self.group("regular")
        others = [g for g in self.groups if g.key != "regular"]
        bought = sum(g.purchases for g in others)
        if not regular.purchases or not bought:
            return "unknown"
        mine = regular.complaints / regular.purchases
        theirs = sum(g.complaints for g in others) / bought
        if mine < 0.8 * theirs:
            return "less"
        if mine > 1.25 * theirs:
            return "more"
        return "similar"


def complaints_by_group(transactions: pd.DataFrame, complaints: pd.DataFrame, as_of: Any,
                        months: int = 12, min_orders: int = 2) -> ComplaintsByGroup:
    """Complaints per customer group of the window (see module docstring).

    Raises :class:`MetricError` when the complaints have no customer number column.
    """
    require_columns(transactions, ["date", "revenue"], "purchases")
    require_columns(complaints, ["date", "customer_id"], "complaint_groups")
    if min_orders < 1:
        raise ValueError("min_orders must be ≥ 1")
    customers = window_customers(transactions, as_of, months)
    counts, total, anonymous, unmatched = complaints_per_customer(complaints, customers)
    active = customers.active
    regular = active & (customers.orders >= min_orders)
    new = active & ~regular & customers.new
    members = {"regular": regular, "new": new, "occasional": active & ~regular & ~new}
    groups = tuple(ComplaintGroup(key, int(members[key].sum()),
                                  int(counts[members[key]].sum()),
                                  int((counts[members[key]] > 0).sum()),
                                  int(customers.orders[members[key]].sum())) for key in GROUPS)
    if not active.any():
        raise MetricError("purchases.no_orders", start=customers.start,
                          last=customers.end - pd.Timedelta(days=1))
    return ComplaintsByGroup((customers.start, customers.end), groups, total, anonymous,
                             unmatched)


