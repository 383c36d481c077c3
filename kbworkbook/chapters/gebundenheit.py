"""Chapter 02 · Gebundenheit vs. Verbundenheit: switching barriers, GI, portfolio, Jones & Sasser.

VI (Verbundenheitsindex) is the KBI of chapter 01's latest six-factor assessment; GI the mean
of the technical-functional, economic and contractual barrier scores.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from ..figures import format_figure, loyalty_check
from ..i18n import format_date, format_decimal, format_integer, format_points
from ..notebook import Context, note, paragraph
from ..questionnaires import SIX_FACTORS, SWITCHING_BARRIERS
from ..questionnaires.scoring import gebundenheitsindex, portfolio_label, portfolio_quadrant
from ..store import AnswerStore
from . import _html
from . import questionnaire as q
from ._narrative import markdown, text, texts
from ._selfimage import barrier_lines

__all__ = ["ABOUT", "INPUTS", "SECTIONS",
           "indices", "intro", "jones_sasser", "partnership", "portfolio", "portfolio_threshold",
           "switching_barriers"]

#: Data inputs this chapter reads (listed in its footer): the data's view beside the portfolio.
INPUTS: tuple[str, ...] = ("transactions", "nps")
ABOUT = (
    "Wechselbarrieren (technisch-funktional, ökonomisch, vertraglich) gegen freiwillige "
    "Treue: Gebundenheitsindex und Bindungsportfolio."
)
SECTIONS = ["intro", "switching_barriers", "indices", "portfolio", "partnership",
            "jones_sasser"]

_TEXTS = texts(__file__)


def portfolio_threshold(ctx: Context) -> float:
    """``[questionnaires] portfolio_threshold`` from kbworkbook.toml, default 50."""
    value = ctx.workspace.section("questionnaires").get("portfolio_threshold", 50)
    return float(value)


def _indices(ctx: Context, which: int = -1) -> tuple[float, float]:
    """(VI, GI) of the assessment ``which`` (-1 latest); ``nan`` where nothing is saved.

    For the previous point (-2) a questionnaire with only one assessment keeps its value.
    """
    vi, gi, _, _ = _dated_indices(ctx, which)
    return vi, gi


def _dated_indices(ctx: Context, which: int = -1
                   ) -> tuple[float, float, dt.datetime | None, dt.datetime | None]:
    """(VI, GI, date of the VI assessment, date of the GI assessment); see :func:`_indices`."""
    store = AnswerStore(ctx.workspace)
    values: list[float] = []
    dates: list[dt.datetime | None] = []
    for qid in (SIX_FACTORS, SWITCHING_BARRIERS):
        history = [a for a in store.history(qid) if a.answers]
        if not history:
            values.append(math.nan)
            dates.append(None)
            continue
        assessment = history[which] if len(history) >= -which else history[0]
        dates.append(assessment.updated)
        score = q.score_of(store.catalogue(qid), assessment)
        assert score is not None
        values.append(score.index if qid == SIX_FACTORS else
                      gebundenheitsindex(score.factor_scores))
    return values[0], values[1], dates[0], dates[1]


def intro(ctx: Context) -> list[Any]:
    """Lock-in versus loyalty by choice."""
    return [markdown(ctx, _TEXTS, "intro")]


def switching_barriers(ctx: Context) -> list[Any]:
    """The switching-barrier questionnaire (form live, bars and tables headless)."""
    return q.section(ctx, SWITCHING_BARRIERS)


def indices(ctx: Context) -> list[Any]:
    """GI and VI as two figures with a short explanation."""
    vi, gi = _indices(ctx)
    if math.isnan(gi) and math.isnan(vi):
        return [markdown(ctx, _TEXTS, "indices"), note(q.NO_ANSWERS[ctx.language])]
    german = ctx.language == "de"
    tiles = [("Gebundenheitsindex (GI)" if german else "Lock-in index (GI)", gi),
             ("Verbundenheitsindex (VI)" if german else "Loyalty index (VI)", vi)]
    return [markdown(ctx, _TEXTS, "indices"), _html.block(_html.kpi_tiles(
        (label, format_decimal(value, ctx.locale, 0)) for label, value in tiles))]


def portfolio(ctx: Context) -> list[Any]:
    """Bindungsportfolio (VI × GI) with the previous position when there is one."""
    from ..plots.questionnaires import portfolio_chart

    vi, gi, vi_date, gi_date = _dated_indices(ctx)
    if math.isnan(vi) or math.isnan(gi):
        return [markdown(ctx, _TEXTS, "portfolio"), note(text(ctx, _TEXTS, "quadrant_missing"))]
    threshold = portfolio_threshold(ctx)
    store = AnswerStore(ctx.workspace)
    previous = None
    if len([a for a in store.history(SIX_FACTORS) if a.answers]) >= 2 or \
            len([a for a in store.history(SWITCHING_BARRIERS) if a.answers]) >= 2:
        previous = _indices(ctx, -2)
    ax = portfolio_chart(vi, gi, threshold=threshold, previous=previous, language=ctx.language)
    quadrant = portfolio_quadrant(vi, gi, threshold)
    label = portfolio_label(quadrant, ctx.language)
    sentence = text(ctx, _TEXTS, "quadrant", label=label, vi=format_decimal(vi, ctx.locale, 0),
                     gi=format_decimal(gi, ctx.locale, 0))
    blocks: list[Any] = [markdown(ctx, _TEXTS, "portfolio"), ax.figure, paragraph(sentence)]
    blocks += _dates_note(ctx, vi_date, gi_date)
    blocks += _data_view(ctx, label, vi >= threshold)
    return blocks + barrier_lines(ctx)


def partnership(ctx: Context) -> list[Any]:
    """The two readings of high Gebundenheit: captive, or a partnership (tactical binding)."""
    blocks: list[Any] = [markdown(ctx, _TEXTS, "partnership")]
    vi, gi = _indices(ctx)
    if math.isnan(vi) or math.isnan(gi):
        return blocks
    quadrant = portfolio_quadrant(vi, gi, portfolio_threshold(ctx))
    if quadrant in ("gefangen", "doppelt_gebunden"):
        blocks.append(paragraph(text(ctx, _TEXTS, f"partnership_{quadrant}",
                                     label=portfolio_label(quadrant, ctx.language))))
    return blocks


#: Assessments further apart than this are named as two points in time.
_APART_DAYS = 31


def _dates_note(ctx: Context, vi_date: dt.datetime | None,
                gi_date: dt.datetime | None) -> list[Any]:
    """Which assessment each index comes from; a warning when they are far apart."""
    if vi_date is None or gi_date is None:
        return []
    loc = ctx.locale
    blocks: list[Any] = [paragraph(text(ctx, _TEXTS, "portfolio_dates",
                                        vi_date=format_date(vi_date, loc),
                                        gi_date=format_date(gi_date, loc)))]
    days = abs((vi_date.date() - gi_date.date()).days)
    if days > _APART_DAYS:
        blocks.append(note(text(ctx, _TEXTS, "portfolio_apart",
                                months=format_integer(round(days / 30.44), loc))))
    return blocks


def _data_view(ctx: Context, label: str, by_choice: bool) -> list[Any]:
    """The client's own figures beside the self-assessment, with a careful verdict."""
    from ..plots.metrics import period_label

    analysis = ctx.analysis()
    kept, change = analysis.retention, analysis.nps_change
    loc = ctx.locale
    parts: list[str] = []
    if kept is not None:
        parts.append(text(ctx, _TEXTS, "data_crr",
                          crr=format_figure("crr", kept.crr, loc, ctx.currency),
                          months=analysis.window.months))
    if change is not None:
        key = "data_nps_down" if change.change < 0 else "data_nps_up"
        parts.append(text(ctx, _TEXTS, key, first=format_points(change.first, loc),
                          last=format_points(change.last, loc),
                          first_period=period_label(pd.Period(change.first_period), loc),
                          last_period=period_label(pd.Period(change.last_period), loc)))
        if change.overlap:
            parts[-1] += " " + text(ctx, _TEXTS, "data_nps_uncertain")
    verdict = loyalty_check(kept.crr if kept is not None else None, change)
    if verdict == "unknown":
        return [note(text(ctx, _TEXTS, "data_none"))]
    lines = [text(ctx, _TEXTS, "data_view", figures="; ".join(parts))]
    if by_choice:
        lines.append(text(ctx, _TEXTS, f"verdict_{verdict}", label=label))
    return [paragraph(" ".join(lines))]


def jones_sasser(ctx: Context) -> list[Any]:
    """Jones & Sasser's four customer types in words.

    No chart: placing the client's groups needs satisfaction *and* repurchase intention per
    group (a survey the data files do not carry; the NPS is neither), and an empty grid says
    nothing. The note says what data would fill it.
    """
    return [markdown(ctx, _TEXTS, "jones_sasser"), note(text(ctx, _TEXTS, "jones_sasser_data"))]
