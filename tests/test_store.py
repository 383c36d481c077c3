"""AnswerStore: immediate atomic saves, append-only history, comparison, corrupt files."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from kbworkbook import fileio
from kbworkbook.errors import QuestionnaireError, StoreError
from kbworkbook.store import AnswerStore

Q = "sechs_faktoren"


class Clock:
    """A fixed clock that advances one minute per call."""

    def __init__(self, start: dt.datetime = dt.datetime(2025, 3, 12, 9, 0)) -> None:
        self.t = start

    def __call__(self) -> dt.datetime:
        self.t += dt.timedelta(minutes=1)
        return self.t


def read(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_each_answer_is_saved_immediately(tmp_path):
    store = AnswerStore(tmp_path, now=Clock())
    store.set(Q, "F1.1", 4)
    files = list((tmp_path / "answers" / Q).glob("*.json"))
    assert [f.name for f in files] == ["2025-03-12T09-01-00.json"]
    assert read(files[0])["answers"] == {"F1.1": 4}
    store.set(Q, "F1.2", None)
    store.set_comment(Q, "F1.2", "Liefertermine an Feiertagen schwierig")
    store.set_importance(Q, "F1", 5)
    data = read(files[0])
    assert data["answers"] == {"F1.1": 4, "F1.2": None}
    assert data["comments"] == {"F1.2": "Liefertermine an Feiertagen schwierig"}
    assert data["importance"] == {"F1": 5}
    assert data["started"] == "2025-03-12T09:01:00"
    assert data["updated"] == "2025-03-12T09:05:00"
    # a new store (kernel restart) finds everything
    again = AnswerStore(tmp_path).latest(Q)
    assert again is not None and dict(again.answers) == {"F1.1": 4, "F1.2": None}


def test_new_assessment_leaves_earlier_ones_unchanged(tmp_path):
    clock = Clock()
    store = AnswerStore(tmp_path, now=clock)
    store.update(Q, answers={"F1.1": 2, "F5.1": 1})
    first = store.latest(Q)
    before = first.path.read_bytes()
    clock.t = dt.datetime(2025, 11, 20, 14, 0)
    second = store.new_assessment(Q)
    store.set(Q, "F1.1", 5)
    assert first.path.read_bytes() == before
    history = store.history(Q)
    assert [a.id for a in history] == ["2025-03-12T09-01-00", "2025-11-20T14-01-00"]
    assert history[-1].path == second.path
    assert dict(history[-1].answers) == {"F1.1": 5}
    assert store.previous(Q).id == first.id


def test_same_second_assessments_keep_creation_order(tmp_path):
    fixed = dt.datetime(2025, 1, 1, 8, 0)
    store = AnswerStore(tmp_path, now=lambda: fixed)
    ids = [store.new_assessment(Q).id for _ in range(3)]
    assert ids == ["2025-01-01T08-00-00", "2025-01-01T08-00-00-2", "2025-01-01T08-00-00-3"]
    assert [a.id for a in store.history(Q)] == ids
    store.set(Q, "F1.1", 3)
    assert dict(store.history(Q)[-1].answers) == {"F1.1": 3}
    assert store.history(Q)[0].answers == {}


def test_change_per_factor_since_previous(tmp_path):
    clock = Clock()
    store = AnswerStore(tmp_path, now=clock)
    assert store.change(Q) is None
    store.update(Q, answers={"F5.1": 2, "F5.2": 2, "F5.3": 2, "F1.1": 4, "F1.2": 4, "F1.3": 4})
    only = store.change(Q)
    assert math.isnan(only.loc[only["factor"] == "F5", "change"].item())
    store.new_assessment(Q)
    store.update(Q, answers={"F5.1": 4, "F5.2": 4, "F5.3": 4, "F1.1": 4, "F1.2": 4, "F1.3": 4})
    change = store.change(Q).set_index("factor")
    assert change.loc["F5", "previous"] == pytest.approx(25)
    assert change.loc["F5", "current"] == pytest.approx(75)
    assert change.loc["F5", "change"] == pytest.approx(50)
    assert change.loc["F1", "change"] == pytest.approx(0)
    assert math.isnan(change.loc["F6", "change"])
    assert store.score(Q).factor_scores["F5"] == pytest.approx(75)
    assert store.score(Q, -2).factor_scores["F5"] == pytest.approx(25)
    assert store.score(Q, -3) is None


def test_invalid_answers_are_rejected_with_hints(tmp_path):
    store = AnswerStore(tmp_path, now=Clock())
    with pytest.raises(QuestionnaireError, match="Meinten Sie »F1.1«"):
        store.set(Q, "F1.11", 3)
    with pytest.raises(QuestionnaireError, match="1 bis 5"):
        store.set(Q, "F1.1", 7)
    with pytest.raises(QuestionnaireError, match="teilweise"):
        store.set("management_check", "info.1", "vielleicht")
    with pytest.raises(QuestionnaireError, match="Meinten Sie »sechs_faktoren«"):
        store.set("sechs_faktor", "F1.1", 3)
    with pytest.raises(QuestionnaireError, match="Wichtigkeit"):
        store.set_importance(Q, "F1", 9)
    store.set("management_check", "info.1", "Teilweise")
    store.set("positionierung", "warum", "Weil <gutes> Brot & Zeit zählt")
    assert store.latest("management_check").answers == {"info.1": "teilweise"}
    assert store.latest("positionierung").answers["warum"] == "Weil <gutes> Brot & Zeit zählt"
    # rejected answers write nothing, not even an empty assessment
    assert store.questionnaires() == ["management_check", "positionierung"]


def test_clear_and_empty_comment_remove_entries(tmp_path):
    store = AnswerStore(tmp_path, now=Clock())
    store.set(Q, "F1.1", 3)
    store.set_comment(Q, "F1.1", "x")
    store.clear(Q, "F1.1")
    store.set_comment(Q, "F1.1", "  ")
    latest = store.latest(Q)
    assert latest.answers == {} and latest.comments == {}


def test_exception_inside_serialisation_keeps_previous_file(tmp_path, monkeypatch):
    store = AnswerStore(tmp_path, now=Clock())
    store.set(Q, "F1.1", 4)
    path = store.latest(Q).path
    before = path.read_bytes()

    def broken_dumps(*args, **kwargs):
        raise RuntimeError("disk on fire while serialising")

    monkeypatch.setattr(fileio.json, "dumps", broken_dumps)
    with pytest.raises(RuntimeError):
        store.set(Q, "F1.2", 5)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert read(path)["answers"] == {"F1.1": 4}


def test_failure_midway_through_the_write_keeps_previous_file(tmp_path, monkeypatch):
    store = AnswerStore(tmp_path, now=Clock())
    store.set(Q, "F1.1", 4)
    path = store.latest(Q).path
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio.os, "replace", broken_replace)
    with pytest.raises(StoreError, match="nicht gespeichert"):
        store.set(Q, "F1.2", 5)
    monkeypatch.undo()
    assert path.read_bytes() == before
    # temp file cleaned up (the lock file stays, empty, for the next save)
    assert sorted(p.name for p in path.parent.iterdir()) == [".lock", path.name]


def test_corrupt_file_is_skipped_untouched_and_never_written_into(tmp_path):
    """Issue 15, defect 4: reading renamed a broken file to .corrupt-1; now it only reads."""
    clock = Clock()
    store = AnswerStore(tmp_path, now=clock)
    store.set(Q, "F1.1", 2)
    first = store.latest(Q).path
    store.new_assessment(Q)
    store.set(Q, "F1.1", 5)
    broken = store.latest(Q).path
    broken.write_text('{"questionnaire": "sechs_faktoren", "answers": {"F1', encoding="utf-8")
    listing = sorted(p.name for p in broken.parent.iterdir())
    fresh = AnswerStore(tmp_path, now=clock)
    history = fresh.history(Q)
    assert [a.path for a in history] == [first]
    skipped = fresh.skipped(Q)
    assert [s.path for s in skipped] == [broken]
    assert "kein gültiges JSON" in skipped[0].reason
    message = skipped[0].message()
    assert broken.name in message and "übersprungen" in message and "unverändert" in message
    assert sorted(p.name for p in broken.parent.iterdir()) == listing  # reading wrote nothing
    # the next answer goes into a new assessment: neither the older nor the broken file
    before_first, before_broken = first.read_bytes(), broken.read_bytes()
    fresh.set(Q, "F1.2", 3)
    assert first.read_bytes() == before_first and broken.read_bytes() == before_broken
    latest = fresh.latest(Q)
    assert latest.path not in (first, broken) and dict(latest.answers) == {"F1.2": 3}
    assert latest.path.name > broken.name  # and it sorts after the broken one


def test_reading_a_folder_of_broken_files_changes_nothing(tmp_path):
    folder = tmp_path / "answers" / Q
    folder.mkdir(parents=True)
    (folder / "2025-01-01T00-00-00.json").write_text("[]", encoding="utf-8")
    (folder / "2025-01-02T00-00-00.json").write_bytes(b"\xff\xfe")
    (folder / "2025-01-03T00-00-00.json").write_text('{"questionnaire": "x"}', encoding="utf-8")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    store = AnswerStore(tmp_path)
    assert store.history(Q) == []
    reasons = [s.reason for s in store.skipped(Q)]
    assert reasons == ["kein JSON-Objekt", "keine UTF-8-Textdatei",
                       "gehört nicht zum Fragebogen »sechs_faktoren«"]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_sigkill_during_a_loop_of_saves_loses_nothing(tmp_path):
    script = textwrap.dedent(
        f"""
        import datetime as dt, sys
        from kbworkbook.store import AnswerStore
        from kbworkbook.questionnaires import load_catalogue
        keys = load_catalogue("{Q}").item_keys
        t = [dt.datetime(2025, 1, 1)]
        def clock():
            t[0] += dt.timedelta(seconds=1)
            return t[0]
        store = AnswerStore(sys.argv[1], now=clock)
        i = 0
        while True:
            if i % len(keys) == 0:
                store.new_assessment("{Q}")
            key = keys[i % len(keys)]
            a = store.set("{Q}", key, i % 5 + 1)
            print(a.path.name, key, i % 5 + 1, flush=True)
            i += 1
        """
    )
    confirmed = []
    with subprocess.Popen([sys.executable, "-c", script, str(tmp_path)],
                          stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            confirmed.append(line.split())
            if len(confirmed) >= 80:  # kill while the child keeps saving
                os.kill(proc.pid, signal.SIGKILL)
                break
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    folder = tmp_path / "answers" / Q
    saved = {}
    for path in folder.glob("*.json"):
        saved[path.name] = json.loads(path.read_text(encoding="utf-8"))  # every file parses
    for name, key, value in confirmed:
        assert saved[name]["answers"][key] == int(value)
    history = AnswerStore(tmp_path).history(Q)
    assert len(history) >= 3
    assert sum(a.answered for a in history) >= len(confirmed)


def test_hand_edited_entries_are_reported_kept_in_the_file_and_replaced_when_answered(tmp_path):
    """Issue 15, defect 3 for answers: an invalid hand edit used to fail the whole chapter."""
    store = AnswerStore(tmp_path, now=Clock())
    saved = store.update(Q, answers={"F1.1": 4, "F1.2": 3}, importance={"F1": 5})
    data = read(saved.path)
    data["answers"].update({"F1.1": "vier", "F9.9": 2})
    data["importance"]["F2"] = 9
    saved.path.write_text(json.dumps(data), encoding="utf-8")
    latest = store.latest(Q)
    assert dict(latest.answers) == {"F1.2": 3} and dict(latest.importance) == {"F1": 5}
    assert len(latest.problems) == 3
    assert all(f"sechs_faktoren/{saved.path.name}" in p for p in latest.problems)
    assert "»F1.1«: »vier« ist ungültig" in latest.problems[0]
    assert "F9.9" in latest.problems[1] and "»F2« = »9«" in latest.problems[2]
    assert store.score(Q) is not None  # scoring the rest works
    # another answer keeps the hand edits in the file, untouched
    store.set(Q, "F1.3", 2)
    data = read(saved.path)
    assert data["answers"]["F1.1"] == "vier" and data["answers"]["F9.9"] == 2
    assert data["importance"]["F2"] == 9
    # answering F1.1 again replaces the hand edit
    store.set(Q, "F1.1", 5)
    assert read(saved.path)["answers"]["F1.1"] == 5
    assert len(store.latest(Q).problems) == 2
