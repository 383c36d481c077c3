"""Chapter 04, section "Wie lange bleiben Kunden?": time to the second purchase and time until
a customer lapses, as Kaplan–Meier curves (:mod:`kbworkbook.metrics.survival`), computed once
in the analysis (:mod:`kbworkbook.metrics.staying`).

Shown in chapter 04 (:mod:`kbworkbook.chapters.kundenwert` lists the section). Only curves and
shares of groups reach the page, never a customer.
"""

from __future__ import annotations

from typing import Any

from ..errors import MetricError
from ..i18n import format_date, format_integer, format_percent
from ..metrics.staying import ALL, MIN_GROUP
from ..notebook import Context, note
from ._narrative import markdown, text, texts
from ._sections import figure_of, table_html, transactions_at, undefined

__all__ = ["MIN_GROUP", "staying"]

_TEXTS = texts(__file__)
#: The x axis and the table stop here (three years).
_MAX_DAYS = 3 * 365


def _days(ctx: Context, value: float | None) -> str:
    if value is None:
        return text(ctx, _TEXTS, "not_reached")
    return text(ctx, _TEXTS, "days", n=format_integer(value, ctx.locale))


def staying(ctx: Context) -> list[Any]:
    """Kaplan–Meier curves of the time to the second purchase (by first-purchase year) and of
    the time until a customer lapses, with a table of shares at fixed days; the curves come
    from the analysis (:mod:`kbworkbook.metrics.staying`)."""
    from ..plots.survival import survival_curves

    loc = ctx.locale
    frame, day, stop = transactions_at(ctx, _TEXTS, [])
    if frame is None:
        return [markdown(ctx, _TEXTS, "staying", as_of="–"), *stop]
    blocks: list[Any] = [markdown(ctx, _TEXTS, "staying", as_of=format_date(day, loc))]
    found = ctx.analysis().staying
    if found is None or isinstance(found, MetricError):
        return blocks + [undefined(ctx, _TEXTS, found or "–")]
    blocks.append(note(text(ctx, _TEXTS, "history", as_of=format_date(day, loc))))
    curves = {text(ctx, _TEXTS, "all") if name == ALL else name: curve
              for name, curve in found.second}
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
    if found.few:
        blocks.append(note(text(ctx, _TEXTS, "few", n=MIN_GROUP)))

    if isinstance(found.lapse, MetricError):
        return blocks + [undefined(ctx, _TEXTS, found.lapse)]
    gap_text = format_integer(found.lapse.gap, loc)
    curve = found.lapse.curve
    blocks.append(figure_of(survival_curves(
        {text(ctx, _TEXTS, "all"): curve}, text(ctx, _TEXTS, "lapse_title", gap=gap_text),
        text(ctx, _TEXTS, "lapse_y"), language=ctx.language, locale=loc, max_days=_MAX_DAYS)))
    blocks.append(note(text(ctx, _TEXTS,
                            "lapse_rule_set" if found.lapse.configured else "lapse_rule",
                            gap=gap_text)))
    header = [text(ctx, _TEXTS, "customers"), text(ctx, _TEXTS, "active_after", days=365),
              text(ctx, _TEXTS, "active_after", days=730), text(ctx, _TEXTS, "median_lapse")]
    blocks.append(table_html(header, [[format_integer(curve.n, loc),
                                       format_percent(curve.at(365), loc, 0),
                                       format_percent(curve.at(730), loc, 0),
                                       _days(ctx, curve.median)]], numeric_from=0))
    return blocks
