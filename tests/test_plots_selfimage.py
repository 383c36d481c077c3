"""The self-image chart: drawn points, colours and labels (issue 14, part 3)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.colors import to_hex

from kbworkbook.plots._format import COLORS
from kbworkbook.plots.selfimage import VERDICT_COLORS, selfimage_chart
from kbworkbook.questionnaires import load_catalogue, score_answers
from kbworkbook.selfimage import compare


@pytest.fixture(autouse=True)
def _close():  # type: ignore[no-untyped-def]
    yield
    plt.close("all")


def test_owner_and_data_scores_are_drawn_per_factor_with_the_verdict() -> None:
    six = load_catalogue("sechs_faktoren")
    # F5 answered 4,4,3,3 and (R) 2 → 75, 75, 50, 50, 75 → 65; everything else unanswered
    score = score_answers(six, {"F5.1": 4, "F5.2": 4, "F5.3": 3, "F5.4": 3, "F5.5": 2})
    # complaint days 7 → 40; satisfied 70 % → 40; NPS trend −10 → 40: mean 40 → weaker
    image = compare(six, score, {"complaint_days": 7.0, "complaint_satisfaction": 0.7,
                                 "nps_trend": -10.0})
    ax = selfimage_chart(image, six, language="de")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[4] == ("Feedback & Beschwerdemanagement\n"
                         "(Zahlen sind schwächer als die Einschätzung)")
    assert labels[0] == "Leistung & Zuverlässigkeit\n(keine Daten)"
    diamonds = [c for c in ax.collections if c.get_offsets().shape[0] == 1
                and to_hex(c.get_facecolor()[0]) == VERDICT_COLORS["data_weaker"]]
    assert len(diamonds) == 1
    assert tuple(diamonds[0].get_offsets()[0]) == pytest.approx((40.0, 4.0))
    owners = [c for c in ax.collections
              if to_hex(c.get_facecolor()[0]) == COLORS["primary"]]
    assert [tuple(c.get_offsets()[0]) for c in owners] == [pytest.approx((65.0, 4.0))]
    # the tolerance band around the owner's score: 65 ± 15
    band = [p for p in ax.patches if p.get_width() == pytest.approx(30.0)]
    assert len(band) == 1 and band[0].get_x() == pytest.approx(50.0)


def test_english_labels() -> None:
    six = load_catalogue("sechs_faktoren")
    image = compare(six, None, {"nps": 30.0})
    ax = selfimage_chart(image, six, language="en", locale="en")
    assert ax.get_yticklabels()[0].get_text() == "Performance & reliability\n(not assessed)"
    assert ax.get_xlabel() == "Score (0–100)"
