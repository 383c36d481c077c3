"""Questionnaire catalogues as data: TOML files with German and English text.

The package ships five catalogues (``sechs_faktoren``, ``wechselbarrieren``,
``management_check``, ``kontaktpunkte``, ``positionierung``) beside this module. A workspace may
add or override catalogues with ``<workspace>/questionnaires/*.toml`` (or the folder named by
``[questionnaires] dir = "..."`` in kbworkbook.toml); a file whose ``id`` equals a built-in one
replaces it. A broken file raises :class:`~kbworkbook.errors.QuestionnaireError` naming the file
and the entry, with a "Meinten Sie …?" hint for misspelt keys.

File format::

    id = "sechs_faktoren"
    kind = "likert"            # likert | rating | ja_teilweise_nein | text
    importance = true          # ask "Wie wichtig ist dieser Faktor für Ihre Kunden?" (1..5)
    higher_is_better = true    # false for switching barriers: no good/bad bands
    order = 1                  # position in listings
    [title]  de = "…"  en = "…"
    [intro]  de = "…"  en = "…"   (optional)
    [scale]  labels.de = [..]  labels.en = [..]   (optional, overrides the kind's labels)
    [[factors]]        key = "F1"  de = "…"  en = "…"
    [[factors.items]]  key = "F1.1"  de = "…"  en = "…"  reverse = false  help.de = "…"
                       data = ["repeat_rate", "nps"]   # figures that can confirm the statement

``data`` links a statement to figure keys of the analysis (``figures.json``); what counts as a
good value of each figure is kept in ``kbworkbook/selfimage.toml`` (:mod:`kbworkbook.selfimage`
checks the keys).

A free-text catalogue (``kind = "text"``) may guide an item with a list: ``type = "choices"``,
``options = [{key = "qualitaet", de = "…", en = "…"}, …]`` and optionally ``max = 3`` (the
advised number of ticks). Its answer is a list of option keys plus the owner's own entries.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import QuestionnaireError
from ..i18n import swiss_spelling
from ..paths import is_inside, resolve_setting, setting_label

__all__ = [
    "BUILTIN_DIR",
    "ITEM_TYPES",
    "KINDS",
    "Factor",
    "Item",
    "Option",
    "Questionnaire",
    "Scale",
    "load_catalogue",
    "load_catalogue_file",
    "load_catalogues",
    "workspace_catalogue_dir",
]

BUILTIN_DIR = Path(__file__).resolve().parent

#: The answer scales a catalogue may use: stored values and their labels.
KINDS: tuple[str, ...] = ("likert", "rating", "ja_teilweise_nein", "text")

_SCALE_VALUES: dict[str, tuple[Any, ...]] = {
    "likert": (1, 2, 3, 4, 5),
    "rating": (1, 2, 3, 4, 5),
    "ja_teilweise_nein": ("ja", "teilweise", "nein"),
    "text": (),
}
_SCALE_LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "likert": {
        "de": ("trifft überhaupt nicht zu", "trifft eher nicht zu", "teils/teils",
               "trifft eher zu", "trifft voll und ganz zu"),
        "en": ("does not apply at all", "tends not to apply", "partly",
               "tends to apply", "fully applies"),
    },
    "rating": {
        "de": ("sehr schlecht", "schlecht", "mittel", "gut", "sehr gut"),
        "en": ("very poor", "poor", "fair", "good", "very good"),
    },
    "ja_teilweise_nein": {
        "de": ("ja", "teilweise", "nein"),
        "en": ("yes", "partly", "no"),
    },
    "text": {"de": (), "en": ()},
}
_DONT_KNOW = {"de": "weiß nicht", "en": "don't know"}

#: Item types of a free-text catalogue: a text box, or a list to tick plus own entries.
ITEM_TYPES: tuple[str, ...] = ("text", "choices")

_TOP_KEYS = {"id", "kind", "importance", "order", "title", "intro", "scale", "factors",
             "higher_is_better"}
_FACTOR_KEYS = {"key", "de", "en", "help", "items"}
_ITEM_KEYS = {"key", "de", "en", "help", "reverse", "type", "options", "max", "data"}
_OPTION_KEYS = {"key", "de", "en"}
_SCALE_KEYS = {"labels"}


def _text(mapping: Mapping[str, str], language: str) -> str:
    return mapping.get(language) or mapping.get("de") or ""


@dataclass(frozen=True)
class Scale:
    """The answer options of a catalogue: stored ``values`` and their labels per language."""

    kind: str
    values: tuple[Any, ...]
    labels: Mapping[str, tuple[str, ...]]
    swiss: bool = False

    def label_list(self, language: str = "de") -> tuple[str, ...]:
        """The option labels in ``language`` (German when no English labels exist)."""
        return self.labels.get(language) or self.labels["de"]

    def dont_know(self, language: str = "de") -> str:
        """Label of the "weiß nicht / nicht relevant" option (stored as ``null``)."""
        text = _DONT_KNOW.get(language, _DONT_KNOW["de"])
        return swiss_spelling(text, "de-CH") if self.swiss else text

    def label(self, value: Any, language: str = "de") -> str:
        """The label of one stored value; ``None`` is "weiß nicht"."""
        if value is None:
            return self.dont_know(language)
        labels = self.label_list(language)
        for option, text in zip(self.values, labels, strict=False):
            if option == value:
                return f"{value} – {text}" if isinstance(value, int) else text
        return str(value)


@dataclass(frozen=True)
class Option:
    """One entry of a ``choices`` item's list."""

    key: str
    text: Mapping[str, str]

    def label(self, language: str = "de") -> str:
        return _text(self.text, language)


