"""The kit's content as data: checklists, the low-effort page, agendas, facilitator notes.

Everything printed or shown lives in the TOML catalogues beside this module (German and
English): ``kit.toml`` (the words on every document), ``checklisten.toml``,
``kleinstbetrieb.toml``, ``einwilligung.toml`` (consent for e-mail advertising), ``agenda.toml``
and ``moderation.toml`` (facilitator notes, shown in
the notebooks' consultant cell). This module only reads them; it renders nothing and imports
no PDF engine, so the notebook generator can use it.

The agenda's clock times follow from its blocks' minutes (:func:`schedule`), and a chapter's
workshop time is the sum of its blocks (:func:`chapter_minutes`), so the agenda and the
facilitator notes cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..i18n import language_of, swiss_spelling

__all__ = [
    "AGENDA_KINDS",
    "Agenda",
    "AgendaBlock",
    "Checklist",
    "Consent",
    "ConsentCountry",
    "LowEffortPage",
    "ScheduledBlock",
    "agenda",
    "chapter_minutes",
    "checklists",
    "consent",
    "facilitator_note",
    "low_effort_page",
    "schedule",
    "text",
]

HERE = Path(__file__).resolve().parent
#: The two agendas: half-day and full-day workshop.
AGENDA_KINDS: tuple[str, ...] = ("half", "full")

Texts = Mapping[str, str]


@cache
def _catalogue(name: str) -> dict[str, Any]:
    return tomllib.loads((HERE / f"{name}.toml").read_text(encoding="utf-8"))


def localized(texts: Texts, language: str, locale: str | None = None) -> str:
    """``texts[language]`` (German fallback), with Swiss spelling for German in de-CH."""
    lang = language_of(language)
    value = texts.get(lang) or texts["de"]
    return swiss_spelling(value, locale) if lang == "de" else value


def text(key: str, language: str = "de", locale: str | None = None, **values: object) -> str:
    """One entry of ``kit.toml`` in ``language``, placeholders filled."""
    entry: Any = _catalogue("kit")
    for part in key.split("."):
        entry = entry[part]
    raw = localized(entry, language, locale)
    return raw.format(**values) if values else raw


def _texts(raw: Mapping[str, Any], key: str | None = None) -> dict[str, str]:
    """The ``{de, en}`` texts of a table (``key`` = a sub-table such as ``help``)."""
    source = raw.get(key, {}) if key else raw
    return {lang: str(source[lang]) for lang in ("de", "en") if lang in source}


# -- checklists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistStep:
    """One step: a short instruction and its explanation; ``addition`` = not from the seeds."""

    title: Texts
    help: Texts
    addition: bool = False


@dataclass(frozen=True)
class Checklist:
    """A printable checklist. ``plan`` adds who/when columns; ``record`` are fields to fill in."""

    id: str
    title: Texts
    intro: Texts
    steps: tuple[ChecklistStep, ...]
    record: tuple[Texts, ...]
    plan: bool
    sources: tuple[str, ...]


def checklists() -> tuple[Checklist, ...]:
    """The checklists of ``checklisten.toml`` in catalogue order."""
    return tuple(
        Checklist(
            id=str(raw["id"]),
            title=_texts(raw, "title"),
            intro=_texts(raw, "intro"),
            steps=tuple(ChecklistStep(title=_texts(step), help=_texts(step, "help"),
                                      addition=bool(step.get("kbworkbook", False)))
                        for step in raw["steps"]),
            record=tuple(_texts(field) for field in raw.get("record", [])),
            plan=bool(raw.get("plan", False)),
            sources=tuple(raw["sources"]),
        )
        for raw in _catalogue("checklisten")["checklists"]
    )


# -- the micro-firm page ------------------------------------------------------------------------


@dataclass(frozen=True)
class LowEffortPage:
    """Why micro-firms don't do it (objection → answer) and what works with little effort."""

    title: Texts
    intro: Texts
    objections: tuple[tuple[Texts, Texts], ...]
    measures: tuple[tuple[Texts, Texts], ...]
    sources: tuple[str, ...]


def low_effort_page() -> LowEffortPage:
    """The content of ``kleinstbetrieb.toml``."""
    raw = _catalogue("kleinstbetrieb")
    return LowEffortPage(
        title=_texts(raw, "title"),
        intro=_texts(raw, "intro"),
        objections=tuple((_texts(o), _texts(o, "answer")) for o in raw["objections"]),
        measures=tuple((_texts(m), _texts(m, "effort")) for m in raw["measures"]),
        sources=tuple(raw["sources"]),
    )


# -- consent for e-mail advertising ---------------------------------------------------------------


@dataclass(frozen=True)
class ConsentCountry:
    """The rule for one country: consent, the existing-customer exception, the source."""

    code: str
    locale: str
    name: Texts
    rule: Texts
    exception: Texts
    source: str


