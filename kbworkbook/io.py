"""Read csv / xlsx / parquet files into a raw frame, and parse German-style numbers and dates.

:func:`read_raw` turns a file into a :class:`RawTable`: the cells as strings (CSV, xlsx) or
typed columns (parquet), the headers exactly as written, the spreadsheet row number of every
data row (header = row 1), and a :class:`Detection` saying what was sniffed:

* encoding: UTF-8, UTF-8 with BOM (the BOM never sticks to the first header), UTF-16 with BOM
  (Excel's "Unicode text"), Windows-1252;
* delimiter: ``;``, ``,`` or tab (the candidate whose field count is most consistent), or the
  one an Excel ``sep=;`` first line names;
* lines above the header are skipped and kept in :attr:`Detection.preamble`: the DATEV ``EXTF``
  meta line, title rows ("Umsatzliste März 2025") – the header is the first row with as many
  filled fields as the table has columns (at least half of them);
* a ``.csv`` that is really an xlsx workbook is read as one (also ``.xls`` holding xlsx); in a
  workbook the first sheet that holds a table is read (a cover sheet is skipped).

A CSV file of :data:`STREAM_MIN_BYTES` or more is read in blocks by pyarrow's multi-threaded
reader (never whole into memory, decoded once); a file that strict reader rejects is read
again by pandas, so both give the same table and the same messages.

Files that are no table at all raise :class:`~kbworkbook.errors.DataError` with one problem
(codes ``missing_file``, ``empty_file``, ``not_a_table``, ``unsupported_format``,
``unknown_encoding``, ``duplicate_header``, ``bad_row``).

The vectorised parsers :func:`parse_numbers` / :func:`parse_dates` and the sniffers
:func:`sniff_decimal` / :func:`sniff_date_format` work on whole columns (no Python loop per row)
so that a million-line export loads in seconds.
"""

from __future__ import annotations

import calendar
import codecs
import csv
import io
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError
from .messages import problem

__all__ = [
    "DATE_FORMATS",
    "DECIMAL_STYLES",
    "DELIMITERS",
    "STREAM_MIN_BYTES",
    "Detection",
    "RawTable",
    "all_distinct",
    "blank_cells",
    "date_failure_reason",
    "may_contain",
    "parse_dates",
    "parse_numbers",
    "read_raw",
    "sniff_date_format",
    "sniff_decimal",
    "sniff_layout",
]

#: Candidate delimiters, in order of preference on ties.
DELIMITERS: tuple[str, ...] = (";", ",", "\t")
#: Decimal styles: ``comma`` = 1.234,56 · ``swiss`` = 1'234.56 / 1’234.56 · ``point`` = 1234.56
DECIMAL_STYLES: tuple[str, ...] = ("comma", "swiss", "point")
#: Date styles (strftime formats); the time part is optional in every style.
DATE_FORMATS: tuple[str, ...] = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d")

_SAMPLE_BYTES = 256 * 1024
_SAMPLE_VALUES = 20_000
_SUFFIX_CSV = {".csv", ".txt", ".tsv", ""}
_SUFFIX_XLSX = {".xlsx", ".xlsm"}
_SUFFIX_PARQUET = {".parquet", ".pq"}


@dataclass(frozen=True)
class Detection:
    """What :func:`read_raw` (and later :mod:`kbworkbook.schemas`) recognised in a file.

    ``decimal`` is one of :data:`DECIMAL_STYLES` (``None`` when there are no text numbers);
    ``date_format`` a strftime pattern or ``"native"`` for typed (Excel/parquet) dates.
    """

    file: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    date_format: str | None = None
    sheet: str | None = None
    header_row: int = 1
    preamble: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class RawTable:
    """A file's cells with the headers as written and each row's spreadsheet row number.

    ``frame`` may also hold typed columns (parquet, or values a preset already parsed);
    ``rows[i]`` is the file's row number of ``frame.iloc[i]``.
    """

    frame: pd.DataFrame
    detection: Detection
    rows: np.ndarray = field(repr=False)


# -- reading -------------------------------------------------------------------------------


def _fail(code: str, label: str, language: str, **kwargs: Any) -> DataError:
    return DataError(problems=[problem(code, file=label, language=language, **kwargs)])


