"""The win-back list (who is in, who is out, the order) and what it brought, worked by hand.

Worked example, Stichtag 30.06.2025, margin rate 50 %, list length 3, valuable = top 70 %
(k = ceil(0.7 · 6) = 5 of the recent base), slipping by own rhythm (× 2):

======  ==============================  =========  ======  ====  ===========  =========
cust.   purchases (revenue)             last       value   days  own gap      verdict
======  ==============================  =========  ======  ====  ===========  =========
A       01.01./01.02./02.03.2024 à 100  02.03.24   150     485   61/2 = 30.5  4th: cut
B       01.01./01.03.2025 à 400         01.03.25   400     121   59 (×2=118)  1st
C       01.05./01.06.2025 à 1000        01.06.25   1000     29   31           active
D       01.12.2024: 50                  01.12.24    25     211   median       not valuable
E       01.01./01.02.2021 à 5000        01.02.21   5000   1610   –            gone > 730 d
F       01.06. 300, 20.06. −100, 01.07.24 300  01.07.24  250  364   30        3rd
G       01.10.2024: 700                 01.10.24   350     272   30.75 (median) 2nd
======  ==============================  =========  ======  ====  ===========  =========

value = net revenue of the 365 days up to the last purchase × 50 %; the recent base is A, B,
C, D, F, G (E bought last 1610 days ago); the 5th highest value is 150, so D (25) is not
valuable. G bought once: measured against the median of the repeat buyers' gaps
(30, 30.5, 31, 59 → 30.75 days). A walk-in line (no customer number) plays no part.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook.errors import MetricError
from kbworkbook.models.calllist import (
    OTHER_GROUP,
    CallListPolicy,
    call_list,
    call_list_groups,
    call_list_summary,
    customer_values,
    win_back,
)

AS_OF = "2025-06-30"
POLICY = CallListPolicy(length=3, valuable_share=0.7)


def _frame(rows: list[tuple[str | None, str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "revenue"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["customer_id"] = frame["customer_id"].astype("str").where(frame["customer_id"].notna())
    return frame


def _worked_example() -> pd.DataFrame:
    return _frame([
        ("A", "2024-01-01", 100), ("A", "2024-02-01", 100), ("A", "2024-03-02", 100),
        ("B", "2025-01-01", 400), ("B", "2025-03-01", 400),
        ("C", "2025-05-01", 1000), ("C", "2025-06-01", 1000),
        ("D", "2024-12-01", 50),
        ("E", "2021-01-01", 5000), ("E", "2021-02-01", 5000),
        ("F", "2024-06-01", 300), ("F", "2024-06-20", -100), ("F", "2024-07-01", 300),
        ("G", "2024-10-01", 700),
        (None, "2025-06-01", 999),
    ])


def test_customer_values_of_the_worked_example() -> None:
    values = customer_values(_worked_example(), AS_OF, 0.5)
    assert list(values.index) == list("ABCDEFG")
    assert values["value_at_stake"].tolist() == [150, 400, 1000, 25, 5000, 250, 350]
    assert values["days_since"].tolist() == [485, 121, 29, 211, 1610, 364, 272]
    assert values["purchase_days"].tolist() == [3, 2, 2, 1, 2, 2, 1]


def test_a_fully_returned_receipt_is_no_purchase_day_as_in_every_metric() -> None:
    """H bought on 01.03. and 01.04.2025; the receipt of 01.04. (80) was refunded in full on
    05.04.: one purchase day, the last purchase on 01.03. (121 days before the Stichtag), and
    the year's net revenue 100 + 80 − 80 = 100 (value at stake 50 at 50 %)."""
    frame = _frame([("H", "2025-03-01", 100), ("H", "2025-04-01", 80), ("H", "2025-04-05", -80)])
    values = customer_values(frame, AS_OF, 0.5)
    assert values.loc["H", "purchase_days"] == 1
    assert values.loc["H", "last_purchase"] == pd.Timestamp("2025-03-01")
    assert values.loc["H", "days_since"] == 121
    assert values.loc["H", "value_at_stake"] == pytest.approx(50.0)
    # a refund after the list does not make the customer one who came back
    lists = pd.DataFrame({"list_date": [pd.Timestamp("2025-03-15")], "customer_id": ["H"],
                          "listed": [True]})
    assert win_back(frame, lists, AS_OF).groups.loc["listed", "returned"] == 0


def test_worked_example_by_purchase_rhythm_who_is_in_who_is_out_and_the_order() -> None:
    groups = pd.Series({"B": "at_risk", "G": "cant_lose", "F": "at_risk"})
    result = call_list(_worked_example(), AS_OF, 0.5, segments=groups, policy=POLICY)
    assert result.method == "gap"
    assert result.recent_customers == 6 and result.valuable == 5  # A, B, C, F, G
    assert list(result.candidates.index) == ["B", "G", "F", "A"]
    assert result.candidates["rank"].tolist() == [1, 2, 3, 4]
    assert list(result.listed.index) == ["B", "G", "F"]
    assert list(result.not_listed.index) == ["A"]  # cut by the list length only
    assert result.candidates["group"].tolist() == ["at_risk", "cant_lose", "at_risk",
                                                   OTHER_GROUP]
    assert result.candidates["p_alive"].isna().all()


