"""Self-assessment against the data: does the owner's picture of a factor match the figures?

A statement of a questionnaire may name figures that can show whether it holds
(``data = ["complaint_satisfaction", "nps_trend"]`` in the catalogue). Per factor,
:func:`compare` puts those figures beside the owner's score:

1. each defined figure gets a **data score** on the questionnaire's 0–100 scale from its
   reference values in ``selfimage.toml``: the value ``weak`` counts 40, ``good`` counts 80,
   linear in between and beyond, cut at 0 and 100 (``good < weak``: less is better);
2. the factor's data score is the mean of the data scores of every figure linked to any of its
   statements (each figure once);
3. the **verdict** compares it with the owner's factor score: within ``tolerance`` points
   ``agrees``, below ``data_weaker``, above ``data_stronger``; ``no_data`` when none of the
   factor's figures is defined, ``not_rated`` when the owner has not rated the factor.

Raising a figure in its good direction never makes a verdict worse (weaker < agrees <
stronger). The figures can disagree for good reasons (a trade with naturally frequent
purchases, a survey of few answers); the verdict is a question for the workshop, not a mark.

The consultant adapts the reference values to the client's trade in kbworkbook.toml
(:func:`with_overrides`)::

    [selfimage]
    tolerance = 10
    repeat_rate = { weak = 0.5, good = 0.8, source = "Branchenverband 2024" }

Pure: catalogue, scored answers and a mapping of figure values in, a frozen
:class:`SelfImage` out. Only :func:`load_rules` reads a file (the package's reference values).
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from .errors import QuestionnaireError
from .questionnaires.catalogue import Questionnaire
from .questionnaires.scoring import QuestionnaireScore

__all__ = [
    "RULES_FILE",
    "VERDICTS",
    "FactorCheck",
    "FigureCheck",
    "FigureRule",
    "Rules",
    "SelfImage",
    "check_links",
    "compare",
    "data_score",
    "load_rules",
    "verdict_label",
    "with_overrides",
]

RULES_FILE = Path(__file__).resolve().with_suffix(".toml")

#: Verdict codes from worst to best for the figures; ``no_data``/``not_rated`` stand apart.
VERDICTS: tuple[str, ...] = ("data_weaker", "agrees", "data_stronger", "no_data", "not_rated")

#: The data scores the reference values stand for (band starts "ausbaufähig", "sehr gut").
WEAK_SCORE, GOOD_SCORE = 40.0, 80.0


@dataclass(frozen=True)
class FigureRule:
    """Reference values of one figure: ``weak`` counts 40 and ``good`` 80 on the 0–100 scale."""

    key: str
    weak: float
    good: float
    label: Mapping[str, str]
    source: Mapping[str, str]

    #: the source text of a value without a published source
    RULE_OF_THUMB = "Erfahrungswert, anpassbar"

    @property
    def has_source(self) -> bool:
        """A published source or a statement backs the values (not only a rule of thumb)."""
        return self.source.get("de", "") not in ("", self.RULE_OF_THUMB)

    def source_in(self, language: str = "de") -> str:
        return self.source.get(language) or self.source.get("de", "")

    @property
    def higher_is_better(self) -> bool:
        return self.good > self.weak

    def label_in(self, language: str = "de") -> str:
        return self.label.get(language) or self.label.get("de") or self.key


@dataclass(frozen=True)
class Rules:
    """Every figure a statement may link to, the tolerance and the verdict labels."""

    figures: Mapping[str, FigureRule]
    tolerance: float
    verdicts: Mapping[str, Mapping[str, str]]


def data_score(value: float | None, rule: FigureRule) -> float | None:
    """``value`` on the 0–100 scale (see module docstring); ``None`` when undefined."""
    if value is None or not math.isfinite(value):
        return None
    step = (GOOD_SCORE - WEAK_SCORE) / (rule.good - rule.weak)
    return min(100.0, max(0.0, WEAK_SCORE + (float(value) - rule.weak) * step))


@dataclass(frozen=True)
class FigureCheck:
    """One linked figure: its value (``None``: undefined), data score and the statements that
    name it."""

    key: str
    value: float | None
    score: float | None
    items: tuple[str, ...]

    @property
    def defined(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class FactorCheck:
    """One factor: the owner's score (``nan``: not rated), the figures, their mean data score
    (``None``: no figure defined) and the verdict code."""

    factor: str
    owner: float
    data: float | None
    figures: tuple[FigureCheck, ...]
    verdict: str

    @property
    def gap(self) -> float | None:
        """Data score minus the owner's score (``None`` when either is missing)."""
        if self.data is None or math.isnan(self.owner):
            return None
        return self.data - self.owner

    @property
    def linked(self) -> bool:
        """Some statement of the factor names a figure."""
        return bool(self.figures)


