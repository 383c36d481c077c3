"""Revenue share of the heaviest buyers (the cost basis of a stamp card): worked example and
invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook import metrics as m

AS_OF = "2025-12-31"


def _tx(rows: list[tuple[str | None, str, float]]) -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": pd.Series([r[0] for r in rows], dtype="str"),
        "date": pd.to_datetime([r[1] for r in rows]),
        "revenue": [r[2] for r in rows],
    })


# A spends 60 (40 + 20), B 30, C 10 in 2025; a walk-in sale and C's 2023 purchase do not count.
WORKED = _tx([
    ("A", "2025-02-01", 40.0), ("A", "2025-08-01", 20.0), ("B", "2025-05-01", 30.0),
    ("C", "2025-11-30", 10.0), (None, "2025-06-01", 500.0), ("C", "2023-01-01", 900.0),
])


def test_top_customers_share_worked_example() -> None:
    """Top third (A) holds 60 %, top two thirds 90 %; halfway between A and B: 75 %."""
    assert m.top_customers_share(WORKED, AS_OF, 12, points=4) == pytest.approx(
        (0.0, 0.6, 0.9, 1.0))
    curve = m.top_customers_share(WORKED, AS_OF, 12, points=3)
    assert curve[1] == pytest.approx(0.75)


def test_top_customers_share_nets_returns_and_empty_window() -> None:
    returned = pd.concat([WORKED, _tx([("B", "2025-06-01", -30.0)])], ignore_index=True)
    # B's purchase is returned in full: B counts with 0, A and C share 60 : 10
    assert m.top_customers_share(returned, AS_OF, 12, points=4)[1] == pytest.approx(60 / 70)
    assert m.top_customers_share(WORKED, "2020-12-31", 12) == ()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1e4, allow_nan=False), min_size=1, max_size=40))
def test_top_customers_share_is_a_concave_curve_from_0_to_1(spend: list[float]) -> None:
    frame = _tx([(f"K{i}", "2025-06-01", v) for i, v in enumerate(spend)])
    curve = np.asarray(m.top_customers_share(frame, AS_OF, 12, points=21))
    if sum(spend) <= 0:
        assert curve.size == 0
        return
    assert curve[0] == 0.0 and curve[-1] == pytest.approx(1.0)
    assert (np.diff(curve) >= -1e-12).all()  # never falls
    assert (curve >= np.linspace(0, 1, 21) - 1e-9).all()  # the top k % hold at least k %
    assert (np.diff(curve, 2) <= 1e-9).all()  # the heaviest buyers come first
