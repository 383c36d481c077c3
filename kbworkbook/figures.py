"""The client's figures, computed once from the canonical tables, the settings and the Stichtag.

Pure: tables + :class:`Settings` + Stichtag in, a frozen :class:`Analysis` out; no I/O, no
display. Chapters and the report's index only present these numbers, so a figure reads the
same everywhere; :func:`figures_document` is the content of ``figures.json``.

One definition per concept:

* **Window** – ``[analysis] window_months`` (12) calendar months ending with the Stichtag;
  every "current" figure covers it. Longer views are history and say so.
* **Contribution margin** (Deckungsbeitrag) – ``[economics] margin_rate`` × net revenue when
  set; else the data's ``margin`` column (a missing line margin is estimated at the rate of the
  lines that have one, never read as 0); else :data:`DEFAULT_MARGIN_RATE`. The column of a till
  usually holds the GROSS margin (Rohertrag) before packaging, energy and discounts, which is
  why a configured rate wins; the gross rate is kept to be named beside it.
* **Customer value** (CLV) – ``CLV = Σ_{t=0..T−1} m·r^t/(1+d)^t``: this year's contribution
  margin per active customer m, plus the following years' margins, each kept with the retention
  rate r and discounted at d, over T years (``[economics] discount_rate``,
  ``[economics] clv_horizon_years``). :func:`customer_value` is the only place it is computed.
* **NPS** – the answers dated in the window (all answers when none carries a date).
* **Complaints** – those dated in the window; shares are of the complaints with an answer.
* **Engagement** – mean rate per post of the posts in the window, on the first available base
  (reach, impressions, followers).
"""

from __future__ import annotations

import contextvars
import math
import os
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from . import metrics
from .economics import lifetime_margin
from .errors import KbWorkbookError, MetricError
from .input_files import TABLE_NAMES
from .intention import IntentionBehaviour, intention_behaviour, referral_in_window
from .metrics.complaint_groups import ComplaintsByGroup, complaints_by_group
from .metrics.concentration import Concentration, revenue_concentration
from .metrics.early import EarlyLoyalty, early_loyalty
from .metrics.lifecycle import STAGES, Lifecycle, lifecycle, lifecycle_settings
from .metrics.profitability import CustomerProfitability, customer_profitability
from .metrics.referral import ReferralRate
from .metrics.said_and_done import RepurchaseByBand, repurchase_by_band
from .metrics.staying import StayingCurves, staying_curves
from .reasons import reason_of

__all__ = [
    "DEFAULT_CLV_HORIZON",
    "DEFAULT_DISCOUNT_RATE",
    "DEFAULT_MARGIN_RATE",
    "FIGURE_KEYS",
    "Analysis",
    "ClvConvention",
    "ComplaintFigures",
    "EngagementByBase",
    "THEME_PREFIX",
    "KeyFigure",
    "MarginBasis",
    "NpsChange",
    "Settings",
    "Window",
    "analyse",
    "clv_convention",
    "complaint_figures",
    "config_number",
    "contribution_margin",
    "customer_value",
    "engagement_by_base",
    "engagement_history",
    "figure_spec",
    "figures_document",
    "format_figure",
    "key_figures",
    "loyalty_check",
    "margin_basis",
    "monthly_revenue",
    "new_earn_more",
    "nps_change",
    "nps_waves",
    "previous_purchases",
    "retention_series",
]

DEFAULT_WINDOW_MONTHS = 12
DEFAULT_MARGIN_RATE = 0.30  # contribution margin per unit of revenue when nothing is known
DEFAULT_DISCOUNT_RATE = 0.08  # yearly discount rate of the customer value
DEFAULT_CLV_HORIZON = 10  # years of the customer value
QUICK_DAYS = 2  # a complaint "solved quickly": within two days
ENGAGEMENT_BASES = ("reach", "impressions", "followers")
#: How many monthly first-purchase cohorts the analysis keeps (the workshop shows them all,
#: the report the youngest twelve).
COHORT_MONTHS = 24
SAID_AND_DONE_DAYS = 180  # follow-up after a survey answer: did the customer buy again?


# -- settings and window -------------------------------------------------------------------------


def config_number(config: Mapping[str, Any], key: str) -> float | None:
    """``config[key]`` as a finite float; ``None`` when missing, a boolean, text or not finite."""
    value = config.get(key)
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class Settings:
    """What kbworkbook.toml says about the analysis: window, regulars' bar, ``[economics]``."""

    window_months: int = DEFAULT_WINDOW_MONTHS
    min_orders: int = 2
    economics: Mapping[str, Any] = field(default_factory=dict)
    #: ``[analysis]`` as written (the lifecycle's thresholds, :func:`lifecycle_settings`)
    analysis: Mapping[str, Any] = field(default_factory=dict)
    #: ``[segments]`` (RFM grid) and ``[nps_themes]`` (comment themes) of kbworkbook.toml
    segments: Mapping[str, Any] = field(default_factory=dict)
    nps_themes: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, workspace: Any) -> Settings:
        """The settings of a :class:`~kbworkbook.workspace.Workspace` (invalid → default)."""
        analysis = workspace.section("analysis")

        def positive(key: str, default: int) -> int:
            number = config_number(analysis, key)
            return int(number) if number is not None and number >= 1 else default

        economics = dict(workspace.section("economics"))
        if "margin_rate" not in economics and "margin_rate" in analysis:
            economics["margin_rate"] = analysis["margin_rate"]  # older place of the setting
        return cls(window_months=positive("window_months", DEFAULT_WINDOW_MONTHS),
                   min_orders=positive("stammkunde_min_orders", 2), economics=economics,
                   analysis=dict(analysis),
                   segments=dict(workspace.section("segments")),
                   nps_themes=dict(workspace.section("nps_themes")))


