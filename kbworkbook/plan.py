"""Persistence of the chosen instruments and of the action plan (no widgets here).

Layout, like the questionnaire answers::

    <workspace>/answers/massnahmen/<YYYY-MM-DDTHH-MM-SS>.json    chosen instruments + costs
    <workspace>/answers/aktionsplan/<YYYY-MM-DDTHH-MM-SS>.json   the action plan

Every save writes a *new* file through :func:`kbworkbook.fileio.atomic_write_json` (``-2``,
``-3`` … when two saves fall into the same second); earlier versions are never changed. The
newest readable file is the current state; unreadable files are skipped on read (and left
alone). A save identical in content to the newest file is skipped. The files also carry the
``questionnaire``/``started``/``answers`` keys of :mod:`kbworkbook.store`'s format, so the
answer store can list them without treating them as broken.

Besides persistence this module proposes an action plan from the weakest factors and the
chosen instruments (:func:`propose_actions`) and holds the sample client's selection and
plan (:func:`sample_selection`, :func:`sample_action_plan`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from .errors import StoreError
from .fileio import atomic_write_json
from .instruments import Catalogue, load_catalogue

__all__ = [
    "PLAN_FOLDER",
    "SELECTION_FOLDER",
    "STATUSES",
    "Action",
    "ActionPlan",
    "InstrumentChoice",
    "Selection",
    "action_plan_history",
    "load_action_plan",
    "load_selection",
    "propose_actions",
    "sample_action_plan",
    "sample_selection",
    "save_action_plan",
    "save_selection",
    "selection_history",
]

SELECTION_FOLDER = "massnahmen"
PLAN_FOLDER = "aktionsplan"
FORMAT = 1
STATUSES: tuple[str, ...] = ("offen", "in_arbeit", "erledigt")
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})(?:-(\d+))?\.json$")
_V = TypeVar("_V")


# -- data --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstrumentChoice:
    """One chosen instrument with the consultant's edits; ``None`` = catalogue default."""

    key: str
    amounts: Mapping[str, float] = field(default_factory=dict)
    participation: float | None = None
    uplift: float | None = None
    extra_transactions: float | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "amounts": dict(self.amounts)}
        for name in ("participation", "uplift", "extra_transactions"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> InstrumentChoice:
        def opt(name: str) -> float | None:
            value = data.get(name)
            return None if value is None else float(value)

        amounts = data.get("amounts", {})
        if not isinstance(amounts, Mapping):
            raise TypeError("amounts must be an object")
        return cls(
            key=str(data["key"]),
            amounts=MappingProxyType({str(k): float(v) for k, v in amounts.items()}),
            participation=opt("participation"),
            uplift=opt("uplift"),
            extra_transactions=opt("extra_transactions"),
        )


@dataclass(frozen=True)
class Selection:
    """The chosen instruments (in order of choice) and programme-wide settings."""

    instruments: tuple[InstrumentChoice, ...] = ()
    setup_years: float | None = None
    saved_at: dt.datetime | None = None
    path: Path | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.instruments)

    def choice(self, key: str) -> InstrumentChoice | None:
        for item in self.instruments:
            if item.key == key:
                return item
        return None

    def with_choice(self, choice: InstrumentChoice) -> Selection:
        """A copy with ``choice`` added or replacing the one with the same key."""
        items = [c for c in self.instruments if c.key != choice.key]
        position = self.keys.index(choice.key) if choice.key in self.keys else len(items)
        items.insert(position, choice)
        return replace(self, instruments=tuple(items))

    def without(self, key: str) -> Selection:
        return replace(self, instruments=tuple(c for c in self.instruments if c.key != key))

    def content(self) -> dict[str, Any]:
        data: dict[str, Any] = {"instruments": [c.to_json() for c in self.instruments]}
        if self.setup_years is not None:
            data["setup_years"] = self.setup_years
        return data


@dataclass(frozen=True)
class Action:
    """One line of the action plan. ``source`` is ``factor:F5``, ``instrument:<key>`` or ''."""

    title: str
    source: str = ""
    owner: str = ""
    due: dt.date | None = None
    metric: str = ""
    target: str = ""
    status: str = "offen"

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "source": self.source,
            "owner": self.owner,
            "due": self.due.isoformat() if self.due else None,
            "metric": self.metric,
            "target": self.target,
            "status": self.status,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Action:
        due = data.get("due")
        status = str(data.get("status") or "offen")
        return cls(
            title=str(data["title"]),
            source=str(data.get("source") or ""),
            owner=str(data.get("owner") or ""),
            due=dt.date.fromisoformat(str(due)[:10]) if due else None,
            metric=str(data.get("metric") or ""),
            target=str(data.get("target") or ""),
            status=status if status in STATUSES else "offen",
        )


@dataclass(frozen=True)
class ActionPlan:
    """The action plan: ordered actions, plus when it was saved (``None`` = not yet)."""

    actions: tuple[Action, ...] = ()
    saved_at: dt.datetime | None = None
    path: Path | None = None
    proposed: bool = False

    def content(self) -> dict[str, Any]:
        return {"actions": [a.to_json() for a in self.actions]}


