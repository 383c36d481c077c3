"""What a chapter notebook needs around its sections: context, display, notes.

A notebook's second cell is ``ctx = kb.notebook.setup(workspace, language, as_of, live)``;
every later code cell calls one section function ``kbworkbook.chapters.<chapter>.<name>(ctx)``
and passes its blocks to :func:`show`. Section functions return a list of *blocks*:

- :class:`IPython.display.HTML` (all user-typed text already escaped with ``html.escape``),
- a matplotlib ``Figure`` (closed after display so it appears once),
- a ipywidgets widget (only when ``ctx.live``; reports never depend on widgets).

Missing optional data is not a failure: the section returns :func:`note` blocks instead.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .i18n import Language, language_of
from .workspace import CONFIG_FILE, Workspace, sample_playground

__all__ = [
    "Context", "as_of_text", "figure_image", "footer", "header", "note", "paragraph", "setup",
    "show",
]

#: Set by ``kbworkbook lab``: the workspace notebooks use when their parameter is ``None``.
WORKSPACE_ENV = "KBWORKBOOK_WORKSPACE"


def _workspace_of_notebook_folder(folder: Path) -> Path | None:
    """The workspace a notebook in ``folder`` belongs to: ``<workspace>/notebooks/`` → workspace.

    Lets the workspace's copy of the notebooks find their workspace when opened by any Jupyter
    (the kernel starts in the notebook's folder), not only by ``kbworkbook lab``.
    """
    if folder.name == "notebooks" and (folder.parent / CONFIG_FILE).is_file():
        return folder.parent
    return None


@dataclass(frozen=True)
class Context:
    """Everything a section needs: the workspace, text language, analysis date, live or report."""

    workspace: Workspace
    language: Language = "de"
    as_of: dt.date | None = None
    live: bool = False

    _tables: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def table(self, name: str) -> Any:
        """The canonical table ``name`` of the workspace, or ``None`` when its file is absent.

        Loaded once per context (sections share it) and kept in the workspace's table cache
        (:mod:`kbworkbook.table_cache`: the kernels of a report read each file once). A broken
        file raises ``DataError``.
        """
        if name not in self._tables:
            from .metrics._common import with_customer_codes, with_order_codes
            from .schemas import load_optional
            from .table_cache import cached_table

            def load() -> Any:
                frame = load_optional(self.workspace, name)
                # sales: customer and order numbers coded once for every metric (helper
                # columns, kept in the table cache)
                return (with_order_codes(with_customer_codes(frame))
                        if name == "transactions" and frame is not None else frame)

            self._tables[name] = cached_table(self.workspace, name, load)
        return self._tables[name]

    def table_facts(self, name: str) -> Any:
        """File, rows and date range of table ``name``
        (:class:`kbworkbook.table_cache.TableFacts`; ``None`` when its file is absent), from
        the table cache's file footer when the table is not loaded here: a chapter that only
        names its inputs in the footer does not load a million sales lines for it."""
        from .table_cache import TableFacts, table_facts

        if name not in self._tables:
            known, facts = table_facts(self.workspace, name)
            if known:
                return facts
        frame = self.table(name)
        return None if frame is None else TableFacts.of(frame, name)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per context: sections of a chapter share derived figures."""
        cache_key = f"memo:{key}"
        if cache_key not in self._tables:
            self._tables[cache_key] = compute()
        return self._tables[cache_key]

    def analysis(self) -> Any:
        """The client's figures (:class:`kbworkbook.figures.Analysis`), computed once per
        workspace and inputs (:func:`kbworkbook.analysis_cache.workspace_analysis`: the report's
        kernels share one computation) and kept for the context.

        Each input is read only when the analysis is computed; a broken input file counts as
        missing here (the sections that read it say why).
        """
        from .analysis_cache import keep_winback, workspace_analysis
        from .figures import Settings

        def compute() -> Any:
            analysis = workspace_analysis(self.workspace, _LazyTables(self),
                                          Settings.of(self.workspace), self.as_of)
            keep_winback(self.workspace, analysis)  # the list's follow-up: once, kept apart
            return analysis

        return self.memo("analysis", compute)

    @property
    def locale(self) -> str:
        """Number/date locale: the workspace's, or ``en`` when the text language is English."""
        return "en" if self.language == "en" else self.workspace.locale

    @property
    def currency(self) -> str:
        return self.workspace.currency


class _LazyTables(Mapping[str, Any]):
    """The context's tables, each loaded on first access; a broken file reads as ``None``."""

    _NAMES = ("transactions", "nps", "posts", "complaints", "calllists")

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def __getitem__(self, name: str) -> Any:
        from .errors import DataError

        if name not in self._NAMES:
            raise KeyError(name)
        if name == "calllists":  # the win-back lists recorded in listen/ (for the follow-up)
            from .calllist_files import read_lists

            return self._ctx.memo("calllists", lambda: read_lists(self._ctx.workspace))
        try:
            return self._ctx.table(name)
        except DataError:
            return None

    def __iter__(self) -> Iterator[str]:
        return iter(self._NAMES)

    def __len__(self) -> int:
        return len(self._NAMES)


def _parse_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def setup(
    workspace: str | Workspace | None = None,
    language: str | None = None,
    as_of: str | dt.date | None = None,
    live: bool = False,
) -> Context:
    """Open the workspace (``None`` = sample client) and build the chapter context.

    ``workspace=None`` looks, in order, at ``$KBWORKBOOK_WORKSPACE`` (set by ``kbworkbook lab``)
    and at the current folder: a notebook in ``<workspace>/notebooks/`` uses that workspace.
    ``language=None`` takes the workspace's language; ``as_of=None`` takes ``[analysis] as_of``
    from kbworkbook.toml (or, later, the last day with data). Live on the sample client, the
    forms save into a playground copy (:func:`~kbworkbook.workspace.sample_playground`), never
    into the bundled sample.
    """
    if workspace in (None, ""):
        found = os.environ.get(WORKSPACE_ENV) or _workspace_of_notebook_folder(Path.cwd())
        workspace = str(found) if found else None
    if workspace is None and live:
        ws = sample_playground()
    else:
        ws = Workspace.open(workspace)
    lang: Language = language_of(language) if language else ws.language
    return Context(workspace=ws, language=lang, as_of=_parse_date(as_of) or ws.as_of, live=live)


def paragraph(text: str, *, css_class: str = "kb-text") -> Any:
    """An escaped paragraph of plain text as an HTML block."""
    from IPython.display import HTML

    return HTML(f'<p class="{css_class}">{html.escape(text)}</p>')


def note(text: str) -> Any:
    """A highlighted, escaped note, e.g. "Keine Beiträge vorhanden – Abschnitt entfällt"."""
    from IPython.display import HTML

    return HTML(f'<div class="kb-note" role="note">{html.escape(text)}</div>')


def figure_image(fig: Any, dpi: int = 110) -> Any:
    """A matplotlib figure as an embedded PNG, whatever matplotlib backend is active.

    The workbook's figures lay themselves out (constrained layout: everything inside the
    canvas, a test checks it), so they are drawn once, as they are; only a figure without a
    layout engine is cropped to its contents (``bbox_inches="tight"`` draws it twice). PNG
    compression level 1 instead of 6. Chapter 04's eight figures: 1.00 s instead of 1.24 s
    untrimmed, and 8 % less again with level 1, for 7 % larger files.
    """
    import io

    from IPython.display import Image

    buffer = io.BytesIO()
    crop = {"bbox_inches": "tight"} if fig.get_layout_engine() is None else {}
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white",
                pil_kwargs={"compress_level": 1}, **crop)
    return Image(data=buffer.getvalue(), format="png")


