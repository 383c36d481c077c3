"""Referral rate, complaints per customer group and customer profitability (issue 16, seeds
001 and 003): worked examples computed by hand, and invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook import metrics as m
from kbworkbook.errors import MetricError
from kbworkbook.metrics.complaint_groups import complaints_by_group
from kbworkbook.metrics.profitability import customer_profitability
from kbworkbook.metrics.referral import names_referral, referral_rate

AS_OF = "2025-12-31"


def _tx(rows: list[tuple[str | None, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": pd.Series([r[0] for r in rows], dtype="str"),
        "date": pd.to_datetime([r[1] for r in rows]),
        "revenue": [r[2] for r in rows],
        "margin": [r[3] for r in rows],
    })


def _complaints(rows: list[tuple[str | None, str]]) -> pd.DataFrame:
    return pd.DataFrame({
        "date": pd.to_datetime([r[1] for r in rows]),
        "resolved": [True] * len(rows),
        "satisfied": [True] * len(rows),
        "customer_id": pd.Series([r[0] for r in rows], dtype="str"),
    })


# -- referral rate ------------------------------------------------------------------------------

ANSWERS = pd.Series(["Empfehlung einer Freundin", "Instagram", "", None, "Tipp vom Nachbarn",
                     "freundliches Personal gesehen", "Word of mouth", "Zeitung"])


def test_referral_rate_worked_example() -> None:
    """Six answers name a source (two blank); a recommendation: the friend's, the neighbour's
    tip and word of mouth – "freundliches Personal" is no friend. 3 of 6 = 50 %."""
    result = referral_rate(ANSWERS)
    assert (result.answers, result.referred, result.blank) == (6, 3, 2)
    assert result.rate == pytest.approx(0.5) and not result.rare
    assert names_referral(ANSWERS).tolist() == [True, False, pd.NA, pd.NA, True, False, True,
                                                False]


def test_referral_rate_with_own_words_and_no_answer() -> None:
    words = {"starts": ["zeitung"], "ignore": []}
    assert referral_rate(ANSWERS, words).referred == 1
    empty = referral_rate(pd.Series(["", None], dtype="object"))
    assert (empty.answers, empty.blank) == (0, 2) and np.isnan(empty.rate)
    assert not empty.rare
    assert not referral_rate(pd.Series(["Zeitung"] * 4 + ["Empfehlung"])).rare  # 1 in 5
    assert referral_rate(pd.Series(["Zeitung"] * 5 + ["Empfehlung"])).rare  # below 20 %


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=30)), max_size=30))
def test_referral_rate_is_a_share_of_the_answers_given(answers: list[str | None]) -> None:
    result = referral_rate(pd.Series(answers, dtype="object"))
    assert result.answers + result.blank == len(answers)
    assert 0 <= result.referred <= result.answers
    assert result.answers == 0 or 0.0 <= result.rate <= 1.0


# -- complaints per customer group ---------------------------------------------------------------

GROUP_TX = _tx([
    ("R", "2024-06-01", 10, 4), ("R", "2025-02-01", 10, 4), ("R", "2025-05-01", 10, 4),
    ("R", "2025-09-01", 10, 4),                                  # regular: 3 purchases
    ("N", "2025-03-01", 10, 4), ("N", "2025-04-01", 10, 4),      # new, 2 purchases
    ("O", "2024-01-10", 10, 4), ("O", "2025-07-01", 10, 4),      # occasional
    ("Q", "2025-11-01", 10, 4),                                  # new, 1 purchase
    ("L", "2024-03-01", 10, 4),                                  # lapsed: not active
    (None, "2025-06-01", 99, 40),                                # walk-in
])
GROUP_COMPLAINTS = _complaints([
    ("N", "2025-04-02"), ("N", "2025-05-02"), ("O", "2025-07-02"), ("L", "2025-01-05"),
    (None, "2025-08-01"), ("R", "2024-12-01"), ("X", "2025-03-03"),
])


def test_complaints_by_group_worked_example() -> None:
    """Six complaints in 2025: N twice, O once, one anonymous, L (bought nothing in 2025) and
    the unknown X unmatched; R's complaint of 2024 is outside the window."""
    result = complaints_by_group(GROUP_TX, GROUP_COMPLAINTS, AS_OF, 12, min_orders=3)
    assert (result.complaints, result.anonymous, result.unmatched, result.linked) == (6, 1, 2, 3)
    rows = {g.key: (g.customers, g.complaints, g.complainants) for g in result.groups}
    assert rows == {"regular": (1, 0, 0), "occasional": (1, 1, 1), "new": (2, 2, 1)}
    assert result.group("new").per_100 == pytest.approx(100.0)
    assert result.group("new").complainant_share == pytest.approx(0.5)
    assert result.group("regular").per_100 == 0.0
    assert [g.purchases for g in result.groups] == [3, 1, 3]
    assert result.group("new").per_1000_purchases == pytest.approx(2000 / 3)
    # regulars: 0 of 3 purchases; the others: 3 complaints in 4 purchases
    assert (result.regulars, result.few) == ("less", True)


