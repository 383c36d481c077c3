"""Scoring of questionnaire answers (domain.md §2.4, §3, §8.1). Pure functions, no I/O.

Scores are percent of the maximum possible, 0..100; a missing value is ``nan``.

- Item (1..5 scale): ``(x−1)/4·100``, reverse-coded ``(5−x)/4·100``; ja/teilweise/nein → 100/50/0;
  "weiß nicht" (``None``) is missing.
- Factor: mean of the answered items; missing when fewer than ``min_share`` (50 %) are answered.
- Index (KBI, GI, …): ``Σ w·F / Σ w`` over the non-missing factors; missing when all are.
  Default ``w = 1``; the importance ratings 1..5 give the weighted variant. Factors without a
  rating get weight 3 (the neutral middle) when some factors are rated.
- Geometric ("weakest link") variant: ``exp(Σ w·ln max(F, 1) / Σ w)``.
- Bands: <40 kritisch, 40–<60 ausbaufähig, 60–<80 gut, ≥80 sehr gut.
- Handlungsbedarf: ``H = (w/5)·(100 − F)``, sorted descending.
- Bindungsportfolio: VI (= KBI) × GI, threshold 50, a value at the threshold counts as high.
- Jones & Sasser: satisfaction S and loyalty L on 1..5, "high" means ≥ 4.0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..errors import QuestionnaireError
from .catalogue import Questionnaire

__all__ = [
    "BANDS",
    "CHOICE_SCORES",
    "JONES_SASSER_TYPES",
    "PORTFOLIO_QUADRANTS",
    "QuestionnaireScore",
    "band",
    "band_label",
    "choice_score",
    "compare_scores",
    "factor_score",
    "gebundenheitsindex",
    "handlungsbedarf",
    "item_score",
    "jones_sasser",
    "jones_sasser_label",
    "jones_sasser_segments",
    "loyalty_from_0_10",
    "overall_index",
    "overall_index_geometric",
    "portfolio_label",
    "portfolio_quadrant",
    "score_answers",
    "strongest_and_weakest",
]

NAN = math.nan

#: ja/teilweise/nein → item score (ja = 1, teilweise = 0.5, nein = 0; × 100).
CHOICE_SCORES: dict[str, float] = {"ja": 100.0, "teilweise": 50.0, "nein": 0.0}

#: (lower bound inclusive, key, German, English) in ascending order.
BANDS: tuple[tuple[float, str, str, str], ...] = (
    (0.0, "kritisch", "kritisch", "critical"),
    (40.0, "ausbaufaehig", "ausbaufähig", "needs work"),
    (60.0, "gut", "gut", "good"),
    (80.0, "sehr_gut", "sehr gut", "very good"),
)

#: Bindungsportfolio quadrant key → (German, English).
PORTFOLIO_QUADRANTS: dict[str, tuple[str, str]] = {
    "doppelt_gebunden": ("Doppelt gebunden", "Doubly bound"),
    "gefangen": ("Gefangene Kunden", "Captive customers"),
    "freiwillig_treu": ("Freiwillig treu", "Loyal by choice"),
    "ungebunden": ("Ungebunden / wechselgefährdet", "Unbound / at risk of switching"),
}

#: Jones & Sasser type key → (German, English).
JONES_SASSER_TYPES: dict[str, tuple[str, str]] = {
    "apostel": ("Apostel", "Apostle"),
    "loyalist": ("Loyalist", "Loyalist"),
    "soeldner": ("Söldner", "Mercenary"),
    "geisel": ("Geisel", "Hostage"),
    "abwanderer": ("Abwanderer", "Defector"),
    "terrorist": ("Terrorist", "Terrorist"),
}


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(math.isnan(value))
    except TypeError:
        return False


# -- items and factors ----------------------------------------------------------------------------


def item_score(value: int | None, reverse: bool = False) -> float:
    """Score 0..100 of an answer 1..5; ``None`` ("weiß nicht") → ``nan``.

    Raises ``QuestionnaireError`` for anything that is not a whole number 1..5.
    """
    if _is_missing(value):
        return NAN
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) \
            or not 1 <= value <= 5:
        raise QuestionnaireError(
            f"Antwort »{value}« ist ungültig; erlaubt sind 1 bis 5 oder »weiß nicht«."
        )
    x = int(value)
    return (5 - x) / 4 * 100 if reverse else (x - 1) / 4 * 100


def choice_score(value: str | None) -> float:
    """Score of ja/teilweise/nein (100/50/0); ``None`` → ``nan``."""
    if _is_missing(value):
        return NAN
    key = str(value).strip().lower()
    if key not in CHOICE_SCORES:
        raise QuestionnaireError(
            f"Antwort »{value}« ist ungültig; erlaubt sind ja, teilweise, nein oder »weiß nicht«."
        )
    return CHOICE_SCORES[key]


def factor_score(
    item_scores: Sequence[float | None], n_items: int | None = None, min_share: float = 0.5
) -> float:
    """Mean of the answered item scores; ``nan`` when fewer than ``min_share`` are answered.

    ``n_items`` is the number of items of the factor (default ``len(item_scores)``), so
    unanswered items may simply be left out of ``item_scores``.
    """
    answered = [float(s) for s in item_scores if s is not None and not _is_missing(s)]
    total = len(item_scores) if n_items is None else n_items
    if not answered or total <= 0 or len(answered) < min_share * total:
        return NAN
    return sum(answered) / len(answered)


def _weights(scores: Mapping[str, float], weights: Mapping[str, float] | None) -> dict[str, float]:
    if not weights:
        return dict.fromkeys(scores, 1.0)
    result = {}
    for key in scores:
        w = weights.get(key)
        result[key] = 3.0 if _is_missing(w) else float(w)  # type: ignore[arg-type]
        if result[key] < 0:
            raise ValueError(f"weight for {key!r} must not be negative")
    return result


def overall_index(
    factor_scores: Mapping[str, float], weights: Mapping[str, float] | None = None
) -> float:
    """``Σ w·F / Σ w`` over the non-missing factors (KBI, GI …); ``nan`` if all are missing."""
    w = _weights(factor_scores, weights)
    pairs = [(w[k], float(v)) for k, v in factor_scores.items() if not _is_missing(v)]
    total = sum(wk for wk, _ in pairs)
    if not pairs or total == 0:
        return NAN
    return sum(wk * v for wk, v in pairs) / total


def overall_index_geometric(
    factor_scores: Mapping[str, float], weights: Mapping[str, float] | None = None
) -> float:
    """The "weakest link" variant ``exp(Σ w·ln max(F, 1) / Σ w)``; ``nan`` if all missing."""
    w = _weights(factor_scores, weights)
    pairs = [(w[k], float(v)) for k, v in factor_scores.items() if not _is_missing(v)]
    total = sum(wk for wk, _ in pairs)
    if not pairs or total == 0:
        return NAN
    return math.exp(sum(wk * math.log(max(v, 1.0)) for wk, v in pairs) / total)


def band(score: float) -> str | None:
    """Band key of a score (``kritisch`` … ``sehr_gut``); ``None`` for a missing score."""
    if _is_missing(score):
        return None
    result = BANDS[0][1]
    for lower, key, _, _ in BANDS:
        if score >= lower:
            result = key
    return result


def band_label(key: str | None, language: str = "de") -> str:
    """German or English label of a band key; "nicht bewertet" for ``None``."""
    if key is None:
        return "not rated" if language == "en" else "nicht bewertet"
    for _, k, de, en in BANDS:
        if k == key:
            return en if language == "en" else de
    raise KeyError(key)


def handlungsbedarf(
    factor_scores: Mapping[str, float], weights: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Need for action ``H = (w/5)·(100 − F)`` per scored factor, sorted descending.

    Columns ``factor``, ``score``, ``weight``, ``need``, ``rank`` (1 = most urgent). Missing
    factors are left out. Ties keep the catalogue order.
    """
    w = _weights(factor_scores, weights)
    rows = [
        {"factor": k, "score": float(v), "weight": w[k], "need": w[k] / 5 * (100 - float(v))}
        for k, v in factor_scores.items()
        if not _is_missing(v)
    ]
    frame = pd.DataFrame(rows, columns=["factor", "score", "weight", "need"])
    frame = frame.sort_values("need", ascending=False, kind="stable").reset_index(drop=True)
    frame["rank"] = range(1, len(frame) + 1)
    return frame