#: Most bytes of netted receipts a chapter's sections share (:func:`section`; about 33 MB per
#: 10^6 sales lines, kept while the kernel lives)
SECTION_MEMO_BYTES = 96 * 2**20


def section(ctx: Context, chapter: Any, name: str) -> None:
    """Show section ``name`` of the chapter module ``chapter``, then the consultant's comment
    on it (``texts/<module>.toml``, ``[anmerkungen]``) when there is one."""
    from .chapters._narrative import consultant_comment
    from .metrics._orders import OrdersMemo, shared_orders

    # the sections of a chapter net the same receipts once (RFM, call list, …)
    with shared_orders(ctx.memo("orders", lambda: OrdersMemo(limit=SECTION_MEMO_BYTES))):
        blocks = getattr(chapter, name)(ctx)
    show(blocks)
    show(consultant_comment(ctx, chapter.__name__.rsplit(".", 1)[-1], name))


def show(blocks: Iterable[Any] | Any) -> None:
    """Display a section's blocks in order (nested lists flattened); figures are shown as PNG
    and then closed."""
    from IPython.display import display

    if not isinstance(blocks, list | tuple):
        blocks = [blocks]
    for block in blocks:
        if block is None:
            continue
        if isinstance(block, list | tuple):
            show(block)
            continue
        if hasattr(block, "savefig"):
            import matplotlib.pyplot as plt

            display(figure_image(block))
            plt.close(block)
        else:
            display(block)


