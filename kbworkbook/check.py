"""``kbworkbook check``: validate every data file of a workspace and summarise it.

:func:`check_workspace` loads each input (transactions, nps, posts, complaints) and returns a
:class:`CheckResult`; :func:`render_check` turns it into the text the CLI prints: per file the
rows, customers, period covered and what was detected – or every problem found. A missing or
header-only file is not an error (chapters show a note); ``ok`` is False only when a file
exists and has problems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .discovery import Located, discover
from .errors import DataError, Problem
from .i18n import Language, format_date, format_integer, format_percent, swiss_spelling
from .io import read_raw
from .reasons import reason_of
from .schemas import TABLES, load_table, propose_mapping
from .workspace import INPUTS, Workspace

__all__ = ["CheckResult", "InputCheck", "check_workspace", "render_check"]


@dataclass(frozen=True)
class InputCheck:
    """The outcome for one input.

    ``status``: ``ok``, ``missing`` (no file), ``empty`` (header only) or ``problems``.
    """

    name: str
    path: Path | None
    status: str
    rows: int = 0
    customers: int | None = None
    first: dt.date | None = None
    last: dt.date | None = None
    detected: Mapping[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    walk_in_lines: int = 0
    identified_revenue_share: float | None = None
    how: str = "name"
    proposal: Mapping[str, str] = field(default_factory=dict)
    frame: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class CheckResult:
    """All inputs of a workspace, in :data:`~kbworkbook.workspace.INPUTS` order."""

    root: Path
    client: str
    locale: str
    inputs: tuple[InputCheck, ...]
    unused: tuple[Path, ...] = ()
    outlook: tuple[OutlookItem, ...] = ()
    as_of: dt.date | None = None
    months: int = 12

    @property
    def ok(self) -> bool:
        """False when a file has problems, or when sales data load but the report could not
        compute any purchase figure from them (e.g. no sale in the window before the
        Stichtag) – a check never says OK for data the report cannot use."""
        if any(item.status == "problems" for item in self.inputs):
            return False
        return not self.unusable_sales

    @property
    def unusable_sales(self) -> bool:
        """Sales data are present and valid, yet the purchase figures cannot be computed."""
        sales = next((i for i in self.inputs if i.name == "transactions"), None)
        if sales is None or sales.status != "ok" or not self.outlook:
            return False
        return not any(entry.ok for entry in self.outlook
                       if entry.key in ("retention", "purchases"))

    def __getitem__(self, name: str) -> InputCheck:
        for item in self.inputs:
            if item.name == name:
                return item
        raise KeyError(name)


def _check_one(ws: Workspace, name: str, found: Located) -> InputCheck:
    path = found.path
    if found.problems:
        return InputCheck(name=name, path=path, status="problems", problems=found.problems,
                          how=found.how)
    if path is None or not path.is_file():
        return InputCheck(name=name, path=path, status="missing")
    try:
        frame = load_table(name, ws)
    except DataError as exc:
        if exc.codes == ["no_rows"]:
            return InputCheck(name=name, path=path, status="empty")
        proposal: dict[str, str] = {}
        if "missing_column" in exc.codes and not ws.column_mapping(name):
            try:
                proposal = propose_mapping(name, read_raw(path, language=ws.language,
                                                          head=200))
            except DataError:
                proposal = {}
        return InputCheck(name=name, path=path, status="problems", problems=tuple(exc.problems),
                          how=found.how, proposal=proposal)
    customers = None
    walk_ins, known_share = 0, None
    if "customer_id" in frame.columns:
        customers = int(frame["customer_id"].nunique(dropna=True))
    if name == "transactions" and len(frame):
        from .metrics import identified_share

        share = identified_share(frame, None, None)
        walk_ins = share.lines - share.known_lines
        known_share = share.revenue_share if share.revenue else None
    first = last = None
    if "date" in frame.columns and frame["date"].notna().any():
        first = pd.Timestamp(frame["date"].min()).date()
        last = pd.Timestamp(frame["date"].max()).date()
    return InputCheck(name=name, path=path, status="ok", rows=len(frame), customers=customers,
                      first=first, last=last, detected=dict(frame.attrs.get("kb_detected", {})),
                      walk_in_lines=walk_ins, identified_revenue_share=known_share,
                      how=found.how, frame=frame)


@dataclass(frozen=True)
class OutlookItem:
    """What one part of a chapter will show with this data (``ok``) or why not (``detail``)."""

    chapter: str
    topic: str
    ok: bool
    detail: str
    key: str = ""


def check_workspace(ws: Workspace) -> CheckResult:
    """Load and validate every input of ``ws``; never raises for problems in the data.

    Besides the per-file results, ``outlook`` says per chapter what the report will be able to
    show, computed with the metrics and settings the chapters use.
    """
    found = discover(ws)
    inputs = tuple(_check_one(ws, name, found[name]) for name in INPUTS)
    frames = {item.name: item.frame for item in inputs}
    outlook, day, months = chapter_outlook(ws, frames, ws.language)
    return CheckResult(root=ws.root, client=ws.client_name, locale=ws.locale, inputs=inputs,
                       unused=found.unused, outlook=outlook,
                       as_of=day.date() if day is not None else None, months=months)


_OUT = {
    "03": ("03 Kennzahlen", "03 Key figures"),
    "04": ("04 Kundenwert & Segmente", "04 Customer value & segments"),
    "05": ("05 Maßnahmen & Wirtschaftlichkeit", "05 Measures & economics"),
    "nps": ("NPS", "NPS"), "retention": ("Kundenbindungsrate", "Retention rate"),
    "purchases": ("Kaufverhalten", "Buying behaviour"), "engagement": ("Engagement", "Engagement"),
    "complaints": ("Beschwerden", "Complaints"), "cohorts": ("Kohorten", "Cohorts"),
    "rfm": ("RFM-Segmente", "RFM segments"), "clv": ("Kundenwert (CLV)", "Customer value (CLV)"),
    "cross": ("Cross-Selling", "Cross-selling"),
    "client": ("Ausgangszahlen", "Starting figures"),
    "reach": ("Reichweite", "reach"), "impressions": ("Impressionen", "impressions"),
    "followers": ("Follower", "followers"),
    "no_file": ("keine Datei – der Abschnitt zeigt einen Hinweis",
                "no file – the section shows a note"),
    "broken": ("die Datei hat Probleme (siehe oben)", "the file has problems (see above)"),
    "nps_ok": ("NPS {score} aus {n} Antworten", "NPS {score} from {n} answers"),
    "retention_ok": ("{crr} ({retained} von {start} Kunden geblieben)",
                     "{crr} ({retained} of {start} customers retained)"),
    "purchases_ok": ("Umsatz {revenue}, {orders} Einkäufe, {customers} Kunden",
                     "revenue {revenue}, {orders} purchases, {customers} customers"),
    "share": (" – {share} des Umsatzes von erkennbaren Kunden",
              " – {share} of revenue from recognisable customers"),
    "engagement_ok": ("{rate} je Beitrag ({posts} Beiträge, Basis {base})",
                      "{rate} per post ({posts} posts, base {base})"),
    "complaints_ok": ("{n} Beschwerden", "{n} complaints"),
    "cohorts_ok": ("{n} Monatskohorten", "{n} monthly cohorts"),
    "rfm_ok": ("{n} Kunden in Segmenten", "{n} customers in segments"),
    "clv_ok": ("{value} je Kunde (Marge {rate}, Bindungsrate {crr})",
               "{value} per customer (margin {rate}, retention {crr})"),
    "clv_default": (" – die Marge ist eine Annahme: bitte [economics] margin_rate in "
                    "kbworkbook.toml eintragen oder eine Spalte »Marge« liefern",
                    " – the margin is an assumption: please set [economics] margin_rate in "
                    "kbworkbook.toml or provide a margin column"),
    "cross_ok": ("{n} Produktpaare", "{n} product pairs"),
    "cross_none": ("keine Artikelspalte in den Verkaufsdaten",
                   "no product column in the sales data"),
    "client_ok": ("{client} von {total} aus den Daten, der Rest Annahmen",
                  "{client} of {total} from the data, the rest assumptions"),
}


def _o(key: str, language: str, **values: Any) -> str:
    text = _OUT[key][1 if language == "en" else 0]
    return text.format(**values) if values else text


def chapter_outlook(ws: Workspace, frames: Mapping[str, Any], language: str
                    ) -> tuple[tuple[OutlookItem, ...], pd.Timestamp | None, int]:
    """Per chapter topic: will the report show it, and with which figure or reason.

    ``frames`` holds each input's loaded frame (``None`` when absent or broken). The figures
    come from :func:`kbworkbook.figures.analyse` – the one computation every chapter presents –
    with the workspace's settings and Stichtag, so the prediction fails where the chapter
    would, with the same German reason.
    """
    from . import metrics
    from .errors import KbWorkbookError
    from .figures import Settings, analyse, format_figure
    from .programme import figures_from_analysis

    lang: Language = "en" if language == "en" else "de"
    loc = "en" if lang == "en" else ws.locale
    cur = ws.currency
    tables = {name: frames.get(name) for name in INPUTS}
    settings = Settings.of(ws)
    analysis = analyse(tables, settings, ws.as_of)
    has_dates = any(f is not None and len(f) for f in tables.values())
    day = analysis.as_of if has_dates else None
    months = settings.window_months
    items: list[OutlookItem] = []

    def add(chapter: str, topic: str, compute: Any) -> None:
        try:
            detail = compute()
            items.append(OutlookItem(_o(chapter, lang), _o(topic, lang), True, detail, topic))
        except _Missing as why:
            items.append(OutlookItem(_o(chapter, lang), _o(topic, lang), False, str(why), topic))
        except KbWorkbookError as exc:
            items.append(OutlookItem(_o(chapter, lang), _o(topic, lang), False,
                                     reason_of(exc, lang, loc), topic))

    def need(name: str) -> Any:
        frame = tables.get(name)
        if frame is None or not len(frame):
            raise _Missing(_o("no_file", lang))
        return frame

    def figure(name: str) -> Any:
        """An analysis part, or the reason the analysis noted for its absence."""
        before = len(analysis.notes)
        value = getattr(analysis, name)
        if value is None:
            notes = analysis.notes_in(lang, loc)
            raise _Missing(notes[-1] if len(notes) > before else _o("no_file", lang))
        return value

    def nps() -> str:
        need("nps")
        result = figure("nps")
        return _o("nps_ok", lang, score=format_figure("nps", result.score, loc, cur),
                  n=format_integer(result.n, loc))

    def retention() -> str:
        need("transactions")
        r = figure("retention")
        return _o("retention_ok", lang, crr=format_figure("crr", r.crr, loc, cur),
                  retained=format_integer(r.retained, loc), start=format_integer(r.start, loc))

    def purchases() -> str:
        need("transactions")
        f = figure("purchases")
        text = _o("purchases_ok", lang, revenue=format_figure("revenue", f.revenue, loc, cur),
                  orders=format_integer(f.orders, loc),
                  customers=format_integer(f.customers, loc))
        if f.known_orders < f.orders:
            text += _o("share", lang, share=format_percent(f.known_revenue_share, loc, 0))
        return text

    def engagement() -> str:
        need("posts")
        rate = figure("engagement")
        return _o("engagement_ok", lang,
                  rate=format_figure("engagement_rate", rate.rate, loc, cur),
                  posts=format_integer(rate.posts, loc), base=_o(rate.base, lang)
                  if rate.base in _OUT else rate.base)

    def complaints() -> str:
        need("complaints")
        return _o("complaints_ok", lang, n=format_integer(figure("complaints").count, loc))

    def cohorts() -> str:
        frame = need("transactions")
        table = metrics.cohort_retention(frame, period="M", mode="classic",
                                         as_of=analysis.as_of)
        return _o("cohorts_ok", lang, n=len(table.sizes))

    def rfm() -> str:
        frame = need("transactions")
        scores = metrics.rfm_scores(metrics.rfm_values(frame, analysis.as_of, months))
        return _o("rfm_ok", lang, n=format_integer(len(scores), loc))

    def clv() -> str:
        need("transactions")
        value = figure("customer_value")
        basis, kept = figure("margin"), figure("retention")
        detail = _o("clv_ok", lang, value=format_figure("clv", value, loc, cur),
                    rate=format_figure("margin_rate", basis.rate, loc, cur),
                    crr=format_figure("crr", kept.crr, loc, cur))
        if basis.source == "default":
            detail += _o("clv_default", lang)
        return detail

    def cross() -> str:
        frame = need("transactions")
        if "product" not in frame.columns or not frame["product"].notna().any():
            raise _Missing(_o("cross_none", lang))
        window = frame.loc[analysis.window.contains(frame["date"]).fillna(False).astype(bool)]
        return _o("cross_ok", lang, n=len(metrics.cross_selling(window)))

    def client() -> str:
        figures = figures_from_analysis(analysis)
        sources = [getattr(figures, name).source for name in (
            "customers", "revenue_per_customer", "margin_rate", "retention_rate",
            "transactions_per_customer", "complaints")]
        return _o("client_ok", lang, client=sources.count("client"), total=len(sources))

    for chapter, topic, compute in (
            ("03", "nps", nps), ("03", "retention", retention), ("03", "purchases", purchases),
            ("03", "engagement", engagement), ("03", "complaints", complaints),
            ("04", "cohorts", cohorts), ("04", "rfm", rfm), ("04", "clv", clv),
            ("04", "cross", cross), ("05", "client", client)):
        add(chapter, topic, compute)
    return tuple(items), day, months


class _Missing(Exception):
    """An input a topic needs is absent (not an error of the data)."""


# -- rendering -----------------------------------------------------------------------------

_TITLES = {
    "transactions": ("Verkäufe", "Sales"),
    "nps": ("NPS-Umfrage", "NPS survey"),
    "posts": ("Social-Media-Beiträge", "Social-media posts"),
    "complaints": ("Beschwerden", "Complaints"),
}
_ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 mit BOM", "cp1252": "Windows-1252",
              "utf-16": "UTF-16"}
_DELIMS = {";": "Semikolon (;)", ",": "Komma (,)", "\t": "Tabulator"}
_DELIMS_EN = {";": "semicolon (;)", ",": "comma (,)", "\t": "tab"}
_DECIMALS = {"comma": ("Dezimalkomma (1.234,56)", "decimal comma (1.234,56)"),
             "swiss": ("Schweizer Zahlen (1'234.56)", "Swiss numbers (1'234.56)"),
             "point": ("Dezimalpunkt (1234.56)", "decimal point (1234.56)")}
_DATES = {"%d.%m.%Y": ("TT.MM.JJJJ", "DD.MM.YYYY"), "%d.%m.%y": ("TT.MM.JJ", "DD.MM.YY"),
          "%Y-%m-%d": ("JJJJ-MM-TT", "YYYY-MM-DD"), "native": ("Datumsspalte", "date column")}

_TEXT = {
    "header": ("Datenprüfung für {client} ({root})", "Data check for {client} ({root})"),
    "missing": ("nicht vorhanden – Kapitel zeigen einen Hinweis",
                "not present – chapters show a note"),
    "missing_tx": ("nicht vorhanden – ohne Verkaufsdaten fehlen Kennzahlen und Kundenwert; "
                   "bitte data/transactions.csv ablegen",
                   "not present – without sales data there are no key figures or customer "
                   "values; please add data/transactions.csv"),
    "empty": ("noch leer (nur Kopfzeile) – Kapitel zeigen einen Hinweis",
              "still empty (header only) – chapters show a note"),
    "ok": ("in Ordnung", "fine"),
    "problems": ("{n} Problem(e) – bitte korrigieren", "{n} problem(s) – please fix"),
    "rows": ("Zeilen", "rows"),
    "customers": ("Kunden", "customers"),
    "period": ("Zeitraum", "period"),
    "detected": ("Erkannt", "Detected"),
    "columns": ("Spalten", "Columns"),
    "dropped": ("Aus Datenschutzgründen verworfen", "Dropped for privacy"),
    "ignored": ("Nicht verwendet", "Not used"),
    "skipped": ("Zeilen ohne Bewertung übersprungen", "rows without score skipped"),
    "blank": ("leere Felder als »nein« gelesen", "empty cells read as 'no'"),
    "preset": ("Format", "Format"),
    "warning": ("Achtung", "Warning"),
    "key_email": ("Kundenschlüssel: Pseudonym aus »{column}« – die E-Mail-Adressen werden nicht "
                  "gespeichert", "Customer key: pseudonym of '{column}' – the e-mail addresses "
                  "are not kept"),
    "key_phone": ("Kundenschlüssel: Pseudonym aus »{column}« – die Telefonnummern werden nicht "
                  "gespeichert", "Customer key: pseudonym of '{column}' – the phone numbers are "
                  "not kept"),
    "key_name": ("Kundenschlüssel: Pseudonym aus »{column}« – die Namen werden nicht "
                 "gespeichert", "Customer key: pseudonym of '{column}' – the names are not "
                 "kept"),
    "cleaned": ("{label}: {n} Wert(e) enthielten Steuerzeichen (z. B. ein NUL-Byte aus einem "
                "defekten Export); sie wurden entfernt – bitte den Export prüfen.",
                "{label}: {n} value(s) held control characters (e.g. a NUL byte from a broken "
                "export); they were removed – please check the export."),
    "netted": ("{n} Zeile(n) mit Belegart Storno/Retoure und positivem Betrag als Abzug "
               "gezählt (Spalte »{column}«).",
               "{n} row(s) of type cancellation/return with a positive amount counted as a "
               "deduction (column '{column}')."),
    "no_customers": ("Keine Kundennummer in der Datei: Umsatz, Einkäufe und Artikel werden "
                     "ausgewertet; Kennzahlen je Kunde (Bindungsrate, Kohorten, RFM, "
                     "Kundenwert) entfallen. Falls der Export eine Kundenspalte hat, bitte in "
                     "kbworkbook.toml zuordnen: [data.transactions.columns] customer_id = "
                     "\"Spaltenname\".",
                     "No customer number in the file: revenue, purchases and products are "
                     "analysed; per-customer figures (retention, cohorts, RFM, customer value) "
                     "are left out. If the export has a customer column, map it in "
                     "kbworkbook.toml: [data.transactions.columns] customer_id = \"header\"."),
    "walk_ins": ("{n} Zeilen ohne Kundennummer (Laufkundschaft): sie zählen für Umsatz, "
                 "Einkäufe und Artikel; Kennzahlen je Kunde beruhen auf den übrigen Zeilen "
                 "({share} des Umsatzes).",
                 "{n} rows without a customer number (walk-in sales): they count for revenue, "
                 "purchases and products; per-customer figures rest on the other rows ({share} "
                 "of revenue)."),
    "sheet": ("Excel-Blatt »{sheet}«", "Excel sheet '{sheet}'"),
    "by_content": ("an den Spalten erkannt", "recognised by its columns"),
    "outlook": ("Was der Bericht zeigen kann (Stichtag {as_of}, Zeitfenster {months} Monate):",
                "What the report can show (as of {as_of}, window {months} months):"),
    "proposal": ("Vorschlag für kbworkbook.toml (bitte prüfen und die Zuordnung eintragen):",
                 "Proposal for kbworkbook.toml (please check and add the mapping):"),
    "unused": ("Nicht verwendete Dateien in data/: {files} – sie passen zu keiner der Daten "
               "(Verkäufe, NPS-Umfrage, Beiträge, Beschwerden) oder sind schon vergeben. Falls "
               "eine davon gemeint ist, in kbworkbook.toml unter [data] eintragen.",
               "Unused files in data/: {files} – they fit none of the inputs (sales, NPS "
               "survey, posts, complaints) or are taken already. If one of them is meant, set "
               "it in kbworkbook.toml under [data]."),
    "unusable": ("Ergebnis: die Dateien sind lesbar, aber aus den Verkaufsdaten kann der Bericht "
                 "keine Kennzahl berechnen (siehe »Was der Bericht zeigen kann«). Bitte den "
                 "Stichtag ([analysis] as_of) oder den Export prüfen.",
                 "Result: the files are readable, but the report cannot compute any figure from "
                 "the sales data (see 'What the report can show'). Please check the as-of date "
                 "([analysis] as_of) or the export."),
    "all_ok": ("Ergebnis: alle vorhandenen Dateien sind in Ordnung.",
               "Result: all existing files are fine."),
    "not_ok": ("Ergebnis: {n} Datei(en) mit Problemen. Bitte korrigieren und erneut "
               "»kbworkbook check« ausführen.",
               "Result: {n} file(s) with problems. Please fix them and run "
               "'kbworkbook check' again."),
}


def _t(key: str, language: str, **values: Any) -> str:
    text = _TEXT[key][1 if language == "en" else 0]
    return text.format(**values) if values else text


def _detected_line(det: Mapping[str, Any], language: str) -> str:
    en = language == "en"
    parts: list[str] = []
    if det.get("format") == "xlsx":
        parts.append(_t("sheet", language, sheet=det.get("sheet") or "1"))
    elif det.get("format") == "parquet":
        parts.append("Parquet")
    else:
        enc = str(det.get("encoding") or "?")
        parts.append(_ENCODINGS.get(enc, enc).replace(" mit ", " with " if en else " mit "))
        delim = det.get("delimiter")
        if delim:
            parts.append((_DELIMS_EN if en else _DELIMS).get(delim, repr(delim)))
        if det.get("decimal") in _DECIMALS:
            parts.append(_DECIMALS[det["decimal"]][1 if en else 0])
    if det.get("date_format") in _DATES and det.get("format") == "csv":
        parts.append(("dates " if en else "Datum ") + _DATES[det["date_format"]][1 if en else 0])
    return ", ".join(parts)


def _render_input(item: InputCheck, locale: str, language: str) -> list[str]:
    title = _TITLES[item.name][1 if language == "en" else 0]
    name = f" ({item.path.name})" if item.path is not None and item.status != "missing" else ""
    if item.status == "missing":
        key = "missing_tx" if item.name == "transactions" else "missing"
        return [f"{title}: {_t(key, language)}"]
    if item.status == "empty":
        return [f"{title}{name}: {_t('empty', language)}"]
    if item.status == "problems":
        lines = [f"{title}{name}: {_t('problems', language, n=len(item.problems))}"]
        lines += [f"  - {p.message or p.code}" for p in item.problems]
        if item.proposal:
            lines.append("  " + _t("proposal", language))
            lines.append(f"    [data.{item.name}.columns]")
            lines += [f'    {canon} = "{header}"' for canon, header in item.proposal.items()]
        return lines
    if item.how == "content":
        name = f" ({item.path.name}, {_t('by_content', language)})" if item.path else name
    lines = [f"{title}{name}: {_t('ok', language)}"]
    det = item.detected
    if det.get("preset"):
        lines.append(f"  {_t('preset', language)}: {det['preset']}")
    figures = [f"{_t('rows', language)}: {format_integer(item.rows, locale)}"]
    if item.customers is not None:
        figures.append(f"{_t('customers', language)}: {format_integer(item.customers, locale)}")
    if item.first is not None and item.last is not None:
        figures.append(f"{_t('period', language)}: {format_date(item.first, locale)} – "
                       f"{format_date(item.last, locale)}")
    lines.append("  " + " · ".join(figures))
    lines.append(f"  {_t('detected', language)}: {_detected_line(det, language)}")
    mapping = det.get("column_mapping") or {}
    labels = {c.name: c.label(language) for c in TABLES[item.name].columns}
    if mapping:
        pairs = ", ".join(f"{header} → {labels.get(canon, canon)}"
                          for canon, header in mapping.items())
        lines.append(f"  {_t('columns', language)}: {pairs}")
    if det.get("dropped_columns"):
        lines.append(f"  {_t('dropped', language)}: {', '.join(det['dropped_columns'])}")
    if det.get("ignored_columns"):
        lines.append(f"  {_t('ignored', language)}: {', '.join(det['ignored_columns'])}")
    if det.get("skipped_rows"):
        lines.append(f"  {format_integer(det['skipped_rows'], locale)} {_t('skipped', language)}")
    for note_text in det.get("notes") or ():
        lines.append(f"  {note_text}")
    for warning in det.get("warnings") or ():
        lines.append(f"  {_t('warning', language)}: {warning}")
    customer_key = det.get("customer_key")
    if customer_key:
        lines.append("  " + _t(f"key_{customer_key['kind']}", language,
                                column=customer_key["column"]))
    for column, n in (det.get("cleaned_ids") or {}).items():
        lines.append("  " + _t("cleaned", language, label=labels.get(column, column),
                                n=format_integer(n, locale)))
    if det.get("netted_returns"):
        lines.append("  " + _t("netted", language,
                                n=format_integer(det["netted_returns"], locale),
                                column=mapping.get("kind", "")))
    if item.name == "transactions" and not item.customers:
        lines.append("  " + _t("no_customers", language))
    elif item.walk_in_lines:
        share = (format_percent(item.identified_revenue_share, locale, 0)
                 if item.identified_revenue_share is not None else "–")
        lines.append("  " + _t("walk_ins", language, n=format_integer(item.walk_in_lines, locale),
                                share=share))
    for column, n in (det.get("blank_as_no") or {}).items():
        lines.append(f"  {labels.get(column, column)}: {format_integer(n, locale)} "
                     f"{_t('blank', language)}")
    return lines


def render_check(result: CheckResult, language: str = "de") -> str:
    """The check summary as plain text (German, English for ``language="en"``)."""
    locale = result.locale
    if (language == "en") != locale.startswith("en"):
        locale = "en" if language == "en" else "de-CH"
    lines = [_t("header", language, client=result.client, root=result.root), ""]
    for item in result.inputs:
        lines += _render_input(item, locale, language)
    bad = sum(1 for item in result.inputs if item.status == "problems")
    if result.outlook:
        lines.append("")
        when = format_date(result.as_of, locale) if result.as_of else "–"
        lines.append(_t("outlook", language, as_of=when, months=result.months))
        chapter = None
        for entry in result.outlook:
            if entry.chapter != chapter:
                chapter = entry.chapter
                lines.append(swiss_spelling(f"  {chapter}", locale))
            mark = "✓" if entry.ok else "–"
            lines.append(swiss_spelling(f"    {mark} {entry.topic}: ", locale) + entry.detail)
    if result.unused:
        lines.append("")
        lines.append(_t("unused", language, files=", ".join(p.name for p in result.unused)))
    lines.append("")
    if bad:
        lines.append(_t("not_ok", language, n=bad))
    elif result.unusable_sales:
        lines.append(_t("unusable", language))
    else:
        lines.append(_t("all_ok", language))
    return "\n".join(lines)
