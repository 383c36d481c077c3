"""``kbworkbook kit WORKSPACE``: the printable workshop materials as A4 PDFs.

:func:`build_kit` writes into ``<workspace>/kit/`` (or ``out``): every questionnaire as a
paper form, the complaint and after-sales checklists, the micro-firm page, the note on consent
for e-mail advertising and the half-day and full-day agendas, each with the client's name and
the consultant's name, company, colour and logo. Every text typed by a user (client,
consultant, a workspace's own questionnaire) is escaped. All documents are rendered before the
first file is written, and each file is replaced atomically, so a failure leaves the previous
kit as it was. A list of the files written (``.kbworkbook-kit-<language>.json``) lets the next
build remove the PDFs it no longer writes (e.g. of a questionnaire the workspace dropped) –
only those, never a file the kit did not write.

The renderer (WeasyPrint) may load nothing but ``data:`` URIs: no file, no network address.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from .._bundled import package_path
from ..chapters import CHAPTERS
from ..errors import ReportError
from ..fileio import atomic_write_bytes
from ..i18n import language_of
from ..images import data_uri
from ..pdf import load_weasyprint
from ..questionnaires import Item, Questionnaire, load_catalogues
from ..workspace import SAMPLE_WORKSPACE, Workspace
from . import content
from .content import AGENDA_KINDS, localized, text

__all__ = ["KIT_FOLDER", "KitDocument", "KitFile", "KitResult", "build_kit", "html_to_pdf",
           "kit_documents"]

#: The workspace's folder for the kit.
KIT_FOLDER = "kit"
#: The list of files one build wrote (per language), inside the kit folder.
MANIFEST = ".kbworkbook-kit-{language}.json"
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_e = html.escape


# -- the PDF engine -----------------------------------------------------------------------------


def _weasyprint(language: str) -> ModuleType:
    return load_weasyprint(lambda what, exc: text(f"no_{what}", language, reason=exc))


def html_to_pdf(document: str, language: str = "de") -> tuple[bytes, int]:
    """Render one self-contained HTML string to PDF: ``(bytes, number of pages)``.

    Only ``data:`` URIs are loaded. Raises :class:`ReportError` (German or English) when
    WeasyPrint or the Pango library is missing.
    """
    weasyprint = _weasyprint(language)
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    rendered = weasyprint.HTML(string=document, url_fetcher=fetcher).render()
    return rendered.write_pdf(), len(rendered.pages)


# -- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KitDocument:
    """One kit document before rendering: file stem, title and complete HTML."""

    id: str
    stem: str
    title: str
    html: str
    #: the same document set tighter; used when it saves a page (a box spilling over)
    compact_html: str | None = None


@dataclass(frozen=True)
class KitFile:
    """One written PDF."""

    path: Path
    title: str
    pages: int


@dataclass
class KitResult:
    """What :func:`build_kit` wrote, where, and how long it took."""

    folder: Path
    client: str
    language: str
    files: list[KitFile] = field(default_factory=list)
    seconds: float = 0.0
    #: PDFs of an earlier build that this one no longer writes, removed
    removed: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return sum(f.pages for f in self.files)

    def summary(self) -> str:
        """German (or English) lines for the command line."""
        lines = [text("done_summary", self.language, client=self.client, n=len(self.files),
                      pages=self.pages, seconds=f"{self.seconds:.1f}", folder=self.folder)]
        lines += [text("done_line", self.language, name=f.path.name, title=f.title,
                       pages=f.pages) for f in self.files]
        lines += [text("removed_line", self.language, name=name) for name in self.removed]
        return "\n".join(lines)


# -- page frame ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    """What every document of one kit shares: language, locale, escaped header and footer."""

    language: str
    locale: str | None
    header: str
    footer: str
    css: str

    def t(self, key: str, **values: object) -> str:
        return text(key, self.language, self.locale, **values)

    def loc(self, texts: content.Texts) -> str:
        return localized(texts, self.language, self.locale)


def _css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _frame(ws: Workspace, language: str) -> _Frame:
    locale = ws.locale if language == "de" else "en"
    consultant = ws.section("consultant")
    who = " · ".join(str(consultant.get(k, "")).strip() for k in ("name", "company")
                     if str(consultant.get(k, "")).strip())
    logo_bytes = ws.logo()
    logo = data_uri(logo_bytes) if logo_bytes else None
    meta = _e(text("kit_title", language, locale))
    if who:
        meta += " · " + _e(text("prepared_by", language, locale, who=who))
    header = ('<header class="kit-header">'
              + (f'<img class="kit-logo" src="{logo}" alt="Logo">' if logo else "")
              + f'<div><p class="kit-client">{_e(ws.client_name)}</p>'
              f'<p class="kit-meta">{meta}</p></div></header>')
    footer_text = text("footer", language, locale, client=ws.client_name)
    if who:
        footer_text += f" · {who}"
    footer = f'<div class="kit-running">{_e(footer_text)}</div>'
    css = package_path("kit", "kit.css").read_text(encoding="utf-8")
    color = str(consultant.get("color", "")).strip()
    if _COLOR.match(color):
        css += f"\n:root {{ --kb-color: {color}; }}\n"
    page, of = text("page", language, locale), text("of", language, locale)
    css += (f"\n@page {{ @bottom-right {{ content: {_css_string(page + ' ')} counter(page) "
            f"{_css_string(' ' + of + ' ')} counter(pages); }} }}\n")
    return _Frame(language=language, locale=locale, header=header, footer=footer, css=css)


def _page(frame: _Frame, title: str, kind: str, body: str, compact: bool = False) -> str:
    body_class = ' class="compact"' if compact else ""
    return (f'<!DOCTYPE html><html lang="{frame.language}"><head><meta charset="utf-8">'
            f"<title>{_e(title)}</title><style>{frame.css}</style></head><body{body_class}>"
            f"{frame.footer}{frame.header}"
            f'<p class="kit-meta">{_e(kind)}</p><h1>{_e(title)}</h1>{body}</body></html>')


def _box() -> str:
    return '<span class="box"></span>'


def _fill_line(frame: _Frame, *keys: str) -> str:
    return '<div class="kit-fill">' + "".join(
        f"<span>{_e(frame.t(k))}</span>" for k in keys) + "</div>"


# -- questionnaire forms ------------------------------------------------------------------------


def _type_in(frame: _Frame, questionnaire: Questionnaire) -> str:
    name = questionnaire.label(frame.language)
    for chapter in CHAPTERS:
        if questionnaire.id in chapter.questionnaires:
            return frame.t("type_in", number=chapter.number,
                           title=chapter.title(frame.language, frame.locale), questionnaire=name)
    return frame.t("type_in_other", questionnaire=name)


def _scale_table(frame: _Frame, q: Questionnaire, factor_items: Sequence[Item]) -> str:
    lang = frame.language
    numeric = q.kind in ("likert", "rating")
    heads = ([str(v) for v in q.scale.values] if numeric
             else list(q.scale.label_list(lang))) + ["?" if numeric else q.scale.dont_know(lang)]
    wide = "" if numeric else " wide"
    head = (f'<thead><tr><th>{_e(frame.t("number"))}</th><th>{_e(frame.t("statement"))}</th>'
            + "".join(f'<th class="tick{wide}">{_e(h)}</th>' for h in heads)
            + f'<th>{_e(frame.t("comment"))}</th></tr></thead>')
    rows = []
    for item in factor_items:
        help_text = item.help_text(lang)
        label = _e(item.label(lang)) + (f'<span class="help">{_e(help_text)}</span>'
                                       if help_text else "")
        rows.append(f'<tr><td class="key">{_e(item.key)}</td><td>{label}</td>'
                    + "".join(f'<td class="tick{wide}">{_box()}</td>' for _ in heads)
                    + '<td class="comment"></td></tr>')
    return f"<table>{head}<tbody>{''.join(rows)}</tbody></table>"


def _legend(frame: _Frame, q: Questionnaire) -> str:
    if q.kind not in ("likert", "rating"):
        return ""
    labels = q.scale.label_list(frame.language)
    parts = [f"{v} = {label}" for v, label in zip(q.scale.values, labels, strict=True)]
    parts.append(f"? = {q.scale.dont_know(frame.language)}")
    return f'<p class="kit-legend">{_e(" · ".join(parts))}</p>'


def _choices_html(frame: _Frame, item: Item, head: str) -> str:
    """A list to tick (two columns of boxes) and lines for the owner's own entries."""
    lang = frame.language
    limit = f' <span class="help">{_e(frame.t("at_most", n=item.max))}</span>' \
        if item.max is not None and not item.help_text(lang) else ""
    boxes = "".join(f"<li>{_box()} {_e(option.label(lang))}</li>" for option in item.options)
    return (f'<div class="kit-write kit-choices">{head}{limit}<ul class="kit-options">{boxes}'
            f'</ul><span class="help">{_e(frame.t("own_entries"))}</span>'
            '<div class="lines small"></div></div>')


