"""Customer profitability (chapter 04): profit per decile of customers and the whale curve.

Draws a :class:`~kbworkbook.metrics.profitability.CustomerProfitability` (it computes nothing
itself). Labels are German by default (``language="en"`` for English); numbers follow
``locale``.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from matplotlib.figure import Figure

from ..i18n import format_percent, tr
from ..metrics.profitability import CustomerProfitability
from ._format import COLORS, currency_formatter, figure, percent_formatter, style

__all__ = ["profitability_chart"]

_L = {
    "deciles": {"de": "Gewinn je Zehntel der Kunden ({currency})",
                "en": "Profit per tenth of the customers ({currency})"},
    "decile_x": {"de": "Kunden nach Gewinn, beste zuerst (Zehntel)",
                 "en": "Customers by profit, best first (tenths)"},
    "whale": {"de": "Walkurve: kumulierter Gewinn", "en": "Whale curve: cumulative profit"},
    "whale_x": {"de": "Anteil der Kunden, beste zuerst", "en": "Share of customers, best first"},
    "whale_y": {"de": "Anteil am Gesamtgewinn", "en": "Share of total profit"},
    "peak": {"de": "Höchster Punkt: {peak} bei {at} der Kunden",
             "en": "Peak: {peak} at {at} of the customers"},
    "title": {"de": "Welche Kunden tragen den Gewinn?",
              "en": "Which customers carry the profit?"},
}
_t = partial(tr, _L)


def _locale(locale: str | None, language: str) -> str:
    return locale or ("en" if language == "en" else "de-CH")


def profitability_chart(result: CustomerProfitability, currency: str = "CHF",
                        language: str = "de", locale: str | None = None) -> Figure:
    """Two panels: profit per decile of customers (bars, losses red) and the whale curve
    (cumulative share of the total profit against the share of customers, best first)."""
    loc = _locale(locale, language)
    panels = int(bool(result.decile_profit)) + int(bool(result.whale))
    fig, axes = figure(1, max(panels, 1), size=(10.0 if panels > 1 else 6.0, 3.8))
    axes = list(np.atleast_1d(axes))
    with style():
        if result.decile_profit:
            ax = axes.pop(0)
            values = np.asarray(result.decile_profit)
            x = np.arange(1, values.size + 1)
            colors = [COLORS["bad"] if v < 0 else COLORS["primary"] for v in values]
            ax.bar(x, values, color=colors, width=0.7)
            ax.axhline(0, color=COLORS["text"], linewidth=0.8)
            ax.set_xticks(x, [str(i) for i in x])
            ax.set_xlabel(_t("decile_x", language))
            ax.yaxis.set_major_formatter(currency_formatter(currency, loc))
            ax.set_title(_t("deciles", language, currency=currency), fontsize=10)
            ax.grid(axis="y")
            ax.set_axisbelow(True)
        if result.whale:
            ax = axes.pop(0)
            curve = np.asarray(result.whale)
            share = np.linspace(0.0, 1.0, curve.size)
            ax.plot(share, curve, color=COLORS["primary"], linewidth=2)
            ax.axhline(1.0, color=COLORS["neutral"], linestyle="--", linewidth=1)
            if result.humped:  # the hump: the best customers earn more than the whole
                peak, at = result.peak, result.peak_at
                ax.plot([at], [peak], "o", color=COLORS["accent"])
                ax.annotate(_t("peak", language, peak=format_percent(peak, loc, 0),
                               at=format_percent(at, loc, 0)), (at, peak),
                            textcoords="offset points", xytext=(-8, -16), ha="right",
                            fontsize=9)
            ax.set_xlim(0, 1)
            ax.set_ylim(0, max(1.05, float(curve.max()) * 1.08))
            ax.xaxis.set_major_formatter(percent_formatter(loc))
            ax.yaxis.set_major_formatter(percent_formatter(loc))
            ax.set_xlabel(_t("whale_x", language))
            ax.set_ylabel(_t("whale_y", language))
            ax.set_title(_t("whale", language), fontsize=10)
            ax.grid(True)
            ax.set_axisbelow(True)
        fig.suptitle(_t("title", language), x=0.01, ha="left", fontweight="bold", fontsize=12)
    return fig
