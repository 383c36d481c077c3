"""Every chart of the workbook fits its canvas: figures are saved as drawn (no cropping to
their contents, :func:`kbworkbook.notebook.figure_image`), so a label outside the canvas would
be cut off in the report and the workshop.

Every figure the sample's chapters show passes through ``figure_image``: in the report, in the
workshop, and behind the workshop's buttons (each is pressed once)."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import matplotlib
import pytest

from kbworkbook import notebook
from kbworkbook.chapters import CHAPTERS
from kbworkbook.workspace import SAMPLE_WORKSPACE

matplotlib.use("Agg")


def _buttons(block: Any) -> list[widgets.Button]:
    if isinstance(block, list | tuple):
        return [b for item in block for b in _buttons(item)]
    if isinstance(block, widgets.Button):
        return [block]
    if isinstance(block, widgets.Box):
        return _buttons(list(block.children))
    return []


@pytest.mark.parametrize("live", [False, True], ids=["report", "workshop"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_every_chart_of_the_sample_lies_inside_its_canvas(
        tmp_path: Path, live: bool, language: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    workspace = tmp_path / "kunde"
    shutil.copytree(SAMPLE_WORKSPACE, workspace, ignore=shutil.ignore_patterns("reports"))
    ctx = notebook.setup(str(workspace), language=language, live=live)
    drawn: list[str] = []
    outside: list[tuple[str, str]] = []
    where = [""]
    real = notebook.figure_image

    def checked(fig: Any, dpi: int = 110) -> Any:
        # noted, not asserted here: a button's callback would swallow the AssertionError
        fig.canvas.draw()  # the layout engine places everything
        box = fig.get_tightbbox(fig.canvas.get_renderer())
        width, height = fig.get_size_inches()
        tolerance = 1.5 / fig.dpi  # inches: a pixel and a half
        if fig.get_layout_engine() is None:
            outside.append((where[0], "no layout engine"))
        if not (-tolerance <= box.x0 and -tolerance <= box.y0 and box.x1 <= width + tolerance
                and box.y1 <= height + tolerance):
            outside.append((where[0], f"{box} outside {width} × {height} in"))
        drawn.append(where[0])
        return real(fig, dpi)

    monkeypatch.setattr(notebook, "figure_image", checked)
    for chapter in CHAPTERS:
        module = importlib.import_module(f"kbworkbook.chapters.{chapter.module}")
        for name in module.SECTIONS:
            where[0] = f"{chapter.number}.{name}"
            blocks = getattr(module, name)(ctx)
            notebook.show(blocks)
            for button in _buttons(blocks):
                button.click()
    capsys.readouterr()  # what show() printed outside a kernel
    assert outside == []
    chapters = {w.split(".")[0] for w in drawn}
    assert chapters >= {"01", "02", "03", "04", "05"}, drawn
    assert len(drawn) >= 25, drawn
    if live:  # behind the button: every cohort (the 12 youngest are drawn above it)
        assert drawn.count("04.cohorts") == 2, drawn