def _questionnaire_html(frame: _Frame, q: Questionnaire) -> str:
    lang = frame.language
    parts = [_fill_line(frame, "date", "answered_by")]
    if q.intro_text(lang):
        parts.append(f'<p class="kit-intro">{_e(q.intro_text(lang))}</p>')
    if q.scored:
        parts.append(f'<p>{_e(frame.t("tick_hint", dont_know=q.scale.dont_know(lang)))}</p>')
        parts.append(_legend(frame, q))
    else:
        parts.append(f'<p>{_e(frame.t("write_hint"))}</p>')
    hint = _type_in(frame, q) + (" " + frame.t("type_in_keys") if q.scored else "")
    parts.append(f'<div class="kit-hint">{_e(hint)}</div>')
    for factor in q.factors:
        parts.append(f"<h2>{_e(factor.label(lang))}</h2>")
        if q.scored:
            parts.append(_scale_table(frame, q, factor.items))
            if q.importance:
                boxes = "".join(f"{_box()} {v}" for v in range(1, 6))
                parts.append(f'<div class="kit-importance">{_e(frame.t("importance"))}'
                             f"<br>{boxes}</div>")
        else:
            for item in factor.items:
                help_text = item.help_text(lang)
                head = (f'<b>{_e(item.label(lang))}</b>'
                        + (f'<span class="help">{_e(help_text)}</span>' if help_text else ""))
                if item.type == "choices":
                    parts.append(_choices_html(frame, item, head))
                    continue
                parts.append(f'<div class="kit-write">{head}<div class="lines"></div></div>')
    parts.append(f'<div class="kit-write"><b>{_e(frame.t("more_comments"))}</b>'
                 '<div class="lines small"></div></div>')
    return "".join(parts)


