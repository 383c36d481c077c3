"""Loaded tables are kept per workspace and inputs: a report's kernels read each file once."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kbworkbook import table_cache
from kbworkbook.errors import DataError
from kbworkbook.notebook import setup
from kbworkbook.schemas import load_optional
from kbworkbook.table_cache import cached_table, table_key
from kbworkbook.workspace import Workspace, create_workspace

SALES = "Datum;Kunden-Nr.;Umsatz\n01.03.2024;a;10,50\n01.03.2025;;40\n01.05.2025;b;50\n"
NPS = "Datum;Bewertung;Kommentar\n01.03.2025;9;Super\n02.03.2025;3;zu teuer\n"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    ws = create_workspace(tmp_path / "ws", "Cache AG")
    (ws.root / "data" / "transactions.csv").write_text(SALES, encoding="utf-8")
    (ws.root / "data" / "nps.csv").write_text(NPS, encoding="utf-8")
    return ws


class Loader:
    """``load_optional`` of one table, counting its calls."""

    def __init__(self, ws: Workspace, name: str) -> None:
        self.ws, self.name, self.calls = ws, name, 0

    def __call__(self) -> pd.DataFrame | None:
        self.calls += 1
        return load_optional(self.ws, self.name)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs == b.attrs


@pytest.mark.parametrize("name", ["transactions", "nps"])
def test_a_kept_table_reads_back_exactly_as_loaded(workspace: Workspace, name: str) -> None:
    load = Loader(workspace, name)
    first = cached_table(workspace, name, load)
    again = cached_table(workspace, name, load)
    assert load.calls == 1
    assert first is not None and again is not None
    _same(again, first)
    _same(again, load_optional(workspace, name))


def test_walk_in_lines_and_dtypes_survive(workspace: Workspace) -> None:
    load = Loader(workspace, "transactions")
    cached_table(workspace, "transactions", load)
    frame = cached_table(workspace, "transactions", load)
    assert frame is not None and load.calls == 1
    assert frame["customer_id"].isna().tolist() == [False, True, False]
    assert frame["revenue"].tolist() == [10.5, 40.0, 50.0]
    assert str(frame["date"].dtype).startswith("datetime64")


@pytest.mark.parametrize("change", ["data", "config", "new_file", "secret"])
def test_a_changed_input_loads_again(workspace: Workspace, change: str) -> None:
    load = Loader(workspace, "transactions")
    before = cached_table(workspace, "transactions", load)
    root = workspace.root
    if change == "data":
        (root / "data" / "transactions.csv").write_text(SALES + "01.06.2025;c;5\n",
                                                        encoding="utf-8")
    elif change == "config":
        config = root / "kbworkbook.toml"
        config.write_text(config.read_text(encoding="utf-8") + "\n# changed\n",
                          encoding="utf-8")
    elif change == "new_file":  # another file could now be the sales export
        (root / "data" / "notes.txt").write_text("x", encoding="utf-8")
    else:
        (root / ".kbworkbook-secret").write_text("ab" * 32, encoding="ascii")
    after = cached_table(workspace, "transactions", load)
    assert load.calls == 2
    assert before is not None and after is not None
    assert len(after) == len(before) + (1 if change == "data" else 0)


def test_a_broken_file_is_never_kept(workspace: Workspace) -> None:
    (workspace.root / "data" / "transactions.csv").write_text(
        "Datum;Kunden-Nr.;Umsatz\n01.03.2024;a;zehn\n", encoding="utf-8")
    load = Loader(workspace, "transactions")
    for _ in range(2):
        with pytest.raises(DataError):
            cached_table(workspace, "transactions", load)
    assert load.calls == 2
    assert not list((workspace.root / ".cache" / "tables").glob("transactions-*"))


def test_an_absent_table_is_kept_as_absent(workspace: Workspace) -> None:
    load = Loader(workspace, "posts")
    assert cached_table(workspace, "posts", load) is None
    assert cached_table(workspace, "posts", load) is None
    assert load.calls == 1


@pytest.mark.parametrize("damage", ["garbage", "other_dtypes"])
def test_a_damaged_or_foreign_cache_file_is_ignored(workspace: Workspace, damage: str) -> None:
    load = Loader(workspace, "transactions")
    cached_table(workspace, "transactions", load)
    (kept,) = (workspace.root / ".cache" / "tables").glob("transactions-*.parquet")
    if damage == "garbage":
        kept.write_bytes(b"PAR1 not really")
    else:  # the revenue read back as text would be silently wrong: must not be used
        frame = pd.read_parquet(kept)
        frame["revenue"] = frame["revenue"].astype(str)
        frame.to_parquet(kept, index=False)
    again = cached_table(workspace, "transactions", load)
    assert load.calls == 2
    assert again is not None and again["revenue"].dtype == "float64"


def test_a_workspace_that_cannot_be_written_loads_every_time(
        workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(Path, "mkdir", refuse)
    load = Loader(workspace, "transactions")
    for _ in range(2):
        assert cached_table(workspace, "transactions", load) is not None
    assert load.calls == 2


def test_the_key_is_the_content_not_the_time(workspace: Workspace) -> None:
    key = table_key(workspace, "transactions")
    path = workspace.root / "data" / "transactions.csv"
    path.write_text(SALES, encoding="utf-8")
    assert table_key(workspace, "transactions") == key
    assert table_key(workspace, "nps") != key


def _one_kernel(root: str, calls: str) -> None:
    ws = Workspace.open(root)

    def load() -> pd.DataFrame | None:
        with open(calls, "a", encoding="utf-8") as handle:
            handle.write("x")
        return load_optional(ws, "transactions")

    frame = cached_table(ws, "transactions", load)
    assert frame is not None and len(frame) == 3


def test_concurrent_kernels_load_once(workspace: Workspace, tmp_path: Path) -> None:
    calls = tmp_path / "calls.txt"
    context = multiprocessing.get_context("fork")
    procs = [context.Process(target=_one_kernel, args=(str(workspace.root), str(calls)))
             for _ in range(5)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0
    assert calls.read_text(encoding="utf-8") == "x"


def test_chapter_contexts_share_the_kept_tables(workspace: Workspace,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Two chapter kernels (contexts) of one workspace: the second reads the kept frame."""
    first = setup(str(workspace.root)).table("transactions")
    calls: list[str] = []
    real = table_cache.cached_table

    def spy(ws: Any, name: str, load: Any) -> Any:
        def counted() -> Any:
            calls.append(name)
            return load()
        return real(ws, name, counted)

    monkeypatch.setattr(table_cache, "cached_table", spy)
    second = setup(str(workspace.root)).table("transactions")
    assert calls == []
    _same(second, first)


def test_old_tables_are_pruned(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table_cache, "KEEP", 2)
    path = workspace.root / "data" / "transactions.csv"
    for extra in range(4):
        path.write_text(SALES + "".join(f"01.06.2025;c;{i}\n" for i in range(extra)),
                        encoding="utf-8")
        cached_table(workspace, "transactions", Loader(workspace, "transactions"))
    kept = [p for p in (workspace.root / ".cache" / "tables").iterdir()
            if not p.name.startswith(".")]
    assert len(kept) == 2
