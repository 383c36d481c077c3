"""Questionnaire figures: drawn data (bar widths, tick labels, points), not only types."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from kbworkbook.plots.questionnaires import (
    BAND_COLORS,
    factor_bars,
    handlungsbedarf_bars,
    item_bars,
    jones_sasser_chart,
    portfolio_chart,
    radar_chart,
)
from kbworkbook.questionnaires import (
    handlungsbedarf,
    jones_sasser_segments,
    load_catalogue,
    score_answers,
)

ORACLE = {"F1": [4, 5, 4, 3, 4], "F2": [3, 4, 3, 2, 2, 4], "F3": [5, 4, 4, 3, 4],
          "F4": [2, 3, 2, 2, 4], "F5": [3, 2, 3, 2, 4], "F6": [2, 2, 1, 3]}


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def six():
    return load_catalogue("sechs_faktoren")


def oracle_score(six, drop_f6=False):
    answers = {f"{f}.{i}": v for f, vals in ORACLE.items() for i, v in enumerate(vals, 1)}
    if drop_f6:
        for i in (1, 2, 3):
            answers.pop(f"F6.{i}")
    return score_answers(six, answers, {"F1": 5, "F2": 4, "F3": 4, "F4": 3, "F5": 5, "F6": 2})


def test_factor_bars_widths_labels_and_band_colours(six):
    ax = factor_bars(oracle_score(six), six)
    widths = [p.get_width() for p in ax.patches]
    assert widths == pytest.approx([75, 41.6666667, 75, 40, 35, 25])
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == [
        "Leistung & Zuverlässigkeit", "Kundenerlebnis & Service"]
    assert to_hex(ax.patches[0].get_facecolor()) == BAND_COLORS["gut"]
    assert to_hex(ax.patches[5].get_facecolor()) == BAND_COLORS["kritisch"]


def test_factor_bars_missing_factor_and_previous_markers(six):
    current = oracle_score(six, drop_f6=True)
    previous = oracle_score(six)
    ax = factor_bars(current, six, previous, language="en")
    assert ax.patches[5].get_width() == 0
    assert "not rated" in [t.get_text() for t in ax.texts]
    offsets = ax.collections[0].get_offsets()
    assert np.asarray(offsets)[:, 0][:5] == pytest.approx([75, 41.6666667, 75, 40, 35])
    assert ax.get_yticklabels()[0].get_text() == "Performance & reliability"


def test_item_bars_for_touchpoints():
    cat = load_catalogue("kontaktpunkte")
    score = score_answers(cat, {"CX.erreichbarkeit": 3, "CX.oeffnungszeiten": 5})
    ax = item_bars(score, cat)
    assert [p.get_width() for p in ax.patches][:2] == [50, 100]
    assert [t.get_text() for t in ax.get_yticklabels()][1] == "Öffnungszeiten"


def test_radar_overlays_previous_assessment(six):
    current = oracle_score(six)
    previous = oracle_score(six, drop_f6=True)
    ax = radar_chart(current, six, previous, current_label="20.11.2025",
                     previous_label="12.03.2025")
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"20.11.2025", "12.03.2025"}
    assert lines["20.11.2025"].get_ydata() == pytest.approx(
        [75, 41.6666667, 75, 40, 35, 25, 75])  # closed ring
    assert lines["12.03.2025"].get_ydata()[5] == 0  # missing factor at the centre
    assert len(ax.get_xticklabels()) == 6
    assert "nicht bewertet" not in ax.get_xticklabels()[5].get_text()


def test_radar_needs_polar_axes(six):
    _fig, ax = plt.subplots()
    with pytest.raises(TypeError, match="polar"):
        radar_chart(oracle_score(six), six, ax=ax)


def test_handlungsbedarf_bars_order_and_highlight(six):
    score = oracle_score(six)
    ax = handlungsbedarf_bars(handlungsbedarf(score.factor_scores, score.weights), six)
    assert [p.get_width() for p in ax.patches] == pytest.approx([65, 46.6666667, 36, 30, 25, 20])
    assert ax.get_yticklabels()[0].get_text() == "Feedback & Beschwerdemanagement"
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours[0] == colours[1] != colours[2]


def test_portfolio_chart_point_and_quadrants():
    ax = portfolio_chart(48.611, 36.111, previous=(30.0, 40.0))
    points = [np.asarray(c.get_offsets())[0].tolist() for c in ax.collections]
    assert [48.611, 36.111] in [pytest.approx(p) for p in points]
    assert [30.0, 40.0] in [pytest.approx(p) for p in points]
    texts = [t.get_text() for t in ax.texts]
    assert "Ungebunden\nwechselgefährdet" in texts
    assert "Freiwillig treu" in texts
    assert ax.get_xlabel().startswith("Verbundenheit")


def test_jones_sasser_chart_labels_segments():
    frame = jones_sasser_segments(pd.DataFrame({
        "segment": ["A", "B"], "satisfaction": [4.6, 4.3], "loyalty": [4.5, 2.8]}))
    ax = jones_sasser_chart(frame)
    names = [t.get_text() for t in ax.texts]
    assert "A (Apostel)" in names and "B (Söldner)" in names
    assert np.asarray(ax.collections[0].get_offsets()).tolist() == [[4.6, 4.5], [4.3, 2.8]]


def test_band_colours_are_explained_below_the_chart(six):
    ax = factor_bars(oracle_score(six), six)
    fig = ax.figure
    fig.canvas.draw()
    (legend,) = fig.legends
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels == ["kritisch (0–39)", "ausbaufähig (40–59)", "gut (60–79)",
                      "sehr gut (80–100)"]
    colours = [to_hex(h.get_facecolor()) for h in legend.legend_handles]
    assert colours == [BAND_COLORS[k] for k in ("kritisch", "ausbaufaehig", "gut", "sehr_gut")]
    assert legend.get_window_extent().y1 <= ax.xaxis.label.get_window_extent().y0 + 1


def test_handlungsbedarf_highlight_is_not_the_band_red(six):
    from kbworkbook.plots._format import COLORS
    from kbworkbook.plots.questionnaires import handlungsbedarf_bars
    from kbworkbook.questionnaires.scoring import handlungsbedarf

    score = oracle_score(six)
    ax = handlungsbedarf_bars(handlungsbedarf(score.factor_scores, score.weights), six)
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours[:2] == [COLORS["primary"]] * 2 and BAND_COLORS["kritisch"] not in colours
    assert [t.get_text() for t in ax.get_legend().get_texts()][0].endswith("(Top 2)")
