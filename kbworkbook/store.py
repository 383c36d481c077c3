"""Questionnaire answers that are never lost: one JSON file per assessment, written atomically.

Layout: ``<workspace>/answers/<questionnaire>/<YYYY-MM-DDTHH-MM-SS>.json`` (a ``-2``, ``-3`` …
suffix when two assessments start in the same second). Every answer is written the moment it is
given, into the *current* assessment – the newest file – through
:func:`kbworkbook.fileio.atomic_write_json` (temporary file in the same folder, fsync,
``os.replace``), so a crash leaves either the old or the new file, never half of one.
Earlier assessments are never changed: :meth:`AnswerStore.new_assessment` starts a new file and
all later answers go there.

Several sessions may save into one questionnaire at once (two browser tabs, consultant and
owner): every save re-reads the newest file and writes it back while holding the folder's lock
(:func:`kbworkbook.versions.locked`), so each save adds to what the others saved.

Reading never writes: a file that cannot be read is left exactly as it is and listed by
:meth:`AnswerStore.skipped` with the reason, so views can say what was left out. If it is the
newest file, the next answer starts a new assessment (the broken file is never overwritten).
An entry edited by hand that does not fit the catalogue (``"F1.1": "vier"``, an unknown item)
is left out of the assessment's answers and described in :attr:`Assessment.problems`; it stays
in the file as it is until it is corrected there or answered again in the workshop.

File content::

    {"format": 1, "questionnaire": "sechs_faktoren", "started": "2025-03-12T09:30:00",
     "updated": "…", "answers": {"F1.1": 4, "F2.6": null}, "comments": {"F1.1": "…"},
     "importance": {"F1": 5}}

``null`` is "weiß nicht"; an absent key is unanswered. The store never imports ipywidgets.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import QuestionnaireError
from .fileio import atomic_write_json
from .questionnaires.catalogue import Questionnaire, _hint, load_catalogue
from .questionnaires.scoring import QuestionnaireScore, compare_scores, score_answers
from .scrub import scrub_text
from .versions import locked, next_version_path, version_files, write_error

__all__ = ["FORMAT_VERSION", "AnswerStore", "Assessment", "SkippedFile"]

FORMAT_VERSION = 1


@dataclass(frozen=True)
class SkippedFile:
    """A saved file that could not be read and was left out (and left unchanged)."""

    path: Path
    reason: str

    def message(self, language: str = "de") -> str:
        """One sentence for a page: which file, why, and that it stays untouched."""
        if language == "en":
            return (f"The saved file »{self.path.parent.name}/{self.path.name}« could not be "
                    f"read ({self.reason}) and was left out; it is kept unchanged – please "
                    "check it by hand.")
        return (f"Die gespeicherte Datei »{self.path.parent.name}/{self.path.name}« ist nicht "
                f"lesbar ({self.reason}) und wurde übersprungen; sie bleibt unverändert "
                "erhalten – bitte von Hand prüfen.")


def _default_now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class Assessment:
    """One saved assessment of a questionnaire (read-only snapshot of its file)."""

    questionnaire: str
    id: str
    path: Path
    started: dt.datetime
    updated: dt.datetime
    answers: Mapping[str, Any] = field(default_factory=dict)
    comments: Mapping[str, str] = field(default_factory=dict)
    importance: Mapping[str, int] = field(default_factory=dict)
    #: entries of the file that do not fit the catalogue, written back unchanged:
    #: ``{"answers": {key: raw value}, "comments": {…}, "importance": {…}}``
    kept: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: one German sentence per kept entry: file, item, what is wrong
    problems: tuple[str, ...] = ()

    @property
    def answered(self) -> int:
        """Number of answered items ("weiß nicht" counts as answered)."""
        return len(self.answers)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "questionnaire": self.questionnaire,
            "started": self.started.isoformat(),
            "updated": self.updated.isoformat(),
            "answers": {**self.kept.get("answers", {}), **self.answers},
            "comments": {**self.kept.get("comments", {}), **self.comments},
            "importance": {**self.kept.get("importance", {}), **self.importance},
        }


def _parse_file(path: Path, questionnaire: str) -> Assessment:
    """Read one file; raises ``ValueError`` when it is not a valid assessment."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("kein JSON-Objekt")
    if data.get("questionnaire") != questionnaire:
        raise ValueError(f"gehört nicht zum Fragebogen »{questionnaire}«")
    answers = data.get("answers", {})
    comments = data.get("comments", {})
    importance = data.get("importance", {})
    if not all(isinstance(x, dict) for x in (answers, comments, importance)):
        raise ValueError("answers/comments/importance sind keine Objekte")
    started = dt.datetime.fromisoformat(str(data["started"]))
    updated = dt.datetime.fromisoformat(str(data.get("updated", data["started"])))
    return Assessment(
        questionnaire=questionnaire, id=path.stem, path=path, started=started, updated=updated,
        answers=answers, comments={k: str(v) for k, v in comments.items()},
        importance=importance,
    )


