"""One A4 PDF of a finished report: cover, table of contents, the index, every chapter.

The report pages are self-contained (styles inline, images as ``data:`` URIs), so the renderer
is allowed to load nothing else: no file from disk, no network address. The pages are joined
into *one* paged document (:func:`combine`) so that WeasyPrint can number the pages through
(``Seite 3 von 41``), fill the table of contents with ``target-counter()`` and write the PDF
outline from the headings. The print stylesheet (``report_templates/report.css``) that the
browser's "Drucken" uses sets the page size, margins and table layout; ``pdf.css`` adds what
only the joined PDF has (cover, table of contents, running header and footer with the client).

:func:`render_pdf` turns any HTML string into an A4 PDF, written atomically; other documents
(e.g. a workshop kit) reuse it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from ._bundled import package_path
from .errors import ReportError
from .fileio import atomic_write_bytes
from .i18n import format_date, language_of, tr

if TYPE_CHECKING:
    from .workspace import Workspace

__all__ = ["PDF_NAMES", "Cover", "combine", "load_weasyprint", "render_pdf", "report_cover",
           "write_pdf"]

#: File name of the report PDF per language.
PDF_NAMES = {"de": "bericht.pdf", "en": "report.pdf"}

_PDF_CSS = package_path("report_templates") / "pdf.css"

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
_TEXT = {
    "report": {"de": "Kundenbindungs-Bericht", "en": "Customer retention report"},
    "prepared_by": {"de": "Erstellt von", "en": "Prepared by"},
    "report_date": {"de": "Berichtsdatum", "en": "Report date"},
    "as_of": {"de": "Stichtag", "en": "Figures as of"},
    "contents": {"de": "Inhalt", "en": "Contents"},
    "summary": {"de": "Zusammenfassung", "en": "Summary"},
    "confidential": {"de": "Vertraulich – nur für {client}",
                     "en": "Confidential – for {client} only"},
    "page": {"de": "Seite", "en": "Page"},
    "of": {"de": "von", "en": "of"},
    "no_pages": {"de": "Keine Seiten für das PDF.", "en": "No pages for the PDF."},
}


def _t(key: str, language: str, **values: object) -> str:
    return tr(_TEXT, key, language, **values)


@dataclass(frozen=True)
class Cover:
    """What the cover page says (plain text; escaped when rendered)."""

    client: str
    title: str
    report_date: str
    as_of: str | None = None
    consultant: str = ""
    logo: str | None = None  # a data: URI


def report_cover(ws: Workspace, language: str, as_of: dt.date | None,
                 created: dt.date) -> Cover:
    """The cover of ``ws``'s report: client, consultant, logo, report date and the date the
    figures run to (the Stichtag, or the last day with data when none is set)."""
    from .images import data_uri
    from .notebook import Context, as_of_text

    lang = language_of(language)
    locale = "en" if lang == "en" else ws.locale
    consultant = ws.section("consultant")
    who = ", ".join(str(consultant.get(k, "")).strip() for k in ("name", "company")
                    if str(consultant.get(k, "")).strip())
    logo = ws.logo()
    return Cover(
        client=ws.client_name,
        title=_t("report", lang),
        report_date=format_date(created, locale),
        as_of=as_of_text(Context(workspace=ws, language=lang, as_of=as_of)),
        consultant=who,
        logo=data_uri(logo) if logo else None,
    )


# -- joining the pages --------------------------------------------------------------------------

_HEAD = re.compile(r"<head[^>]*>(.*?)</head>", re.S | re.I)
_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S | re.I)
_BODY = re.compile(r"<body([^>]*)>", re.I)
_ATTR = re.compile(r'([\w:-]+)="([^"]*)"')
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (for the running header and footer); backslash, quote
    and the characters that could end the ``<style>`` element are written as CSS escapes."""
    escaped = re.sub(r'[\\"<>&]', lambda m: f"\\{ord(m.group()):x} ", text)
    return '"' + re.sub(r"[\r\n\f]+", " ", escaped) + '"'


def _page_css(language: str, client: str | None, cover: bool) -> str:
    """The running header and footer of the joined PDF, in ``language``."""
    number = (f'"{_t("page", language)} " counter(page) " {_t("of", language)} " '
              "counter(pages)")
    rules = ["@page {", f"  @bottom-right {{ content: {number}; }}"]
    if client is not None:
        rules.append(f"  @top-left {{ content: {_css_string(client)}; }}")
        confidential = _css_string(_t("confidential", language, client=client))
        rules.append(f"  @bottom-left {{ content: {confidential}; }}")
    rules.append("}")
    if client is not None and cover:
        rules.append(f"@page kb-cover {{ @bottom-left {{ content: {confidential}; }} }}")
    css = "\n".join(rules) + "\n" + _PDF_CSS.read_text(encoding="utf-8")
    if not cover:
        css += "\n.kb-part:first-of-type { break-before: auto; }\n"
    return css


def _cover_html(cover: Cover, language: str) -> str:
    logo = (f'<img class="kb-cover-logo" src="{html.escape(cover.logo)}" alt="Logo">'
            if cover.logo else "")
    lines = []
    if cover.consultant:
        lines.append((_t("prepared_by", language), cover.consultant))
    lines.append((_t("report_date", language), cover.report_date))
    if cover.as_of:
        lines.append((_t("as_of", language), cover.as_of))
    facts = "".join(f"<tr><th>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
                    for label, value in lines)
    return (f'<section class="kb-cover">{logo}'
            f'<p class="kb-cover-title">{html.escape(cover.title)}</p>'
            f'<p class="kb-cover-client">{html.escape(cover.client)}</p>'
            f'<table class="kb-cover-facts">{facts}</table></section>')


