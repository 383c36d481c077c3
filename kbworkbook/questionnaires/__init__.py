"""Questionnaires: catalogues as data (TOML, German and English) and their scoring.

::

    from kbworkbook import questionnaires as q
    cat = q.load_catalogue("sechs_faktoren", workspace)   # workspace may override catalogues
    result = q.score_answers(cat, {"F1.1": 4, "F1.2": 5, …}, importance={"F1": 5})
    result.factors, result.index, result.index_weighted
"""

from __future__ import annotations

from .catalogue import (
    BUILTIN_DIR,
    ITEM_TYPES,
    KINDS,
    Factor,
    Item,
    Option,
    Questionnaire,
    Scale,
    load_catalogue,
    load_catalogue_file,
    load_catalogues,
    workspace_catalogue_dir,
)
from .scoring import (
    BANDS,
    CHOICE_SCORES,
    JONES_SASSER_TYPES,
    PORTFOLIO_QUADRANTS,
    QuestionnaireScore,
    band,
    band_label,
    choice_score,
    compare_scores,
    factor_score,
    gebundenheitsindex,
    handlungsbedarf,
    item_score,
    jones_sasser,
    jones_sasser_label,
    jones_sasser_segments,
    loyalty_from_0_10,
    overall_index,
    overall_index_geometric,
    portfolio_label,
    portfolio_quadrant,
    score_answers,
    strongest_and_weakest,
)

#: Ids of the built-in catalogues.
SIX_FACTORS = "sechs_faktoren"
SWITCHING_BARRIERS = "wechselbarrieren"
MANAGEMENT_CHECK = "management_check"
TOUCHPOINTS = "kontaktpunkte"
POSITIONING = "positionierung"

__all__ = [
    "BANDS",
    "BUILTIN_DIR",
    "CHOICE_SCORES",
    "ITEM_TYPES",
    "JONES_SASSER_TYPES",
    "KINDS",
    "MANAGEMENT_CHECK",
    "PORTFOLIO_QUADRANTS",
    "POSITIONING",
    "SIX_FACTORS",
    "SWITCHING_BARRIERS",
    "TOUCHPOINTS",
    "Factor",
    "Item",
    "Option",
    "Questionnaire",
    "QuestionnaireScore",
    "Scale",
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
    "load_catalogue",
    "load_catalogue_file",
    "load_catalogues",
    "loyalty_from_0_10",
    "overall_index",
    "overall_index_geometric",
    "portfolio_label",
    "portfolio_quadrant",
    "score_answers",
    "strongest_and_weakest",
    "workspace_catalogue_dir",
]
