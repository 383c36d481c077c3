"""How sharp is a positioning? Checks over the answers of the guided positioning questionnaire.

Seed 003: »Sei dabei konsequent! Du kannst es nicht allen recht machen.« A positioning is
sharp when (1) the Golden Circle is written down (why, how, what), (2) the best customers are
described, (3) the customers one does *not* want to serve are named, (4) one to ``max``
(3) points are named as the USP and (5) one to ``max`` (5) values. Each check is met or not;
the summary counts the checks met. A check whose items a workspace's own catalogue lacks is
left out. Pure: catalogue and answers in, a frozen dataclass out.

::

    summary = positioning_summary(catalogue, assessment.answers)
    summary.met, len(summary.checks)          # 4, 5
    [c.key for c in summary.checks if not c.met]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .catalogue import Questionnaire

__all__ = ["TEXT_CHECKS", "PositioningCheck", "PositioningSummary", "list_answer",
           "positioning_summary"]

#: Checks met by written answers: check key → the items that must all be answered.
TEXT_CHECKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("golden_circle", ("warum", "wie", "was")),
    ("beste_kunden", ("beste_kunden",)),
    ("nicht_bedienen", ("nicht_bedienen",)),
)


def list_answer(value: Any) -> tuple[str, ...]:
    """The entries of a ``choices`` answer (a list); anything else gives no entries."""
    if not isinstance(value, list | tuple):
        return ()
    return tuple(str(v).strip() for v in value if str(v).strip())


def _written(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return bool(list_answer(value))
    return isinstance(value, str) and bool(value.strip())


@dataclass(frozen=True)
class PositioningCheck:
    """One check: ``state`` is ``ok``, ``missing`` (not answered) or ``too_many`` (a list
    with more entries than its ``limit``); ``count`` = entries of a list, else ``None``."""

    key: str
    state: str
    count: int | None = None
    limit: int | None = None

    @property
    def met(self) -> bool:
        return self.state == "ok"


@dataclass(frozen=True)
class PositioningSummary:
    """The checks of one assessment and how many items are answered."""

    answered: int
    total: int
    checks: tuple[PositioningCheck, ...]

    @property
    def met(self) -> int:
        """Number of checks met."""
        return sum(1 for check in self.checks if check.met)

    @property
    def share(self) -> float:
        """Checks met as a fraction of all checks (``nan`` when there are none)."""
        return self.met / len(self.checks) if self.checks else math.nan

    def check(self, key: str) -> PositioningCheck:
        for item in self.checks:
            if item.key == key:
                return item
        raise KeyError(key)


def positioning_summary(catalogue: Questionnaire,
                        answers: Mapping[str, Any]) -> PositioningSummary:
    """The checks of ``answers`` against ``catalogue`` (see the module docstring)."""
    keys = set(catalogue.item_keys)
    checks: list[PositioningCheck] = []
    for check, items in TEXT_CHECKS:
        if not set(items) <= keys:
            continue
        done = all(_written(answers.get(item)) for item in items)
        checks.append(PositioningCheck(check, "ok" if done else "missing"))
    for item in catalogue.items:
        if item.type != "choices":
            continue
        count = len(list_answer(answers.get(item.key)))
        state = ("missing" if count == 0 else
                 "too_many" if item.max is not None and count > item.max else "ok")
        checks.append(PositioningCheck(item.key, state, count, item.max))
    answered = sum(1 for key in catalogue.item_keys if _written(answers.get(key)))
    return PositioningSummary(answered=answered, total=len(keys), checks=tuple(checks))
