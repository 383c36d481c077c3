"""Canonical tables, German/English column aliases, privacy filter and validation.

``load_transactions`` / ``load_nps`` / ``load_posts`` / ``load_complaints`` (and the generic
:func:`load_table`) read a file with :func:`kbworkbook.io.read_raw`, then

0. recognise a known export (:mod:`kbworkbook.presets`: Shopify, WooCommerce, SumUp, DATEV)
   and let it net, group and relabel the rows, or apply the workspace's column mapping
   (``[data.<table>.columns]`` in kbworkbook.toml, canonical name or German label → header);
1. drop columns holding personal data – by header (Name, E-Mail, Telefon, Adresse, PLZ, Ort …)
   and by content (values that look like e-mail addresses or phone numbers, whatever the
   header) – so nothing downstream can see them. When such a column is the only customer key
   (or the customer column holds e-mail addresses, phone numbers or personal names), it becomes
   a stable pseudonym (:mod:`kbworkbook.pseudonym`) and the original is not kept;
2. map headers to canonical names via aliases (case, whitespace, punctuation, umlauts and
   currency suffixes such as ``Umsatz (CHF)`` are ignored); unknown columns are left out and
   listed as ignored;
3. parse every column vectorised (dates, numbers in the detected decimal style, yes/no),
   collect *every* problem with its spreadsheet row, column header and code, and raise
   :class:`~kbworkbook.errors.DataError` once (at most :data:`MAX_PER_COLUMN` problems per
   column and code, then one summary problem).

Canonical tables (design.md): see :data:`TABLES`. Dtypes: ``date`` → ``datetime64``,
ids and texts → ``str`` (leading zeros kept, empty = missing), amounts and quantities →
``float64``, counts and the NPS ``score`` → ``Int64``, yes/no → ``bool`` (an empty cell counts
as "no"). Only columns found in the file are returned. ``df.attrs["kb_detected"]`` holds a
plain dict describing what was detected (file, encoding, delimiter, decimal, date_format,
rows, dropped_columns, column_mapping, ignored_columns, skipped_rows …) – column names only,
never values.

Two helper columns are not canonical: a sales table read through a chapter's context
(:meth:`kbworkbook.notebook.Context.table`, kept in the table cache) carries ``_customer_code``,
the ``customer_id`` as an int64 code into the table's distinct ids sorted as strings (−1 =
walk-in; :func:`kbworkbook.metrics._common.with_customer_codes`), and ``_order_code``, the
``order_id`` as a dense int64 code (−1 = none; :func:`kbworkbook.metrics._common.
with_order_codes`). Metrics use them when present and code the numbers themselves when not;
the results are the same (hypothesis tests check it). A file never has to provide them.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import DataError, Problem
from .io import (
    Detection,
    RawTable,
    all_distinct,
    blank_cells,
    date_failure_reason,
    may_contain,
    parse_dates,
    parse_numbers,
    read_raw,
    sniff_date_format,
    sniff_decimal,
)
from .messages import problem, reason_text
from .presets import detect as detect_preset
from .pseudonym import pseudonymize, session_secret, workspace_secret

if TYPE_CHECKING:
    from .workspace import Workspace

__all__ = [
    "MAX_PER_COLUMN",
    "TABLES",
    "ColumnSpec",
    "TableSpec",
    "load_complaints",
    "load_nps",
    "load_optional",
    "load_posts",
    "load_raw",
    "load_table",
    "load_transactions",
    "mask_pii",
    "normalize_header",
    "propose_mapping",
    "recognised_columns",
]

#: Problems reported per (column, code) before one "… and N more rows" summary.
MAX_PER_COLUMN = 20


@dataclass(frozen=True)
class ColumnSpec:
    """One canonical column: name, kind, whether required, aliases, user-facing labels.

    ``kind`` is one of ``id``, ``date``, ``money``, ``float``, ``count``, ``score``, ``bool``,
    ``text``, ``kind`` (sale / return: a document type such as Belegart »Storno«).
    ``on_empty`` says what an empty cell means: ``problem`` (``missing_value``), ``keep``
    (missing value) or ``skip_row`` (the row is left out and counted). ``contains``:
    normalised fragments a header may contain instead of matching an alias (a survey tool
    writes the whole question: "Wie wahrscheinlich ist es, dass Sie uns … weiterempfehlen?").
    """

    name: str
    kind: str
    required: bool
    aliases: tuple[str, ...]
    label_de: str
    label_en: str
    on_empty: str = "keep"
    contains: tuple[str, ...] = ()

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_de


@dataclass(frozen=True)
class TableSpec:
    """A canonical table: its columns in output order."""

    name: str
    columns: tuple[ColumnSpec, ...]

    @property
    def required(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.required)


_CUSTOMER = ("Kundennummer", "Kunden-Nr.", "Kundennr", "Kd.-Nr.", "Kundenkarte", "Karten-Nr.",
             "Kartennummer", "Kunden-ID", "Kunde", "Mitgliedsnummer", "Debitor",
             "Debitorennummer", "customer_id", "Customer ID", "Customer No", "Customer Number",
             "Customer", "Client ID", "Card No")
_DATE = ("Datum", "Belegdatum", "Buchungsdatum", "Rechnungsdatum", "Bestelldatum", "Kaufdatum",
         "Verkaufsdatum", "Eingangsdatum", "Antwortdatum", "Veröffentlicht",
         "Veröffentlichungsdatum", "date", "Order Date", "Transaction Date", "Invoice Date",
         "Purchase Date", "Published", "Response Date", "Created", "Zeitstempel", "Timestamp")


def _spec(name: str, kind: str, required: bool, aliases: tuple[str, ...], de: str, en: str,
          on_empty: str | None = None, contains: tuple[str, ...] = ()) -> ColumnSpec:
    return ColumnSpec(name, kind, required, aliases, de, en,
                      on_empty or ("problem" if required else "keep"), contains)


TABLES: dict[str, TableSpec] = {
    "transactions": TableSpec("transactions", (
        _spec("customer_id", "id", False, _CUSTOMER, "Kundennummer", "customer number"),
        _spec("date", "date", True, _DATE, "Datum", "date"),
        _spec("revenue", "money", True, (
            "Umsatz", "Betrag", "Netto", "Nettobetrag", "Nettoumsatz", "Umsatz netto",
            "Umsatz brutto", "Brutto", "Bruttobetrag", "Subtotal", "Net Sales", "Summe",
            "Gesamtbetrag", "Total",
            "revenue", "amount", "sales", "net amount", "total amount"), "Umsatz", "revenue"),
        _spec("order_id", "id", False, (
            "Belegnummer", "Belegnr", "Beleg", "Bon-Nr.", "Bonnummer", "Bon", "Rechnungsnummer",
            "Rechnungsnr", "Bestellnummer", "Bestellnr", "Auftragsnummer", "order_id",
            "Order ID", "Order Number", "Invoice Number", "Receipt ID", "Receipt",
            "Receipt Number", "Receipt #", "Transaction ID"),
            "Belegnummer", "order number"),
        _spec("product", "text", False, (
            "Artikel", "Produkt", "Artikelbezeichnung", "Bezeichnung", "Artikelname",
            "Produktname", "product", "item", "product name", "article"), "Artikel", "product"),
        _spec("quantity", "float", False, (
            "Menge", "Anzahl", "Stück", "Stk", "Stückzahl", "quantity", "qty", "units"),
            "Menge", "quantity"),
        _spec("margin", "money", False, (
            "Marge", "Deckungsbeitrag", "DB", "Rohertrag", "Gewinn", "margin", "profit",
            "gross margin"), "Marge", "margin"),
        _spec("channel", "text", False, (
            "Kanal", "Vertriebskanal", "Verkaufskanal", "channel", "sales channel"),
            "Kanal", "channel"),
        _spec("kind", "kind", False, (
            "Belegart", "Buchungsart", "Vorgangsart", "Transaktionsart", "Bonart", "Typ",
            "Type", "Art", "kind", "Transaction Type", "Sale Type"), "Belegart", "kind"),
    )),
    "nps": TableSpec("nps", (
        _spec("score", "score", True, (
            "Bewertung", "Empfehlung", "Weiterempfehlung", "NPS", "NPS-Wert", "Score",
            "Punkte", "score", "rating", "recommendation", "likelihood to recommend"),
            "Bewertung", "score", "skip_row", ("weiterempfehlen", "recommend")),
        _spec("date", "date", False, _DATE, "Datum", "date"),
        _spec("customer_id", "id", False, _CUSTOMER, "Kundennummer", "customer number"),
        _spec("segment", "text", False, (
            "Segment", "Kundensegment", "Kundengruppe", "segment", "customer segment"),
            "Segment", "segment"),
        _spec("comment", "text", False, (
            "Kommentar", "Bemerkung", "Anmerkung", "Freitext", "Begründung", "Feedback",
            "comment", "remarks", "remark"), "Kommentar", "comment",
            contains=("warum", "besser", "anmerkung", "kommentar", "why", "improve")),
        # "Wie sind Sie auf uns aufmerksam geworden?": the referral rate (seed 001)
        _spec("source", "text", False, (
            "Quelle", "Herkunft", "Aufmerksam durch", "Aufmerksam geworden durch",
            "Wie gefunden", "Empfehlungsquelle", "Kontaktquelle", "source", "referral source",
            "how did you hear about us", "lead source"), "Aufmerksam geworden durch", "source",
            contains=("aufmerksam", "vonunserfahren", "unsgefunden", "hearabout",
                      "heardabout", "findus", "foundus")),
    )),
    "posts": TableSpec("posts", (
        _spec("post_id", "id", True, (
            "Post-ID", "Beitrag", "Beitrags-ID", "Beitragsnummer", "Beitrag-Nr.", "post_id",
            "Post", "ID"), "Beitrag", "post"),
        _spec("date", "date", True, _DATE, "Datum", "date"),
        _spec("likes", "count", True, (
            "Likes", "Gefällt mir", "Gefällt-mir-Angaben", "Reaktionen", "likes", "reactions"),
            "Likes", "likes"),
        _spec("comments", "count", True, (
            "Kommentare", "Anzahl Kommentare", "comments"), "Kommentare", "comments"),
        _spec("shares", "count", True, (
            "Geteilt", "Shares", "Mal geteilt", "Teilen", "shares", "reposts"),
            "Geteilt", "shares"),
        _spec("reach", "count", False, ("Reichweite", "reach"), "Reichweite", "reach"),
        _spec("impressions", "count", False, (
            "Impressionen", "Impressions", "Aufrufe", "Views"), "Impressionen", "impressions"),
        _spec("followers", "count", False, (
            "Follower", "Followers", "Abonnenten", "Fans"), "Follower", "followers"),
        _spec("clicks", "count", False, (
            "Klicks", "Linkklicks", "Clicks", "Link clicks"), "Klicks", "clicks"),
    )),
    "complaints": TableSpec("complaints", (
        _spec("date", "date", True, _DATE, "Datum", "date"),
        _spec("resolved", "bool", True, (
            "Erledigt", "Gelöst", "Abgeschlossen", "resolved", "closed", "done"),
            "Erledigt", "resolved", "keep"),
        _spec("satisfied", "bool", True, (
            "Zufrieden", "Kunde zufrieden", "satisfied", "customer satisfied"),
            "Zufrieden", "satisfied", "keep"),
        _spec("customer_id", "id", False, _CUSTOMER, "Kundennummer", "customer number"),
        _spec("category", "text", False, (
            "Kategorie", "Grund", "Art", "Thema", "Beschwerdegrund", "category", "reason",
            "type"), "Kategorie", "category"),
        _spec("days_to_resolve", "count", False, (
            "Tage bis Lösung", "Tage bis Erledigung", "Bearbeitungsdauer", "Dauer",
            "Dauer (Tage)", "Lösungsdauer", "Bearbeitungszeit", "days_to_resolve",
            "days to resolve", "resolution days"), "Tage bis Lösung", "days to resolve"),
    )),
}

# -- header normalisation ------------------------------------------------------------------

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e",
                          "à": "a"})
_CURRENCY = re.compile(r"(?<![a-z])(?:in\s+)?(?:chf|eur|euro|sfr|fr\.)(?![a-z])|€|\$")
_PAREN = re.compile(r"\([^)]*\)|\[[^]]*\]")


def normalize_header(text: str, *, drop_parentheses: bool = False) -> str:
    """A header reduced to its key: ``"Umsatz (CHF)"`` → ``"umsatz"``, ``"Kunden-Nr."`` →
    ``"kundennr"``, ``"Gefällt mir"`` → ``"gefaelltmir"``."""
    key = unicodedata.normalize("NFC", str(text)).replace("\ufeff", "").casefold()
    key = key.translate(_UMLAUTS)
    key = _CURRENCY.sub(" ", key)
    if drop_parentheses:
        key = _PAREN.sub(" ", key)
    return re.sub(r"[^0-9a-z]+", "", key)


def _alias_keys(spec: ColumnSpec) -> tuple[str, ...]:
    keys = [normalize_header(spec.name)]
    keys += [normalize_header(a) for a in spec.aliases]
    return tuple(dict.fromkeys(k for k in keys if k))


# -- privacy -------------------------------------------------------------------------------

_PII_EXACT = {
    "name", "vorname", "nachname", "kundenname", "kundename", "namekunde", "firstname",
    "lastname", "fullname", "surname", "givenname", "familienname", "anrede", "email",
    "mail", "emailadresse", "mailadresse", "emailaddress", "tel", "telnr", "telefon",
    "telefonnr", "telefonnummer", "handy", "handynummer", "mobile", "mobil", "mobilnummer",
    "natel", "fax", "phone", "phonenumber", "adresse", "anschrift", "address", "strasse",
    "street", "hausnummer", "hausnr", "plz", "postleitzahl", "zip", "zipcode", "postcode",
    "postalcode", "ort", "wohnort", "stadt", "city", "plzort", "geburtsdatum", "geburtstag",
    "birthday", "dateofbirth", "iban",
}
_PII_PARTS = ("email", "mail", "telefon", "phone", "handy", "mobilnr", "adresse", "address",
              "strasse", "vorname", "nachname", "kundenname")

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_PHONE_FORMATTED = (r"(?:\+|00)[1-9][\d\s/().-]{6,}\d"
                    r"|0\d{1,4}[\s/-]+\d{2,}(?:[\s/-]+\d{2,})*"
                    r"|\(0\d{1,4}\)\s*\d[\d\s/-]{4,}\d")
_PHONE_DIGITS = r"0[1-9]\d{8,10}"
_PHONE_IN_TEXT = r"(?<![\w.])(?:(?:\+|00)[1-9]\d{0,2}[\s/()-]*|0)\d{1,4}(?:[\s/()-]*\d){6,}(?!\w)"


def _pii_by_header(header: str) -> bool:
    key = normalize_header(header, drop_parentheses=True)
    return key in _PII_EXACT or any(part in key for part in _PII_PARTS)


def _pii_by_content(series: pd.Series, *, digits_rule: bool) -> bool:
    """True when most of the (first 500 non-empty) values are e-mail addresses or phones."""
    if not (pd.api.types.is_string_dtype(series) or series.dtype == object):
        return False
    sample = series.iloc[:2000].astype("str").str.strip()
    sample = sample[sample != ""].iloc[:500]
    if sample.empty:
        return False
    looks = sample.str.fullmatch(_EMAIL)
    formatted = sample.str.fullmatch(_PHONE_FORMATTED) & (sample.str.count(r"\d") >= 9)
    looks = looks | formatted
    if digits_rule:
        looks = looks | sample.str.fullmatch(_PHONE_DIGITS)
    return bool(looks.mean() >= 0.5)


def mask_pii(series: pd.Series, language: str = "de") -> pd.Series:
    """Replace e-mail addresses and phone numbers inside free text by a placeholder."""
    email = "[E-Mail entfernt]" if language != "en" else "[e-mail removed]"
    phone = "[Telefon entfernt]" if language != "en" else "[phone removed]"
    out = series.str.replace(_EMAIL, email, regex=True)
    return out.str.replace(_PHONE_IN_TEXT, phone, regex=True)


# -- loading -------------------------------------------------------------------------------

def _resolve(name: str, source: Any, language: str | None) -> tuple[Path, str, Any]:
    from .workspace import Workspace

    if isinstance(source, Workspace):
        from .discovery import locate

        lang = language or source.language
        found = locate(source, name, lang)
        if found.problems:
            raise DataError(problems=list(found.problems))
        if found.path is None:
            label = f"data/{name}.csv"
            raise DataError(problems=[problem(
                "missing_file", file=label, language=lang,
                path=str(source.data_dir / f"{name}.csv|.xlsx|.parquet"))])
        return found.path, lang, source
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"source must be a path or a Workspace, not {type(source).__name__}")
    return Path(source), language or "de", None


def load_table(name: str, source: Any, *, language: str | None = None,
               columns: dict[str, str] | None = None) -> pd.DataFrame:
    """Load input ``name`` (``transactions``, ``nps``, ``posts``, ``complaints``).

    ``source`` is a file path or a :class:`~kbworkbook.workspace.Workspace` (then its input
    file, language, column mapping and pseudonym secret are used). ``columns`` maps canonical
    names (or German labels) to the file's headers and overrides the workspace's mapping.
    Raises :class:`DataError` listing every problem.
    """
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}; expected one of {sorted(TABLES)}")
    path, lang, ws = _resolve(name, source, language)
    if columns is None:
        columns = ws.column_mapping(name) if ws is not None else {}
    root = ws.root if ws is not None else None
    secret = (lambda: workspace_secret(root)) if root is not None else session_secret
    decimal = _DECIMAL_SETTING.get(str(ws.data_entry(name).get("decimal", ""))) \
        if ws is not None else None
    try:
        raw = read_raw(path, language=lang)
    except DataError as exc:
        # a header quoted by the reader (duplicates) is content: only of a recognised file
        quoted = [str(p.value) for p in exc.problems if p.code == "duplicate_header"]
        if quoted and not _recognised(TABLES[name], quoted):
            raise DataError(problems=[_not_recognised(TABLES[name], exc.problems[0].file,
                                                      lang)]) from None
        raise
    return load_raw(name, raw, lang, columns=columns, secret=secret, decimal=decimal)


#: ``[data.<table>] decimal = ","`` (1.234,50), ``"."`` (1,234.50) or ``"'"`` (1'234.50).
_DECIMAL_SETTING = {",": "comma", ".": "point", "'": "swiss", "’": "swiss"}


def load_raw(name: str, raw: RawTable, language: str = "de", *,
             columns: dict[str, str] | None = None,
             secret: Callable[[], bytes] | None = None,
             decimal: str | None = None) -> pd.DataFrame:
    """Validate an already read file as table ``name`` (see :func:`load_table`).

    ``secret`` returns the pseudonym secret; it is called only when a personal key has to be
    pseudonymised (so opening a workspace without personal keys writes no secret file).
    """
    spec = TABLES[name]
    secret = secret if secret is not None else session_secret
    headers = [str(c) for c in raw.frame.columns]
    if columns:
        forced = _configured_mapping(spec, columns, headers, raw.detection.file, language)
        return _validate(spec, raw, language, forced=forced, secret=secret, configured=True,
                         decimal_style=decimal)
    preset = detect_preset(headers, name)
    if preset is None:
        return _validate(spec, raw, language, secret=secret, decimal_style=decimal)
    result = preset.apply(raw, language)
    if result.problems:
        raise DataError(problems=list(result.problems))
    return _validate(spec, result.raw, language, forced=result.mapping, key=result.key,
                     secret=secret, preset=preset.label(language), notes=result.notes)


def _configured_mapping(spec: TableSpec, columns: dict[str, str], headers: list[str],
                        file: str, language: str) -> dict[str, str]:
    """The ``[data.<table>.columns]`` mapping checked against the table and the file."""
    by_key = {normalize_header(c.name): c for c in spec.columns}
    by_key.update({normalize_header(c.label_de): c for c in spec.columns})
    by_key.update({normalize_header(c.label_en): c for c in spec.columns})
    forced: dict[str, str] = {}
    problems: list[Problem] = []
    for key, header in columns.items():
        col = by_key.get(normalize_header(key))
        if col is None:
            choices = ", ".join(c.name for c in spec.columns)
            problems.append(problem("mapping_unknown_column", file=file, language=language,
                                    value=key, choices=choices, table=spec.name))
            continue
        if header not in headers:
            close = difflib.get_close_matches(header, headers, n=1, cutoff=0.6)
            hint = ((f" Meinten Sie »{close[0]}«?" if language != "en"
                     else f" Did you mean '{close[0]}'?") if close else "")
            found = ", ".join(f"»{h}«" if language != "en" else f"'{h}'" for h in headers)
            problems.append(problem("mapping_missing_header", file=file, row=1,
                                    column=header, language=language, value=header,
                                    label=col.label(language), found=found, hint=hint,
                                    table=spec.name))
            continue
        forced[col.name] = header
    if problems:
        raise DataError(problems=problems)
    return forced


_WHAT = {"transactions": ("Verkaufsdaten", "sales data"),
         "nps": ("eine NPS-Umfrage", "an NPS survey"),
         "posts": ("eine Liste von Social-Media-Beiträgen", "a list of social-media posts"),
         "complaints": ("ein Beschwerdeprotokoll", "a complaint log")}


def _recognised(spec: TableSpec, headers: list[str]) -> bool:
    """True when a header (or a word of one) is a column name of ``spec``.

    A file none of whose headers is recognised is not a data file of this kind; its content
    (headers included) is never quoted in a message.
    """
    if _map_columns(spec, headers)[0]:
        return True
    keys = {k for col in spec.columns for k in _alias_keys(col)}
    words = {normalize_header(w) for h in headers for w in re.split(r"[\s:;,|/]+", h)}
    return bool(keys & words)


def _not_recognised(spec: TableSpec, file: str, language: str) -> Problem:
    en = language == "en"
    expected = ", ".join((f"'{c.label(language)}'" if en else f"»{c.label(language)}«")
                         for c in spec.required)
    return problem("not_recognised", file=file, language=language,
                   what=_WHAT[spec.name][1 if en else 0], expected=expected, table=spec.name)


def load_transactions(source: Any, *, language: str | None = None) -> pd.DataFrame:
    """Sales lines: ``customer_id``, ``date``, ``revenue`` (+ optional columns).

    Revenue may be negative (returns, credit notes) and is kept. An empty customer number
    (anonymous sale) stays as a missing value.
    """
    return load_table("transactions", source, language=language)


def load_nps(source: Any, *, language: str | None = None) -> pd.DataFrame:
    """NPS answers: ``score`` 0–10 (whole) (+ date, customer_id, segment, comment, source).

    Rows without a score are left out (counted in ``skipped_rows``); e-mail addresses and
    phone numbers inside comments are masked.
    """
    return load_table("nps", source, language=language)


def load_posts(source: Any, *, language: str | None = None) -> pd.DataFrame:
    """Social-media posts: ``post_id``, ``date``, ``likes``, ``comments``, ``shares`` (+ …)."""
    return load_table("posts", source, language=language)


def load_complaints(source: Any, *, language: str | None = None) -> pd.DataFrame:
    """Complaint log: ``date``, ``resolved``, ``satisfied`` (bool) (+ customer_id, …)."""
    return load_table("complaints", source, language=language)


def load_optional(ws: Workspace, name: str) -> pd.DataFrame | None:
    """Load input ``name`` of a workspace, or ``None`` when it has no data.

    ``None`` when the file does not exist or holds only the header row (the template written by
    ``kbworkbook new``); any other problem still raises :class:`DataError`.
    """
    from .discovery import locate

    found = locate(ws, name)
    if found.problems:
        raise DataError(problems=list(found.problems))
    if found.path is None or not found.path.is_file():
        return None
    try:
        return load_table(name, ws)
    except DataError as exc:
        if exc.codes == ["no_rows"]:
            return None
        raise


# -- validation ----------------------------------------------------------------------------


@dataclass
class _Collector:
    """Collects problems, capping repeats per (column, code)."""

    file: str
    language: str
    problems: list[Problem]

    def cells(
        self,
        code: str,
        mask: pd.Series | np.ndarray,
        raw: pd.Series,
        rows: np.ndarray,
        column: str,
        details: Callable[[Any], dict[str, Any]] | None = None,
    ) -> None:
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        for pos in positions[:MAX_PER_COLUMN]:
            value = raw.iloc[pos]
            extra = details(value) if details else {}
            self.problems.append(problem(code, file=self.file, row=int(rows[pos]),
                                         column=column, value=value, language=self.language,
                                         **extra))
        if len(positions) > MAX_PER_COLUMN:
            rest = len(positions) - MAX_PER_COLUMN
            summary = problem("more", file=self.file, column=column, language=self.language,
                              count=rest)
            self.problems.append(replace(summary, code=code, value=rest))


def _map_columns(
    spec: TableSpec, headers: list[str], forced: dict[str, str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """canonical name -> file header (``forced`` first, then the first alias), unused headers."""
    forced = forced or {}
    keys = {h: normalize_header(h) for h in headers}
    keys_loose = {h: normalize_header(h, drop_parentheses=True) for h in headers}
    mapping: dict[str, str] = dict(forced)
    used: set[str] = set(forced.values())
    for col in spec.columns:
        if col.name in mapping:
            continue
        aliases = _alias_keys(col)
        for table in (keys, keys_loose):
            found = None
            for alias in aliases:
                found = next((h for h in headers if h not in used and table[h] == alias), None)
                if found:
                    break
            if found:
                mapping[col.name] = found
                used.add(found)
                break
        if col.name not in mapping and col.contains:
            found = next((h for h in headers if h not in used
                          and any(part in keys[h] for part in col.contains)), None)
            if found:
                mapping[col.name] = found
                used.add(found)
    return mapping, [h for h in headers if h not in used]


def recognised_columns(spec: TableSpec, headers: list[str]) -> dict[str, str]:
    """Canonical column → header that :func:`load_table` would use (aliases only, the privacy
    rule by header applied) – to recognise which table a file is from its header row."""
    return _map_columns(spec, [h for h in headers if not _pii_by_header(h)])[0]


def propose_mapping(name: str, raw: RawTable) -> dict[str, str]:
    """A ``[data.<name>.columns]`` proposal for a file whose headers are unknown.

    Columns found by their aliases are taken as they are; for every other required column (and
    the customer number) the first unused header whose values fit the column's kind is
    proposed: dates for a date, numbers for an amount, short codes with digits for an id.
    Returns canonical name → header (only columns with a proposal).
    """
    spec = TABLES[name]
    headers = [str(h) for h in raw.frame.columns]
    mapping = dict(recognised_columns(spec, headers))
    used = set(mapping.values())
    wanted = [c for c in spec.columns if c.name not in mapping
              and (c.required or c.name == "customer_id")]
    order = {"date": 0, "money": 1, "float": 1, "count": 1, "score": 1}
    wanted.sort(key=lambda c: order.get(c.kind, 2))  # dates and amounts first, ids last
    for col in wanted:
        for header in headers:
            if header in used or _pii_by_header(header):
                continue
            values = raw.frame[header].astype("str").str.strip()
            values = values[values != ""].iloc[:200]
            if values.empty:
                continue
            if col.kind == "date":
                fits = float((~parse_dates(values, sniff_date_format(values))[1]).mean())
            elif col.kind in ("money", "float", "count", "score"):
                decimal = sniff_decimal(values, prefer="comma")
                fits = float((~parse_numbers(values, decimal)[1]).mean())
                cents = values.str.contains(r"[.,]\d{1,2}-?$", regex=True).mean()
                if col.kind == "money" and cents < 0.3:
                    fits = 0.0  # whole numbers: more likely a number or a count
            elif col.kind == "id":
                fits = float(values.str.fullmatch(r"[\w.\-/#]{1,20}").mean()) \
                    if values.str.contains(r"\d").mean() > 0.8 else 0.0
            else:
                fits = 0.0
            if fits >= 0.9:
                mapping[col.name] = header
                used.add(header)
                break
    return {c.name: mapping[c.name] for c in spec.columns if c.name in mapping}


def _missing_column_problem(col: ColumnSpec, headers: list[str], dropped: dict[str, str],
                            file: str, language: str) -> Problem:
    content_dropped = [h for h, why in dropped.items() if why == "content"
                       and normalize_header(h, drop_parentheses=True) in _alias_keys(col)]
    if content_dropped:
        return problem("missing_column", file=file, column=col.label(language),
                       language=language, variant="privacy", label=col.label(language),
                       dropped=content_dropped[0])
    candidates = {normalize_header(h): h for h in headers}
    close = difflib.get_close_matches(normalize_header(col.label_de),
                                      list(candidates), n=1, cutoff=0.75)
    for alias in _alias_keys(col):
        if close:
            break
        close = difflib.get_close_matches(alias, list(candidates), n=1, cutoff=0.8)
    if close:
        hint = (f" Meinten Sie »{candidates[close[0]]}«?" if language != "en"
                else f" Did you mean '{candidates[close[0]]}'?")
    else:
        hint = ""
    sep = ", "
    found = sep.join(f"»{h}«" if language != "en" else f"'{h}'" for h in headers) or "–"
    aliases = sep.join(col.aliases[:4])
    return problem("missing_column", file=file, column=col.label(language), language=language,
                   label=col.label(language), found=found, hint=hint, example=col.aliases[0],
                   aliases=aliases)


_EXPECTED_DATE = {
    "%d.%m.%Y": ("TT.MM.JJJJ (z. B. 31.01.2025)", "DD.MM.YYYY (e.g. 31.01.2025)"),
    "%d.%m.%y": ("TT.MM.JJ (z. B. 31.01.25)", "DD.MM.YY (e.g. 31.01.25)"),
    "%Y-%m-%d": ("JJJJ-MM-TT (z. B. 2025-01-31)", "YYYY-MM-DD (e.g. 2025-01-31)"),
}
_NUMBER_EXAMPLE = {"comma": "1.234,50", "swiss": "1'234.50", "point": "1234.50"}
_TRUE = {"ja", "j", "yes", "y", "1", "x", "true", "wahr", "ok", "erledigt", "geloest",
         "gelöst", "zufrieden", "1.0"}
_FALSE = {"nein", "n", "no", "0", "false", "falsch", "-", "offen", "unzufrieden", "0.0"}
_LOOKS_LIKE_DATE = re.compile(r"\d{1,4}[.\-/]\d{1,2}[.\-/]\d{1,4}")


def _validate(spec: TableSpec, raw: RawTable, language: str, *,
              forced: dict[str, str] | None = None, key: tuple[str, str] | None = None,
              decimal_style: str | None = None,
              secret: Callable[[], bytes] | None = None, preset: str | None = None,
              notes: tuple[str, ...] = (), configured: bool = False) -> pd.DataFrame:
    file = raw.detection.file
    frame = raw.frame
    headers = [str(c) for c in frame.columns]
    problems: list[Problem] = []
    collector = _Collector(file, language, problems)
    forced = dict(forced or {})
    pinned = set(forced.values())

    # 1. privacy by header (a column a preset or the workspace mapping names is kept)
    dropped: dict[str, str] = {h: "header" for h in headers
                               if h not in pinned and _pii_by_header(h)}
    if key is not None:
        dropped[key[0]] = "key"
    remaining = [h for h in headers if h not in dropped]
    mapping, ignored = _map_columns(spec, remaining, forced)
    kinds = {mapping[c.name]: c.kind for c in spec.columns if c.name in mapping}
    # 2. privacy by content (ids and numbers: only formatted phone numbers count)
    for header in remaining:
        if header in pinned and header != forced.get("customer_id"):
            continue
        digits_rule = kinds.get(header) not in ("id", "money", "float", "count", "score",
                                                "date")
        if _pii_by_content(frame[header], digits_rule=digits_rule):
            dropped[header] = "content"
    if any(why == "content" for why in dropped.values()):
        remaining = [h for h in headers if h not in dropped]
        mapping, ignored = _map_columns(spec, remaining,
                                        {k: v for k, v in forced.items() if v in remaining})
    # 2b. the customer key: a personal key becomes a pseudonym, never an id verbatim
    key_source: tuple[str, str] | None = None
    if any(c.name == "customer_id" for c in spec.columns):
        if key is not None:
            key_source = key
        elif "customer_id" in mapping:
            if _looks_like_names(frame[mapping["customer_id"]]):
                key_source = (mapping["customer_id"], "name")
        else:
            key_source = _personal_key(frame, dropped)

    # 3. structure
    if not _recognised(spec, headers):
        raise DataError(problems=[_not_recognised(spec, file, language)])
    if len(headers) == 1 and len(spec.required) > 1:
        raise DataError(problems=[problem("not_a_table", file=file, row=1, column=headers[0],
                                          value=headers[0], language=language,
                                          variant="single_column", header=headers[0][:60])])
    for col in spec.required:
        if col.name not in mapping:
            problems.append(_missing_column_problem(col, remaining, dropped, file, language))
    if frame.shape[0] == 0:
        problems.append(problem("no_rows", file=file, row=2, language=language))
    if problems:
        raise DataError(problems=problems)

    # 4. values
    rows = raw.rows
    warnings: list[Problem] = []
    numeric = [c for c in spec.columns
               if c.name in mapping and c.kind in ("money", "float", "count", "score")]
    numeric_sources = [frame[mapping[c.name]] for c in numeric]
    prefer = "comma" if raw.detection.delimiter in (";", "\t") else "point"
    if decimal_style is not None:
        decimal: str | None = decimal_style
    else:
        decimal = sniff_decimal(numeric_sources, prefer=prefer) if numeric_sources else None
        if preset is None and prefer == "comma":
            for col in numeric:
                if col.kind in ("count", "score"):
                    continue  # a whole number: 1.234 can only be 1234
                found = _ambiguous_thousands(frame[mapping[col.name]])
                if found is not None:
                    pos, value = found
                    shown = str(value).strip()
                    problems.append(problem(
                        "ambiguous_decimal", file=file, row=int(rows[pos]),
                        column=mapping[col.name], value=shown, language=language,
                        table=spec.name, thousands=shown.replace(".", ""),
                        decimal=shown.replace(".", ",") if language != "en" else shown))
    date_format: str | None = None
    out: dict[str, pd.Series] = {}
    skip = np.zeros(len(frame), dtype=bool)
    if spec.name == "transactions" and len(frame) > 1:
        appended, repeated = _duplicate_rows(frame)
        if appended.any():
            skip |= appended
            first, last = (int(rows[i]) for i in np.flatnonzero(appended)[[0, -1]])
            warnings.append(problem("appended_twice", file=file, row=first, language=language,
                                    count=int(appended.sum()), first=first, last=last))
        if repeated.any():
            where = int(np.flatnonzero(repeated)[0])
            warnings.append(problem("duplicate_rows", file=file, row=int(rows[where]),
                                    language=language, count=int(repeated.sum())))
    blank_as_no: dict[str, int] = {}
    cleaned: dict[str, int] = {}
    parsed = _parse_columns(spec, mapping, frame, decimal)
    for col in spec.columns:
        if col.name not in mapping:
            continue
        header = mapping[col.name]
        series = frame[header]
        empty, done = parsed[col.name]
        if col.on_empty == "problem":
            collector.cells("missing_value", empty, series, rows, header)
        elif col.on_empty == "skip_row":
            skip |= empty
        if col.kind == "date":
            fmt, values, invalid = done
            date_format = date_format or fmt
            expected = _EXPECTED_DATE.get(fmt or "%d.%m.%Y", _EXPECTED_DATE["%d.%m.%Y"])
            exp = expected[1] if language == "en" else expected[0]

            def date_details(value: Any, exp: str = exp, fmt: str | None = fmt) -> dict[str, Any]:
                why, parts = date_failure_reason(str(value), fmt)
                return {"reason": reason_text(why, language, **parts), "expected": exp}

            collector.cells("bad_date", invalid, series, rows, header, date_details)
            today = pd.Timestamp.today().normalize()
            future = (values >= today + pd.Timedelta(days=2)).fillna(False)
            old = (values < pd.Timestamp("1990-01-01")).fillna(False)
            for mask, why in ((future, "future"), (old, "too_old")):
                if mask.any():
                    collector.cells("implausible_date", mask, series, rows, header,
                                    _date_reason(why, language))
            out[col.name] = values
        elif col.kind in ("money", "float", "count", "score"):
            values, invalid = done
            example = _NUMBER_EXAMPLE.get(decimal or "point", "1234.50")
            if col.kind in ("count", "score"):
                example = "12"

            def num_details(value: Any, example: str = example) -> dict[str, Any]:
                why = "looks_like_date" if _LOOKS_LIKE_DATE.fullmatch(str(value).strip()) \
                    else None
                return {"reason": reason_text(why, language), "example": example}

            collector.cells("bad_number", invalid, series, rows, header, num_details)
            if col.kind == "score":
                finite = values.notna()
                not_int = finite & (values != np.floor(values))
                out_range = finite & ~not_int & ((values < 0) | (values > 10))
                collector.cells("score_not_integer", not_int, series, rows, header)
                collector.cells("score_out_of_range", out_range, series, rows, header)
                out[col.name] = values.where(~(not_int | out_range)).round().astype("Int64")
            elif col.kind == "count":
                finite = values.notna()
                not_int = finite & (values != np.floor(values))
                negative = finite & (values < 0)
                whole_details = {"reason": reason_text("not_whole", language),
                                 "example": example}
                collector.cells("bad_number", not_int, series, rows, header,
                                _constant(whole_details))
                collector.cells("negative_count", negative & ~not_int, series, rows, header)
                out[col.name] = values.where(~not_int).round().astype("Int64")
            else:
                out[col.name] = values
        elif col.kind == "bool":
            text = series.astype("str").str.strip().str.casefold()
            is_true = text.isin(_TRUE)
            is_false = text.isin(_FALSE)
            invalid = ~(is_true | is_false | empty)
            collector.cells("bad_boolean", invalid, series, rows, header)
            n_blank = int(empty.sum())
            if n_blank:
                blank_as_no[col.name] = n_blank
            out[col.name] = is_true.astype(bool)
        elif col.kind == "kind":
            text = series.astype("str").str.strip().str.casefold()
            out[col.name] = pd.Series(np.where(text.str.contains(_RETURN_WORDS, regex=True),
                                               "return", "sale"), index=series.index,
                                      dtype="str").where(~empty)
        elif col.kind == "id":
            out[col.name], n_cleaned = done
            if n_cleaned:
                cleaned[col.name] = n_cleaned
        else:  # text
            text = series.astype("str").str.strip()
            text = text.where(~empty)
            if col.name in ("comment", "segment", "category"):
                text = mask_pii(text, language)
            out[col.name] = text
    netted = 0
    if "kind" in out and "revenue" in out:
        # a return/cancellation line written with a positive amount is netted (made negative)
        flip = (out["kind"] == "return").fillna(False).to_numpy(dtype=bool) & (
            out["revenue"].to_numpy(dtype="float64", na_value=0.0) > 0)
        netted = int(flip.sum())
        if netted:
            out["revenue"] = out["revenue"].where(~flip, -out["revenue"])
            for other in ("margin", "quantity"):
                if other in out:
                    values = out[other]
                    out[other] = values.where(~(flip & (values > 0).fillna(False).to_numpy()),
                                              -values)
    if key_source is not None:
        header, kind = key_source
        pseudonyms = pseudonymize(_key_values(frame, header), kind,
                                  (secret or session_secret)())
        ids = out.get("customer_id")
        if ids is not None and mapping.get("customer_id") != header:
            out["customer_id"] = ids.where(ids.notna(), pseudonyms)
        else:
            out["customer_id"] = pseudonyms
    if problems:
        raise DataError(problems=problems)

    result = pd.DataFrame({c.name: out[c.name] for c in spec.columns if c.name in out})
    skipped = int(skip.sum())
    if skipped:
        result = result.loc[~skip].reset_index(drop=True)
    detection = replace(raw.detection, decimal=decimal, date_format=date_format)
    detected = _detected_dict(detection, len(result), dropped, mapping, ignored, skipped,
                              blank_as_no)
    detected.update({
        "preset": preset, "notes": list(notes), "configured_columns": configured,
        "customer_key": ({"column": key_source[0].replace("\x00", " + "),
                          "kind": key_source[1]} if key_source else None),
        "cleaned_ids": cleaned,
        "netted_returns": netted,
        "warnings": [w.message for w in warnings],
        "warning_codes": [w.code for w in warnings],
        "dropped_columns": list(dict.fromkeys(
            [h for h, why in dropped.items() if why != "key"]
            + ([key_source[0].replace("\x00", " + ")] if key_source else []))),
    })
    result.attrs["kb_detected"] = detected
    return result


def _date_reason(why: str, language: str) -> Callable[[Any], dict[str, Any]]:
    """Message details for an implausible date: the reason and the date as it was read."""
    texts = {"future": (" – das liegt in der Zukunft", " – that is in the future"),
             "too_old": (" – vor 1990, für diese Daten unwahrscheinlich",
                         " – before 1990, unlikely for this data")}
    reason = texts[why][1 if language == "en" else 0]

    def details(value: Any) -> dict[str, Any]:
        parsed = pd.to_datetime(_two_digit_safe(str(value)), dayfirst=True, errors="coerce")
        return {"reason": reason, "date": "" if pd.isna(parsed) else parsed.strftime("%d.%m.%Y")}

    return details


def _two_digit_safe(text: str) -> str:
    """``31.12.68`` as pandas reads it with ``%d.%m.%y`` (→ 2068), other texts unchanged."""
    match = re.fullmatch(r"\s*(\d{1,2})\.(\d{1,2})\.(\d{2})(\s.*)?", text)
    if not match:
        return text
    year = int(match.group(3))
    year += 2000 if year < 69 else 1900
    return f"{match.group(1)}.{match.group(2)}.{year}{match.group(4) or ''}"


def _ambiguous_thousands(series: pd.Series) -> tuple[int, Any] | None:
    """``(position, value)`` of the first ``12.500`` when every dotted value of the column has
    exactly one group of three digits after the dot and none has a comma: thousands point or
    decimal point cannot be told apart. ``None`` when the column is unambiguous."""
    if pd.api.types.is_numeric_dtype(series):
        return None
    text = series.iloc[:20_000].astype("str").str.strip()
    if text.str.contains(",", regex=False).any():
        return None
    dotted = text.str.contains(".", regex=False).to_numpy()
    if not dotted.any() or not text[dotted].str.fullmatch(r"[+-]?[0-9]{1,3}\.[0-9]{3}-?").all():
        return None
    position = int(np.flatnonzero(dotted)[0])
    return position, series.iloc[position]


def _duplicate_rows(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``(appended, repeated)`` masks of rows equal to an earlier row in every column.

    ``appended``: a run of at least three such rows that repeats an earlier, non-overlapping
    block in the same order – an export pasted or appended twice; these rows are left out.
    ``repeated``: the other exact repeats – they may be real (two equal lines on a receipt) and
    are kept, but counted and named.
    """
    appended = np.zeros(len(frame), dtype=bool)
    if _has_unique_column(frame):
        return appended, np.zeros(len(frame), dtype=bool)
    dup = frame.duplicated(keep="first").to_numpy()
    if not dup.any():
        return appended, dup
    keys = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    n = len(frame)
    codes, uniques = pd.factorize(keys)
    first_of = np.full(len(uniques), n, dtype=np.int64)
    np.minimum.at(first_of, codes, np.arange(n, dtype=np.int64))
    # runs of consecutive repeats: [starts[k], ends[k])
    edges = np.diff(np.concatenate(([0], dup.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    for i, j in zip(starts.tolist(), ends.tolist(), strict=True):
        length = j - i
        start = int(first_of[codes[i]])
        if length >= 3 and start + length <= i and np.array_equal(
                keys[start:start + length], keys[i:j]):
            appended[i:j] = True
    return appended, dup & ~appended


def _has_unique_column(frame: pd.DataFrame) -> bool:
    """True when a column (a line or receipt-line number) holds a different value in every row,
    so that no row can repeat another; only a column whose first 5000 values differ is tried."""
    head = frame.iloc[:5000]
    for pos in range(frame.shape[1]):
        if head.iloc[:, pos].nunique(dropna=False) == len(head):
            return all_distinct(frame.iloc[:, pos])
    return False


#: From this many rows on, the columns of a file are parsed in parallel threads (pyarrow's
#: text kernels and pandas' parsers release the GIL); below it the threads cost more.
PARALLEL_ROWS = 200_000


def _parse_columns(spec: TableSpec, mapping: dict[str, str], frame: pd.DataFrame,
                   decimal: str | None) -> dict[str, tuple[pd.Series, Any]]:
    """Per canonical column: its empty-cell mask and the parse of its kind (dates: format,
    values, invalid mask; numbers: values, invalid mask; ids: text, cleaned count; others:
    ``None``). The checks and messages that use them stay in file order in the caller."""
    def parse(col: ColumnSpec) -> tuple[pd.Series, Any]:
        series = frame[mapping[col.name]]
        empty = _empty_mask(series)
        if col.kind == "date":
            fmt = sniff_date_format(series)
            return empty, (fmt, *parse_dates(series, fmt))
        if col.kind in ("money", "float", "count", "score"):
            return empty, parse_numbers(series, decimal)
        if col.kind == "id":
            return empty, _ids(series, empty)
        return empty, None

    columns = [c for c in spec.columns if c.name in mapping]
    workers = min(len(columns), os.cpu_count() or 1, 4)
    if len(frame) < PARALLEL_ROWS or workers < 2:
        return {c.name: parse(c) for c in columns}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kb-parse") as pool:
        # the longest first: a text column of ids or dates, then the numbers
        order = sorted(columns, key=lambda c: c.kind not in ("id", "date"))
        futures = {c.name: pool.submit(parse, c) for c in order}
        return {c.name: futures[c.name].result() for c in columns}


def _constant(details: dict[str, Any]) -> Callable[[Any], dict[str, Any]]:
    def get(_value: Any) -> dict[str, Any]:
        return details

    return get


def _empty_mask(series: pd.Series) -> pd.Series:
    return pd.Series(blank_cells(series), index=series.index, dtype=bool)


_RETURN_WORDS = ("storno|retour|gutschrift|rückgabe|rueckgabe|erstatt|return|refund|void|"
                 "cancel")
_CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


def _ids(series: pd.Series, empty: pd.Series) -> tuple[pd.Series, int]:
    """Identifiers as text: leading zeros kept; ``4711.0`` from a float column → ``4711``;
    control characters (a NUL byte from a broken export) removed – and counted."""
    if pd.api.types.is_float_dtype(series):
        whole = series.dropna()
        if (whole == np.floor(whole)).all():
            series = series.astype("Int64")
    text = series.astype("str").str.strip()
    nonempty = text[~empty]
    if (len(nonempty) and nonempty.str.endswith(".0").all()
            and nonempty.str.fullmatch(r"\d+\.0").all()):
        text = text.str.replace(r"\.0$", "", regex=True)
    controls = "".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127]))
    dirty = (text.str.contains(_CONTROL, regex=True) & ~empty if may_contain(text, controls)
             else pd.Series(False, index=text.index))
    n_dirty = int(dirty.sum())
    if n_dirty:
        text = text.str.replace(_CONTROL, "", regex=True).str.strip()
        empty = empty | (text == "")
    return text.where(~empty), n_dirty