def test_complaints_by_group_needs_customer_numbers() -> None:
    with pytest.raises(MetricError):
        complaints_by_group(GROUP_TX, GROUP_COMPLAINTS.drop(columns="customer_id"), AS_OF)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 700)), min_size=1, max_size=40),
       st.lists(st.tuples(st.integers(0, 8), st.integers(0, 700)), max_size=20),
       st.integers(1, 4))
def test_complaint_groups_partition_the_active_customers(
        sales: list[tuple[int, int]], filed: list[tuple[int, int]], min_orders: int) -> None:
    day0 = pd.Timestamp("2024-01-01")
    tx = _tx([(f"K{c}", str((day0 + pd.Timedelta(days=d)).date()), 10.0, 4.0)
              for c, d in sales])
    compl = _complaints([(f"K{c}", str((day0 + pd.Timedelta(days=d)).date()))
                         for c, d in filed])
    try:
        result = complaints_by_group(tx, compl, AS_OF, 12, min_orders)
    except MetricError:  # no purchase in the window: the purchase figures say the same
        with pytest.raises(MetricError):
            m.purchase_figures(tx, AS_OF, 12)
        return
    assert sum(g.customers for g in result.groups) == m.purchase_figures(
        tx, AS_OF, 12, min_orders).customers
    assert result.group("regular").customers == m.purchase_figures(
        tx, AS_OF, 12, min_orders).regular_customers
    assert result.linked + result.anonymous + result.unmatched == result.complaints
    assert sum(g.complaints for g in result.groups) == result.linked
    assert sum(g.purchases for g in result.groups) == m.purchase_figures(
        tx, AS_OF, 12, min_orders).known_orders
    assert all(g.complainants <= min(g.customers, g.complaints) for g in result.groups)


# -- customer profitability ----------------------------------------------------------------------

PROFIT_TX = _tx([
    ("A", "2025-03-01", 100, 40), ("A", "2025-09-01", 100, 40), ("A", "2023-05-01", 500, 200),
    ("B", "2025-04-01", 50, 13.5), ("C", "2025-05-01", 10, 4), ("D", "2025-06-01", 30, 12),
    (None, "2025-06-01", 80, 32),
])
PROFIT_COMPLAINTS = _complaints([("B", "2025-04-03"), ("C", "2025-05-02"), ("C", "2025-05-09"),
                                 ("C", "2024-05-09")])


def test_customer_profitability_worked_example() -> None:
    """Cost to serve 2 per purchase and 10 per complaint: A 80 − 4 = 76, D 12 − 2 = 10,
    B 13.5 − 2 − 10 = 1.5, C 4 − 2 − 20 = −18; total 69.5, mean 17.375. C is unprofitable
    (revenue 10 of 290), B marginal (1.5 < a tenth of the mean, 1.7375). Whale curve at
    0, ¼, ½, ¾, 1 of the customers: 0, 76, 86, 87.5, 69.5 of 69.5."""
    p = customer_profitability(PROFIT_TX, AS_OF, 12, PROFIT_COMPLAINTS, cost_per_order=2,
                               cost_per_complaint=10, points=5)
    assert (p.customers, p.unprofitable, p.marginal) == (4, 1, 1)
    assert (p.margin, p.order_cost, p.complaint_cost) == pytest.approx((109.5, 10.0, 30.0))
    assert p.profit == pytest.approx(69.5)
    assert p.revenue == pytest.approx(290.0)
    assert p.unprofitable_revenue_share == pytest.approx(10 / 290)
    assert p.unprofitable_profit == pytest.approx(-18.0)
    assert (p.marginal_revenue, p.marginal_below) == pytest.approx((50.0, 1.7375))
    assert p.whale == pytest.approx(tuple(v / 69.5 for v in (0, 76, 86, 87.5, 69.5)))
    assert (p.peak, p.peak_at) == pytest.approx((87.5 / 69.5, 0.75)) and p.humped
    assert p.decile_profit == ()  # fewer than ten customers
    assert p.marginal_revenue_share == pytest.approx(50 / 290)
    assert p.many_unprofitable  # 1 of 4 customers


def test_customer_profitability_without_cost_to_serve_is_the_margin() -> None:
    p = customer_profitability(PROFIT_TX, AS_OF, 12)
    assert p.profit == pytest.approx(109.5) and p.unprofitable == 0
    assert p.cost_per_order is None and p.cost_per_complaint is None
    with pytest.raises(ValueError, match="costs"):
        customer_profitability(PROFIT_TX, AS_OF, 12, cost_per_order=-1)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.floats(1, 500), st.floats(-0.2, 0.8)),
                min_size=1, max_size=60),
       st.floats(0, 20))