def read_raw(
    path: str | os.PathLike[str], *, language: str = "de", label: str | None = None,
    head: int | None = None,
) -> RawTable:
    """Read a csv / xlsx / parquet file into a :class:`RawTable`.

    Completely empty rows are skipped (their row numbers too, so numbering stays as the
    spreadsheet shows it). A header-only file yields a frame with zero rows; deciding whether
    that is an error is up to the caller. Raises :class:`DataError` for files that cannot be
    read as a table at all – also for a file that cannot be opened (no permission, locked,
    a folder) or does not fit into memory, never an ``OSError``/``MemoryError``.

    ``head``: read only about the first ``head`` data rows (a preview to recognise the file).
    """
    path = Path(path)
    label = label or path.name
    if path.is_dir():
        raise _fail("not_a_table", label, language, variant="folder")
    if not path.is_file():
        raise _fail("missing_file", label, language, path=str(path))
    stream = head is None and _size(path) >= STREAM_MIN_BYTES
    limit = _HEAD_BYTES if head else (_SAMPLE_BYTES if stream else None)
    data = _read_bytes(path, label, language, limit)
    if not data:
        raise _fail("empty_file", label, language)
    partial = limit is not None and len(data) >= limit
    suffix = path.suffix.lower()

    def whole() -> bytes:
        return _read_bytes(path, label, language) if partial else data

    try:
        if data.startswith(b"PK\x03\x04") and suffix not in _SUFFIX_PARQUET:
            return _read_xlsx(whole(), label, language, head)
        if data.startswith(b"PAR1"):
            raw = _read_parquet(whole(), label, language)
            return raw if head is None else RawTable(raw.frame.iloc[:head], raw.detection,
                                                     raw.rows[:head])
        if suffix in _SUFFIX_XLSX:
            raise _fail("not_a_table", label, language, variant="unreadable",
                        detail="keine gültige xlsx-Datei" if language != "en"
                        else "not a valid xlsx")
        if suffix in _SUFFIX_PARQUET:
            raise _fail("not_a_table", label, language, variant="unreadable",
                        detail="keine gültige Parquet-Datei" if language != "en"
                        else "no parquet")
        if data.startswith(b"%PDF"):
            raise _fail("not_a_table", label, language, variant="pdf")
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise _fail("not_a_table", label, language, variant="xls")
        if suffix not in _SUFFIX_CSV:
            raise _fail("unsupported_format", label, language, suffix=suffix)
        if head:
            return _read_csv(_cut_at_line(data), label, language)
        if stream:
            return _read_csv_stream(path, data, label, language, complete=not partial)
        return _read_csv(data, label, language)
    except MemoryError:
        raise _fail("too_large", label, language,
                    size=f"{path.stat().st_size / 1e9:.1f}".replace(".", ",")) from None


_HEAD_BYTES = 64 * 1024
#: CSV files of at least this size are read in blocks by pyarrow's multi-threaded reader
#: (:func:`_read_csv_stream`) instead of whole into memory; smaller ones by pandas.
STREAM_MIN_BYTES = 4 * 1024 * 1024


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reported by _read_bytes


def _read_bytes(path: Path, label: str, language: str, limit: int | None = None) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(limit) if limit else handle.read()
    except PermissionError:
        raise _fail("unreadable_file", label, language, variant="permission") from None
    except MemoryError:
        raise _fail("too_large", label, language,
                    size=f"{path.stat().st_size / 1e9:.1f}".replace(".", ",")) from None
    except OSError as exc:
        raise _fail("unreadable_file", label, language, variant="os",
                    detail=exc.strerror or type(exc).__name__) from None


def _cut_at_line(data: bytes) -> bytes:
    """A preview cut after its last complete line (UTF-16 aware)."""
    if len(data) < _HEAD_BYTES:
        return data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        newline = b"\n\x00" if data.startswith(b"\xff\xfe") else b"\x00\n"
        cut = data.rfind(newline)
        while cut > 0 and cut % 2:
            cut = data.rfind(newline, 0, cut)
        return data[:cut + 2] if cut > 0 else data
    cut = data.rfind(b"\n")
    return data[:cut + 1] if cut > 0 else data


