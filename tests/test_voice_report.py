"""The sample report's »Was Kunden sagen«: themes with quotes in chapter 03, and not one name,
e-mail address, phone number or IBAN of the survey in any page, figures.json or the PDF."""

from __future__ import annotations

import re
import subprocess

import pytest
from _pdftools import tool
from openpyxl import load_workbook

from kbworkbook.workspace import SAMPLE_WORKSPACE

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("report")]


def _survey() -> list[tuple]:
    book = load_workbook(SAMPLE_WORKSPACE / "data" / "nps.xlsx", read_only=True)
    try:
        sheet = book.active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        book.close()
    assert rows[0][:6] == ("Datum", "Kundennummer", "Name", "E-Mail", "Bewertung", "Kommentar")
    return [row[:6] for row in rows[1:]]  # (a seventh column: how they heard of the shop)


def _secrets() -> set[str]:
    """Every respondent's e-mail address and surname (first names are also common words
    such as »Mia«), and the contact data typed into comments."""
    found: set[str] = set()
    for _date, _number, name, email, _score, comment in _survey():
        found |= {str(email), str(name).split()[-1]}
        if comment:
            found |= set(re.findall(r"[\w.]+@[\w.]+", comment))
            found |= {m.strip() for m in re.findall(r"(?:\+41|0)[\d ]{9,14}\d", comment)}
            found |= set(re.findall(r"CH\d\d(?: \d{4}){4} \d", comment))
            found |= set(re.findall(r"Anna Keller", comment))
    return found


def test_the_survey_holds_what_must_not_be_shown() -> None:
    secrets = _secrets()
    assert "CH93 0076 2011 6238 5295 7" in secrets and "+41 44 123 45 67" in secrets
    assert "079 123 45 67" in secrets and "Anna Keller" in secrets
    assert sum("@example.ch" in s for s in secrets) > 100


def test_no_personal_data_of_the_survey_in_the_report(sample_report) -> None:  # type: ignore[no-untyped-def]
    out = sample_report.out_dir
    texts = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.html")}
    texts["figures.json"] = (out / "figures.json").read_text(encoding="utf-8")
    if sample_report.pdf_path is not None:
        texts["pdf"] = subprocess.run([tool("pdftotext"), str(sample_report.pdf_path), "-"],
                                      check=True, capture_output=True, text=True).stdout
    secrets = _secrets()
    surnames = {s for s in secrets if re.fullmatch(r"[A-ZÄÖÜ][a-zäöü]+", s)}
    for name, text in texts.items():
        flat = " ".join(text.replace("\u00a0", " ").split())
        digits = re.sub(r"\D", "", flat)
        for secret in secrets - surnames:
            assert secret not in flat, (name, secret)
            if secret.startswith(("+", "0", "CH")):
                assert re.sub(r"\D", "", secret)[-7:] not in digits, (name, secret)
        # a surname only as a whole word: »Frei«, »Graf« or »Roth« may stand in German text
        for surname in surnames & {"Keller", "Zürcher", "Kälin", "Odermatt", "Gisler"}:
            assert not re.search(rf"\b{surname}\b", flat), (name, surname)


def test_the_sample_report_shows_themes_and_nps_per_segment(sample_report) -> None:  # type: ignore[no-untyped-def]
    page = (sample_report.out_dir / "03_kennzahlen.html").read_text(encoding="utf-8")
    assert "Was Kunden sagen" in page and "Preis und Leistung" in page
    assert "Seit der Preiserhöhung kaufe ich weniger hier." in page
    assert "NPS nach RFM-Segment" in page and "NPS nach Kundentyp" in page
    assert "weniger als 10 Antworten" in page