@dataclass(frozen=True)
class Item:
    """One statement or question. ``reverse`` marks reverse-coded items (R); ``data`` names the
    figures (keys of ``figures.json``) that can show whether the statement holds.

    ``type`` is ``"text"`` or ``"choices"`` (free-text catalogues only); a ``choices`` item
    has its ``options`` and ``max``, the advised number of ticks (``None``: no limit).
    """

    key: str
    text: Mapping[str, str]
    reverse: bool = False
    help: Mapping[str, str] = field(default_factory=dict)
    type: str = "text"
    options: tuple[Option, ...] = ()
    max: int | None = None
    data: tuple[str, ...] = ()

    def label(self, language: str = "de") -> str:
        return _text(self.text, language)

    def help_text(self, language: str = "de") -> str:
        return _text(self.help, language)

    @property
    def option_keys(self) -> tuple[str, ...]:
        return tuple(option.key for option in self.options)

    def option_label(self, value: str, language: str = "de") -> str:
        """The label of an option key; an own entry (not an option) as it was typed."""
        for option in self.options:
            if option.key == value:
                return option.label(language)
        return value


@dataclass(frozen=True)
class Factor:
    """A group of items that is scored together (factor, pillar, barrier type, …)."""

    key: str
    name: Mapping[str, str]
    items: tuple[Item, ...]
    help: Mapping[str, str] = field(default_factory=dict)

    def label(self, language: str = "de") -> str:
        return _text(self.name, language)


@dataclass(frozen=True)
class Questionnaire:
    """A validated catalogue. ``source`` is the file it came from."""

    id: str
    kind: str
    title: Mapping[str, str]
    factors: tuple[Factor, ...]
    scale: Scale
    intro: Mapping[str, str] = field(default_factory=dict)
    importance: bool = False
    order: int = 100
    source: str = ""
    higher_is_better: bool = True

    def label(self, language: str = "de") -> str:
        return _text(self.title, language)

    def intro_text(self, language: str = "de") -> str:
        return _text(self.intro, language)

    @property
    def items(self) -> tuple[Item, ...]:
        """All items in catalogue order."""
        return tuple(item for factor in self.factors for item in factor.items)

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    @property
    def factor_keys(self) -> tuple[str, ...]:
        return tuple(factor.key for factor in self.factors)

    @property
    def scored(self) -> bool:
        """False for free-text catalogues (positioning canvas)."""
        return self.kind != "text"

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def factor(self, key: str) -> Factor:
        for factor in self.factors:
            if factor.key == key:
                return factor
        raise KeyError(key)

    def for_locale(self, locale: str | None) -> Questionnaire:
        """This catalogue with Swiss spelling (ss for ß) in its German text for ``de-CH``."""
        if locale != "de-CH":
            return self

        def swiss(texts: Mapping[str, str]) -> dict[str, str]:
            return {k: (swiss_spelling(v, locale) if k == "de" else v) for k, v in texts.items()}

        factors = tuple(
            replace(f, name=swiss(f.name), help=swiss(f.help), items=tuple(
                replace(i, text=swiss(i.text), help=swiss(i.help), options=tuple(
                    replace(o, text=swiss(o.text)) for o in i.options))
                for i in f.items))
            for f in self.factors
        )
        labels = dict(self.scale.labels)
        labels["de"] = tuple(swiss_spelling(x, locale) for x in labels["de"])
        return replace(self, title=swiss(self.title), intro=swiss(self.intro), factors=factors,
                       scale=replace(self.scale, labels=labels, swiss=True))

    def factor_of(self, item_key: str) -> Factor:
        """The factor an item belongs to."""
        for factor in self.factors:
            if any(item.key == item_key for item in factor.items):
                return factor
        raise KeyError(item_key)