@dataclass(frozen=True)
class Window:
    """The current window ``[start, end)``: ``months`` calendar months ending with the Stichtag."""

    start: pd.Timestamp
    end: pd.Timestamp
    months: int

    @classmethod
    def ending(cls, as_of: Any, months: int) -> Window:
        end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
        return cls(end - pd.DateOffset(months=months), end, months)

    @property
    def last_day(self) -> pd.Timestamp:
        return self.end - pd.Timedelta(days=1)

    def iso(self) -> str:
        """``2025-01-01/2025-12-31`` (ISO 8601 interval of the days covered)."""
        return f"{self.start.date().isoformat()}/{self.last_day.date().isoformat()}"

    def contains(self, dates: pd.Series) -> pd.Series:
        return (dates >= self.start) & (dates < self.end)


# -- margin -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarginBasis:
    """The contribution margin rate used by every chapter, and where it comes from.

    ``source``: ``config`` ([economics] margin_rate), ``data`` (the margin column) or
    ``default``. ``gross_rate``: the margin column's rate in the window (None without one);
    ``estimated_lines``: window lines whose missing margin was estimated at the known rate.
    """

    rate: float
    source: str
    gross_rate: float | None = None
    estimated_lines: int = 0


def _column_rate(transactions: pd.DataFrame, window: Window) -> tuple[float | None, int]:
    """Σ margin / Σ revenue over the window lines that carry a margin; lines without one."""
    if "margin" not in transactions.columns:
        return None, 0
    inside = window.contains(transactions["date"]).to_numpy()
    margin = pd.to_numeric(transactions["margin"]).to_numpy(dtype="float64", na_value=np.nan)
    revenue = transactions["revenue"].to_numpy(dtype="float64", na_value=0.0)
    known = inside & ~np.isnan(margin)
    missing = int((inside & np.isnan(margin)).sum())
    base = float(revenue[known].sum())
    if not known.any() or base <= 0:
        return None, missing
    return float(margin[known].sum()) / base, missing


def margin_basis(transactions: pd.DataFrame | None, window: Window,
                 economics: Mapping[str, Any]) -> MarginBasis:
    """The contribution margin rate (see module docstring), clipped to 0..1."""
    gross, missing = (None, 0) if transactions is None else _column_rate(transactions, window)
    configured = config_number(economics, "margin_rate")
    if configured is not None and 0 <= configured <= 1:
        return MarginBasis(configured, "config", gross, 0)
    if gross is not None:
        return MarginBasis(min(max(gross, 0.0), 1.0), "data", gross, missing)
    return MarginBasis(DEFAULT_MARGIN_RATE, "default", None, 0)


def contribution_margin(transactions: pd.DataFrame, basis: MarginBasis) -> pd.DataFrame:
    """``transactions`` with ``margin`` = each line's contribution margin under ``basis``.

    ``config``/``default``: rate × revenue; ``data``: the column, a missing value estimated at
    the basis rate. The caller's frame is not changed.
    """
    revenue = transactions["revenue"].astype("float64")
    if basis.source != "data":
        return transactions.assign(margin=revenue * basis.rate)
    column = pd.to_numeric(transactions["margin"]).astype("float64")
    return transactions.assign(margin=column.fillna(revenue * basis.rate))


# -- customer value -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClvConvention:
    """Discount rate and horizon of the one customer value, with where each comes from."""

    discount_rate: float
    horizon_years: int
    discount_source: str = "default"
    horizon_source: str = "default"

    #: the formula as printed next to every customer value
    FORMULA = "CLV = Σ m·rᵗ/(1+d)ᵗ, t = 0 … T−1"


def clv_convention(economics: Mapping[str, Any]) -> ClvConvention:
    """Discount rate and horizon from ``[economics]`` (invalid or missing → default)."""
    d = config_number(economics, "discount_rate")
    t = config_number(economics, "clv_horizon_years")
    d_ok = d is not None and 0 <= d <= 1
    t_ok = t is not None and 1 <= t <= 100 and float(t).is_integer()
    return ClvConvention(
        discount_rate=float(d) if d_ok else DEFAULT_DISCOUNT_RATE,  # type: ignore[arg-type]
        horizon_years=int(t) if t_ok else DEFAULT_CLV_HORIZON,  # type: ignore[arg-type]
        discount_source="config" if d_ok else "default",
        horizon_source="config" if t_ok else "default",
    )


def customer_value(margin_per_year: float, retention: float, convention: ClvConvention) -> float:
    """THE customer value: ``Σ_{t=0..T−1} m·r^t/(1+d)^t`` (never NaN: invalid input raises)."""
    return lifetime_margin(margin_per_year, retention, convention.discount_rate,
                           convention.horizon_years)


# -- complaints ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintFigures:
    """Complaints of one period; shares are of the complaints with an answer (NaN: none)."""

    count: int
    resolved_share: float
    satisfied_share: float
    satisfied_answered: int
    mean_days: float
    quick_share: float  # of the satisfied ones with a duration: solved within QUICK_DAYS


def _share(values: pd.Series) -> tuple[float, int]:
    known = values.dropna()
    if not len(known):
        return math.nan, 0
    return float(known.astype(bool).mean()), int(len(known))


def complaint_figures(complaints: pd.DataFrame, start: Any = None,
                      end: Any = None) -> ComplaintFigures:
    """Figures of the complaints dated in ``[start, end)`` (``None``: unbounded)."""
    frame = complaints
    if "date" in frame.columns and (start is not None or end is not None):
        dates = frame["date"]
        keep = pd.Series(True, index=frame.index)
        if start is not None:
            keep &= dates >= pd.Timestamp(start)
        if end is not None:
            keep &= dates < pd.Timestamp(end)
        frame = frame.loc[keep.fillna(False).astype(bool)]
    resolved = _share(frame["resolved"])[0] if "resolved" in frame.columns else math.nan
    satisfied, answered = (_share(frame["satisfied"]) if "satisfied" in frame.columns
                           else (math.nan, 0))
    mean_days, quick = math.nan, math.nan
    if "days_to_resolve" in frame.columns:
        days = pd.to_numeric(frame["days_to_resolve"]).astype("Float64")
        if days.notna().any():
            mean_days = float(days.dropna().mean())
        if "satisfied" in frame.columns:
            ok = frame["satisfied"].astype("boolean").fillna(False).astype(bool)
            timed = days[ok].dropna()
            if len(timed):
                quick = float((timed <= QUICK_DAYS).mean())
    return ComplaintFigures(count=int(len(frame)), resolved_share=resolved,
                            satisfied_share=satisfied, satisfied_answered=answered,
                            mean_days=mean_days, quick_share=quick)


