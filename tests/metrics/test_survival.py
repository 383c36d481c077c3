"""Kaplan–Meier: how long customers stay (issue 14, part 5).

The estimator against a published table (the 6-MP arm of Freireich et al. 1963, as tabulated
in Kleinbaum & Klein, *Survival Analysis*, 3rd ed., ch. 2, with the log(−log) band R's
``survfit(..., conf.type = "log-log")`` prints for it); the two durations on a hand-made
client; properties for any input.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook.errors import MetricError
from kbworkbook.metrics.survival import (
    kaplan_meier,
    lapse_gap_days,
    time_to_lapse,
    time_to_second_purchase,
)

# weeks in remission, 6-MP group (21 patients, 9 relapses; 0 = censored)
SIX_MP_TIME = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
SIX_MP_EVENT = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
PUBLISHED = [  # time, at risk, events, S, lower 95 %, upper 95 %
    (6, 21, 3, 0.857, 0.620, 0.952),
    (7, 17, 1, 0.807, 0.563, 0.923),
    (10, 15, 1, 0.753, 0.503, 0.889),
    (13, 12, 1, 0.690, 0.432, 0.849),
    (16, 11, 1, 0.627, 0.368, 0.805),
    (22, 7, 1, 0.538, 0.268, 0.747),
    (23, 6, 1, 0.448, 0.188, 0.680),
]


def test_kaplan_meier_reproduces_the_published_6mp_table() -> None:
    curve = kaplan_meier(SIX_MP_TIME, SIX_MP_EVENT)
    assert curve.time[0] == 0 and curve.survival[0] == 1.0
    rows = list(zip(curve.time[1:], curve.at_risk[1:], curve.events[1:], curve.survival[1:],
                    curve.lower[1:], curve.upper[1:], strict=True))
    assert len(rows) == len(PUBLISHED)
    for got, want in zip(rows, PUBLISHED, strict=True):
        assert got[:3] == pytest.approx(want[:3])
        assert got[3:] == pytest.approx(want[3:], abs=5e-4)
    assert curve.median == 23 and curve.n == 21 and curve.n_events == 9
    assert curve.at(8) == pytest.approx(0.8067, abs=1e-4) and curve.at(40) == curve.survival[-1]


def _tx(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [r[0] for r in rows],
                         "date": pd.to_datetime([r[1] for r in rows]),
                         "revenue": [r[2] for r in rows]})


# A: buys 10 Jan, 20 Jan, 1 Mar (pauses 10, 40); B: once on 1 Feb; C: 1 Jan and 20 Jan, then
# nothing; D: 5 Jan, its 10 Jan purchase fully returned the same day (no second purchase);
# E: after the Stichtag only. Stichtag 31 Mar 2025.
HAND = _tx([
    ("A", "2025-01-10", 20.0), ("A", "2025-01-20", 15.0), ("A", "2025-03-01", 30.0),
    ("B", "2025-02-01", 50.0),
    ("C", "2025-01-01", 10.0), ("C", "2025-01-20", 12.0),
    ("D", "2025-01-05", 8.0), ("D", "2025-01-10", 9.0), ("D", "2025-01-10", -9.0),
    ("E", "2025-04-02", 5.0),
])
AS_OF = "2025-03-31"


def test_time_to_second_purchase_by_hand() -> None:
    got = time_to_second_purchase(HAND, AS_OF).set_index("customer_id")
    assert list(got.index) == ["A", "B", "C", "D"]  # E has not bought by the Stichtag
    assert got.loc["A", "duration"] == 10 and got.loc["A", "observed"]
    assert got.loc["B", "duration"] == 58 and not got.loc["B", "observed"]  # 1 Feb → 31 Mar
    assert got.loc["C", "duration"] == 19 and got.loc["C", "observed"]
    # D's second receipt was fully returned: no second purchase, censored at the Stichtag
    assert got.loc["D", "duration"] == 85 and not got.loc["D", "observed"]
    assert got.loc["A", "first_purchase"] == pd.Timestamp("2025-01-10")


def test_time_to_lapse_by_hand() -> None:
    assert lapse_gap_days(HAND, AS_OF, quantile=1.0) == 40  # pauses 10, 40, 19
    got = time_to_lapse(HAND, AS_OF, gap_days=30).set_index("customer_id")
    # A: 20 Jan → 1 Mar is 40 days > 30: lapsed on 19 Feb, 40 days after the first purchase
    assert got.loc["A", "duration"] == 40 and got.loc["A", "observed"]
    # B: nothing after 1 Feb; 30 days later (3 Mar) is before the Stichtag: lapsed at 30
    assert got.loc["B", "duration"] == 30 and got.loc["B", "observed"]
    # C: lapsed 30 days after 20 Jan = 19 Feb, 49 days after 1 Jan
    assert got.loc["C", "duration"] == 49 and got.loc["C", "observed"]
    late = time_to_lapse(HAND, AS_OF, gap_days=60).set_index("customer_id")
    # with 60 days A is still active at the Stichtag (last purchase 1 Mar): censored at 80
    assert late.loc["A", "duration"] == 80 and not late.loc["A", "observed"]
    # B: 1 Feb + 60 days = 2 Apr lies after the Stichtag: not lapsed yet, censored at 58
    assert not late.loc["B", "observed"] and late.loc["B", "duration"] == 58
    # C: 20 Jan + 70 days = 31 Mar, the Stichtag itself: lapsed that day, 89 days after 1 Jan
    edge = time_to_lapse(HAND, AS_OF, gap_days=70).set_index("customer_id")
    assert edge.loc["C", "observed"] and edge.loc["C", "duration"] == 89


def test_errors_say_what_is_missing() -> None:
    with pytest.raises(MetricError, match="keine Kunden"):
        kaplan_meier([], [])
    with pytest.raises(MetricError, match="Zahl ≥ 0"):
        kaplan_meier([1.0, -2.0], [True, False])
    with pytest.raises(MetricError, match="keine übliche Pause"):
        lapse_gap_days(HAND[HAND.customer_id == "B"], AS_OF)
    with pytest.raises(MetricError) as info:
        time_to_second_purchase(HAND[HAND.customer_id == "E"], AS_OF)
    assert info.value.text("en").startswith("There are no purchases with a customer number")


samples = st.lists(st.tuples(st.integers(0, 400), st.booleans()), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(samples)
def test_kaplan_meier_is_a_falling_curve_inside_its_band(data: list[tuple[int, bool]]) -> None:
    t, e = zip(*data, strict=True)
    curve = kaplan_meier(np.array(t), np.array(e))
    s = curve.survival
    assert np.all((s >= 0) & (s <= 1)) and np.all(np.diff(s) <= 1e-12)
    assert np.all(curve.lower <= s + 1e-12) and np.all(s <= curve.upper + 1e-12)
    assert np.all((curve.lower >= 0) & (curve.upper <= 1))
    assert curve.events.sum() == sum(e)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 400), min_size=1, max_size=60))
def test_without_censoring_the_curve_is_the_share_still_waiting(t: list[int]) -> None:
    curve = kaplan_meier(np.array(t), np.ones(len(t), dtype=bool))
    times = np.array(t)
    for time, s in zip(curve.time, curve.survival, strict=True):
        assert s == pytest.approx(np.mean(times > time))


purchases = st.lists(st.tuples(st.sampled_from("KLMNOP"), st.integers(0, 300),
                               st.sampled_from([5.0, 12.5, 40.0])), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(purchases, st.integers(1, 120))
def test_lapse_never_after_the_stichtag_and_later_for_a_longer_gap(
        rows: list[tuple[str, int, float]], gap: int) -> None:
    start = pd.Timestamp("2024-01-01")
    frame = _tx([(c, str((start + pd.Timedelta(days=d)).date()), r) for c, d, r in rows])
    as_of = start + pd.Timedelta(days=300)
    short = time_to_lapse(frame, as_of, gap).set_index("customer_id")
    long = time_to_lapse(frame, as_of, gap + 15).set_index("customer_id")
    end = (as_of - short["first_purchase"]).dt.days
    assert (short["duration"] <= end).all() and (short["duration"] >= 0).all()
    assert (long["duration"] >= short["duration"]).all()
    second = time_to_second_purchase(frame, as_of).set_index("customer_id")
    assert list(second.index) == list(short.index)
    assert (second["duration"] <= end).all()
