"""Files in data/ are recognised by their columns, whatever their name; nothing is guessed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kbworkbook.check import check_workspace, render_check
from kbworkbook.cli import main
from kbworkbook.discovery import discover
from kbworkbook.errors import DataError
from kbworkbook.schemas import load_table
from kbworkbook.workspace import Workspace, create_workspace

EXPORTS = Path(__file__).parent / "data" / "exports"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """A fresh workspace from ``kbworkbook new``: header-only templates in data/."""
    return create_workspace(tmp_path / "ws", "Röstwerk", locale="de-DE")


def _set_data(ws: Workspace, line: str) -> Workspace:
    config = ws.root / "kbworkbook.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        '# transactions = "data/umsaetze.csv"', line), encoding="utf-8")
    return Workspace.open(ws.root)


def _workbook(path: Path, cover: bool = True) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    if cover:
        sheet.title = "Deckblatt"
        sheet["A1"] = "Umsatzliste März 2025 – vertraulich"
        sheet = book.create_sheet("Umsätze")
    sheet.append(["Umsatzliste März 2025"])
    sheet.append([])
    sheet.append(["Belegdatum", "Kundennummer", "Artikel", "Betrag"])
    sheet.append(["03.03.2025", "K-1", "Brot", 4.5])
    sheet.append(["04.03.2025", "K-2", "Zopf", 6.0])
    book.save(path)


def test_an_export_under_its_own_name_replaces_the_empty_template(ws: Workspace) -> None:
    shutil.copy(EXPORTS / "orders_export_1.csv", ws.data_dir / "orders_export_1.csv")
    found = discover(ws)
    assert found["transactions"].path == ws.data_dir / "orders_export_1.csv"
    assert found["transactions"].how == "content"
    assert found.unused == ()  # the header-only templates are not "unused files"
    tx = load_table("transactions", ws)
    assert tx["revenue"].sum() == pytest.approx(106.725)
    text = render_check(check_workspace(ws))
    assert "Verkäufe (orders_export_1.csv, an den Spalten erkannt): in Ordnung" in text


def test_workbook_with_cover_sheet_and_title_rows_under_any_name(ws: Workspace) -> None:
    _workbook(ws.data_dir / "Umsatzliste März.xlsx")
    tx = load_table("transactions", ws)
    assert tx["revenue"].tolist() == [4.5, 6.0]
    assert tx.attrs["kb_detected"]["sheet"] == "Umsätze"


def test_upper_case_suffix_and_xlsx_saved_as_xls(ws: Workspace) -> None:
    (ws.data_dir / "transactions.csv").unlink()
    (ws.data_dir / "TRANSACTIONS.CSV").write_text("Datum;Kundennummer;Umsatz\n03.01.2025;1;5,00\n",
                                                  encoding="utf-8")
    assert load_table("transactions", ws)["revenue"].tolist() == [5.0]
    (ws.data_dir / "TRANSACTIONS.CSV").unlink()
    _workbook(ws.data_dir / "Kasse.xls", cover=False)
    assert load_table("transactions", ws)["revenue"].tolist() == [4.5, 6.0]


def test_two_sales_files_are_ambiguous_and_the_message_says_what_to_write(ws: Workspace) \
        -> None:
    shutil.copy(EXPORTS / "orders_export_1.csv", ws.data_dir / "orders_export_1.csv")
    shutil.copy(EXPORTS / "Verkaufsbericht_2025-05.csv", ws.data_dir / "Verkaufsbericht.csv")
    with pytest.raises(DataError) as info:
        load_table("transactions", ws)
    message = str(info.value)
    assert "orders_export_1.csv" in message and "Verkaufsbericht.csv" in message
    assert 'transactions = "data/' in message and "kbworkbook.toml" in message
    result = check_workspace(ws)
    assert not result.ok
    fixed = _set_data(ws, 'transactions = "data/Verkaufsbericht.csv"')
    assert check_workspace(fixed).ok
    assert "orders_export_1.csv" in render_check(check_workspace(fixed))  # named as unused


def test_a_configured_file_that_is_missing_or_a_folder_is_an_error(ws: Workspace,
                                                                   capsys) -> None:
    broken = _set_data(ws, 'transactions = "data/umsaetze_2025.csv"')
    result = check_workspace(broken)
    assert not result.ok
    text = render_check(result)
    assert "umsaetze_2025.csv" in text and "gibt es nicht" in text
    assert main(["check", str(ws.root)]) != 0
    (ws.data_dir / "umsaetze_2025.csv").mkdir()
    text = render_check(check_workspace(broken))
    assert "Ordner, keine Datei" in text
    assert "Traceback" not in capsys.readouterr().err


def test_unreadable_file_is_a_message_not_a_traceback(ws: Workspace, monkeypatch) -> None:
    """A file locked by Excel or without read permission (simulated: the tests may run as
    root, for whom chmod does not apply)."""
    path = ws.data_dir / "transactions.csv"
    path.write_text("Datum;Kundennummer;Umsatz\n03.01.2025;1;5,00\n", encoding="utf-8")
    real_open = Path.open

    def locked(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.name == "transactions.csv":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", locked)
    with pytest.raises(DataError) as info:
        load_table("transactions", ws)
    assert "keine Berechtigung" in str(info.value)
    assert "transactions.csv" in str(info.value)
    assert main(["check", str(ws.root)]) != 0


def test_check_proposes_a_column_mapping_for_unknown_headers(ws: Workspace) -> None:
    (ws.data_dir / "transactions.csv").write_text(
        "Buchungstag;Auftraggeber-ID;Verwendungszweck;Betrag EUR\n"
        "02.01.2025;A-1;Rechnung 1;10,50\n03.01.2025;A-2;Rechnung 2;20,00\n",
        encoding="utf-8")
    result = check_workspace(ws)
    assert not result.ok
    assert dict(result["transactions"].proposal) == {
        "customer_id": "Auftraggeber-ID", "date": "Buchungstag", "revenue": "Betrag EUR"}
    text = render_check(result)
    assert '[data.transactions.columns]\n    customer_id = "Auftraggeber-ID"' in text
    # the proposal, put into kbworkbook.toml, makes the file load
    fixed = _set_data(ws, '[data.transactions.columns]\ncustomer_id = "Auftraggeber-ID"\n'
                      'date = "Buchungstag"\nrevenue = "Betrag EUR"')
    assert check_workspace(fixed).ok
    assert load_table("transactions", fixed)["revenue"].sum() == pytest.approx(30.5)


def test_a_link_in_data_leading_outside_the_workspace_is_never_read(ws: Workspace,
                                                                     tmp_path: Path) -> None:
    outside = tmp_path / "geheim.csv"
    outside.write_text("Datum;Kundennummer;Umsatz\n03.01.2025;1;5,00\n", encoding="utf-8")
    (ws.data_dir / "umsatz.csv").symlink_to(outside)
    found = discover(ws)
    assert found["transactions"].path != ws.data_dir / "umsatz.csv"
    assert ws.data_dir / "umsatz.csv" not in found.unused


def test_an_unchanged_file_is_recognised_once_a_changed_one_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from kbworkbook import discovery

    reads: list[Path] = []
    real = discovery.read_raw

    def counted(path: Path, **kwargs: Any) -> Any:
        reads.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(discovery, "read_raw", counted)
    path = tmp_path / "export.csv"
    path.write_text("Datum;Kunden-Nr.;Umsatz\n01.03.2025;a;10\n", encoding="utf-8")
    assert discovery.recognise(path) == (("transactions",), True)
    assert discovery.recognise(path) == (("transactions",), True)
    assert len(reads) == 1
    path.write_text("Datum;Bewertung\n01.03.2025;9\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert discovery.recognise(path) == (("nps",), True)
    assert len(reads) == 2
