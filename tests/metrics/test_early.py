"""First-time buyers: second-purchase rate and loss after month one (issue 14, part 3).

Hand-made clients whose answers are counted by hand in the comments; properties for any input.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook.errors import MetricError
from kbworkbook.metrics.cohorts import cohort_retention, recent_cohorts
from kbworkbook.metrics.early import (
    early_loyalty,
    month_one_loss,
    month_one_loss_of,
    second_purchase_rate,
)


def _tx(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [c for c, _ in rows],
                         "date": pd.to_datetime([d for _, d in rows]),
                         "revenue": [10.0] * len(rows)})


# Stichtag 2025-12-31, 180 days → first purchases 2024-07-05 … 2025-07-04 count.
SECOND = _tx([
    ("E", "2024-01-10"), ("E", "2024-02-10"),  # first purchase before the window
    ("A", "2024-08-01"), ("A", "2024-09-01"),  # back after 31 days
    ("B", "2024-10-01"), ("B", "2025-06-01"),  # back, but after 243 days
    ("C", "2025-03-01"),                       # never back
    ("D", "2025-09-01"), ("D", "2025-09-02"),  # first purchase too young to count
])


def test_second_purchase_rate_counts_only_customers_who_had_the_full_time() -> None:
    rate, buyers, first, last = second_purchase_rate(SECOND, "2025-12-31", lead_days=0)
    assert (rate, buyers) == (pytest.approx(1 / 3), 3)  # A of A, B, C
    assert (first, last) == ("2024-07-05", "2025-07-04")


def test_second_purchase_rate_leaves_out_the_first_months_of_the_data() -> None:
    # the data begin 2024-01-10; + 300 days = 2024-11-05: only C is left, and C never came back
    rate, buyers, first, _ = second_purchase_rate(SECOND, "2025-12-31", lead_days=300)
    assert (rate, buyers, first) == (0.0, 1, "2024-11-05")


def test_second_purchase_rate_without_first_buyers_says_why() -> None:
    with pytest.raises(MetricError) as info:
        second_purchase_rate(SECOND, "2024-03-01")
    assert info.value.code == "early.no_first_buyers"


# Cohorts by month of the first purchase, Stichtag 2024-04-30 (a month end: April counts).
COHORTS = _tx([
    ("X", "2024-01-05"), ("Y", "2024-01-06"), ("Z", "2024-01-07"),  # January: 3
    ("X", "2024-02-03"), ("Y", "2024-03-03"),                       # X back in month 1
    ("W", "2024-02-10"), ("V", "2024-02-11"), ("W", "2024-03-10"),  # February: 2, W back
    ("U", "2024-03-15"), ("U", "2024-04-15"),                       # March: 1, U back
    ("T", "2024-04-20"),                                            # April: no month 1 yet
])


def test_month_one_loss_is_weighted_by_cohort_size() -> None:
    # back in month 1: 1 of 3, 1 of 2, 1 of 1 → 3 of 6 → loss 50 %
    loss, cohorts, first, last = month_one_loss(COHORTS, "2024-04-30")
    assert (loss, cohorts, first, last) == (pytest.approx(0.5), 3, "2024-01", "2024-03")


def test_month_one_loss_of_a_table_already_made_is_the_same() -> None:
    table = recent_cohorts(cohort_retention(COHORTS, "M", "classic", "2024-04-30"),
                           "2024-04-30", 24)
    assert month_one_loss_of(table) == month_one_loss(COHORTS, "2024-04-30")
    assert early_loyalty(COHORTS, "2024-04-30", table=table).month_one_loss == \
        pytest.approx(0.5)


def test_month_one_loss_ignores_the_unfinished_month() -> None:
    # on 2024-04-20 April is not over: March's month 1 is unknown → 2 of 5 back → loss 60 %
    loss, cohorts, _, last = month_one_loss(COHORTS, "2024-04-20")
    assert (loss, cohorts, last) == (pytest.approx(0.6), 2, "2024-02")


def test_early_loyalty_keeps_an_undefined_figure_as_none() -> None:
    early = early_loyalty(COHORTS.iloc[:3], "2024-01-31")
    assert early.second_purchase_rate is None and early.first_buyers == 0
    assert early.month_one_loss is None and early.cohorts == 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 700)), min_size=1, max_size=60))
def test_both_figures_are_shares(purchases: list[tuple[int, int]]) -> None:
    frame = pd.DataFrame({
        "customer_id": [f"K{c}" for c, _ in purchases],
        "date": pd.Timestamp("2024-01-01") + pd.to_timedelta([d for _, d in purchases], "D"),
        "revenue": 5.0})
    early = early_loyalty(frame, "2025-12-31")
    customers = frame["customer_id"].nunique()
    if early.second_purchase_rate is not None:
        assert 0.0 <= early.second_purchase_rate <= 1.0
        assert 1 <= early.first_buyers <= customers
    if early.month_one_loss is not None:
        assert 0.0 <= early.month_one_loss <= 1.0
        assert early.cohorts >= 1
