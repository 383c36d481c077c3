"""Figures for chapter 05: profit by relationship year, ROI sensitivity, word of mouth.

Each helper draws a result object of :mod:`kbworkbook.economics` (it computes nothing
itself), takes ``ax=None`` and returns the Axes. Labels are German by default (``language``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import TwoSlopeNorm

from ..economics import ProfitByYear, WordOfMouth
from ..i18n import format_decimal, format_percent, format_points, tr
from ._format import (
    COLORS,
    currency_formatter,
    diverging_cmap,
    ensure_axes,
    house_axes,
    number_formatter,
    percent_formatter,
    style,
)

__all__ = ["profit_by_year_area", "roi_heatmap", "word_of_mouth_bars"]

_LABELS: Mapping[str, Mapping[str, str]] = {
    "acquisition": {"de": "Akquisitionskosten", "en": "Acquisition cost"},
    "base": {"de": "Grundgewinn", "en": "Base profit"},
    "increased_purchases": {"de": "Mehrkäufe", "en": "Increased purchases"},
    "reduced_costs": {"de": "Geringere Betreuungskosten", "en": "Reduced operating costs"},
    "referrals": {"de": "Weiterempfehlungen", "en": "Referrals"},
    "price_premium": {"de": "Preisbereitschaft", "en": "Price premium"},
    "expected": {"de": "Erwarteter Gewinn (mit Abwanderung)", "en": "Expected profit (with churn)"},
    "year": {"de": "Jahr der Kundenbeziehung", "en": "Year of the relationship"},
    "profit": {"de": "Gewinn pro Kunde ({currency})", "en": "Profit per customer ({currency})"},
    "profit_title": {"de": "Gewinn pro Kunde nach Beziehungsjahr",
                     "en": "Profit per customer by year of the relationship"},
    "uplift": {"de": "Steigerung der Bindungsrate (Prozentpunkte)",
               "en": "Retention uplift (percentage points)"},
    "cost_factor": {"de": "Kosten im Verhältnis zur Annahme", "en": "Cost relative to assumption"},
    "roi_title": {"de": "ROI je nach Wirkung und Kosten", "en": "ROI by effect and cost"},
    "roi": {"de": "ROI", "en": "ROI"},
    "positive": {"de": "Positiv erzählt (W⁺)", "en": "Told positively (W⁺)"},
    "negative": {"de": "Negativ erzählt (W⁻)", "en": "Told negatively (W⁻)"},
    "balance": {"de": "Saldo (W)", "en": "Balance (W)"},
    "people": {"de": "Erreichte Personen", "en": "People reached"},
    "wom_title": {"de": "Mundpropaganda aus Beschwerden", "en": "Word of mouth from complaints"},
}


_t = partial(tr, _LABELS)


def _label(key: str, language: str) -> str:
    return _t(key, language) if key in _LABELS else key.replace("_", " ")


#: Stack colours of the profit chart: base profit first, then its components (house palette).
_STACK = (COLORS["primary"], COLORS["secondary"], COLORS["accent"], COLORS["good"], "#9ec9a9",
          COLORS["neutral"])


def profit_by_year_area(
    result: ProfitByYear,
    ax: Axes | None = None,
    *,
    language: str = "de",
    currency: str = "CHF",
    show_expected: bool = True,
    locale: str | None = None,
) -> Axes:
    """Stacked area of base profit and components for years 1..T, acquisition as a bar at 0.

    The dashed line (``show_expected``) is the expected profit ``E_t`` including churn. The
    legend sits below the plot so it never covers the data; money ticks follow ``locale``.
    """
    table = result.table
    if len(table) < 2:
        raise ValueError("profit table needs at least year 0 and year 1")
    loc = locale or ("en" if language == "en" else "de-CH")
    with style():
        ax = house_axes(ensure_axes(ax, (8, 4.5)))
        later = table.loc[table.index >= 1]
        parts = ["base", *result.components]
        years = later.index.to_numpy(dtype=float)
        values = [later[p].to_numpy(dtype=float) for p in parts]
        ax.stackplot(years, *values, labels=[_label(p, language) for p in parts],
                     colors=[_STACK[i % len(_STACK)] for i in range(len(parts))], alpha=0.9)
        ax.bar([0], [float(table["acquisition"].iloc[0])], width=0.6, color=COLORS["bad"],
               label=_label("acquisition", language))
        if show_expected:
            ax.plot(table.index.to_numpy(dtype=float), table["expected"].to_numpy(dtype=float),
                    color=COLORS["text"], linestyle="--", linewidth=1.5,
                    label=_label("expected", language))
        ax.axhline(0, color=COLORS["neutral"], linewidth=0.8)
        ax.set_xlabel(_t("year", language))
        ax.set_ylabel(_t("profit", language, currency=currency))
        ax.yaxis.set_major_formatter(currency_formatter(currency, loc))
        ax.set_title(_t("profit_title", language), loc="left")
        ax.set_xlim(-0.5, float(table.index.max()))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, frameon=False,
                  fontsize="small")
    return ax


def roi_heatmap(
    table: pd.DataFrame,
    ax: Axes | None = None,
    *,
    language: str = "de",
    annotate: bool = True,
    locale: str | None = None,
) -> Axes:
    """Heatmap of a :func:`~kbworkbook.economics.sensitivity_table` (ROI as fractions).

    Numbers are formatted for ``locale`` (default: de-CH, or en for English).

    Rows are uplifts (shown in percentage points), columns cost factors (shown in %). Red is a
    loss, green a gain; the colour scale is centred at ROI 0.
    """
    loc = locale or ("en" if language == "en" else "de-CH")
    data = table.to_numpy(dtype=float)
    if data.size == 0:
        raise ValueError("empty sensitivity table")
    finite = data[np.isfinite(data)]
    low = float(min(finite.min(), -0.01)) if finite.size else -1.0
    high = float(max(finite.max(), 0.01)) if finite.size else 1.0
    norm = TwoSlopeNorm(vmin=low, vcenter=0.0, vmax=high)
    with style():
        ax = house_axes(ensure_axes(ax, (7, 4.5)))
        image = ax.imshow(np.ma.masked_invalid(data), cmap=diverging_cmap(), aspect="auto",
                          norm=norm, origin="lower")
        ax.set_xticks(range(data.shape[1]))
        ax.set_xticklabels([format_percent(float(c), loc, 0) for c in table.columns])
        ax.set_yticks(range(data.shape[0]))
        ax.set_yticklabels([format_decimal(u * 100, loc, 1) for u in table.index])
        ax.set_xlabel(_t("cost_factor", language))
        ax.set_ylabel(_t("uplift", language))
        ax.set_title(_t("roi_title", language), loc="left")
        if annotate:
            for i in range(data.shape[0]):
                for j in range(data.shape[1]):
                    if np.isfinite(data[i, j]):
                        strong = abs(float(norm(data[i, j])) - 0.5) > 0.3  # dark cell
                        ax.text(j, i, format_percent(data[i, j], loc, 0), ha="center",
                                va="center", fontsize="x-small",
                                color="white" if strong else COLORS["text"])
        bar = ax.figure.colorbar(image, ax=ax, label=_t("roi", language))
        bar.ax.yaxis.set_major_formatter(percent_formatter(loc))
    return ax


def word_of_mouth_bars(
    result: WordOfMouth,
    ax: Axes | None = None,
    *,
    language: str = "de",
    locale: str | None = None,
) -> Axes:
    """Bars for W⁺ (green), −W⁻ (red) and the balance W (blue, or red when negative).

    Each bar carries its signed value (``+36``, ``−50``); the value axis leaves room for the
    labels so none touches the frame.
    """
    loc = locale or ("en" if language == "en" else "de-CH")
    values = [result.positive, -result.negative, result.balance]
    labels = [_t("positive", language), _t("negative", language), _t("balance", language)]
    colours = [COLORS["good"], COLORS["bad"],
               COLORS["primary"] if result.balance >= 0 else COLORS["bad"]]
    with style():
        ax = house_axes(ensure_axes(ax, (6, 4)))
        bars = ax.bar(labels, values, color=colours, width=0.6)
        ax.axhline(0, color=COLORS["neutral"], linewidth=0.8)
        ax.bar_label(bars, labels=[format_points(v, loc) for v in values], padding=3,
                     color=COLORS["text"])
        span = max(max(values), 0.0) - min(min(values), 0.0) or 1.0
        ax.set_ylim(min(min(values), 0.0) - 0.15 * span, max(max(values), 0.0) + 0.15 * span)
        ax.yaxis.set_major_formatter(number_formatter(loc))
        ax.set_ylabel(_t("people", language))
        ax.set_title(_t("wom_title", language), loc="left")
    return ax
