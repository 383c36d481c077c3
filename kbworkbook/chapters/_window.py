"""The report's one current window and how the chapters name it on the page.

Every figure "of the current period" covers ``[analysis] window_months`` calendar months (12 by
default) ending with the Stichtag, inclusive. Sections that use it show
:func:`window_caption` under their heading; views over a longer stretch (trends, cohorts, the
whole history) show :func:`history_caption`, so no reader takes them for the current window.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from ..i18n import format_date
from ..notebook import Context

__all__ = ["analysis_setting", "history_caption", "window_bounds_of", "window_caption",
           "window_months", "window_span"]

_TEXT = {
    "de": {"window": "Zeitfenster: letzte {m} Monate ({span})",
           "history": "Verlauf {span} – längerer Zeitraum als das Zeitfenster der übrigen "
                      "Zahlen (letzte {m} Monate)",
           "history_all": "Gesamter Datenbestand {span} – nicht nur die letzten {m} Monate"},
    "en": {"window": "Window: last {m} months ({span})",
           "history": "History {span} – a longer period than the window of the other figures "
                      "(last {m} months)",
           "history_all": "Whole data history {span} – not only the last {m} months"},
}


def analysis_setting(ctx: Context, key: str, default: int) -> int:
    """An integer from ``[analysis]`` of kbworkbook.toml (``window_months`` …) or ``default``."""
    value = ctx.workspace.section("analysis").get(key, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def window_months(ctx: Context) -> int:
    """Length of the current window in months (``[analysis] window_months``, default 12)."""
    return analysis_setting(ctx, "window_months", 12)


def window_bounds_of(day: Any, months: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Half-open ``[start, end)`` of the ``months`` calendar months ending with day ``day``."""
    end = pd.Timestamp(day).normalize() + pd.Timedelta(days=1)
    return end - pd.DateOffset(months=months), end


def window_span(ctx: Context, start: Any, end_exclusive: Any) -> str:
    """``01.01.2025 – 31.12.2025`` for the half-open ``[start, end_exclusive)``."""
    last = pd.Timestamp(end_exclusive) - pd.Timedelta(days=1)
    return f"{format_date(pd.Timestamp(start), ctx.locale)} – {format_date(last, ctx.locale)}"


def _caption(text: str) -> Any:
    from IPython.display import HTML

    return HTML(f'<p class="kb-window">{html.escape(text)}</p>')


def window_caption(ctx: Context, day: Any) -> Any:
    """A caption naming the current window with its dates (for the sections that use it)."""
    months = window_months(ctx)
    start, end = window_bounds_of(day, months)
    return _caption(_TEXT[ctx.language]["window"].format(
        m=months, span=window_span(ctx, start, end)))


def history_caption(ctx: Context, start: Any, end_exclusive: Any, whole: bool = False) -> Any:
    """A caption labelling a view over ``[start, end_exclusive)`` as history, not the window."""
    key = "history_all" if whole else "history"
    return _caption(_TEXT[ctx.language][key].format(
        m=window_months(ctx), span=window_span(ctx, start, end_exclusive)))