# -- checklists, low-effort page, agendas -------------------------------------------------------


def _checklist_html(frame: _Frame, checklist: content.Checklist) -> str:
    parts = [f'<p class="kit-intro">{_e(frame.loc(checklist.intro))}</p>']
    plan_heads = (f'<th>{_e(frame.t("who"))}</th><th>{_e(frame.t("when"))}</th>'
                  if checklist.plan else "")
    parts.append(f'<table><thead><tr><th class="tick wide">{_e(frame.t("done"))}</th>'
                 f'<th>{_e(frame.t("step"))}</th>{plan_heads}</tr></thead><tbody>')
    for number, step in enumerate(checklist.steps, start=1):
        plan_cells = '<td class="plan"></td><td class="plan"></td>' if checklist.plan else ""
        parts.append(f'<tr><td class="tick wide">{_box()}</td><td><b>{number}. '
                     f'{_e(frame.loc(step.title))}</b><span class="help">'
                     f'{_e(frame.loc(step.help))}</span></td>{plan_cells}</tr>')
    parts.append("</tbody></table>")
    parts.append(f'<div class="kit-write"><b>{_e(frame.t("notes"))}</b>'
                 '<div class="lines small"></div></div>')
    if checklist.record:
        parts.append(f'<div class="kit-new-page"></div><h2>{_e(frame.t("record"))}: '
                     f"{_e(frame.loc(checklist.title))}</h2><table><tbody>")
        parts += [f'<tr><th style="width:35%">{_e(frame.loc(f))}</th><td class="blank"></td>'
                  "</tr>" for f in checklist.record]
        parts.append("</tbody></table>")
    return "".join(parts)


