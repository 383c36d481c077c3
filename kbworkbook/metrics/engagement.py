"""Customer engagement rate of social-media posts (domain.md §4.5).

Interactions I = likes + comments + shares (configurable, e.g. add ``clicks``).
Rate per post = I / base, base = ``reach``, ``followers`` or ``impressions`` (always label it).
Several posts: ``how="mean"`` (default) = mean of the per-post rates; ``how="pooled"`` =
ΣI / Σbase. Fractions 0..1. A base of 0 or missing is undefined: such posts are left out of
"mean" (counted in ``excluded``); no usable post → MetricError.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError
from kbworkbook.metrics._common import column_text, require_columns

__all__ = ["DEFAULT_INTERACTIONS", "EngagementRate", "engagement_rate", "post_engagement"]

DEFAULT_INTERACTIONS = ("likes", "comments", "shares")
_BASES = ("reach", "followers", "impressions")


@dataclass(frozen=True)
class EngagementRate:
    """Engagement rate (fraction) with the base and aggregation it was computed with."""

    rate: float
    base: str
    how: str
    interactions: tuple[str, ...]
    posts: int
    excluded: int


def post_engagement(
    posts: pd.DataFrame,
    base: str = "reach",
    interactions: Sequence[str] = DEFAULT_INTERACTIONS,
) -> pd.DataFrame:
    """Per post: ``interactions``, ``base`` value and ``rate`` (NaN where the base is 0/missing)."""
    if base not in _BASES:
        raise ValueError(f"base must be one of {_BASES}")
    require_columns(posts, [*interactions, base], "engagement")
    inter = posts[list(interactions)].apply(pd.to_numeric).fillna(0).sum(axis=1).astype("float64")
    b = pd.to_numeric(posts[base]).astype("float64")
    rate = inter / b.where(b > 0)
    return pd.DataFrame({"interactions": inter, base: b, "rate": rate}, index=posts.index)


def engagement_rate(
    posts: pd.DataFrame,
    base: str = "reach",
    how: Literal["mean", "pooled"] = "mean",
    interactions: Sequence[str] = DEFAULT_INTERACTIONS,
) -> EngagementRate:
    """Engagement rate over all posts (see module docstring)."""
    if how not in ("mean", "pooled"):
        raise ValueError("how must be 'mean' or 'pooled'")
    per = post_engagement(posts, base, interactions)
    ok = per["rate"].notna().to_numpy()
    if not ok.any():
        raise MetricError("engagement.no_base", base=column_text(base))
    if how == "mean":
        rate = float(np.mean(per["rate"].to_numpy()[ok]))
    else:
        rate = float(per["interactions"].to_numpy()[ok].sum() / per[base].to_numpy()[ok].sum())
    return EngagementRate(
        rate=rate,
        base=base,
        how=how,
        interactions=tuple(interactions),
        posts=int(ok.sum()),
        excluded=int((~ok).sum()),
    )
