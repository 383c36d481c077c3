"""Customer numbers coded once per loaded table (``_customer_code``, as the workbook loads the
sales) or in every metric: the same codes for every subset of lines, the same figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook import metrics as m
from kbworkbook.errors import MetricError
from kbworkbook.metrics._common import (
    CUSTOMER_CODE,
    customer_codes_with_walk_ins,
    walk_in_mask,
    with_customer_codes,
)

# ids as tills write them: zero-padded, plain integers, text, blanks and missing (walk-ins)
_ID = st.sampled_from(["007", "7", "10", "2", "K-3", "Ä1", " ", "", None])
_LINE = st.tuples(_ID, st.integers(0, 500), st.sampled_from([None, "R1", "R2", "R3"]),
                  st.sampled_from([-20.0, -5.0, 5.0, 20.0, 35.0]))


def _frame(lines: list[tuple[str | None, int, str | None, float]]) -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": pd.Series([r[0] for r in lines], dtype="str"),
        "date": pd.Timestamp("2024-01-01") + pd.to_timedelta([r[1] for r in lines], unit="D"),
        "order_id": pd.Series([r[2] for r in lines], dtype="str"),
        "revenue": [r[3] for r in lines],
        "margin": [r[3] * 0.4 for r in lines],
    })


def test_worked_example_codes_follow_the_sorted_ids_and_walk_ins_are_minus_one() -> None:
    frame = _frame([("B", 0, None, 5.0), (None, 1, None, 5.0), ("A", 2, None, 5.0),
                    ("C", 3, None, 5.0), ("  ", 4, None, 5.0), ("A", 5, None, 5.0)])
    coded = with_customer_codes(frame)
    assert coded[CUSTOMER_CODE].tolist() == [1, -1, 0, 2, -1, 0]
    # a subset without "A": B and C become 0 and 1
    codes, ids = customer_codes_with_walk_ins(coded.iloc[[0, 1, 3]])
    assert codes.tolist() == [0, -1, 1] and list(ids) == ["B", "C"]
    assert CUSTOMER_CODE not in frame.columns  # the caller's frame is left alone


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(_LINE, min_size=1, max_size=40), picks=st.lists(st.integers(0, 39)))
def test_codes_of_any_subset_equal_those_computed_from_the_ids(lines, picks) -> None:
    frame = _frame(lines)
    coded = with_customer_codes(frame)
    rows = sorted({p for p in picks if p < len(frame)})
    for part in (slice(None), rows):
        plain, fast = frame.iloc[part], coded.iloc[part]
        expected, expected_ids = customer_codes_with_walk_ins(plain)
        found, found_ids = customer_codes_with_walk_ins(fast)
        assert found.tolist() == expected.tolist()
        assert list(found_ids) == list(expected_ids)
        assert walk_in_mask(fast).tolist() == walk_in_mask(plain).tolist()


def _outcome(figure, table):  # a figure, or the reason it cannot be computed
    try:
        return figure(table)
    except MetricError as exc:
        return exc.reason.code


def _same(a, b) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    else:  # dataclasses and tuples of numbers; repr makes NaN equal to NaN
        assert repr(a) == repr(b)


@settings(max_examples=100, deadline=None)
@given(lines=st.lists(_LINE, min_size=1, max_size=40), cut=st.integers(0, 40))
def test_every_customer_figure_is_the_same_with_the_helper_column(lines, cut) -> None:
    frame = _frame(lines)
    coded = with_customer_codes(frame)
    as_of = "2025-03-31"
    for plain, fast in ((frame, coded), (frame.iloc[:cut], coded.iloc[:cut])):
        if not len(plain):
            continue
        for figure in (
            lambda t: m.purchase_figures(t, as_of, 12, 2),
            lambda t: m.window_retention(t, as_of, 6),
            lambda t: m.rfm_values(t, as_of, 12),
            lambda t: m.rfm_summary(t, freq="D"),
            lambda t: m.cohort_retention(t, "M", as_of=as_of).counts,
            lambda t: m.clv_per_customer(t, as_of, 0.6, 0.05, months=12),
            lambda t: m.top_customers_share(t, as_of, 12),
            lambda t: m.identified_share(t, as_of, 12),
        ):
            _same(_outcome(figure, fast), _outcome(figure, plain))


@pytest.mark.parametrize("ids", [["1", "2"], [None, None]])
def test_a_frame_without_customers_keeps_working(ids) -> None:
    frame = _frame([(ids[0], 0, None, 5.0), (ids[1], 1, None, 7.0)])
    coded = with_customer_codes(frame)
    codes, found = customer_codes_with_walk_ins(coded.iloc[:0])
    assert codes.size == 0 and len(found) == 0
    assert np.array_equal(walk_in_mask(coded), walk_in_mask(frame))
