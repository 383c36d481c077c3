"""Net Promoter Score with standard error and 95 % interval (domain.md §4.1).

Promoters answer 9–10, passives 7–8, detractors 0–6. ``NPS = 100·(P−D)/n`` in points
(−100..+100). Blank answers (NaN) are excluded, not counted as detractors.
Standard error: ``Var = 100²·(p + d − (p−d)²)/n``; optional finite-population correction
``Var·(N−n)/(N−1)`` for a customer base of N. ``ci_low``/``ci_high``: the plain (Wald)
interval ``NPS ± 1.96·SE`` clipped to ±100 (domain.md §4.1); it collapses at small n and at
the bounds (three answers of 10 → [100; 100]). ``small_sample`` is set when n < 30.

``interval_low``/``interval_high`` – the interval the report shows – is the ADJUSTED WALD
interval for the difference of two proportions of a trinomial (Rocks 2016, The American
Statistician; recommended by Lewis & Sauro, measuringu.com/nps-confidence-intervals): add
¾ promoter, ¾ detractor and 1½ passives (n' = n + 3), p' = (P + ¾)/n', d' = (D + ¾)/n',
``100·(p' − d') ± 1.96·100·√((p' + d' − (p' − d')²)/n')`` (times the same finite-population
correction), widened to contain the observed NPS (only with one or two answers can the
shrunk centre leave it outside) and clipped to ±100. It never has zero width (unless the whole
customer base answered) and behaves at the bounds.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError
from kbworkbook.metrics._common import (
    column_text,
    day_numbers,
    period_labels,
    period_numbers,
)

__all__ = ["SMALL_SAMPLE", "Z95", "NpsResult", "nps", "nps_trend"]

Z95 = 1.96
SMALL_SAMPLE = 30


@dataclass(frozen=True)
class NpsResult:
    """NPS in points; shares are fractions 0..1; ``se``/``ci_*`` in points."""

    score: float
    n: int
    promoters: int
    passives: int
    detractors: int
    promoters_share: float
    passives_share: float
    detractors_share: float
    se: float
    ci_low: float
    ci_high: float
    small_sample: bool
    population: int | None = None
    interval_low: float = math.nan
    interval_high: float = math.nan


def _clean_scores(scores: pd.Series | np.ndarray | list[float]) -> np.ndarray:
    s = pd.Series(scores, dtype="float64") if not isinstance(scores, pd.Series) else scores
    try:
        values = pd.to_numeric(s, errors="raise").astype("float64")
    except (ValueError, TypeError):
        bad = pd.to_numeric(s, errors="coerce").isna() & s.notna()
        label = s.index[bad.to_numpy()][0]
        raise MetricError("nps.not_a_number", row=str(label), value=str(s.loc[label])) from None
    arr = values.to_numpy()
    present = ~np.isnan(arr)
    bad = present & ((arr < 0) | (arr > 10) | (arr != np.round(arr)))
    if bad.any():
        label = values.index[np.flatnonzero(bad)[0]]
        raise MetricError("nps.out_of_range", row=str(label), value=float(values.loc[label]))
    return arr[present]


def nps(
    scores: pd.Series | np.ndarray | list[float], population: int | None = None
) -> NpsResult:
    """Net Promoter Score of answers 0..10 (NaN = blank, excluded).

    ``population``: size N of the whole customer base for the finite-population correction
    (must be ≥ n). Raises :class:`MetricError` when there is no answer or a value is invalid.
    """
    arr = _clean_scores(scores)
    n = int(arr.size)
    if n == 0:
        raise MetricError("nps.no_answers")
    promoters = int(np.count_nonzero(arr >= 9))
    detractors = int(np.count_nonzero(arr <= 6))
    passives = n - promoters - detractors
    p, d = promoters / n, detractors / n
    score = 100.0 * (p - d)
    var = 100.0**2 * (p + d - (p - d) ** 2) / n
    fpc = 1.0
    if population is not None:
        if population < n:
            raise MetricError("nps.population_too_small", population=population, n=n)
        fpc = 0.0 if population == n else (population - n) / (population - 1)
        var *= fpc
    se = math.sqrt(max(var, 0.0))
    low, high = _adjusted_wald(promoters, detractors, n, fpc)
    return NpsResult(
        score=score,
        n=n,
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        promoters_share=p,
        passives_share=passives / n,
        detractors_share=d,
        se=se,
        ci_low=max(-100.0, score - Z95 * se),
        ci_high=min(100.0, score + Z95 * se),
        small_sample=n < SMALL_SAMPLE,
        population=population,
        interval_low=low,
        interval_high=high,
    )


def _adjusted_wald(promoters: int, detractors: int, n: int, fpc: float) -> tuple[float, float]:
    """Adjusted-Wald 95 % interval of the NPS in points (see module docstring)."""
    observed = 100.0 * (promoters - detractors) / n
    if fpc == 0.0:
        return observed, observed  # every customer answered: no sampling error
    n_adj = n + 3.0
    p = (promoters + 0.75) / n_adj
    d = (detractors + 0.75) / n_adj
    centre = 100.0 * (p - d)
    half = Z95 * 100.0 * math.sqrt(max((p + d - (p - d) ** 2) / n_adj * fpc, 0.0))
    low, high = centre - half, centre + half
    # with one or two answers the shrunk centre can leave the observed NPS outside: widen
    return max(-100.0, min(low, observed)), min(100.0, max(high, observed))


def nps_trend(
    frame: pd.DataFrame,
    by: str = "period",
    freq: str = "Q",
    score_col: str = "score",
    date_col: str = "date",
) -> pd.DataFrame:
    """NPS per period (``by="period"``, periods of ``freq`` from ``date_col``) or per segment.

    ``by`` is "period" or the name of a segment column. Returns one row per group (groups
    without a valid answer are left out) with the fields of :class:`NpsResult` as columns,
    index = period (``pandas.Period``) or segment value, sorted.
    """
    if by == "period":
        if date_col not in frame.columns:
            raise MetricError("nps.no_date_column", column=column_text(date_col))
        valid = frame[date_col].notna().to_numpy()
        sub = frame.loc[valid]
        nums = period_numbers(day_numbers(sub[date_col]), freq)
        keys = pd.Series(nums, index=sub.index)
    else:
        if by not in frame.columns:
            raise MetricError("nps.no_segment_column", column=column_text(by))
        sub = frame.loc[frame[by].notna()]
        keys = sub[by]
    rows = {}
    for key, group in sub[score_col].groupby(keys, sort=True):
        if group.notna().sum() == 0:
            continue
        rows[key] = asdict(nps(group))
    out = pd.DataFrame.from_dict(rows, orient="index")
    if by == "period" and len(out):
        out.index = period_labels(np.asarray(out.index, dtype=np.int64), freq)
    out.index.name = by
    return out
