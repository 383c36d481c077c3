"""Narrative text of the chapters, read from ``<module>.toml`` beside each chapter module.

A key of such a file holds ``de`` and ``en`` text, or (for label tables) a ``de`` and an ``en``
mapping. Every lookup falls back to German, fills ``{placeholders}`` only when values are
given, and writes Swiss spelling (ss for ß) for the de-CH locale.

A client selling to firms (``[client] market = "b2b"`` in kbworkbook.toml) reads the
``de_b2b`` / ``en_b2b`` variant of a text where one exists (Geschäftskunden, Schlüsselkunden,
Rahmenverträge); a label table's ``de_b2b`` / ``en_b2b`` mapping overrides single labels. The
wording lives in the catalogues, never in the chapters' code.

The consultant may replace any narrative text shown with :func:`markdown` and add a comment
after any section, per workspace (:mod:`kbworkbook.consultant_texts`); both are escaped and
have personal data masked before they reach the page.
"""

from __future__ import annotations

import html
import importlib
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from ..consultant_texts import FOLDER, ChapterTexts, load_chapter_texts, placeholder_problem
from ..i18n import swiss_spelling
from ..notebook import Context, note
from ..scrub import privacy_note, scrub

__all__ = ["chapter_texts", "consultant_comment", "fill", "label", "markdown", "text", "texts",
           "variant"]

#: id of a parsed catalogue → its chapter module's name (for the consultant's overrides)
_MODULE_OF: dict[int, str] = {}


@cache
def texts(module_file: str) -> dict[str, Any]:
    """The parsed ``<module>.toml`` beside ``module_file`` (a module's ``__file__``), read once."""
    data = tomllib.loads(Path(module_file).with_suffix(".toml").read_text(encoding="utf-8"))
    _MODULE_OF[id(data)] = Path(module_file).stem
    return data


def chapter_texts(ctx: Context, module: str) -> ChapterTexts:
    """The consultant's texts for chapter module ``module`` in this workspace (read once)."""

    def load() -> ChapterTexts:
        mod = importlib.import_module(f"kbworkbook.chapters.{module}")
        source = str(mod.__file__)
        catalogue = texts(source) if Path(source).with_suffix(".toml").is_file() else {}
        keys = [k for k, v in catalogue.items() if isinstance(v, dict)
                and isinstance(v.get("de"), str)]
        return load_chapter_texts(ctx.workspace.root, module, keys,
                                  getattr(mod, "SECTIONS", ()), ctx.language)

    return ctx.memo(f"consultant_texts:{module}", load)


_COMMENT_TITLE = {"de": "Anmerkung der Beratung", "en": "Consultant's note"}


def consultant_comment(ctx: Context, module: str, section: str) -> list[Any]:
    """The consultant's comment after ``section`` (escaped, personal data masked), if any."""
    from IPython.display import HTML

    comment = chapter_texts(ctx, module).comments.get(section)
    if not comment:
        return []
    masked = scrub(comment, ctx.language)
    name = str(ctx.workspace.section("consultant").get("name", "")).strip()
    title = _COMMENT_TITLE[ctx.language] + (f" ({name})" if name else "")
    body = html.escape(masked.text).replace("\n", "<br>")
    blocks: list[Any] = [HTML(
        f'<aside class="kb-consultant-note"><p class="kb-consultant-note-title">'
        f"{html.escape(title)}</p><p>{body}</p></aside>")]
    if masked.found:
        blocks.append(note(privacy_note(masked.found, ctx.language)))
    return blocks


def fill(ctx: Context, raw: str, **values: Any) -> str:
    """``raw`` with its placeholders filled (only when values are given), de-CH without ß."""
    return swiss_spelling(raw.format(**values) if values else raw, ctx.locale)


def _b2b(ctx: Context) -> bool:
    return getattr(ctx.workspace, "market", "b2c") == "b2b"


def variant(ctx: Context, entry: dict[str, Any]) -> Any:
    """The entry's text for the context: ``<language>_b2b`` for a B2B client when present,
    else ``<language>``, else the German (B2B variant first)."""
    keys: list[str] = [ctx.language, "de"]
    if _b2b(ctx):
        keys = [f"{ctx.language}_b2b", ctx.language, "de_b2b", "de"]
    return next((entry[k] for k in keys if entry.get(k)), entry["de"])


def text(ctx: Context, texts: dict[str, Any], key: str, **values: Any) -> str:
    """Plain narrative ``texts[key]`` in the context's language (German fallback), stripped."""
    return fill(ctx, variant(ctx, texts[key]), **values).strip()


def markdown(ctx: Context, texts: dict[str, Any], key: str, **values: Any) -> Any:
    """Narrative ``texts[key]`` as an IPython ``Markdown`` block; the values are HTML-escaped.

    Where the consultant replaced the text (``texts/<module>.toml``, ``[texte]``), that text is
    shown instead: escaped, personal data masked, ``{placeholders}`` of the original filled.
    An override whose braces do not fit falls back to the original with a note.
    """
    from IPython.display import Markdown

    safe = {name: html.escape(str(value)) for name, value in values.items()}
    module = _MODULE_OF.get(id(texts))
    own = chapter_texts(ctx, module).overrides.get(key) if module else None
    if own is not None:
        try:
            return Markdown(fill(ctx, html.escape(scrub(own, ctx.language).text), **safe))
        except (KeyError, IndexError, ValueError) as exc:
            problem = placeholder_problem(f"{FOLDER}/{module}.toml", key, str(exc),
                                          ctx.language)
            return [note(problem), Markdown(text(ctx, texts, key, **safe))]
    return Markdown(text(ctx, texts, key, **safe))


def label(ctx: Context, texts: dict[str, Any], table: str, key: str) -> str:
    """Entry ``key`` of the label table ``texts[table]``; ``key`` itself when it has none."""
    entry = texts[table]
    labels = dict(entry.get(ctx.language) or entry["de"])
    if _b2b(ctx):
        labels.update(entry.get(f"{ctx.language}_b2b") or {})
    return swiss_spelling(str(labels.get(key, key)), ctx.locale)
