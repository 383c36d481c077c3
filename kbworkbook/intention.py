"""Kundenbindung is intention AND behaviour (seed 000): the two kinds of figures side by side.

Seed 000 defines Kundenbindung as every measure that aims to shape "sowohl die
Verhaltensabsichten eines Kunden als auch sein tatsächliches Verhalten". The report measures
both, and they need not agree:

* **intention** (what customers say): the NPS (would recommend), and its promoters' share;
* **behaviour** (what customers do): the retention rate (bought again in this window after
  buying in the one before), the repeat-purchase rate (≥ 2 purchases in the window) and, where
  surveyed, the referral rate (new customers who came on a recommendation).

:func:`intention_behaviour` reads them together by a fixed rule, the same bars as
:func:`kbworkbook.figures.loyalty_check`: intention is *high* when the NPS is above 0 (more
promoters than detractors), behaviour is *high* when the retention rate is at least 50 % (more
customers kept than lost). ``reading`` is ``both_high``, ``both_low``, ``say_more`` (customers
speak well of the business but do not come back as often: occasion, distance, forgetting, a
competitor's offer), ``do_more`` (they come back without enthusiasm: habit, location or
switching barriers – Gebundenheit rather than Verbundenheit, at risk when an alternative
appears) or ``unknown`` (one side not measured).

Also here: :func:`referral_in_window`, the referral rate of the survey answers the NPS uses.
Pure: numbers and frames in, frozen dataclasses out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .metrics import NpsResult, PurchaseFigures, WindowRetention
from .metrics.referral import ReferralRate, referral_rate

__all__ = ["BEHAVIOUR_HIGH", "INTENTION_HIGH", "IntentionBehaviour", "intention_behaviour",
           "referral_in_window"]

#: NPS above this (points) counts as high intention
INTENTION_HIGH = 0.0
#: a retention rate of at least this counts as high behaviour
BEHAVIOUR_HIGH = 0.5


@dataclass(frozen=True)
class IntentionBehaviour:
    """Intention and behaviour figures of one window and how they read together."""

    nps: float | None
    nps_answers: int
    promoters_share: float | None
    crr: float | None
    repeat_rate: float | None
    referral_rate: float | None
    referral_answers: int
    reading: str


def intention_behaviour(nps: NpsResult | None, retention: WindowRetention | None,
                        purchases: PurchaseFigures | None,
                        referral: ReferralRate | None = None) -> IntentionBehaviour:
    """The intention and behaviour figures side by side (see module docstring)."""
    crr = retention.crr if retention is not None else None
    reading = "unknown"
    if nps is not None and crr is not None and pd.notna(nps.score) and pd.notna(crr):
        says, does = nps.score > INTENTION_HIGH, crr >= BEHAVIOUR_HIGH
        reading = {(True, True): "both_high", (False, False): "both_low",
                   (True, False): "say_more", (False, True): "do_more"}[(says, does)]
    referred = referral is not None and referral.answers > 0
    return IntentionBehaviour(
        nps=nps.score if nps is not None else None,
        nps_answers=nps.n if nps is not None else 0,
        promoters_share=nps.promoters_share if nps is not None else None,
        crr=crr,
        repeat_rate=purchases.repeat_rate if purchases is not None else None,
        referral_rate=referral.rate if referred and referral is not None else None,
        referral_answers=referral.answers if referral is not None else 0,
        reading=reading,
    )


def referral_in_window(frame: pd.DataFrame, start: Any, end: Any) -> ReferralRate | None:
    """Referral rate of the survey answers dated in ``[start, end)`` (all answers when none
    is dated, as for the NPS); ``None`` without a ``source`` column."""
    if "source" not in frame.columns:
        return None
    if "date" in frame.columns and frame["date"].notna().any():
        dates = frame["date"]
        inside = ((dates >= pd.Timestamp(start)) & (dates < pd.Timestamp(end))).fillna(False)
        frame = frame.loc[inside.astype(bool)]
    return referral_rate(frame["source"])
