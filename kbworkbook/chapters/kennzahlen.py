"""Chapter 03 · Kennzahlen: NPS, retention and churn, buying behaviour, engagement, complaints.

Every section takes a :class:`kbworkbook.notebook.Context` and returns blocks (Markdown
narrative from ``kennzahlen.toml``, escaped HTML tables, matplotlib figures). A missing or
broken optional input, or a figure that is undefined for the data, yields a note instead of an
error. Only aggregates are shown – never customer ids, names or survey comments.

:func:`headline_figures` gives up to six key figures for the report's index and the overview.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError, KbWorkbookError, MetricError
from ..i18n import (
    format_currency,
    format_date,
    format_decimal,
    format_integer,
    format_percent,
    format_points,
)
from ..notebook import Context, note
from . import _html
from ._narrative import fill, markdown, text, texts
from ._window import analysis_setting

__all__ = [
    "ABOUT",
    "INPUTS",
    "SECTIONS",
    "complaints",
    "engagement",
    "headline_figures",
    "intro",
    "nps",
    "purchases",
    "questions",
    "retention",
]

SECTIONS: list[str] = ["intro", "nps", "retention", "purchases", "engagement", "complaints",
                       "questions"]
INPUTS: tuple[str, ...] = ("transactions", "nps", "posts", "complaints")
ABOUT = ("Die wichtigsten Bindungskennzahlen des Kunden – NPS mit Intervall, Bindungs- und "
         "Abwanderungsrate, Wiederkauf, Engagement und Beschwerden – mit Lesehilfe.")

#: Short labels used in tables and key figures (German / English).
_LBL: dict[str, dict[str, str]] = {
    "de": {
        "wave": "Befragung", "all_answers": "alle Antworten", "n": "Antworten (n)",
        "nps": "NPS", "interval": "95-%-Intervall", "promoters": "Promotoren",
        "passives": "Passive", "detractors": "Kritiker", "segment": "Segment",
        "to": "bis", "figure": "Kennzahl", "value": "Wert",
        "earlier": "Früherer Zeitraum", "later": "Aktueller Zeitraum",
        "start": "Kunden im früheren Zeitraum (S)", "end": "Kunden im aktuellen Zeitraum (E)",
        "new": "davon neu oder zurückgekehrt (N)", "retained": "Kunden geblieben (S∩E)",
        "lost": "Kunden verloren", "crr": "Kundenbindungsrate",
        "churn": "Abwanderungsrate", "churn_avg": "Abwanderung auf mittleren Bestand",
        "churn_year": "Abwanderung aufs Jahr hochgerechnet",
        "revenue": "Umsatz (netto)", "orders": "Einkäufe", "customers": "Aktive Kunden",
        "aov": "Ø Einkaufsbetrag", "frequency": "Einkäufe je Kunde",
        "value_per_customer": "Umsatz je Kunde", "repeat_rate": "Wiederkaufrate",
        "regulars": "Stammkunden (≥ {k} Einkäufe)", "regular_share": "Umsatzanteil Stammkunden",
        "new_customers": "Neukunden (erster Einkauf im Zeitraum)",
        "margin_new": "Marge je Einkauf – Neukunden",
        "margin_old": "Marge je Einkauf – bestehende Kunden",
        "window": "Zeitraum", "previous": "Vorjahreszeitraum", "current": "Letzte {m} Monate",
        "monthly_revenue": "Umsatz je Monat", "base": "Bezugsgröße",
        "mean_rate": "Ø Rate je Beitrag", "pooled_rate": "Gepoolte Rate", "posts": "Beiträge",
        "reach": "Reichweite", "followers": "Follower", "impressions": "Impressionen",
        "complaints_total": "Beschwerden insgesamt", "complaints_window": "davon in den "
        "letzten {m} Monaten", "resolved": "Erledigt", "satisfied": "Kunde danach zufrieden",
        "days": "Ø Tage bis zur Lösung", "category": "Thema", "count": "Anzahl",
        "share": "Anteil", "period": "Zeitraum",
        "kf_nps": "NPS (n = {n})", "kf_crr": "Kundenbindungsrate {m} Mt.",
        "kf_repeat": "Wiederkaufrate {m} Mt.", "kf_revenue": "Umsatz {m} Mt.",
        "kf_customers": "Aktive Kunden {m} Mt.", "kf_regular": "Umsatzanteil Stammkunden",
        "months_unit": "{m} Monate",
    },
    "en": {
        "wave": "Survey", "all_answers": "all answers", "n": "Answers (n)",
        "nps": "NPS", "interval": "95% interval", "promoters": "Promoters",
        "passives": "Passives", "detractors": "Detractors", "segment": "Segment",
        "to": "to", "figure": "Figure", "value": "Value",
        "earlier": "Earlier period", "later": "Current period",
        "start": "Customers in the earlier period (S)",
        "end": "Customers in the current period (E)",
        "new": "of which new or returning (N)", "retained": "Customers retained (S∩E)",
        "lost": "Customers lost", "crr": "Retention rate",
        "churn": "Churn rate", "churn_avg": "Churn on the average base",
        "churn_year": "Churn annualised",
        "revenue": "Revenue (net)", "orders": "Purchases", "customers": "Active customers",
        "aov": "Average order value", "frequency": "Purchases per customer",
        "value_per_customer": "Revenue per customer", "repeat_rate": "Repeat-purchase rate",
        "regulars": "Regular customers (≥ {k} purchases)",
        "regular_share": "Revenue share of regulars",
        "new_customers": "New customers (first purchase in the period)",
        "margin_new": "Margin per purchase – new customers",
        "margin_old": "Margin per purchase – existing customers",
        "window": "Period", "previous": "Previous period", "current": "Last {m} months",
        "monthly_revenue": "Revenue per month", "base": "Base",
        "mean_rate": "Mean rate per post", "pooled_rate": "Pooled rate", "posts": "Posts",
        "reach": "Reach", "followers": "Followers", "impressions": "Impressions",
        "complaints_total": "Complaints in total", "complaints_window": "of which in the last "
        "{m} months", "resolved": "Resolved", "satisfied": "Customer satisfied afterwards",
        "days": "Average days to resolution", "category": "Topic", "count": "Count",
        "share": "Share", "period": "Period",
        "kf_nps": "NPS (n = {n})", "kf_crr": "Retention rate {m} mo.",
        "kf_repeat": "Repeat-purchase rate {m} mo.", "kf_revenue": "Revenue {m} mo.",
        "kf_customers": "Active customers {m} mo.", "kf_regular": "Revenue share of regulars",
        "months_unit": "{m} months",
    },
}


# -- shared helpers (also used by chapter 04) ------------------------------------------------


_TEXTS = texts(__file__)


def lbl(ctx: Context, key: str, **values: Any) -> str:
    """A short table/figure label of this chapter in the context's language."""
    return fill(ctx, _LBL[ctx.language][key], **values)


