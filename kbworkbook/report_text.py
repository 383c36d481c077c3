"""The report's own words: page labels, terminal lines and why a chapter failed (de, en).

A failing chapter is described by its *kind* (see :data:`FAILURE_KINDS`), never by an
exception's English name or the source of the cell that failed; each kind ends with the fix
that applies to it (``kbworkbook check`` only where the data can be the cause).
"""

from __future__ import annotations

import re

from .i18n import format_integer, language_of

__all__ = [
    "FAILURE_KINDS",
    "duration",
    "failure_sentence",
    "first_line",
    "t",
]

#: Why a chapter failed: ``data`` a kbworkbook message (bad input), ``cell`` any other error
#: in a cell, ``start`` the chapter could not be run at all, ``timeout`` one cell ran past the
#: per-cell limit, ``dead`` the chapter's kernel ended mid-run, ``time_limit`` / ``not_run``
#: the report's overall time limit stopped the chapter / came before it started.
FAILURE_KINDS = ("data", "cell", "start", "timeout", "dead", "time_limit", "not_run")

_TEXT = {
    "de": {
        "report": "Kundenbindungs-Bericht",
        "prepared_by": "erstellt von",
        "as_of": "Stichtag",
        "created": "erstellt am",
        "back": "← Übersicht",
        "chapters": "Kapitel",
        "status_ok": "fertig",
        "status_failed": "fehlgeschlagen",
        "data_basis": "Datengrundlage",
        "key_figures": "Kennzahlen auf einen Blick",
        "action_plan": "Aktionsplan",
        "failed_data": "Kapitel {number} konnte nicht vollständig erstellt werden{where}: "
        "{reason} Bitte die Meldung prüfen (z. B. mit »kbworkbook check«) und den Bericht "
        "erneut erzeugen.",
        "failed_cell": "Kapitel {number} konnte nicht vollständig erstellt werden{where}: "
        "{reason} Bitte den Bericht erneut erzeugen; bleibt der Fehler, diese Meldung an den "
        "Hersteller von kbworkbook weitergeben.",
        "failed_start": "Kapitel {number} konnte nicht ausgeführt werden: {reason} Bitte den "
        "Bericht erneut erzeugen.",
        "failed_timeout": "Kapitel {number} wurde abgebrochen: ein Rechenschritt{where} "
        "lief länger als {limit}. Bei sehr großen Daten den Wert cell_timeout_minutes im "
        "Abschnitt [report] von kbworkbook.toml erhöhen und den Bericht erneut erzeugen.",
        "failed_dead": "Kapitel {number} wurde abgebrochen: seine Python-Umgebung wurde während "
        "der Berechnung{where} beendet, meist weil der Arbeitsspeicher nicht reichte. "
        "Bitte andere Programme schließen und den Bericht mit »--jobs 1« erneut erzeugen.",
        "failed_time_limit": "Kapitel {number} wurde abgebrochen: der Bericht hat sein Zeitlimit "
        "von {limit} erreicht. Bei sehr großen Daten den Wert time_limit_minutes im Abschnitt "
        "[report] von kbworkbook.toml erhöhen und den Bericht erneut erzeugen.",
        "failed_not_run": "Kapitel {number} wurde nicht mehr ausgeführt: der Bericht hat sein "
        "Zeitlimit von {limit} erreicht. Bei sehr großen Daten den Wert time_limit_minutes im "
        "Abschnitt [report] von kbworkbook.toml erhöhen und den Bericht erneut erzeugen.",
        "where": " (Zelle {cell})",
        "minutes": "{n} Minuten",
        "minute": "1 Minute",
        "seconds": "{n} Sekunden",
        "footer": "Vertraulich – nur für {client}. Erstellt mit kbworkbook {version}.",
        "print_hint": "Tipp: Über »Drucken → Als PDF speichern« im Browser entsteht ein PDF.",
        "summary_ok": "Bericht fertig: {n} Kapitel in {seconds} s → {index}",
        "summary_failed": "Bericht mit Fehlern: {failed} von {n} Kapiteln fehlgeschlagen → {index}",
        "progress": "[{i}/{n}] Kapitel {number} {title}: {status} ({seconds} s)",
        "interrupted": "Abgebrochen (Strg+C): alle Kapitel sind beendet, es wurde kein neuer "
        "Bericht geschrieben; der bisherige bleibt unverändert.",
        "terminated": "Beendet (das System oder ein anderes Programm hat den Bericht "
        "gestoppt): alle Kapitel sind beendet, es wurde kein neuer Bericht geschrieben; der "
        "bisherige bleibt unverändert.",
        "no_input": "nicht vorhanden",
        "index_part_failed": "Ein Teil dieser Übersicht konnte nicht erstellt werden (interner "
        "Fehler {name}); die Kapitel selbst sind davon nicht betroffen.",
    },
    "en": {
        "report": "Customer retention report",
        "prepared_by": "prepared by",
        "as_of": "as of",
        "created": "created",
        "back": "← Overview",
        "chapters": "Chapters",
        "status_ok": "done",
        "status_failed": "failed",
        "data_basis": "Data basis",
        "key_figures": "Key figures at a glance",
        "action_plan": "Action plan",
        "failed_data": "Chapter {number} could not be completed{where}: {reason} Please "
        "check the message (e.g. with 'kbworkbook check') and build the report again.",
        "failed_cell": "Chapter {number} could not be completed{where}: {reason} Please "
        "build the report again; if the error stays, pass this message on to the maker of "
        "kbworkbook.",
        "failed_start": "Chapter {number} could not be run: {reason} Please build the report "
        "again.",
        "failed_timeout": "Chapter {number} was stopped: one step{where} took longer than "
        "{limit}. For very large data raise cell_timeout_minutes in the [report] section of "
        "kbworkbook.toml and build the report again.",
        "failed_dead": "Chapter {number} was stopped: its Python process ended during the "
        "calculation{where}, usually because memory ran out. Please close other programs "
        "and build the report again with '--jobs 1'.",
        "failed_time_limit": "Chapter {number} was stopped: the report reached its time limit "
        "of {limit}. For very large data raise time_limit_minutes in the [report] section of "
        "kbworkbook.toml and build the report again.",
        "failed_not_run": "Chapter {number} was not run: the report reached its time limit of "
        "{limit}. For very large data raise time_limit_minutes in the [report] section of "
        "kbworkbook.toml and build the report again.",
        "where": " (cell {cell})",
        "minutes": "{n} minutes",
        "minute": "1 minute",
        "seconds": "{n} seconds",
        "footer": "Confidential – for {client} only. Made with kbworkbook {version}.",
        "print_hint": "Tip: use 'Print → Save as PDF' in the browser to get a PDF.",
        "summary_ok": "Report done: {n} chapters in {seconds} s → {index}",
        "summary_failed": "Report with errors: {failed} of {n} chapters failed → {index}",
        "progress": "[{i}/{n}] chapter {number} {title}: {status} ({seconds} s)",
        "interrupted": "Stopped (Ctrl+C): every chapter has ended and no new report was "
        "written; the previous one is unchanged.",
        "terminated": "Ended (the system or another program stopped the report): every "
        "chapter has ended and no new report was written; the previous one is unchanged.",
        "no_input": "not present",
        "index_part_failed": "Part of this overview could not be created (internal error "
        "{name}); the chapters themselves are not affected.",
    },
}


