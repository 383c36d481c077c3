"""The consultant's own words: narrative overrides and section comments per workspace.

A workspace may hold ``texts/<chapter module>.toml`` (e.g. ``texts/kennzahlen.toml``)::

    # replaces the package's narrative text of that key, in the report's language
    [texte]
    intro = "Wir schauen heute auf die Zahlen der letzten zwölf Monate …"

    # appears after that section as »Anmerkung der Beratung«
    [anmerkungen]
    retention = "Die Bindungsrate ist 2025 gesunken, weil die Filiale umgebaut wurde."

Keys of ``[texte]`` are the keys of the chapter's narrative catalogue
(``kbworkbook/chapters/<module>.toml``); keys of ``[anmerkungen]`` are its section names
(``SECTIONS``). A key that does not exist, a value that is not text or a file that is not
valid TOML is reported on the chapter (file, key, what is expected) and otherwise ignored:
the report never loses the package's text because of a typo. Files are read only when they
are regular files inside the workspace. The texts are plain text: they are escaped before they
reach HTML, and personal data in them is masked like every typed text (:mod:`kbworkbook.scrub`).
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import KbWorkbookError
from .paths import is_inside, read_regular_file

__all__ = ["FOLDER", "ChapterTexts", "load_chapter_texts"]

#: The workspace folder that holds the consultant's texts.
FOLDER = "texts"
_LIMIT = 1_000_000  # bytes; a text file larger than this is not a text file

_MESSAGES = {
    "de": {
        "toml": "{file}: die Datei ist kein gültiges TOML ({detail}); ihre Texte werden nicht "
                "verwendet. Bitte Anführungszeichen und Klammern prüfen.",
        "unreadable": "{file}: die Datei kann nicht gelesen werden ({detail}).",
        "table": "{file}: unbekannter Abschnitt [{key}]; erlaubt sind [texte] und "
                 "[anmerkungen].{tip}",
        "text_key": "{file}: [texte] {key} gibt es in diesem Kapitel nicht.{tip} Der Text "
                    "wird nicht verwendet.",
        "section_key": "{file}: [anmerkungen] {key} ist kein Abschnitt dieses Kapitels.{tip} "
                       "Abschnitte: {choices}.",
        "not_text": "{file}: {where} {key} muss ein Text in Anführungszeichen sein.",
        "placeholder": "{file}: [texte] {key} enthält geschweifte Klammern, die nicht zum "
                       "Originaltext passen ({detail}); der Originaltext wird gezeigt.",
        "tip": " Meinten Sie »{name}«?",
    },
    "en": {
        "toml": "{file}: the file is not valid TOML ({detail}); its texts are not used. Please "
                "check quotes and brackets.",
        "unreadable": "{file}: the file cannot be read ({detail}).",
        "table": "{file}: unknown section [{key}]; allowed are [texte] and [anmerkungen].{tip}",
        "text_key": "{file}: [texte] {key} does not exist in this chapter.{tip} The text is "
                    "not used.",
        "section_key": "{file}: [anmerkungen] {key} is not a section of this chapter.{tip} "
                       "Sections: {choices}.",
        "not_text": "{file}: {where} {key} must be a text in quotes.",
        "placeholder": "{file}: [texte] {key} has curly braces that do not fit the original "
                       "text ({detail}); the original text is shown.",
        "tip": " Did you mean '{name}'?",
    },
}


@dataclass(frozen=True)
class ChapterTexts:
    """One chapter's overrides (narrative key → text), comments (section → text) and the
    problems found in its file (already worded for the reader)."""

    overrides: Mapping[str, str] = field(default_factory=dict)
    comments: Mapping[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()


def _msg(language: str, which: str, **values: object) -> str:
    return _MESSAGES["en" if language == "en" else "de"][which].format(**values)


def _tip(language: str, key: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(choices), n=1)
    return _msg(language, "tip", name=close[0]) if close else ""


def load_chapter_texts(root: Path, module: str, narrative_keys: Iterable[str],
                       sections: Iterable[str], language: str = "de") -> ChapterTexts:
    """Read ``<root>/texts/<module>.toml``; an absent file gives empty texts.

    ``narrative_keys`` are the keys that may be overridden, ``sections`` the sections that may
    carry a comment. Never raises for the file's content: problems are returned.
    """
    path = Path(root) / FOLDER / f"{module}.toml"
    shown = f"{FOLDER}/{module}.toml"
    if not path.is_file() and not path.is_symlink():
        return ChapterTexts()
    problems: list[str] = []
    try:
        if not is_inside(Path(root), path):
            raise OSError("liegt ausserhalb des Arbeitsordners")
        raw = read_regular_file(path, shown, _LIMIT)
        data = tomllib.loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        return ChapterTexts(problems=(_msg(language, "toml", file=shown, detail=exc),))
    except (OSError, UnicodeDecodeError, KbWorkbookError) as exc:
        return ChapterTexts(problems=(_msg(language, "unreadable", file=shown, detail=exc),))
    keys, names = set(narrative_keys), list(sections)
    overrides: dict[str, str] = {}
    comments: dict[str, str] = {}
    for table, entries in data.items():
        if table not in ("texte", "anmerkungen") or not isinstance(entries, dict):
            problems.append(_msg(language, "table", file=shown, key=table,
                                 tip=_tip(language, table, ["texte", "anmerkungen"])))
            continue
        for key, value in entries.items():
            if table == "texte" and key not in keys:
                problems.append(_msg(language, "text_key", file=shown, key=key,
                                     tip=_tip(language, key, keys)))
            elif table == "anmerkungen" and key not in names:
                problems.append(_msg(language, "section_key", file=shown, key=key,
                                     tip=_tip(language, key, names), choices=", ".join(names)))
            elif not isinstance(value, str):
                problems.append(_msg(language, "not_text", file=shown, where=f"[{table}]",
                                     key=key))
            elif value.strip():
                (overrides if table == "texte" else comments)[key] = value.strip()
    return ChapterTexts(overrides=overrides, comments=comments, problems=tuple(problems))


def placeholder_problem(file: str, key: str, detail: str, language: str) -> str:
    """The message for an override whose ``{placeholders}`` do not fit the original."""
    return _msg(language, "placeholder", file=file, key=key, detail=detail)