def test_the_rhythm_boundary_is_strict() -> None:
    """B: 121 days since, own gap 59 → slipping beyond 118 days; with × 2.1 (123.9) not."""
    wider = CallListPolicy(length=3, valuable_share=0.7, gap_multiple=2.1)
    result = call_list(_worked_example(), AS_OF, 0.5, policy=wider)
    assert "B" not in result.candidates.index
    assert list(result.candidates.index) == ["G", "F", "A"]


def test_worked_example_with_the_model_probabilities() -> None:
    alive = pd.Series({"A": 0.2, "B": 0.6, "C": 0.9, "D": 0.05, "F": 0.3, "G": 0.1})
    result = call_list(_worked_example(), AS_OF, 0.5, p_alive=alive, policy=POLICY)
    assert result.method == "model"
    # B is valuable but probably still a customer (0.6); D is slipping but not valuable
    assert list(result.candidates.index) == ["G", "F", "A"]
    assert result.listed["p_alive"].tolist() == [0.1, 0.3, 0.2]
    assert result.not_listed.empty


def test_the_summary_counts_and_money_per_group_without_ids() -> None:
    groups = pd.Series({"B": "at_risk", "G": "cant_lose", "F": "at_risk"})
    summary = call_list_summary(call_list(_worked_example(), AS_OF, 0.5, segments=groups,
                                          policy=POLICY))
    assert summary.loc["at_risk"].tolist() == [2, 2, 650.0, (121 + 364) / 2]
    assert summary.loc["cant_lose"].tolist() == [1, 1, 350.0, 272.0]
    assert summary.loc[OTHER_GROUP, "candidates"] == 1
    assert summary.loc[OTHER_GROUP, "listed"] == 0
    assert list(summary.index) == ["at_risk", "cant_lose", OTHER_GROUP]  # most value first
    assert "customer_id" not in summary.columns and summary.index.name == "group"


def test_without_customer_numbers_there_is_nobody_to_call() -> None:
    with pytest.raises(MetricError, match="Rückgewinnungsliste: Keine Zeile"):
        call_list(_frame([(None, "2025-01-01", 10.0)]), AS_OF, 0.5)


def test_groups_treat_a_slipping_regular_as_no_longer_recent() -> None:
    """Five customers; R is capped at 2, so the one with most purchases (F = 5) is »Nicht
    verlieren!« (grid r2, F5) and a single purchase is »Inaktiv« (r2, F1)."""
    rows = [("R", f"2025-0{m}-01", 10.0) for m in range(1, 6)]  # 5 purchases, recent
    rows += [("S", "2025-06-01", 10.0), ("T", "2024-01-01", 10.0), ("T", "2024-02-01", 10.0),
             ("U", "2024-05-01", 10.0), ("V", "2023-01-01", 10.0)]
    groups = call_list_groups(_frame(rows), AS_OF)
    assert groups is not None
    assert groups.loc["R", "segment"] == "cant_lose"
    assert groups.loc["R", "segment_label"] == "Nicht verlieren!"
    assert groups.loc["S", "segment"] == "hibernating"
    assert call_list_groups(_frame(rows[:4]), AS_OF) is None  # one customer: no segments


# -- closing the loop ---------------------------------------------------------------------------


def _record(contacted: dict[str, bool] | None = None) -> pd.DataFrame:
    """The list of the worked example: B, G, F listed, A cut."""
    contacted = contacted or {}
    return pd.DataFrame({
        "list_date": pd.Timestamp(AS_OF), "customer_id": ["B", "G", "F", "A"],
        "listed": [True, True, True, False],
        "contacted": pd.array([contacted.get(c, False) if c != "A" else pd.NA
                               for c in "BGFA"], dtype="boolean"),
    })


def _later() -> pd.DataFrame:
    """After the list: B buys 200 (and on the list's own day 999, which does not count), G
    buys 50 and returns 10, F nothing, A (cut) buys 80; C keeps buying (never listed)."""
    return pd.concat([_worked_example(), _frame([
        ("B", AS_OF, 999), ("B", "2025-07-10", 200), ("G", "2025-08-01", 50),
        ("G", "2025-08-03", -10), ("A", "2025-09-01", 80), ("C", "2025-07-01", 500),
        ("F", "2025-10-05", 300),  # after the second Stichtag
    ])], ignore_index=True)


def test_win_back_against_the_candidates_cut_by_the_list_length() -> None:
    result = win_back(_later(), _record(), "2025-09-30")
    assert result is not None
    assert result.list_date == pd.Timestamp(AS_OF) and result.days == 92
    assert (result.listed, result.returned) == (3, 2)  # B and G
    assert result.rate == pytest.approx(2 / 3)
    assert result.revenue == pytest.approx(240.0)  # 200 + 50 − 10
    assert result.comparison == "not_listed"
    assert result.groups.loc["not_listed"].tolist() == [1, 1, 1.0, 80.0]


