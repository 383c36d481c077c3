"""Turn a workspace into an HTML report: execute every chapter, export, write ``index.html``.

``build_report(workspace)`` runs each chapter notebook headless with papermill on *this*
interpreter's kernel (no kernelspec lookup, so a fresh venv never hits ``NoSuchKernel``), in
parallel up to ``jobs``, exports each to HTML with nbconvert (no code, no prompts, images
embedded, no script or font from the network, print stylesheet) and writes ``index.html``.
A failing chapter never stops the others: it is marked in the index with the cell and the
reason in German, and ``ReportResult.ok`` is False. The workspace's data and answers are only
read; output goes to ``<workspace>/reports/<date>/`` or ``out``.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import mimetypes
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from .chapters import CHAPTERS, Chapter
from .errors import ReportError
from .i18n import format_date, language_of
from .workspace import Workspace

__all__ = [
    "NOTEBOOK_DIR",
    "ChapterResult",
    "ReportResult",
    "build_report",
    "chapter_parameters",
    "export_html",
    "launch_lab",
]

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
TEMPLATE_DIR = Path(__file__).resolve().parent / "report_templates"
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
#: seconds one notebook cell may run before its chapter is marked failed (normal: < 5 s)
CELL_TIMEOUT = 600

_TEXT = {
    "de": {
        "report": "Kundenbindungs-Bericht",
        "prepared_by": "erstellt von",
        "as_of": "Stichtag",
        "created": "erstellt am",
        "back": "← Übersicht",
        "chapters": "Kapitel",
        "status_ok": "fertig",
        "status_failed": "fehlgeschlagen",
        "data_basis": "Datengrundlage",
        "key_figures": "Kennzahlen auf einen Blick",
        "action_plan": "Aktionsplan",
        "failed_cell": "Kapitel {number} konnte nicht vollständig erstellt werden (Zelle {cell}): "
        "{reason}",
        "failed_start": "Kapitel {number} konnte nicht ausgeführt werden: {reason}",
        "failed_hint": "Bitte die Meldung prüfen (z. B. mit »kbworkbook check«) und den Bericht "
        "erneut erzeugen.",
        "footer": "Vertraulich – nur für {client}. Erstellt mit kbworkbook {version}.",
        "print_hint": "Tipp: Über »Drucken → Als PDF speichern« im Browser entsteht ein PDF.",
        "summary_ok": "Bericht fertig: {n} Kapitel in {seconds} s → {index}",
        "summary_failed": "Bericht mit Fehlern: {failed} von {n} Kapiteln fehlgeschlagen → {index}",
        "progress": "[{i}/{n}] Kapitel {number} {title}: {status} ({seconds} s)",
        "no_input": "nicht vorhanden",
    },
    "en": {
        "report": "Customer retention report",
        "prepared_by": "prepared by",
        "as_of": "as of",
        "created": "created",
        "back": "← Overview",
        "chapters": "Chapters",
        "status_ok": "done",
        "status_failed": "failed",
        "data_basis": "Data basis",
        "key_figures": "Key figures at a glance",
        "action_plan": "Action plan",
        "failed_cell": "Chapter {number} could not be completed (cell {cell}): {reason}",
        "failed_start": "Chapter {number} could not be run: {reason}",
        "failed_hint": "Please check the message (e.g. with 'kbworkbook check') and build the "
        "report again.",
        "footer": "Confidential – for {client} only. Made with kbworkbook {version}.",
        "print_hint": "Tip: use 'Print → Save as PDF' in the browser to get a PDF.",
        "summary_ok": "Report done: {n} chapters in {seconds} s → {index}",
        "summary_failed": "Report with errors: {failed} of {n} chapters failed → {index}",
        "progress": "[{i}/{n}] chapter {number} {title}: {status} ({seconds} s)",
        "no_input": "not present",
    },
}


def _t(language: str, key: str, **values: object) -> str:
    text = _TEXT[language_of(language)][key]
    return text.format(**values) if values else text


# -- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChapterResult:
    """Outcome of one chapter: ``status`` is ``"ok"`` or ``"failed"``; times in seconds."""

    chapter: Chapter
    status: str
    seconds: float
    html_path: Path | None
    notebook_path: Path | None
    cell: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class ReportResult:
    """All chapters of one report run and where ``index.html`` was written."""

    out_dir: Path
    index_path: Path
    language: str
    chapters: list[ChapterResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.chapters)

    @property
    def failed(self) -> list[ChapterResult]:
        return [c for c in self.chapters if not c.ok]

    def summary(self) -> str:
        """One line for the terminal, in the report's language."""
        if self.ok:
            return _t(self.language, "summary_ok", n=len(self.chapters),
                      seconds=f"{self.seconds:.1f}", index=self.index_path)
        return _t(self.language, "summary_failed", failed=len(self.failed),
                  n=len(self.chapters), index=self.index_path)