@dataclass(frozen=True)
class Consent:
    """Consent for e-mail advertising in DE, CH and AT (a hint, not legal advice)."""

    title: Texts
    intro: Texts
    countries: tuple[ConsentCountry, ...]
    steps: tuple[Texts, ...]
    sources: tuple[str, ...]

    def for_locale(self, locale: str | None) -> tuple[ConsentCountry, ...]:
        """The client's country first (by locale), then the others; all for other locales."""
        own = [c for c in self.countries if c.locale == locale]
        return tuple(own + [c for c in self.countries if c.locale != locale])


def consent() -> Consent:
    """The content of ``einwilligung.toml``."""
    raw = _catalogue("einwilligung")
    return Consent(
        title=_texts(raw, "title"),
        intro=_texts(raw, "intro"),
        countries=tuple(ConsentCountry(code=str(c["code"]), locale=str(c["locale"]),
                                       name=_texts(c, "name"), rule=_texts(c, "rule"),
                                       exception=_texts(c, "exception"), source=str(c["source"]))
                        for c in raw["countries"]),
        steps=tuple(_texts(step) for step in raw["steps"]),
        sources=tuple(raw["sources"]),
    )


# -- agendas ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaBlock:
    """One step of an agenda. ``chapter`` is ``None`` for breaks and the closing round."""

    title: Texts
    minutes: int
    chapter: str | None = None
    pause: bool = False
    materials: tuple[str, ...] = ()


@dataclass(frozen=True)
class Agenda:
    """A workshop agenda: a title, the start time and its blocks in order."""

    kind: str
    title: Texts
    start: dt.time
    blocks: tuple[AgendaBlock, ...]


@dataclass(frozen=True)
class ScheduledBlock:
    """A block with its clock times."""

    start: dt.time
    end: dt.time
    block: AgendaBlock


def agenda(kind: str) -> Agenda:
    """The ``half`` or ``full`` agenda of ``agenda.toml``."""
    if kind not in AGENDA_KINDS:
        raise ValueError(f"unknown agenda {kind!r}; expected one of {AGENDA_KINDS}")
    raw = _catalogue("agenda")[kind]
    blocks = tuple(
        AgendaBlock(title=_texts(b), minutes=int(b["minutes"]), chapter=b.get("chapter"),
                    pause=bool(b.get("pause", False)), materials=tuple(b.get("materials", ())))
        for b in raw["blocks"]
    )
    return Agenda(kind=kind, title=_texts(raw, "title"),
                  start=dt.time.fromisoformat(str(raw["start"])), blocks=blocks)


def schedule(plan: Agenda) -> list[ScheduledBlock]:
    """The blocks of ``plan`` with start and end times, one after the other from its start."""
    clock = dt.datetime.combine(dt.date(2000, 1, 1), plan.start)
    result = []
    for block in plan.blocks:
        end = clock + dt.timedelta(minutes=block.minutes)
        result.append(ScheduledBlock(start=clock.time(), end=end.time(), block=block))
        clock = end
    return result


def chapter_minutes(kind: str) -> dict[str, int]:
    """Workshop minutes per chapter number in the ``half`` or ``full`` agenda."""
    minutes: dict[str, int] = {}
    for block in agenda(kind).blocks:
        if block.chapter is not None:
            minutes[block.chapter] = minutes.get(block.chapter, 0) + block.minutes
    return minutes


# -- facilitator notes --------------------------------------------------------------------------

_NOTE_WORDS = {
    "de": {"title": "Moderationsleitfaden", "time": "Zeitbedarf: etwa {half} Min. im "
           "Halbtages-, {full} Min. im Ganztages-Workshop.",
           "questions": "Fragen an die Inhaberin oder den Inhaber",
           "objections": "Typische Einwände – und was Sie antworten können", "tip": "Tipp"},
    "en": {"title": "Facilitator notes", "time": "Time needed: about {half} min in the "
           "half-day, {full} min in the full-day workshop.",
           "questions": "Questions for the owner",
           "objections": "Typical objections – and what you can answer", "tip": "Tip"},
}


def facilitator_note(number: str, language: str = "de") -> str:
    """Markdown guide for the consultant for chapter ``number`` (empty when none exists)."""
    raw = _catalogue("moderation")["chapters"].get(number)
    if raw is None:
        return ""
    lang = language_of(language)
    words = _NOTE_WORDS[lang]
    half, full = chapter_minutes("half").get(number), chapter_minutes("full").get(number)
    lines = [f"**{words['title']}**"]
    if half and full:
        lines[0] += " – " + words["time"].format(half=half, full=full)
    for key in ("questions", "objections"):
        entries = raw[key].get(lang) or raw[key]["de"]
        lines += ["", f"*{words[key]}*", "", *(f"- {entry}" for entry in entries)]
    if "tip" in raw:
        lines += ["", f"*{words['tip']}:* {raw['tip'].get(lang) or raw['tip']['de']}"]
    return "\n".join(lines)
