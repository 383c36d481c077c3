"""§7 complaint word of mouth ("3 zu 10") and retained complainants (TARP)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ._common import (
    EconomicsError,
    Problem,
    _count,
    _finite,
    _fraction,
    _freeze,
    _non_negative,
)

__all__ = [
    "ComplaintRetention",
    "TARP_RETENTION",
    "WordOfMouth",
    "break_even_quality",
    "complaint_word_of_mouth",
    "retained_complainants",
]


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
        raise EconomicsError("econ.word_of_mouth_zero")
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
            raise EconomicsError("econ.complaint_rate_zero")
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
        raise EconomicsError("econ.problem_size", problem=str(problem))
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
