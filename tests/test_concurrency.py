"""Saves that hurt: SIGKILL mid-save, two writers, read-only folders, a full disk (issue 15).

Before the fix two processes saving into one questionnaire lost answers (6 of 31 in the audit),
two ``new_assessment`` calls in the same second overwrote each other, 25 of 60 action-plan
versions were lost, and a read-only folder raised a raw ``OSError`` past the form.

The writer processes are forked by ``tests/_soak_driver.py`` (kbworkbook imported once), so
hundreds of them start within seconds.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kbworkbook import fileio
from kbworkbook.errors import StoreError
from kbworkbook.forms import QuestionnaireForm
from kbworkbook.plan import Action, ActionPlan, load_action_plan, save_action_plan
from kbworkbook.store import AnswerStore

DRIVER = Path(__file__).with_name("_soak_driver.py")
Q = "sechs_faktoren"
needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="the driver forks (POSIX)")
#: The forked writers keep both cores busy for seconds; never beside the lab browser test,
#: which measures click-to-disk latency.
forked_writers = pytest.mark.xdist_group("lab_browser")


def _drive(mode: str, workspace: Path, count: int, seed: int = 0) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, str(DRIVER), mode, str(workspace), str(count),
                           str(seed)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(proc.stdout.splitlines()[-1]))


@pytest.fixture()
def fast_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder in RAM when the system has one (``/dev/shm``), else ``tmp_path``.

    On disk every save waits for ``fsync`` (~8 ms here), so a writer killed after 0–30 ms
    manages one or two saves; in RAM it manages dozens, and the kills land in many more
    states of a save. A process kill does not depend on ``fsync``: what the kernel has
    accepted survives the process either way.
    """
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        with tempfile.TemporaryDirectory(dir=shm, prefix="kbworkbook-soak-") as name:
            yield Path(name)
    else:
        yield tmp_path


# -- the soak test ----------------------------------------------------------------------------


@needs_fork
@forked_writers
def test_soak_hundreds_of_kills_two_writers_no_answer_lost(fast_dir: Path) -> None:
    result = _drive("soak", fast_dir, 250, seed=20260115)
    acks = result["acks"]
    assert result["failures"] == 0
    assert result["kills"] >= 400  # SIGKILLed while saving, not finished by themselves
    assert len(acks) >= 100  # saves acknowledged to the writers before they were killed
    folder = fast_dir / "answers" / Q
    for path in folder.glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))  # every file parses
    store = AnswerStore(fast_dir)
    assert store.skipped(Q) == []
    [assessment] = store.history(Q)
    keys = store.catalogue(Q).item_keys
    lanes = {key: "A" if i % 2 == 0 else "B" for i, key in enumerate(keys)}
    acknowledged: dict[str, tuple[int, int]] = {}
    for item, round_, n in acks:
        acknowledged[item] = max(acknowledged.get(item, (-1, -1)), (round_, n))
    lost = []
    for item, last in acknowledged.items():
        token = assessment.comments.get(item)
        if token is None:
            lost.append(item)
            continue
        lane, round_, n = token.split(":")
        assert lane == lanes[item]
        # an acknowledged save is there – or a later one, saved just before the kill
        if (int(round_), int(n)) < last:
            lost.append(item)
        assert assessment.answers[item] == int(n) % 5 + 1  # answer and comment of one save
    assert lost == []
    # leftovers of killed writes go with the next save (under the lock)
    (folder / f".{assessment.path.name}.zz9zz9zz.tmp").write_text("{", encoding="utf-8")
    store.set(Q, keys[0], 3)
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == [".lock"]
    print(f"\nsoak: {result['rounds']} rounds, {result['kills']} SIGKILLs, "
          f"{len(acks)} acknowledged concurrent saves, {result['temp_files_left_by_kills']} "
          f"stray temp files, answers lost: {len(lost)}, {result['seconds']} s")


@needs_fork
@forked_writers
def test_two_processes_new_assessment_in_the_same_second_both_survive(tmp_path: Path) -> None:
    ids = _drive("assessments", tmp_path, 40)["ids"]
    assert len(ids) == 80 and len(set(ids)) == 80
    history = AnswerStore(tmp_path).history(Q)
    assert sorted(a.id for a in history) == sorted(ids)
    assert {a.id[:19] for a in history} == {"2026-01-15T10-30-00"}


