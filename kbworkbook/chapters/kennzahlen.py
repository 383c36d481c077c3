"""Chapter 03 · Kennzahlen: NPS, retention and churn, buying behaviour, engagement, complaints.

Every section takes a :class:`kbworkbook.notebook.Context` and returns blocks (Markdown
narrative from ``kennzahlen.toml``, escaped HTML tables, matplotlib figures). A missing or
broken optional input, or a figure that is undefined for the data, yields a note instead of an
error. Only aggregates are shown – never customer ids or names; survey comments only as
short quotes with contact data and names masked (:mod:`kbworkbook.voice`).

:func:`headline_figures` (from :mod:`._sections`) gives up to six key figures for the report's
index and the overview.
"""

from __future__ import annotations

from collections.abc import Callable
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
    format_points,
)
from ..notebook import Context, note
from ..scrub import privacy_note, scrub
from ._narrative import fill, label, markdown, text, texts
from ._sections import (
    figure_of,
    headline_figures,
    identified_note,
    load,
    sales_day,
    stichtag,
    table_html,
    undefined,
)
from ._window import analysis_setting, history_caption, window_caption

__all__ = [
    "ABOUT",
    "INPUTS",
    "SECTIONS",
    "complaint_procedure",
    "complaints",
    "engagement",
    "headline_figures",
    "intention",
    "intro",
    "nps",
    "purchases",
    "questions",
    "referral",
    "retention",
    "voice",
]

SECTIONS: list[str] = ["intro", "nps", "voice", "referral", "retention", "purchases",
                       "intention", "engagement", "complaints", "complaint_procedure",
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
        "margin_new": "Deckungsbeitrag je Einkauf – Neukunden",
        "margin_old": "Deckungsbeitrag je Einkauf – bestehende Kunden",
        "history": "Gesamter Zeitraum {span} (Verlauf)",
        "window": "Zeitraum", "previous": "Vorjahreszeitraum", "current": "Letzte {m} Monate",
        "monthly_revenue": "Umsatz je Monat", "base": "Bezugsgröße",
        "mean_rate": "Ø Rate je Beitrag", "pooled_rate": "Gepoolte Rate", "posts": "Beiträge",
        "reach": "Reichweite", "followers": "Follower", "impressions": "Impressionen",
        "complaints_total": "Beschwerden", "complaints_window": "davon in den "
        "letzten {m} Monaten", "resolved": "Erledigt", "satisfied": "Kunde danach zufrieden",
        "days": "Ø Tage bis zur Lösung", "category": "Thema", "count": "Anzahl",
        "share": "Anteil", "period": "Zeitraum",
        "months_unit": "{m} Monate",
        "theme": "Thema", "quote": "Zitat (gekürzt, Kontaktdaten und Namen entfernt)",
        "from": "von", "theme_count": "{theme} ({n} Kommentare)",
        "theme_count_one": "{theme} (1 Kommentar)",
        "one_promoter": "Promotor", "one_passive": "Passiver", "one_detractor": "Kritiker",
        "group_survey": "Segment (Umfrage)", "group_rfm": "RFM-Segment",
        "group_customer_type": "Kundentyp",
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
        "margin_new": "Contribution per purchase – new customers",
        "margin_old": "Contribution per purchase – existing customers",
        "history": "Whole period {span} (history)",
        "window": "Period", "previous": "Previous period", "current": "Last {m} months",
        "monthly_revenue": "Revenue per month", "base": "Base",
        "mean_rate": "Mean rate per post", "pooled_rate": "Pooled rate", "posts": "Posts",
        "reach": "Reach", "followers": "Followers", "impressions": "Impressions",
        "complaints_total": "Complaints", "complaints_window": "of which in the last "
        "{m} months", "resolved": "Resolved", "satisfied": "Customer satisfied afterwards",
        "days": "Average days to resolution", "category": "Topic", "count": "Count",
        "share": "Share", "period": "Period",
        "months_unit": "{m} months",
        "theme": "Theme", "quote": "Quote (shortened, contact data and names removed)",
        "from": "from", "theme_count": "{theme} ({n} comments)",
        "theme_count_one": "{theme} (1 comment)",
        "one_promoter": "promoter", "one_passive": "passive", "one_detractor": "detractor",
        "group_survey": "Segment (survey)", "group_rfm": "RFM segment",
        "group_customer_type": "Customer type",
    },
}