def _is_utf8(data: bytes, final: bool = True) -> bool:
    """True when ``data`` is UTF-8; with ``final=False`` a sequence cut at the end (a sample
    of a longer file) is no error."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _sniff_encoding(data: bytes, label: str, language: str,
                    complete: bool = True) -> tuple[str, str]:
    """(encoding name for pandas, decoded sample text) – raises for binary or unknown bytes.

    ``complete=False``: ``data`` is the start of a longer file (decided on that sample).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        head = data[:4096]
        if b"\x00" in head and (head.count(b"\x00") > 0.1 * len(head)
                                or not _is_utf8(data, complete)):
            # a stray NUL inside an otherwise valid UTF-8 text (a broken id) is no binary file
            raise _fail("not_a_table", label, language, variant="binary")
        if _is_utf8(data, complete):
            encoding = "utf-8"
        else:
            try:
                data.decode("cp1252")
                encoding = "cp1252"
            except UnicodeDecodeError:
                raise _fail("unknown_encoding", label, language) from None
    sample = data[:_SAMPLE_BYTES].decode(encoding, errors="ignore")
    controls = sum(1 for ch in sample[:4096] if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > 0.02 * max(1, len(sample[:4096])):
        raise _fail("not_a_table", label, language, variant="binary")
    stripped = sample.lstrip().lower()
    if stripped.startswith(("<!doctype html", "<html", "<?xml")):
        raise _fail("not_a_table", label, language, variant="html")
    return encoding, sample


def sniff_delimiter(sample: str) -> str | None:
    """The candidate delimiter giving a consistent field count > 1, or ``None``."""
    return sniff_layout(sample)[0]


_SEP_LINE = re.compile(r"^\s*\"?sep=(.)\"?\s*$", re.IGNORECASE)
_META_KINDS = ("EXTF", "DTVF")


def _records(lines: list[str], delimiter: str) -> list[list[str]]:
    # a single field may exceed the csv module's 128 KB default (a pasted text, a base64 blob)
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))
    return [rec for rec in csv.reader(lines, delimiter=delimiter)]


def _filled(record: list[str]) -> int:
    return sum(1 for cell in record if cell.strip())


def header_index(records: list[list[str]]) -> int:
    """Index of the header among the first rows: the first with at least half of the table's
    width filled (title rows above a table fill one or two cells)."""
    width = max((_filled(r) for r in records[:50]), default=0)
    need = max(2, (width + 1) // 2)
    for i, record in enumerate(records[:50]):
        if _filled(record) >= need:
            return i
    return 0


def sniff_layout(sample: str) -> tuple[str | None, int]:
    """``(delimiter, lines before the header)`` of a decoded CSV sample.

    An Excel ``sep=;`` line fixes the delimiter; a DATEV ``EXTF``/``DTVF`` meta line and title
    rows (lines with at most one filled field whatever the delimiter, e.g. "Umsatzliste März"
    or ``Umsatzliste;;;``) are counted as lines before the header.
    """
    lines = sample.splitlines()
    if len(sample) >= _SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line of a truncated sample may be cut
    forced: str | None = None
    skip = 0
    if lines and (match := _SEP_LINE.match(lines[0])):
        forced, skip = match.group(1), 1
    if len(lines) > skip and lines[skip].lstrip('\ufeff"').startswith(_META_KINDS):
        skip += 1
    titles = 0
    while skip + titles < min(len(lines), skip + 20) and _title_like(lines[skip + titles]):
        titles += 1
    if skip + titles < len(lines):  # a table follows the title rows (else: one column only)
        skip += titles
    body = [line for line in lines[skip:skip + 200] if line.strip()]
    if forced is not None or not body:
        return forced, skip
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    for rank, delim in enumerate(DELIMITERS):
        counts = [len(rec) for rec in _records(body, delim)]
        if not counts or counts[0] < 2:
            continue
        header = counts[0]
        consistent = sum(1 for c in counts if c == header) / len(counts)
        score = (consistent, header, -rank)
        if best is None or score > best:
            best, chosen = score, delim
    return chosen, skip


def _title_like(line: str) -> bool:
    """A blank line or one with at most one filled field under every candidate delimiter."""
    if not line.strip():
        return True
    return all(_filled(rec) <= 1 for delim in DELIMITERS for rec in _records([line], delim))


def _read_csv(data: bytes, label: str, language: str) -> RawTable:
    encoding, sample = _sniff_encoding(data, label, language)
    delimiter, skip = sniff_layout(sample)
    sep = delimiter if delimiter is not None else "\x1f"  # single column: an unused separator
    preamble = tuple(tuple(rec) for rec in _records(sample.splitlines()[:skip], sep))
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            sep=sep,
            header=None,
            skiprows=skip,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            encoding=encoding,
            engine="c",
            quotechar='"',
        )
    except pd.errors.ParserError as exc:
        eof = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if eof:  # a quote that opens and never closes swallows the rest of the file
            start = int(eof.group(1))
            lines = sample.splitlines()
            header = next(iter(_records(lines[skip:skip + 1], sep)), [])
            opened = next(iter(_records(lines[skip + start:skip + start + 1], sep)), [])
            column = next((header[i] for i, cell in enumerate(opened)
                           if cell.count('"') % 2 and i < len(header)), None)
            if column is None:
                quoted = lines[skip + start].split(sep) if skip + start < len(lines) else []
                column = next((header[i] for i, cell in enumerate(quoted)
                               if cell.lstrip().startswith('"') and i < len(header)), None)
            rest = max(0, len(data.splitlines()) - (skip + start + 1))
            raise DataError(problems=[problem(
                "unclosed_quote", file=label, row=skip + start + 1, column=column,
                language=language, value=lines[skip + start][:60] if skip + start < len(lines)
                else None, lines=rest)]) from None
        match = re.search(r"line (\d+), saw (\d+)", str(exc))
        row = int(match.group(1)) + skip if match else None
        detail = (f"{match.group(2)} statt erwartet" if match else str(exc)[:80])
        expected = re.search(r"Expected (\d+) fields", str(exc))
        if match and expected:
            detail = (f"{match.group(2)} statt {expected.group(1)} Felder" if language != "en"
                      else f"{match.group(2)} instead of {expected.group(1)} fields")
        raise DataError(problems=[problem("bad_row", file=label, row=row, language=language,
                                          value=None, detail=detail)]) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise _fail("not_a_table", label, language, variant="unreadable",
                    detail=str(exc)[:80]) from None
    if delimiter is not None and b'"' in data:
        _check_quotes(frame, delimiter, skip, label, language)
    detection = Detection(file=label, format="csv", encoding=encoding, delimiter=delimiter,
                          header_row=skip + 1, preamble=preamble)
    return _finish(frame, detection, label, language)