# -- history views: series over time, the previous window -----------------------------------------

#: a history view may start this many days after the first date with data (weekly exports)
_COVERAGE_SLACK = pd.Timedelta(days=7)


def _first_day(transactions: pd.DataFrame) -> pd.Timestamp:
    return pd.Timestamp(transactions["date"].min()).normalize()


def retention_series(transactions: pd.DataFrame, as_of: Any,
                     months: int) -> tuple[metrics.WindowRetention, ...]:
    """Window retention at ``as_of`` and at the four quarter ends before it, oldest first;
    only points whose two windows the data cover (a week's slack at the start) and whose
    earlier window has customers. Each point sees only the lines up to its day."""
    day = pd.Timestamp(as_of).normalize()
    first = _first_day(transactions)
    points = []
    for back in (12, 9, 6, 3, 0):
        point = day - pd.DateOffset(months=back)
        start = point + pd.Timedelta(days=1) - pd.DateOffset(months=2 * months)
        if start >= first - _COVERAGE_SLACK:
            points.append(point)
    if not points:
        return ()
    try:
        found = metrics.window_retentions(transactions, points, months)
    except MetricError:
        return ()
    return tuple(item for item in found if isinstance(item, metrics.WindowRetention))


def monthly_revenue(transactions: pd.DataFrame, as_of: Any, months: int = 24) -> pd.Series:
    """Net revenue per calendar month (``Period`` index, months without sales = 0) for the
    ``months`` months up to ``as_of``; the first month is counted whole."""
    day = pd.Timestamp(as_of).normalize()
    end = day + pd.Timedelta(days=1)
    start = (end - pd.DateOffset(months=months)).to_period("M").start_time
    sel = transactions.loc[(transactions["date"] >= start) & (transactions["date"] < end)]
    sums = sel.groupby(sel["date"].dt.to_period("M"))["revenue"].sum().astype("float64")
    full = pd.period_range(start.to_period("M"), day.to_period("M"), freq="M")
    return sums.reindex(full, fill_value=0.0)


def previous_purchases(transactions: pd.DataFrame, basis: MarginBasis, as_of: Any,
                       months: int, min_orders: int) -> metrics.PurchaseFigures | None:
    """Purchase figures of the window before the current one, when the data cover it."""
    day = pd.Timestamp(as_of).normalize()
    prev_day = day - pd.DateOffset(months=months)
    if prev_day + pd.Timedelta(days=1) - pd.DateOffset(months=months) < (
            _first_day(transactions) - _COVERAGE_SLACK):
        return None
    try:
        return metrics.purchase_figures(contribution_margin(transactions, basis), prev_day,
                                        months, min_orders)
    except MetricError:
        return None


def new_earn_more(figures: metrics.PurchaseFigures) -> bool:
    """New customers bring more contribution per purchase than existing ones (both known, as
    shown to the cent) – against the usual argument for retention, so a page must say so."""
    new, old = figures.margin_per_order_new, figures.margin_per_order_existing
    return (new is not None and old is not None and math.isfinite(new) and math.isfinite(old)
            and round(new, 2) > round(old, 2))


@dataclass(frozen=True)
class EngagementByBase:
    """Engagement of the window's posts on one base: mean rate per post and pooled rate."""

    base: str
    mean: float
    pooled: float
    posts: int


def engagement_by_base(posts: pd.DataFrame, window: Window) -> tuple[EngagementByBase, ...]:
    """Mean and pooled engagement of the posts in ``window`` on every base the data allow
    (reach, impressions, followers; undated posts all count)."""
    inside = posts
    if "date" in posts.columns:
        inside = posts.loc[window.contains(posts["date"]).fillna(False).astype(bool)]
    out = []
    for base in ENGAGEMENT_BASES:
        if base not in inside.columns or not len(inside):
            continue
        try:
            mean = metrics.engagement_rate(inside, base=base, how="mean")
            pooled = metrics.engagement_rate(inside, base=base, how="pooled")
        except MetricError:
            continue
        out.append(EngagementByBase(base, mean.rate, pooled.rate, mean.posts))
    return tuple(out)


def engagement_history(posts: pd.DataFrame, base: str) -> tuple[pd.DataFrame, pd.Series]:
    """Every dated post's engagement rate on ``base`` (columns of
    :func:`~kbworkbook.metrics.post_engagement` plus ``date``) and the monthly mean rate."""
    per = metrics.post_engagement(posts, base=base)
    if "date" not in posts.columns:
        return per.iloc[0:0].assign(date=pd.Series(dtype="datetime64[ns]")), pd.Series(
            dtype="float64")
    per["date"] = posts["date"]
    dated = per.loc[per["date"].notna()]
    monthly = dated.groupby(dated["date"].dt.to_period("M"))["rate"].mean().dropna()
    return dated, monthly


# -- NPS over time and what the data say about loyalty -------------------------------------------


@dataclass(frozen=True)
class NpsChange:
    """NPS of the first and the latest survey wave (quarters with answers) up to the Stichtag.

    ``periods`` as ``2024Q1``; ``overlap``: the two 95 % intervals overlap, so the change is
    within the uncertainty of the survey and not yet a sure trend.
    """

    first_period: str
    first: float
    first_n: int
    last_period: str
    last: float
    last_n: int
    overlap: bool

    @property
    def change(self) -> float:
        return self.last - self.first


def nps_waves(frame: pd.DataFrame, end: Any = None) -> pd.DataFrame | None:
    """NPS per quarter (survey wave) of the dated answers before ``end``; ``None`` without
    dated answers. Columns of :func:`~kbworkbook.metrics.nps_trend`, ``Period`` index."""
    if "date" not in frame.columns or "score" not in frame.columns:
        return None
    scores = _scores(frame)
    keep = frame["date"].notna() & scores.notna()
    if end is not None:
        keep &= frame["date"] < pd.Timestamp(end)
    dated = frame.loc[keep.fillna(False).astype(bool)]
    if not len(dated):
        return None
    return metrics.nps_trend(dated.assign(score=_scores(dated)), by="period", freq="Q")


