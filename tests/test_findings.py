"""'Das Wichtigste in Kürze': rules, numbers formatted as the chapters do, sums that add up."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from _one_factor import XSS, one_factor_client
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook.findings import (
    MAX_FINDINGS,
    FactorFigures,
    SelfAssessment,
    chapter_question,
    derive_findings,
)
from kbworkbook.notebook import Context
from kbworkbook.report_index import _findings_html
from kbworkbook.store import AnswerStore
from kbworkbook.workspace import Workspace

NBSP = "\u00a0"
SAMPLE_FIGURES = {"churn": 0.493, "crr": 0.507, "active_customers": 1523.0, "clv": 141.2,
                  "regulars_revenue_share": 0.781, "nps": 24.0, "complaint_satisfaction": 0.706}
ASSESSMENT = SelfAssessment(strongest=("Leistung & Zuverlässigkeit", 75.0),
                            top_need=("Kundenerlebnis & Service", 58.33, 33.3),
                            index_now=57.2, index_before=44.6, date_before=dt.date(2025, 3, 12))


def test_worked_example_of_the_sample_client() -> None:
    found = derive_findings(SAMPLE_FIGURES, ASSESSMENT, "de", "de-CH", "CHF")
    assert [f.key for f in found] == ["factors", "risk", "lever", "trend", "regulars"]
    assert [f.chapter for f in found] == ["01", "03", "04", "01", "03"]
    texts = [f.text for f in found]
    assert texts[0] == ("Ihre grösste Stärke laut Selbsteinschätzung ist »Leistung & "
                        "Zuverlässigkeit« (75 von 100 Punkten), den grössten Handlungsbedarf hat "
                        "»Kundenerlebnis & Service« (58 von 100, Handlungsbedarf 33).")
    assert f"49.3{NBSP}%" in texts[1] and "Abwanderung" in texts[1]
    # 1 % of 1’523 active customers = 15 (shown); 15 × CHF 141 (shown) = CHF 2’115
    assert "rund 15 der 1’523" in texts[2] and f"CHF{NBSP}141 je" in texts[2]
    assert texts[2].endswith(f"rund CHF{NBSP}2’115.")
    assert "12.03.2025" in texts[3] and "von 45 auf 57" in texts[3] and "(+12)" in texts[3]
    assert f"78.1{NBSP}%" in texts[4]


def test_de_de_spelling_and_numbers() -> None:
    found = derive_findings(SAMPLE_FIGURES, ASSESSMENT, "de", "de-DE", "EUR")
    assert "größte Stärke" in found[0].text
    assert f"49,3{NBSP}%" in found[1].text and f"2.115{NBSP}€" in found[2].text


def test_the_main_risk_follows_its_rules() -> None:
    calm = dict(SAMPLE_FIGURES, churn=0.2, crr=0.8)
    assert derive_findings(dict(calm, nps=-12.0), None)[0].text.startswith(
        "Hauptrisiko Weiterempfehlung: Ihr NPS liegt bei \u221212")
    complaints = derive_findings(dict(calm, complaint_satisfaction=0.55), None)[0]
    assert complaints.key == "risk" and f"55.0{NBSP}%" in complaints.text
    quiet = derive_findings(calm, None)[0]
    assert quiet.key == "retention" and f"80.0{NBSP}%" in quiet.text


def test_missing_data_skips_rules_never_invents() -> None:
    assert derive_findings({}, None) == []
    only_answers = derive_findings({"churn": None, "clv": float("nan")}, ASSESSMENT)
    assert [f.key for f in only_answers] == ["factors", "trend"]
    no_previous = SelfAssessment(strongest=("A", 80.0), top_need=("A", 80.0, 4.0))
    (single,) = derive_findings({}, no_previous)
    assert "Handlungsbedarf" not in single.text and "»A« (80 von 100 Punkten)" in single.text


def test_english() -> None:
    found = derive_findings(SAMPLE_FIGURES, ASSESSMENT, "en", "en", "CHF")
    assert found[1].text.startswith("Main risk, churn: 49.3%")
    assert "about CHF\u00a02,115" in found[2].text
    assert chapter_question("05", "en", "en").startswith("Which measures pay off")
    assert chapter_question("05", "de", "de-CH").startswith("Welche Massnahmen")


def _number(text: str) -> float:
    return float(text.replace("’", "").replace(NBSP, ""))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=2_000_000), st.floats(min_value=1, max_value=50_000))
def test_lever_money_is_what_the_shown_numbers_give(active: int, clv: float) -> None:
    (lever,) = [f for f in derive_findings({"active_customers": float(active), "clv": clv}, None)
                if f.key == "lever"]
    match = re.search(r"rund ([\d’.]+) der .* von CHF\u00a0([\d’]+) je Kunde sind das rund "
                      r"CHF\u00a0([\d’]+)\.", lever.text)
    assert match, lever.text
    customers, value, money = (_number(g) for g in match.groups())
    half_up = Decimal(repr(customers * value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert money == float(half_up)


def test_rare_referrals_and_many_unprofitable_customers_link_into_the_action_plan() -> None:
    """Issue 16: 12 % came on a recommendation (< 20 %); 200 of 1’523 customers (13.1 %,
    ≥ 10 %) are unprofitable – both name the measure for the action plan; the sample's values
    (34 %, 4 customers) trigger neither."""
    figures = {"referral_rate": 0.12, "unprofitable_customers": 200.0,
               "active_customers": 1523.0, "unprofitable_revenue_share": 0.031}
    found = derive_findings(figures, None, "de", "de-CH", "CHF")
    assert [(f.key, f.chapter) for f in found] == [("referral", "03"), ("unprofitable", "04")]
    referral, unprofitable = found
    assert f"12{NBSP}%" in referral.text and "Aktionsplan" in referral.text
    assert "200 der 1’523" in unprofitable.text and f"3.1{NBSP}%" in unprofitable.text
    calm = dict(figures, referral_rate=0.34, unprofitable_customers=4.0)
    assert {f.key for f in derive_findings(calm, None)}.isdisjoint({"referral", "unprofitable"})


#: chapter 01's comparison of the sample client (tests/test_chapters_selfimage.py works it out
#: by hand): F5 owner 65, figures 46.9 → weaker; F6 owner 30, figures 72.5 → stronger; F1
#: owner 75, figures 69.0 → matches
SAMPLE_IMAGE = (FactorFigures("Leistung & Zuverlässigkeit", 75.0, 69.0, "agrees"),
                FactorFigures("Feedback & Beschwerdemanagement", 65.0, 46.9, "data_weaker"),
                FactorFigures("Belohnung & Gemeinschaft", 30.0, 72.5, "data_stronger"))


def _with_image(*image: FactorFigures) -> SelfAssessment:
    return SelfAssessment(ASSESSMENT.strongest, ASSESSMENT.top_need, ASSESSMENT.index_now,
                          ASSESSMENT.index_before, ASSESSMENT.date_before, figures=image)


def test_figures_weaker_than_the_owners_rating_are_a_finding_of_chapter_01() -> None:
    found = derive_findings(SAMPLE_FIGURES, _with_image(*SAMPLE_IMAGE), "de", "de-CH", "CHF")
    # ranked after the lever and before the trend; the list stays at five
    assert [f.key for f in found] == ["factors", "risk", "lever", "self_image", "trend"]
    image = found[3]
    assert image.chapter == "01"
    # the weaker factor wins over the stronger one; scores as chapter 01 writes them
    assert image.text.startswith("Ihre Zahlen zeichnen bei »Feedback & Beschwerdemanagement« "
                                 "ein schwächeres Bild als Ihre Einschätzung: 47 statt 65 von "
                                 "100 Punkten. Das kann gute Gründe haben")
    assert "Belohnung" not in image.text and "auch" not in image.text
    english = derive_findings({}, _with_image(*SAMPLE_IMAGE), "en", "en", "CHF")
    assert english[1].text.startswith(
        "Your figures paint a weaker picture of 'Feedback & Beschwerdemanagement' than your "
        "assessment: 47 instead of 65 of 100 points. There may be good reasons")


def test_agreeing_figures_give_no_finding_and_stronger_ones_a_careful_one() -> None:
    agrees = _with_image(SAMPLE_IMAGE[0])
    assert "self_image" not in {f.key for f in derive_findings({}, agrees)}
    (_, stronger, _) = derive_findings({}, _with_image(*SAMPLE_IMAGE[::2]))
    assert stronger.text == (
        "Ihre Zahlen zeichnen bei »Belohnung & Gemeinschaft« ein stärkeres Bild als Ihre "
        "Einschätzung: 73 statt 30 von 100 Punkten – vielleicht eine Stärke, auf die Sie bauen "
        "können.")


def test_several_weaker_factors_name_the_largest_gap_first() -> None:
    image = (FactorFigures("A", 70.0, 50.0, "data_weaker"),  # 20 below
             FactorFigures("B", 90.0, 40.0, "data_weaker"),  # 50 below: named first
             FactorFigures("C", 80.0, 60.0, "data_weaker"),  # 20 below
             FactorFigures("D", 10.0, 90.0, "data_stronger"))
    (_, found, _) = derive_findings({}, _with_image(*image), "de", "de-DE", "EUR")
    assert found.text.startswith("Ihre Zahlen zeichnen bei »B« ein schwächeres Bild als Ihre "
                                 "Einschätzung: 40 statt 90 von 100 Punkten.")
    assert found.text.endswith(" Schwächer als eingeschätzt auch: »A«, »C«.")
    assert "»D«" not in found.text


# -- the index: chapter 01's comparison reaches the findings ---------------------------------

def _index_findings(ws: Workspace, language: str = "de") -> str:
    return _findings_html(Context(workspace=ws, language=language), ws, language)


def test_the_index_names_a_factor_whose_figures_are_weaker(tmp_path: Path) -> None:
    """Complaints solved in 2 and 4 days: mean 3 → 40 + 40·(7 − 3)/5 = 72 on the 0–100 scale.
    Owner »trifft voll zu« (100): 28 below, more than the tolerance of 15 → weaker; owner
    »trifft eher zu« (75): 3 apart → matches, no finding."""
    ws = one_factor_client(tmp_path)
    page = _index_findings(ws)
    assert "<script>" not in page
    assert (f"<li>Ihre Zahlen zeichnen bei »{html.escape(XSS)}« ein schwächeres Bild als Ihre "
            "Einschätzung: 72 statt 100 von 100 Punkten.") in page
    assert 'href="01_kundenbindungsformel.html"' in page
    AnswerStore(ws, now=lambda: dt.datetime(2025, 3, 1, 9, 0)).update(
        "sechs_faktoren", answers={"A.1": 4})
    assert "Ihre Zahlen zeichnen" not in _index_findings(ws)


def test_the_sample_index_says_what_chapter_01_says() -> None:
    """The sample client: F5 owner 65, figures 47 (tests/test_chapters_selfimage.py)."""
    ws = Workspace.open(None)
    page = html.unescape(_index_findings(ws))
    items = re.findall(r"<li>(.*?)</li>", page)
    assert len(items) == MAX_FINDINGS
    assert items[3].startswith("Ihre Zahlen zeichnen bei »Feedback & Beschwerdemanagement« ein "
                               "schwächeres Bild als Ihre Einschätzung: 47 statt 65 von 100 "
                               "Punkten.")
    english = html.unescape(_index_findings(ws, "en"))
    assert ("Your figures paint a weaker picture of 'Feedback & complaint management' than "
            "your assessment: 47 instead of 65 of 100 points.") in english


def _verdict(owner: float, data: float) -> str:
    return "data_weaker" if data < owner - 15 else "data_stronger" if data > owner + 15 \
        else "agrees"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 100), st.integers(0, 100)), min_size=1, max_size=6))
def test_the_self_image_finding_names_the_largest_gap_and_only_a_real_one(
        scores: list[tuple[int, int]]) -> None:
    image = tuple(FactorFigures(f"F{i}", float(o), float(d), _verdict(o, d))
                  for i, (o, d) in enumerate(scores))
    found = [f for f in derive_findings({}, _with_image(*image)) if f.key == "self_image"]
    weaker = [c for c in image if c.verdict == "data_weaker"]
    stronger = [c for c in image if c.verdict == "data_stronger"]
    if not weaker and not stronger:
        assert not found
        return
    (finding,) = found
    named = re.match(r"Ihre Zahlen zeichnen bei »(F\d)« ein (\w+) Bild", finding.text)
    assert named, finding.text
    pool = weaker or stronger
    gap = max(abs(c.owner - c.data) for c in pool)
    check = next(c for c in pool if c.factor == named[1])
    assert abs(check.owner - check.data) == gap
    assert named[2] == ("schwächeres" if weaker else "stärkeres")


def test_an_english_index_of_a_swiss_client_writes_numbers_as_the_english_chapters() -> None:
    """The chapters of an English report format numbers for ``en`` (1,523), whatever the
    workspace's locale; the index's findings do the same (they wrote 1’523)."""
    import re

    from kbworkbook.notebook import Context
    from kbworkbook.report_index import _findings_html
    from kbworkbook.workspace import Workspace

    ws = Workspace.open(None)
    assert ws.locale == "de-CH"
    english = _findings_html(Context(workspace=ws, language="en"), ws, "en")
    german = _findings_html(Context(workspace=ws, language="de"), ws, "de")
    assert "1,523 active customers" in english and not re.search(r"\d’\d", english)
    assert "1’523" in german
