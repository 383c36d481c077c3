"""The customer lifecycle (issue 16, item 2): stages at a Stichtag and the flows between two.

A hand-made client whose stages are worked out by hand from the rules of
:mod:`kbworkbook.metrics.lifecycle`, and properties that hold for any input.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook.errors import MetricError
from kbworkbook.metrics.lifecycle import (
    FLOW_SOURCES,
    STAGES,
    LifecyclePolicy,
    lifecycle,
    lifecycle_stages,
)
from kbworkbook.metrics.survival import lapse_gap_days

# Stichtag T = 30 Jun 2025; previous P = 31 Mar 2025 (3 months); P's previous = P − 91 days =
# 30 Dec 2024. new_days 90, at risk after 30 days, lost after 120 days without a purchase.
#   A  10 Jan, 10 Feb, 10 Mar, 20 Jun 2025   P: first 80 d ago → new    T: 10 d, 4 buys → regular
#   B  1 Jun, 1 Jul 2024                      P: 273 d → lost               T: 364 d → lost
#   C  1 Sep, 1 Oct 2024, 15 May 2025         P: 181 d → lost            T: 46 d, lost → won back
#   D  1 May 2025                             P: not yet                    T: first 60 d ago → new
#   E  5 Jan, 1 Feb, 20 Apr 2025              P: first 85 d ago → new       T: 71 d > 30 → at risk
#   F  1 Nov, 1 Dec 2024, 20 Mar, 25 Jun 2025 P: 11 d, first 150 d → regular  T: 5 d → regular
#   G  15 Oct, 15 Nov 2024, 20 Jan 2025       P: 70 d > 30 → at risk        T: 161 d → lost
#   I  15 Feb 2025                            P: first 44 d ago → new       T: 135 d → lost
#   J  1 May, 1 Jun 2024, 1 Mar 2025          P: 30 d, lost on 30 Dec 2024 (212 d) → won back
#                                             T: 121 d → lost
#   K  bought 1 Jun 2025 and returned it the same day: no purchase, no stage
#   walk-in lines (no customer number) belong to nobody
ROWS = [
    ("A", "2025-01-10"), ("A", "2025-02-10"), ("A", "2025-03-10"), ("A", "2025-06-20"),
    ("B", "2024-06-01"), ("B", "2024-07-01"),
    ("C", "2024-09-01"), ("C", "2024-10-01"), ("C", "2025-05-15"),
    ("D", "2025-05-01"),
    ("E", "2025-01-05"), ("E", "2025-02-01"), ("E", "2025-04-20"),
    ("F", "2024-11-01"), ("F", "2024-12-01"), ("F", "2025-03-20"), ("F", "2025-06-25"),
    ("G", "2024-10-15"), ("G", "2024-11-15"), ("G", "2025-01-20"),
    ("I", "2025-02-15"),
    ("J", "2024-05-01"), ("J", "2024-06-01"), ("J", "2025-03-01"),
    ("", "2025-06-29"), ("", "2024-01-02"),
]
POLICY = LifecyclePolicy(new_days=90, at_risk_days=30, lapse_days=120)
T = "2025-06-30"


def _client() -> pd.DataFrame:
    frame = pd.DataFrame({"customer_id": [r[0] or None for r in ROWS],
                          "date": pd.to_datetime([r[1] for r in ROWS]),
                          "revenue": 20.0})
    refund = pd.DataFrame({"customer_id": ["K", "K"], "date": pd.to_datetime(["2025-06-01"] * 2),
                           "revenue": [50.0, -50.0]})
    return pd.concat([frame, refund], ignore_index=True)


def test_stages_of_the_hand_made_client() -> None:
    stages = lifecycle_stages(_client(), T, POLICY).set_index("customer_id")
    assert stages["stage"].to_dict() == {
        "A": "regular", "B": "lost", "C": "won_back", "D": "new", "E": "at_risk",
        "F": "regular", "G": "lost", "I": "lost", "J": "lost"}
    assert stages["previous_stage"].to_dict() == {
        "A": "new", "B": "lost", "C": "lost", "D": "not_yet", "E": "new", "F": "regular",
        "G": "at_risk", "I": "new", "J": "won_back"}


def test_counts_and_flows_of_the_hand_made_client() -> None:
    result = lifecycle(_client(), T, POLICY)
    assert result.previous == pd.Timestamp("2025-03-31")
    assert dict(zip(STAGES, result.counts, strict=True)) == {
        "new": 1, "regular": 2, "at_risk": 1, "lost": 4, "won_back": 1}
    assert dict(zip(STAGES, result.previous_counts, strict=True)) == {
        "new": 3, "regular": 1, "at_risk": 1, "lost": 2, "won_back": 1}
    expected = {("not_yet", "new"): 1, ("new", "regular"): 1, ("new", "at_risk"): 1,
                ("new", "lost"): 1, ("regular", "regular"): 1, ("at_risk", "lost"): 1,
                ("lost", "lost"): 1, ("lost", "won_back"): 1, ("won_back", "lost"): 1}
    for source in FLOW_SOURCES:
        for stage in STAGES:
            assert result.flow(source, stage) == expected.get((source, stage), 0), (source, stage)
    assert (result.at_risk_source, result.lapse_source) == ("config", "config")
    assert result.customers == 9 and result.count("lost", previous=True) == 2


def test_thresholds_from_the_data_are_the_staying_views() -> None:
    """Without settings: lost after the staying view's lapse (9 in 10 pauses shorter), at
    risk after the median pause. Pauses of the repeat buyers (days): A 31 28 102, B 30,
    C 30 226, E 27 78, F 30 109 97, G 31 66, J 31 273 → median 31."""
    frame = _client()
    result = lifecycle(frame, T)
    assert result.lapse_days == lapse_gap_days(frame, T) and result.lapse_source == "data"
    assert result.at_risk_days == 31 and result.at_risk_source == "data"


def test_an_explicit_previous_stichtag() -> None:
    result = lifecycle(_client(), T, POLICY, previous="2025-05-31")
    assert result.previous == pd.Timestamp("2025-05-31")
    # D bought first on 1 May: already new at the previous Stichtag
    assert result.flow("new", "new") == 1 and result.flow("not_yet", "new") == 0
    with pytest.raises(MetricError) as info:
        lifecycle(_client(), T, POLICY, previous=T)
    assert info.value.code == "lifecycle.previous_not_before"


def test_no_repeat_buyers_names_the_settings() -> None:
    frame = pd.DataFrame({"customer_id": ["A", "B"], "date": pd.to_datetime(["2025-01-01"] * 2),
                          "revenue": 10.0})
    with pytest.raises(MetricError) as info:
        lifecycle(frame, "2025-03-01")
    assert info.value.code == "lifecycle.no_repeat_buyers" and "lapse_days" in str(info.value)
    fixed = lifecycle(frame, "2025-03-01", LifecyclePolicy(at_risk_days=30, lapse_days=90))
    assert fixed.count("new") == 2


def test_policy_rejects_nonsense() -> None:
    for bad in ({"new_days": 0}, {"months": 1.5}, {"lapse_days": 0.0},
                {"at_risk_days": float("nan")}):
        with pytest.raises(ValueError):
            LifecyclePolicy(**bad)  # type: ignore[arg-type]


@st.composite
def _purchases(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 60))
    customers = draw(st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f", ""]),
                              min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 800), min_size=n, max_size=n))
    revenue = draw(st.lists(st.sampled_from([-10.0, 5.0, 20.0, 30.0]), min_size=n, max_size=n))
    return pd.DataFrame({"customer_id": [c or None for c in customers],
                         "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(days, unit="D"),
                         "revenue": revenue})


@settings(max_examples=150, deadline=None)
@given(frame=_purchases(), new_days=st.integers(1, 200), risk=st.integers(1, 200),
       lapse=st.integers(1, 400), months=st.integers(1, 12))
def test_every_customer_in_one_stage_and_the_flows_add_up(
        frame: pd.DataFrame, new_days: int, risk: int, lapse: int, months: int) -> None:
    policy = LifecyclePolicy(new_days=new_days, at_risk_days=risk, lapse_days=lapse,
                             months=months)
    as_of = pd.Timestamp("2025-01-31")
    try:
        result = lifecycle(frame, as_of, policy)
    except MetricError:
        return  # no identified purchase up to the Stichtag
    stages = lifecycle_stages(frame, as_of, policy)
    assert stages["customer_id"].is_unique
    assert set(stages["stage"]) <= set(STAGES)
    assert result.customers == len(stages)
    flows = np.array(result.flows)
    assert tuple(flows.sum(axis=0)) == result.counts
    assert tuple(flows[1:].sum(axis=1)) == result.previous_counts
    newcomers = (stages["previous_stage"] == "not_yet").sum()
    assert flows[0].sum() == newcomers
    for stage in STAGES:
        assert result.count(stage) == (stages["stage"] == stage).sum()
    # a lost customer can only stay lost or be won back; nobody is won back from elsewhere
    assert flows[FLOW_SOURCES.index("lost")][[0, 1, 2]].sum() == 0
    assert flows[:, STAGES.index("won_back")][[0, 1, 2, 3, 5]].sum() == 0
