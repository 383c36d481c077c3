"""The win-back list in the workspace: an Excel file for the owner and a record for follow-up.

``listen/<Stichtag>_rueckgewinnung.xlsx`` is what the owner works with: one row per listed
customer (rank, customer number – or the original e-mail, phone or name where the key was
pseudonymised on import –, last purchase, value at stake, group, suggested action) and an
empty column »Ergebnis« for the outcome. ``listen/<Stichtag>_rueckgewinnung.json`` records
the ids of the listed customers and of the candidates cut by the list length; the next report
reads both (:func:`read_lists`) to measure what the list brought
(:func:`kbworkbook.models.calllist.win_back`).

Both files stay in the workspace (``listen/`` is never part of a report) and are written
atomically. An existing list of the same Stichtag is never overwritten: the owner may already
have noted outcomes in it. Original contacts are found again by pseudonymising the key column
of the sales file with the workspace's secret (:mod:`kbworkbook.pseudonym`); nothing else keeps
a mapping.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import KbWorkbookError
from .fileio import atomic_write_bytes, atomic_write_json
from .i18n import swiss_spelling
from .models.calllist import CallList
from .pseudonym import pseudonymize, workspace_secret
from .workspace import Workspace

__all__ = ["LIST_DIR", "LIST_SUFFIX", "WrittenList", "list_paths", "original_contacts",
           "read_lists", "write_call_list"]

#: Folder of the owner's lists inside the workspace.
LIST_DIR = "listen"
#: ``<Stichtag>`` + this + ``.xlsx`` / ``.json``.
LIST_SUFFIX = "_rueckgewinnung"
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})" + LIST_SUFFIX + r"\.json$")
_KIND = "kbworkbook-rueckgewinnung"

_HEADERS = {
    "de": {"nr": "Nr.", "customer": "Kundennummer / Kontakt", "last": "Letzter Einkauf",
           "days": "Tage seit letztem Einkauf", "value": "Wert in Gefahr ({currency})",
           "alive": "Wahrscheinlich noch Kunde", "group": "Gruppe", "action": "Vorschlag",
           "outcome": "Ergebnis", "sheet": "Rückgewinnung", "about": "Hinweise"},
    "en": {"nr": "No.", "customer": "Customer number / contact", "last": "Last purchase",
           "days": "Days since last purchase", "value": "Value at stake ({currency})",
           "alive": "Probably still a customer", "group": "Group", "action": "Suggestion",
           "outcome": "Outcome", "sheet": "Win-back", "about": "Notes"},
}
_NOTES = {
    "de": ("Rückgewinnungsliste zum Stichtag {date} – nur für den Betrieb, nicht weitergeben.",
           "Wert in Gefahr: Deckungsbeitrag der 12 Monate bis zum letzten Einkauf dieser "
           "Kundin, dieses Kunden.",
           "Bitte in der Spalte »Ergebnis« festhalten, was der Kontakt ergab (z. B. »angerufen, "
           "kommt wieder«). Der nächste Bericht zeigt, wie viele wieder gekauft haben – "
           "und vergleicht Kontaktierte mit den übrigen.",
           "Die Datei nicht umbenennen; Zeilen dürfen sortiert werden (die Nr. bleibt)."),
    "en": ("Win-back list as of {date} – for the business only, do not pass on.",
           "Value at stake: contribution margin of the 12 months up to this customer's last "
           "purchase.",
           "Please note in the column 'Outcome' what the contact brought (e.g. 'called, will "
           "come back'). The next report shows how many bought again – and compares those "
           "contacted with the others.",
           "Do not rename the file; rows may be sorted (the number stays)."),
}
_WIDTHS = {"nr": 6, "customer": 30, "last": 16, "days": 14, "value": 18, "alive": 16,
           "group": 20, "action": 60, "outcome": 40}


@dataclass(frozen=True)
class WrittenList:
    """Where the list is (workspace-relative, for the report) and whether this run wrote it."""

    relative_path: str
    created: bool
    rows: int


def list_paths(ws: Workspace, as_of: Any) -> tuple[Path, Path]:
    """``(xlsx, json)`` of the list of Stichtag ``as_of``."""
    stem = pd.Timestamp(as_of).date().isoformat() + LIST_SUFFIX
    folder = ws.root / LIST_DIR
    return folder / f"{stem}.xlsx", folder / f"{stem}.json"


def original_contacts(ws: Workspace, transactions: pd.DataFrame,
                      wanted: Iterable[str]) -> dict[str, str]:
    """Pseudonym → the original e-mail, phone or name for the ``wanted`` ids that are
    pseudonyms of the sales file's personal key (empty when the file has customer numbers).

    Re-reads the sales file and pseudonymises its key column with the workspace's secret, the
    same way the loader did; a file changed since then simply finds fewer contacts.
    """
    from .discovery import locate
    from .io import read_raw
    from .presets import detect as detect_preset

    key = (transactions.attrs.get("kb_detected") or {}).get("customer_key")
    wanted = {str(w) for w in wanted if str(w).startswith("K-")}
    if not key or not wanted:
        return {}
    language = ws.language
    try:
        found = locate(ws, "transactions", language)
        if found.path is None:
            return {}
        raw = read_raw(found.path, language=language)
        preset = detect_preset([str(c) for c in raw.frame.columns], "transactions")
        if preset is not None:
            raw = preset.apply(raw, language).raw
    except (KbWorkbookError, OSError):
        return {}
    frame, column = raw.frame, str(key.get("column", ""))
    if column in frame.columns:
        values = frame[column].astype("str").str.strip()
    elif " + " in column and all(p in frame.columns for p in column.split(" + ", 1)):
        first, last = column.split(" + ", 1)
        values = (frame[first].astype("str").str.strip() + " "
                  + frame[last].astype("str").str.strip()).str.strip()
    else:
        return {}
    pseudonyms = pseudonymize(values, str(key.get("kind")), workspace_secret(ws.root))
    pairs = pd.DataFrame({"pseudonym": pseudonyms, "value": values}).dropna()
    pairs = pairs.loc[pairs["pseudonym"].isin(wanted)].drop_duplicates("pseudonym")
    return dict(zip(pairs["pseudonym"], pairs["value"], strict=True))


def _text_cell(cell: Any, value: str) -> None:
    """A text cell that Excel never runs as a formula (a contact may start with ``=``)."""
    cell.value = value
    cell.data_type = "s"


def _workbook(result: CallList, contacts: Mapping[str, str], actions: Mapping[str, str],
              labels: Mapping[str, str], language: str, locale: str, currency: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    head = _HEADERS["en" if language == "en" else "de"]
    keys = ["nr", "customer", "last", "days", "value"]
    if result.method == "model":
        keys.append("alive")
    keys += ["group", "action", "outcome"]
    book = Workbook()
    sheet = book.active
    sheet.title = head["sheet"]
    for col, key in enumerate(keys, start=1):
        cell = sheet.cell(row=1, column=col, value=head[key].format(currency=currency))
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(col)].width = _WIDTHS[key]
    date_format = "YYYY-MM-DD" if language == "en" else "DD.MM.YYYY"
    for row, (customer, item) in enumerate(result.listed.iterrows(), start=2):
        values: dict[str, Any] = {
            "nr": int(item["rank"]), "last": pd.Timestamp(item["last_purchase"]).date(),
            "days": int(item["days_since"]), "value": round(float(item["value_at_stake"]), 2),
            "alive": float(item["p_alive"]), "outcome": None}
        for col, key in enumerate(keys, start=1):
            cell = sheet.cell(row=row, column=col)
            if key == "customer":
                _text_cell(cell, contacts.get(str(customer), str(customer)))
            elif key == "group":
                _text_cell(cell, labels.get(str(item["group"]), str(item["group"])))
            elif key == "action":
                _text_cell(cell, swiss_spelling(actions.get(str(item["group"]), ""), locale))
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.value = values[key]
            if key == "last":
                cell.number_format = date_format
            elif key == "value":
                cell.number_format = "#,##0"
            elif key == "alive":
                cell.number_format = "0%"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    notes = book.create_sheet(head["about"])
    notes.column_dimensions["A"].width = 110
    day = result.as_of.date()
    shown = day.isoformat() if language == "en" else day.strftime("%d.%m.%Y")
    for i, line in enumerate(_NOTES["en" if language == "en" else "de"], start=1):
        notes.cell(row=i, column=1, value=swiss_spelling(line.format(date=shown), locale))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_call_list(ws: Workspace, result: CallList, transactions: pd.DataFrame,
                    actions: Mapping[str, str], labels: Mapping[str, str],
                    language: str = "de") -> WrittenList:
    """Write the list of ``result.as_of`` into ``listen/`` unless it exists already.

    ``actions`` and ``labels`` map group keys to the suggested action and the group's name.
    The record (``.json``) is written first, the Excel file last: a list counts as written
    when its Excel file exists.
    """
    xlsx, record = list_paths(ws, result.as_of)
    relative = xlsx.relative_to(ws.root).as_posix()
    if xlsx.is_file():
        return WrittenList(relative, created=False, rows=len(result.listed))
    listed = result.listed
    contacts = original_contacts(ws, transactions, listed.index.astype("str"))
    atomic_write_json(record, {
        "kind": _KIND, "version": 1, "stichtag": result.as_of.date().isoformat(),
        "method": result.method,
        "listed": [{"nr": int(item["rank"]), "customer_id": str(customer)}
                   for customer, item in listed.iterrows()],
        "not_listed": [str(c) for c in result.not_listed.index],
    })
    atomic_write_bytes(xlsx, _workbook(result, contacts, actions, labels, language, ws.locale,
                                       ws.currency))
    return WrittenList(relative, created=True, rows=len(listed))


def _outcomes(path: Path) -> dict[int, bool] | None:
    """Nr. → whether the owner wrote an outcome; ``None`` when the file cannot be read."""
    from openpyxl import load_workbook

    names = {"nr": {h["nr"].casefold() for h in _HEADERS.values()},
             "outcome": {h["outcome"].casefold() for h in _HEADERS.values()}}
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a damaged or locked file: outcomes unknown
        return None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(v).strip().casefold() if v is not None else "" for v in next(rows, ())]
        where = {k: next((i for i, h in enumerate(header) if h in v), None)
                 for k, v in names.items()}
        nr, outcome = where["nr"], where["outcome"]
        if nr is None or outcome is None:
            return None
        found: dict[int, bool] = {}
        for row in rows:
            if nr >= len(row) or row[nr] is None:
                continue
            try:
                number = int(float(str(row[nr])))
            except ValueError:
                continue
            value = row[outcome] if outcome < len(row) else None
            found[number] = value is not None and str(value).strip() != ""
        return found
    finally:
        book.close()


_COLUMNS = ["list_date", "customer_id", "listed", "contacted"]


def read_lists(ws: Workspace) -> pd.DataFrame:
    """Every list recorded in ``listen/``: one row per customer and list (``list_date``,
    ``customer_id``, ``listed``, ``contacted`` – from the Excel file's »Ergebnis«, missing
    when that file cannot be read). Unreadable records are left out."""
    folder = ws.root / LIST_DIR
    frames = []
    for path in sorted(folder.glob(f"*{LIST_SUFFIX}.json")) if folder.is_dir() else []:
        match = _NAME.match(path.name)
        if match is None:
            continue
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            day = dt.date.fromisoformat(match.group(1))
            listed = [(int(e["nr"]), str(e["customer_id"])) for e in record["listed"]]
            cut = [str(c) for c in record.get("not_listed", [])]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        outcomes = _outcomes(path.with_suffix(".xlsx"))
        contacted: list[Any] = [pd.NA if outcomes is None else outcomes.get(nr, False)
                                for nr, _ in listed]
        frames.append(pd.DataFrame({
            "list_date": pd.Timestamp(day),
            "customer_id": [c for _, c in listed] + cut,
            "listed": [True] * len(listed) + [False] * len(cut),
            "contacted": pd.array(contacted + [pd.NA] * len(cut), dtype="boolean"),
        }))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            _COLUMNS, ["datetime64[ns]", "str", "bool", "boolean"], strict=True)})
    return pd.concat(frames, ignore_index=True)
