"""Chapter 04 · Kundenwert & Segmente: cohorts, RFM segments, CLV, regulars, cross-selling.

Sections return blocks like every chapter (see :mod:`kbworkbook.notebook`); narrative lives in
``kundenwert.toml``. Only aggregates over groups of customers are rendered, never ids.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import MetricError
from ..figures import format_figure
from ..i18n import (
    format_currency,
    format_date,
    format_decimal,
    format_integer,
    format_percent,
    round_half_up,
    swiss_spelling,
)
from ..notebook import Context, note
from ._narrative import fill, label, markdown, text, texts
from ._sections import (
    as_of,
    figure_of,
    identified_note,
    load,
    table_html,
    transactions_at,
    undefined,
)
from ._window import analysis_setting, history_caption, window_caption, window_months
from .lebenszyklus import concentration, lifecycle
from .verweildauer import staying

__all__ = [
    "ABOUT",
    "INPUTS",
    "SECTIONS",
    "calllist",
    "clv",
    "cohorts",
    "concentration",
    "cross_selling",
    "intro",
    "lifecycle",
    "outlook",
    "profitability",
    "questions",
    "rfm",
    "segment_summary",
    "stammkunden",
    "staying",
    "winback",
]

SECTIONS: list[str] = ["intro", "concentration", "cohorts", "staying", "lifecycle", "rfm", "clv",
                       "outlook", "calllist", "winback", "stammkunden", "profitability",
                       "cross_selling", "questions"]
INPUTS: tuple[str, ...] = ("transactions",)
ABOUT = ("Wer das Geschäft trägt: Kohorten, RFM-Segmente mit Handlungsempfehlung, "
         "Kundenwert (CLV) mit Annahmen, wen jetzt ansprechen (Rückgewinnungsliste im "
         "Arbeitsordner unter listen/, im Bericht nur Summen) und was die letzte Liste "
         "brachte, Stammkundenanteil und Cross-Selling-Paare.")

#: Display order of the packaged RFM segments (best first); unknown keys follow.
SEGMENT_ORDER: tuple[str, ...] = (
    "champions", "loyal", "potential_loyalist", "new_customers", "promising",
    "need_attention", "about_to_sleep", "at_risk", "cant_lose", "hibernating",
)

_LBL: dict[str, dict[str, str]] = {
    "de": {
        "month": "Nach Monaten", "figure": "Kennzahl",
        "avg_retention": "Ø wieder aktiv, gewichtet nach Kohortengröße",
        "avg_retention_simple": "Ø je Kohorte (ungewichtet)",
        "cohorts_used": "Kohorten", "segment": "Segment", "customers": "Kunden",
        "cohorts_all": "Alle {total} Kohorten zeigen",
        "cohorts_shown": "Gezeigt sind die jüngsten {shown} von {total} Kohorten mit ihren ersten "
        "{shown} Monaten, damit die Zahlen auch gedruckt lesbar bleiben; die Durchschnitte in der "
        "Tabelle darunter stützen sich auf alle {total}. Alle Kohorten zeigt dieses Kapitel im "
        "Workshop (»kbworkbook lab«).",
        "customer_share": "Anteil Kunden", "revenue_share": "Anteil Umsatz",
        "recency": "Ø Tage seit letztem Einkauf", "frequency": "Ø Einkäufe",
        "action": "Was tun?", "assumption": "Annahme / Ergebnis", "value": "Wert",
        "source": "Quelle",
        "m": "Ø Deckungsbeitrag je aktiven Kunden und Jahr (m)",
        "r": "Kundenbindungsrate (r)", "d": "Kalkulationszinssatz (d)",
        "margin_rate": "Deckungsbeitrag in % vom Umsatz",
        "convention": "Formel",
        "convention_value": "Beitrag dieses Jahres plus abgezinste Beiträge der Folgejahre",
        "clv": "Kundenwert (CLV, {t} Jahre)", "horizon": "Zeithorizont (T)",
        "lifetime": "Erwartete Kundendauer 1/(1−r)", "years": "{v} Jahre",
        "acq": "Akquisitionskosten je Neukunde", "net_clv": "Netto-Kundenwert (CLV − Akquisition)",
        "src_config": "kbworkbook.toml [{section}] {name}",
        "src_margin_col": "Spalte »Marge« der Verkaufsdaten",
        "src_estimated": "; {n} Zeilen ohne Marge zum selben Satz geschätzt, nicht als 0",
        "src_default": "Standardannahme (in kbworkbook.toml [economics] {name} anpassen)",
        "src_default_margin": "Standardannahme (in kbworkbook.toml [economics] margin_rate "
                              "anpassen)",
        "src_window": "letzte {m} Monate gegenüber den {m} davor",
        "src_data": "Verkaufsdaten, letzte {m} Monate",
        "clv_mean": "Ø Kundenwert", "clv_total": "Summe Kundenwert",
        "regular_customers": "Stammkunden (≥ {k} Einkäufe in {m} Monaten)",
        "active": "Aktive Kunden ({m} Monate)", "regular_customer_share": "Anteil an den Kunden",
        "regular_revenue": "Umsatz der Stammkunden",
        "regular_revenue_share": "Anteil am Umsatz",
        "top20": "Umsatzanteil der umsatzstärksten 20 % der Kunden",
        "top10": "Umsatzanteil der 10 umsatzstärksten Kunden",
        "pair": "Produktpaar", "orders": "Gemeinsame Einkäufe", "support": "Support",
        "conf_ab": "Konfidenz A→B", "conf_ba": "Konfidenz B→A", "lift": "Lift",
    },
    "en": {
        "month": "After months", "figure": "Figure",
        "avg_retention": "Avg. active again, weighted by cohort size",
        "avg_retention_simple": "Avg. per cohort (unweighted)",
        "cohorts_used": "Cohorts", "segment": "Segment", "customers": "Customers",
        "cohorts_all": "Show all {total} cohorts",
        "cohorts_shown": "Shown are the latest {shown} of {total} cohorts with their first "
        "{shown} months, so that the figures stay readable in print; the averages in the table "
        "below use all {total}. The workshop version of this chapter ('kbworkbook lab') shows "
        "every cohort.",
        "customer_share": "Share of customers", "revenue_share": "Share of revenue",
        "recency": "Avg. days since last purchase", "frequency": "Avg. purchases",
        "action": "What to do", "assumption": "Assumption / result", "value": "Value",
        "source": "Source",
        "m": "Avg. contribution per active customer and year (m)",
        "r": "Retention rate (r)", "d": "Discount rate (d)",
        "margin_rate": "Contribution margin in % of revenue",
        "convention": "Formula",
        "convention_value": "this year's contribution plus the discounted later ones",
        "clv": "Customer lifetime value (CLV, {t} years)", "horizon": "Horizon (T)",
        "lifetime": "Expected customer lifetime 1/(1−r)", "years": "{v} years",
        "acq": "Acquisition cost per new customer",
        "net_clv": "Net customer value (CLV − acquisition)",
        "src_config": "kbworkbook.toml [{section}] {name}",
        "src_margin_col": "margin column of the sales data",
        "src_estimated": "; {n} lines without a margin estimated at the same rate, not as 0",
        "src_default": "default assumption (set [economics] {name} in kbworkbook.toml)",
        "src_default_margin": "default assumption (set [economics] margin_rate in "
                              "kbworkbook.toml)",
        "src_window": "last {m} months vs. the {m} before",
        "src_data": "sales data, last {m} months",
        "clv_mean": "Avg. customer value", "clv_total": "Total customer value",
        "regular_customers": "Regular customers (≥ {k} purchases in {m} months)",
        "active": "Active customers ({m} months)", "regular_customer_share": "Share of customers",
        "regular_revenue": "Revenue of regulars",
        "regular_revenue_share": "Share of revenue",
        "top20": "Revenue share of the top 20% of customers",
        "top10": "Revenue share of the 10 largest customers",
        "pair": "Product pair", "orders": "Purchases together", "support": "Support",
        "conf_ab": "Confidence A→B", "conf_ba": "Confidence B→A", "lift": "Lift",
    },
}

_TEXTS = texts(__file__)


def _lbl(ctx: Context, key: str, **values: Any) -> str:
    return fill(ctx, _LBL[ctx.language][key], **values)


def _window(frame: pd.DataFrame, day: pd.Timestamp, months: int) -> pd.DataFrame:
    end = day.normalize() + pd.Timedelta(days=1)
    start = end - pd.DateOffset(months=months)
    return frame.loc[(frame["date"] >= start) & (frame["date"] < end)]


# -- sections ----------------------------------------------------------------------------------


def intro(ctx: Context) -> list[Any]:
    """What the chapter shows."""
    frame, _ = load(ctx, "transactions", _TEXTS)
    day = as_of(ctx, frame)
    return [markdown(ctx, _TEXTS, "intro",
                     as_of=format_date(day, ctx.locale) if day is not None else "–",
                     months=window_months(ctx))]


#: Monthly cohorts in the workshop (on screen) and in the report (12 × 12 cells stay readable
#: on an A4 page; 24 × 24 do not).
REPORT_COHORTS = 12  # the workshop shows all the analysis keeps (figures.COHORT_MONTHS)


def cohorts(ctx: Context) -> list[Any]:
    """Monthly cohort heatmap (classic) and average return rates over the last 24 cohorts.

    The heatmap shows the youngest 12 cohorts: the report says so in a note, the workshop
    draws all 24 on a button (:func:`all_cohorts`; their 300 numbers take half a second to
    draw, too long for »Alle Zellen ausführen«).
    """
    from ..metrics.cohorts import average_retention, recent_cohorts

    blocks: list[Any] = [markdown(ctx, _TEXTS, "cohorts")]
    frame, day, stop = transactions_at(ctx, _TEXTS, blocks)
    if frame is None:
        return stop
    blocks += identified_note(ctx)
    table = ctx.analysis().cohorts
    if table is None or isinstance(table, MetricError):
        return blocks + [undefined(ctx, _TEXTS, table or "–")]
    loc = ctx.locale
    rows = [[str(r["period"]), format_percent(r["weighted"], loc, 0),
             format_percent(r["simple"], loc, 0), format_integer(r["cohorts"], loc)]
            for r in average_retention(table).to_dict("records")]
    shown = recent_cohorts(table, day, REPORT_COHORTS)
    blocks += _heatmap(ctx, shown, day)
    total = format_integer(len(table.sizes), loc)
    if len(shown.sizes) < len(table.sizes) and ctx.live:
        from ..forms import on_demand

        blocks.append(on_demand(_lbl(ctx, "cohorts_all", total=total),
                                lambda: all_cohorts(ctx, table, day)))
    elif len(shown.sizes) < len(table.sizes):
        blocks.append(note(_lbl(ctx, "cohorts_shown", shown=format_integer(len(shown.sizes), loc),
                                total=total)))
    if rows:
        blocks.append(table_html([_lbl(ctx, "month"), _lbl(ctx, "avg_retention"),
                                  _lbl(ctx, "avg_retention_simple"),
                                  _lbl(ctx, "cohorts_used")], rows))
    blocks.append(markdown(ctx, _TEXTS, "cohorts_reading"))
    return blocks


def _heatmap(ctx: Context, table: Any, day: pd.Timestamp) -> list[Any]:
    """The cohort heatmap of ``table`` with its history caption."""
    from ..plots.metrics import cohort_heatmap

    first_cohort = table.retention.index[0].start_time if len(table.retention) else day
    return [history_caption(ctx, first_cohort, day.normalize() + pd.Timedelta(days=1)),
            figure_of(cohort_heatmap(table, language=ctx.language, locale=ctx.locale))]


def all_cohorts(ctx: Context, table: Any, day: pd.Timestamp) -> list[Any]:
    """The workshop's heatmap of every cohort (the button below the youngest 12)."""
    return _heatmap(ctx, table, day)


