"""The customer base's outlook for the report: who is probably still a customer, how many
purchases and how much contribution margin the next 12 months bring, and how well the model
predicted the last months (calibration/holdout check).

Pure: the canonical transactions frame in, a frozen :class:`Outlook` out. Walk-in lines (no
customer number) are left out by :func:`~kbworkbook.models.rfm_summary`. Money is revenue
times the margin rate (the report's one margin notion), discounted monthly at the workspace's
yearly rate (see :func:`~kbworkbook.models.clv`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError, ModelError
from kbworkbook.models.bgnbd import BgNbdFit, expected_purchases, fit_bgnbd, p_alive
from kbworkbook.models.clv import clv
from kbworkbook.models.gamma_gamma import expected_margin, fit_gamma_gamma
from kbworkbook.models.sufficiency import DataSufficiency, check_data
from kbworkbook.models.summary import rfm_summary
from kbworkbook.models.validation import HoldoutCheck, holdout_check

__all__ = ["ALIVE_THRESHOLD", "HOLDOUT_WEEKS", "Outlook", "customer_outlook"]

#: A customer counts as "probably still a customer" from this P(alive) on.
ALIVE_THRESHOLD = 0.5
#: Length of the holdout period of the calibration check (weeks before the Stichtag).
HOLDOUT_WEEKS = 26
_WEEKS_PER_YEAR = 52.1775


@dataclass(frozen=True)
class Outlook:
    """The model results the report shows (aggregates only, never a customer id).

    ``gate`` says whether the data suffice; when its ``issues`` block the BG/NBD model the
    other fields are ``None``. ``valuable_slipping`` counts customers in the top quarter of
    past revenue whose P(alive) is below :data:`ALIVE_THRESHOLD`.
    """

    gate: DataSufficiency
    customers: int
    probably_active: int | None = None
    next_year_purchases: float | None = None
    next_year_margin: float | None = None
    valuable_slipping: int | None = None
    #: False when the value per purchase is the plain average of repeat purchases (the
    #: Gamma-Gamma model was gated or could not be estimated from these data)
    gamma_gamma: bool = False
    holdout: HoldoutCheck | None = None
    holdout_start: pd.Timestamp | None = None
    #: the BG/NBD fit (time unit: weeks): P(alive) per customer without fitting again
    #: (:func:`kbworkbook.models.calllist.alive_probabilities`)
    fit: BgNbdFit | None = None

    @property
    def usable(self) -> bool:
        return self.probably_active is not None


def customer_outlook(transactions: pd.DataFrame, as_of: Any, margin_rate: float,
                     yearly_discount_rate: float, locale: str = "de-CH") -> Outlook:
    """Fit BG/NBD and Gamma-Gamma in weeks on all purchases up to ``as_of`` and summarise.

    The holdout check refits on the purchases up to :data:`HOLDOUT_WEEKS` weeks before
    ``as_of`` and compares the predicted with the actual purchases since; it is left out
    (``holdout=None``) when that shorter history fails the data check.
    """
    end = pd.Timestamp(as_of).normalize()
    summary = rfm_summary(transactions, end, unit="W")
    gate = check_data(summary, unit="W", locale=locale)
    base = Outlook(gate=gate, customers=len(summary))
    if any(issue.model == "bgnbd" for issue in gate.issues):
        return base
    x, tx, t = summary["frequency"], summary["recency"], summary["T"]
    bg = fit_bgnbd(x, tx, t)
    alive = p_alive(bg, x, tx, t)
    purchases = expected_purchases(bg, _WEEKS_PER_YEAR, x, tx, t)
    per_purchase: Any = float(summary["monetary_value"].where(x > 0).mean())
    modelled = not any(issue.model == "gamma_gamma" for issue in gate.issues)
    if modelled:
        try:
            gg = fit_gamma_gamma(x, summary["monetary_value"])
            per_purchase = expected_margin(gg, x, summary["monetary_value"])
        except ModelError:  # no spread in value between customers: the average is the answer
            modelled = False
    value = clv(bg, x, tx, t, np.asarray(per_purchase) * margin_rate, unit="W", months=12,
                yearly_discount_rate=yearly_discount_rate)
    past = (summary["monetary_value"] * (x + 1)).to_numpy()
    top = past >= np.quantile(past, 0.75)
    slipping = int(np.sum(top & (alive < ALIVE_THRESHOLD)))
    return Outlook(gate=gate, customers=len(summary),
                   probably_active=int(np.sum(alive >= ALIVE_THRESHOLD)),
                   next_year_purchases=float(np.sum(purchases)),
                   next_year_margin=float(np.sum(value)), valuable_slipping=slipping,
                   gamma_gamma=modelled, fit=bg,
                   **_holdout(transactions, end, locale))


def _holdout(transactions: pd.DataFrame, end: pd.Timestamp, locale: str) -> dict[str, Any]:
    start = end - pd.Timedelta(weeks=HOLDOUT_WEEKS)
    try:
        split = rfm_summary(transactions, end, unit="W", calibration_end=start)
    except MetricError:  # no purchases before the holdout: no check, not an error
        return {}
    if check_data(split, unit="W", locale=locale).issues:
        return {}
    fit = fit_bgnbd(split["frequency_cal"], split["recency_cal"], split["T_cal"])
    return {"holdout": holdout_check(fit, split), "holdout_start": start}
