"""figures.json: the figures of chapter 01's self-image comparison and the periods they cover."""

from __future__ import annotations

import pandas as pd
import pytest

from kbworkbook.figures import Settings, analyse, format_figure, key_figures


def _tx() -> pd.DataFrame:
    # A: twice in March 2024, B: once in April 2024, C: twice in June 2025
    rows = [("A", "2024-03-01"), ("A", "2024-03-11"), ("B", "2024-04-01"),
            ("C", "2025-06-15"), ("C", "2025-06-20")]
    return pd.DataFrame({"customer_id": [c for c, _ in rows],
                         "date": pd.to_datetime([d for _, d in rows]), "revenue": 10.0})


def test_second_purchase_rate_month_one_loss_complaint_days_and_nps_trend() -> None:
    complaints = pd.DataFrame({"date": pd.to_datetime(["2025-03-01", "2025-04-01"]),
                               "resolved": [True, True], "satisfied": [True, False],
                               "days_to_resolve": [1, 4]})
    nps = pd.DataFrame({"date": pd.to_datetime(["2025-01-10"] * 2 + ["2025-10-10"] * 2),
                        "score": [10, 10, 10, 0]})  # Q1: +100, Q4: 0 → −100 points
    a = analyse({"transactions": _tx(), "complaints": complaints, "nps": nps}, Settings(),
                "2025-12-31")
    got = {f.key: f for f in key_figures(a)}
    # first purchases 2024-07-05 … 2025-07-04 (each had 180 days to come back): A and B bought
    # first before, so only C counts – back after 5 days → 1 of 1
    assert got["second_purchase_rate"].value == pytest.approx(1.0)
    assert got["second_purchase_rate"].window == "2024-07-05/2025-07-04"
    # cohorts 03/2024 (A, back in month 0 only), 04/2024 (B), 06/2025 (C): none back in month 1
    assert got["cohort_month1_loss"].value == pytest.approx(1.0)
    assert got["cohort_month1_loss"].window == "2024-03-01/2025-06-30"
    assert got["complaint_days"].value == pytest.approx(2.5)  # (1 + 4) / 2
    assert got["complaint_days"].window == "2025-01-01/2025-12-31"
    assert got["nps_trend"].value == pytest.approx(-100.0)
    assert got["nps_trend"].window == "2025-01-01/2025-12-31"
    assert format_figure("complaint_days", 2.5, "de-DE", "EUR") == "2,5"
    assert format_figure("nps_trend", -100.0, "de-CH", "CHF") == "−100"
    assert all(got[k].chapters == ("01",) for k in
               ("second_purchase_rate", "cohort_month1_loss", "complaint_days", "nps_trend"))


def test_without_sales_the_first_buyer_figures_are_undefined() -> None:
    a = analyse({}, Settings(), "2025-12-31")
    got = {f.key: f for f in key_figures(a)}
    assert a.early is None
    for key in ("second_purchase_rate", "cohort_month1_loss", "complaint_days", "nps_trend"):
        assert got[key].value is None and got[key].chapters == ()
