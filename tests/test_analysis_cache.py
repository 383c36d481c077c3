"""The analysis is computed once per workspace and inputs, and reused (issue 12)."""

from __future__ import annotations

import json
import multiprocessing
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kbworkbook import analysis_cache, input_files
from kbworkbook.analysis_cache import CACHE_FOLDER, input_key, workspace_analysis
from kbworkbook.figures import Analysis, Settings, analyse, key_figures
from kbworkbook.workspace import SAMPLE_WORKSPACE, Workspace, create_workspace

SALES = "date;customer_id;revenue\n2024-03-01;a;10\n2025-03-01;a;40\n2025-05-01;b;50\n"


def _tables() -> dict[str, pd.DataFrame | None]:
    tx = pd.DataFrame({"customer_id": ["a", "a", "b"],
                       "date": pd.to_datetime(["2024-03-01", "2025-03-01", "2025-05-01"]),
                       "revenue": [10.0, 40.0, 50.0]}).astype({"customer_id": "str"})
    nps = pd.DataFrame({"score": [10, 9, 3, 8],
                        "date": pd.to_datetime(["2024-02-01", "2024-02-02", "2025-07-01",
                                                "2025-07-02"])})
    return {"transactions": tx, "nps": nps, "posts": None, "complaints": None}


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    ws = create_workspace(tmp_path / "ws", "Cache AG")
    (ws.root / "data" / "transactions.csv").write_text(SALES, encoding="utf-8")
    return ws


class Counter:
    """``analyse`` that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, tables: Any, settings: Settings, as_of: Any) -> Analysis:
        self.calls += 1
        return analyse(tables, settings, as_of)


def test_second_load_with_unchanged_inputs_does_not_recompute(workspace: Workspace) -> None:
    count = Counter()
    first = workspace_analysis(workspace, _tables(), Settings(), "2025-12-31", compute=count)
    again = workspace_analysis(workspace, _tables(), Settings(), "2025-12-31", compute=count)
    assert count.calls == 1
    assert [(f.key, f.value) for f in key_figures(again)] == [
        (f.key, f.value) for f in key_figures(first)]
    assert again.retention == first.retention and again.nps_change == first.nps_change


@pytest.mark.parametrize("change", ["data", "config", "answers", "as_of"])
def test_a_changed_input_recomputes(workspace: Workspace, change: str) -> None:
    count = Counter()
    workspace_analysis(workspace, _tables(), Settings(), "2025-12-31", compute=count)
    as_of = "2025-12-31"
    if change == "data":
        (workspace.root / "data" / "transactions.csv").write_text(
            SALES + "2025-06-01;c;5\n", encoding="utf-8")
    elif change == "config":
        config = workspace.root / "kbworkbook.toml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            "# margin_rate = 0.3", "margin_rate = 0.4"), encoding="utf-8")
    elif change == "answers":
        folder = workspace.root / "answers" / "sechs_faktoren"
        folder.mkdir(parents=True)
        (folder / "2026-01-01T10-00-00.json").write_text("{}", encoding="utf-8")
    else:
        as_of = "2025-11-30"
    workspace_analysis(workspace, _tables(), Settings(), as_of, compute=count)
    assert count.calls == 2


def test_same_content_rewritten_keeps_the_key(workspace: Workspace) -> None:
    """The key is the content, not the file's time: an identical re-export is a cache hit."""
    key = input_key(workspace, "2025-12-31")
    path = workspace.root / "data" / "transactions.csv"
    path.write_text(SALES, encoding="utf-8")
    assert input_key(workspace, "2025-12-31") == key
    path.write_text(SALES.replace("50", "51"), encoding="utf-8")
    assert input_key(workspace, "2025-12-31") != key


def _one_kernel(root: str, calls: str, out: str) -> None:
    """A report kernel: load the analysis, note whether this process computed it."""

    def compute(tables: Any, settings: Settings, as_of: Any) -> Analysis:
        with open(calls, "a", encoding="utf-8") as handle:
            handle.write("x")
        return analyse(tables, settings, as_of)

    result = workspace_analysis(Workspace.open(root), _tables(), Settings(), "2025-12-31",
                                compute=compute)
    Path(out).write_text(json.dumps(result.retention.crr), encoding="utf-8")


