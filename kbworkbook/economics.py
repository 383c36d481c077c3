"""Economics of customer retention: programme cost, benefit, ROI, profit by year, word of mouth.

Pure functions (numbers or DataFrames in, frozen dataclasses or DataFrames out); no I/O.
Formulas follow ``domain.md`` §5–§7:

- §6 programme cost ``K = setup/years + fixed + c_var·participants + ρ·participant_revenue
  + hours·rate`` and benefit ``B = S·Δr·m + S·r1·ΔT·mt``, ``ROI = (B−K)/K``, break-even uplift
  ``Δr* = K/(S·m)`` (lifetime variant: ``m`` → ``m + m·r1/(1+d−r1)``);
- §5 profit per customer by relationship year (acquisition, base profit and stacked
  components), expected profit ``E_t = p_t·r^(t−1)`` and the customer NPV;
- §7 complaint word of mouth (``3 zu 10``), break-even handling quality and retained
  complainants from the TARP table.

Conventions: rates are fractions 0..1, uplifts are fractions (``0.06`` = 6 percentage points),
money is per year and net of VAT in the workspace currency. Every result carries the
assumptions it was computed from (``.assumptions``: name → value) so a report can print each
assumption beside its result. Invalid input raises :class:`EconomicsError` (a
:class:`~kbworkbook.errors.MetricError`) with a German message that says how to fix it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd

from .errors import MetricError

__all__ = [
    "DEFAULT_PROFIT_COMPONENTS",
    "TARP_RETENTION",
    "Benefit",
    "ComplaintRetention",
    "CostAssumptions",
    "CostBreakdown",
    "EconomicsError",
    "ProfitByYear",
    "ProfitComponent",
    "ProgrammeInputs",
    "ProgrammeResult",
    "TransactionMargins",
    "WordOfMouth",
    "break_even_quality",
    "break_even_uplift",
    "complaint_word_of_mouth",
    "evaluate_programme",
    "lifetime_margin",
    "npv_of_series",
    "profit_by_year",
    "programme_benefit",
    "programme_cost",
    "retained_complainants",
    "roi",
    "sensitivity_table",
    "transaction_margins",
]

Problem = Literal["small", "large"]


class EconomicsError(MetricError):
    """An economic figure cannot be computed from the given assumptions (German message)."""


def _freeze(values: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(values))


# -- validation --------------------------------------------------------------------------------


def _finite(name: str, value: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise EconomicsError(
            f"»{name}« muss eine Zahl sein, nicht »{value}«. Bitte eine Zahl eintragen."
        ) from None
    if not math.isfinite(number):
        raise EconomicsError(f"»{name}« ist keine endliche Zahl ({value}). Bitte korrigieren.")
    return number


def _non_negative(name: str, value: float) -> float:
    number = _finite(name, value)
    if number < 0:
        raise EconomicsError(
            f"»{name}« darf nicht negativ sein (eingegeben: {number:g}). "
            "Bitte 0 oder einen positiven Wert eintragen."
        )
    return number


def _fraction(name: str, value: float) -> float:
    number = _finite(name, value)
    if not 0.0 <= number <= 1.0:
        raise EconomicsError(
            f"»{name}« muss zwischen 0 und 1 liegen (0 % bis 100 %), eingegeben: {number:g}. "
            "Prozentwerte bitte als Anteil schreiben, z. B. 0.8 für 80 %."
        )
    return number


def _positive(name: str, value: float) -> float:
    number = _finite(name, value)
    if number <= 0:
        raise EconomicsError(
            f"»{name}« muss größer als 0 sein (eingegeben: {number:g}). Bitte korrigieren."
        )
    return number


def _count(name: str, value: float) -> int:
    number = _non_negative(name, value)
    if number != int(number):
        raise EconomicsError(
            f"»{name}« muss eine ganze Zahl sein (eingegeben: {number:g}). Bitte runden."
        )
    return int(number)


def _retention_and_discount(retention: float, discount_rate: float) -> tuple[float, float]:
    r = _fraction("Bindungsrate", retention)
    d = _non_negative("Diskontsatz", discount_rate)
    if r >= 1.0 + d:
        raise EconomicsError(
            "Die Bindungsrate muss kleiner als 1 + Diskontsatz sein, sonst ist der Kundenwert "
            "unendlich. Bitte eine Bindungsrate unter 100 % eintragen."
        )
    return r, d


# -- §6 margins per transaction ----------------------------------------------------------------


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
        raise EconomicsError(
            "Der ROI ist nicht definiert, wenn die Maßnahme nichts kostet (Kosten = 0). "
            "Bitte mindestens eine Kostenposition eintragen."
        )
    return (b - k) / k


def lifetime_margin(margin_per_customer: float, retention: float, discount_rate: float,
                    horizon: int | None = None) -> float:
    """Margin this year plus the discounted future margins (§6, §4.4 margin at t = 0).

    ``horizon=None``: ``m + m·r/(1+d−r)``; ``horizon`` T years: ``Σ_{t=0..T−1} m·r^t/(1+d)^t``.
    This is :func:`kbworkbook.metrics.clv_discounted` with ``convention="start"``, the one
    customer-value convention of the report.
    """
    from .metrics.value import clv_discounted

    m = _finite("Deckungsbeitrag pro Kunde und Jahr", margin_per_customer)
    if horizon is None:  # the infinite sum needs r < 1 + d; a finite horizon always converges
        r, d = _retention_and_discount(retention, discount_rate)
    else:
        r, d = _fraction("Bindungsrate", retention), _non_negative("Diskontsatz", discount_rate)
    if horizon is not None and horizon < 1:
        raise EconomicsError("Der Zeithorizont des Kundenwerts muss mindestens 1 Jahr sein.")
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
            raise EconomicsError(
                "Für die Lebenszeit-Variante fehlt die Bindungsrate nach der Maßnahme."
            )
        m = lifetime_margin(m, retention_after, discount_rate, horizon)
    if s * m <= 0:
        raise EconomicsError(
            "Die Break-even-Steigerung ist nicht bestimmbar: es braucht mindestens einen Kunden "
            "und einen positiven Deckungsbeitrag pro Kunde. Bitte Kundenzahl und Marge prüfen."
        )
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
        raise EconomicsError(
            f"Bindungsrate {r0:.1%} plus Steigerung {uplift:.1%} ergibt {r1:.1%}; sie muss "
            "zwischen 0 % und 100 % bleiben. Bitte eine kleinere Steigerung eintragen."
        )
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
        raise EconomicsError("Für die Sensitivitätstabelle braucht es Steigerungen und Kosten.")
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


# -- §5 profit per customer by relationship year -----------------------------------------------


@dataclass(frozen=True)
class ProfitComponent:
    """A profit source that grows by ``increment`` per year from year ``start``, ``cap`` times.

    Contribution in year t ≥ 1: ``increment·min(cap, max(0, t − start + 1))``.
    """

    key: str
    increment: float
    start: int
    cap: int


#: §5 illustrative SME components as a share of the base profit (B = 100 → 15, 8, 10, 5).
DEFAULT_PROFIT_COMPONENTS: tuple[tuple[str, float, int, int], ...] = (
    ("increased_purchases", 0.15, 2, 5),
    ("reduced_costs", 0.08, 2, 3),
    ("referrals", 0.10, 2, 4),
    ("price_premium", 0.05, 3, 4),
)


@dataclass(frozen=True)
class ProfitByYear:
    """Profit per customer by relationship year (§5).

    ``table`` has one row per year 0..T with columns ``acquisition``, ``base``, one column per
    component key, ``profit`` (p_t), ``cumulative``, ``survival`` (r^(t−1), 1 in year 0),
    ``expected`` (E_t) and ``discounted`` (E_t/(1+d)^t). ``npv`` is the customer NPV.
    """

    table: pd.DataFrame
    npv: float
    components: tuple[str, ...]
    assumptions: Mapping[str, float] = field(default_factory=dict)


def _component_values(component: ProfitComponent, years: np.ndarray) -> np.ndarray:
    steps = np.clip(years - component.start + 1, 0, component.cap)
    return component.increment * steps


def profit_by_year(
    acquisition_cost: float,
    base_profit: float,
    components: Iterable[ProfitComponent] | None = None,
    *,
    years: int = 20,
    retention: float = 0.8,
    discount_rate: float = 0.1,
) -> ProfitByYear:
    """The §5 model: ``p_0 = −A``, ``p_t = B + Σ_k g_k·min(cap_k, max(0, t−s_k+1))``.

    ``E_t = p_t·r^(t−1)``, ``NPV = −A + Σ_{t=1..T} p_t·r^(t−1)/(1+d)^t``. ``components=None``
    scales :data:`DEFAULT_PROFIT_COMPONENTS` to ``base_profit``.
    """
    a = _non_negative("Akquisitionskosten pro Neukunde", acquisition_cost)
    b = _finite("Grundgewinn pro Kunde und Jahr", base_profit)
    horizon = _count("Betrachtete Jahre", years)
    if horizon < 1:
        raise EconomicsError("Bitte mindestens ein Jahr der Kundenbeziehung betrachten.")
    r, d = _retention_and_discount(retention, discount_rate)
    if components is None:
        comps = [
            ProfitComponent(key, share * b, start, cap)
            for key, share, start, cap in DEFAULT_PROFIT_COMPONENTS
        ]
    else:
        comps = list(components)
    for comp in comps:
        _finite(f"Zuwachs »{comp.key}«", comp.increment)
        if comp.start < 1 or comp.cap < 0:
            raise EconomicsError(
                f"Komponente »{comp.key}«: Startjahr muss ≥ 1 und Obergrenze ≥ 0 sein."
            )
    t = np.arange(horizon + 1, dtype="int64")
    frame = pd.DataFrame({"year": t})
    frame["acquisition"] = np.where(t == 0, -a, 0.0)
    frame["base"] = np.where(t == 0, 0.0, b)
    for comp in comps:
        frame[comp.key] = np.where(t == 0, 0.0, _component_values(comp, t))
    parts = ["acquisition", "base", *[c.key for c in comps]]
    frame["profit"] = frame[parts].sum(axis=1)
    frame["cumulative"] = frame["profit"].cumsum()
    frame["survival"] = np.where(t == 0, 1.0, float(r) ** np.maximum(t - 1, 0))
    frame["expected"] = frame["profit"] * frame["survival"]
    frame["discounted"] = frame["expected"] / (1.0 + d) ** t
    npv = float(frame["discounted"].sum())
    assumptions: dict[str, float] = {
        "acquisition_cost": a,
        "base_profit": b,
        "years": float(horizon),
        "retention": r,
        "discount_rate": d,
    }
    for comp in comps:
        assumptions[f"{comp.key}.increment"] = comp.increment
        assumptions[f"{comp.key}.start"] = float(comp.start)
        assumptions[f"{comp.key}.cap"] = float(comp.cap)
    return ProfitByYear(
        table=frame.set_index("year"),
        npv=npv,
        components=tuple(c.key for c in comps),
        assumptions=_freeze(assumptions),
    )


def npv_of_series(
    acquisition_cost: float,
    profits: Sequence[float],
    retention: float,
    discount_rate: float = 0.0,
) -> float:
    """Customer NPV of an explicit profit series p_1..p_T: ``−A + Σ p_t·r^(t−1)/(1+d)^t``."""
    a = _non_negative("Akquisitionskosten pro Neukunde", acquisition_cost)
    r, d = _retention_and_discount(retention, discount_rate)
    values = np.asarray([_finite("Gewinn", p) for p in profits], dtype="float64")
    t = np.arange(1, len(values) + 1)
    return float(-a + np.sum(values * r ** (t - 1) / (1.0 + d) ** t))


# -- §7 complaint word of mouth ----------------------------------------------------------------


@dataclass(frozen=True)
class WordOfMouth:
    """Word of mouth from complaints (§7): people reached positively/negatively per period."""

    positive: float
    negative: float
    break_even_quality: float
    silent_customers: float | None
    assumptions: Mapping[str, float] = field(default_factory=dict)

    @property
    def balance(self) -> float:
        """``W = W⁺ − W⁻``; positive means handling wins more people than it loses."""
        return self.positive - self.negative


def break_even_quality(a_plus: float = 3.0, a_minus: float = 10.0) -> float:
    """Share of well-handled complaints at which word of mouth breaks even: ``a⁻/(a⁺+a⁻)``."""
    ap = _non_negative("Positive Weitererzählungen (a⁺)", a_plus)
    am = _non_negative("Negative Weitererzählungen (a⁻)", a_minus)
    if ap + am == 0:
        raise EconomicsError("a⁺ und a⁻ dürfen nicht beide 0 sein.")
    return am / (ap + am)


def complaint_word_of_mouth(
    complaints: float,
    quality: float,
    a_plus: float = 3.0,
    a_minus: float = 10.0,
    *,
    include_silent: bool = False,
    complaint_rate: float = 1.0 / 27.0,
) -> WordOfMouth:
    """``W⁺ = C·q·a⁺``, ``W⁻ = C·(1−q)·a⁻`` (§7, seed 004's "3 zu 10").

    ``complaints`` C is a whole number ≥ 0 and ``quality`` q the share handled well (0..1).
    With ``include_silent`` the silent dissatisfied customers ``U = C·(1−k)/k`` are reported
    (k = complaint rate, default 1/27: 26 silent customers behind each complaint).
    """
    c = _count("Anzahl Beschwerden", complaints)
    q = _fraction("Anteil gut gelöster Beschwerden", quality)
    qstar = break_even_quality(a_plus, a_minus)
    silent: float | None = None
    assumptions = {"complaints": float(c), "quality": q, "a_plus": float(a_plus),
                   "a_minus": float(a_minus)}
    if include_silent:
        k = _fraction("Beschwerdequote", complaint_rate)
        if k == 0:
            raise EconomicsError("Die Beschwerdequote muss größer als 0 sein.")
        silent = c * (1.0 - k) / k
        assumptions["complaint_rate"] = k
    return WordOfMouth(
        positive=c * q * float(a_plus),
        negative=c * (1.0 - q) * float(a_minus),
        break_even_quality=qstar,
        silent_customers=silent,
        assumptions=_freeze(assumptions),
    )


#: TARP repurchase loyalty after a problem (§7), by problem size:
#: no complaint, complained but unsatisfied, satisfied, satisfied quickly.
TARP_RETENTION: Mapping[str, Mapping[str, float]] = MappingProxyType({
    "small": MappingProxyType(
        {"no_complaint": 0.37, "unsatisfied": 0.46, "satisfied": 0.70, "quick": 0.95}
    ),
    "large": MappingProxyType(
        {"no_complaint": 0.09, "unsatisfied": 0.19, "satisfied": 0.54, "quick": 0.82}
    ),
})


@dataclass(frozen=True)
class ComplaintRetention:
    """Complainants expected to stay and the customer value at risk from those who leave."""

    retained: float
    lost: float
    value_at_risk: float | None
    assumptions: Mapping[str, float] = field(default_factory=dict)


def retained_complainants(
    complaints: float,
    quality: float,
    problem: Problem = "small",
    *,
    quick_share: float = 0.0,
    customer_value: float | None = None,
) -> ComplaintRetention:
    """``R = C·(q·r_good + (1−q)·r_bad)`` with TARP rates (§7); value at risk ``(C−R)·CLV``.

    ``quick_share`` is the share of the well-handled complaints that were solved quickly
    (TARP "satisfied quickly"); ``r_good`` blends "satisfied" and "quick" accordingly.
    ``customer_value`` is the value of one customer (e.g. the lifetime margin); without it
    ``value_at_risk`` is None.
    """
    if problem not in TARP_RETENTION:
        raise EconomicsError(
            f"Unbekannte Problemgröße »{problem}«; erlaubt sind »small« (klein) und »large« (groß)."
        )
    c = _count("Anzahl Beschwerden", complaints)
    q = _fraction("Anteil gut gelöster Beschwerden", quality)
    f = _fraction("Anteil schnell gelöster Beschwerden", quick_share)
    rates = TARP_RETENTION[problem]
    r_good = (1.0 - f) * rates["satisfied"] + f * rates["quick"]
    retained = c * (q * r_good + (1.0 - q) * rates["unsatisfied"])
    lost = c - retained
    value = None
    assumptions = {"complaints": float(c), "quality": q, "quick_share": f,
                   "retention_good": r_good, "retention_bad": rates["unsatisfied"]}
    if customer_value is not None:
        clv = _finite("Kundenwert", customer_value)
        value = lost * clv
        assumptions["customer_value"] = clv
    return ComplaintRetention(
        retained=retained, lost=lost, value_at_risk=value, assumptions=_freeze(assumptions)
    )