#: pandas' text dtype (pyarrow-backed ``str`` from pandas 3 on); Arrow text becomes it
#: without a copy.
_STR_DTYPE = pd.Series(["x"], dtype="str").dtype
_ARROW_ENCODINGS = {"utf-8": "utf8", "utf-8-sig": "utf8"}


def _read_csv_stream(path: Path, sample: bytes, label: str, language: str,
                     complete: bool = False) -> RawTable:
    """Read a large CSV file in blocks with pyarrow's multi-threaded reader.

    Encoding, delimiter and lines above the header are sniffed from ``sample`` (the file's
    start, ``complete`` when that is the whole file) as for small files; the file is never
    held whole in memory, nor decoded twice.
    Whatever this strict reader rejects – a row with more or fewer fields, bytes that are not
    in the sniffed encoding further down, an unclosed quote – is read again by the pandas
    reader (:func:`_read_csv`), which gives the same result for a clean file and the known
    messages (row, column, fix) for a broken one.
    """
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    encoding, text = _sniff_encoding(sample, label, language, complete=complete)
    delimiter, skip = sniff_layout(text)
    lines = text.splitlines()
    header = _records(lines[skip:skip + 1], delimiter) if delimiter is not None else []
    width = len(header[0]) if header else 0

    def fallback() -> RawTable:
        return _read_csv(_read_bytes(path, label, language), label, language)

    if delimiter is None or width < 2:
        return fallback()
    names = [f"f{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(
                skip_rows=skip, column_names=names,
                encoding=_ARROW_ENCODINGS.get(encoding, encoding)),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, quote_char='"', double_quote=True,
                newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.large_string() for name in names},
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except MemoryError:
        raise
    except (pa.ArrowException, UnicodeError, ValueError):
        return fallback()
    mapper = ({pa.large_string(): _STR_DTYPE}.get if isinstance(_STR_DTYPE, pd.StringDtype)
              else None)
    frame = table.to_pandas(types_mapper=mapper)
    del table
    frame.columns = pd.RangeIndex(width)
    _check_quotes(frame, delimiter, skip, label, language)
    preamble = tuple(tuple(rec) for rec in _records(lines[:skip], delimiter))
    detection = Detection(file=label, format="csv", encoding=encoding, delimiter=delimiter,
                          header_row=skip + 1, preamble=preamble)
    return _finish(frame, detection, label, language)


