"""B2B mode (issue 16, item 3): ``[client] market = "b2b"`` swaps wording and instruments in the
catalogues and shows the concentration of revenue prominently; the sample client as a firm
selling to firms."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from kbworkbook.instruments import load_catalogue
from kbworkbook.workspace import SAMPLE_WORKSPACE, Workspace


def test_catalogue_for_firms_hides_the_stamp_card_and_adds_key_accounts() -> None:
    full = load_catalogue()
    b2c, b2b = full.for_market("b2c"), full.for_market("b2b")
    assert "bonussystem" in b2c.keys and "bonussystem" not in b2b.keys
    assert "key_account" in b2b.keys and "key_account" not in b2c.keys
    assert b2b.get("vertraege").name("de") == "Rahmen-, Wartungs- und Lieferverträge"
    assert b2b.get("kundenevent").name("en") == "Customer day, user meeting, plant visit"
    assert b2c.get("vertraege").name("de") == full.get("vertraege").name("de")
    # a saved selection is priced with every instrument it names, in the firm's wording
    everything = full.for_market("b2b", hide=False)
    assert set(everything.keys) == set(full.keys)
    assert everything.get("vertraege").name("de") == "Rahmen-, Wartungs- und Lieferverträge"


@pytest.fixture
def firm(tmp_path: Path) -> Workspace:
    root = shutil.copytree(SAMPLE_WORKSPACE, tmp_path / "firma",
                           ignore=shutil.ignore_patterns(".cache", "reports"))
    config = root / "kbworkbook.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'currency = "CHF"\n', 'currency = "CHF"\nmarket = "b2b"\n'), encoding="utf-8")
    ws = Workspace.open(root)
    assert ws.market == "b2b"
    return ws


@pytest.mark.slow
def test_b2b_report_swaps_the_wording_and_shows_the_concentration(firm: Workspace) -> None:
    from kbworkbook.report import build_report

    result = build_report(firm, out=firm.root / "out", chapters=["04", "05"], jobs=2,
                          today=dt.date(2026, 1, 15))
    assert result.ok, result.summary()
    ch04 = (result.out_dir / "04_kundenwert_segmente.html").read_text(encoding="utf-8")
    ch04 = ch04.replace("\u00a0", " ")
    assert "Klumpenrisiko: Wie viel Umsatz hängt an wenigen Geschäftskunden?" in ch04
    assert "Welche Geschäftskunden tragen Ihr Geschäft?" in ch04
    assert "Stamm- und Schlüsselkunden (Key Accounts)" in ch04
    assert "Kundenlebenszyklus Ihrer Geschäftskunden" in ch04
    assert "Welche Kunden tragen Ihr Geschäft?" not in ch04
    figures = {f["key"]: f for f in json.loads(
        (result.out_dir / "figures.json").read_text(encoding="utf-8"))["figures"]}
    top10 = figures["top10_revenue_share"]
    assert top10["chapters"] == ["04"] and 0 < top10["value"] < 0.5  # a bakery: no warning
    shown = f"{round(100 * top10['value'])} %"
    assert f"Umsatzanteil der 10 umsatzstärksten Kunden</td><td class=\"num\">{shown}" in ch04
    assert "Klumpenrisiko: Die zehn" not in ch04
    ch05 = (result.out_dir / "05_massnahmen_wirtschaftlichkeit.html").read_text(
        encoding="utf-8")
    assert "Rahmen-, Wartungs- und Liefervertr" in ch05 and "Key-Account-Betreuung" in ch05
    assert "Stempelkarte bis Kundenkarte" not in ch05.split("kb-catalogue")[1].split(
        "</table>")[0]
