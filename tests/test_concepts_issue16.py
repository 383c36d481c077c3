"""Issue 16, concepts of the source texts as figures: intention vs behaviour (seed 000),
referral rate and complaints by customer group (seed 001), customer profitability (seed 003) –
worked examples through the analysis layer, figures.json and the chapters' notes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import datetime as dt  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from IPython.display import HTML, Markdown  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from kbworkbook import metrics  # noqa: E402
from kbworkbook.chapters import kennzahlen, kundenwert  # noqa: E402
from kbworkbook.figures import Settings, analyse, figures_document  # noqa: E402
from kbworkbook.intention import intention_behaviour, referral_in_window  # noqa: E402
from kbworkbook.metrics.profitability import customer_profitability  # noqa: E402
from kbworkbook.notebook import Context  # noqa: E402
from kbworkbook.plots.profitability import profitability_chart  # noqa: E402
from kbworkbook.workspace import create_workspace  # noqa: E402

AS_OF = "2025-12-31"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _tx(rows: list[tuple[str | None, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": pd.Series([r[0] for r in rows], dtype="str"),
        "date": pd.to_datetime([r[1] for r in rows]),
        "revenue": [r[2] for r in rows],
        "margin": [r[3] for r in rows],
    })


def _retention(kept: int, lost: int) -> metrics.WindowRetention:
    """``kept`` of ``kept + lost`` customers of 2024 buy again in 2025."""
    rows = [(f"K{i}", "2024-05-01", 10.0, 4.0) for i in range(kept + lost)]
    rows += [(f"K{i}", "2025-05-01", 10.0, 4.0) for i in range(kept)]
    return metrics.window_retention(_tx(rows), AS_OF, 12)


NPS_50 = metrics.nps(pd.Series([10.0, 10.0, 9.0, 0.0]))  # 3 promoters, 1 detractor: +50
NPS_MINUS_50 = metrics.nps(pd.Series([0.0, 0.0, 5.0, 10.0]))


# -- intention vs behaviour (seed 000) ---------------------------------------------------------


@pytest.mark.parametrize(("nps", "kept", "lost", "reading"), [
    (NPS_50, 2, 3, "say_more"),     # NPS +50, but only 2 of 5 bought again (40 %)
    (NPS_50, 3, 2, "both_high"),    # 60 %
    (NPS_MINUS_50, 3, 2, "do_more"),
    (NPS_MINUS_50, 1, 1, "do_more"),  # exactly half kept counts as high behaviour
    (NPS_MINUS_50, 1, 4, "both_low"),
])
def test_intention_behaviour_worked_examples(nps, kept, lost, reading) -> None:
    view = intention_behaviour(nps, _retention(kept, lost), None)
    assert view.reading == reading
    assert view.crr == pytest.approx(kept / (kept + lost))
    assert view.nps_answers == 4 and view.repeat_rate is None and view.referral_rate is None


def test_intention_behaviour_unknown_without_one_side() -> None:
    assert intention_behaviour(None, _retention(3, 2), None).reading == "unknown"
    assert intention_behaviour(NPS_50, None, None).reading == "unknown"


def test_referral_in_window_uses_the_answers_the_nps_uses() -> None:
    frame = pd.DataFrame({
        "score": [10, 9, 3, 8],
        "date": pd.to_datetime(["2025-03-01", "2025-06-01", "2024-06-01", "2025-09-01"]),
        "source": ["Empfehlung", "Instagram", "Empfehlung", None]})
    found = referral_in_window(frame, "2025-01-01", "2026-01-01")
    assert found is not None and (found.answers, found.referred, found.blank) == (2, 1, 1)
    undated = frame.assign(date=pd.NaT)
    assert referral_in_window(undated, "2025-01-01", "2026-01-01").answers == 3  # type: ignore[union-attr]
    assert referral_in_window(frame.drop(columns="source"), "2025-01-01", "2026-01-01") is None


# -- the analysis layer and figures.json ----------------------------------------------------------

#: tests/metrics/test_concept_figures.py's profitability example, with its complaints
TX = _tx([
    ("A", "2025-03-01", 100, 40), ("A", "2025-09-01", 100, 40), ("A", "2024-05-01", 500, 200),
    ("B", "2025-04-01", 50, 13.5), ("C", "2025-05-01", 10, 4), ("D", "2025-06-01", 30, 12),
    ("B", "2024-04-01", 50, 20), ("E", "2024-06-01", 20, 8),
])
COMPLAINTS = pd.DataFrame({
    "date": pd.to_datetime(["2025-04-03", "2025-05-02", "2025-05-09", "2025-07-01"]),
    "resolved": [True, True, False, True], "satisfied": [True, False, False, True],
    "customer_id": pd.Series(["B", "C", "C", None], dtype="str")})
NPS = pd.DataFrame({"score": pd.array([10, 9, 7, 2, 10], dtype="Int64"),
                    "date": pd.to_datetime(["2025-10-01"] * 5),
                    "source": ["Tipp von Freunden", "Google", "", "Inserat", "Zeitung"]})
SETTINGS = Settings(economics={"margin_rate": 0.4, "cost_per_order": 2, "cost_per_complaint": 10})


def test_analysis_parts_and_figures_json_worked_example() -> None:
    """Margin from the column would be A 80, B 13.5 …; with margin_rate 0.4 it is 40 % of
    revenue: A 80 − 4 = 76, B 20 − 2 − 10 = 8, C 4 − 2 − 20 = −18, D 12 − 2 = 10. One
    unprofitable customer (C, revenue 10 of 290). Referral: 1 of 4 answers (25 %)."""
    a = analyse({"transactions": TX, "complaints": COMPLAINTS, "nps": NPS}, SETTINGS, AS_OF)
    p = a.profitability
    assert p is not None and (p.customers, p.unprofitable) == (4, 1)
    assert (p.margin, p.order_cost, p.complaint_cost) == pytest.approx((116.0, 10.0, 30.0))
    assert (p.cost_per_order, p.cost_per_complaint) == (2, 10)
    assert a.referral is not None and (a.referral.answers, a.referral.referred) == (4, 1)
    groups = a.complaint_groups
    assert groups is not None and (groups.linked, groups.anonymous) == (3, 1)
    # A, B and E bought in 2024; A and B again in 2025: CRR 2/3; NPS (3 − 1)/5 = +40
    assert a.intention_behaviour.reading == "both_high"
    assert a.intention_behaviour.crr == pytest.approx(2 / 3)
    doc = {f["key"]: f for f in figures_document(a, "CHF")["figures"]}
    assert doc["referral_rate"]["value"] == pytest.approx(0.25)
    assert doc["unprofitable_customers"]["value"] == 1
    assert doc["unprofitable_revenue_share"]["value"] == pytest.approx(10 / 290)
    assert doc["unprofitable_customers"]["chapters"] == ["04"]


def test_analysis_parts_without_the_data_they_need() -> None:
    a = analyse({"transactions": TX, "complaints": COMPLAINTS.drop(columns="customer_id"),
                 "nps": NPS.drop(columns="source")},
                Settings(economics={"cost_per_order": "viel"}), AS_OF)
    assert a.referral is None and a.complaint_groups is None
    assert a.profitability is not None and a.profitability.cost_per_order is None
    doc = {f["key"]: f for f in figures_document(a, "CHF")["figures"]}
    assert doc["referral_rate"]["value"] is None and doc["referral_rate"]["chapters"] == []
    assert a.said_and_done is None  # the survey carries no customer numbers
    empty = analyse({}, Settings(), AS_OF)
    assert empty.profitability is None and empty.intention_behaviour.reading == "unknown"


def test_said_and_done_in_the_analysis_and_chapter_03(tmp_path) -> None:
    """A (promoter, 1 Feb) bought again on 1 March (within 180 days), B (promoter) on 1 April,
    E (detractor, 15 Jan 2024) on 1 June 2024: promoters 2 of 2, detractors 1 of 1 – no
    difference between what they said."""
    survey = pd.DataFrame({"score": pd.array([10, 9, 2], dtype="Int64"),
                           "date": pd.to_datetime(["2025-02-01", "2025-02-01", "2024-01-15"]),
                           "customer_id": pd.Series(["A", "B", "E"], dtype="str")})
    a = analyse({"transactions": TX, "nps": survey}, SETTINGS, AS_OF)
    found = a.said_and_done
    assert found is not None and found.days == 180
    assert [(b.answers, b.bought) for b in found.bands] == [(2, 2), (0, 0), (1, 1)]
    assert found.reading == "no_difference"
    ws = create_workspace(tmp_path / "ws", "Testbäckerei", locale="de-CH")
    text = _text(kennzahlen.intention(_ctx(ws, transactions=TX, nps=survey)))
    assert "Halten Befragte Wort?" in text and "etwa gleich oft wieder" in text


# -- chapters ---------------------------------------------------------------------------------


@pytest.fixture
def workspace(tmp_path):
    return create_workspace(tmp_path / "ws", "Testbäckerei", locale="de-CH")


def _ctx(ws, **tables) -> Context:
    full = {name: None for name in ("transactions", "nps", "posts", "complaints")}
    full.update(tables)
    return Context(workspace=ws, language="de", as_of=dt.date(2025, 12, 31), _tables=full)


def _text(blocks) -> str:
    return "\n".join(str(b.data) for b in blocks if isinstance(b, HTML | Markdown))


def test_chapter_03_says_what_is_missing_and_how_to_ask(workspace) -> None:
    ctx = _ctx(workspace, transactions=TX, nps=NPS.drop(columns="source"),
               complaints=COMPLAINTS.drop(columns="customer_id"))
    referral = _text(kennzahlen.referral(ctx))
    assert "Wie sind Sie auf uns aufmerksam geworden?" in referral and "Strichliste" in referral
    complaints = _text(kennzahlen.complaints(ctx))
    assert "keine Kundennummern" in complaints
    intention = _text(kennzahlen.intention(ctx))
    assert "Absicht" in intention and "Verhalten" in intention
    assert "nicht erhoben" in intention  # the referral rate, without the question


def test_chapter_03_shows_the_referral_rate_and_complaint_groups(workspace) -> None:
    ctx = _ctx(workspace, transactions=TX, nps=NPS, complaints=COMPLAINTS)
    referral = _text(kennzahlen.referral(ctx))
    assert "25\u00a0%" in referral or "25 %" in referral
    complaints = _text(kennzahlen.complaints(ctx))
    assert "je 1000 Einkäufe" in complaints and "Gelegenheitskunden" in complaints
    assert "B" not in [s.strip() for s in complaints.split("|")]  # no customer ids


def test_chapter_04_profitability_counts_and_money_only(workspace) -> None:
    ctx = _ctx(workspace, transactions=TX, complaints=COMPLAINTS)
    blocks = kundenwert.profitability(ctx)
    text = _text(blocks)
    assert "Der Kunde ist König" in text and "Unrentable Kunden" in text
    assert "cost_per_order" in text  # the workspace sets no cost to serve: say where to
    for cid in ("»A«", ">A<", ">C<"):
        assert cid not in text


def test_profitability_chart_draws_deciles_and_the_whale_curve() -> None:
    rows = [(f"K{i}", "2025-06-01", 10.0 * (i + 1), 4.0 * (i + 1)) for i in range(20)]
    p = customer_profitability(_tx(rows), AS_OF, 12, cost_per_order=15.0)  # 3 lose money
    fig = profitability_chart(p, language="de", locale="de-CH")
    assert isinstance(fig, Figure) and p.unprofitable == 3
    bars, whale = fig.axes
    heights = [r.get_height() for r in bars.patches]
    assert heights == pytest.approx(list(p.decile_profit))
    assert whale.lines[0].get_ydata() == pytest.approx(np.asarray(p.whale))
    assert p.humped and whale.lines[-1].get_ydata() == pytest.approx([p.peak])  # the marker

