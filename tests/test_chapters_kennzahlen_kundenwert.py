"""Chapters 03 (Kennzahlen) and 04 (Kundenwert & Segmente): sections, notes, privacy, escaping.

The canonical tables are built by hand and handed to the context directly, so these tests do
not depend on the file loaders; one test runs every section on the bundled sample client.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import datetime as dt  # noqa: E402
import re  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from IPython.display import HTML, Markdown  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from kbworkbook.chapters import kennzahlen, kundenwert  # noqa: E402
from kbworkbook.notebook import Context, setup  # noqa: E402
from kbworkbook.workspace import create_workspace  # noqa: E402

SECRET_ID = "K-GEHEIM-4711"
SECRET_COMMENT = "Max Mustermann, max@example.com, war unfreundlich"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _transactions(seed: int = 7, customers: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    products = ["Brot", "Zopf", "Kaffee", "Gipfeli", "<script>alert(1)</script>"]
    order = 0
    for c in range(customers):
        cid = SECRET_ID if c == 0 else f"K{c:04d}"
        first = pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(rng.integers(0, 900)))
        visits = int(rng.integers(1, 12))
        for _ in range(visits):
            day = first + pd.Timedelta(days=int(rng.integers(0, 400)))
            if day > pd.Timestamp("2025-12-31"):
                continue
            order += 1
            for product in rng.choice(products, size=int(rng.integers(1, 3)), replace=False):
                revenue = float(rng.integers(2, 30))
                rows.append((cid, day, revenue, str(order), str(product), revenue * 0.4))
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "revenue", "order_id", "product",
                                        "margin"])
    return frame.astype({"customer_id": "str", "order_id": "str", "product": "str"})


def _nps_frame() -> pd.DataFrame:
    """Oracle §4.1 (n = 200: 100 P / 60 Pa / 40 D) in one wave, plus a comment with PII."""
    scores = [10] * 100 + [8] * 60 + [2] * 40
    frame = pd.DataFrame({"score": pd.array(scores, dtype="Int64"),
                          "date": pd.Timestamp("2025-11-15"),
                          "comment": [SECRET_COMMENT] + [None] * 199})
    return frame


def _posts() -> pd.DataFrame:
    """Oracle §4.5: posts 150/3000 and 50/2000 → mean 3.75 %, pooled 4 % on reach."""
    return pd.DataFrame({
        "post_id": ["P1", "P2"], "date": pd.to_datetime(["2025-05-01", "2025-06-01"]),
        "likes": pd.array([120, 40], dtype="Int64"), "comments": pd.array([15, 5], dtype="Int64"),
        "shares": pd.array([15, 5], dtype="Int64"), "reach": pd.array([3000, 2000], dtype="Int64"),
    })


def _complaints() -> pd.DataFrame:
    return pd.DataFrame({
        "date": pd.to_datetime(["2025-03-01", "2025-04-01", "2025-05-01", "2024-01-01"]),
        "resolved": [True, True, True, False], "satisfied": [True, False, True, False],
        "customer_id": [SECRET_ID, "K0001", "K0002", "K0003"],
        "category": ["Wartezeit", "Wartezeit", "<b>Preis</b>", "Qualität"],
    })


@pytest.fixture
def workspace(tmp_path):
    return create_workspace(tmp_path / "ws", "Testbäckerei", locale="de-CH")


def _ctx(ws, language="de", as_of=dt.date(2025, 12, 31), **tables) -> Context:
    full = {name: None for name in ("transactions", "nps", "posts", "complaints")}
    full.update(tables)
    return Context(workspace=ws, language=language, as_of=as_of, _tables=full)


def _run(module, ctx) -> list:
    blocks = []
    for name in module.SECTIONS:
        out = getattr(module, name)(ctx)
        assert isinstance(out, list), name
        blocks.extend(out)
    return blocks


def _text(blocks) -> str:
    return "\n".join(str(b.data) for b in blocks if isinstance(b, HTML | Markdown))


def _figures(blocks) -> list[Figure]:
    return [b for b in blocks if isinstance(b, Figure)]


# -- module contract ---------------------------------------------------------------------------


@pytest.mark.parametrize("module", [kennzahlen, kundenwert])
def test_module_contract(module):
    assert module.SECTIONS and all(callable(getattr(module, n)) for n in module.SECTIONS)
    assert set(module.INPUTS) <= {"transactions", "nps", "posts", "complaints"}
    assert module.ABOUT.endswith(".")
    assert set(module.SECTIONS) <= set(module.__all__)


# -- chapter 03 --------------------------------------------------------------------------------


def test_kennzahlen_all_inputs_blocks_and_figures(workspace):
    ctx = _ctx(workspace, transactions=_transactions(), nps=_nps_frame(), posts=_posts(),
               complaints=_complaints())
    blocks = _run(kennzahlen, ctx)
    assert all(isinstance(b, HTML | Markdown | Figure) for b in blocks)
    assert len(_figures(blocks)) >= 5
    text = _text(blocks)
    assert "Kundenbindungsrate" in text and "Wiederkaufrate" in text


def test_nps_section_oracle_4_1_shows_n_and_interval(workspace):
    ctx = _ctx(workspace, nps=_nps_frame())
    text = _text(kennzahlen.nps(ctx))
    # every answer lies in the 12-month window: one row for it, no separate "all answers"
    assert "<td>Letzte 12 Monate</td>" in text and "<td>alle Antworten</td>" not in text
    assert ">200<" in text and ">+30<" in text
    assert "+19 bis +40" in text  # adjusted Wald [18.82; 40.30] (Wald was [19.18; 40.82])
    assert "50\u00a0%" in text and "30\u00a0%" in text and "20\u00a0%" in text


def test_nps_waves_and_trend_figure(workspace):
    frame = pd.concat([_nps_frame(), _nps_frame().assign(date=pd.Timestamp("2024-02-01"))])
    blocks = kennzahlen.nps(_ctx(workspace, nps=frame.reset_index(drop=True)))
    text = _text(blocks)
    assert "<td>Q1 2024</td>" in text and "<td>Q4 2025</td>" in text
    assert ">400<" in text
    assert len(_figures(blocks)) == 2


def test_missing_optional_inputs_give_notes(workspace):
    ctx = _ctx(workspace, transactions=_transactions())
    nps_text = _text(kennzahlen.nps(ctx))
    assert 'class="kb-note"' in nps_text and "Keine NPS-Umfrage" in nps_text
    eng = kennzahlen.engagement(ctx)
    assert "Keine Social-Media-Beiträge" in _text(eng) and not _figures(eng)
    assert "Keine Beschwerdeliste" in _text(kennzahlen.complaints(ctx))


def test_missing_transactions_notes_in_both_chapters(workspace):
    ctx = _ctx(workspace, nps=_nps_frame())
    for section in (kennzahlen.retention, kennzahlen.purchases, kundenwert.cohorts,
                    kundenwert.rfm, kundenwert.clv, kundenwert.cross_selling):
        text = _text(section(ctx))
        assert "Keine Verkaufsdaten" in text, section.__name__
    figures = kennzahlen.headline_figures(ctx)
    assert figures == [("NPS (200 Antworten, letzte 12 Monate)", "+30")]


def test_engagement_oracle_4_5_mean_and_pooled_with_base(workspace):
    blocks = kennzahlen.engagement(_ctx(workspace, posts=_posts()))
    text = _text(blocks)
    assert "<td>Reichweite</td>" in text
    assert "3.75\u00a0%" in text and "4.00\u00a0%" in text
    assert len(_figures(blocks)) == 1


def test_retention_section_oracle_4_2_counts(workspace):
    rows = []
    for i in range(200):  # S: 200 customers in 2024, 180 of them again in 2025
        rows.append((f"s{i:03d}", "2024-06-01"))
        if i < 180:
            rows.append((f"s{i:03d}", "2025-06-01"))
    for i in range(40):  # N: 40 new customers in 2025 → E = 220
        rows.append((f"n{i:03d}", "2025-07-01"))
    frame = pd.DataFrame(rows, columns=["customer_id", "date"]).astype({"customer_id": "str"})
    frame["date"] = pd.to_datetime(frame["date"])
    frame["revenue"] = 10.0
    text = _text(kennzahlen.retention(_ctx(workspace, transactions=frame)))
    for expected in (">200<", ">220<", ">40<", ">180<", ">20<", ">90.0\u00a0%<", ">10.0\u00a0%<",
                     ">9.5\u00a0%<"):
        assert expected in text, expected


def test_complaints_shares_and_escaped_categories(workspace):
    text = _text(kennzahlen.complaints(_ctx(workspace, complaints=_complaints())))
    # the 12-month window (2025) holds 3 complaints: resolved 3 of 3, satisfied 2 of 3;
    # the whole history beside it: resolved 3 of 4, satisfied 2 of 4
    assert ">100.0\u00a0%<" in text and ">66.7\u00a0%<" in text
    assert ">75.0\u00a0%<" in text and ">50.0\u00a0%<" in text
    assert "Zeitfenster: letzte 12 Monate (01.01.2025 – 31.12.2025)" in text
    assert "&lt;b&gt;Preis&lt;/b&gt;" in text and "<b>Preis</b>" not in text
    assert SECRET_ID not in text


@pytest.mark.parametrize(("language", "dated", "label"), [
    ("de", True, "NPS (200 Antworten, letzte 12 Monate)"),
    ("de", False, "NPS (alle 200 Antworten der Umfrage, ohne Datum)"),
    ("en", True, "NPS (200 answers, last 12 months)"),
    ("en", False, "NPS (all 200 survey answers, undated)"),
])
def test_the_nps_card_says_what_its_number_of_answers_counts(workspace, language, dated, label):
    """"NPS (n = 200)" left the owner guessing: the card names the answers and their window."""
    survey = _nps_frame() if dated else _nps_frame().drop(columns="date")
    figures = kennzahlen.headline_figures(_ctx(workspace, language, nps=survey))
    assert figures[0][0] == label


def test_headline_figures_sample_shape(workspace):
    ctx = _ctx(workspace, transactions=_transactions(), nps=_nps_frame())
    figures = kennzahlen.headline_figures(ctx)
    assert 1 <= len(figures) <= 6
    labels = [label for label, _ in figures]
    assert labels[0] == "NPS (200 Antworten, letzte 12 Monate)"
    assert "Kundenbindungsrate 12 Mt." in labels
    assert all(isinstance(v, str) and v for _, v in figures)
    revenue = dict(figures)["Umsatz 12 Mt."]
    assert revenue.startswith("CHF")


def test_headline_figures_empty_without_data(workspace):
    assert kennzahlen.headline_figures(_ctx(workspace)) == []


def test_as_of_none_uses_last_transaction_date(workspace):
    frame = _transactions()
    ctx = _ctx(workspace, as_of=None, transactions=frame)
    last = frame["date"].max()
    text = _text(kennzahlen.intro(ctx))
    assert last.strftime("%d.%m.%Y") in text


def test_english_and_swiss_spelling(workspace):
    ctx_en = _ctx(workspace, language="en", transactions=_transactions(), posts=_posts())
    text_en = _text(_run(kennzahlen, ctx_en))
    assert "Retention and churn" in text_en and "Kundenbindung und" not in text_en
    ctx_ch = _ctx(workspace, transactions=_transactions(), posts=_posts())
    text_ch = _text(_run(kennzahlen, ctx_ch)) + _text(_run(kundenwert, ctx_ch))
    assert "ß" not in text_ch
    assert "Bezugsgrösse" in text_ch


def test_german_locale_keeps_eszett(tmp_path):
    ws = create_workspace(tmp_path / "de", "Musterladen", locale="de-DE")
    text = _text(kennzahlen.engagement(_ctx(ws, posts=_posts())))
    assert "Bezugsgröße" in text


# -- chapter 04 --------------------------------------------------------------------------------


def test_kundenwert_all_sections_with_figures(workspace):
    blocks = _run(kundenwert, _ctx(workspace, transactions=_transactions()))
    assert len(_figures(blocks)) >= 4  # cohorts, rfm, clv, cross-selling
    text = _text(blocks)
    assert "Top-Kunden" in text
    assert "CLV = Σ m·rᵗ/(1+d)ᵗ, t = 0 … T−1" in text


def test_cohort_section_blanks_the_unfinished_month(workspace):
    frame = _transactions()
    blocks = kundenwert.cohorts(_ctx(workspace, as_of=dt.date(2025, 6, 15), transactions=frame))
    fig = _figures(blocks)[0]
    ax = fig.axes[0]
    image = ax.get_images()[0]
    array = image.get_array()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) <= 24
    # the cohort of May 2025: column 1 (= June 2025, unfinished) is blank, column 0 not
    may = next(i for i, label in enumerate(labels) if label.startswith("Mai 2025"))
    assert not array.mask[may, 0] and bool(array.mask[may, 1])


def test_the_report_prints_the_latest_twelve_cohorts_the_workshop_all_on_a_button(workspace):
    """24 × 24 numbers were unreadable on an A4 page: the report draws the youngest 12 cohorts
    with their first 12 months and says so; the workshop draws the same and all 24 on a button
    (half a second of drawing kept out of »Alle Zellen ausführen«); the averages below the
    heatmap use all 24 in both."""
    from dataclasses import replace

    import ipywidgets as widgets

    ctx = _ctx(workspace, transactions=_transactions())  # cohorts Jan 2023 … Dec 2025
    report = kundenwert.cohorts(ctx)
    live_ctx = replace(ctx, live=True)
    live = kundenwert.cohorts(live_ctx)

    def heatmap(blocks: list) -> tuple[tuple[int, ...], list[str]]:
        ax = _figures(blocks)[0].axes[0]
        return ax.get_images()[0].get_array().shape, [t.get_text() for t in ax.get_yticklabels()]

    shape, printed = heatmap(report)
    assert shape == (12, 12)
    assert "jüngsten 12 von 24 Kohorten" in _text(report)
    assert heatmap(live) == (shape, printed)
    assert "jüngsten" not in _text(live)
    buttons = [b.children[0] for b in live if isinstance(b, widgets.VBox)]
    assert [b.description for b in buttons] == ["Alle 24 Kohorten zeigen"]
    day = pd.Timestamp(live_ctx.analysis().as_of)
    shape, labels = heatmap(kundenwert.all_cohorts(live_ctx, live_ctx.analysis().cohorts, day))
    assert shape == (24, 24) and printed == labels[-12:]

    def averages(blocks: list) -> str:
        return next(t for t in _text(blocks).split("\n") if "gewichtet nach Kohorten" in t)

    assert averages(report) == averages(live)
    assert "<td>12</td>" in averages(report)  # after 12 months: only older cohorts know it


def test_rfm_needs_five_customers(workspace):
    frame = _transactions().query("customer_id in ['K0001', 'K0002', 'K0003']")
    text = _text(kundenwert.rfm(_ctx(workspace, transactions=frame)))
    assert 'class="kb-note"' in text and "mindestens 5 Kunden" in text


def test_clv_assumptions_from_config_and_margin_column(workspace, tmp_path):
    frame = _transactions()
    text = _text(kundenwert.clv(_ctx(workspace, transactions=frame)))
    assert "Spalte »Marge«" in text  # no margin_rate configured → margin column (40 %)
    assert ">40.0\u00a0%<" in text
    assert "Standardannahme" in text and ">8.0\u00a0%<" in text

    ws2 = create_workspace(tmp_path / "ws2", "Mit Annahmen", locale="de-DE", currency="EUR")
    config = ws2.root / "kbworkbook.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "# margin_rate = 0.3", "margin_rate = 0.3\ndiscount_rate = 0.1\nacquisition_cost = 20"),
        encoding="utf-8")
    from kbworkbook.workspace import Workspace

    ws2 = Workspace.open(ws2.root)
    text2 = _text(kundenwert.clv(_ctx(ws2, transactions=frame.drop(columns="margin"))))
    assert "[economics] margin_rate" in text2 and ">30,0\u00a0%<" in text2
    assert ">10,0\u00a0%<" in text2 and "€" in text2
    assert "Netto-Kundenwert" in text2


def test_clv_without_margin_says_how_to_fix(workspace):
    text = _text(kundenwert.clv(_ctx(workspace, transactions=_transactions().drop(
        columns="margin"))))
    assert "margin_rate" in text and 'class="kb-note"' in text


def test_cross_selling_escapes_product_names_and_notes_missing_products(workspace):
    text = _text(kundenwert.cross_selling(_ctx(workspace, transactions=_transactions())))
    assert "<script>" not in text
    assert "Lift" in text
    no_product = _transactions().drop(columns="product")
    text2 = _text(kundenwert.cross_selling(_ctx(workspace, transactions=no_product)))
    assert "keine Spalte" in text2


def test_segment_summary_order_and_shares():
    segmented = pd.DataFrame({
        "segment": ["hibernating", "champions", "champions", "loyal"],
        "segment_label": ["Inaktiv", "Top-Kunden", "Top-Kunden", "Treue Kunden"],
        "recency": [300, 5, 15, 40], "frequency": [1, 10, 12, 6],
        "monetary": [10.0, 500.0, 300.0, 190.0],
    })
    summary = kundenwert.segment_summary(segmented)
    assert list(summary.index) == ["champions", "loyal", "hibernating"]
    assert summary.loc["champions", "customers"] == 2
    assert summary.loc["champions", "revenue_share"] == pytest.approx(0.8)
    assert summary["customer_share"].sum() == pytest.approx(1.0)


# -- privacy -----------------------------------------------------------------------------------


def test_no_customer_ids_or_comments_rendered(workspace):
    ctx = _ctx(workspace, transactions=_transactions(), nps=_nps_frame(), posts=_posts(),
               complaints=_complaints())
    blocks = _run(kennzahlen, ctx) + _run(kundenwert, ctx)
    text = _text(blocks)
    assert SECRET_ID not in text and "K0001" not in text
    assert "Mustermann" not in text and "example.com" not in text
    for fig in _figures(blocks):
        fig.canvas.draw()
        strings = [fig.get_suptitle()]
        for ax in fig.axes:
            strings += [ax.get_title("left"), ax.get_xlabel(), ax.get_ylabel()]
            strings += [t.get_text() for t in
                        [*ax.texts, *ax.get_xticklabels(), *ax.get_yticklabels()]]
        assert strings
        assert not any(SECRET_ID in s or "Mustermann" in s for s in strings)


# -- sample client -------------------------------------------------------------------------------


def test_sections_run_on_the_sample_client():
    ctx = setup(None, "de", None, False)
    blocks = _run(kennzahlen, ctx) + _run(kundenwert, ctx)
    assert len(_figures(blocks)) >= 10
    text = _text(blocks)
    assert "Nicht berechenbar" not in text
    assert len(kennzahlen.headline_figures(ctx)) == 6


def test_outlook_on_the_sample_shows_totals_and_its_holdout_check() -> None:
    from kbworkbook.chapters import kundenwert
    from kbworkbook.workspace import Workspace

    ctx = Context(workspace=Workspace.open(None), as_of=dt.date(2025, 12, 31))
    html = "".join(str(getattr(b, "data", "")) for b in kundenwert.outlook(ctx))
    assert "nicht kündigen, sondern einfach nicht mehr kaufen" in html  # the assumption
    assert "davon wahrscheinlich noch Kunde" in html and "CHF\u00a0" in html
    assert "Wie verlässlich ist die Prognose?" in html and "7+" in html
    assert not re.search(r"K\d{4,}", html), "no customer number on the page"