def _reason(exc: Exception) -> str:
    """Why a file could not be read, without quoting its content."""
    if isinstance(exc, json.JSONDecodeError):
        return f"kein gültiges JSON, Zeile {exc.lineno}, Spalte {exc.colno}"
    if isinstance(exc, UnicodeDecodeError):
        return "keine UTF-8-Textdatei"
    if isinstance(exc, KeyError):
        return f"Feld »{exc.args[0]}« fehlt"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc) or type(exc).__name__


class AnswerStore:
    """Saved answers of a workspace (a :class:`~kbworkbook.workspace.Workspace` or a folder).

    ``now`` is a callable returning the current local time; inject a fixed clock for
    deterministic files (tests, sample answers).
    """

    def __init__(self, workspace: Any, *, now: Callable[[], dt.datetime] | None = None) -> None:
        self.workspace = workspace
        self.root = (Path(workspace) if isinstance(workspace, str | os.PathLike)
                     else Path(workspace.root))
        self.answers_dir = self.root / "answers"
        self._now = now or _default_now
        self._catalogues: dict[str, Questionnaire] = {}

    # -- catalogue ---------------------------------------------------------------------------
    def catalogue(self, questionnaire: str) -> Questionnaire:
        """The catalogue of ``questionnaire`` (with the workspace's overrides)."""
        if questionnaire not in self._catalogues:
            self._catalogues[questionnaire] = load_catalogue(questionnaire, self.workspace)
        return self._catalogues[questionnaire]

    def folder(self, questionnaire: str) -> Path:
        return self.answers_dir / questionnaire

    # -- reading (never writes) -------------------------------------------------------------
    def scan(self, questionnaire: str) -> tuple[list[Assessment], list[SkippedFile]]:
        """Readable assessments (oldest first) and the files that had to be skipped."""
        result: list[Assessment] = []
        skipped: list[SkippedFile] = []
        for path in version_files(self.folder(questionnaire)):
            try:
                assessment = _parse_file(path, questionnaire)
            except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
                skipped.append(SkippedFile(path=path, reason=_reason(exc)))
                continue
            result.append(self._checked(assessment))
        return result, skipped

    def _checked(self, assessment: Assessment) -> Assessment:
        """``assessment`` with entries that do not fit the catalogue moved to ``kept``."""
        try:
            cat = self.catalogue(assessment.questionnaire)
        except QuestionnaireError:  # plan files share the layout but have no catalogue
            return assessment
        where = f"{assessment.path.parent.name}/{assessment.path.name}"
        tail = (" Die Angabe wird nicht gezeigt; sie bleibt in der Datei, bis sie dort "
                "korrigiert oder im Workshop neu beantwortet wird.")
        kept: dict[str, dict[str, Any]] = {"answers": {}, "comments": {}, "importance": {}}
        problems: list[str] = []
        answers: dict[str, Any] = {}
        for key, value in assessment.answers.items():
            try:
                answers[key] = self._validate(assessment.questionnaire, key, value)
            except QuestionnaireError as exc:
                kept["answers"][key] = value
                problems.append(f"{where}: {scrub_text(str(exc))}{tail}")
        comments = {}
        for key, text in assessment.comments.items():
            if key in cat.item_keys:
                comments[key] = text
            else:
                kept["comments"][key] = text
                problems.append(f"{where}: Kommentar zu »{scrub_text(key)}« – diese Aussage "
                                f"gibt es im Fragebogen nicht.{tail}")
        importance = {}
        for key, value in assessment.importance.items():
            if key in cat.factor_keys and not isinstance(value, bool) \
                    and isinstance(value, int) and 1 <= value <= 5:
                importance[key] = value
            else:
                kept["importance"][key] = value
                problems.append(f"{where}: Wichtigkeit »{scrub_text(str(key))}« = "
                                f"»{scrub_text(str(value))}« ist ungültig; erlaubt sind die "
                                f"Faktoren {', '.join(cat.factor_keys)} mit 1 bis 5.{tail}")
        if not problems:
            return assessment
        return replace(assessment, answers=answers, comments=comments, importance=importance,
                       kept={k: v for k, v in kept.items() if v}, problems=tuple(problems))

    def history(self, questionnaire: str) -> list[Assessment]:
        """Every readable assessment of ``questionnaire``, oldest first."""
        return self.scan(questionnaire)[0]

    def skipped(self, questionnaire: str) -> list[SkippedFile]:
        """Files of ``questionnaire`` that could not be read (left unchanged on disk)."""
        return self.scan(questionnaire)[1]

    def latest(self, questionnaire: str) -> Assessment | None:
        """The current (newest) assessment, or ``None`` when nothing is saved."""
        items = self.history(questionnaire)
        return items[-1] if items else None

    def previous(self, questionnaire: str) -> Assessment | None:
        """The assessment before the newest one, or ``None``."""
        items = self.history(questionnaire)
        return items[-2] if len(items) >= 2 else None

    def questionnaires(self) -> list[str]:
        """Ids of the questionnaires that have an answers folder."""
        if not self.answers_dir.is_dir():
            return []
        return sorted(p.name for p in self.answers_dir.iterdir() if p.is_dir())

    # -- writing (always under the questionnaire's lock) ----------------------------------
    def _write(self, assessment: Assessment) -> None:
        try:
            atomic_write_json(assessment.path, assessment.to_json())
        except OSError as exc:
            raise write_error(assessment.path, exc) from exc

    def _new_locked(self, questionnaire: str) -> Assessment:
        now = self._now()
        path = next_version_path(self.folder(questionnaire), now)
        assessment = Assessment(questionnaire=questionnaire, id=path.stem, path=path,
                                started=now, updated=now)
        self._write(assessment)
        return assessment

    def _current_locked(self, questionnaire: str) -> Assessment:
        items, skipped = self.scan(questionnaire)
        files = version_files(self.folder(questionnaire))
        newest_broken = bool(files) and files[-1] in {s.path for s in skipped}
        if not items or newest_broken:  # never write into an older or a broken file
            return self._new_locked(questionnaire)
        return items[-1]

    def new_assessment(self, questionnaire: str) -> Assessment:
        """Start a new, empty assessment (a new file); earlier ones stay untouched."""
        self.catalogue(questionnaire)  # unknown ids fail before anything is written
        with locked(self.folder(questionnaire)):
            return self._new_locked(questionnaire)

    def current(self, questionnaire: str) -> Assessment:
        """The assessment new answers go into; starts one when none exists."""
        self.catalogue(questionnaire)
        latest = self.latest(questionnaire)
        files = version_files(self.folder(questionnaire))
        if latest is not None and files and files[-1] == latest.path:
            return latest
        with locked(self.folder(questionnaire)):
            return self._current_locked(questionnaire)

    def _validate(self, questionnaire: str, item: str, value: Any) -> Any:
        cat = self.catalogue(questionnaire)
        if item not in cat.item_keys:
            raise QuestionnaireError(
                f"{cat.id}: Aussage »{item}« gibt es nicht.{_hint(item, cat.item_keys)}"
            )
        if value is None:
            return None
        if cat.kind == "text" and cat.item(item).type == "choices":
            if isinstance(value, str) or not isinstance(value, list | tuple) \
                    or not all(isinstance(v, str) for v in value):
                raise QuestionnaireError(
                    f"{cat.id}, »{item}«: bitte eine Liste von Einträgen angeben, z. B. "
                    f"[\"{(cat.item(item).option_keys or ('…',))[0]}\", \"eigener Eintrag\"]."
                )
            return list(dict.fromkeys(v.strip() for v in value if v.strip()))
        if cat.kind == "text":
            if not isinstance(value, str):
                raise QuestionnaireError(f"{cat.id}, »{item}«: bitte Text eingeben.")
            return value
        if cat.kind == "ja_teilweise_nein":
            key = str(value).strip().lower()
            if key not in cat.scale.values:
                raise QuestionnaireError(
                    f"{cat.id}, »{item}«: »{value}« ist ungültig; erlaubt sind ja, teilweise, nein."
                )
            return key
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or value != int(value) or int(value) not in cat.scale.values:
            raise QuestionnaireError(
                f"{cat.id}, »{item}«: »{value}« ist ungültig; erlaubt sind 1 bis 5 oder "
                "»weiß nicht«."
            )
        return int(value)

    def update(
        self,
        questionnaire: str,
        *,
        answers: Mapping[str, Any] | None = None,
        comments: Mapping[str, str] | None = None,
        importance: Mapping[str, Any] | None = None,
        clear: tuple[str, ...] = (),
    ) -> Assessment:
        """Save several changes into the current assessment at once and return it.

        Under the questionnaire's lock: re-read the newest file, apply the changes, write it
        back, so answers another session saved meanwhile are kept.
        Invalid values raise before anything is read or written.
        """
        self._check_changes(questionnaire, answers, comments, importance, clear)
        with locked(self.folder(questionnaire)):
            base = self._current_locked(questionnaire)
            updated = self._apply(questionnaire, base, answers, comments, importance, clear,
                                  self._now())
            self._write(updated)
        return updated

    def _check_changes(self, questionnaire: str, answers: Mapping[str, Any] | None,
                       comments: Mapping[str, str] | None, importance: Mapping[str, Any] | None,
                       clear: tuple[str, ...]) -> None:
        placeholder = Assessment(questionnaire=questionnaire, id="", path=Path(),
                                 started=dt.datetime.min, updated=dt.datetime.min)
        for key in clear:
            self._validate(questionnaire, key, None)
        self._apply(questionnaire, placeholder, answers, comments, importance, (),
                    placeholder.updated)

    def _apply(self, questionnaire: str, base: Assessment, answers: Mapping[str, Any] | None,
               comments: Mapping[str, str] | None, importance: Mapping[str, Any] | None,
               clear: tuple[str, ...], now: dt.datetime) -> Assessment:
        cat = self.catalogue(questionnaire)
        kept = {name: dict(values) for name, values in base.kept.items()}
        for key in (*clear, *(answers or {})):
            kept.get("answers", {}).pop(key, None)  # answered again: the hand edit is replaced
        for key in comments or {}:
            kept.get("comments", {}).pop(key, None)
        for key in importance or {}:
            kept.get("importance", {}).pop(key, None)
        new_answers = dict(base.answers)
        for key in clear:
            new_answers.pop(key, None)
        for key, value in (answers or {}).items():
            new_answers[key] = self._validate(questionnaire, key, value)
        new_comments = dict(base.comments)
        for key, text in (comments or {}).items():
            if key not in cat.item_keys:
                raise QuestionnaireError(
                    f"{cat.id}: Aussage »{key}« gibt es nicht.{_hint(key, cat.item_keys)}"
                )
            if text is None or not str(text).strip():
                new_comments.pop(key, None)
            else:
                new_comments[key] = str(text)
        new_importance = dict(base.importance)
        for key, value in (importance or {}).items():
            if key not in cat.factor_keys:
                raise QuestionnaireError(
                    f"{cat.id}: Faktor »{key}« gibt es nicht.{_hint(key, cat.factor_keys)}"
                )
            if value is None:
                new_importance.pop(key, None)
            elif isinstance(value, bool) or not isinstance(value, int | float) \
                    or value != int(value) or not 1 <= int(value) <= 5:
                raise QuestionnaireError(
                    f"{cat.id}, Faktor »{key}«: Wichtigkeit »{value}« ist ungültig; erlaubt 1–5."
                )
            else:
                new_importance[key] = int(value)
        return Assessment(
            questionnaire=questionnaire, id=base.id, path=base.path, started=base.started,
            updated=now, answers=new_answers, comments=new_comments,
            importance=new_importance, kept={k: v for k, v in kept.items() if v},
        )

    def set(self, questionnaire: str, item: str, value: Any) -> Assessment:
        """Save one answer (``None`` = "weiß nicht") into the current assessment."""
        return self.update(questionnaire, answers={item: value})

    def clear(self, questionnaire: str, item: str) -> Assessment:
        """Mark one item as unanswered again."""
        return self.update(questionnaire, clear=(item,))

    def set_comment(self, questionnaire: str, item: str, text: str | None) -> Assessment:
        """Save (or, when empty, remove) the free-text comment on one item."""
        return self.update(questionnaire, comments={item: text or ""})

    def set_importance(self, questionnaire: str, factor: str, value: int | None) -> Assessment:
        """Save the importance rating 1..5 of a factor (``None`` removes it)."""
        return self.update(questionnaire, importance={factor: value})

    # -- scoring -----------------------------------------------------------------------------
    def score(self, questionnaire: str, which: int = -1) -> QuestionnaireScore | None:
        """Scores of an assessment (``-1`` newest, ``-2`` the one before); ``None`` if absent."""
        items = self.history(questionnaire)
        try:
            assessment = items[which]
        except IndexError:
            return None
        return score_answers(self.catalogue(questionnaire), assessment.answers,
                             assessment.importance)

    def change(self, questionnaire: str) -> pd.DataFrame | None:
        """Change per factor since the previous assessment (``None`` when nothing is saved).

        Columns factor, previous, current, change; ``previous``/``change`` are ``nan`` when
        there is only one assessment.
        """
        items = self.history(questionnaire)
        if not items:
            return None
        cat = self.catalogue(questionnaire)
        current = score_answers(cat, items[-1].answers, items[-1].importance)
        previous = (score_answers(cat, items[-2].answers, items[-2].importance)
                    if len(items) >= 2 else None)
        return compare_scores(previous, current)
