"""Reports only read the answers and say on the page what they skipped (issue 15, defect 4).

Before: building a report renamed a broken answers file to ``.corrupt-1`` and left that
assessment out without a word in the HTML.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kbworkbook.chapters import questionnaire
from kbworkbook.notebook import Context, footer
from kbworkbook.workspace import SAMPLE_WORKSPACE, Workspace

BROKEN = "2025-12-01T08-00-00.json"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture()
def ws_with_broken_answers(tmp_path: Path) -> Workspace:
    """The sample client with its newest six-factor assessment damaged by hand."""
    root = tmp_path / "kunde"
    shutil.copytree(SAMPLE_WORKSPACE, root, ignore=shutil.ignore_patterns("reports"))
    (root / "answers" / "sechs_faktoren" / BROKEN).write_text(
        '{"questionnaire": "sechs_faktoren", "answers": {"F1.1": 4,', encoding="utf-8")
    return Workspace.open(root)


def test_views_name_the_skipped_file_and_write_nothing(ws_with_broken_answers: Workspace
                                                       ) -> None:
    ws = ws_with_broken_answers
    before = _snapshot(ws.answers_dir)
    ctx = Context(workspace=ws, language="de")
    blocks = questionnaire.static_view(ctx, "sechs_faktoren")
    page = "".join(getattr(b, "data", "") or "" for b in blocks)
    assert f"sechs_faktoren/{BROKEN}" in page and "übersprungen" in page
    assert "kein gültiges JSON" in page
    assert "Einschätzung vom 20.11.2025" in page  # the last readable one is still shown
    foot = footer(ctx, [], "01")[0].data
    assert BROKEN in foot and "übersprungen" in foot
    assert _snapshot(ws.answers_dir) == before


@pytest.mark.slow
def test_report_leaves_answers_untouched_and_says_what_it_skipped(
        ws_with_broken_answers: Workspace, tmp_path: Path) -> None:
    from kbworkbook.report import build_report

    ws = ws_with_broken_answers
    before = _snapshot(ws.answers_dir)
    result = build_report(ws, out=tmp_path / "out", chapters=["01"], jobs=1)
    assert result.ok, result.summary()
    assert _snapshot(ws.answers_dir) == before  # nothing renamed, nothing written
    assert not list(ws.answers_dir.rglob("*.corrupt*"))
    [chapter] = result.chapters
    assert chapter.html_path is not None
    html = chapter.html_path.read_text(encoding="utf-8")
    assert BROKEN in html and "übersprungen" in html and "unverändert" in html
