"""kbworkbook.figures: one window, one margin, one customer value; worked examples by hand."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook import economics, metrics
from kbworkbook.errors import MetricError
from kbworkbook.figures import (
    FIGURE_KEYS,
    THEME_PREFIX,
    ClvConvention,
    Settings,
    Window,
    analyse,
    clv_convention,
    complaint_figures,
    contribution_margin,
    customer_value,
    engagement_by_base,
    figures_document,
    format_figure,
    key_figures,
    loyalty_check,
    margin_basis,
    monthly_revenue,
    new_earn_more,
    nps_change,
    previous_purchases,
    retention_series,
)
from kbworkbook.metrics.comments import default_themes

WINDOW = Window.ending("2025-12-31", 12)


# -- customer value ------------------------------------------------------------------------------


def test_customer_value_worked_example() -> None:
    # m = 100, r = 0.8, d = 0.1, T = 5: 100 + 72.7273 + 52.8926 + 38.4673 + 27.9762 = 292.0634
    value = customer_value(100.0, 0.8, ClvConvention(0.1, 5))
    assert value == pytest.approx(100 + 80 / 1.1 + 64 / 1.21 + 51.2 / 1.331 + 40.96 / 1.4641)
    assert value == pytest.approx(292.0634, abs=1e-4)
    # the same function everywhere: the metric (margin at t = 0) and the programme economics
    assert value == pytest.approx(metrics.clv_discounted(100, 0.8, 0.1, 5, "start"))
    assert value == pytest.approx(economics.lifetime_margin(100, 0.8, 0.1, horizon=5))


def test_customer_value_of_the_sample_client() -> None:
    # m = 0.55 × 206'835.80 / 1'523 = 74.694, r = 867 / 1'710, d = 8 %, T = 10 years
    m = 0.55 * 206835.8 / 1523
    value = customer_value(m, 867 / 1710, ClvConvention(0.08, 10))
    q = (867 / 1710) / 1.08
    assert value == pytest.approx(m * (1 - q**10) / (1 - q))
    assert round(value) == 141  # never below one year's margin (the old CHF 66 was)


@settings(max_examples=100, deadline=None)
@given(m=st.floats(1, 10_000), r=st.floats(0, 0.99), d=st.floats(0, 0.3),
       t=st.integers(1, 30))
def test_customer_value_between_one_and_t_years_margin_and_rising_with_retention(m, r, d, t):
    conv = ClvConvention(d, t)
    value = customer_value(m, r, conv)
    assert math.isfinite(value)
    assert m - 1e-9 <= value <= m * t + 1e-6
    assert customer_value(m, min(r + 0.01, 1.0), conv) >= value - 1e-9


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_customer_value_never_nan(bad) -> None:
    with pytest.raises(MetricError):
        customer_value(bad, 0.5, ClvConvention(0.08, 10))
    with pytest.raises(MetricError):
        customer_value(100.0, bad, ClvConvention(0.08, 10))


def test_clv_convention_from_settings_with_sources() -> None:
    conv = clv_convention({"discount_rate": 0.05, "clv_horizon_years": 7})
    assert (conv.discount_rate, conv.horizon_years) == (0.05, 7)
    assert (conv.discount_source, conv.horizon_source) == ("config", "config")
    fallback = clv_convention({"discount_rate": "viel", "clv_horizon_years": 2.5})
    assert (fallback.discount_rate, fallback.horizon_years) == (0.08, 10)
    assert (fallback.discount_source, fallback.horizon_source) == ("default", "default")


# -- margin -------------------------------------------------------------------------------------


def _sales() -> pd.DataFrame:
    frame = pd.DataFrame({
        "customer_id": ["a", "a", "b", "c"],
        "date": pd.to_datetime(["2025-03-01", "2025-04-01", "2025-05-01", "2024-05-01"]),
        "revenue": [100.0, 50.0, 100.0, 80.0],
        "margin": [40.0, float("nan"), 20.0, 8.0],
    })
    return frame.astype({"customer_id": "str"})


def test_margin_basis_configured_rate_wins_and_names_the_gross_rate() -> None:
    basis = margin_basis(_sales(), WINDOW, {"margin_rate": 0.25})
    # the column inside the window: 60 on the 200 of revenue that has a margin = 30 %
    assert (basis.rate, basis.source, basis.gross_rate) == (0.25, "config", pytest.approx(0.3))


def test_margin_basis_from_the_column_estimates_missing_lines() -> None:
    basis = margin_basis(_sales(), WINDOW, {})
    assert (basis.rate, basis.source, basis.estimated_lines) == (pytest.approx(0.3), "data", 1)
    lines = contribution_margin(_sales(), basis)
    # a's line without margin: 50 × 30 % = 15, not 0; the caller's frame is untouched
    assert lines["margin"].tolist() == pytest.approx([40.0, 15.0, 20.0, 8.0])
    assert math.isnan(_sales()["margin"][1])


def test_margin_basis_default_without_column_or_setting() -> None:
    basis = margin_basis(_sales().drop(columns="margin"), WINDOW, {})
    assert (basis.rate, basis.source, basis.gross_rate) == (0.30, "default", None)
    lines = contribution_margin(_sales().drop(columns="margin"), basis)
    assert lines["margin"].tolist() == pytest.approx([30.0, 15.0, 30.0, 24.0])


# -- complaints ---------------------------------------------------------------------------------


def test_complaint_figures_window_and_history() -> None:
    frame = pd.DataFrame({
        "date": pd.to_datetime(["2025-02-01", "2025-06-01", "2025-09-01", "2023-05-01"]),
        "resolved": [True, True, False, True],
        "satisfied": pd.array([True, None, False, True], dtype="boolean"),
        "days_to_resolve": [1, 6, None, 2],
    })
    window = complaint_figures(frame, WINDOW.start, WINDOW.end)
    assert window.count == 3
    assert window.resolved_share == pytest.approx(2 / 3)
    # satisfied of the complaints with an answer: 1 of 2 (the blank one is not "no")
    assert (window.satisfied_share, window.satisfied_answered) == (0.5, 2)
    assert window.mean_days == pytest.approx(3.5)
    assert window.quick_share == pytest.approx(1.0)  # the satisfied one took 1 day
    whole = complaint_figures(frame)
    assert whole.count == 4 and whole.satisfied_share == pytest.approx(2 / 3)


# -- the analysis and figures.json --------------------------------------------------------------


def _tables() -> dict[str, pd.DataFrame | None]:
    rows = []
    # 2024: a, b, c; 2025: a, b, d  → S 3, E 3, retained 2 (CRR 2/3)
    for cid, day, value in [("a", "2024-03-01", 10.0), ("b", "2024-04-01", 20.0),
                            ("c", "2024-05-01", 30.0), ("a", "2025-03-01", 40.0),
                            ("a", "2025-04-01", 60.0), ("b", "2025-05-01", 50.0),
                            ("d", "2025-06-01", 50.0)]:
        rows.append((cid, pd.Timestamp(day), value))
    tx = pd.DataFrame(rows, columns=["customer_id", "date", "revenue"]).astype(
        {"customer_id": "str"})
    nps = pd.DataFrame({"score": pd.array([10, 9, 3, 8], dtype="Int64"),
                        "date": pd.to_datetime(["2025-05-01", "2025-06-01", "2025-07-01",
                                                "2023-01-01"])})
    posts = pd.DataFrame({"post_id": ["1", "2", "3"],
                          "date": pd.to_datetime(["2025-02-01", "2025-03-01", "2023-01-01"]),
                          "likes": [9, 3, 500], "comments": [1, 1, 0], "shares": [0, 0, 0],
                          "reach": [100, 200, 1000]})
    return {"transactions": tx, "nps": nps, "posts": posts, "complaints": None}


def test_analysis_worked_example() -> None:
    a = analyse(_tables(), Settings(economics={"margin_rate": 0.5, "discount_rate": 0.1,
                                               "clv_horizon_years": 2}), "2025-12-31")
    assert a.window.iso() == "2025-01-01/2025-12-31"
    assert (a.purchases.revenue, a.purchases.customers, a.purchases.orders) == (200.0, 3, 4)
    assert a.retention.crr == pytest.approx(2 / 3)
    # NPS of the window only: 10, 9, 3 → (2 − 1)/3 = +33.3 (the 2023 answer is history)
    assert a.nps.n == 3 and a.nps.score == pytest.approx(100 / 3)
    # engagement of the window's posts only: (10/100 + 4/200)/2 = 6 %, not the 2023 post
    assert a.engagement.rate == pytest.approx(0.06) and a.engagement.base == "reach"
    # m = 50 % × 200 / 3 = 33.33; CLV over 2 years = m + m·(2/3)/1.1
    assert a.margin_per_customer == pytest.approx(100 / 3)
    assert a.customer_value == pytest.approx(100 / 3 * (1 + (2 / 3) / 1.1))
    assert a.complaints is None


def test_figures_document_each_key_once_undefined_without_chapters() -> None:
    a = analyse(_tables(), Settings(), "2025-12-31")
    doc = figures_document(a, "EUR")
    keys = [f["key"] for f in doc["figures"]]
    # the comment count of each packaged theme right after the comments (none here)
    themes = [f"{THEME_PREFIX}{t.key}" for t in default_themes()]
    at = keys.index("nps_comments") + 1
    assert keys[at:at + len(themes)] == themes
    assert [k for k in keys if k not in themes] == list(FIGURE_KEYS)
    assert len(set(keys)) == len(keys)
    by_key = {f["key"]: f for f in doc["figures"]}
    assert by_key["complaint_satisfaction"] == {
        "key": "complaint_satisfaction", "value": None, "unit": "fraction",
        "window": "2025-01-01/2025-12-31", "chapters": []}
    assert by_key["crr"]["value"] == pytest.approx(2 / 3) and by_key["crr"]["chapters"]
    assert doc["currency"] == "EUR"
    for item in doc["figures"]:
        if item["unit"] == "fraction" and item["value"] is not None:
            assert 0 <= item["value"] <= 1


def test_no_data_gives_notes_not_errors() -> None:
    a = analyse({"transactions": None, "nps": None, "posts": None, "complaints": None},
                Settings(), "2025-12-31")
    assert all(f.value is None and f.chapters == () for f in key_figures(a))


def test_settings_of_workspace_falls_back_on_invalid_values(tmp_path) -> None:
    from kbworkbook.workspace import Workspace, create_workspace

    ws = create_workspace(tmp_path / "ws", "Test")
    config = ws.root / "kbworkbook.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("window_months = 12", 'window_months = "zwölf"')
    config.write_text(text, encoding="utf-8")
    assert Settings.of(Workspace.open(ws.root)).window_months == 12


def test_format_figure_one_style_per_key() -> None:
    assert format_figure("crr", 0.50701, "de-CH", "CHF") == "50.7\u00a0%"
    assert format_figure("engagement_rate", 0.075443, "de-CH", "CHF") == "7.54\u00a0%"
    assert format_figure("clv", 140.7165, "de-CH", "CHF") == "CHF\u00a0141"
    assert format_figure("nps", 24.24, "de-CH", "CHF") == "+24"
    assert format_figure("active_customers", 1523, "de-CH", "CHF") == "1’523"
    assert format_figure("revenue", 206835.8, "de-DE", "EUR") == "206.836\u00a0€"


def test_full_retention_over_a_finite_horizon_is_t_years_margin() -> None:
    """r = 100 %, d = 0: infinite without a horizon, but T years' margin with one (the case
    hypothesis found)."""
    assert customer_value(1.0, 1.0, ClvConvention(0.0, 1)) == pytest.approx(1.0)
    assert customer_value(2.0, 1.0, ClvConvention(0.0, 5)) == pytest.approx(10.0)


# -- NPS waves and the data's view on loyalty ------------------------------------------------------


def _answers(*waves: tuple[str, list[int]]) -> pd.DataFrame:
    rows = [(day, s) for day, scores in waves for s in scores]
    return pd.DataFrame({"date": pd.to_datetime([r[0] for r in rows]),
                         "score": [r[1] for r in rows]})


def test_nps_change_first_and_latest_wave_worked_example() -> None:
    """Q1: 10, 10, 9, 0 → 3 promoters, 1 critic of 4 = +50; Q3: 10, 7, 0, 0 → 1 − 2 of 4 = −25
    (Q2 is skipped: first vs latest). Answers after the window end are left out."""
    frame = _answers(("2025-02-01", [10, 10, 9, 0]), ("2025-05-01", [8]),
                     ("2025-08-01", [10, 7, 0, 0]), ("2026-02-01", [10, 10]))
    change = nps_change(frame, pd.Timestamp("2026-01-01"))
    assert change is not None
    assert (change.first_period, change.last_period) == ("2025Q1", "2025Q3")
    assert (change.first, change.last, change.change) == pytest.approx((50.0, -25.0, -75.0))
    assert (change.first_n, change.last_n) == (4, 4)
    assert change.overlap  # four answers each: the intervals are wide
    assert nps_change(_answers(("2025-02-01", [10, 0])), None) is None  # one wave


@pytest.mark.parametrize(("crr", "change", "verdict"), [
    (None, None, "unknown"),
    (0.7, None, "supports"),
    (0.49, None, "partly"),  # more customers lost than kept
    (0.7, -1.0, "partly"),  # the NPS fell
    (None, 5.0, "supports"),
])
def test_loyalty_check_compares_the_client_with_itself(crr, change, verdict) -> None:
    waves = None if change is None else _change_of(change)
    assert loyalty_check(crr, waves) == verdict


def _change_of(change: float):  # type: ignore[no-untyped-def]
    from kbworkbook.figures import NpsChange

    return NpsChange("2024Q1", 30.0, 100, "2025Q4", 30.0 + change, 100, True)


# -- history views (moved down from chapter 03) --------------------------------------------------


def test_monthly_revenue_worked_example() -> None:
    """24 months up to 31.12.2025 from January 2024; months without sales are 0."""
    series = monthly_revenue(_tables()["transactions"], "2025-12-31", 24)
    assert len(series) == 24 and str(series.index[0]) == "2024-01"
    assert series[pd.Period("2024-03", "M")] == 10.0 and series[pd.Period("2025-04", "M")] == 60.0
    assert series[pd.Period("2024-02", "M")] == 0.0 and series.sum() == pytest.approx(260.0)


def test_previous_purchases_only_when_the_data_cover_the_window() -> None:
    tx = _tables()["transactions"]
    basis = margin_basis(tx, Window.ending("2025-12-31", 12), {"margin_rate": 0.5})
    # the year before 2025 starts 01.01.2024, the data on 01.03.2024: not covered
    assert previous_purchases(tx, basis, "2025-12-31", 12, 2) is None
    # six months: 01.01.–30.06.2025 holds a (2 purchases), b and d: revenue 200
    before = previous_purchases(tx, basis, "2025-12-31", 6, 2)
    assert before is not None
    assert (before.revenue, before.customers, before.orders) == (200.0, 3, 4)


def test_retention_series_keeps_the_covered_quarter_ends() -> None:
    """Six-month windows; the data start on 01.03.2024, so the first point is 31.03.2025
    (S = b, c; E = a → 0 %); 30.09.2025: S = a, E = a, b, d → 100 %; 31.12.2025:
    S = a, b, d, E none → 0 %. 30.06.2025 has no customer in its earlier window."""
    series = retention_series(_tables()["transactions"], "2025-12-31", 6)
    ends = [r.end_window[1].date().isoformat() for r in series]
    assert ends == ["2025-04-01", "2025-10-01", "2026-01-01"]
    assert [r.crr for r in series] == pytest.approx([0.0, 1.0, 0.0])


def test_new_earn_more_compares_as_shown_to_the_cent() -> None:
    p = analyse(_tables(), Settings(), "2025-12-31").purchases
    assert p is not None
    for new, old, flipped in [(7.05, 7.12, False), (7.124, 7.121, False), (7.20, 7.12, True)]:
        assert new_earn_more(replace(p, margin_per_order_new=new,
                                     margin_per_order_existing=old)) is flipped
    assert not new_earn_more(replace(p, margin_per_order_new=None))


def test_engagement_by_base_window_posts_mean_and_pooled() -> None:
    """Window posts: 10/100 and 4/200 → mean 6 %, pooled 14/300 = 4.67 %."""
    (reach,) = engagement_by_base(_tables()["posts"], Window.ending("2025-12-31", 12))
    assert (reach.base, reach.posts) == ("reach", 2)
    assert (reach.mean, reach.pooled) == pytest.approx((0.06, 14 / 300))
