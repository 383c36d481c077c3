"""The staying curves of chapter 04, computed in the analysis (metrics.staying)."""

from __future__ import annotations

import pandas as pd
import pytest

from kbworkbook.errors import MetricError
from kbworkbook.metrics.staying import ALL, MIN_GROUP, LapseCurve, staying_curves


def _sales(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": pd.array([r[0] for r in rows], dtype="str"),
                         "date": pd.to_datetime([r[1] for r in rows]),
                         "revenue": [20.0] * len(rows)})


def test_groups_by_first_year_only_from_the_minimum_size_and_the_lapse_rule() -> None:
    """MIN_GROUP customers first buy in 2024 and come back after 30 days; 5 first buy in 2025
    once. Time to the second purchase: all, and 2024 alone (2025 is too small: "few"); with
    ``lapse_days = 60`` set, the lapse curve says so."""
    rows = [(f"a{i}", "2024-02-01") for i in range(MIN_GROUP)]
    rows += [(f"a{i}", "2024-03-02") for i in range(MIN_GROUP)]
    rows += [(f"b{i}", "2025-03-01") for i in range(5)]
    found = staying_curves(_sales(rows), "2025-06-30", lapse_days=60)
    assert [name for name, _ in found.second] == [ALL, "2024"]
    everyone, year = (curve for _, curve in found.second)
    assert everyone.n == MIN_GROUP + 5 and year.n == MIN_GROUP
    assert year.at(29) == pytest.approx(1.0) and year.at(30) == pytest.approx(0.0)
    assert found.few
    assert isinstance(found.lapse, LapseCurve)
    assert found.lapse.configured and found.lapse.gap == 60.0


def test_without_repeat_buyers_the_lapse_says_why_and_the_first_curve_stays() -> None:
    rows = [(f"c{i}", "2025-01-05") for i in range(8)]
    found = staying_curves(_sales(rows), "2025-06-30")
    assert [name for name, _ in found.second] == [ALL]
    assert found.second[0][1].n == 8 and found.second[0][1].n_events == 0
    assert isinstance(found.lapse, MetricError)


def test_no_identified_purchase_is_an_error() -> None:
    frame = _sales([("x", "2025-01-05")]).assign(revenue=[-5.0])
    with pytest.raises(MetricError):
        staying_curves(frame, "2025-06-30")
