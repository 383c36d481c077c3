"""§5 profit per customer by relationship year and the customer NPV."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._common import (
    EconomicsError,
    _count,
    _finite,
    _freeze,
    _non_negative,
    _retention_and_discount,
)

__all__ = [
    "DEFAULT_PROFIT_COMPONENTS",
    "ProfitByYear",
    "ProfitComponent",
    "npv_of_series",
    "profit_by_year",
]


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
        raise EconomicsError("econ.one_year")
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
            raise EconomicsError("econ.component", key=comp.key)
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