# -- labels ----------------------------------------------------------------------------------------


_TEXTS = texts(__file__)


def lbl(ctx: Context, key: str, **values: Any) -> str:
    """A short table/figure label of this chapter in the context's language."""
    return fill(ctx, _LBL[ctx.language][key], **values)


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


# -- sections ----------------------------------------------------------------------------------


def intro(ctx: Context) -> list[Any]:
    """What the chapter measures, for which date and window."""
    day = stichtag(ctx)
    return [markdown(ctx, _TEXTS, "intro",
                     as_of=format_date(day, ctx.locale) if day is not None else "–",
                     months=analysis_setting(ctx, "window_months", 12))]


def nps(ctx: Context) -> list[Any]:
    """NPS with n and 95 % interval: the current window, each survey wave and all answers."""
    from ..metrics import nps as nps_metric
    from ..plots.metrics import nps_bars, nps_trend_chart, period_label

    blocks: list[Any] = [markdown(ctx, _TEXTS, "nps")]
    frame, problems = load(ctx, "nps", _TEXTS)
    if problems:
        return blocks + problems
    if frame is None:
        return blocks + [note(text(ctx, _TEXTS, "nps_missing"))]
    frame = _scores(frame)
    analysis = ctx.analysis()
    try:
        overall = nps_metric(frame["score"])
    except MetricError as exc:
        return blocks + [undefined(ctx, _TEXTS, exc)]
    loc = ctx.locale
    current, waves = analysis.nps, analysis.nps_waves

    def row(name: str, r: Any) -> list[str]:
        return [name, format_integer(r.n, loc), format_points(r.score, loc),
                f"{format_points(r.interval_low, loc)} {lbl(ctx, 'to')} "
                f"{format_points(r.interval_high, loc)}",
                format_percent(r.promoters_share, loc, 0), format_percent(r.passives_share, loc, 0),
                format_percent(r.detractors_share, loc, 0)]

    header = [lbl(ctx, k) for k in ("wave", "n", "nps", "interval", "promoters", "passives",
                                    "detractors")]
    rows: list[list[str]] = []
    if waves is not None and len(waves) >= 2:
        for period, item in waves.iterrows():
            rows.append(row(period_label(period, loc), item))
    if current is not None and analysis.nps_dated:
        rows.append(row(lbl(ctx, "current", m=analysis.window.months), current))
    if current is None or current.n != overall.n:
        rows.append(row(lbl(ctx, "all_answers"), overall))
    if analysis.nps_dated:
        blocks.append(window_caption(ctx, analysis.as_of))
    blocks.append(table_html(header, rows))
    blocks.append(figure_of(nps_bars(current or overall, language=ctx.language, locale=loc)))
    if waves is not None and len(waves) >= 2:
        dates = frame["date"].dropna()
        blocks.append(history_caption(ctx, dates.min(), dates.max() + pd.Timedelta(days=1)))
        blocks.append(figure_of(nps_trend_chart(waves, language=ctx.language, locale=loc)))
    blocks += _nps_groups(ctx, analysis.nps_groups, header[1:], row)
    blocks.append(markdown(ctx, _TEXTS, "nps_reading"))
    return blocks


def _nps_groups(ctx: Context, groups: Any, header: list[str],
                row: Callable[[str, Any], list[str]]) -> list[Any]:
    """One table per kind of group (survey segment, RFM segment, customer type) with n, and
    which groups were hidden for too few answers."""
    loc = ctx.locale
    blocks: list[Any] = []
    for kind in groups:
        if len(kind.shown) < 1:
            continue
        blocks.append(markdown(ctx, _TEXTS, f"nps_by_{kind.kind}",
                               linked=format_integer(kind.linked, loc),
                               answers=format_integer(kind.answers, loc),
                               k=analysis_setting(ctx, "stammkunde_min_orders", 2)))
        rows = [row(g.label(ctx.language), g.result) for g in kind.shown]
        blocks.append(table_html([lbl(ctx, f"group_{kind.kind}"), *header], rows))
        hidden = kind.hidden
        if hidden:
            blocks.append(note(text(ctx, _TEXTS, "nps_groups_hidden",
                                    groups=", ".join(f"{g.label(ctx.language)} (n = "
                                                     f"{format_integer(g.n, loc)})"
                                                     for g in hidden),
                                    min=format_integer(kind.min_answers, loc))))
    return blocks


