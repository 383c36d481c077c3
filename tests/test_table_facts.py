"""A chapter's footer names its inputs from the table cache's file footer, not the frame."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kbworkbook import table_cache
from kbworkbook.notebook import setup
from kbworkbook.table_cache import TableFacts, table_facts
from kbworkbook.workspace import Workspace, create_workspace

SALES = ("Datum;Kunden-Nr.;Umsatz\n01.03.2024;a;10\n01.03.2025;a;40\n"
         "15.05.2025;b;50\n")


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    ws = create_workspace(tmp_path / "ws", "Fakten AG")
    (ws.root / "data" / "transactions.csv").write_text(SALES, encoding="utf-8")
    return ws


def test_facts_from_the_cache_equal_the_facts_of_the_frame(workspace: Workspace) -> None:
    frame = setup(str(workspace.root)).table("transactions")  # loads and keeps it
    known, facts = table_facts(workspace, "transactions")
    assert known and facts == TableFacts.of(frame, "transactions")
    assert facts == TableFacts("transactions.csv", 3, pd.Timestamp("2024-03-01"),
                               pd.Timestamp("2025-05-15"), customers=2)


def test_walk_in_lines_count_for_no_customer_in_the_facts(workspace: Workspace) -> None:
    (workspace.root / "data" / "transactions.csv").write_text(
        SALES + "02.06.2025;;12\n03.06.2025;c;7\n04.06.2025; ;9\n", encoding="utf-8")
    frame = setup(str(workspace.root)).table("transactions")
    known, facts = table_facts(workspace, "transactions")
    assert known and facts is not None
    assert facts.customers == 3 and facts.rows == 6  # a, b, c; two walk-in lines
    assert TableFacts.of(frame, "transactions") == facts
    plain = frame.drop(columns="_customer_code")  # a frame coded by nobody counts the same
    assert TableFacts.of(plain, "transactions").customers == 3


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every table file the table cache reads from now on."""
    found: list[Path] = []
    real = table_cache._read

    def counted(path: Path) -> Any:
        found.append(path)
        return real(path)

    monkeypatch.setattr(table_cache, "_read", counted)
    return found


def test_the_overview_names_rows_and_customers_without_loading_the_sales(
        workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    from kbworkbook.chapters.ueberblick import data_basis

    setup(str(workspace.root)).table("transactions")
    reads = _spy(monkeypatch)
    rows = data_basis(setup(str(workspace.root)))
    sales = next(row for row in rows if row[1] == "transactions.csv")
    assert sales[2] == "01.03.2024 – 15.05.2025"
    assert sales[3] == "3 Zeilen, 2 Kunden"
    assert not any("transactions" in p.name for p in reads)


def test_an_absent_table_is_known_as_absent_and_an_unkept_one_as_unknown(
        workspace: Workspace) -> None:
    assert table_facts(workspace, "nps") == (False, None)  # nothing kept yet
    assert setup(str(workspace.root)).table("nps") is None
    assert table_facts(workspace, "nps") == (True, None)


def test_the_footer_does_not_load_a_kept_table(workspace: Workspace,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from kbworkbook.notebook import footer

    setup(str(workspace.root)).table("transactions")
    reads = _spy(monkeypatch)
    (block,) = footer(setup(str(workspace.root)), ["transactions"])
    assert "transactions.csv · 3 Zeilen · Zeitraum 01.03.2024–15.05.2025" in block.data
    assert reads == []


def test_a_changed_file_is_not_described_by_the_old_facts(workspace: Workspace) -> None:
    setup(str(workspace.root)).table("transactions")
    (workspace.root / "data" / "transactions.csv").write_text(
        SALES + "01.06.2025;c;70\n", encoding="utf-8")
    assert table_facts(workspace, "transactions") == (False, None)
    facts = setup(str(workspace.root)).table_facts("transactions")
    assert facts is not None and facts.rows == 4 and facts.last == pd.Timestamp("2025-06-01")
