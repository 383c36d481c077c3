"""The customer lifecycle as a two-column flow chart: stages at the previous Stichtag on the
left, at the Stichtag on the right, one band per flow with a height of its customers."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import numpy as np
from matplotlib.axes import Axes

from kbworkbook.i18n import format_date, format_integer, tr
from kbworkbook.metrics.lifecycle import FLOW_SOURCES, STAGES, Lifecycle
from kbworkbook.plots._format import COLORS, styled_axes

__all__ = ["STAGE_COLORS", "lifecycle_flows"]

#: One colour per stage (and a grey for "not yet a customer").
STAGE_COLORS: dict[str, str] = {
    "not_yet": COLORS["neutral"], "new": COLORS["accent"], "regular": COLORS["primary"],
    "at_risk": "#d98c5f", "lost": COLORS["bad"], "won_back": COLORS["good"],
}

_L: dict[str, dict[str, str]] = {
    "segment": {"de": "{label}: {n}", "en": "{label}: {n}"},
}
_t = partial(tr, _L)
_GAP = 0.02  # space between two stages, as a share of all customers
_BAR = 0.06  # width of a column


def _stack(sizes: np.ndarray, gap: float) -> np.ndarray:
    """Top edge of each segment, stacked downwards from 1 with ``gap`` between non-empty ones."""
    tops = np.zeros(sizes.size)
    y = 1.0
    for i, size in enumerate(sizes):
        tops[i] = y
        if size > 0:
            y -= size + gap
    return tops


def _band(ax: Axes, x0: float, x1: float, top0: float, top1: float, height: float,
          color: str) -> None:
    """A band from ``[top0 − height, top0]`` at ``x0`` to ``[top1 − height, top1]`` at ``x1``."""
    x = np.linspace(x0, x1, 50)
    s = (1 - np.cos(np.pi * (x - x0) / (x1 - x0))) / 2  # smooth step 0 → 1
    top = top0 + (top1 - top0) * s
    ax.fill_between(x, top - height, top, color=color, alpha=0.35, linewidth=0)


def lifecycle_flows(result: Lifecycle, labels: Mapping[str, str], title: str,
                    ax: Axes | None = None, locale: str = "de-CH", language: str = "de",
                    draw_staying_lost: bool = False) -> Axes:
    """Stages at ``result.previous`` (left, with "not yet a customer") and at ``result.as_of``
    (right) as stacked columns, each flow a band coloured by its stage of origin; each column
    labelled with its stage's full count.

    ``labels`` names every entry of :data:`~kbworkbook.metrics.lifecycle.FLOW_SOURCES`.
    Customers lost at both Stichtage are not drawn unless ``draw_staying_lost`` (over years of
    data they outnumber every other stage and would squeeze the flows that matter into lines);
    the caller says so beside the chart.
    """
    counts = np.array(result.flows, dtype="float64")
    flows = counts.copy()
    if not draw_staying_lost:
        flows[FLOW_SOURCES.index("lost"), STAGES.index("lost")] = 0.0
    total = max(float(flows.sum()), 1.0)
    share = flows / total * (1 - _GAP * len(FLOW_SOURCES))
    left_sizes, right_sizes = share.sum(axis=1), share.sum(axis=0)
    left_tops, right_tops = _stack(left_sizes, _GAP), _stack(right_sizes, _GAP)
    with styled_axes(ax, (8.0, 4.6)) as ax:
        x0, x1 = _BAR, 1 - _BAR
        out = left_tops.copy()  # next free top edge inside each left segment
        into = right_tops.copy()
        for i, source in enumerate(FLOW_SOURCES):
            for j, _stage in enumerate(STAGES):
                height = share[i, j]
                if height <= 0:
                    continue
                _band(ax, x0, x1, out[i], into[j], height, STAGE_COLORS[source])
                out[i] -= height
                into[j] -= height
        for names, sizes, tops, totals, x, align in (
                (FLOW_SOURCES, left_sizes, left_tops, counts.sum(axis=1), 0.0, "right"),
                (STAGES, right_sizes, right_tops, counts.sum(axis=0), 1 - _BAR, "left")):
            for name, size, top, n in zip(names, sizes, tops, totals, strict=True):
                if n <= 0:
                    continue
                ax.bar(x, -max(size, 0.004), width=_BAR, bottom=top, align="edge",
                       color=STAGE_COLORS[name], linewidth=0)
                text_x = x - 0.01 if align == "right" else x + _BAR + 0.01
                ax.text(text_x, top - size / 2,
                        _t("segment", language, label=labels[name],
                           n=format_integer(n, locale)),
                        ha=align, va="center", fontsize=9, color=COLORS["text"])
        ax.set_xlim(-0.32, 1.32)
        ax.set_ylim(min(left_tops.min(), right_tops.min()) - 0.08, 1.06)
        ax.axis("off")
        for x, day in ((_BAR / 2, result.previous), (1 - _BAR / 2, result.as_of)):
            ax.text(x, 1.03, format_date(day, locale), ha="center", va="bottom", fontsize=9,
                    fontweight="bold", color=COLORS["text"])
        ax.set_title(title, pad=16)
    return ax
