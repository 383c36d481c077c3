"""Chapter 04, section "Wie lange bleiben Kunden?": time to the second purchase and time until
a customer lapses, as Kaplan–Meier curves (:mod:`kbworkbook.metrics.survival`).

Shown in chapter 04 (:mod:`kbworkbook.chapters.kundenwert` lists the section). Only curves and
shares of groups reach the page, never a customer.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import MetricError
from ..i18n import format_date, format_integer, format_percent
from ..metrics.lifecycle import lapse_threshold
from ..metrics.survival import (
    SurvivalCurve,
    kaplan_meier,
    time_to_lapse,
    time_to_second_purchase,
)
from ..notebook import Context, note
from ._narrative import markdown, text, texts
from ._sections import figure_of, table_html, transactions_at, undefined
from ._window import analysis_setting

__all__ = ["MIN_GROUP", "staying"]

_TEXTS = texts(__file__)
#: A first-purchase year needs this many new customers to get a curve of its own.
MIN_GROUP = 30
#: The x axis and the table stop here (three years).
_MAX_DAYS = 3 * 365


def _days(ctx: Context, value: float | None) -> str:
    if value is None:
        return text(ctx, _TEXTS, "not_reached")
    return text(ctx, _TEXTS, "days", n=format_integer(value, ctx.locale))


def _groups(per_customer: pd.DataFrame, ctx: Context) -> dict[str, SurvivalCurve]:
    """All customers, then the three latest first-purchase years with enough customers."""
    curves = {text(ctx, _TEXTS, "all"): kaplan_meier(per_customer["duration"],
                                                     per_customer["observed"])}
    years = per_customer["first_purchase"].dt.year
    counts = years.value_counts()
    for year in sorted(counts[counts >= MIN_GROUP].index)[-3:]:
        part = per_customer[years == year]
        curves[str(year)] = kaplan_meier(part["duration"], part["observed"])
    return curves


def staying(ctx: Context) -> list[Any]:
    """Kaplan–Meier curves of the time to the second purchase (by first-purchase year) and of
    the time until a customer lapses, with a table of shares at fixed days."""
    from ..plots.survival import survival_curves

    loc = ctx.locale
    frame, day, stop = transactions_at(ctx, _TEXTS, [])
    if frame is None:
        return [markdown(ctx, _TEXTS, "staying", as_of="–"), *stop]
    blocks: list[Any] = [markdown(ctx, _TEXTS, "staying", as_of=format_date(day, loc))]
    try:
        second = time_to_second_purchase(frame, day)
    except MetricError as exc:
        return blocks + [undefined(ctx, _TEXTS, exc)]
    blocks.append(note(text(ctx, _TEXTS, "history", as_of=format_date(day, loc))))
    curves = _groups(second, ctx)
    blocks.append(figure_of(survival_curves(
        curves, text(ctx, _TEXTS, "second_title"), text(ctx, _TEXTS, "second_y"),
        language=ctx.language, locale=loc, max_days=_MAX_DAYS, cumulative=True)))
    header = [text(ctx, _TEXTS, "group"), text(ctx, _TEXTS, "customers"),
              text(ctx, _TEXTS, "within", days=90), text(ctx, _TEXTS, "within", days=365),
              text(ctx, _TEXTS, "median_second")]
    rows = [[name, format_integer(c.n, loc), format_percent(1 - c.at(90), loc, 0),
             format_percent(1 - c.at(365), loc, 0), _days(ctx, c.median)]
            for name, c in curves.items()]
    blocks.append(table_html(header, rows))
    if second["first_purchase"].dt.year.value_counts().lt(MIN_GROUP).any():
        blocks.append(note(text(ctx, _TEXTS, "few", n=MIN_GROUP)))

    configured = analysis_setting(ctx, "lapse_days", 0)
    try:
        gap = lapse_threshold(frame, day, configured or None)[0]  # the lifecycle's lapse
        lapse = time_to_lapse(frame, day, gap)
    except MetricError as exc:
        return blocks + [undefined(ctx, _TEXTS, exc)]
    gap_text = format_integer(gap, loc)
    curve = kaplan_meier(lapse["duration"], lapse["observed"])
    blocks.append(figure_of(survival_curves(
        {text(ctx, _TEXTS, "all"): curve}, text(ctx, _TEXTS, "lapse_title", gap=gap_text),
        text(ctx, _TEXTS, "lapse_y"), language=ctx.language, locale=loc, max_days=_MAX_DAYS)))
    blocks.append(note(text(ctx, _TEXTS, "lapse_rule_set" if configured else "lapse_rule",
                            gap=gap_text)))
    header = [text(ctx, _TEXTS, "customers"), text(ctx, _TEXTS, "active_after", days=365),
              text(ctx, _TEXTS, "active_after", days=730), text(ctx, _TEXTS, "median_lapse")]
    blocks.append(table_html(header, [[format_integer(curve.n, loc),
                                       format_percent(curve.at(365), loc, 0),
                                       format_percent(curve.at(730), loc, 0),
                                       _days(ctx, curve.median)]], numeric_from=0))
    return blocks
