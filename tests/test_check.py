"""check_workspace / render_check: summaries for good, empty, missing and broken inputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kbworkbook.check import check_workspace, render_check
from kbworkbook.workspace import Workspace, create_workspace


def _good_workspace(tmp_path: Path, locale: str = "de-CH") -> Workspace:
    ws = create_workspace(tmp_path / "kunde", client="Café Muster", locale=locale)
    (ws.data_dir / "transactions.csv").write_bytes(
        "Belegdatum;Kunden-Nr.;Umsatz (CHF);E-Mail;Artikel\n"
        "03.01.2025;004711;1.234,50;a@b.ch;Torte\n"
        "15.03.2025;004712;-3,40;c@d.ch;Brötchen\n"
        "31.12.2025;004711;5,00;a@b.ch;Müesli\n".encode("cp1252"))
    (ws.data_dir / "nps.csv").unlink()
    (ws.data_dir / "posts.csv").unlink()
    return ws


def test_good_workspace_summary(tmp_path: Path) -> None:
    ws = _good_workspace(tmp_path)
    result = check_workspace(ws)
    assert result.ok
    tx = result["transactions"]
    assert (tx.status, tx.rows, tx.customers) == ("ok", 3, 2)
    assert (tx.first, tx.last) == (dt.date(2025, 1, 3), dt.date(2025, 12, 31))
    assert [result[n].status for n in ("nps", "posts", "complaints")] == [
        "missing", "missing", "empty"]
    text = render_check(result, "de")
    assert "Verkäufe (transactions.csv): in Ordnung" in text
    assert "Zeilen: 3 · Kunden: 2 · Zeitraum: 03.01.2025 – 31.12.2025" in text
    assert "Erkannt: Windows-1252, Semikolon (;), Dezimalkomma (1.234,56), Datum TT.MM.JJJJ" in text
    assert "Umsatz (CHF) → Umsatz" in text
    assert "Aus Datenschutzgründen verworfen: E-Mail" in text
    assert "NPS-Umfrage: nicht vorhanden – Kapitel zeigen einen Hinweis" in text
    assert "Beschwerden (complaints.csv): noch leer (nur Kopfzeile)" in text
    assert "a@b.ch" not in text


def test_fresh_workspace_is_ok_and_says_empty(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "neu", client="Neu GmbH")
    result = check_workspace(ws)
    assert result.ok
    assert {item.status for item in result.inputs} == {"empty"}
    assert "Verkäufe (transactions.csv): noch leer (nur Kopfzeile)" in render_check(result)


def test_missing_transactions_say_what_is_lost(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "neu", client="Neu GmbH")
    (ws.data_dir / "transactions.csv").unlink()
    text = render_check(check_workspace(ws))
    assert "Verkäufe: nicht vorhanden – ohne Verkaufsdaten fehlen Kennzahlen" in text


def test_broken_file_lists_every_problem(tmp_path: Path) -> None:
    ws = _good_workspace(tmp_path)
    (ws.data_dir / "complaints.csv").write_text(
        "Datum;Erledigt;Zufrieden\n31.13.2025;ja;nein\n01.01.2025;vielleicht;ja\n",
        encoding="utf-8")
    result = check_workspace(ws)
    assert not result.ok
    item = result["complaints"]
    assert [(p.code, p.row, p.column) for p in item.problems] == [
        ("bad_date", 2, "Datum"), ("bad_boolean", 3, "Erledigt")]
    text = render_check(result, "de")
    assert "Beschwerden (complaints.csv): 2 Problem(e) – bitte korrigieren" in text
    assert "complaints.csv, Zeile 2, Spalte »Datum«: »31.13.2025« ist kein gültiges Datum" in text
    assert "Ergebnis: 1 Datei(en) mit Problemen" in text


@pytest.mark.parametrize("language", ["en"])
def test_render_in_english(tmp_path: Path, language: str) -> None:
    ws = _good_workspace(tmp_path, locale="en")
    text = render_check(check_workspace(ws), ws.language)
    assert ws.language == language
    assert "Sales (transactions.csv): fine" in text
    assert "rows: 3 · customers: 2" in text
    assert "decimal comma" in text and "Dropped for privacy: E-Mail" in text
    assert "NPS survey: not present" in text


def test_check_predicts_per_chapter_what_the_report_can_show(tmp_path) -> None:
    """The outlook uses the chapters' metrics: a walk-in-only till file computes purchases but
    no retention, cohorts or RFM, and says why in German."""
    import shutil
    from pathlib import Path

    from kbworkbook.check import check_workspace, render_check
    from kbworkbook.workspace import create_workspace

    exports = Path(__file__).parent / "data" / "exports"
    ws = create_workspace(tmp_path / "ws", "Café", locale="de-CH")
    (ws.data_dir / "transactions.csv").unlink()
    shutil.copy(exports / "Verkaufsbericht_2025-05.csv", ws.data_dir / "Verkaufsbericht.csv")
    result = check_workspace(ws)
    assert result.ok
    by_key = {entry.key: entry for entry in result.outlook}
    assert by_key["purchases"].ok and "CHF\u00a050" in by_key["purchases"].detail
    assert "4 Einkäufe, 0 Kunden" in by_key["purchases"].detail
    assert not by_key["retention"].ok and "Kundennummer" in by_key["retention"].detail
    assert not by_key["rfm"].ok and not by_key["cohorts"].ok
    assert not by_key["nps"].ok and "keine Datei" in by_key["nps"].detail
    text = render_check(result)
    assert "Was der Bericht zeigen kann (Stichtag 05.05.2025, Zeitfenster 12 Monate):" in text
    assert "05 Massnahmen & Wirtschaftlichkeit" in text  # de-CH spelling
    assert "    ✓ Kaufverhalten: Umsatz CHF\u00a050, 4 Einkäufe, 0 Kunden" in text


def test_check_is_not_ok_when_the_report_cannot_use_the_sales(tmp_path) -> None:
    from kbworkbook.check import check_workspace, render_check
    from kbworkbook.cli import main
    from kbworkbook.workspace import Workspace, create_workspace

    ws = create_workspace(tmp_path / "ws", "Alt", locale="de-CH")
    (ws.data_dir / "transactions.csv").write_text(
        "Datum;Kundennummer;Umsatz\n03.01.2020;1;5,00\n04.01.2020;2;7,00\n", encoding="utf-8")
    config = ws.root / "kbworkbook.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "# as_of = 2025-12-31", "as_of = 2025-12-31"), encoding="utf-8")
    result = check_workspace(Workspace.open(ws.root))
    assert all(item.status != "problems" for item in result.inputs)
    assert not result.ok
    assert "keine Kennzahl berechnen" in render_check(result)
    assert main(["check", str(ws.root)]) != 0
