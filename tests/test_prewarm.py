"""``kbworkbook lab`` prepares the client's tables and figures while JupyterLab starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kbworkbook import prewarm, table_cache
from kbworkbook.analysis_cache import cache_folder
from kbworkbook.notebook import setup
from kbworkbook.workspace import Workspace, create_workspace

SALES = "Datum;Kunden-Nr.;Umsatz\n01.03.2024;a;10\n01.03.2025;a;40\n01.05.2025;b;50\n"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    ws = create_workspace(tmp_path / "ws", "Vorrat AG")
    (ws.root / "data" / "transactions.csv").write_text(SALES, encoding="utf-8")
    return ws


def test_a_warmed_workspace_opens_without_loading_or_computing(
        workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    process = prewarm.start_warming(workspace.root)
    assert process is not None
    process.join(120)
    assert process.exitcode == 0
    assert [p for p in cache_folder(workspace).glob("*.json") if p.name != "digests.json"]

    loads: list[str] = []
    real = table_cache.cached_table

    def spy(ws: Any, name: str, load: Any) -> Any:
        def counted() -> Any:
            loads.append(name)
            return load()
        return real(ws, name, counted)

    monkeypatch.setattr(table_cache, "cached_table", spy)
    ctx = setup(str(workspace.root))
    assert len(ctx.table("transactions")) == 3
    assert ctx.analysis().purchases is not None
    assert loads == []  # every table (also the absent ones) was kept by the warming


def test_a_broken_file_does_not_stop_the_warming(workspace: Workspace) -> None:
    (workspace.root / "data" / "nps.csv").write_text("Bewertung\nzehn\n", encoding="utf-8")
    process = prewarm.start_warming(workspace.root)
    assert process is not None
    process.join(120)
    assert process.exitcode == 0
    assert list((workspace.root / ".cache" / "tables").glob("transactions-*.parquet"))


def test_stopping_ends_a_running_warming(tmp_path: Path) -> None:
    process = prewarm.start_warming(tmp_path / "missing")
    prewarm.stop_warming(process)
    assert process is not None and not process.is_alive()
    prewarm.stop_warming(None)


def test_a_report_computes_its_analysis_once_for_the_kernels_stichtag_and_language(
        workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``kbworkbook report`` prepares the analysis in its own process while the kernels start;
    it must be the analysis the chapters ask for (their Stichtag and language), or the kernels
    compute a second one."""
    import datetime as dt

    from kbworkbook import report

    asked: list[tuple[Any, ...]] = []
    real = report.prepare_in_thread

    def spy(root: Any, language: Any, as_of: Any) -> Any:
        asked.append((root, language, as_of))
        return real(root, language, as_of)

    monkeypatch.setattr(report, "prepare_in_thread", spy)
    result = report.build_report(workspace, out=tmp_path / "out", chapters=["00", "03"], jobs=1,
                                 language="en", as_of="2025-04-30")
    assert result.ok, [c.reason for c in result.failed]
    assert asked == [(workspace.root, "en", dt.date(2025, 4, 30))]
    analyses = [p for p in cache_folder(workspace).glob("*.json")]
    assert len(analyses) == 1  # the kernels read what the report's process computed


def test_preparing_in_a_thread_fills_both_caches(workspace: Workspace) -> None:
    thread = prewarm.prepare_in_thread(workspace.root, "de", None)
    thread.join(120)
    assert not thread.is_alive()
    assert len(list(cache_folder(workspace).glob("*.json"))) == 1
    assert list((workspace.root / ".cache" / "tables").glob("transactions-*.parquet"))


def test_a_kernel_asking_while_the_sales_load_waits_for_the_prepared_analysis(
        workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preparation takes the analysis' lock before it loads the tables: a chapter asking
    for the figures meanwhile waits and reads them, instead of computing them itself from
    the table cache (reading back the sales the preparation has just loaded)."""
    import threading

    from kbworkbook import schemas

    loading, go_on = threading.Event(), threading.Event()
    real_load = schemas.load_optional

    def slow(ws: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "transactions":
            loading.set()
            go_on.wait(60)
        return real_load(ws, name, *args, **kwargs)

    read_back: list[str] = []
    real_read = table_cache._read

    def counted(path: Path) -> Any:
        found, frame = real_read(path)
        if frame is not None:
            read_back.append(path.name)
        return found, frame

    monkeypatch.setattr(schemas, "load_optional", slow)
    monkeypatch.setattr(table_cache, "_read", counted)
    preparing = prewarm.prepare_in_thread(workspace.root, "de", None)
    assert loading.wait(60)
    found: list[Any] = []
    kernel = threading.Thread(target=lambda: found.append(
        setup(str(workspace.root)).analysis().purchases))
    kernel.start()
    kernel.join(1.0)
    assert kernel.is_alive()  # waiting for the preparation's analysis
    go_on.set()
    preparing.join(60)
    kernel.join(60)
    assert found and found[0] is not None and found[0].revenue == pytest.approx(90.0)
    assert not [name for name in read_back if name.startswith("transactions-")]
