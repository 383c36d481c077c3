"""Context glue shared by the chapters: load an input, the Stichtag, common notes, tables.

Not a chapter: no ``SECTIONS``. Functions take a :class:`~kbworkbook.notebook.Context` and
return blocks or the loaded data; figures come from the analysis layer
(:mod:`kbworkbook.figures`, :mod:`kbworkbook.programme`), never computed here. Text for the
notes of this module lives in ``_sections.toml``; the callers pass their own catalogue for
``broken``, ``transactions_missing`` and ``undefined``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..errors import DataError, KbWorkbookError
from ..figures import format_figure, key_figures
from ..i18n import format_integer, format_percent
from ..notebook import Context, note
from ..programme import ClientFigures, figures_from_analysis, with_notes
from ..reasons import reason_of
from . import _html
from ._narrative import label, text, texts

__all__ = [
    "as_of",
    "client_figures",
    "figure_of",
    "headline_figures",
    "identified_note",
    "load",
    "need_by_factor",
    "table_html",
    "transactions_at",
    "undefined",
]

_TEXTS = texts(__file__)


def table_html(header: Sequence[str], rows: Sequence[Sequence[str]],
               numeric_from: int = 1, text_columns: Sequence[int] = ()) -> Any:
    """An escaped ``kb-table`` block; columns from ``numeric_from`` on are right-aligned, except
    ``text_columns``."""
    numeric = {i for i in range(numeric_from, len(header)) if i not in text_columns}
    return _html.block(_html.table(header, rows, numeric=numeric))


def load(ctx: Context, name: str, texts: dict[str, dict[str, str]]) -> tuple[Any, list[Any]]:
    """``(frame, [])`` or ``(None, [note])`` when the input's file is broken (DataError)."""
    try:
        return ctx.table(name), []
    except DataError as exc:
        problems = getattr(exc, "problems", ()) or ()
        file = problems[0].file if problems else name
        return None, [note(text(ctx, texts, "broken", file=file,
                                n=max(1, len(getattr(exc, "problems", ()) or ()))))]


def transactions_at(ctx: Context, texts: dict[str, Any],
                    blocks: list[Any]) -> tuple[Any, Any, list[Any]]:
    """``(transactions, as_of, [])``, or ``(None, None, blocks + [note])`` when the sales data
    are broken or missing (``texts`` needs ``broken`` and ``transactions_missing``)."""
    frame, problems = load(ctx, "transactions", texts)
    if problems:
        return None, None, blocks + problems
    day = as_of(ctx, frame)
    if frame is None or day is None:
        return None, None, blocks + [note(text(ctx, texts, "transactions_missing"))]
    return frame, day, []


def as_of(ctx: Context, transactions: pd.DataFrame | None) -> pd.Timestamp | None:
    """The analysis date: ``ctx.as_of``, else the last transaction date, else ``None``."""
    if ctx.as_of is not None:
        return pd.Timestamp(ctx.as_of)
    if transactions is not None and len(transactions) and transactions["date"].notna().any():
        return pd.Timestamp(transactions["date"].max()).normalize()
    return None


def sales_day(ctx: Context, texts: dict[str, Any],
              blocks: list[Any]) -> tuple[pd.Timestamp | None, list[Any]]:
    """``(as_of, [])`` as :func:`transactions_at` gives it, without loading the sales (for a
    section that shows the analysis' figures); ``(None, blocks + [note])`` when they are
    broken or missing."""
    try:
        facts = ctx.table_facts("transactions")
    except DataError:
        _, problems = load(ctx, "transactions", texts)  # the note that names the file
        return None, blocks + problems
    day = _day_of(ctx, facts)
    if facts is None or day is None:
        return None, blocks + [note(text(ctx, texts, "transactions_missing"))]
    return day, []


def stichtag(ctx: Context) -> pd.Timestamp | None:
    """:func:`as_of` without loading the sales: ``ctx.as_of``, else the last sales date from
    the table cache's facts; ``None`` without sales (or when their file is broken)."""
    if ctx.as_of is not None:
        return pd.Timestamp(ctx.as_of)
    try:
        return _day_of(ctx, ctx.table_facts("transactions"))
    except DataError:
        return None


