"""The client's retention programme priced: figures, evaluation, ranking, assumptions (pure).

The analysis behind chapters 05 and 06 (no widgets, no display, no files):
:func:`figures_from_analysis` derives the client's own figures (customers, revenue and margin
per customer, retention rate, purchases per customer, complaints) from the report's
:class:`~kbworkbook.figures.Analysis`; each figure remembers where it came from: the client's
data (``client``), kbworkbook.toml ``[economics]`` (``config``) or a documented default
(``default``). :func:`evaluate_selection` prices the chosen instruments with
:mod:`kbworkbook.economics`; :func:`assumption_notes` names every assumption that moves a
result by more than :data:`ASSUMPTION_THRESHOLD`; :func:`rank_instruments` orders them by the
Handlungsbedarf of their factor per cost.

The figures come from :mod:`kbworkbook.figures` (the one window, margin basis and customer
value of the report): ``[economics] margin_rate`` is preferred over the data's ``margin``
column, because the column usually holds the gross margin before packaging, energy and
discounts; without either, the default 30 % is used.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from .economics import (
    Benefit,
    CostBreakdown,
    EconomicsError,
    ProgrammeInputs,
    ProgrammeResult,
    break_even_uplift,
    evaluate_programme,
    joint_benefit,
)
from .errors import KbWorkbookError
from .figures import (
    DEFAULT_CLV_HORIZON,
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_MARGIN_RATE,
    Analysis,
    ClvConvention,
    Settings,
    analyse,
    config_number,
    customer_value,
)
from .instruments import Catalogue, Instrument, cost_assumptions, load_catalogue
from .plan import InstrumentChoice, Selection

__all__ = [
    "ASSUMPTION_THRESHOLD",
    "DEFAULTS",
    "AssumptionNote",
    "ClientFigures",
    "Figure",
    "InstrumentEvaluation",
    "SelectionEvaluation",
    "evaluate_selection",
    "figures_from_analysis",
    "figures_from_frames",
    "with_notes",
    "assumption_notes",
    "rank_instruments",
]

#: A model assumption that moves a result by more than this share is printed beside it.
ASSUMPTION_THRESHOLD = 0.10

#: Documented fallbacks when neither the data nor kbworkbook.toml give a value.
DEFAULTS: Mapping[str, float] = {
    "customers": 200.0,  # active customers per year
    "revenue_per_customer": 500.0,  # net revenue per active customer and year
    "margin_rate": DEFAULT_MARGIN_RATE,  # contribution margin per unit of revenue
    "retention_rate": 0.70,  # share of last year's customers who buy again
    "transactions_per_customer": 4.0,  # orders per active customer and year
    "complaints": 0.0,  # complaints per year
    "complaint_quality": 0.70,  # share of complaints resolved to satisfaction
    "complaint_quick_share": 0.0,  # share of those resolved within two days
    "acquisition_cost": 150.0,  # cost of winning one new customer (domain §5)
    "discount_rate": DEFAULT_DISCOUNT_RATE,  # yearly discount rate of the customer value
    "clv_horizon_years": float(DEFAULT_CLV_HORIZON),  # years of the customer value
    "staff_hour_rate": 40.0,  # cost of one staff hour incl. social charges
    "setup_years": 3.0,  # years over which one-off costs are spread
}


@dataclass(frozen=True)
class Figure:
    """A figure and its source: ``client`` (data), ``config`` (kbworkbook.toml), ``default``."""

    value: float
    source: str = "default"


def _f(value: float, source: str) -> Figure:
    return Figure(float(value), source)


@dataclass(frozen=True)
class ClientFigures:
    """The client's figures for one year (window of ``months`` ending at ``as_of``)."""

    customers: Figure
    revenue_per_customer: Figure
    margin_rate: Figure
    retention_rate: Figure
    transactions_per_customer: Figure
    complaints: Figure
    complaint_quality: Figure
    complaint_quick_share: Figure
    acquisition_cost: Figure
    discount_rate: Figure
    clv_horizon_years: Figure
    staff_hour_rate: Figure
    setup_years: Figure
    #: revenue share of the top 0 %, 1 %, …, 100 % of customers (empty: unknown)
    top_customers: tuple[float, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def margin_per_customer(self) -> float:
        return self.revenue_per_customer.value * self.margin_rate.value

    @property
    def margin_per_transaction(self) -> float:
        per = self.transactions_per_customer.value
        return self.margin_per_customer / per if per > 0 else 0.0

    @property
    def clv_convention(self) -> ClvConvention:
        return ClvConvention(self.discount_rate.value, int(self.clv_horizon_years.value))

    @property
    def customer_lifetime_value(self) -> float:
        """The report's one customer value (:func:`kbworkbook.figures.customer_value`)."""
        return customer_value(self.margin_per_customer, self.retention_rate.value,
                              self.clv_convention)

    @property
    def revenue(self) -> float:
        """Identified revenue per year (customers × revenue per customer)."""
        return self.customers.value * self.revenue_per_customer.value

    def top_share(self, share: float) -> float | None:
        """Revenue share of the ``share`` of customers who buy most (None: unknown)."""
        curve = self.top_customers
        if not curve:
            return None
        grid = [i / (len(curve) - 1) for i in range(len(curve))]
        return float(np.interp(min(max(share, 0.0), 1.0), grid, curve))

    def items(self) -> list[tuple[str, Figure]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self)
                if isinstance(getattr(self, f.name), Figure)]


