"""How long customers stay, as the report shows it: the Kaplan–Meier curves of chapter 04's
section "Wie lange bleiben Kunden?" computed once, in the analysis (pure).

:func:`staying_curves` gives the time to the second purchase for all customers and for the
three latest first-purchase years with at least :data:`MIN_GROUP` new customers, and the time
until a customer lapses, with the lapse rule the lifecycle uses
(:func:`~kbworkbook.metrics.lifecycle.lapse_threshold`). Curves of groups only, never a
customer: what the analysis cache may keep.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from kbworkbook.errors import MetricError
from kbworkbook.metrics.lifecycle import lapse_threshold
from kbworkbook.metrics.survival import (
    SurvivalCurve,
    kaplan_meier,
    time_to_lapse,
    time_to_second_purchase,
)

__all__ = ["ALL", "MIN_GROUP", "LapseCurve", "StayingCurves", "staying_curves"]

#: A first-purchase year needs this many new customers to get a curve of its own.
MIN_GROUP = 30
#: The key of the curve of all customers (the others are years, "2024").
ALL = "all"


@dataclass(frozen=True)
class LapseCurve:
    """Time until a customer lapses: the lapse in days, whether kbworkbook.toml set it (else
    the data suggested it), and the curve."""

    gap: float
    configured: bool
    curve: SurvivalCurve


@dataclass(frozen=True)
class StayingCurves:
    """``second``: (group, curve) of the time to the second purchase, :data:`ALL` first, then
    years; ``few``: some first-purchase year has fewer than :data:`MIN_GROUP` customers (it
    has no curve of its own); ``lapse``: the lapse curve, or why there is none."""

    second: tuple[tuple[str, SurvivalCurve], ...]
    few: bool
    lapse: LapseCurve | MetricError


def staying_curves(transactions: pd.DataFrame, as_of: Any,
                   lapse_days: float | None = None) -> StayingCurves:
    """The curves at ``as_of``; ``lapse_days`` from kbworkbook.toml (``None``: from the data).
    Raises :class:`~kbworkbook.errors.MetricError` when there is no identified purchase."""
    day = pd.Timestamp(as_of).normalize()
    second = time_to_second_purchase(transactions, day)
    curves = [(ALL, kaplan_meier(second["duration"], second["observed"]))]
    years = second["first_purchase"].dt.year
    counts = years.value_counts()
    for year in sorted(counts[counts >= MIN_GROUP].index)[-3:]:
        group = second[years == year]
        curves.append((str(year), kaplan_meier(group["duration"], group["observed"])))
    lapse: LapseCurve | MetricError
    try:
        gap = lapse_threshold(transactions, day, lapse_days)[0]
        gone = time_to_lapse(transactions, day, gap)
        lapse = LapseCurve(gap=float(gap), configured=lapse_days is not None,
                           curve=kaplan_meier(gone["duration"], gone["observed"]))
    except MetricError as exc:
        lapse = exc
    return StayingCurves(second=tuple(curves), few=bool(counts.lt(MIN_GROUP).any()),
                         lapse=lapse)
