"""Figures for the key-figure and customer-value chapters, drawn from metric results.

Every function takes a result of :mod:`kbworkbook.metrics` (or a small frame a chapter built
from one), never raw transactions; ``ax=None`` creates a styled figure. Single-panel helpers
return the :class:`~matplotlib.axes.Axes`, multi-panel ones the
:class:`~matplotlib.figure.Figure`. Labels are German by default (``language="en"`` for
English); numbers follow ``locale`` (default: de-CH for German, en for English).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from kbworkbook.i18n import (
    format_currency,
    format_date,
    format_decimal,
    format_integer,
    format_month,
    format_percent,
    format_points,
    tr,
)
from kbworkbook.metrics import NpsResult, PurchaseFigures, WindowRetention
from kbworkbook.metrics.cohorts import CohortTable
from kbworkbook.plots._format import (
    COLORS,
    currency_formatter,
    figure,
    number_formatter,
    percent_formatter,
    points_formatter,
    style,
    styled_axes,
)

__all__ = [
    "clv_segment_bars",
    "cohort_heatmap",
    "cross_selling_bars",
    "customer_flow_bars",
    "engagement_chart",
    "monthly_bars",
    "nps_bars",
    "nps_trend_chart",
    "period_label",
    "purchase_comparison",
    "retention_bars",
    "rfm_segment_bars",
]

_L: dict[str, dict[str, str]] = {
    "detractors": {"de": "Kritiker (0–6)", "en": "Detractors (0–6)"},
    "passives": {"de": "Passive (7–8)", "en": "Passives (7–8)"},
    "promoters": {"de": "Promotoren (9–10)", "en": "Promoters (9–10)"},
    "share_answers": {"de": "Anteil der Antworten", "en": "Share of answers"},
    "nps_title": {"de": "NPS {score} (95-%-Intervall {low} bis {high}; n = {n})",
                  "en": "NPS {score} (95% interval {low} to {high}; n = {n})"},
    "small_sample": {"de": "Wenige Antworten (n < 30): Wert nur als Tendenz lesen",
                     "en": "Few answers (n < 30): read as a tendency only"},
    "nps_trend_title": {"de": "NPS im Verlauf (Punkte mit 95-%-Intervall)",
                        "en": "NPS over time (points with 95% interval)"},
    "nps_points": {"de": "NPS (Punkte)", "en": "NPS (points)"},
    "crr": {"de": "Kundenbindungsrate", "en": "Retention rate"},
    "churn": {"de": "Abwanderungsrate", "en": "Churn rate"},
    "retention_title": {"de": "Bindung und Abwanderung (je 12 Monate gegenüber den 12 davor)",
                        "en": "Retention and churn (each 12 months vs. the 12 before)"},
    "window_to": {"de": "bis {date}", "en": "to {date}"},
    "flow_title": {"de": "Kundenbewegung zwischen den beiden Zeiträumen",
                   "en": "Customer movement between the two periods"},
    "flow_start": {"de": "Kunden\nfrüher (S)", "en": "Customers\nbefore (S)"},
    "flow_retained": {"de": "davon\ngeblieben", "en": "of which\nretained"},
    "flow_lost": {"de": "davon\nverloren", "en": "of which\nlost"},
    "flow_new": {"de": "neu oder\nzurück (N)", "en": "new or\nreturning (N)"},
    "flow_end": {"de": "Kunden\njetzt (E)", "en": "Customers\nnow (E)"},
    "customers": {"de": "Kunden", "en": "Customers"},
    "aov": {"de": "Ø Einkaufsbetrag\n(Bon)", "en": "Average\norder value"},
    "frequency": {"de": "Einkäufe\nje Kunde", "en": "Orders\nper customer"},
    "repeat_rate": {"de": "Wiederkaufrate\n(≥ 2 Einkäufe)",
                    "en": "Repeat-purchase\nrate (≥ 2 orders)"},
    "regular_share": {"de": "Umsatzanteil\nStammkunden", "en": "Revenue share\nof regulars"},
    "previous": {"de": "Vorjahreszeitraum", "en": "Previous period"},
    "current": {"de": "Letzte 12 Monate", "en": "Last 12 months"},
    "cohort_title": {"de": "Wie viele Neukunden eines Monats kaufen später wieder?",
                     "en": "How many new customers of a month buy again later?"},
    "cohort_x": {"de": "Monate seit dem ersten Einkauf", "en": "Months since first purchase"},
    "cohort_y": {"de": "Monat des ersten Einkaufs (Anzahl Neukunden)",
                 "en": "Month of first purchase (new customers)"},
    "cohort_bar": {"de": "Anteil aktiv", "en": "Share active"},
    "rfm_customers": {"de": "Anzahl Kunden", "en": "Number of customers"},
    "rfm_revenue": {"de": "Anteil am Umsatz", "en": "Share of revenue"},
    "rfm_title": {"de": "Kundensegmente nach Aktualität und Häufigkeit",
                  "en": "Customer segments by recency and frequency"},
    "clv_title": {"de": "Ø Kundenwert (CLV) je Segment", "en": "Average customer value (CLV) "
                  "per segment"},
    "engagement_title": {"de": "Engagement-Rate je Beitrag (Basis: {base})",
                         "en": "Engagement rate per post (base: {base})"},
    "engagement_y": {"de": "Interaktionen / {base}", "en": "Interactions / {base}"},
    "post": {"de": "Beitrag", "en": "Post"},
    "monthly_mean": {"de": "Monatsmittel", "en": "Monthly mean"},
    "reach": {"de": "Reichweite", "en": "reach"},
    "followers": {"de": "Follower", "en": "followers"},
    "impressions": {"de": "Impressionen", "en": "impressions"},
    "cross_title": {"de": "Produkte, die oft zusammen gekauft werden (Lift)",
                    "en": "Products often bought together (lift)"},
    "lift": {"de": "Lift (1 = Zufall)", "en": "Lift (1 = chance)"},
    "cross_note": {"de": "{conf} der Käufe mit {a} enthalten auch {b}",
                   "en": "{conf} of orders with {a} also contain {b}"},
}


_t = partial(tr, _L)


def _locale(locale: str | None, language: str) -> str:
    if locale:
        return locale
    return "en" if language == "en" else "de-CH"


def period_label(period: Any, locale: str = "de-CH") -> str:
    """Short label of a pandas Period (``Mär 2025``, ``Q1 2025``, ``2025``) or anything else."""
    if isinstance(period, pd.Period):
        code = period.freqstr[0]
        start = period.start_time.date()
        if code == "M":
            return format_month(start, locale)
        if code == "Q":
            return f"Q{period.quarter} {period.year}"
        if code in ("Y", "A"):
            return str(period.year)
        return format_date(start, locale)
    if isinstance(period, pd.Timestamp | dt.date):
        return format_date(period, locale)
    return str(period)


def _hbars(ax: Axes, names: Sequence[str] | None, values: np.ndarray, texts: Sequence[str],
           color: str = COLORS["primary"]) -> None:
    """Horizontal bars, first value on top, each labelled at its end with ``texts``.

    ``names=None`` leaves the y ticks alone (a panel sharing them with its neighbour).
    """
    y = np.arange(len(texts))
    bars = ax.barh(y, values, color=color, height=0.65)
    ax.bar_label(bars, labels=list(texts), padding=3, fontsize=9)
    if names is not None:
        ax.set_yticks(y, list(names))
        ax.invert_yaxis()


# -- NPS ---------------------------------------------------------------------------------------


def nps_bars(
    result: NpsResult, ax: Axes | None = None, language: str = "de", locale: str | None = None
) -> Axes:
    """One 100 % bar split into detractors, passives and promoters, NPS and interval in the title.

    Segment widths are the shares (fractions); each segment is labelled with its percentage
    and count. Answers below 30 add a small-sample line to the title.
    """
    loc = _locale(locale, language)
    with styled_axes(ax, (8.0, 2.6)) as ax:
        parts = [
            ("detractors", result.detractors_share, result.detractors, COLORS["bad"]),
            ("passives", result.passives_share, result.passives, COLORS["neutral"]),
            ("promoters", result.promoters_share, result.promoters, COLORS["good"]),
        ]
        left = 0.0
        for key, share, count, color in parts:
            ax.barh([0], [share], left=left, color=color, label=_t(key, language), height=0.6)
            if share >= 0.06:
                ax.text(left + share / 2, 0, f"{format_percent(share, loc, 0)}\n({count})",
                        ha="center", va="center", fontsize=9,
                        color="white" if key != "passives" else COLORS["text"])
            left += share
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.5, 0.5)
        ax.set_yticks([])
        ax.xaxis.set_major_formatter(percent_formatter(loc))
        ax.set_xlabel(_t("share_answers", language))
        ax.spines["left"].set_visible(False)
        title = _t("nps_title", language, score=format_points(result.score, loc),
                   low=format_points(result.interval_low, loc),
                   high=format_points(result.interval_high, loc),
                   n=format_integer(result.n, loc))
        if result.small_sample:
            title += "\n" + _t("small_sample", language)
        ax.set_title(title)
        ax.figure.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=3)
    return ax


def nps_trend_chart(
    trend: pd.DataFrame, ax: Axes | None = None, language: str = "de", locale: str | None = None
) -> Axes:
    """NPS per period (or segment) as points with 95 % interval whiskers and ``n`` per tick.

    ``trend`` is the frame of :func:`kbworkbook.metrics.nps_trend` (columns ``score``,
    ``interval_low``, ``interval_high``, ``n``: the adjusted-Wald interval). Periods are joined
    by a line; segments are not.
    """
    loc = _locale(locale, language)
    with styled_axes(ax, (8.0, 3.6)) as ax:
        x = np.arange(len(trend))
        score = trend["score"].to_numpy(dtype="float64")
        low = trend["interval_low"].to_numpy(dtype="float64")
        high = trend["interval_high"].to_numpy(dtype="float64")
        is_period = isinstance(trend.index, pd.PeriodIndex)
        ax.axhline(0, color="#999999", linewidth=0.8)
        ax.errorbar(x, score, yerr=[score - low, high - score], fmt="o",
                    linestyle="-" if is_period else "none", color=COLORS["primary"],
                    ecolor=COLORS["secondary"], elinewidth=2, capsize=4, markersize=6)
        for xi, yi in zip(x, score, strict=True):
            ax.annotate(format_points(yi, loc), (xi, yi), textcoords="offset points",
                        xytext=(9, 0), ha="left", va="center", fontsize=9, color=COLORS["primary"])
        labels = [f"{period_label(p, loc)}\nn = {format_integer(n, loc)}"
                  for p, n in zip(trend.index, trend["n"], strict=True)]
        ax.set_xticks(x, labels)
        ax.set_xlim(-0.6, len(trend) - 0.4)
        lo = min(-10.0, float(np.nanmin(low)) - 10) if len(trend) else -100.0
        hi = max(10.0, float(np.nanmax(high)) + 10) if len(trend) else 100.0
        ax.set_ylim(max(-100.0, lo), min(100.0, hi))
        ax.yaxis.set_major_formatter(points_formatter(loc))
        ax.set_ylabel(_t("nps_points", language))
        ax.grid(axis="y")
        ax.set_title(_t("nps_trend_title", language))
    return ax


# -- retention ---------------------------------------------------------------------------------


def _window_end_label(item: WindowRetention, loc: str, language: str) -> str:
    last = (item.end_window[1] - pd.Timedelta(days=1)).date()
    return _t("window_to", language, date=format_date(last, loc))


def retention_bars(
    items: Sequence[WindowRetention], ax: Axes | None = None, language: str = "de",
    locale: str | None = None,
) -> Axes:
    """Retention (CRR) and churn side by side for each pair of consecutive windows.

    ``items`` in chronological order; each group is labelled with the end of its later window.
    Bar heights are fractions; the two bars of a group add up to 100 %.
    """
    loc = _locale(locale, language)
    with styled_axes(ax, (8.0, 3.6)) as ax:
        x = np.arange(len(items))
        width = 0.38
        crr = [item.crr for item in items]
        churn = [item.churn for item in items]
        bars_r = ax.bar(x - width / 2, crr, width, color=COLORS["primary"],
                        label=_t("crr", language))
        bars_c = ax.bar(x + width / 2, churn, width, color=COLORS["bad"],
                        label=_t("churn", language))
        for bars in (bars_r, bars_c):
            ax.bar_label(bars, labels=[format_percent(b.get_height(), loc, 0) for b in bars],
                         padding=2, fontsize=9)
        ax.set_xticks(x, [_window_end_label(item, loc, language) for item in items])
        ax.set_ylim(0, 1.08)
        ax.yaxis.set_major_formatter(percent_formatter(loc))
        ax.grid(axis="y")
        ax.set_axisbelow(True)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_title(_t("retention_title", language))
    return ax


def customer_flow_bars(
    item: WindowRetention, ax: Axes | None = None, language: str = "de",
    locale: str | None = None,
) -> Axes:
    """Counts S, retained, lost, new/returning (N) and E of one window pair as bars."""
    loc = _locale(locale, language)
    with styled_axes(ax, (8.0, 3.4)) as ax:
        keys = ["flow_start", "flow_retained", "flow_lost", "flow_new", "flow_end"]
        values = [item.start, item.retained, item.lost, item.new, item.end]
        colors = [COLORS["secondary"], COLORS["primary"], COLORS["bad"], COLORS["good"],
                  COLORS["secondary"]]
        bars = ax.bar(range(5), values, color=colors, width=0.6)
        ax.bar_label(bars, labels=[format_integer(v, loc) for v in values], padding=2,
                     fontsize=9)
        ax.set_xticks(range(5), [_t(k, language) for k in keys])
        ax.yaxis.set_major_formatter(number_formatter(loc))
        ax.set_ylabel(_t("customers", language))
        ax.set_ylim(0, max(values) * 1.15 if max(values) > 0 else 1)
        ax.grid(axis="y")
        ax.set_axisbelow(True)
        ax.set_title(_t("flow_title", language))
    return ax


# -- purchases ---------------------------------------------------------------------------------


def purchase_comparison(
    current: PurchaseFigures, previous: PurchaseFigures | None = None, currency: str = "CHF",
    language: str = "de", locale: str | None = None,
) -> Figure:
    """Four small panels: average order value, orders per customer, repeat rate, regulars' share.

    Each panel shows the previous window (if given) beside the current one, values on the bars.
    """
    loc = _locale(locale, language)
    fig, axes = figure(1, 4, size=(10.0, 3.2))
    specs = [
        ("aov", lambda f: f.aov, lambda v: format_currency(v, currency, loc, 2),
         currency_formatter(currency, loc)),
        ("frequency", lambda f: f.frequency, lambda v: format_decimal(v, loc, 1),
         number_formatter(loc, 1)),
        ("repeat_rate", lambda f: f.repeat_rate, lambda v: format_percent(v, loc, 0),
         percent_formatter(loc)),
        ("regular_share", lambda f: f.regular_revenue_share, lambda v: format_percent(v, loc, 0),
         percent_formatter(loc)),
    ]
    with style():
        for ax, (key, get, fmt, formatter) in zip(axes, specs, strict=True):
            names, values, colors = [], [], []
            if previous is not None:
                names.append(_t("previous", language))
                values.append(float(get(previous)))
                colors.append(COLORS["secondary"])
            names.append(_t("current", language))
            values.append(float(get(current)))
            colors.append(COLORS["primary"])
            clean = [0.0 if not np.isfinite(v) else v for v in values]
            bars = ax.bar(range(len(clean)), clean, color=colors, width=0.6)
            ax.bar_label(bars, labels=[fmt(v) for v in values], padding=2, fontsize=9)
            ax.set_xticks(range(len(names)), [n.replace(" ", "\n", 1) for n in names])
            ax.yaxis.set_major_formatter(formatter)
            top = max(clean) if clean and max(clean) > 0 else 1.0
            ax.set_ylim(0, top * 1.2)
            ax.set_title(_t(key, language), fontsize=10)
    return fig


def monthly_bars(
    values: pd.Series, kind: str = "currency", currency: str = "CHF", ax: Axes | None = None,
    title: str = "", language: str = "de", locale: str | None = None,
) -> Axes:
    """Bars per month (``values`` indexed by monthly ``Period``), money or counts on the axis."""
    loc = _locale(locale, language)
    with styled_axes(ax, (9.0, 3.2)) as ax:
        x = np.arange(len(values))
        ax.bar(x, values.to_numpy(dtype="float64"), color=COLORS["primary"], width=0.75)
        step = max(1, int(np.ceil(len(values) / 8)))
        ax.set_xticks(x[::step], [period_label(p, loc) for p in values.index[::step]],
                      rotation=0)
        if kind == "currency":
            ax.yaxis.set_major_formatter(currency_formatter(currency, loc))
        else:
            ax.yaxis.set_major_formatter(number_formatter(loc))
        ax.grid(axis="y")
        ax.set_axisbelow(True)
        if title:
            ax.set_title(title)
    return ax


# -- cohorts -----------------------------------------------------------------------------------


def cohort_heatmap(
    table: CohortTable, ax: Axes | None = None, language: str = "de", locale: str | None = None,
    annotate: bool = True,
) -> Axes:
    """Cohort retention as a heatmap; cells of periods not yet reached (NaN) stay blank.

    Rows: cohorts (first-purchase period, with their size); columns: periods since first
    purchase. The colour scale spans 0 to the largest value after period 0, so later periods
    remain distinguishable; period 0 (always 100 %) is drawn in the darkest colour.
    """
    import matplotlib as mpl

    loc = _locale(locale, language)
    data = table.retention.to_numpy(dtype="float64")
    masked = np.ma.masked_invalid(data)
    later = data[:, 1:] if data.shape[1] > 1 else data
    finite = later[np.isfinite(later)]
    # the 95th percentile keeps a few tiny cohorts at 100 % from washing out the colours
    top = float(np.percentile(finite, 95)) if finite.size else 1.0
    top = min(1.0, max(top, 0.05))
    nrows, ncols = data.shape
    with styled_axes(ax, (max(6.0, 0.42 * ncols + 2.5), max(3.0, 0.32 * nrows + 1.5))) as ax:
        cmap = mpl.colormaps["Blues"].with_extremes(bad="white")
        image = ax.imshow(masked, cmap=cmap, vmin=0.0, vmax=top, aspect="auto",
                          interpolation="nearest")
        if annotate:
            size = 8.5 if ncols <= 12 else 7  # a 12 × 12 table is printed larger
            for i in range(nrows):
                for j in range(ncols):
                    value = data[i, j]
                    if not np.isfinite(value):
                        continue
                    dark = min(value, top) / top > 0.6
                    # inside its cell: left out of the layout's bounding boxes (faster)
                    ax.text(j, i, format_decimal(value * 100, loc, 0), ha="center",
                            va="center", fontsize=size, color="white" if dark else COLORS["text"],
                            in_layout=False)
        ax.set_xticks(range(ncols), [str(k) for k in table.retention.columns])
        ax.set_yticks(range(nrows), [f"{period_label(p, loc)} ({format_integer(s, loc)})"
                                     for p, s in zip(table.retention.index, table.sizes,
                                                     strict=True)])
        ax.tick_params(axis="both", length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xlabel(_t("cohort_x", language))
        ax.set_ylabel(_t("cohort_y", language))
        ax.set_title(_t("cohort_title", language))
        bar = ax.figure.colorbar(image, ax=ax, shrink=0.6, pad=0.01)
        bar.ax.yaxis.set_major_formatter(percent_formatter(loc))
        bar.set_label(_t("cohort_bar", language))
    return ax


# -- RFM and CLV -------------------------------------------------------------------------------


def rfm_segment_bars(
    summary: pd.DataFrame, language: str = "de", locale: str | None = None
) -> Figure:
    """Two panels per segment: number of customers and share of revenue (fractions).

    ``summary``: index = segment label (in display order, top first), columns ``customers`` and
    ``revenue_share``.
    """
    loc = _locale(locale, language)
    fig, (left, right) = figure(1, 2, size=(10.0, 0.42 * len(summary) + 1.6), sharey=True)
    with style():
        _hbars(left, [str(v) for v in summary.index],
               summary["customers"].to_numpy(dtype="float64"),
               [format_integer(v, loc) for v in summary["customers"]])
        left.xaxis.set_major_formatter(number_formatter(loc))
        left.set_title(_t("rfm_customers", language), fontsize=10)
        left.set_xlim(0, max(1.0, float(summary["customers"].max()) * 1.2))
        shares = summary["revenue_share"].to_numpy(dtype="float64")
        _hbars(right, None, shares, [format_percent(v, loc, 0) for v in shares],
               COLORS["accent"])
        right.xaxis.set_major_formatter(percent_formatter(loc))
        right.set_xlim(0, max(0.05, float(np.nanmax(shares)) * 1.25) if len(shares) else 1)
        right.set_title(_t("rfm_revenue", language), fontsize=10)
        fig.suptitle(_t("rfm_title", language), x=0.01, ha="left", fontweight="bold",
                     fontsize=12)
    return fig


def clv_segment_bars(
    frame: pd.DataFrame, currency: str = "CHF", ax: Axes | None = None, language: str = "de",
    locale: str | None = None,
) -> Axes:
    """Horizontal bars of the mean CLV (``clv_mean``) per segment (index = label, top first)."""
    loc = _locale(locale, language)
    with styled_axes(ax, (8.0, 0.42 * len(frame) + 1.4)) as ax:
        values = frame["clv_mean"].to_numpy(dtype="float64")
        _hbars(ax, [str(v) for v in frame.index], values,
               [format_currency(v, currency, loc, 0) for v in values])
        ax.xaxis.set_major_formatter(currency_formatter(currency, loc))
        right = float(np.nanmax(values)) if len(values) and np.isfinite(values).any() else 1.0
        ax.set_xlim(min(0.0, float(np.nanmin(values)) * 1.2) if len(values) else 0.0,
                    max(1.0, right * 1.25))
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        ax.set_title(_t("clv_title", language))
    return ax


# -- engagement and cross-selling ---------------------------------------------------------------


def engagement_chart(
    per_post: pd.DataFrame, base: str, monthly: pd.Series | None = None, ax: Axes | None = None,
    language: str = "de", locale: str | None = None,
) -> Axes:
    """Engagement rate of each post (dots, by ``date``) and optionally the monthly mean (line).

    ``per_post`` has ``date`` and ``rate`` (fraction); ``base`` names the denominator
    (reach, followers or impressions) and appears in title and axis label.
    """
    loc = _locale(locale, language)
    base_label = _t(base, language) if base in _L else base
    with styled_axes(ax, (9.0, 3.4)) as ax:
        valid = per_post.loc[per_post["rate"].notna()]
        ax.scatter(valid["date"], valid["rate"], s=14, color=COLORS["secondary"],
                   label=_t("post", language), zorder=2)
        if monthly is not None and len(monthly):
            mids = [p.start_time + pd.Timedelta(days=14) for p in monthly.index]
            ax.plot(mids, monthly.to_numpy(dtype="float64"), color=COLORS["primary"],
                    linewidth=2, marker="o", markersize=4, label=_t("monthly_mean", language),
                    zorder=3)
        ax.yaxis.set_major_formatter(percent_formatter(loc, 1))
        ax.set_ylim(bottom=0)
        ax.set_ylabel(_t("engagement_y", language, base=base_label))
        if len(valid):
            ticks = pd.date_range(valid["date"].min(), valid["date"].max(), freq="QS")
            labels = [period_label(pd.Period(t, "M"), loc) for t in ticks]
            ax.set_xticks(mdates.date2num(ticks.to_pydatetime()), labels)
        ax.grid(axis="y")
        ax.set_axisbelow(True)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_title(_t("engagement_title", language, base=base_label))
    return ax


def cross_selling_bars(
    pairs: pd.DataFrame, top: int = 10, ax: Axes | None = None, language: str = "de",
    locale: str | None = None,
) -> Axes:
    """The ``top`` pairs of :func:`kbworkbook.metrics.cross_selling` as horizontal lift bars.

    A dashed line marks lift 1 (bought together no more often than by chance).
    """
    loc = _locale(locale, language)
    head = pairs.head(top)
    with styled_axes(ax, (8.0, 0.42 * len(head) + 1.4)) as ax:
        lift = head["lift"].to_numpy(dtype="float64")
        _hbars(ax, [f"{a} + {b}" for a, b in zip(head["product_a"], head["product_b"],
                                                 strict=True)],
               lift, [format_decimal(v, loc, 2) for v in lift])
        ax.axvline(1.0, color=COLORS["bad"], linestyle="--", linewidth=1)
        ax.xaxis.set_major_formatter(number_formatter(loc, 1))
        ax.set_xlim(0, max(1.5, float(lift.max()) * 1.2) if len(lift) else 2)
        ax.set_xlabel(_t("lift", language))
        ax.set_title(_t("cross_title", language))
    return ax