def voice(ctx: Context) -> list[Any]:
    """Was Kunden sagen: the window's NPS comments by theme and band, with masked quotes."""
    from ..metrics.comments import theme_catalogue
    from ..plots.voice import theme_bars
    from ..scrub import localised_placeholders

    blocks: list[Any] = [markdown(ctx, _TEXTS, "voice")]
    frame, problems = load(ctx, "nps", _TEXTS)
    if problems or frame is None:
        return []  # the NPS section above says why
    _themes, faults = theme_catalogue(ctx.workspace.section("nps_themes"), ctx.language)
    blocks += [note(f) for f in faults]
    if "comment" not in frame.columns:
        return blocks + [note(text(ctx, _TEXTS, "voice_missing"))]
    analysis = ctx.analysis()
    found = analysis.nps_themes
    if found is None:
        return blocks + [note(text(ctx, _TEXTS, "voice_none"))]
    loc = ctx.locale
    if analysis.nps_dated:
        blocks.append(window_caption(ctx, analysis.as_of))
    if not found.themes:
        return blocks + [note(text(ctx, _TEXTS, "voice_unthemed_all",
                                   n=format_integer(found.comments, loc)))]
    blocks.append(figure_of(theme_bars(found, language=ctx.language, locale=loc)))
    bands = {b: lbl(ctx, f"one_{b}") for b in ("promoter", "passive", "detractor")}
    rows = []
    for theme in found.themes:  # every theme with its count (figures.json nps_theme_*)
        name = lbl(ctx, "theme_count_one" if theme.total == 1 else "theme_count",
                   theme=theme.label(ctx.language), n=format_integer(theme.total, loc))
        if not theme.quotes:  # no comment long enough to quote
            rows.append([name, "–", ""])
        for i, quote in enumerate(theme.quotes):
            rows.append([name if i == 0 else "",
                         f"»{localised_placeholders(quote.text, ctx.language)}«",
                         bands[quote.band]])
    if rows:
        blocks.append(table_html([lbl(ctx, k) for k in ("theme", "quote", "from")], rows,
                                 numeric_from=3))
    blocks.append(markdown(ctx, _TEXTS, "voice_reading",
                           comments=format_integer(found.comments, loc),
                           unthemed=format_integer(found.unthemed, loc)))
    if found.masked:
        blocks.append(note(privacy_note(found.masked, ctx.language)))
    return blocks