# -- parsing ------------------------------------------------------------------------------------


def _hint(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return f" Meinten Sie »{match[0]}«?" if match else ""


class _Problems:
    def __init__(self, name: str) -> None:
        self.name = name
        self.messages: list[str] = []

    def add(self, where: str, text: str) -> None:
        prefix = f"{self.name}, {where}" if where else self.name
        self.messages.append(f"{prefix}: {text}")

    def unknown_keys(self, where: str, body: Mapping[str, Any], allowed: set[str]) -> None:
        for key in body:
            if key not in allowed:
                self.add(where, f"unbekannter Schlüssel »{key}«.{_hint(key, allowed)}")


def _entry_key(raw: Mapping[str, Any], label: str, index: int, fallback: str, seen: set[str],
               allowed: set[str], problems: _Problems) -> tuple[str, str]:
    """``(key, where)`` of a factor or item table: a missing key becomes ``fallback``; a
    missing or repeated key and unknown fields are reported. ``seen`` gains the key."""
    key = str(raw.get("key", "")).strip()
    where = f"{label} »{key}«" if key else f"{label} {index}"
    if not key:
        problems.add(where, "»key« fehlt.")
        key = fallback
    elif key in seen:
        problems.add(where, "der Schlüssel kommt doppelt vor.")
    seen.add(key)
    problems.unknown_keys(where, raw, allowed)
    return key, where


def _lang_map(value: Any, where: str, what: str, problems: _Problems,
              required: bool = True) -> dict[str, str]:
    if value is None:
        if required:
            problems.add(where, f"{what} fehlt (de = \"…\", optional en = \"…\").")
        return {}
    if isinstance(value, str):
        return {"de": value}
    if not isinstance(value, Mapping):
        problems.add(where, f"{what} muss Text oder eine Tabelle mit de/en sein.")
        return {}
    unknown = [k for k in value if k not in ("de", "en")]
    for key in unknown:
        problems.add(where, f"{what}: unbekannte Sprache »{key}«.{_hint(key, {'de', 'en'})}")
    result = {k: str(v) for k, v in value.items() if k in ("de", "en") and str(v).strip()}
    if required and "de" not in result:
        problems.add(where, f"{what}: der deutsche Text (de) fehlt.")
    return result


def _item_choices(raw: Mapping[str, Any], kind: str, where: str, problems: _Problems
                  ) -> tuple[str, tuple[Option, ...], int | None]:
    """``(type, options, max)`` of an item table; problems are reported, not raised."""
    item_type = str(raw.get("type", "text"))
    if item_type not in ITEM_TYPES:
        problems.add(where, f"»type« = »{item_type}« ist unbekannt; erlaubt sind "
                     f"{', '.join(ITEM_TYPES)}.{_hint(item_type, ITEM_TYPES)}")
        return "text", (), None
    if item_type == "text":
        for key in ("options", "max"):
            if key in raw:
                problems.add(where, f"»{key}« gibt es nur bei type = \"choices\".")
        return "text", (), None
    if kind != "text":
        problems.add(where, "type = \"choices\" gibt es nur in Fragebögen mit kind = \"text\".")
    raw_options = raw.get("options")
    if not isinstance(raw_options, list) or not raw_options:
        problems.add(where, "»options« fehlt – eine Liste wie [{key = \"…\", de = \"…\"}].")
        raw_options = []
    options: list[Option] = []
    seen: set[str] = set()
    for index, raw_option in enumerate(raw_options, start=1):
        if not isinstance(raw_option, Mapping):
            problems.add(f"{where}, Auswahl {index}", "muss eine Tabelle {key, de, en} sein.")
            continue
        key, o_where = _entry_key(raw_option, f"{where}, Auswahl", index, f"option{index}",
                                  seen, _OPTION_KEYS, problems)
        options.append(Option(key=key, text=_lang_map(
            {k: raw_option[k] for k in ("de", "en") if k in raw_option} or None,
            o_where, "Text", problems)))
    limit = raw.get("max")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                              or limit < 1):
        problems.add(where, "»max« muss eine ganze Zahl ab 1 sein.")
        limit = None
    return "choices", tuple(options), limit