def _check_quotes(frame: pd.DataFrame, delimiter: str, skip: int, label: str,
                  language: str) -> None:
    """A quote that opens and never closes makes the parser swallow the following lines into
    one field; a field holding line breaks *and* the delimiter is such a swallow (a legitimate
    multi-line comment rarely contains whole rows)."""
    for pos, column in enumerate(frame.columns):
        if not may_contain(frame[column], "\n"):
            continue
        cells = frame[column].astype("str")
        suspect = cells.str.contains("\n", regex=False) & cells.str.contains(delimiter,
                                                                              regex=False)
        if suspect.any():
            index = int(np.flatnonzero(suspect.to_numpy())[0])
            cell = cells.iloc[index]
            header = str(frame.iloc[0, pos]) if index > 0 else None
            raise DataError(problems=[problem(
                "unclosed_quote", file=label, row=skip + 1 + index, column=header,
                language=language, value=cell.split("\n", 1)[0],
                lines=cell.count("\n"))])


def _read_xlsx(data: bytes, label: str, language: str, head: int | None = None) -> RawTable:
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        limit = head + 30 if head else None
        sheets = [(sheet.title, [list(r) for r in sheet.iter_rows(values_only=True,
                                                                   max_row=limit)])
                  for sheet in book.worksheets]
        book.close()
    except Exception as exc:  # noqa: BLE001 - any reader failure means "not a workbook"
        raise _fail("not_a_table", label, language, variant="unreadable",
                    detail=type(exc).__name__) from None
    # the first sheet holding a table (two filled columns in two rows): a cover sheet with a
    # title or notes is skipped
    sheet_name, records = sheets[0] if sheets else ("", [])
    for name, rows in sheets:
        if sum(1 for r in rows[:60] if sum(v not in (None, "") for v in r) >= 2) >= 2:
            sheet_name, records = name, rows
            break
    width = max((len(r) for r in records), default=0)
    cells = [[_cell_text(v) for v in r] + [""] * (width - len(r)) for r in records]
    skip = header_index(cells) if cells else 0
    if any(v is None for r in records[skip + 1:skip + 201] for v in r):
        _check_formulas(data, sheet_name, records, cells, skip, label, language)
    preamble = tuple(tuple(c for c in row if c) for row in cells[:skip])
    cells = cells[skip:]
    frame = pd.DataFrame(cells, dtype="str") if cells else pd.DataFrame()
    if len(cells) and frame.shape[1]:
        frame.columns = pd.RangeIndex(frame.shape[1])
    detection = Detection(file=label, format="xlsx", sheet=sheet_name, header_row=skip + 1,
                          preamble=preamble)
    return _finish(frame, detection, label, language)


def _check_formulas(data: bytes, sheet_name: str, records: list[list[Any]],
                    cells: list[list[str]], skip: int, label: str, language: str) -> None:
    """Formulas whose results were never stored (a file written by a program, not saved by
    Excel) read as empty cells; say so instead of "the cell is empty"."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        formulas = [list(r) for r in book[sheet_name].iter_rows(values_only=True,
                                                                max_row=skip + 201)]
        book.close()
    except Exception:  # noqa: BLE001 - the values were read already; this is only a hint
        return
    header = cells[skip] if len(cells) > skip else []
    for i in range(skip + 1, min(len(records), len(formulas))):
        for j, value in enumerate(records[i]):
            formula = formulas[i][j] if j < len(formulas[i]) else None
            if value is None and isinstance(formula, str) and formula.startswith("="):
                raise DataError(problems=[problem(
                    "formula_without_value", file=label, row=i + 1,
                    column=header[j] if j < len(header) and header[j] else None,
                    value=formula, language=language)])


def _cell_text(value: Any) -> str:
    """An Excel cell as text: dates ISO, whole floats without ``.0``, numbers with a point."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
        return text[:-9] if text.endswith(" 00:00:00") else text
    return str(value)


def _read_parquet(data: bytes, label: str, language: str) -> RawTable:
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - any reader failure means "not a parquet file"
        raise _fail("not_a_table", label, language, variant="unreadable",
                    detail=type(exc).__name__) from None
    headers = [str(c) for c in frame.columns]
    _check_duplicates(headers, label, language)
    frame = frame.reset_index(drop=True)
    frame.columns = headers
    rows = np.arange(2, len(frame) + 2)
    return RawTable(frame=frame, detection=Detection(file=label, format="parquet"), rows=rows)


