"""figures.json and one consistent set of figures across the sample report (issue 12).

Each figure of figures.json must appear, formatted for the locale, in the very table row or
key-figure tile that shows it in every chapter the file lists; stated sums must add up.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kbworkbook.figures import THEME_PREFIX, format_figure
from kbworkbook.metrics.comments import default_themes

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("report")]

REQUIRED = {"revenue", "active_customers", "crr", "churn", "repeat_rate", "nps", "clv",
            "complaint_satisfaction", "engagement_rate", "regulars_revenue_share"}
PAGES = {"00": "00_ueberblick.html", "01": "01_kundenbindungsformel.html",
         "02": "02_gebundenheit_verbundenheit.html",
         "03": "03_kennzahlen.html",
         "04": "04_kundenwert_segmente.html", "05": "05_massnahmen_wirtschaftlichkeit.html"}

#: figures of a period other than the window: the first purchases counted (each had 180 days
#: to be followed by a second), the cohorts' first-purchase months, first to latest NPS wave
HISTORY = {"second_purchase_rate": "2024-07-05/2025-07-04",
           "cohort_month1_loss": "2024-01-01/2025-11-30", "nps_trend": "2024-01-01/2025-12-31"}

#: where each figure is shown: chapter → (row label or tile label, column of the value);
#: column None: the label is followed by the value in running text
WHERE: dict[str, dict[str, tuple[str, int | None]]] = {
    "revenue": {"00": ("Umsatz 12 Mt.", 0), "03": ("Umsatz (netto)", -1)},
    "active_customers": {"00": ("Aktive Kunden 12 Mt.", 0), "03": ("Aktive Kunden", -1),
                         "04": ("Aktive Kunden (12 Monate)", 1),
                         "05": ("Aktive Kunden im Jahr", 1)},
    "orders": {"03": ("Einkäufe", -1)},
    "average_order_value": {"03": ("Ø Einkaufsbetrag", -1)},
    "purchases_per_customer": {"03": ("Einkäufe je Kunde", -1),
                               "05": ("Käufe pro Kunde und Jahr", 1)},
    "crr": {"00": ("Kundenbindungsrate 12 Mt.", 0), "02": ("Ihre Zahlen: Kundenbindungsrate", None),
            "01": ("Kundenbindungsrate (Kunden des Vorjahres, die wieder kauften)", 1),
            "03": ("Kundenbindungsrate", 1),
            "04": ("Kundenbindungsrate (r)", 1),
            "05": ("Bindungsrate (Kunden, die wieder kaufen)", 1)},
    "churn": {"03": ("Abwanderungsrate", 1)},
    "repeat_rate": {"00": ("Wiederkaufrate 12 Mt.", 0), "03": ("Wiederkaufrate", -1),
                    "01": ("Wiederkaufrate (Kunden mit mindestens zwei Einkäufen)", 1)},
    "regulars_revenue_share": {"00": ("Umsatzanteil Stammkunden", 0),
                               "03": ("Umsatzanteil Stammkunden", -1),
                               "04": ("Anteil am Umsatz", 1),
                               "01": ("Umsatzanteil der Stammkunden", 1)},
    "nps": {"00": ("NPS (165 Antworten, letzte 12 Monate)", 0), "03": ("Letzte 12 Monate", 2),
            "01": ("Net Promoter Score (letzte 12 Monate)", 1)},
    "nps_answers": {"03": ("Letzte 12 Monate", 1)},
    "margin_rate": {"04": ("Deckungsbeitrag in % vom Umsatz", 1),
                    "05": ("Deckungsbeitrag in % vom Umsatz", 1)},
    "margin_per_customer": {"04": ("Ø Deckungsbeitrag je aktiven Kunden und Jahr (m)", 1),
                            "05": ("Deckungsbeitrag pro Kunde und Jahr", 1)},
    "clv": {"04": ("Kundenwert (CLV, 10 Jahre)", 1), "05": ("Kundenwert (CLV, 10 Jahre)", 1)},
    "complaints": {"03": ("Beschwerden", 1), "05": ("Beschwerden im Jahr", 1)},
    "complaint_satisfaction": {"03": ("Kunde danach zufrieden", 1),
                               "05": ("Anteil zufrieden gelöster Beschwerden", 1),
                               "01": ("Beschwerden, nach denen der Kunde zufrieden war", 1)},
    "engagement_rate": {"03": ("Reichweite", 1),
                        "01": ("Engagement-Rate je Beitrag (soziale Medien)", 1)},
    # chapter 01 »Ihre Einschätzung und Ihre Zahlen«: the figures table
    "second_purchase_rate": {"01": ("Zweitkaufquote (zweiter Einkauf innerhalb von 180 Tagen)",
                                    1)},
    "cohort_month1_loss": {"01": ("Verlust nach dem ersten Monat (Kohorten)", 1)},
    "complaint_days": {"01": ("Tage bis zur Lösung einer Beschwerde (Durchschnitt)", 1)},
    "nps_trend": {"01": ("Veränderung des NPS seit der ersten Befragungswelle", 1)},
    "identified_revenue_share": {},  # in a sentence, not in a table row or tile
    "referral_rate": {"03": ("Empfehlungsquote – kam auf Empfehlung", 1)},
    "unprofitable_customers": {"04": ("Unrentable Kunden (Gewinn unter 0)", 1)},
    "unprofitable_revenue_share": {"04": ("… Anteil der Unrentablen am Umsatz", 1)},
    # the lifecycle's stage counts at the Stichtag (third column of the stage table)
    "lifecycle_new": {"04": ("Neu dabei", 2)},
    "lifecycle_regular": {"04": ("Wiederkehrend", 2)},
    "lifecycle_at_risk": {"04": ("Abwanderung droht", 2)},
    "lifecycle_lost": {"04": ("Verloren", 2)},
    "lifecycle_won_back": {"04": ("Zurückgewonnen", 2)},
    "top10_revenue_share": {"04": ("Umsatzanteil der 10 umsatzstärksten Kunden", 1)},
    "top20pct_revenue_share": {"04": ("Umsatzanteil der umsatzstärksten 20 % der Kunden", 1)},
    "nps_comments": {"03": ("Von", None)},  # »Was Kunden sagen«: »Von 59 Kommentaren …«
}
#: the comments per theme (nps_theme_<key>) stand in the first column of chapter 03's quote
#: table, »Preis und Leistung (10 Kommentare)«
THEMES = {t.key: t.label_de for t in default_themes()}


def _soup(out: Path, number: str) -> BeautifulSoup:
    return BeautifulSoup((out / PAGES[number]).read_text(encoding="utf-8"), "html.parser")


def _cells(soup: BeautifulSoup, label: str) -> list[list[str]]:
    """Every table row (cell texts) whose first cell is ``label``; tiles as [label, value]."""
    rows = []
    for tr in soup.find_all("tr"):
        cells = [c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
        if cells and cells[0] == label:
            rows.append(cells)
    for tile in soup.select(".kb-kpi"):
        name = tile.select_one(".kb-kpi-label")
        value = tile.select_one(".kb-kpi-value")
        if name and value and name.get_text(strip=True) == label:
            rows.append([value.get_text(strip=True)])
    return rows


def _figures(out: Path) -> dict:
    return json.loads((out / "figures.json").read_text(encoding="utf-8"))


def test_figures_json_beside_the_index(sample_report) -> None:  # type: ignore[no-untyped-def]
    out = sample_report.out_dir
    assert (out / "index.html").is_file() and (out / "figures.json").is_file()
    doc = _figures(out)
    keys = [f["key"] for f in doc["figures"]]
    assert len(keys) == len(set(keys)), "each key once"
    assert REQUIRED <= set(keys)
    assert doc["currency"] == "CHF" and doc["as_of"] == "2025-12-31"
    for item in doc["figures"]:
        assert set(item) == {"key", "value", "unit", "window", "chapters"}
        if item["unit"] == "fraction" and item["value"] is not None:  # None: undefined here
            assert 0.0 <= item["value"] <= 1.0, item
        # stage counts are taken at the Stichtag; the self-image's history figures cover their
        # own periods; every other figure covers the window
        window = ("2025-12-31" if item["key"].startswith("lifecycle_")
                  else HISTORY.get(item["key"], "2025-01-01/2025-12-31"))
        assert item["window"] == window, item
    by_key = {f["key"]: f for f in doc["figures"]}
    # the sample's figures: 1'523 active customers, CRR 867/1'710, NPS of the Q4 2025 survey
    assert by_key["active_customers"]["value"] == 1523
    assert by_key["crr"]["value"] == pytest.approx(867 / 1710)
    assert by_key["nps_answers"]["value"] == 165
    assert by_key["nps"]["value"] == pytest.approx(100 * 40 / 165)  # P − D = 40 of 165


def test_every_figure_reads_the_same_wherever_it_is_shown(sample_report) -> None:  # type: ignore[no-untyped-def]
    out = sample_report.out_dir
    soups = {n: _soup(out, n) for n in PAGES}
    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    checked = themes = 0
    for item in _figures(out)["figures"]:
        if item["value"] is None:
            continue
        expected = format_figure(item["key"], item["value"], "de-CH", "CHF")
        if item["key"].startswith(THEME_PREFIX):  # »Was Kunden sagen«: »Preis … (10 Kommentare)«
            assert item["chapters"] == (["03"] if item["value"] else []), item
            if item["value"]:
                label = THEMES[item["key"].removeprefix(THEME_PREFIX)]
                count = "1 Kommentar" if expected == "1" else f"{expected} Kommentare"
                assert _cells(soups["03"], f"{label} ({count})"), item["key"]
                themes += 1
            continue
        assert set(item["chapters"]) == set(WHERE[item["key"]]), item["key"]
        for number in item["chapters"]:
            label, column = WHERE[item["key"]][number]
            pages = [soups[number]] + ([index] if number == "00" else [])
            if column is None:
                text = " ".join(soups[number].get_text(" ").replace("\u00a0", " ").split())
                assert f"{label} {expected}".replace("\u00a0", " ") in text, (item["key"], number)
                checked += 1
                continue
            for soup in pages:
                rows = _cells(soup, label)
                assert rows, f"{item['key']}: no row »{label}« in chapter {number}"
                for cells in rows:
                    assert cells[column].replace("\u00a0", " ") == expected.replace(
                        "\u00a0", " "), (item["key"], number, cells)
                checked += 1
    assert checked >= 30
    assert themes == 9  # the sample's comments speak of 9 of the 10 themes


def _money(text: str) -> float:
    """``CHF 5’520`` / ``CHF −18.70`` → float."""
    number = text.replace("CHF", "").replace("\u00a0", "").replace("’", "").strip()
    return float(number.replace("−", "-"))


def test_stated_sums_add_up(sample_report) -> None:  # type: ignore[no-untyped-def]
    out = sample_report.out_dir
    ch05 = _soup(out, "05")
    table = ch05.select_one("table.kb-programme")
    body = [[c.get_text(strip=True) for c in tr.find_all("td")]
            for tr in table.select("tbody tr")]
    total = [c.get_text(strip=True) for c in table.select("tfoot th")]
    for column in (2, 3):  # cost, benefit per year
        assert sum(_money(r[column]) for r in body) == pytest.approx(_money(total[column]))
    text = " ".join(ch05.get_text(" ", strip=True).replace("\u00a0", " ").split())
    # "… im Schnitt CHF 6.30 … (CHF 25.00) ab: CHF −18.70 … (CHF 0.60): CHF 5.70"
    money = r"(CHF −?[\d’]+(?:\.\d\d)?)"
    found = re.search(rf"im Schnitt {money} Deckungsbeitrag.*?\({money}\) ab: {money}.*?"
                      rf"\({money}\): {money}", text)
    assert found, "margin sentence"
    mt, ac, new, rc, rep = (_money(g) for g in found.groups())
    assert new == pytest.approx(mt - ac) and rep == pytest.approx(mt - rc)
    kept = re.search(r"bleiben voraussichtlich ([\d.]+) von (\d+) Beschwerdeführern treu; "
                     r"([\d.]+) gehen verloren\. Das gefährdet rund (CHF [\d’]+) Kundenwert "
                     r"\(([\d.]+) × Kundenwert (CHF [\d’]+)", text)
    assert kept, "complaint sentence"
    assert float(kept[1]) + float(kept[3]) == pytest.approx(float(kept[2]))
    assert _money(kept[4]) == pytest.approx(round(float(kept[5]) * _money(kept[6])))
    ch04 = _soup(out, "04")
    clv = _money(_cells(ch04, "Kundenwert (CLV, 10 Jahre)")[0][1])
    acquisition = _money(_cells(ch04, "Akquisitionskosten je Neukunde")[0][1])
    net = _money(_cells(ch04, "Netto-Kundenwert (CLV − Akquisition)")[0][1])
    assert net == clv - acquisition
    ch03 = _soup(out, "03")

    def count(label: str) -> int:
        return int(_cells(ch03, label)[0][1].replace("’", ""))

    assert count("Kunden im früheren Zeitraum (S)") == (
        count("Kunden geblieben (S∩E)") + count("Kunden verloren"))
    assert count("Kunden im aktuellen Zeitraum (E)") == (
        count("Kunden geblieben (S∩E)") + count("davon neu oder zurückgekehrt (N)"))


def test_history_views_are_labelled(sample_report) -> None:  # type: ignore[no-untyped-def]
    out = sample_report.out_dir
    for number in ("03", "04"):
        captions = [p.get_text(strip=True) for p in _soup(out, number).select("p.kb-window")]
        assert any(c.startswith("Zeitfenster: letzte 12 Monate (01.01.2025 – 31.12.2025)")
                   for c in captions), number
        assert any(c.startswith("Verlauf") for c in captions), number