def _pick(config: Mapping[str, Any], key: str) -> Figure:
    number = config_number(config, key)
    return _f(number, "config") if number is not None else _f(DEFAULTS[key], "default")


def figures_from_frames(
    transactions: pd.DataFrame | None,
    complaints: pd.DataFrame | None,
    config: Mapping[str, Any],
    as_of: dt.date | None,
    months: int = 12,
) -> ClientFigures:
    """The client's figures from canonical frames (either may be ``None``) and ``[economics]``.

    ``as_of`` = last day of the window; ``None`` takes the last day with data.
    """
    analysis = analyse({"transactions": transactions, "complaints": complaints},
                       Settings(window_months=months, economics=dict(config)), as_of)
    return figures_from_analysis(analysis)


_MARGIN_SOURCE = {"config": "config", "data": "client", "default": "default"}


def figures_from_analysis(analysis: Analysis) -> ClientFigures:
    """:class:`ClientFigures` for chapter 05 from the report's :class:`Analysis` (per year)."""
    config = analysis.settings.economics
    per_year = 12.0 / analysis.window.months
    customers = _f(DEFAULTS["customers"], "default")
    revenue_pc = _f(DEFAULTS["revenue_per_customer"], "default")
    tx_pc = _f(DEFAULTS["transactions_per_customer"], "default")
    margin_rate = _pick(config, "margin_rate")
    if analysis.margin is not None:
        margin_rate = _f(analysis.margin.rate, _MARGIN_SOURCE[analysis.margin.source])
    p = analysis.purchases
    if p is not None and p.customers:  # walk-in-only sales keep the per-customer defaults
        customers = _f(p.customers, "client")
        revenue_pc = _f(p.value_per_customer * per_year, "client")
        tx_pc = _f(p.frequency * per_year, "client")
    retention = (_f(analysis.retention.crr, "client") if analysis.retention is not None
                 else _pick(config, "retention_rate"))
    complaints_n = _f(DEFAULTS["complaints"], "default")
    quality = _pick(config, "complaint_quality")
    quick = _f(DEFAULTS["complaint_quick_share"], "default")
    c = analysis.complaints
    if c is not None:
        complaints_n = _f(c.count * per_year, "client")
        if math.isfinite(c.satisfied_share):
            quality = _f(c.satisfied_share, "client")
        if math.isfinite(c.quick_share):
            quick = _f(c.quick_share, "client")
    conv = analysis.clv
    return ClientFigures(
        customers=customers,
        revenue_per_customer=revenue_pc,
        margin_rate=margin_rate,
        retention_rate=retention,
        transactions_per_customer=tx_pc,
        complaints=complaints_n,
        complaint_quality=quality,
        complaint_quick_share=quick,
        acquisition_cost=_pick(config, "acquisition_cost"),
        discount_rate=_f(conv.discount_rate, conv.discount_source),
        clv_horizon_years=_f(conv.horizon_years, conv.horizon_source),
        staff_hour_rate=_pick(config, "staff_hour_rate"),
        setup_years=_pick(config, "setup_years"),
        top_customers=analysis.top_customers if p is not None and p.customers else (),
        notes=tuple(analysis.notes),
    )


