"""Said and done: do the customers who said they would recommend you actually come back?
(seed 000: Kundenbindung is intention *and* behaviour, checked answer by answer).

For every survey answer with a date and a customer number found in the sales data whose
follow-up period ``(answer day, answer day + days]`` ends by ``as_of`` (so every answer had
the whole period to show its behaviour): did that customer make a purchase (a netted receipt,
see :mod:`kbworkbook.metrics._orders`) in the period? Counted per NPS band – promoters (9–10),
passives (7–8), detractors (0–6). A customer who answered twice counts twice.

:attr:`RepurchaseByBand.reading` compares promoters with detractors: ``predicts`` when the
promoters bought again at least :data:`GAP` (10 percentage points) more often, ``reversed``
when the detractors did, ``no_difference`` in between, ``unknown`` when a band has no answer
followed up – a rule of thumb of this workbook; :attr:`RepurchaseByBand.few` flags bands of
fewer than 20 answers, where chance decides much.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kbworkbook.metrics._common import (
    customer_codes_with_walk_ins,
    day_numbers,
    require_columns,
    to_timestamp,
    walk_in_mask,
)
from kbworkbook.metrics._orders import net_orders

__all__ = ["BANDS", "GAP", "BandRepurchase", "RepurchaseByBand", "repurchase_by_band"]

#: the difference in repurchase share that counts as "intention predicts behaviour"
GAP = 0.10
#: the NPS bands in display order
BANDS: tuple[str, ...] = ("promoters", "passives", "detractors")


@dataclass(frozen=True)
class BandRepurchase:
    """Answers of one NPS band followed up, and how many of them bought again."""

    band: str
    answers: int
    bought: int

    @property
    def share(self) -> float:
        return self.bought / self.answers if self.answers else float("nan")


@dataclass(frozen=True)
class RepurchaseByBand:
    """Repurchase within ``days`` after the answer, per NPS band.

    ``answers``: survey answers with a score; ``followed``: those counted (dated, customer
    number found in the sales data, follow-up period over by the Stichtag).
    """

    days: int
    bands: tuple[BandRepurchase, ...]
    answers: int
    followed: int
    first_answer: pd.Timestamp | None = None
    last_answer: pd.Timestamp | None = None

    def band(self, key: str) -> BandRepurchase:
        return next(b for b in self.bands if b.band == key)

    @property
    def reading(self) -> str:
        """``predicts`` / ``no_difference`` / ``reversed`` / ``unknown`` (module docstring)."""
        pro, det = self.band("promoters"), self.band("detractors")
        if not pro.answers or not det.answers:
            return "unknown"
        gap = pro.share - det.share
        return "predicts" if gap >= GAP else "reversed" if gap <= -GAP else "no_difference"

    @property
    def few(self) -> bool:
        return min(self.band("promoters").answers, self.band("detractors").answers) < 20


def repurchase_by_band(survey: pd.DataFrame, transactions: pd.DataFrame, as_of: Any,
                       days: int = 180) -> RepurchaseByBand:
    """Share of promoters, passives and detractors who bought within ``days`` after their
    answer (see module docstring)."""
    require_columns(survey, ["score"], "nps")
    require_columns(transactions, ["date", "revenue"], "purchases")
    if days < 1:
        raise ValueError("days must be ≥ 1")
    last_day = int(to_timestamp(as_of).normalize().value // 86_400_000_000_000)
    score = pd.to_numeric(survey["score"]).astype("Float64").to_numpy(dtype="float64",
                                                                      na_value=np.nan)
    scored = ~np.isnan(score)
    usable = scored.copy()
    if "date" not in survey.columns or "customer_id" not in survey.columns:
        usable[:] = False
    else:
        usable &= survey["date"].notna().to_numpy() & ~walk_in_mask(survey)
    # the purchases up to the Stichtag, keyed customer × day
    tx_days = day_numbers(transactions["date"])
    upto = np.flatnonzero(tx_days <= last_day)
    cust, ids = customer_codes_with_walk_ins(transactions)
    rev = transactions["revenue"].to_numpy(dtype="float64", na_value=0.0)
    netted = net_orders(transactions.iloc[upto], cust[upto], tx_days[upto], rev[upto])
    keep = netted.purchase & (netted.customer >= 0)
    span = np.int64(1) << 32
    keys = np.sort(netted.customer[keep] * span + netted.day[keep])
    answer_day = np.zeros(len(survey), dtype=np.int64)
    code = np.full(len(survey), -1, dtype=np.int64)
    if usable.any():
        rows = np.flatnonzero(usable)
        answer_day[rows] = day_numbers(survey["date"].iloc[rows])
        found = survey["customer_id"].iloc[rows].astype("str").str.strip()
        code[rows] = ids.get_indexer(pd.Index(found.to_numpy(), dtype="str"))
    followed = usable & (code >= 0) & (answer_day + days <= last_day)
    lo = np.searchsorted(keys, code * span + answer_day, side="right")
    hi = np.searchsorted(keys, code * span + answer_day + days, side="right")
    bought = followed & (hi > lo)
    band = np.where(score >= 9, 0, np.where(score >= 7, 1, 2))
    bands = tuple(BandRepurchase(key, int((followed & (band == k)).sum()),
                                 int((bought & (band == k)).sum()))
                  for k, key in enumerate(BANDS))
    dates = survey["date"].iloc[np.flatnonzero(followed)] if followed.any() else None
    return RepurchaseByBand(days, bands, int(scored.sum()), int(followed.sum()),
                            pd.Timestamp(dates.min()) if dates is not None else None,
                            pd.Timestamp(dates.max()) if dates is not None else None)
