"""Known exports without configuration: Shopify, WooCommerce, SumUp, DATEV, Lightspeed
Restaurant, SurveyMonkey → canonical tables.

A *preset* recognises an export by its headers (:func:`detect`) and turns the raw file into the
columns of a canonical table (design.md): it may parse, group and net rows, but it keeps each
output row's file row number, so every later message still names the file's row. The result
(:class:`PresetResult`) says which output column is which canonical column, which column holds a
personal customer key to be pseudonymised (:mod:`kbworkbook.pseudonym`), and notes for
``kbworkbook check`` on what was netted or left out.

Money is net of VAT where the export allows it; refunds and cancellations are netted; an
order-level export yields one purchase per order with the order total taken once and spread over
the order's lines in proportion to their line value (so product figures still work); timestamps
with a UTC offset are read as the shop's local time (the offset is dropped).

Each preset's layout follows the exporter's public documentation (tests/data/README.md names
it); :data:`PRESETS` lists them in detection order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .errors import Problem
from .io import RawTable, parse_numbers
from .messages import problem

__all__ = ["PRESETS", "Preset", "PresetResult", "detect"]


@dataclass(frozen=True)
class PresetResult:
    """A preset's output: canonical columns by header, personal key, notes, problems.

    ``raw.frame`` holds the output columns (texts or already parsed values) and ``raw.rows``
    each output row's row number in the file. ``mapping`` maps canonical names to headers of
    ``raw.frame``; ``key`` is ``(header, kind)`` of a personal customer key (``email``,
    ``phone``, ``name``) or ``None``.
    """

    raw: RawTable
    mapping: dict[str, str]
    key: tuple[str, str] | None = None
    notes: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Preset:
    """One known export: how to recognise it and how to read it."""

    name: str
    label_de: str
    label_en: str
    table: str
    source: str
    signatures: tuple[frozenset[str], ...]
    apply: Callable[[RawTable, str], PresetResult]

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_de

    def matches(self, headers: list[str]) -> bool:
        keys = {_key(h) for h in headers}
        return any(sig <= keys for sig in self.signatures)


def _key(header: str) -> str:
    """A header reduced to lower-case letters and digits (``"Created at"`` → ``"createdat"``)."""
    return re.sub(r"[^0-9a-z]+", "", str(header).replace("\ufeff", "").casefold()
                  .replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss"))


def _sig(*headers: str) -> frozenset[str]:
    return frozenset(_key(h) for h in headers)


class _Columns:
    """Header lookup by normalised key."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.by_key = {_key(h): str(h) for h in frame.columns}

    def header(self, *names: str) -> str | None:
        for name in names:
            found = self.by_key.get(_key(name))
            if found is not None:
                return found
        return None

    def text(self, *names: str) -> pd.Series:
        header = self.header(*names)
        if header is None:
            return pd.Series("", index=self.frame.index, dtype="str")
        return self.frame[header].astype("str").fillna("").str.strip()


def _numbers(cols: _Columns, raw: RawTable, style: str, language: str, problems: list[Problem],
             *names: str) -> pd.Series:
    """A money/quantity column parsed in ``style``; invalid cells become problems (NaN)."""
    header = cols.header(*names)
    if header is None:
        return pd.Series(np.nan, index=cols.frame.index, dtype="float64")
    values, invalid = parse_numbers(cols.frame[header], style)
    example = "1234.50" if style == "point" else "1234,50"
    for pos in np.flatnonzero(invalid.to_numpy())[:20]:
        problems.append(problem("bad_number", file=raw.detection.file, row=int(raw.rows[pos]),
                                column=header, value=cols.frame[header].iloc[pos],
                                language=language, reason="", example=example))
    return values


def _result(raw: RawTable, frame: pd.DataFrame, keep: np.ndarray, **kwargs: Any) -> PresetResult:
    rows = raw.rows[keep]
    out = frame.loc[keep].reset_index(drop=True)
    detection = replace(raw.detection)
    return PresetResult(raw=RawTable(frame=out, detection=detection, rows=rows), **kwargs)


def _t(language: str, de: str, en: str) -> str:
    return en if language == "en" else de


