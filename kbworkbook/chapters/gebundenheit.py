"""Chapter 02 · Gebundenheit vs. Verbundenheit: switching barriers, GI, portfolio, Jones & Sasser.

VI (Verbundenheitsindex) is the KBI of chapter 01's latest six-factor assessment; GI the mean
of the technical-functional, economic and contractual barrier scores.
"""

from __future__ import annotations

import math
from typing import Any

from ..i18n import format_decimal
from ..notebook import Context, note, paragraph
from ..questionnaires import SIX_FACTORS, SWITCHING_BARRIERS
from ..questionnaires.scoring import gebundenheitsindex, portfolio_label, portfolio_quadrant
from ..store import AnswerStore
from . import _html
from . import questionnaire as q
from ._narrative import markdown, text, texts

__all__ = ["ABOUT", "INPUTS", "SECTIONS",
           "indices", "intro", "jones_sasser", "portfolio", "portfolio_threshold",
           "switching_barriers"]

#: Data inputs this chapter reads (listed in its footer).
INPUTS: tuple[str, ...] = ()
ABOUT = (
    "Wechselbarrieren (technisch-funktional, ökonomisch, vertraglich) gegen freiwillige "
    "Treue: Gebundenheitsindex und Bindungsportfolio."
)
SECTIONS = ["intro", "switching_barriers", "indices", "portfolio", "jones_sasser"]

_TEXTS = texts(__file__)


def portfolio_threshold(ctx: Context) -> float:
    """``[questionnaires] portfolio_threshold`` from kbworkbook.toml, default 50."""
    value = ctx.workspace.section("questionnaires").get("portfolio_threshold", 50)
    return float(value)


def _indices(ctx: Context, which: int = -1) -> tuple[float, float]:
    """(VI, GI) of the assessment ``which`` (-1 latest); ``nan`` where nothing is saved.

    For the previous point (-2) a questionnaire with only one assessment keeps its value.
    """
    store = AnswerStore(ctx.workspace)
    values = []
    for qid in (SIX_FACTORS, SWITCHING_BARRIERS):
        history = [a for a in store.history(qid) if a.answers]
        if not history:
            values.append(math.nan)
            continue
        assessment = history[which] if len(history) >= -which else history[0]
        score = q.score_of(store.catalogue(qid), assessment)
        assert score is not None
        values.append(score.index if qid == SIX_FACTORS else
                      gebundenheitsindex(score.factor_scores))
    return values[0], values[1]


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

    vi, gi = _indices(ctx)
    if math.isnan(vi) or math.isnan(gi):
        return [markdown(ctx, _TEXTS, "portfolio"), note(text(ctx, _TEXTS, "quadrant_missing"))]
    threshold = portfolio_threshold(ctx)
    store = AnswerStore(ctx.workspace)
    previous = None
    if len([a for a in store.history(SIX_FACTORS) if a.answers]) >= 2 or \
            len([a for a in store.history(SWITCHING_BARRIERS) if a.answers]) >= 2:
        previous = _indices(ctx, -2)
    ax = portfolio_chart(vi, gi, threshold=threshold, previous=previous, language=ctx.language)
    label = portfolio_label(portfolio_quadrant(vi, gi, threshold), ctx.language)
    sentence = text(ctx, _TEXTS, "quadrant", label=label, vi=format_decimal(vi, ctx.locale, 0),
                     gi=format_decimal(gi, ctx.locale, 0))
    return [markdown(ctx, _TEXTS, "portfolio"), ax.figure, paragraph(sentence)]


def jones_sasser(ctx: Context) -> list[Any]:
    """Jones & Sasser's four customer types in words.

    No chart: placing the client's groups needs satisfaction *and* repurchase intention per
    group (a survey the data files do not carry; the NPS is neither), and an empty grid says
    nothing. The note says what data would fill it.
    """
    return [markdown(ctx, _TEXTS, "jones_sasser"), note(text(ctx, _TEXTS, "jones_sasser_data"))]
