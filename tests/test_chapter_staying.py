"""Chapter 04 "Wie lange bleiben Kunden?" (issue 14, part 5): the view over metrics.survival.

Hand-made client with known shares; the page shows curves and shares, never a customer; the
lapse limit from kbworkbook.toml is used and said; English reads English.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kbworkbook.chapters import verweildauer
from kbworkbook.notebook import Context
from kbworkbook.workspace import Workspace, create_workspace


def _page(blocks) -> str:  # type: ignore[no-untyped-def]
    return "".join(getattr(b, "data", "") or "" for b in blocks if isinstance(
        getattr(b, "data", None), str))


@pytest.fixture()
def ws(tmp_path: Path) -> Workspace:
    """40 customers first buying in January 2025: K01–K30 come back after 10 days and then
    every 20 days until 1 May; K31–K40 buy once. Stichtag 30 June 2025."""
    ws = create_workspace(tmp_path / "laden", "Laden GmbH")
    rows = ["Kunden-Nr.;Datum;Umsatz"]
    start = dt.date(2025, 1, 2)
    for k in range(1, 41):
        first = start + dt.timedelta(days=k % 20)
        rows.append(f"K{k:02d};{first:%d.%m.%Y};20,00")
        if k <= 30:
            day = first + dt.timedelta(days=10)
            while day <= dt.date(2025, 5, 1):
                rows.append(f"K{k:02d};{day:%d.%m.%Y};15,50")
                day += dt.timedelta(days=20)
    (ws.data_dir / "transactions.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return ws


def _ctx(ws: Workspace, language: str = "de") -> Context:
    return Context(workspace=Workspace.open(ws.root), language=language,  # type: ignore[arg-type]
                   as_of=dt.date(2025, 6, 30))


def test_shares_of_the_hand_made_client(ws: Workspace) -> None:
    blocks = verweildauer.staying(_ctx(ws))
    page = _page(blocks)
    assert sum(hasattr(b, "savefig") for b in blocks) == 2
    # 30 of 40 bought a second time after 10 days: 75 % within 90 and 365 days
    assert ("<tr><td>Alle Kunden</td><td class=\"num\">40</td><td class=\"num\">75\u00a0%</td>"
            "<td class=\"num\">75\u00a0%</td><td class=\"num\">10 Tagen</td></tr>") in page
    # 2025 has 40 new customers (≥ 30): a curve and a row of its own
    assert "<tr><td>2025</td><td class=\"num\">40</td>" in page
    # pauses are 10 and 20 days: the 90th percentile gives 20 days
    assert "wer nach einem Einkauf 20 Tage lang nicht wieder kauft" in page
    assert "K01" not in page and "K40" not in page


def test_the_configured_lapse_limit_is_used_and_named(ws: Workspace) -> None:
    config = ws.root / "kbworkbook.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[analysis]", "[analysis]\nlapse_days = 60", 1),
                      encoding="utf-8")
    page = _page(verweildauer.staying(_ctx(ws)))
    assert "60 Tage lang nicht wieder kauft (eingestellt in kbworkbook.toml" in page
    # the regular buyers' last purchase is on or before 1 May, + 60 days ≤ 30 June: by the
    # Stichtag every customer has lapsed, none is still active after a year
    assert ("<tr><td class=\"num\">40</td><td class=\"num\">0\u00a0%</td>"
            "<td class=\"num\">0\u00a0%</td>") in page
    # one-time buyers lapse after 60 days: a quarter of the customers; half only later
    assert "<td class=\"num\">60 Tagen</td>" not in page


def test_english_page(ws: Workspace) -> None:
    page = _page(verweildauer.staying(_ctx(ws, "en")))
    assert "How long do customers stay?" in page and "second purchase within 90 days" in page
    assert "Tagen" not in page and "Kunden" not in page


def test_without_sales_data_the_section_says_so(tmp_path: Path) -> None:
    empty = create_workspace(tmp_path / "leer", "Leer AG")
    page = _page(verweildauer.staying(_ctx(empty)))
    assert "Keine Verkaufsdaten vorhanden" in page
