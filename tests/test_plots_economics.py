"""Tests for kbworkbook.plots.economics: what is drawn, not only that something is."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from kbworkbook.economics import (  # noqa: E402
    CostAssumptions,
    ProgrammeInputs,
    complaint_word_of_mouth,
    profit_by_year,
    sensitivity_table,
)
from kbworkbook.plots.economics import (  # noqa: E402
    profit_by_year_area,
    roi_heatmap,
    word_of_mouth_bars,
)


@pytest.fixture(autouse=True)
def _close_figures() -> None:
    yield
    plt.close("all")


def test_profit_area_stacks_components_and_marks_acquisition() -> None:
    result = profit_by_year(150, 100, years=7, retention=0.8, discount_rate=0.1)
    ax = profit_by_year_area(result)
    labels = ax.get_legend_handles_labels()[1]
    assert labels[:5] == ["Grundgewinn", "Mehrkäufe", "Geringere Betreuungskosten",
                          "Weiterempfehlungen", "Preisbereitschaft"]
    assert "Akquisitionskosten" in labels
    bar = ax.patches[0]
    assert bar.get_height() == pytest.approx(-150)
    # the top of the stack reaches the plateau p_6 = 259 (domain §5)
    top = ax.collections[len(result.components)].get_paths()[0].vertices[:, 1].max()
    assert top == pytest.approx(259)
    assert ax.get_xlabel() == "Jahr der Kundenbeziehung"


def test_profit_area_in_english() -> None:
    ax = profit_by_year_area(profit_by_year(150, 100, years=5), language="en", currency="EUR")
    assert ax.get_ylabel() == "Profit per customer (EUR)"


def test_roi_heatmap_draws_table_values() -> None:
    inputs = ProgrammeInputs(500, 300, 0.7, 0.06, CostAssumptions(fixed=6000))
    table = sensitivity_table(inputs, [0.02, 0.04, 0.06], [1.0, 2.0])
    ax = roi_heatmap(table)
    image = ax.images[0]
    assert np.asarray(image.get_array())[2, 0] == pytest.approx(0.5)
    texts = [t.get_text() for t in ax.texts]
    assert "50\u00a0%" in texts and "0\u00a0%" in texts
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2.0", "4.0", "6.0"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["100\u00a0%", "200\u00a0%"]


def test_roi_heatmap_numbers_follow_the_locale() -> None:
    inputs = ProgrammeInputs(500, 300, 0.7, 0.06, CostAssumptions(fixed=6000))
    table = sensitivity_table(inputs, [0.015, 0.06], [1.0])
    ax = roi_heatmap(table, locale="de-DE")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1,5", "6,0"]
    colorbar_axes = ax.figure.axes[-1]
    ax.figure.canvas.draw()
    assert any(t.get_text().endswith("\u00a0%") for t in colorbar_axes.get_yticklabels())


def test_word_of_mouth_bars_heights_oracle_7() -> None:
    ax = word_of_mouth_bars(complaint_word_of_mouth(40, 0.7))
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx([84, -120, -36])
    assert [t.get_text() for t in ax.get_xticklabels()][2] == "Saldo (W)"


def _house_colours() -> set[str]:
    from matplotlib.colors import to_hex

    from kbworkbook.plots._format import COLORS
    from kbworkbook.plots.economics import _STACK

    return {to_hex(c) for c in [*COLORS.values(), *_STACK]}


def test_chapter_05_charts_use_the_house_style_even_on_plain_axes() -> None:
    """The chapter passes axes made with plain ``plt.subplots``: no black frame, house colours."""
    from matplotlib.colors import to_hex

    _, ax = plt.subplots()
    word_of_mouth_bars(complaint_word_of_mouth(40, 0.7), ax=ax)
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert {to_hex(p.get_facecolor()) for p in ax.patches} <= _house_colours()
    _, ax = plt.subplots()
    profit_by_year_area(profit_by_year(150, 100, years=7, retention=0.8), ax=ax)
    fills = {to_hex(c.get_facecolor()[0]) for c in ax.collections}
    assert fills <= _house_colours() and len(fills) == len(ax.collections)
    assert ax.title.get_fontweight() == "bold"


def test_profit_legend_does_not_cover_the_data() -> None:
    ax = profit_by_year_area(profit_by_year(150, 100, years=15, retention=0.8))
    ax.figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    plot = ax.get_window_extent()
    assert legend.y1 <= plot.y0, "the legend sits below the plotting area"


def test_word_of_mouth_labels_are_signed_and_inside_the_frame() -> None:
    ax = word_of_mouth_bars(complaint_word_of_mouth(17, 0.71), locale="de-CH")
    labels = [t.get_text() for t in ax.texts]
    assert labels[0].startswith("+") and labels[1].startswith("\u2212")
    ax.figure.canvas.draw()
    frame = ax.get_window_extent()
    for text in ax.texts:
        box = text.get_window_extent()
        assert frame.y0 < box.y0 and box.y1 < frame.y1, text.get_text()


def test_profit_ticks_are_money_in_the_clients_locale() -> None:
    ax = profit_by_year_area(profit_by_year(1500, 1000, years=7), currency="EUR",
                             locale="de-DE")
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert any(t.endswith("\u00a0€") and "." in t for t in ticks), ticks
