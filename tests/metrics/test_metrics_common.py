"""Helpers shared by the metrics: id factorisation, periods, windows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kbworkbook.metrics._common import customer_codes, day_numbers, period_numbers, window_bounds


def test_customer_codes_int_like_ids_sorted_as_strings() -> None:
    ids = pd.Series(["10", "2", "7", "10", "-3"], dtype="str")
    codes, uniques = customer_codes(ids)
    assert uniques.tolist() == ["-3", "10", "2", "7"]
    assert uniques[codes].tolist() == ids.tolist()


def test_customer_codes_keep_leading_zeros_distinct() -> None:
    ids = pd.Series(["7", "007", "7", " 7"], dtype="str")
    codes, uniques = customer_codes(ids)
    assert len(uniques) == 3
    assert uniques[codes].tolist() == ids.tolist()


def test_customer_codes_object_and_int_input() -> None:
    codes, uniques = customer_codes(pd.Series([3, 1, 3]))
    assert uniques.tolist() == ["1", "3"] and codes.tolist() == [1, 0, 1]


def test_day_and_period_numbers_any_resolution() -> None:
    dates = pd.Series(pd.to_datetime(["2024-01-01 23:59", "2023-12-31 00:00", "1969-12-31 12:00"]))
    for unit in ("s", "ms", "us", "ns"):
        days = day_numbers(dates.astype(f"datetime64[{unit}]"))
        assert days.tolist() == [19723, 19722, -1]
    days = day_numbers(dates)
    assert period_numbers(days, "M").tolist() == [648, 647, -1]
    # weeks start on Monday: 2024-01-01 is a Monday, 2023-12-31 a Sunday
    weeks = period_numbers(days, "W")
    assert weeks[0] == weeks[1] + 1
    assert np.datetime64(int(weeks[0]) * 7 - 3, "D") == np.datetime64("2024-01-01")


def test_window_bounds_inclusive_as_of() -> None:
    start, end = window_bounds("2024-12-31", 12)
    assert start == pd.Timestamp("2024-01-01") and end == pd.Timestamp("2025-01-01")
