"""Chapter 04 »Kundenlebenszyklus« and »Klumpenrisiko« (issue 16, items 2 and 3): the views over
the analysis parts ``lifecycle`` and ``concentration``, B2B wording from the catalogues.

The hand-made client of tests/metrics/test_lifecycle.py as a workspace: the table shows the
counts worked out there; no customer number reaches the page.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kbworkbook.chapters import kundenwert, lebenszyklus, verweildauer
from kbworkbook.errors import WorkspaceError
from kbworkbook.notebook import Context
from kbworkbook.workspace import Workspace, create_workspace
from tests.metrics.test_lifecycle import ROWS


def _page(blocks) -> str:  # type: ignore[no-untyped-def]
    out = []
    for block in blocks:
        if isinstance(block, list):
            out.append(_page(block))
        elif isinstance(getattr(block, "data", None), str):
            out.append(block.data)
    return re.sub(r"[ \n]+", " ", "".join(out))  # markdown wraps lines


def _workspace(tmp_path: Path, settings: str = "", market: str = "") -> Workspace:
    ws = create_workspace(tmp_path / "laden", "Laden GmbH")
    rows = ["Kunden-Nr.;Datum;Umsatz"]
    rows += [f"{c};{dt.date.fromisoformat(d):%d.%m.%Y};20,00" for c, d in ROWS]
    (ws.data_dir / "transactions.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = ws.root / "kbworkbook.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("stammkunde_min_orders = 2\n", f"stammkunde_min_orders = 2\n{settings}")
    if market:
        text = text.replace('currency = "CHF"\n', f'currency = "CHF"\nmarket = "{market}"\n')
    config.write_text(text, encoding="utf-8")
    return Workspace.open(ws.root)


def _ctx(ws: Workspace, language: str = "de") -> Context:
    return Context(workspace=ws, language=language,  # type: ignore[arg-type]
                   as_of=dt.date(2025, 6, 30))


HAND = "new_days = 90\nat_risk_days = 30\nlapse_days = 120\n"


def _row(label: str, before: int, now: int) -> str:
    return (f'<tr><td>{label}</td><td class="num">{before}</td><td class="num">{now}</td>')


def test_stage_table_of_the_hand_made_client(tmp_path: Path) -> None:
    blocks = lebenszyklus.lifecycle(_ctx(_workspace(tmp_path, HAND)))
    page = _page(blocks)
    assert sum(hasattr(b, "savefig") for b in blocks) == 1
    for label, before, now in (("Neu dabei", 3, 1), ("Wiederkehrend", 1, 2),
                               ("Abwanderung droht", 1, 1), ("Verloren", 2, 4),
                               ("Zurückgewonnen", 1, 1),
                               ("Alle Kunden mit Kundennummer", 8, 9)):
        assert _row(label, before, now) in page, label
    assert '<th class="num">31.03.2025</th><th class="num">30.06.2025</th>' in page
    # settings named with their units; one customer lost at both dates is not drawn
    assert "120 Tage nicht gekauft hat (eingestellt unter [analysis] lapse_days" in page
    assert "Nicht gezeichnet: 1 Kunden" in page
    # 1 newcomer, 3 newly lost (from new, at risk, won back), 1 won back
    assert "kamen 1 Kunden neu dazu, 3 gingen neu verloren, und 1 sind heute" in page
    assert "Aktionsplan (Kapitel 6)" in page
    assert "Willkommen heissen" in page  # the playbook's action, de-CH spelling
    for customer in "ABCDEFGIJ":
        assert f">{customer}<" not in page


def test_the_lifecycle_and_the_staying_view_share_the_lapse(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    lapse = _ctx(ws).analysis().lifecycle.lapse_days
    gap = f"{lapse:.0f}"
    assert f"wer nach einem Einkauf {gap} Tage lang nicht wieder kauft" in _page(
        verweildauer.staying(_ctx(ws)))
    assert f"{gap} Tage nicht gekauft hat (9 von 10 Pausen zwischen zwei Einkäufen" in _page(
        lebenszyklus.lifecycle(_ctx(ws)))


def test_english(tmp_path: Path) -> None:
    page = _page(lebenszyklus.lifecycle(_ctx(_workspace(tmp_path, HAND), "en")))
    assert "Customer lifecycle" in page and _row("Won back", 1, 1) in page


def test_consumer_business_sees_concentration_as_a_line(tmp_path: Path) -> None:
    ctx = _ctx(_workspace(tmp_path, HAND))
    assert lebenszyklus.concentration(ctx) == []
    page = _page(kundenwert.stammkunden(ctx))
    # nine customers: the ten largest hold everything; the top 20 % are ⌈1.8⌉ = 2 customers
    assert "<tr><td>Umsatzanteil der 10 umsatzstärksten Kunden</td><td class=\"num\">100\u00a0%" \
        in page
    assert "Klumpenrisiko" not in page


def test_b2b_wording_and_concentration_warning(tmp_path: Path) -> None:
    ctx = _ctx(_workspace(tmp_path, HAND, market="b2b"))
    page = _page(lebenszyklus.concentration(ctx))
    assert "Klumpenrisiko: Die zehn umsatzstärksten Geschäftskunden bringen 100\u00a0%" in page
    assert "Schlüsselkunden (Key Accounts)" in page
    lifecycle = _page(lebenszyklus.lifecycle(ctx))
    assert "Kundenlebenszyklus Ihrer Geschäftskunden" in lifecycle
    assert "Alle Geschäftskunden mit Kundennummer" in lifecycle
    assert "Rahmenvereinbarung anbieten" in lifecycle


@pytest.mark.parametrize(("line", "fragment"), [
    ('market = "b2x"', "[client] market »b2x« ist unbekannt; erlaubt sind »b2c«"),
    ("lapse_days = 0", "[analysis] lapse_days »0« ist keine ganze Zahl ≥ 1"),
    ('new_days = "90"', "[analysis] new_days »90« ist keine ganze Zahl ≥ 1"),
    ("previous_as_of = \"30.9.2025\"", "[analysis] previous_as_of »30.9.2025« ist kein Datum"),
])
def test_wrong_settings_are_named(tmp_path: Path, line: str, fragment: str) -> None:
    ws = create_workspace(tmp_path / "w", "Laden GmbH")
    config = ws.root / "kbworkbook.toml"
    text = config.read_text(encoding="utf-8")
    if line.startswith("market"):
        text = text.replace('currency = "CHF"\n', f'currency = "CHF"\n{line}\n')
    else:
        text = text.replace("stammkunde_min_orders = 2\n", f"stammkunde_min_orders = 2\n{line}\n")
    config.write_text(text, encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        Workspace.open(ws.root)
    assert f"kbworkbook.toml: {fragment}" in str(info.value)
