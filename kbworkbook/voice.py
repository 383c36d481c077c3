"""Voice of the customer: the window's NPS comments by theme, and the NPS per customer group.

Figures of the analysis (:class:`kbworkbook.figures.Analysis` parts ``nps_themes`` and
``nps_groups``), computed from the canonical tables; pure, no I/O. Only aggregates leave this
module: counts, NPS results and quotes that went through :func:`kbworkbook.scrub.scrub`.

* **Answers** – those dated in the window (all answers when none carries a date), as for the
  NPS itself.
* **Themes** – :func:`kbworkbook.metrics.comments.comment_themes` with the packaged catalogue
  and the workspace's ``[nps_themes]`` merged over it.
* **Groups** – the survey's own ``segment`` column; where the answers carry a customer number
  that occurs in the sales: the customer's RFM segment at the Stichtag (the segments of
  chapter 04: R × F grid of the window's customers, the workspace's ``[segments]`` table if
  set) and the customer type (new: first purchase in the window; regular: at least
  ``min_orders`` purchases in the window; occasional: the others who bought in the window).
  A group with fewer than :data:`MIN_GROUP_ANSWERS` answers is not shown (its NPS would be
  noise); how many were hidden is kept so the page can say so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import metrics
from .errors import KbWorkbookError
from .metrics._common import walk_in_mask
from .metrics.comments import CommentThemes, comment_themes, theme_catalogue
from .scrub import scrub

__all__ = [
    "CUSTOMER_TYPES",
    "MIN_GROUP_ANSWERS",
    "GroupNps",
    "NpsGroups",
    "customer_types",
    "nps_groups",
    "theme_counts",
    "window_answers",
    "window_themes",
]

#: A group's NPS is shown from this many answers on.
MIN_GROUP_ANSWERS = 10
#: Customer types in display order, with their labels.
CUSTOMER_TYPES: Mapping[str, tuple[str, str]] = {
    "new": ("Neukunden", "New customers"),
    "regular": ("Stammkunden", "Regular customers"),
    "occasional": ("Gelegenheitskunden", "Occasional customers"),
}


def window_answers(frame: pd.DataFrame, window: Any) -> pd.DataFrame:
    """The answers of the window (all answers when none is dated) with a float ``score``."""
    out = frame
    if "date" in frame.columns and frame["date"].notna().any():
        out = frame.loc[window.contains(frame["date"]).fillna(False).astype(bool)]
    scores = pd.to_numeric(out["score"]).astype("Float64").to_numpy(dtype="float64",
                                                                    na_value=np.nan)
    return out.assign(score=scores)


def _clean(text: str) -> tuple[str, frozenset[str]]:
    result = scrub(text, "de")
    return result.text, result.found


def window_themes(frame: pd.DataFrame, window: Any,
                  custom: Mapping[str, Any] | None = None) -> CommentThemes | None:
    """Themes of the window's comments (``None`` without a comment column or comment)."""
    if "comment" not in frame.columns:
        return None
    answers = window_answers(frame, window)
    themes, _problems = theme_catalogue(custom)  # the chapter shows the problems
    found = comment_themes(answers["score"], answers["comment"], _clean, themes)
    return found if found.comments else None


def theme_counts(found: CommentThemes | None,
                 custom: Mapping[str, Any] | None = None) -> dict[str, float | None]:
    """Per theme of the catalogue (the packaged themes with the workspace's ``[nps_themes]``
    merged over them, catalogue order): how many of the window's comments speak of it – a
    comment may speak of several themes, so the counts need not add up to the comments. A
    theme no comment names counts 0 (a follow-up can compare it); without comments every
    count is ``None``. Counts only: nothing of the comments themselves."""
    themes, _problems = theme_catalogue(custom)
    if found is None:
        return dict.fromkeys((t.key for t in themes), None)
    counts = {t.key: t.total for t in found.themes}
    return {t.key: float(counts.get(t.key, 0)) for t in themes}


# -- NPS per group ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupNps:
    """The NPS of one group (``result`` is ``None`` when the group is too small to show)."""

    key: str
    label_de: str
    label_en: str
    n: int
    result: metrics.NpsResult | None

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_de


@dataclass(frozen=True)
class NpsGroups:
    """NPS per group of one kind: ``survey`` (the survey's segment column), ``rfm`` (RFM
    segment) or ``customer_type``.

    ``answers``: answers of the window with a score; ``linked``: of them, those assigned to a
    group; ``groups`` lists every group (shown or hidden) in display order.
    """

    kind: str
    groups: tuple[GroupNps, ...]
    answers: int
    linked: int
    min_answers: int = MIN_GROUP_ANSWERS

    @property
    def shown(self) -> tuple[GroupNps, ...]:
        return tuple(g for g in self.groups if g.result is not None)

    @property
    def hidden(self) -> tuple[GroupNps, ...]:
        return tuple(g for g in self.groups if g.result is None)


