"""A Swiss till export with walk-in sales: every section computes, shares are stated.

``tests/data/exports/kasse_ch_laufkundschaft.csv`` (27 lines, 9 without Kunden-Nr.) was
computed by hand for the window 01.01.–31.12.2025 (see tests/data/README.md):

* net revenue 135.00 CHF, of it 56.90 from lines with a Kunden-Nr. (42 %); 78.10 walk-in;
* 14 purchases, 8 of them by identified customers (57 %): the credit note B21 (−8.00, 1003)
  refunds B20 (8.00, 1003, five days before) in full, so neither is a purchase;
* active customers 1001, 1002, 1003, 1006, 1007 (5); 2024: 1001–1006 (6), retained 4.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from IPython.display import HTML, Markdown  # noqa: E402

from kbworkbook import metrics  # noqa: E402
from kbworkbook.chapters import kennzahlen, kundenwert, ueberblick  # noqa: E402
from kbworkbook.check import check_workspace, render_check  # noqa: E402
from kbworkbook.notebook import Context  # noqa: E402
from kbworkbook.schemas import load_transactions  # noqa: E402
from kbworkbook.workspace import Workspace, create_workspace  # noqa: E402

TILL = Path(__file__).parent / "data" / "exports" / "kasse_ch_laufkundschaft.csv"
AS_OF = dt.date(2025, 12, 31)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    ws = create_workspace(tmp_path / "ws", "Bäckerei Laufkundschaft", locale="de-CH")
    (ws.data_dir / "transactions.csv").unlink()
    shutil.copy(TILL, ws.data_dir / "transactions.csv")
    config = ws.root / "kbworkbook.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "# margin_rate = 0.3", "margin_rate = 0.3"), encoding="utf-8")
    return Workspace.open(ws.root)


def _text(blocks: list) -> str:
    return "\n".join(str(b.data) for b in blocks if isinstance(b, HTML | Markdown))


def test_the_till_export_loads_with_hand_computed_figures() -> None:
    tx = load_transactions(TILL)
    assert len(tx) == 27
    assert int(tx["customer_id"].isna().sum()) == 9
    assert tx["customer_id"].nunique() == 7
    assert tx["revenue"].sum() == pytest.approx(1458.20)  # incl. 1'250.00 Swiss style
    share = metrics.identified_share(tx, AS_OF, 12)
    assert (share.revenue, share.known_revenue) == (pytest.approx(135.0), pytest.approx(56.9))
    assert (share.receipts, share.known_receipts) == (14, 8)
    figures = metrics.purchase_figures(tx, AS_OF, 12)
    assert (figures.orders, figures.customers) == (14, 5)
    assert figures.aov == pytest.approx(135.0 / 14)
    assert figures.frequency == pytest.approx(1.6)
    assert figures.repeat_rate == pytest.approx(0.4)  # 1001 (3), 1002 (2); 1003 now once
    assert figures.value_per_customer == pytest.approx(11.38)
    kept = metrics.window_retention(tx, AS_OF, 12)
    assert (kept.start, kept.end, kept.retained) == (6, 5, 4)


def test_every_sales_section_computes_and_states_the_identified_share(workspace) -> None:
    ctx = Context(workspace=workspace, language="de", as_of=AS_OF)
    blocks = []
    for module in (kennzahlen, kundenwert):
        for name in module.SECTIONS:
            blocks += getattr(module, name)(ctx)
    text = _text(blocks)
    assert "Nicht berechenbar" not in text
    assert "customer_id" not in text
    sentence = ("42\u00a0% des Umsatzes und 57\u00a0% der Einkäufe der letzten 12 Monate "
                "stammen von erkennbaren Kunden")
    # retention, purchases, cohorts, lifecycle, RFM, CLV, Stammkunden, customer profitability
    assert text.count(sentence) == 8
    assert "66.7\u00a0%" in _text(kennzahlen.retention(ctx))  # CRR 4 of 6


def test_key_figures_and_data_status_use_the_file(workspace) -> None:
    ctx = Context(workspace=workspace, language="de", as_of=AS_OF)
    figures = dict(ueberblick.key_figures(ctx))
    assert figures["Umsatz 12 Mt."] == "CHF\u00a0135"
    assert figures["Aktive Kunden 12 Mt."] == "5"
    assert "Nicht berechenbar" not in _text(ueberblick.key_figures_section(ctx))


def test_check_names_the_walk_in_share(workspace) -> None:
    result = check_workspace(workspace)
    assert result.ok
    text = render_check(result)
    assert "9 Zeilen ohne Kundennummer (Laufkundschaft)" in text
    assert "customer_id" not in text
