"""One A4 PDF of a finished report: the index, then every chapter, rendered with WeasyPrint.

The report pages are self-contained (styles inline, images as ``data:`` URIs), so the renderer
is allowed to load nothing else: no file from disk, no network address. The print stylesheet
(``report_templates/report.css``) sets the page size, margins, page numbers and table layout;
this module only renders and joins the pages. The PDF is written atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from .errors import ReportError
from .fileio import atomic_write_bytes

__all__ = ["PDF_NAMES", "write_pdf"]

#: File name of the report PDF per language.
PDF_NAMES = {"de": "bericht.pdf", "en": "report.pdf"}

_NO_ENGINE = {
    "de": "Für das PDF fehlt das Programm WeasyPrint ({reason}): »pip install weasyprint« in "
    "der Umgebung von kbworkbook ausführen. Die HTML-Seiten sind unabhängig davon fertig.",
    "en": "The PDF needs WeasyPrint ({reason}): run 'pip install weasyprint' in kbworkbook's "
    "environment. The HTML pages are complete regardless.",
}
_NO_PANGO = {
    "de": "Für das PDF fehlt die Schriftbibliothek Pango ({reason}). Linux: »sudo apt-get "
    "install libpango-1.0-0 libpangoft2-1.0-0«, macOS: »brew install pango«, Windows: siehe "
    "README. Die HTML-Seiten sind unabhängig davon fertig.",
    "en": "The PDF needs the Pango text library ({reason}). Linux: 'sudo apt-get install "
    "libpango-1.0-0 libpangoft2-1.0-0', macOS: 'brew install pango', Windows: see the README. "
    "The HTML pages are complete regardless.",
}


def _weasyprint(language: str) -> ModuleType:
    try:
        import weasyprint
    except ImportError as exc:  # an install without the PDF engine
        raise ReportError(_NO_ENGINE[language].format(reason=exc)) from None
    except OSError as exc:  # the Python package is there, the system library is not
        raise ReportError(_NO_PANGO[language].format(reason=exc)) from None
    return weasyprint


def write_pdf(pages: Sequence[Path], target: Path, language: str = "de") -> Path:
    """Render ``pages`` (HTML files, in order) into one PDF at ``target``; returns ``target``.

    Raises :class:`ReportError` (German or English) when the PDF engine cannot run; the
    previous file at ``target``, if any, stays untouched unless the new one is complete.
    """
    weasyprint = _weasyprint(language)
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    documents = [
        weasyprint.HTML(filename=str(page), url_fetcher=fetcher).render() for page in pages
    ]
    if not documents:
        raise ReportError("Keine Seiten für das PDF." if language == "de" else "No pages.")
    joined = documents[0].copy([p for document in documents for p in document.pages])
    atomic_write_bytes(target, joined.write_pdf())
    return target