def retention(ctx: Context) -> list[Any]:
    """ID-based retention and churn over two consecutive windows, with S/E/N and a trend."""
    from ..metrics import annualize_churn, window_retention
    from ..plots.metrics import customer_flow_bars, retention_bars

    months = analysis_setting(ctx, "window_months", 12)
    blocks: list[Any] = [markdown(ctx, _TEXTS, "retention", months=months)]
    day, stop = sales_day(ctx, _TEXTS, blocks)
    if day is None:
        return stop
    blocks += identified_note(ctx)
    result = ctx.analysis().retention
    if result is None:  # the reason, from the sales themselves
        try:
            result = window_retention(ctx.table("transactions"), day, months)
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
        [lbl(ctx, "crr"), format_figure("crr", result.crr, loc, ctx.currency)],
        [lbl(ctx, "churn"), format_figure("churn", result.churn, loc, ctx.currency)],
        [lbl(ctx, "churn_avg"), format_percent(result.churn_avg_base, loc)],
    ]
    if months < 12 and 12 % months == 0:
        rows.append([lbl(ctx, "churn_year"),
                     format_percent(annualize_churn(result.churn, 12 // months), loc)])
    blocks.append(table_html([lbl(ctx, "figure"), lbl(ctx, "value")], rows))
    blocks.append(figure_of(customer_flow_bars(result, language=ctx.language, locale=loc)))
    series = ctx.analysis().retention_series
    if len(series) >= 2:
        blocks.append(history_caption(ctx, series[0].start_window[0], series[-1].end_window[1]))
        blocks.append(figure_of(retention_bars(series, language=ctx.language, locale=loc)))
    blocks.append(markdown(ctx, _TEXTS, "retention_reading"))
    return blocks


def purchases(ctx: Context) -> list[Any]:
    """Revenue, orders, customers, AOV, frequency, repeat rate, regulars: now vs a year before."""
    from ..figures import new_earn_more
    from ..metrics import purchase_figures
    from ..plots.metrics import monthly_bars, purchase_comparison

    months = analysis_setting(ctx, "window_months", 12)
    min_orders = analysis_setting(ctx, "stammkunde_min_orders", 2)
    blocks: list[Any] = [markdown(ctx, _TEXTS, "purchases", min_orders=min_orders)]
    day, stop = sales_day(ctx, _TEXTS, blocks)
    if day is None:
        return stop
    analysis = ctx.analysis()
    current = analysis.purchases
    if current is None or analysis.margin is None:  # the reason, from the sales themselves
        try:
            purchase_figures(ctx.table("transactions"), day, months, min_orders)
        except MetricError as exc:
            return blocks + [undefined(ctx, _TEXTS, exc)]
        return blocks
    previous = analysis.previous_purchases
    loc, cur = ctx.locale, ctx.currency

    def fig(key: str, value: float) -> str:
        return format_figure(key, value, loc, cur)

    items: list[tuple[str, Callable[[Any], str]]] = [
        (lbl(ctx, "window"), lambda f: _window_text(ctx, f.window)),
        (lbl(ctx, "revenue"), lambda f: fig("revenue", f.revenue)),
        (lbl(ctx, "orders"), lambda f: fig("orders", f.orders)),
        (lbl(ctx, "customers"), lambda f: fig("active_customers", f.customers)),
        (lbl(ctx, "aov"), lambda f: fig("average_order_value", f.aov)),
        (lbl(ctx, "frequency"), lambda f: fig("purchases_per_customer", f.frequency)),
        (lbl(ctx, "value_per_customer"),
         lambda f: format_currency(f.value_per_customer, cur, loc, 2)),
        (lbl(ctx, "repeat_rate"), lambda f: fig("repeat_rate", f.repeat_rate)),
        (lbl(ctx, "regulars", k=min_orders), lambda f: format_integer(f.regular_customers, loc)),
        (lbl(ctx, "regular_share"),
         lambda f: fig("regulars_revenue_share", f.regular_revenue_share)),
        (lbl(ctx, "new_customers"), lambda f: format_integer(f.new_customers, loc)),
        (lbl(ctx, "margin_new"), lambda f: format_currency(f.margin_per_order_new, cur, loc, 2)),
        (lbl(ctx, "margin_old"),
         lambda f: format_currency(f.margin_per_order_existing, cur, loc, 2)),
    ]
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
    blocks += identified_note(ctx)
    blocks.append(margin_note(ctx, analysis.margin))
    flipped = [f for f in (previous, current) if f is not None and new_earn_more(f)]
    if flipped:
        blocks.append(markdown(ctx, _TEXTS, "new_earn_more", periods=", ".join(
            _window_text(ctx, f.window) for f in flipped)))
    blocks.append(purchase_comparison(current, previous, currency=cur, language=ctx.language,
                                      locale=loc))
    monthly = analysis.monthly_revenue
    if monthly is not None and len(monthly) >= 2:
        blocks.append(history_caption(ctx, monthly.index[0].start_time,
                                      day.normalize() + pd.Timedelta(days=1)))
        blocks.append(figure_of(monthly_bars(monthly, kind="currency", currency=cur,
                                             title=lbl(ctx, "monthly_revenue"),
                                             language=ctx.language, locale=loc)))
    blocks.append(markdown(ctx, _TEXTS, "purchases_reading"))
    return blocks


def margin_note(ctx: Context, basis: Any) -> Any:
    """Which margin the report calculates with, and the till's gross margin beside it."""
    loc = ctx.locale
    rate = format_figure("margin_rate", basis.rate, loc, ctx.currency)
    gross = format_percent(basis.gross_rate, loc, 1) if basis.gross_rate is not None else ""
    key = {"config": "margin_config", "data": "margin_data"}.get(basis.source, "margin_default")
    if basis.source == "config" and basis.gross_rate is not None:
        key = "margin_config_gross"
    blocks = markdown(ctx, _TEXTS, key, rate=rate, gross=gross,
                      estimated=format_integer(basis.estimated_lines, loc))
    return blocks


def engagement(ctx: Context) -> list[Any]:
    """Engagement rate of the posts per available base (mean per post and pooled), over time."""
    from ..figures import engagement_history
    from ..plots.metrics import engagement_chart

    blocks: list[Any] = [markdown(ctx, _TEXTS, "engagement")]
    posts, problems = load(ctx, "posts", _TEXTS)
    if problems:
        return blocks + problems
    if posts is None or len(posts) == 0:
        return blocks + [note(text(ctx, _TEXTS, "engagement_missing"))]
    loc = ctx.locale
    analysis = ctx.analysis()
    if "date" in posts.columns:
        blocks.append(window_caption(ctx, analysis.as_of))
    rows = [[lbl(ctx, e.base), format_figure("engagement_rate", e.mean, loc, ctx.currency),
             format_percent(e.pooled, loc, 2), format_integer(e.posts, loc)]
            for e in analysis.engagement_by_base]
    if not rows:
        return blocks + [note(text(ctx, _TEXTS, "undefined", reason=(
            "Keiner der Beiträge hat eine Reichweite, Impressionen oder Follower > 0."
            if ctx.language == "de" else
            "No post has a reach, impressions or followers above 0.")))]
    blocks.append(table_html([lbl(ctx, "base"), lbl(ctx, "mean_rate"), lbl(ctx, "pooled_rate"),
                              lbl(ctx, "posts")], rows))
    base = analysis.engagement_by_base[0].base
    dated, monthly = engagement_history(posts, base)
    if len(dated):
        blocks.append(history_caption(ctx, dated["date"].min(),
                                      dated["date"].max() + pd.Timedelta(days=1), whole=True))
        blocks.append(figure_of(engagement_chart(dated, base, monthly, language=ctx.language,
                                                 locale=loc)))
    blocks.append(markdown(ctx, _TEXTS, "engagement_reading"))
    return blocks


def complaints(ctx: Context) -> list[Any]:
    """Complaints of the current window beside the whole history: count, resolved and
    satisfied shares, time to resolution, topics."""
    blocks: list[Any] = [markdown(ctx, _TEXTS, "complaints")]
    frame, problems = load(ctx, "complaints", _TEXTS)
    if problems:
        return blocks + problems
    if frame is None:
        return blocks + [note(text(ctx, _TEXTS, "complaints_missing"))]
    loc = ctx.locale
    analysis = ctx.analysis()
    current = analysis.complaints
    dated = "date" in frame.columns and frame["date"].notna().any()
    whole = analysis.complaints_history
    columns: list[tuple[str, Any]] = []
    if dated and current is not None:
        columns.append((lbl(ctx, "current", m=analysis.window.months), current))
        first, last = frame["date"].min(), frame["date"].max()
        columns.append((lbl(ctx, "history", span=f"{format_date(first, loc)} – "
                            f"{format_date(last, loc)}"), whole))
    else:
        columns.append((lbl(ctx, "value"), whole))

    def days(v: float) -> str:
        return format_decimal(v, loc, 1) if np.isfinite(v) else "–"

    items: list[tuple[str, Callable[[Any], str]]] = [
        (lbl(ctx, "complaints_total"), lambda f: format_figure("complaints", f.count, loc,
                                                               ctx.currency)),
    ]
    if "resolved" in frame.columns:
        items.append((lbl(ctx, "resolved"), lambda f: format_percent(f.resolved_share, loc, 1)))
    if "satisfied" in frame.columns:
        items.append((lbl(ctx, "satisfied"), lambda f: format_figure(
            "complaint_satisfaction", f.satisfied_share, loc, ctx.currency)))
    if "days_to_resolve" in frame.columns:
        items.append((lbl(ctx, "days"), lambda f: days(f.mean_days)))
    header = [lbl(ctx, "figure"), *(name for name, _ in columns)]
    rows = [[name, *(get(f) for _, f in columns)] for name, get in items]
    if dated:
        blocks.append(window_caption(ctx, analysis.as_of))
    blocks.append(table_html(header, rows))
    if "category" in frame.columns and frame["category"].notna().any():
        recent = frame
        if dated:
            recent = frame.loc[analysis.window.contains(frame["date"]).fillna(False).astype(bool)]
        # categories are typed by people: contact data is masked before it is shown
        scrubbed = [scrub(t, ctx.language) for t in recent["category"].dropna().astype(str)]
        counts = pd.Series([s.text for s in scrubbed], dtype=object).value_counts().head(8)
        total = int(counts.sum())
        if total:
            cat_rows = [[str(name), format_integer(int(count), loc),
                         format_percent(count / total, loc, 0)] for name, count in counts.items()]
            blocks.append(table_html([lbl(ctx, "category"), lbl(ctx, "count"),
                                      lbl(ctx, "share")], cat_rows))
        found = frozenset().union(*(s.found for s in scrubbed))
        if found:
            blocks.append(note(privacy_note(found, ctx.language)))
    blocks.append(markdown(ctx, _TEXTS, "complaints_reading"))
    return blocks + _complaint_groups(ctx, frame)


def complaint_procedure(ctx: Context) -> list[Any]:
    """The five steps of resolving a complaint (seed 003), as in the kit's checklist."""
    from ..kit.content import checklists, localized

    steps = next(c for c in checklists() if c.id == "reklamation").steps
    lines = [f"{n}. **{localized(step.title, ctx.language, ctx.locale)}** – "
             f"{localized(step.help, ctx.language, ctx.locale)}"
             for n, step in enumerate((s for s in steps if not s.addition), start=1)]
    from IPython.display import Markdown

    return [markdown(ctx, _TEXTS, "complaint_procedure"), Markdown("\n".join(lines)),
            markdown(ctx, _TEXTS, "complaint_procedure_plan")]


def questions(ctx: Context) -> list[Any]:
    """Questions for the workshop."""
    return [markdown(ctx, _TEXTS, "questions")]


# -- issue 16: the concepts of the source texts as figures (seeds 000, 001) ------------------------


def _cl(ctx: Context, key: str, **values: Any) -> str:
    return fill(ctx, label(ctx, _TEXTS, "concept_labels", key), **values)


def referral(ctx: Context) -> list[Any]:
    """Weiterempfehlung as behaviour: the referral rate of "Wie sind Sie auf uns aufmerksam
    geworden?" beside the NPS (seed 001); what to ask when the survey lacks the question."""
    blocks: list[Any] = [markdown(ctx, _TEXTS, "referral")]
    analysis = ctx.analysis()
    result, loc = analysis.referral, ctx.locale
    if result is None:
        return blocks + [note(text(ctx, _TEXTS, "referral_missing"))]
    if not result.answers:
        return blocks + [note(text(ctx, _TEXTS, "referral_blank"))]
    rate = format_figure("referral_rate", result.rate, loc, ctx.currency)
    if analysis.nps_dated:
        blocks.append(window_caption(ctx, analysis.as_of))
    blocks.append(table_html([_cl(ctx, "figure"), _cl(ctx, "value")], [
        [_cl(ctx, "answers"), format_integer(result.answers, loc)],
        [_cl(ctx, "referred"), format_integer(result.referred, loc)],
        [_cl(ctx, "referral_rate"), rate],
        [_cl(ctx, "blank"), format_integer(result.blank, loc)],
    ]))
    if result.rare:
        return blocks + [markdown(ctx, _TEXTS, "referral_rare", rate=rate)]
    promoters = analysis.nps.promoters_share if analysis.nps is not None else None
    return blocks + [markdown(ctx, _TEXTS, "referral_reading", rate=rate,
                              promoters=format_percent(promoters, loc, 0)
                              if promoters is not None else "–")]


def intention(ctx: Context) -> list[Any]:
    """Kundenbindung is intention and behaviour (seed 000): the survey's figures beside the
    sales data's, and what it means when they disagree."""
    view = ctx.analysis().intention_behaviour
    loc, cur = ctx.locale, ctx.currency
    blocks: list[Any] = [markdown(ctx, _TEXTS, "intention")]

    def shown(key: str, value: float | None, n: int | None = None) -> str:
        if value is None:
            return _cl(ctx, "not_measured")
        figure = format_figure(key, value, loc, cur)
        return _cl(ctx, "with_n", value=figure, n=format_integer(n, loc)) if n else figure

    said, done = _cl(ctx, "intention"), _cl(ctx, "behaviour")
    rows = [
        [said, _cl(ctx, "nps"), shown("nps", view.nps, view.nps_answers), _cl(ctx, "survey")],
        [said, _cl(ctx, "promoters"),
         format_percent(view.promoters_share, loc, 0) if view.promoters_share is not None
         else _cl(ctx, "not_measured"), _cl(ctx, "survey")],
        [done, _cl(ctx, "crr"), shown("crr", view.crr), _cl(ctx, "sales")],
        [done, _cl(ctx, "repeat_rate"), shown("repeat_rate", view.repeat_rate),
         _cl(ctx, "sales")],
        [done, _cl(ctx, "referral_rate"),
         shown("referral_rate", view.referral_rate, view.referral_answers),
         _cl(ctx, "survey_source")],
    ]
    blocks.append(window_caption(ctx, ctx.analysis().as_of))
    blocks.append(table_html([_cl(ctx, k) for k in ("kind", "figure", "value", "source")], rows,
                             numeric_from=2, text_columns=(3,)))
    blocks.append(markdown(ctx, _TEXTS, "intention_no_repurchase"))
    blocks.append(markdown(ctx, _TEXTS, f"intention_{view.reading}"))
    return blocks + _said_and_done(ctx)


def _said_and_done(ctx: Context) -> list[Any]:
    """Per NPS band: respondents who bought again within the follow-up after answering."""
    result, loc = ctx.analysis().said_and_done, ctx.locale
    if result is None or not result.followed or result.first_answer is None:
        return []
    blocks: list[Any] = [markdown(
        ctx, _TEXTS, "said_and_done", days=format_integer(result.days, loc),
        first=format_date(result.first_answer, loc), last=format_date(result.last_answer, loc),
        followed=format_integer(result.followed, loc), answers=format_integer(result.answers,
                                                                              loc))]
    rows = [[_cl(ctx, f"{b.band}_band"), format_integer(b.answers, loc),
             format_integer(b.bought, loc),
             format_percent(b.share, loc, 0) if b.answers else "–"] for b in result.bands]
    blocks.append(table_html([_cl(ctx, "band"), _cl(ctx, "followed"),
                              _cl(ctx, "bought_again", days=format_integer(result.days, loc)),
                              _cl(ctx, "bought_share")], rows))
    if result.reading != "unknown":
        blocks.append(markdown(ctx, _TEXTS, f"said_and_done_{result.reading}"))
        if result.few:
            blocks.append(note(text(ctx, _TEXTS, "said_and_done_few")))
    return blocks


def _complaint_groups(ctx: Context, frame: pd.DataFrame) -> list[Any]:
    """Complaints per customer group (regular, occasional, new) when complaints carry customer
    numbers (seed 001: "Stammkunden beanstanden seltener")."""
    blocks: list[Any] = [markdown(ctx, _TEXTS, "complaint_groups")]
    if "customer_id" not in frame.columns:
        return blocks + [note(text(ctx, _TEXTS, "complaint_groups_no_ids"))]
    result = ctx.analysis().complaint_groups
    if result is None:
        return []
    loc = ctx.locale
    if not result.linked:
        return blocks + [note(text(ctx, _TEXTS, "complaint_groups_no_ids"))]
    k = ctx.analysis().settings.min_orders

    def rate(value: float) -> str:
        return format_decimal(value, loc, 1) if np.isfinite(value) else "–"

    rows = [[_cl(ctx, g.key, k=k), format_integer(g.customers, loc),
             format_integer(g.purchases, loc), format_integer(g.complaints, loc),
             format_integer(g.complainants, loc), rate(g.per_100), rate(g.per_1000_purchases)]
            for g in result.groups]
    blocks.append(table_html([_cl(ctx, key) for key in (
        "group", "customers", "purchases", "complaints", "complainants", "per_100",
        "per_1000")], rows))
    blocks.append(markdown(ctx, _TEXTS, "complaint_groups_linked",
                           **{key: format_integer(getattr(result, key), loc) for key in (
                               "linked", "complaints", "anonymous", "unmatched")}))
    if result.regulars != "unknown":
        blocks.append(markdown(ctx, _TEXTS, f"complaint_groups_{result.regulars}"))
        if result.few:
            blocks.append(note(text(ctx, _TEXTS, "complaint_groups_few")))
    return blocks
