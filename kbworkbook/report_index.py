"""The report's first page: ``index.html`` (findings, key figures, chapters with status,
action plan, data basis) and ``figures.json`` beside it.

The index is always written, whatever a chapter or one of its own parts did: a part that fails
is replaced by a German (or English) note naming no more than the error's kind.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .chapters import CHAPTERS
from .fileio import atomic_write_text
from .findings import chapter_question
from .i18n import language_of
from .report_html import page, strip_external_references
from .report_result import ReportResult
from .report_text import first_line, t
from .workspace import Workspace

__all__ = ["write_figures", "write_index"]



def _data_basis_rows(ws: Workspace, language: str) -> list[tuple[str, str]]:
    """(input, "file · period · size") rows; a broken or missing input says so."""
    from .chapters.ueberblick import data_basis
    from .notebook import Context

    rows = data_basis(Context(workspace=ws, language=language_of(language)))
    return [(label, " · ".join(part for part in rest if part)) for label, *rest in rows]


def _key_figures(ctx: Any) -> list[tuple[str, str]]:
    from .chapters.ueberblick import key_figures

    return key_figures(ctx)


def write_figures(ctx: Any, path: Path) -> Path:
    """Write ``figures.json``: every key figure of the report once, from the same analysis the
    chapters present (rates as fractions, money in the client's currency)."""
    from .figures import figures_document
    from .fileio import atomic_write_json

    atomic_write_json(path, figures_document(ctx.analysis(), ctx.currency))
    return path


def _index_summary_blocks(ws: Workspace, language: str, as_of: dt.date | None) -> str:
    """Extra index sections contributed by chapters (e.g. the action plan), as HTML."""
    from .chapters.aktionsplan import summary_html
    from .notebook import Context

    table = summary_html(Context(workspace=ws, language=language_of(language), as_of=as_of))
    if not table:
        return ""
    return f"<h2>{html.escape(t(language, 'action_plan'))}</h2>{table}"


def _safe(call: Callable[[], Any], fallback: Any, errors: list[str], language: str) -> Any:
    """Index extras must never sink the index: record the German reason and go on."""
    from .errors import KbWorkbookError

    try:
        return call()
    except KbWorkbookError as exc:
        errors.append(first_line(str(exc)))
    except Exception as exc:  # noqa: BLE001 - whatever a part did, the index is written
        errors.append(t(language, "index_part_failed", name=type(exc).__name__))
    return fallback


def _self_assessment(ctx: Any, ws: Workspace, language: str) -> Any:
    """The latest six-factor assessment as :class:`~kbworkbook.findings.SelfAssessment`, with
    chapter 01's comparison against the analysis' figures (the same function and reference
    values the chapter uses; the figures are read from the cached analysis, not recomputed)."""
    from .chapters import questionnaire as q
    from .findings import SelfAssessment
    from .questionnaires.scoring import handlungsbedarf, strongest_and_weakest
    from .store import AnswerStore

    store = AnswerStore(ws)
    catalogue = store.catalogue("sechs_faktoren").for_locale(ws.locale)
    history = [a for a in store.history("sechs_faktoren") if a.answers]
    if not history:
        return None
    score = q.score_of(catalogue, history[-1])
    if score is None:
        return None
    before = q.score_of(catalogue, history[-2]) if len(history) >= 2 else None
    scores = score.factor_scores
    best, _worst = strongest_and_weakest(score)
    ranking = handlungsbedarf(scores, score.weights)

    def name(key: str) -> str:
        return catalogue.factor(key).label(language)

    top = ranking.iloc[0] if len(ranking) else None
    return SelfAssessment(
        strongest=(name(best[0]), scores[best[0]]) if best else None,
        top_need=(name(str(top["factor"])), float(top["score"]), float(top["need"]))
        if top is not None else None,
        index_now=score.index,
        index_before=before.index if before is not None else None,
        date_before=history[-2].started.date() if before is not None else None,
        figures=_figures_check(ctx, language),
    )


def _figures_check(ctx: Any, language: str) -> tuple[Any, ...]:
    """Every six-factor factor that the owner rated and the figures judge (chapter 01)."""
    from .chapters._selfimage import comparison
    from .findings import FactorFigures

    found = comparison(ctx, "sechs_faktoren")
    if isinstance(found, str):  # chapter 01 says why; the index goes without
        return ()
    catalogue, image = found
    return tuple(FactorFigures(catalogue.factor(c.factor).label(language), c.owner, c.data,
                               c.verdict)
                 for c in image.factors if c.data is not None and c.gap is not None)


def _findings_html(ctx: Any, ws: Workspace, language: str) -> str:
    """"Das Wichtigste in Kürze": the findings, each with a link to its chapter."""
    from .figures import key_figures
    from .findings import derive_findings, findings_title

    figures = {f.key: f.value for f in key_figures(ctx.analysis())}
    found = derive_findings(figures, _self_assessment(ctx, ws, language), language, ctx.locale,
                            ws.currency)
    if not found:
        return ""
    pages = {c.number: Path(c.notebook).stem + ".html" for c in CHAPTERS}
    link = "Kapitel" if language_of(language) == "de" else "Chapter"
    items = "".join(
        f'<li>{html.escape(f.text)} <a href="{pages[f.chapter]}">→&nbsp;{link}&nbsp;'
        f"{f.chapter}</a></li>" for f in found)
    return (f'<section class="kb-findings"><h2>{html.escape(findings_title(language, ctx.locale))}'
            f"</h2><ol>{items}</ol></section>")


def write_index(result: ReportResult, ws: Workspace, as_of: dt.date | None,
                created: dt.date) -> Path:
    """Write ``index.html`` (client, date, data basis, key figures, chapters with status) and
    ``figures.json`` beside it."""
    from .notebook import Context, as_of_text

    lang = result.language
    problems: list[str] = []
    ctx = Context(workspace=ws, language=language_of(lang), as_of=as_of)
    shown = as_of if as_of else _safe(lambda: as_of_text(ctx), None, problems, lang)
    shell = page(ws, lang, shown, created, t(lang, "report"), back_link=False)
    findings = _safe(lambda: _findings_html(ctx, ws, lang), "", problems, lang)
    figures = _safe(lambda: _key_figures(ctx), [], problems, lang)
    _safe(lambda: write_figures(ctx, result.out_dir / "figures.json"), None, problems, lang)
    basis = _safe(lambda: _data_basis_rows(ws, lang), [], problems, lang)
    extra = _safe(lambda: _index_summary_blocks(ws, lang, as_of), "", problems, lang)
    parts = [f'<h1>{html.escape(t(lang, "report"))}</h1>']
    if findings:
        parts.append(findings)
    if figures:
        parts.append(f'<h2>{html.escape(t(lang, "key_figures"))}</h2><div class="kb-kpis">')
        for label, value in figures:
            parts.append(f'<div class="kb-kpi"><div class="kb-kpi-value">{html.escape(value)}'
                         f'</div><div class="kb-kpi-label">{html.escape(label)}</div></div>')
        parts.append("</div>")
    parts.append(f'<h2>{html.escape(t(lang, "chapters"))}</h2><table class="kb-table">')
    for item in result.chapters:
        title = f"{item.chapter.number} · {item.chapter.title(lang, ws.locale)}"
        link = (f'<a href="{html.escape(item.html_path.name)}">{html.escape(title)}</a>'
                if item.html_path else html.escape(title))
        if item.ok:
            status = f'<span class="kb-status-ok">{t(lang, "status_ok")}</span>'
        else:
            status = (f'<span class="kb-status-failed">{t(lang, "status_failed")}</span>'
                      f'<div class="kb-failed">{html.escape(item.failure_text(lang))}</div>')
        question = html.escape(chapter_question(item.chapter.number, lang, ws.locale))
        parts.append(f"<tr><td>{link}</td><td>{question}</td><td>{status}</td></tr>")
    parts.append("</table>")
    if extra:
        parts.append(extra)
    if basis:
        parts.append(f'<h2>{html.escape(t(lang, "data_basis"))}</h2><table class="kb-table">')
        for name, text in basis:
            parts.append(f"<tr><th>{html.escape(name)}</th><td>{html.escape(text)}</td></tr>")
        parts.append("</table>")
    for text in problems:
        parts.append(f'<div class="kb-note">{html.escape(text)}</div>')
    document = (
        f'<!DOCTYPE html>\n<html lang="{language_of(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        f"<title>{html.escape(ws.client_name)} – {html.escape(t(lang, 'report'))}</title>"
        f"<style>{shell.css}</style></head><body class=\"kb-index\">{shell.header}<main>"
        + "".join(parts)
        + f"</main>{shell.footer}</body></html>\n"
    )
    atomic_write_text(result.index_path, strip_external_references(document))
    return result.index_path