def with_notes(figures: ClientFigures, notes: tuple[str, ...]) -> ClientFigures:
    """``figures`` with further German notes on the data (e.g. an input that cannot be read)."""
    return replace(figures, notes=figures.notes + tuple(notes)) if notes else figures


# -- evaluation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstrumentEvaluation:
    """One chosen instrument priced for the client; ``error`` set when it cannot be computed."""

    instrument: Instrument
    choice: InstrumentChoice
    participants: float
    uplift: float
    extra_transactions: float
    result: ProgrammeResult | None
    error: str = ""
    inputs: ProgrammeInputs | None = None
    #: revenue of the participants the cost is computed with, and what the average would give
    participant_revenue: float = math.nan
    average_revenue: float = math.nan
    #: revenue share of the participants when the heaviest buyers take part (None: unknown)
    participant_share: float | None = None


@dataclass(frozen=True)
class SelectionEvaluation:
    """All chosen instruments plus the programme total (uplifts assumed to add up)."""

    items: tuple[InstrumentEvaluation, ...]
    total: ProgrammeResult | None
    figures: ClientFigures
    #: the benefit of all instruments run together (interaction included; None: < 2 valid)
    joint: Benefit | None = None

    @property
    def interaction(self) -> float:
        """Joint benefit minus the sum of the rows (0 without a joint benefit)."""
        if self.joint is None or self.total is None:
            return 0.0
        return self.joint.total - self.total.benefit.total

    def table(self, language: str = "de") -> pd.DataFrame:
        """One row per instrument: key, name, cost, benefit, roi, break-even uplifts."""
        rows = []
        for item in self.items:
            res = item.result
            rows.append({
                "key": item.instrument.key,
                "name": item.instrument.name(language),
                "factor": item.instrument.factor or "",
                "participants": item.participants,
                "uplift": item.uplift,
                "cost": res.cost.total if res else math.nan,
                "benefit": res.benefit.total if res else math.nan,
                "roi": res.roi if res else math.nan,
                "break_even": res.break_even_uplift if res else math.nan,
                "break_even_lifetime": res.break_even_uplift_lifetime if res else math.nan,
            })
        return pd.DataFrame(rows, columns=["key", "name", "factor", "participants", "uplift",
                                           "cost", "benefit", "roi", "break_even",
                                           "break_even_lifetime"])


@dataclass(frozen=True)
class _Priced:
    inputs: ProgrammeInputs
    participants: float
    participant_revenue: float
    average_revenue: float
    participant_share: float | None


def _inputs(instrument: Instrument, choice: InstrumentChoice, figures: ClientFigures,
            setup_years: float) -> _Priced:
    """Programme inputs of one instrument. Participants' revenue: where the data allow, the
    participants are taken to be the heaviest buyers (a stamp card is used by those who buy
    often), i.e. the revenue of the top ``participation`` share of customers; else the average
    revenue per customer."""
    participation = (instrument.participation if choice.participation is None
                     else choice.participation)
    by_customers = instrument.participants_basis != "complaints"
    basis = figures.customers.value if by_customers else figures.complaints.value
    participants = basis * participation
    average = participants * figures.revenue_per_customer.value
    share = figures.top_share(participation) if by_customers else None
    revenue = share * figures.revenue if share is not None else average
    costs = cost_assumptions(
        instrument,
        choice.amounts,
        participants=participants,
        participant_revenue=revenue,
        hour_rate=figures.staff_hour_rate.value,
        years=setup_years,
        windfall_share=figures.retention_rate.value,
    )
    inputs = ProgrammeInputs(
        customers=figures.customers.value,
        margin_per_customer=figures.margin_per_customer,
        retention_before=figures.retention_rate.value,
        uplift=instrument.uplift if choice.uplift is None else choice.uplift,
        costs=costs,
        extra_transactions=(instrument.extra_transactions if choice.extra_transactions is None
                            else choice.extra_transactions),
        margin_per_transaction=figures.margin_per_transaction,
        discount_rate=figures.discount_rate.value,
        horizon=int(figures.clv_horizon_years.value),
    )
    return _Priced(inputs, participants, revenue, average, share)


