"""The guided positioning questionnaire: lists to tick, their storage, form and sharpness checks.

Worked examples follow seed 003 (»du kannst es nicht allen recht machen«): five checks –
Golden Circle written, best customers described, customers not to serve named, one to three
USP points, one to five values.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest

from kbworkbook.errors import QuestionnaireError
from kbworkbook.forms import QuestionnaireForm
from kbworkbook.questionnaires import load_catalogue, load_catalogue_file
from kbworkbook.questionnaires._sample_answers import ASSESSMENTS
from kbworkbook.questionnaires.positioning import list_answer, positioning_summary
from kbworkbook.store import AnswerStore

CATALOGUE = load_catalogue("positionierung")
FULL = {"warum": "Gutes Brot braucht Zeit.", "wie": "Lange Teigführung.", "was": "Brot.",
        "beste_kunden": "Berufstätige am Morgen.", "nicht_bedienen": "Schnäppchenjäger.",
        "usp": ["qualitaet", "Sauerteig"], "werte": ["handwerk"]}


class Clock:
    def __init__(self) -> None:
        self.t = dt.datetime(2025, 3, 12, 9, 0)

    def __call__(self) -> dt.datetime:
        self.t += dt.timedelta(seconds=30)
        return self.t


def test_catalogue_has_the_usp_and_values_lists_with_their_limits() -> None:
    usp, values = CATALOGUE.item("usp"), CATALOGUE.item("werte")
    assert (usp.type, usp.max, values.type, values.max) == ("choices", 3, "choices", 5)
    assert "qualitaet" in usp.option_keys and "ehrlichkeit" in values.option_keys
    assert usp.option_label("qualitaet") == "Qualität des Produkts"
    assert usp.option_label("Sauerteig") == "Sauerteig"  # an own entry stays as typed
    assert CATALOGUE.item("nicht_bedienen").type == "text"
    swiss = CATALOGUE.for_locale("de-CH")
    assert swiss.item("usp").option_label("individuell") == "Individuelle Lösungen, Massanfertigung"


def test_all_five_checks_met() -> None:
    summary = positioning_summary(CATALOGUE, FULL)
    assert [c.key for c in summary.checks] == ["golden_circle", "beste_kunden", "nicht_bedienen",
                                               "usp", "werte"]
    assert summary.met == 5 and summary.share == 1.0
    assert summary.check("usp").count == 2 and summary.check("usp").limit == 3
    assert summary.answered == 7 and summary.total == len(CATALOGUE.items) == 11


def test_sample_bakery_names_four_usp_points_so_four_of_five_checks_are_met() -> None:
    """The sample answers tick three USP options and add one of their own: 4 > 3."""
    answers = next(a[2] for a in ASSESSMENTS if a[0] == "positionierung")
    summary = positioning_summary(CATALOGUE, answers)
    usp = summary.check("usp")
    assert (usp.state, usp.count, usp.met) == ("too_many", 4, False)
    assert summary.check("werte").state == "ok" and summary.check("werte").count == 3
    assert summary.met == 4 and summary.share == pytest.approx(0.8)
    assert summary.answered == summary.total == 11


def test_missing_and_blank_answers_leave_checks_open() -> None:
    answers = {**FULL, "wie": "   ", "nicht_bedienen": "", "werte": []}
    summary = positioning_summary(CATALOGUE, answers)
    assert {c.key: c.state for c in summary.checks} == {
        "golden_circle": "missing", "beste_kunden": "ok", "nicht_bedienen": "missing",
        "usp": "ok", "werte": "missing"}
    assert summary.met == 2
    empty = positioning_summary(CATALOGUE, {})
    assert empty.met == 0 and empty.answered == 0 and len(empty.checks) == 5


def test_a_workspace_catalogue_without_the_lists_has_only_its_text_checks(tmp_path: Path) -> None:
    path = tmp_path / "positionierung.toml"
    path.write_text('id = "positionierung"\nkind = "text"\ntitle = "P"\n'
                    '[[factors]]\nkey = "z"\nde = "Z"\n'
                    '[[factors.items]]\nkey = "nicht_bedienen"\nde = "Wen nicht?"\n',
                    encoding="utf-8")
    summary = positioning_summary(load_catalogue_file(path), {"nicht_bedienen": "Niemand"})
    assert [c.key for c in summary.checks] == ["nicht_bedienen"] and summary.met == 1
    none = positioning_summary(load_catalogue_file(path).__class__(
        id="x", kind="text", title={"de": "x"}, factors=(), scale=CATALOGUE.scale), {})
    assert none.checks == () and math.isnan(none.share)


def test_list_answer_ignores_blank_entries_and_non_lists() -> None:
    assert list_answer(["a", " ", "b "]) == ("a", "b")
    assert list_answer("a") == () and list_answer(None) == ()


@pytest.mark.parametrize(("body", "message"), [
    ('type = "auswahl"', "»type« = »auswahl« ist unbekannt"),
    ('type = "choices"', "»options« fehlt"),
    ('type = "choices"\nmax = 0\noptions = [{key = "a", de = "A"}]', "»max« muss eine ganze Zahl"),
    ('max = 2', "»max« gibt es nur bei type = \"choices\""),
    ('type = "choices"\noptions = [{key = "a", de = "A"}, {key = "a", de = "B"}]',
     "doppelt"),
])
def test_broken_choice_items_are_named(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text('id = "p"\nkind = "text"\ntitle = "P"\n[[factors]]\nkey = "z"\nde = "Z"\n'
                    f'[[factors.items]]\nkey = "liste"\nde = "Liste"\n{body}\n',
                    encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="p.toml, Faktor »z«, Aussage »liste«") as err:
        load_catalogue_file(path)
    assert message in str(err.value)


def test_choices_only_in_free_text_catalogues(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('id = "p"\nkind = "rating"\ntitle = "P"\n[[factors]]\nkey = "z"\nde = "Z"\n'
                    '[[factors.items]]\nkey = "l"\nde = "L"\ntype = "choices"\n'
                    'options = [{key = "a", de = "A"}]\n', encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="nur in Fragebögen mit kind = \"text\""):
        load_catalogue_file(path)


def test_store_keeps_a_list_answer_trimmed_and_refuses_text(tmp_path: Path) -> None:
    store = AnswerStore(tmp_path, now=Clock())
    saved = store.set("positionierung", "usp", ["qualitaet", " Sauerteig ", "", "qualitaet"])
    assert saved.answers["usp"] == ["qualitaet", "Sauerteig"]
    with pytest.raises(QuestionnaireError, match="bitte eine Liste von Einträgen"):
        store.set("positionierung", "usp", "qualitaet")
    with pytest.raises(QuestionnaireError, match="bitte Text eingeben"):
        store.set("positionierung", "warum", ["a"])


def test_form_ticks_and_own_entries_are_saved_as_one_list(tmp_path: Path) -> None:
    store = AnswerStore(tmp_path, now=Clock())
    form = QuestionnaireForm(store, "positionierung")
    row = form.rows["usp"]
    assert row.checks is not None and list(row.checks) == list(CATALOGUE.item("usp").option_keys)
    row.checks["beratung"].value = True
    row.choice.value = "Sonntags offen; Lieferung ins Büro"
    row.checks["qualitaet"].value = True
    files = sorted((tmp_path / "answers" / "positionierung").glob("*.json"))
    answers = json.loads(files[-1].read_text(encoding="utf-8"))["answers"]
    assert answers == {"usp": ["qualitaet", "beratung", "Sonntags offen", "Lieferung ins Büro"]}
    reopened = QuestionnaireForm(store, "positionierung")
    again = reopened.rows["usp"]
    assert again.checks is not None and again.checks["beratung"].value
    assert not again.checks["preis"].value
    assert again.choice.value == "Sonntags offen; Lieferung ins Büro"
    for box in again.checks.values():
        box.value = False
    again.choice.value = ""
    assert "usp" not in store.latest("positionierung").answers  # type: ignore[union-attr]
