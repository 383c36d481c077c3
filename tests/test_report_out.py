"""An explicit ``--out`` folder is written as a transaction too (issue 15, defect 5).

Before: chapters and index were written straight into ``--out``, so an interrupted or failed
run left the old index beside new chapters. Now the report is built in a hidden folder beside
``--out`` and replaces it only when complete. The chapters are stubbed here (no kernels): what
is tested is the folder handling around them; the real run is in test_report_interrupt.py.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from kbworkbook import report as report_module
from kbworkbook.errors import ReportError
from kbworkbook.report import build_report
from kbworkbook.report_kernel import ChapterOutcome, ChapterTask
from kbworkbook.workspace import SAMPLE_WORKSPACE

Finished = Callable[[ChapterOutcome], None]


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(SAMPLE_WORKSPACE, target, ignore=shutil.ignore_patterns("reports"))
    return target


def _chapters_written(tasks: Sequence[ChapterTask], _jobs: int, finished: Finished,
                      _limit: float) -> list[ChapterOutcome]:
    outcomes = []
    for task in tasks:
        Path(task.html_out).write_text("<p>neues Kapitel</p>", encoding="utf-8")
        outcomes.append(ChapterOutcome(number=task.number, status="ok", seconds=0.1,
                                       html_path=task.html_out, notebook_path=None))
        finished(outcomes[-1])
    return outcomes


def _interrupted_after_one(tasks: Sequence[ChapterTask], jobs: int, finished: Finished,
                           limit: float) -> list[ChapterOutcome]:
    _chapters_written(tasks[:1], jobs, finished, limit)
    raise KeyboardInterrupt


def _previous(out: Path) -> dict[str, bytes]:
    (out / "notebooks").mkdir(parents=True)
    (out / "index.html").write_text("<p>alter Bericht</p>", encoding="utf-8")
    (out / "04_kundenwert_segmente.html").write_text("<p>altes Kapitel</p>", encoding="utf-8")
    (out / "notebooks" / "04_kundenwert_segmente.ipynb").write_text("{}", encoding="utf-8")
    (out / "bericht.pdf").write_bytes(b"%PDF-alt")
    return _snapshot(out)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_out_is_replaced_as_a_whole_when_the_run_is_complete(
        ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site" / "bericht"
    _previous(out)
    stale = out.parent / ".bericht.0123abcd.partial"  # left by a run killed hours ago
    stale.mkdir()
    hours_ago = time.time() - 6 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    monkeypatch.setattr(report_module, "run_chapters", _chapters_written)
    result = build_report(ws, out=out, chapters=["00"])
    assert result.out_dir == out.resolve() and result.ok
    assert sorted(_snapshot(out)) == ["00_ueberblick.html", "figures.json", "index.html"], \
        "nothing of the previous report is mixed into the new one"
    assert "Kundenbindungs-Bericht" in (out / "index.html").read_text(encoding="utf-8")
    assert result.chapters[0].html_path == out.resolve() / "00_ueberblick.html"
    assert [p.name for p in out.parent.iterdir()] == ["bericht"], "no hidden build folder"


def test_an_interrupted_run_leaves_out_as_it_was(ws: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site" / "bericht"
    before = _previous(out)
    monkeypatch.setattr(report_module, "run_chapters", _interrupted_after_one)
    with pytest.raises(KeyboardInterrupt):
        build_report(ws, out=out, chapters=["00", "03"])
    assert _snapshot(out) == before
    assert [p.name for p in out.parent.iterdir()] == ["bericht"]


def test_a_new_out_folder_appears_only_when_complete(ws: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "neu" / "bericht"
    monkeypatch.setattr(report_module, "run_chapters", _interrupted_after_one)
    with pytest.raises(KeyboardInterrupt):
        build_report(ws, out=out, chapters=["00", "03"])
    assert not out.exists() and not any(out.parent.iterdir())


def test_a_folder_with_other_files_is_never_replaced(ws: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "Schreibtisch"
    out.mkdir()
    (out / "Steuererklärung.xlsx").write_bytes(b"wichtig")
    (out / "index.html").write_text("<p>eine Website</p>", encoding="utf-8")
    before = _snapshot(out)
    monkeypatch.setattr(report_module, "run_chapters", _chapters_written)
    with pytest.raises(ReportError) as info:
        build_report(ws, out=out, chapters=["00"])
    assert str(info.value) == (
        f"Der Ausgabeordner »{out.resolve()}« enthält nicht nur einen früheren Bericht "
        "(z. B. »Steuererklärung.xlsx«). Ein neuer Bericht ersetzt den ganzen Ordner; bitte "
        "mit --out einen leeren oder neuen Ordner angeben.")
    assert _snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_pdf_failure_still_publishes_the_html(ws: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site" / "bericht"
    _previous(out)

    def no_pdf(*_args: object, **_kwargs: object) -> Path:
        raise ReportError("Für das PDF fehlt eine Bibliothek.")

    monkeypatch.setattr(report_module, "run_chapters", _chapters_written)
    monkeypatch.setattr(report_module, "write_pdf", no_pdf)
    with pytest.raises(ReportError, match="Für das PDF fehlt"):
        build_report(ws, out=out, chapters=["00"], pdf=True)
    assert sorted(_snapshot(out)) == ["00_ueberblick.html", "figures.json", "index.html"]
    assert [p.name for p in out.parent.iterdir()] == ["bericht"]