def _low_effort_html(frame: _Frame, page: content.LowEffortPage) -> str:
    parts = [f'<p class="kit-intro">{_e(frame.loc(page.intro))}</p>',
             f'<table><thead><tr><th style="width:42%">{_e(frame.t("objection"))}</th>'
             f'<th>{_e(frame.t("answer"))}</th></tr></thead><tbody>']
    parts += [f"<tr><td><blockquote>{_e(frame.loc(said))}</blockquote></td>"
              f"<td>{_e(frame.loc(answer))}</td></tr>" for said, answer in page.objections]
    parts.append(f'</tbody></table><h2>{_e(frame.t("measures"))}</h2><table><thead><tr>'
                 f'<th class="tick"></th><th></th><th style="width:26%">{_e(frame.t("effort"))}'
                 "</th></tr></thead><tbody>")
    parts += [f'<tr><td class="tick">{_box()}</td><td>{_e(frame.loc(measure))}</td>'
              f"<td>{_e(frame.loc(effort))}</td></tr>" for measure, effort in page.measures]
    parts.append(f'</tbody></table><div class="kit-write"><b>{_e(frame.t("my_step"))}</b>'
                 '<div class="lines small"></div></div>')
    parts.append(_fill_line(frame, "who", "by_when"))
    return "".join(parts)


def _consent_html(frame: _Frame, note: content.Consent) -> str:
    parts = [f'<p class="kit-intro">{_e(frame.loc(note.intro))}</p>']
    for country in note.for_locale(frame.locale):
        parts.append(f"<h2>{_e(frame.loc(country.name))}</h2>"
                     f"<p>{_e(frame.loc(country.rule))}</p>"
                     f"<p>{_e(frame.loc(country.exception))}</p>"
                     f'<p class="kit-legend">{_e(frame.t("source"))}: {_e(country.source)}</p>')
    parts.append(f'<h2>{_e(frame.t("consent_steps"))}</h2><table><tbody>')
    parts += [f'<tr><td class="tick">{_box()}</td><td>{_e(frame.loc(step))}</td></tr>'
              for step in note.steps]
    parts.append("</tbody></table>")
    return "".join(parts)


def _agenda_html(frame: _Frame, plan: content.Agenda, titles: dict[str, str]) -> str:
    chapters = {c.number: c for c in CHAPTERS}
    parts = [_fill_line(frame, "date", "place"),
             f'<table><thead><tr><th>{_e(frame.t("time"))}</th>'
             f'<th class="num">{_e(frame.t("minutes"))}</th><th>{_e(frame.t("topic"))}</th>'
             f'<th>{_e(frame.t("chapter"))}</th><th>{_e(frame.t("material"))}</th></tr>'
             "</thead><tbody>"]
    for slot in content.schedule(plan):
        block = slot.block
        chapter = chapters.get(block.chapter or "")
        chapter_cell = (f"{chapter.number} · {chapter.title(frame.language, frame.locale)}"
                        if chapter else "")
        materials = " · ".join(titles[m] for m in block.materials if m in titles)
        row_class = ' class="pause"' if block.pause else ""
        parts.append(
            f"<tr{row_class}>"
            f'<td class="time">{slot.start:%H:%M}–{slot.end:%H:%M}</td>'
            f'<td class="num">{block.minutes}</td><td>{_e(frame.loc(block.title))}</td>'
            f"<td>{_e(chapter_cell)}</td><td>{_e(materials)}</td></tr>")
    parts.append("</tbody></table>")
    total = sum(b.minutes for b in plan.blocks)
    breaks = sum(b.minutes for b in plan.blocks if b.pause)
    hours = f"{total // 60}:{total % 60:02d} h"
    parts.append(f'<p class="kit-total">'
                 f'{_e(frame.t("total", hours=hours, minutes=total, breaks=breaks))}</p>')
    parts.append(f'<div class="kit-write"><b>{_e(frame.t("notes"))}</b>'
                 '<div class="lines small"></div></div>')
    return "".join(parts)


