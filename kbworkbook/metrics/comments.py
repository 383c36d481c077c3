"""NPS comments grouped into themes by German keyword rules (»Was Kunden sagen«).

A theme is a key, a German and an English label and keyword rules (``nps_themes.toml``, the
rules are described there): a word, a word with German endings, a prefix ``freundlich*``, a
suffix ``*brot`` for compounds, ``*kaffee*`` anywhere in a word, several words in a row.
Comment and keywords are compared case-insensitively with umlauts and ß written out, so
»Qualität«, »Qualitaet« and »QUALITÄT« are the same word. No cloud service, no language model:
what a theme catches can be read in the catalogue and extended by the consultant
(:func:`theme_catalogue` merges a workspace's ``[nps_themes]`` over the packaged themes).

:func:`match_themes` gives the themes of one comment (zero or more); :func:`comment_themes`
counts the comments of each theme per promoter / passive / detractor and picks at most three
short quotes per theme. Quotes are passed through ``clean`` (the caller's scrubber: e-mail,
phone, IBAN, address, names) BEFORE they are chosen, so only masked text leaves this module;
the comments themselves are not kept.

Pure functions: no I/O apart from reading the packaged catalogue once.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "BANDS",
    "CommentThemes",
    "Quote",
    "Theme",
    "ThemeCount",
    "comment_themes",
    "default_themes",
    "match_themes",
    "normalise",
    "shorten",
    "theme_catalogue",
]

#: The NPS bands in display order.
BANDS: tuple[str, ...] = ("promoter", "passive", "detractor")
#: German endings a plain keyword may carry (Preis → Preise, Preisen, Preises).
_ENDINGS: tuple[str, ...] = ("", "e", "n", "s", "en", "er", "es", "em", "ern", "nen", "ns")
#: A quote needs this many words to say something (»Super!« says little).
MIN_QUOTE_WORDS = 4
_WORD = re.compile(r"[a-z0-9]+")
_SPELLING = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe"})


def normalise(text: str) -> str:
    """``text`` in lower case with umlauts and ß written out and accents dropped
    (»Qualität« → »qualitaet«, »Café« → »cafe«, »Straße« → »strasse«)."""
    lowered = text.casefold().replace("ẞ", "ss").translate(_SPELLING)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


_ALNUM = "[a-z0-9]"
_ENDING = "(?:" + "|".join(e for e in _ENDINGS if e) + ")?"


def _keyword_pattern(keyword: str) -> str:
    """The regular expression of one keyword over normalised words joined by single spaces
    (``exact``: the word with a German ending; ``x*`` prefix; ``*x`` suffix; ``*x*`` infix)."""
    parts = []
    for raw in normalise(keyword).split():
        stem = "".join(_WORD.findall(raw))
        if not stem:
            continue
        if raw.startswith("*") and raw.endswith("*") and len(raw) > 1:
            parts.append(f"{_ALNUM}*{stem}{_ALNUM}*")
        elif raw.endswith("*"):
            parts.append(f"{stem}{_ALNUM}*")
        elif raw.startswith("*"):
            parts.append(f"{_ALNUM}*{stem}{_ENDING}")
        else:
            parts.append(f"{stem}{_ENDING}")
    return " ".join(parts)


def _alternatives(patterns: Iterable[str], whole_word: bool) -> re.Pattern[str] | None:
    """One pattern for all ``patterns``: matching a whole word (``whole_word``) or searched
    in the words joined by spaces."""
    found = sorted(set(patterns), key=len, reverse=True)  # »zu lange« before »zu«
    if not found:
        return None
    if whole_word:
        return re.compile("|".join(found))
    return re.compile(f"(?<!{_ALNUM})(?:{'|'.join(found)})(?!{_ALNUM})")


@dataclass(frozen=True)
class Theme:
    """A theme: labels, keyword rules, words that never count, what a negation does."""

    key: str
    label_de: str
    label_en: str
    keywords: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    negation: str = "keep"  # "keep": »nicht freundlich« counts; "skip": it does not

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_de


@dataclass(frozen=True)
class _Compiled:
    """A catalogue ready to match: per theme one pattern for single words (tried once per
    distinct word, remembered) and one for keywords of several words; the same for excludes."""

    themes: tuple[Theme, ...]
    single: tuple[re.Pattern[str] | None, ...]
    multi: tuple[re.Pattern[str] | None, ...]
    single_ex: tuple[re.Pattern[str] | None, ...]
    multi_ex: tuple[re.Pattern[str] | None, ...]
    memo: dict[str, tuple[frozenset[int], frozenset[int]]] = field(
        default_factory=dict, compare=False, hash=False)

    def word(self, word: str) -> tuple[frozenset[int], frozenset[int]]:
        """The themes whose keywords, and whose excludes, match ``word``."""
        found = self.memo.get(word)
        if found is None:
            found = (frozenset(i for i, p in enumerate(self.single)
                               if p is not None and p.fullmatch(word)),
                     frozenset(i for i, p in enumerate(self.single_ex)
                               if p is not None and p.fullmatch(word)))
            if len(self.memo) < 200_000:
                self.memo[word] = found
        return found


@cache
def _compiled(themes: tuple[Theme, ...]) -> _Compiled:
    def split(keywords: Iterable[str]) -> tuple[re.Pattern[str] | None,
                                                re.Pattern[str] | None]:
        patterns = [p for p in (_keyword_pattern(k) for k in keywords) if p]
        return (_alternatives((p for p in patterns if " " not in p), True),
                _alternatives((p for p in patterns if " " in p), False))

    kw = [split(t.keywords) for t in themes]
    ex = [split(t.exclude) for t in themes]
    return _Compiled(themes, tuple(k[0] for k in kw), tuple(k[1] for k in kw),
                     tuple(e[0] for e in ex), tuple(e[1] for e in ex))


def _spans(pattern: re.Pattern[str] | None, joined: str) -> list[tuple[int, int]]:
    """(first word, number of words) of each match of ``pattern`` in the joined words."""
    if pattern is None:
        return []
    return [(joined.count(" ", 0, m.start()), m.group(0).count(" ") + 1)
            for m in pattern.finditer(joined)]


@cache
def _packaged() -> dict[str, Any]:
    text = resources.files("kbworkbook.metrics").joinpath("nps_themes.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def negation_words() -> frozenset[str]:
    """The packaged negation words (normalised)."""
    return frozenset(normalise(w) for w in _packaged()["negation"]["words"])


@cache
def default_themes() -> tuple[Theme, ...]:
    """The packaged themes (``nps_themes.toml``) in catalogue order."""
    return tuple(Theme(key, entry["de"], entry.get("en", entry["de"]),
                       tuple(entry["keywords"]), tuple(entry.get("exclude", ())),
                       entry.get("negation", "keep"))
                 for key, entry in _packaged()["themes"].items())


def match_themes(text: str, themes: Sequence[Theme] | None = None) -> tuple[str, ...]:
    """The keys of the themes ``text`` speaks of, in catalogue order (empty: none).

    A keyword counts unless its words are also an ``exclude`` word of the theme or (with
    ``negation = "skip"``) one of the two words before it is a negation word.
    """
    compiled = _compiled(tuple(default_themes() if themes is None else themes))
    return _match(_words(text), compiled)


def _match(words: list[str], compiled: _Compiled) -> tuple[str, ...]:
    if not words:
        return ()
    infos = [compiled.word(w) for w in words]
    joined = " ".join(words) if any(compiled.multi) or any(compiled.multi_ex) else ""
    negations = negation_words()
    found = []
    for i, theme in enumerate(compiled.themes):
        starts = [k for k, (hits, _) in enumerate(infos) if i in hits]
        starts += [k for k, _n in _spans(compiled.multi[i], joined)]
        if not starts:
            continue
        excluded = {k for k, (_, ex) in enumerate(infos) if i in ex}
        excluded.update(k for first, n in _spans(compiled.multi_ex[i], joined)
                        for k in range(first, first + n))
        for start in sorted(starts):
            if start in excluded:
                continue
            if theme.negation == "skip" and negations.intersection(
                    words[max(0, start - 2):start]):
                continue
            found.append(theme.key)
            break
    return tuple(found)


# -- the consultant's themes --------------------------------------------------------------------

_FIELDS = ("de", "en", "keywords", "exclude", "negation", "replace", "enabled")
_MESSAGES = {
    "de": {
        "table": "kbworkbook.toml, [nps_themes.{key}]: muss ein Abschnitt mit de, en und "
                 "keywords sein.",
        "field": "kbworkbook.toml, [nps_themes.{key}]: unbekannter Schlüssel »{field}«.{tip} "
                 "Erlaubt: {allowed}.",
        "list": "kbworkbook.toml, [nps_themes.{key}] {field}: bitte eine Liste von Texten, "
                "z. B. {field} = [\"parkpl*\", \"parkhaus\"].",
        "text": "kbworkbook.toml, [nps_themes.{key}] {field}: bitte ein Text in "
                "Anführungszeichen.",
        "flag": "kbworkbook.toml, [nps_themes.{key}] {field}: bitte true oder false.",
        "negation": "kbworkbook.toml, [nps_themes.{key}] negation: »{value}« gibt es nicht; "
                    "erlaubt sind \"keep\" und \"skip\".",
        "new": "kbworkbook.toml, [nps_themes.{key}]: ein neues Thema braucht einen deutschen "
               "Namen (de = \"…\") und Stichwörter (keywords = [\"…\"]).",
        "tip": " Meinten Sie »{name}«?",
        "ignored": " Dieses Thema wird nicht verwendet.",
    },
    "en": {
        "table": "kbworkbook.toml, [nps_themes.{key}]: must be a table with de, en and "
                 "keywords.",
        "field": "kbworkbook.toml, [nps_themes.{key}]: unknown key '{field}'.{tip} "
                 "Allowed: {allowed}.",
        "list": "kbworkbook.toml, [nps_themes.{key}] {field}: please a list of texts, "
                "e.g. {field} = [\"parkpl*\", \"parkhaus\"].",
        "text": "kbworkbook.toml, [nps_themes.{key}] {field}: please a text in quotes.",
        "flag": "kbworkbook.toml, [nps_themes.{key}] {field}: please true or false.",
        "negation": "kbworkbook.toml, [nps_themes.{key}] negation: '{value}' does not exist; "
                    "allowed are \"keep\" and \"skip\".",
        "new": "kbworkbook.toml, [nps_themes.{key}]: a new theme needs a German name "
               "(de = \"…\") and keywords (keywords = [\"…\"]).",
        "tip": " Did you mean '{name}'?",
        "ignored": " This theme is not used.",
    },
}


def _say(language: str, which: str, **values: Any) -> str:
    return _MESSAGES["en" if language == "en" else "de"][which].format(**values)


def theme_catalogue(custom: Mapping[str, Any] | None = None,
                    language: str = "de") -> tuple[tuple[Theme, ...], tuple[str, ...]]:
    """The packaged themes with a workspace's ``[nps_themes]`` table merged over them, and
    the problems found in that table (worded for the reader; a faulty theme is left out, a
    faulty key of a packaged theme leaves the packaged theme as it is).

    ``[nps_themes.<key>]`` with ``de``, ``en``, ``keywords``, ``exclude``, ``negation``: a
    new key adds a theme (``de`` and ``keywords`` required); a packaged key adds its keywords
    and excludes to the packaged ones (``replace = true``: uses only its own) and may rename
    the theme; ``enabled = false`` drops a theme.
    """
    themes = {t.key: t for t in default_themes()}
    problems: list[str] = []
    for key, entry in (custom or {}).items():
        if not isinstance(entry, Mapping):
            problems.append(_say(language, "table", key=key))
            continue
        bad = [f for f in entry if f not in _FIELDS]
        found: list[str] = []
        for f in bad:
            close = difflib.get_close_matches(f, _FIELDS, n=1)
            found.append(_say(language, "field", key=key, field=f, allowed=", ".join(_FIELDS),
                              tip=_say(language, "tip", name=close[0]) if close else ""))
        for f in ("keywords", "exclude"):
            value = entry.get(f, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                found.append(_say(language, "list", key=key, field=f))
        for f in ("de", "en"):
            if f in entry and not (isinstance(entry[f], str) and entry[f].strip()):
                found.append(_say(language, "text", key=key, field=f))
        for f in ("replace", "enabled"):
            if f in entry and not isinstance(entry[f], bool):
                found.append(_say(language, "flag", key=key, field=f))
        if entry.get("negation", "keep") not in ("keep", "skip"):
            found.append(_say(language, "negation", key=key, value=entry.get("negation")))
        base = themes.get(key)
        if not found and base is None and not (entry.get("de") and entry.get("keywords")):
            found.append(_say(language, "new", key=key))
        if found:
            problems += [p + (_say(language, "ignored") if base is None else "")
                         for p in found]
            continue
        if entry.get("enabled") is False:
            themes.pop(key, None)
            continue
        own_kw, own_ex = tuple(entry.get("keywords", ())), tuple(entry.get("exclude", ()))
        if base is None:
            themes[key] = Theme(key, entry["de"].strip(), str(entry.get("en", entry["de"]))
                                .strip(), own_kw, own_ex, entry.get("negation", "keep"))
            continue
        replace = bool(entry.get("replace", False))
        themes[key] = Theme(
            key, str(entry.get("de", base.label_de)).strip(),
            str(entry.get("en", base.label_en)).strip(),
            own_kw if replace and own_kw else base.keywords + own_kw,
            own_ex if replace else base.exclude + own_ex,
            entry.get("negation", base.negation))
    return tuple(themes.values()), tuple(problems)


# -- counts and quotes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """A short, masked quote and the band of the customer who wrote it."""

    text: str
    band: str


@dataclass(frozen=True)
class ThemeCount:
    """Comments of one theme per band, and up to three masked quotes."""

    key: str
    label_de: str
    label_en: str
    promoters: int
    passives: int
    detractors: int
    quotes: tuple[Quote, ...] = ()

    @property
    def total(self) -> int:
        return self.promoters + self.passives + self.detractors

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_de


@dataclass(frozen=True)
class CommentThemes:
    """The themes of a set of NPS comments (only themes with at least one comment, the most
    frequent first), how many comments there were per band and how many fit no theme.

    ``masked``: the kinds of personal data masked in the quotes (for the page's privacy note).
    """

    themes: tuple[ThemeCount, ...]
    comments: int
    by_band: tuple[int, int, int]  # promoters, passives, detractors with a comment
    unthemed: int
    masked: tuple[str, ...] = field(default=())


def shorten(text: str, width: int = 140) -> str:
    """``text`` on one line, cut at the last word boundary before ``width`` with »…«."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[:width - 1]
    space = cut.rfind(" ")
    if space >= width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–") + "…"


def _band(score: float) -> str:
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


class _Cleaner:
    """``clean`` applied once per distinct comment, only to those considered as quotes."""

    def __init__(self, clean: Callable[[str], tuple[str, Iterable[str]]], width: int) -> None:
        self._clean, self._width = clean, width
        self._done: dict[str, tuple[str, frozenset[str]]] = {}

    def __call__(self, raw: str) -> tuple[str, frozenset[str]]:
        if raw not in self._done:
            text, kinds = self._clean(raw)
            self._done[raw] = (shorten(text, self._width), frozenset(kinds))
        return self._done[raw]


def _pick(candidates: list[tuple[str, str]], count: int,
          clean: _Cleaner) -> tuple[tuple[Quote, ...], frozenset[str]]:
    """Up to ``count`` distinct quotes and the kinds masked in them: the shortest informative
    ones, taken in turn from the bands in order of how often they speak of the theme (on a tie
    the more critical band first: it says what to change), unmasked text first. Only the
    comments looked at are cleaned."""
    tally = dict.fromkeys(BANDS, 0)
    per_band: dict[str, list[str]] = {b: [] for b in BANDS}
    for raw, band in candidates:
        tally[band] += 1
        if len(raw.split()) >= MIN_QUOTE_WORDS:
            per_band[band].append(raw)
    queues = {b: iter(sorted(set(items), key=lambda r: (len(r), r)))
              for b, items in per_band.items()}
    deferred: dict[str, list[tuple[str, frozenset[str]]]] = {b: [] for b in BANDS}
    seen: set[str] = set()

    def next_quote(band: str) -> tuple[str, frozenset[str]] | None:
        for raw in queues[band]:
            text, kinds = clean(raw)
            if text.casefold() in seen or len(text.split()) < MIN_QUOTE_WORDS:
                continue
            if kinds:
                deferred[band].append((text, kinds))  # masked: only when nothing else is left
                continue
            return text, kinds
        while deferred[band]:
            text, kinds = deferred[band].pop(0)
            if text.casefold() not in seen:
                return text, kinds
        return None

    order = sorted(BANDS, key=lambda b: (-tally[b], -BANDS.index(b)))  # ties: critics first
    out: list[Quote] = []
    masked: set[str] = set()
    live = list(order)
    while len(out) < count and live:
        for band in list(live):
            if len(out) >= count:
                break
            found = next_quote(band)
            if found is None:
                live.remove(band)
                continue
            seen.add(found[0].casefold())
            masked |= found[1]
            out.append(Quote(found[0], band))
    return tuple(out), frozenset(masked)


def comment_themes(scores: Iterable[float], comments: Iterable[Any],
                   clean: Callable[[str], tuple[str, Iterable[str]]],
                   themes: Sequence[Theme] | None = None, *, quotes: int = 3,
                   width: int = 140) -> CommentThemes:
    """Counts per theme × band and at most ``quotes`` quotes per theme.

    ``scores`` (0..10) and ``comments`` (text, blank or missing) pair up answer by answer;
    answers without a score or without a comment are left out. ``clean(text)`` returns the
    masked text and the kinds masked (e.g. :func:`kbworkbook.scrub.scrub`); every quote is
    cleaned before it is shortened to ``width`` characters and chosen.
    """
    catalogue = tuple(default_themes() if themes is None else themes)
    compiled = _compiled(catalogue)
    score_arr = pd.to_numeric(pd.Series(list(scores), dtype=object),
                              errors="coerce").to_numpy(dtype="float64")
    texts = list(comments)
    if len(texts) != len(score_arr):
        raise ValueError("scores and comments must have the same length")
    counts = {t.key: dict.fromkeys(BANDS, 0) for t in catalogue}
    candidates: dict[str, list[tuple[str, str]]] = {t.key: [] for t in catalogue}
    by_band = dict.fromkeys(BANDS, 0)
    total = unthemed = 0
    for score, raw in zip(score_arr.tolist(), texts, strict=True):
        if np.isnan(score) or not isinstance(raw, str) or not raw.strip():
            continue
        band = _band(score)
        total += 1
        by_band[band] += 1
        keys = _match(_words(raw), compiled)
        if not keys:
            unthemed += 1
            continue
        for key in keys:
            counts[key][band] += 1
            candidates[key].append((raw, band))
    cleaner = _Cleaner(clean, width)
    masked: set[str] = set()
    rows = []
    for theme in catalogue:
        c = counts[theme.key]
        if not sum(c.values()):
            continue
        picked, kinds = _pick(candidates[theme.key], quotes, cleaner)
        masked |= kinds
        rows.append(ThemeCount(theme.key, theme.label_de, theme.label_en, c["promoter"],
                               c["passive"], c["detractor"], picked))
    order = {t.key: i for i, t in enumerate(catalogue)}
    rows.sort(key=lambda r: (-r.total, order[r.key]))
    return CommentThemes(tuple(rows), total, (by_band["promoter"], by_band["passive"],
                                              by_band["detractor"]), unthemed,
                         tuple(sorted(masked)))