def nps_change(frame: pd.DataFrame, end: Any = None) -> NpsChange | None:
    """First vs latest quarterly wave of dated answers before ``end`` (None: < 2 waves)."""
    return _change_of(nps_waves(frame, end))


def _change_of(waves: pd.DataFrame | None) -> NpsChange | None:
    if waves is None or len(waves) < 2:
        return None
    first, last = waves.iloc[0], waves.iloc[-1]
    overlap = bool(first["interval_low"] <= last["interval_high"]
                   and last["interval_low"] <= first["interval_high"])
    return NpsChange(str(waves.index[0]), float(first["score"]), int(first["n"]),
                     str(waves.index[-1]), float(last["score"]), int(last["n"]), overlap)


def loyalty_check(crr: float | None, nps: NpsChange | None) -> str:
    """Do the client's figures support "customers stay by choice"? Compared with itself only.

    ``partly`` when the NPS fell from the first to the latest wave or fewer than half of the
    previous window's customers bought again (more lost than kept); ``supports`` when neither;
    ``unknown`` without retention and NPS change.
    """
    if crr is None and nps is None:
        return "unknown"
    if (nps is not None and nps.change < 0) or (crr is not None and crr < 0.5):
        return "partly"
    return "supports"


# -- the analysis -------------------------------------------------------------------------------

#: threads :meth:`Analysis.computed` computes the parts in (numpy and pandas release the GIL
#: for most of the work: 10^6 lines, 3.1 s in one thread, 2.0 s in two)
PART_THREADS = max(1, min(4, os.cpu_count() or 1))


class part(cached_property):  # noqa: N801 - used as a decorator, like cached_property
    """A part of the analysis: computed once per analysis, also when several threads ask for
    it at the same time (each waits for the one computing it; parts depend on each other
    without cycles, so no thread waits for itself)."""

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        cache = instance.__dict__
        name = self.attrname
        if name in cache:
            return cache[name]
        locks = cache.setdefault("_part_locks", {})
        with locks.setdefault(name, threading.RLock()):
            if name in cache:
                return cache[name]
            return super().__get__(instance, owner)