def _grouped(kind: str, scores: np.ndarray, keys: pd.Series,
             labels: Mapping[str, tuple[str, str]], order: Sequence[str],
             min_answers: int) -> NpsGroups | None:
    valid = ~np.isnan(scores)
    assigned = valid & keys.notna().to_numpy()
    if not assigned.any():
        return None
    present = pd.Series(keys.to_numpy()[assigned]).astype(str)
    values = scores[assigned]
    rank = {k: i for i, k in enumerate(order)}
    groups = []
    for key in sorted(set(present), key=lambda k: (rank.get(k, len(rank)), k)):
        chosen = values[(present == key).to_numpy()]
        n = int(chosen.size)
        de, en = labels.get(key, (key, key))
        groups.append(GroupNps(key, de, en, n,
                               metrics.nps(chosen) if n >= min_answers else None))
    if len(groups) < 2:
        return None
    return NpsGroups(kind, tuple(groups), int(valid.sum()), int(assigned.sum()), min_answers)


def customer_types(transactions: pd.DataFrame, customers: Sequence[str], as_of: Any,
                   months: int, min_orders: int) -> pd.Series:
    """``new`` / ``regular`` / ``occasional`` for each of ``customers`` who bought in the
    window ending with ``as_of`` (missing: did not buy in the window or unknown)."""
    window = metrics.rfm_values(transactions, as_of, months)
    wanted = pd.Index(pd.unique(pd.Series(list(customers), dtype="str")))
    active = window.loc[window.index.intersection(wanted)]
    start = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1) - pd.DateOffset(months=months)
    ids = transactions["customer_id"]
    mine = (~walk_in_mask(transactions)) & ids.isin(active.index).to_numpy() & (
        transactions["revenue"].to_numpy(dtype="float64", na_value=0.0) > 0)
    first = transactions.loc[mine].groupby("customer_id")["date"].min()
    kind = np.where(first.reindex(active.index).to_numpy() >= start.to_datetime64(), "new",
                    np.where(active["frequency"].to_numpy() >= min_orders, "regular",
                             "occasional"))
    return pd.Series(kind, index=active.index, dtype=object)


def _rfm_segments(transactions: pd.DataFrame, as_of: Any, months: int,
                  segments: Mapping[str, Any] | None) -> tuple[pd.Series, dict[str, Any]]:
    table = dict(segments) if segments else metrics.default_segments()
    scored = metrics.rfm_segments(metrics.rfm_scores(metrics.rfm_values(
        transactions, as_of, months)), segments=table, language="de")
    return scored["segment"], table


def nps_groups(frame: pd.DataFrame, transactions: pd.DataFrame | None, window: Any,
               as_of: Any, months: int, min_orders: int,
               segments: Mapping[str, Any] | None = None,
               min_answers: int = MIN_GROUP_ANSWERS) -> tuple[NpsGroups, ...]:
    """The NPS of the window's answers per survey segment, RFM segment and customer type
    (each kind only where at least two groups have answers)."""
    answers = window_answers(frame, window)
    scores = answers["score"].to_numpy(dtype="float64")
    out: list[NpsGroups] = []
    if "segment" in answers.columns:
        keys = answers["segment"].astype("str").where(answers["segment"].notna())
        typed = {t: scrub(t, "de").text for t in keys.dropna().unique()}  # typed by people
        keys = keys.map(typed)
        found = _grouped("survey", scores, keys, {}, (), min_answers)
        if found is not None:
            out.append(found)
    if transactions is None or "customer_id" not in answers.columns:
        return tuple(out)
    ids = answers["customer_id"].astype("str").where(answers["customer_id"].notna())
    if not ids.notna().any():
        return tuple(out)
    try:
        segment, table = _rfm_segments(transactions, as_of, months, segments)
    except KbWorkbookError:
        segment, table = None, {}  # too few customers for RFM, a faulty [segments] table
    if segment is not None:
        labels = {k: (str(v.get("de", k)), str(v.get("en", k)))
                  for k, v in table.get("labels", {}).items()}
        order = sorted(labels, key=lambda k: (_SEGMENT_ORDER.index(k)
                                              if k in _SEGMENT_ORDER else 99, k))
        found = _grouped("rfm", scores, ids.map(segment), labels, order, min_answers)
        if found is not None:
            out.append(found)
    try:
        types = customer_types(transactions, ids.dropna().tolist(), as_of, months, min_orders)
    except KbWorkbookError:
        types = None  # no identified sales
    if types is not None:
        found = _grouped("customer_type", scores, ids.map(types), CUSTOMER_TYPES,
                         tuple(CUSTOMER_TYPES), min_answers)
        if found is not None:
            out.append(found)
    return tuple(out)


#: Display order of the packaged RFM segments (best first), as in chapter 04.
_SEGMENT_ORDER: tuple[str, ...] = (
    "champions", "loyal", "potential_loyalist", "new_customers", "promising",
    "need_attention", "about_to_sleep", "at_risk", "cant_lose", "hibernating",
)