def _spread(order: pd.Series, order_total: pd.Series, weight: pd.Series) -> pd.Series:
    """``order_total`` (equal on every line of an order) spread over the order's lines in
    proportion to ``weight``; an order whose weights sum to 0 puts it all on its first line."""
    w = weight.fillna(0.0).clip(lower=0.0)
    sums = w.groupby(order).transform("sum")
    first = ~order.duplicated()
    share = (w / sums).where(sums > 0, first.astype("float64"))
    return order_total * share


_LOCAL_TIME = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?)")


def _local_time(text: pd.Series) -> pd.Series:
    """``2024-01-15 10:32:11 +0100`` → ``2024-01-15 10:32:11`` (the shop's local time)."""
    extracted = text.str.extract(_LOCAL_TIME, expand=False)
    return extracted.fillna(text).str.replace("T", " ", regex=False)


# -- Shopify "Export orders" ------------------------------------------------------------------


def _shopify(raw: RawTable, language: str) -> PresetResult:
    cols = _Columns(raw.frame)
    problems: list[Problem] = []
    name = cols.text("Name").replace("", pd.NA).ffill().fillna("")

    def order_level(*names: str) -> pd.Series:
        values = cols.text(*names).replace("", pd.NA)
        return values.groupby(name).transform("first").fillna("")

    total_text = order_level("Total")
    frame_for_numbers = pd.DataFrame({"Total": total_text, "Taxes": order_level("Taxes"),
                                      "Refunded Amount": order_level("Refunded Amount")})
    order_cols = _Columns(frame_for_numbers)
    total = _numbers(order_cols, raw, "point", language, problems, "Total")
    taxes = _numbers(order_cols, raw, "point", language, problems, "Taxes").fillna(0.0)
    refunded = _numbers(order_cols, raw, "point", language, problems, "Refunded Amount")
    refunded = refunded.fillna(0.0)
    status = order_level("Financial Status").str.casefold()
    cancelled = (order_level("Cancelled at") != "") | status.isin(["voided"])
    with np.errstate(divide="ignore", invalid="ignore"):
        kept_share = (1.0 - refunded / total).where(total > 0, 0.0).clip(lower=0.0)
    net = ((total - taxes) * kept_share).where(total > 0, 0.0)
    fully_refunded = ~cancelled & (total > 0) & (refunded >= total - 0.005)
    qty = _numbers(cols, raw, "point", language, problems, "Lineitem quantity")
    price = _numbers(cols, raw, "point", language, problems, "Lineitem price")
    discount = _numbers(cols, raw, "point", language, problems, "Lineitem discount").fillna(0.0)
    revenue = _spread(name, net, qty.fillna(1.0) * price.fillna(0.0) - discount)
    frame = pd.DataFrame({
        "Created at": _local_time(order_level("Created at")),
        "Name": name,
        "Email": order_level("Email"),
        "Lineitem name": cols.text("Lineitem name"),
        "Lineitem quantity": qty,
        "Total": revenue,
    })
    mapping = {"date": "Created at", "order_id": "Name", "product": "Lineitem name",
               "quantity": "Lineitem quantity", "revenue": "Total"}
    if cols.header("Source") is not None:
        frame["Source"] = order_level("Source")
        mapping["channel"] = "Source"
    drop = (cancelled | fully_refunded).to_numpy()
    n_orders = int(name[~drop].nunique())
    notes = [_t(language,
                f"Shopify-Bestellungen: {n_orders} Bestellungen mit {int((~drop).sum())} "
                "Positionen; Umsatz je Bestellung = Total − Taxes (netto) nach Rückerstattungen, "
                "einmal gezählt und anteilig auf die Positionen verteilt; Zeitangaben mit "
                "Zeitzone (+0100) als Ortszeit gelesen.",
                f"Shopify orders: {n_orders} orders with {int((~drop).sum())} line items; "
                "revenue per order = Total − Taxes (net) after refunds, counted once and spread "
                "over the line items; timestamps with offset (+0100) read as local time.")]
    n_cancel = int(name[cancelled.to_numpy()].nunique())
    n_refund = int(name[fully_refunded.to_numpy()].nunique())
    if n_cancel or n_refund:
        notes.append(_t(language,
                        f"Nicht gezählt: {n_cancel} stornierte und {n_refund} voll erstattete "
                        "Bestellung(en).",
                        f"Not counted: {n_cancel} cancelled and {n_refund} fully refunded "
                        "order(s)."))
    return _result(raw, frame, ~drop, mapping=mapping, key=("Email", "email"),
                   notes=tuple(notes), problems=tuple(problems))