def table_html(header: Sequence[str], rows: Sequence[Sequence[str]],
               numeric_from: int = 1, text_columns: Sequence[int] = ()) -> Any:
    """An escaped ``kb-table`` block; columns from ``numeric_from`` on are right-aligned, except
    ``text_columns``."""
    numeric = {i for i in range(numeric_from, len(header)) if i not in text_columns}
    return _html.block(_html.table(header, rows, numeric=numeric))


def load(ctx: Context, name: str, texts: dict[str, dict[str, str]]) -> tuple[Any, list[Any]]:
    """``(frame, [])`` or ``(None, [note])`` when the input's file is broken (DataError)."""
    try:
        return ctx.table(name), []
    except DataError as exc:
        path = ctx.workspace.input_path(name)
        return None, [note(text(ctx, texts, "broken", file=path.name if path else name,
                                n=max(1, len(getattr(exc, "problems", ()) or ()))))]


def transactions_at(ctx: Context, texts: dict[str, Any],
                    blocks: list[Any]) -> tuple[Any, Any, list[Any]]:
    """``(transactions, as_of, [])``, or ``(None, None, blocks + [note])`` when the sales data
    are broken or missing (``texts`` needs ``broken`` and ``transactions_missing``)."""
    frame, problems = load(ctx, "transactions", texts)
    if problems:
        return None, None, blocks + problems
    day = as_of(ctx, frame)
    if frame is None or day is None:
        return None, None, blocks + [note(text(ctx, texts, "transactions_missing"))]
    return frame, day, []


