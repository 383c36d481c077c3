"""§6 programme economics: margins per transaction, cost, benefit, ROI, break-even, sensitivity."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from ..errors import Text
from ._common import (
    EconomicsError,
    _finite,
    _fraction,
    _freeze,
    _non_negative,
    _positive,
    _retention_and_discount,
)

__all__ = [
    "Benefit",
    "CostAssumptions",
    "CostBreakdown",
    "ProgrammeInputs",
    "ProgrammeResult",
    "TransactionMargins",
    "break_even_uplift",
    "evaluate_programme",
    "joint_benefit",
    "lifetime_margin",
    "programme_benefit",
    "programme_cost",
    "roi",
    "sensitivity_table",
    "transaction_margins",
]


@dataclass(frozen=True)
class TransactionMargins:
    """Contribution margin per transaction of a new and of an existing customer (currency)."""

    new: float
    repeat: float
    assumptions: Mapping[str, float] = field(default_factory=dict)

    @property
    def difference(self) -> float:
        """How much more an existing customer's transaction earns than a new one's."""
        return self.repeat - self.new


def transaction_margins(
    margin_per_transaction: float, acquisition_cost: float, retention_cost_per_transaction: float
) -> TransactionMargins:
    """``mt_new = mt − AC`` and ``mt_rep = mt − retention cost per transaction`` (§6).

    The whole acquisition cost is charged to the new customer's first transaction.
    """
    mt = _finite("Deckungsbeitrag pro Kauf", margin_per_transaction)
    ac = _non_negative("Akquisitionskosten pro Neukunde", acquisition_cost)
    rc = _non_negative("Bindungskosten pro Kauf", retention_cost_per_transaction)
    return TransactionMargins(
        new=mt - ac,
        repeat=mt - rc,
        assumptions=_freeze({
            "margin_per_transaction": mt,
            "acquisition_cost": ac,
            "retention_cost_per_transaction": rc,
        }),
    )


# -- §6 programme cost -------------------------------------------------------------------------


@dataclass(frozen=True)
class CostAssumptions:
    """Annual cost drivers of one retention programme (cost types E, F, V, U, Z of §8.2).

    ``setup`` (E, one-off) is spread evenly over ``years``; ``fixed`` (F) is per year;
    ``per_participant`` (V) is per participant and year; ``discount_rate`` (U) is the share of
    participants' revenue given back as discount or bonus; ``hours`` (Z) are staff hours per
    year at ``hour_rate``. ``windfall_share`` is the share of participants who would have
    stayed anyway (Mitnahmeeffekt); their discount buys no extra loyalty.
    """

    setup: float = 0.0
    years: float = 3.0
    fixed: float = 0.0
    per_participant: float = 0.0
    participants: float = 0.0
    discount_rate: float = 0.0
    participant_revenue: float = 0.0
    hours: float = 0.0
    hour_rate: float = 0.0
    windfall_share: float = 0.0

    def scaled(self, factor: float) -> CostAssumptions:
        """The same programme with every money amount multiplied by ``factor`` (sensitivity)."""
        f = _non_negative("Kostenfaktor", factor)
        return replace(
            self,
            setup=self.setup * f,
            fixed=self.fixed * f,
            per_participant=self.per_participant * f,
            discount_rate=self.discount_rate * f,
            hour_rate=self.hour_rate * f,
        )


@dataclass(frozen=True)
class CostBreakdown:
    """Annual programme cost by type; ``total`` is ``K`` of §6 (currency per year)."""

    setup_annual: float
    fixed: float
    variable: float
    discount: float
    staff: float
    windfall: float
    assumptions: Mapping[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return self.setup_annual + self.fixed + self.variable + self.discount + self.staff

    def __add__(self, other: CostBreakdown) -> CostBreakdown:
        return CostBreakdown(
            setup_annual=self.setup_annual + other.setup_annual,
            fixed=self.fixed + other.fixed,
            variable=self.variable + other.variable,
            discount=self.discount + other.discount,
            staff=self.staff + other.staff,
            windfall=self.windfall + other.windfall,
        )

    def as_dict(self) -> dict[str, float]:
        """Cost per type plus ``total`` (``windfall`` is part of ``discount``, not extra)."""
        return {
            "setup_annual": self.setup_annual,
            "fixed": self.fixed,
            "variable": self.variable,
            "discount": self.discount,
            "staff": self.staff,
            "total": self.total,
            "windfall": self.windfall,
        }


def programme_cost(costs: CostAssumptions) -> CostBreakdown:
    """Annual cost ``K`` of a programme (§6); every amount must be ≥ 0, ``years`` > 0.

    The discount ``ρ·participant_revenue`` is paid to every participant, including those who
    would have stayed anyway; ``windfall`` reports that part (``discount·windfall_share``).
    """
    setup = _non_negative("Einmalige Kosten", costs.setup)
    years = _positive("Verteilung der Einmalkosten (Jahre)", costs.years)
    fixed = _non_negative("Laufende Fixkosten pro Jahr", costs.fixed)
    per_participant = _non_negative("Kosten pro Teilnehmer", costs.per_participant)
    participants = _non_negative("Teilnehmende Kunden", costs.participants)
    rho = _fraction("Rabatt- bzw. Bonussatz", costs.discount_rate)
    revenue = _non_negative("Umsatz der Teilnehmenden", costs.participant_revenue)
    hours = _non_negative("Personalstunden pro Jahr", costs.hours)
    rate = _non_negative("Stundensatz", costs.hour_rate)
    windfall_share = _fraction("Mitnahmeeffekt (Anteil)", costs.windfall_share)
    discount = rho * revenue
    return CostBreakdown(
        setup_annual=setup / years,
        fixed=fixed,
        variable=per_participant * participants,
        discount=discount,
        staff=hours * rate,
        windfall=discount * windfall_share,
        assumptions=_freeze({
            "setup": setup,
            "setup_years": years,
            "fixed": fixed,
            "per_participant": per_participant,
            "participants": participants,
            "discount_rate": rho,
            "participant_revenue": revenue,
            "hours": hours,
            "hour_rate": rate,
            "windfall_share": windfall_share,
        }),
    )


# -- §6 benefit, ROI, break-even ---------------------------------------------------------------


@dataclass(frozen=True)
class Benefit:
    """Annual benefit ``B`` of a programme (§6), split by source (currency per year)."""

    from_retention: float
    from_transactions: float
    extra_customers: float
    assumptions: Mapping[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return self.from_retention + self.from_transactions


def programme_benefit(
    customers: float,
    margin_per_customer: float,
    retention_before: float,
    retention_after: float,
    extra_transactions: float = 0.0,
    margin_per_transaction: float = 0.0,
) -> Benefit:
    """``B = S·Δr·m + S·r1·ΔT·mt`` (§6).

    ``customers`` S at the start of the year, ``margin_per_customer`` m per year, retention
    before/after (r0, r1), ``extra_transactions`` ΔT per retained customer and year,
    ``margin_per_transaction`` mt. Pass the margin *before* programme cost: the programme's
    cost is already in ``K``, so subtracting it here too would count it twice.
    A negative uplift (r1 < r0) is allowed and gives a negative benefit.
    """
    s = _non_negative("Kunden am Jahresanfang", customers)
    m = _finite("Deckungsbeitrag pro Kunde und Jahr", margin_per_customer)
    r0 = _fraction("Bindungsrate vorher", retention_before)
    r1 = _fraction("Bindungsrate nachher", retention_after)
    dt = _finite("Zusätzliche Käufe pro Kunde", extra_transactions)
    mt = _finite("Deckungsbeitrag pro Kauf", margin_per_transaction)
    uplift = r1 - r0
    return Benefit(
        from_retention=s * uplift * m,
        from_transactions=s * r1 * dt * mt,
        extra_customers=s * uplift,
        assumptions=_freeze({
            "customers": s,
            "margin_per_customer": m,
            "retention_before": r0,
            "retention_after": r1,
            "uplift": uplift,
            "extra_transactions": dt,
            "margin_per_transaction": mt,
        }),
    )


def roi(benefit: float, cost: float) -> float:
    """``ROI = (B − K)/K`` as a fraction (0.5 = 50 %); undefined (error) when ``K`` = 0."""
    b = _finite("Nutzen", benefit)
    k = _non_negative("Kosten", cost)
    if k == 0:
        raise EconomicsError("econ.roi_no_cost")
    return (b - k) / k


def lifetime_margin(margin_per_customer: float, retention: float, discount_rate: float,
                    horizon: int | None = None) -> float:
    """Margin this year plus the discounted future margins (§6, §4.4 margin at t = 0).

    ``horizon=None``: ``m + m·r/(1+d−r)``; ``horizon`` T years: ``Σ_{t=0..T−1} m·r^t/(1+d)^t``.
    This is :func:`kbworkbook.metrics.clv_discounted` with ``convention="start"``, the one
    customer-value convention of the report.
    """
    from ..metrics.value import clv_discounted

    m = _finite("Deckungsbeitrag pro Kunde und Jahr", margin_per_customer)
    if horizon is None:  # the infinite sum needs r < 1 + d; a finite horizon always converges
        r, d = _retention_and_discount(retention, discount_rate)
    else:
        r, d = _fraction("Bindungsrate", retention), _non_negative("Diskontsatz", discount_rate)
    if horizon is not None and horizon < 1:
        raise EconomicsError("econ.horizon")
    return clv_discounted(m, r, d, horizon=horizon, convention="start")


def break_even_uplift(
    cost: float,
    customers: float,
    margin_per_customer: float,
    *,
    lifetime: bool = False,
    retention_after: float | None = None,
    discount_rate: float = 0.1,
    horizon: int | None = None,
) -> float:
    """Retention uplift (fraction) at which the benefit equals the cost: ``Δr* = K/(S·m)``.

    With ``lifetime=True`` each extra customer is worth the lifetime margin
    (:func:`lifetime_margin` at r1 over ``horizon``) instead of one year's margin;
    ``retention_after`` (r1) is required.
    Raises :class:`EconomicsError` when ``S·m ≤ 0`` (no customers or no margin).
    """
    k = _non_negative("Kosten", cost)
    s = _non_negative("Kunden am Jahresanfang", customers)
    m = _finite("Deckungsbeitrag pro Kunde und Jahr", margin_per_customer)
    if lifetime:
        if retention_after is None:
            raise EconomicsError("econ.lifetime_needs_retention")
        m = lifetime_margin(m, retention_after, discount_rate, horizon)
    if s * m <= 0:
        raise EconomicsError("econ.break_even_undefined")
    return k / (s * m)


# -- §6 programme evaluation -------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeInputs:
    """Everything needed to evaluate one programme (or a bundle) for one year."""

    customers: float
    margin_per_customer: float
    retention_before: float
    uplift: float
    costs: CostAssumptions = field(default_factory=CostAssumptions)
    extra_transactions: float = 0.0
    margin_per_transaction: float = 0.0
    discount_rate: float = 0.1
    #: years of the customer value in the lifetime break-even (None = unlimited)
    horizon: int | None = None

    @property
    def retention_after(self) -> float:
        return self.retention_before + self.uplift


@dataclass(frozen=True)
class ProgrammeResult:
    """Cost, benefit, ROI and break-even uplifts of one programme; ``roi`` is NaN when K = 0."""

    cost: CostBreakdown
    benefit: Benefit
    roi: float
    break_even_uplift: float
    break_even_uplift_lifetime: float
    assumptions: Mapping[str, float] = field(default_factory=dict)

    @property
    def profit(self) -> float:
        """``B − K`` per year."""
        return self.benefit.total - self.cost.total


def evaluate_programme(inputs: ProgrammeInputs) -> ProgrammeResult:
    """Cost, benefit, ROI and both break-even uplifts for ``inputs`` (§6).

    The break-even figures are NaN when undefined (no customers or no margin); ``roi`` is NaN
    when the programme costs nothing. Retention after the uplift must stay within 0..1.
    """
    r0 = _fraction("Bindungsrate vorher", inputs.retention_before)
    uplift = _finite("Erwartete Steigerung der Bindungsrate", inputs.uplift)
    r1 = r0 + uplift
    if not 0.0 <= r1 <= 1.0:
        raise EconomicsError("econ.uplift_out_of_range", before=Text("econ.percent",
                             value=round(r0 * 100, 1)), uplift=Text("econ.percent",
                             value=round(uplift * 100, 1)), after=Text("econ.percent",
                             value=round(r1 * 100, 1)))
    cost = programme_cost(inputs.costs)
    benefit = programme_benefit(
        inputs.customers,
        inputs.margin_per_customer,
        r0,
        r1,
        inputs.extra_transactions,
        inputs.margin_per_transaction,
    )
    d = _non_negative("Diskontsatz", inputs.discount_rate)
    value = (benefit.total - cost.total) / cost.total if cost.total > 0 else math.nan
    try:
        be = break_even_uplift(cost.total, inputs.customers, inputs.margin_per_customer)
    except EconomicsError:
        be = math.nan
    try:
        be_life = break_even_uplift(
            cost.total,
            inputs.customers,
            inputs.margin_per_customer,
            lifetime=True,
            retention_after=r1,
            discount_rate=d,
            horizon=inputs.horizon,
        )
    except EconomicsError:
        be_life = math.nan
    assumptions = {**cost.assumptions, **benefit.assumptions, "discount_rate": d}
    return ProgrammeResult(
        cost=cost,
        benefit=benefit,
        roi=value,
        break_even_uplift=be,
        break_even_uplift_lifetime=be_life,
        assumptions=_freeze(assumptions),
    )


def sensitivity_table(
    inputs: ProgrammeInputs,
    uplifts: Sequence[float],
    cost_factors: Sequence[float] = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0),
) -> pd.DataFrame:
    """ROI (fraction) for every retention uplift (rows) × cost factor (columns).

    Index ``uplift`` (fractions), columns ``cost_factor`` (1.0 = as assumed). Cells are NaN
    where the scaled programme costs nothing or the retention would leave 0..1.
    """
    if not uplifts or not cost_factors:
        raise EconomicsError("econ.sensitivity_empty")
    rows: list[list[float]] = []
    for up in uplifts:
        row: list[float] = []
        for factor in cost_factors:
            scaled = replace(inputs, uplift=float(up), costs=inputs.costs.scaled(factor))
            if not 0.0 <= scaled.retention_after <= 1.0:
                row.append(math.nan)
                continue
            row.append(evaluate_programme(scaled).roi)
        rows.append(row)
    table = pd.DataFrame(
        rows,
        index=pd.Index([float(u) for u in uplifts], name="uplift"),
        columns=pd.Index([float(f) for f in cost_factors], name="cost_factor"),
        dtype="float64",
    )
    return table


def joint_benefit(inputs: Sequence[ProgrammeInputs]) -> Benefit:
    """The benefit of several instruments run together (§6 with ``Δr = ΣΔr_i``, ``ΔT = ΣΔT_i``).

    Differs from the sum of the single benefits by the interaction ``S·Σ_{i≠j} Δr_j·ΔT_i·mt``:
    extra purchases also come from the customers the other instruments keep. All inputs must
    describe the same client (customers, margins and retention of the first are used).
    """
    if not inputs:
        raise EconomicsError("econ.joint_empty")
    first = inputs[0]
    uplift = sum(_finite("Erwartete Steigerung der Bindungsrate", i.uplift) for i in inputs)
    r1 = first.retention_before + uplift
    return programme_benefit(
        first.customers, first.margin_per_customer, first.retention_before, min(max(r1, 0.0), 1.0),
        sum(_finite("Zusätzliche Käufe pro Kunde", i.extra_transactions) for i in inputs),
        first.margin_per_transaction,
    )
