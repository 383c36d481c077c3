"""HTML pages of the report: an executed chapter notebook exported for the owner.

No code, no prompts, no tracebacks, images embedded, no reference to the network, the
report's header and footer on every page. Where a chapter failed, its page carries the German
(or English) note in place of the cell that failed; a chapter that left no notebook at all gets
a placeholder page with the note.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._bundled import package_path
from .fileio import atomic_write_text
from .i18n import format_date, language_of
from .report_text import t
from .workspace import Workspace

__all__ = [
    "TEMPLATE_DIR",
    "Page",
    "export_html",
    "page",
    "stopped_cell",
    "strip_external_references",
    "write_placeholder",
]

TEMPLATE_DIR = package_path("report_templates")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Page:
    """Escaped header and footer shared by all pages of one report."""

    header: str
    footer: str
    css: str
    language: str = "de"


def _logo_data_uri(ws: Workspace) -> str | None:
    """The checked logo (inside the workspace, a PNG/JPEG/SVG by content) as a data URI."""
    from .images import data_uri

    data = ws.logo()
    return data_uri(data) if data else None


def _css(ws: Workspace) -> str:
    css = (TEMPLATE_DIR / "report.css").read_text(encoding="utf-8")
    color = str(ws.section("consultant").get("color", "")).strip()
    if _COLOR.match(color):
        css += f"\n:root {{ --kb-color: {color}; }}\n"
    return css


def page(ws: Workspace, language: str, as_of: dt.date | str | None, created: dt.date,
         subtitle: str, back_link: bool) -> Page:
    """Header (logo, client, consultant, dates), footer and stylesheet of one page.

    ``as_of``: the Stichtag, or a text saying which date the figures run to when none is set
    (:func:`kbworkbook.notebook.as_of_text`), or ``None`` (not shown)."""
    from . import __version__

    consultant = ws.section("consultant")
    who = " · ".join(
        html.escape(str(consultant.get(k, "")).strip())
        for k in ("name", "company") if str(consultant.get(k, "")).strip()
    )
    meta = [html.escape(subtitle)]
    if who:
        meta.append(f"{t(language, 'prepared_by')} {who}")
    locale = "en" if language == "en" else ws.locale
    if as_of:
        shown = as_of if isinstance(as_of, str) else format_date(as_of, locale)
        meta.append(f"{t(language, 'as_of')} {html.escape(shown)}")
    meta.append(f"{t(language, 'created')} {html.escape(format_date(created, locale))}")
    logo = _logo_data_uri(ws)
    logo_html = f'<img class="kb-logo" src="{logo}" alt="Logo">' if logo else ""
    nav = (f'<nav class="kb-noprint"><a href="index.html">{t(language, "back")}</a></nav>'
           if back_link else "")
    header = (
        f'<header class="kb-header">{logo_html}<div>'
        f'<p class="kb-client">{html.escape(ws.client_name)}</p>'
        f'<p class="kb-meta">{" · ".join(meta)}</p></div>{nav}</header>'
    )
    footer = (
        f'<footer class="kb-footer">'
        f'{html.escape(t(language, "footer", client=ws.client_name, version=__version__))}'
        f'<br><span class="kb-noprint">{html.escape(t(language, "print_hint"))}</span>'
        f"</footer>"
    )
    return Page(header=header, footer=footer, css=_css(ws), language=language)


def _note_html(note: str) -> str:
    return f'<div class="kb-failed">{html.escape(note)}</div>'


def stopped_cell(nb: Any) -> int | None:
    """Index of the cell a chapter stopped in (timeout, dead kernel): the last code cell
    papermill started; ``None`` when none was started."""
    started = [i for i, c in enumerate(nb.cells) if c.get("cell_type") == "code"
               and c.get("metadata", {}).get("papermill", {}).get("start_time")]
    return started[-1] if started else None


def _clean_for_owner(nb: Any, failure_note: str | None) -> None:
    """Drop stderr streams and tracebacks; put the note where the chapter stopped.

    That is the cell with the error; after a timeout or a dead kernel (no error output) the
    last cell papermill started, else the end of the chapter.
    """
    import nbformat

    def note_output() -> Any:
        return nbformat.v4.new_output("display_data",
                                      data={"text/html": _note_html(failure_note or "")})

    placed = False
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            if output.get("output_type") == "error":
                if failure_note:
                    kept.append(note_output())
                    placed = True
                continue
            kept.append(output)
        cell["outputs"] = kept
    # papermill's own error banner cell ("An Exception was encountered …") is not for owners
    nb.cells = [c for c in nb.cells
                if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    if failure_note and not placed:
        stopped = stopped_cell(nb)
        if stopped is not None:
            cell = nb.cells[stopped]
            cell["outputs"] = [*cell.get("outputs", []), note_output()]
        else:
            cell = nbformat.v4.new_code_cell("")
            cell["outputs"] = [note_output()]
            nb.cells.append(cell)


def export_html(notebook_path: Path, html_path: Path, page: Page, title: str,
                failure_note: str | None = None) -> Path:
    """Export an executed notebook to self-contained HTML without code or prompts."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(notebook_path, as_version=4)
    _clean_for_owner(nb, failure_note)
    nb.metadata["title"] = title
    exporter = HTMLExporter(
        template_name="kbreport",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=language_of(page.language),
    )
    tag_remove = TagRemovePreprocessor(
        remove_cell_tags={"remove_cell", "injected-parameters", "parameters"}, enabled=True
    )
    exporter.register_preprocessor(tag_remove, enabled=True)
    body, _ = exporter.from_notebook_node(
        nb, resources={"kb_header": page.header, "kb_footer": page.footer, "kb_css": page.css}
    )
    atomic_write_text(html_path, strip_external_references(body))
    return html_path


def write_placeholder(html_path: Path, page: Page, title: str, heading: str,
                      note: str) -> Path:
    """A chapter page that only says why the chapter is missing (no notebook to export)."""
    document = (
        f'<!DOCTYPE html>\n<html lang="{language_of(page.language)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        f"<title>{html.escape(title)}</title><style>{page.css}</style></head><body>"
        f"{page.header}<main><h1>{html.escape(heading)}</h1>{_note_html(note)}</main>"
        f"{page.footer}</body></html>\n"
    )
    atomic_write_text(html_path, strip_external_references(document))
    return html_path


_EXTERNAL = re.compile(r"""(?P<q>["'(])\s*(?:https?:)?//[^"')\s]+""")


def strip_external_references(body: str) -> str:
    """Neutralise any leftover reference to the network (e.g. URLs in stylesheet comments)."""
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.DOTALL)
    return _EXTERNAL.sub(lambda m: m.group("q") + "about:blank", body)
