"""Survival curves (Kaplan–Meier) in the house style: one step line per group with its band."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import numpy as np
from matplotlib.axes import Axes

from kbworkbook.i18n import format_integer, tr
from kbworkbook.metrics.survival import SurvivalCurve
from kbworkbook.plots._format import COLORS, percent_formatter, styled_axes

__all__ = ["survival_curves"]

_L: dict[str, dict[str, str]] = {
    "days": {"de": "Tage seit dem ersten Einkauf", "en": "Days since first purchase"},
    "share": {"de": "Anteil", "en": "Share"},
    "band": {"de": "95-%-Band", "en": "95% band"},
    "group": {"de": "{name} (n = {n})", "en": "{name} (n = {n})"},
}
_t = partial(tr, _L)
_LINE_COLORS = (COLORS["primary"], COLORS["accent"], COLORS["good"], COLORS["bad"],
                COLORS["secondary"])


def survival_curves(curves: Mapping[str, SurvivalCurve], title: str, y_label: str,
                    ax: Axes | None = None, language: str = "de", locale: str = "de-CH",
                    max_days: float | None = None, cumulative: bool = False) -> Axes:
    """Each curve as a step line with its pointwise band, the legend naming group and size.

    ``title`` and ``y_label`` say what the curve counts. With ``cumulative`` the share that HAS
    had the event (1 − S, rising) is drawn instead of S. At most five groups are drawn (the
    caller picks them); ``max_days`` cuts the x axis.
    """
    longest = 0.0
    with styled_axes(ax, (8.0, 4.0)) as ax:
        for (name, curve), color in zip(list(curves.items())[:5], _LINE_COLORS, strict=False):
            label = _t("group", language, name=name, n=format_integer(curve.n, locale))
            # the last step runs on to the longest follow-up (the curve is known up to there)
            time = np.append(curve.time, max(curve.follow_up, float(curve.time[-1])))
            line, low, high = (np.append(a, a[-1]) for a in (curve.survival, curve.lower,
                                                             curve.upper))
            if cumulative:
                line, low, high = 1.0 - line, 1.0 - high, 1.0 - low
            ax.step(time, line, where="post", color=color, linewidth=2, label=label)
            ax.fill_between(time, low, high, step="post", color=color, alpha=0.15,
                            linewidth=0)
            longest = max(longest, float(time[-1]))
        ax.set_ylim(0, 1.02)
        ax.set_xlim(0, min(max_days, longest) if max_days else longest)
        ax.yaxis.set_major_formatter(percent_formatter(locale))
        ax.set_xlabel(_t("days", language))
        ax.set_ylabel(y_label)
        ax.set_title(title)
        ax.grid(axis="y")
        handles, labels = ax.get_legend_handles_labels()
        if handles:
            from matplotlib.patches import Patch

            handles.append(Patch(color=COLORS["neutral"], alpha=0.4))
            labels.append(_t("band", language))
            ax.legend(handles, labels, loc="upper right", frameon=False, fontsize=8)
    return ax
