"""Persistence of the chosen instruments and of the action plan (no widgets here).

Layout, like the questionnaire answers::

    <workspace>/answers/massnahmen/<YYYY-MM-DDTHH-MM-SS>.json    chosen instruments + costs
    <workspace>/answers/aktionsplan/<YYYY-MM-DDTHH-MM-SS>.json   the action plan

Every save writes a *new* file through :func:`kbworkbook.fileio.atomic_write_json` (``-2``,
``-3`` … when two saves fall into the same second) while holding the folder's lock
(:func:`kbworkbook.versions.locked`), so two sessions never pick the same name; earlier
versions are never changed. A save identical in content to the newest file is skipped. The
files also carry the ``questionnaire``/``started``/``answers`` keys of
:mod:`kbworkbook.store`'s format, so the answer store can list them.

Files may be edited by hand. Reading is lenient and says so: a field that does not validate
(``"due": "31.03.2026"``, an amount ``"600 CHF"``, an action that is not an object) is left
out of that entry and described in ``problems`` (file, entry, field, what is expected); the rest
of the version still counts. A file that cannot be read at all is left alone and the newest
readable version is used, with a problem naming the skipped file. Reading never writes.

Besides persistence this module proposes an action plan from the weakest factors and the
chosen instruments (:func:`propose_actions`) and holds the sample client's selection and
plan (:func:`sample_selection`, :func:`sample_action_plan`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from .fileio import atomic_write_json
from .instruments import Catalogue, load_catalogue
from .scrub import scrub_text
from .versions import locked, next_version_path, version_files, write_error

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
    "unreadable_versions",
]

SELECTION_FOLDER = "massnahmen"
PLAN_FOLDER = "aktionsplan"
FORMAT = 1
STATUSES: tuple[str, ...] = ("offen", "in_arbeit", "erledigt")


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
    #: what could not be read from the file(s) by hand (German or English sentences)
    problems: tuple[str, ...] = ()

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
    #: what could not be read from the file(s) by hand (German or English sentences)
    problems: tuple[str, ...] = ()

    def content(self) -> dict[str, Any]:
        return {"actions": [a.to_json() for a in self.actions]}


# -- reading hand-edited files ----------------------------------------------------------------

_ACTION_FIELDS = ("title", "source", "owner", "due", "metric", "target", "status")
_CHOICE_FIELDS = ("key", "amounts", "participation", "uplift", "extra_transactions")
_PROBLEM_TEXT = {
    "de": {
        "unreadable": "{file}: die Datei ist nicht lesbar ({reason}) und wurde übersprungen; "
                      "sie bleibt unverändert.",
        "fallback": " Gezeigt wird die ältere Fassung »{shown}«.",
        "not_object": "{where}: {what} ist kein Objekt {{…}} mit den Feldern {fields}; der "
                      "Eintrag wird nicht gezeigt.",
        "not_list": "{file}, Feld »{field}«: erwartet wird eine Liste […]; gefunden: {kind}.",
        "missing": "{where}: das Feld »{field}« fehlt; der Eintrag wird nicht gezeigt.",
        "date": "{where}, Feld »{field}«: »{value}« ist kein Datum im Format JJJJ-MM-TT "
                "(z. B. 2026-03-31); der Eintrag wird ohne Termin gezeigt.",
        "number": "{where}, Feld »{field}«: »{value}« ist keine Zahl; bitte nur die Zahl ohne "
                  "Währung oder Einheit eintragen (z. B. 600 oder 0.04). Verwendet wird der "
                  "Standardwert.",
        "text": "{where}, Feld »{field}«: erwartet wird ein Text; gefunden: {kind}. Das Feld "
                "bleibt leer.",
        "status": "{where}, Feld »status«: »{value}« ist unbekannt; erlaubt sind "
                  "{allowed}. Gezeigt wird »offen«.",
        "unknown": "{where}: das Feld »{field}« ist unbekannt und wird nicht angezeigt; "
                   "erlaubt sind {fields}.",
        "action": "Maßnahme {n}",
        "choice": "Instrument {n}",
        "entry": "der Eintrag",
    },
    "en": {
        "unreadable": "{file}: the file cannot be read ({reason}) and was skipped; it is kept "
                      "unchanged.",
        "fallback": " Showing the older version '{shown}'.",
        "not_object": "{where}: {what} is not an object {{…}} with the fields {fields}; the "
                      "entry is not shown.",
        "not_list": "{file}, field '{field}': a list […] is expected; found: {kind}.",
        "missing": "{where}: the field '{field}' is missing; the entry is not shown.",
        "date": "{where}, field '{field}': '{value}' is not a date in the form YYYY-MM-DD "
                "(e.g. 2026-03-31); the entry is shown without a due date.",
        "number": "{where}, field '{field}': '{value}' is not a number; please enter the "
                  "number only, without currency or unit (e.g. 600 or 0.04). The default is "
                  "used.",
        "text": "{where}, field '{field}': a text is expected; found: {kind}. The field stays "
                "empty.",
        "status": "{where}, field 'status': '{value}' is unknown; allowed are {allowed}. "
                  "Shown as 'open'.",
        "unknown": "{where}: the field '{field}' is unknown and not shown; allowed are {fields}.",
        "action": "action {n}",
        "choice": "instrument {n}",
        "entry": "the entry",
    },
}


def _kind(value: Any) -> str:
    return {dict: "Objekt", list: "Liste", str: "Text", bool: "true/false",
            type(None): "null"}.get(type(value), "Zahl")


class _Checker:
    """Collects located problems while reading one hand-editable file."""

    def __init__(self, file: str, language: str) -> None:
        self.file = file
        self.texts = _PROBLEM_TEXT["en" if language == "en" else "de"]
        self.problems: list[str] = []

    def add(self, key: str, **values: Any) -> None:
        self.problems.append(self.texts[key].format(file=self.file, **values))

    def where(self, key: str, n: int) -> str:
        return f"{self.file}, {self.texts[key].format(n=n)}"

    def entries(self, data: Mapping[str, Any], field: str) -> list[Any]:
        value = data.get(field, [])
        if isinstance(value, list):
            return value
        self.add("not_list", field=field, kind=_kind(value))
        return []

    def obj(self, value: Any, where: str, fields: tuple[str, ...]) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            for key in value:
                if key not in fields:
                    self.add("unknown", where=where, field=key, fields=", ".join(fields))
            return value
        self.add("not_object", where=where, what=self.texts["entry"], fields=", ".join(fields))
        return None

    def text(self, data: Mapping[str, Any], field: str, where: str) -> str:
        value = data.get(field)
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        self.add("text", where=where, field=field, kind=_kind(value))
        return ""

    def number(self, value: Any, field: str, where: str) -> float | None:
        if value is None:
            return None
        if not isinstance(value, bool):
            try:
                number = float(value)
            except (TypeError, ValueError):
                pass
            else:
                if number == number and abs(number) != float("inf"):  # not nan / inf
                    return number
        self.add("number", where=where, field=field, value=_short(value))
        return None

    def date(self, value: Any, field: str, where: str) -> dt.date | None:
        if value in (None, ""):
            return None
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                pass
        self.add("date", where=where, field=field, value=_short(value))
        return None


def _short(value: Any, limit: int = 40) -> str:
    """A hand-typed value for a message: contact data masked, at most ``limit`` characters."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = scrub_text(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_action(raw: Any, n: int, check: _Checker) -> Action | None:
    where = check.where("action", n)
    data = check.obj(raw, where, _ACTION_FIELDS)
    if data is None:
        return None
    title = check.text(data, "title", where).strip()
    if not title:
        check.add("missing", where=where, field="title")
        return None
    status = check.text(data, "status", where) or "offen"
    if status not in STATUSES:
        check.add("status", where=where, value=_short(status), allowed=", ".join(STATUSES))
        status = "offen"
    return Action(
        title=title,
        source=check.text(data, "source", where),
        owner=check.text(data, "owner", where),
        due=check.date(data.get("due"), "due", where),
        metric=check.text(data, "metric", where),
        target=check.text(data, "target", where),
        status=status,
    )