# -- execution ----------------------------------------------------------------------------------


def chapter_parameters(
    ws: Workspace, language: str, as_of: dt.date | None
) -> dict[str, Any]:
    """The papermill parameters every chapter receives (the contract tested per notebook)."""
    return {
        "workspace": str(ws.root),
        "language": language,
        "as_of": as_of.isoformat() if as_of else None,
        "live": False,
    }


def _this_python_kernel_manager(ipc_dir: str) -> type:
    """A kernel manager that always starts ipykernel on ``sys.executable``."""
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class ThisPythonKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            # local IPC sockets instead of TCP ports: nothing listens on the network
            super().__init__(transport="ipc", ip=os.path.join(ipc_dir, "kernel"), **kwargs)

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            # the kernel's own log lines (e.g. on shutdown) are not for the terminal; cell
            # errors reach papermill through the notebook protocol, not through stderr
            kw.setdefault("stderr", subprocess.DEVNULL)
            await super()._async_launch_kernel(kernel_cmd, **kw)

        @property
        def kernel_spec(self) -> KernelSpec:
            return KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                display_name="Python 3 (kbworkbook)",
                language="python",
                resource_dir="",
            )

    return ThisPythonKernelManager


def _first_line(text: str, limit: int = 300) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _execute_one(task: dict[str, Any]) -> dict[str, Any]:
    """Run and export one chapter (in a worker process); return a plain dict for the parent."""
    import papermill as pm

    started = time.perf_counter()
    notebook_out = Path(task["notebook_out"])
    result: dict[str, Any] = {"number": task["number"], "status": "ok", "cell": None,
                              "reason": "", "notebook_path": str(notebook_out),
                              "html_path": None}
    ipc_dir = tempfile.TemporaryDirectory(prefix="kbworkbook-kernel-")
    try:
        pm.execute_notebook(
            task["notebook_in"],
            str(notebook_out),
            parameters=task["parameters"],
            kernel_name="python3",
            kernel_manager_class=_this_python_kernel_manager(ipc_dir.name),
            progress_bar=False,
            log_output=False,
            cwd=task["cwd"],
            start_timeout=120,
            execution_timeout=CELL_TIMEOUT,
        )
    except pm.PapermillExecutionError as exc:
        from . import errors

        # a user's mistake (DataError …) speaks for itself; anything else names its type
        known = exc.ename in errors.__all__ and bool(exc.evalue)
        reason = exc.evalue if known else (f"{exc.ename}: {exc.evalue}" if exc.evalue
                                           else exc.ename)
        result.update(status="failed", cell=exc.exec_count or exc.cell_index,
                      reason=_first_line(reason))
    except Exception as exc:  # noqa: BLE001 - kernel died, file unreadable …: mark, don't stop
        result.update(status="failed", reason=_first_line(f"{type(exc).__name__}: {exc}"))
    finally:
        ipc_dir.cleanup()
    if notebook_out.is_file():
        failure_note = None
        if result["status"] != "ok":
            failure_note = _failure_sentence(task["language"], task["number"], result["cell"],
                                             result["reason"])
        export_html(notebook_out, Path(task["html_out"]), task["page"], task["title"],
                    failure_note)
        result["html_path"] = task["html_out"]
    else:
        result["notebook_path"] = None
    result["seconds"] = time.perf_counter() - started
    return result


# -- HTML export --------------------------------------------------------------------------------


def _logo_data_uri(ws: Workspace) -> str | None:
    logo = ws.section("consultant").get("logo")
    if not logo:
        return None
    path = Path(str(logo))
    path = path if path.is_absolute() else ws.root / path
    if not path.is_file():
        return None
    mime = mimetypes.guess_type(path.name)[0] or "image/png"
    if not mime.startswith("image/"):
        return None
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _css(ws: Workspace) -> str:
    css = (TEMPLATE_DIR / "report.css").read_text(encoding="utf-8")
    color = str(ws.section("consultant").get("color", "")).strip()
    if _COLOR.match(color):
        css += f"\n:root {{ --kb-color: {color}; }}\n"
    return css