# -- Gebundenheit, portfolio, Jones & Sasser -------------------------------------------------------


def gebundenheitsindex(barrier_scores: Mapping[str, float]) -> float:
    """GI = mean of the T, O and V scores (missing ones left out; ``nan`` if all missing)."""
    return overall_index(barrier_scores)


def portfolio_quadrant(vi: float, gi: float, threshold: float = 50.0) -> str | None:
    """Bindungsportfolio quadrant key for VI (x) and GI (y); at the threshold counts as high.

    ``None`` when either index is missing.
    """
    if _is_missing(vi) or _is_missing(gi):
        return None
    high_v, high_g = vi >= threshold, gi >= threshold
    if high_g and high_v:
        return "doppelt_gebunden"
    if high_g:
        return "gefangen"
    if high_v:
        return "freiwillig_treu"
    return "ungebunden"


def portfolio_label(key: str | None, language: str = "de") -> str:
    """Label of a portfolio quadrant key."""
    if key is None:
        return "not rated" if language == "en" else "nicht bewertet"
    de, en = PORTFOLIO_QUADRANTS[key]
    return en if language == "en" else de


def loyalty_from_0_10(x: float) -> float:
    """Convert a 0..10 answer (e.g. repurchase or NPS question) to the 1..5 scale: ``1 + 0.4x``."""
    return 1 + 0.4 * float(x)


