"""Free-text scrubbing: contact data typed into comments never reaches a report (issue 15, #7).

Worked examples with exact expected output, then properties over generated CH/DE/AT phone
numbers, IBANs, e-mail addresses and street addresses embedded in arbitrary text.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook._bundled import package_path
from kbworkbook.scrub import CONTACT_KINDS, privacy_note, scrub, scrub_text

# -- worked examples ------------------------------------------------------------------------------

EXAMPLES = [
    ("Bitte Frau Keller anrufen: 079 123 45 67.",
     "Bitte Frau [Name entfernt] anrufen: [Telefon entfernt].", {"name", "phone"}),
    ("Rückruf +41 79 123 45 67 / 0041 44 123 45 67",
     "Rückruf [Telefon entfernt] / [Telefon entfernt]", {"phone"}),
    ("Berlin: +49 (0)30 1234567, (030) 123 45 67, 030/1234567",
     "Berlin: [Telefon entfernt], [Telefon entfernt], [Telefon entfernt]", {"phone"}),
    ("Wien 0664-1234567 oder +43 1 234 56 78", "Wien [Telefon entfernt] oder [Telefon entfernt]",
     {"phone"}),
    # 14 digits after the international prefix 00 (found by hypothesis)
    ("Heidelberg 0049 6221 00000000", "Heidelberg [Telefon entfernt]", {"phone"}),
    ("Schreibt an anna.keller@example.ch oder info (at) baeckerei-muster.ch",
     "Schreibt an [E-Mail entfernt] oder [E-Mail entfernt]", {"email"}),
    ("Gutschrift auf CH93 0076 2011 6238 5295 7 (Kundin)",
     "Gutschrift auf [IBAN entfernt] (Kundin)", {"iban"}),
    ("DE89370400440532013000 und AT61 1904 3002 3457 3201",
     "[IBAN entfernt] und [IBAN entfernt]", {"iban"}),
    ("Lieferung an Bahnhofstrasse 12, 8001 Zürich, bitte klingeln",
     "Lieferung an [Adresse entfernt], bitte klingeln", {"address"}),
    ("Wohnt Zürcher Strasse 5a, früher Lindenweg 3-5 und Rue du Lac 4",
     "Wohnt [Adresse entfernt], früher [Adresse entfernt] und [Adresse entfernt]", {"address"}),
    ("Stammkundin aus D-10115 Berlin", "Stammkundin aus [Adresse entfernt]", {"address"}),
    ("Herr M., Hauptstr. 7, Tel. 044 123 45 67, max@muster.de",
     "Herr [Name entfernt], [Adresse entfernt], Tel. [Telefon entfernt], [E-Mail entfernt]",
     {"name", "address", "phone", "email"}),
    # personal names: after a title (kept), or starting with a common first name
    ("Anna Keller war sehr freundlich, Frau Bühlmann weniger.",
     "[Name entfernt] war sehr freundlich, Frau [Name entfernt] weniger.", {"name"}),
    ("Herr Dr. Hans-Peter von Arx und Familie Huber-Meier",
     "Herr Dr. [Name entfernt] und Familie [Name entfernt]", {"name"}),
    ("Anna Maria Keller Huber, Anna K. und Mrs Smith lobten Luca.",
     "[Name entfernt], [Name entfernt] und Mrs [Name entfernt] lobten [Name entfernt].",
     {"name"}),
    ("Lob für Ayşe Yılmaz und Céline", "Lob für [Name entfernt] und [Name entfernt]", {"name"}),
]

UNCHANGED = [
    "Samstagmorgen oft lange Schlange an der Theke.",
    "Bis 01.03.2026 erledigen; Termin 31.03.2026 / 30.06.2026.",
    "Im Jahr 2025 kamen 300 neue Kunden, 12 % mehr als 2024.",
    "Umsatz CHF 1'200.50, Rabatt 0.5 %, Bonus 0,04 je Franken.",
    "Öffnungszeiten 07:00-18:30, Kundenkarte 4711, Filiale 3.",
    "Faktor F2 mindestens 70; NPS +40 und 100 Antworten pro Quartal.",
    "Verantwortlich: Filialleitung",
    # not names: a noun after Frau, words that start like a name, month and money abbreviations
    "Die Frau an der Kasse, im Ernst, Annahme am 15. Jan. 2025, Fr. 20.50 bezahlt.",
    "Paulaner, Evaluation, Marktplatz, Rosen und Heidelbeeren; Herren-Schuhe",
]


@pytest.mark.parametrize(("text", "expected", "kinds"), EXAMPLES)
def test_worked_examples(text: str, expected: str, kinds: set[str]) -> None:
    result = scrub(text)
    assert result.text == expected
    assert result.found == kinds and result.changed


@pytest.mark.parametrize("text", UNCHANGED)
def test_ordinary_text_dates_and_amounts_stay(text: str) -> None:
    result = scrub(text)
    assert result.text == text and not result.changed


def test_contact_kinds_keep_names() -> None:
    text = "Anna Keller, 079 123 45 67"
    assert scrub_text(text, kinds=CONTACT_KINDS) == "Anna Keller, [Telefon entfernt]"
    assert scrub_text(text) == "[Name entfernt], [Telefon entfernt]"


def test_english_placeholders_and_notes() -> None:
    assert scrub_text("call 079 123 45 67", "en") == "call [phone removed]"
    assert privacy_note({"email", "phone"}) == (
        "Datenschutz: In frei eingegebenen Texten wurden E-Mail-Adressen und Telefonnummern "
        "für diesen Bericht unkenntlich gemacht; der Arbeitsordner enthält den Originaltext.")
    assert privacy_note({"iban"}, "en").startswith("Privacy: IBANs in typed text were masked")
    assert privacy_note(set()) == ""


# -- the audit's cases: realistic CH/DE/AT numbers in a sentence, nothing of them left visible ---

SENTENCE_PHONES = [
    "+41 79 123 45 67", "079 123 45 67", "0041791234567", "+49 (0)30 1234567", "030/1234567",
    "+43 664 1234567", "(+41) 79 123 45 67", "079 / 123 45 67", "+49 (0)30 / 123 45 67",
    "089 / 12 34 56", "+41 (0) 44 668 18 00", "+41-79-123-45-67", "0043 664 123 45 67",
]
SENTENCE_IBANS = [
    "CH93 0076 2011 6238 5295 7", "CH9300762011623852957", "DE89 3704 0044 0532 0130 00",
    "DE89370400440532013000", "AT61 1904 3002 3457 3201", "AT611904300234573201",
    "CH 93 0076 2011 6238 5295 7", "CH93  0076 2011 6238 5295 7", "CH93-0076-2011-6238-5295-7",
    "CH93\u00a00076\u00a02011\u00a06238\u00a05295\u00a07",
]
SENTENCES = [
    "Bitte rufen Sie mich unter {} zurück, danke.",
    "Gutschrift an {}. Ich warte seit Wochen!",
    "{} (abends erreichbar)",
    "Meine Angaben: {}",
]


@pytest.mark.parametrize("sentence", SENTENCES)
@pytest.mark.parametrize(("value", "kind"), [(p, "phone") for p in SENTENCE_PHONES]
                         + [(i, "iban") for i in SENTENCE_IBANS])
def test_phone_and_iban_in_a_sentence_are_masked_whole(sentence: str, value: str,
                                                        kind: str) -> None:
    result = scrub(sentence.format(value))
    assert kind in result.found
    # the sentences hold no digits of their own: any digit left is part of the number
    assert not re.search(r"\d", result.text), result.text
    assert result.text == sentence.format("[Telefon entfernt]" if kind == "phone"
                                          else "[IBAN entfernt]")


@pytest.mark.parametrize(("text", "expected"), [
    # two numbers in a row (found by hypothesis: 20 digits were read as no phone at all)
    ("Preis 079 123 45 67 079 123 45 67", "Preis [Telefon entfernt] [Telefon entfernt]"),
    ("Ruf an 079 123 45 67 12.03.2025", "Ruf an [Telefon entfernt] 12.03.2025"),
    # two IBANs in a row, an IBAN before a name (the capital F was eaten by the IBAN)
    ("CH93 0076 2011 6238 5295 7 CH93 0076 2011 6238 5295 7",
     "[IBAN entfernt] [IBAN entfernt]"),
    ("DE89370400440532013000 AT611904300234573201", "[IBAN entfernt] [IBAN entfernt]"),
    ("Auf CH93 0076 2011 6238 5295 7 Frau Huber", "Auf [IBAN entfernt] Frau [Name entfernt]"),
    # one digit too many is a typo of the same IBAN, masked with it
    ("IBAN CH93 0076 2011 6238 5295 77 bitte", "IBAN [IBAN entfernt] bitte"),
])
def test_numbers_in_a_row_are_each_masked_whole(text: str, expected: str) -> None:
    assert scrub_text(text) == expected


@pytest.mark.parametrize("text", [
    "Am 12.03.2025 kostete das Brot CHF 4.50, 2024 waren es 4.20.",
    "Seit 2015 Kundin, am 2000-01-01 CHF 1000.00 bezahlt, 3x im Monat.",
    "Rechnung Nr. 2024-00123 vom 01.02.26 über EUR 1.234,56; Öffnungszeiten 08.00-12.00 Uhr.",
    "Termin 14:30, Filiale 8001, Jahrgang 1990, 25 % Rabatt.",
])
def test_dates_prices_and_years_next_to_numbers_stay(text: str) -> None:
    assert scrub_text(text) == text


# -- generators -----------------------------------------------------------------------------------

digits = st.text(alphabet=string.digits, min_size=1, max_size=1)


def _groups(number: str, sizes: list[int], sep: str) -> str:
    parts, i = [], 0
    for size in sizes:
        parts.append(number[i:i + size])
        i += size
    parts.append(number[i:])
    return sep.join(p for p in parts if p)


@st.composite
def swiss_phone(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(["21", "31", "41", "44", "52", "61", "71", "76", "77", "78",
                                 "79", "81", "91"]))
    sub = draw(st.text(alphabet=string.digits, min_size=7, max_size=7))
    sep = draw(st.sampled_from([" ", "-", ".", "/"]))
    local = _groups(sub, [3, 2], sep)
    return draw(st.sampled_from([
        f"0{area} {local}", f"+41 {area} {local}", f"0041 {area} {local}",
        f"+41 (0){area} {local}", f"0{area}{sub}", f"+41{area}{sub}", f"0{area}{sep}{local}",
        f"(+41) {area} {local}", f"0{area} / {local}",
    ]))


@st.composite
def german_phone(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(["30", "40", "69", "89", "221", "351", "911", "6221", "151",
                                 "160", "171", "176"]))
    sub = draw(st.text(alphabet=string.digits, min_size=9 - 1 - len(area), max_size=8))
    return draw(st.sampled_from([
        f"0{area} {sub}", f"0{area}/{sub}", f"(0{area}) {sub}", f"+49 {area} {sub}",
        f"+49 (0){area} {sub}", f"0049 {area} {sub}", f"0{area}-{sub}", f"0{area} / {sub}",
        f"+49 (0){area} / {sub}",
    ]))


@st.composite
def austrian_phone(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(["1", "316", "512", "662", "664", "676", "699"]))
    sub = draw(st.text(alphabet=string.digits, min_size=max(6, 8 - len(area)), max_size=8))
    return draw(st.sampled_from([f"0{area} {sub}", f"+43 {area} {sub}", f"0{area}/{sub}",
                                 f"+43 {area} {_groups(sub, [3, 2], ' ')}"]))


@st.composite
def iban(draw: st.DrawFn) -> str:
    country, length = draw(st.sampled_from([("CH", 17), ("DE", 18), ("AT", 16), ("LI", 17)]))
    body = draw(st.text(alphabet=string.digits, min_size=length + 2, max_size=length + 2))
    compact = country + body
    sep = draw(st.sampled_from([" ", "  ", "-", "\u00a0"]))
    spaced = sep.join(compact[i:i + 4] for i in range(0, len(compact), 4))
    return draw(st.sampled_from([compact, spaced, f"{country} {body}"]))


emails = st.builds(
    lambda user, domain, tld: f"{user}@{domain}.{tld}",
    st.from_regex(r"[a-z][a-z0-9._-]{0,12}[a-z0-9]", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z]", fullmatch=True),
    st.sampled_from(["ch", "de", "at", "com", "swiss", "info"]),
)

addresses = st.builds(
    lambda stem, suffix, number, letter, town: f"{stem}{suffix} {number}{letter}{town}",
    st.sampled_from(["Bahnhof", "Linden", "Kirch", "See", "Schul", "Dorf", "Haupt", "Berg",
                     "Post", "Markt", "Rosen"]),
    st.sampled_from(["strasse", "straße", "str.", "gasse", "weg", "platz", "allee", "ring"]),
    st.integers(1, 299),
    st.sampled_from(["", "a", "b"]),
    st.sampled_from(["", ", 8001 Zürich", ", 3011 Bern", " 10115 Berlin", ", 1010 Wien"]),
)

#: Filler text that cannot form contact data or a name on its own: no digits, no @, no
#: brackets, no capital letters.
filler = st.text(alphabet=string.ascii_lowercase + "äöüß .,;:!?", max_size=30)

_FIRST = tomllib.loads(package_path("scrub_names.toml").read_text(encoding="utf-8"))[
    "first_names"]
names = st.builds(
    lambda title, first, surname: f"{title}{first}{surname}",
    st.sampled_from(["", "Frau ", "Herr ", "Herr Dr. ", "Familie "]),
    st.sampled_from(_FIRST),
    st.sampled_from(["", " Keller", " Müller-Lüdenscheidt", " von Arx", " K.", " Yılmaz"]),
)

contact = st.one_of(
    swiss_phone().map(lambda t: ("phone", t)),
    german_phone().map(lambda t: ("phone", t)),
    austrian_phone().map(lambda t: ("phone", t)),
    iban().map(lambda t: ("iban", t)),
    emails.map(lambda t: ("email", t)),
    addresses.map(lambda t: ("address", t)),
    names.map(lambda t: ("name", t)),
)


# -- properties ---------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(before=filler, item=contact, after=filler)
def test_contact_data_in_any_text_is_masked(before: str, item: tuple[str, str],
                                            after: str) -> None:
    kind, value = item
    result = scrub(f"{before} {value} {after}")
    assert value not in result.text
    if kind == "name":  # neither the first name nor the surname survives
        for word in re.sub(r"^(Frau|Herr|Familie|Dr\.) ", "", value).split():
            if word not in {"Dr.", "von"}:
                assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", result.text)
    assert kind in result.found
    # not even the digits survive in a row (a phone without its spaces, an IBAN's account)
    run = re.sub(r"\D", "", value)
    if len(run) >= 6:
        assert run not in re.sub(r"\D", "", result.text)


@settings(max_examples=200, deadline=None)
@given(text=filler)
def test_text_without_digits_or_at_sign_is_unchanged(text: str) -> None:
    result = scrub(text)
    assert result.text == text and result.found == frozenset()


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=80))
def test_scrubbing_is_idempotent(text: str) -> None:
    once = scrub(text)
    twice = scrub(once.text)
    assert twice.text == once.text and not twice.changed


@settings(max_examples=200, deadline=None)
@given(day=st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)),
       amount=st.decimals(0, 100000, places=2, allow_nan=False, allow_infinity=False),
       count=st.integers(0, 99999))
def test_dates_amounts_and_counts_are_kept(day: dt.date, amount: object, count: int) -> None:
    text = (f"Termin {day:%d.%m.%Y}, am {day.isoformat()} CHF {amount} bezahlt, "
            f"{count} Kunden.")
    assert scrub_text(text) == text


# -- in the report's views: masked on the page, original kept in the workspace ---------------------


@pytest.fixture()
def ws(tmp_path):  # type: ignore[no-untyped-def]
    from kbworkbook.workspace import create_workspace

    return create_workspace(tmp_path / "kunde", "Muster AG")


def _page(blocks) -> str:  # type: ignore[no-untyped-def]
    return "".join(getattr(b, "data", "") or "" for b in blocks)


def test_questionnaire_comments_and_free_text_are_masked_on_the_page(ws) -> None:  # type: ignore[no-untyped-def]
    from kbworkbook.chapters.questionnaire import static_view
    from kbworkbook.notebook import Context
    from kbworkbook.store import AnswerStore

    store = AnswerStore(ws)
    store.update("sechs_faktoren", answers={"F1.1": 4},
                 comments={"F1.1": "Frau Keller ruft an: 079 123 45 67"})
    store.set("positionierung", "warum", "Fragen an anna.keller@example.ch")
    ctx = Context(workspace=ws, language="de")
    page = _page(static_view(ctx, "sechs_faktoren"))
    assert "079 123 45 67" not in page and "Keller" not in page
    assert "Frau [Name entfernt] ruft an: [Telefon entfernt]" in page
    assert ("Datenschutz: In frei eingegebenen Texten wurden Telefonnummern und Personennamen"
            in page)
    canvas = _page(static_view(ctx, "positionierung"))
    assert "anna.keller" not in canvas and "[E-Mail entfernt]" in canvas
    assert "E-Mail-Adressen" in canvas
    # the workspace keeps what was typed
    assert store.latest("sechs_faktoren").comments["F1.1"].endswith("079 123 45 67")
    # nothing to mask: no note
    store.set_comment("sechs_faktoren", "F1.1", "Stammkunden kennen wir beim Namen")
    assert "Datenschutz" not in _page(static_view(ctx, "sechs_faktoren"))


def test_action_plan_owner_and_target_are_masked_in_chapter_and_index(ws) -> None:  # type: ignore[no-untyped-def]
    from kbworkbook.chapters import aktionsplan
    from kbworkbook.notebook import Context
    from kbworkbook.plan import Action, ActionPlan, load_action_plan, save_action_plan

    save_action_plan(ws, ActionPlan((
        Action("Rückruf organisieren", owner="Max Muster, max@muster.ch",
               target="Frau Bühlmann an der Bahnhofstrasse 12 bis Ende März besuchen"),)))
    ctx = Context(workspace=ws, language="de", as_of=dt.date(2025, 12, 31))
    index = aktionsplan.summary_html(ctx)
    chapter = _page(aktionsplan.action_plan(ctx))
    for page in (index, chapter):
        assert "max@muster.ch" not in page and "Bahnhofstrasse 12" not in page
        # the owner field names staff on purpose: the name stays, the contact data goes
        assert "Max Muster, [E-Mail entfernt]" in page and "[Adresse entfernt]" in page
        assert "Bühlmann" not in page and "Frau [Name entfernt] an der" in page
        assert "Datenschutz" in page
    saved = load_action_plan(ws)
    assert saved is not None and saved.actions[0].owner == "Max Muster, max@muster.ch"


def test_complaint_categories_are_masked(ws) -> None:  # type: ignore[no-untyped-def]
    from kbworkbook.chapters import kennzahlen
    from kbworkbook.notebook import Context

    (ws.data_dir / "complaints.csv").write_text(
        "Datum;Kategorie;Erledigt;Zufrieden\n"
        "04.02.2025;Falsche Bestellung;ja;ja\n"
        "05.02.2025;Rückruf an 044 123 45 67;ja;nein\n"
        "06.02.2025;Lieferung Bahnhofstrasse 12 vergessen;nein;nein\n"
        "07.02.2025;Falsche Bestellung;nein;nein\n", encoding="utf-8")
    page = _page(kennzahlen.complaints(Context(workspace=ws, language="de")))
    assert "044 123 45 67" not in page and "Rückruf an [Telefon entfernt]" in page
    assert "Bahnhofstrasse 12" not in page and "Lieferung [Adresse entfernt] vergessen" in page
    assert "Falsche Bestellung" in page and "Datenschutz" in page


def test_hand_edit_messages_mask_what_they_quote(ws) -> None:  # type: ignore[no-untyped-def]
    import json as json_module

    from kbworkbook.plan import Action, ActionPlan, load_action_plan, save_action_plan

    saved = save_action_plan(ws, ActionPlan((Action("Rückruf"),)))
    assert saved.path is not None
    data = json_module.loads(saved.path.read_text(encoding="utf-8"))
    data["actions"][0]["due"] = "nach Anruf 079 123 45 67"
    saved.path.write_text(json_module.dumps(data), encoding="utf-8")
    plan = load_action_plan(ws)
    assert plan is not None and "079 123" not in plan.problems[0]
    assert "[Telefon entfernt]" in plan.problems[0]
