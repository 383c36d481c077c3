"""Cohort averages say how they weigh (issue 12 #13): worked example and invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook.metrics import CohortTable
from kbworkbook.metrics.cohorts import average_retention, recent_cohorts


def _table(retention: list[list[float]], sizes: list[int]) -> CohortTable:
    index = pd.period_range("2025-01", periods=len(sizes), freq="M")
    frame = pd.DataFrame(retention, index=index, dtype="float64")
    counts = (frame.fillna(0) * np.asarray(sizes)[:, None]).round().astype(int)
    return CohortTable(retention=frame, counts=counts, sizes=pd.Series(sizes, index=index),
                       period="M", mode="classic")


def test_average_retention_weighted_and_simple_worked_example() -> None:
    """Cohorts of 10 and 30 customers: 50 % and 10 % back after one month → weighted
    (5 + 3)/40 = 20 %, simple (50 + 10)/2 = 30 %; month 2 only the older cohort (40 %)."""
    table = _table([[1.0, 0.5, 0.4], [1.0, 0.1, np.nan]], [10, 30])
    out = average_retention(table, periods=(1, 2, 3))
    assert out["period"].tolist() == [1, 2]
    assert out["weighted"].tolist() == pytest.approx([0.2, 0.4])
    assert out["simple"].tolist() == pytest.approx([0.3, 0.4])
    assert out["cohorts"].tolist() == [2, 1]


def test_recent_cohorts_blanks_the_unfinished_month() -> None:
    table = _table([[1.0, 0.5, 0.4], [1.0, 0.1, 0.2], [1.0, 0.3, np.nan]], [10, 30, 5])
    cut = recent_cohorts(table, "2025-03-15", last=2)
    assert list(cut.sizes) == [30, 5]
    # cohort 2025-02 is one month old on 15 March: month 1 is unfinished
    assert np.isnan(cut.retention.iloc[0, 1]) and cut.retention.iloc[1, 1] == pytest.approx(0.3)
    assert not np.isnan(recent_cohorts(table, "2025-03-31").retention.iloc[1, 1])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.integers(1, 500)), min_size=1, max_size=12))
def test_both_averages_lie_between_the_smallest_and_largest_cohort(
        cohorts: list[tuple[float, int]]) -> None:
    table = _table([[1.0, share] for share, _ in cohorts], [size for _, size in cohorts])
    row = average_retention(table, periods=(1,)).iloc[0]
    low, high = min(s for s, _ in cohorts), max(s for s, _ in cohorts)
    for value in (row["weighted"], row["simple"]):
        assert low - 1e-12 <= value <= high + 1e-12