def jones_sasser(
    satisfaction: float,
    loyalty: float,
    recommendation: float | None = None,
    *,
    high: float = 4.0,
    terrorist_max: float = 2.0,
    apostle_min: float = 4.5,
    apostle_recommendation: float = 9.0,
) -> str | None:
    """Jones & Sasser type of a segment from mean satisfaction S and loyalty L (both 1..5).

    "High" means ≥ ``high``. Defectors with S ≤ ``terrorist_max`` are terrorists; loyalists with
    S ≥ ``apostle_min`` (and, when given, recommendation ≥ ``apostle_recommendation`` on 0..10)
    are apostles. ``None`` if S or L is missing.
    """
    if _is_missing(satisfaction) or _is_missing(loyalty):
        return None
    s_high, l_high = satisfaction >= high, loyalty >= high
    if s_high and l_high:
        recommends = recommendation is None or _is_missing(recommendation) \
            or recommendation >= apostle_recommendation
        return "apostel" if satisfaction >= apostle_min and recommends else "loyalist"
    if s_high:
        return "soeldner"
    if l_high:
        return "geisel"
    return "terrorist" if satisfaction <= terrorist_max else "abwanderer"


def jones_sasser_label(key: str | None, language: str = "de") -> str:
    """Label of a Jones & Sasser type key."""
    if key is None:
        return "not rated" if language == "en" else "nicht bewertet"
    de, en = JONES_SASSER_TYPES[key]
    return en if language == "en" else de


def jones_sasser_segments(
    frame: pd.DataFrame,
    satisfaction: str = "satisfaction",
    loyalty: str = "loyalty",
    recommendation: str | None = None,
    **rule: float,
) -> pd.DataFrame:
    """A copy of ``frame`` with a ``type`` column (Jones & Sasser key) per row/segment."""
    out = frame.copy()
    out["type"] = [
        jones_sasser(
            row[satisfaction], row[loyalty],
            row[recommendation] if recommendation else None, **rule,
        )
        for _, row in frame.iterrows()
    ]
    return out


# -- whole questionnaires -----------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionnaireScore:
    """The scored answers of one assessment.

    ``items``: item, factor, value, reverse, score. ``factors``: factor, score, answered, n_items,
    weight, band (missing factor → score ``nan``, band ``None``). ``index`` is the unweighted
    mean of the factor scores, ``index_weighted`` uses the importance ratings (equals ``index``
    when none were given), ``index_geometric`` the weakest-link variant with the same weights.
    """

    questionnaire: str
    items: pd.DataFrame
    factors: pd.DataFrame
    index: float
    index_weighted: float
    index_geometric: float
    answered: int
    n_items: int

    @property
    def factor_scores(self) -> dict[str, float]:
        """Factor key → score (``nan`` when missing), in catalogue order."""
        return dict(zip(self.factors["factor"], self.factors["score"].astype(float), strict=True))

    @property
    def weights(self) -> dict[str, float]:
        return dict(zip(self.factors["factor"], self.factors["weight"].astype(float), strict=True))