# -- WooCommerce order export ------------------------------------------------------------------

_WOO_DROP = ("cancelled", "failed", "refunded", "trash", "pending", "checkout-draft")
_WOO_ITEM = re.compile(r"(?:^|\|)\s*(name|quantity|total)\s*:\s*([^|]*)")


def _us_dates(text: pd.Series) -> pd.Series:
    """``9/6/2016 6:29:00`` (MM/DD/YYYY as the WooCommerce export documents it) → ISO text;
    other values unchanged."""
    us = text.str.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?)?")
    if not us.any():
        return text
    parsed = pd.to_datetime(text.where(us), format="mixed", dayfirst=False, errors="coerce")
    return parsed.dt.strftime("%Y-%m-%d %H:%M:%S").where(us & parsed.notna(), text)


def _woo_items(text: str) -> dict[str, str]:
    return {k: v.strip() for k, v in _WOO_ITEM.findall(text)}


def _woocommerce(raw: RawTable, language: str) -> PresetResult:
    cols = _Columns(raw.frame)
    problems: list[Problem] = []
    total = _numbers(cols, raw, "point", language, problems, "order_total")
    tax = _numbers(cols, raw, "point", language, problems, "tax_total", "order_total_tax",
                   "order_tax").fillna(0.0)
    refunded = _numbers(cols, raw, "point", language, problems, "refunded_total",
                        "order_refund").fillna(0.0).abs()
    status = cols.text("status").str.casefold().str.removeprefix("wc-")
    drop = status.isin(_WOO_DROP).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        kept_share = (1.0 - refunded / total).where(total > 0, 0.0).clip(lower=0.0)
    net = ((total - tax) * kept_share).where(total > 0, 0.0)
    customer = cols.text("customer_id", "customer_user")
    customer = customer.where(~customer.isin(["0", ""]), "")
    email = cols.text("customer_email", "billing_email")
    date = _us_dates(cols.text("order_date", "date"))
    item_cols = sorted((h for h in raw.frame.columns if re.fullmatch(r"line_item_\d+", str(h))),
                       key=lambda h: int(str(h).rsplit("_", 1)[1]))
    records: list[tuple[int, str, float, float]] = []  # (row position, product, qty, weight)
    for pos in range(len(raw.frame)):
        items = [_woo_items(str(raw.frame[h].iloc[pos])) for h in item_cols]
        items = [i for i in items if i.get("name")]
        if not items:
            records.append((pos, "", np.nan, 0.0))
        for item in items:
            q = pd.to_numeric(item.get("quantity", ""), errors="coerce")
            w = pd.to_numeric(item.get("total", ""), errors="coerce")
            records.append((pos, item["name"], float(q), float(w) if w == w else 0.0))
    index = np.array([r[0] for r in records], dtype=np.int64)
    order = cols.text("order_number", "order_id").iloc[index].reset_index(drop=True)
    frame = pd.DataFrame({
        "order_date": _local_time(date.iloc[index].reset_index(drop=True)),
        "order_number": order,
        "customer_id": customer.iloc[index].reset_index(drop=True),
        "customer_email": email.iloc[index].reset_index(drop=True),
        "product": [r[1] for r in records],
        "quantity": [r[2] for r in records],
    })
    frame["order_total"] = _spread(order, net.iloc[index].reset_index(drop=True),
                                   pd.Series([r[3] for r in records]))
    # identified by account number; a guest order (customer_id 0) by its e-mail pseudonym
    frame["customer_id"] = frame["customer_id"].where(frame["customer_id"] != "", pd.NA)
    keep = ~drop[index]
    expanded = RawTable(frame=frame, detection=raw.detection, rows=raw.rows[index])
    mapping = {"date": "order_date", "order_id": "order_number", "revenue": "order_total",
               "product": "product", "quantity": "quantity", "customer_id": "customer_id"}
    n_drop = int(drop.sum())
    notes = [_t(language,
                f"WooCommerce-Bestellungen: {int((~drop).sum())} Bestellungen; Umsatz = "
                "order_total − tax_total (netto) nach Erstattungen, einmal je Bestellung; "
                "Gastbestellungen über ein Pseudonym der E-Mail-Adresse erkannt.",
                f"WooCommerce orders: {int((~drop).sum())} orders; revenue = order_total − "
                "tax_total (net) after refunds, once per order; guest orders recognised by a "
                "pseudonym of the e-mail address.")]
    if n_drop:
        notes.append(_t(language,
                        f"Nicht gezählt: {n_drop} Bestellung(en) mit Status storniert, "
                        "fehlgeschlagen, erstattet oder unbezahlt.",
                        f"Not counted: {n_drop} order(s) cancelled, failed, refunded or "
                        "unpaid."))
    return _result(expanded, frame, keep, mapping=mapping, key=("customer_email", "email"),
                   notes=tuple(notes), problems=tuple(problems))