def _parse(data: Mapping[str, Any], name: str, source: str) -> Questionnaire:
    problems = _Problems(name)
    problems.unknown_keys("", data, _TOP_KEYS)
    qid = data.get("id")
    if not isinstance(qid, str) or not qid.strip():
        problems.add("", "»id« fehlt (z. B. id = \"sechs_faktoren\").")
        qid = Path(name).stem
    kind = data.get("kind", "likert")
    if kind not in KINDS:
        problems.add("", f"»kind« = »{kind}« ist unbekannt; erlaubt sind {', '.join(KINDS)}."
                     f"{_hint(str(kind), KINDS)}")
        kind = "likert"
    title = _lang_map(data.get("title"), "title", "Titel", problems)
    intro = _lang_map(data.get("intro"), "intro", "Einleitung", problems, required=False)
    importance = data.get("importance", False)
    if not isinstance(importance, bool):
        problems.add("", "»importance« muss true oder false sein.")
        importance = False
    higher = data.get("higher_is_better", True)
    if not isinstance(higher, bool):
        problems.add("", "»higher_is_better« muss true oder false sein.")
        higher = True
    order = data.get("order", 100)
    if not isinstance(order, int):
        problems.add("", "»order« muss eine ganze Zahl sein.")
        order = 100

    labels = dict(_SCALE_LABELS[kind])
    scale_data = data.get("scale", {})
    if not isinstance(scale_data, Mapping):
        problems.add("scale", "[scale] muss eine Tabelle sein.")
        scale_data = {}
    problems.unknown_keys("[scale]", scale_data, _SCALE_KEYS)
    custom = scale_data.get("labels", {})
    if isinstance(custom, Mapping):
        for lang, values in custom.items():
            if lang not in ("de", "en"):
                problems.add("[scale]", f"unbekannte Sprache »{lang}«.{_hint(lang, {'de', 'en'})}")
            elif not isinstance(values, list) or len(values) != len(_SCALE_VALUES[kind]):
                problems.add("[scale]", f"labels.{lang} braucht genau "
                             f"{len(_SCALE_VALUES[kind])} Texte.")
            else:
                labels[lang] = tuple(str(v) for v in values)

    factors: list[Factor] = []
    seen_items: set[str] = set()
    seen_factors: set[str] = set()
    raw_factors = data.get("factors")
    if not isinstance(raw_factors, list) or not raw_factors:
        problems.add("", "es gibt keine [[factors]] – mindestens ein Faktor mit Aussagen "
                     "ist nötig.")
        raw_factors = []
    for f_index, raw in enumerate(raw_factors, start=1):
        if not isinstance(raw, Mapping):
            problems.add(f"Faktor {f_index}", "muss eine Tabelle [[factors]] sein.")
            continue
        f_key, where = _entry_key(raw, "Faktor", f_index, f"factor{f_index}", seen_factors,
                                  _FACTOR_KEYS, problems)
        f_name = _lang_map({k: raw[k] for k in ("de", "en") if k in raw} or None,
                           where, "Name", problems)
        f_help = _lang_map(raw.get("help"), where, "Hilfetext", problems, required=False)
        items: list[Item] = []
        raw_items = raw.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            problems.add(where, "hat keine Aussagen ([[factors.items]]).")
            raw_items = []
        for i_index, raw_item in enumerate(raw_items, start=1):
            if not isinstance(raw_item, Mapping):
                problems.add(f"{where}, Aussage {i_index}", "muss eine Tabelle sein.")
                continue
            i_key, i_where = _entry_key(raw_item, f"{where}, Aussage", i_index,
                                        f"{f_key}.{i_index}", seen_items, _ITEM_KEYS, problems)
            reverse = raw_item.get("reverse", False)
            if not isinstance(reverse, bool):
                problems.add(i_where, "»reverse« muss true oder false sein.")
                reverse = False
            if reverse and kind not in ("likert", "rating"):
                problems.add(i_where, "»reverse« gibt es nur bei 1–5-Skalen.")
            item_type, options, limit = _item_choices(raw_item, kind, i_where, problems)
            data_keys = raw_item.get("data", [])
            if not isinstance(data_keys, list) or not all(
                    isinstance(k, str) and k.strip() for k in data_keys):
                problems.add(i_where, "»data« muss eine Liste von Kennzahl-Schlüsseln sein, "
                             "z. B. data = [\"repeat_rate\", \"nps\"].")
                data_keys = []
            items.append(Item(
                key=i_key,
                text=_lang_map({k: raw_item[k] for k in ("de", "en") if k in raw_item} or None,
                               i_where, "Text", problems),
                reverse=reverse,
                help=_lang_map(raw_item.get("help"), i_where, "Hilfetext", problems,
                               required=False),
                type=item_type, options=options, max=limit,
                data=tuple(dict.fromkeys(k.strip() for k in data_keys)),
            ))
        factors.append(Factor(key=f_key, name=f_name, items=tuple(items), help=f_help))

    if problems.messages:
        raise QuestionnaireError("\n".join(problems.messages))
    return Questionnaire(
        id=qid, kind=kind, title=title, factors=tuple(factors),
        scale=Scale(kind=kind, values=_SCALE_VALUES[kind], labels=labels),
        intro=intro, importance=importance, order=order, source=source,
        higher_is_better=higher,
    )


