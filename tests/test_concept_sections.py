"""Sections that bring the source texts' concepts into the report (issue 16, item 1).

Experience as the top goal, after-sales, consent for e-mail advertising and the low-effort
track (chapter 05), the complaint procedure (chapter 03), the partnership reading of high
Gebundenheit (chapter 02) and the agenda shared with the kit (chapter 00); and the action plan
proposing the complaint procedure.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from IPython.display import HTML, Markdown

from kbworkbook.chapters import gebundenheit, kennzahlen, massnahmen, ueberblick
from kbworkbook.instruments import load_catalogue
from kbworkbook.kit import content
from kbworkbook.notebook import Context
from kbworkbook.plan import InstrumentChoice, Selection, propose_actions
from kbworkbook.store import AnswerStore
from kbworkbook.workspace import Workspace, create_workspace


def _text(blocks: list[object]) -> str:
    parts = []
    for block in blocks:
        data = getattr(block, "data", None)
        if isinstance(block, HTML | Markdown) and isinstance(data, str):
            parts.append(re.sub(r"<[^>]+>", " ", data))
        elif isinstance(data, str):
            parts.append(data)
    return re.sub(r"\s+", " ", " ".join(parts))


@pytest.fixture(scope="module")
def sample() -> Context:
    return Context(workspace=Workspace.open(None), language="de")


def test_experience_names_the_samples_weakest_touchpoints_and_their_instruments(
        sample: Context) -> None:
    """Sample ratings: Wartezeit 2, Nach dem Kauf 2, Erreichbarkeit 3 (the lowest three)."""
    text = _text(massnahmen.experience(sample))
    assert "oberste Ziel" in text
    rows = re.findall(r"(Wartezeit|Nach dem Kauf|Erreichbarkeit|Verpackung) (\d)", text)
    assert rows == [("Wartezeit", "2"), ("Nach dem Kauf", "2"), ("Erreichbarkeit", "3")]
    assert "Servicestandards für die kleinen Dinge" in text
    assert "Danke/Bestätigung nach dem Kauf" in text


def test_experience_without_touchpoint_answers_gives_a_note(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = create_workspace(tmp_path / "ws", client="Leer AG", locale="de-DE")
    blocks = massnahmen.experience(Context(workspace=ws))
    assert "noch nicht bewertet" in _text(blocks)


def test_after_sales_explains_the_term_and_its_purpose(sample: Context) -> None:
    text = _text(massnahmen.after_sales(sample))
    for word in ("After-Sales-Management", "Nachkauf-Dissonanz", "Danke sagen",
                 "Feedback einholen", "Mitbewerber", "Weiterempfehlung"):
        assert word in text, word


@pytest.mark.parametrize(("locale", "shown", "hidden"), [
    ("de-CH", ["Schweiz", "UWG Art. 3 Abs. 1 lit. o"], ["Österreich", "Deutschland"]),
    ("de-DE", ["Deutschland", "§ 7 Abs. 3 UWG", "Double-Opt-in"], ["Schweiz", "Österreich"]),
    ("de-AT", ["Österreich", "TKG 2021 § 174", "ECG-Liste"], ["Schweiz", "Deutschland"]),
])
def test_email_consent_shows_the_clients_country(tmp_path, locale: str, shown: list[str],  # type: ignore[no-untyped-def]
                                                 hidden: list[str]) -> None:
    ws = create_workspace(tmp_path / "ws", client="Test AG", locale=locale)
    text = _text(massnahmen.email_consent(Context(workspace=ws)))
    assert "keine Rechtsberatung" in text.replace("Rechtsberatung.", "Rechtsberatung")
    for word in shown:
        assert word in text, (locale, word)
    for word in hidden:
        assert f"**{word}.**" not in text and f"{word}. " not in text.split("Rechtsberatung")[1]


def test_email_consent_in_english_follows_the_clients_country(tmp_path) -> None:  # type: ignore[no-untyped-def]
    english = Context(workspace=Workspace.open(None), language="en")
    text = _text(massnahmen.email_consent(english))
    assert "Switzerland" in text and "not legal advice" in text
    assert "Germany" not in text  # the sample is Swiss; the kit sheet has all three
    ws = create_workspace(tmp_path / "ws", client="Ltd", locale="en", currency="EUR")
    every = _text(massnahmen.email_consent(Context(workspace=ws, language="en")))
    assert all(c in every for c in ("Germany", "Switzerland", "Austria"))


def test_low_effort_answers_the_kit_objections_and_marks_a_package(sample: Context) -> None:
    text = _text(massnahmen.low_effort(sample))
    for said, answer in content.low_effort_page().objections:
        assert content.localized(said, "de", "de-CH") in text
        assert content.localized(answer, "de", "de-CH") in text
    assert "Mit einer Stunde pro Woche" in text
    assert "zuerst für die Faktoren mit dem grössten Handlungsbedarf" in text
    assert text.count("\u2713") >= 2
    assert "Stammkunden-Event" not in text and "Bonussystem" not in text


def test_complaint_procedure_lists_the_five_steps_of_the_checklist(sample: Context) -> None:
    text = _text(kennzahlen.complaint_procedure(sample))
    steps = [s for s in content.checklists()[0].steps if not s.addition]
    assert len(steps) == 5
    for number, step in enumerate(steps, start=1):
        assert f"{number}. **{content.localized(step.title, 'de', 'de-CH')}**" in text
    assert "Festhalten" not in text
    assert "Aktionsplan (Kapitel 6)" in text
    assert kennzahlen.SECTIONS.index("complaint_procedure") == \
        kennzahlen.SECTIONS.index("complaints") + 1


def test_the_action_plan_proposes_the_complaint_procedure() -> None:
    selection = Selection(instruments=(InstrumentChoice("beschwerdemanagement", {}),
                                       InstrumentChoice("bonussystem", {})))
    proposal = propose_actions([], selection, dt.date(2026, 1, 1))
    titles = [a.title for a in proposal.actions]
    assert titles[0].startswith("Reklamationen nach dem Ablauf »Reklamationen lösen«")
    assert "Fakten aufnehmen, dem Kunden glauben" in titles[0]
    assert titles[1] == "Einführen: " + load_catalogue().get("bonussystem").name("de")
    english = propose_actions([], selection, dt.date(2026, 1, 1), language="en")
    assert english.actions[0].title.startswith("Handle complaints following the procedure")


def _captive(tmp_path) -> Context:  # type: ignore[no-untyped-def]
    ws = create_workspace(tmp_path / "ws", client="Test AG", locale="de-DE")
    store = AnswerStore(ws)
    six = store.catalogue("sechs_faktoren")
    store.update("sechs_faktoren", answers=dict.fromkeys(six.item_keys, 1))
    barriers = store.catalogue("wechselbarrieren")
    store.update("wechselbarrieren", answers=dict.fromkeys(barriers.item_keys, 5))
    return Context(workspace=ws)


def test_partnership_offers_both_readings_of_high_lock_in(sample: Context, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = _text(gebundenheit.partnership(sample))
    for word in ("Gefangen", "taktischen Kundenbindung", "gemeinsame Produkt-",
                 "Messeauftritt", "Clienting", "Geffroy"):
        assert word in text, word
    assert gebundenheit.SECTIONS.index("partnership") == \
        gebundenheit.SECTIONS.index("portfolio") + 1
    captive = _text(gebundenheit.partnership(_captive(tmp_path)))
    assert "Ihr Feld »Gefangene Kunden« heißt" in captive
    assert "Partnerschaft ersetzen" in captive


def test_catalogue_has_the_partnership_rows() -> None:
    cat = load_catalogue()
    for key in ("kooperation", "partnerschaft_clienting"):
        item = cat.get(key)
        assert (item.binding, item.binding_kind) == ("gebundenheit", "taktisch")
    assert "Clienting" in cat.get("partnerschaft_clienting").name("de")


def test_overview_agenda_is_the_kits_half_day_agenda(sample: Context) -> None:
    """One source: chapter 00 shows the kit's half-day blocks, 210 minutes = 3:30 h."""
    blocks = ueberblick.agenda(sample)
    text = _text(blocks)
    plan = content.agenda("half")
    assert sum(b.minutes for b in plan.blocks) == 210
    assert "Halbtag, 3:30 h" in text
    for slot in content.schedule(plan):
        assert f"{slot.start:%H:%M}–{slot.end:%H:%M}" in text
        assert content.localized(slot.block.title, "de", "de-CH") in text
    assert "3 Stunden" not in text