# -- SumUp sales report -------------------------------------------------------------------------


def _sumup(raw: RawTable, language: str) -> PresetResult:
    cols = _Columns(raw.frame)
    problems: list[Problem] = []
    german = cols.header("Transaktionsnummer") is not None
    style = "comma" if raw.detection.delimiter == ";" else "point"
    net = _numbers(cols, raw, style, language, problems, "Preis (netto)", "Price (Net)")
    kind = cols.text("Typ", "Type").str.casefold()
    refund = kind.str.contains("erstatt|refund|rückerstatt", regex=True)
    revenue = net.abs().where(~refund, -net.abs())
    if german:
        date = cols.text("Datum").str.extract(r"(\d{1,2}\.\d{1,2}\.\d{2,4})", expand=False)
    else:
        date = cols.text("Date") + " " + cols.text("Time")
    frame = pd.DataFrame({
        "Datum": date.fillna(cols.text("Datum", "Date")).str.strip(),
        "Transaktionsnummer": cols.text("Transaktionsnummer", "Transaction ID"),
        "Beschreibung": cols.text("Beschreibung", "Description"),
        "Menge": _numbers(cols, raw, style, language, problems, "Menge", "Quantity"),
        "Preis (netto)": revenue,
    })
    mapping = {"date": "Datum", "order_id": "Transaktionsnummer", "product": "Beschreibung",
               "quantity": "Menge", "revenue": "Preis (netto)"}
    notes = (_t(language,
                "SumUp-Verkaufsbericht: der Export enthält keine Kundennummer – alle Verkäufe "
                "zählen als Laufkundschaft (Umsatz, Einkäufe, Artikel); Umsatz = Preis (netto), "
                "Erstattungen abgezogen. Die Spalte »Konto« ist das Händlerkonto, kein Kunde.",
                "SumUp sales report: the export holds no customer number – every sale counts as "
                "walk-in (revenue, purchases, products); revenue = net price, refunds "
                "subtracted. The 'Account' column is the merchant's login, not a customer."),)
    keep = np.ones(len(frame), dtype=bool)
    return _result(raw, frame, keep, mapping=mapping, key=None, notes=notes,
                   problems=tuple(problems))


# -- DATEV EXTF Buchungsstapel --------------------------------------------------------------------

_VAT_BY_ACCOUNT = {"8400": 0.19, "4400": 0.19, "8300": 0.07, "4300": 0.07}
_VAT_BY_KEY = {"3": 0.19, "2": 0.07}


