"""The corpus of files that used to load silently wrong: each now loads right or says why.

Cases and hand-computed outcomes: tests/data/odd/expected.toml.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kbworkbook.errors import DataError
from kbworkbook.io import read_raw
from kbworkbook.schemas import load_transactions

ODD = Path(__file__).parent / "data" / "odd"
CASES = tomllib.loads((ODD / "expected.toml").read_text(encoding="utf-8"))["case"]


def test_every_corpus_file_has_a_case() -> None:
    files = {p.name for p in ODD.iterdir() if p.name != "expected.toml"}
    assert files == {c["file"] for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_odd_file_outcome(case: dict) -> None:
    path = ODD / case["file"]
    if case["outcome"] == "error":
        with pytest.raises(DataError) as info:
            load_transactions(path)
        first = info.value.problems[0]
        assert (first.code, first.row, first.column) == (case["code"], case["row"],
                                                         case["column"])
        assert case["file"] in first.message
        if "text" in case:
            assert case["text"] in first.message
        assert "\x00" not in str(info.value)
        return
    tx = load_transactions(path)
    detected = tx.attrs["kb_detected"]
    assert len(tx) == case["rows"]
    assert tx["revenue"].sum() == pytest.approx(case["revenue"])
    assert tx["customer_id"].nunique() == case["customers"]
    assert detected["warning_codes"] == case.get("warnings", [])
    assert detected["netted_returns"] == case.get("netted", 0)
    assert sum(detected["cleaned_ids"].values()) == case.get("cleaned", 0)
    assert all("\x00" not in str(v) for v in tx["customer_id"].dropna())
    if "text" in case:
        assert any(case["text"] in w for w in detected["warnings"])


def test_a_field_larger_than_128_kb_near_the_top_loads(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("Datum;Kundennummer;Umsatz;Notiz\n03.03.2025;K1;5,00;" + "x" * 200_000
                    + "\n04.03.2025;K2;7,00;kurz\n", encoding="utf-8")
    tx = load_transactions(path)
    assert tx["revenue"].tolist() == [5.0, 7.0]


def test_memory_error_while_reading_is_a_message(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "gross.csv"
    path.write_text("Datum;Kundennummer;Umsatz\n03.03.2025;K1;5,00\n", encoding="utf-8")

    def no_memory(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise MemoryError

    monkeypatch.setattr("pandas.read_csv", no_memory)
    with pytest.raises(DataError) as info:
        read_raw(path)
    assert info.value.codes == ["too_large"]
    assert "gross.csv" in str(info.value) and "zu groß" in str(info.value)


def test_configured_decimal_settles_the_ambiguity(tmp_path: Path) -> None:
    import shutil

    from kbworkbook.schemas import load_table
    from kbworkbook.workspace import Workspace, create_workspace

    ws = create_workspace(tmp_path / "ws", "Kilo", locale="de-DE")
    shutil.copy(ODD / "thousands_ambiguous.csv", ws.data_dir / "transactions.csv")
    config = ws.root / "kbworkbook.toml"
    text = config.read_text(encoding="utf-8")
    for setting, total in ((",", 16750.0), (".", 16.75)):
        config.write_text(text.replace('# transactions = "data/umsaetze.csv"',
                                       f'[data.transactions]\ndecimal = "{setting}"'),
                          encoding="utf-8")
        tx = load_table("transactions", Workspace.open(ws.root))
        assert tx["revenue"].sum() == pytest.approx(total)


def test_workbook_formulas_without_stored_results_are_named(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Datum", "Kundennummer", "Menge", "Preis", "Umsatz"])
    sheet.append(["03.03.2025", "K1", 2, 4.5, "=C2*D2"])  # openpyxl stores no result
    book.save(tmp_path / "umsatz.xlsx")
    with pytest.raises(DataError) as info:
        load_transactions(tmp_path / "umsatz.xlsx")
    first = info.value.problems[0]
    assert (first.code, first.row, first.column) == ("formula_without_value", 2, "Umsatz")
    assert "=C2*D2" in first.message and "in Excel öffnen, speichern" in first.message
