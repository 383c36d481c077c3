"""Chapter 06 · Aktionsplan: three-pillar check, weakest factors, the action plan.

The plan is the newest saved one (``answers/aktionsplan/``); without one, a proposal is built
from the two factors with the greatest Handlungsbedarf and the chosen instruments
(:func:`kbworkbook.plan.propose_actions`). :func:`summary` / :func:`summary_html` give the
plan for the report's index page. Everything a user typed has contact data masked
(:mod:`kbworkbook.scrub`, with a note) and is escaped before it becomes HTML.
What a hand-edited plan or selection file could not give (a field that does not validate, an
unreadable newer version) is named in a note, in the chapter and on the index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ..i18n import format_date, format_decimal, swiss_spelling
from ..instruments import load_catalogue
from ..notebook import Context, note, paragraph
from ..plan import (
    PLAN_FOLDER,
    SELECTION_FOLDER,
    ActionPlan,
    load_action_plan,
    load_selection,
    propose_actions,
    unreadable_versions,
)
from ..scrub import CONTACT_KINDS, KINDS, privacy_note, scrub
from . import _html
from ._narrative import label, markdown, text, texts
from ._sections import need_by_factor
from ._selfimage import flag_lines, verdict_column

__all__ = [
    "ABOUT",
    "INPUTS",
    "SECTIONS",
    "action_plan",
    "current_plan",
    "file_problems",
    "intro",
    "management_check",
    "summary",
    "summary_html",
    "weakest_factors",
]

#: Data inputs this chapter reads (listed in its footer).
INPUTS: tuple[str, ...] = ()
ABOUT = (
    "Management-Check der drei Säulen und Aktionsplan mit Verantwortlichen, Terminen und "
    "Erfolgskennzahl."
)
SECTIONS: list[str] = ["intro", "management_check", "weakest_factors", "action_plan"]
WEAKEST = 2

_TEXTS = texts(__file__)


def intro(ctx: Context) -> list[Any]:
    """What the plan is for and how progress will be checked."""
    return [markdown(ctx, _TEXTS, "intro")]


def management_check(ctx: Context) -> list[Any]:
    """The three-pillar management check (questionnaire ``management_check``)."""
    from .questionnaire import section

    return [markdown(ctx, _TEXTS, "management_check"), *section(ctx, "management_check")]


def _weakest(ctx: Context) -> list[tuple[str, float, float]]:
    need = need_by_factor(ctx)
    if need is None:
        return []
    top = need.head(WEAKEST)
    return [(str(r["factor"]), float(r["score"]), float(r["need"]))
            for r in top.to_dict("records")]


def weakest_factors(ctx: Context) -> list[Any]:
    """The two factors with the greatest Handlungsbedarf."""
    blocks: list[Any] = [markdown(ctx, _TEXTS, "weakest")]
    weakest = _weakest(ctx)
    if not weakest:
        return blocks + [note(text(ctx, _TEXTS, "no_need"))]
    cat = load_catalogue()
    rows = [[swiss_spelling(f"{f} {cat.label('factors', f, ctx.language)}", ctx.locale),
             format_decimal(score, ctx.locale, 0), format_decimal(need, ctx.locale, 0)]
            for f, score, need in weakest]
    head = [label(ctx, _TEXTS, "columns", c) for c in ("factor", "score", "need")]
    chosen = [f for f, _score, _need in weakest]
    data = verdict_column(ctx, chosen)  # what the client's figures say (chapter 1)
    if data is not None:
        head.append(data[0])
        rows = [[*row, verdict] for row, verdict in zip(rows, data[1], strict=True)]
    blocks.append(_html.block(_html.table(head, rows, numeric=(1, 2))))
    return blocks + [paragraph(s) for s in (*_need_notes(ctx), *flag_lines(ctx, chosen))]


def _need_notes(ctx: Context) -> list[str]:
    """The same sentences as chapter 1: why these two, and any tie (named, never hidden)."""
    from ..questionnaires import SIX_FACTORS
    from ..store import AnswerStore
    from .questionnaire import need_sentences

    need = need_by_factor(ctx)
    catalogue = AnswerStore(ctx.workspace).catalogue(SIX_FACTORS).for_locale(ctx.locale)
    return need_sentences(catalogue, need, ctx.language, ctx.locale, top=WEAKEST)


def _as_of(ctx: Context) -> dt.date:
    if ctx.as_of is not None:
        return ctx.as_of
    return dt.date.today()  # only when neither the notebook nor kbworkbook.toml set a date


def current_plan(ctx: Context) -> ActionPlan:
    """The newest saved plan, or (``proposed=True``) the proposal when none is saved.

    ``problems`` names what could not be read from the saved files.
    """
    saved = load_action_plan(ctx.workspace, language=ctx.language)
    if saved is not None:
        return saved
    from dataclasses import replace

    return replace(_proposal(ctx),
                   problems=unreadable_versions(ctx.workspace, PLAN_FOLDER, ctx.language))


def file_problems(ctx: Context) -> list[str]:
    """What the saved plan and selection files could not give (for chapter and index)."""
    selection = load_selection(ctx.workspace, language=ctx.language)
    from_selection = (selection.problems if selection is not None
                      else unreadable_versions(ctx.workspace, SELECTION_FOLDER, ctx.language))
    return list(dict.fromkeys([*current_plan(ctx).problems, *from_selection]))


def _proposal(ctx: Context) -> ActionPlan:
    selection = load_selection(ctx.workspace, language=ctx.language)
    cat = load_catalogue()
    if selection is not None:
        from dataclasses import replace

        selection = replace(selection, instruments=tuple(
            c for c in selection.instruments if c.key in cat.keys))
    return propose_actions(_weakest(ctx), selection, _as_of(ctx), language=ctx.language,
                           catalogue=cat)


def _metric_label(ctx: Context, key: str) -> str:
    if not key:
        return ""
    cat = load_catalogue()
    return swiss_spelling(cat.label("metrics", key, ctx.language), ctx.locale)


def _typed(ctx: Context, value: str, found: set[str], kinds: Iterable[str] = KINDS) -> str:
    """A field someone typed, with personal data masked (kinds collected in ``found``)."""
    result = scrub(value, ctx.language, kinds)
    found.update(result.found)
    return result.text


def summary(ctx: Context, found: set[str] | None = None) -> list[dict[str, str]]:
    """The plan as plain-text rows (NOT escaped – callers building HTML must escape).

    Keys: ``title``, ``owner``, ``due``, ``metric``, ``target``, ``status``; empty list when
    there is nothing to show. Proposals (nothing saved yet) are included, marked by
    ``status`` = the localized "offen". Typed fields (title, owner, target) have contact data
    masked, title and target also personal names (the owner field names staff on purpose);
    the kinds masked are added to ``found`` when given.
    """
    plan = current_plan(ctx)
    open_text = text(ctx, _TEXTS, "open")
    masked: set[str] = set() if found is None else found
    rows = []
    for action in plan.actions:
        rows.append({
            "title": _typed(ctx, action.title, masked),
            # who does it: the firm's own staff, named on purpose; contact data is still masked
            "owner": _typed(ctx, action.owner, masked, CONTACT_KINDS) or open_text,
            "due": format_date(action.due, ctx.locale) if action.due else open_text,
            "metric": _metric_label(ctx, action.metric) or open_text,
            "target": _typed(ctx, action.target, masked),
            "status": label(ctx, _TEXTS, "statuses", action.status),
        })
    return rows


def summary_html(ctx: Context, *, with_problems: bool = True) -> str:
    """The plan as an escaped HTML table, after notes on what the saved files could not give.

    Empty string when there is neither an action nor a problem to show.
    """
    found: set[str] = set()
    rows = summary(ctx, found)
    notes = _html.notes(file_problems(ctx)) if with_problems else ""
    if not rows:
        return notes
    keys = ("title", "owner", "due", "metric", "target", "status")
    head = [label(ctx, _TEXTS, "columns", k) for k in ("number", *keys)]
    body = [[str(i), *(r[k] for k in keys)] for i, r in enumerate(rows, start=1)]
    privacy = _html.notes([privacy_note(found, ctx.language)]) if found else ""
    return notes + _html.table(head, body, numeric=(0,), css="kb-action-plan") + privacy


def action_plan(ctx: Context) -> list[Any]:
    """Live: the plan editor (saves every change). Report: the plan as a table."""
    blocks: list[Any] = [markdown(ctx, _TEXTS, "plan")]
    plan = current_plan(ctx)
    if ctx.live:
        from .massnahmen_forms import PlanEditor

        cat = load_catalogue()
        metrics = [(swiss_spelling(cat.label("metrics", k, ctx.language), ctx.locale), k)
                   for k in cat.labels["metrics"]]
        editor = PlanEditor(ctx, plan, _proposal(ctx), metrics)
        return blocks + [note(p) for p in plan.problems] + [
            paragraph(text(ctx, _TEXTS, "plan_live")), editor.widget]
    blocks += [note(p) for p in file_problems(ctx)]
    if not plan.actions:
        return blocks + [note(text(ctx, _TEXTS, "empty"))]
    if plan.proposed:
        blocks.append(note(text(ctx, _TEXTS, "proposed")))
    elif plan.saved_at is not None:
        when = format_date(plan.saved_at, ctx.locale)
        blocks.append(paragraph(text(ctx, _TEXTS, "saved_at", when=when)))
    return blocks + [_html.block(summary_html(ctx, with_problems=False))]
