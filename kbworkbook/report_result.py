"""What a report run returns: one :class:`ChapterResult` per chapter in a :class:`ReportResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .chapters import Chapter
from .report_text import failure_sentence, t

__all__ = ["ChapterResult", "ReportResult"]


@dataclass(frozen=True)
class ChapterResult:
    """Outcome of one chapter: ``status`` is ``"ok"`` or ``"failed"``; times in seconds.

    A failed chapter has a ``kind`` (:data:`~kbworkbook.report_text.FAILURE_KINDS`), the
    ``cell`` where it stopped when known, the short ``reason`` and ``note``, the full sentence
    the index and the chapter page show.
    """

    chapter: Chapter
    status: str
    seconds: float
    html_path: Path | None
    notebook_path: Path | None
    cell: int | None = None
    reason: str = ""
    kind: str = ""
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def failure_text(self, language: str) -> str:
        """The sentence for the index (``note``, else rebuilt from kind, cell and reason)."""
        if self.note:
            return self.note
        return failure_sentence(language, self.chapter.number, self.kind or "cell", self.cell,
                                self.reason)


@dataclass
class ReportResult:
    """All chapters of one report run and where ``index.html`` was written."""

    out_dir: Path
    index_path: Path
    language: str
    chapters: list[ChapterResult] = field(default_factory=list)
    seconds: float = 0.0
    pdf_path: Path | None = None

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.chapters)

    @property
    def failed(self) -> list[ChapterResult]:
        return [c for c in self.chapters if not c.ok]

    def summary(self) -> str:
        """One line for the terminal, in the report's language."""
        if self.ok:
            line = t(self.language, "summary_ok", n=len(self.chapters),
                     seconds=f"{self.seconds:.1f}", index=self.index_path)
            return line + (f" · PDF: {self.pdf_path}" if self.pdf_path else "")
        return t(self.language, "summary_failed", failed=len(self.failed),
                 n=len(self.chapters), index=self.index_path)