def _check_duplicates(headers: list[str], label: str, language: str, row: int = 1) -> None:
    counts = Counter(h.casefold() for h in headers if h)
    problems = []
    for name, n in counts.items():
        if n > 1:
            positions = [i + 1 for i, h in enumerate(headers) if h.casefold() == name]
            original = headers[positions[0] - 1]
            problems.append(problem("duplicate_header", file=label, row=row, column=original,
                                    value=original, language=language,
                                    positions=", ".join(map(str, positions))))
    if problems:
        raise DataError(problems=problems)


def _finish(frame: pd.DataFrame, detection: Detection, label: str, language: str) -> RawTable:
    """Split off the header row, drop blank rows/columns, check the header."""
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise _fail("empty_file", label, language)
    frame = frame.fillna("")
    header_values = [str(v).replace("\ufeff", "").strip().strip('"').strip()
                     for v in frame.iloc[0].tolist()]
    body = frame.iloc[1:]
    first = detection.header_row + 1
    rows = np.arange(first, len(body) + first)
    # drop columns without header and without data (trailing ";" in Excel exports)
    keep = []
    blank: dict[int, np.ndarray] = {}
    for pos, name in enumerate(header_values):
        blank[pos] = blank_cells(body.iloc[:, pos])
        if name or not blank[pos].all():
            keep.append(pos)
    if not keep:
        raise _fail("empty_file", label, language)
    body = body.iloc[:, keep]
    headers = [header_values[p] or f"Spalte {p + 1}" for p in keep]
    _check_duplicates(headers, label, language, detection.header_row)
    body.columns = headers
    nonblank = np.zeros(len(body), dtype=bool)
    for pos in keep:
        nonblank |= ~blank[pos]
    if not nonblank.all():
        body = body.loc[nonblank]
        rows = rows[nonblank]
    body = body.reset_index(drop=True)
    return RawTable(frame=body, detection=detection, rows=rows)


# -- cells ---------------------------------------------------------------------------------


def _arrow_text(series: pd.Series) -> Any:
    """The Arrow array behind a pyarrow-backed text column (no copy), else ``None``."""
    dtype = series.dtype
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"):
        return None
    import pyarrow as pa

    arrow = pa.array(series.array)
    return arrow if isinstance(arrow, pa.ChunkedArray) else pa.chunked_array([arrow])


def blank_cells(series: pd.Series) -> np.ndarray:
    """Boolean array: the cell is missing, empty or only whitespace."""
    arrow = _arrow_text(series)
    if arrow is None:
        if pd.api.types.is_string_dtype(series) or series.dtype == object:
            return (series.isna() | (series.astype("str").str.strip() == "")).to_numpy(
                dtype=bool)
        return series.isna().to_numpy(dtype=bool)
    import pyarrow.compute as pc

    blank = pc.equal(pc.binary_length(arrow), 0)
    if _has_bytes(arrow, _SPACE_BYTES):  # else no cell can be only whitespace
        blank = pc.or_kleene(blank, pc.utf8_is_space(arrow))
    return np.asarray(pc.fill_null(blank, True), dtype=bool)


#: Bytes that start a whitespace character in UTF-8: ASCII blanks, and the lead bytes of
#: U+0085/U+00A0 (C2), U+1680 (E1), U+2000–U+205F (E2) and U+3000 (E3).
_SPACE_BYTES = b"\t\n\x0b\x0c\r \xc2\xe1\xe2\xe3"


def _has_bytes(arrow: Any, chars: bytes) -> bool:
    """True when one of the bytes ``chars`` occurs in the bytes behind an Arrow text column
    (the buffers may hold a little more than the column's cells: a superset, for a quick
    "certainly not"). One ``memchr`` scan per byte: gigabytes per second, where a regular
    expression's character class managed a few hundred megabytes."""
    for chunk in arrow.chunks:
        data = chunk.buffers()[2]
        if data is None or not data.size:
            continue
        blob = data.to_pybytes()
        if any(blob.find(chars[i:i + 1]) >= 0 for i in range(len(chars))):
            return True
    return False


def may_contain(series: pd.Series, chars: str) -> bool:
    """False only when no cell of a text column holds any of the (ASCII) ``chars``: a scan
    of the column's bytes that saves a per-cell search in the usual case; True otherwise."""
    arrow = _arrow_text(series)
    if arrow is None:
        return True
    return _has_bytes(arrow, chars.encode("ascii"))


