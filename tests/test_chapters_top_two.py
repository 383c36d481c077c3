"""Chapters 01 and 06 name the same two factors, say why the lowest scores differ, name ties.

Issue 12 #8: chapter 01 called F6/F4 "Nachholbedarf" (lowest scores), chapter 06 chose F2/F4
(weighted Handlungsbedarf), and F3, F5, F6 tied at 28 without comment.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from IPython.display import HTML, Markdown  # noqa: E402

from kbworkbook.chapters import aktionsplan, formel  # noqa: E402
from kbworkbook.chapters.questionnaire import need_sentences  # noqa: E402
from kbworkbook.notebook import setup  # noqa: E402
from kbworkbook.questionnaires import SIX_FACTORS  # noqa: E402
from kbworkbook.questionnaires.catalogue import load_catalogue  # noqa: E402
from kbworkbook.questionnaires.scoring import handlungsbedarf  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _text(blocks) -> str:
    return "\n".join(str(b.data) for b in blocks if isinstance(b, HTML | Markdown))


def _catalogue():
    return load_catalogue(SIX_FACTORS)


def test_need_sentences_oracle_2_4() -> None:
    """domain.md §2.4: F = 75, 41.67, 75, 40, 35, 25 with weights 5, 4, 4, 3, 5, 2 →
    H: F5 65, F2 46.7, F4 36, F6 30, F1 25, F3 20. Lowest scores are F6 and F5."""
    scores = {"F1": 75.0, "F2": 125 / 3, "F3": 75.0, "F4": 40.0, "F5": 35.0, "F6": 25.0}
    weights = {"F1": 5, "F2": 4, "F3": 4, "F4": 3, "F5": 5, "F6": 2}
    cat = _catalogue()
    text = need_sentences(cat, handlungsbedarf(scores, weights), locale="de-DE")
    f5, f2 = cat.factor("F5").label("de"), cat.factor("F2").label("de")
    assert text[0].startswith("Den größten Handlungsbedarf")
    assert f"»{f5}« (65) und »{f2}« (47)" in text[0]
    assert text[1].startswith("Er weicht von den niedrigsten Werten ab")
    assert len(text) == 2  # no tie


def test_a_tie_across_the_cut_is_named_and_left_to_the_workshop() -> None:
    # H = 0.8·(100−50) = 40, then 0.6·(100−50) = 30 twice, then 10
    scores = {"F1": 50.0, "F2": 50.0, "F3": 50.0, "F4": 50.0}
    weights = {"F1": 4, "F2": 3, "F3": 3, "F4": 1}
    text = need_sentences(_catalogue(), handlungsbedarf(scores, weights), locale="de-DE")
    tie = [t for t in text if t.startswith("Gleichauf")]
    assert len(tie) == 1 and "Handlungsbedarf 30" in tie[0]
    assert "bitte im Workshop wählen" in tie[0]
    # a tie below the cut is named, but not as a choice
    weights = {"F1": 4, "F2": 3, "F3": 1, "F4": 1}
    text = need_sentences(_catalogue(), handlungsbedarf(scores, weights), locale="de-DE")
    tie = [t for t in text if t.startswith("Gleichauf")]
    assert len(tie) == 1 and "Handlungsbedarf 10" in tie[0] and "Workshop" not in tie[0]


def test_sample_chapters_01_and_06_name_the_same_two_factors() -> None:
    ctx = setup(None)
    plan = _text(aktionsplan.weakest_factors(ctx))
    chosen = re.findall(r"<tr><td>F\d ([^<]+)</td>", plan)
    assert len(chosen) == 2
    strengths = _text(formel.strengths(ctx)).replace("&amp;", "&")
    need = next(line for line in strengths.splitlines() if "Handlungsbedarf –" in line)
    for name in chosen:
        assert f"»{name.replace('&amp;', '&')}«" in need
    assert "Aktionsplan (Kapitel 6)" in need
    assert "weil er die Wichtigkeit mitzählt" in strengths  # lowest scores are F6/F4
    # F3, F5 and F6 tie at 28: named in chapter 01 and in chapter 06
    for page in (strengths, _text(formel.handlungsbedarf_section(ctx)), plan):
        assert "Gleichauf mit Handlungsbedarf 28" in page.replace("&amp;", "&")