def _datev(raw: RawTable, language: str) -> PresetResult:
    cols = _Columns(raw.frame)
    problems: list[Problem] = []
    meta = next((row for row in raw.detection.preamble
                 if row and row[0].strip().strip('"') in ("EXTF", "DTVF")), ())

    def meta_field(i: int) -> str:
        return meta[i].strip().strip('"') if len(meta) > i else ""

    length = int(meta_field(13)) if meta_field(13).isdigit() else 4
    skr = meta_field(26)
    start = pd.to_datetime(meta_field(14) or meta_field(12), format="%Y%m%d", errors="coerce")
    amount = _numbers(cols, raw, "comma", language, problems, "Umsatz (ohne Soll/Haben-Kz)",
                      "Umsatz")
    side = cols.text("Soll/Haben-Kennzeichen").str.upper()
    konto = cols.text("Konto").str.lstrip("0")
    gegen = cols.text("Gegenkonto (ohne BU-Schlüssel)", "Gegenkonto").str.lstrip("0")
    bu = cols.text("BU-Schlüssel").str.lstrip("0")

    def debtor(acc: pd.Series) -> pd.Series:
        return (acc.str.len() == length + 1) & acc.str[:1].isin(list("123456"))

    revenue_digits = {"03": ["8"], "04": ["4"]}.get(skr, ["8", "4"])

    def revenue_account(acc: pd.Series) -> pd.Series:
        return (acc.str.len() == length) & acc.str[:1].isin(revenue_digits)

    konto_debtor = debtor(konto) & revenue_account(gegen)
    gegen_debtor = debtor(gegen) & revenue_account(konto)
    sale = (konto_debtor | gegen_debtor).to_numpy()
    sign = np.where(konto_debtor, np.where(side == "S", 1.0, -1.0),
                    np.where(side == "H", 1.0, -1.0))
    account = konto.where(konto_debtor, gegen)
    revenue_acc = gegen.where(konto_debtor, konto).str[:4]
    rate = revenue_acc.map(_VAT_BY_ACCOUNT).astype("float64")
    rate = rate.fillna(bu.map(_VAT_BY_KEY).astype("float64")).fillna(0.0)
    revenue = amount * sign / (1.0 + rate)
    date_text = cols.text("Belegdatum").str.zfill(4)
    day, month = date_text.str[:2], date_text.str[2:4]
    year = start.year if start is not pd.NaT and not pd.isna(start) else np.nan
    dates = pd.to_datetime(day + "." + month + "." + str(int(year)) if year == year
                           else pd.Series("", index=day.index), format="%d.%m.%Y",
                           errors="coerce")
    if not pd.isna(start):
        dates = dates.where(~(dates < start), dates + pd.DateOffset(years=1))
    date_out = dates.dt.strftime("%d.%m.%Y").fillna(cols.text("Belegdatum"))
    frame = pd.DataFrame({
        "Belegdatum": date_out,
        "Debitor (Konto/Gegenkonto)": account,
        "Belegfeld 1": cols.text("Belegfeld 1"),
        "Umsatz (ohne Soll/Haben-Kz)": revenue,
    })
    mapping = {"date": "Belegdatum", "customer_id": "Debitor (Konto/Gegenkonto)",
               "order_id": "Belegfeld 1", "revenue": "Umsatz (ohne Soll/Haben-Kz)"}
    no_rate = int((sale & (rate.to_numpy() == 0)).sum())
    notes = [_t(language,
                f"DATEV-Buchungsstapel: {int(sale.sum())} Erlösbuchungen gegen Debitoren "
                f"übernommen (Debitorenkonto = Kunde), {int((~sale).sum())} andere Buchungen "
                "(Zahlungen, Aufwand, Umbuchungen) nicht gezählt; Gutschriften abgezogen, "
                "Umsatzsteuer (19 %/7 %) herausgerechnet; Jahr des Belegdatums aus dem "
                "Kopfsatz.",
                f"DATEV booking batch: {int(sale.sum())} revenue bookings against debtors taken "
                f"(debtor account = customer), {int((~sale).sum())} other bookings (payments, "
                "expenses, transfers) not counted; credit notes subtracted, VAT (19 %/7 %) "
                "removed; year of the document date from the header record.")]
    if no_rate:
        notes.append(_t(language,
                        f"{no_rate} Erlösbuchung(en) ohne erkennbaren Steuersatz: Betrag "
                        "unverändert übernommen.",
                        f"{no_rate} revenue booking(s) without a recognisable VAT rate: amount "
                        "taken unchanged."))
    return _result(raw, frame, sale, mapping=mapping, key=None, notes=tuple(notes),
                   problems=tuple(problems))


# -- Lightspeed Restaurant (K-Series) transactions report ----------------------------------------

#: Transaction types of the report that are sales (Sale) or give money back (Refund); the others
#: move money or accounts without a sale: Float (cash drawer), Foreign (account transferred to
#: another table), Recall (a closed account reopened), Split, Transitory (open at day end, moved
#: to the next day), Update (recreated), Void (cancelled).
_LIGHTSPEED_SALE = "sale"
_LIGHTSPEED_REFUND = "refund"


