"""Typed text on its way into a report: contact data is masked, the workspace keeps the original.

Questionnaire comments, free-text answers, the action plan's fields and complaint categories are
typed by people and may name a customer's e-mail address, phone number, IBAN or street
address. :func:`scrub` replaces each by a placeholder (»[E-Mail entfernt]« …) and reports which
kinds it found, so a view can add :func:`privacy_note`. Pure functions on strings, no I/O;
callers scrub a copy for display and never write the result back.

Recognised (DACH conventions; masking errs on the side of too much):

- e-mail ``name@firma.ch``, also ``name (at) firma.ch`` / ``name[at]firma.ch``;
- phone ``+41 79 123 45 67``, ``0041 79 …``, ``+41 (0)44 …``, ``(+41) 79 …``, ``079 123 45 67``,
  ``(030) 123 45 67``, ``030/1234567``, ``089 / 12 34 56``, ``0664-1234567``, ``079.123.45.67``:
  a leading ``+``, ``00`` or ``0`` and 9 to 15 digits in groups; dates such as ``01.02.2026``
  are left alone;
- IBAN ``CH93 0076 2011 6238 5295 7``, ``DE89370400440532013000``, ``CH 93 …``,
  ``CH93-0076-…`` (country code, two check digits, at least ten digits in the account part;
  typos are masked too), always whole: no trailing digits stay visible;
- street address ``Bahnhofstrasse 12``, ``Zürcher Strasse 5a``, ``Lindenweg 3-5``,
  ``Rue du Lac 4``, with a following postal code and town (``, 8001 Zürich``,
  ``D-10115 Berlin``) masked together.

- personal name after a title: ``Frau Bühlmann``, ``Herr Dr. Keller``, ``Familie Huber``,
  ``Mrs Smith`` (the title stays: ``Frau [Name entfernt]``);
- personal name starting with a common first name (``scrub_names.toml``, about 340 names frequent
  in CH/DE/AT): ``Anna``, ``Anna Keller``, ``Anna K.``, ``Hans-Peter von Arx``.

There is no reliable rule for every name: a surname on its own (``Keller war da``) is not
recognised, and a capitalised noun after a first name is masked with it. The consultant's note
and the workshop are the place to catch what slips through.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from ._bundled import package_path

__all__ = ["CONTACT_KINDS", "KINDS", "Scrubbed", "localised_placeholders", "privacy_note", "scrub",
           "scrub_text"]

#: What is masked, in the order it is looked for.
KINDS: tuple[str, ...] = ("iban", "email", "address", "phone", "name")
#: Contact data only: for fields that name the firm's own staff on purpose (who does an action).
CONTACT_KINDS: tuple[str, ...] = ("iban", "email", "address", "phone")

_PLACEHOLDER = {
    "de": {"email": "[E-Mail entfernt]", "phone": "[Telefon entfernt]",
           "iban": "[IBAN entfernt]", "address": "[Adresse entfernt]", "name": "[Name entfernt]"},
    "en": {"email": "[e-mail removed]", "phone": "[phone removed]",
           "iban": "[IBAN removed]", "address": "[address removed]", "name": "[name removed]"},
}
_NAMES = {
    "de": {"email": "E-Mail-Adressen", "phone": "Telefonnummern", "iban": "IBAN",
           "address": "Adressen", "name": "Personennamen"},
    "en": {"email": "e-mail addresses", "phone": "phone numbers", "iban": "IBANs",
           "address": "addresses", "name": "personal names"},
}

# country code, two check digits, then 11 to 30 letters or digits, grouped by spaces (also two, or
# a no-break space from a spreadsheet) or hyphens; ``CH 93 …`` with a space after the country too
# (upper-case only, so that ``am 2000-01-01 …`` stays)
_IBAN = re.compile(r"(?<![A-Za-z0-9])(?:[A-Z]{2}[ \u00a0]?|[a-z]{2})\d{2}"
                   # a group after a space never starts the next IBAN; a capital followed by
                   # small letters is the next word (»… 5295 7 Frau Huber«)
                   r"(?:(?:[ \u00a0-]{1,2}(?![A-Z]{2}[ \u00a0]?\d{2}))?(?:\d|[A-Z](?![a-zäöüß])))"
                   r"{11,30}(?![0-9])")
_EMAIL = re.compile(
    r"[\w.+-]+(?:@|\s?[\(\[]at[\)\]]\s?)[\w-]+(?:(?:\.|\s?[\(\[]dot[\)\]]\s?)[\w-]+)+",
    re.IGNORECASE,
)
_SUFFIX = (r"(?i:strasse|straße|str\.|gasse|weg|platz|allee|ring|damm|ufer|steig|pfad|rain|"
           r"halde|matte|graben|chaussee|promenade|zeile|stieg|wall)")
_NUMBER = (r"\d{1,3}(?:\s?[a-zA-Z](?![\wäöüß]))?(?:\s?[-/]\s?\d{1,3}[a-zA-Z]?(?![\wäöüß]))?"
           r"(?![\d'’.,]\d)")
_WORD = r"[A-ZÄÖÜ][\wäöüß.-]*"
_TOWN = (r"(?:,?\s+(?:(?:CH|D|DE|A|AT)-)?\d{4,5}\s+" + _WORD + r"(?:\s+" + _WORD + r")?)?")
_ADDRESS = re.compile(
    r"(?<![\w-])(?:"
    + r"[A-Za-zÄÖÜäöü][\wäöüß-]+?" + _SUFFIX  # Bahnhofstrasse, Lindenweg
    + r"|[A-ZÄÖÜ][\wäöüß]*e[rn]?\s+(?:Strasse|Straße|Str\.|Gasse|Weg|Platz|Allee|Ring)"
    + r"|(?:Rue|Route|Chemin|Avenue|Via|Viale|Piazza)\s+(?:[\wéèàäöü'’-]+\s+){1,4}?"
    + r")\s*" + _NUMBER + _TOWN
    + r"|(?<![\w-])(?:CH|D|DE|A|AT)-\d{4,5}\s+" + _WORD,  # CH-8001 Zürich
    re.UNICODE,
)
_INTL = r"(?:\+|00)\s?[1-9]\d{0,2}"  # +41, 0049
_PHONE = re.compile(
    r"(?<![\w+])(?<!\d[./,-])"
    r"(?!\d{1,2}\.\d{1,2}\.\d{2,4}(?!\d))"  # not a date
    # the prefix and area code: +41 79, (+41) 79, +49 (0)30, (030), 079
    r"(?:(?:\(\s?" + _INTL + r"\s?\)|" + _INTL + r")(?:\s?\(0\))?(?:[\s.-]?\d){1,5}"
    r"|\(0\d{1,5}\)|0\d{1,5})"
    r"(?:\s?/\s?|[\s.-])?"  # 030/…, 089 / …
    r"\d(?:[\s./-]?\d){2,}"  # the subscriber's number in groups (several numbers in a row:
    # split by _phones)
    r"(?!\d)"
)

_TITLE = (r"(?:Herrn?|Hr\.|Frau|Fr\.(?!\s*\d)|Familie|Fam\.|Mrs?\.?|Ms\.?|Miss|Dr\.|Prof\.)"
          r"\s+(?:(?:Dr|Prof)\.\s*)*")
_UPPER = "A-ZÄÖÜÀÁÂÇÈÉÊÍÎÓÔØÚÛÅÆČĆĐŁŠŞŽ"
#: A capitalised word in any alphabet of the region (Yılmaz, Đurić), also O'Neill, Keller-Huber.
_CAPITAL = (r"[" + _UPPER + r"][^\W\d_]+(?:['’][^\W\d_]+)?"
            r"(?:-[" + _UPPER + r"][^\W\d_]+)?")
_SURNAME = (r"(?:(?:von|van|de|di|da|del|le|zu|vom|zur|ten)\s+)?" + _CAPITAL
            + r"|[" + _UPPER + r"]\.(?!\w)")


@cache
def _name_pattern() -> re.Pattern[str]:
    names = tomllib.loads(package_path("scrub_names.toml").read_text(encoding="utf-8"))
    first = sorted(set(names["first_names"]), key=len, reverse=True)
    first_alt = "|".join(re.escape(n) for n in first)
    # a known first name, also double (Hans-Peter, Anna Maria), with up to two surname words
    person = (r"(?:" + first_alt + r")(?:[- ](?:" + first_alt + r"))?(?![\wäöüß-])"
              + r"(?:\s+(?:" + _SURNAME + r")){0,2}")
    return re.compile(
        r"(?<![\wäöüß-])(?:(?P<title>" + _TITLE + r")(?P<named>" + person + r"|" + _SURNAME
        + r")|(?P<person>" + person + r"))(?![\wäöüß])",
        re.UNICODE,
    )


def _scrub_names(text: str, placeholder: str, found: set[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        found.add("name")
        return (match.group("title") or "") + placeholder

    return _name_pattern().sub(replace, text)


@dataclass(frozen=True)
class Scrubbed:
    """The masked text and the kinds of contact data that were found in it."""

    text: str
    found: frozenset[str] = frozenset()

    @property
    def changed(self) -> bool:
        return bool(self.found)


def _digits(text: str) -> int:
    # E.164: at most 15 digits after the international prefix (``+`` or ``00``)
    number = text.lstrip()
    number = number[2:] if number.startswith("00") else number
    return sum(c.isdigit() for c in number)


def _phones(text: str) -> list[tuple[str, bool]]:
    """A run of digit groups cut into numbers: ``(piece, is_phone)`` in order.

    One number, or several written in a row (``079 123 45 67 044 555 66 77``): a group that
    starts with ``0`` or ``+`` after at least nine digits starts the next number, as does a
    group that would take the number beyond 15 digits.
    """
    if 9 <= _digits(text) <= 15:
        return [(text, True)]
    parts = re.split(r"(\s+)", text)
    numbers: list[list[str]] = [[parts[0]]]
    for sep, group in zip(parts[1::2], parts[2::2], strict=True):
        current = "".join(numbers[-1])
        if (group[:1] in "0+" and _digits(current) >= 9) or _digits(current + group) > 15:
            numbers[-1].append(sep)
            numbers.append([group])
        else:
            numbers[-1] += [sep, group]
    out = []
    for pieces in numbers:
        trail = pieces.pop() if len(pieces) > 1 and not pieces[-1].strip() else ""
        number = "".join(pieces)
        out += [(number, 9 <= _digits(number) <= 15), (trail, False)]
    return [(piece, ok) for piece, ok in out if piece]


#: IBAN lengths of the countries a DACH client meets most (ISO 13616 registry); a longer match
#: is cut there, so two IBANs in a row or a word after one are told apart
_IBAN_LENGTH: dict[str, int] = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
    "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IT": 27,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "NL": 18, "NO": 15, "PL": 28, "PT": 25,
    "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26,
}


def _iban_ok(text: str) -> bool:
    account = re.sub(r"[^A-Za-z0-9]", "", text)[4:]
    return sum(c.isdigit() for c in account) >= 10


def _scrub_ibans(text: str, placeholder: str, found: set[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        raw = match.group(0)
        head, tail = raw, ""
        length = _IBAN_LENGTH.get(raw[:2].upper())
        if length is not None:
            seen = 0
            for i, char in enumerate(raw):
                seen += char.isalnum()
                if seen == length:
                    head, tail = raw[:i + 1], raw[i + 1:]
                    break
        if tail and not re.match(r"[ \u00a0-]*[A-Za-z]", tail):
            head, tail = raw, ""  # trailing digits: a typo in the IBAN, masked with it
        if not _iban_ok(head):
            return raw
        found.add("iban")
        return placeholder + _IBAN.sub(replace, tail)

    return _IBAN.sub(replace, text)


_RULES: dict[str, tuple[re.Pattern[str], Callable[[re.Match[str]], bool]]] = {
    "email": (_EMAIL, lambda _m: True),
    "address": (_ADDRESS, lambda _m: True),
}


def _scrub_phones(text: str, placeholder: str, found: set[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        pieces = _phones(match.group(0))
        if any(ok for _, ok in pieces):
            found.add("phone")
        return "".join(placeholder if ok else piece for piece, ok in pieces)

    return _PHONE.sub(replace, text)


def scrub(text: str, language: str = "de", kinds: Iterable[str] = KINDS) -> Scrubbed:
    """``text`` with e-mail addresses, phone numbers, IBANs, street addresses and personal names
    masked (only the ``kinds`` given; :data:`CONTACT_KINDS` keeps names).

    Idempotent (``scrub(scrub(t).text).text == scrub(t).text``); text without such data is
    returned unchanged.
    """
    placeholders = _PLACEHOLDER["en" if language == "en" else "de"]
    found: set[str] = set()
    wanted = set(kinds)
    for kind in KINDS:
        if kind not in wanted:
            continue
        if kind == "name":
            text = _scrub_names(text, placeholders["name"], found)
            continue
        if kind == "phone":
            text = _scrub_phones(text, placeholders["phone"], found)
            continue
        if kind == "iban":
            text = _scrub_ibans(text, placeholders["iban"], found)
            continue
        pattern, accept = _RULES[kind]

        def replace(match: re.Match[str], kind: str = kind, accept: Callable[..., bool] = accept
                    ) -> str:
            if not accept(match):
                return match.group(0)
            found.add(kind)
            return placeholders[kind]

        text = pattern.sub(replace, text)
    return Scrubbed(text=text, found=frozenset(found))


def scrub_text(text: str, language: str = "de", kinds: Iterable[str] = KINDS) -> str:
    """Only the masked text of :func:`scrub`."""
    return scrub(text, language, kinds).text


def localised_placeholders(text: str, language: str = "de") -> str:
    """``text`` masked in one language with its placeholders in ``language`` (a cached quote
    is masked once, in German, and read in either language)."""
    lang = "en" if language == "en" else "de"
    for source, placeholders in _PLACEHOLDER.items():
        if source != lang:
            for kind, placeholder in placeholders.items():
                text = text.replace(placeholder, _PLACEHOLDER[lang][kind])
    return text


def privacy_note(found: Iterable[str], language: str = "de") -> str:
    """One sentence for the page saying what was masked (empty when nothing was)."""
    lang = "en" if language == "en" else "de"
    kinds = [_NAMES[lang][k] for k in KINDS if k in set(found)]
    if not kinds:
        return ""
    joined = (", ".join(kinds[:-1]) + (" und " if lang == "de" else " and ") + kinds[-1]
              if len(kinds) > 1 else kinds[0])
    if lang == "en":
        return (f"Privacy: {joined} in typed text were masked for this report; the workspace "
                "keeps the original.")
    return (f"Datenschutz: In frei eingegebenen Texten wurden {joined} für diesen Bericht "
            "unkenntlich gemacht; der Arbeitsordner enthält den Originaltext.")