def as_of(ctx: Context, transactions: pd.DataFrame | None) -> pd.Timestamp | None:
    """The analysis date: ``ctx.as_of``, else the last transaction date, else ``None``."""
    if ctx.as_of is not None:
        return pd.Timestamp(ctx.as_of)
    if transactions is not None and len(transactions) and transactions["date"].notna().any():
        return pd.Timestamp(transactions["date"].max()).normalize()
    return None


def undefined(ctx: Context, texts: dict[str, dict[str, str]], exc: Exception) -> Any:
    """A note that a figure cannot be computed, with the metric's German/English reason."""
    return note(text(ctx, texts, "undefined", reason=str(exc)))


def figure_of(obj: Any) -> Any:
    """The Figure of an Axes (plots return Axes) or the Figure itself."""
    return obj.figure if hasattr(obj, "figure") and not hasattr(obj, "savefig") else obj


def _window_text(ctx: Context, window: tuple[pd.Timestamp, pd.Timestamp]) -> str:
    start, end = window
    last = end - pd.Timedelta(days=1)
    return f"{format_date(start, ctx.locale)} – {format_date(last, ctx.locale)}"


def _scores(frame: pd.DataFrame) -> pd.DataFrame:
    """The NPS frame with a float score column (nullable integers become NaN)."""
    out = frame.copy()
    out["score"] = pd.to_numeric(out["score"]).astype("Float64").to_numpy(
        dtype="float64", na_value=np.nan)
    return out


def _nps_waves(frame: pd.DataFrame) -> pd.DataFrame | None:
    """NPS per quarter (survey wave) when answers carry dates, else ``None``."""
    if "date" not in frame.columns or not frame["date"].notna().any():
        return None
    from ..metrics import nps_trend

    dated = frame.loc[frame["date"].notna() & frame["score"].notna()]
    if len(dated) == 0:
        return None
    return nps_trend(dated, by="period", freq="Q")


# -- sections ----------------------------------------------------------------------------------


def intro(ctx: Context) -> list[Any]:
    """What the chapter measures, for which date and window."""
    transactions, _ = load(ctx, "transactions", _TEXTS)
    day = as_of(ctx, transactions)
    return [markdown(ctx, _TEXTS, "intro",
                     as_of=format_date(day, ctx.locale) if day is not None else "–",
                     months=analysis_setting(ctx, "window_months", 12))]


