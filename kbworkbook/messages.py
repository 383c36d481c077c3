"""User-facing texts for data-import problems (German, English for ``language="en"``).

Every :class:`~kbworkbook.errors.Problem` built by :mod:`kbworkbook.io` and
:mod:`kbworkbook.schemas` gets its message from :func:`problem`: where (file, row, column),
what is wrong, and how to fix it. Texts use ``str.format`` placeholders filled from the keyword
arguments; unknown placeholders are a programming error.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import Problem

__all__ = ["MESSAGES", "TABLE_TITLES", "location", "problem", "reason_text", "render",
           "table_title"]

#: code -> {"de": ..., "en": ...}; placeholders come from :func:`render`'s keyword arguments.
MESSAGES: dict[str, dict[str, str]] = {
    "missing_file": {
        "de": "Die Datei wurde nicht gefunden ({path}). Bitte den Dateinamen prüfen oder die "
        "Datei in den Ordner data/ legen.",
        "en": "The file was not found ({path}). Please check the file name or put the file "
        "into the data/ folder.",
    },
    "missing_file.configured": {
        "de": "kbworkbook.toml nennt für »{input}« die Datei {path}, aber die gibt es nicht. "
        "Bitte den Dateinamen in [data] korrigieren oder die Datei in den Ordner data/ legen.",
        "en": "kbworkbook.toml names the file {path} for '{input}', but it does not exist. "
        "Please correct the file name in [data] or put the file into the data/ folder.",
    },
    "ambiguous_input": {
        "de": "Mehrere Dateien sehen nach »{input}« aus: {files}. Welche gilt? Bitte in "
        "kbworkbook.toml unter [data] eintragen, z. B. {example}, oder die überzählige Datei "
        "aus data/ entfernen.",
        "en": "Several files look like '{input}': {files}. Which one applies? Please set it in "
        "kbworkbook.toml under [data], e.g. {example}, or remove the extra file from data/.",
    },
    "ambiguous_file": {
        "de": "Die Spalten passen zu mehreren Daten ({inputs}). Bitte in kbworkbook.toml unter "
        "[data] festlegen, wofür die Datei gilt, z. B. {example}.",
        "en": "The columns fit several inputs ({inputs}). Please set in kbworkbook.toml under "
        "[data] what the file is for, e.g. {example}.",
    },
    "empty_file": {
        "de": "Die Datei ist leer (0 Byte). Bitte den Export wiederholen und die Datei erneut "
        "ablegen.",
        "en": "The file is empty (0 bytes). Please export it again and replace the file.",
    },
    "no_rows": {
        "de": "Die Datei enthält nur die Kopfzeile, aber keine Datenzeilen. Bitte die Daten "
        "unter der Kopfzeile einfügen.",
        "en": "The file holds only the header row and no data rows. Please add the data below "
        "the header.",
    },
    "not_a_table.binary": {
        "de": "Die Datei ist keine Tabelle, sondern enthält Binärdaten. Bitte als CSV (Excel: "
        "»Speichern unter … CSV UTF-8«) oder als .xlsx speichern.",
        "en": "The file is not a table but binary data. Please save it as CSV (UTF-8) or .xlsx.",
    },
    "not_a_table.pdf": {
        "de": "Die Datei ist ein PDF-Dokument, keine Tabelle. Bitte die Daten als CSV oder "
        ".xlsx exportieren (nicht als PDF drucken).",
        "en": "The file is a PDF document, not a table. Please export the data as CSV or .xlsx "
        "(not as a printed PDF).",
    },
    "not_a_table.html": {
        "de": "Die Datei ist eine Webseite (HTML), keine Tabelle. Bitte die Daten als CSV oder "
        ".xlsx exportieren.",
        "en": "The file is a web page (HTML), not a table. Please export the data as CSV or "
        ".xlsx.",
    },
    "not_a_table.xls": {
        "de": "Die Datei ist im alten Excel-Format (.xls). Bitte in Excel öffnen und als "
        "»Excel-Arbeitsmappe (.xlsx)« oder »CSV UTF-8« speichern.",
        "en": "The file is in the old Excel format (.xls). Please open it in Excel and save it "
        "as an Excel workbook (.xlsx) or CSV UTF-8.",
    },
    "not_a_table.unreadable": {
        "de": "Die Datei lässt sich nicht als Tabelle lesen ({detail}). Bitte erneut als CSV "
        "oder .xlsx exportieren.",
        "en": "The file cannot be read as a table ({detail}). Please export it again as CSV or "
        ".xlsx.",
    },
    "not_a_table.folder": {
        "de": "Hier liegt ein Ordner, keine Datei. Bitte die Datei selbst angeben (z. B. "
        "data/umsaetze.csv) oder die Datei in den Ordner data/ legen.",
        "en": "This is a folder, not a file. Please name the file itself (e.g. "
        "data/sales.csv) or put the file into the data/ folder.",
    },
    "unreadable_file.permission": {
        "de": "Die Datei kann nicht gelesen werden: keine Berechtigung. Bitte die Datei "
        "schließen, falls sie in Excel offen ist, oder die Zugriffsrechte prüfen "
        "(Rechtsklick → Eigenschaften).",
        "en": "The file cannot be read: permission denied. Please close it if it is open in "
        "Excel, or check its access rights.",
    },
    "unreadable_file.os": {
        "de": "Die Datei kann nicht gelesen werden ({detail}). Bitte die Datei erneut "
        "speichern oder kopieren.",
        "en": "The file cannot be read ({detail}). Please save or copy it again.",
    },
    "too_large": {
        "de": "Die Datei ist zu groß für den Arbeitsspeicher ({size} GB). Bitte einen kürzeren "
        "Zeitraum exportieren (z. B. die letzten 24 Monate) oder die Datei als .parquet "
        "speichern.",
        "en": "The file is too large for the memory ({size} GB). Please export a shorter "
        "period (e.g. the last 24 months) or save it as .parquet.",
    },
    "not_a_table.single_column": {
        "de": "Die Datei hat nur eine Spalte (»{header}«); das Trennzeichen wurde nicht "
        "erkannt. Bitte Spalten mit Semikolon (;), Komma (,) oder Tabulator trennen.",
        "en": "The file has only one column ('{header}'); no column separator was recognised. "
        "Please separate columns with a semicolon (;), comma (,) or tab.",
    },
    "not_recognised": {
        "de": "Die Datei sieht nicht wie {what} aus: keine ihrer Spalten ist eine der "
        "erwarteten (z. B. {expected}). Ihr Inhalt wird deshalb nicht angezeigt. Bitte prüfen, "
        "ob in kbworkbook.toml unter [data] {table} die richtige Datei eingetragen ist, oder die "
        "Kopfzeile ergänzen.",
        "en": "The file does not look like {what}: none of its columns is one of the "
        "expected ones (e.g. {expected}). Its content is therefore not shown. Please check that "
        "[data] {table} in kbworkbook.toml names the right file, or add a header row.",
    },
    "unsupported_format": {
        "de": "Das Dateiformat »{suffix}« wird nicht unterstützt. Bitte als .csv, .xlsx oder "
        ".parquet speichern.",
        "en": "The file format '{suffix}' is not supported. Please save as .csv, .xlsx or "
        ".parquet.",
    },
    "unknown_encoding": {
        "de": "Die Zeichenkodierung der Datei ist unbekannt (weder UTF-8 noch Windows-1252). "
        "Bitte in Excel als »CSV UTF-8« speichern.",
        "en": "The file's character encoding is unknown (neither UTF-8 nor Windows-1252). "
        "Please save it as 'CSV UTF-8'.",
    },
    "duplicate_header": {
        "de": "Die Spaltenüberschrift »{value}« kommt mehrfach vor (Spalten {positions}). "
        "Bitte jeder Spalte einen eigenen Namen geben.",
        "en": "The column header '{value}' appears more than once (columns {positions}). "
        "Please give every column its own name.",
    },
    "bad_row": {
        "de": "Die Zeile hat mehr Felder als die Kopfzeile ({detail}). Meist steht das "
        "Trennzeichen in einem Text ohne Anführungszeichen; bitte den Text in \"…\" setzen "
        "oder das Zeichen entfernen.",
        "en": "The row has more fields than the header ({detail}). Usually the separator "
        "appears inside a text without quotes; please quote the text or remove the character.",
    },
    "formula_without_value": {
        "de": "Die Zelle enthält die Formel »{value}«, aber kein gespeichertes Ergebnis (die "
        "Datei wurde von einem Programm erzeugt und nie in Excel gespeichert). Bitte die Datei "
        "in Excel öffnen, speichern und erneut ablegen.",
        "en": "The cell holds the formula '{value}' but no stored result (the file was written "
        "by a program and never saved in Excel). Please open it in Excel, save it and put it "
        "here again.",
    },
    "unclosed_quote": {
        "de": "Hier beginnt ein Anführungszeichen (\"), das nicht geschlossen wird: die "
        "folgenden {lines} Zeilen wurden als Teil dieses Feldes gelesen. Bitte das "
        "Anführungszeichen schließen oder entfernen und die Datei erneut speichern.",
        "en": "A quote (\") opens here and never closes: the following {lines} lines were read "
        "as part of this field. Please close or remove the quote and save the file again.",
    },
    "ambiguous_decimal": {
        "de": "»{value}« ist mehrdeutig: mit Tausenderpunkt {thousands}, mit Dezimalpunkt "
        "{decimal}. In der Spalte kommt weder ein Dezimalkomma noch ein eindeutiger Wert vor. "
        "Bitte in kbworkbook.toml festlegen: [data.{table}] decimal = \",\" (1.234,50) oder "
        "decimal = \".\" (1234.50).",
        "en": "'{value}' is ambiguous: with a thousands point {thousands}, with a decimal point "
        "{decimal}. The column has neither a decimal comma nor an unambiguous value. Please set "
        "in kbworkbook.toml: [data.{table}] decimal = \",\" (1.234,50) or decimal = \".\" "
        "(1234.50).",
    },
    "implausible_date": {
        "de": "»{value}« ergibt das Datum {date}{reason}. Bitte das Jahr vierstellig eintragen "
        "(z. B. 31.12.1968) oder die Zeile korrigieren.",
        "en": "'{value}' gives the date {date}{reason}. Please write the year with four digits "
        "(e.g. 31.12.1968) or correct the row.",
    },
    "appended_twice": {
        "de": "Die Zeilen {first}–{last} ({count} Zeilen) wiederholen einen früheren Block der "
        "Datei Zeile für Zeile – der Export wurde wohl zweimal angehängt. Sie werden nicht "
        "doppelt gezählt; bitte die Datei bereinigen.",
        "en": "Rows {first}–{last} ({count} rows) repeat an earlier block of the file row by "
        "row – the export was probably appended twice. They are not counted twice; please "
        "clean the file.",
    },
    "duplicate_rows": {
        "de": "{count} Zeile(n) gleichen einer früheren Zeile in jeder Spalte (die erste hier). "
        "Sie wurden gezählt – falls es keine echten gleichen Verkäufe sind, bitte entfernen.",
        "en": "{count} row(s) equal an earlier row in every column (the first here). They were "
        "counted – if they are not real identical sales, please remove them.",
    },
    "missing_column": {
        "de": "Die Pflichtspalte »{label}« fehlt. Gefundene Spalten: {found}.{hint} Bitte eine "
        "Spalte ergänzen, z. B. »{example}« (erkannt werden auch {aliases}).",
        "en": "The required column '{label}' is missing. Columns found: {found}.{hint} Please "
        "add a column, e.g. '{example}' (also recognised: {aliases}).",
    },
    "missing_column.privacy": {
        "de": "Die Pflichtspalte »{label}« fehlt: die Spalte »{dropped}« enthält E-Mail-Adressen "
        "oder Telefonnummern und wurde aus Datenschutzgründen verworfen. Bitte stattdessen "
        "eine Kundennummer oder ein Pseudonym verwenden.",
        "en": "The required column '{label}' is missing: column '{dropped}' holds e-mail "
        "addresses or phone numbers and was dropped for privacy. Please use a customer number "
        "or a pseudonym instead.",
    },
    "mapping_unknown_column": {
        "de": "kbworkbook.toml [data.{table}.columns]: »{value}« ist keine Spalte dieser Tabelle. "
        "Erlaubt sind {choices} (oder die deutschen Bezeichnungen, z. B. »Kundennummer«).",
        "en": "kbworkbook.toml [data.{table}.columns]: '{value}' is no column of this table. "
        "Allowed are {choices}.",
    },
    "mapping_missing_header": {
        "de": "kbworkbook.toml [data.{table}.columns] ordnet »{label}« der Spalte »{value}« zu, "
        "die es in der Datei nicht gibt.{hint} Gefundene Spalten: {found}. Bitte die "
        "Überschrift genau so eintragen, wie sie in der Datei steht.",
        "en": "kbworkbook.toml [data.{table}.columns] maps '{label}' to column '{value}', which "
        "the file does not have.{hint} Columns found: {found}. Please enter the header exactly "
        "as the file writes it.",
    },
    "missing_value": {
        "de": "Das Feld ist leer. Bitte einen Wert eintragen oder die Zeile löschen.",
        "en": "The cell is empty. Please enter a value or delete the row.",
    },
    "bad_date": {
        "de": "»{value}« ist kein gültiges Datum{reason}. Bitte als {expected} eingeben.",
        "en": "'{value}' is not a valid date{reason}. Please enter it as {expected}.",
    },
    "bad_number": {
        "de": "»{value}« ist keine gültige Zahl{reason}. Bitte nur Ziffern eingeben, z. B. "
        "{example}.",
        "en": "'{value}' is not a valid number{reason}. Please enter digits only, e.g. "
        "{example}.",
    },
    "negative_count": {
        "de": "»{value}« ist negativ; eine Anzahl kann nicht kleiner als 0 sein. Bitte "
        "korrigieren.",
        "en": "'{value}' is negative; a count cannot be below 0. Please correct it.",
    },
    "score_out_of_range": {
        "de": "»{value}« liegt nicht zwischen 0 und 10. Die Weiterempfehlungs-Bewertung ist "
        "eine ganze Zahl von 0 bis 10; bitte korrigieren.",
        "en": "'{value}' is not between 0 and 10. The recommendation score is a whole number "
        "from 0 to 10; please correct it.",
    },
    "score_not_integer": {
        "de": "»{value}« ist keine ganze Zahl. Die Weiterempfehlungs-Bewertung ist eine ganze "
        "Zahl von 0 bis 10; bitte ohne Nachkommastellen eingeben.",
        "en": "'{value}' is not a whole number. The recommendation score is a whole number "
        "from 0 to 10; please enter it without decimals.",
    },
    "bad_boolean": {
        "de": "»{value}« ist weder »ja« noch »nein«. Bitte »ja« oder »nein« eingeben "
        "(erlaubt sind auch 1/0, x, yes/no, wahr/falsch).",
        "en": "'{value}' is neither 'yes' nor 'no'. Please enter 'yes' or 'no' (1/0, x, "
        "true/false are accepted too).",
    },
    "more": {
        "de": "… und {count} weitere Zeilen mit demselben Problem in dieser Spalte.",
        "en": "… and {count} more rows with the same problem in this column.",
    },
}

_REASONS: dict[str, dict[str, str]] = {
    "month": {"de": " (Monat {month})", "en": " (month {month})"},
    "day": {"de": " (den {day}.{month}. gibt es nicht)", "en": " (day {day} does not exist "
            "in month {month})"},
    "format": {"de": "", "en": ""},
    "total_row": {"de": " (sieht nach einer Summenzeile aus – bitte die Zeile löschen)",
                  "en": " (looks like a totals row – please delete the row)"},
    "grouping": {"de": " (Tausendertrennzeichen an falscher Stelle)",
                 "en": " (thousands separator in the wrong place)"},
    "not_whole": {"de": " (keine ganze Zahl)", "en": " (not a whole number)"},
    "looks_like_date": {"de": " (sieht aus wie ein Datum – steht es in der richtigen Spalte?)",
                        "en": " (looks like a date – is it in the right column?)"},
}


def reason_text(reason: str | None, language: str, **values: Any) -> str:
    """The bracketed reason fragment (" (Monat 13)") or an empty string."""
    if not reason:
        return ""
    entry = _REASONS[reason]
    return entry["en" if language == "en" else "de"].format(**values)


def location(file: str, row: int | None, column: str | None, language: str = "de") -> str:
    """``umsaetze.csv, Zeile 14, Spalte »Datum«`` (or the English equivalent)."""
    parts = [file]
    if language == "en":
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column '{column}'")
    else:
        if row is not None:
            parts.append(f"Zeile {row}")
        if column is not None:
            parts.append(f"Spalte »{column}«")
    return ", ".join(parts)


#: The canonical tables as owners call them (never the internal names ``nps``, ``posts`` …).
TABLE_TITLES: dict[str, dict[str, str]] = {
    "transactions": {"de": "Verkäufe", "en": "Sales"},
    "nps": {"de": "NPS-Umfrage", "en": "NPS survey"},
    "posts": {"de": "Social-Media-Beiträge", "en": "Social media posts"},
    "complaints": {"de": "Beschwerden", "en": "Complaints"},
}


def table_title(name: str, language: str = "de") -> str:
    """The owner's name of the canonical table ``name`` (``nps`` → ``NPS-Umfrage``)."""
    return TABLE_TITLES[name]["en" if language == "en" else "de"]


def render(key: str, language: str = "de", **values: Any) -> str:
    """The message text for ``key`` (a code, or ``code.variant``) without the location."""
    entry = MESSAGES[key]
    return entry["en" if language == "en" else "de"].format(**values)


def problem(
    code: str,
    *,
    file: str,
    row: int | None = None,
    column: str | None = None,
    value: Any = None,
    language: str = "de",
    variant: str | None = None,
    **details: Any,
) -> Problem:
    """Build a located :class:`Problem` whose message is ``location: text``."""
    key = f"{code}.{variant}" if variant else code
    text = render(key, language, value=_short(value), **details)
    return Problem(
        file=file,
        row=row,
        column=column,
        code=code,
        value=value,
        message=f"{location(file, row, column, language)}: {text}",
    )


def _short(value: Any, limit: int = 60) -> str:
    text = "" if value is None else str(value)
    text = re.sub("[\x00-\x08\x0b-\x1f\x7f]", "\ufffd", text)  # never print raw NUL etc.
    text = text.replace("\n", " ⏎ ").replace("\t", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