# -- files -------------------------------------------------------------------------------------


def _root(workspace: Any) -> Path:
    return Path(workspace) if isinstance(workspace, str | os.PathLike) else Path(workspace.root)


def _sort_key(path: Path) -> tuple[str, int]:
    match = _NAME.match(path.name)
    assert match is not None
    return match.group(1), int(match.group(2) or 1)


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if _NAME.match(p.name)), key=_sort_key)


def _read(path: Path, kind: str) -> tuple[dict[str, Any], dt.datetime] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("kind") != kind:
            return None
        return data, dt.datetime.fromisoformat(str(data["updated"]))
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def _write(folder: Path, kind: str, content: dict[str, Any], now: dt.datetime) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y-%m-%dT%H-%M-%S")
    newest = max((_sort_key(p) for p in _files(folder)), default=None)
    seq = 1
    if newest is not None and newest[0] >= stamp:
        stamp, seq = newest[0], newest[1] + 1
    path = folder / (f"{stamp}.json" if seq == 1 else f"{stamp}-{seq}.json")
    iso = now.isoformat(timespec="seconds")
    document = {
        "format": FORMAT,
        "kind": kind,
        "questionnaire": kind,
        "started": iso,
        "updated": iso,
        "answers": {},
        **content,
    }
    try:
        atomic_write_json(path, document)
    except OSError as exc:
        raise StoreError(
            f"Die Auswahl konnte nicht gespeichert werden ({path}: {exc}). Bitte prüfen Sie, "
            "ob der Arbeitsordner beschreibbar ist und Speicherplatz frei ist."
        ) from exc
    return path


def _now(now: Callable[[], dt.datetime] | dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now().replace(microsecond=0)
    return now() if callable(now) else now


def _history(workspace: Any, kind: str,
             parse: Callable[[Mapping[str, Any], dt.datetime, Path], _V]) -> list[_V]:
    """Every readable saved version of ``kind``, oldest first; unreadable files are skipped."""
    result: list[_V] = []
    for path in _files(_root(workspace) / "answers" / kind):
        read = _read(path, kind)
        if read is None:
            continue
        try:
            result.append(parse(read[0], read[1], path))
        except (KeyError, TypeError, ValueError):
            continue
    return result


def _selection_from(data: Mapping[str, Any], saved: dt.datetime, path: Path) -> Selection:
    years = data.get("setup_years")
    return Selection(
        instruments=tuple(InstrumentChoice.from_json(c) for c in data.get("instruments", [])),
        setup_years=None if years is None else float(years),
        saved_at=saved,
        path=path,
    )


def selection_history(workspace: Any) -> list[Selection]:
    """Every readable saved selection, oldest first."""
    return _history(workspace, SELECTION_FOLDER, _selection_from)


def load_selection(workspace: Any) -> Selection | None:
    """The newest saved selection, or ``None`` when none was saved."""
    history = selection_history(workspace)
    return history[-1] if history else None


def save_selection(
    workspace: Any,
    selection: Selection,
    *,
    now: Callable[[], dt.datetime] | dt.datetime | None = None,
) -> Selection:
    """Save ``selection`` as a new version and return it with ``saved_at``/``path`` set.

    Nothing is written when the content equals the newest saved version.
    """
    latest = load_selection(workspace)
    if latest is not None and latest.content() == selection.content():
        return latest
    when = _now(now)
    path = _write(_root(workspace) / "answers" / SELECTION_FOLDER, SELECTION_FOLDER,
                  selection.content(), when)
    return replace(selection, saved_at=when, path=path)


def _plan_from(data: Mapping[str, Any], saved: dt.datetime, path: Path) -> ActionPlan:
    actions = tuple(Action.from_json(a) for a in data.get("actions", []))
    return ActionPlan(actions=actions, saved_at=saved, path=path)


def action_plan_history(workspace: Any) -> list[ActionPlan]:
    """Every readable saved action plan, oldest first."""
    return _history(workspace, PLAN_FOLDER, _plan_from)


def load_action_plan(workspace: Any) -> ActionPlan | None:
    """The newest saved action plan, or ``None`` when none was saved."""
    history = action_plan_history(workspace)
    return history[-1] if history else None


def save_action_plan(
    workspace: Any,
    plan: ActionPlan,
    *,
    now: Callable[[], dt.datetime] | dt.datetime | None = None,
) -> ActionPlan:
    """Save ``plan`` as a new version (skipped when unchanged) and return it as saved."""
    latest = load_action_plan(workspace)
    if latest is not None and latest.content() == plan.content():
        return latest
    when = _now(now)
    path = _write(_root(workspace) / "answers" / PLAN_FOLDER, PLAN_FOLDER, plan.content(), when)
    return replace(plan, saved_at=when, path=path, proposed=False)


# -- proposals ---------------------------------------------------------------------------------

_TEXT = {
    "factor_title": {
        "de": "Faktor »{name}« stärken (Handlungsbedarf {need:.0f} von 100)",
        "en": "Strengthen factor '{name}' (need for action {need:.0f} of 100)",
    },
    "factor_target": {
        "de": "Faktorwert bei der nächsten Selbsteinschätzung mindestens {target:.0f}",
        "en": "Factor score at least {target:.0f} at the next self-assessment",
    },
    "instrument_title": {"de": "Einführen: {name}", "en": "Introduce: {name}"},
    "instrument_target": {
        "de": "Messen und nach 6 Monaten mit dem Ausgangswert vergleichen",
        "en": "Measure and compare with the baseline after 6 months",
    },
    "owner": {"de": "Geschäftsleitung", "en": "Management"},
}


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31,
            30, 31, 31, 30, 31, 30, 31][month - 1]
    return dt.date(year, month, min(day.day, last))