@dataclass(frozen=True)
class Analysis:
    """Every figure of one client at one Stichtag (``None`` where the data do not allow it).

    Each part is computed on first use and then kept (:class:`part`), so a chapter that shows
    only sales figures never reads the survey: ``tables`` may load its frames lazily.
    :meth:`computed` computes every part, in :data:`PART_THREADS` threads. ``purchases`` is
    computed on :func:`contribution_margin` lines, so its margins per order are contribution
    margins. ``notes`` holds the German reason for each figure computed so far that could not
    be computed, in the order of the parts.
    """

    as_of: pd.Timestamp
    window: Window
    settings: Settings
    tables: Mapping[str, pd.DataFrame | None] = field(repr=False, compare=False)
    _notes: list[KbWorkbookError] = field(default_factory=list, repr=False, compare=False)

    @property
    def notes(self) -> tuple[str, ...]:
        """Why parts of the analysis are missing, in German (see :meth:`notes_in`)."""
        return tuple(str(exc) for exc in self._notes)

    def notes_in(self, language: str, locale: str | None = None) -> tuple[str, ...]:
        """Why parts of the analysis are missing, in the reader's language and locale."""
        return tuple(reason_of(exc, language, locale) for exc in self._notes)

    @classmethod
    def parts(cls) -> tuple[str, ...]:
        """The names of the computed parts (every :class:`part`), in definition order."""
        return tuple(name for name, value in vars(cls).items()
                     if isinstance(value, cached_property))

    def computed(self) -> dict[str, Any]:
        """Every part computed (reading the tables they need) and the notes: what a cache
        keeps (frozen dataclasses, numbers, small frames; no customer ids).

        The tables are read first, one after the other; then the parts are computed in
        :data:`PART_THREADS` threads sharing one memo of netted receipts. The notes come out
        in the order of the parts that raised them, whichever thread was first.
        """
        from .metrics._orders import shared_orders

        for name in TABLE_NAMES:  # a lazy mapping loads here, not from several threads
            self.tables.get(name)
        names = self.parts()
        with shared_orders():  # the parts net the same receipts once
            context = contextvars.copy_context()
            if PART_THREADS > 1:
                with ThreadPoolExecutor(PART_THREADS, thread_name_prefix="kb-part") as pool:
                    list(pool.map(lambda name: context.copy().run(getattr, self, name), names))
            out: dict[str, Any] = {name: getattr(self, name) for name in names}
        order = self.__dict__.get("_note_parts", {})
        position = {name: i for i, name in enumerate(names)}
        self._notes.sort(key=lambda exc: position.get(order.get(id(exc), ""), len(names)))
        out["notes"] = list(self._notes)
        return out

    @classmethod
    def restored(cls, as_of: Any, settings: Settings, values: Mapping[str, Any],
                 tables: Mapping[str, pd.DataFrame | None] | None = None) -> Analysis:
        """An analysis whose parts are ``values`` (from :meth:`computed`); a part missing from
        ``values`` is computed from ``tables`` on first use as usual."""
        day = pd.Timestamp(as_of).normalize()
        analysis = cls(as_of=day, window=Window.ending(day, settings.window_months),
                       settings=settings, tables=tables or {},
                       _notes=list(values.get("notes", ())))
        for name in cls.parts():
            if name in values:
                analysis.__dict__[name] = values[name]  # what a part would store
        return analysis

    def _attempt(self, call: Any) -> Any:
        """``call()``, or ``None`` with its reason kept as a note (remembering the part that
        called: the caller's function name)."""
        try:
            return call()
        except KbWorkbookError as exc:
            self.__dict__.setdefault("_note_parts", {})[id(exc)] = sys._getframe(1).f_code.co_name
            self._notes.append(exc)
            return None

    def _table(self, name: str) -> pd.DataFrame | None:
        frame = self.tables.get(name)
        return frame if frame is not None and len(frame) else None

    @part
    def margin(self) -> MarginBasis | None:
        tx = self._table("transactions")
        return None if tx is None else margin_basis(tx, self.window, self.settings.economics)

    @part
    def purchases(self) -> metrics.PurchaseFigures | None:
        tx, basis = self._table("transactions"), self.margin
        if tx is None or basis is None:
            return None
        months, lowest = self.settings.window_months, self.settings.min_orders
        return self._attempt(lambda: metrics.purchase_figures(
            contribution_margin(tx, basis), self.as_of, months, lowest))

    @part
    def identified(self) -> metrics.IdentifiedShare | None:
        """Which share of the window's revenue and receipts has a customer number (walk-in
        sales have none): the basis of every per-customer figure."""
        tx = self._table("transactions")
        if tx is None:
            return None
        return self._attempt(lambda: metrics.identified_share(
            tx, self.as_of, self.settings.window_months))

    @part
    def top_customers(self) -> tuple[float, ...]:
        """Revenue share of the top 0 %, 1 %, …, 100 % of the window's customers (empty without
        identified revenue): how much the heaviest buyers spend, for cost assumptions."""
        tx = self._table("transactions")
        if tx is None:
            return ()
        found = self._attempt(lambda: metrics.top_customers_share(
            tx, self.as_of, self.settings.window_months))
        return found if found is not None else ()

    @part
    def retention(self) -> metrics.WindowRetention | None:
        tx = self._table("transactions")
        if tx is None:
            return None
        return self._attempt(lambda: metrics.window_retention(
            tx, self.as_of, self.settings.window_months))

    @part
    def _nps_found(self) -> tuple[metrics.NpsResult | None, bool]:
        frame = self._table("nps")
        found = None if frame is None else self._attempt(lambda: _nps(frame, self.window))
        return found if found is not None else (None, False)

    @part
    def previous_purchases(self) -> metrics.PurchaseFigures | None:
        """Purchase figures of the window before (history; None when not covered)."""
        tx, basis = self._table("transactions"), self.margin
        if tx is None or basis is None or self.purchases is None:
            return None
        return previous_purchases(tx, basis, self.as_of, self.settings.window_months,
                                  self.settings.min_orders)

    @part
    def retention_series(self) -> tuple[metrics.WindowRetention, ...]:
        """Retention at the Stichtag and the four quarter ends before (history)."""
        tx = self._table("transactions")
        if tx is None:
            return ()
        return retention_series(tx, self.as_of, self.settings.window_months)

    @part
    def monthly_revenue(self) -> pd.Series | None:
        """Net revenue per month over the 24 months up to the Stichtag (history)."""
        tx = self._table("transactions")
        return None if tx is None else monthly_revenue(tx, self.as_of, 24)

    @part
    def nps_waves(self) -> pd.DataFrame | None:
        """NPS per quarter up to the Stichtag (history)."""
        frame = self._table("nps")
        return None if frame is None else self._attempt(
            lambda: nps_waves(frame, self.window.end))

    @part
    def engagement_by_base(self) -> tuple[EngagementByBase, ...]:
        posts = self._table("posts")
        return () if posts is None else engagement_by_base(posts, self.window)

    @part
    def complaints_history(self) -> ComplaintFigures | None:
        """Complaints of every date (history beside the window's :attr:`complaints`)."""
        frame = self.tables.get("complaints")
        return None if frame is None else complaint_figures(frame)

    @part
    def nps_change(self) -> NpsChange | None:
        """First vs latest quarterly survey wave up to the Stichtag (history, not the window)."""
        return _change_of(self.nps_waves)

    @property
    def nps(self) -> metrics.NpsResult | None:
        """NPS of the answers in the window (all answers when none is dated)."""
        return self._nps_found[0]

    @property
    def nps_dated(self) -> bool:
        return self._nps_found[1]

    @part
    def complaints(self) -> ComplaintFigures | None:
        frame = self.tables.get("complaints")
        if frame is None:
            return None
        return complaint_figures(frame, self.window.start, self.window.end)

    @part
    def engagement(self) -> metrics.EngagementRate | None:
        posts = self._table("posts")
        if posts is None:
            return None
        return self._attempt(lambda: _engagement(posts, self.window))

    @part
    def clv(self) -> ClvConvention:
        return clv_convention(self.settings.economics)

    @part
    def margin_per_customer(self) -> float | None:
        """Contribution margin per active customer and year (m of the customer value)."""
        p, basis = self.purchases, self.margin
        if p is None or basis is None or p.customers <= 0:
            return None
        # identified revenue only: walk-in sales belong to no active customer
        return basis.rate * p.known_revenue / p.customers * 12.0 / self.settings.window_months

    @property
    def winback(self) -> Any:
        """What the latest win-back list before the Stichtag brought
        (:class:`~kbworkbook.models.calllist.WinBack`); ``None`` without such a list.
        ``tables["calllists"]`` holds the recorded lists (see :mod:`kbworkbook.calllist_files`).
        Not a part: it depends on ``listen/``, which the analysis cache's key does not cover
        (a report writes its own list meanwhile); :func:`kbworkbook.analysis_cache.
        keep_winback` keeps it apart, else it is worked out here (and kept on this instance)."""
        if "_winback" not in self.__dict__:
            self.keep_winback(self.winback_outcome())
        return self.__dict__["_winback"]

    def winback_outcome(self) -> Any:
        """:attr:`winback` worked out from the tables: a ``WinBack``, ``None`` without a list
        before the Stichtag, or the :class:`KbWorkbookError` that says why it cannot be."""
        from .models.calllist import win_back

        lists = self.tables.get("calllists")
        tx = self._table("transactions") if lists is not None and len(lists) else None
        if tx is None or lists is None:
            return None
        try:
            return win_back(tx, lists, self.as_of)
        except KbWorkbookError as exc:
            return exc

    def keep_winback(self, outcome: Any) -> None:
        """Keep ``outcome`` (of :meth:`winback_outcome`) as :attr:`winback`; a reason becomes
        a note."""
        if isinstance(outcome, KbWorkbookError):
            self.__dict__.setdefault("_note_parts", {})[id(outcome)] = "winback"
            self._notes.append(outcome)
            outcome = None
        self.__dict__["_winback"] = outcome

    @part
    def cohorts(self) -> metrics.CohortTable | MetricError | None:
        """Monthly first-purchase cohorts (classic retention) of the last :data:`COHORT_MONTHS`
        months up to the Stichtag (history); the reason (a :class:`MetricError`) when they
        cannot be formed; ``None`` without sales."""
        from .metrics.cohorts import recent_cohorts

        tx = self._table("transactions")
        if tx is None:
            return None
        try:
            return recent_cohorts(metrics.cohort_retention(tx, period="M", mode="classic",
                                                           as_of=self.as_of),
                                  self.as_of, COHORT_MONTHS)
        except MetricError as exc:
            return exc

    @part
    def outlook(self) -> Any:
        """BG/NBD + Gamma-Gamma outlook of every identified customer up to the Stichtag
        (:class:`~kbworkbook.models.outlook.Outlook`: totals, the data gate, the holdout check
        and the fit; whole history, in weeks); ``None`` without sales or a margin basis."""
        from .models.outlook import customer_outlook

        tx, basis = self._table("transactions"), self.margin
        if tx is None or basis is None:
            return None
        return self._attempt(lambda: customer_outlook(tx, self.as_of, basis.rate,
                                                      self.clv.discount_rate))

    @part
    def customer_value(self) -> float | None:
        m, kept = self.margin_per_customer, self.retention
        if m is None or kept is None:
            return None
        return self._attempt(
            lambda: customer_value(m, kept.crr, self.clv))

    # -- issue 16: concepts of the source texts as figures (seeds 000, 001, 003) ---------------

    @part
    def referral(self) -> ReferralRate | None:
        """Referral rate of the survey answers in the window (``source`` column; None without
        it): Weiterempfehlung as behaviour beside the NPS as intention."""
        frame = self._table("nps")
        return None if frame is None else referral_in_window(frame, self.window.start,
                                                             self.window.end)

    @part
    def intention_behaviour(self) -> IntentionBehaviour:
        """What customers say (NPS) beside what they do (retention, repeat purchases)."""
        return intention_behaviour(self.nps, self.retention, self.purchases, self.referral)

    @part
    def complaint_groups(self) -> ComplaintsByGroup | None:
        """Complaints per 100 customers of the window, regular vs occasional vs new (None
        without complaints carrying a customer number, or without sales)."""
        tx, frame = self._table("transactions"), self._table("complaints")
        if tx is None or frame is None or "customer_id" not in frame.columns:
            return None
        return self._attempt(lambda: complaints_by_group(
            tx, frame, self.as_of, self.settings.window_months, self.settings.min_orders))

    @part
    def profitability(self) -> CustomerProfitability | None:
        """Contribution margin per customer of the window minus the cost to serve
        (``[economics] cost_per_order``, ``cost_per_complaint``; 0 when not set)."""
        tx, basis = self._table("transactions"), self.margin
        if tx is None or basis is None or self.purchases is None:
            return None
        econ = self.settings.economics
        costs = [config_number(econ, key) for key in ("cost_per_order", "cost_per_complaint")]
        per_order, per_complaint = (c if c is not None and c >= 0 else None for c in costs)
        return self._attempt(lambda: customer_profitability(
            contribution_margin(tx, basis), self.as_of, self.settings.window_months,
            self._table("complaints"), per_order, per_complaint))

    @part
    def said_and_done(self) -> RepurchaseByBand | None:
        """Did promoters, passives and detractors buy again within half a year after their
        survey answer? (None without dated answers carrying a customer number, or sales.)"""
        tx, frame = self._table("transactions"), self._table("nps")
        if tx is None or frame is None or not {"date", "customer_id"} <= set(frame.columns):
            return None
        return self._attempt(lambda: repurchase_by_band(frame, tx, self.as_of,
                                                        SAID_AND_DONE_DAYS))

    @part
    def early(self) -> EarlyLoyalty | None:
        """Do first-time buyers come back: second-purchase rate within 180 days and the loss
        after month one of the monthly cohorts (:mod:`kbworkbook.metrics.early`)."""
        tx = self._table("transactions")
        if tx is None:
            return None
        made = self.cohorts  # the monthly cohorts of chapter 04, not formed a second time
        table = made if isinstance(made, metrics.CohortTable) else None
        return self._attempt(lambda: early_loyalty(tx, self.as_of, cohorts=COHORT_MONTHS,
                                                   table=table))


    @part
    def lifecycle(self) -> Lifecycle | None:
        """Every identified customer's lifecycle stage at the Stichtag and the flows from the
        previous Stichtag (counts only; rules and settings in
        :mod:`kbworkbook.metrics.lifecycle`)."""
        tx = self._table("transactions")
        if tx is None:
            return None
        policy, previous = lifecycle_settings(self.settings.analysis)
        return self._attempt(lambda: lifecycle(tx, self.as_of, policy, previous))

    @part
    def concentration(self) -> Concentration | None:
        """Revenue share of the 10 largest customers and of the top 20 % in the window."""
        tx = self._table("transactions")
        if tx is None:
            return None
        return self._attempt(lambda: revenue_concentration(
            tx, self.as_of, self.settings.window_months))
    @part
    def nps_themes(self) -> Any:
        """Themes of the window's NPS comments (:class:`~kbworkbook.metrics.comments.
        CommentThemes`: counts per band, masked quotes); ``None`` without comments."""
        from .voice import window_themes

        frame = self._table("nps")
        return None if frame is None else window_themes(frame, self.window,
                                                        self.settings.nps_themes)

    @part
    def nps_groups(self) -> tuple[Any, ...]:
        """NPS of the window's answers per survey segment, RFM segment and customer type
        (:class:`~kbworkbook.voice.NpsGroups`; groups under ten answers hidden)."""
        from .voice import nps_groups

        frame = self._table("nps")
        if frame is None:
            return ()
        found = self._attempt(lambda: nps_groups(
            frame, self._table("transactions"), self.window, self.as_of,
            self.settings.window_months, self.settings.min_orders, self.settings.segments))
        return found if found is not None else ()

    @part
    def staying(self) -> StayingCurves | MetricError | None:
        """Chapter 04's staying curves (time to the second purchase, time to lapse with the
        lifecycle's lapse rule), or why there are none; ``None`` without sales."""
        tx = self._table("transactions")
        if tx is None:
            return None
        policy, _previous = lifecycle_settings(self.settings.analysis)
        try:
            return staying_curves(tx, self.as_of, policy.lapse_days)
        except MetricError as exc:  # the chapter says why; no note (it is not a key figure)
            return exc


