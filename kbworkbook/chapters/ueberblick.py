"""Chapter 00 · Überblick: what the workshop covers, data basis, key figures, agenda."""

from __future__ import annotations

from typing import Any

from ..errors import DataError
from ..i18n import format_date, format_integer
from ..notebook import Context, note
from ..workspace import INPUTS
from . import _html
from ._narrative import markdown, text, texts

__all__ = ["ABOUT", "INPUTS", "SECTIONS", "agenda", "data_basis", "data_status", "intro",
           "key_figures", "key_figures_section"]

SECTIONS = ["intro", "key_figures_section", "data_status", "agenda"]
ABOUT = ("Einstieg in den Workshop: Ziele, Datenstand und die wichtigsten Kennzahlen des "
         "Kunden auf einen Blick.")

_LABELS = {
    "de": {"transactions": "Verkäufe", "nps": "NPS-Umfrage", "posts": "Social-Media-Beiträge",
           "complaints": "Beschwerden", "missing": "nicht vorhanden",
           "broken": "{n} Problem(e) in {file} – bitte »kbworkbook check« ausführen",
           "rows": "Zeilen", "customers": "Kunden", "file": "Datei", "input": "Daten",
           "period": "Zeitraum", "content": "Umfang"},
    "en": {"transactions": "Sales", "nps": "NPS survey", "posts": "Social media posts",
           "complaints": "Complaints", "missing": "not present",
           "broken": "{n} problem(s) in {file} – please run 'kbworkbook check'",
           "rows": "rows", "customers": "customers", "file": "File", "input": "Data",
           "period": "Period", "content": "Size"},
}


_TEXTS = texts(__file__)


def intro(ctx: Context) -> list[Any]:
    """Why customer retention, what the report contains, the privacy promise."""
    return [markdown(ctx, _TEXTS, "intro")]


def key_figures(ctx: Context) -> list[tuple[str, str]]:
    """Up to six (label, formatted value) pairs; also used on the report's index page."""
    from ._sections import headline_figures

    return list(headline_figures(ctx))


def key_figures_section(ctx: Context) -> list[Any]:
    """The key figures as tiles."""
    figures = key_figures(ctx)
    if not figures:
        return [markdown(ctx, _TEXTS, "key_figures"), note(text(ctx, _TEXTS, "no_key_figures"))]
    return [markdown(ctx, _TEXTS, "key_figures"), _html.block(_html.kpi_tiles(figures))]


def data_basis(ctx: Context) -> list[tuple[str, str, str, str]]:
    """(input label, file, period, size) per input; a broken file says how many problems.
    From the table cache's facts: a million sales lines are not loaded for this table."""
    labels = _LABELS[ctx.language]
    rows = []
    for name in INPUTS:
        try:
            facts = ctx.table_facts(name)
        except DataError as exc:
            file = exc.problems[0].file if exc.problems else name
            rows.append((labels[name], file,
                         labels["broken"].format(n=len(exc.problems), file=file), ""))
            continue
        if facts is None:
            rows.append((labels[name], "", labels["missing"], ""))
            continue
        period = ""
        if facts.first is not None and facts.last is not None:
            period = (f"{format_date(facts.first, ctx.locale)} – "
                      f"{format_date(facts.last, ctx.locale)}")
        size = f"{format_integer(facts.rows, ctx.locale)} {labels['rows']}"
        if facts.customers:
            size += f", {format_integer(facts.customers, ctx.locale)} {labels['customers']}"
        rows.append((labels[name], facts.file, period, size))
    return rows


def data_status(ctx: Context) -> list[Any]:
    """Table of the data basis."""
    labels = _LABELS[ctx.language]
    head = [labels[k] for k in ("input", "file", "period", "content")]
    return [markdown(ctx, _TEXTS, "data_status"),
            _html.block(_html.table(head, data_basis(ctx)))]


def agenda(ctx: Context) -> list[Any]:
    """The half-day workshop agenda of the kit (one source: ``kit/agenda.toml``)."""
    from ..kit.content import agenda as kit_agenda
    from ..kit.content import localized, schedule
    from ..notebook import paragraph
    from ._narrative import label

    plan = kit_agenda("half")
    total = sum(block.minutes for block in plan.blocks)
    hours = f"{total // 60}:{total % 60:02d} h"
    rows = [[f"{slot.start:%H:%M}–{slot.end:%H:%M}", str(slot.block.minutes),
             localized(slot.block.title, ctx.language, ctx.locale), slot.block.chapter or ""]
            for slot in schedule(plan)]
    head = [label(ctx, _TEXTS, "agenda_columns", k)
            for k in ("time", "minutes", "step", "chapter")]
    return [markdown(ctx, _TEXTS, "agenda", hours=hours),
            _html.block(_html.table(head, rows, numeric=(1,), css="kb-agenda")),
            paragraph(text(ctx, _TEXTS, "agenda_after"))]