def all_distinct(series: pd.Series) -> bool:
    """True when no two cells of the column are equal.

    Cheap for the usual line or receipt number: values that ascend or descend (as texts or
    as whole numbers) are distinct without a hash table of all texts; whole numbers are
    compared as numbers. ``False`` may also mean "not shown cheaply" (``7`` and ``007``).
    """
    n = len(series)
    if n < 2:
        return True
    arrow = _arrow_text(series)
    if arrow is None or arrow.null_count:
        return len(pd.unique(series)) == n
    import pyarrow as pa
    import pyarrow.compute as pc

    later, earlier = arrow[1:], arrow[:-1]
    if pc.all(pc.greater(later, earlier)).as_py() or pc.all(pc.less(later, earlier)).as_py():
        return True
    try:
        numbers = pc.cast(arrow, pa.int64()).to_numpy()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return len(pd.unique(series)) == n
    step = np.diff(numbers)
    return bool((step > 0).all() or (step < 0).all() or len(pd.unique(numbers)) == n)


# -- numbers -------------------------------------------------------------------------------

# Literal NBSP characters and [0-9] instead of \\u escapes, \\s and \\d: pandas then uses
# pyarrow's RE2 engine instead of a Python loop (about 10x faster on a million rows).
_NUM_CLEAN = re.compile("[ \t\u00a0\u202f]|CHF|EUR|Fr\\.|€|%")
_NUMBER_PATTERNS: dict[str, str] = {
    "comma": r"[+-]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?-?",
    "swiss": r"[+-]?(?:[0-9]{1,3}(?:['’][0-9]{3})+|[0-9]+)(?:\.[0-9]+)?-?",
    "point": r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?-?",
}


def _clean_numbers(series: pd.Series) -> pd.Series:
    text = series.astype("str").str.strip()
    return text.str.replace(_NUM_CLEAN.pattern, "", regex=True)


def sniff_decimal(values: pd.Series | list[pd.Series], prefer: str = "point") -> str | None:
    """The decimal style that parses most of the sample; ties go to ``prefer``.

    ``None`` when there are no non-empty text values. ``1.234`` alone is ambiguous (comma
    style: 1234, point style: 1.234) and is decided by ``prefer`` (``comma`` for ``;`` files).
    """
    series_list = values if isinstance(values, list) else [values]
    parts = [_clean_numbers(s.iloc[:_SAMPLE_VALUES]) for s in series_list
             if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s))]
    if not parts:
        return None
    sample = pd.concat(parts, ignore_index=True)
    sample = sample[sample != ""]
    if sample.empty or not sample.str.contains("[.,'’]", regex=True).any():
        return None  # whole numbers only: every style reads them alike
    scores = {style: int(sample.str.fullmatch(pat).sum())
              for style, pat in _NUMBER_PATTERNS.items()}
    order = [prefer] + [s for s in DECIMAL_STYLES if s != prefer]
    return max(order, key=lambda s: (scores[s], -order.index(s)))


def parse_numbers(series: pd.Series, decimal: str | None) -> tuple[pd.Series, pd.Series]:
    """Parse a text column in ``decimal`` style.

    Returns ``(values as float64 with NaN for empty/invalid, invalid mask)``; ``invalid`` is
    True where the cell is non-empty but not a number in that style. Numeric columns pass
    through unchanged. A trailing minus (``12,50-``, SAP style) means negative.
    """
    if pd.api.types.is_bool_dtype(series):
        series = series.astype("float64")
    if pd.api.types.is_numeric_dtype(series):
        values = pd.to_numeric(series, errors="coerce").astype("float64")
        return values, pd.Series(False, index=series.index)
    codes, uniques = _factorize(series)
    values_u, invalid_u = _parse_unique_numbers(uniques, decimal)
    values = pd.Series(values_u[codes], index=series.index, dtype="float64")
    invalid = pd.Series(invalid_u[codes], index=series.index, dtype=bool)
    return values, invalid


