"""Small HTML pieces the chapters share: escaped tables, key-figure tiles, HTML blocks.

Every header, cell, label and value is escaped here with ``html.escape``, so callers pass
plain text (including text a user typed).
"""

from __future__ import annotations

import html
from collections.abc import Collection, Iterable, Sequence
from typing import Any

__all__ = ["block", "kpi_tiles", "notes", "table"]


def block(markup: str) -> Any:
    """Markup (already escaped where needed) as an IPython ``HTML`` block."""
    from IPython.display import HTML

    return HTML(markup)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
          numeric: Collection[int] = (), css: str = "",
          footer: Sequence[Any] | None = None) -> str:
    """A ``kb-table`` with a header row, body rows and an optional footer row.

    Columns whose index is in ``numeric`` get ``class="num"`` (right-aligned in the report);
    ``css`` adds classes to the table.
    """

    def cell(tag: str, index: int, value: Any) -> str:
        cls = ' class="num"' if index in numeric else ""
        return f"<{tag}{cls}>{html.escape(str(value))}</{tag}>"

    def row(tag: str, values: Sequence[Any]) -> str:
        return "<tr>" + "".join(cell(tag, i, v) for i, v in enumerate(values)) + "</tr>"

    foot = f"<tfoot>{row('th', footer)}</tfoot>" if footer is not None else ""
    classes = f"kb-table {css}" if css else "kb-table"
    return (f'<table class="{classes}"><thead>{row("th", headers)}</thead>'
            f"<tbody>{''.join(row('td', r) for r in rows)}</tbody>{foot}</table>")


def kpi_tiles(figures: Iterable[tuple[str, str]]) -> str:
    """``(label, value)`` key figures as a grid of ``kb-kpi`` tiles."""
    tiles = "".join(
        f'<div class="kb-kpi"><div class="kb-kpi-value">{html.escape(value)}</div>'
        f'<div class="kb-kpi-label">{html.escape(label)}</div></div>'
        for label, value in figures
    )
    return f'<div class="kb-kpis">{tiles}</div>'


def notes(texts: Iterable[str]) -> str:
    """Each text as an escaped ``kb-note`` (e.g. what a hand-edited file could not give)."""
    return "".join(f'<div class="kb-note" role="note">{html.escape(t)}</div>' for t in texts)