def nps(ctx: Context) -> list[Any]:
    """NPS with n and 95 % interval per survey wave, shares and a trend when there are waves."""
    from ..metrics import nps as nps_metric
    from ..metrics import nps_trend
    from ..plots.metrics import nps_bars, nps_trend_chart, period_label

    blocks: list[Any] = [markdown(ctx, _TEXTS, "nps")]
    frame, problems = load(ctx, "nps", _TEXTS)
    if problems:
        return blocks + problems
    if frame is None:
        return blocks + [note(text(ctx, _TEXTS, "nps_missing"))]
    frame = _scores(frame)
    try:
        overall = nps_metric(frame["score"])
        waves = _nps_waves(frame)
    except MetricError as exc:
        return blocks + [undefined(ctx, _TEXTS, exc)]
    loc = ctx.locale

    def row(name: str, r: Any) -> list[str]:
        return [name, format_integer(r.n, loc), format_points(r.score, loc),
                f"{format_points(r.ci_low, loc)} {lbl(ctx, 'to')} {format_points(r.ci_high, loc)}",
                format_percent(r.promoters_share, loc, 0), format_percent(r.passives_share, loc, 0),
                format_percent(r.detractors_share, loc, 0)]

    header = [lbl(ctx, k) for k in ("wave", "n", "nps", "interval", "promoters", "passives",
                                    "detractors")]
    rows: list[list[str]] = []
    latest = overall
    if waves is not None and len(waves) >= 2:
        for period, item in waves.iterrows():
            rows.append(row(period_label(period, loc), item))
        last_period = waves.index[-1]
        quarters = frame["date"].dt.to_period("Q")
        latest = nps_metric(frame.loc[quarters == last_period, "score"])
    rows.append(row(lbl(ctx, "all_answers"), overall))
    blocks.append(table_html(header, rows))
    blocks.append(figure_of(nps_bars(latest, language=ctx.language, locale=loc)))
    if waves is not None and len(waves) >= 2:
        blocks.append(figure_of(nps_trend_chart(waves, language=ctx.language, locale=loc)))
    if "segment" in frame.columns and frame["segment"].nunique() >= 2:
        try:
            by_segment = nps_trend(frame, by="segment")
        except MetricError:
            by_segment = None
        if by_segment is not None and len(by_segment):
            seg_rows = [row(str(seg), item) for seg, item in by_segment.iterrows()]
            seg_header = [lbl(ctx, "segment"), *header[1:]]
            blocks.append(table_html(seg_header, seg_rows))
    blocks.append(markdown(ctx, _TEXTS, "nps_reading"))
    return blocks


def _retention_series(transactions: pd.DataFrame, day: pd.Timestamp, months: int) -> list[Any]:
    """Window retention at ``day`` and up to four quarters before, where data covers both."""
    from ..metrics import window_retention

    first = pd.Timestamp(transactions["date"].min()).normalize()
    items = []
    for back in (12, 9, 6, 3, 0):
        point = day - pd.DateOffset(months=back)
        start = point + pd.Timedelta(days=1) - pd.DateOffset(months=2 * months)
        if start < first - pd.Timedelta(days=7):
            continue
        try:
            items.append(window_retention(transactions, point, months))
        except MetricError:
            continue
    return items


