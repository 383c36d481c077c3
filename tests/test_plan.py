"""Tests for kbworkbook.plan: append-only saves of the selection and the action plan."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path

import pytest

from kbworkbook import plan
from kbworkbook.errors import StoreError
from kbworkbook.plan import (
    Action,
    ActionPlan,
    InstrumentChoice,
    Selection,
    load_action_plan,
    load_selection,
    propose_actions,
    save_action_plan,
    save_selection,
    selection_history,
)
from kbworkbook.workspace import SAMPLE_WORKSPACE

T0 = dt.datetime(2026, 1, 15, 10, 30, 0)
SAMPLE = SAMPLE_WORKSPACE


def test_nothing_saved_reads_none(tmp_path: Path) -> None:
    assert load_selection(tmp_path) is None
    assert load_action_plan(tmp_path) is None
    assert selection_history(tmp_path) == []


def test_selection_round_trip_and_versions_are_kept(tmp_path: Path) -> None:
    first = Selection((InstrumentChoice("bonussystem", {"bonus": 0.04}, participation=0.3),))
    saved = save_selection(tmp_path, first, now=T0)
    assert saved.path is not None and saved.path.name == "2026-01-15T10-30-00.json"
    original_text = saved.path.read_text(encoding="utf-8")
    second = first.with_choice(InstrumentChoice("feedback_nps"))
    saved2 = save_selection(tmp_path, second, now=T0)  # same second → suffix
    assert saved2.path is not None and saved2.path.name == "2026-01-15T10-30-00-2.json"
    assert saved.path.read_text(encoding="utf-8") == original_text
    latest = load_selection(tmp_path)
    assert latest is not None
    assert latest.keys == ("bonussystem", "feedback_nps")
    assert latest.choice("bonussystem") == InstrumentChoice("bonussystem", {"bonus": 0.04},
                                                            participation=0.3)
    assert latest.saved_at == T0
    assert len(selection_history(tmp_path)) == 2


def test_unchanged_selection_is_not_saved_again(tmp_path: Path) -> None:
    selection = Selection((InstrumentChoice("feedback_nps"),))
    save_selection(tmp_path, selection, now=T0)
    save_selection(tmp_path, selection, now=T0 + dt.timedelta(minutes=5))
    assert len(list((tmp_path / "answers" / "massnahmen").glob("*.json"))) == 1


def test_broken_newest_file_falls_back_says_so_and_is_left_alone(tmp_path: Path) -> None:
    save_selection(tmp_path, Selection((InstrumentChoice("feedback_nps"),)), now=T0)
    broken = tmp_path / "answers" / "massnahmen" / "2026-02-01T00-00-00.json"
    broken.write_text("{ halb", encoding="utf-8")
    latest = load_selection(tmp_path)
    assert latest is not None and latest.keys == ("feedback_nps",)
    assert broken.read_text(encoding="utf-8") == "{ halb"
    [problem] = latest.problems
    assert "massnahmen/2026-02-01T00-00-00.json" in problem and "2026-01-15T10-30-00" in problem


def test_action_plan_round_trip(tmp_path: Path) -> None:
    actions = (Action("Danke-Karte <b>", "instrument:danke_nach_kauf", "Inhaberin",
                      dt.date(2026, 3, 1), "nps", "NPS +10", "in_arbeit"),)
    save_action_plan(tmp_path, ActionPlan(actions), now=T0)
    loaded = load_action_plan(tmp_path)
    assert loaded is not None
    assert loaded.actions == actions
    assert not loaded.proposed
    [file] = (tmp_path / "answers" / "aktionsplan").glob("*.json")
    data = json.loads(file.read_text("utf-8"))
    assert data["kind"] == "aktionsplan" and data["actions"][0]["due"] == "2026-03-01"


def test_unknown_status_falls_back_to_open() -> None:
    assert Action.from_json({"title": "x", "status": "vielleicht"}).status == "offen"


def test_failed_write_keeps_previous_version(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    save_selection(tmp_path, Selection((InstrumentChoice("feedback_nps"),)), now=T0)

    def boom(path: object, obj: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(plan, "atomic_write_json", boom)
    with pytest.raises(StoreError, match="nicht gespeichert"):
        save_selection(tmp_path, Selection((InstrumentChoice("bonussystem"),)),
                       now=T0 + dt.timedelta(hours=1))
    latest = load_selection(tmp_path)
    assert latest is not None and latest.keys == ("feedback_nps",)


def test_propose_actions_from_weakest_factors_and_instruments() -> None:
    selection = Selection((InstrumentChoice("bonussystem"), InstrumentChoice("feedback_nps")))
    proposal = propose_actions([("F5", 35.0, 65.0), ("F2", 41.67, 46.67)], selection,
                               dt.date(2025, 12, 31))
    assert proposal.proposed
    assert [a.source for a in proposal.actions] == [
        "factor:F5", "factor:F2", "instrument:bonussystem", "instrument:feedback_nps"]
    assert "Feedback & Beschwerdemanagement" in proposal.actions[0].title
    assert "65" in proposal.actions[0].title
    assert proposal.actions[0].due == dt.date(2026, 6, 30)
    assert proposal.actions[2].due == dt.date(2026, 1, 31)
    assert proposal.actions[3].due == dt.date(2026, 2, 28)
    assert proposal.actions[3].metric == "nps"
    assert all(a.owner for a in proposal.actions)
    english = propose_actions([("F5", 35.0, 65.0)], None, dt.date(2025, 12, 31), language="en")
    assert english.actions[0].title.startswith("Strengthen")


def test_store_can_read_plan_files_without_setting_them_aside(tmp_path: Path) -> None:
    from kbworkbook.store import AnswerStore

    save_selection(tmp_path, plan.sample_selection(), now=T0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = AnswerStore(tmp_path).history("massnahmen")
    assert len(history) == 1
    assert (tmp_path / "answers" / "massnahmen" / "2026-01-15T10-30-00.json").is_file()


def test_committed_sample_files_match_the_generator() -> None:
    selection = load_selection(SAMPLE)
    action_plan = load_action_plan(SAMPLE)
    assert selection is not None and action_plan is not None
    assert selection.content() == plan.sample_selection().content()
    assert action_plan.content() == plan.sample_action_plan().content()
    assert selection.saved_at == plan.SAMPLE_SAVED_AT
    assert len(selection.keys) == 3