@dataclass(frozen=True)
class _Page:
    """Escaped header and footer shared by all pages of one report."""

    header: str
    footer: str
    css: str


def _page(ws: Workspace, language: str, as_of: dt.date | None, created: dt.date,
          subtitle: str, back_link: bool) -> _Page:
    from . import __version__

    consultant = ws.section("consultant")
    who = " · ".join(
        html.escape(str(consultant.get(k, "")).strip())
        for k in ("name", "company") if str(consultant.get(k, "")).strip()
    )
    meta = [html.escape(subtitle)]
    if who:
        meta.append(f"{_t(language, 'prepared_by')} {who}")
    locale = "en" if language == "en" else ws.locale
    if as_of:
        meta.append(f"{_t(language, 'as_of')} {html.escape(format_date(as_of, locale))}")
    meta.append(f"{_t(language, 'created')} {html.escape(format_date(created, locale))}")
    logo = _logo_data_uri(ws)
    logo_html = f'<img class="kb-logo" src="{logo}" alt="Logo">' if logo else ""
    nav = (f'<nav class="kb-noprint"><a href="index.html">{_t(language, "back")}</a></nav>'
           if back_link else "")
    header = (
        f'<header class="kb-header">{logo_html}<div>'
        f'<p class="kb-client">{html.escape(ws.client_name)}</p>'
        f'<p class="kb-meta">{" · ".join(meta)}</p></div>{nav}</header>'
    )
    footer = (
        f'<footer class="kb-footer">'
        f'{html.escape(_t(language, "footer", client=ws.client_name, version=__version__))}'
        f'<br><span class="kb-noprint">{html.escape(_t(language, "print_hint"))}</span>'
        f"</footer>"
    )
    return _Page(header=header, footer=footer, css=_css(ws))


def _clean_for_owner(nb: Any, failure_note: str | None) -> None:
    """Drop stderr streams and tracebacks; put a German note where a cell failed."""
    import nbformat

    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            if output.get("output_type") == "error":
                if failure_note:
                    kept.append(nbformat.v4.new_output(
                        "display_data",
                        data={"text/html": f'<div class="kb-failed">{html.escape(failure_note)}'
                                           "</div>"},
                    ))
                continue
            kept.append(output)
        cell["outputs"] = kept
    # papermill's own error banner cell ("An Exception was encountered …") is not for owners
    nb.cells = [c for c in nb.cells
                if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]


def export_html(notebook_path: Path, html_path: Path, page: _Page, title: str,
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
    )
    tag_remove = TagRemovePreprocessor(
        remove_cell_tags={"remove_cell", "injected-parameters", "parameters"}, enabled=True
    )
    exporter.register_preprocessor(tag_remove, enabled=True)
    body, _ = exporter.from_notebook_node(
        nb, resources={"kb_header": page.header, "kb_footer": page.footer, "kb_css": page.css}
    )
    html_path.write_text(_strip_external_references(body), encoding="utf-8")
    return html_path


_EXTERNAL = re.compile(r"""(?P<q>["'(])\s*(?:https?:)?//[^"')\s]+""")


def _strip_external_references(body: str) -> str:
    """Neutralise any leftover reference to the network (e.g. URLs in stylesheet comments)."""
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.DOTALL)
    return _EXTERNAL.sub(lambda m: m.group("q") + "about:blank", body)


# -- index ----------------------------------------------------------------------------------------


def _data_basis_rows(ws: Workspace, language: str) -> list[tuple[str, str]]:
    """(input, "file · period · size") rows; a broken or missing input says so."""
    from .chapters.ueberblick import data_basis
    from .notebook import Context

    rows = data_basis(Context(workspace=ws, language=language_of(language)))
    return [(label, " · ".join(part for part in rest if part)) for label, *rest in rows]


def _key_figures(ws: Workspace, language: str, as_of: dt.date | None) -> list[tuple[str, str]]:
    from .chapters.ueberblick import key_figures
    from .notebook import Context

    return key_figures(Context(workspace=ws, language=language_of(language), as_of=as_of))


def _index_summary_blocks(ws: Workspace, language: str, as_of: dt.date | None) -> str:
    """Extra index sections contributed by chapters (e.g. the action plan), as HTML."""
    from .chapters.aktionsplan import summary_html
    from .notebook import Context

    table = summary_html(Context(workspace=ws, language=language_of(language), as_of=as_of))
    if not table:
        return ""
    return f"<h2>{html.escape(_t(language, 'action_plan'))}</h2>{table}"


