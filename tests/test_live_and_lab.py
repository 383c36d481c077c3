"""Workshop mode: notebooks run live (forms) on a workspace (``kbworkbook lab``: test_lab.py)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from kbworkbook import report, report_kernel
from kbworkbook.chapters import CHAPTERS
from kbworkbook.workspace import SAMPLE_WORKSPACE

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("live")]


@pytest.fixture
def workspace_copy(tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(SAMPLE_WORKSPACE, target, ignore=shutil.ignore_patterns("reports"))
    return target


@pytest.mark.parametrize("number", ["01", "02", "05", "06"])
def test_chapter_runs_live_with_forms_and_leaves_answers_alone(
        number: str, workspace_copy: Path, tmp_path: Path) -> None:
    chapter = next(c for c in CHAPTERS if c.number == number)
    answers_before = {p: p.read_bytes() for p in (workspace_copy / "answers").rglob("*")
                      if p.is_file()}
    out = tmp_path / "live.ipynb"
    with tempfile.TemporaryDirectory() as ipc:
        pm.execute_notebook(
            str(report.NOTEBOOK_DIR / chapter.notebook), str(out),
            parameters={"workspace": str(workspace_copy), "language": "de", "as_of": None,
                        "live": True},
            kernel_manager_class=report_kernel.this_python_kernel_manager(ipc),
            progress_bar=False, cwd=str(tmp_path), execution_timeout=120, start_timeout=60,
        )
    nb = nbformat.read(out, as_version=4)
    widget_outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                      if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widget_outputs, "live mode shows the workshop forms"
    after = {p: p.read_bytes() for p in (workspace_copy / "answers").rglob("*") if p.is_file()}
    assert after == answers_before, "opening a chapter must not write answers"


def test_notebook_setup_uses_the_lab_workspace(workspace_copy: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from kbworkbook.notebook import WORKSPACE_ENV, setup

    monkeypatch.setenv(WORKSPACE_ENV, str(workspace_copy))
    assert setup(None).workspace.root == workspace_copy.resolve()
    monkeypatch.delenv(WORKSPACE_ENV)
    assert setup(None).workspace.is_sample
