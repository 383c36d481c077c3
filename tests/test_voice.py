"""Voice of the customer (kbworkbook.voice, chapter 03 »Was Kunden sagen»): NPS per customer
group worked by hand, themes in the analysis, the chart, the consultant's themes on the page,
and privacy: no e-mail, phone, IBAN or name of a comment in any page, cache or figures.json."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from IPython.display import HTML, Markdown
from matplotlib.figure import Figure

from kbworkbook.chapters import kennzahlen
from kbworkbook.figures import Window, figures_document
from kbworkbook.metrics.comments import CommentThemes, Quote, ThemeCount
from kbworkbook.notebook import Context, setup
from kbworkbook.plots.voice import theme_bars
from kbworkbook.voice import customer_types, nps_groups, window_answers
from kbworkbook.workspace import create_workspace

AS_OF = pd.Timestamp("2025-12-31")
WINDOW = Window.ending(AS_OF, 12)


def _sales() -> pd.DataFrame:
    """12 new customers (first purchase 2025), 12 regulars (bought 2024, twice in 2025),
    3 occasional ones (2024, once in 2025), one lapsed (2024 only)."""
    rows = []
    for i in range(12):
        rows.append((f"N{i}", "2025-03-01", 10.0))
        rows += [(f"R{i}", "2024-05-01", 10.0), (f"R{i}", "2025-02-01", 10.0),
                 (f"R{i}", "2025-06-01", 10.0)]
    for i in range(3):
        rows += [(f"O{i}", "2024-05-01", 10.0), (f"O{i}", "2025-04-01", 10.0)]
    rows.append(("L0", "2024-05-01", 10.0))
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "revenue"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["order_id"] = [str(i) for i in range(len(frame))]
    return frame.astype({"customer_id": "str"})


def _answers() -> pd.DataFrame:
    """New: all 10 (NPS +100); regulars: six 10, six 0 (NPS 0); occasional: three 8; the
    lapsed customer and an unknown number: 9. One answer from 2024 lies outside the window."""
    ids = ([f"N{i}" for i in range(12)] + [f"R{i}" for i in range(12)]
           + [f"O{i}" for i in range(3)] + ["L0", "X999", "N0"])
    scores = [10] * 12 + [10] * 6 + [0] * 6 + [8] * 3 + [9, 9, 0]
    dates = ["2025-11-01"] * 29 + ["2024-11-01"]
    segment = ["Laden"] * 15 + ["Online"] * 12 + ["Telefon"] * 2 + ["Laden"]
    return pd.DataFrame({"score": pd.array(scores, dtype="Int64"), "customer_id": ids,
                         "date": pd.to_datetime(dates), "segment": segment})


def test_window_answers_keep_the_window_only() -> None:
    answers = window_answers(_answers(), WINDOW)
    assert len(answers) == 29 and answers["score"].dtype == "float64"


def test_customer_types_worked_example() -> None:
    kinds = customer_types(_sales(), ["N0", "R3", "O1", "L0", "X999"], AS_OF, 12, 2)
    assert kinds.to_dict() == {"N0": "new", "O1": "occasional", "R3": "regular"}


def test_nps_per_customer_type_and_survey_segment_worked_by_hand() -> None:
    found = {g.kind: g for g in nps_groups(_answers(), _sales(), WINDOW, AS_OF, 12, 2)}
    assert set(found) == {"survey", "rfm", "customer_type"}
    kind = found["customer_type"]
    assert (kind.answers, kind.linked) == (29, 27)  # the lapsed and the unknown number: none
    assert [(g.key, g.label_de, g.n) for g in kind.groups] == [
        ("new", "Neukunden", 12), ("regular", "Stammkunden", 12),
        ("occasional", "Gelegenheitskunden", 3)]
    new, regular, occasional = kind.groups
    assert new.result is not None and new.result.score == pytest.approx(100.0)
    assert regular.result is not None and regular.result.score == pytest.approx(0.0)
    assert regular.result.promoters == 6 and regular.result.detractors == 6
    assert occasional.result is None and kind.hidden == (occasional,)  # 3 < 10 answers
    survey = found["survey"]
    assert [(g.key, g.n) for g in survey.groups] == [("Laden", 15), ("Online", 12),
                                                     ("Telefon", 2)]
    laden = survey.groups[0].result
    assert laden is not None and laden.score == pytest.approx(100 * (12 + 3 - 0) / 15)
    assert [g.key for g in survey.hidden] == ["Telefon"]
    # every linked answer sits in exactly one RFM segment of chapter 04
    rfm = found["rfm"]
    assert rfm.linked == 27 and sum(g.n for g in rfm.groups) == 27
    assert all(g.n >= 10 for g in rfm.shown) and all(g.n < 10 for g in rfm.hidden)


def test_without_sales_or_numbers_only_the_survey_segments() -> None:
    answers = _answers()
    assert [g.kind for g in nps_groups(answers, None, WINDOW, AS_OF, 12, 2)] == ["survey"]
    plain = answers.drop(columns=["segment", "customer_id"])
    assert nps_groups(plain, _sales(), WINDOW, AS_OF, 12, 2) == ()


def test_analysis_parts_of_the_sample_client() -> None:
    ctx = setup(None, "de", None, False)
    analysis = ctx.analysis()
    themes = analysis.nps_themes
    assert isinstance(themes, CommentThemes)
    # the October 2025 wave: 165 answers, 59 with a comment
    assert themes.comments == 59 and sum(themes.by_band) == 59
    keys = [t.key for t in themes.themes]
    assert {"qualitaet", "freundlichkeit", "preis", "wartezeit"} <= set(keys)
    price = next(t for t in themes.themes if t.key == "preis")
    assert price.detractors > price.promoters  # the price rise shows
    groups = {g.kind: g for g in analysis.nps_groups}
    assert set(groups) == {"rfm", "customer_type"}
    assert groups["customer_type"].linked == 165
    assert sum(g.n for g in groups["rfm"].groups) == groups["rfm"].linked
    doc = {f["key"]: f["value"] for f in figures_document(analysis, "CHF")["figures"]}
    assert doc["nps_comments"] == 59


# -- the chart --------------------------------------------------------------------------------


def test_theme_bars_draw_the_counts_per_band() -> None:
    themes = CommentThemes(
        themes=(ThemeCount("preis", "Preis und Leistung", "Price", 0, 4, 6,
                           (Quote("Zu teuer geworden leider.", "detractor"),)),
                ThemeCount("qualitaet", "Qualität", "Quality", 17, 5, 3)),
        comments=30, by_band=(17, 7, 6), unthemed=2)
    ax = theme_bars(themes, language="de", locale="de-CH")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Preis und Leistung", "Qualität"]
    widths = [(round(p.get_y() + p.get_height() / 2), p.get_x(), p.get_width())
              for p in ax.patches]
    # detractors, passives, promoters from the left, each bar as long as its theme's total
    assert sorted(widths) == sorted([(0, 0.0, 6), (1, 0.0, 3), (0, 6.0, 4), (1, 3.0, 5),
                                     (0, 10.0, 0), (1, 8.0, 17)])
    assert "30 Kommentare" in ax.get_title("left")
    labels = [t.get_text() for t in ax.texts]
    assert labels.count("17") == 1 and "6" in labels
    plt.close(ax.figure)


# -- on the page ------------------------------------------------------------------------------

SECRETS = {
    "email": "petra.muster@example.com",
    "phone_ch": "+41 79 123 45 67",
    "phone_ch2": "079 123 45 67",
    "phone_int": "0041791234567",
    "phone_de": "+49 (0)30 1234567",
    "phone_de2": "030/1234567",
    "phone_at": "+43 664 1234567",
    "iban_ch": "CH93 0076 2011 6238 5295 7",
    "iban_de": "DE89 3704 0044 0532 0130 00",
    "iban_at": "AT611904300234573201",
    "name": "Anna Keller",
    "address": "Bahnhofstrasse 12, 8001 Zürich",
}
_TEMPLATES = [
    "Die Preise sind zu hoch, bitte melden: {}",
    "Zu lange Wartezeit, Rückruf unter {} bitte",
    "Freundliche Bedienung durch {} – danke!",
    "Die Torte war nicht wie bestellt, Geld zurück auf {}",
]


def _pii_nps() -> pd.DataFrame:
    comments, scores = [], []
    for i, secret in enumerate(SECRETS.values()):
        for j, template in enumerate(_TEMPLATES):
            comments.append(template.format(secret))
            scores.append([2, 5, 10, 8][(i + j) % 4])
    n = len(comments)
    return pd.DataFrame({"score": pd.array(scores, dtype="Int64"),
                         "date": pd.Timestamp("2025-11-15"), "comment": comments,
                         "customer_id": [f"K{i:04d}" for i in range(n)]})


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _assert_no_secret(text: str) -> None:
    flat = text.replace("\u00a0", " ")
    for kind, secret in SECRETS.items():
        assert secret not in flat, kind
        if len(_digits(secret)) >= 6:  # nor its digits, however they are grouped
            assert _digits(secret)[-6:] not in _digits(flat), kind
    for word in ("Keller", "petra", "Bahnhofstrasse"):
        assert word not in flat, word


def _page(blocks: list) -> str:
    return "\n".join(str(b.data) for b in blocks if isinstance(b, HTML | Markdown))


def _figure_strings(blocks: list) -> str:
    strings = []
    for fig in (b for b in blocks if isinstance(b, Figure)):
        fig.canvas.draw()
        for ax in fig.axes:
            strings += [ax.get_title("left"), ax.get_xlabel(), ax.get_ylabel()]
            strings += [t.get_text() for t in [*ax.texts, *ax.get_yticklabels()]]
    return "\n".join(strings)


@pytest.mark.parametrize("language", ["de", "en"])
def test_pii_in_comments_never_reaches_the_page_or_figures(tmp_path: Path,
                                                           language: str) -> None:
    ws = create_workspace(tmp_path / "ws", "Testbäckerei", locale="de-CH")
    ctx = Context(workspace=ws, language=language, as_of=dt.date(2025, 12, 31),
                  _tables={"transactions": None, "nps": _pii_nps(), "posts": None,
                           "complaints": None})
    blocks = kennzahlen.nps(ctx) + kennzahlen.voice(ctx)
    page = _page(blocks)
    assert ("Was Kunden sagen" if language == "de" else "What customers say") in page
    assert ("[Telefon entfernt]" if language == "de" else "[phone removed]") in page
    _assert_no_secret(page)
    _assert_no_secret(_figure_strings(blocks))
    figures = json.dumps(figures_document(ctx.analysis(), "CHF"))
    _assert_no_secret(figures)
    assert "Datenschutz" in page or "Privacy" in page


def test_the_analysis_cache_keeps_no_comment(tmp_path: Path) -> None:
    """A workspace with the comments in its data folder: the cache file written by a report
    holds counts and masked quotes only."""
    ws = create_workspace(tmp_path / "ws", "Testbäckerei", locale="de-CH")
    frame = _pii_nps()
    lines = ["Datum;Bewertung;Kommentar"] + [
        f"15.11.2025;{s};{c}" for s, c in zip(frame["score"], frame["comment"], strict=True)]
    (ws.root / "data" / "umfrage.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ctx = setup(str(ws.root), "de", "2025-12-31", False)
    analysis = ctx.analysis()
    assert analysis.nps_themes is not None and analysis.nps_themes.comments == len(frame)
    cached = list((ws.root / ".cache" / "analysis").glob("*.json"))
    text = "\n".join(json.dumps(json.loads(p.read_text(encoding="utf-8")), ensure_ascii=False)
                     for p in cached if p.name != "digests.json")
    assert "nps_themes" in text and "[Telefon entfernt]" in text
    _assert_no_secret(text)
    for comment in frame["comment"]:
        assert comment not in text


def test_the_consultants_themes_and_their_problems_on_the_page(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "ws", "Testbäckerei", locale="de-CH")
    config = ws.root / "kbworkbook.toml"
    config.write_text(config.read_text(encoding="utf-8") + (
        '\n[nps_themes.parkplatz]\nde = "Parkplätze"\nen = "Parking"\n'
        'keywords = ["parkpl*"]\n\n[nps_themes.preis]\nkeyword = ["x"]\n'), encoding="utf-8")
    ws = type(ws).open(ws.root)
    nps = pd.DataFrame({"score": pd.array([2, 3, 10], dtype="Int64"),
                        "date": pd.Timestamp("2025-11-15"),
                        "comment": ["Nie ein Parkplatz frei, wirklich nie.",
                                    "Keine Parkplätze vor dem Laden.", "Alles super hier"]})
    ctx = Context(workspace=ws, language="de", as_of=dt.date(2025, 12, 31),
                  _tables={"transactions": None, "nps": nps, "posts": None,
                           "complaints": None})
    page = _page(kennzahlen.voice(ctx))
    assert "Parkplätze (2 Kommentare)" in page
    assert "unbekannter Schlüssel »keyword«. Meinten Sie »keywords«?" in page
    assert "Von 3 Kommentaren passten\n1 zu keinem Thema" in page


def test_without_a_comment_column_the_section_says_how_to_get_one(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "ws", "Testbäckerei", locale="de-CH")
    nps = pd.DataFrame({"score": pd.array([2, 9], dtype="Int64")})
    ctx = Context(workspace=ws, language="de", as_of=dt.date(2025, 12, 31),
                  _tables={"transactions": None, "nps": nps, "posts": None,
                           "complaints": None})
    page = _page(kennzahlen.voice(ctx))
    assert "keine Spalte mit Kommentaren" in page
    assert kennzahlen.voice(Context(workspace=ws, language="de", _tables={
        "transactions": None, "nps": None, "posts": None, "complaints": None})) == []


def test_sample_quotes_leave_out_what_was_masked() -> None:
    ctx = setup(None, "de", None, False)
    page = _page(kennzahlen.voice(ctx))
    assert "Was Kunden sagen" in page and "Preis und Leistung" in page
    assert "Seit der Preiserhöhung kaufe ich weniger hier." in page
    assert not re.search(r"\d{3} \d{2} \d{2}", page) and "example.ch" not in page
    assert np.all([len(q) <= 145 for q in re.findall(r"»([^«]*)«", page)])


def test_figures_json_counts_the_comments_of_each_theme(tmp_path: Path) -> None:
    """Five comments of the window, one of 2024 (history, not counted): »Preis« in three (one
    also »Freundlichkeit«), »Wartezeit« in one too short to quote, one in no theme. Every
    theme of the catalogue gets its key, 0 where no comment names it; counts only."""
    ws = create_workspace(tmp_path / "ws", "Testbäckerei", locale="de-CH")
    comments = {"Der Preis ist leider zu hoch geworden.": (3, "2025-11-15"),
                "Sehr freundliche Bedienung, faire Preise.": (10, "2025-11-15"),
                "Zu teuer.": (2, "2025-11-15"),
                "Lange Wartezeit!": (6, "2025-11-15"),
                "Alles super": (9, "2025-11-15"),
                "Die Wartezeit ist viel zu lang.": (4, "2024-11-15")}
    nps = pd.DataFrame({"score": pd.array([s for s, _ in comments.values()], dtype="Int64"),
                        "date": pd.to_datetime([d for _, d in comments.values()]),
                        "comment": list(comments)})
    ctx = Context(workspace=ws, language="de", as_of=dt.date(2025, 12, 31),
                  _tables={"transactions": None, "nps": nps, "posts": None,
                           "complaints": None})
    doc = figures_document(ctx.analysis(), "CHF")
    by_key = {f["key"]: f for f in doc["figures"]}
    themes = {k: f for k, f in by_key.items() if k.startswith("nps_theme_")}
    assert {k: f["value"] for k, f in themes.items() if f["value"]} == {
        "nps_theme_preis": 3, "nps_theme_freundlichkeit": 1, "nps_theme_wartezeit": 1}
    assert len(themes) == 10 and by_key["nps_comments"]["value"] == 5
    assert by_key["nps_theme_preis"] == {"key": "nps_theme_preis", "value": 3.0,
                                         "unit": "count", "window": "2025-01-01/2025-12-31",
                                         "chapters": ["03"]}
    assert by_key["nps_theme_oeffnungszeiten"]["chapters"] == []  # not shown
    # each count as chapter 03 writes it, a theme without a quote too
    page = _page(kennzahlen.voice(ctx))
    assert "<td>Preis und Leistung (3 Kommentare)</td>" in page
    assert "<td>Freundlichkeit und Bedienung (1 Kommentar)</td>" in page
    assert "<td>Wartezeit (1 Kommentar)</td><td>–</td>" in page
    text = json.dumps(doc, ensure_ascii=False)
    for comment in comments:
        assert comment not in text


def test_theme_counts_without_comments_are_undefined_and_follow_the_consultants_themes(
        tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "ws", "Testbäckerei", locale="de-CH")
    config = ws.root / "kbworkbook.toml"
    config.write_text(config.read_text(encoding="utf-8") + (
        '\n[nps_themes.parkplatz]\nde = "Parkplätze"\nkeywords = ["parkpl*"]\n'
        '\n[nps_themes.ambiente]\nenabled = false\n'), encoding="utf-8")
    ws = type(ws).open(ws.root)
    nps = pd.DataFrame({"score": pd.array([2, 9], dtype="Int64")})
    ctx = Context(workspace=ws, language="de", as_of=dt.date(2025, 12, 31),
                  _tables={"transactions": None, "nps": nps, "posts": None,
                           "complaints": None})
    themes = [f for f in figures_document(ctx.analysis(), "CHF")["figures"]
              if f["key"].startswith("nps_theme_")]
    keys = [f["key"] for f in themes]
    assert "nps_theme_parkplatz" in keys and "nps_theme_ambiente" not in keys
    assert all(f["value"] is None and f["chapters"] == [] for f in themes)
    assert {f["window"] for f in themes} == {"all answers (undated)"}
