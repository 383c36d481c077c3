"""Kernel faults and time limits (issue 15, defect 6), injected into real report runs.

Before: a hung cell blocked for 600 s with no overall limit, and the index showed the English
``CellTimeoutError`` with the cell's source code, or ``DeadKernelError``, followed by advice to
run ``kbworkbook check``. Now each fault has a German note on the index and on the chapter's
page that names the limit or the cause and the fix that applies, and nothing else.
"""

from __future__ import annotations

import html
import re
import shutil
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from kbworkbook.cli import main
from kbworkbook.errors import ReportError
from kbworkbook.report import NOTEBOOK_DIR, build_report
from kbworkbook.workspace import SAMPLE_WORKSPACE

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("report")]

HANG = "import time as _t\n_t.sleep(600)  # kbworkbook-test: hung cell"
DIE = "import os as _os, signal as _s\n_os.kill(_os.getpid(), _s.SIGKILL)  # kbworkbook-test"


def _workspace(tmp_path: Path, report_settings: str = "") -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLE_WORKSPACE, ws, ignore=shutil.ignore_patterns("reports"))
    if report_settings:
        with (ws / "kbworkbook.toml").open("a", encoding="utf-8") as config:
            config.write(f"\n[report]\n{report_settings}\n")
    return ws


def _notebooks_with(tmp_path: Path, source: str, chapter: str = "03_kennzahlen") -> Path:
    """The shipped notebooks, with ``source`` as an extra cell early in ``chapter``."""
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, notebooks)
    path = notebooks / f"{chapter}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)
    return notebooks


def _text(path: Path) -> str:
    body = re.sub(r"<style[^>]*>.*?</style>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _assert_no_internals(text: str) -> None:
    for word in ("CellTimeoutError", "DeadKernelError", "Kernel died", "Traceback",
                 "kbworkbook-test", "sleep(", "kbworkbook check", "Exception"):
        assert word not in text, word


def _no_kernel_left() -> None:
    kernels = [p for p in psutil.Process().children(recursive=True)
               if _cmdline(p).count("ipykernel_launcher")]
    assert not kernels, [_cmdline(p) for p in kernels]


def _cmdline(proc: psutil.Process) -> str:
    try:
        if proc.status() == psutil.STATUS_ZOMBIE:
            return ""
        return " ".join(proc.cmdline())
    except psutil.Error:
        return ""


def test_hung_cell_stops_at_the_cell_timeout_with_a_german_note(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, "cell_timeout_minutes = 0.05")  # 3 s
    notebooks = _notebooks_with(tmp_path, HANG)
    started = time.monotonic()
    result = build_report(ws, out=tmp_path / "out", chapters=["03"], jobs=1,
                          notebook_dir=notebooks)
    assert time.monotonic() - started < 120, "the hung cell was not stopped"
    (chapter,) = result.chapters
    assert chapter.kind == "timeout" and not result.ok
    assert chapter.cell is not None
    expected = (f"Kapitel 03 wurde abgebrochen: ein Rechenschritt (Zelle {chapter.cell}) lief "
                "länger als 3 Sekunden. Bei sehr großen Daten den Wert cell_timeout_minutes im "
                "Abschnitt [report] von kbworkbook.toml erhöhen und den Bericht erneut erzeugen.")
    index = _text(result.index_path)
    page = _text(tmp_path / "out" / "03_kennzahlen.html")
    assert expected in index and expected in page
    _assert_no_internals(index)
    _assert_no_internals(page)
    _no_kernel_left()


def test_kernel_killed_mid_run_is_named_in_german(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    notebooks = _notebooks_with(tmp_path, DIE)
    result = build_report(ws, out=tmp_path / "out", chapters=["03"], jobs=1,
                          notebook_dir=notebooks, language="en")
    (chapter,) = result.chapters
    assert chapter.kind == "dead" and not result.ok
    index = _text(result.index_path)
    page = _text(tmp_path / "out" / "03_kennzahlen.html")
    for text in (index, page):
        assert "Chapter 03 was stopped: its Python process ended during the calculation" in text
        assert "Please close other programs and build the report again with '--jobs 1'." in text
        _assert_no_internals(text)
    _no_kernel_left()


def test_report_time_limit_stops_running_and_waiting_chapters(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, "time_limit_minutes = 0.75")  # 45 s for the whole report
    notebooks = _notebooks_with(tmp_path, HANG)
    lines: list[str] = []
    started = time.monotonic()
    result = build_report(ws, out=tmp_path / "out", chapters=["03", "06"], jobs=1,
                          notebook_dir=notebooks, progress=lines.append)
    assert time.monotonic() - started < 100
    kinds = {c.chapter.number: c.kind for c in result.chapters}
    assert kinds == {"03": "time_limit", "06": "not_run"}
    assert len(lines) == 2 and all("fehlgeschlagen" in line for line in lines)
    index = _text(result.index_path)
    assert ("Kapitel 03 wurde abgebrochen: der Bericht hat sein Zeitlimit von 45 Sekunden "
            "erreicht.") in index
    assert ("Kapitel 06 wurde nicht mehr ausgeführt: der Bericht hat sein Zeitlimit von 45 "
            "Sekunden erreicht.") in index
    assert "time_limit_minutes im Abschnitt [report]" in index
    for chapter in result.chapters:  # a page that says why, linked from the index
        assert chapter.html_path is not None and chapter.html_path.is_file()
        assert "Zeitlimit von 45 Sekunden" in _text(chapter.html_path)
        _assert_no_internals(_text(chapter.html_path))
    _assert_no_internals(index)
    _no_kernel_left()


@pytest.mark.parametrize("setting", ["time_limit_minutes = 0", 'cell_timeout_minutes = "zehn"',
                                     "time_limit_minutes = -5"])
def test_a_wrong_limit_is_refused_naming_the_setting(tmp_path: Path, setting: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    ws = _workspace(tmp_path, setting)
    key = setting.split(" ")[0]
    with pytest.raises(ReportError, match=rf"\[report\]: {key} = .* ist keine Zahl größer als 0"):
        build_report(ws, out=tmp_path / "out", chapters=["00"])
    assert main(["report", str(ws)]) == 1
    err = capsys.readouterr().err
    assert f"{key} = " in err and "Traceback" not in err
    assert not (tmp_path / "out").exists() and not (ws / "reports").exists()
