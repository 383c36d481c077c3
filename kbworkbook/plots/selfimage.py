"""Figure of the self-image comparison: the owner's score beside the data score per factor.

Drawn from a :class:`~kbworkbook.selfimage.SelfImage` (never computing it): one row per factor
with the owner's score (circle), each linked figure on the 0–100 scale (small grey dots) and
their mean (diamond, coloured by the verdict), joined by a line that shows the gap; a pale band
of ± the tolerance around the owner's score is where the figures "match". The verdict
stands under the factor's name. Takes ``ax=None`` (a new styled figure), returns the Axes.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..i18n import format_decimal, tr
from ..questionnaires.catalogue import Questionnaire
from ..selfimage import SelfImage, verdict_label
from ._format import COLORS, styled_axes
from .questionnaires import _legend_below

__all__ = ["VERDICT_COLORS", "selfimage_chart"]

#: Colour of the data-score diamond per verdict.
VERDICT_COLORS: dict[str, str] = {
    "agrees": COLORS["good"],
    "data_weaker": COLORS["bad"],
    "data_stronger": COLORS["accent"],
    "no_data": COLORS["neutral"],
    "not_rated": COLORS["neutral"],
}

_T: dict[str, dict[str, str]] = {
    "owner": {"de": "Ihre Einschätzung", "en": "Your assessment"},
    "data": {"de": "Ihre Zahlen (Mittel)", "en": "Your figures (mean)"},
    "figure": {"de": "einzelne Kennzahl", "en": "single figure"},
    "scale": {"de": "Wert (0–100)", "en": "Score (0–100)"},
    "band": {"de": "deckt sich (± {n} Punkte)", "en": "matches (± {n} points)"},
}
_t = partial(tr, _T)


def selfimage_chart(image: SelfImage, catalogue: Questionnaire, *, language: str = "de",
                    locale: str = "de-CH", ax: Axes | None = None) -> Axes:
    """Owner's score vs data score per factor of ``catalogue`` (see module docstring)."""
    checks = image.factors
    y = np.arange(len(checks))
    with styled_axes(ax, (8.0, 0.6 * len(checks) + 1.6)) as ax:
        for yi, check in zip(y, checks, strict=True):
            owner = None if np.isnan(check.owner) else check.owner
            scores = [f.score for f in check.figures if f.score is not None]
            color = VERDICT_COLORS[check.verdict]
            if owner is not None:
                ax.barh(yi, 2 * image.tolerance, left=owner - image.tolerance, height=0.4,
                        color=COLORS["primary"], alpha=0.08, zorder=0)
            if owner is not None and check.data is not None:
                ax.plot([owner, check.data], [yi, yi], color=color, linewidth=2.5, alpha=0.6,
                        zorder=1)
            if scores:
                ax.scatter(scores, [yi] * len(scores), s=18, color=COLORS["neutral"],
                           zorder=2)
            if check.data is not None:
                ax.scatter([check.data], [yi], marker="D", s=70, color=color, zorder=4)
            if owner is not None:
                ax.scatter([owner], [yi], marker="o", s=80, color=COLORS["primary"], zorder=3)
        labels = [f"{catalogue.factor(c.factor).label(language)}\n"
                  f"({verdict_label(c.verdict, language)})" for c in checks]
        ax.set_yticks(y, labels=labels)
        ax.invert_yaxis()
        ax.set_xlim(-3, 103)
        ax.set_ylim(len(checks) - 0.5, -0.5)
        ax.set_xticks([0, 20, 40, 60, 80, 100])
        ax.set_xlabel(_t("scale", language))
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        handles = [
            Line2D([], [], marker="o", linestyle="", color=COLORS["primary"], markersize=8,
                   label=_t("owner", language)),
            Line2D([], [], marker="D", linestyle="", color=COLORS["text"], markersize=7,
                   label=_t("data", language)),
            Line2D([], [], marker="o", linestyle="", color=COLORS["neutral"], markersize=5,
                   label=_t("figure", language)),
            Patch(color=COLORS["primary"], alpha=0.08,
                  label=_t("band", language, n=format_decimal(image.tolerance, locale, 0))),
        ]
        _legend_below(ax, handles)
    return ax