def test_seven_concurrent_kernels_compute_once(workspace: Workspace, tmp_path: Path) -> None:
    calls = tmp_path / "calls.txt"
    context = multiprocessing.get_context("fork")
    procs = [context.Process(target=_one_kernel,
                             args=(str(workspace.root), str(calls), str(tmp_path / f"{i}.json")))
             for i in range(7)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0
    assert calls.read_text(encoding="utf-8") == "x"
    values = {(tmp_path / f"{i}.json").read_text(encoding="utf-8") for i in range(7)}
    assert values == {json.dumps(1.0)}  # S = {a} in 2024, E = {a, b} in 2025: a stayed
    assert not list((workspace.root / CACHE_FOLDER).glob(".*.tmp"))


def test_a_broken_or_forged_cache_file_is_ignored(workspace: Workspace) -> None:
    count = Counter()
    workspace_analysis(workspace, _tables(), Settings(), "2025-12-31", compute=count)
    (cached,) = [p for p in (workspace.root / CACHE_FOLDER).glob("*.json")
                 if p.name != "digests.json"]
    cached.write_text('{"format": 1, "as_of": "2025-12-31", "parts": {"margin": '
                      '{"__dc__": "Popen", "fields": {"args": "rm -rf /"}}}}', encoding="utf-8")
    workspace_analysis(workspace, _tables(), Settings(), "2025-12-31", compute=count)
    cached.write_text("{not json", encoding="utf-8")
    again = workspace_analysis(workspace, _tables(), Settings(), "2025-12-31", compute=count)
    assert count.calls == 3 and again.purchases is not None


def test_the_reasons_of_missing_figures_survive_in_both_languages(
        workspace: Workspace) -> None:
    """An NPS survey with no answer in the window: the reason is kept by its code, so the
    cached analysis words it in English for an English chapter."""
    tables = _tables()
    tables["nps"] = pd.DataFrame({"score": [10], "date": pd.to_datetime(["2020-01-01"])})
    fresh = workspace_analysis(workspace, tables, Settings(), "2025-12-31")
    cached = workspace_analysis(workspace, tables, Settings(), "2025-12-31")
    assert fresh.nps is None and fresh.notes
    assert cached.notes == fresh.notes
    assert cached.notes_in("en", "en") == fresh.notes_in("en", "en") != fresh.notes


def test_a_workspace_that_cannot_be_written_is_analysed_in_memory(
        workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(Path, "mkdir", refuse)
    count = Counter()
    for _ in range(2):
        workspace_analysis(workspace, _tables(), Settings(), "2025-12-31", compute=count)
    assert count.calls == 2


def test_the_sample_analysis_survives_the_round_trip(tmp_path: Path) -> None:
    """Every part of the sample client's analysis reads the same from the cache file."""
    from kbworkbook.notebook import setup

    root = shutil.copytree(SAMPLE_WORKSPACE, tmp_path / "ws",
                           ignore=shutil.ignore_patterns("reports"))
    fresh = setup(str(root)).analysis()
    cached = setup(str(root)).analysis()
    assert cached is not fresh
    for name in Analysis.parts():
        a, b = getattr(fresh, name), getattr(cached, name)
        if isinstance(a, pd.DataFrame | pd.Series):
            pd.testing.assert_index_equal(a.index, b.index)
            assert a.to_numpy().tolist() == b.to_numpy().tolist(), name
        else:  # parts holding frames (the outlook's holdout table): compared as kept
            assert analysis_cache._encode(a) == analysis_cache._encode(b), name
    assert cached.notes == fresh.notes
    text = next(p for p in (root / CACHE_FOLDER).glob("*.json") if p.name != "digests.json")
    assert "customer_id" not in text.read_text(encoding="utf-8")


def test_the_bundled_sample_is_never_written(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setattr(input_files.tempfile, "gettempdir", lambda: str(tmp_path))
    sample = Workspace.open(None)
    folder = analysis_cache.cache_folder(sample)
    assert tmp_path in folder.parents
    count = Counter()
    for _ in range(2):
        workspace_analysis(sample, _tables(), Settings(), "2025-12-31", compute=count)
    assert count.calls == 1 and not (SAMPLE_WORKSPACE / ".cache").exists()


def test_cache_module_decodes_only_known_types() -> None:
    with pytest.raises(KeyError):
        analysis_cache._decode({"__dc__": "Workspace", "fields": {}})