@dataclass(frozen=True)
class SelfImage:
    """The comparison for one questionnaire, one :class:`FactorCheck` per factor in catalogue
    order."""

    questionnaire: str
    factors: tuple[FactorCheck, ...]
    tolerance: float

    def factor(self, key: str) -> FactorCheck:
        for check in self.factors:
            if check.factor == key:
                return check
        raise KeyError(key)

    def with_verdict(self, verdict: str) -> tuple[FactorCheck, ...]:
        return tuple(f for f in self.factors if f.verdict == verdict)

    @property
    def figures(self) -> tuple[FigureCheck, ...]:
        """Every linked figure once (first mention first), with all statements naming it."""
        seen: dict[str, FigureCheck] = {}
        for factor in self.factors:
            for fig in factor.figures:
                if fig.key in seen:
                    old = seen[fig.key]
                    seen[fig.key] = FigureCheck(fig.key, fig.value, fig.score,
                                                old.items + fig.items)
                else:
                    seen[fig.key] = fig
        return tuple(seen.values())

    @property
    def any_data(self) -> bool:
        return any(f.data is not None for f in self.factors)


def _verdict(owner: float, data: float | None, tolerance: float) -> str:
    if data is None:
        return "no_data"
    if math.isnan(owner):
        return "not_rated"
    if data < owner - tolerance:
        return "data_weaker"
    if data > owner + tolerance:
        return "data_stronger"
    return "agrees"


def compare(catalogue: Questionnaire, score: QuestionnaireScore | None,
            figures: Mapping[str, float | None], rules: Rules | None = None) -> SelfImage:
    """Per factor of ``catalogue``: the owner's score from ``score`` (``None``: nothing
    answered), the linked figures' values from ``figures`` (figure key → value; a missing
    key is undefined) and the verdict (see module docstring).

    A linked key without reference values raises ``QuestionnaireError`` (:func:`check_links`).
    """
    rules = rules or load_rules()
    check_links(catalogue, rules)
    owners = score.factor_scores if score is not None else {}
    checks = []
    for factor in catalogue.factors:
        named: dict[str, list[str]] = {}
        for item in factor.items:
            for key in item.data:
                named.setdefault(key, []).append(item.key)
        figs = []
        for key, items in named.items():
            value = figures.get(key)
            value = float(value) if value is not None and math.isfinite(value) else None
            figs.append(FigureCheck(key, value, data_score(value, rules.figures[key]),
                                    tuple(items)))
        scores = [f.score for f in figs if f.score is not None]
        data = sum(scores) / len(scores) if scores else None
        owner = float(owners.get(factor.key, math.nan))
        checks.append(FactorCheck(factor.key, owner, data, tuple(figs),
                                  _verdict(owner, data, rules.tolerance)))
    return SelfImage(catalogue.id, tuple(checks), rules.tolerance)


def check_links(catalogue: Questionnaire, rules: Rules) -> None:
    """Every ``data`` key of ``catalogue`` has reference values; else ``QuestionnaireError``
    naming the file, the statement and the key, with a "Meinten Sie …?" hint."""
    problems = []
    for item in catalogue.items:
        for key in item.data:
            if key not in rules.figures:
                match = difflib.get_close_matches(key, sorted(rules.figures), n=1, cutoff=0.6)
                hint = f" Meinten Sie »{match[0]}«?" if match else ""
                problems.append(
                    f"{Path(catalogue.source).name or catalogue.id}, Aussage »{item.key}«: "
                    f"die Kennzahl »{key}« in »data« ist unbekannt.{hint} Bekannt sind: "
                    f"{', '.join(sorted(rules.figures))}.")
    if problems:
        raise QuestionnaireError("\n".join(problems))


def verdict_label(verdict: str, language: str = "de", rules: Rules | None = None) -> str:
    """The short text of a verdict code (»deckt sich« …)."""
    labels = (rules or load_rules()).verdicts[verdict]
    return labels.get(language) or labels["de"]


