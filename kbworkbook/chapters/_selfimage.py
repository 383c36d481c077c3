"""»Ihre Einschätzung und Ihre Zahlen«: the self-image comparison as blocks and sentences.

Not a chapter (no ``SECTIONS``): context glue shared by chapter 01 (the section), chapter 02
(one line per switching barrier beside the portfolio) and chapter 06 (a flag in the priority
list). The comparison itself is :func:`kbworkbook.selfimage.compare`; this module only finds
its inputs (the newest saved assessment, the analysis' figures) and words the result. Texts
live in ``_selfimage.toml``; figure values are written by :func:`~kbworkbook.figures.
format_figure`, so they read as everywhere else. Only aggregates are shown.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import KbWorkbookError, QuestionnaireError
from ..figures import format_figure, key_figures
from ..i18n import format_decimal, swiss_spelling
from ..notebook import Context, note, paragraph
from ..questionnaires.catalogue import Questionnaire
from ..selfimage import (
    FactorCheck,
    Rules,
    SelfImage,
    compare,
    load_rules,
    verdict_label,
    with_overrides,
)
from ..store import AnswerStore
from . import _html
from ._narrative import label, text, texts

__all__ = ["barrier_lines", "comparison", "factor_sentences", "factor_table", "figure_table",
           "flag_lines", "live_view", "tolerance", "verdict_column", "view"]

_TEXTS = texts(__file__)


def comparison(ctx: Context, questionnaire: str) -> tuple[Questionnaire, SelfImage] | str:
    """``(catalogue, comparison)`` of the newest assessment of ``questionnaire`` against the
    analysis, once per report context; the German/English reason as text when a workspace catalogue
    names an unknown figure or the answers cannot be read."""

    def compute() -> tuple[Questionnaire, SelfImage] | str:
        store = AnswerStore(ctx.workspace)
        try:
            catalogue = store.catalogue(questionnaire).for_locale(ctx.locale)
            score = store.score(questionnaire)
            figures = {f.key: f.value for f in key_figures(ctx.analysis())}
            return catalogue, compare(catalogue, score, figures, _rules(ctx))
        except QuestionnaireError as exc:
            return str(exc)
        except (KbWorkbookError, OSError, ValueError):
            return text(ctx, _TEXTS, "unreadable")

    # live, the answers change while the notebook runs: compared afresh (the figures are kept)
    return compute() if ctx.live else ctx.memo(f"selfimage:{questionnaire}", compute)


def _rules(ctx: Context) -> Rules:
    """The reference values: the package's, with the workspace's ``[selfimage]`` applied
    (raises ``QuestionnaireError`` naming what does not fit)."""
    return ctx.memo("selfimage:rules", lambda: with_overrides(
        load_rules(), ctx.workspace.section("selfimage")))


def tolerance(ctx: Context) -> str:
    """The points by which figures and assessment may differ and still match, formatted."""
    try:
        rules = _rules(ctx)
    except QuestionnaireError:
        rules = load_rules()  # the section's note says what does not fit
    return format_decimal(rules.tolerance, ctx.locale, 0)


def _score(value: float | None, ctx: Context) -> str:
    return "–" if value is None or math.isnan(value) else format_decimal(value, ctx.locale, 0)


def _name(catalogue: Questionnaire, key: str, ctx: Context) -> str:
    return catalogue.factor(key).label(ctx.language)


def _quoted(ctx: Context, name: str) -> str:
    return text(ctx, _TEXTS, "quoted", name=name)


def _figure(ctx: Context, key: str) -> str:
    return swiss_spelling(_rules(ctx).figures[key].label_in(ctx.language), ctx.locale)


def _verdict(ctx: Context, verdict: str) -> str:
    return swiss_spelling(verdict_label(verdict, ctx.language), ctx.locale)


def _value(ctx: Context, key: str, value: float | None) -> str:
    return format_figure(key, value, ctx.locale, ctx.currency) if value is not None else "–"


def factor_table(ctx: Context, catalogue: Questionnaire, image: SelfImage) -> Any:
    """Factor | your assessment | your figures (0–100) | figures used | verdict."""
    head = [label(ctx, _TEXTS, "columns", k)
            for k in ("factor", "owner", "data", "figures", "verdict")]
    rows = []
    for check in image.factors:
        used = sum(1 for f in check.figures if f.defined)
        rows.append([_name(catalogue, check.factor, ctx), _score(check.owner, ctx),
                     _score(check.data, ctx),
                     text(ctx, _TEXTS, "used", n=used, total=len(check.figures)),
                     _verdict(ctx, check.verdict)])
    return _html.block(_html.table(head, rows, numeric=(1, 2, 3)))


def figure_table(ctx: Context, image: SelfImage) -> list[Any]:
    """Figure | value | reference weak → good | on 0–100 | statements; then the sources."""
    rules = _rules(ctx)
    head = [label(ctx, _TEXTS, "columns", k)
            for k in ("figure", "value", "reference", "scaled", "statements")]
    rows, sources = [], []
    for fig in image.figures:
        rule = rules.figures[fig.key]
        reference = text(ctx, _TEXTS, "reference", weak=_value(ctx, fig.key, rule.weak),
                         good=_value(ctx, fig.key, rule.good))
        rows.append([_figure(ctx, fig.key), _value(ctx, fig.key, fig.value), reference,
                     _score(fig.score, ctx), ", ".join(fig.items)])
        if rule.has_source:
            sources.append(f"{_figure(ctx, fig.key)}: "
                           f"{swiss_spelling(rule.source_in(ctx.language), ctx.locale)}")
    if not rows:
        return []
    lines = text(ctx, _TEXTS, "sources", sources="; ".join(sources)) if sources else ""
    return [_html.block(_html.table(head, rows, numeric=(1, 3))),
            paragraph(" ".join(filter(None, [lines, text(ctx, _TEXTS, "rule_of_thumb")])))]


def _weakest_figure(ctx: Context, check: FactorCheck) -> str:
    defined = [f for f in check.figures if f.score is not None]
    worst = min(defined, key=lambda f: f.score or 0.0)
    return text(ctx, _TEXTS, "worst", figure=_figure(ctx, worst.key),
                value=_value(ctx, worst.key, worst.value))


def factor_sentences(ctx: Context, catalogue: Questionnaire, image: SelfImage) -> list[str]:
    """One careful sentence per factor whose figures differ, then who matches / lacks data."""
    out = []
    for check in image.factors:
        values = {"factor": _name(catalogue, check.factor, ctx),
                  "owner": _score(check.owner, ctx), "data": _score(check.data, ctx)}
        if check.verdict == "data_weaker":
            out.append(text(ctx, _TEXTS, "sentence_weaker", **values,
                            worst=_weakest_figure(ctx, check)))
        elif check.verdict == "data_stronger":
            out.append(text(ctx, _TEXTS, "sentence_stronger", **values))
    for verdict in ("agrees", "not_rated", "no_data"):
        names = [_quoted(ctx, _name(catalogue, c.factor, ctx))
                 for c in image.with_verdict(verdict)]
        if names:
            out.append(text(ctx, _TEXTS, f"list_{verdict}", names=", ".join(names)))
    return out


def view(ctx: Context, questionnaire: str) -> list[Any]:
    """Chart, factor table, sentences and the figures with their reference values."""
    from ..plots.selfimage import selfimage_chart

    found = comparison(ctx, questionnaire)
    if isinstance(found, str):
        return [note(found)]
    catalogue, image = found
    if not image.any_data:
        return [note(text(ctx, _TEXTS, "no_figures"))]
    blocks: list[Any] = []
    if any(c.gap is not None for c in image.factors):
        blocks.append(selfimage_chart(image, catalogue, language=ctx.language,
                                      locale=ctx.locale).figure)
    else:
        blocks.append(note(text(ctx, _TEXTS, "no_answers")))
    blocks.append(factor_table(ctx, catalogue, image))
    blocks += [paragraph(s) for s in factor_sentences(ctx, catalogue, image)]
    return blocks + figure_table(ctx, image)


def live_view(ctx: Context, questionnaire: str) -> Any:
    """Workshop: :func:`view` behind a button, with the answers as they are when pressed (the
    figures take seconds the first time; the forms above must answer at once)."""
    from ..forms import on_demand

    return on_demand(text(ctx, _TEXTS, "live_button"), lambda: view(ctx, questionnaire))


def barrier_lines(ctx: Context) -> list[Any]:
    """Chapter 02: per switching barrier whether the figures show customers staying as the
    owner's lock-in score suggests, and the six factors in one line."""
    lines: list[str] = []
    found = comparison(ctx, "wechselbarrieren")
    if not isinstance(found, str):
        catalogue, image = found
        parts = [text(ctx, _TEXTS, "barrier_part", barrier=_name(catalogue, c.factor, ctx),
                      verdict=_verdict(ctx, c.verdict),
                      owner=_score(c.owner, ctx), data=_score(c.data, ctx))
                 for c in image.factors if c.gap is not None]
        if parts:
            lines.append(text(ctx, _TEXTS, "barriers", parts="; ".join(parts)))
            verdicts = {c.verdict for c in image.factors if c.gap is not None}
            for verdict in ("data_stronger", "data_weaker"):
                if verdict in verdicts:
                    lines.append(text(ctx, _TEXTS, f"barriers_{verdict}"))
    six = comparison(ctx, "sechs_faktoren")
    if not isinstance(six, str):
        catalogue, image = six
        judged = [c for c in image.factors if c.gap is not None]
        weaker = [_quoted(ctx, _name(catalogue, c.factor, ctx)) for c in judged
                  if c.verdict == "data_weaker"]
        if judged:
            agree = sum(1 for c in judged if c.verdict == "agrees")
            lines.append(text(ctx, _TEXTS, "six_line", agree=agree, total=len(judged)) + (
                " " + text(ctx, _TEXTS, "six_weaker", names=", ".join(weaker))
                if weaker else ""))
    return [paragraph(" ".join(lines))] if lines else []


