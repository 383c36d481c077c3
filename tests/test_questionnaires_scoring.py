"""Scoring oracles of domain.md §2.4, §3.1–§3.3 and §8.1, plus hypothesis properties."""

from __future__ import annotations

import math
import random

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook.errors import QuestionnaireError
from kbworkbook.questionnaires import (
    band,
    band_label,
    choice_score,
    factor_score,
    gebundenheitsindex,
    handlungsbedarf,
    item_score,
    jones_sasser,
    jones_sasser_label,
    jones_sasser_segments,
    load_catalogue,
    loyalty_from_0_10,
    overall_index,
    overall_index_geometric,
    portfolio_label,
    portfolio_quadrant,
    score_answers,
    strongest_and_weakest,
)

TOL = 1e-9

# domain.md §2.4 oracle answers (None = missing)
ORACLE_2_4 = {
    "F1": [4, 5, 4, 3, 4],
    "F2": [3, 4, 3, 2, 2, 4],  # last one reverse-coded
    "F3": [5, 4, 4, 3, 4],
    "F4": [2, 3, 2, 2, 4],
    "F5": [3, 2, 3, 2, 4],  # last one reverse-coded
    "F6": [2, 2, 1, 3, None],
}
WEIGHTS_2_4 = {"F1": 5, "F2": 4, "F3": 4, "F4": 3, "F5": 5, "F6": 2}


def oracle_answers() -> dict[str, int | None]:
    answers: dict[str, int | None] = {}
    for factor, values in ORACLE_2_4.items():
        for i, value in enumerate(values, start=1):
            if value is not None:
                answers[f"{factor}.{i}"] = value
    return answers


@pytest.fixture(scope="module")
def six():
    return load_catalogue("sechs_faktoren")


def test_item_score_2_4_formula_and_reverse():
    assert [item_score(x) for x in range(1, 6)] == [0, 25, 50, 75, 100]
    assert [item_score(x, reverse=True) for x in range(1, 6)] == [100, 75, 50, 25, 0]
    assert math.isnan(item_score(None))


@pytest.mark.parametrize("bad", [0, 6, 2.5, "4", True])
def test_item_score_rejects_values_outside_the_scale(bad):
    with pytest.raises(QuestionnaireError, match="1 bis 5"):
        item_score(bad)


def test_factor_scores_oracle_2_4(six):
    result = score_answers(six, oracle_answers())
    expected = [75, 41.6666666667, 75, 40, 35, 25]
    assert result.factors["factor"].tolist() == ["F1", "F2", "F3", "F4", "F5", "F6"]
    for got, want in zip(result.factors["score"], expected, strict=True):
        assert got == pytest.approx(want, abs=1e-6)
    assert result.factors["answered"].tolist() == [5, 6, 5, 5, 5, 4]


def test_kbi_oracle_2_4_mean_and_geometric(six):
    result = score_answers(six, oracle_answers())
    assert result.index == pytest.approx(48.6111111111, abs=1e-6)
    assert result.index_geometric == pytest.approx(44.9086, abs=1e-4)
    # no importance given: weighted equals unweighted
    assert result.index_weighted == pytest.approx(result.index, abs=TOL)


def test_kbi_weighted_oracle_2_4(six):
    result = score_answers(six, oracle_answers(), importance=WEIGHTS_2_4)
    assert result.index_weighted == pytest.approx(51.5942028986, abs=1e-6)
    assert result.index == pytest.approx(48.6111111111, abs=1e-6)


def test_handlungsbedarf_oracle_2_4(six):
    result = score_answers(six, oracle_answers(), importance=WEIGHTS_2_4)
    ranking = handlungsbedarf(result.factor_scores, result.weights)
    assert ranking["factor"].tolist() == ["F5", "F2", "F4", "F6", "F1", "F3"]
    assert ranking["need"].tolist() == pytest.approx([65, 46.6666667, 36, 30, 25, 20], abs=1e-6)
    assert ranking["rank"].tolist() == [1, 2, 3, 4, 5, 6]


def test_missing_factor_rule_2_4_two_of_five_answered(six):
    answers = oracle_answers()
    del answers["F6.3"], answers["F6.4"]  # F6 now has 2 of 5 answered
    result = score_answers(six, answers)
    assert math.isnan(result.factor_scores["F6"])
    assert result.factors.loc[5, "band"] is None
    assert result.index == pytest.approx((75 + 41.6666666667 + 75 + 40 + 35) / 5, abs=1e-6)