def evaluate_selection(
    selection: Selection | None, figures: ClientFigures, catalogue: Catalogue | None = None
) -> SelectionEvaluation:
    """Price every chosen instrument and the whole programme with the client's figures.

    Instruments unknown to the catalogue are skipped; an instrument whose assumptions are
    invalid gets ``result=None`` and the German reason in ``error``.
    """
    cat = catalogue or load_catalogue()
    years = (selection.setup_years if selection and selection.setup_years
             else figures.setup_years.value)
    items: list[InstrumentEvaluation] = []
    valid: list[ProgrammeInputs] = []
    for choice in selection.instruments if selection else ():
        if choice.key not in cat.keys:
            continue
        instrument = cat.get(choice.key)
        try:
            priced = _inputs(instrument, choice, figures, years)
            inputs = priced.inputs
            result = evaluate_programme(inputs)
            items.append(InstrumentEvaluation(
                instrument, choice, priced.participants, inputs.uplift,
                inputs.extra_transactions, result, inputs=inputs,
                participant_revenue=priced.participant_revenue,
                average_revenue=priced.average_revenue,
                participant_share=priced.participant_share))
            valid.append(inputs)
        except KbWorkbookError as exc:
            items.append(InstrumentEvaluation(instrument, choice, 0.0, math.nan, math.nan,
                                              None, str(exc)))
    total = _total(valid, figures)
    joint = None
    if len(valid) > 1:
        try:
            joint = joint_benefit(valid)
        except EconomicsError:
            joint = None
    return SelectionEvaluation(items=tuple(items), total=total, figures=figures, joint=joint)


def _total(inputs: list[ProgrammeInputs], figures: ClientFigures) -> ProgrammeResult | None:
    """The programme: cost and benefit are the sums of the instruments' rows (the page says the
    effects are added up, so its total must equal the sum of the rows shown)."""
    if not inputs:
        return None
    results = [evaluate_programme(i) for i in inputs]
    cost = sum((r.cost for r in results[1:]), start=results[0].cost)
    r0 = figures.retention_rate.value
    uplift = sum(i.uplift for i in inputs)
    benefit = Benefit(
        from_retention=sum(r.benefit.from_retention for r in results),
        from_transactions=sum(r.benefit.from_transactions for r in results),
        extra_customers=sum(r.benefit.extra_customers for r in results),
        assumptions={**results[0].benefit.assumptions, "uplift": uplift,
                     "retention_after": min(r0 + uplift, 1.0),
                     "extra_transactions": sum(i.extra_transactions for i in inputs)},
    )
    return _with_cost(benefit, cost, figures)


def _with_cost(benefit: Benefit, cost: CostBreakdown,
               figures: ClientFigures) -> ProgrammeResult:
    k = cost.total
    roi = (benefit.total - k) / k if k > 0 else math.nan
    try:
        be = break_even_uplift(k, figures.customers.value, figures.margin_per_customer)
        be_life = break_even_uplift(
            k, figures.customers.value, figures.margin_per_customer, lifetime=True,
            retention_after=benefit.assumptions["retention_after"],
            discount_rate=figures.discount_rate.value,
            horizon=int(figures.clv_horizon_years.value),
        )
    except EconomicsError:
        be, be_life = math.nan, math.nan
    return ProgrammeResult(cost=cost, benefit=benefit, roi=roi, break_even_uplift=be,
                           break_even_uplift_lifetime=be_life,
                           assumptions={**cost.assumptions, **benefit.assumptions})


