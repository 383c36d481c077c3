"""Self-assessment vs data (issue 14, part 3): »Ihre Einschätzung und Ihre Zahlen«.

Worked examples whose data scores and verdicts are computed by hand in the comments, the
catalogue links, and properties for any answers and figures.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook.errors import QuestionnaireError
from kbworkbook.figures import FIGURE_KEYS
from kbworkbook.questionnaires import load_catalogue, load_catalogue_file, score_answers
from kbworkbook.questionnaires.catalogue import Factor, Item, Questionnaire, Scale
from kbworkbook.selfimage import (
    VERDICTS,
    FigureRule,
    Rules,
    compare,
    data_score,
    load_rules,
    verdict_label,
)

# a: share, weak 40 %, good 80 % (higher is better); b: days, weak 10, good 2 (less is better)
RULE_A = FigureRule("a", 0.4, 0.8, {"de": "A"}, {"de": "test"})
RULE_B = FigureRule("b", 10.0, 2.0, {"de": "B"}, {"de": "test"})
RULES = Rules({"a": RULE_A, "b": RULE_B}, 15.0, {v: {"de": v} for v in VERDICTS})


@pytest.mark.parametrize(("rule", "value", "expected"), [
    (RULE_A, 0.4, 40.0), (RULE_A, 0.8, 80.0),
    (RULE_A, 0.6, 60.0),    # half-way: 40 + 0.2 · 100
    (RULE_A, 0.1, 10.0),    # below weak on the same line: 40 − 0.3 · 100
    (RULE_A, 0.0, 0.0),     # 40 − 40 = 0
    (RULE_A, 1.2, 100.0),   # 120, cut at 100
    (RULE_B, 4.0, 70.0),    # 40 + (4 − 10) · (40 / −8) = 40 + 30
    (RULE_B, 2.0, 80.0), (RULE_B, 12.0, 30.0),
    (RULE_A, None, None), (RULE_A, math.nan, None),
])
def test_data_score_puts_a_figure_on_the_questionnaire_scale(rule, value, expected) -> None:  # type: ignore[no-untyped-def]
    assert data_score(value, rule) == (None if expected is None else pytest.approx(expected))


def _catalogue(links: dict[str, list[list[str]]]) -> Questionnaire:
    """Factor key → one list of linked figure keys per statement."""
    factors = tuple(
        Factor(key, {"de": key}, tuple(Item(f"{key}.{i}", {"de": "…"}, data=tuple(data))
                                       for i, data in enumerate(items, start=1)))
        for key, items in links.items())
    return Questionnaire("test", "likert", {"de": "Test"}, factors,
                         Scale("likert", (1, 2, 3, 4, 5), {"de": ("1", "2", "3", "4", "5")}))


CATALOGUE = _catalogue({"X": [["a"], ["a", "b"], []], "Y": [["b"]], "Z": [[]]})
# X: 4, 3, 5 → 75, 50, 100 → 75; Y: 2 → 25; Z: 3 → 50
ANSWERS = {"X.1": 4, "X.2": 3, "X.3": 5, "Y.1": 2, "Z.1": 3}


def test_worked_example_agrees_stronger_and_no_data() -> None:
    score = score_answers(CATALOGUE, ANSWERS)
    image = compare(CATALOGUE, score, {"a": 0.6, "b": 4.0}, RULES)
    x, y, z = image.factors
    # X: a → 60, b → 70, each once → 65 against 75: 10 points apart, within 15 → matches
    assert (x.owner, x.data, x.gap, x.verdict) == (75.0, pytest.approx(65.0),
                                                    pytest.approx(-10.0), "agrees")
    assert [(f.key, f.items) for f in x.figures] == [("a", ("X.1", "X.2")), ("b", ("X.2",))]
    # Y: b → 70 against 25 → the figures are stronger
    assert (y.owner, y.data, y.verdict) == (25.0, pytest.approx(70.0), "data_stronger")
    # Z links no figure
    assert (z.data, z.verdict, z.linked) == (None, "no_data", False)
    assert [f.key for f in image.figures] == ["a", "b"]
    assert image.figures[1].items == ("X.2", "Y.1")


def test_worked_example_data_weaker_and_undefined_figure() -> None:
    score = score_answers(CATALOGUE, ANSWERS)
    # X: a 0.3 → 40 + (0.3 − 0.4) · 100 = 30, b undefined → 30 against 75 → weaker
    # Y: its only figure b is undefined → no data
    for figures in ({"a": 0.3, "b": None}, {"a": 0.3}):
        image = compare(CATALOGUE, score, figures, RULES)
        assert image.factor("X").data == pytest.approx(30.0)
        assert image.factor("X").verdict == "data_weaker"
        assert image.factor("Y").verdict == "no_data"
        assert image.factor("Y").figures[0].defined is False
    # b 12 → 30 as well: X = (30 + 30) / 2 = 30, Y = 30 against 25 → matches
    image = compare(CATALOGUE, score, {"a": 0.3, "b": 12.0}, RULES)
    assert image.factor("X").data == pytest.approx(30.0)
    assert image.factor("Y").verdict == "agrees"


def test_a_factor_the_owner_did_not_rate_is_not_judged() -> None:
    score = score_answers(CATALOGUE, {"X.1": 4, "X.2": 3, "X.3": 5})
    image = compare(CATALOGUE, score, {"a": 0.6, "b": 4.0}, RULES)
    assert image.factor("Y").verdict == "not_rated" and image.factor("Y").gap is None
    assert compare(CATALOGUE, None, {"b": 4.0}, RULES).factor("Y").verdict == "not_rated"


def test_the_package_rules_cover_every_linked_statement_and_are_figures_json_keys() -> None:
    rules = load_rules()
    assert set(rules.figures) <= set(FIGURE_KEYS)
    assert rules.tolerance == 15
    for qid in ("sechs_faktoren", "wechselbarrieren"):
        catalogue = load_catalogue(qid)
        linked = {k for item in catalogue.items for k in item.data}
        assert linked and linked <= set(rules.figures)
        image = compare(catalogue, None, {}, rules)  # no answers, no figures
        assert {f.verdict for f in image.factors} <= {"no_data"}
    assert verdict_label("agrees") == "deckt sich"
    assert verdict_label("data_weaker", "en") == "figures are weaker than the assessment"
    for rule in rules.figures.values():
        assert rule.source_in("de") and rule.label_in("de") and rule.label_in("en")
    sourced = {k for k, rule in rules.figures.items() if rule.has_source}
    assert sourced == {"nps", "complaint_days"}
    assert "CustomerGauge" in rules.figures["nps"].source_in("en")
    assert not any("http" in rule.source_in(lang) for rule in rules.figures.values()
                   for lang in ("de", "en")), "a report holds no external links"


def test_an_unknown_figure_in_a_catalogue_is_named_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "eigene.toml"
    path.write_text('id = "eigene"\n[title]\nde = "Eigene"\n[[factors]]\nkey = "A"\nde = "A"\n'
                    '[[factors.items]]\nkey = "A.1"\nde = "Aussage"\ndata = ["nsp"]\n',
                    encoding="utf-8")
    catalogue = load_catalogue_file(path)
    with pytest.raises(QuestionnaireError) as info:
        compare(catalogue, None, {})
    assert "eigene.toml, Aussage »A.1«: die Kennzahl »nsp«" in str(info.value)
    assert "Meinten Sie »nps«?" in str(info.value)


def test_data_must_be_a_list_of_keys(tmp_path: Path) -> None:
    path = tmp_path / "eigene.toml"
    path.write_text('id = "eigene"\n[title]\nde = "Eigene"\n[[factors]]\nkey = "A"\nde = "A"\n'
                    '[[factors.items]]\nkey = "A.1"\nde = "Aussage"\ndata = "nps"\n',
                    encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="»data« muss eine Liste"):
        load_catalogue_file(path)


def test_reference_values_that_cannot_rank_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "richtwerte.toml"
    path.write_text("[figures.nps]\nweak = 10\ngood = 10\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="verschieden"):
        load_rules(path)


# -- properties ---------------------------------------------------------------------------------

KEYS = ("a", "b", "c")
_values = st.one_of(st.none(), st.floats(-50, 50, allow_nan=False))
_rules = st.tuples(st.floats(-20, 20), st.floats(-20, 20)).filter(lambda wg: abs(wg[0] - wg[1])
                                                                   > 1e-3)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[Questionnaire, dict[str, int | None], Rules,
                                     dict[str, float | None]]:
    links = {f"F{i}": [draw(st.lists(st.sampled_from(KEYS), max_size=3, unique=True))]
             for i in range(3)}
    catalogue = _catalogue(links)
    answers = {f"F{i}.1": draw(st.one_of(st.none(), st.integers(1, 5))) for i in range(3)}
    bounds = {k: draw(_rules) for k in KEYS}
    rules = Rules({k: FigureRule(k, w, g, {}, {}) for k, (w, g) in bounds.items()},
                  draw(st.floats(0, 40)), {v: {"de": v} for v in VERDICTS})
    figures = {k: draw(_values) for k in KEYS}
    return catalogue, answers, rules, figures


@settings(max_examples=200, deadline=None)
@given(_cases())
def test_no_data_exactly_when_no_linked_figure_is_defined(case) -> None:  # type: ignore[no-untyped-def]
    catalogue, answers, rules, figures = case
    image = compare(catalogue, score_answers(catalogue, answers), figures, rules)
    for check in image.factors:
        keys = {k for item in catalogue.factor(check.factor).items for k in item.data}
        defined = any(figures.get(k) is not None for k in keys)
        assert (check.verdict == "no_data") == (not defined)
        assert check.data is None or 0.0 <= check.data <= 100.0


_RANK = {"data_weaker": 0, "agrees": 1, "data_stronger": 2}


@settings(max_examples=200, deadline=None)
@given(_cases(), st.sampled_from(KEYS), st.floats(0, 30))
def test_raising_a_figure_never_makes_the_verdict_worse(case, key, step) -> None:  # type: ignore[no-untyped-def]
    catalogue, answers, rules, figures = case
    if figures[key] is None:
        return
    rule = rules.figures[key]
    better = dict(figures)
    better[key] = figures[key] + (step if rule.higher_is_better else -step)
    score = score_answers(catalogue, answers)
    before, after = (compare(catalogue, score, f, rules) for f in (figures, better))
    for old, new in zip(before.factors, after.factors, strict=True):
        assert old.verdict == new.verdict or (
            _RANK[new.verdict] > _RANK[old.verdict]), (old, new)
        if old.data is not None:
            assert new.data is not None and new.data >= old.data - 1e-9


def test_the_comparison_sits_below_the_views_and_draws_nothing() -> None:
    import ast

    import kbworkbook.selfimage as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    names = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    names |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
              for a in node.names}
    assert not any(n.lstrip(".").split(".")[0] in {"matplotlib", "IPython", "ipywidgets",
                                                   "chapters", "plots", "notebook", "store"}
                   for n in names), names


def test_a_workspace_adapts_the_reference_values_to_its_trade() -> None:
    from kbworkbook.selfimage import with_overrides

    rules = with_overrides(load_rules(), {
        "tolerance": 10, "repeat_rate": {"weak": 0.5, "good": 0.8},
        "nps": {"good": 70, "source": "Verband 2024"}})
    assert rules.tolerance == 10
    # repeat rate 70 %: 40 + 40 · (0.7 − 0.5) / 0.3 = 66.7 (package values: 93.3)
    assert data_score(0.7, rules.figures["repeat_rate"]) == pytest.approx(66.6667, abs=1e-3)
    assert rules.figures["repeat_rate"].source_in("de") == "angepasst in kbworkbook.toml"
    assert rules.figures["repeat_rate"].has_source
    # NPS keeps weak = 0, good becomes 70: +35 → 60
    assert data_score(35.0, rules.figures["nps"]) == pytest.approx(60.0)
    assert rules.figures["nps"].source_in("en") == "Verband 2024"
    assert rules.figures["nps"].label_in("de") == "Net Promoter Score (letzte 12 Monate)"
    assert load_rules().figures["repeat_rate"].weak == 0.3  # the package's stay as they are


def test_every_problem_of_the_workspace_values_is_named_at_once() -> None:
    from kbworkbook.selfimage import with_overrides

    with pytest.raises(QuestionnaireError) as info:
        with_overrides(load_rules(), {"tolerance": "viel", "repeat_rat": {"weak": 0.5},
                                      "nps": {"weak": 20, "good": 20},
                                      "crr": {"weak": 0.3, "gut": 0.6}})
    lines = str(info.value).splitlines()
    assert lines == [
        "kbworkbook.toml, [selfimage]: »tolerance« muss eine Zahl von 0 bis 100 sein.",
        "kbworkbook.toml, [selfimage]: die Kennzahl »repeat_rat« ist unbekannt. "
        "Meinten Sie »repeat_rate«?",
        "kbworkbook.toml, [selfimage]: nps: »weak« und »good« müssen verschieden sein.",
        "kbworkbook.toml, [selfimage]: crr: unbekannter Schlüssel »gut«; erlaubt sind weak, "
        "good und source.",
    ]
