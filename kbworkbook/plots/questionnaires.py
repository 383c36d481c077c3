"""Figures of questionnaire results: factor bars, radar, Handlungsbedarf, Bindungsportfolio.

Every helper draws from already scored results (:class:`~kbworkbook.questionnaires.
QuestionnaireScore`, a Handlungsbedarf frame, index values) – never from widget state and never
computing scores itself. Each takes ``ax=None`` (a new styled figure) and returns the Axes.
Missing factors ("nicht bewertet") are drawn as empty slots with a label, not as 0 %.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.projections.polar import PolarAxes

from ..i18n import format_decimal, tr
from ..questionnaires.catalogue import Questionnaire
from ..questionnaires.scoring import (
    BANDS,
    PORTFOLIO_QUADRANTS,
    QuestionnaireScore,
    band,
    jones_sasser_label,
)
from ._format import COLORS, ensure_axes, style, styled_axes

__all__ = [
    "BAND_COLORS",
    "factor_bars",
    "handlungsbedarf_bars",
    "item_bars",
    "jones_sasser_chart",
    "portfolio_chart",
    "radar_chart",
]

#: Bar colour per band key.
BAND_COLORS: dict[str, str] = {
    "kritisch": COLORS["bad"],
    "ausbaufaehig": COLORS["accent"],
    "gut": COLORS["secondary"],
    "sehr_gut": COLORS["good"],
}

_T: dict[str, dict[str, str]] = {
    "score": {"de": "Wert (0–100)", "en": "Score (0–100)"},
    "not_rated": {"de": "nicht bewertet", "en": "not rated"},
    "current": {"de": "aktuell", "en": "current"},
    "previous": {"de": "vorher", "en": "previous"},
    "need": {"de": "Handlungsbedarf", "en": "Need for action"},
    "vi": {"de": "Verbundenheit (VI = Kundenbindungs-Index)",
           "en": "Loyalty (VI = retention index)"},
    "gi": {"de": "Gebundenheit (GI)", "en": "Lock-in (GI)"},
    "satisfaction": {"de": "Zufriedenheit (1–5)", "en": "Satisfaction (1–5)"},
    "loyalty": {"de": "Wiederkaufabsicht (1–5)", "en": "Repurchase intention (1–5)"},
    "top_need": {"de": "grösster Handlungsbedarf (Top {n})", "en": "largest need (top {n})"},
    "other_need": {"de": "übrige Faktoren", "en": "other factors"},
}


_t = partial(tr, _T)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _factor_labels(score: QuestionnaireScore, catalogue: Questionnaire,
                   language: str) -> list[str]:
    return [catalogue.factor(k).label(language) for k in score.factors["factor"]]


def _bars(ax: Axes, labels: Sequence[str], values: Sequence[float], locale: str,
          language: str, previous: Sequence[float] | None = None, bands: bool = True) -> Axes:
    y = np.arange(len(labels))
    heights = [0.0 if _missing(v) else float(v) for v in values]
    colors = [BAND_COLORS.get(band(v) or "", COLORS["neutral"]) if bands else COLORS["primary"]
              for v in values]
    with style():
        ax.barh(y, heights, color=colors, height=0.6, label=_t("current", language))
        for yi, value in zip(y, values, strict=True):
            text = (_t("not_rated", language) if _missing(value)
                    else format_decimal(value, locale, 0))
            ax.text((0 if _missing(value) else float(value)) + 1.5, float(yi), text, va="center",
                    fontsize=9, color=COLORS["text"])
        handles: list[Any] = []
        if previous is not None:
            px = [np.nan if _missing(v) else float(v) for v in previous]
            handles.append(ax.scatter(px, y, marker="|", s=300, linewidths=2.5,
                                      color=COLORS["text"], zorder=3,
                                      label=_t("previous", language)))
        if bands:
            handles = _band_legend(language, locale) + handles
        if handles:
            _legend_below(ax, handles)
        ax.set_yticks(y, labels=list(labels))
        ax.invert_yaxis()
        ax.set_xlim(0, 110)
        ax.set_xticks([0, 20, 40, 60, 80, 100])
        ax.set_xlabel(_t("score", language))
        for lower, *_ in (BANDS[1:] if bands else ()):
            ax.axvline(lower, color=COLORS["grid"], linewidth=0.8, zorder=0)
    return ax


def _legend_below(ax: Axes, handles: list[Any]) -> None:
    """A legend under the axis label (outside the data) in one row."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    options = {"handles": handles, "ncol": min(len(handles), 5), "frameon": False,
               "fontsize": "small"}
    figure = ax.get_figure()
    if figure is not None and isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine):
        figure.legend(loc="outside lower center", **options)
    else:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), **options)


