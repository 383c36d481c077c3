"""Chapter 01 · Kundenbindungs-Formel: six-factor self-assessment, profile, change, priorities.

Live (``ctx.live``) the self-assessment section shows the form (answers saved as given) with
a view that redraws after every save; headless every section draws from the saved answers
alone. Without saved answers a section shows a friendly note instead of a chart.
"""

from __future__ import annotations

from typing import Any

from ..notebook import Context, note, paragraph
from ..questionnaires import POSITIONING, SIX_FACTORS
from ..questionnaires.scoring import handlungsbedarf
from ..store import AnswerStore
from . import questionnaire as q
from ._narrative import label, markdown, text, texts

__all__ = ["ABOUT", "INPUTS", "SECTIONS",
           "change", "handlungsbedarf_section", "intro", "positioning", "radar",
           "self_assessment", "self_image", "strengths", "touchpoints"]

#: Data inputs this chapter reads (listed in its footer). None: the figures beside the
#: self-image come from the analysis, and a broken data file must not stop a questionnaire
#: chapter (chapter 03 says what is wrong with it).
INPUTS: tuple[str, ...] = ()
ABOUT = (
    "Selbsteinschätzung der sechs Bindungsfaktoren mit Netzdiagramm, Stärken, Schwächen, "
    "Kontaktpunkten, Positionierung, Veränderung seit der letzten Einschätzung und dem "
    "Vergleich mit den eigenen Zahlen."
)
SECTIONS = ["intro", "self_assessment", "radar", "strengths", "change",
            "handlungsbedarf_section", "self_image", "touchpoints", "positioning"]

_TEXTS = texts(__file__)


def _scores(ctx: Context) -> tuple[Any, Any, Any, Any]:
    """(catalogue, latest score, previous score, previous assessment) of the six factors."""
    store = AnswerStore(ctx.workspace)
    catalogue = store.catalogue(SIX_FACTORS).for_locale(ctx.locale)
    history = store.history(SIX_FACTORS)
    latest = history[-1] if history else None
    previous = history[-2] if len(history) >= 2 else None
    return (catalogue, q.score_of(catalogue, latest) if latest and latest.answers else None,
            q.score_of(catalogue, previous) if previous and previous.answers else None,
            previous)


def _no_answers(ctx: Context) -> Any:
    return note(q.NO_ANSWERS[ctx.language])


def intro(ctx: Context) -> list[Any]:
    """What the six factors are and why voluntary loyalty is the goal."""
    return [markdown(ctx, _TEXTS, "intro")]


def self_assessment(ctx: Context) -> list[Any]:
    """Live: the form plus live factor bars. Headless: summary, bars, factor and answer tables."""
    blocks = [markdown(ctx, _TEXTS, "self_assessment")]
    if ctx.live:
        return blocks + q.form_blocks(
            ctx, SIX_FACTORS, render=lambda: q.static_view(ctx, SIX_FACTORS, table=False))
    return blocks + q.static_view(ctx, SIX_FACTORS)


def radar(ctx: Context) -> list[Any]:
    """Radar chart of the latest assessment with the previous one overlaid."""
    from ..i18n import format_date
    from ..plots.questionnaires import radar_chart

    catalogue, score, prev_score, prev = _scores(ctx)
    if score is None:
        return [markdown(ctx, _TEXTS, "radar"), _no_answers(ctx)]
    store = AnswerStore(ctx.workspace)
    latest = store.latest(SIX_FACTORS)
    assert latest is not None
    current_label = format_date(latest.started, ctx.locale)
    previous_label = format_date(prev.started, ctx.locale) if prev is not None else None
    ax = radar_chart(score, catalogue, prev_score, language=ctx.language,
                     current_label=current_label, previous_label=previous_label)
    return [markdown(ctx, _TEXTS, "radar"), ax.figure]


def strengths(ctx: Context) -> list[Any]:
    """The strongest and weakest factors in plain sentences."""
    catalogue, score, _prev_score, _prev = _scores(ctx)
    if score is None:
        return [markdown(ctx, _TEXTS, "strengths"), _no_answers(ctx)]
    ranking = handlungsbedarf(score.factor_scores, score.weights)
    sentences = (q.strengths_sentences(catalogue, score, ctx.language, ctx.locale)
                 + q.need_sentences(catalogue, ranking, ctx.language, ctx.locale))
    return [markdown(ctx, _TEXTS, "strengths")] + [paragraph(s) for s in sentences]