def _check_choice(raw: Any, n: int, check: _Checker) -> InstrumentChoice | None:
    where = check.where("choice", n)
    data = check.obj(raw, where, _CHOICE_FIELDS)
    if data is None:
        return None
    key = check.text(data, "key", where).strip()
    if not key:
        check.add("missing", where=where, field="key")
        return None
    where = f"{where} »{_short(key)}«"
    amounts: dict[str, float] = {}
    raw_amounts = data.get("amounts", {})
    if not isinstance(raw_amounts, Mapping):
        check.add("not_object", where=f"{where}, »amounts«", what=check.texts["entry"],
                  fields="…")
        raw_amounts = {}
    for name, value in raw_amounts.items():
        number = check.number(value, f"amounts.{name}", where)
        if number is not None:
            amounts[str(name)] = number
    return InstrumentChoice(
        key=key,
        amounts=MappingProxyType(amounts),
        participation=check.number(data.get("participation"), "participation", where),
        uplift=check.number(data.get("uplift"), "uplift", where),
        extra_transactions=check.number(data.get("extra_transactions"), "extra_transactions",
                                        where),
    )


# -- files -------------------------------------------------------------------------------------


def _root(workspace: Any) -> Path:
    return Path(workspace) if isinstance(workspace, str | os.PathLike) else Path(workspace.root)


