"""Calibration/holdout check of a BG/NBD fit: predicted vs actual repeat purchases.

As in Fader, Hardie & Lee (2005, Fig. 4 and Table 3): fit on the calibration period, predict
each customer's purchases in the holdout period with :func:`expected_purchases`, and compare
with what the customers actually did – per number of repeat purchases in the calibration
period (0, 1, …, ``max_frequency − 1``, ``max_frequency+``) and in total.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError
from kbworkbook.models._common import check_summary
from kbworkbook.models.bgnbd import BgNbdFit, ConditionalPath

__all__ = ["HoldoutCheck", "holdout_check"]

_COLUMNS = ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"]


@dataclass(frozen=True)
class HoldoutCheck:
    """Predicted vs actual holdout purchases.

    ``table``: index = calibration repeat purchases ("0" … "6", "7+" by default), columns
    ``customers``, ``actual`` and ``predicted`` (mean holdout purchases per customer).
    ``actual_total`` / ``predicted_total``: purchases of all customers in the holdout;
    ``correlation``: Pearson correlation of predicted and actual per customer.
    """

    table: pd.DataFrame
    actual_total: float
    predicted_total: float
    correlation: float

    @property
    def relative_error(self) -> float:
        """(predicted − actual) / actual over all customers (negative = under-forecast)."""
        return (self.predicted_total - self.actual_total) / self.actual_total


def holdout_check(fit: BgNbdFit, summary: pd.DataFrame, max_frequency: int = 7) -> HoldoutCheck:
    """Compare ``fit`` (made on the ``_cal`` columns) with the holdout of ``summary``.

    ``summary`` is a calibration/holdout summary from
    :func:`~kbworkbook.models.rfm_summary` (``calibration_end=…``), in the fit's time unit.
    """
    missing = [c for c in _COLUMNS if c not in summary.columns]
    if missing:
        raise MetricError("holdout.columns_missing", names=missing)
    if max_frequency < 1:
        raise ValueError("max_frequency must be at least 1")
    x, tx, t_obs = check_summary(summary["frequency_cal"], summary["recency_cal"],
                                 summary["T_cal"], "holdout")
    duration = summary["duration_holdout"].to_numpy(dtype="float64")
    if np.ptp(duration) > 0:
        raise MetricError("holdout.durations_differ")
    predicted = ConditionalPath(fit, x, tx, t_obs).at(float(duration[0]))
    actual = summary["frequency_holdout"].to_numpy(dtype="float64")
    group = np.minimum(x, max_frequency).astype(np.int64)
    labels = [str(k) for k in range(max_frequency)] + [f"{max_frequency}+"]
    counts = np.bincount(group, minlength=max_frequency + 1).astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        table = pd.DataFrame(
            {
                "customers": counts.astype(np.int64),
                "actual": np.bincount(group, weights=actual, minlength=max_frequency + 1)
                / counts,
                "predicted": np.bincount(group, weights=predicted, minlength=max_frequency + 1)
                / counts,
            },
            index=pd.Index(labels, name="frequency_cal"),
        )
    corr = float(np.corrcoef(predicted, actual)[0, 1]) if x.size > 1 else float("nan")
    return HoldoutCheck(table, float(actual.sum()), float(predicted.sum()), corr)