def _safe(call: Callable[[], Any], fallback: Any, errors: list[str]) -> Any:
    """Index extras must never sink the index: record the German reason and go on."""
    from .errors import KbWorkbookError

    try:
        return call()
    except KbWorkbookError as exc:
        errors.append(_first_line(str(exc)))
        return fallback


def write_index(result: ReportResult, ws: Workspace, as_of: dt.date | None,
                created: dt.date) -> Path:
    """Write ``index.html``: client, date, data basis, key figures, chapters with status."""
    lang = result.language
    page = _page(ws, lang, as_of, created, _t(lang, "report"), back_link=False)
    problems: list[str] = []
    figures = _safe(lambda: _key_figures(ws, lang, as_of), [], problems)
    basis = _safe(lambda: _data_basis_rows(ws, lang), [], problems)
    extra = _safe(lambda: _index_summary_blocks(ws, lang, as_of), "", problems)
    parts = [f'<h1>{html.escape(_t(lang, "report"))}</h1>']
    if figures:
        parts.append(f'<h2>{html.escape(_t(lang, "key_figures"))}</h2><div class="kb-kpis">')
        for label, value in figures:
            parts.append(f'<div class="kb-kpi"><div class="kb-kpi-value">{html.escape(value)}'
                         f'</div><div class="kb-kpi-label">{html.escape(label)}</div></div>')
        parts.append("</div>")
    parts.append(f'<h2>{html.escape(_t(lang, "chapters"))}</h2><table class="kb-table">')
    for item in result.chapters:
        title = f"{item.chapter.number} · {item.chapter.title(lang, ws.locale)}"
        link = (f'<a href="{html.escape(item.html_path.name)}">{html.escape(title)}</a>'
                if item.html_path else html.escape(title))
        if item.ok:
            status = f'<span class="kb-status-ok">{_t(lang, "status_ok")}</span>'
        else:
            status = (f'<span class="kb-status-failed">{_t(lang, "status_failed")}</span>'
                      f'<div class="kb-failed">{html.escape(_failure_text(item, lang))}</div>')
        parts.append(f"<tr><td>{link}</td><td>{status}</td></tr>")
    parts.append("</table>")
    if extra:
        parts.append(extra)
    if basis:
        parts.append(f'<h2>{html.escape(_t(lang, "data_basis"))}</h2><table class="kb-table">')
        for name, text in basis:
            parts.append(f"<tr><th>{html.escape(name)}</th><td>{html.escape(text)}</td></tr>")
        parts.append("</table>")
    for text in problems:
        parts.append(f'<div class="kb-note">{html.escape(text)}</div>')
    document = (
        f'<!DOCTYPE html>\n<html lang="{language_of(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        f"<title>{html.escape(ws.client_name)} – {html.escape(_t(lang, 'report'))}</title>"
        f"<style>{page.css}</style></head><body class=\"kb-index\">{page.header}<main>"
        + "".join(parts)
        + f"</main>{page.footer}</body></html>\n"
    )
    result.index_path.write_text(_strip_external_references(document), encoding="utf-8")
    return result.index_path


def _failure_sentence(language: str, number: str, cell: int | None, reason: str) -> str:
    if cell is not None:
        text = _t(language, "failed_cell", number=number, cell=cell, reason=reason)
    else:
        text = _t(language, "failed_start", number=number, reason=reason)
    return f"{text} {_t(language, 'failed_hint')}"


def _failure_text(item: ChapterResult, language: str) -> str:
    return _failure_sentence(language, item.chapter.number, item.cell, item.reason)


# -- the command ---------------------------------------------------------------------------


