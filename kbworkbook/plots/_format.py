"""Shared look of the workbook's figures: locale-aware tick formatters and a figure factory.

Numbers on axes are formatted through :mod:`kbworkbook.i18n` (``1’234`` in de-CH,
``1.234`` in de-DE/de-AT, ``1,234`` in en) — the process-wide ``locale`` module is never touched.
The style is applied locally with :func:`matplotlib.pyplot.rc_context`; nothing changes global
rcParams at import.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from kbworkbook.i18n import (
    format_currency,
    format_decimal,
    format_integer,
    format_percent,
    format_points,
)

__all__ = [
    "COLORS",
    "STYLE",
    "currency_formatter",
    "diverging_cmap",
    "ensure_axes",
    "house_axes",
    "figure",
    "number_formatter",
    "percent_formatter",
    "points_formatter",
    "style",
    "styled_axes",
    "text",
]

#: Named colours used by every figure (colour-blind safe, print friendly).
COLORS: dict[str, str] = {
    "primary": "#1d4e89",
    "secondary": "#7fa7d4",
    "good": "#2e8b57",
    "neutral": "#b8b8b8",
    "bad": "#c0392b",
    "accent": "#e69f00",
    "text": "#333333",
    "grid": "#e3e3e3",
}

#: rcParams applied inside :func:`style` (never globally).
STYLE: dict[str, Any] = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "axes.edgecolor": "#999999",
    "axes.labelcolor": COLORS["text"],
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "axes.prop_cycle": plt.cycler(
        color=[COLORS["primary"], COLORS["accent"], COLORS["good"], COLORS["bad"],
               COLORS["secondary"], COLORS["neutral"]]
    ),
    "grid.color": COLORS["grid"],
    "grid.linewidth": 0.8,
    "xtick.color": COLORS["text"],
    "ytick.color": COLORS["text"],
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "font.size": 10,
}


@contextmanager
def style() -> Iterator[None]:
    """Apply the workbook style for the duration of the ``with`` block."""
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        yield


def figure(
    nrows: int = 1, ncols: int = 1, size: tuple[float, float] = (8.0, 4.0), **kwargs: Any
) -> tuple[Figure, Any]:
    """A new figure with constrained layout in the workbook style: ``(fig, axes)``.

    ``axes`` is one :class:`~matplotlib.axes.Axes` for 1×1, else the array ``plt.subplots``
    returns. The figure is pyplot-managed so notebooks display it; callers close it.
    """
    with style():
        fig, axes = plt.subplots(nrows, ncols, figsize=size, layout="constrained", **kwargs)
    return fig, axes


def percent_formatter(locale: str = "de-CH", digits: int = 0) -> FuncFormatter:
    """Tick labels for fractions 0..1 shown as percent (``0.4`` → ``40 %`` in German)."""
    return FuncFormatter(lambda value, _pos: format_percent(value, locale, digits))


def currency_formatter(currency: str = "CHF", locale: str = "de-CH",
                       digits: int = 0) -> FuncFormatter:
    """Tick labels for money (``CHF 1’200`` in de-CH, ``1.200 €`` in de-DE)."""
    return FuncFormatter(lambda value, _pos: format_currency(value, currency, locale, digits))


def number_formatter(locale: str = "de-CH", digits: int = 0) -> FuncFormatter:
    """Tick labels with thousands separators (``12’345`` de-CH, ``12.345`` de-DE/de-AT)."""
    if digits == 0:
        return FuncFormatter(lambda value, _pos: format_integer(value, locale))
    return FuncFormatter(lambda value, _pos: format_decimal(value, locale, digits))


def points_formatter(locale: str = "de-CH") -> FuncFormatter:
    """Tick labels for NPS points with sign (``+30``, ``−20``, ``0``)."""
    return FuncFormatter(lambda value, _pos: format_points(value, locale))


_TEXT: dict[str, dict[str, str]] = {
    "no_data": {"de": "Keine Daten", "en": "No data"},
}


def text(key: str, language: str = "de") -> str:
    """A short shared label (German or English)."""
    entry = _TEXT[key]
    return entry["en"] if language == "en" else entry["de"]


def ensure_axes(ax: Axes | None, size: tuple[float, float], **kwargs: Any) -> Axes:
    """``ax``, or the single Axes of a new styled figure of ``size`` (``kwargs`` as for
    :func:`figure`, e.g. ``subplot_kw={"projection": "polar"}``)."""
    if ax is not None:
        return ax
    _fig, new_ax = figure(size=size, **kwargs)
    assert isinstance(new_ax, Axes)
    return new_ax


@contextmanager
def styled_axes(ax: Axes | None, size: tuple[float, float], **kwargs: Any) -> Iterator[Axes]:
    """``with styled_axes(ax, size) as ax:`` – :func:`ensure_axes` drawn on in the workbook
    style for the duration of the block."""
    with style():
        yield ensure_axes(ax, size, **kwargs)


def house_axes(ax: Axes) -> Axes:
    """Give axes the workbook look even when a caller created them outside :func:`style`.

    Open frame (no top/right spine), grey axis lines, house text colour and sizes, a bold
    left-aligned title. Returns ``ax``.
    """
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(STYLE["axes.edgecolor"])
    ax.tick_params(colors=COLORS["text"], labelsize=STYLE["xtick.labelsize"])
    ax.xaxis.label.set(color=COLORS["text"], fontsize=STYLE["axes.labelsize"])
    ax.yaxis.label.set(color=COLORS["text"], fontsize=STYLE["axes.labelsize"])
    ax.title.set(fontsize=STYLE["axes.titlesize"], fontweight=STYLE["axes.titleweight"],
                 color=COLORS["text"])
    ax.figure.set_facecolor("white")
    return ax


def diverging_cmap() -> Any:
    """Colour map for signed values (loss → 0 → gain) in the house colours: red, white, green."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list(
        "kb_diverging", [COLORS["bad"], "#f7f7f7", COLORS["good"]])
