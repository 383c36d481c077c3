"""Chapter notebooks are clean, thin and keep the parameter contract with report.py."""

from __future__ import annotations

import datetime as dt

import nbformat
import papermill as pm
import pytest

from kbworkbook.chapter_notebooks import write_notebooks
from kbworkbook.chapters import CHAPTERS
from kbworkbook.report import NOTEBOOK_DIR, chapter_parameters
from kbworkbook.workspace import Workspace

NOTEBOOKS = [NOTEBOOK_DIR / c.notebook for c in CHAPTERS]


def test_committed_notebooks_are_what_the_generator_writes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Edit a chapter module's SECTIONS, forget ``python -m kbworkbook.chapter_notebooks``: fail."""
    for fresh in write_notebooks(tmp_path):
        shipped = NOTEBOOK_DIR / fresh.name
        assert shipped.read_bytes() == fresh.read_bytes(), (
            f"{shipped.name} is out of step; run: python -m kbworkbook.chapter_notebooks")


def test_every_chapter_has_a_notebook_and_no_other_notebooks_exist() -> None:
    assert sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb")) == sorted(
        c.notebook for c in CHAPTERS
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_valid_clean_and_thin(path) -> None:  # type: ignore[no-untyped-def]
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "strip outputs"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is code[0], "first code cell is the parameters cell"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    for cell in code[1:]:  # thin: calls into the package, no logic
        lines = [x for x in cell.source.splitlines() if x.strip() and not x.startswith("#")]
        assert len(lines) <= 4, cell.source
        assert not any(x.lstrip().startswith(("def ", "class ", "for ", "while ", "if "))
                       for x in lines), cell.source
    assert "footer" in code[-1].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameter_contract(path) -> None:  # type: ignore[no-untyped-def]
    declared = set(pm.inspect_notebook(str(path)))
    passed = set(chapter_parameters(Workspace.open(None), "de", dt.date(2025, 12, 31)))
    assert declared == passed
