"""Hand-edited plan and selection files are reported, never dropped (issue 15, defect 3).

Before: ``"due": "31.03.2026"`` or ``"600 CHF"`` made the whole saved version vanish (an older
one, or none, was shown without a word), and ``"actions": ["text"]`` crashed ``write_index``
with an AttributeError, leaving no ``index.html``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from kbworkbook.chapters import aktionsplan, massnahmen
from kbworkbook.notebook import Context
from kbworkbook.plan import (
    Action,
    ActionPlan,
    InstrumentChoice,
    Selection,
    load_action_plan,
    load_selection,
    save_action_plan,
    save_selection,
)
from kbworkbook.report import ReportResult, write_index
from kbworkbook.workspace import Workspace, create_workspace

T0 = dt.datetime(2026, 1, 15, 10, 30, 0)
PLAN = ActionPlan((
    Action("Stempelkarte einführen", "instrument:bonussystem", "Inhaber", dt.date(2026, 2, 28),
           "repeat_purchase_rate", "Wiederkaufrate +3 Pp."),
    Action("Zweite Kasse samstags", "factor:F2", "Filialleitung", dt.date(2026, 3, 31),
           "factor_score", "Faktor F2 mindestens 70"),
))


@pytest.fixture()
def ws(tmp_path: Path) -> Workspace:
    return create_workspace(tmp_path / "kunde", "Muster AG")


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _html(blocks: list[Any]) -> str:
    return "".join(getattr(b, "data", "") or "" for b in blocks)


def _ctx(ws: Workspace) -> Context:
    return Context(workspace=ws, language="de", as_of=dt.date(2025, 12, 31))


def test_german_date_in_due_names_file_field_and_expectation(ws: Workspace) -> None:
    older = save_action_plan(ws, ActionPlan(PLAN.actions[:1]), now=T0)
    saved = save_action_plan(ws, PLAN, now=T0 + dt.timedelta(days=1))
    assert older.path is not None and saved.path is not None
    _edit(saved.path, lambda d: d["actions"][1].update(due="31.03.2026"))
    plan = load_action_plan(ws)
    assert plan is not None and plan.path == saved.path  # not the older version
    assert [a.title for a in plan.actions] == [a.title for a in PLAN.actions]
    assert plan.actions[1].due is None and plan.actions[0].due == dt.date(2026, 2, 28)
    [problem] = plan.problems
    assert f"aktionsplan/{saved.path.name}" in problem
    assert "Maßnahme 2" in problem and "»due«" in problem and "»31.03.2026«" in problem
    assert "JJJJ-MM-TT" in problem
    # the chapter shows the note and the rest of the plan
    page = _html(aktionsplan.action_plan(_ctx(ws)))
    assert "31.03.2026" in page and "Zweite Kasse samstags" in page and "Stempelkarte" in page
    # … and so does the index's plan summary
    summary = aktionsplan.summary_html(_ctx(ws))
    assert "»due«" in summary and "Zweite Kasse samstags" in summary


def test_amount_with_currency_is_reported_and_the_rest_of_the_selection_shows(
        ws: Workspace) -> None:
    selection = Selection((
        InstrumentChoice("bonussystem", {"einrichtung": 600.0, "bonus": 0.04}, uplift=0.03),
        InstrumentChoice("feedback_nps", {"tool": 240.0}),
    ))
    saved = save_selection(ws, selection, now=T0)
    assert saved.path is not None
    _edit(saved.path, lambda d: d["instruments"][0]["amounts"].update(einrichtung="600 CHF"))
    loaded = load_selection(ws)
    assert loaded is not None and loaded.keys == ("bonussystem", "feedback_nps")
    choice = loaded.choice("bonussystem")
    assert choice is not None and dict(choice.amounts) == {"bonus": 0.04}  # default for the rest
    assert choice.uplift == 0.03
    [problem] = loaded.problems
    assert saved.path.name in problem and "»amounts.einrichtung«" in problem
    assert "»600 CHF«" in problem and "ohne Währung" in problem
    page = _html(massnahmen.selection(_ctx(ws)))
    assert "600 CHF" in page and "ohne Währung" in page
    assert "600 CHF" in aktionsplan.summary_html(_ctx(ws))  # named on the index as well


def test_action_that_is_not_an_object_never_crashes_the_index(ws: Workspace,
                                                              tmp_path: Path) -> None:
    saved = save_action_plan(ws, PLAN, now=T0)
    assert saved.path is not None
    _edit(saved.path, lambda d: d.update(actions=["Kundenkarte drucken", *d["actions"]]))
    plan = load_action_plan(ws)
    assert plan is not None and len(plan.actions) == 2
    assert "Maßnahme 1" in plan.problems[0] and "kein Objekt" in plan.problems[0]
    out = tmp_path / "report"
    out.mkdir()
    result = ReportResult(out_dir=out, index_path=out / "index.html", language="de")
    write_index(result, ws, dt.date(2025, 12, 31), dt.date(2026, 1, 15))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Maßnahme 1" in index and "kein Objekt" in index
    assert "Stempelkarte einführen" in index and "AttributeError" not in index


def test_index_is_written_whatever_a_part_raises(ws: Workspace, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> str:
        raise AttributeError("'str' object has no attribute 'get'")

    monkeypatch.setattr(aktionsplan, "summary_html", broken)
    result = ReportResult(out_dir=tmp_path, index_path=tmp_path / "index.html", language="de")
    write_index(result, ws, None, dt.date(2026, 1, 15))
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Ein Teil dieser Übersicht konnte nicht erstellt werden" in index
    assert "has no attribute" not in index


def test_unreadable_newest_version_falls_back_with_a_note(ws: Workspace) -> None:
    older = save_action_plan(ws, PLAN, now=T0)
    assert older.path is not None
    newer = older.path.with_name("2026-02-01T09-00-00.json")
    newer.write_text('{"kind": "aktionsplan", "actions": [', encoding="utf-8")
    plan = load_action_plan(ws)
    assert plan is not None and plan.path == older.path
    [problem] = plan.problems
    assert newer.name in problem and "nicht lesbar" in problem and older.path.name in problem
    assert newer.read_text(encoding="utf-8") == '{"kind": "aktionsplan", "actions": ['
    page = _html(aktionsplan.action_plan(_ctx(ws)))
    assert newer.name in page


def test_only_unreadable_versions_still_say_so_beside_the_proposal(ws: Workspace) -> None:
    folder = ws.root / "answers" / "aktionsplan"
    folder.mkdir(parents=True)
    (folder / "2026-02-01T09-00-00.json").write_text("kaputt", encoding="utf-8")
    plan = aktionsplan.current_plan(_ctx(ws))
    assert plan.proposed and "2026-02-01T09-00-00.json" in plan.problems[0]


@pytest.mark.parametrize(("change", "expected"), [
    (lambda a: a.update(status="fertig"), "»fertig« ist unbekannt"),
    (lambda a: a.update(notes="bitte Herrn Meier fragen"), "»notes« ist unbekannt"),
    (lambda a: a.update(owner=["Inhaber", "Filialleitung"]), "»owner«: erwartet wird ein Text"),
    (lambda a: a.pop("title"), "»title« fehlt"),
    (lambda a: a.update(due=20260331), "»20260331« ist kein Datum"),
])
def test_every_field_that_does_not_validate_is_named(ws: Workspace, change: Any,
                                                     expected: str) -> None:
    saved = save_action_plan(ws, PLAN, now=T0)
    assert saved.path is not None
    _edit(saved.path, lambda d: change(d["actions"][0]))
    plan = load_action_plan(ws)
    assert plan is not None
    assert any(expected in p and "Maßnahme 1" in p for p in plan.problems), plan.problems
    assert "Zweite Kasse samstags" in [a.title for a in plan.actions]


def test_a_clean_file_has_no_problems(ws: Workspace) -> None:
    save_action_plan(ws, PLAN, now=T0)
    plan = load_action_plan(ws)
    assert plan is not None and plan.problems == () and plan.actions == PLAN.actions


def test_hand_edited_answer_is_named_in_the_chapter_and_the_rest_still_shows(
        ws: Workspace) -> None:
    from kbworkbook.chapters.questionnaire import static_view
    from kbworkbook.store import AnswerStore

    store = AnswerStore(ws)
    saved = store.update("sechs_faktoren", answers={"F1.1": 4, "F1.2": 3, "F2.1": 5})
    _edit(saved.path, lambda d: d["answers"].update({"F1.1": "vier"}))
    page = _html(static_view(_ctx(ws), "sechs_faktoren"))  # before: QuestionnaireError
    assert saved.path.name in page and "»F1.1«: »vier« ist ungültig" in page
    assert "2 von 31 Aussagen beantwortet" in page