def kit_documents(ws: Workspace, language: str) -> list[KitDocument]:
    """Every kit document of ``ws`` in ``language`` as complete HTML (nothing rendered yet)."""
    frame = _frame(ws, language)
    docs: list[KitDocument] = []
    titles: dict[str, str] = {}

    def add(doc_id: str, stem: str, title: str, kind: str, body: str) -> None:
        titles[doc_id] = title
        docs.append(KitDocument(id=doc_id, stem=stem, title=title,
                                html=_page(frame, title, kind, body),
                                compact_html=_page(frame, title, kind, body, compact=True)))

    for q in load_catalogues(ws).values():
        quest = q.for_locale(frame.locale)
        add(f"questionnaire:{q.id}", text("files.questionnaire", language, id=q.id),
            quest.label(language), frame.t("form_kind"), _questionnaire_html(frame, quest))
    for checklist in content.checklists():
        add(checklist.id, text(f"files.{checklist.id}", language), frame.loc(checklist.title),
            frame.t("checklist_kind"), _checklist_html(frame, checklist))
    page = content.low_effort_page()
    add("kleinstbetrieb", text("files.kleinstbetrieb", language), frame.loc(page.title),
        frame.t("low_effort_kind"), _low_effort_html(frame, page))
    note = content.consent()
    add("einwilligung", text("files.einwilligung", language), frame.loc(note.title),
        frame.t("info_kind"), _consent_html(frame, note))
    for kind in AGENDA_KINDS:  # last: their material column names the documents above
        plan = content.agenda(kind)
        add(f"agenda:{kind}", text(f"files.agenda_{kind}", language), frame.loc(plan.title),
            frame.t("agenda_kind"), _agenda_html(frame, plan, titles))
    return docs


def _render(doc: KitDocument, language: str) -> tuple[bytes, int]:
    """The PDF of ``doc``; its compact variant when that needs fewer pages."""
    data, pages = html_to_pdf(doc.html, language)
    if pages > 1 and doc.compact_html:
        tight, tight_pages = html_to_pdf(doc.compact_html, language)
        if tight_pages < pages:
            return tight, tight_pages
    return data, pages


def _previous_files(manifest: Path) -> list[str]:
    """The PDF names an earlier build listed in ``manifest`` (plain names, ``.pdf`` only)."""
    try:
        names = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [n for n in names if isinstance(n, str) and n.endswith(".pdf")
            and Path(n).name == n and not n.startswith(".")]


def build_kit(
    workspace: str | os.PathLike[str] | Workspace,
    out: str | os.PathLike[str] | None = None,
    language: str | None = None,
) -> KitResult:
    """Write the workshop kit of ``workspace`` as A4 PDFs into ``<workspace>/kit/`` or ``out``.

    Raises :class:`~kbworkbook.errors.WorkspaceError` for a missing or broken workspace and
    :class:`ReportError` when the PDF engine is missing or the folder cannot be written.
    """
    started = time.perf_counter()
    ws = Workspace.open(workspace)
    lang = language_of(language) if language else ws.language
    if out is None and ws.root == SAMPLE_WORKSPACE.resolve():
        raise ReportError(text("sample_needs_out", lang))
    folder = (Path(out) if out else ws.root / KIT_FOLDER).resolve()
    documents = kit_documents(ws, lang)
    rendered = [(doc, *_render(doc, lang)) for doc in documents]
    result = KitResult(folder=folder, client=ws.client_name, language=lang)
    manifest = folder / MANIFEST.format(language=lang)
    try:
        for doc, data, pages in rendered:
            path = folder / f"{doc.stem}.pdf"
            atomic_write_bytes(path, data)
            result.files.append(KitFile(path=path, title=doc.title, pages=pages))
        written = sorted(f.path.name for f in result.files)
        for name in sorted(set(_previous_files(manifest)) - set(written)):
            (folder / name).unlink(missing_ok=True)
            result.removed.append(name)
        atomic_write_bytes(manifest, json.dumps({"files": written}, indent=1).encode("utf-8"))
    except OSError as exc:
        raise ReportError(text("cannot_write", lang, folder=folder,
                               reason=exc.strerror or exc)) from None
    result.seconds = time.perf_counter() - started
    return result
