"""Forms: setting widget values saves JSON immediately; reopening shows the latest answers."""

from __future__ import annotations

import datetime as dt
import json

from kbworkbook.forms import DONT_KNOW, QuestionnaireForm
from kbworkbook.store import AnswerStore


class Clock:
    def __init__(self) -> None:
        self.t = dt.datetime(2025, 3, 12, 9, 0)

    def __call__(self) -> dt.datetime:
        self.t += dt.timedelta(seconds=30)
        return self.t


def saved(tmp_path, qid):
    files = sorted((tmp_path / "answers" / qid).glob("*.json"))
    return [json.loads(f.read_text(encoding="utf-8")) for f in files]


def test_widget_values_are_saved_immediately(tmp_path):
    form = QuestionnaireForm(AnswerStore(tmp_path, now=Clock()), "sechs_faktoren")
    assert form.progress_text == "0 von 31 beantwortet"
    assert saved(tmp_path, "sechs_faktoren") == []  # nothing written by merely opening
    form.rows["F1.1"].choice.value = 4
    assert saved(tmp_path, "sechs_faktoren")[0]["answers"] == {"F1.1": 4}
    form.rows["F2.6"].choice.value = DONT_KNOW
    form.rows["F2.6"].comment.value = "Samstags <lange> Schlange"
    form.importance["F2"].value = 5
    data = saved(tmp_path, "sechs_faktoren")[0]
    assert data["answers"] == {"F1.1": 4, "F2.6": None}
    assert data["comments"] == {"F2.6": "Samstags <lange> Schlange"}
    assert data["importance"] == {"F2": 5}
    assert form.progress_text == "2 von 31 beantwortet"
    form.rows["F1.1"].choice.value = None  # deselect = unanswered again
    assert saved(tmp_path, "sechs_faktoren")[0]["answers"] == {"F2.6": None}


def test_progress_counts_twelve_of_31(tmp_path):
    form = QuestionnaireForm(AnswerStore(tmp_path, now=Clock()), "sechs_faktoren")
    for key in list(form.rows)[:12]:
        form.rows[key].choice.value = 3
    assert form.progress_text == "12 von 31 beantwortet"
    english = QuestionnaireForm(AnswerStore(tmp_path), "sechs_faktoren", language="en")
    assert english.progress_text == "12 of 31 answered"


def test_reopening_shows_latest_answers_without_saving(tmp_path):
    store = AnswerStore(tmp_path, now=Clock())
    store.update("sechs_faktoren", answers={"F1.1": 5, "F3.2": None},
                 comments={"F1.1": "top"}, importance={"F1": 4})
    before = saved(tmp_path, "sechs_faktoren")
    form = QuestionnaireForm(AnswerStore(tmp_path), "sechs_faktoren")  # "kernel restart"
    assert form.rows["F1.1"].choice.value == 5
    assert form.rows["F3.2"].choice.value == DONT_KNOW
    assert form.rows["F1.2"].choice.value is None
    assert form.rows["F1.1"].comment.value == "top"
    assert form.importance["F1"].value == 4
    assert saved(tmp_path, "sechs_faktoren") == before


def test_new_assessment_button_starts_new_file_and_clears_form(tmp_path):
    clock = Clock()
    form = QuestionnaireForm(AnswerStore(tmp_path, now=clock), "sechs_faktoren")
    form.rows["F1.1"].choice.value = 2
    clock.t = dt.datetime(2025, 11, 20, 14, 0)
    form.new_button.click()
    assert form.rows["F1.1"].choice.value is None
    form.rows["F1.1"].choice.value = 5
    first, second = saved(tmp_path, "sechs_faktoren")
    assert first["answers"] == {"F1.1": 2}
    assert second["answers"] == {"F1.1": 5}
    assert second["started"].startswith("2025-11-20")


def test_management_check_and_text_forms(tmp_path):
    store = AnswerStore(tmp_path, now=Clock())
    mc = QuestionnaireForm(store, "management_check")
    assert [label for label, _ in mc.rows["info.1"].choice.options] == [
        "ja", "teilweise", "nein", "weiss nicht"]
    mc.rows["info.1"].choice.value = "teilweise"
    assert saved(tmp_path, "management_check")[0]["answers"] == {"info.1": "teilweise"}
    de = QuestionnaireForm(store, "management_check", locale="de-DE")
    assert de.rows["info.1"].choice.options[-1][0] == "weiß nicht"
    canvas = QuestionnaireForm(store, "positionierung")
    canvas.rows["warum"].choice.value = "Weil gutes Brot Zeit braucht"
    assert saved(tmp_path, "positionierung")[0]["answers"] == {
        "warum": "Weil gutes Brot Zeit braucht"}
    assert canvas.rows["warum"].comment is None


def test_on_save_callback_gets_the_saved_assessment(tmp_path):
    seen = []
    form = QuestionnaireForm(AnswerStore(tmp_path, now=Clock()), "kontaktpunkte",
                             on_save=lambda a: seen.append(dict(a.answers)))
    form.rows["CX.beratung"].choice.value = 4
    assert seen == [{"CX.beratung": 4}]
    assert "Gespeichert" in form.status.value


def _texts(widget) -> list[str]:  # type: ignore[no-untyped-def]
    """The HTML of every HTML widget below ``widget``, in display order."""
    import ipywidgets as widgets

    if isinstance(widget, widgets.HTML):
        return [widget.value]
    return [text for child in getattr(widget, "children", ()) for text in _texts(child)]


def test_numbered_buttons_come_with_their_scale_words(tmp_path):
    """Buttons "1" … "5" alone left the owner guessing which end is good: every factor shows
    the scale's words above its statements."""
    form = QuestionnaireForm(AnswerStore(tmp_path), "sechs_faktoren", locale="de-CH")
    legend = ("Antworten: 1 = trifft überhaupt nicht zu · 2 = trifft eher nicht zu · "
              "3 = teils/teils · 4 = trifft eher zu · 5 = trifft voll und ganz zu · "
              "»weiss nicht«, wenn Sie es nicht einschätzen können")
    texts = _texts(form.widget)
    assert sum(legend in text for text in texts) == len(form.catalogue.factors) == 6
    for factor in form.catalogue.factors:  # the legend sits right above the factor's first row
        first = factor.items[0].label("de")
        position = next(i for i, t in enumerate(texts) if first in t)
        assert legend in texts[position - 1]
    english = QuestionnaireForm(AnswerStore(tmp_path), "kontaktpunkte", language="en")
    assert english.scale_legend() is not None
    assert "1 = very poor · 2 = poor · 3 = fair · 4 = good · 5 = very good" in \
        english.scale_legend()
    # yes/partly/no buttons carry their words already
    assert QuestionnaireForm(AnswerStore(tmp_path), "management_check").scale_legend() is None