def _factorize(series: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Integer codes and the distinct stripped texts: parse each distinct value only once
    (a million sales lines typically hold a few thousand distinct dates and amounts)."""
    text = series.astype("str").fillna("")
    codes, uniques = pd.factorize(text)
    return codes, pd.Series(uniques, dtype="str").str.strip()


def _parse_unique_numbers(uniques: pd.Series, decimal: str | None) -> tuple[np.ndarray,
                                                                            np.ndarray]:
    text = uniques.str.replace(_NUM_CLEAN.pattern, "", regex=True)
    style = decimal or "point"
    valid = text.str.fullmatch(_NUMBER_PATTERNS[style]).fillna(False).astype(bool)
    empty = text == ""
    if style == "comma":
        canon = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    elif style == "swiss":
        canon = text.str.replace("'", "", regex=False).str.replace("’", "", regex=False)
    else:
        canon = text.str.replace(",", "", regex=False)
    trailing = canon.str.endswith("-") & valid
    if trailing.any():
        canon = canon.where(~trailing, "-" + canon.str.rstrip("-"))
    values = pd.to_numeric(canon.where(valid, ""), errors="coerce").astype("float64")
    invalid = ~valid & ~empty
    return values.to_numpy(), invalid.to_numpy(dtype=bool)


# -- dates ---------------------------------------------------------------------------------

_DATE_SNIFF: dict[str, str] = {
    "%d.%m.%Y": r"\d{1,2}\.\d{1,2}\.\d{4}(?:[ T].*)?",
    "%d.%m.%y": r"\d{1,2}\.\d{1,2}\.\d{2}(?:[ T].*)?",
    "%Y-%m-%d": r"\d{4}-\d{1,2}-\d{1,2}(?:[ T].*)?",
}
_TIME_SUFFIXES: tuple[str, ...] = ("", " %H:%M", " %H:%M:%S", "T%H:%M", "T%H:%M:%S")


def sniff_date_format(series: pd.Series) -> str | None:
    """The date style (a :data:`DATE_FORMATS` pattern) most values follow, ``"native"`` for
    datetime columns, or ``None`` when the column has no non-empty value."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return "native"
    text = series.iloc[:_SAMPLE_VALUES].astype("str").str.strip()
    text = text[text != ""]
    if text.empty:
        return None
    scores = {fmt: int(text.str.fullmatch(pat).sum()) for fmt, pat in _DATE_SNIFF.items()}
    best = max(DATE_FORMATS, key=lambda f: (scores[f], -DATE_FORMATS.index(f)))
    return best if scores[best] else DATE_FORMATS[0]


def parse_dates(series: pd.Series, fmt: str | None) -> tuple[pd.Series, pd.Series]:
    """Parse a text column of dates in style ``fmt`` (time part optional).

    Cells that do not fit ``fmt`` are retried with the other styles, so a column mixing
    ``31.01.2025`` and ``2025-01-31`` still loads. Returns ``(datetime64 series with NaT,
    invalid mask)``; ``invalid`` is True for non-empty cells that are no valid date.
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series.dt.tz_localize(None) if series.dt.tz is not None else series
        return values, pd.Series(False, index=series.index)
    codes, text = _factorize(series)
    empty = text == ""
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    todo = ~empty
    order = [fmt] if fmt in DATE_FORMATS else []
    order += [f for f in DATE_FORMATS if f not in order]
    for base in order:
        for suffix in _TIME_SUFFIXES:
            if not todo.any():
                break
            parsed = pd.to_datetime(text[todo], format=base + suffix, errors="coerce")
            ok = parsed.notna()
            if ok.any():
                idx = ok[ok].index
                result.loc[idx] = parsed.loc[idx].astype("datetime64[us]")
                todo.loc[idx] = False
    values = pd.Series(result.to_numpy()[codes], index=series.index, dtype="datetime64[us]")
    invalid = pd.Series(todo.to_numpy(dtype=bool)[codes], index=series.index, dtype=bool)
    return values, invalid


_DATE_PARTS = re.compile(r"^(\d{1,4})[.\-/](\d{1,2})[.\-/](\d{1,4})")
_TOTAL_WORDS = ("summe", "total", "gesamt", "zwischensumme", "sum")


def date_failure_reason(value: str, fmt: str | None) -> tuple[str | None, dict[str, Any]]:
    """Why ``value`` is no date: ``("month", {"month": 13})``, ``("day", …)``, … (for messages)."""
    text = str(value).strip()
    if text.casefold().rstrip(":") in _TOTAL_WORDS:
        return "total_row", {}
    match = _DATE_PARTS.match(text)
    if not match:
        return None, {}
    a, b, c = match.groups()
    if len(a) == 4:
        year, month, day = int(a), int(b), int(c)
    else:
        day, month, year = int(a), int(b), int(c)
    if not 1 <= month <= 12:
        return "month", {"month": month}
    if year < 100:
        year += 2000
    days = calendar.monthrange(max(year, 1), month)[1]
    if not 1 <= day <= days:
        return "day", {"day": day, "month": month}
    return None, {}