def load_catalogue_file(path: str | os.PathLike[str]) -> Questionnaire:
    """Read and validate one catalogue file; raises ``QuestionnaireError`` naming the file."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise QuestionnaireError(
            f"{file.name}: die Datei ist kein gültiges TOML ({exc}). Bitte Anführungszeichen, "
            "[[factors]] und [[factors.items]] prüfen."
        ) from None
    except OSError as exc:
        raise QuestionnaireError(f"{file}: die Datei kann nicht gelesen werden ({exc}).") from None
    return _parse(data, file.name, str(file))


def workspace_catalogue_dir(workspace: Any) -> Path | None:
    """The workspace's catalogue folder (``questionnaires/`` or ``[questionnaires] dir``).

    A configured folder must lie inside the workspace (``WorkspaceError`` otherwise).
    """
    if workspace is None:
        return None
    root = Path(workspace) if isinstance(workspace, str | os.PathLike) else Path(workspace.root)
    configured = None
    section = getattr(workspace, "section", None)
    if callable(section):
        configured = section("questionnaires").get("dir")
    if configured:
        return resolve_setting(root, configured, setting_label("questionnaires", "dir"),
                               expect="dir")
    return root / "questionnaires"


def _workspace_files(folder: Path, root: Path) -> list[Path]:
    """The catalogue files of a workspace folder; a link leading outside is refused."""
    files = sorted(folder.glob("*.toml"))
    for path in files:
        if not is_inside(root, path) or not path.is_file():
            raise QuestionnaireError(
                f"{path.name}: der Fragebogen ist eine Verknüpfung auf eine Datei außerhalb des "
                "Arbeitsordners oder keine gewöhnliche Datei. Bitte die Datei selbst in den "
                f"Ordner »{folder.name}« kopieren."
            )
    return files


def load_catalogues(workspace: Any = None) -> dict[str, Questionnaire]:
    """Every catalogue by id: the built-in ones, then the workspace's (which override by id).

    ``workspace`` is a :class:`~kbworkbook.workspace.Workspace`, a folder path or ``None``
    (built-in catalogues only). Ordered by each catalogue's ``order``.
    """
    found: dict[str, Questionnaire] = {}
    for path in sorted(BUILTIN_DIR.glob("*.toml")):
        q = load_catalogue_file(path)
        found[q.id] = q
    folder = workspace_catalogue_dir(workspace)
    if folder is not None and folder.is_dir():
        root = Path(workspace) if isinstance(workspace, str | os.PathLike) \
            else Path(workspace.root)
        for path in _workspace_files(folder, root):
            q = load_catalogue_file(path)
            found[q.id] = q
    return dict(sorted(found.items(), key=lambda kv: (kv[1].order, kv[0])))


def load_catalogue(questionnaire_id: str, workspace: Any = None) -> Questionnaire:
    """One catalogue by id; an unknown id raises ``QuestionnaireError`` with a hint."""
    catalogues = load_catalogues(workspace)
    try:
        return catalogues[questionnaire_id]
    except KeyError:
        raise QuestionnaireError(
            f"Fragebogen »{questionnaire_id}« gibt es nicht; vorhanden sind "
            f"{', '.join(catalogues)}.{_hint(questionnaire_id, catalogues)}"
        ) from None
