"""Narrative text of the chapters, read from ``<module>.toml`` beside each chapter module.

A key of such a file holds ``de`` and ``en`` text, or (for label tables) a ``de`` and an ``en``
mapping. Every lookup falls back to German, fills ``{placeholders}`` only when values are
given, and writes Swiss spelling (ss for ß) for the de-CH locale.
"""

from __future__ import annotations

import html
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from ..i18n import swiss_spelling
from ..notebook import Context

__all__ = ["fill", "label", "markdown", "text", "texts"]


@cache
def texts(module_file: str) -> dict[str, Any]:
    """The parsed ``<module>.toml`` beside ``module_file`` (a module's ``__file__``), read once."""
    return tomllib.loads(Path(module_file).with_suffix(".toml").read_text(encoding="utf-8"))


def fill(ctx: Context, raw: str, **values: Any) -> str:
    """``raw`` with its placeholders filled (only when values are given), de-CH without ß."""
    return swiss_spelling(raw.format(**values) if values else raw, ctx.locale)


def text(ctx: Context, texts: dict[str, Any], key: str, **values: Any) -> str:
    """Plain narrative ``texts[key]`` in the context's language (German fallback), stripped."""
    entry = texts[key]
    return fill(ctx, entry.get(ctx.language) or entry["de"], **values).strip()


def markdown(ctx: Context, texts: dict[str, Any], key: str, **values: Any) -> Any:
    """Narrative ``texts[key]`` as an IPython ``Markdown`` block; the values are HTML-escaped."""
    from IPython.display import Markdown

    safe = {name: html.escape(str(value)) for name, value in values.items()}
    return Markdown(text(ctx, texts, key, **safe))


def label(ctx: Context, texts: dict[str, Any], table: str, key: str) -> str:
    """Entry ``key`` of the label table ``texts[table]``; ``key`` itself when it has none."""
    entry = texts[table]
    labels = entry.get(ctx.language) or entry["de"]
    return swiss_spelling(str(labels.get(key, key)), ctx.locale)