def _rule(key: str, raw: Any, where: str, table: str = "") -> FigureRule:
    table = table or f"[figures.{key}]"
    if not isinstance(raw, Mapping):
        raise QuestionnaireError(f"{where}: {table} muss eine Tabelle sein.")
    numbers = {}
    for name in ("weak", "good"):
        value = raw.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value):
            raise QuestionnaireError(f"{where}: {table} braucht eine Zahl »{name}«.")
        numbers[name] = float(value)
    if numbers["weak"] == numbers["good"]:
        raise QuestionnaireError(f"{where}: {table}: »weak« und »good« müssen "
                                 "verschieden sein.")

    def texts(value: Any) -> dict[str, str]:
        if isinstance(value, Mapping):
            return {k: str(v) for k, v in value.items()}
        return {"de": str(value)} if value else {}

    return FigureRule(key, numbers["weak"], numbers["good"], texts(raw.get("label")),
                      texts(raw.get("source")))


def _parse(data: Mapping[str, Any], where: str) -> Rules:
    tolerance = data.get("tolerance", 15)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) \
            or not 0 <= tolerance <= 100:
        raise QuestionnaireError(f"{where}: »tolerance« muss eine Zahl von 0 bis 100 sein.")
    raw = data.get("figures", {})
    figures = {key: _rule(key, body, where) for key, body in raw.items()}
    verdicts = {code: dict(data.get("verdicts", {}).get(code, {"de": code}))
                for code in VERDICTS}
    return Rules(figures, float(tolerance), verdicts)


@cache
def _package_rules() -> Rules:
    return _parse(tomllib.loads(RULES_FILE.read_text(encoding="utf-8")), RULES_FILE.name)


def load_rules(path: str | Path | None = None) -> Rules:
    """The reference values of ``path`` (default: the package's ``selfimage.toml``)."""
    if path is None:
        return _package_rules()
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise QuestionnaireError(f"{file.name}: die Richtwerte können nicht gelesen werden "
                                 f"({exc}).") from None
    return _parse(data, file.name)


#: The source of a reference value set in the workspace without naming one.
_OVERRIDDEN = {"de": "angepasst in kbworkbook.toml", "en": "adjusted in kbworkbook.toml"}


def with_overrides(rules: Rules, table: Mapping[str, Any],
                   where: str = "kbworkbook.toml, [selfimage]") -> Rules:
    """``rules`` with a workspace's ``[selfimage]`` table applied: ``tolerance`` and, per figure
    key, ``weak``/``good`` (either may be left out) and an optional ``source``.

    Every problem (unknown figure, a value that is not a number, weak = good) is collected and
    raised once as ``QuestionnaireError`` naming ``where``, with a "Meinten Sie …?" hint.
    """
    problems: list[str] = []
    figures = dict(rules.figures)
    tolerance = rules.tolerance
    for key, body in table.items():
        if key == "tolerance":
            if isinstance(body, bool) or not isinstance(body, int | float) \
                    or not 0 <= body <= 100:
                problems.append(f"{where}: »tolerance« muss eine Zahl von 0 bis 100 sein.")
            else:
                tolerance = float(body)
            continue
        if key not in figures:
            match = difflib.get_close_matches(key, sorted(figures), n=1, cutoff=0.6)
            hint = f" Meinten Sie »{match[0]}«?" if match else ""
            problems.append(f"{where}: die Kennzahl »{key}« ist unbekannt.{hint}")
            continue
        if not isinstance(body, Mapping):
            problems.append(f"{where}: {key} braucht die Form {{ weak = …, good = … }}.")
            continue
        base = figures[key]
        merged: dict[str, Any] = {"weak": base.weak, "good": base.good, "label": base.label,
                                  "source": body.get("source", _OVERRIDDEN)}
        merged.update({k: body[k] for k in ("weak", "good") if k in body})
        unknown = sorted(set(body) - {"weak", "good", "source"})
        if unknown:
            problems.append(f"{where}: {key}: unbekannter Schlüssel »{unknown[0]}«; erlaubt "
                            "sind weak, good und source.")
            continue
        try:
            figures[key] = _rule(key, merged, where, key)
        except QuestionnaireError as exc:
            problems.append(str(exc))
    if problems:
        raise QuestionnaireError("\n".join(problems))
    return replace(rules, figures=figures, tolerance=tolerance)