def test_dont_know_counts_as_missing_for_scoring_but_answered_for_progress(six):
    answers = oracle_answers()
    answers["F6.5"] = None
    result = score_answers(six, answers)
    assert result.factor_scores["F6"] == pytest.approx(25)
    assert result.answered == 31
    assert result.n_items == 31


def test_factor_score_half_answered_counts():
    assert factor_score([50, 100, 0], n_items=6) == pytest.approx(50)  # exactly 50 %
    assert math.isnan(factor_score([50, 100], n_items=5))
    assert math.isnan(factor_score([None, None]))


def test_all_factors_missing_gives_missing_kbi(six):
    result = score_answers(six, {})
    assert math.isnan(result.index)
    assert math.isnan(result.index_weighted)
    assert math.isnan(overall_index_geometric({"a": math.nan}))


@pytest.mark.parametrize(
    ("score", "key", "label"),
    [(0, "kritisch", "kritisch"), (39.999, "kritisch", "kritisch"),
     (40, "ausbaufaehig", "ausbaufähig"), (59.9, "ausbaufaehig", "ausbaufähig"),
     (60, "gut", "gut"), (79.99, "gut", "gut"), (80, "sehr_gut", "sehr gut"),
     (100, "sehr_gut", "sehr gut")],
)
def test_bands_2_4(score, key, label):
    assert band(score) == key
    assert band_label(key) == label


def test_band_missing_is_nicht_bewertet():
    assert band(math.nan) is None
    assert band_label(None) == "nicht bewertet"
    assert band_label("gut", "en") == "good"


def test_gebundenheitsindex_oracle_3_1():
    cat = load_catalogue("wechselbarrieren")
    answers = {"T.1": 4, "T.2": 3, "T.3": 4, "O.1": 2, "O.2": 2, "O.3": 3,
               "V.1": 1, "V.2": 2, "V.3": 1}
    result = score_answers(cat, answers)
    scores = result.factor_scores
    assert scores["T"] == pytest.approx(66.6666667, abs=1e-6)
    assert scores["O"] == pytest.approx(33.3333333, abs=1e-6)
    assert scores["V"] == pytest.approx(8.3333333, abs=1e-6)
    assert gebundenheitsindex(scores) == pytest.approx(36.1111111, abs=1e-6)


def test_bindungsportfolio_oracle_3_2():
    assert portfolio_quadrant(48.611, 36.111) == "ungebunden"
    assert portfolio_label("ungebunden") == "Ungebunden / wechselgefährdet"


@pytest.mark.parametrize(
    ("vi", "gi", "key"),
    [(50, 50, "doppelt_gebunden"), (49.99, 50, "gefangen"), (50, 49.99, "freiwillig_treu"),
     (10, 10, "ungebunden"), (90, 80, "doppelt_gebunden")],
)
def test_bindungsportfolio_3_2_threshold_inclusive(vi, gi, key):
    assert portfolio_quadrant(vi, gi) == key


def test_bindungsportfolio_3_2_configurable_threshold():
    assert portfolio_quadrant(55, 55, threshold=60) == "ungebunden"
    assert portfolio_quadrant(60, 20, threshold=60) == "freiwillig_treu"
    assert portfolio_quadrant(math.nan, 20) is None
    assert portfolio_label("gefangen") == "Gefangene Kunden"


@pytest.mark.parametrize(
    ("segment", "s", "loyal", "expected"),
    [("A", 4.6, 4.5, "apostel"), ("B", 4.3, 2.8, "soeldner"), ("C", 2.6, 4.2, "geisel"),
     ("D", 2.1, 1.9, "abwanderer"), ("E", 1.8, 1.5, "terrorist")],
)
def test_jones_sasser_oracle_3_3(segment, s, loyal, expected):
    assert jones_sasser(s, loyal) == expected


