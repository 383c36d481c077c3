"""Questionnaire answers that are never lost: one JSON file per assessment, written atomically.

Layout: ``<workspace>/answers/<questionnaire>/<YYYY-MM-DDTHH-MM-SS>.json`` (a ``-2``, ``-3`` …
suffix when two assessments start in the same second). Every answer is written the moment it is
given, into the *current* assessment – the newest file – through
:func:`kbworkbook.fileio.atomic_write_json` (temporary file in the same folder, fsync,
``os.replace``), so a crash leaves either the old or the new file, never half of one.
Earlier assessments are never changed: :meth:`AnswerStore.new_assessment` starts a new file and
all later answers go there.

A file that cannot be read is renamed to ``<name>.corrupt-<n>`` and a
:class:`CorruptAnswersWarning` is issued; it is never overwritten. If it was the current
assessment, the next answer starts a new one.

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
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import QuestionnaireError, StoreError
from .fileio import atomic_write_json
from .questionnaires.catalogue import Questionnaire, _hint, load_catalogue
from .questionnaires.scoring import QuestionnaireScore, compare_scores, score_answers

__all__ = ["FORMAT_VERSION", "AnswerStore", "Assessment", "CorruptAnswersWarning"]

FORMAT_VERSION = 1
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})(?:-(\d+))?\.json$")


class CorruptAnswersWarning(UserWarning):
    """An answers file could not be read and was set aside (renamed to ``*.corrupt-<n>``)."""


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
            "answers": dict(self.answers),
            "comments": dict(self.comments),
            "importance": dict(self.importance),
        }


def _sort_key(path: Path) -> tuple[str, int]:
    match = _NAME.match(path.name)
    assert match is not None
    return match.group(1), int(match.group(2) or 1)


def _parse_file(path: Path, questionnaire: str) -> Assessment:
    """Read one file; raises ``ValueError`` when it is not a valid assessment."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("kein JSON-Objekt")
    if data.get("questionnaire") != questionnaire:
        raise ValueError(f"gehört zu Fragebogen »{data.get('questionnaire')}«")
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
        self._start_fresh: set[str] = set()

    # -- catalogue ---------------------------------------------------------------------------
    def catalogue(self, questionnaire: str) -> Questionnaire:
        """The catalogue of ``questionnaire`` (with the workspace's overrides)."""
        if questionnaire not in self._catalogues:
            self._catalogues[questionnaire] = load_catalogue(questionnaire, self.workspace)
        return self._catalogues[questionnaire]

    def folder(self, questionnaire: str) -> Path:
        return self.answers_dir / questionnaire

    # -- reading -----------------------------------------------------------------------------
    def _set_aside(self, path: Path, reason: str) -> None:
        n = 1
        while (target := path.with_name(f"{path.name}.corrupt-{n}")).exists():
            n += 1
        os.replace(path, target)
        warnings.warn(
            f"Die Antwortdatei »{path}« ist beschädigt ({reason}) und wurde als »{target.name}« "
            "zur Seite gelegt; sie wird nicht überschrieben. Prüfen Sie sie bei Bedarf von Hand.",
            CorruptAnswersWarning,
            stacklevel=3,
        )

    def history(self, questionnaire: str) -> list[Assessment]:
        """Every readable assessment of ``questionnaire``, oldest first."""
        folder = self.folder(questionnaire)
        if not folder.is_dir():
            return []
        paths = sorted((p for p in folder.iterdir() if _NAME.match(p.name)), key=_sort_key)
        result: list[Assessment] = []
        for index, path in enumerate(paths):
            try:
                result.append(_parse_file(path, questionnaire))
            except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
                self._set_aside(path, str(exc) or type(exc).__name__)
                if index == len(paths) - 1:
                    self._start_fresh.add(questionnaire)
        return result

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

    # -- writing -----------------------------------------------------------------------------
    def _write(self, assessment: Assessment) -> None:
        try:
            atomic_write_json(assessment.path, assessment.to_json())
        except OSError as exc:
            raise StoreError(
                f"Die Antwort konnte nicht gespeichert werden ({assessment.path}: {exc}). "
                "Bitte prüfen Sie, ob der Arbeitsordner beschreibbar ist und Speicherplatz "
                "frei ist."
            ) from exc

    def new_assessment(self, questionnaire: str) -> Assessment:
        """Start a new, empty assessment (a new file); earlier ones stay untouched."""
        self.catalogue(questionnaire)  # unknown ids fail before anything is written
        folder = self.folder(questionnaire)
        folder.mkdir(parents=True, exist_ok=True)
        now = self._now()
        stem = now.strftime("%Y-%m-%dT%H-%M-%S")
        existing = [p for p in folder.iterdir() if _NAME.match(p.name)]
        newest = max((_sort_key(p) for p in existing), default=None)
        seq = 1
        if newest is not None and newest[0] >= stem:
            # same second (or a clock that went back): keep the files in creation order
            stem, seq = newest[0], newest[1] + 1
        name = f"{stem}.json" if seq == 1 else f"{stem}-{seq}.json"
        assessment = Assessment(questionnaire=questionnaire, id=Path(name).stem,
                                path=folder / name, started=now, updated=now)
        self._write(assessment)
        self._start_fresh.discard(questionnaire)
        return assessment

    def current(self, questionnaire: str) -> Assessment:
        """The assessment new answers go into; starts one when none exists."""
        latest = self.latest(questionnaire)
        if latest is None or questionnaire in self._start_fresh:
            return self.new_assessment(questionnaire)
        return latest

    def _validate(self, questionnaire: str, item: str, value: Any) -> Any:
        cat = self.catalogue(questionnaire)
        if item not in cat.item_keys:
            raise QuestionnaireError(
                f"{cat.id}: Aussage »{item}« gibt es nicht.{_hint(item, cat.item_keys)}"
            )
        if value is None:
            return None
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
        """Save several changes into the current assessment at once and return it."""
        cat = self.catalogue(questionnaire)
        base = self.current(questionnaire)
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
        updated = Assessment(
            questionnaire=questionnaire, id=base.id, path=base.path, started=base.started,
            updated=self._now(), answers=new_answers, comments=new_comments,
            importance=new_importance,
        )
        self._write(updated)
        return updated

    def set(self, questionnaire: str, item: str, value: Any) -> Assessment:
        """Save one answer (``None`` = "weiß nicht") into the current assessment."""
        return self.update(questionnaire, answers={item: value})

    def clear(self, questionnaire: str, item: str) -> Assessment:
        """Mark one item as unanswered again."""
        self._validate(questionnaire, item, None)
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
