"""Netted receipts shared within the analysis (``shared_orders``): the same results, once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kbworkbook.metrics._orders as orders_module
from kbworkbook.metrics._common import customer_codes, day_numbers, with_order_codes
from kbworkbook.metrics._orders import net_order_prefixes, net_orders, shared_orders

lines = st.lists(
    st.tuples(st.integers(0, 60), st.sampled_from(["1", "2", "3"]),
              st.sampled_from([-12.5, -4.0, 4.0, 12.5, 20.0]),
              st.sampled_from([None, "A", "B", "C"])),
    min_size=1, max_size=40)


def _frame(rows: list[tuple[int, str, float, str | None]]) -> pd.DataFrame:
    frame = pd.DataFrame({
        "date": pd.Timestamp("2025-01-01") + pd.to_timedelta([r[0] for r in rows], unit="D"),
        "customer_id": pd.array([r[1] for r in rows], dtype="str"),
        "revenue": [r[2] for r in rows],
        "order_id": pd.array([r[3] for r in rows], dtype="str"),
    })
    return with_order_codes(frame)


def _arrays(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (customer_codes(frame["customer_id"])[0], day_numbers(frame["date"]),
            frame["revenue"].to_numpy(dtype="float64"))


def _same(a: orders_module.Orders, b: orders_module.Orders) -> bool:
    return all(np.array_equal(getattr(a, f), getattr(b, f))
               for f in ("line_order", "customer", "day", "net", "purchase"))


@settings(max_examples=60, deadline=None)
@given(lines, st.integers(0, 60))
def test_shared_results_equal_fresh_ones_for_every_prefix(rows: list, cut: int) -> None:
    frame = _frame(rows)
    cust, days, rev = _arrays(frame)
    upto = np.flatnonzero(days < days.min() + cut + 1)
    alone = net_orders(frame.iloc[upto], cust[upto], days[upto], rev[upto])
    whole = net_orders(frame, cust, days, rev)
    with shared_orders():
        first = net_orders(frame.iloc[upto], cust[upto], days[upto], rev[upto])
        again = net_orders(frame.iloc[upto], cust[upto], days[upto], rev[upto])
        other = net_orders(frame, cust, days, rev)
    assert again is first  # netted once
    assert _same(first, alone) and _same(other, whole)


def test_a_shared_result_cannot_be_changed_by_a_caller() -> None:
    frame = _frame([(0, "1", 20.0, None), (3, "1", -20.0, None)])
    with shared_orders():
        found = net_orders(frame, *_arrays(frame))
        with pytest.raises(ValueError):
            found.purchase[0] = True


def test_changed_content_is_netted_anew_and_the_memo_ends_with_the_block() -> None:
    frame = _frame([(0, "1", 20.0, None), (3, "2", 5.0, None)])
    cust, days, rev = _arrays(frame)
    with shared_orders():
        first = net_orders(frame, cust, days, rev)
        changed = net_orders(frame, cust, days, rev * 2)
        assert changed is not first and changed.net.sum() == pytest.approx(50.0)
    assert net_orders(frame, cust, days, rev) is not first


def test_the_memo_stays_within_its_bytes() -> None:
    frame = _frame([(d, str(d % 3), 10.0 + d, None) for d in range(30)])
    cust, days, rev = _arrays(frame)
    with shared_orders(orders_module.OrdersMemo(limit=1)):  # nothing fits
        first = net_orders(frame, cust, days, rev)
        again = net_orders(frame, cust, days, rev)
    assert again is not first and _same(again, first)


def test_a_memo_given_to_the_block_keeps_its_results_for_the_next_block() -> None:
    frame = _frame([(0, "1", 20.0, None), (3, "2", 5.0, None)])
    cust, days, rev = _arrays(frame)
    memo = orders_module.OrdersMemo()
    with shared_orders(memo):
        first = net_orders(frame, cust, days, rev)
    with shared_orders(memo):  # a later section of the same chapter
        assert net_orders(frame, cust, days, rev) is first
    assert net_orders(frame, cust, days, rev) is not first  # outside any block


def _purchases(orders: orders_module.Orders) -> list[tuple[int, int, float]]:
    """(customer, day, net) of every purchase, sorted: what the metrics count."""
    keep = orders.purchase
    return sorted(zip(orders.customer[keep].tolist(), orders.day[keep].tolist(),
                      orders.net[keep].tolist(), strict=True))


@settings(max_examples=80, deadline=None)
@given(lines, st.lists(st.integers(0, 62), min_size=1, max_size=5))
def test_prefixes_netted_in_one_pass_equal_each_prefix_netted_alone(
        rows: list, cuts: list[int]) -> None:
    frame = _frame(rows)
    cust, days, rev = _arrays(frame)
    ends = [int(days.min()) + cut for cut in cuts]
    together = net_order_prefixes(frame, cust, days, rev, ends)
    for end, found in zip(ends, together, strict=True):
        upto = np.flatnonzero(days < end)
        alone = net_orders(frame.iloc[upto], cust[upto], days[upto], rev[upto])
        assert _purchases(found) == _purchases(alone)
        credit_notes = sorted(found.net[found.net < 0].tolist())
        assert credit_notes == sorted(alone.net[alone.net < 0].tolist())


def test_a_credit_note_after_the_cut_cancels_nothing_before_it() -> None:
    # receipt A of 20 on day 0, its full refund on day 10; order B spans days 3 and 12
    frame = _frame([(0, "1", 20.0, "A"), (10, "1", -20.0, None),
                    (3, "2", 12.5, "B"), (12, "2", -12.5, "B")])
    cust, days, rev = _arrays(frame)
    first = int(days.min())
    at_5, at_11, at_13 = net_order_prefixes(frame, cust, days, rev,
                                           [first + 5, first + 11, first + 13])
    assert at_5.purchase.sum() == 2  # nothing refunded yet
    assert at_11.purchase.sum() == 1  # A refunded in full, B's return still to come
    assert at_13.purchase.sum() == 0  # B nets to zero
