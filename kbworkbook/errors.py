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
    "Text",
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


class Text:
    """A catalogue text not yet rendered: its code in ``reasons.toml`` and its values.

    Values may be numbers, dates, strings, lists or further :class:`Text`; they are formatted
    for the reader's locale when the text is rendered (:meth:`render`), so a figure's reason
    reads in the report's language.
    """

    __slots__ = ("code", "values")

    def __init__(self, code: str, **values: Any) -> None:
        self.code = code
        self.values = values

    def render(self, language: str = "de", locale: str | None = None) -> str:
        from .reasons import render_reason  # the catalogue sits above this module

        return render_reason(self.code, self.values, language, locale)

    def __repr__(self) -> str:
        return f"Text({self.code!r}, **{self.values!r})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Text) and other.code == self.code
                and other.values == self.values)

    __hash__ = None  # type: ignore[assignment]


def _rebuild(cls: type[MetricError], code: str, values: dict[str, Any]) -> MetricError:
    return cls(code, **values)


class MetricError(KbWorkbookError, ValueError):
    """A metric is undefined for its input (empty window, zero base, n < 5 for RFM …).

    Raised as ``MetricError(code, **values)`` with ``code`` a key of ``reasons.toml``;
    ``str(exc)`` is the German text, :meth:`text` renders it in any language and locale.
    """

    def __init__(self, code: str, **values: Any) -> None:
        from .reasons import reason_codes

        # a sentence instead of a code: raised by code not yet moved to the catalogue; it
        # reads the same in every language (tests/test_reasons.py lists where that remains)
        self.reason = (Text(code, **values) if code in reason_codes() or values
                       else Text("untranslated", text=code))
        super().__init__(self.reason.render("de"))

    @property
    def code(self) -> str:
        return self.reason.code

    def text(self, language: str = "de", locale: str | None = None) -> str:
        """The reason in ``language`` with numbers and dates formatted for ``locale``."""
        return self.reason.render(language, locale)

    def __reduce__(self) -> tuple[Any, ...]:  # pickles by code, not by the German text
        return (_rebuild, (type(self), self.reason.code, dict(self.reason.values)))


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
