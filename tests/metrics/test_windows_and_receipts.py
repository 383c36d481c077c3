"""Customer figures over the report's current window (issue 12 #2); worked examples by hand."""

from __future__ import annotations

import pandas as pd

from kbworkbook import metrics as m


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