def test_profitability_invariants(rows: list[tuple[int, float, float]], cost: float) -> None:
    tx = _tx([(f"K{c}", "2025-06-01" if i % 2 else "2025-07-01", r, r * rate)
              for i, (c, r, rate) in enumerate(rows)])
    p = customer_profitability(tx, AS_OF, 12, cost_per_order=cost, points=21)
    assert p.unprofitable + p.marginal <= p.customers
    assert p.profit == pytest.approx(p.margin - p.order_cost - p.complaint_cost)
    if p.customers >= 10:
        assert len(p.decile_profit) == 10
        assert sum(p.decile_profit) == pytest.approx(p.profit, abs=1e-6)
        sizes = [len(g) for g in np.array_split(np.arange(p.customers), 10)]
        means = [v / k for v, k in zip(p.decile_profit, sizes, strict=True)]
        assert means == sorted(means, reverse=True)  # best customers first
        if p.profit > 0:
            assert p.top_decile_share >= 0.1 - 1e-9  # the best tenth bring at least a tenth
    if p.whale:
        curve = np.asarray(p.whale)
        assert curve[0] == 0.0 and curve[-1] == pytest.approx(1.0)
        assert p.peak >= 1.0 - 1e-12
        assert (np.diff(curve, 2) <= 1e-9).all()  # best customers first: concave
    else:
        assert p.profit <= 0


# -- said and done: repurchase after the survey answer, per NPS band ----------------------------

SAID_TX = _tx([
    ("A", "2025-01-10", 10, 4), ("A", "2025-03-01", 10, 4), ("B", "2025-01-05", 10, 4),
    ("C", "2025-02-20", 10, 4), ("D", "2025-01-01", 10, 4), ("D", "2025-06-01", 10, 4),
])
SAID_SURVEY = pd.DataFrame({
    "score": pd.array([10, 9, 8, 3, 10, 2, 10, None], dtype="Int64"),
    "date": pd.to_datetime(["2025-02-01", "2025-02-01", "2025-02-20", "2025-01-15",
                            "2025-02-01", "2025-09-01", "2025-02-01", "2025-02-01"]),
    "customer_id": pd.Series(["A", "B", "C", "D", "E", "A", None, "A"], dtype="str"),
})


def test_repurchase_by_band_worked_example() -> None:
    """180 days after the answer: A (promoter) bought on 1 March, B (promoter) never again,
    C (passive) only on the day of the answer, D (detractor) on 1 June. E is unknown to the
    till, A's September answer is not yet followed up to the end, one answer has no number and
    one no score: 7 answers, 4 followed."""
    from kbworkbook.metrics.said_and_done import repurchase_by_band

    result = repurchase_by_band(SAID_SURVEY, SAID_TX, AS_OF, days=180)
    assert (result.answers, result.followed) == (7, 4)
    rows = {b.band: (b.answers, b.bought) for b in result.bands}
    assert rows == {"promoters": (2, 1), "passives": (1, 0), "detractors": (1, 1)}
    assert result.band("promoters").share == pytest.approx(0.5)
    assert (result.reading, result.few) == ("reversed", True)  # 50 % vs 100 %
    assert np.isnan(repurchase_by_band(SAID_SURVEY.iloc[:0], SAID_TX, AS_OF).band(
        "passives").share)
    assert result.first_answer == pd.Timestamp("2025-01-15")
    assert result.last_answer == pd.Timestamp("2025-02-20")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 700)), min_size=1, max_size=30),
       st.lists(st.tuples(st.integers(0, 7), st.integers(0, 700), st.integers(0, 10)),
                max_size=20),
       st.integers(1, 400))
def test_repurchase_by_band_counts_each_followed_answer_once(
        sales: list[tuple[int, int]], answers: list[tuple[int, int, int]], days: int) -> None:
    from kbworkbook.metrics.said_and_done import repurchase_by_band

    day0 = pd.Timestamp("2024-01-01")
    tx = _tx([(f"K{c}", str((day0 + pd.Timedelta(days=d)).date()), 10.0, 4.0)
              for c, d in sales])
    survey = pd.DataFrame({
        "score": pd.array([s for _, _, s in answers], dtype="Int64"),
        "date": pd.to_datetime([str((day0 + pd.Timedelta(days=d)).date())
                                for _, d, _ in answers]),
        "customer_id": pd.Series([f"K{c}" for c, _, _ in answers], dtype="str")})
    result = repurchase_by_band(survey, tx, AS_OF, days)
    assert sum(b.answers for b in result.bands) == result.followed <= result.answers
    assert all(0 <= b.bought <= b.answers for b in result.bands)
    longer = repurchase_by_band(survey, tx, "2027-12-31", days)  # everyone followed up
    assert longer.followed == sum(1 for c, _, _ in answers if c <= 5 and any(
        k == c for k, _ in sales))
