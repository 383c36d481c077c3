"""Two ways into the instrument catalogue besides the full list. Pure: catalogue in, data out.

- :func:`low_effort_track` – seed 004: micro-firms rarely do retention for lack of time and
  staff, unwilling to spend on existing customers, and because events draw nobody. The track
  keeps the instruments that each fit a weekly time budget (default one hour), cost little
  cash and no discount, and packs a set that fits the budget together.
- :func:`touchpoint_instruments` – seed 000: the customer experience is the top goal. For the
  weakest touchpoints of the touchpoint questionnaire, the instruments that improve them.

Effort of an instrument from its default cost drivers: staff hours per year (Z), cash per
year = fixed (F) + one-off (E) spread over ``setup_years``, cash per participant (V), and
whether a share of revenue is given away (U).

Worked example (bundled catalogue, one hour a week = 52 h a year, at most 300 cash a year):
»Bitte um Weiterempfehlung« needs 12 h and 0 cash plus 10 per referral; »Stammkunden-Event«
is left out (600 cash a year), »Bonussystem« too (a share of revenue), »Online-Forum« too
(100 h). Packed by hours (then cash), the set is »Persönliche Note« (10 h, no cash),
»Passende Zusatzangebote« (10 h, 50 a year), »Bitte um Weiterempfehlung« (12 h) and »Echte
Bewertungen zeigen« (12 h): 44 h a year, 0.85 h a week; the next, »Kontaktpunkte-Check«
(16 h), would make it 60 h.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import Catalogue, Instrument

__all__ = ["WEEKS_PER_YEAR", "Effort", "LowEffortTrack", "TouchpointNeed", "effort_of",
           "low_effort_track", "touchpoint_instruments"]

WEEKS_PER_YEAR = 52.0


@dataclass(frozen=True)
class Effort:
    """What an instrument takes with its default drivers."""

    key: str
    factor: str | None
    hours_per_year: float
    cash_per_year: float
    per_participant: float
    revenue_share: float

    @property
    def hours_per_week(self) -> float:
        return self.hours_per_year / WEEKS_PER_YEAR


def effort_of(instrument: Instrument, setup_years: float = 3.0) -> Effort:
    """The effort of ``instrument`` (see the module docstring); ``setup_years`` > 0."""
    if not setup_years > 0:
        raise ValueError(f"setup_years must be positive, got {setup_years!r}")
    totals = dict.fromkeys(("E", "F", "V", "U", "Z"), 0.0)
    for driver in instrument.drivers:
        totals[driver.type] += driver.amount
    return Effort(key=instrument.key, factor=instrument.factor, hours_per_year=totals["Z"],
                  cash_per_year=totals["F"] + totals["E"] / setup_years,
                  per_participant=totals["V"], revenue_share=totals["U"])


@dataclass(frozen=True)
class LowEffortTrack:
    """The instruments that fit (``rows``, fewest hours first) and the ``package`` of keys
    chosen from them that fits the weekly budget together."""

    hours_per_week: float
    max_cash_per_year: float
    rows: tuple[Effort, ...]
    package: tuple[str, ...]

    @property
    def package_hours_per_year(self) -> float:
        return sum(r.hours_per_year for r in self.rows if r.key in self.package)

    @property
    def package_hours_per_week(self) -> float:
        return self.package_hours_per_year / WEEKS_PER_YEAR


def low_effort_track(catalogue: Catalogue, hours_per_week: float = 1.0,
                     max_cash_per_year: float = 300.0, setup_years: float = 3.0,
                     priority: Sequence[str] = ()) -> LowEffortTrack:
    """Instruments that fit ``hours_per_week`` alone, cost at most ``max_cash_per_year`` and
    give away no revenue; packed greedily into the budget.

    ``priority`` orders the packing by factor (e.g. the factors by need for action, greatest
    first); instruments of other factors follow. Within that order the fewest hours come
    first; an instrument that no longer fits is skipped and the next one tried.
    """
    if not hours_per_week > 0 or max_cash_per_year < 0:
        raise ValueError("hours_per_week must be positive and max_cash_per_year not negative")
    budget = hours_per_week * WEEKS_PER_YEAR
    fitting = [e for e in (effort_of(i, setup_years) for i in catalogue)
               if e.hours_per_year <= budget + 1e-9 and e.revenue_share == 0
               and e.cash_per_year <= max_cash_per_year + 1e-9]
    order = {factor: rank for rank, factor in enumerate(priority)}
    rows = sorted(fitting, key=lambda e: (e.hours_per_year, e.cash_per_year))
    ranked = sorted(rows, key=lambda e: order.get(e.factor or "", len(order)))
    package: list[str] = []
    used = 0.0
    for effort in ranked:
        if used + effort.hours_per_year <= budget + 1e-9:
            package.append(effort.key)
            used += effort.hours_per_year
    return LowEffortTrack(hours_per_week=hours_per_week, max_cash_per_year=max_cash_per_year,
                          rows=tuple(rows), package=tuple(package))


@dataclass(frozen=True)
class TouchpointNeed:
    """A weak touchpoint, its score (1..5) and the instruments that improve it."""

    touchpoint: str
    score: float
    instruments: tuple[str, ...]


def touchpoint_instruments(catalogue: Catalogue, scores: Mapping[str, float | None],
                           below: float = 4.0, limit: int = 3) -> tuple[TouchpointNeed, ...]:
    """The up to ``limit`` touchpoints rated below ``below`` (lowest first, questionnaire
    order on ties) that some instrument improves, each with those instruments.

    ``scores`` maps touchpoint keys to the 1..5 rating; ``None`` or ``nan`` (not rated) and
    touchpoints no instrument names are left out.
    """
    offered: dict[str, list[str]] = {}
    for instrument in catalogue:
        for point in instrument.touchpoints:
            offered.setdefault(point, []).append(instrument.key)
    rated = [(key, float(value)) for key, value in scores.items()
             if value is not None and not math.isnan(float(value)) and float(value) < below
             and key in offered]
    rated.sort(key=lambda kv: kv[1])  # stable: questionnaire order on ties
    return tuple(TouchpointNeed(key, value, tuple(offered[key])) for key, value in rated[:limit])