def _lightspeed_k(raw: RawTable, language: str) -> PresetResult:
    cols = _Columns(raw.frame)
    problems: list[Problem] = []
    kind = cols.text("Type").str.casefold()
    sale = kind == _LIGHTSPEED_SALE
    refund = kind == _LIGHTSPEED_REFUND
    keep = (sale | refund).to_numpy()
    style = "comma" if raw.detection.delimiter == ";" else "point"
    amount = _numbers(cols, raw, style, language, problems, "Amount")
    revenue = amount.abs().where(~refund, -amount.abs())
    frame = pd.DataFrame({
        "Date": _local_time(cols.text("Date")),
        "ID": cols.text("ID"),
        "Item": cols.text("Item"),
        "Quantity": _numbers(cols, raw, style, language, problems, "Quantity"),
        "Amount": revenue,
    })
    mapping = {"date": "Date", "order_id": "ID", "product": "Item", "quantity": "Quantity",
               "revenue": "Amount"}
    left_out = kind[~keep].value_counts()
    other = ", ".join(f"{n} {str(t).title()}" for t, n in left_out.items() if t)
    notes = [_t(language,
                f"Lightspeed-Restaurant-Transaktionen: {int(sale.sum())} Verkaufs- und "
                f"{int(refund.sum())} Rückerstattungspositionen gezählt (Rückerstattungen "
                "abgezogen), Betrag wie exportiert (inkl. MWST). »Account« ist der Tisch oder "
                "das Konto, kein Kunde: alle Verkäufe zählen als Laufkundschaft.",
                f"Lightspeed Restaurant transactions: {int(sale.sum())} sale and "
                f"{int(refund.sum())} refund lines counted (refunds subtracted), amount as "
                "exported (incl. VAT). 'Account' is the table or tab, not a customer: every "
                "sale counts as walk-in.")]
    if other:
        notes.append(_t(language,
                        f"Nicht gezählt (keine Verkäufe): {other}.",
                        f"Not counted (no sales): {other}."))
    return _result(raw, frame, keep, mapping=mapping, key=None, notes=tuple(notes),
                   problems=tuple(problems))


# -- SurveyMonkey responses export -----------------------------------------------------------------

_RECOMMEND = ("weiterempfehlen", "empfehlen", "recommend", "nps")
_SM_ANSWER_TYPES = ("response", "open-ended response", "antwort", "offene antwort")
_SCORE_TEXT = re.compile(r"^\s*(\d{1,2})(?:\s*[-–:]\s*\D.*)?\s*$")


def _us_time(text: pd.Series) -> pd.Series:
    """``11/12/2025 10:25:56 AM`` (SurveyMonkey's US dates) → ISO text; others unchanged."""
    us = text.str.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp][Mm])?)?")
    if not us.any():
        return text
    parsed = pd.to_datetime(text.where(us), format="mixed", dayfirst=False, errors="coerce")
    return parsed.dt.strftime("%Y-%m-%d %H:%M:%S").where(us & parsed.notna(), text)


