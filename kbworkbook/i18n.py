"""Languages, locales and formatting of numbers, money, percentages and dates (via babel).

Locales are written as users know them (``de-CH``, ``de-DE``, ``de-AT``, ``en``); the language
of all text is ``de`` or ``en``. Formatting never touches the process-wide ``locale`` module.
Rounding for display is half-up (``decimal.ROUND_HALF_UP``), as the domain reference requires.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

__all__ = [
    "LANGUAGES",
    "LOCALES",
    "Language",
    "babel_locale",
    "format_currency",
    "format_date",
    "format_decimal",
    "format_integer",
    "format_percent",
    "format_points",
    "language_of",
    "normalize_locale",
    "round_half_up",
    "swiss_spelling",
    "tr",
]

Language = Literal["de", "en"]
LANGUAGES: tuple[str, ...] = ("de", "en")
LOCALES: tuple[str, ...] = ("de-CH", "de-DE", "de-AT", "en")
_DEFAULT_LOCALE_FOR_LANGUAGE = {"de": "de-CH", "en": "en"}

#: Shown instead of a number that is undefined (NaN / None).
NOT_AVAILABLE = {"de": "–", "en": "–"}


def normalize_locale(value: str | None) -> str:
    """Return the canonical spelling (``de-CH`` …) of a locale; ``None`` means ``de-CH``.

    Accepts ``de_CH``, ``de-ch`` and the like. Raises ``ValueError`` for anything else.
    """
    if value is None:
        return "de-CH"
    cleaned = str(value).strip().replace("_", "-")
    for known in LOCALES:
        if cleaned.lower() == known.lower():
            return known
    if cleaned.lower() in ("de",):
        return "de-DE"
    if cleaned.lower().startswith("en"):
        return "en"
    raise ValueError(f"unknown locale {value!r}; use one of {', '.join(LOCALES)}")


def language_of(locale: str | None) -> Language:
    """The text language (``de`` or ``en``) belonging to a locale or language code."""
    if locale is None:
        return "de"
    return "en" if str(locale).lower().startswith("en") else "de"


def babel_locale(locale: str | None) -> Locale:
    """A babel ``Locale`` for a locale or a bare language (``de`` → de-CH, ``en`` → en-GB style)."""
    if locale in LANGUAGES:
        locale = _DEFAULT_LOCALE_FOR_LANGUAGE[str(locale)]
    loc = normalize_locale(locale)
    return Locale.parse("en_GB" if loc == "en" else loc.replace("-", "_"))


def round_half_up(value: float, digits: int = 0) -> float:
    """Round half away from zero for display (Python's ``round`` rounds halves to even)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return value
    quant = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(quant, rounding=ROUND_HALF_UP))


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(math.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return bool(value != value)  # NaT and similar "not a time" values


def _quantize(value: float, digits: int) -> Decimal:
    """Half-up rounding to ``digits`` decimals; a result of zero is never negative (no "-0")."""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits),
                                                   rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def format_decimal(value: float | None, locale: str | None = "de-CH", digits: int = 1) -> str:
    """A number with thousands separators and exactly ``digits`` decimals (half-up)."""
    if _missing(value):
        return NOT_AVAILABLE[language_of(locale)]
    rounded = _quantize(value, digits)  # type: ignore[arg-type]
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return babel_numbers.format_decimal(rounded, format=pattern, locale=babel_locale(locale))


def format_integer(value: float | None, locale: str | None = "de-CH") -> str:
    """A whole number with thousands separators (``1’234`` in de-CH, ``1.234`` in de-DE)."""
    return format_decimal(value, locale, digits=0)


def format_percent(fraction: float | None, locale: str | None = "de-CH", digits: int = 1) -> str:
    """A fraction 0..1 shown as percent, e.g. ``0.614035`` → ``61.4 %`` (de-CH)."""
    if _missing(fraction):
        return NOT_AVAILABLE[language_of(locale)]
    number = format_decimal(float(fraction) * 100.0, locale, digits)  # type: ignore[arg-type]
    return f"{number}\u00a0%" if language_of(locale) == "de" else f"{number}%"


def format_points(value: float | None, locale: str | None = "de-CH", digits: int = 0) -> str:
    """NPS-style points with an explicit sign (``+30``, ``−12``)."""
    if _missing(value):
        return NOT_AVAILABLE[language_of(locale)]
    text = format_decimal(abs(float(value)), locale, digits)  # type: ignore[arg-type]
    if float(text.replace("’", "").replace("'", "").replace(".", "").replace(",", "")) == 0:
        return text
    return ("+" if float(value) > 0 else "\u2212") + text  # type: ignore[arg-type]


def format_currency(
    value: float | None, currency: str = "CHF", locale: str | None = "de-CH", digits: int = 2
) -> str:
    """Money in the locale's style: ``CHF 1’234.50`` (de-CH), ``1.234,50 €`` (de-DE)."""
    if _missing(value):
        return NOT_AVAILABLE[language_of(locale)]
    rounded = _quantize(value, digits)  # type: ignore[arg-type]
    babel_loc = babel_locale(locale)
    pattern = babel_loc.currency_formats["standard"].pattern.split(";")[0]
    pattern = pattern.replace("0.00", "0" + ("." + "0" * digits if digits > 0 else ""))
    return babel_numbers.format_currency(
        rounded, currency, format=pattern, locale=babel_loc, currency_digits=False
    )


def format_date(
    value: dt.date | dt.datetime | str | None, locale: str | None = "de-CH", style: str = "medium"
) -> str:
    """A date in the locale's style (``23.11.2026`` in German, ``23 Nov 2026`` in English)."""
    if value is None or _missing(value):
        return NOT_AVAILABLE[language_of(locale)]
    day: dt.date
    if isinstance(value, str):
        day = dt.date.fromisoformat(value[:10])
    elif isinstance(value, dt.datetime):  # also pandas.Timestamp
        day = value.date()
    else:
        day = value
    return babel_dates.format_date(day, format=style, locale=babel_locale(locale))


def swiss_spelling(text: str, locale: str | None) -> str:
    """Swiss Standard German writes ``ss`` for ``ß``: applied for the de-CH locale only."""
    return text.replace("ß", "ss") if locale == "de-CH" else text


def tr(
    catalog: Mapping[str, Mapping[str, str]], key: str, language: str = "de", **values: object
) -> str:
    """Look up ``catalog[key][language]`` (falling back to German) and fill ``{placeholders}``."""
    entry = catalog[key]
    text = entry.get(language_of(language)) or entry["de"]
    return text.format(**values) if values else text
