"""Shared pieces of the economics package: the error type and input validation."""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from ..errors import MetricError, Text

__all__ = ["EconomicsError", "Problem"]

Problem = Literal["small", "large"]


class EconomicsError(MetricError):
    """An economic figure cannot be computed from the given assumptions.

    Raised with a code of ``reasons.toml`` (``econ.…``); the field a message names is one of
    ``[econ.field]`` there, by its German label (:func:`_field`).
    """


def _field(name: str) -> Text:
    """The catalogue text of a field named by its German label (``"Bindungsrate"``)."""
    return Text(f"econ.field.{name}")


def _freeze(values: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(values))


# -- validation --------------------------------------------------------------------------------


def _finite(name: str, value: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise EconomicsError("econ.not_a_number", name=_field(name), value=str(value)) from None
    if not math.isfinite(number):
        raise EconomicsError("econ.not_finite", name=_field(name), value=str(value))
    return number


def _non_negative(name: str, value: float) -> float:
    number = _finite(name, value)
    if number < 0:
        raise EconomicsError("econ.negative", name=_field(name), value=number)
    return number


def _fraction(name: str, value: float) -> float:
    number = _finite(name, value)
    if not 0.0 <= number <= 1.0:
        raise EconomicsError("econ.not_a_fraction", name=_field(name), value=number)
    return number


def _positive(name: str, value: float) -> float:
    number = _finite(name, value)
    if number <= 0:
        raise EconomicsError("econ.not_positive", name=_field(name), value=number)
    return number


def _count(name: str, value: float) -> int:
    number = _non_negative(name, value)
    if number != int(number):
        raise EconomicsError("econ.not_whole", name=_field(name), value=number)
    return int(number)


def _retention_and_discount(retention: float, discount_rate: float) -> tuple[float, float]:
    r = _fraction("Bindungsrate", retention)
    d = _non_negative("Diskontsatz", discount_rate)
    if r >= 1.0 + d:
        raise EconomicsError("econ.retention_diverges")
    return r, d
