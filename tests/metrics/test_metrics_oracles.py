"""Worked examples of domain.md §4 (oracles), one test per example."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kbworkbook import metrics as m
from kbworkbook.errors import MetricError

TOL = 1e-9


def _tx(rows: list[tuple[str, str, float]], **extra: list) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "revenue"])
    frame["date"] = pd.to_datetime(frame["date"])
    for key, values in extra.items():
        frame[key] = values
    return frame


# §4.1 NPS -----------------------------------------------------------------------------------


def test_nps_oracle_4_1_scores_0_to_10() -> None:
    res = m.nps(pd.Series(range(11)))
    assert res.score == pytest.approx(-45.45454545, abs=1e-4)
    assert (res.promoters, res.passives, res.detractors) == (2, 2, 7)


def test_nps_oracle_4_1_100p_30pa_80d() -> None:
    res = m.nps([10] * 100 + [7] * 30 + [3] * 80)
    assert res.score == pytest.approx(9.5238, abs=1e-4)


def test_nps_oracle_4_1_n200_interval() -> None:
    res = m.nps([9] * 100 + [8] * 60 + [0] * 40)
    assert res.score == pytest.approx(30, abs=TOL)
    assert res.se == pytest.approx(5.5227, abs=1e-4)
    assert res.ci_low == pytest.approx(19.1755, abs=1e-4)
    assert res.ci_high == pytest.approx(40.8245, abs=1e-4)
    assert not res.small_sample


def test_nps_oracle_4_1_n20_small_sample() -> None:
    res = m.nps([10] * 9 + [7] * 6 + [5] * 5)
    assert res.score == pytest.approx(20, abs=TOL)
    assert res.se == pytest.approx(18.166, abs=1e-3)
    assert res.ci_low == pytest.approx(-15.61, abs=1e-2)
    assert res.ci_high == pytest.approx(55.61, abs=1e-2)
    assert res.small_sample


def test_nps_4_1_blank_answers_excluded() -> None:
    res = m.nps(pd.Series([10, np.nan, 0, np.nan]))
    assert res.n == 2 and res.score == pytest.approx(0.0)


def test_nps_4_1_empty_is_undefined() -> None:
    with pytest.raises(MetricError, match="keine gültige Antwort"):
        m.nps(pd.Series([np.nan, np.nan]))


@pytest.mark.parametrize("bad", [11, -1, 7.5])
def test_nps_4_1_invalid_value_names_row(bad: float) -> None:
    with pytest.raises(MetricError, match="Zeile 12"):
        m.nps(pd.Series([9, bad], index=[11, 12]))


def test_nps_4_1_ci_is_clipped() -> None:
    res = m.nps([10, 10, 10, 0])
    assert res.ci_high == 100.0
    assert m.nps([10]).ci_low == 100.0


def test_nps_4_1_finite_population_correction() -> None:
    plain = m.nps([9] * 100 + [8] * 60 + [0] * 40)
    fpc = m.nps([9] * 100 + [8] * 60 + [0] * 40, population=400)
    assert fpc.se == pytest.approx(plain.se * math.sqrt(200 / 399), rel=1e-12)
    assert m.nps([9, 0], population=2).se == 0.0
    with pytest.raises(MetricError):
        m.nps([9, 0, 1], population=2)


def test_nps_trend_by_period_and_segment() -> None:
    frame = pd.DataFrame(
        {
            "score": [10, 0, 9, 9, np.nan],
            "date": pd.to_datetime(["2024-01-05", "2024-02-01", "2024-04-01", "2024-05-01",
                                    "2024-05-02"]),
            "segment": ["a", "a", "b", "b", "b"],
        }
    )
    trend = m.nps_trend(frame, freq="Q")
    assert list(trend.index.astype(str)) == ["2024Q1", "2024Q2"]
    assert trend["score"].tolist() == [0.0, 100.0]
    assert trend["n"].tolist() == [2, 2]
    seg = m.nps_trend(frame, by="segment")
    assert seg.loc["b", "score"] == 100.0 and seg.loc["a", "n"] == 2


# §4.2 CRR and churn -------------------------------------------------------------------------


def test_retention_oracle_4_2_s200_n40_e220() -> None:
    assert m.retention_rate(200, 220, 40) == pytest.approx(0.9, abs=TOL)
    assert m.churn_rate(200, 220, 40) == pytest.approx(0.1, abs=TOL)
    assert m.churn_average_base(200, 220, 40) == pytest.approx(0.0952381, abs=1e-6)


def test_retention_oracle_4_2_annualize_2_percent() -> None:
    assert m.annualize_churn(0.02) == pytest.approx(0.21528, abs=1e-5)


def test_retention_4_2_edge_cases() -> None:
    with pytest.raises(MetricError, match="S = 0"):
        m.retention_rate(0, 10, 5)
    with pytest.raises(MetricError, match="Datenfehler"):
        m.retention_rate(100, 30, 40)


def test_window_retention_4_2_id_based() -> None:
    # S window 2023, E window 2024: a, b, c in S; a, b, d, e in E; c lost; d, e new
    rows = [
        ("a", "2023-03-01", 10.0), ("b", "2023-05-01", 5.0), ("c", "2023-07-01", 5.0),
        ("a", "2024-02-01", 10.0), ("b", "2024-12-31", 5.0), ("d", "2024-06-01", 1.0),
        ("e", "2024-01-01", 2.0), ("c", "2024-06-01", -5.0),  # a return does not count
        ("f", "2025-01-01", 9.0),  # after as_of
    ]
    res = m.window_retention(_tx(rows), as_of="2024-12-31", months=12)
    assert (res.start, res.end, res.new, res.retained, res.lost) == (3, 4, 2, 2, 1)
    assert res.crr == pytest.approx(2 / 3) and res.churn == pytest.approx(1 / 3)
    assert res.churn_avg_base == pytest.approx(1 / 3.5)
    assert res.crr == pytest.approx(m.retention_rate(res.start, res.end, res.new))
    with pytest.raises(MetricError, match="keine Käufe"):
        m.window_retention(_tx(rows), as_of="2030-01-01")


# §4.3 purchase figures ----------------------------------------------------------------------

ORDERS_4_3 = {"A": [50, 70, 30], "B": [200], "C": [40, 60], "D": [20], "E": [25, 25, 25, 25]}


def _orders_4_3(with_order_id: bool) -> pd.DataFrame:
    rows, oids = [], []
    for cust, values in ORDERS_4_3.items():
        for i, value in enumerate(values):
            if with_order_id:
                # two lines per order, same day for all orders of the customer
                rows += [(cust, "2024-06-01", value / 2), (cust, "2024-06-01", value / 2)]
                oids += [f"{cust}{i}", f"{cust}{i}"]
            else:
                rows.append((cust, f"2024-06-{i + 1:02d}", float(value)))
    return _tx(rows, order_id=oids) if with_order_id else _tx(rows)


@pytest.mark.parametrize("with_order_id", [False, True])
def test_purchases_oracle_4_3(with_order_id: bool) -> None:
    res = m.purchase_figures(_orders_4_3(with_order_id), as_of="2024-12-31")
    assert (res.orders, res.customers) == (11, 5)
    assert res.revenue == pytest.approx(570)
    assert res.aov == pytest.approx(51.8182, abs=1e-4)
    assert res.frequency == pytest.approx(2.2)
    assert res.value_per_customer == pytest.approx(114)
    assert res.repeat_rate == pytest.approx(0.6)
    assert res.regular_revenue_share == pytest.approx(350 / 570)
    assert res.regular_revenue_share == pytest.approx(0.614035, abs=1e-6)


def test_purchases_4_3_zero_orders_undefined() -> None:
    with pytest.raises(MetricError, match="keine Bestellungen"):
        m.purchase_figures(_orders_4_3(False), as_of="2023-12-31")


def test_purchases_4_3_returns_and_margin_new_vs_existing() -> None:
    rows = [
        ("old", "2023-01-10", 100.0), ("old", "2024-03-01", 80.0), ("old", "2024-03-05", -30.0),
        ("new", "2024-05-01", 40.0), ("new", "2024-06-01", 60.0),
    ]
    tx = _tx(rows, margin=[30.0, 20.0, -10.0, 10.0, 20.0])
    res = m.purchase_figures(tx, as_of="2024-12-31", min_orders=3)
    assert res.orders == 3  # the return is no order
    assert res.revenue == pytest.approx(150.0)  # net revenue
    assert res.new_customers == 1 and res.regular_customers == 0
    assert res.margin_per_order_new == pytest.approx(15.0)
    assert res.margin_per_order_existing == pytest.approx(10.0)


# §4.4 CLV -----------------------------------------------------------------------------------


def test_clv_oracle_4_4_simple() -> None:
    assert m.clv_simple(70, 3, 3, 0.3) == pytest.approx(189)
    assert m.clv_simple(114, 1, 3, 0.3) == pytest.approx(102.6)


def test_clv_oracle_4_4_discounted() -> None:
    assert m.clv_discounted(100, 0.8, 0.1) == pytest.approx(266.6667, abs=1e-4)
    assert m.clv_discounted(100, 0.8, 0.1, convention="start") == pytest.approx(366.6667, abs=1e-4)
    assert m.clv_discounted(100, 0.8, 0.1, horizon=5) == pytest.approx(212.4097, abs=1e-4)
    assert m.expected_lifetime(0.8) == pytest.approx(5)
    assert m.clv_discounted(100, 0.8, 0.1, acquisition_cost=66.6667) == pytest.approx(200, 1e-6)


def test_clv_oracle_4_4_multiple_gain() -> None:
    def mult(r: float) -> float:
        return m.clv_discounted(1, r, 0.1)

    assert mult(0.85) / mult(0.8) - 1 == pytest.approx(0.275, abs=1e-4)
    assert mult(0.95) / mult(0.9) - 1 == pytest.approx(0.4074, abs=1e-4)


def test_clv_4_4_rejects_invalid() -> None:
    with pytest.raises(MetricError):
        m.clv_discounted(100, 0.8, -0.01)
    with pytest.raises(MetricError):
        m.clv_discounted(100, 1.0, 0.0)
    with pytest.raises(MetricError):
        m.expected_lifetime(1.0)


def test_clv_4_4_per_customer_and_segment() -> None:
    rows = [("a", "2024-03-01", 100.0), ("a", "2024-09-01", 100.0), ("b", "2024-05-01", 50.0)]
    tx = _tx(rows, margin=[30.0, 30.0, 10.0])
    per = m.clv_per_customer(tx, "2024-12-31", retention=0.8, discount=0.1)
    assert per.loc["a", "annual_margin"] == pytest.approx(60)
    assert per.loc["a", "clv"] == pytest.approx(60 * 8 / 3)
    by_rate = m.clv_per_customer(tx, "2024-12-31", 0.8, 0.1, margin_rate=0.5)
    assert by_rate.loc["b", "annual_margin"] == pytest.approx(25)
    seg = m.clv_by_segment(per, pd.Series({"a": "x", "b": "x"}))
    assert seg.loc["x", "customers"] == 2
    assert seg.loc["x", "clv_total"] == pytest.approx(70 * 8 / 3)


# §4.5 engagement ----------------------------------------------------------------------------


def test_engagement_oracle_4_5_bases() -> None:
    posts = pd.DataFrame(
        {"post_id": ["p1"], "likes": [120], "comments": [15], "shares": [5], "clicks": [10],
         "reach": [3000], "followers": [5000], "impressions": [6000]}
    )
    inter = ("likes", "comments", "shares", "clicks")
    assert m.engagement_rate(posts, "reach", interactions=inter).rate == pytest.approx(0.05)
    assert m.engagement_rate(posts, "followers", interactions=inter).rate == pytest.approx(0.03)
    assert m.engagement_rate(posts, "impressions", interactions=inter).rate == pytest.approx(
        0.025
    )
    assert m.engagement_rate(posts).rate == pytest.approx(140 / 3000)


def test_engagement_oracle_4_5_mean_vs_pooled() -> None:
    posts = pd.DataFrame({"likes": [150, 50, 7], "comments": [0, 0, 0], "shares": [0, 0, 0],
                          "reach": [3000, 2000, 0]})
    mean = m.engagement_rate(posts, how="mean")
    assert mean.rate == pytest.approx(0.0375) and mean.excluded == 1
    assert m.engagement_rate(posts, how="pooled").rate == pytest.approx(0.04)
    with pytest.raises(MetricError, match="nicht definiert"):
        m.engagement_rate(posts.iloc[[2]])


# §4.6 cohorts -------------------------------------------------------------------------------


def test_cohort_oracle_4_6() -> None:
    rows = []
    for i in range(10):
        rows.append((f"j{i}", "2024-01-10", 10.0))
        if i < 6:
            rows.append((f"j{i}", "2024-02-10", 10.0))
        if i < 4:
            rows.append((f"j{i}", "2024-03-10", 10.0))
    for i in range(8):
        rows.append((f"f{i}", "2024-02-03", 10.0))
        if i < 5:
            rows.append((f"f{i}", "2024-03-03", 10.0))
    table = m.cohort_retention(_tx(rows), period="M")
    ret = table.retention
    assert list(ret.index.astype(str)) == ["2024-01", "2024-02"]
    np.testing.assert_allclose(ret.iloc[0].to_numpy(), [1.0, 0.6, 0.4])
    np.testing.assert_allclose(ret.iloc[1].to_numpy(), [1.0, 0.625, np.nan])
    assert table.sizes.tolist() == [10, 8]


def test_cohort_4_6_rolling_and_as_of() -> None:
    rows = [("a", "2024-01-01", 1.0), ("a", "2024-03-01", 1.0), ("b", "2024-01-05", 1.0),
            ("c", "2024-02-01", 1.0), ("c", "2024-02-01", -1.0), ("d", "2024-02-01", -5.0)]
    classic = m.cohort_retention(_tx(rows), as_of="2024-04-15")
    np.testing.assert_allclose(classic.retention.iloc[0].to_numpy(), [1.0, 0.0, 0.5, 0.0])
    rolling = m.cohort_retention(_tx(rows), mode="rolling", as_of="2024-04-15")
    np.testing.assert_allclose(rolling.retention.iloc[0].to_numpy(), [1.0, 0.5, 0.5, 0.0])
    # c's receipt nets to 0 (fully returned) and d only returned goods: neither is a purchase,
    # so there is no February cohort (issue 12 #9)
    assert rolling.sizes.tolist() == [2]
    assert list(classic.retention.index.astype(str)) == ["2024-01"]
    early = m.cohort_retention(_tx(rows), as_of="2024-01-31")
    assert early.retention.shape == (1, 1)


# §4.7 RFM -----------------------------------------------------------------------------------

RECENCY = [5, 10, 20, 35, 50, 70, 90, 120, 200, 365]
FREQ = [12, 8, 9, 4, 6, 3, 2, 5, 1, 1]
MONEY = [900, 600, 700, 300, 450, 200, 150, 400, 50, 80]


def _rfm_oracle_values() -> pd.DataFrame:
    return pd.DataFrame(
        {"recency": RECENCY, "frequency": FREQ, "monetary": MONEY},
        index=pd.Index([f"i{i}" for i in range(10)], name="customer_id"),
    )


def test_rfm_oracle_4_7_scores() -> None:
    scores = m.rfm_scores(_rfm_oracle_values())
    assert scores["r_score"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert scores["f_score"].tolist() == [5, 4, 5, 3, 4, 2, 2, 3, 1, 1]
    assert scores["m_score"].tolist() == [5, 4, 5, 3, 4, 2, 2, 3, 1, 1]


def test_rfm_oracle_4_7_segments() -> None:
    seg = m.rfm_segments(m.rfm_scores(_rfm_oracle_values()), language="en")
    expected = {
        "i0": "Champions", "i1": "Champions", "i2": "Loyal", "i4": "Loyal",
        "i3": "Potential Loyalist", "i5": "About to Sleep", "i7": "At Risk",
        "i6": "Hibernating", "i8": "Hibernating", "i9": "Hibernating",
    }
    assert seg["segment_label"].to_dict() == expected
    de = m.rfm_segments(m.rfm_scores(_rfm_oracle_values()))
    assert de.loc["i0", "segment_label"] == "Top-Kunden"
    assert de.loc["i9", "segment_label"] == "Inaktiv"


def test_rfm_4_7_grid_is_complete_lookup() -> None:
    table = m.default_segments()
    keys = {k for r in range(1, 6) for k in table["grid"][f"r{r}"]}
    assert keys == set(table["labels"])
    assert len(keys) == 10


def test_rfm_4_7_refuses_fewer_than_5_and_drops_nonpositive_m() -> None:
    values = _rfm_oracle_values()
    values.loc["i9", "monetary"] = -10
    assert "i9" not in m.rfm_scores(values).index
    with pytest.raises(MetricError, match="mindestens 5"):
        m.rfm_scores(values.iloc[:4])


def test_rfm_4_7_segment_table_override_validated() -> None:
    table = m.default_segments()
    table["grid"]["r5"] = ["champions"] * 5
    seg = m.rfm_segments(m.rfm_scores(_rfm_oracle_values()), segments=table)
    assert seg.loc["i1", "segment"] == "champions"
    broken = m.default_segments()
    broken["grid"]["r1"][0] = "hibernatin"
    with pytest.raises(MetricError, match="Meinten Sie »hibernating«"):
        m.rfm_segments(m.rfm_scores(_rfm_oracle_values()), segments=broken)


def test_rfm_values_4_7_from_transactions() -> None:
    rows = [("a", "2024-12-01", 100.0), ("a", "2024-12-01", 20.0), ("a", "2024-11-01", 30.0),
            ("a", "2024-12-20", -10.0), ("b", "2024-06-01", 10.0), ("c", "2025-02-01", 5.0)]
    vals = m.rfm_values(_tx(rows), as_of="2024-12-31")
    assert vals.index.tolist() == ["a", "b"]
    assert vals.loc["a"].tolist() == [30, 2, 140.0]
    assert vals.loc["b", "recency"] == 213


# cross-selling ------------------------------------------------------------------------------


def test_cross_selling_pairs() -> None:
    rows = [("c1", "2024-01-01", 1.0)] * 2 + [("c2", "2024-01-01", 1.0)] * 2 + [
        ("c3", "2024-01-02", 1.0),
        ("c3", "2024-01-03", 1.0),
        ("c4", "2024-01-05", 1.0),
    ]
    tx = _tx(rows, product=["brot", "kaffee", "brot", "kaffee", "brot", "kaffee", "kuchen"])
    out = m.cross_selling(tx, min_support=0.0, min_count=1)
    assert len(out) == 1
    row = out.iloc[0]
    assert (row["product_a"], row["product_b"], row["orders"]) == ("brot", "kaffee", 2)
    assert row["support"] == pytest.approx(2 / 5)
    assert row["confidence_ab"] == pytest.approx(2 / 3)
    assert row["lift"] == pytest.approx((2 / 5) / ((3 / 5) * (3 / 5)))
