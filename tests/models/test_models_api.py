"""Public surface of kbworkbook.models and the errors its functions raise for bad input."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from kbworkbook import models
from kbworkbook.errors import KbWorkbookError, MetricError, ModelError

FIT = models.BgNbdFit(0.243, 4.414, 0.793, 2.426, 0.0, 1, 0, 0.0)
GG = models.GammaGammaFit(6.25, 3.74, 15.44, 0.0, 1, 0, 0.0)


def test_models_surface_is_pinned() -> None:
    assert sorted(models.__all__) == sorted([
        "UNITS_PER_MONTH", "UNIT_DAYS", "BgNbdFit", "DataSufficiency", "GammaGammaFit",
        "GateIssue", "HoldoutCheck", "Thresholds", "bgnbd_log_likelihood", "check_data", "clv",
        "expected_margin", "expected_purchases", "expected_purchases_new", "fit_bgnbd",
        "fit_gamma_gamma", "gamma_gamma_log_likelihood", "holdout_check", "model_assumptions",
        "p_alive",
        "rfm_summary", "units_per_month",
    ])
    for name in models.__all__:
        assert getattr(models, name) is not None, name


def test_results_are_frozen_dataclasses() -> None:
    for obj in (FIT, GG, models.Thresholds()):
        with pytest.raises(dataclasses.FrozenInstanceError):
            obj.r = 1.0  # type: ignore[misc,union-attr]
    assert FIT.params == {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert GG.population_mean == pytest.approx(6.25 * 15.44 / 2.74)


def test_model_error_is_a_metric_error_and_a_kbworkbook_error() -> None:
    assert issubclass(ModelError, MetricError) and issubclass(ModelError, KbWorkbookError)


def test_recency_beyond_T_names_the_customers_and_the_fix() -> None:
    x = pd.Series([1, 2, 0, 3, 1], index=["K1", "K2", "K3", "K4", "K5"])
    t_x = pd.Series([5.0, 9.0, 0.0, 12.0, 11.0], index=x.index)
    T = pd.Series([10.0, 8.0, 10.0, 10.0, 10.0], index=x.index)
    with pytest.raises(ModelError) as info:
        models.fit_bgnbd(x, t_x, T)
    assert str(info.value) == (
        "BG/NBD: »recency« ist größer als »T« (Kunde »K2«, Kunde »K4«, Kunde »K5«). recency "
        "(erster bis letzter Kauf) kann nicht länger sein als T (erster Kauf bis Ende des "
        "Beobachtungszeitraums); beide in derselben Zeiteinheit."
    )


@pytest.mark.parametrize(
    ("frequency", "recency", "T", "message"),
    [
        ([1.5, 0], [1, 0], [2, 2], r"»frequency« ist keine ganze Zahl ≥ 0 \(Zeile 1\)"),
        ([-1, 0], [1, 0], [2, 2], r"»frequency« ist keine ganze Zahl ≥ 0 \(Zeile 1\)"),
        ([1, 0], [np.nan, 0], [2, 2], r"»recency« ist leer oder unendlich \(Zeile 1\)"),
        ([1, 0], [1, -1], [2, 2], r"»recency« ist negativ \(Zeile 2\)"),
        ([1, 0], [1, 1], [2, 2], r"nicht 0, obwohl »frequency« 0 ist \(Zeile 2\)"),
        ([1, 0], [1, 0], [2], "gleich lang"),
        ([], [], [], "keine Kunden"),
        (["x"], [1], [2], "keine Zahlen"),
        ([0, 0], [0, 0], [0, 0], "T = 0"),
    ],
)
def test_bad_summaries_raise_german_model_errors(
    frequency: list, recency: list, T: list, message: str
) -> None:
    with pytest.raises(ModelError, match=message):
        models.fit_bgnbd(frequency, recency, T)


def test_missing_values_in_nullable_columns_are_named() -> None:
    x = pd.Series([1, None, 0], dtype="Int64", index=["K1", "K2", "K3"])
    with pytest.raises(ModelError, match=r"»frequency« ist leer oder unendlich \(Kunde »K2«\)"):
        models.p_alive(FIT, x, [1.0, 0.0, 0.0], [2.0, 2.0, 2.0])


def test_many_bad_rows_are_counted_not_listed() -> None:
    with pytest.raises(ModelError, match=r"\(Zeile 1, Zeile 2, Zeile 3 und 7 weitere\)"):
        models.p_alive(FIT, np.full(10, 0.5), np.zeros(10), np.ones(10))


def test_gamma_gamma_needs_positive_values_and_q_above_1() -> None:
    with pytest.raises(ModelError, match="nicht positiv"):
        models.fit_gamma_gamma([1, 2, 0], [10.0, -5.0, 0.0])
    with pytest.raises(ModelError, match="mindestens 2 Kunden"):
        models.fit_gamma_gamma([1, 0, 0], [10.0, 0.0, 0.0])
    with pytest.raises(ModelError, match=r"q = 0.9 \(≤ 1\)"):
        models.expected_margin(dataclasses.replace(GG, q=0.9), [1], [10.0])
    # a customer without repeat purchases may carry any monetary value: it is not used
    assert models.expected_margin(GG, [0], [0.0])[0] == pytest.approx(GG.population_mean)


def test_prediction_arguments_are_checked() -> None:
    with pytest.raises(ModelError, match="nicht negativ"):
        models.expected_purchases(FIT, -1.0, [1], [1.0], [2.0])
    with pytest.raises(ModelError, match="einzelne Zahl"):
        models.expected_purchases(FIT, [1.0, 2.0], [1], [1.0], [2.0])
    with pytest.raises(ModelError, match="Diskontsatz darf nicht negativ"):
        models.clv(FIT, [1], [1.0], [2.0], 10.0, yearly_discount_rate=-0.1)
    with pytest.raises(ModelError, match="»months« muss eine ganze Zahl ≥ 1"):
        models.clv(FIT, [1], [1.0], [2.0], 10.0, months=0)
    with pytest.raises(ModelError, match="Unbekannte Zeiteinheit »Q«"):
        models.clv(FIT, [1], [1.0], [2.0], 10.0, unit="Q")
    with pytest.raises(ModelError, match="ein Wert pro Kunde"):
        models.clv(FIT, [1, 2], [1.0, 1.0], [2.0, 2.0], [10.0, 20.0, 30.0])
    with pytest.raises(ModelError, match="positive Zahlen"):
        models.bgnbd_log_likelihood(0.0, 1.0, 1.0, 1.0, [1], [1.0], [2.0])


def test_units_per_month() -> None:
    assert models.units_per_month("D") == pytest.approx(30.4375)
    assert models.units_per_month("W") == pytest.approx(30.4375 / 7)
    assert models.units_per_month("M") == 1.0
    assert models.units_per_month(30) == 30.0


def test_holdout_check_needs_a_split_summary() -> None:
    plain = pd.DataFrame({"frequency": [1.0], "recency": [1.0], "T": [2.0]})
    with pytest.raises(MetricError, match="calibration_end"):
        models.holdout_check(FIT, plain)


def test_inputs_are_not_changed() -> None:
    x = pd.Series([1.0, 0.0, 3.0])
    t_x = pd.Series([2.0, 0.0, 5.0])
    T = pd.Series([6.0, 6.0, 6.0])
    before = (x.copy(), t_x.copy(), T.copy())
    models.clv(FIT, x, t_x, T, 10.0, unit="W", yearly_discount_rate=0.08)
    models.p_alive(FIT, x, t_x, T)
    for old, new in zip(before, (x, t_x, T), strict=True):
        pd.testing.assert_series_equal(old, new)