def _band_legend(language: str, locale: str) -> list[Any]:
    """One legend entry per score band with its range (``kritisch (0–39)`` …)."""
    from matplotlib.patches import Patch

    entries = []
    for i, (lower, key, german, english) in enumerate(BANDS):
        upper = BANDS[i + 1][0] - 1 if i + 1 < len(BANDS) else 100.0
        span = f"{format_decimal(lower, locale, 0)}–{format_decimal(upper, locale, 0)}"
        entries.append(Patch(color=BAND_COLORS[key],
                             label=f"{english if language == 'en' else german} ({span})"))
    return entries


def factor_bars(
    score: QuestionnaireScore,
    catalogue: Questionnaire,
    previous: QuestionnaireScore | None = None,
    *,
    language: str = "de",
    locale: str = "de-CH",
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of the factor scores (0..100), coloured by band; previous as markers.

    Catalogues with ``higher_is_better = false`` (switching barriers) get one neutral colour.
    """
    ax = ensure_axes(ax, (8.0, 0.55 * len(score.factors) + 1.4))
    prev = None
    if previous is not None:
        prev_scores = previous.factor_scores
        prev = [prev_scores.get(k, math.nan) for k in score.factors["factor"]]
    return _bars(ax, _factor_labels(score, catalogue, language),
                 score.factors["score"].tolist(), locale, language, prev,
                 bands=catalogue.higher_is_better)


def item_bars(
    score: QuestionnaireScore,
    catalogue: Questionnaire,
    *,
    language: str = "de",
    locale: str = "de-CH",
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars per item (e.g. each touchpoint), 0..100."""
    ax = ensure_axes(ax, (8.0, 0.45 * len(score.items) + 1.4))
    labels = [catalogue.item(k).label(language) for k in score.items["item"]]
    return _bars(ax, labels, score.items["score"].tolist(), locale, language,
                 bands=catalogue.higher_is_better)


def radar_chart(
    score: QuestionnaireScore,
    catalogue: Questionnaire,
    previous: QuestionnaireScore | None = None,
    *,
    language: str = "de",
    current_label: str | None = None,
    previous_label: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Radar (spider) chart of the factor scores, with the previous assessment overlaid.

    ``ax`` must be a polar Axes when given. Missing factors are drawn at the centre and their
    tick label says "nicht bewertet".
    """
    ax = ensure_axes(ax, (6.5, 6.0), subplot_kw={"projection": "polar"})
    if not isinstance(ax, PolarAxes):
        raise TypeError("radar_chart needs a polar Axes (subplot_kw={'projection': 'polar'})")
    keys = score.factors["factor"].tolist()
    n = len(keys)
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    closed = np.concatenate([angles, angles[:1]])

    def ring(values: Sequence[float]) -> np.ndarray:
        data = np.array([0.0 if _missing(v) else float(v) for v in values])
        return np.concatenate([data, data[:1]])

    labels = []
    for key, value in zip(keys, score.factors["score"], strict=True):
        label = catalogue.factor(key).label(language).replace(" & ", " &\n")
        labels.append(f"{label}\n({_t('not_rated', language)})" if _missing(value) else label)
    with style():
        if previous is not None:
            prev_scores = previous.factor_scores
            ax.plot(closed, ring([prev_scores.get(k, math.nan) for k in keys]),
                    color=COLORS["neutral"], linewidth=1.5, linestyle="--",
                    label=previous_label or _t("previous", language))
        current = ring(score.factors["score"].tolist())
        ax.plot(closed, current, color=COLORS["primary"], linewidth=2,
                label=current_label or _t("current", language))
        ax.fill(closed, current, color=COLORS["primary"], alpha=0.15)
        ax.set_xticks(angles, labels=labels)
        ax.set_ylim(0, 100)
        ax.set_yticks([20, 40, 60, 80, 100], labels=["20", "40", "60", "80", "100"])
        ax.tick_params(axis="y", labelsize=7, colors="#777777")
        ax.legend(loc="upper right", bbox_to_anchor=(1.15, 1.12))
    return ax


def handlungsbedarf_bars(
    ranking: pd.DataFrame,
    catalogue: Questionnaire,
    *,
    language: str = "de",
    locale: str = "de-CH",
    top: int = 2,
    ax: Axes | None = None,
) -> Axes:
    """Bars of the Handlungsbedarf ranking (from ``handlungsbedarf``); the top ones highlighted."""
    y = np.arange(len(ranking))
    labels = [catalogue.factor(k).label(language) for k in ranking["factor"]]
    needs = ranking["need"].astype(float).tolist()
    colors = [COLORS["primary"] if i < top else COLORS["neutral"] for i in range(len(ranking))]
    with styled_axes(ax, (8.0, 0.5 * len(ranking) + 1.4)) as ax:
        ax.barh(y, needs, color=colors, height=0.6)
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color=COLORS["primary"], label=_t("top_need", language, n=top)),
                           Patch(color=COLORS["neutral"], label=_t("other_need", language))],
                  loc="lower right", frameon=False, fontsize="small")
        for yi, value in zip(y, needs, strict=True):
            ax.text(value + max(needs + [1.0]) * 0.02, float(yi), format_decimal(value, locale, 0),
                    va="center", fontsize=9, color=COLORS["text"])
        ax.set_yticks(y, labels=labels)
        ax.invert_yaxis()
        ax.set_xlim(0, max(needs + [1.0]) * 1.15)
        ax.set_xlabel(_t("need", language))
    return ax


def portfolio_chart(
    vi: float,
    gi: float,
    *,
    threshold: float = 50.0,
    previous: tuple[float, float] | None = None,
    language: str = "de",
    ax: Axes | None = None,
) -> Axes:
    """Bindungsportfolio: VI on x, GI on y, quadrant labels, the company as a point.

    ``previous`` = (VI, GI) of the earlier assessment, drawn hollow with an arrow.
    """
    lang = 1 if language == "en" else 0
    q = {k: v[lang] for k, v in PORTFOLIO_QUADRANTS.items()}
    with styled_axes(ax, (6.5, 6.0)) as ax:
        ax.axvline(threshold, color=COLORS["neutral"], linewidth=1)
        ax.axhline(threshold, color=COLORS["neutral"], linewidth=1)
        lo, hi = threshold / 2, (100 + threshold) / 2
        for (x, y), key in (((hi, hi), "doppelt_gebunden"), ((lo, hi), "gefangen"),
                            ((hi, lo), "freiwillig_treu"), ((lo, lo), "ungebunden")):
            ax.text(x, y, q[key].replace(" / ", "\n"), ha="center", va="center", fontsize=10,
                    color="#777777", wrap=True)
        if previous is not None and not any(_missing(v) for v in previous):
            ax.scatter([previous[0]], [previous[1]], s=90, facecolors="none",
                       edgecolors=COLORS["neutral"], linewidths=2, zorder=3,
                       label=_t("previous", language))
            if not (_missing(vi) or _missing(gi)):
                ax.annotate("", xy=(vi, gi), xytext=previous,
                            arrowprops={"arrowstyle": "->", "color": COLORS["neutral"]})
        if not (_missing(vi) or _missing(gi)):
            ax.scatter([vi], [gi], s=130, color=COLORS["primary"], zorder=4,
                       label=_t("current", language))
        ax.set_xlim(0, 100)
        ax.set_ylim(0, 100)
        ax.set_xlabel(_t("vi", language))
        ax.set_ylabel(_t("gi", language))
        ax.set_aspect("equal")
        if previous is not None:
            ax.legend(loc="lower right")
    return ax


def jones_sasser_chart(
    segments: pd.DataFrame,
    *,
    label: str = "segment",
    satisfaction: str = "satisfaction",
    loyalty: str = "loyalty",
    high: float = 4.0,
    language: str = "de",
    ax: Axes | None = None,
) -> Axes:
    """Jones & Sasser grid: satisfaction (x) × loyalty (y) on 1..5 with segments as points.

    ``segments`` holds a label column, S and L and optionally ``type`` (from
    ``jones_sasser_segments``) whose label is appended to the point's name.
    """
    lang = "en" if language == "en" else "de"
    with styled_axes(ax, (6.5, 6.0)) as ax:
        ax.axvline(high, color=COLORS["neutral"], linewidth=1)
        ax.axhline(high, color=COLORS["neutral"], linewidth=1)
        for (x, y), key in (((4.5, 4.75), "loyalist"), ((4.5, 1.3), "soeldner"),
                            ((2.5, 4.75), "geisel"), ((2.5, 1.3), "abwanderer")):
            ax.text(x, y, jones_sasser_label(key, lang), ha="center", color="#777777")
        ax.scatter(segments[satisfaction], segments[loyalty], s=80, color=COLORS["primary"],
                   zorder=3)
        for _, row in segments.iterrows():
            name = str(row[label])
            if "type" in segments.columns and row["type"] is not None:
                name = f"{name} ({jones_sasser_label(row['type'], lang)})"
            ax.annotate(name, (row[satisfaction], row[loyalty]), xytext=(6, 4),
                        textcoords="offset points", fontsize=9)
        ax.set_xlim(1, 5)
        ax.set_ylim(1, 5)
        ax.set_xlabel(_t("satisfaction", language))
        ax.set_ylabel(_t("loyalty", language))
    return ax
