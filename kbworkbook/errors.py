"""Exceptions raised by kbworkbook for mistakes a user can fix.

Every exception a user can cause derives from :class:`KbWorkbookError`; the CLI catches
that root, prints its (German or English) message and exits non-zero. Anything else is a bug.

::

    KbWorkbookError
     ├── WorkspaceError        no workspace, broken kbworkbook.toml, refusing to overwrite
     ├── DataError             one or more :class:`Problem` in a data file (``.problems``)
     ├── MetricError           a figure is undefined for the given input (e.g. n = 0)
     │    └── ModelError       a customer-value model cannot be fitted or used on the data
     ├── QuestionnaireError    a broken questionnaire catalogue or answer
     ├── StoreError            answers cannot be saved or read
     └── ReportError           a report cannot be built at all
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DataError",
    "KbWorkbookError",
    "MetricError",
    "ModelError",
    "Problem",
    "QuestionnaireError",
    "ReportError",
    "StoreError",
    "WorkspaceError",
]


class KbWorkbookError(Exception):
    """Root of every error a user can cause and fix."""


class WorkspaceError(KbWorkbookError):
    """The workspace is missing, incomplete, or its kbworkbook.toml is invalid."""


class MetricError(KbWorkbookError, ValueError):
    """A metric is undefined for its input (empty window, zero base, n < 5 for RFM …)."""


class ModelError(MetricError):
    """A probabilistic model (BG/NBD, Gamma-Gamma) cannot be fitted or used for the data.

    Raised for inputs that break the model's conventions (e.g. recency > T), for fits that do
    not converge, and for predictions the fitted parameters leave undefined (q ≤ 1).
    """


class QuestionnaireError(KbWorkbookError):
    """A questionnaire catalogue file or an answer does not fit the catalogue."""


class StoreError(KbWorkbookError):
    """Answers could not be written or read."""


class ReportError(KbWorkbookError):
    """The report cannot be built (no notebooks, output folder not writable …)."""


@dataclass(frozen=True)
class Problem:
    """One located problem in a data file.

    ``row`` is the row number as a spreadsheet shows it (header = 1, first data row = 2), or
    ``None`` when the problem concerns the whole file or a column. ``message`` is the rendered,
    user-facing text (German or English) saying what is wrong and how to fix it.
    """

    file: str
    row: int | None
    column: str | None
    code: str
    value: Any = None
    message: str = ""

    def __str__(self) -> str:
        return self.message or f"{self.file}: {self.code}"


@dataclass
class DataError(KbWorkbookError):
    """Every problem found while loading one or more data files, raised once."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @property
    def codes(self) -> list[str]:
        """The problem codes in order, handy for tests and summaries."""
        return [p.code for p in self.problems]
