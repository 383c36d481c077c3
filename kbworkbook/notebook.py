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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .i18n import Language, language_of
from .workspace import Workspace

__all__ = ["Context", "note", "paragraph", "setup", "show"]


@dataclass(frozen=True)
class Context:
    """Everything a section needs: the workspace, text language, analysis date, live or report."""

    workspace: Workspace
    language: Language = "de"
    as_of: dt.date | None = None
    live: bool = False

    @property
    def locale(self) -> str:
        """Number/date locale: the workspace's, or ``en`` when the text language is English."""
        return "en" if self.language == "en" else self.workspace.locale

    @property
    def currency(self) -> str:
        return self.workspace.currency


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

    ``language=None`` takes the workspace's language; ``as_of=None`` takes ``[analysis] as_of``
    from kbworkbook.toml (or, later, the last day with data).
    """
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


def show(blocks: Iterable[Any] | Any) -> None:
    """Display a section's blocks in order; figures are closed after display."""
    from IPython.display import display

    if not isinstance(blocks, list | tuple):
        blocks = [blocks]
    for block in blocks:
        if block is None:
            continue
        display(block)
        if hasattr(block, "savefig"):
            import matplotlib.pyplot as plt

            plt.close(block)