def t(language: str, key: str, **values: object) -> str:
    """The text ``key`` in ``language`` (``de`` or ``en``), with ``values`` filled in."""
    text = _TEXT[language_of(language)][key]
    return text.format(**values) if values else text


def duration(seconds: float, language: str) -> str:
    """``10 Minuten``, ``1 Minute`` or ``45 Sekunden`` (whole units, for limits)."""
    if seconds >= 120 or (seconds >= 60 and seconds % 60 == 0):
        minutes = round(seconds / 60)
        if minutes == 1:
            return t(language, "minute")
        return t(language, "minutes", n=format_integer(minutes, language_of(language)))
    return t(language, "seconds", n=format_integer(max(1, round(seconds)), language_of(language)))


def failure_sentence(language: str, number: str, kind: str, cell: int | None = None,
                     reason: str = "", limit: float | None = None) -> str:
    """What went wrong in chapter ``number`` and what to do, for the index and the chapter.

    ``limit`` (seconds) is the per-cell limit for ``timeout`` and the report's limit for
    ``time_limit`` / ``not_run``.
    """
    if kind not in FAILURE_KINDS:
        msg = f"unknown failure kind {kind!r}"
        raise ValueError(msg)
    return t(language, f"failed_{kind}", number=number,
             where=t(language, "where", cell=cell) if cell is not None else "",
             reason=_sentence(reason), limit=duration(limit or 0, language))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?", "…")) else text + "."


def first_line(text: str, limit: int = 300) -> str:
    """``text`` without terminal colours, shortened to ``limit`` characters."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