def _scores(frame: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(frame["score"]).astype("Float64").astype("float64")


def _nps(frame: pd.DataFrame, window: Window) -> tuple[metrics.NpsResult, bool]:
    if "date" in frame.columns and frame["date"].notna().any():
        inside = window.contains(frame["date"]).fillna(False).astype(bool)
        return metrics.nps(_scores(frame.loc[inside])), True
    return metrics.nps(_scores(frame)), False


def _engagement(posts: pd.DataFrame, window: Window) -> metrics.EngagementRate:
    frame = posts
    if "date" in posts.columns:
        frame = posts.loc[window.contains(posts["date"]).fillna(False).astype(bool)]
    if not len(frame):
        raise MetricError("engagement.no_posts")
    last: MetricError | None = None
    for base in ENGAGEMENT_BASES:
        if base in frame.columns:
            try:
                return metrics.engagement_rate(frame, base=base, how="mean")
            except MetricError as exc:
                last = exc
    raise last or MetricError("engagement.no_base_columns")


def default_as_of(tables: Mapping[str, pd.DataFrame | None]) -> pd.Timestamp | None:
    """The last day with sales (else with any dated data) when no Stichtag is set."""
    for names in (("transactions",), ("nps", "posts", "complaints")):
        dates = [frame["date"].max() for name in names
                 if (frame := tables.get(name)) is not None and len(frame)
                 and "date" in frame.columns and frame["date"].notna().any()]
        if dates:
            return pd.Timestamp(max(dates)).normalize()
    return None


def analyse(tables: Mapping[str, pd.DataFrame | None], settings: Settings,
            as_of: Any = None) -> Analysis:
    """All figures of the client (see the module docstring for each definition).

    ``tables``: canonical frames by name (``transactions``, ``nps``, ``posts``,
    ``complaints``; missing = ``None``), read only when a figure needs them.
    ``as_of=None``: :func:`default_as_of`.
    """
    day = pd.Timestamp(as_of).normalize() if as_of is not None else default_as_of(tables)
    if day is None:
        day = pd.Timestamp("1970-01-01")
    return Analysis(as_of=day, window=Window.ending(day, settings.window_months),
                    settings=settings, tables=tables)


# -- key figures and figures.json -----------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    """One figure of figures.json: value in its unit, the window it covers, where it is shown."""

    key: str
    value: float | None
    unit: str  # "fraction" | "currency" | "count" | "points" | "days"
    window: str
    chapters: tuple[str, ...]


#: key → (unit, decimals as shown, chapters that show it). Rates are fractions 0..1.
FIGURE_KEYS: Mapping[str, tuple[str, int, tuple[str, ...]]] = {
    "revenue": ("currency", 0, ("00", "03")),
    "active_customers": ("count", 0, ("00", "03", "04", "05")),
    "orders": ("count", 0, ("03",)),
    "average_order_value": ("currency", 2, ("03",)),
    "purchases_per_customer": ("count", 1, ("03", "05")),
    "crr": ("fraction", 1, ("00", "01", "02", "03", "04", "05")),
    "churn": ("fraction", 1, ("03",)),
    "repeat_rate": ("fraction", 1, ("00", "01", "03")),
    "regulars_revenue_share": ("fraction", 1, ("00", "01", "03", "04")),
    "nps": ("points", 0, ("00", "01", "03")),
    "nps_answers": ("count", 0, ("03",)),
    "margin_rate": ("fraction", 1, ("04", "05")),
    "margin_per_customer": ("currency", 2, ("04", "05")),
    "clv": ("currency", 0, ("04", "05")),
    "complaints": ("count", 0, ("03", "05")),
    "complaint_satisfaction": ("fraction", 1, ("01", "03", "05")),
    "engagement_rate": ("fraction", 2, ("01", "03")),
    # shown in words ("62 % des Umsatzes …") in chapters 03/04 when there are walk-in sales
    "identified_revenue_share": ("fraction", 0, ()),
    "winback_rate": ("fraction", 0, ("04",)),
    "referral_rate": ("fraction", 0, ("03",)),
    "unprofitable_customers": ("count", 0, ("04",)),
    "unprofitable_revenue_share": ("fraction", 1, ("04",)),
    # lifecycle stage counts at the Stichtag (window: that day), chapter 04
    "lifecycle_new": ("count", 0, ("04",)),
    "lifecycle_regular": ("count", 0, ("04",)),
    "lifecycle_at_risk": ("count", 0, ("04",)),
    "lifecycle_lost": ("count", 0, ("04",)),
    "lifecycle_won_back": ("count", 0, ("04",)),
    "top10_revenue_share": ("fraction", 0, ("04",)),
    "top20pct_revenue_share": ("fraction", 0, ("04",)),
    # comments of the window's NPS answers, in a sentence of »Was Kunden sagen« (chapter 03)
    "nps_comments": ("count", 0, ("03",)),
    # chapter 01 »Ihre Einschätzung und Ihre Zahlen« (with the linked figures above)
    "second_purchase_rate": ("fraction", 0, ("01",)),
    "cohort_month1_loss": ("fraction", 0, ("01",)),
    "complaint_days": ("days", 1, ("01",)),
    "nps_trend": ("points", 0, ("01",)),
}

#: the comments of the window's NPS answers per theme, one key per theme of the catalogue
#: (packaged + the workspace's ``[nps_themes]``, e.g. ``nps_theme_preis``): a count, shown in
#: chapter 03 »Was Kunden sagen« when at least one comment speaks of the theme
THEME_PREFIX = "nps_theme_"
_THEME_SPEC: tuple[str, int, tuple[str, ...]] = ("count", 0, ("03",))


def figure_spec(key: str) -> tuple[str, int, tuple[str, ...]]:
    """(unit, decimals as shown, chapters) of figure ``key`` (:data:`FIGURE_KEYS` or a theme
    count); ``KeyError`` for an unknown key."""
    if key.startswith(THEME_PREFIX):
        return _THEME_SPEC
    return FIGURE_KEYS[key]


def _theme_values(a: Analysis) -> dict[str, float | None]:
    from .voice import theme_counts

    return {f"{THEME_PREFIX}{key}": value
            for key, value in theme_counts(a.nps_themes, a.settings.nps_themes).items()}


def _values(a: Analysis) -> dict[str, float | None]:
    p, r, c = a.purchases, a.retention, a.complaints
    return {
        "revenue": p.revenue if p else None,
        "active_customers": float(p.customers) if p else None,
        "orders": float(p.orders) if p else None,
        "average_order_value": p.aov if p else None,
        "purchases_per_customer": p.frequency if p else None,
        "crr": r.crr if r else None,
        "churn": r.churn if r else None,
        "repeat_rate": p.repeat_rate if p else None,
        "regulars_revenue_share": p.regular_revenue_share if p else None,
        "nps": a.nps.score if a.nps else None,
        "nps_answers": float(a.nps.n) if a.nps else None,
        "margin_rate": a.margin.rate if a.margin else None,
        "margin_per_customer": a.margin_per_customer,
        "clv": a.customer_value,
        "complaints": float(c.count) if c else None,
        "complaint_satisfaction": c.satisfied_share if c else None,
        "engagement_rate": a.engagement.rate if a.engagement else None,
        "identified_revenue_share": a.identified.revenue_share if a.identified else None,
        "winback_rate": a.winback.rate if a.winback else None,
        "referral_rate": a.referral.rate if a.referral and a.referral.answers else None,
        "unprofitable_customers": float(a.profitability.unprofitable) if a.profitability
        else None,
        "unprofitable_revenue_share": a.profitability.unprofitable_revenue_share
        if a.profitability else None,
        **{f"lifecycle_{stage}": float(a.lifecycle.count(stage)) if a.lifecycle else None
           for stage in STAGES},
        "top10_revenue_share": a.concentration.top_n_share if a.concentration else None,
        "top20pct_revenue_share": a.concentration.top_share_share if a.concentration else None,
        "nps_comments": float(a.nps_themes.comments) if a.nps_themes else None,
        **_theme_values(a),
        "second_purchase_rate": a.early.second_purchase_rate if a.early else None,
        "cohort_month1_loss": a.early.month_one_loss if a.early else None,
        "complaint_days": c.mean_days if c else None,
        "nps_trend": a.nps_change.change if a.nps_change else None,
    }


def _defined(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def key_figures(analysis: Analysis) -> list[KeyFigure]:
    """Every key of :data:`FIGURE_KEYS` once, the theme counts after ``nps_comments``; an
    undefined figure has value ``None`` and no chapters (nor has a theme no comment names)."""
    out = []
    for key, value in _values(analysis).items():
        unit, _digits, chapters = figure_spec(key)
        ok = _defined(value)
        if key.startswith(THEME_PREFIX) and not value:
            chapters = ()
        window = analysis.window.iso()
        if ((key in ("nps", "nps_answers", "nps_comments") or key.startswith(THEME_PREFIX))
                and analysis.nps is not None and not analysis.nps_dated):
            window = "all answers (undated)"
        if key.startswith("lifecycle_"):  # a count at the Stichtag, not over the window
            window = analysis.as_of.date().isoformat()
        if key == "winback_rate" and analysis.winback is not None:  # since the list was made
            window = (f"{(analysis.winback.list_date + pd.Timedelta(days=1)).date().isoformat()}"
                      f"/{analysis.as_of.date().isoformat()}")
        window = _history_window(key, analysis) or window
        out.append(KeyFigure(key, float(value) if ok else None, unit,  # type: ignore[arg-type]
                             window, chapters if ok else ()))
    return out


def _history_window(key: str, analysis: Analysis) -> str | None:
    """The days (ISO interval) a figure of first-time buyers or of the NPS trend covers:
    the first purchases counted, the first-purchase months of the cohorts averaged, the first
    to the latest survey wave (None: the analysis window)."""
    early, change = analysis.early, analysis.nps_change

    def months(first: str, last: str) -> str:
        start, end = pd.Period(first, "M").start_time, pd.Period(last, "M").end_time
        return f"{start.date().isoformat()}/{end.date().isoformat()}"

    if key == "second_purchase_rate" and early is not None and early.first_buyers:
        return f"{early.first_from}/{early.first_to}"
    if key == "cohort_month1_loss" and early is not None and early.cohorts:
        return months(early.cohorts_from, early.cohorts_to)
    if key == "nps_trend" and change is not None:
        start = pd.Period(change.first_period, "Q").start_time
        end = pd.Period(change.last_period, "Q").end_time
        return f"{start.date().isoformat()}/{end.date().isoformat()}"
    return None


def format_figure(key: str, value: float | None, locale: str, currency: str) -> str:
    """The one way figure ``key`` is written on every page (locale formatting, fixed digits)."""
    from .i18n import (
        format_currency,
        format_decimal,
        format_integer,
        format_percent,
        format_points,
    )

    unit, digits, _ = figure_spec(key)
    if unit == "fraction":
        return format_percent(value, locale, digits)
    if unit == "currency":
        return format_currency(value, currency, locale, digits)
    if unit == "points":
        return format_points(value, locale, digits)
    if digits:
        return format_decimal(value, locale, digits)
    return format_integer(value, locale)


def figures_document(analysis: Analysis, currency: str) -> dict[str, Any]:
    """The content of ``figures.json`` (money in ``currency``, rates as fractions 0..1)."""
    return {
        "as_of": analysis.as_of.date().isoformat(),
        "currency": currency,
        "figures": [
            {"key": f.key, "value": f.value, "unit": f.unit, "window": f.window,
             "chapters": list(f.chapters)}
            for f in key_figures(analysis)
        ],
    }