def score_answers(
    catalogue: Questionnaire,
    answers: Mapping[str, Any],
    importance: Mapping[str, Any] | None = None,
    min_share: float = 0.5,
) -> QuestionnaireScore:
    """Score an assessment: ``answers`` maps item key → value (``None`` = "weiß nicht").

    Keys absent from ``answers`` are unanswered; keys not in the catalogue are ignored.
    ``importance`` maps factor key → 1..5. Free-text catalogues raise ``ValueError``.
    """
    if not catalogue.scored:
        raise ValueError(f"questionnaire {catalogue.id!r} holds free text and cannot be scored")
    rows = []
    for factor in catalogue.factors:
        for item in factor.items:
            value = answers.get(item.key)
            try:
                if catalogue.kind == "ja_teilweise_nein":
                    score = choice_score(value)
                else:
                    score = item_score(value, item.reverse)
            except QuestionnaireError as exc:
                raise QuestionnaireError(f"{catalogue.id}, Aussage »{item.key}«: {exc}") from None
            rows.append({"item": item.key, "factor": factor.key, "value": value,
                         "reverse": item.reverse, "score": score})
    items = pd.DataFrame(rows, columns=["item", "factor", "value", "reverse", "score"])
    items["value"] = items["value"].astype(object)
    items["score"] = items["score"].astype(float)

    rated = {k: v for k, v in (importance or {}).items() if not _is_missing(v)}
    scores: dict[str, float] = {}
    factor_rows = []
    for factor in catalogue.factors:
        s = items.loc[items["factor"] == factor.key, "score"].tolist()
        scores[factor.key] = factor_score(s, len(factor.items), min_share)
        factor_rows.append({
            "factor": factor.key,
            "score": scores[factor.key],
            "answered": sum(1 for item in factor.items
                            if not _is_missing(answers.get(item.key))),
            "n_items": len(factor.items),
        })
    weights = _weights(scores, rated or None)
    factors = pd.DataFrame(factor_rows, columns=["factor", "score", "answered", "n_items"])
    factors["score"] = factors["score"].astype(float)
    factors["weight"] = [weights[k] for k in factors["factor"]]
    factors["band"] = pd.Series([band(s) for s in factors["score"]], dtype=object)
    return QuestionnaireScore(
        questionnaire=catalogue.id,
        items=items,
        factors=factors,
        index=overall_index(scores),
        index_weighted=overall_index(scores, rated or None),
        index_geometric=overall_index_geometric(scores, rated or None),
        answered=sum(1 for key in catalogue.item_keys if key in answers),
        n_items=len(catalogue.items),
    )


def compare_scores(
    previous: QuestionnaireScore | None, current: QuestionnaireScore
) -> pd.DataFrame:
    """Change per factor: columns factor, previous, current, change (``nan`` where undefined)."""
    prev = previous.factor_scores if previous is not None else {}
    rows = [
        {"factor": k, "previous": prev.get(k, NAN), "current": v,
         "change": v - prev.get(k, NAN)}
        for k, v in current.factor_scores.items()
    ]
    return pd.DataFrame(rows, columns=["factor", "previous", "current", "change"]).astype(
        {"previous": float, "current": float, "change": float}
    )


def strongest_and_weakest(score: QuestionnaireScore, n: int = 2) -> tuple[list[str], list[str]]:
    """The ``n`` highest and ``n`` lowest scored factors (keys; ties keep catalogue order)."""
    scored = score.factors.dropna(subset=["score"])
    best = scored.sort_values("score", ascending=False, kind="stable")["factor"].tolist()
    worst = scored.sort_values("score", ascending=True, kind="stable")["factor"].tolist()
    k = min(n, len(scored) // 2) if len(scored) > 1 else len(scored)
    return best[:k], worst[:k]
