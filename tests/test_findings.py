"""'Das Wichtigste in Kürze': rules, numbers formatted as the chapters do, sums that add up."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook.findings import SelfAssessment, chapter_question, derive_findings

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