@needs_fork
@forked_writers
def test_two_processes_saving_plan_versions_lose_none(tmp_path: Path) -> None:
    saved = [entry.split("|") for entry in _drive("plans", tmp_path, 30)["saved"]]
    assert len(saved) == 60 and len({name for name, _ in saved}) == 60
    folder = tmp_path / "answers" / "aktionsplan"
    for name, title in saved:
        data = json.loads((folder / name).read_text(encoding="utf-8"))
        assert data["actions"][0]["title"] == f"Maßnahme {title}"


# -- live forms notice another session -------------------------------------------------------


def test_form_shows_and_keeps_answers_another_session_saved(tmp_path: Path) -> None:
    mine = QuestionnaireForm(AnswerStore(tmp_path), Q)
    theirs = QuestionnaireForm(AnswerStore(tmp_path), Q)  # a second tab, opened at once
    theirs.rows["F1.1"].choice.value = 4
    theirs.rows["F1.1"].comment.value = "Stammkunden kennen wir"
    mine.rows["F2.1"].choice.value = 2  # my stale form did not show F1.1
    latest = AnswerStore(tmp_path).latest(Q)
    assert latest is not None and dict(latest.answers) == {"F1.1": 4, "F2.1": 2}
    assert mine.rows["F1.1"].choice.value == 4  # now shown in my form
    assert mine.rows["F1.1"].comment.value == "Stammkunden kennen wir"
    assert "andere Sitzung" in mine.status.value
    assert mine.progress_text == "2 von 31 beantwortet"
    # a save with nobody else in between says nothing of the kind
    mine.rows["F2.2"].choice.value = 3
    assert "andere Sitzung" not in mine.status.value
    # "Aktualisieren" shows their next answer without saving anything
    theirs.rows["F3.1"].choice.value = 5
    before = latest.path.read_bytes()
    assert mine.check_for_updates() is True
    assert mine.rows["F3.1"].choice.value == 5
    assert mine.check_for_updates() is False
    assert latest.path.read_bytes() == before  # refreshing saved nothing


def test_form_follows_a_new_assessment_started_elsewhere(tmp_path: Path) -> None:
    mine = QuestionnaireForm(AnswerStore(tmp_path), Q)
    mine.rows["F1.1"].choice.value = 4
    other = AnswerStore(tmp_path)
    other.new_assessment(Q)
    other.set(Q, "F1.2", 5)
    mine.rows["F2.1"].choice.value = 2
    latest = other.latest(Q)
    assert latest is not None and dict(latest.answers) == {"F1.2": 5, "F2.1": 2}
    assert mine.rows["F1.1"].choice.value is None and mine.rows["F1.2"].choice.value == 5
    assert "neue Einschätzung" in mine.status.value
    assert len(other.history(Q)) == 2


# -- read-only folder ---------------------------------------------------------------------------


def test_read_only_answers_folder_gives_a_german_message_in_the_form(
        tmp_path: Path, read_only: Any) -> None:
    (tmp_path / "answers").mkdir()
    read_only(tmp_path / "answers")
    form = QuestionnaireForm(AnswerStore(tmp_path), Q)
    form.rows["F1.1"].choice.value = 4  # must not raise
    assert "Nicht gespeichert" in form.status.value
    assert "schreibgeschützt" in form.status.value and "OSError" not in form.status.value
    with pytest.raises(StoreError, match="schreibgeschützt"):
        AnswerStore(tmp_path).new_assessment(Q)
    assert not (tmp_path / "answers" / Q).exists()


def test_read_only_folder_keeps_saved_answers_and_can_still_be_read(
        tmp_path: Path, read_only: Any) -> None:
    store = AnswerStore(tmp_path)
    store.update(Q, answers={"F1.1": 4, "F1.2": 2})
    (tmp_path / "answers" / Q / "2000-01-01T00-00-00.json").write_text("{", encoding="utf-8")
    path = store.latest(Q).path
    before = path.read_bytes()
    read_only(tmp_path / "answers")
    with pytest.raises(StoreError, match="schreibgeschützt"):
        store.set(Q, "F1.3", 5)
    with pytest.raises(StoreError, match="schreibgeschützt"):
        save_action_plan(tmp_path, ActionPlan((Action("x"),)))
    assert path.read_bytes() == before
    reader = AnswerStore(tmp_path)  # a report reads without writing anything
    assert dict(reader.latest(Q).answers) == {"F1.1": 4, "F1.2": 2}
    assert [s.path.name for s in reader.skipped(Q)] == ["2000-01-01T00-00-00.json"]


# -- full disk ------------------------------------------------------------------------------------