def _segments(ctx: Context, frame: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """RFM values, scores and segments per customer active in the current window (workspace
    segment table if configured); computed once per chapter run."""
    from ..metrics import rfm_scores, rfm_segments, rfm_values

    months = window_months(ctx)

    def compute() -> pd.DataFrame:
        custom = ctx.workspace.section("segments")
        scores = rfm_scores(rfm_values(frame, day, months))
        return rfm_segments(scores, segments=dict(custom) if custom else None,
                            language=ctx.language)

    return ctx.memo(f"kundenwert.segments:{day.date()}:{months}", compute)


def _lapsed(frame: pd.DataFrame, day: pd.Timestamp, months: int) -> int:
    """Customers who bought before the current window but not in it (not segmented)."""
    from ..metrics import rfm_values

    return len(rfm_values(frame, day)) - len(rfm_values(frame, day, months))


def segment_summary(segmented: pd.DataFrame) -> pd.DataFrame:
    """Per segment: label, customers, shares of customers and revenue, mean recency/frequency.

    ``segmented`` is the output of ``rfm_segments`` (columns ``segment``, ``segment_label``,
    ``recency``, ``frequency``, ``monetary``). Rows follow :data:`SEGMENT_ORDER`.
    """
    grouped = segmented.groupby("segment", sort=False)
    out = pd.DataFrame({
        "label": grouped["segment_label"].first(),
        "customers": grouped.size(),
        "revenue": grouped["monetary"].sum(),
        "recency": grouped["recency"].mean(),
        "frequency": grouped["frequency"].mean(),
    })
    out["customer_share"] = out["customers"] / out["customers"].sum()
    total = float(out["revenue"].sum())
    out["revenue_share"] = out["revenue"] / total if total > 0 else np.nan
    rank = {key: i for i, key in enumerate(SEGMENT_ORDER)}
    order = sorted(out.index, key=lambda key: (rank.get(str(key), len(rank)), str(key)))
    return out.loc[order]


def rfm(ctx: Context) -> list[Any]:
    """RFM segments: customers and revenue share per segment, with what to do."""
    from ..plots.metrics import rfm_segment_bars

    blocks: list[Any] = [markdown(ctx, _TEXTS, "rfm")]
    frame, day, stop = transactions_at(ctx, _TEXTS, blocks)
    if frame is None:
        return stop
    blocks += identified_note(ctx)
    blocks.append(window_caption(ctx, day))
    try:
        summary = segment_summary(_segments(ctx, frame, day))
    except MetricError as exc:
        return blocks + [undefined(ctx, _TEXTS, exc)]
    loc = ctx.locale
    plot_frame = summary.set_index("label")[["customers", "revenue_share"]]
    blocks.append(rfm_segment_bars(plot_frame, language=ctx.language, locale=loc))
    actions = _TEXTS.get("actions", {})
    rows = []
    for key, item in summary.iterrows():
        action = actions.get(str(key), {})
        rows.append([str(item["label"]), format_integer(item["customers"], loc),
                     format_percent(item["customer_share"], loc, 0),
                     format_percent(item["revenue_share"], loc, 0),
                     format_decimal(item["recency"], loc, 0),
                     format_decimal(item["frequency"], loc, 1),
                     swiss_spelling(action.get(ctx.language, action.get("de", "")), ctx.locale)])
    header = [_lbl(ctx, k) for k in ("segment", "customers", "customer_share", "revenue_share",
                                     "recency", "frequency", "action")]
    blocks.append(table_html(header, rows, text_columns=(6,)))
    lapsed = _lapsed(frame, day, window_months(ctx))
    if lapsed > 0:
        blocks.append(markdown(ctx, _TEXTS, "rfm_lapsed", n=format_integer(lapsed, loc),
                               months=window_months(ctx)))
    blocks.append(markdown(ctx, _TEXTS, "rfm_reading"))
    return blocks


_SOURCE = {"config": "src_config", "data": "src_margin_col", "default": "src_default_margin"}


def clv(ctx: Context) -> list[Any]:
    """The one customer value with its formula, horizon and every assumption beside it; CLV
    per segment."""
    from ..figures import contribution_margin
    from ..metrics import clv_by_segment, clv_per_customer, expected_lifetime
    from ..plots.metrics import clv_segment_bars

    blocks: list[Any] = [markdown(ctx, _TEXTS, "clv")]
    frame, day, stop = transactions_at(ctx, _TEXTS, blocks)
    if frame is None:
        return stop
    blocks += identified_note(ctx)
    blocks.append(window_caption(ctx, day))
    analysis = ctx.analysis()
    basis, conv, kept = analysis.margin, analysis.clv, analysis.retention
    if basis is None or kept is None or analysis.customer_value is None:
        reason = "; ".join(analysis.notes_in(ctx.language, ctx.locale)) or "–"
        return blocks + [undefined(ctx, _TEXTS, reason)]
    loc, cur = ctx.locale, ctx.currency
    months = analysis.window.months

    def fig(key: str, value: float) -> str:
        return format_figure(key, value, loc, cur)

    def config(name: str) -> str:
        return _lbl(ctx, "src_config", section="economics", name=name)

    if basis.source == "default":
        blocks.append(note(text(ctx, _TEXTS, "clv_default_margin",
                                rate=fig("margin_rate", basis.rate))))
    rate_source = (config("margin_rate") if basis.source == "config"
                   else _lbl(ctx, _SOURCE[basis.source]))
    if basis.source == "data" and basis.estimated_lines:
        rate_source += _lbl(ctx, "src_estimated", n=format_integer(basis.estimated_lines, loc))
    value = analysis.customer_value
    rows = [
        [_lbl(ctx, "m"), fig("margin_per_customer", analysis.margin_per_customer),
         _lbl(ctx, "src_data", m=months)],
        [_lbl(ctx, "margin_rate"), fig("margin_rate", basis.rate), rate_source],
        [_lbl(ctx, "r"), fig("crr", kept.crr), _lbl(ctx, "src_window", m=months)],
        [_lbl(ctx, "d"), format_percent(conv.discount_rate, loc, 1),
         config("discount_rate") if conv.discount_source == "config"
         else _lbl(ctx, "src_default", name="discount_rate")],
        [_lbl(ctx, "horizon"), _lbl(ctx, "years", v=format_integer(conv.horizon_years, loc)),
         config("clv_horizon_years") if conv.horizon_source == "config"
         else _lbl(ctx, "src_default", name="clv_horizon_years")],
        [_lbl(ctx, "convention"), conv.FORMULA, _lbl(ctx, "convention_value")],
        [_lbl(ctx, "clv", t=conv.horizon_years), fig("clv", value), ""],
    ]
    try:
        rows.insert(5, [_lbl(ctx, "lifetime"),
                        _lbl(ctx, "years", v=format_decimal(expected_lifetime(kept.crr), loc, 1)),
                        ""])
    except MetricError:
        pass
    acquisition = _setting(ctx, "acquisition_cost")
    if acquisition is not None:
        rows.append([_lbl(ctx, "acq"), format_currency(acquisition, cur, loc, 0),
                     config("acquisition_cost")])
        net = round_half_up(value, 0) - round_half_up(acquisition, 0)
        rows.append([_lbl(ctx, "net_clv"), format_currency(net, cur, loc, 0), ""])
    blocks.append(table_html([_lbl(ctx, "assumption"), _lbl(ctx, "value"),
                              _lbl(ctx, "source")], rows, text_columns=(2,)))
    try:
        segmented = _segments(ctx, frame, day)
        per_customer = clv_per_customer(contribution_margin(frame, basis), day, kept.crr,
                                        conv.discount_rate, months=months,
                                        horizon=conv.horizon_years, convention="start")
    except MetricError:
        segmented = None
    if segmented is not None:
        by_segment = clv_by_segment(per_customer, segmented["segment"])
        labels = segmented.groupby("segment")["segment_label"].first()
        rank = {key: i for i, key in enumerate(SEGMENT_ORDER)}
        order = sorted(by_segment.index, key=lambda k: (rank.get(str(k), len(rank)), str(k)))
        by_segment = by_segment.loc[order]
        by_segment.index = [str(labels.get(k, k)) for k in by_segment.index]
        if len(by_segment):
            blocks.append(figure_of(clv_segment_bars(by_segment, currency=cur,
                                                     language=ctx.language, locale=loc)))
    blocks.append(markdown(ctx, _TEXTS, "clv_reading"))
    return blocks


def _outlook_label(ctx: Context, key: str, **values: Any) -> str:
    table = _TEXTS["outlook_labels"]
    raw = (table.get(ctx.language) or table["de"])[key]
    return fill(ctx, raw, **values)


def outlook(ctx: Context) -> list[Any]:
    """BG/NBD + Gamma-Gamma: probably active customers, next 12 months' purchases and margin,
    valuable customers slipping away, and the calibration/holdout check; totals only."""
    from ..models import model_assumptions

    blocks: list[Any] = [markdown(ctx, _TEXTS, "outlook")]
    frame, day, stop = transactions_at(ctx, _TEXTS, blocks)
    if frame is None:
        return stop
    analysis = ctx.analysis()
    basis, result = analysis.margin, analysis.outlook
    if basis is None or result is None:
        reason = "; ".join(analysis.notes_in(ctx.language, ctx.locale)) or "–"
        return blocks + [undefined(ctx, _TEXTS, reason)]
    loc, cur = ctx.locale, ctx.currency
    blocks.append(note(model_assumptions(loc)))
    if not result.usable:
        reasons = " ".join(i.text(loc) for i in result.gate.issues if i.model == "bgnbd")
        return blocks + [note(text(ctx, _TEXTS, "outlook_gate", reasons=reasons))]
    active = result.probably_active or 0
    rows = [
        [_outlook_label(ctx, "customers"), format_integer(result.customers, loc)],
        [_outlook_label(ctx, "active"), f"{format_integer(active, loc)} "
         f"({format_percent(active / result.customers, loc, 1)})"],
        [_outlook_label(ctx, "purchases"), format_integer(result.next_year_purchases, loc)],
        [_outlook_label(ctx, "margin", rate=format_figure("margin_rate", basis.rate, loc, cur)),
         format_currency(result.next_year_margin, cur, loc, 0)],
        [_outlook_label(ctx, "slipping"), format_integer(result.valuable_slipping, loc)],
    ]
    blocks.append(table_html([_outlook_label(ctx, "figure"), _outlook_label(ctx, "value")],
                             rows))
    if not result.gamma_gamma:
        blocks.append(note(text(ctx, _TEXTS, "outlook_average_value")))
    check = result.holdout
    if check is not None and result.holdout_start is not None:
        error = (check.predicted_total - check.actual_total) / check.actual_total \
            if check.actual_total else float("nan")
        blocks.append(markdown(ctx, _TEXTS, "outlook_holdout",
                               start=format_date(result.holdout_start, loc),
                               predicted=format_integer(check.predicted_total, loc),
                               actual=format_integer(check.actual_total, loc),
                               error=("+" if error > 0 else "") + format_percent(error, loc, 0)))
        table = check.table
        blocks.append(table_html(
            [_outlook_label(ctx, k) for k in ("group", "n", "actual", "predicted")],
            [[str(group), format_integer(row["customers"], loc),
              format_decimal(row["actual"], loc, 2), format_decimal(row["predicted"], loc, 2)]
             for group, row in table.iterrows()]))
    return blocks


def _calllist_label(ctx: Context, key: str, **values: Any) -> str:
    table = _TEXTS["calllist_labels"]
    return fill(ctx, (table.get(ctx.language) or table["de"])[key], **values)


def _list_groups(ctx: Context, frame: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame | None:
    """The call list's groups (RFM segments as a slipping customer, workspace segment table if
    configured); computed once per chapter run."""
    from ..models.calllist import call_list_groups

    custom = ctx.workspace.section("segments")
    return ctx.memo(f"kundenwert.list_groups:{day.date()}", lambda: call_list_groups(
        frame, day, segments=dict(custom) if custom else None, language=ctx.language))


def _group_texts(ctx: Context, segmented: pd.DataFrame | None
                 ) -> tuple[dict[str, str], dict[str, str]]:
    """Group key → label and → suggested action (the segment playbook of ``[actions]``)."""
    from ..models.calllist import OTHER_GROUP

    labels = ({} if segmented is None else
              {str(k): str(v) for k, v in segmented.groupby("segment")["segment_label"].first()
               .items()})
    labels[OTHER_GROUP] = _calllist_label(ctx, "other")
    actions = {}
    for key, entry in _TEXTS.get("actions", {}).items():
        actions[str(key)] = swiss_spelling(entry.get(ctx.language) or entry.get("de", ""),
                                           ctx.locale)
    return labels, actions


def _policy(ctx: Context) -> tuple[Any, list[str]]:
    """The call-list policy from ``[calllist]`` of kbworkbook.toml (defaults for what is not
    set); a value that does not fit is named in a note and its default used."""
    from dataclasses import fields

    from ..models.calllist import CallListPolicy

    settings = ctx.workspace.section("calllist")
    values: dict[str, Any] = {}
    problems: list[str] = []
    for item in fields(CallListPolicy):
        if item.name not in settings:
            continue
        raw = settings[item.name]
        try:
            number: Any = int(raw) if item.type in (int, "int") else float(raw)
            if isinstance(raw, bool) or number != float(raw):
                raise ValueError(raw)
            CallListPolicy(**{item.name: number})
        except (TypeError, ValueError):
            problems.append(text(ctx, _TEXTS, "calllist_setting", setting=item.name,
                                 value=str(raw), default=str(item.default)))
            continue
        values[item.name] = number
    return CallListPolicy(**values), problems


def calllist(ctx: Context) -> list[Any]:
    """»Wen jetzt ansprechen?«: valuable customers who are slipping, ranked by value at stake,
    per group with the playbook's action; counts and money only. In a client's workspace the
    report writes the list itself into ``listen/`` (never into the report)."""
    from ..models.calllist import alive_probabilities, call_list, call_list_summary

    blocks: list[Any] = [markdown(ctx, _TEXTS, "calllist")]
    frame, day, stop = transactions_at(ctx, _TEXTS, blocks)
    if frame is None:
        return stop
    basis = ctx.analysis().margin
    if basis is None:
        reason = "; ".join(ctx.analysis().notes_in(ctx.language, ctx.locale)) or "–"
        return blocks + [undefined(ctx, _TEXTS, reason)]
    loc, cur = ctx.locale, ctx.currency
    try:
        # the outlook fitted the purchase-behaviour model once; without its fit (the data do
        # not suffice, or it did not converge) slipping is judged by each customer's rhythm
        outlook = ctx.analysis().outlook
        fitted = outlook.fit if outlook is not None else None
        alive = None if fitted is None else ctx.memo(
            f"kundenwert.p_alive:{day.date()}",
            lambda: alive_probabilities(frame, day, loc, fitted))
        segmented = _list_groups(ctx, frame, day)
        policy_set, problems = _policy(ctx)
        blocks += [note(problem) for problem in problems]
        result = call_list(frame, day, basis.rate, alive,
                           None if segmented is None else segmented["segment"], policy_set)
    except MetricError as exc:
        return blocks + [undefined(ctx, _TEXTS, exc)]
    policy = result.policy
    months = policy.max_days_since * 12 // 365
    blocks.append(note(text(
        ctx, _TEXTS, f"calllist_{result.method}", months=months,
        alive=format_percent(policy.alive_below, loc, 0),
        multiple=format_decimal(policy.gap_multiple, loc, 0),
        share=format_percent(policy.valuable_share, loc, 0))))
    if not len(result.candidates):
        return blocks + [note(text(ctx, _TEXTS, "calllist_none",
                                   valuable=format_integer(result.valuable, loc)))]
    labels, actions = _group_texts(ctx, segmented)
    summary = call_list_summary(result)
    listed = result.listed
    blocks.append(markdown(
        ctx, _TEXTS, "calllist_found", candidates=format_integer(len(result.candidates), loc),
        valuable=format_integer(result.valuable, loc),
        stake=format_currency(float(result.candidates["value_at_stake"].sum()), cur, loc, 0),
        listed=format_integer(len(listed), loc),
        listed_stake=format_currency(float(listed["value_at_stake"].sum()), cur, loc, 0)))
    rows = [[labels.get(str(key), str(key)), format_integer(item["candidates"], loc),
             format_integer(item["listed"], loc),
             format_currency(item["value_at_stake"], cur, loc, 0),
             format_integer(item["mean_days_since"], loc) if item["listed"] else "–",
             actions.get(str(key), "")]
            for key, item in summary.iterrows()]
    rows.append([_calllist_label(ctx, "total"),
                 format_integer(len(result.candidates), loc), format_integer(len(listed), loc),
                 format_currency(float(listed["value_at_stake"].sum()), cur, loc, 0),
                 format_integer(float(listed["days_since"].mean()), loc), ""])
    blocks.append(table_html([_calllist_label(ctx, k) for k in
                              ("group", "candidates", "listed", "stake", "days", "action")],
                             rows, text_columns=(5,)))
    blocks += _list_file(ctx, result, frame, labels, actions)
    return blocks


def _list_file(ctx: Context, result: Any, frame: pd.DataFrame, labels: dict[str, str],
               actions: dict[str, str]) -> list[Any]:
    """Write the owner's list into the workspace (reports of a client's workspace only) and say
    where, as a workspace-relative path; the sample client and the workshop write nothing."""
    from ..calllist_files import list_paths, write_call_list
    from ..errors import KbWorkbookError

    relative = list_paths(ctx.workspace, result.as_of)[0].relative_to(ctx.workspace.root)
    path = relative.as_posix()
    if ctx.workspace.is_sample:
        return [note(text(ctx, _TEXTS, "calllist_sample", path=path))]
    if ctx.live:
        return [note(text(ctx, _TEXTS, "calllist_live", path=path))]
    try:
        written = write_call_list(ctx.workspace, result, frame, actions, labels, ctx.language)
    except (OSError, KbWorkbookError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return [note(text(ctx, _TEXTS, "calllist_failed", path=path, reason=reason))]
    key = "calllist_written" if written.created else "calllist_exists"
    return [note(text(ctx, _TEXTS, key, path=written.relative_path,
                      n=format_integer(written.rows, ctx.locale)))]


def winback(ctx: Context) -> list[Any]:
    """What the latest earlier list brought: listed customers who bought again since, their
    revenue, beside contacted vs. not contacted or the candidates cut by the list length.
    Nothing when no earlier list exists."""
    result = ctx.analysis().winback
    if result is None:
        return []
    loc, cur = ctx.locale, ctx.currency
    blocks: list[Any] = [markdown(
        ctx, _TEXTS, "winback", date=format_date(result.list_date, loc),
        as_of=format_date(result.as_of, loc), listed=format_integer(result.listed, loc),
        returned=format_integer(result.returned, loc),
        rate=format_figure("winback_rate", result.rate, loc, cur),
        revenue=format_currency(result.revenue, cur, loc, 0))]
    rows = []
    for key, item in result.groups.iterrows():
        rate = (format_figure("winback_rate", item["rate"], loc, cur) if item["customers"]
                else "–")
        rows.append([_calllist_label(ctx, f"wb_{key}"), format_integer(item["customers"], loc),
                     format_integer(item["returned"], loc), rate,
                     format_currency(item["revenue"], cur, loc, 0)])
    blocks.append(table_html([_calllist_label(ctx, k) for k in
                              ("wb_group", "wb_customers", "wb_returned", "wb_rate",
                               "wb_revenue")], rows))
    blocks.append(markdown(ctx, _TEXTS, f"winback_{result.comparison or 'alone'}"))
    return blocks


def _setting(ctx: Context, key: str) -> float | None:
    value = ctx.workspace.section("economics").get(key)
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def stammkunden(ctx: Context) -> list[Any]:
    """Regular customers: share of customers and of revenue; concentration on the top 20 %."""
    from ..metrics import purchase_figures

    months = analysis_setting(ctx, "window_months", 12)
    min_orders = analysis_setting(ctx, "stammkunde_min_orders", 2)
    blocks: list[Any] = [markdown(ctx, _TEXTS, "stammkunden", months=months,
                                  min_orders=min_orders)]
    frame, day, stop = transactions_at(ctx, _TEXTS, blocks)
    if frame is None:
        return stop
    blocks += identified_note(ctx)
    blocks.append(window_caption(ctx, day))
    figures = ctx.analysis().purchases
    if figures is None:
        try:
            figures = purchase_figures(frame, day, months, min_orders)
        except MetricError as exc:
            return blocks + [undefined(ctx, _TEXTS, exc)]
    loc, cur = ctx.locale, ctx.currency
    rows = [
        [_lbl(ctx, "active", m=months), format_figure("active_customers", figures.customers,
                                                      loc, cur)],
        [_lbl(ctx, "regular_customers", k=min_orders, m=months),
         format_integer(figures.regular_customers, loc)],
        [_lbl(ctx, "regular_customer_share"),
         format_percent(figures.regular_customers / figures.customers
                        if figures.customers else float("nan"), loc, 0)],
        [_lbl(ctx, "regular_revenue"), format_currency(figures.regular_revenue, cur, loc, 0)],
        [_lbl(ctx, "regular_revenue_share"),
         format_figure("regulars_revenue_share", figures.regular_revenue_share, loc, cur)],
    ]
    found = ctx.analysis().concentration  # the revenue shares of the largest customers
    if found is not None and found.customers >= 5:
        rows.append([_lbl(ctx, "top20"), format_figure("top20pct_revenue_share",
                                                       found.top_share_share, loc, cur)])
        rows.append([_lbl(ctx, "top10"), format_figure("top10_revenue_share",
                                                       found.top_n_share, loc, cur)])
    blocks.append(table_html([_lbl(ctx, "figure"), _lbl(ctx, "value")], rows))
    blocks.append(markdown(ctx, _TEXTS, "stammkunden_reading"))
    return blocks


def cross_selling(ctx: Context) -> list[Any]:
    """Top product pairs of the window with support, confidence and lift."""
    from ..metrics import cross_selling as pairs_of
    from ..plots.metrics import cross_selling_bars

    months = analysis_setting(ctx, "window_months", 12)
    blocks: list[Any] = [markdown(ctx, _TEXTS, "cross_selling", months=months)]
    frame, day, stop = transactions_at(ctx, _TEXTS, blocks)
    if frame is None:
        return stop
    blocks.append(window_caption(ctx, day))
    if "product" not in frame.columns or not frame["product"].notna().any():
        return blocks + [note(text(ctx, _TEXTS, "cross_missing"))]
    try:
        pairs = pairs_of(_window(frame, day, months))
    except MetricError as exc:
        return blocks + [undefined(ctx, _TEXTS, exc)]
    if len(pairs) == 0:
        return blocks + [note(text(ctx, _TEXTS, "cross_none"))]
    loc = ctx.locale
    top = pairs.head(10)
    blocks.append(figure_of(cross_selling_bars(top, language=ctx.language, locale=loc)))
    rows = [[f"{row['product_a']} + {row['product_b']}", format_integer(row["orders"], loc),
             format_percent(row["support"], loc, 1), format_percent(row["confidence_ab"], loc, 0),
             format_percent(row["confidence_ba"], loc, 0), format_decimal(row["lift"], loc, 2)]
            for row in top.to_dict("records")]
    blocks.append(table_html([_lbl(ctx, k) for k in ("pair", "orders", "support", "conf_ab",
                                                      "conf_ba", "lift")], rows))
    return blocks


def questions(ctx: Context) -> list[Any]:
    """Questions for the workshop."""
    return [markdown(ctx, _TEXTS, "questions")]


# -- issue 16: customer profitability (seed 003) ---------------------------------------------------


def _pl(ctx: Context, key: str, **values: Any) -> str:
    return fill(ctx, label(ctx, _TEXTS, "profit_labels", key), **values)


def profitability(ctx: Context) -> list[Any]:
    """"Der Kunde ist König, aber nicht um jeden Preis": contribution margin per customer minus
    the cost to serve; unprofitable and barely profitable customers; deciles and whale curve."""
    from ..plots.profitability import profitability_chart

    analysis = ctx.analysis()
    result, basis = analysis.profitability, analysis.margin
    if result is None or basis is None:
        return []
    loc, cur, months = ctx.locale, ctx.currency, analysis.window.months
    blocks: list[Any] = [markdown(ctx, _TEXTS, "profitability", months=months,
                                  rate=format_figure("margin_rate", basis.rate, loc, cur))]

    def money(value: float) -> str:
        return format_currency(value, cur, loc, 0)

    def count(n: int) -> str:
        return _pl(ctx, "count_share", n=format_integer(n, loc),
                   share=format_percent(n / result.customers, loc, 1))

    rows = [[_pl(ctx, "customers", m=months), format_integer(result.customers, loc)],
            [_pl(ctx, "margin"), money(result.margin)]]
    if result.cost_per_order is not None:
        rows.append([_pl(ctx, "order_cost", cost=format_currency(result.cost_per_order, cur,
                                                                 loc, 2)),
                     money(-result.order_cost)])
    if result.cost_per_complaint is not None:
        rows.append([_pl(ctx, "complaint_cost", cost=format_currency(
            result.cost_per_complaint, cur, loc, 0)), money(-result.complaint_cost)])
    rows += [
        [_pl(ctx, "profit"), money(result.profit)],
        [_pl(ctx, "unprofitable"), format_figure("unprofitable_customers",
                                                 result.unprofitable, loc, cur)],
        [_pl(ctx, "unprofitable_customers"), format_percent(result.unprofitable_share, loc, 1)],
        [_pl(ctx, "unprofitable_revenue"), format_figure(
            "unprofitable_revenue_share", result.unprofitable_revenue_share, loc, cur)],
        [_pl(ctx, "unprofitable_loss"), money(result.unprofitable_profit)],
        [_pl(ctx, "marginal", below=format_currency(result.marginal_below, cur, loc, 2)),
         count(result.marginal)],
        [_pl(ctx, "marginal_revenue"), format_percent(result.marginal_revenue_share, loc, 1)],
    ]
    if result.decile_profit and result.profit > 0:
        rows.append([_pl(ctx, "top_decile"), format_percent(result.top_decile_share, loc, 0)])
    if result.humped:
        rows.append([_pl(ctx, "peak"), _pl(ctx, "peak_value",
                                           peak=format_percent(result.peak, loc, 0),
                                           at=format_percent(result.peak_at, loc, 0))])
    blocks.append(window_caption(ctx, analysis.as_of))
    blocks.append(table_html([_pl(ctx, "figure"), _pl(ctx, "value")], rows))
    if result.cost_per_order is None and result.cost_per_complaint is None:
        blocks.append(note(text(ctx, _TEXTS, "profitability_no_costs")))
    blocks += identified_note(ctx)
    if result.decile_profit or result.whale:
        blocks.append(figure_of(profitability_chart(result, currency=cur,
                                                    language=ctx.language, locale=loc)))
        blocks.append(markdown(ctx, _TEXTS, "profitability_reading"))
    blocks.append(markdown(ctx, _TEXTS, "profitability_act"))
    if result.many_unprofitable:
        blocks.append(markdown(ctx, _TEXTS, "profitability_many", share=format_percent(
            result.unprofitable_share, loc, 0)))
    return blocks
