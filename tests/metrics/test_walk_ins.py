"""Walk-in sales (lines without a customer number) are data: worked example and invariants."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook import metrics as m
from kbworkbook.errors import MetricError

AS_OF = "2025-06-30"


def _tx(rows: list[tuple[str | None, str, str | None, float]]) -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": pd.Series([r[0] for r in rows], dtype="str"),
        "date": pd.to_datetime([r[1] for r in rows]),
        "order_id": pd.Series([r[2] for r in rows], dtype="str"),
        "revenue": [r[3] for r in rows],
    })


# A: orders O1 (10 + 20) and O2 (30); B: O3 (50); walk-ins: receipt O4 (5 + 15), O5 (40), two
# lines without a receipt number (25, and a return of -10 that is no purchase).
WORKED = _tx([
    ("A", "2025-03-01", "O1", 10.0), ("A", "2025-03-01", "O1", 20.0),
    ("A", "2025-04-01", "O2", 30.0), ("B", "2025-05-01", "O3", 50.0),
    (None, "2025-05-02", "O4", 5.0), (None, "2025-05-02", "O4", 15.0),
    (None, "2025-05-03", "O5", 40.0), (None, "2025-05-04", None, 25.0),
    (None, "2025-05-04", None, -10.0),
])


def test_identified_share_worked_example() -> None:
    share = m.identified_share(WORKED, AS_OF, 12)
    assert share.lines == 9 and share.known_lines == 4
    assert share.revenue == pytest.approx(185.0)
    assert share.known_revenue == pytest.approx(110.0)
    assert share.revenue_share == pytest.approx(110 / 185)
    # receipts: O1, O2, O3 (known), O4, O5, the lone 25 line; the lone return is no purchase
    assert (share.receipts, share.known_receipts) == (6, 3)
    assert share.receipt_share == pytest.approx(0.5)
    assert not share.complete


def test_purchase_figures_count_walk_ins_for_revenue_but_not_per_customer() -> None:
    f = m.purchase_figures(WORKED, AS_OF, 12, min_orders=2)
    assert f.revenue == pytest.approx(185.0)
    assert f.orders == 6
    assert f.aov == pytest.approx(185 / 6)
    assert f.customers == 2
    assert f.known_orders == 3 and f.known_revenue == pytest.approx(110.0)
    assert f.frequency == pytest.approx(1.5)
    assert f.value_per_customer == pytest.approx(55.0)
    assert f.repeat_rate == pytest.approx(0.5)
    assert f.regular_customers == 1 and f.regular_revenue == pytest.approx(60.0)
    assert f.regular_revenue_share == pytest.approx(60 / 185)
    assert f.known_revenue_share == pytest.approx(110 / 185)
    assert f.known_order_share == pytest.approx(0.5)


def test_per_customer_metrics_use_the_identified_lines() -> None:
    known = WORKED.loc[WORKED["customer_id"].notna()].reset_index(drop=True)
    rfm_all = m.rfm_values(WORKED, AS_OF)
    rfm_known = m.rfm_values(known, AS_OF)
    pd.testing.assert_frame_equal(rfm_all, rfm_known)
    assert rfm_all.index.tolist() == ["A", "B"]
    table = m.cohort_retention(WORKED, period="M", as_of=AS_OF)
    assert int(table.sizes.sum()) == 2


def test_only_walk_ins_gives_a_german_reason_without_internal_names() -> None:
    walk_ins = WORKED.assign(customer_id=pd.Series([None] * len(WORKED), dtype="str"))
    with pytest.raises(MetricError) as info:
        m.window_retention(walk_ins, AS_OF, 3)
    assert "Kundennummer" in str(info.value) and "customer_id" not in str(info.value)
    f = m.purchase_figures(walk_ins, AS_OF, 12)
    assert f.orders == 6 and f.customers == 0 and np.isnan(f.repeat_rate)
    no_column = WORKED.drop(columns=["customer_id"])
    assert m.identified_share(no_column, AS_OF, 12).known_lines == 0


def test_cross_selling_counts_walk_in_baskets() -> None:
    frame = _tx([
        (None, "2025-05-01", "R1", 3.0), (None, "2025-05-01", "R1", 2.0),
        (None, "2025-05-02", "R2", 3.0), (None, "2025-05-02", "R2", 2.0),
        (None, "2025-05-03", None, 3.0), (None, "2025-05-03", None, 2.0),
    ]).assign(product=["Brot", "Kaffee"] * 3)
    pairs = m.cross_selling(frame, min_support=0.0, min_count=1)
    # R1 and R2 hold both products; the two lines without receipt number are two receipts
    assert pairs.loc[0, "orders"] == 2
    assert pairs.loc[0, "support"] == pytest.approx(2 / 4)


walk_in_rows = st.lists(
    st.tuples(st.integers(min_value=0, max_value=700),
              st.sampled_from([-5.0, 2.5, 7.0, 30.0]),
              st.sampled_from([None, "W1", "W2", "W3"])),
    min_size=1, max_size=30,
)


@settings(max_examples=40, deadline=None)
@given(extra=walk_in_rows)
def test_walk_ins_never_change_per_customer_figures(extra: list[tuple[int, float, str | None]]) \
        -> None:
    base = dt.datetime(2023, 9, 1)
    more = pd.DataFrame({
        "customer_id": pd.Series([None] * len(extra), dtype="str"),
        "date": pd.to_datetime([base + dt.timedelta(days=d) for d, _, _ in extra]),
        "order_id": pd.Series([o for _, _, o in extra], dtype="str"),
        "revenue": [r for _, r, _ in extra],
    })
    mixed = pd.concat([WORKED, more], ignore_index=True)
    known = WORKED.loc[WORKED["customer_id"].notna()]
    assert m.window_retention(mixed, AS_OF, 3) == m.window_retention(known, AS_OF, 3)
    pd.testing.assert_frame_equal(m.rfm_values(mixed, AS_OF), m.rfm_values(known, AS_OF))
    with_walk_ins = m.purchase_figures(mixed, AS_OF, 12)
    without = m.purchase_figures(known, AS_OF, 12)
    assert with_walk_ins.customers == without.customers
    assert with_walk_ins.repeat_rate == without.repeat_rate
    assert with_walk_ins.known_revenue == pytest.approx(without.revenue)
    assert with_walk_ins.orders >= without.orders
    share = m.identified_share(mixed, AS_OF, 12)
    assert share.known_receipts == without.orders
    assert share.receipts == with_walk_ins.orders