def build_report(
    workspace: str | os.PathLike[str] | Workspace | None = None,
    out: str | os.PathLike[str] | None = None,
    language: str | None = None,
    jobs: int = 2,
    progress: Callable[[str], Any] | None = None,
    chapters: Sequence[str] | None = None,
    as_of: str | dt.date | None = None,
    notebook_dir: str | os.PathLike[str] | None = None,
    today: dt.date | None = None,
) -> ReportResult:
    """Execute the chapters for ``workspace`` (``None`` = sample client) and write the report.

    ``chapters`` limits the run to some chapter numbers (``["00", "03"]``); ``notebook_dir``
    points at another set of chapter notebooks (tests use it for a deliberately broken one).
    Returns a :class:`ReportResult`; it never raises for a failing chapter.
    """
    ws = Workspace.open(workspace)
    lang = language_of(language) if language else ws.language
    if isinstance(as_of, str) and as_of:
        as_of_date: dt.date | None = dt.date.fromisoformat(as_of)
    elif isinstance(as_of, dt.date):
        as_of_date = as_of
    else:
        as_of_date = ws.as_of
    created = today or dt.date.today()
    out_dir = Path(out) if out else ws.reports_dir / created.isoformat()
    out_dir = out_dir.resolve()
    source_dir = Path(notebook_dir) if notebook_dir else NOTEBOOK_DIR
    selected = [c for c in CHAPTERS if chapters is None or c.number in set(chapters)]
    if not selected:
        raise ReportError("Keine Kapitel ausgewählt.")
    missing = [c.notebook for c in selected if not (source_dir / c.notebook).is_file()]
    if missing:
        raise ReportError(f"Kapitel-Notebooks fehlen in {source_dir}: {', '.join(missing)}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "notebooks").mkdir(exist_ok=True)
    except OSError as exc:
        raise ReportError(
            f"Der Ausgabeordner »{out_dir}« kann nicht angelegt werden ({exc.strerror}). "
            "Bitte einen anderen Ordner mit --out wählen."
        ) from None

    parameters = chapter_parameters(ws, lang, as_of_date)
    tasks = [
        {
            "number": c.number,
            "language": lang,
            "notebook_in": str(source_dir / c.notebook),
            "notebook_out": str(out_dir / "notebooks" / c.notebook),
            "html_out": str(out_dir / f"{Path(c.notebook).stem}.html"),
            "page": _page(ws, lang, as_of_date, created, c.title(lang, ws.locale), back_link=True),
            "title": f"{c.number} · {c.title(lang, ws.locale)} – {ws.client_name}",
            "parameters": parameters,
            "cwd": str(out_dir),
        }
        for c in selected
    ]
    started = time.perf_counter()
    report = ReportResult(out_dir=out_dir, index_path=out_dir / "index.html", language=lang)
    by_number = {c.number: c for c in selected}
    done = 0

    def finished(item: dict[str, Any]) -> None:
        nonlocal done
        done += 1
        chapter = by_number[item["number"]]
        if progress:
            progress(_t(lang, "progress", i=done, n=len(tasks), number=chapter.number,
                        title=chapter.title(lang, ws.locale),
                        status=_t(lang, "status_ok" if item["status"] == "ok"
                                  else "status_failed"),
                        seconds=f"{item['seconds']:.1f}"))

    for item in _run_tasks(tasks, max(1, int(jobs)), finished):
        report.chapters.append(ChapterResult(
            chapter=by_number[item["number"]], status=item["status"], seconds=item["seconds"],
            html_path=Path(item["html_path"]) if item["html_path"] else None,
            notebook_path=Path(item["notebook_path"]) if item["notebook_path"] else None,
            cell=item["cell"], reason=item["reason"],
        ))
    report.seconds = time.perf_counter() - started
    write_index(report, ws, as_of_date, created)
    return report


def _run_tasks(tasks: list[dict[str, Any]], jobs: int,
               finished: Callable[[dict[str, Any]], None]) -> list[dict[str, Any]]:
    """Run chapter tasks, in a process pool when ``jobs > 1``; results in chapter order."""
    if jobs == 1 or len(tasks) == 1:
        results = []
        for task in tasks:
            results.append(_execute_one(task))
            finished(results[-1])
        return results
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)),
                             mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_execute_one, t) for t in tasks]
        for future in as_completed(futures):
            finished(future.result())
        return [f.result() for f in futures]


def launch_lab(workspace: str | os.PathLike[str] | None, open_browser: bool = True,
               extra_args: Iterable[str] = ()) -> int:
    """Start JupyterLab on the notebooks with ``KBWORKBOOK_WORKSPACE`` set to the workspace."""
    ws = Workspace.open(workspace)
    env = dict(os.environ, KBWORKBOOK_WORKSPACE=str(ws.root))
    command = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={NOTEBOOK_DIR}"]
    if not open_browser:
        command.append("--no-browser")
    command.extend(extra_args)
    print(f"JupyterLab für »{ws.client_name}« ({ws.root}) – beenden mit Strg+C.")
    return subprocess.call(command, env=env)