_REAL_FDOPEN = os.fdopen


class _FullDisk:
    """A file object whose ``write`` fails like a full disk."""

    def __init__(self, fd: int, *args: Any, **kwargs: Any) -> None:
        self._handle = _REAL_FDOPEN(fd, *args, **kwargs)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: Any) -> None:
        self._handle.close()

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["write", "fsync"])
def test_full_disk_leaves_the_previous_file_intact(tmp_path: Path, where: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store = AnswerStore(tmp_path)
    store.update(Q, answers={"F1.1": 4}, comments={"F1.1": "gut"})
    plan = save_action_plan(tmp_path, ActionPlan((Action("Stempelkarte"),)))
    answers_file = store.latest(Q).path
    plan_file = plan.path
    assert plan_file is not None
    before = {answers_file: answers_file.read_bytes(), plan_file: plan_file.read_bytes()}
    if where == "write":
        monkeypatch.setattr(fileio.os, "fdopen", _FullDisk)
    else:
        def no_space(fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        monkeypatch.setattr(fileio.os, "fsync", no_space)
    with pytest.raises(StoreError, match="Datenträger ist voll"):
        store.set(Q, "F1.2", 5)
    with pytest.raises(StoreError, match="Datenträger ist voll"):
        save_action_plan(tmp_path, ActionPlan((Action("Stempelkarte"), Action("Kaffee"))))
    monkeypatch.undo()
    assert {p: p.read_bytes() for p in before} == before
    for folder in (answers_file.parent, plan_file.parent):
        assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    loaded = load_action_plan(tmp_path)
    assert loaded is not None and [a.title for a in loaded.actions] == ["Stempelkarte"]
    assert dict(AnswerStore(tmp_path).latest(Q).answers) == {"F1.1": 4}


# -- stale temporary files -----------------------------------------------------------------------


def test_only_our_own_stale_temp_files_are_removed(tmp_path: Path) -> None:
    import time

    ours = tmp_path / ".2026-01-15T10-30-00.json.k3j_9x2a.tmp"
    ours.write_text("{", encoding="utf-8")
    theirs = tmp_path / ".notizen.tmp"  # not of our making
    theirs.write_text("x", encoding="utf-8")
    link = tmp_path / ".x.json.abcdefgh.tmp"
    link.symlink_to(theirs)
    folder = tmp_path / ".y.json.abcdefgh.tmp"
    folder.mkdir()
    assert fileio.remove_stale_temp_files(tmp_path, older_than=3600) == 0  # too fresh
    old = time.time() - 7200
    os.utime(ours, (old, old))
    assert fileio.remove_stale_temp_files(tmp_path, older_than=3600) == 1
    assert not ours.exists() and theirs.exists() and link.is_symlink() and folder.is_dir()


def test_clock_going_back_still_gives_a_newer_unique_name(tmp_path: Path) -> None:
    times = iter([dt.datetime(2026, 1, 15, 10, 0), dt.datetime(2026, 1, 15, 9, 0)])
    store = AnswerStore(tmp_path, now=lambda: next(times))
    first = store.new_assessment(Q)
    second = store.new_assessment(Q)
    assert [a.id for a in store.history(Q)] == [first.id, second.id]
    assert second.id == "2026-01-15T10-00-00-2"


def test_interrupted_playground_copy_never_looks_complete(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from kbworkbook import workspace

    monkeypatch.setenv(workspace.HOME_ENV, str(tmp_path))
    real_copy = shutil.copy2
    copied: list[str] = []

    def copy_then_fail(src: str, dst: str, **kwargs: Any) -> Any:
        if len(copied) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        copied.append(src)
        return real_copy(src, dst, **kwargs)

    real_copytree = shutil.copytree

    def failing_copytree(*args: Any, **kwargs: Any) -> Any:
        if len(args) < 5:  # the top call; shutil's own recursion passes it on positionally
            kwargs["copy_function"] = copy_then_fail
        return real_copytree(*args, **kwargs)

    monkeypatch.setattr(shutil, "copytree", failing_copytree)
    with pytest.raises(OSError):
        workspace.sample_playground()
    assert copied  # the copy had started
    assert list(tmp_path.iterdir()) == []  # no half copy left, neither staged nor in place
    monkeypatch.setattr(shutil, "copytree", real_copytree)
    ws = workspace.sample_playground()
    assert (ws.root / "kbworkbook.toml").is_file() and (ws.root / "answers").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["beispielkunde"]