def _day_of(ctx: Context, facts: Any) -> pd.Timestamp | None:
    """``ctx.as_of``, else the last date of the sales' ``facts`` (``None`` without)."""
    if ctx.as_of is not None:
        return pd.Timestamp(ctx.as_of)
    return None if facts is None or facts.last is None else facts.last.normalize()


def identified_note(ctx: Context) -> list[Any]:
    """A note saying which share of the window's revenue and purchases comes from identified
    customers (walk-in sales have no customer number).

    Empty when every line of the window has a customer number (nothing to say) or none has
    (the per-customer sections then explain why they are missing).
    """
    share = ctx.analysis().identified
    if share is None or share.complete or share.known_lines == 0 or not share.revenue \
            or not share.receipts:
        return []
    return [note(text(ctx, _TEXTS, "identified_share", months=ctx.analysis().window.months,
                      revenue=format_percent(share.revenue_share, ctx.locale, 0),
                      receipts=format_percent(share.receipt_share, ctx.locale, 0)))]


def undefined(ctx: Context, texts: dict[str, dict[str, str]], exc: Exception | str) -> Any:
    """A note that a figure cannot be computed, with the reason in the reader's language."""
    reason = exc if isinstance(exc, str) else reason_of(exc, ctx.language, ctx.locale)
    return note(text(ctx, texts, "undefined", reason=reason))


def figure_of(obj: Any) -> Any:
    """The Figure of an Axes (plots return Axes) or the Figure itself."""
    return obj.figure if hasattr(obj, "figure") and not hasattr(obj, "savefig") else obj


def client_figures(ctx: Context) -> ClientFigures:
    """The programme figures of chapters 05 and 06 from the context's analysis, computed once.

    Data that cannot be loaded does not stop the chapter: the figure falls back to
    kbworkbook.toml or the default, and the German reason is kept in ``notes``.
    """
    def compute() -> ClientFigures:
        notes: list[str] = []
        for name in ("transactions", "complaints"):
            try:
                ctx.table_facts(name)  # a broken file says so; a kept one is not loaded
            except DataError as exc:
                notes.append(str(exc).splitlines()[0] if str(exc) else name)
        return with_notes(figures_from_analysis(ctx.analysis()), tuple(notes))

    return ctx.memo("massnahmen.client_figures", compute)


def need_by_factor(ctx: Context) -> pd.DataFrame | None:
    """Handlungsbedarf per factor from the newest six-factor assessment, or ``None``.

    Columns ``factor``, ``score``, ``weight``, ``need``, ``rank`` (1 = most urgent). ``None``
    when nothing has been answered yet or the answers cannot be read.
    """
    from ..questionnaires.scoring import handlungsbedarf
    from ..store import AnswerStore

    try:
        score = AnswerStore(ctx.workspace).score("sechs_faktoren")
    except (KbWorkbookError, OSError, ValueError):
        return None
    if score is None:
        return None
    table = handlungsbedarf(score.factor_scores, score.weights)
    return table if len(table) else None


def headline_figures(ctx: Context) -> list[tuple[str, str]]:
    """Up to six ``(label, formatted value)`` key figures of the current window.

    NPS (answers of the window, with their number and the window; all answers when the survey
    has no dates), retention rate, repeat-purchase rate, revenue and
    active customers, revenue share of regular customers – from the analysis and formatted
    exactly as in the chapters. Undefined figures are left out (the chapters explain them).
    """
    analysis = ctx.analysis()
    figures = {f.key: f.value for f in key_figures(analysis)}
    months = analysis.window.months
    n = format_integer(figures.get("nps_answers"), ctx.locale)
    keys = ("nps", "crr", "repeat_rate", "revenue", "active_customers",
            "regulars_revenue_share")
    nps = "nps" if analysis.nps_dated else "nps_all"
    return [(label(ctx, _TEXTS, "headline", nps if key == "nps" else key).format(n=n, m=months),
             format_figure(key, figures[key], ctx.locale, ctx.currency))
            for key in keys if figures.get(key) is not None]