def _toc_html(entries: Sequence[tuple[str, str]], language: str) -> str:
    items = "".join(f'<li><a href="#{anchor}">{html.escape(title)}</a></li>'
                    for anchor, title in entries)
    return (f'<nav class="kb-toc"><h2>{html.escape(_t("contents", language))}</h2>'
            f"<ol>{items}</ol></nav>")


def combine(pages: Sequence[tuple[str, str]], language: str = "de",
            cover: Cover | None = None) -> str:
    """One paged HTML document from report pages ``(file name, HTML)``, in order.

    Each page becomes a ``<section class="kb-part">`` that starts on a new sheet; links
    between the pages (``03_kennzahlen.html``) become links inside the document. With a
    ``cover``, the document opens with the cover page and a table of contents listing each
    page's first ``<h1>`` with its page number. The style blocks of all pages are kept once.
    """
    lang = language_of(language)
    styles: list[str] = []
    classes: list[str] = []
    attributes: dict[str, str] = {}
    bodies: list[str] = []
    entries: list[tuple[str, str]] = []
    anchors = {name: f"kb-part-{i}" for i, (name, _) in enumerate(pages)}
    link = re.compile(r'href="(' + "|".join(re.escape(n) for n in anchors) + r')(#[^"]*)?"')
    for name, document in pages:
        head = _HEAD.search(document)
        for style in _STYLE.findall(head.group(1) if head else ""):
            if style not in styles:
                styles.append(style)
        opened = _BODY.search(document)
        start = opened.end() if opened else 0
        end = document.rfind("</body>")
        body = document[start:end if end > start else len(document)]
        for key, value in _ATTR.findall(opened.group(1) if opened else ""):
            if key == "class":
                classes += [c for c in value.split() if c not in classes]
            else:
                attributes.setdefault(key, value)
        body = link.sub(lambda m: f'href="#{anchors[m.group(1)]}"', body)
        bodies.append(f'<section class="kb-part" id="{anchors[name]}">{body}</section>')
        heading = _H1.search(body)
        title = html.unescape(_TAG.sub("", heading.group(1))).strip() if heading else name
        if cover is not None and title == cover.title:  # the index: its h1 is the report's
            title = _t("summary", lang)
        entries.append((anchors[name], title))
    classes.append("kb-pdf")
    attrs = "".join(f' {k}="{v}"' for k, v in attributes.items())
    front = _cover_html(cover, lang) + _toc_html(entries, lang) if cover else ""
    css = _page_css(lang, cover.client if cover else None, cover is not None)
    title = html.escape(f"{cover.client} – {cover.title}" if cover else "")
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{title}</title>{''.join(styles)}<style>{css}</style></head>"
            f'<body class="{" ".join(classes)}"{attrs}>{front}{"".join(bodies)}</body></html>\n')


# -- rendering ----------------------------------------------------------------------------------


def load_weasyprint(missing: Callable[[str, Exception], str]) -> ModuleType:
    """The WeasyPrint module, or :class:`ReportError` with ``missing(what, exc)`` as its
    message, ``what`` being ``"engine"`` (the Python package is absent) or ``"pango"`` (the
    package is there, the system's Pango library is not). Every PDF the project writes (the
    report, the workshop kit) loads the engine here."""
    try:
        with warnings.catch_warnings():
            # "HarfBuzz-Subset will be required by future versions": a note for packagers
            # (fonts are embedded whole without it), nothing the consultant can act on
            warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
            import weasyprint
    except ImportError as exc:  # an install without the PDF engine
        raise ReportError(missing("engine", exc)) from None
    except OSError as exc:  # the Python package is there, the system library is not
        raise ReportError(missing("pango", exc)) from None
    return weasyprint


def _weasyprint(language: str) -> ModuleType:
    lang = language_of(language)
    texts = {"engine": _NO_ENGINE[lang], "pango": _NO_PANGO[lang]}
    return load_weasyprint(lambda what, exc: texts[what].format(reason=exc))


def render_pdf(document: str, target: Path, language: str = "de",
               stylesheets: Sequence[str] = ()) -> Path:
    """Render the HTML string ``document`` as an A4 PDF at ``target`` (atomically).

    ``stylesheets``: CSS texts applied after the document's own styles (e.g. the report's
    ``report.css`` for a page that has none). Only ``data:`` URIs are loaded; anything else
    the page refers to (files, network) is left out. Raises :class:`ReportError` (German or
    English) when the PDF engine cannot run; the previous file at ``target``, if any, stays
    untouched unless the new one is complete.
    """
    weasyprint = _weasyprint(language)
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    css = [weasyprint.CSS(string=text, url_fetcher=fetcher)
           for text in (*stylesheets, "@page { size: A4; }")]
    pdf = weasyprint.HTML(string=document, url_fetcher=fetcher).write_pdf(stylesheets=css)
    atomic_write_bytes(target, pdf)
    return target


def write_pdf(pages: Sequence[Path], target: Path, language: str = "de",
              cover: Cover | None = None) -> Path:
    """Render the report ``pages`` (HTML files, in order) into one A4 PDF at ``target``.

    With a ``cover`` (see :func:`report_cover`) the PDF opens with the cover page and the
    table of contents. Returns ``target``; see :func:`render_pdf` for errors.
    """
    if not pages:
        raise ReportError(_t("no_pages", language))
    _weasyprint(language)  # a missing engine is reported before any page is read
    document = combine([(p.name, p.read_text(encoding="utf-8")) for p in pages], language,
                       cover)
    return render_pdf(document, target, language)