def change(ctx: Context) -> list[Any]:
    """Change per factor since the previous assessment ("Erfolge kontrollieren")."""
    from IPython.display import HTML

    catalogue, score, prev_score, _prev = _scores(ctx)
    if score is None:
        return [markdown(ctx, _TEXTS, "change"), _no_answers(ctx)]
    if prev_score is None:
        return [markdown(ctx, _TEXTS, "change"), note(text(ctx, _TEXTS, "no_previous"))]
    return [markdown(ctx, _TEXTS, "change"),
            HTML(q.change_table_html(catalogue, prev_score, score, ctx.language, ctx.locale))]


def handlungsbedarf_section(ctx: Context) -> list[Any]:
    """Handlungsbedarf ranking (importance × distance to 100); top two highlighted."""
    from ..plots.questionnaires import handlungsbedarf_bars

    catalogue, score, _prev_score, _prev = _scores(ctx)
    if score is None:
        return [markdown(ctx, _TEXTS, "handlungsbedarf"), _no_answers(ctx)]
    ranking = handlungsbedarf(score.factor_scores, score.weights)
    if ranking.empty:
        return [markdown(ctx, _TEXTS, "handlungsbedarf"), _no_answers(ctx)]
    ax = handlungsbedarf_bars(ranking, catalogue, language=ctx.language, locale=ctx.locale)
    ties = q.need_sentences(catalogue, ranking, ctx.language, ctx.locale, ties_only=True)
    return [markdown(ctx, _TEXTS, "handlungsbedarf"), ax.figure,
            *(paragraph(s) for s in ties)]


def self_image(ctx: Context) -> list[Any]:
    """»Ihre Einschätzung und Ihre Zahlen«: each factor beside the figures that can confirm
    it (chart, table, careful sentences, the figures with their reference values)."""
    from ._selfimage import live_view, tolerance, view

    intro = markdown(ctx, _TEXTS, "self_image", tolerance=tolerance(ctx))
    if ctx.live:  # the figures wait for a button: the forms above must answer at once
        return [intro, live_view(ctx, SIX_FACTORS)]
    return [intro, *view(ctx, SIX_FACTORS)]


def touchpoints(ctx: Context) -> list[Any]:
    """Customer-experience touchpoints (1–5 each)."""
    return [markdown(ctx, _TEXTS, "touchpoints")] + q.section(ctx, "kontaktpunkte")[1:]


def positioning(ctx: Context) -> list[Any]:
    """Positioning canvas (Golden Circle, target group, USP and values; escaped) and how
    sharp it is: the checks met, with advice for each one open."""
    blocks = [markdown(ctx, _TEXTS, "positioning")] + q.section(ctx, POSITIONING)[1:]
    if ctx.live:
        return blocks
    return blocks + _positioning_checks(ctx)


def _positioning_checks(ctx: Context) -> list[Any]:
    """The sharpness checks of the newest positioning answers (nothing when none are saved)."""
    from ..questionnaires.positioning import positioning_summary
    from . import _html

    store = AnswerStore(ctx.workspace)
    latest = store.latest(POSITIONING)
    if latest is None or not latest.answers:
        return []
    summary = positioning_summary(store.catalogue(POSITIONING), latest.answers)
    if not summary.checks:
        return []
    rows = []
    for check in summary.checks:
        name = label(ctx, _TEXTS, "positioning_checks", check.key).format(limit=check.limit)
        state = label(ctx, _TEXTS, "positioning_states", check.state).format(count=check.count)
        advice = "" if check.met else label(ctx, _TEXTS, "positioning_advice", check.key)
        rows.append(["\u2713" if check.met else "\u2717", name, state, advice])
    heads = [label(ctx, _TEXTS, "positioning_columns", k)
             for k in ("mark", "check", "state", "advice")]
    table = _html.table(heads, rows, css="kb-positioning-checks")
    return [paragraph(text(ctx, _TEXTS, "positioning_summary", met=summary.met,
                           total=len(summary.checks))), _html.block(table)]
