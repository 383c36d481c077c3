"""Locale formatting (the project's own number style, not CLDR's) and half-up rounding."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook.i18n import (
    format_currency,
    format_date,
    format_decimal,
    format_percent,
    format_points,
    language_of,
    normalize_locale,
    round_half_up,
)


@pytest.mark.parametrize(
    ("locale", "number", "money", "percent"),
    [
        ("de-CH", "1’234.6", "CHF\u00a01’234.50", "61.4\u00a0%"),
        ("de-DE", "1.234,6", "1.234,50\u00a0€", "61,4\u00a0%"),
        ("de-AT", "1.234,6", "€\u00a01.234,50", "61,4\u00a0%"),
        ("en", "1,234.6", "€1,234.50", "61.4%"),
    ],
)
def test_locale_formats(locale: str, number: str, money: str, percent: str) -> None:
    currency = "CHF" if locale == "de-CH" else "EUR"
    assert format_decimal(1234.55, locale, 1) == number
    assert format_currency(1234.5, currency, locale) == money
    assert format_percent(0.614035, locale) == percent


@pytest.mark.parametrize(
    ("locale", "currency", "expected"),
    [
        ("de-CH", "CHF", "CHF\u00a0\u22121’234’567.50"),
        ("de-DE", "EUR", "\u22121.234.567,50\u00a0€"),
        ("de-DE", "CHF", "\u22121.234.567,50\u00a0CHF"),
        ("de-AT", "EUR", "€\u00a0\u22121.234.567,50"),
        ("en", "CHF", "CHF\u00a0\u22121,234,567.50"),
    ],
)
def test_negative_money_keeps_the_sign_at_the_number(locale: str, currency: str,
                                                     expected: str) -> None:
    """``CHF −18.70``, never ``-CHF 18.70`` or ``CHF-18.70`` (CLDR's patterns differ by release)."""
    assert format_currency(-1234567.5, currency, locale) == expected


def test_number_style_does_not_depend_on_cldr_data() -> None:
    """CLDR changed de-CH's group separator (``’`` → ``'``) between babel releases; the style is
    the project's own, so formatting works with babel not importable at all."""
    code = (
        "import sys; sys.modules['babel'] = None\n"
        "from kbworkbook.i18n import format_currency, format_date, format_month\n"
        "print(format_currency(1234567.891, 'CHF', 'de-CH'), format_date('2025-09-30', 'en'),"
        " format_month('2025-03-01', 'de-CH'), sep='|')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "CHF\u00a01’234’567.89|30 Sep 2025|Mär 2025"


def test_half_up_not_bankers_rounding() -> None:
    assert round_half_up(2.5) == 3.0
    assert round_half_up(0.125, 2) == 0.13
    assert format_decimal(0.5, "de-DE", 0) == "1"
    assert format_decimal(2.675, "en", 2) == "2.68"


def test_points_dates_and_missing_values() -> None:
    assert format_points(30, "de-CH") == "+30"
    assert format_points(-45.4545, "de-CH") == "\u221245"
    assert format_points(0.2, "de-CH") == "0"
    assert format_date("2025-03-31", "de-CH") == "31.03.2025"
    assert format_date("2025-03-31", "en") == "31 Mar 2025"
    assert format_percent(float("nan"), "de-CH") == "–"
    assert format_currency(None, "CHF", "de-CH") == "–"


def test_locale_names() -> None:
    assert normalize_locale("de_ch") == "de-CH"
    assert normalize_locale(None) == "de-CH"
    assert language_of("en") == "en" and language_of("de-AT") == "de"
    with pytest.raises(ValueError, match="unknown locale"):
        normalize_locale("fr-FR")


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False))
def test_swiss_format_parses_back(value: object) -> None:
    text = format_decimal(float(value), "de-CH", 2)  # type: ignore[arg-type]
    number = float(text.replace("’", "").replace("\u2212", "-"))
    assert number == pytest.approx(float(value), abs=0.005)  # type: ignore[arg-type]
    assert "'" not in text and text.count(".") <= 1


def test_no_negative_zero_after_rounding() -> None:
    assert format_percent(-0.001, "de-CH", 0) == "0\u00a0%"
    assert format_decimal(-0.04, "de-DE", 1) == "0,0"
    assert format_currency(-0.001, "CHF", "de-CH") == "CHF\u00a00.00"
    assert format_percent(-0.11, "de-CH", 0) == "\u221211\u00a0%"
    assert format_points(-0.4, "de-CH") == "0"
