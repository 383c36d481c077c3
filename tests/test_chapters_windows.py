"""Chapters name their window: current figures over the last 12 months, history labelled.

Issue 12 #2/#7: RFM, CLV, regulars and complaints use the same window as chapter 03; views over
a longer stretch say so on the page.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import datetime as dt  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from IPython.display import HTML, Markdown  # noqa: E402

from kbworkbook.chapters import kundenwert  # noqa: E402
from kbworkbook.notebook import Context  # noqa: E402
from kbworkbook.workspace import create_workspace  # noqa: E402

WINDOW = "Zeitfenster: letzte 12 Monate (01.01.2025 – 31.12.2025)"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def workspace(tmp_path):
    return create_workspace(tmp_path / "ws", "Fensterladen", locale="de-CH")


def _ctx(ws, **tables) -> Context:
    full = {name: None for name in ("transactions", "nps", "posts", "complaints")}
    full.update(tables)
    return Context(workspace=ws, language="de", as_of=dt.date(2025, 12, 31), _tables=full)


def _text(blocks) -> str:
    return "\n".join(str(b.data) for b in blocks if isinstance(b, HTML | Markdown))


def _sales() -> pd.DataFrame:
    """Six customers active in 2025; two who bought only in 2023 (lapsed)."""
    rows = []
    for c in range(6):
        for k in range(c + 1):
            rows.append((f"A{c}", pd.Timestamp("2025-01-10") + pd.Timedelta(days=40 * k + c),
                         10.0 + c))
    rows += [("L1", pd.Timestamp("2023-03-01"), 50.0), ("L1", pd.Timestamp("2023-05-01"), 50.0),
             ("L2", pd.Timestamp("2023-07-01"), 80.0)]
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "revenue"])
    frame["margin"] = frame["revenue"] * 0.5
    return frame.astype({"customer_id": "str"})


def test_rfm_covers_the_current_window_and_counts_the_lapsed(workspace):
    text = _text(kundenwert.rfm(_ctx(workspace, transactions=_sales())))
    assert WINDOW in text
    # L1 and L2 bought only in 2023: not segmented, but counted and explained
    assert "2 frühere Kundinnen und Kunden" in text
    assert "Segmente beschreiben nur die aktive Kundschaft" in text


def test_window_sections_of_chapter_04_show_the_window(workspace):
    ctx = _ctx(workspace, transactions=_sales())
    for section in (kundenwert.clv, kundenwert.stammkunden):
        assert WINDOW in _text(section(ctx)), section.__name__


def test_cohorts_are_labelled_as_history(workspace):
    text = _text(kundenwert.cohorts(_ctx(workspace, transactions=_sales())))
    assert "Verlauf" in text and "längerer Zeitraum als das Zeitfenster" in text
    assert WINDOW not in text


def test_nps_section_names_its_interval_and_stays_open_at_the_bound(workspace):
    """Issue 12 #10: three answers of 10 are shown as +100 with −7 to +100, not 100 to 100."""
    from kbworkbook.chapters import kennzahlen

    frame = pd.DataFrame({"score": pd.array([10, 10, 10], dtype="Int64"),
                          "date": pd.to_datetime(["2025-10-01"] * 3)})
    text = _text(kennzahlen.nps(_ctx(workspace, nps=frame)))
    assert ">+100<" in text and "\u22127 bis +100" in text
    assert "+100 bis +100" not in text
    assert "angepasstes Wald-Intervall" in text and "Rocks 2016" in text


def test_clv_says_when_missing_margins_were_estimated(workspace):
    earlier = pd.DataFrame({"customer_id": ["A5", "A4"], "revenue": [10.0, 20.0],
                            "date": pd.to_datetime(["2024-06-01", "2024-07-01"])})
    frame = pd.concat([_sales(), earlier.assign(margin=lambda f: f["revenue"] * 0.5)],
                      ignore_index=True)
    frame.loc[frame.index[:2], "margin"] = float("nan")
    text = _text(kundenwert.clv(_ctx(workspace, transactions=frame)))
    # the rate comes from the lines with a margin (50 %); the two gaps are estimated, not 0
    assert ">50.0\u00a0%<" in text
    assert "2 Zeilen ohne Marge zum selben Satz geschätzt, nicht als 0" in text
