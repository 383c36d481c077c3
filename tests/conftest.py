"""Shared fixtures: a headless matplotlib, and the sample client's report built once."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import matplotlib
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
# the sample client's playground copy (live forms without a workspace) goes to a temp folder
os.environ["KBWORKBOOK_HOME"] = tempfile.mkdtemp(prefix="kbworkbook-home-")
matplotlib.use("Agg")

REPORT_DATE = dt.date(2026, 1, 15)


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The full report of the bundled sample client (all chapters, two jobs, with the PDF)."""
    from kbworkbook.report import build_report

    out = tmp_path_factory.mktemp("sample-report")
    lines: list[str] = []
    result = build_report(None, out=out, jobs=2, progress=lines.append, today=REPORT_DATE,
                          pdf=True)
    result.progress_lines = lines  # type: ignore[attr-defined]
    return result


def html_files(out: Path) -> list[Path]:
    return sorted(out.glob("*.html"))
