"""Figures of kbworkbook.plots.metrics: drawn data, labels, formatters (domain.md §4 examples)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from kbworkbook import metrics  # noqa: E402
from kbworkbook.metrics import WindowRetention  # noqa: E402
from kbworkbook.plots import _format  # noqa: E402
from kbworkbook.plots import metrics as pm  # noqa: E402

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bars(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _ticklabels(ax, axis: str = "x") -> list[str]:
    ax.figure.canvas.draw()
    labels = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return [t.get_text() for t in labels]


# -- formatters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("de-CH", f"40{NBSP}%"), ("de-DE", f"40{NBSP}%"), ("en", "40%")],
)
def test_percent_formatter(locale, expected):
    assert _format.percent_formatter(locale)(0.4, 0) == expected


def test_currency_and_number_formatters_follow_locale():
    assert _format.currency_formatter("EUR", "de-DE")(1200, 0) == f"1.200{NBSP}€"
    assert _format.currency_formatter("CHF", "de-CH")(1200, 0) == f"CHF{NBSP}1’200"
    assert _format.number_formatter("de-AT")(12345, 0) == "12.345"
    assert _format.number_formatter("en")(12345, 0) == "12,345"
    assert _format.number_formatter("de-CH", 1)(2.25, 0) == "2.3"
    assert _format.points_formatter("de-CH")(30, 0) == "+30"
    assert _format.points_formatter("de-CH")(-20, 0) == "\u221220"


def test_figure_style_does_not_leak_into_global_rcparams():
    before = dict(plt.rcParams)
    fig, ax = _format.figure()
    assert fig.get_layout_engine() is not None
    assert not ax.spines["top"].get_visible()
    assert plt.rcParams["axes.spines.top"] == before["axes.spines.top"]
    assert plt.rcParams["axes.titlelocation"] == before["axes.titlelocation"]


def test_period_label():
    assert pm.period_label(pd.Period("2025-03", "M"), "de-CH") == "Mär 2025"
    assert pm.period_label(pd.Period("2025-03", "M"), "en") == "Mar 2025"
    assert pm.period_label(pd.Period("2025Q1", "Q"), "de-CH") == "Q1 2025"
    assert pm.period_label("Café", "de-CH") == "Café"


# -- NPS ---------------------------------------------------------------------------------------


def test_nps_bars_oracle_4_1_small_sample_shares_and_interval():
    result = metrics.nps([10] * 9 + [7] * 6 + [3] * 5)
    ax = pm.nps_bars(result)
    bars = _bars(ax)
    assert [round(b.get_width(), 6) for b in bars] == [0.25, 0.3, 0.45]
    assert [round(b.get_x(), 6) for b in bars] == [0.0, 0.25, 0.55]
    title = ax.get_title("left")
    assert "NPS +20" in title
    # adjusted Wald: n' = 23, p' = 9.75/23, d' = 5.75/23 → 17.4 ± 32.8 = [−15.4; +50.2]
    assert "\u221215 bis +50" in title
    assert "n = 20" in title
    assert "Wenige Antworten" in title
    legend = ax.figure.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == [
        "Kritiker (0–6)", "Passive (7–8)", "Promotoren (9–10)"]


def test_nps_bars_english_and_no_small_sample_note_for_n_200():
    result = metrics.nps([10] * 100 + [8] * 60 + [2] * 40)
    ax = pm.nps_bars(result, language="en")
    # adjusted Wald: n' = 203, p' = 100.75/203, d' = 40.75/203 → [18.8; 40.3]
    assert ax.get_title("left") == "NPS +30 (95% interval +19 to +40; n = 200)"
    assert ax.get_xlabel() == "Share of answers"


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40))
def test_nps_bars_shares_fill_the_bar(p, pa, d):
    if p + pa + d == 0:
        return
    ax = pm.nps_bars(metrics.nps([9] * p + [7] * pa + [0] * d))
    total = sum(b.get_width() for b in _bars(ax))
    assert total == pytest.approx(1.0)
    plt.close(ax.figure)


def test_nps_trend_chart_points_interval_and_n_in_ticks():
    frame = pd.DataFrame({
        "score": [10, 10, 3, 9, 7, 0, 10, 10],
        "date": pd.to_datetime(["2024-02-01"] * 4 + ["2025-11-01"] * 4),
    })
    trend = metrics.nps_trend(frame, freq="Q")
    ax = pm.nps_trend_chart(trend)
    line = ax.lines[-1] if ax.lines else None
    data_lines = [ln for ln in ax.lines if len(ln.get_xdata()) == 2 and ln.get_marker() == "o"]
    assert data_lines, line
    assert list(data_lines[0].get_ydata()) == pytest.approx(list(trend["score"]))
    labels = _ticklabels(ax)
    assert labels == ["Q1 2024\nn = 4", "Q4 2025\nn = 4"]


# -- retention ---------------------------------------------------------------------------------


def _window(crr_start: int, end: int, new: int, as_of: str) -> WindowRetention:
    retained = end - new
    lost = crr_start - retained
    mid = pd.Timestamp(as_of) + pd.Timedelta(days=1) - pd.DateOffset(months=12)
    stop = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    return WindowRetention(
        start_window=(mid - pd.DateOffset(months=12), mid), end_window=(mid, stop),
        start=crr_start, end=end, new=new, retained=retained, lost=lost,
        crr=retained / crr_start, churn=lost / crr_start,
        churn_avg_base=lost / ((crr_start + end) / 2))


def test_retention_bars_oracle_4_2():
    items = [_window(200, 220, 40, "2024-12-31"), _window(220, 210, 60, "2025-12-31")]
    ax = pm.retention_bars(items)
    heights = [round(b.get_height(), 6) for b in _bars(ax)]
    assert heights == [0.9, round(150 / 220, 6), 0.1, round(70 / 220, 6)]
    assert _ticklabels(ax) == ["bis 31.12.2024", "bis 31.12.2025"]
    texts = [t.get_text() for t in ax.texts]
    assert f"90{NBSP}%" in texts and f"10{NBSP}%" in texts


def test_customer_flow_bars_counts():
    ax = pm.customer_flow_bars(_window(200, 220, 40, "2025-12-31"), language="en")
    assert [b.get_height() for b in _bars(ax)] == [200, 180, 20, 40, 220]
    assert [t.get_text() for t in ax.texts] == ["200", "180", "20", "40", "220"]


# -- purchases ---------------------------------------------------------------------------------


def _oracle_4_3() -> pd.DataFrame:
    orders = {"A": [50, 70, 30], "B": [200], "C": [40, 60], "D": [20], "E": [25, 25, 25, 25]}
    rows = []
    for cust, values in orders.items():
        for i, value in enumerate(values):
            rows.append((cust, pd.Timestamp("2025-03-01") + pd.Timedelta(days=10 * i), value))
    return pd.DataFrame(rows, columns=["customer_id", "date", "revenue"]).astype(
        {"customer_id": "str"})


def test_purchase_comparison_oracle_4_3():
    figures = metrics.purchase_figures(_oracle_4_3(), "2025-12-31")
    fig = pm.purchase_comparison(figures, None, currency="EUR", locale="de-DE")
    heights = [[b.get_height() for b in _bars(ax)] for ax in fig.axes]
    assert heights[0] == [pytest.approx(51.8182, abs=1e-4)]
    assert heights[1] == [pytest.approx(2.2)]
    assert heights[2] == [pytest.approx(0.6)]
    assert heights[3] == [pytest.approx(350 / 570)]
    assert [t.get_text() for t in fig.axes[0].texts] == [f"51,82{NBSP}€"]


def test_monthly_bars_heights_and_currency_ticks():
    values = pd.Series([1000.0, 2500.0, 0.0],
                       index=pd.period_range("2025-01", periods=3, freq="M"))
    ax = pm.monthly_bars(values, currency="CHF")
    assert [b.get_height() for b in _bars(ax)] == [1000.0, 2500.0, 0.0]
    assert _ticklabels(ax)[:3] == ["Jan 2025", "Feb 2025", "Mär 2025"]
    assert any(label.startswith("CHF") for label in _ticklabels(ax, "y"))


# -- cohorts -----------------------------------------------------------------------------------


def _oracle_4_6() -> pd.DataFrame:
    rows = []
    for i in range(10):
        rows.append((f"j{i}", "2025-01-10"))
        if i < 6:
            rows.append((f"j{i}", "2025-02-10"))
        if i < 4:
            rows.append((f"j{i}", "2025-03-10"))
    for i in range(8):
        rows.append((f"f{i}", "2025-02-12"))
        if i < 5:
            rows.append((f"f{i}", "2025-03-12"))
    frame = pd.DataFrame(rows, columns=["customer_id", "date"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["revenue"] = 10.0
    return frame.astype({"customer_id": "str"})


def test_cohort_heatmap_oracle_4_6_nan_cells_blank():
    table = metrics.cohort_retention(_oracle_4_6(), as_of="2025-03-31")
    ax = pm.cohort_heatmap(table)
    image = next(a for a in ax.get_children() if isinstance(a, AxesImage))
    array = image.get_array()
    assert np.ma.is_masked(array)
    assert bool(array.mask[1, 2]) and not array.mask[0, 2]
    assert array[0].tolist() == pytest.approx([1.0, 0.6, 0.4])
    # five defined cells get a number, the future cell none (no "0" drawn there)
    assert [t.get_text() for t in ax.texts] == ["100", "60", "40", "100", "63"]
    assert _ticklabels(ax, "y") == ["Jan 2025 (10)", "Feb 2025 (8)"]
    assert _ticklabels(ax) == ["0", "1", "2"]


# -- RFM, CLV ----------------------------------------------------------------------------------


def test_rfm_segment_bars_counts_and_revenue_shares():
    summary = pd.DataFrame({"customers": [2, 5, 3], "revenue_share": [0.6, 0.3, 0.1]},
                           index=["Top-Kunden", "Treue Kunden", "Inaktiv"])
    fig = pm.rfm_segment_bars(summary)
    left, right = fig.axes[:2]
    assert [b.get_width() for b in _bars(left)] == [2, 5, 3]
    assert [b.get_width() for b in _bars(right)] == pytest.approx([0.6, 0.3, 0.1])
    assert _ticklabels(left, "y") == ["Top-Kunden", "Treue Kunden", "Inaktiv"]
    assert [t.get_text() for t in right.texts] == [f"60{NBSP}%", f"30{NBSP}%", f"10{NBSP}%"]


def test_clv_segment_bars_values_and_euro_axis():
    frame = pd.DataFrame({"clv_mean": [266.6667, 40.0]}, index=["Top-Kunden", "Neukunden"])
    ax = pm.clv_segment_bars(frame, currency="EUR", locale="de-DE")
    assert [b.get_width() for b in _bars(ax)] == pytest.approx([266.6667, 40.0])
    assert [t.get_text() for t in ax.texts] == [f"267{NBSP}€", f"40{NBSP}€"]
    assert all(label.endswith("€") for label in _ticklabels(ax) if label)


# -- engagement, cross-selling -------------------------------------------------------------------


def test_engagement_chart_labels_its_base_and_plots_each_post():
    per_post = pd.DataFrame({
        "date": pd.to_datetime(["2025-01-05", "2025-01-20", "2025-02-03"]),
        "rate": [0.05, np.nan, 0.025],
    })
    monthly = pd.Series([0.05, 0.025], index=pd.period_range("2025-01", periods=2, freq="M"))
    ax = pm.engagement_chart(per_post, "reach", monthly)
    offsets = ax.collections[0].get_offsets()
    assert len(offsets) == 2
    assert list(ax.lines[0].get_ydata()) == [0.05, 0.025]
    assert "Reichweite" in ax.get_ylabel() and "Reichweite" in ax.get_title("left")
    ax_en = pm.engagement_chart(per_post, "followers", language="en")
    assert "followers" in ax_en.get_title("left")


def test_cross_selling_bars_lift_and_pair_labels():
    pairs = pd.DataFrame({"product_a": ["Brot", "Kaffee"], "product_b": ["Zopf", "Gipfeli"],
                          "lift": [2.5, 1.2]})
    ax = pm.cross_selling_bars(pairs)
    assert [b.get_width() for b in _bars(ax)] == [2.5, 1.2]
    assert _ticklabels(ax, "y") == ["Brot + Zopf", "Kaffee + Gipfeli"]
    assert ax.lines[0].get_xdata()[0] == 1.0


def test_plots_draw_on_a_given_axes():
    fig, ax = plt.subplots()
    out = pm.customer_flow_bars(_window(10, 9, 2, "2025-12-31"), ax=ax)
    assert out is ax
    assert len(fig.axes) == 1
