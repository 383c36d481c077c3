"""Receipts netted: which orders are purchases (private; domain.md §4.3 "exclude returns").

An ORDER is a distinct ``order_id`` per customer, else a distinct (customer, calendar day) –
see :func:`kbworkbook.metrics._common.order_codes`. Its lines are netted:

* an order with net revenue > 0 is a PURCHASE, dated by its first line;
* an order with net revenue ≤ 0 (a fully returned receipt, a credit note) is not;
* a credit note (net < 0) that refunds exactly the net amount (to the cent) of a purchase of
  the same customer made on the same day or up to :data:`REFUND_DAYS` days before cancels it:
  that receipt was fully returned, so it is no purchase either. Each credit note cancels at
  most one purchase – the latest unmatched one in that period. A credit note for part of a
  receipt, or one that comes later, only reduces revenue.

Walk-in receipts (customer code -1) are netted like any other, but a walk-in credit note never
cancels a purchase. Revenue stays line-based and net everywhere; only the COUNT of purchases
(orders, active customers, repeat buyers, last purchase day) uses the netted receipts.

Within :func:`shared_orders` (the analysis computes its parts in one), netting the same lines
again returns the first result: the analysis' parts net all lines up to the Stichtag nine times
(0.2 s each at 10^6 lines). The memo is keyed by a digest of the inputs' content (not their
identity), holds at most :data:`MEMO_BYTES` and ends with the block.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kbworkbook.metrics._common import ORDER_CODE, order_codes, sorted_unique

__all__ = ["MEMO_BYTES", "REFUND_DAYS", "Orders", "OrdersMemo", "net_order_prefixes",
           "net_orders", "shared_orders"]

#: A credit note more than this many days after a purchase does not cancel it (return period).
REFUND_DAYS = 30
#: Most bytes of netted receipts :func:`shared_orders` keeps (about 33 MB per 10^6 lines).
MEMO_BYTES = 256 * 2**20


@dataclass(frozen=True)
class Orders:
    """Netted orders: arrays per order, plus the order code of every line."""

    line_order: np.ndarray  # order code per line (int64)
    customer: np.ndarray  # customer code per order
    day: np.ndarray  # day number of the order's first line
    net: np.ndarray  # net revenue per order
    purchase: np.ndarray  # bool: net > 0 and not cancelled by a full refund

    @property
    def count(self) -> int:
        return int(self.net.size)

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.line_order, self.customer, self.day, self.net,
                                      self.purchase))


@dataclass
class OrdersMemo:
    """Netted receipts by input digest, with how often each was asked for, at most ``limit``
    bytes (the analysis' threads share one: ``lock`` guards both dicts, never a
    computation)."""

    found: dict[bytes, Orders] = field(default_factory=dict)
    hits: dict[bytes, int] = field(default_factory=dict)
    limit: int = MEMO_BYTES
    lock: threading.Lock = field(default_factory=threading.Lock)


_MEMO: ContextVar[OrdersMemo | None] = ContextVar("kbworkbook_orders_memo", default=None)


@contextlib.contextmanager
def shared_orders(memo: OrdersMemo | None = None) -> Iterator[None]:
    """Within the block, :func:`net_orders` of lines already netted returns that result;
    ``memo`` keeps them beyond the block (a chapter's sections share one), else they end
    with it."""
    # a thread started in the block sees the memo (copy_context)
    token = _MEMO.set(memo if memo is not None else OrdersMemo())
    try:
        yield
    finally:
        _MEMO.reset(token)


def _digest(frame: pd.DataFrame, arrays: tuple[np.ndarray, ...]) -> bytes | None:
    """Content digest of what :func:`net_orders` reads; ``None`` when order numbers are not
    coded (:data:`ORDER_CODE`): hashing their text would cost what it saves."""
    h = hashlib.blake2b(digest_size=20)
    if "order_id" in frame.columns:
        if ORDER_CODE not in frame.columns:
            return None
        arrays = (*arrays, frame[ORDER_CODE].to_numpy(dtype=np.int64))
    for array in arrays:
        h.update(str((array.dtype.str, array.shape)).encode())
        h.update(np.ascontiguousarray(array).data)
    return h.digest()


def _remember(memo: OrdersMemo, key: bytes, orders: Orders) -> None:
    """Keep ``orders``; while over the memo's limit, forget the least asked-for entry."""
    for array in (orders.line_order, orders.customer, orders.day, orders.net, orders.purchase):
        array.setflags(write=False)  # shared by every caller: nobody may change it
    with memo.lock:
        memo.found[key] = orders
        memo.hits.setdefault(key, 0)
        while sum(o.nbytes for o in memo.found.values()) > memo.limit and memo.found:
            least = min(memo.found, key=lambda k: memo.hits[k])
            del memo.found[least]


def _cancel_full_refunds(customer: np.ndarray, day: np.ndarray, net: np.ndarray,
                         purchase: np.ndarray) -> np.ndarray:
    """``purchase`` with the purchases fully refunded by a later credit note switched off."""
    # a walk-in credit note (customer -1) cannot be tied to a walk-in purchase: another
    # anonymous buyer may have paid the same amount
    refunds = np.flatnonzero((net < 0) & (customer >= 0))
    if refunds.size == 0:
        return purchase
    cents = np.rint(net * 100.0).astype(np.int64)
    # (customer, amount) as one number: customer × number of amounts + the amount's rank
    amounts = pd.Index(sorted_unique(-cents[refunds]))  # what credit notes refund, in cents
    candidates = np.flatnonzero(purchase)
    rank = amounts.get_indexer(cents[candidates])  # hashed: -1 for amounts nobody refunds
    candidates, rank = candidates[rank >= 0], rank[rank >= 0]
    wanted = customer[refunds] * len(amounts) + amounts.get_indexer(-cents[refunds])
    candidates = candidates[pd.Index(customer[candidates] * len(amounts) + rank).isin(wanted)]
    if candidates.size == 0:
        return purchase
    pool: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for order in candidates.tolist():
        pool[(int(customer[order]), int(cents[order]))].append((int(day[order]), order))
    out = purchase.copy()
    for refund in refunds[np.argsort(day[refunds], kind="stable")].tolist():
        options = pool.get((int(customer[refund]), int(-cents[refund])))
        if not options:
            continue
        best = -1
        for i, (d, order) in enumerate(options):
            in_period = day[refund] - REFUND_DAYS <= d <= day[refund]
            if in_period and out[order] and (best < 0 or d >= options[best][0]):
                best = i
        if best >= 0:
            out[options.pop(best)[1]] = False
    return out


def net_orders(frame: pd.DataFrame, cust: np.ndarray, days: np.ndarray,
               rev: np.ndarray) -> Orders:
    """Net the lines of ``frame`` (customer codes ``cust``, day numbers ``days``, revenue
    ``rev``, one entry per line) into orders and mark the purchases (see module docstring)."""
    if rev.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Orders(empty, empty, empty, np.zeros(0), np.zeros(0, dtype=bool))
    memo = _MEMO.get()
    key = None if memo is None else _digest(frame, (cust, days, rev))
    if memo is not None and key is not None:
        with memo.lock:
            memo.hits[key] = memo.hits.get(key, 0) + 1
            found = memo.found.get(key)
        if found is not None:
            return found
    orders = _net(frame, cust, days, rev)
    if memo is not None and key is not None:
        _remember(memo, key, orders)
    return orders


def _orders_of(frame: pd.DataFrame, cust: np.ndarray,
               days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Order code per line, and customer code and first day per order."""
    codes = order_codes(frame, cust, days)
    n = int(codes.max()) + 1
    customer = np.zeros(n, dtype=np.int64)
    customer[codes] = cust
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, codes, days)
    return codes, customer, first


def _netted(codes: np.ndarray, customer: np.ndarray, first: np.ndarray,
            rev: np.ndarray) -> Orders:
    net = np.bincount(codes, weights=rev, minlength=customer.size)
    # amounts in cents: 0.1 + 0.2 − 0.3 must net to zero, not to 5.6e-17
    net = np.rint(net * 100.0) / 100.0
    purchase = _cancel_full_refunds(customer, first, net, net > 0)
    return Orders(line_order=codes, customer=customer, day=first, net=net, purchase=purchase)


def _net(frame: pd.DataFrame, cust: np.ndarray, days: np.ndarray, rev: np.ndarray) -> Orders:
    codes, customer, first = _orders_of(frame, cust, days)
    return _netted(codes, customer, first, rev)


def net_order_prefixes(frame: pd.DataFrame, cust: np.ndarray, days: np.ndarray,
                       rev: np.ndarray, ends: Sequence[int]) -> tuple[Orders, ...]:
    """For each day number in ``ends``: the orders of the lines *before* that day, netted as
    if no later line existed (what :func:`net_orders` gives for that prefix of the lines).

    Orders are coded once for all lines: an order with lines on both sides of an end counts
    only its earlier lines there, and a credit note from that day on cancels nothing yet.
    The arrays are indexed by the order codes of all lines, so an order with no line before
    an end is there with net 0 (no purchase, no credit note); ``line_order`` holds the codes
    of the lines before the end.
    """
    if rev.size == 0:
        return tuple(net_orders(frame, cust, days, rev) for _ in ends)
    codes, customer, first = _orders_of(frame, cust, days)
    out = []
    for end in ends:
        before = days < end
        out.append(_netted(codes[before], customer, first, rev[before]))
    return tuple(out)
