"""The analysis' parts computed in several threads: the same figures and notes as in one."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from kbworkbook import analysis_cache, figures
from kbworkbook.figures import Analysis, Settings, analyse, part
from kbworkbook.notebook import setup
from kbworkbook.workspace import SAMPLE_WORKSPACE


def _document(threads: int, tables: dict, as_of: str, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.setattr(figures, "PART_THREADS", threads)
    return analysis_cache._document(analyse(tables, Settings(), as_of))


def test_the_sample_in_four_threads_equals_the_sample_in_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = shutil.copytree(SAMPLE_WORKSPACE, tmp_path / "ws",
                           ignore=shutil.ignore_patterns("reports"))
    ctx = setup(str(root))
    tables = {n: ctx.table(n) for n in ("transactions", "nps", "posts", "complaints")}
    one = _document(1, tables, "2025-12-31", monkeypatch)
    for _ in range(3):
        assert _document(4, tables, "2025-12-31", monkeypatch) == one


def test_notes_come_in_the_order_of_the_parts_whichever_thread_is_first(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Sales of one customer in one year only and a survey outside the window: the retention
    and the NPS cannot be computed; their reasons keep the parts' order in every run."""
    tx = pd.DataFrame({"customer_id": pd.array(["a", "a"], dtype="str"),
                       "date": pd.to_datetime(["2025-03-01", "2025-06-01"]),
                       "revenue": [10.0, 20.0]})
    nps = pd.DataFrame({"score": pd.array([9], dtype="Int64"),
                        "date": pd.to_datetime(["2019-01-01"])})
    tables = {"transactions": tx, "nps": nps, "posts": None, "complaints": None}
    serial = _document(1, tables, "2025-12-31", monkeypatch)["parts"]["notes"]
    assert [note["code"] for note in serial] == ["retention.no_purchases", "nps.no_answers"]
    for _ in range(5):
        assert _document(4, tables, "2025-12-31", monkeypatch)["parts"]["notes"] == serial


def test_a_part_asked_for_by_many_threads_is_computed_once() -> None:
    class Slow:
        calls = 0

        @part
        def value(self) -> int:
            Slow.calls += 1
            time.sleep(0.05)
            return 42

    slow = Slow()
    threads = [threading.Thread(target=lambda: slow.value) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert slow.value == 42 and Slow.calls == 1
    assert "value" in {name for name, v in vars(Slow).items() if isinstance(v, part)}
    assert Analysis.parts()[0] == "margin"
