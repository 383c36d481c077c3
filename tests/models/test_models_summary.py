"""models.rfm_summary: a worked example computed by hand, the holdout split, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kbworkbook import models
from kbworkbook.errors import MetricError


def _tx() -> pd.DataFrame:
    rows = [
        ("A", "2025-01-01", 10.0, 4.0),
        ("A", "2025-01-01", 5.0, 2.0),  # same day: one purchase of 15
        ("A", "2025-01-15", 20.0, 8.0),
        ("A", "2025-01-29", -8.0, -3.0),  # a return: not a purchase
        ("A", "2025-02-12", 30.0, 12.0),
        ("B", "2025-01-10", 12.0, 5.0),
        (None, "2025-01-05", 99.0, 40.0),  # walk-in without customer number
        ("C", "2025-01-20", 0.0, 0.0),  # free item: a visit all the same
        ("C", "2025-02-20", 7.0, 3.0),  # after as_of
        ("D", "2025-03-01", 50.0, 20.0),  # first purchase after as_of
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "revenue", "margin"])
    frame["customer_id"] = frame["customer_id"].astype("str").where(frame["customer_id"].notna())
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_worked_example_in_days() -> None:
    s = models.rfm_summary(_tx(), as_of="2025-02-15", unit="D")
    assert s.index.tolist() == ["A", "B", "C"]
    # A: purchase days 01-01 (15), 01-15 (20), 02-12 (30); first → last 42 days, → as_of 45
    assert s.loc["A"].tolist() == [2.0, 42.0, 45.0, 25.0]
    assert s.loc["B"].tolist() == [0.0, 0.0, 36.0, 0.0]
    assert s.loc["C"].tolist() == [0.0, 0.0, 26.0, 0.0]
    assert list(s.columns) == ["frequency", "recency", "T", "monetary_value"]


def test_weeks_divide_the_day_counts_by_seven_and_keep_one_purchase_per_day() -> None:
    days = models.rfm_summary(_tx(), as_of="2025-02-15", unit="D")
    weeks = models.rfm_summary(_tx(), as_of="2025-02-15", unit="W")
    assert (weeks["frequency"] == days["frequency"]).all()
    np.testing.assert_allclose(weeks["recency"], days["recency"] / 7)
    np.testing.assert_allclose(weeks["T"], days["T"] / 7)
    months = models.rfm_summary(_tx(), as_of="2025-02-15", unit="M")
    assert months.loc["A", "T"] == pytest.approx(45 / (365.25 / 12))


def test_margin_as_the_value_column() -> None:
    s = models.rfm_summary(_tx(), as_of="2025-02-15", value="margin")
    assert s.loc["A", "monetary_value"] == pytest.approx((8.0 + 12.0) / 2)


def test_lines_marked_as_returns_are_not_purchases() -> None:
    tx = _tx()
    tx["kind"] = "sale"
    extra = pd.DataFrame({"customer_id": ["B"], "date": pd.to_datetime(["2025-02-01"]),
                          "revenue": [6.0], "margin": [1.0], "kind": ["return"]})
    s = models.rfm_summary(pd.concat([tx, extra], ignore_index=True), as_of="2025-02-15")
    assert s.loc["B", "frequency"] == 0.0


def test_calibration_and_holdout_split() -> None:
    s = models.rfm_summary(_tx(), as_of="2025-02-15", unit="D", calibration_end="2025-01-31")
    assert list(s.columns) == [
        "frequency_cal", "recency_cal", "T_cal", "monetary_value_cal", "frequency_holdout",
        "monetary_value_holdout", "duration_holdout",
    ]
    assert s.index.tolist() == ["A", "B", "C"]
    assert s.loc["A"].tolist() == [1.0, 14.0, 30.0, 20.0, 1.0, 30.0, 15.0]
    assert s.loc["B"].tolist() == [0.0, 0.0, 21.0, 0.0, 0.0, 0.0, 15.0]
    assert s.loc["C"].tolist() == [0.0, 0.0, 11.0, 0.0, 0.0, 0.0, 15.0]


def test_customers_first_seen_in_the_holdout_are_not_in_the_split() -> None:
    s = models.rfm_summary(_tx(), as_of="2025-03-31", calibration_end="2025-01-31")
    assert "D" not in s.index
    assert s.loc["C", "frequency_holdout"] == 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"unit": "Y"}, "Unbekannte Zeiteinheit »Y«"),
        ({"calibration_end": "2025-02-15"}, "muss vor dem Stichtag"),
        ({"value": "marge"}, "»marge«"),
    ],
)
def test_bad_arguments_raise_a_german_metric_error(kwargs: dict, message: str) -> None:
    with pytest.raises(MetricError, match=message):
        models.rfm_summary(_tx(), as_of="2025-02-15", **kwargs)


def test_no_purchase_with_a_customer_number_is_an_error() -> None:
    walk_ins = _tx().assign(customer_id=None)
    with pytest.raises(MetricError, match="keine Käufe mit Kundennummer"):
        models.rfm_summary(walk_ins, as_of="2025-02-15")
    with pytest.raises(MetricError, match="as_of"):
        models.rfm_summary(_tx(), as_of=None)
