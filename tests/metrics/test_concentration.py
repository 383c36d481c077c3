"""Revenue share of the largest customers (issue 16, B2B mode: Klumpenrisiko), worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook.errors import MetricError
from kbworkbook.metrics.concentration import revenue_concentration


def _frame(amounts: dict[str, list[float]], date: str = "2025-06-01") -> pd.DataFrame:
    rows = [(c, a) for c, values in amounts.items() for a in values]
    return pd.DataFrame({"customer_id": [c or None for c, _ in rows],
                         "date": pd.Timestamp(date), "revenue": [a for _, a in rows]})


def test_twelve_customers_worked_by_hand() -> None:
    """Twelve customers: A 1000, B 500, C3 100 (150 − 50 of returns), K1 … K9 10 … 90:
    total 1000 + 500 + 100 + 450 = 2050. Top 10 = 2050 − 10 − 20 = 2020, 98.5 %; top 20 %
    = ⌈2.4⌉ = 3 customers: 1000 + 500 + 100 = 1600, 78.0 %. The walk-in
    sale, the customer with only a return and the sale outside the window do not count."""
    amounts = {"A": [600.0, 400.0], "B": [500.0], "C3": [150.0, -50.0]}
    amounts.update({f"K{i}": [10.0 * i] for i in range(1, 10)})
    frame = pd.concat([_frame(amounts), _frame({"": [9000.0], "R": [-40.0]}),
                       _frame({"A": [5000.0]}, "2024-05-31")], ignore_index=True)
    result = revenue_concentration(frame, "2025-06-30", months=12)
    assert result.customers == 12 and result.revenue == pytest.approx(2050.0)
    assert result.top_n_share == pytest.approx(2020 / 2050)
    assert result.top_share_customers == 3
    assert result.top_share_share == pytest.approx(1600 / 2050)


def test_few_customers_hold_everything() -> None:
    result = revenue_concentration(_frame({"A": [30.0], "B": [10.0]}), "2025-06-30")
    assert result.top_n_share == 1.0 and result.top_share_customers == 1
    assert result.top_share_share == pytest.approx(0.75)


def test_no_identified_revenue() -> None:
    with pytest.raises(MetricError) as info:
        revenue_concentration(_frame({"": [10.0], "A": [-5.0]}), "2025-06-30")
    assert info.value.code == "concentration.no_revenue"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-100, 1000, allow_nan=False), min_size=1, max_size=40))
def test_shares_are_fractions(values: list[float]) -> None:
    frame = _frame({f"C{i}": [v] for i, v in enumerate(values)})
    try:
        result = revenue_concentration(frame, "2025-06-30")
    except MetricError:
        assert all(v <= 0 for v in values)
        return
    # up to 50 customers the top fifth is at most ten customers
    assert 0 < result.top_share_share <= result.top_n_share + 1e-12
    assert 0 < result.top_n_share <= 1 + 1e-12
