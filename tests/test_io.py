"""Reading files: encodings, delimiters, decimal and date styles; number/date round trips."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook.errors import DataError
from kbworkbook.io import (
    date_failure_reason,
    parse_dates,
    parse_numbers,
    read_raw,
    sniff_date_format,
    sniff_decimal,
    sniff_delimiter,
)
from kbworkbook.schemas import load_transactions

GOOD = Path(__file__).parent / "data" / "good"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# -- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "expected"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("utf-16", "utf-16"),
])
def test_encodings(tmp_path: Path, encoding: str, expected: str) -> None:
    path = write(tmp_path / "t.csv", "Kundennummer;Datum;Umsatz;Artikel\n"
                 "004711;03.01.2025;12,50;Brötchen mit Käse\n", encoding)
    raw = read_raw(path)
    assert raw.detection.encoding == expected
    assert list(raw.frame.columns) == ["Kundennummer", "Datum", "Umsatz", "Artikel"]
    assert raw.frame["Artikel"].tolist() == ["Brötchen mit Käse"]


def test_bom_never_glues_to_first_header(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfDatum,Kundennummer,Umsatz\n2025-01-03,1,5.0\n")
    df = load_transactions(path)
    assert df.attrs["kb_detected"]["column_mapping"]["date"] == "Datum"
    assert df["date"].tolist() == [pd.Timestamp("2025-01-03")]


def test_cp1252_umlaut_only_late_in_file(tmp_path: Path) -> None:
    lines = "".join(f"03.01.2025;{i};1,00;Brot\n" for i in range(3000))
    path = write(tmp_path / "t.csv", "Datum;Kunde;Umsatz;Artikel\n" + lines
                 + "04.01.2025;9;2,00;Müesli\n", "cp1252")
    df = load_transactions(path)
    assert df.attrs["kb_detected"]["encoding"] == "cp1252"
    assert df["product"].iloc[-1] == "Müesli"


# -- delimiters ----------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiters(tmp_path: Path, delimiter: str) -> None:
    amount = '"12,50"' if delimiter == "," else "12,50"
    header = delimiter.join(["Datum", "Kundennummer", "Umsatz", "Kommentar"])
    row = delimiter.join(["03.01.2025", "007", amount, '"Hallo; Welt, wie geht\'s"'])
    raw = read_raw(write(tmp_path / "t.csv", f"{header}\n{row}\n"))
    assert raw.detection.delimiter == delimiter
    assert raw.frame.shape == (1, 4)
    assert raw.frame["Kommentar"].tolist() == ["Hallo; Welt, wie geht's"]


def test_sniff_delimiter_prefers_consistent_field_count() -> None:
    sample = "Datum;Umsatz\n01.01.2025;1,5\n02.01.2025;2,75\n"
    assert sniff_delimiter(sample) == ";"
    assert sniff_delimiter("Nur eine Spalte\nwert\n") is None


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    raw = read_raw(write(tmp_path / "t.csv", "a;b\n1;2\n\n;\n3;4\n"))
    assert raw.frame["a"].tolist() == ["1", "3"]
    assert raw.rows.tolist() == [2, 5]


def test_trailing_delimiters_do_not_create_columns(tmp_path: Path) -> None:
    raw = read_raw(write(tmp_path / "t.csv", "a;b;;\n1;2;;\n"))
    assert list(raw.frame.columns) == ["a", "b"]


def test_xlsx_renamed_to_csv_is_read_as_workbook(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Datum", "Kundennummer", "Umsatz"])
    sheet.append([dt.datetime(2025, 1, 3), "0042", 7.5])
    path = tmp_path / "export.csv"
    book.save(path)
    df = load_transactions(path)
    assert df.attrs["kb_detected"]["format"] == "xlsx"
    assert df["customer_id"].tolist() == ["0042"] and df["revenue"].tolist() == [7.5]


# -- decimal styles ------------------------------------------------------------------------


@pytest.mark.parametrize(("cells", "style", "expected"), [
    (["1.234,56", "-3,5", "12"], "comma", [1234.56, -3.5, 12.0]),
    (["1'234.56", "1’000", "-0.5"], "swiss", [1234.56, 1000.0, -0.5]),
    (["1234.56", "0.5", "-7"], "point", [1234.56, 0.5, -7.0]),
    (["CHF 1'234.50", "12.00 CHF", "Fr. 3.50"], "swiss", [1234.5, 12.0, 3.5]),
    (["1.234,50 €", "1 234,50", "12,50-"], "comma", [1234.5, 1234.5, -12.5]),
])
def test_decimal_styles(cells: list[str], style: str, expected: list[float]) -> None:
    series = pd.Series(cells, dtype="str")
    assert sniff_decimal(series, prefer="point") == style
    values, invalid = parse_numbers(series, style)
    assert values.tolist() == pytest.approx(expected)
    assert not invalid.any()


def test_ambiguous_thousands_follow_preference() -> None:
    series = pd.Series(["1.234", "2.500"], dtype="str")
    assert sniff_decimal(series, prefer="comma") == "comma"
    assert sniff_decimal(series, prefer="point") == "point"
    assert sniff_decimal(pd.Series(["1", "20"], dtype="str")) is None


def test_invalid_numbers_are_flagged_not_guessed() -> None:
    series = pd.Series(["1.2.3", "12.03.2025", "abc", "", "1,5"], dtype="str")
    values, invalid = parse_numbers(series, "comma")
    assert invalid.tolist() == [True, True, True, False, False]
    assert values.iloc[4] == 1.5 and values.iloc[:4].isna().all()


def test_swiss_file_end_to_end(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "Datum;Kundennummer;Umsatz\n03.01.2025;1;1'234.50\n"
                 "04.01.2025;2;99.95\n")
    df = load_transactions(path)
    assert df.attrs["kb_detected"]["decimal"] == "swiss"
    assert df["revenue"].tolist() == [1234.5, 99.95]


# -- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("cells", "fmt"), [
    (["03.01.2025", "3.1.2025", "31.12.2024"], "%d.%m.%Y"),
    (["03.01.25", "3.1.25", "31.12.24"], "%d.%m.%y"),
    (["2025-01-03", "2025-01-03", "2024-12-31"], "%Y-%m-%d"),
    (["03.01.2025 08:15", "3.1.2025 17:00:59", "31.12.2024"], "%d.%m.%Y"),
    (["2025-01-03T08:15:00", "2025-01-03 10:00", "2024-12-31"], "%Y-%m-%d"),
])
def test_date_styles(cells: list[str], fmt: str) -> None:
    series = pd.Series(cells, dtype="str")
    assert sniff_date_format(series) == fmt
    values, invalid = parse_dates(series, fmt)
    assert not invalid.any()
    assert [v.date() for v in values] == [dt.date(2025, 1, 3), dt.date(2025, 1, 3),
                                          dt.date(2024, 12, 31)]


def test_mixed_date_styles_in_one_column() -> None:
    values, invalid = parse_dates(pd.Series(["03.01.2025", "2025-01-04", ""], dtype="str"),
                                  "%d.%m.%Y")
    assert invalid.tolist() == [False, False, False]
    assert values.iloc[1] == pd.Timestamp("2025-01-04") and pd.isna(values.iloc[2])


@pytest.mark.parametrize(("value", "reason", "parts"), [
    ("31.13.2025", "month", {"month": 13}), ("30.02.2025", "day", {"day": 30, "month": 2}),
    ("2025-04-31", "day", {"day": 31, "month": 4}), ("Summe", "total_row", {}),
    ("morgen", None, {}),
])
def test_date_failure_reason(value: str, reason: str | None, parts: dict) -> None:
    assert date_failure_reason(value, "%d.%m.%Y") == (reason, parts)


# -- round trips (hypothesis) --------------------------------------------------------------

amounts = st.decimals(min_value=-10_000_000, max_value=10_000_000, places=2,
                      allow_nan=False, allow_infinity=False)


def _group(whole: int, sep: str) -> str:
    return f"{whole:,}".replace(",", sep)


@settings(max_examples=200, deadline=None)
@given(amounts)
def test_german_number_round_trip(amount) -> None:
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), 1)
    text = f"{sign}{_group(int(whole), '.')},{str(frac)[2:].ljust(2, '0')}"
    values, invalid = parse_numbers(pd.Series([text], dtype="str"), "comma")
    assert not invalid.iloc[0]
    assert values.iloc[0] == pytest.approx(float(amount), abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(amounts, st.sampled_from(["'", "’"]))
def test_swiss_number_round_trip(amount, apostrophe: str) -> None:
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), 1)
    text = f"{sign}{_group(int(whole), apostrophe)}.{str(frac)[2:].ljust(2, '0')}"
    series = pd.Series([text], dtype="str")
    values, invalid = parse_numbers(series, sniff_decimal(series, prefer="comma") or "swiss")
    assert not invalid.iloc[0]
    assert values.iloc[0] == pytest.approx(float(amount), abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2068, 12, 31)),
       st.sampled_from(["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]))
def test_date_round_trip(day: dt.date, fmt: str) -> None:
    text = day.strftime(fmt)
    series = pd.Series([text], dtype="str")
    values, invalid = parse_dates(series, sniff_date_format(series))
    assert not invalid.iloc[0]
    assert values.iloc[0].date() == day


# -- files that are not tables -------------------------------------------------------------


def test_zero_bytes_is_empty_file(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_bytes(b"")
    with pytest.raises(DataError) as info:
        read_raw(tmp_path / "t.csv", label="umsaetze.csv")
    assert info.value.codes == ["empty_file"]
    assert info.value.problems[0].message.startswith("umsaetze.csv: Die Datei ist leer")


def test_header_only_reads_zero_rows(tmp_path: Path) -> None:
    raw = read_raw(write(tmp_path / "t.csv", "Datum;Kundennummer;Umsatz\n"))
    assert raw.frame.shape == (0, 3)


def test_good_files_load() -> None:
    df = load_transactions(GOOD / "transactions_swiss_tab.tsv")
    assert df.attrs["kb_detected"]["delimiter"] == "\t"
    assert df["revenue"].sum() == pytest.approx(1234.5 + 20.0 - 5.25)
    assert df["customer_id"].tolist() == ["000123", "000124", "000123"]


# -- large files: the block reader gives what the whole-file reader gives --------------------

DATA = Path(__file__).parent / "data"
CORPUS = sorted(p for folder in ("bad", "good", "exports", "odd")
                for p in (DATA / folder).iterdir()
                if p.suffix.lower() in (".csv", ".tsv", ".txt"))


def _outcome(path: Path) -> tuple[object, ...]:
    try:
        raw = read_raw(path)
    except DataError as exc:
        return ("error", [(p.code, p.row, p.column, p.message) for p in exc.problems])
    return ("ok", raw.frame.to_dict("list"), [str(t) for t in raw.frame.dtypes],
            raw.rows.tolist(), raw.detection)


def _both_readers(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """(outcome of the pandas whole-file reader, outcome of the pyarrow block reader)."""
    monkeypatch.setattr("kbworkbook.io.STREAM_MIN_BYTES", 1 << 62)
    whole = _outcome(path)
    monkeypatch.setattr("kbworkbook.io.STREAM_MIN_BYTES", 0)
    return whole, _outcome(path)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_block_reader_matches_the_whole_file_reader_on_the_corpus(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole, blocks = _both_readers(path, monkeypatch)
    assert blocks == whole


_LINE = "{d:02d}.03.2025;{i:06d};{i};Brot;1;{i},50;0,50\n"
_HEAD = "Belegdatum;Kunden-Nr.;Belegnummer;Artikel;Menge;Umsatz;Marge\n"


def _big(late: str, encoding: str = "utf-8", rows: int = 12_000) -> str:
    """A file larger than the sniffed sample (256 KB) with ``late`` near its end."""
    body = "".join(_LINE.format(d=1 + i % 28, i=i) for i in range(rows))
    return _HEAD + body + late + _LINE.format(d=5, i=rows + 1)


@pytest.mark.parametrize(("late", "encoding"), [
    ("", "cp1252"),
    ("02.03.2025;7;9;Müesli;1;2,00;0,50\n", "cp1252"),  # first non-ASCII byte after the sample
    ("02.03.2025;7;9;Brot;1\n", "utf-8"),  # a short row
    ("02.03.2025;7;9;Brot;1;2,00;0,50;x\n", "utf-8"),  # a long row
    ('02.03.2025;7;9;"Brot;1;2,00;0,50\n', "utf-8"),  # a quote that never closes
    ('02.03.2025;7;9;"Brot\nmit Butter";1;2,00;0,50\n', "utf-8"),  # a line break in a field
    ("\n\n", "utf-8"),  # blank lines
    ("02.03.2025;7\x00;9;Brot;1;2,00;0,50\n", "utf-8"),  # a NUL byte
])
def test_block_reader_matches_the_whole_file_reader_on_large_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, late: str, encoding: str) -> None:
    path = write(tmp_path / "umsaetze.csv", _big(late), encoding)
    assert path.stat().st_size > 300_000
    whole, blocks = _both_readers(path, monkeypatch)
    assert blocks == whole


def test_block_reader_reads_a_large_file_without_loading_it_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _big("").replace("Brot", "Brötchen", 1)
    path = write(tmp_path / "umsaetze.csv", text, "cp1252")
    monkeypatch.setattr("kbworkbook.io.STREAM_MIN_BYTES", 0)

    def no_pandas(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the whole-file reader was used")

    monkeypatch.setattr("pandas.read_csv", no_pandas)
    raw = read_raw(path)
    assert raw.frame.shape == (12_001, 7)
    assert raw.detection.encoding == "cp1252"
    assert raw.rows[-1] == 12_002
    assert raw.frame["Artikel"].iloc[0] == "Brötchen"