def verdict_column(ctx: Context, factors: list[str]) -> tuple[str, list[str]] | None:
    """Header and one verdict label per six-factor key (``None`` without a comparison, and in
    the workshop: the figures would hold up the forms; chapter 1 shows them on request)."""
    if ctx.live:
        return None
    found = comparison(ctx, "sechs_faktoren")
    if isinstance(found, str) or not found[1].any_data:
        return None
    image = found[1]
    return (label(ctx, _TEXTS, "columns", "verdict_plan"),
            [_verdict(ctx, image.factor(f).verdict) for f in factors])


def flag_lines(ctx: Context, chosen: list[str]) -> list[str]:
    """Chapter 06: a flag for every factor whose figures are weaker than the owner thinks –
    inside the priority list (``chosen``) and outside it. In the workshop one line pointing
    to chapter 1's button instead (computing the figures would hold up the forms)."""
    if ctx.live:
        return [text(ctx, _TEXTS, "flag_live")]
    found = comparison(ctx, "sechs_faktoren")
    if isinstance(found, str):
        return []
    catalogue, image = found
    out = []
    for check in image.with_verdict("data_weaker"):
        key = "flag_chosen" if check.factor in chosen else "flag_outside"
        out.append(text(ctx, _TEXTS, key, factor=_name(catalogue, check.factor, ctx),
                        owner=_score(check.owner, ctx), data=_score(check.data, ctx)))
    return out