_NAME_WORD = r"[^\W\d_][^\W\d_'’.-]*\.?,?"
_PERSON_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}"
_NAME_HEADERS = {"name", "kundenname", "kundename", "namekunde", "fullname", "customername",
                 "billingname", "kunde", "customer", "client", "vollername"}
_PHONE_WORDS = ("tel", "phone", "handy", "mobil", "natel")


def _looks_like_names(series: pd.Series) -> bool:
    """True when most values look like personal names (two to four words, no digits)."""
    if not (pd.api.types.is_string_dtype(series) or series.dtype == object):
        return False
    sample = series.iloc[:2000].astype("str").str.strip()
    sample = sample[sample != ""].iloc[:500]
    if sample.empty:
        return False
    return bool(sample.str.fullmatch(_PERSON_NAME).mean() >= 0.6)


def _key_values(frame: pd.DataFrame, header: str) -> pd.Series:
    """The values of a key column; ``"Vorname\x00Nachname"`` joins two columns."""
    if "\x00" in header:
        first, last = header.split("\x00", 1)
        return (frame[first].astype("str").str.strip() + " "
                + frame[last].astype("str").str.strip()).str.strip()
    return frame[header]


def _personal_key(frame: pd.DataFrame, dropped: dict[str, str]) -> tuple[str, str] | None:
    """The personal column to pseudonymise when a file has no customer number: an e-mail
    column first, then a phone column, then a personal name (or first + last name)."""
    by_kind: dict[str, list[str]] = {"email": [], "phone": [], "name": []}
    keys = {h: normalize_header(h, drop_parentheses=True) for h in dropped}
    for header, why in dropped.items():
        if why == "key":
            continue
        key = keys[header]
        sample = frame[header].iloc[:2000].astype("str").str.strip()
        sample = sample[sample != ""].iloc[:500]
        emails = bool(len(sample)) and bool(sample.str.fullmatch(_EMAIL).mean() >= 0.5)
        if emails or ("mail" in key and not len(sample)):
            by_kind["email"].append(header)
        elif any(w in key for w in _PHONE_WORDS) or (
                why == "content" and _pii_by_content(frame[header], digits_rule=True)):
            by_kind["phone"].append(header)
        elif (key in _NAME_HEADERS or why == "content") and _looks_like_names(frame[header]):
            by_kind["name"].append(header)
    first = next((h for h, k in keys.items() if k in ("vorname", "firstname", "givenname")),
                 None)
    last = next((h for h, k in keys.items()
                 if k in ("nachname", "lastname", "surname", "familienname")), None)
    if first and last and not by_kind["name"]:
        joined = _key_values(frame, f"{first}\x00{last}")
        if _looks_like_names(joined):
            by_kind["name"].append(f"{first}\x00{last}")
    for kind in ("email", "phone", "name"):
        if by_kind[kind]:
            return by_kind[kind][0], kind
    return None


def _detected_dict(detection: Detection, rows: int, dropped: dict[str, str],
                   mapping: dict[str, str], ignored: list[str], skipped: int,
                   blank_as_no: dict[str, int]) -> dict[str, Any]:
    return {
        "file": detection.file,
        "format": detection.format,
        "encoding": detection.encoding,
        "delimiter": detection.delimiter,
        "decimal": detection.decimal,
        "date_format": detection.date_format,
        "sheet": detection.sheet,
        "rows": rows,
        "dropped_columns": list(dropped),
        "column_mapping": dict(mapping),
        "ignored_columns": list(ignored),
        "skipped_rows": skipped,
        "blank_as_no": dict(blank_as_no),
    }