def test_win_back_contacted_against_not_contacted_when_outcomes_were_noted_for_some() -> None:
    result = win_back(_later(), _record({"B": True}), "2025-09-30")
    assert result is not None and result.comparison == "contacted"
    assert list(result.groups.index) == ["listed", "contacted", "not_contacted"]
    assert result.groups.loc["contacted"].tolist() == [1, 1, 1.0, 200.0]
    assert result.groups.loc["not_contacted"].tolist() == [2, 1, 0.5, 40.0]
    assert result.rate == pytest.approx(2 / 3)  # the rate is always that of the whole list


def test_win_back_needs_a_list_made_before_the_stichtag() -> None:
    assert win_back(_later(), _record(), AS_OF) is None
    only_listed = _record().iloc[:3]
    result = win_back(_later(), only_listed, "2025-09-30")
    assert result is not None and result.comparison is None
    assert list(result.groups.index) == ["listed"]


def test_win_back_follows_the_latest_earlier_list() -> None:
    older = _record().assign(list_date=pd.Timestamp("2025-01-31"), listed=True)
    newer = pd.DataFrame({"list_date": pd.Timestamp("2025-08-15"), "customer_id": ["F", "A"],
                          "listed": [True, True]})
    lists = pd.concat([older, newer], ignore_index=True)
    result = win_back(_later(), lists, "2025-09-30")
    assert result is not None and result.list_date == pd.Timestamp("2025-08-15")
    assert (result.listed, result.returned) == (2, 1)  # A bought on 01.09.; F only in October


# -- properties ---------------------------------------------------------------------------------


@st.composite
def _histories(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 120))
    customers = draw(st.lists(st.sampled_from([f"K{i:02d}" for i in range(30)] + [None]),
                              min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 1200), min_size=n, max_size=n))
    revenue = draw(st.lists(st.sampled_from([-20.0, 0.0, 5.0, 12.5, 40.0, 300.0]),
                            min_size=n, max_size=n))
    frame = pd.DataFrame({"customer_id": pd.Series(customers, dtype="str"),
                          "date": pd.Timestamp("2022-01-01") + pd.to_timedelta(days, unit="D"),
                          "revenue": revenue})
    frame.loc[0, "customer_id"] = "K00"  # at least one identified line
    return frame


@settings(max_examples=60, deadline=None)
@given(frame=_histories(), length=st.integers(1, 8), share=st.sampled_from([0.25, 0.5, 1.0]),
       model=st.booleans(), seed=st.integers(0, 2**16))
def test_properties_of_any_call_list(frame: pd.DataFrame, length: int, share: float,
                                     model: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    ids = sorted(frame["customer_id"].dropna().unique())
    alive = pd.Series(rng.uniform(0, 1, len(ids)), index=ids) if model else None
    policy = CallListPolicy(length=length, valuable_share=share)
    result = call_list(frame, "2025-04-15", 0.4, p_alive=alive, policy=policy)
    cands = result.candidates
    assert cands.index.is_unique  # no customer twice
    stakes = cands["value_at_stake"].to_numpy()
    assert np.all(np.diff(stakes) <= 0)  # ranked by value at stake
    assert cands["rank"].tolist() == list(range(1, len(cands) + 1))
    assert cands["listed"].tolist() == [r <= length for r in cands["rank"]]
    assert len(result.listed) == min(length, len(cands))
    assert (stakes > 0).all() and len(cands) <= result.valuable <= result.recent_customers
    assert (cands["days_since"] <= policy.max_days_since).all()
    if model and alive is not None:
        assert (cands["p_alive"] < policy.alive_below).all()
    summary = call_list_summary(result)
    assert "customer_id" not in summary.columns and summary.index.name == "group"
    assert not set(summary.index) & set(ids)  # the report table carries groups, never ids
    assert summary["candidates"].sum() == len(cands)
    assert summary["listed"].sum() == len(result.listed)
    assert math.isclose(summary["value_at_stake"].sum(),
                        float(result.listed["value_at_stake"].sum()), abs_tol=1e-9)


@settings(max_examples=40, deadline=None)
@given(frame=_histories(), cut=st.integers(0, 30))
def test_properties_of_any_follow_up(frame: pd.DataFrame, cut: int) -> None:
    ids = sorted(frame["customer_id"].dropna().unique())
    lists = pd.DataFrame({"list_date": pd.Timestamp("2024-06-30"), "customer_id": ids,
                          "listed": [i < max(1, cut) for i in range(len(ids))]})
    result = win_back(frame, lists, "2025-04-15")
    assert result is not None
    groups = result.groups
    assert (groups["returned"] <= groups["customers"]).all()
    assert 0 <= result.rate <= 1
    assert groups["customers"].sum() == len(ids)
