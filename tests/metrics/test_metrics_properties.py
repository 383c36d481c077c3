"""Hypothesis properties of the metrics and a slow reference for rfm_summary."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook import metrics as m
from kbworkbook.errors import MetricError

BASE = dt.datetime(2022, 1, 1)

ID_SETS = [
    ["7", "10", "2", "a", "b-1", "Z"],  # mixed: string path
    ["7", "10", "2", "123456", "-4", "0"],  # canonical integers: arithmetic fast path
    ["7", "07", "10", "2"],  # leading zero: must stay distinct from "7"
    ["5", "9000000000000", "12"],  # sparse integers: hashed fast path
]

lines = st.sampled_from(ID_SETS).flatmap(
    lambda ids: st.lists(
        st.tuples(
            st.sampled_from(ids),
            st.integers(min_value=0, max_value=900),  # day offset
            st.integers(min_value=0, max_value=23),  # hour
            st.sampled_from([-20.0, 0.0, 1.5, 10.0, 99.99, 250.0]),
        ),
        min_size=1,
        max_size=60,
    )
)


def _frame(rows: list[tuple[str, int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": pd.Series([r[0] for r in rows], dtype="str"),
            "date": pd.to_datetime(
                [BASE + dt.timedelta(days=r[1], hours=r[2]) for r in rows]
            ),
            "revenue": [r[3] for r in rows],
        }
    )


def _slow_rfm_summary(frame: pd.DataFrame, end: dt.datetime | None, freq: str) -> pd.DataFrame:
    """The obvious per-customer implementation of lifetimes' definition."""

    def floor(ts: dt.datetime) -> dt.date:
        d = ts.date()
        return d - dt.timedelta(days=d.weekday()) if freq == "W" else d

    unit = 7 if freq == "W" else 1
    dates = [ts.to_pydatetime() for ts in frame["date"]]
    end_p = floor(end if end is not None else max(dates))
    sums: dict[str, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    for cid, ts, rev in zip(frame["customer_id"], dates, frame["revenue"], strict=True):
        if floor(ts) <= end_p:
            sums[cid][floor(ts)] += rev
    rows = {}
    for cid in sorted(sums):
        periods = sorted(sums[cid])
        repeat = [sums[cid][p] for p in periods[1:]]
        rows[cid] = {
            "frequency": float(len(periods) - 1),
            "recency": (periods[-1] - periods[0]).days / unit,
            "T": (end_p - periods[0]).days / unit,
            "monetary_value": sum(repeat) / len(repeat) if repeat else 0.0,
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "customer_id"
    return out


@settings(max_examples=150, deadline=None)
@given(
    rows=lines,
    freq=st.sampled_from(["D", "W"]),
    end_offset=st.one_of(st.none(), st.integers(min_value=0, max_value=950)),
)
def test_rfm_summary_equals_slow_reference(rows, freq, end_offset) -> None:
    frame = _frame(rows)
    end = None if end_offset is None else BASE + dt.timedelta(days=end_offset)
    expected = _slow_rfm_summary(frame, end, freq)
    if expected.empty:
        with pytest.raises(MetricError):
            m.rfm_summary(frame, observation_end=end, freq=freq)
        return
    got = m.rfm_summary(frame, observation_end=end, freq=freq)
    assert got.index.tolist() == expected.index.tolist()
    assert list(got.columns) == ["frequency", "recency", "T", "monetary_value"]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-9, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.integers(min_value=0, max_value=10), st.just(float("nan"))),
        min_size=1,
        max_size=80,
    ),
    st.integers(min_value=0, max_value=50),
)
def test_nps_in_range_and_counts_add_up(scores, extra) -> None:
    if all(s != s for s in scores):
        return
    res = m.nps(pd.Series(scores, dtype="float64"), population=None)
    assert -100.0 <= res.ci_low <= res.score <= res.ci_high <= 100.0
    assert res.promoters + res.passives + res.detractors == res.n
    assert res.promoters_share + res.passives_share + res.detractors_share == pytest.approx(1)
    fpc = m.nps(pd.Series(scores, dtype="float64"), population=res.n + extra)
    assert fpc.se <= res.se + 1e-12


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
)
def test_retention_plus_churn_is_one(start, retained, new) -> None:
    retained = min(retained, start)
    end = retained + new
    crr = m.retention_rate(start, end, new)
    assert 0.0 <= crr <= 1.0
    assert crr + m.churn_rate(start, end, new) == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(rows=lines, as_of=st.integers(min_value=365, max_value=950))
def test_window_retention_plus_churn_is_one(rows, as_of) -> None:
    frame = _frame(rows)
    try:
        res = m.window_retention(frame, BASE + dt.timedelta(days=as_of), months=6)
    except MetricError:
        return
    assert res.crr + res.churn == pytest.approx(1.0, abs=1e-12)
    assert res.retained + res.lost == res.start
    assert res.retained + res.new == res.end


@settings(max_examples=60, deadline=None)
@given(rows=lines, points=st.lists(st.integers(min_value=200, max_value=950), min_size=1,
                                   max_size=5))
def test_window_retentions_in_one_pass_equal_each_point_alone(rows, points) -> None:
    frame = _frame(rows)
    days = [BASE + dt.timedelta(days=p) for p in points]

    def alone(day: dt.datetime) -> object:
        try:
            return m.window_retention(frame, day, months=3)
        except MetricError as exc:
            return exc.reason.code

    together = [r if isinstance(r, m.WindowRetention) else r.reason.code
                for r in m.window_retentions(frame, days, months=3)]
    assert together == [alone(day) for day in days]


