"""docs/concepts.md: every place named for a concept of the source texts exists."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from kbworkbook.chapters import CHAPTERS
from kbworkbook.instruments import load_catalogue
from kbworkbook.kit import content
from kbworkbook.questionnaires import load_catalogue as load_questionnaire

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "concepts.md"
KIT = ROOT / "kbworkbook" / "kit"


def _rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 3 or cells[0] in ("seed", "---"):
            continue
        rows.append((cells[0], cells[1], cells[2]))
    return rows


def _sections(number: str) -> list[str]:
    chapter = next(c for c in CHAPTERS if c.number == number)
    module = importlib.import_module(f"kbworkbook.chapters.{chapter.module}")
    return list(module.SECTIONS)


PACKAGE = ROOT / "kbworkbook"
#: the structured places (see the document's head)
FORMS = re.compile(r"ch\d\d §\w+|kit/[\w.]+\.toml(?:#\w+)?|instruments#\w+|"
                   r"questionnaires/\w+#[\w.]+")


def _exists(place: str) -> bool:
    """Whether one place of the *where* column exists (forms: see the document's head)."""
    if m := re.fullmatch(r"ch(\d\d) §(\w+)", place):
        return m[2] in _sections(m[1])
    if m := re.fullmatch(r"kit/([\w.]+\.toml)#(\w+)", place):
        return (KIT / m[1]).is_file() and m[2] in {c.id for c in content.checklists()}
    if m := re.fullmatch(r"kit/([\w.]+\.toml)", place):
        return (KIT / m[1]).is_file()
    if m := re.fullmatch(r"instruments#(\w+)", place):
        return m[1] in load_catalogue().keys
    if m := re.fullmatch(r"questionnaires/(\w+)#([\w.]+)", place):
        return m[2] in load_questionnaire(m[1]).item_keys
    if m := re.fullmatch(r"(?:kbworkbook/)?([\w/]+\.(?:py|toml))", place):
        return (PACKAGE / m[1]).is_file()
    raise AssertionError(f"docs/concepts.md: »{place}« has none of the forms named at the top")


def _places(where: str) -> list[str]:
    """The checkable places of a *where* cell: structured ones and backticked package paths."""
    found = FORMS.findall(where)
    found += [p for p in re.findall(r"`([^`]+)`", where)
              if re.fullmatch(r"(?:kbworkbook/)?[\w/]+/[\w]+\.(?:py|toml)", p)]
    return found


def test_every_place_of_every_concept_exists() -> None:
    rows = _rows()
    assert len(rows) >= 7
    for seed, concept, where in rows:
        assert re.fullmatch(r"00[0-4]|domain §[\d.]+", seed), (seed, concept)
        for place in _places(where):
            assert _exists(place), (concept, place)


#: The concepts of issue 16 that are mainly text, questionnaires and checklists.
TEXT_CONCEPTS = ("000 Erlebnis", "003 Target-group analysis", "003 After-sales",
                 "003 Complaint procedure", "004 Why micro-firms", "004 Taktische Kundenbindung",
                 "domain §8.4 Consent for e-mail")


def test_the_text_concepts_of_issue_16_are_in_the_table_with_checked_places() -> None:
    rows = {f"{seed} {concept}": where for seed, concept, where in _rows()}
    for words in TEXT_CONCEPTS:
        where = next((w for key, w in rows.items() if key.startswith(words)), None)
        assert where is not None, words
        places = [p.strip() for p in where.split(";")]
        assert places and all(FORMS.fullmatch(p) for p in places), (words, where)


def test_a_place_that_does_not_exist_is_caught() -> None:
    assert not _exists("ch05 §no_such_section")
    assert not _exists("instruments#no_such_instrument")
    assert not _exists("kit/no_such_file.toml")
    assert not _exists("questionnaires/positionierung#no_such_item")
    assert not _exists("metrics/no_such_module.py")
    assert _places("03 · x – `chapters/kennzahlen.py` `intention`, `nps.csv`") == [
        "chapters/kennzahlen.py"]


#: Every row of issue 16's table (seed and the first words of the concept).
ISSUE_ROWS = ("000 Kundenbindung = behavioural", "000 »5 % mehr Bindung", "000 Erlebnis",
              "001 Weiterempfehlung", "001 Regular customers complain less", "002 Win-back",
              "003 Target-group analysis", "003 After-sales", "003 Complaint procedure",
              "003 »Der Kunde ist König", "004 Why micro-firms", "004 Taktische Kundenbindung",
              "004 Kundenlebenszyklus", "004 B2B and B2C", "domain §8.4 Consent for e-mail")


def test_every_row_of_the_issue_has_a_place() -> None:
    keys = [f"{seed} {concept}" for seed, concept, _where in _rows()]
    for words in ISSUE_ROWS:
        assert any(key.startswith(words) for key in keys), words
