"""Chapter 04, sections "Kundenlebenszyklus" and "Klumpenrisiko": the lifecycle stages at the
Stichtag with the flows since the previous one (:mod:`kbworkbook.metrics.lifecycle`), and the
revenue share of the largest customers (:mod:`kbworkbook.metrics.concentration`).

Shown in chapter 04 (:mod:`kbworkbook.chapters.kundenwert` lists the sections). Both read the
analysis layer (``ctx.analysis().lifecycle`` / ``.concentration``) and never compute; only
counts and shares reach the page, never a customer.
"""

from __future__ import annotations

from typing import Any

from ..figures import format_figure
from ..i18n import format_date, format_integer, swiss_spelling
from ..metrics.lifecycle import FLOW_SOURCES, STAGES
from ..notebook import Context, note
from ._narrative import label, markdown, text, texts
from ._sections import figure_of, identified_note, table_html, transactions_at, undefined
from ._window import window_caption

__all__ = ["CONCENTRATION_WARNING", "concentration", "lifecycle", "stage_actions"]

_TEXTS = texts(__file__)
#: Above this share of revenue with the 10 largest customers a B2B client is warned.
CONCENTRATION_WARNING = 0.5


def _reason(ctx: Context) -> str:
    return "; ".join(ctx.analysis().notes_in(ctx.language, ctx.locale)) or "–"


def stage_actions(ctx: Context) -> dict[str, str]:
    """What to do with the customers of each stage (``[stage_actions]`` of the catalogue)."""
    table = _TEXTS["stage_actions"]
    return {stage: swiss_spelling(text(ctx, table, stage), ctx.locale) for stage in STAGES}


def _threshold(ctx: Context, days: float, source: str, setting: str) -> str:
    return text(ctx, _TEXTS, f"rule_{source}_{setting}", days=format_integer(days, ctx.locale))


def lifecycle(ctx: Context) -> list[Any]:
    """Every identified customer in one stage at the Stichtag, the flows since the previous
    Stichtag as a flow chart, the stage counts with what to do in each stage."""
    from ..plots.lifecycle import lifecycle_flows

    blocks: list[Any] = [markdown(ctx, _TEXTS, "lifecycle")]
    frame, day, stop = transactions_at(ctx, _TEXTS, blocks)
    if frame is None:
        return stop
    blocks += identified_note(ctx)
    result = ctx.analysis().lifecycle
    if result is None:
        return blocks + [undefined(ctx, _TEXTS, _reason(ctx))]
    loc = ctx.locale
    before, now = format_date(result.previous, loc), format_date(result.as_of, loc)
    blocks.append(markdown(
        ctx, _TEXTS, "lifecycle_rules", new_days=format_integer(result.new_days, loc),
        at_risk=_threshold(ctx, result.at_risk_days, result.at_risk_source, "at_risk_days"),
        lapse=_threshold(ctx, result.lapse_days, result.lapse_source, "lapse_days"),
        before=before, now=now))
    labels = {key: label(ctx, _TEXTS, "stages", key) for key in FLOW_SOURCES}
    blocks.append(figure_of(lifecycle_flows(
        result, labels, text(ctx, _TEXTS, "chart_title"), locale=loc, language=ctx.language)))
    staying = result.flow("lost", "lost")
    if staying:
        blocks.append(note(text(ctx, _TEXTS, "chart_lost", n=format_integer(staying, loc))))
    actions = stage_actions(ctx)
    rows = [[labels[stage], format_integer(result.count(stage, previous=True), loc),
             format_figure(f"lifecycle_{stage}", result.count(stage), loc, ctx.currency),
             actions[stage]] for stage in STAGES]
    rows.append([label(ctx, _TEXTS, "columns", "total"),
                 format_integer(sum(result.previous_counts), loc),
                 format_integer(result.customers, loc), ""])
    header = [label(ctx, _TEXTS, "columns", "stage"), before, now,
              label(ctx, _TEXTS, "columns", "action")]
    blocks.append(table_html(header, rows, text_columns=(3,)))
    newly_lost = sum(result.flow(source, "lost") for source in FLOW_SOURCES
                     if source != "lost")
    blocks.append(markdown(
        ctx, _TEXTS, "lifecycle_reading", before=before, now=now,
        newcomers=format_integer(sum(result.flows[0]), loc),
        newly_lost=format_integer(newly_lost, loc),
        won_back=format_integer(result.count("won_back"), loc)))
    return blocks


def concentration(ctx: Context) -> list[Any]:
    """B2B clients (``[client] market = "b2b"``): how much revenue the 10 largest customers and
    the top 20 % bring, with a warning above :data:`CONCENTRATION_WARNING` (Klumpenrisiko).
    Consumer businesses see the two shares as lines of the regular-customer table instead."""
    if ctx.workspace.market != "b2b":
        return []
    blocks: list[Any] = [markdown(ctx, _TEXTS, "concentration")]
    frame, day, stop = transactions_at(ctx, _TEXTS, blocks)
    if frame is None:
        return stop
    blocks += identified_note(ctx)
    blocks.append(window_caption(ctx, day))
    found = ctx.analysis().concentration
    if found is None:
        return blocks + [undefined(ctx, _TEXTS, _reason(ctx))]
    loc, cur = ctx.locale, ctx.currency
    top10 = format_figure("top10_revenue_share", found.top_n_share, loc, cur)
    if found.top_n_share > CONCENTRATION_WARNING:
        blocks.append(note(text(ctx, _TEXTS, "concentration_warning", share=top10,
                                limit=format_figure("top10_revenue_share",
                                                    CONCENTRATION_WARNING, loc, cur))))
    rows = [[label(ctx, _TEXTS, "columns", "top10"), top10],
            [label(ctx, _TEXTS, "columns", "top20"),
             format_figure("top20pct_revenue_share", found.top_share_share, loc, cur)],
            [label(ctx, _TEXTS, "columns", "customers"), format_integer(found.customers, loc)]]
    blocks.append(table_html([label(ctx, _TEXTS, "columns", "figure"),
                              label(ctx, _TEXTS, "columns", "value")], rows))
    blocks.append(markdown(ctx, _TEXTS, "concentration_reading"))
    return blocks

