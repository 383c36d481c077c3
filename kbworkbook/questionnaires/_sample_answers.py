"""Deterministic questionnaire answers for the bundled sample client (Bäckerei Sonnenschein).

Run ``python -m kbworkbook.questionnaires._sample_answers [WORKSPACE]`` to (re)write
``<workspace>/answers/`` through :class:`~kbworkbook.store.AnswerStore` with a fixed clock;
the resulting JSON files are committed under ``kbworkbook/data/samples/sonnenschein/answers/``.
Existing answer files of these questionnaires are replaced (only in the sample workspace).

Story: a bakery-café with two shops. In March 2025 the owners rated themselves strong on
product and trust, weak on feedback and on staying in touch; by November 2025 they had started
a feedback card, answer complaints within two days and send a monthly newsletter, so F5 and F4
improved.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path
from typing import Any

__all__ = ["ASSESSMENTS", "write_sample_answers"]

_MARCH = dt.datetime(2025, 3, 12, 9, 30)
_NOVEMBER = dt.datetime(2025, 11, 20, 14, 0)

_SIX_MARCH = {
    "F1.1": 5, "F1.2": 4, "F1.3": 4, "F1.4": 4, "F1.5": 3,
    "F2.1": 3, "F2.2": 4, "F2.3": 4, "F2.4": 3, "F2.5": 1, "F2.6": 3,
    "F3.1": 4, "F3.2": 3, "F3.3": 4, "F3.4": 5, "F3.5": 2,
    "F4.1": 1, "F4.2": 2, "F4.3": 3, "F4.4": 2, "F4.5": 2,
    "F5.1": 1, "F5.2": 3, "F5.3": 2, "F5.4": 2, "F5.5": 3,
    "F6.1": 3, "F6.2": 2, "F6.3": 1, "F6.4": 2, "F6.5": None,
}
_SIX_NOVEMBER = {
    **_SIX_MARCH,
    "F2.5": 3,
    "F4.1": 3, "F4.2": 3, "F4.4": 3, "F4.5": 3,
    "F5.1": 4, "F5.2": 4, "F5.3": 3, "F5.4": 3, "F5.5": 2,
    "F6.5": 3,
}
_SIX_IMPORTANCE = {"F1": 5, "F2": 4, "F3": 4, "F4": 3, "F5": 4, "F6": 2}
_SIX_COMMENTS_MARCH = {
    "F2.6": "Samstagmorgen oft lange Schlange an der Theke.",
    "F4.1": "Kein Newsletter, keine Kundendaten ausser der Stempelkarte.",
    "F5.1": "Feedback nur mündlich an der Theke.",
}
_SIX_COMMENTS_NOVEMBER = {
    "F2.6": "Zweite Kasse am Samstag hilft.",
    "F4.1": "Monatlicher Newsletter seit Juni (rund 400 Abonnenten).",
    "F5.1": "Feedbackkarte mit QR-Code auf jedem Tisch.",
    "F5.2": "Antwort auf Beschwerden innerhalb von zwei Arbeitstagen.",
}

_BARRIERS = {
    "T.1": 1, "T.2": 1, "T.3": 1,
    "O.1": 3, "O.2": 1, "O.3": 2,
    "V.1": 2, "V.2": 3, "V.3": 1,
}
_BARRIER_COMMENTS = {
    "O.1": "Stempelkarte: jeder 10. Kaffee gratis.",
    "V.2": "Brot-Abo für drei Firmenkunden und zwei Restaurants.",
}

_MANAGEMENT = {
    "info.1": "teilweise", "info.2": "teilweise", "info.3": "nein", "info.4": "nein",
    "konzept.1": "nein", "konzept.2": "teilweise", "konzept.3": "teilweise",
    "konzept.4": "ja", "konzept.5": "nein",
    "intern.1": "teilweise", "intern.2": "nein", "intern.3": "ja", "intern.4": "nein",
}

_TOUCHPOINTS = {
    "CX.erreichbarkeit": 3, "CX.oeffnungszeiten": 5, "CX.erscheinungsbild": 4,
    "CX.beratung": 4, "CX.verpackung": 3, "CX.lieferzeit": 3, "CX.termintreue": 4,
    "CX.begruessung": 5, "CX.wartezeit": 2, "CX.nach_dem_kauf": 2,
}
_TOUCHPOINT_COMMENTS = {
    "CX.erreichbarkeit": "Telefon am Morgen oft besetzt; Tortenbestellungen nur vor Ort.",
    "CX.lieferzeit": "Torten brauchen 3 Tage Vorlauf.",
    "CX.wartezeit": "Samstagmorgen bis 15 Minuten Schlange.",
}

_POSITIONING = {
    "warum": "Wir glauben, dass gutes Brot Zeit braucht – und dass ein Quartier einen Ort "
             "braucht, an dem man sich am Morgen begegnet.",
    "wie": "Lange Teigführung, Mehl aus der Region, alles von Hand in der eigenen Backstube; "
           "wir kennen viele Gäste beim Namen.",
    "was": "Brot, Gipfeli und Patisserie, Café mit Frühstück und Mittagsmenü, Torten auf "
           "Bestellung, Brot-Abo für Firmen und Restaurants.",
    "beduerfnisse": "Frische Qualität am Morgen, ein schneller Kaffee auf dem Arbeitsweg, "
                    "ein gemütlicher Treffpunkt am Wochenende.",
    "probleme": "Wenig Zeit, Schlangen zur Stosszeit, Grossverteiler mit günstigem "
                "Aufbackbrot, Unverträglichkeiten (Gluten, Laktose).",
    "kanaele": "Laufkundschaft im Quartier, Instagram, Empfehlungen, Stempelkarte, "
               "Newsletter (seit Juni 2025).",
    "beste_kunden": "Berufstätige aus dem Quartier, die werktags vor der Arbeit Kaffee und "
                    "Gipfeli holen; Familien, die am Samstag frühstücken; die drei Firmen und "
                    "zwei Restaurants mit Brot-Abo.",
    "nicht_bedienen": "Wer nur das billigste Brot sucht; Grossbestellungen auf den gleichen "
                      "Tag.",
    "usp": ["qualitaet", "beziehung", "nachhaltigkeit", "Sauerteig mit 24 Stunden Ruhe"],
    "usp_beleg": "Gäste fragen nach dem Roggenbrot vom Vortag; viele Stammgäste kennen wir "
                 "beim Namen; Mehl aus der Mühle im Nachbardorf.",
    "werte": ["handwerk", "herzlichkeit", "verlaesslichkeit"],
}

#: (questionnaire, start time, answers, comments, importance) in the order they are written.
ASSESSMENTS: tuple[tuple[str, dt.datetime, dict[str, Any], dict[str, str], dict[str, int]],
                   ...] = (
    ("sechs_faktoren", _MARCH, _SIX_MARCH, _SIX_COMMENTS_MARCH, _SIX_IMPORTANCE),
    ("sechs_faktoren", _NOVEMBER, _SIX_NOVEMBER, _SIX_COMMENTS_NOVEMBER, _SIX_IMPORTANCE),
    ("wechselbarrieren", _MARCH, _BARRIERS, _BARRIER_COMMENTS, {}),
    ("positionierung", _MARCH, _POSITIONING, {}, {}),
    ("management_check", _NOVEMBER, _MANAGEMENT, {}, {}),
    ("kontaktpunkte", _NOVEMBER, _TOUCHPOINTS, _TOUCHPOINT_COMMENTS, {}),
)


def write_sample_answers(workspace: str | Path) -> list[Path]:
    """Write the sample assessments into ``workspace``; returns the files written."""
    from ..store import AnswerStore

    root = Path(workspace)
    clock = [_MARCH]
    store = AnswerStore(root, now=lambda: clock[0])
    for questionnaire in {a[0] for a in ASSESSMENTS}:
        folder = store.folder(questionnaire)
        if folder.exists():
            shutil.rmtree(folder)
    written: list[Path] = []
    for questionnaire, start, answers, comments, importance in ASSESSMENTS:
        clock[0] = start
        store.new_assessment(questionnaire)
        clock[0] = start + dt.timedelta(minutes=25)
        written.append(store.update(questionnaire, answers=answers, comments=comments,
                                    importance=importance).path)
    return written


if __name__ == "__main__":  # pragma: no cover - maintenance script
    from ..workspace import SAMPLE_WORKSPACE

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE_WORKSPACE
    for path in write_sample_answers(target):
        print(path)  # noqa: T201