def propose_actions(
    weakest: Sequence[tuple[str, float, float]],
    selection: Selection | None,
    as_of: dt.date,
    *,
    language: str = "de",
    catalogue: Catalogue | None = None,
) -> ActionPlan:
    """Proposed plan: the weakest factors (``(factor, score, need)``) and the instruments.

    Instruments are due one month apart starting one month after ``as_of``; factor actions
    are due after six months (the next self-assessment). Owners default to management.
    """
    cat = catalogue or load_catalogue()
    lang = "en" if language == "en" else "de"
    actions: list[Action] = []
    for factor, score, need in weakest:
        name = cat.label("factors", factor, lang)
        actions.append(Action(
            title=_TEXT["factor_title"][lang].format(name=name, need=need),
            source=f"factor:{factor}",
            owner=_TEXT["owner"][lang],
            due=_add_months(as_of, 6),
            metric="factor_score",
            target=_TEXT["factor_target"][lang].format(target=min(100.0, score + 10.0)),
        ))
    for index, choice in enumerate(selection.instruments if selection else ()):
        item = cat.get(choice.key)
        actions.append(Action(
            title=_TEXT["instrument_title"][lang].format(name=item.name(lang)),
            source=f"instrument:{item.key}",
            owner=_TEXT["owner"][lang],
            due=_add_months(as_of, index + 1),
            metric=item.metric,
            target=_TEXT["instrument_target"][lang],
        ))
    return ActionPlan(actions=tuple(actions), proposed=True)


# -- sample client -----------------------------------------------------------------------------

#: When the sample client's selection and plan were "saved" (fixed, for reproducible files).
SAMPLE_SAVED_AT = dt.datetime(2026, 1, 15, 10, 30, 0)


def sample_selection() -> Selection:
    """Bäckerei Sonnenschein picks a stamp card, an NPS survey and complaint handling."""
    return Selection(
        instruments=(
            InstrumentChoice("bonussystem", {"einrichtung": 600.0, "betrieb": 0.0,
                                             "bonus": 0.04},
                             participation=0.35, uplift=0.03, extra_transactions=0.5),
            InstrumentChoice("feedback_nps", {"tool": 240.0, "zeit": 20.0}, uplift=0.01),
            InstrumentChoice("beschwerdemanagement", {"kulanz": 12.0, "zeit": 24.0},
                             uplift=0.01),
        ),
        setup_years=3.0,
    )


def sample_action_plan() -> ActionPlan:
    """The plan the sample owner took home from the workshop (edited proposals)."""
    return ActionPlan(actions=(
        Action("Kontaktpunkte-Check: Wartezeit am Samstagmorgen verkürzen (zweite Kasse "
               "7–10 Uhr)", "factor:F2", "Filialleitung", dt.date(2026, 3, 31), "factor_score",
               "Faktor Kundenerlebnis & Service bei der nächsten Selbsteinschätzung "
               "mindestens 70"),
        Action("Stempelkarte einführen: jeder 10. Kaffee gratis", "instrument:bonussystem",
               "Inhaber", dt.date(2026, 2, 28), "repeat_purchase_rate",
               "Wiederkaufrate +3 Prozentpunkte bis Ende 2026"),
        Action("Kurze NPS-Befragung per QR-Code auf dem Kassenbon, Auswertung quartalsweise",
               "instrument:feedback_nps", "Filialleitung", dt.date(2026, 4, 30), "nps",
               "NPS mindestens +40 und 100 Antworten pro Quartal"),
        Action("Beschwerden innert 48 Stunden beantworten; Verkaufsteam darf bis CHF 20 "
               "selbst kulant lösen", "instrument:beschwerdemanagement", "Filialleitung",
               dt.date(2026, 3, 31), "complaint_satisfaction",
               "Mindestens 85 % der Beschwerden zufrieden gelöst"),
        Action("Stammgäste mit Namen ansprechen und Vorlieben auf der Kundenkarte notieren",
               "factor:F4", "Inhaber", dt.date(2026, 6, 30), "factor_score",
               "Faktor Kommunikation & Kundennähe bei der nächsten Selbsteinschätzung "
               "mindestens 65"),
    ))
