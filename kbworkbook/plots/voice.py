"""Figures of »Was Kunden sagen«: comment themes per promoter / passive / detractor.

Drawn from :class:`kbworkbook.metrics.comments.CommentThemes` (counts only, never the
comments); ``ax=None`` creates a styled figure, the Axes is returned. German labels by default.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from matplotlib.axes import Axes

from kbworkbook.i18n import format_integer, tr
from kbworkbook.metrics.comments import CommentThemes
from kbworkbook.plots._format import COLORS, number_formatter, styled_axes

__all__ = ["theme_bars"]

_L: dict[str, dict[str, str]] = {
    "detractors": {"de": "Kritiker (0–6)", "en": "Detractors (0–6)"},
    "passives": {"de": "Passive (7–8)", "en": "Passives (7–8)"},
    "promoters": {"de": "Promotoren (9–10)", "en": "Promoters (9–10)"},
    "comments": {"de": "Kommentare", "en": "Comments"},
    "title": {"de": "Worüber Kunden schreiben\n{n} Kommentare; einer kann mehrere Themen "
                    "nennen",
              "en": "What customers write about\n{n} comments; one may name several themes"},
}
_t = partial(tr, _L)


def theme_bars(themes: CommentThemes, ax: Axes | None = None, language: str = "de",
               locale: str | None = None) -> Axes:
    """One horizontal bar per theme (most frequent on top), split into detractors, passives
    and promoters; each part labelled with its count when there is room."""
    loc = locale or ("en" if language == "en" else "de-CH")
    rows = themes.themes
    with styled_axes(ax, (8.0, 0.42 * max(len(rows), 1) + 1.6)) as ax:
        y = np.arange(len(rows))
        left = np.zeros(len(rows))
        widest = max((r.total for r in rows), default=1)
        parts = (("detractors", [r.detractors for r in rows], COLORS["bad"], "white"),
                 ("passives", [r.passives for r in rows], COLORS["neutral"], COLORS["text"]),
                 ("promoters", [r.promoters for r in rows], COLORS["good"], "white"))
        for key, counts, color, ink in parts:
            values = np.asarray(counts, dtype="float64")
            ax.barh(y, values, left=left, color=color, height=0.65, label=_t(key, language))
            for yi, (start, value) in enumerate(zip(left, values, strict=True)):
                if value >= max(1.0, widest * 0.06):
                    ax.text(start + value / 2, yi, format_integer(value, loc), ha="center",
                            va="center", fontsize=9, color=ink)
            left += values
        ax.set_yticks(y, [r.label(language) for r in rows])
        ax.invert_yaxis()
        ax.set_xlim(0, widest * 1.05)
        ax.xaxis.set_major_formatter(number_formatter(loc))
        ax.set_xlabel(_t("comments", language))
        ax.set_title(_t("title", language, n=format_integer(themes.comments, loc)))
        ax.figure.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=3)
    return ax
