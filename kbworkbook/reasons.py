"""Why a figure cannot be computed: the catalogue of :class:`~kbworkbook.errors.MetricError`
texts, German and English (``reasons.toml``), and their rendering for a locale.

A metric raises ``MetricError("rfm.too_few_customers", n=3)``; the view that shows the reason
calls :func:`reason_of` with its language and locale. Values are formatted at that edge:
whole numbers with the locale's grouping, other numbers with up to three decimals, dates as
the locale writes them, lists joined with commas, nested :class:`~kbworkbook.errors.Text`
rendered in the same language. German text is written with ``ss`` for the de-CH locale.
"""

from __future__ import annotations

import datetime as dt
import numbers
import tomllib
from collections.abc import Mapping
from functools import cache
from typing import Any

from ._bundled import package_path
from .errors import MetricError, Text
from .i18n import format_date, format_decimal, format_integer, language_of, swiss_spelling

__all__ = ["reason_codes", "reason_of", "render_reason"]


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    data = tomllib.loads(package_path("reasons.toml").read_text(encoding="utf-8"))
    flat: dict[str, dict[str, str]] = {}

    def walk(prefix: str, table: Mapping[str, Any]) -> None:
        if "de" in table and isinstance(table["de"], str):
            flat[prefix] = {"de": table["de"], "en": table["en"]}
            return
        for key, value in table.items():
            walk(f"{prefix}.{key}" if prefix else key, value)

    walk("", data)
    return flat


def reason_codes() -> frozenset[str]:
    """Every code the catalogue defines."""
    return frozenset(_catalogue())


def _number(value: float, locale: str) -> str:
    if float(value).is_integer():
        return format_integer(value, locale)
    text = format_decimal(value, locale, 3)
    decimal = "." if locale in ("de-CH", "en") else ","
    return text.rstrip("0").rstrip(decimal) if decimal in text else text


def _value(value: Any, language: str, locale: str | None) -> str:
    if isinstance(value, Text):
        return render_reason(value.code, value.values, language, locale)
    if isinstance(value, bool) or value is None:
        return str(value)
    style = locale or ("en" if language == "en" else "de-CH")
    if isinstance(value, numbers.Real):
        return _number(float(value), style)
    if isinstance(value, dt.date):  # also datetime and pandas.Timestamp
        return format_date(value, style)
    if isinstance(value, list | tuple):
        return ", ".join(_value(v, language, locale) for v in value)
    return str(value)


def render_reason(code: str, values: Mapping[str, Any], language: str = "de",
                  locale: str | None = None) -> str:
    """The text for ``code`` in ``language`` with ``values`` formatted for ``locale``.

    An unknown code or placeholder is a programming error (``KeyError``).
    """
    lang = language_of(language)
    text = _catalogue()[code][lang]
    filled = text.format(**{k: _value(v, lang, locale) for k, v in values.items()})
    # without a locale the text stays as written (the German of ``str(exc)``)
    return swiss_spelling(filled, locale) if locale else filled


def reason_of(exc: BaseException, language: str = "de", locale: str | None = None) -> str:
    """What a view says about ``exc``: a :class:`MetricError`'s text in the reader's language,
    any other error's own message."""
    if isinstance(exc, MetricError):
        return exc.text(language, locale)
    return str(exc)