def test_jones_sasser_3_3_table_and_rules():
    frame = pd.DataFrame({"segment": list("ABCDE"), "satisfaction": [4.6, 4.3, 2.6, 2.1, 1.8],
                          "loyalty": [4.5, 2.8, 4.2, 1.9, 1.5]})
    out = jones_sasser_segments(frame)
    assert out["type"].tolist() == ["apostel", "soeldner", "geisel", "abwanderer", "terrorist"]
    assert "type" not in frame.columns  # caller's frame untouched
    assert jones_sasser(4.4, 4.5) == "loyalist"  # loyalist below the apostle bar
    assert jones_sasser(4.6, 4.5, recommendation=8) == "loyalist"
    assert jones_sasser(4.6, 4.5, recommendation=9) == "apostel"
    assert jones_sasser(4.0, 4.0) == "loyalist"  # exactly at the "high" bar
    assert jones_sasser(2.0, 1.0) == "terrorist"  # S exactly 2.0
    assert jones_sasser(4.6, 4.5, high=5.0) == "abwanderer"  # Jones & Sasser's own bar
    assert jones_sasser_label("soeldner") == "Söldner"
    assert jones_sasser_label("geisel", "en") == "Hostage"
    assert loyalty_from_0_10(10) == pytest.approx(5.0)
    assert loyalty_from_0_10(0) == pytest.approx(1.0)
    assert jones_sasser(math.nan, 3) is None


def test_management_pillars_8_1():
    cat = load_catalogue("management_check")
    answers = {"info.1": "ja", "info.2": "teilweise", "info.3": "nein", "info.4": "ja",
               "konzept.1": "nein", "konzept.2": "nein", "konzept.3": "teilweise",
               "intern.1": "ja", "intern.2": "ja", "intern.3": None, "intern.4": "teilweise"}
    result = score_answers(cat, answers)
    scores = result.factor_scores
    assert scores["info"] == pytest.approx(62.5)  # (1 + .5 + 0 + 1)/4 × 100
    assert scores["konzept"] == pytest.approx(100 / 6)  # 3 of 5 answered: (0+0+.5)/3
    assert scores["intern"] == pytest.approx(250 / 3)  # (1+1+.5)/3
    assert choice_score("Teilweise") == 50
    with pytest.raises(QuestionnaireError, match="konzept.4"):
        score_answers(cat, {"konzept.4": "vielleicht"})


def test_strongest_and_weakest(six):
    result = score_answers(six, oracle_answers())
    best, worst = strongest_and_weakest(result)
    assert best == ["F1", "F3"]
    assert worst == ["F6", "F5"]


# -- properties -------------------------------------------------------------------------------

scores_st = st.floats(min_value=0, max_value=100, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_property_all_best_100_all_worst_0(data):
    cat = load_catalogue("sechs_faktoren")
    best = {i.key: (1 if i.reverse else 5) for i in cat.items}
    worst = {i.key: (5 if i.reverse else 1) for i in cat.items}
    weights = data.draw(st.dictionaries(st.sampled_from(cat.factor_keys),
                                        st.integers(1, 5)))
    top = score_answers(cat, best, weights)
    low = score_answers(cat, worst, weights)
    for value in (top.index, top.index_weighted, top.index_geometric):
        assert value == pytest.approx(100)
    for value in (low.index, low.index_weighted):
        assert value == pytest.approx(0)
    # the geometric variant floors every factor at 1 (ln 0 is undefined), so "worst" is 1
    assert low.index_geometric == pytest.approx(1)


@settings(max_examples=100, deadline=None)
@given(st.lists(scores_st, min_size=1, max_size=8),
       st.lists(st.integers(1, 5), min_size=8, max_size=8), st.randoms())
def test_property_kbi_between_min_and_max_and_order_irrelevant(values, weights, rnd):
    scores = {f"F{i}": v for i, v in enumerate(values)}
    w = {f"F{i}": weights[i] for i in range(len(values))}
    for index in (overall_index(scores), overall_index(scores, w)):
        assert min(values) - 1e-9 <= index <= max(values) + 1e-9
    geo = overall_index_geometric(scores, w)
    assert min(max(v, 1.0) for v in values) - 1e-9 <= geo <= max(max(v, 1.0) for v in values) + 1e-9
    keys = list(scores)
    rnd.shuffle(keys)
    shuffled = {k: scores[k] for k in keys}
    assert overall_index(shuffled, w) == pytest.approx(overall_index(scores, w), abs=1e-9)
    assert overall_index_geometric(shuffled, w) == pytest.approx(geo, abs=1e-9)


def test_property_factor_order_in_catalogue_irrelevant(six):
    import dataclasses

    shuffled = list(six.factors)
    random.Random(3).shuffle(shuffled)
    other = dataclasses.replace(six, factors=tuple(shuffled))
    a = score_answers(six, oracle_answers(), WEIGHTS_2_4)
    b = score_answers(other, oracle_answers(), WEIGHTS_2_4)
    assert a.index_weighted == pytest.approx(b.index_weighted, abs=1e-9)
    assert a.index_geometric == pytest.approx(b.index_geometric, abs=1e-9)