def rank_instruments(evaluation: SelectionEvaluation, need: pd.DataFrame | None,
                     language: str = "de") -> pd.DataFrame:
    """Rank chosen instruments by Handlungsbedarf of their factor per 1'000 of annual cost.

    Columns ``key``, ``name``, ``factor``, ``need``, ``cost``, ``need_per_1000``, ``rank``.
    Without ``need`` (no self-assessment yet) the ranking is by cost, cheapest first, and
    ``need``/``need_per_1000`` are NaN. Instruments without a factor rank last.
    """
    table = evaluation.table(language)[["key", "name", "factor", "cost"]].copy()
    if need is not None:
        lookup = dict(zip(need["factor"], need["need"].astype(float), strict=True))
        table["need"] = [lookup.get(f, math.nan) for f in table["factor"]]
        cost = table["cost"].where(table["cost"] > 0)
        table["need_per_1000"] = table["need"] / cost * 1000.0
        table = table.sort_values(["need_per_1000", "cost"], ascending=[False, True],
                                  na_position="last", kind="stable")
    else:
        table["need"] = math.nan
        table["need_per_1000"] = math.nan
        table = table.sort_values("cost", ascending=True, na_position="last", kind="stable")
    table = table.reset_index(drop=True)
    table["rank"] = range(1, len(table) + 1)
    return table[["key", "name", "factor", "need", "cost", "need_per_1000", "rank"]]


# -- assumptions that move a result ------------------------------------------------------------


@dataclass(frozen=True)
class AssumptionNote:
    """A model assumption of one instrument that moves its result by more than the threshold.

    ``kind``: ``extra_transactions`` (benefit from ``value`` extra purchases per retained
    customer: ``amount`` of ``benefit``; ``roi_without`` without them) or ``participant_revenue``
    (cost with the heaviest buyers' revenue ``value`` vs ``alternative`` at the average revenue;
    ``share`` = their revenue share, None when the data do not tell and the average is used).
    ``source``: ``user`` (set in the workshop) or ``catalogue``.
    """

    instrument: Instrument
    kind: str
    value: float
    alternative: float
    amount: float
    benefit: float
    cost: float
    cost_alternative: float
    roi: float
    roi_without: float
    effect: float
    source: str
    share: float | None = None
    participation: float = math.nan
    customers_retained: float = math.nan


def assumption_notes(evaluation: SelectionEvaluation,
                     threshold: float = ASSUMPTION_THRESHOLD) -> list[AssumptionNote]:
    """Every instrument assumption that moves its benefit or cost by more than ``threshold``.

    Extra purchases: their share of the benefit. Participants' revenue (only where a cost
    depends on it): the relative change of the cost between the heaviest buyers' revenue and
    the average revenue; without data (average used) the note is always given, because the
    cost is then likely too low.
    """
    notes: list[AssumptionNote] = []
    for item in evaluation.items:
        res, inputs = item.result, item.inputs
        if res is None or inputs is None:
            continue
        benefit = res.benefit.total
        if inputs.extra_transactions and benefit:
            share = res.benefit.from_transactions / benefit
            if abs(share) > threshold:
                without = evaluate_programme(replace(inputs, extra_transactions=0.0))
                notes.append(AssumptionNote(
                    item.instrument, "extra_transactions", inputs.extra_transactions, 0.0,
                    res.benefit.from_transactions, benefit, res.cost.total, res.cost.total,
                    res.roi, without.roi, share,
                    "user" if item.choice.extra_transactions is not None else "catalogue",
                    customers_retained=inputs.customers * inputs.retention_after))
        if res.cost.discount > 0 and item.participant_revenue > 0:
            alt = evaluate_programme(replace(inputs, costs=replace(
                inputs.costs, participant_revenue=item.average_revenue)))
            effect = (res.cost.total - alt.cost.total) / alt.cost.total
            if item.participant_share is None or abs(effect) > threshold:
                notes.append(AssumptionNote(
                    item.instrument, "participant_revenue", item.participant_revenue,
                    item.average_revenue, res.cost.discount, benefit,
                    res.cost.total, alt.cost.total, res.roi, alt.roi, effect,
                    "user" if item.choice.participation is not None else "catalogue",
                    share=item.participant_share,
                    participation=(item.participants / evaluation.figures.customers.value
                                   if evaluation.figures.customers.value else math.nan)))
    return notes