_HEADER_TEXT = {
    "de": {"chapter": "Kapitel", "client": "Kunde", "as_of": "Stichtag",
           "last_record": "letzter Datensatz, {date}", "sample":
           "Beispielkunde – fiktive Daten zur Demonstration.",
           "data": "Verwendete Daten", "rows": "Zeilen", "period": "Zeitraum",
           "missing": "nicht vorhanden", "answers": "{title}: Einschätzung vom {date} "
           "({answered} Antworten)", "no_answers": "{title}: noch keine Antworten gespeichert"},
    "en": {"chapter": "Chapter", "client": "Client", "as_of": "As of",
           "last_record": "last record, {date}", "sample":
           "Sample client – fictitious data for demonstration.",
           "data": "Data used", "rows": "rows", "period": "period",
           "missing": "not present", "answers": "{title}: assessment of {date} "
           "({answered} answers)", "no_answers": "{title}: no answers saved yet"},
}


def as_of_text(ctx: Context) -> str | None:
    """The date the figures run to: the Stichtag (``31.12.2025``) or, when none is set, the
    last day with data (``letzter Datensatz, 31.12.2025``); ``None`` without any dated data."""
    from .figures import default_as_of
    from .i18n import format_date

    if ctx.as_of:
        return format_date(ctx.as_of, ctx.locale)
    last = default_as_of(_LazyTables(ctx))
    if last is None:
        return None
    return _HEADER_TEXT[ctx.language]["last_record"].format(date=format_date(last, ctx.locale))


def header(ctx: Context, number: str) -> list[Any]:
    """The chapter's title block: number, title, client (escaped), analysis date."""
    from IPython.display import HTML

    from .chapters import chapter

    text = _HEADER_TEXT[ctx.language]
    item = chapter(number)
    meta = f"{text['client']}: {html.escape(ctx.workspace.client_name)}"
    day = as_of_text(ctx)
    if day:
        meta += f" · {text['as_of']}: {html.escape(day)}"
    blocks: list[Any] = [HTML(
        f'<h1 class="kb-chapter-title">{text["chapter"]} {html.escape(number)} · '
        f"{html.escape(item.title(ctx.language, ctx.locale))}</h1>"
        f'<p class="kb-chapter-meta">{meta}</p>'
    )]
    if ctx.workspace.is_sample:
        blocks.append(note(text["sample"]))
    from .chapters._narrative import chapter_texts

    blocks += [note(problem) for problem in chapter_texts(ctx, item.module).problems]
    return blocks


def footer(ctx: Context, inputs: Iterable[str], number: str | None = None) -> list[Any]:
    """Which data the chapter used: file, period and rows per input; the assessments shown."""
    from IPython.display import HTML

    from .i18n import format_date, format_integer
    from .messages import table_title

    text = _HEADER_TEXT[ctx.language]
    rows = []
    for name in inputs:
        facts = ctx.table_facts(name)
        if facts is None:
            rows.append(f"<li>{html.escape(table_title(name, ctx.language))}: "
                        f"{text['missing']}</li>")
            continue
        parts = [html.escape(facts.file),
                 f"{format_integer(facts.rows, ctx.locale)} {text['rows']}"]
        if facts.first is not None and facts.last is not None:
            parts.append(f"{text['period']} {format_date(facts.first, ctx.locale)}–"
                         f"{format_date(facts.last, ctx.locale)}")
        rows.append(f"<li>{' · '.join(parts)}</li>")
    rows.extend(f"<li>{html.escape(line)}</li>" for line in _answers_used(ctx, number))
    if not rows:
        return []
    return [HTML(f'<div class="kb-data-used"><h3>{text["data"]}</h3><ul>{"".join(rows)}</ul>'
                 "</div>")]


def _answers_used(ctx: Context, number: str | None) -> list[str]:
    """One line per questionnaire of chapter ``number``: which saved assessment is shown."""
    if number is None:
        return []
    from .chapters import chapter
    from .i18n import format_date, swiss_spelling
    from .store import AnswerStore

    text = _HEADER_TEXT[ctx.language]
    store = AnswerStore(ctx.workspace)
    lines: list[str] = []
    for questionnaire in chapter(number).questionnaires:
        title = swiss_spelling(store.catalogue(questionnaire).label(ctx.language), ctx.locale)
        history, skipped = store.scan(questionnaire)
        latest = history[-1] if history else None
        lines.extend(f"{title}: {s.message(ctx.language)}" for s in skipped)
        lines.extend(f"{title}: {problem}" for problem in (latest.problems if latest else ()))
        if latest is None:
            lines.append(text["no_answers"].format(title=title))
        else:
            lines.append(text["answers"].format(
                title=title, date=format_date(latest.updated, ctx.locale),
                answered=latest.answered))
    return lines
