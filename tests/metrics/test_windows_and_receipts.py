"""Customer figures over the report's current window (issue 12 #2); worked examples by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook import metrics as m
from kbworkbook.errors import MetricError


def _tx(rows: list[tuple[str, str, float]], **extra: list) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "revenue"])
    frame["date"] = pd.to_datetime(frame["date"])
    for key, values in extra.items():
        frame[key] = values
    return frame


WINDOW_ROWS = [
    ("a", "2023-06-01", 50.0), ("a", "2024-03-01", 30.0), ("a", "2024-12-01", 100.0),
    ("b", "2023-11-01", 10.0),  # bought only before the window: lapsed, not segmented
    ("c", "2024-12-31", 5.0),
    ("d", "2025-01-02", 70.0),  # after the Stichtag: ignored
]


def test_rfm_values_over_the_current_window() -> None:
    vals = m.rfm_values(_tx(WINDOW_ROWS), as_of="2024-12-31", months=12)
    # window 01.01.2024–31.12.2024: a bought twice in it (30 + 100), c once; b not at all
    assert vals.index.tolist() == ["a", "c"]
    assert vals.loc["a"].tolist() == [30, 2, 130.0]
    assert vals.loc["c"].tolist() == [0, 1, 5.0]


def test_rfm_values_whole_history_when_no_window() -> None:
    vals = m.rfm_values(_tx(WINDOW_ROWS), as_of="2024-12-31")
    assert vals.index.tolist() == ["a", "b", "c"]
    assert vals.loc["a"].tolist() == [30, 3, 180.0]
    # 01.11.2023 → 31.12.2024: 61 days to 01.01.2024, then 365
    assert vals.loc["b", "recency"] == 426


# -- netted receipts (issue 12 #9) -------------------------------------------------------------

# domain.md §4.3 oracle: A 50, 70, 30 | B 200 | C 40, 60 | D 20 | E 25 ×4 (one order per line)
ORACLE = [("A", 50.0), ("A", 70.0), ("A", 30.0), ("B", 200.0), ("C", 40.0), ("C", 60.0),
          ("D", 20.0), ("E", 25.0), ("E", 25.0), ("E", 25.0), ("E", 25.0)]


def _oracle_with(extra: list[tuple[str, str, float, str]]) -> pd.DataFrame:
    rows = [(c, f"2024-{i % 12 + 1:02d}-10", v, f"R{i}") for i, (c, v) in enumerate(ORACLE)]
    rows += extra
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "revenue", "order_id"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _figures(frame: pd.DataFrame) -> m.PurchaseFigures:
    return m.purchase_figures(frame, "2024-12-31", months=12)


def test_oracle_4_3_unchanged() -> None:
    fig = _figures(_oracle_with([]))
    assert (fig.orders, fig.customers, fig.revenue) == (11, 5, 570.0)
    assert fig.aov == pytest.approx(51.8182, abs=1e-4)
    assert fig.repeat_rate == pytest.approx(0.6)


@pytest.mark.parametrize("extra", [
    # F buys 40 and returns it on the same receipt
    [("F", "2024-05-02", 40.0, "F1"), ("F", "2024-05-02", -40.0, "F1")],
    # F buys 40, a credit note on its own receipt refunds all of it two days later
    [("F", "2024-05-02", 40.0, "F1"), ("F", "2024-05-04", -40.0, "G1")],
], ids=["same_receipt", "credit_note"])
def test_fully_returned_receipt_is_not_a_purchase(extra) -> None:
    """Hand case of issue 12: counted as a purchase it gave Ø 47.50 and 50 % repeat rate."""
    fig = _figures(_oracle_with(extra))
    assert (fig.orders, fig.customers, fig.revenue) == (11, 5, 570.0)
    assert fig.aov == pytest.approx(570 / 11)  # 51.82, not 570 / 12 = 47.50
    assert fig.repeat_rate == pytest.approx(3 / 5)  # 60 %, not 3 / 6 = 50 %
    assert "F" not in m.rfm_values(_oracle_with(extra), "2024-12-31").index


def test_partial_or_late_refund_only_reduces_revenue() -> None:
    partial = _figures(_oracle_with([("F", "2024-05-02", 40.0, "F1"),
                                     ("F", "2024-05-04", -10.0, "G1")]))
    # F stays a one-purchase customer: 12 orders, revenue 570 + 40 − 10 = 600
    assert (partial.orders, partial.customers, partial.revenue) == (12, 6, 600.0)
    assert partial.aov == pytest.approx(50.0)
    assert partial.repeat_rate == pytest.approx(3 / 6)
    late = _figures(_oracle_with([("F", "2024-05-02", 40.0, "F1"),
                                  ("F", "2024-06-02", -40.0, "G1")]))  # 31 days later
    assert (late.orders, late.customers, late.revenue) == (12, 6, 570.0)


def test_one_credit_note_cancels_one_receipt() -> None:
    # two receipts of 40 on 2 and 3 May, one refund of 40 on 5 May: the later one is cancelled
    frame = _oracle_with([("F", "2024-05-02", 40.0, "F1"), ("F", "2024-05-03", 40.0, "F2"),
                          ("F", "2024-05-05", -40.0, "G1")])
    fig = _figures(frame)
    assert (fig.orders, fig.customers, fig.revenue) == (12, 6, 610.0)
    assert m.rfm_values(frame, "2024-12-31").loc["F"].tolist() == [243, 1, 40.0]  # 2 May


def test_retention_ignores_a_customer_whose_only_receipt_was_returned() -> None:
    rows = [("a", "2023-03-01", 10.0, "1"), ("a", "2024-03-01", 10.0, "2"),
            ("b", "2023-04-01", 30.0, "3"), ("b", "2024-04-01", 30.0, "4"),
            ("b", "2024-04-02", -30.0, "5")]
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "revenue", "order_id"])
    frame["date"] = pd.to_datetime(frame["date"])
    res = m.window_retention(frame, "2024-12-31", months=12)
    # b returned everything bought in 2024: lost, not retained
    assert (res.start, res.end, res.retained, res.lost) == (2, 1, 1, 1)


@settings(max_examples=80, deadline=None)
@given(
    base=st.lists(st.tuples(st.sampled_from(list("abcdef")), st.integers(0, 300),
                            st.sampled_from([5.0, 12.5, 40.0, 99.95])), min_size=1, max_size=40),
    who=st.sampled_from(list("abcdefg")), day=st.integers(0, 300),
    amount=st.sampled_from([5.0, 12.5, 40.0, 7.3]), later=st.integers(0, 30),
)
def test_adding_a_fully_refunded_receipt_changes_no_count(base, who, day, amount, later) -> None:
    """A purchase plus a credit note refunding it in full leaves every count and the revenue."""
    start = pd.Timestamp("2024-01-01")
    rows = [(c, start + pd.Timedelta(days=d), v, f"R{i}") for i, (c, d, v) in enumerate(base)]
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "revenue", "order_id"])
    extra = pd.DataFrame([(who, start + pd.Timedelta(days=day), amount, "X1"),
                          (who, start + pd.Timedelta(days=day + later), -amount, "X2")],
                         columns=frame.columns)
    before = m.purchase_figures(frame, "2024-12-31", months=12)
    after = m.purchase_figures(pd.concat([frame, extra], ignore_index=True), "2024-12-31", 12)
    for field in ("orders", "customers", "repeat_customers", "regular_customers"):
        assert getattr(after, field) == getattr(before, field), field
    assert after.revenue == pytest.approx(before.revenue)


# -- margins and CLV never silently 0 or NaN (issue 12 #9) -------------------------------------


def test_missing_margin_is_estimated_at_the_known_rate_and_flagged() -> None:
    frame = _tx([("a", "2024-06-01", 100.0), ("a", "2024-07-01", 50.0),
                 ("b", "2024-08-01", 100.0)], margin=[40.0, float("nan"), 20.0])
    per = m.clv_per_customer(frame, "2024-12-31", retention=0.8, discount=0.1)
    # known lines: margin 60 on revenue 200 = 30 %; a's missing line: 50 × 0.3 = 15 (not 0)
    assert per.loc["a", "annual_margin"] == pytest.approx(55.0)
    assert per.loc["a", "clv"] == pytest.approx(55.0 * 0.8 / (1.1 - 0.8))  # 146.67
    assert per["margin_estimated"].to_dict() == {"a": True, "b": False}
    assert per.attrs["margin_missing_lines"] == 1


def test_all_margins_missing_says_how_to_fix() -> None:
    frame = _tx([("a", "2024-06-01", 100.0)], margin=[float("nan")])
    with pytest.raises(MetricError, match="margin_rate"):
        m.clv_per_customer(frame, "2024-12-31", retention=0.8, discount=0.1)


@pytest.mark.parametrize("args", [(float("nan"), 0.8, 0.1), (100.0, float("nan"), 0.1),
                                  (100.0, 0.8, float("nan")), (float("inf"), 0.8, 0.1)])
def test_discounted_clv_never_returns_nan(args) -> None:
    with pytest.raises(MetricError, match="CLV"):
        m.clv_discounted(*args)
    with pytest.raises(MetricError, match="CLV"):
        m.clv_discounted(*args, horizon=5)


def test_margin_per_purchase_estimates_missing_margins() -> None:
    # new customer n: two receipts 100 (margin 40) and 50 (margin missing) in 2024
    # existing customer e (first bought 2023): one receipt 100, margin 20
    frame = _tx([("e", "2023-05-01", 10.0), ("e", "2024-03-01", 100.0),
                 ("n", "2024-04-01", 100.0), ("n", "2024-05-01", 50.0)],
                margin=[1.0, 20.0, 40.0, float("nan")])
    fig = m.purchase_figures(frame, "2024-12-31", months=12)
    # window rate of the known lines: (20 + 40) / 200 = 30 % → n's missing margin 15, not 0
    assert fig.margin_per_order_new == pytest.approx((40 + 15) / 2)
    assert fig.margin_per_order_existing == pytest.approx(20.0)


_LINE = st.tuples(st.sampled_from(["a", "b", "c", None]), st.integers(0, 40),
                  st.sampled_from(["R1", "R2", "R3", "R4", None]),
                  st.sampled_from([-20.0, -5.0, 5.0, 20.0, 35.0]))


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(_LINE, min_size=1, max_size=40), cut=st.integers(0, 40))
def test_precomputed_order_codes_give_the_same_receipts_and_figures(lines, cut) -> None:
    """Order numbers coded once per loaded table (as the workbook loads them) or in every
    metric: the same receipts (up to numbering), on the whole table and on a subset of it."""
    import numpy as np

    from kbworkbook.metrics._common import (
        ORDER_CODE,
        customer_codes_with_walk_ins,
        day_numbers,
        order_codes,
        with_order_codes,
    )

    frame = pd.DataFrame({
        "customer_id": pd.Series([c for c, *_ in lines], dtype="str"),
        "date": pd.Timestamp("2025-01-01") + pd.to_timedelta([d for _, d, *_ in lines],
                                                             unit="D"),
        "order_id": pd.Series([o for _, _, o, _ in lines], dtype="str"),
        "revenue": [r for *_, r in lines]})
    coded = with_order_codes(frame)
    assert ORDER_CODE in coded.columns and ORDER_CODE not in frame.columns
    for part in (slice(None), slice(0, cut)):
        plain, fast = frame.iloc[part], coded.iloc[part]
        if not len(plain):
            continue
        cust, _ = customer_codes_with_walk_ins(plain)
        days = day_numbers(plain["date"])
        a, b = order_codes(plain, cust, days), order_codes(fast, cust, days)
        # the same partition of lines into receipts
        pairs = set(zip(a.tolist(), b.tolist(), strict=True))
        assert len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))
        assert np.array_equal(np.unique(a), np.arange(len(set(a.tolist()))))
    end = pd.Timestamp("2025-02-15")

    def retention(table: pd.DataFrame) -> object:
        try:
            return m.window_retention(table, end, 1)
        except MetricError as exc:
            return exc.reason.code

    assert retention(coded) == retention(frame)
