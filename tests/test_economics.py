"""Tests for kbworkbook.economics: the worked examples of domain.md §5–§7 and invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook.economics import (
    CostAssumptions,
    EconomicsError,
    ProfitComponent,
    ProgrammeInputs,
    break_even_quality,
    break_even_uplift,
    complaint_word_of_mouth,
    evaluate_programme,
    joint_benefit,
    lifetime_margin,
    npv_of_series,
    profit_by_year,
    programme_benefit,
    programme_cost,
    retained_complainants,
    roi,
    sensitivity_table,
    transaction_margins,
)
from kbworkbook.errors import KbWorkbookError, MetricError

TOL = 1e-9

# -- §5 profit per customer by relationship year ----------------------------------------------

SEC5_COMPONENTS = [
    ProfitComponent("increased_purchases", 15, 2, 5),
    ProfitComponent("reduced_costs", 8, 2, 3),
    ProfitComponent("referrals", 10, 2, 4),
    ProfitComponent("price_premium", 5, 3, 4),
]


def test_profit_by_year_oracle_5_series_and_cumulative() -> None:
    result = profit_by_year(150, 100, SEC5_COMPONENTS, years=20, retention=0.8, discount_rate=0.1)
    assert result.table["profit"].tolist()[:8] == pytest.approx(
        [-150, 100, 133, 171, 209, 239, 259, 259], abs=TOL
    )
    assert result.table["cumulative"].tolist()[:8] == pytest.approx(
        [-150, -50, 83, 254, 463, 702, 961, 1220], abs=TOL
    )


@pytest.mark.parametrize(
    ("retention", "npv"),
    [(0.75, 311.48), (0.80, 419.12), (0.85, 571.75), (0.90, 796.74), (0.95, 1142.12)],
)
def test_profit_by_year_oracle_5_npv(retention: float, npv: float) -> None:
    result = profit_by_year(
        150, 100, SEC5_COMPONENTS, years=20, retention=retention, discount_rate=0.1
    )
    assert result.npv == pytest.approx(npv, abs=0.005)


def test_profit_by_year_oracle_5_npv_gain_from_five_points() -> None:
    npv = {r: profit_by_year(150, 100, years=20, retention=r, discount_rate=0.1).npv
           for r in (0.8, 0.85, 0.9, 0.95)}
    assert npv[0.85] / npv[0.8] - 1 == pytest.approx(0.3642, abs=5e-5)
    assert npv[0.95] / npv[0.9] - 1 == pytest.approx(0.4335, abs=5e-5)


def test_profit_by_year_default_components_scale_with_base_profit_oracle_5() -> None:
    default = profit_by_year(150, 100, years=20, retention=0.8, discount_rate=0.1)
    explicit = profit_by_year(150, 100, SEC5_COMPONENTS, years=20, retention=0.8,
                              discount_rate=0.1)
    assert default.npv == pytest.approx(explicit.npv, abs=TOL)
    doubled = profit_by_year(0, 200, years=5, retention=0.8, discount_rate=0.1)
    single = profit_by_year(0, 100, years=5, retention=0.8, discount_rate=0.1)
    assert doubled.npv == pytest.approx(2 * single.npv, abs=TOL)


def test_profit_by_year_expected_column_is_profit_times_survival() -> None:
    result = profit_by_year(150, 100, SEC5_COMPONENTS, years=4, retention=0.5, discount_rate=0)
    table = result.table
    assert table.loc[0, "expected"] == pytest.approx(-150)
    assert table.loc[3, "expected"] == pytest.approx(171 * 0.25)
    assert result.npv == pytest.approx(table["expected"].sum())
    assert result.assumptions["retention"] == 0.5
    assert result.components == tuple(c.key for c in SEC5_COMPONENTS)


def test_npv_of_series_oracle_5_credit_card() -> None:
    series = [30, 42, 44, 50, 56]
    assert npv_of_series(60, series, 0.9, 0.0) == pytest.approx(116.63, abs=0.005)
    assert npv_of_series(60, series, 0.95, 0.0) == pytest.approx(138.09, abs=0.005)


def test_profit_by_year_rejects_retention_above_one() -> None:
    with pytest.raises(EconomicsError, match="zwischen 0 und 1"):
        profit_by_year(150, 100, retention=1.2)


# -- §6 economics of retention programmes ------------------------------------------------------


def test_transaction_margins_oracle_6() -> None:
    margins = transaction_margins(40, 60, 5)
    assert margins.new == pytest.approx(-20)
    assert margins.repeat == pytest.approx(35)
    assert margins.difference == pytest.approx(55)
    assert margins.assumptions["acquisition_cost"] == 60


def test_benefit_from_extra_transactions_oracle_6() -> None:
    benefit = programme_benefit(500, 300, 1.0, 1.0, extra_transactions=2.6 - 2.2,
                                margin_per_transaction=35)
    assert benefit.from_retention == pytest.approx(0)
    assert benefit.from_transactions == pytest.approx(7000)


def test_break_even_uplift_oracle_6() -> None:
    assert break_even_uplift(6000, 500, 300) == pytest.approx(0.04, abs=TOL)


def test_roi_oracle_6_uplift_six_points() -> None:
    benefit = programme_benefit(500, 300, 0.70, 0.76)
    assert benefit.extra_customers == pytest.approx(30)
    assert benefit.total == pytest.approx(9000)
    assert roi(benefit.total, 6000) == pytest.approx(0.5)


def test_break_even_uplift_lifetime_oracle_6() -> None:
    assert lifetime_margin(300, 0.8, 0.1) == pytest.approx(1100)
    value = break_even_uplift(6000, 500, 300, lifetime=True, retention_after=0.8,
                              discount_rate=0.1)
    assert value == pytest.approx(0.010909, abs=1e-6)


def test_programme_cost_components_and_windfall() -> None:
    cost = programme_cost(CostAssumptions(
        setup=900, years=3, fixed=200, per_participant=2, participants=100,
        discount_rate=0.05, participant_revenue=40_000, hours=10, hour_rate=50,
        windfall_share=0.6,
    ))
    assert cost.setup_annual == pytest.approx(300)
    assert cost.variable == pytest.approx(200)
    assert cost.discount == pytest.approx(2000)
    assert cost.staff == pytest.approx(500)
    assert cost.total == pytest.approx(300 + 200 + 200 + 2000 + 500)
    assert cost.windfall == pytest.approx(1200)
    assert cost.as_dict()["total"] == pytest.approx(cost.total)
    assert cost.assumptions["hour_rate"] == 50


def test_evaluate_programme_oracle_6_and_assumptions() -> None:
    result = evaluate_programme(ProgrammeInputs(
        customers=500, margin_per_customer=300, retention_before=0.74, uplift=0.06,
        costs=CostAssumptions(fixed=6000), discount_rate=0.1,
    ))
    assert result.cost.total == pytest.approx(6000)
    assert result.benefit.total == pytest.approx(9000)
    assert result.roi == pytest.approx(0.5)
    assert result.break_even_uplift == pytest.approx(0.04)
    assert result.break_even_uplift_lifetime == pytest.approx(6000 / (500 * lifetime_margin(
        300, 0.8, 0.1)))
    assert result.profit == pytest.approx(3000)
    assert result.assumptions["customers"] == 500
    assert result.assumptions["fixed"] == 6000


def test_evaluate_programme_without_cost_has_no_roi() -> None:
    result = evaluate_programme(ProgrammeInputs(500, 300, 0.7, 0.01))
    assert math.isnan(result.roi)
    assert result.break_even_uplift == 0


def test_evaluate_programme_rejects_retention_beyond_hundred_percent() -> None:
    with pytest.raises(EconomicsError, match="zwischen 0 % und 100 %"):
        evaluate_programme(ProgrammeInputs(500, 300, 0.98, 0.05))


def test_roi_without_cost_is_a_german_metric_error() -> None:
    with pytest.raises(MetricError, match="Kosten = 0"):
        roi(100, 0)


def test_break_even_needs_customers_and_margin() -> None:
    with pytest.raises(EconomicsError, match="Kundenzahl und Marge"):
        break_even_uplift(1000, 0, 300)
    with pytest.raises(EconomicsError, match="Bindungsrate nach der Maßnahme"):
        break_even_uplift(1000, 10, 300, lifetime=True)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"fixed": -1}, "nicht negativ"),
        ({"discount_rate": 5}, "zwischen 0 und 1"),
        ({"years": 0}, "größer als 0"),
        ({"hours": float("nan")}, "keine endliche Zahl"),
        ({"hour_rate": "viel"}, "muss eine Zahl sein"),
    ],
)
def test_programme_cost_validation_messages(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(KbWorkbookError, match=fragment):
        programme_cost(CostAssumptions(**kwargs))  # type: ignore[arg-type]


def test_sensitivity_table_shape_and_centre_value() -> None:
    inputs = ProgrammeInputs(500, 300, 0.7, 0.06, CostAssumptions(fixed=6000))
    table = sensitivity_table(inputs, [0.0, 0.04, 0.06], [0.5, 1.0, 2.0])
    assert table.shape == (3, 3)
    assert table.loc[0.06, 1.0] == pytest.approx(0.5)
    assert table.loc[0.04, 1.0] == pytest.approx(0.0, abs=TOL)
    assert table.loc[0.0, 2.0] == pytest.approx(-1.0)
    assert table.index.name == "uplift"
    assert table.columns.name == "cost_factor"


def test_sensitivity_table_marks_impossible_retention_as_nan() -> None:
    inputs = ProgrammeInputs(500, 300, 0.97, 0.01, CostAssumptions(fixed=6000))
    table = sensitivity_table(inputs, [0.01, 0.05], [1.0])
    assert not math.isnan(table.loc[0.01, 1.0])
    assert math.isnan(table.loc[0.05, 1.0])


# -- §7 complaint word of mouth ----------------------------------------------------------------


def test_word_of_mouth_oracle_7() -> None:
    low = complaint_word_of_mouth(40, 0.70)
    assert (low.positive, low.negative, low.balance) == pytest.approx((84, 120, -36))
    high = complaint_word_of_mouth(40, 0.85)
    assert (high.positive, high.negative, high.balance) == pytest.approx((102, 60, 42))
    assert break_even_quality() == pytest.approx(0.769231, abs=1e-6)
    assert low.break_even_quality == pytest.approx(10 / 13)
    assert low.silent_customers is None


def test_word_of_mouth_silent_customers_oracle_7() -> None:
    result = complaint_word_of_mouth(40, 0.7, include_silent=True)
    assert result.silent_customers == pytest.approx(40 * 26)


def test_retained_complainants_oracle_7() -> None:
    assert retained_complainants(40, 0.7).retained == pytest.approx(25.12)
    assert retained_complainants(40, 0.7, quick_share=1.0).retained == pytest.approx(32.12)
    assert retained_complainants(40, 0.7, "large").retained == pytest.approx(17.4)


def test_retained_complainants_value_at_risk() -> None:
    result = retained_complainants(40, 0.7, customer_value=1000)
    assert result.lost == pytest.approx(14.88)
    assert result.value_at_risk == pytest.approx(14_880)
    assert retained_complainants(40, 0.7).value_at_risk is None


@pytest.mark.parametrize(
    ("complaints", "quality", "fragment"),
    [(2.5, 0.5, "ganze Zahl"), (-1, 0.5, "nicht negativ"), (10, 1.5, "zwischen 0 und 1")],
)
def test_word_of_mouth_validation(complaints: float, quality: float, fragment: str) -> None:
    with pytest.raises(EconomicsError, match=fragment):
        complaint_word_of_mouth(complaints, quality)


def test_retained_complainants_unknown_problem_size() -> None:
    with pytest.raises(EconomicsError, match="Problemgröße"):
        retained_complainants(10, 0.5, "medium")  # type: ignore[arg-type]


# -- properties --------------------------------------------------------------------------------

money = st.floats(min_value=0, max_value=1e6, allow_nan=False)
rate = st.floats(min_value=0, max_value=1, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(setup=money, fixed=money, per=money, n=money, rho=rate, rev=money, hours=money,
       hour_rate=money, years=st.floats(min_value=0.5, max_value=10))
def test_property_cost_is_never_negative(setup: float, fixed: float, per: float, n: float,
                                         rho: float, rev: float, hours: float,
                                         hour_rate: float, years: float) -> None:
    cost = programme_cost(CostAssumptions(setup, years, fixed, per, n, rho, rev, hours,
                                          hour_rate, 0.5))
    assert cost.total >= 0
    assert 0 <= cost.windfall <= cost.discount + 1e-9


@settings(max_examples=60, deadline=None)
@given(s=st.integers(1, 10_000), m=st.floats(1, 5_000), r0=st.floats(0, 0.9),
       u1=st.floats(0, 0.05), u2=st.floats(0, 0.05), k=st.floats(1, 1e5))
def test_property_roi_rises_with_uplift(s: int, m: float, r0: float, u1: float, u2: float,
                                       k: float) -> None:
    low, high = sorted((u1, u2))
    costs = CostAssumptions(fixed=k)
    roi_low = evaluate_programme(ProgrammeInputs(s, m, r0, low, costs)).roi
    roi_high = evaluate_programme(ProgrammeInputs(s, m, r0, high, costs)).roi
    assert roi_high >= roi_low - 1e-12


@settings(max_examples=60, deadline=None)
@given(s=st.integers(1, 10_000), m=st.floats(1, 5_000), k=st.floats(1, 1e5))
def test_property_break_even_uplift_gives_roi_zero(s: int, m: float, k: float) -> None:
    uplift = break_even_uplift(k, s, m)
    benefit = programme_benefit(s, m, 0.0, 0.0 + uplift) if uplift <= 1 else None
    if benefit is None:  # break-even beyond 100 % retention: still ROI 0 by the formula
        assert s * uplift * m == pytest.approx(k)
        return
    assert roi(benefit.total, k) == pytest.approx(0.0, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(s=st.integers(1, 10_000), m=st.floats(1, 5_000), k=st.floats(1, 1e5),
       r1=st.floats(0, 0.95), d=st.floats(0, 0.3))
def test_property_lifetime_break_even_never_exceeds_annual(s: int, m: float, k: float,
                                                           r1: float, d: float) -> None:
    annual = break_even_uplift(k, s, m)
    life = break_even_uplift(k, s, m, lifetime=True, retention_after=r1, discount_rate=d)
    assert life <= annual + 1e-12


@settings(max_examples=60, deadline=None)
@given(c=st.integers(0, 1000), q=rate)
def test_property_word_of_mouth_sign_follows_break_even_quality(c: int, q: float) -> None:
    result = complaint_word_of_mouth(c, q)
    if c > 0 and q > result.break_even_quality + 1e-9:
        assert result.balance > 0
    if c > 0 and q < result.break_even_quality - 1e-9:
        assert result.balance < 0
    assert 0 <= retained_complainants(c, q).retained <= c


@settings(max_examples=40, deadline=None)
@given(r1=st.floats(0, 0.9), r2=st.floats(0, 0.9))
def test_property_npv_rises_with_retention(r1: float, r2: float) -> None:
    low, high = sorted((r1, r2))
    npv_low = profit_by_year(150, 100, years=10, retention=low).npv
    npv_high = profit_by_year(150, 100, years=10, retention=high).npv
    assert npv_high >= npv_low - 1e-9


def test_joint_benefit_adds_the_interaction_of_two_measures() -> None:
    """Hand example: S 100, m 10, r0 50 %, mt 2. A: +10 pp and +1 purchase → 100 + 120 = 220;
    B: +10 pp → 100. Together: 100·0.2·10 + 100·0.7·1·2 = 340, 20 more than 220 + 100
    (B's kept customers also make A's extra purchase: 100·0.1·1·2)."""
    a = ProgrammeInputs(customers=100, margin_per_customer=10, retention_before=0.5, uplift=0.1,
                        extra_transactions=1.0, margin_per_transaction=2.0)
    b = ProgrammeInputs(customers=100, margin_per_customer=10, retention_before=0.5, uplift=0.1,
                        margin_per_transaction=2.0)
    single = [evaluate_programme(i).benefit.total for i in (a, b)]
    assert single == pytest.approx([220.0, 100.0])
    assert joint_benefit([a, b]).total == pytest.approx(340.0)
    assert joint_benefit([b]).total == pytest.approx(100.0)
