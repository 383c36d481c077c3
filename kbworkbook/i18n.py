"""Languages, locales and formatting of numbers, money, percentages and dates.

Locales are written as users know them (``de-CH``, ``de-DE``, ``de-AT``, ``en``); the language
of all text is ``de`` or ``en``. Formatting never touches the process-wide ``locale`` module.

The number style is the project's own, fixed in :data:`NUMBER_STYLES` and not taken from CLDR:
CLDR (and so babel) has changed the Swiss group separator between releases (``’`` U+2019 up to
CLDR 46, ``'`` U+0027 since), and a report must not change its look with a dependency update.

========  ==========  =========  ===============  ==============
locale    1234.5      money      negative money   percent
========  ==========  =========  ===============  ==============
de-CH     1’234.5     CHF 1’234.50  CHF −1’234.50  61.4 %
de-DE     1.234,5     1.234,50 €    −1.234,50 €    61,4 %
de-AT     1.234,5     € 1.234,50    € −1.234,50    61,4 %
en        1,234.5     CHF 1,234.50  CHF −1,234.50  61.4%
========  ==========  =========  ===============  ==============

The Swiss group separator is the typographic apostrophe U+2019 (as in Swiss print and the
Federal Chancellery's writing rules); spaces inside a number, before ``%`` and between currency
and amount are no-break spaces (U+00A0) so a figure never breaks across lines; a negative sign
is the minus sign U+2212, also inside money (``CHF −18.70``, never ``-CHF 18.70``). Rounding for
display is half-up (``decimal.ROUND_HALF_UP``), as the domain reference requires. Dates use
fixed patterns and month names (``31.03.2025``, ``31 Mar 2025``; ``Mär 2025`` for a month).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

__all__ = [
    "LANGUAGES",
    "LOCALES",
    "MINUS",
    "NUMBER_STYLES",
    "Language",
    "NumberStyle",
    "format_currency",
    "format_date",
    "format_decimal",
    "format_integer",
    "format_month",
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

NBSP = "\u00a0"
#: The sign of a negative number everywhere in text, tables and chart ticks (U+2212).
MINUS = "\u2212"


@dataclass(frozen=True)
class NumberStyle:
    """How one locale writes numbers and money (see the module docstring)."""

    group: str
    decimal: str
    percent_gap: str
    currency_after: bool = False
    symbol_attached: bool = False


#: The project's number style per locale, independent of the installed CLDR data.
NUMBER_STYLES: dict[str, NumberStyle] = {
    "de-CH": NumberStyle(group="\u2019", decimal=".", percent_gap=NBSP),
    "de-DE": NumberStyle(group=".", decimal=",", percent_gap=NBSP, currency_after=True),
    "de-AT": NumberStyle(group=".", decimal=",", percent_gap=NBSP),
    "en": NumberStyle(group=",", decimal=".", percent_gap="", symbol_attached=True),
}
_CURRENCY_SYMBOLS = {"EUR": "€"}
_MONTHS = {
    "de": ("Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def _style(locale: str | None) -> NumberStyle:
    """The style of a locale or bare language (``de`` → de-CH, ``en`` → en)."""
    if locale in LANGUAGES:
        locale = _DEFAULT_LOCALE_FOR_LANGUAGE[str(locale)]
    return NUMBER_STYLES[normalize_locale(locale)]



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


def _digits(rounded: Decimal, group: str, decimal: str) -> str:
    """``rounded`` (non-negative) with ``group`` every three integer digits and ``decimal``."""
    text = format(rounded, "f")
    whole, _, fraction = text.partition(".")
    head = len(whole) % 3 or 3
    grouped = whole[:head] + "".join(group + whole[i:i + 3] for i in range(head, len(whole), 3))
    return grouped + (decimal + fraction if fraction else "")


def _number(value: float, locale: str | None, digits: int) -> str:
    rounded = _quantize(value, digits)
    style = _style(locale)
    text = _digits(abs(rounded), style.group, style.decimal)
    return MINUS + text if rounded < 0 else text


def format_decimal(value: float | None, locale: str | None = "de-CH", digits: int = 1) -> str:
    """A number with thousands separators and exactly ``digits`` decimals (half-up).

    ``1’234.6`` (de-CH), ``1.234,6`` (de-DE, de-AT), ``1,234.6`` (en); ``−5.0`` for negatives;
    ``–`` for a missing value (None, NaN).
    """
    if _missing(value):
        return NOT_AVAILABLE[language_of(locale)]
    return _number(float(value), locale, digits)  # type: ignore[arg-type]


def format_integer(value: float | None, locale: str | None = "de-CH") -> str:
    """A whole number with thousands separators (``1’234`` in de-CH, ``1.234`` in de-DE)."""
    return format_decimal(value, locale, digits=0)


def format_percent(fraction: float | None, locale: str | None = "de-CH", digits: int = 1) -> str:
    """A fraction 0..1 shown as percent, e.g. ``0.614035`` → ``61.4 %`` (de-CH), ``61.4%`` (en)."""
    if _missing(fraction):
        return NOT_AVAILABLE[language_of(locale)]
    number = _number(float(fraction) * 100.0, locale, digits)  # type: ignore[arg-type]
    return f"{number}{_style(locale).percent_gap}%"


def format_points(value: float | None, locale: str | None = "de-CH", digits: int = 0) -> str:
    """NPS-style points with an explicit sign (``+30``, ``−12``; ``0`` has none)."""
    if _missing(value):
        return NOT_AVAILABLE[language_of(locale)]
    rounded = _quantize(float(value), digits)  # type: ignore[arg-type]
    text = _number(float(abs(rounded)), locale, digits)
    if rounded == 0:
        return text
    return ("+" if rounded > 0 else MINUS) + text


def format_currency(
    value: float | None, currency: str = "CHF", locale: str | None = "de-CH", digits: int = 2
) -> str:
    """Money in the locale's style: ``CHF 1’234.50`` (de-CH), ``1.234,50 €`` (de-DE).

    The currency is written as its ISO code except the euro (``€``); in English a symbol is
    attached (``€1,234.50``), a code separated (``CHF 1,234.50``). ``–`` for a missing value.
    """
    if _missing(value):
        return NOT_AVAILABLE[language_of(locale)]
    amount = _number(float(value), locale, digits)  # type: ignore[arg-type]
    symbol = _CURRENCY_SYMBOLS.get(currency.upper(), currency.upper())
    style = _style(locale)
    if style.currency_after:
        return f"{amount}{NBSP}{symbol}"
    gap = "" if (style.symbol_attached and symbol != currency.upper()) else NBSP
    return f"{symbol}{gap}{amount}"


def _as_day(value: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):  # also pandas.Timestamp
        return value.date()
    return value


def format_date(value: dt.date | dt.datetime | str | None, locale: str | None = "de-CH") -> str:
    """A date: ``23.11.2026`` in German, ``23 Nov 2026`` in English; ``–`` when missing."""
    if value is None or _missing(value):
        return NOT_AVAILABLE[language_of(locale)]
    day = _as_day(value)
    if language_of(locale) == "en":
        return f"{day.day} {_MONTHS['en'][day.month - 1]} {day.year}"
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def format_month(value: dt.date | dt.datetime | str, locale: str | None = "de-CH") -> str:
    """A month as ``Mär 2025`` (German) or ``Mar 2025`` (English)."""
    day = _as_day(value)
    return f"{_MONTHS[language_of(locale)][day.month - 1]} {day.year}"


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
