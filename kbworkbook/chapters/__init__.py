"""The workbook's chapters: one notebook each, one module of section functions each.

A section function takes a :class:`kbworkbook.notebook.Context` and returns a list of blocks
(see :mod:`kbworkbook.notebook`). Narrative text lives beside each module as ``<module>.toml``
with German and English entries, so one notebook serves both languages.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CHAPTERS", "Chapter", "chapter"]


@dataclass(frozen=True)
class Chapter:
    """A chapter of the workbook and its notebook file."""

    number: str
    notebook: str
    module: str
    title_de: str
    title_en: str
    #: questionnaires whose saved answers the chapter shows (listed in its footer)
    questionnaires: tuple[str, ...] = ()

    def title(self, language: str = "de", locale: str | None = None) -> str:
        """The title in ``language``; Swiss spelling (ss for ß) for the de-CH locale."""
        from ..i18n import swiss_spelling

        return self.title_en if language == "en" else swiss_spelling(self.title_de, locale)


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("00", "00_ueberblick.ipynb", "ueberblick", "Überblick", "Overview"),
    Chapter("01", "01_kundenbindungsformel.ipynb", "formel", "Kundenbindungs-Formel",
            "The retention formula", ("sechs_faktoren", "kontaktpunkte", "positionierung")),
    Chapter("02", "02_gebundenheit_verbundenheit.ipynb", "gebundenheit",
            "Gebundenheit vs. Verbundenheit", "Lock-in vs. loyalty",
            ("wechselbarrieren", "sechs_faktoren")),
    Chapter("03", "03_kennzahlen.ipynb", "kennzahlen", "Kennzahlen", "Key figures"),
    Chapter("04", "04_kundenwert_segmente.ipynb", "kundenwert", "Kundenwert & Segmente",
            "Customer value & segments"),
    Chapter("05", "05_massnahmen_wirtschaftlichkeit.ipynb", "massnahmen",
            "Maßnahmen & Wirtschaftlichkeit", "Measures & economics",
            ("sechs_faktoren", "kontaktpunkte")),
    Chapter("06", "06_aktionsplan.ipynb", "aktionsplan", "Aktionsplan", "Action plan",
            ("management_check", "sechs_faktoren")),
)


def chapter(number: str) -> Chapter:
    """The chapter with the given number (``"03"``)."""
    for item in CHAPTERS:
        if item.number == number:
            return item
    raise KeyError(number)