def _surveymonkey(raw: RawTable, language: str) -> PresetResult:
    frame_in = raw.frame
    cols = _Columns(frame_in)
    headers = [str(h) for h in frame_in.columns]
    # the second header row names each column's answer type ("Response", "Open-Ended Response")
    # or a choice; it sits where the first respondent would, without a Respondent ID
    respondent = cols.text("Respondent ID")
    subheader = np.zeros(len(frame_in), dtype=bool)
    if len(frame_in) and respondent.iloc[0] == "":
        subheader[0] = True
    types = ({h: str(frame_in[h].iloc[0]).strip().casefold() for h in headers}
             if subheader[0] else {})
    score_header = next((h for h in headers
                         if any(w in _key(h) for w in _RECOMMEND)), None)
    after = headers[headers.index(score_header) + 1:] if score_header else []
    comment_header = next((h for h in after if types.get(h) in _SM_ANSWER_TYPES[1::2]),
                          None)
    problems: list[Problem] = []
    score_text = (frame_in[score_header].astype("str").fillna("").str.strip()
                  if score_header else pd.Series("", index=frame_in.index, dtype="str"))
    leading = score_text.str.extract(_SCORE_TEXT, expand=False)
    frame = pd.DataFrame({
        "End Date": _us_time(cols.text("End Date", "Start Date")),
        "Bewertung": leading.fillna(score_text),
        "Email Address": cols.text("Email Address"),
    })
    mapping = {"date": "End Date", "score": "Bewertung"}
    if comment_header is not None:
        frame["Kommentar"] = frame_in[comment_header].astype("str").fillna("").str.strip()
        mapping["comment"] = "Kommentar"
    emails = frame["Email Address"].loc[~subheader]
    key = ("Email Address", "email") if (emails != "").any() else None
    if key is None:
        frame = frame.drop(columns=["Email Address"])
    shown = score_header if score_header is None or len(score_header) <= 60 \
        else score_header[:57] + "…"
    notes = (_t(language,
                "SurveyMonkey-Export: zweite Kopfzeile (Antworttypen) übersprungen; Bewertung "
                f"aus der Frage »{shown}«; Datum = End Date. »Respondent ID« ist die Nummer "
                "der Antwort, keine Kundennummer"
                + ("; Kunden über ein Pseudonym der E-Mail-Adresse erkannt." if key else "."),
                "SurveyMonkey export: second header row (answer types) skipped; score from "
                f"the question '{shown}'; date = End Date. 'Respondent ID' numbers the "
                "response, not the customer"
                + ("; customers recognised by a pseudonym of the e-mail address." if key
                   else ".")),)
    if score_header is None:
        mapping.pop("score")
    return _result(raw, frame, ~subheader, mapping=mapping, key=key, notes=notes,
                   problems=tuple(problems))


PRESETS: tuple[Preset, ...] = (
    Preset("shopify_orders", "Shopify (Bestellungen exportieren)", "Shopify (Export orders)",
           "transactions", "https://matrixify.app/documentation/orders/ (Shopify's export "
           "columns)",
           (_sig("Name", "Created at", "Lineitem name", "Lineitem quantity", "Lineitem price",
                 "Total"),),
           _shopify),
    Preset("woocommerce_orders", "WooCommerce (Bestellexport)", "WooCommerce (order export)",
           "transactions", "https://woocommerce.com/document/import-and-export-of-woocommerce-"
           "orders/",
           (_sig("order_id", "order_date", "status", "order_total"),),
           _woocommerce),
    Preset("sumup_sales", "SumUp (Verkaufsbericht)", "SumUp (sales report)", "transactions",
           "https://github.com/ursjoss/lola-sumup (src/prepare.rs, src/test_fixtures.rs)",
           (_sig("Datum", "Typ", "Transaktionsnummer", "Zahlungsmethode", "Preis (netto)"),
            _sig("Date", "Type", "Transaction ID", "Payment Method", "Price (Net)")),
           _sumup),
    Preset("datev_extf", "DATEV-Buchungsstapel (EXTF)", "DATEV booking batch (EXTF)",
           "transactions", "https://github.com/ledermann/datev (lib/datev/base/header.rb, "
           "booking.rb)",
           (_sig("Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "Konto",
                 "Gegenkonto (ohne BU-Schlüssel)", "Belegdatum"),),
           _datev),
    Preset("lightspeed_k_transactions", "Lightspeed Restaurant (Transaktionen)",
           "Lightspeed Restaurant (transactions)", "transactions",
           "https://k-series-support.lightspeedhq.com/hc/en-us/articles/4403189403675 "
           "(Transactions report: columns and transaction types)",
           (_sig("Type", "Date", "ID", "Account", "Device", "SKU", "Quantity", "Amount"),),
           _lightspeed_k),
    Preset("surveymonkey_responses", "SurveyMonkey (Antworten exportieren)",
           "SurveyMonkey (responses export)", "nps",
           "https://github.com/expectedparrot/edsl (edsl/conjure/survey_monkey/"
           "data_classes.py: SURVEY_MONKEY_HEADERS; two header rows)",
           (_sig("Respondent ID", "Collector ID", "Start Date", "End Date"),),
           _surveymonkey),
)


def detect(headers: list[str], table: str | None = None) -> Preset | None:
    """The preset whose signature the headers contain (for ``table`` if given), or ``None``."""
    for preset in PRESETS:
        if (table is None or preset.table == table) and preset.matches(headers):
            return preset
    return None
