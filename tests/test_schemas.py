"""Canonical tables: aliases, dtypes, privacy filter, validation and the broken-file corpus."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import kbworkbook as kb
from kbworkbook import schemas
from kbworkbook.errors import DataError
from kbworkbook.schemas import (
    MAX_PER_COLUMN,
    load_complaints,
    load_nps,
    load_optional,
    load_posts,
    load_table,
    load_transactions,
    mask_pii,
    normalize_header,
)
from kbworkbook.workspace import create_workspace

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
CASES = tomllib.loads((BAD / "expected.toml").read_text(encoding="utf-8"))["case"]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# -- broken-file corpus --------------------------------------------------------------------


def test_corpus_has_at_least_15_cases_and_every_file_is_listed() -> None:
    files = {p.name for p in BAD.iterdir() if p.name != "expected.toml"}
    assert len(CASES) >= 15
    assert files == {case["file"] for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_bad_corpus_gives_expected_code_and_location(case: dict) -> None:
    with pytest.raises(DataError) as info:
        load_table(case["table"], BAD / case["file"])
    problems = info.value.problems
    first = problems[0]
    assert (first.code, first.row, first.column) == (
        case["code"], case.get("row"), case.get("column"))
    assert first.file == case["file"]
    assert first.message.startswith(case["file"])
    if "text" in case:
        assert case["text"] in first.message


def test_many_bad_values_are_capped_with_a_summary() -> None:
    with pytest.raises(DataError) as info:
        load_transactions(BAD / "many_bad_dates.csv")
    problems = info.value.problems
    assert len(problems) == MAX_PER_COLUMN + 1
    assert [p.row for p in problems[:MAX_PER_COLUMN]] == list(range(2, 2 + MAX_PER_COLUMN))
    summary = problems[-1]
    assert summary.code == "bad_date" and summary.row is None and summary.value == 10
    assert "10 weitere Zeilen" in summary.message


def test_every_problem_is_collected_before_raising(tmp_path: Path) -> None:
    path = write(tmp_path / "u.csv", "Datum;Kundennummer;Umsatz\n"
                 "31.13.2025;1;abc\n01.01.2025;2;5,00\n40.01.2025;3;x\n")
    with pytest.raises(DataError) as info:
        load_transactions(path)
    got = [(p.code, p.row, p.column) for p in info.value.problems]
    assert got == [("bad_date", 2, "Datum"), ("bad_date", 4, "Datum"),
                   ("bad_number", 2, "Umsatz"), ("bad_number", 4, "Umsatz")]


def test_messages_in_english(tmp_path: Path) -> None:
    path = write(tmp_path / "sales.csv", "Date;Customer ID;Amount\n31.13.2025;1;5.00\n")
    with pytest.raises(DataError) as info:
        load_transactions(path, language="en")
    message = info.value.problems[0].message
    assert message.startswith("sales.csv, row 2, column 'Date': '31.13.2025' is not a valid date")
    assert "(month 13)" in message and "DD.MM.YYYY" in message


def test_missing_column_suggests_close_header(tmp_path: Path) -> None:
    path = write(tmp_path / "u.csv", "Datum;Kundennummer;Umstaz\n01.01.2025;1;5,00\n")
    with pytest.raises(DataError) as info:
        load_transactions(path)
    (p,) = info.value.problems
    assert p.code == "missing_column" and "Meinten Sie »Umstaz«?" in p.message


# -- aliases and dtypes --------------------------------------------------------------------


@pytest.mark.parametrize(("header", "key"), [
    ("Umsatz (€)", "umsatz"), ("Umsatz (CHF)", "umsatz"), ("Betrag CHF", "betrag"),
    ("  Kunden-Nr. ", "kundennr"), ("Gefällt mir", "gefaelltmir"), ("Tage bis Lösung",
                                                                   "tagebisloesung"),
    ("\ufeffDatum", "datum"), ("KUNDENNUMMER", "kundennummer"), ("Frage", "frage"),
])
def test_normalize_header(header: str, key: str) -> None:
    assert normalize_header(header) == key


@pytest.mark.parametrize("headers", [
    "Kundennummer;Datum;Umsatz", "Kunden-Nr.;Belegdatum;Betrag", "Kundennr;Buchungsdatum;Netto",
    "Karten-Nr.;Datum;Umsatz (CHF)", "Kunde;Datum;Betrag CHF", "customer_id;date;revenue",
    "Customer ID;Order Date;Amount", "kunden nr;DATUM;umsatz (€)",
])
def test_transaction_aliases(tmp_path: Path, headers: str) -> None:
    path = write(tmp_path / "t.csv", f"{headers}\n004711;03.01.2025;12,50\n")
    df = load_transactions(path)
    assert list(df.columns) == ["customer_id", "date", "revenue"]
    assert df["customer_id"].tolist() == ["004711"]
    assert df["revenue"].tolist() == [12.5]


def test_optional_columns_and_dtypes(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "Bon-Nr.;Datum;Kunde;Produkt;Anzahl;Umsatz;Deckungsbeitrag;"
                 "Kanal;Filiale\nB1;03.01.2025;0042;Brot;2;-12,50;-4,00;Laden;Zürich\n")
    df = load_transactions(path)
    assert list(df.columns) == ["customer_id", "date", "revenue", "order_id", "product",
                                "quantity", "margin", "channel"]
    row = df.iloc[0]
    assert (row["customer_id"], row["order_id"], row["product"], row["channel"]) == (
        "0042", "B1", "Brot", "Laden")
    assert row["revenue"] == -12.5 and row["margin"] == -4.0 and row["quantity"] == 2.0
    assert pd.api.types.is_datetime64_any_dtype(df["date"])
    assert df.attrs["kb_detected"]["ignored_columns"] == ["Filiale"]


def test_anonymous_sale_keeps_row_with_missing_customer(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "Datum;Kundennummer;Umsatz\n03.01.2025;;5,00\n"
                 "03.01.2025;7;1,00\n")
    df = load_transactions(path)
    assert len(df) == 2 and df["customer_id"].isna().tolist() == [True, False]


def test_nps_score_is_int_and_blank_scores_are_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "n.csv", "Datum;NPS;Segment\n03.01.2025;10;A\n04.01.2025;;B\n"
                 "05.01.2025;0;A\n")
    df = load_nps(path)
    assert str(df["score"].dtype) == "Int64"
    assert df["score"].tolist() == [10, 0]
    assert df.attrs["kb_detected"]["skipped_rows"] == 1


def test_posts_counts_are_int64(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "Beitrag\tDatum\tGefällt mir\tKommentare\tShares\tKlicks\n"
                 "P1\t2025-01-03\t1.234\t5\t0\t7\n")
    df = load_posts(path)
    assert df["likes"].tolist() == [1234] and str(df["likes"].dtype) == "Int64"
    assert list(df.columns) == ["post_id", "date", "likes", "comments", "shares", "clicks"]


@pytest.mark.parametrize(("yes", "no"), [("ja", "nein"), ("Yes", "No"), ("1", "0"),
                                         ("x", ""), ("TRUE", "false"), ("J", "N")])
def test_complaints_booleans(tmp_path: Path, yes: str, no: str) -> None:
    path = write(tmp_path / "c.csv", f"Datum;Gelöst;Zufrieden;Tage bis Lösung\n"
                 f"03.01.2025;{yes};{no};3\n04.01.2025;{no};{yes};\n")
    df = load_complaints(path)
    assert df["resolved"].dtype == bool and df["resolved"].tolist() == [True, False]
    assert df["satisfied"].tolist() == [False, True]
    assert df["days_to_resolve"].tolist()[0] == 3 and pd.isna(df["days_to_resolve"].iloc[1])


def test_xlsx_with_typed_cells(tmp_path: Path) -> None:
    frame = pd.DataFrame({"Datum": pd.to_datetime(["2025-01-03", "2025-01-04"]),
                          "Kundennummer": ["004711", "004712"], "Umsatz": [12.5, 3.0]})
    path = tmp_path / "t.xlsx"
    frame.to_excel(path, index=False, sheet_name="Export")
    df = load_transactions(path)
    assert df["customer_id"].tolist() == ["004711", "004712"]
    assert df["revenue"].tolist() == [12.5, 3.0]
    assert df["date"].tolist() == [pd.Timestamp("2025-01-03"), pd.Timestamp("2025-01-04")]
    assert df.attrs["kb_detected"]["sheet"] == "Export"


def test_parquet_typed_columns(tmp_path: Path) -> None:
    frame = pd.DataFrame({"date": pd.to_datetime(["2025-01-03"]), "customer_id": [4711.0],
                          "revenue": [-2.5], "E-Mail": ["a@b.ch"]})
    path = tmp_path / "t.parquet"
    frame.to_parquet(path)
    df = load_transactions(path)
    assert df["customer_id"].tolist() == ["4711"]
    assert df["revenue"].tolist() == [-2.5]
    assert df.attrs["kb_detected"]["dropped_columns"] == ["E-Mail"]


# -- privacy -------------------------------------------------------------------------------


def test_pii_dropped_by_header(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "Datum;Kundennummer;Vorname;Nachname;Strasse;PLZ;Ort;"
                 "Tel.;Umsatz\n03.01.2025;1;Anna;Muster;Weg 1;8000;Zürich;044;5,00\n")
    df = load_transactions(path)
    assert list(df.columns) == ["customer_id", "date", "revenue"]
    assert df.attrs["kb_detected"]["dropped_columns"] == [
        "Vorname", "Nachname", "Strasse", "PLZ", "Ort", "Tel."]
    assert "Anna" not in df.to_string()


def test_pii_dropped_by_content_whatever_the_header(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "Datum;Kundennummer;Info;Kontakt;Umsatz\n"
                 "03.01.2025;004711;anna@example.ch;+41 79 123 45 67;5,00\n"
                 "04.01.2025;004712;beat@example.ch;079 765 43 21;6,00\n")
    df = load_transactions(path)
    assert df.attrs["kb_detected"]["dropped_columns"] == ["Info", "Kontakt"]
    assert df.attrs["kb_detected"]["ignored_columns"] == []
    assert "@" not in df.to_string() and "079" not in df.to_string()


def test_customer_numbers_with_leading_zeros_are_not_phone_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "Datum;Kundennummer;Umsatz\n03.01.2025;0791234567;5,00\n")
    assert load_transactions(path)["customer_id"].tolist() == ["0791234567"]


def test_comments_are_masked(tmp_path: Path) -> None:
    path = write(tmp_path / "n.csv", "Bewertung;Kommentar\n9;Bitte an anna@example.ch antworten\n"
                 "3;Rufen Sie mich an: 079 123 45 67\n8;Am 01.02.2025 war es super\n")
    df = load_nps(path)
    assert df["comment"].tolist() == ["Bitte an [E-Mail entfernt] antworten",
                                      "Rufen Sie mich an: [Telefon entfernt]",
                                      "Am 01.02.2025 war es super"]


def test_mask_pii_english() -> None:
    out = mask_pii(pd.Series(["mail me: x.y@firma.de or +49 30 1234567"], dtype="str"), "en")
    assert out.iloc[0] == "mail me: [e-mail removed] or [phone removed]"


# -- workspace sources ---------------------------------------------------------------------


def test_workspace_source_and_load_optional(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "ws", client="Test AG")
    assert load_optional(ws, "nps") is None  # header-only template
    (ws.data_dir / "posts.csv").unlink()
    assert load_optional(ws, "posts") is None  # no file
    write(ws.data_dir / "complaints.csv", "Datum;Erledigt;Zufrieden\n03.01.2025;ja;vielleicht\n")
    with pytest.raises(DataError) as info:
        load_optional(ws, "complaints")
    assert info.value.codes == ["bad_boolean"]
    write(ws.data_dir / "transactions.csv", "Datum;Kundennummer;Umsatz\n03.01.2025;1;5,00\n")
    assert kb.load_transactions(ws)["revenue"].tolist() == [5.0]


def test_workspace_without_file_reports_missing_file(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "ws", client="Test AG", locale="en")
    (ws.data_dir / "nps.csv").unlink()
    with pytest.raises(DataError) as info:
        load_nps(ws)
    assert info.value.codes == ["missing_file"]
    assert "was not found" in info.value.problems[0].message


def test_missing_path_is_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        load_transactions(tmp_path / "nope.csv")
    assert info.value.codes == ["missing_file"]


def test_public_names() -> None:
    assert kb.load_nps is load_nps and kb.load_posts is load_posts
    assert kb.load_complaints is load_complaints and kb.load_transactions is load_transactions


# -- columns parsed in parallel threads (large files) ----------------------------------------

_CORPUS = sorted(p for folder in ("good", "bad", "odd", "exports")
                 for p in (Path(__file__).parent / "data" / folder).iterdir()
                 if p.suffix.lower() in (".csv", ".tsv", ".txt", ".xlsx"))


def _outcome(name: str, path: Path) -> Any:
    try:
        frame = schemas.load_table(name, path)
    except DataError as exc:
        return [str(p) for p in exc.problems]
    return frame


@pytest.mark.parametrize(("name", "least"), [("transactions", 8), ("nps", 2)])
def test_parallel_column_parsing_gives_the_same_tables_and_messages(
        name: str, least: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file of the test corpus, as a table of each kind: parsed column by column in
    threads (as files of 200'000 rows and more are), the frame and every message are the
    same as parsed one column after the other."""
    loaded = 0
    for path in _CORPUS:
        monkeypatch.setattr(schemas, "PARALLEL_ROWS", 10**12)
        serial = _outcome(name, path)
        monkeypatch.setattr(schemas, "PARALLEL_ROWS", 0)
        parallel = _outcome(name, path)
        if isinstance(serial, pd.DataFrame):
            loaded += 1
            assert isinstance(parallel, pd.DataFrame), path.name
            pd.testing.assert_frame_equal(parallel, serial)
            assert parallel.attrs == serial.attrs, path.name
        else:
            assert parallel == serial, path.name
    assert loaded >= least  # files that load as this table (the rest: same messages)