def retention(ctx: Context) -> list[Any]:
    """ID-based retention and churn over two consecutive windows, with S/E/N and a trend."""
    from ..metrics import annualize_churn, window_retention
    from ..plots.metrics import customer_flow_bars, retention_bars

    months = analysis_setting(ctx, "window_months", 12)
    blocks: list[Any] = [markdown(ctx, _TEXTS, "retention", months=months)]
    transactions, day, stop = transactions_at(ctx, _TEXTS, blocks)
    if transactions is None:
        return stop
    try:
        result = window_retention(transactions, day, months)
    except MetricError as exc:
        return blocks + [undefined(ctx, _TEXTS, exc)]
    loc = ctx.locale
    rows = [
        [lbl(ctx, "earlier"), _window_text(ctx, result.start_window)],
        [lbl(ctx, "later"), _window_text(ctx, result.end_window)],
        [lbl(ctx, "start"), format_integer(result.start, loc)],
        [lbl(ctx, "end"), format_integer(result.end, loc)],
        [lbl(ctx, "new"), format_integer(result.new, loc)],
        [lbl(ctx, "retained"), format_integer(result.retained, loc)],
        [lbl(ctx, "lost"), format_integer(result.lost, loc)],
        [lbl(ctx, "crr"), format_percent(result.crr, loc)],
        [lbl(ctx, "churn"), format_percent(result.churn, loc)],
        [lbl(ctx, "churn_avg"), format_percent(result.churn_avg_base, loc)],
    ]
    if months < 12 and 12 % months == 0:
        rows.append([lbl(ctx, "churn_year"),
                     format_percent(annualize_churn(result.churn, 12 // months), loc)])
    blocks.append(table_html([lbl(ctx, "figure"), lbl(ctx, "value")], rows))
    blocks.append(figure_of(customer_flow_bars(result, language=ctx.language, locale=loc)))
    series = _retention_series(transactions, day, months)
    if len(series) >= 2:
        blocks.append(figure_of(retention_bars(series, language=ctx.language, locale=loc)))
    blocks.append(markdown(ctx, _TEXTS, "retention_reading"))
    return blocks


def _monthly_revenue(transactions: pd.DataFrame, day: pd.Timestamp, months: int) -> pd.Series:
    """Net revenue per calendar month for the ``months`` months up to ``day``."""
    end = day.normalize() + pd.Timedelta(days=1)
    start = (end - pd.DateOffset(months=months)).to_period("M").start_time
    sel = transactions.loc[(transactions["date"] >= start) & (transactions["date"] < end)]
    sums = sel.groupby(sel["date"].dt.to_period("M"))["revenue"].sum()
    full = pd.period_range(start.to_period("M"), day.to_period("M"), freq="M")
    return sums.reindex(full, fill_value=0.0)


def purchases(ctx: Context) -> list[Any]:
    """Revenue, orders, customers, AOV, frequency, repeat rate, regulars: now vs a year before."""
    from ..metrics import purchase_figures
    from ..plots.metrics import monthly_bars, purchase_comparison

    months = analysis_setting(ctx, "window_months", 12)
    min_orders = analysis_setting(ctx, "stammkunde_min_orders", 2)
    blocks: list[Any] = [markdown(ctx, _TEXTS, "purchases", min_orders=min_orders)]
    transactions, day, stop = transactions_at(ctx, _TEXTS, blocks)
    if transactions is None:
        return stop
    try:
        current = purchase_figures(transactions, day, months, min_orders)
    except MetricError as exc:
        return blocks + [undefined(ctx, _TEXTS, exc)]
    previous = None
    first = pd.Timestamp(transactions["date"].min()).normalize()
    prev_day = day - pd.DateOffset(months=months)
    if prev_day + pd.Timedelta(days=1) - pd.DateOffset(months=months) >= first - pd.Timedelta(
            days=7):
        try:
            previous = purchase_figures(transactions, prev_day, months, min_orders)
        except MetricError:
            previous = None
    loc, cur = ctx.locale, ctx.currency
    items: list[tuple[str, Callable[[Any], str]]] = [
        (lbl(ctx, "window"), lambda f: _window_text(ctx, f.window)),
        (lbl(ctx, "revenue"), lambda f: format_currency(f.revenue, cur, loc, 0)),
        (lbl(ctx, "orders"), lambda f: format_integer(f.orders, loc)),
        (lbl(ctx, "customers"), lambda f: format_integer(f.customers, loc)),
        (lbl(ctx, "aov"), lambda f: format_currency(f.aov, cur, loc, 2)),
        (lbl(ctx, "frequency"), lambda f: format_decimal(f.frequency, loc, 1)),
        (lbl(ctx, "value_per_customer"),
         lambda f: format_currency(f.value_per_customer, cur, loc, 2)),
        (lbl(ctx, "repeat_rate"), lambda f: format_percent(f.repeat_rate, loc)),
        (lbl(ctx, "regulars", k=min_orders), lambda f: format_integer(f.regular_customers, loc)),
        (lbl(ctx, "regular_share"), lambda f: format_percent(f.regular_revenue_share, loc)),
        (lbl(ctx, "new_customers"), lambda f: format_integer(f.new_customers, loc)),
    ]
    if current.margin_per_order_new is not None:
        items.append((lbl(ctx, "margin_new"),
                      lambda f: format_currency(f.margin_per_order_new, cur, loc, 2)))
        items.append((lbl(ctx, "margin_old"),
                      lambda f: format_currency(f.margin_per_order_existing, cur, loc, 2)))
    header = [lbl(ctx, "figure")]
    if previous is not None:
        header.append(lbl(ctx, "previous"))
    header.append(lbl(ctx, "current", m=months))
    rows = []
    for name, get in items:
        row = [name]
        if previous is not None:
            row.append(get(previous))
        row.append(get(current))
        rows.append(row)
    blocks.append(table_html(header, rows))
    blocks.append(purchase_comparison(current, previous, currency=cur, language=ctx.language,
                                      locale=loc))
    monthly = _monthly_revenue(transactions, day, 24)
    if len(monthly) >= 2:
        blocks.append(figure_of(monthly_bars(monthly, kind="currency", currency=cur,
                                             title=lbl(ctx, "monthly_revenue"),
                                             language=ctx.language, locale=loc)))
    blocks.append(markdown(ctx, _TEXTS, "purchases_reading"))
    return blocks


_BASES = ("reach", "impressions", "followers")


def engagement(ctx: Context) -> list[Any]:
    """Engagement rate of the posts per available base (mean per post and pooled), over time."""
    from ..metrics import engagement_rate, post_engagement
    from ..plots.metrics import engagement_chart

    blocks: list[Any] = [markdown(ctx, _TEXTS, "engagement")]
    posts, problems = load(ctx, "posts", _TEXTS)
    if problems:
        return blocks + problems
    if posts is None or len(posts) == 0:
        return blocks + [note(text(ctx, _TEXTS, "engagement_missing"))]
    loc = ctx.locale
    rows, usable = [], []
    for base in _BASES:
        if base not in posts.columns:
            continue
        try:
            mean = engagement_rate(posts, base=base, how="mean")
            pooled = engagement_rate(posts, base=base, how="pooled")
        except MetricError:
            continue
        usable.append(base)
        rows.append([lbl(ctx, base), format_percent(mean.rate, loc, 2),
                     format_percent(pooled.rate, loc, 2), format_integer(mean.posts, loc)])
    if not usable:
        return blocks + [note(text(ctx, _TEXTS, "undefined", reason=(
            "Keiner der Beiträge hat eine Reichweite, Impressionen oder Follower > 0."
            if ctx.language == "de" else
            "No post has a reach, impressions or followers above 0.")))]
    blocks.append(table_html([lbl(ctx, "base"), lbl(ctx, "mean_rate"), lbl(ctx, "pooled_rate"),
                              lbl(ctx, "posts")], rows))
    base = usable[0]
    per = post_engagement(posts, base=base)
    per["date"] = posts["date"]
    dated = per.loc[per["date"].notna()]
    if len(dated):
        monthly = dated.groupby(dated["date"].dt.to_period("M"))["rate"].mean().dropna()
        blocks.append(figure_of(engagement_chart(dated, base, monthly, language=ctx.language,
                                                 locale=loc)))
    blocks.append(markdown(ctx, _TEXTS, "engagement_reading"))
    return blocks


def _share(series: pd.Series) -> float:
    values = series.dropna()
    return float(values.astype(bool).mean()) if len(values) else float("nan")


def complaints(ctx: Context) -> list[Any]:
    """Complaint count, resolved and satisfied shares, time to resolution, topics."""
    blocks: list[Any] = [markdown(ctx, _TEXTS, "complaints")]
    frame, problems = load(ctx, "complaints", _TEXTS)
    if problems:
        return blocks + problems
    if frame is None:
        return blocks + [note(text(ctx, _TEXTS, "complaints_missing"))]
    loc = ctx.locale
    months = analysis_setting(ctx, "window_months", 12)
    transactions, _ = load(ctx, "transactions", _TEXTS)
    day = as_of(ctx, transactions)
    if day is None and "date" in frame.columns and frame["date"].notna().any():
        day = pd.Timestamp(frame["date"].max()).normalize()
    header = [lbl(ctx, "figure"), lbl(ctx, "value")]
    rows = [[lbl(ctx, "complaints_total"), format_integer(len(frame), loc)]]
    if day is not None and "date" in frame.columns:
        start = day + pd.Timedelta(days=1) - pd.DateOffset(months=months)
        recent = frame.loc[(frame["date"] >= start) & (frame["date"] <= day)]
        rows.append([lbl(ctx, "complaints_window", m=months), format_integer(len(recent), loc)])
    if "resolved" in frame.columns:
        rows.append([lbl(ctx, "resolved"), format_percent(_share(frame["resolved"]), loc, 0)])
    if "satisfied" in frame.columns:
        rows.append([lbl(ctx, "satisfied"), format_percent(_share(frame["satisfied"]), loc, 0)])
    if "days_to_resolve" in frame.columns:
        days = pd.to_numeric(frame["days_to_resolve"]).astype("Float64").dropna()
        if len(days):
            rows.append([lbl(ctx, "days"), format_decimal(float(days.mean()), loc, 1)])
    blocks.append(table_html(header, rows))
    if "category" in frame.columns and frame["category"].notna().any():
        counts = frame["category"].dropna().astype(str).value_counts().head(8)
        total = int(counts.sum())
        cat_rows = [[name, format_integer(int(count), loc),
                     format_percent(count / total, loc, 0)] for name, count in counts.items()]
        blocks.append(table_html([lbl(ctx, "category"), lbl(ctx, "count"), lbl(ctx, "share")],
                                 cat_rows))
    return blocks


def questions(ctx: Context) -> list[Any]:
    """Questions for the workshop."""
    return [markdown(ctx, _TEXTS, "questions")]


# -- key figures for the index page -------------------------------------------------------------


def headline_figures(ctx: Context) -> list[tuple[str, str]]:
    """Up to six ``(label, formatted value)`` key figures; figures without data are skipped.

    NPS (latest survey wave, with n), retention rate, repeat-purchase rate, revenue and active
    customers of the window, revenue share of regular customers. Broken or missing inputs and
    undefined figures are left out silently (the chapters explain them).
    """
    from ..metrics import nps as nps_metric
    from ..metrics import purchase_figures, window_retention

    loc = ctx.locale
    months = analysis_setting(ctx, "window_months", 12)
    min_orders = analysis_setting(ctx, "stammkunde_min_orders", 2)
    out: list[tuple[str, str]] = []
    try:
        frame = ctx.table("nps")
    except KbWorkbookError:
        frame = None
    if frame is not None:
        try:
            frame = _scores(frame)
            result = nps_metric(frame["score"])
            waves = _nps_waves(frame)
            if waves is not None and len(waves) >= 2:
                quarters = frame["date"].dt.to_period("Q")
                result = nps_metric(frame.loc[quarters == waves.index[-1], "score"])
            out.append((lbl(ctx, "kf_nps", n=format_integer(result.n, loc)),
                        format_points(result.score, loc)))
        except KbWorkbookError:
            pass
    try:
        transactions = ctx.table("transactions")
    except KbWorkbookError:
        transactions = None
    if transactions is not None and len(transactions):
        day = as_of(ctx, transactions)
        try:
            kept = window_retention(transactions, day, months)
            out.append((lbl(ctx, "kf_crr", m=months), format_percent(kept.crr, loc, 0)))
        except KbWorkbookError:
            pass
        try:
            figures = purchase_figures(transactions, day, months, min_orders)
            out.append((lbl(ctx, "kf_repeat", m=months),
                        format_percent(figures.repeat_rate, loc, 0)))
            out.append((lbl(ctx, "kf_revenue", m=months),
                        format_currency(figures.revenue, ctx.currency, loc, 0)))
            out.append((lbl(ctx, "kf_customers", m=months),
                        format_integer(figures.customers, loc)))
            out.append((lbl(ctx, "kf_regular"),
                        format_percent(figures.regular_revenue_share, loc, 0)))
        except KbWorkbookError:
            pass
    return out[:6]