@settings(max_examples=80, deadline=None)
@given(rows=lines, period=st.sampled_from(["W", "M", "Q"]))
def test_cohort_column_zero_is_one(rows, period) -> None:
    frame = _frame(rows)
    # customers with at least one purchase (netted receipts), counted by another metric
    buyers = len(m.rfm_values(frame, as_of=frame["date"].max()))
    if buyers == 0:
        with pytest.raises(MetricError):
            m.cohort_retention(frame, period=period)
        return
    classic = m.cohort_retention(frame, period=period)
    rolling = m.cohort_retention(frame, period=period, mode="rolling")
    assert (classic.retention.iloc[:, 0] == 1.0).all()
    assert int(classic.sizes.sum()) == buyers
    vals = classic.retention.to_numpy()
    assert np.nanmin(vals) >= 0 and np.nanmax(vals) <= 1
    # rolling counts "k or later", so it is never below classic; NaN pattern is the same
    np.testing.assert_array_equal(np.isnan(vals), np.isnan(rolling.retention.to_numpy()))
    assert (np.nan_to_num(rolling.retention.to_numpy()) >= np.nan_to_num(vals) - 1e-12).all()


rfm_rows = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=400),
        st.integers(min_value=1, max_value=30),
        st.floats(min_value=-50, max_value=5000, allow_nan=False),
    ),
    min_size=5,
    max_size=60,
)


def _rfm_frame(values: list[tuple[int, int, float]], ids: list[str] | None = None) -> pd.DataFrame:
    ids = ids or [f"c{i:03d}" for i in range(len(values))]
    return pd.DataFrame(values, columns=["recency", "frequency", "monetary"],
                        index=pd.Index(ids, name="customer_id"))


@settings(max_examples=100, deadline=None)
@given(rfm_rows)
def test_rfm_scores_in_1_to_5_monotone_and_balanced_without_ties(values) -> None:
    frame = _rfm_frame(values)
    if (frame["monetary"] > 0).sum() < 5:
        with pytest.raises(MetricError):
            m.rfm_scores(frame)
        return
    scores = m.rfm_scores(frame)
    n = len(scores)
    for col, value in (("r_score", "recency"), ("f_score", "frequency"),
                       ("m_score", "monetary")):
        assert scores[col].between(1, 5).all()
        if scores[value].is_unique:
            # rank-based: with distinct values each score holds floor or ceil of n/5 customers
            counts = scores[col].value_counts().reindex(range(1, 6), fill_value=0)
            assert counts.max() - counts.min() <= 1
    # better recency (fewer days) never gets a lower R score; more F/M never a lower F/M score
    assert scores.sort_values("recency", kind="stable")["r_score"].is_monotonic_decreasing
    assert scores.sort_values("frequency", kind="stable")["f_score"].is_monotonic_increasing
    assert scores.sort_values("monetary", kind="stable")["m_score"].is_monotonic_increasing
    # the weakest value always scores 1 (one purchase is never "frequent")
    assert (scores.loc[scores["frequency"] == scores["frequency"].min(), "f_score"] == 1).all()
    assert (scores.loc[scores["recency"] == scores["recency"].max(), "r_score"] == 1).all()
    seg = m.rfm_segments(scores)
    assert seg["segment_label"].notna().all()
    assert n == int((frame["monetary"] > 0).sum())


@settings(max_examples=100, deadline=None)
@given(rfm_rows, st.randoms(use_true_random=False))
def test_rfm_permuting_customer_ids_never_changes_a_segment(values, rnd) -> None:
    """Issue 12: scores depend on the values only, not on the customer number."""
    frame = _rfm_frame(values)
    if (frame["monetary"] > 0).sum() < 5:
        return
    ids = list(frame.index)
    shuffled = ids[:]
    rnd.shuffle(shuffled)
    renamed = frame.set_axis(pd.Index(shuffled, name="customer_id"))
    first = m.rfm_segments(m.rfm_scores(frame))
    second = m.rfm_segments(m.rfm_scores(renamed))
    cols = ["r_score", "f_score", "m_score", "segment"]
    # row i of both frames holds the same values, whatever id it carries now
    pd.testing.assert_frame_equal(first[cols].reset_index(drop=True),
                                  second[cols].reset_index(drop=True))


@settings(max_examples=100, deadline=None)
@given(rfm_rows, st.integers(min_value=2, max_value=12))
def test_rfm_identical_rows_get_identical_scores(values, copies) -> None:
    """Issue 12: ten identical customers must not spread from »Neukunden« to »Nicht verlieren!«."""
    twin = (30, 1, 100.0)
    frame = _rfm_frame([*values, *([twin] * copies)])
    if (frame["monetary"] > 0).sum() < 5:
        return
    scores = m.rfm_segments(m.rfm_scores(frame))
    twins = scores.iloc[-copies:]
    for col in ("r_score", "f_score", "m_score", "segment"):
        assert twins[col].nunique() == 1, col
    # and every group of equal (R, F, M) values shares one segment
    groups = scores.groupby(["recency", "frequency", "monetary"])["segment"].nunique()
    assert (groups == 1).all()
