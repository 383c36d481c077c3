"""Shared pieces of the economics package: the error type and input validation."""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from ..errors import MetricError

__all__ = ["EconomicsError", "Problem"]

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