def _read(path: Path, kind: str) -> tuple[dict[str, Any], dt.datetime]:
    """The document and its save time; raises ``ValueError`` (German reason) when unusable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"kein gültiges JSON, Zeile {exc.lineno}, Spalte {exc.colno}") from None
    except UnicodeDecodeError:
        raise ValueError("keine UTF-8-Textdatei") from None
    except OSError as exc:
        raise ValueError(exc.strerror or type(exc).__name__) from None
    if not isinstance(data, dict):
        raise ValueError("kein JSON-Objekt")
    if data.get("kind") != kind:
        raise ValueError(f"»kind« ist nicht »{kind}«")
    try:
        return data, dt.datetime.fromisoformat(str(data["updated"]))
    except KeyError:
        raise ValueError("Feld »updated« fehlt") from None
    except ValueError:
        raise ValueError("»updated« ist kein Zeitpunkt") from None


def _write(folder: Path, kind: str, content: dict[str, Any], now: dt.datetime,
           what: str) -> Path:
    """Write a new version; call only inside :func:`kbworkbook.versions.locked`."""
    path = next_version_path(folder, now)
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
        raise write_error(path, exc, what) from exc
    return path


def _now(now: Callable[[], dt.datetime] | dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now().replace(microsecond=0)
    return now() if callable(now) else now


_V = TypeVar("_V", "Selection", "ActionPlan")
_Parse = Callable[[Mapping[str, Any], dt.datetime, Path, "_Checker"], _V]


def _versions(workspace: Any, kind: str, parse: _Parse[_V],
              language: str) -> list[tuple[Path, _V | None, tuple[str, ...]]]:
    """Every version file, oldest first: (path, parsed or ``None`` when unreadable, problems)."""
    result: list[tuple[Path, _V | None, tuple[str, ...]]] = []
    for path in version_files(_root(workspace) / "answers" / kind):
        check = _Checker(f"{kind}/{path.name}", language)
        try:
            data, saved = _read(path, kind)
        except ValueError as exc:
            check.add("unreadable", reason=str(exc))
            result.append((path, None, tuple(check.problems)))
            continue
        result.append((path, parse(data, saved, path, check), tuple(check.problems)))
    return result


def _history(workspace: Any, kind: str, parse: _Parse[_V], language: str = "de") -> list[_V]:
    """Every readable version of ``kind``, oldest first (with its own field problems)."""
    return [item for _, item, _ in _versions(workspace, kind, parse, language)
            if item is not None]


def _latest(workspace: Any, kind: str, parse: _Parse[_V], language: str) -> _V | None:
    """The newest readable version; problems of newer, unreadable files are added to it."""
    versions = _versions(workspace, kind, parse, language)
    skipped: list[str] = []
    texts = _PROBLEM_TEXT["en" if language == "en" else "de"]
    for path, found, problems in reversed(versions):
        if found is None:
            skipped.extend(problems)
            continue
        item: _V = found
        if skipped:
            note = texts["fallback"].format(shown=path.name)
            skipped = [text + note for text in skipped]
        return replace(item, problems=(*skipped, *item.problems))
    return None


def unreadable_versions(workspace: Any, kind: str, language: str = "de") -> tuple[str, ...]:
    """Problems of saved files of ``kind`` (``massnahmen``/``aktionsplan``) that cannot be read.

    For views that show something else (a proposal) when no version is readable at all.
    """
    def nothing(*_args: Any) -> ActionPlan:
        return ActionPlan()

    return tuple(problem for _, item, problems in _versions(workspace, kind, nothing, language)
                 if item is None for problem in problems)


def _selection_from(data: Mapping[str, Any], saved: dt.datetime, path: Path,
                    check: _Checker) -> Selection:
    choices = (_check_choice(raw, n, check)
               for n, raw in enumerate(check.entries(data, "instruments"), start=1))
    return Selection(
        instruments=tuple(c for c in choices if c is not None),
        setup_years=check.number(data.get("setup_years"), "setup_years", check.file),
        saved_at=saved,
        path=path,
        problems=tuple(check.problems),
    )


def selection_history(workspace: Any, *, language: str = "de") -> list[Selection]:
    """Every readable saved selection, oldest first."""
    return _history(workspace, SELECTION_FOLDER, _selection_from, language)


def load_selection(workspace: Any, *, language: str = "de") -> Selection | None:
    """The newest readable selection (``problems`` says what was left out), or ``None``."""
    return _latest(workspace, SELECTION_FOLDER, _selection_from, language)


def save_selection(
    workspace: Any,
    selection: Selection,
    *,
    now: Callable[[], dt.datetime] | dt.datetime | None = None,
) -> Selection:
    """Save ``selection`` as a new version and return it with ``saved_at``/``path`` set.

    Nothing is written when the content equals the newest saved version.
    """
    folder = _root(workspace) / "answers" / SELECTION_FOLDER
    with locked(folder, what="Die Auswahl"):
        latest = load_selection(workspace)
        if latest is not None and latest.content() == selection.content():
            return latest
        when = _now(now)
        path = _write(folder, SELECTION_FOLDER, selection.content(), when, "Die Auswahl")
    return replace(selection, saved_at=when, path=path, problems=())


def _plan_from(data: Mapping[str, Any], saved: dt.datetime, path: Path,
               check: _Checker) -> ActionPlan:
    actions = (_check_action(raw, n, check)
               for n, raw in enumerate(check.entries(data, "actions"), start=1))
    return ActionPlan(actions=tuple(a for a in actions if a is not None), saved_at=saved,
                      path=path, problems=tuple(check.problems))


def action_plan_history(workspace: Any, *, language: str = "de") -> list[ActionPlan]:
    """Every readable saved action plan, oldest first."""
    return _history(workspace, PLAN_FOLDER, _plan_from, language)


def load_action_plan(workspace: Any, *, language: str = "de") -> ActionPlan | None:
    """The newest readable action plan (``problems`` says what was left out), or ``None``."""
    return _latest(workspace, PLAN_FOLDER, _plan_from, language)


def save_action_plan(
    workspace: Any,
    plan: ActionPlan,
    *,
    now: Callable[[], dt.datetime] | dt.datetime | None = None,
) -> ActionPlan:
    """Save ``plan`` as a new version (skipped when unchanged) and return it as saved."""
    folder = _root(workspace) / "answers" / PLAN_FOLDER
    with locked(folder, what="Der Aktionsplan"):
        latest = load_action_plan(workspace)
        if latest is not None and latest.content() == plan.content():
            return latest
        when = _now(now)
        path = _write(folder, PLAN_FOLDER, plan.content(), when, "Der Aktionsplan")
    return replace(plan, saved_at=when, path=path, proposed=False, problems=())


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
            title=item.action(lang) or _TEXT["instrument_title"][lang].format(
                name=item.name(lang)),
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
        Action("Beschwerden nach dem Ablauf »Reklamationen lösen« (Kapitel 3) innert 48 "
               "Stunden beantworten; Verkaufsteam darf bis CHF 20 selbst kulant lösen",
               "instrument:beschwerdemanagement", "Filialleitung",
               dt.date(2026, 3, 31), "complaint_satisfaction",
               "Mindestens 85 % der Beschwerden zufrieden gelöst"),
        Action("Stammgäste mit Namen ansprechen und Vorlieben auf der Kundenkarte notieren",
               "factor:F4", "Inhaber", dt.date(2026, 6, 30), "factor_score",
               "Faktor Kommunikation & Kundennähe bei der nächsten Selbsteinschätzung "
               "mindestens 65"),
    ))
