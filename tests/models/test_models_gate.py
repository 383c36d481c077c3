"""models.check_data: which data keep the models out of the report, and what it says why."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kbworkbook import models
from kbworkbook.errors import MetricError


def _summary(n: int, repeaters: int, T: float, gap: float = 10.0,
             value: np.ndarray | None = None) -> pd.DataFrame:
    x = np.zeros(n)
    x[:repeaters] = 3.0
    recency = np.where(x > 0, np.minimum(x * gap, T), 0.0)
    frame = pd.DataFrame({"frequency": x, "recency": recency, "T": np.full(n, T)})
    rng = np.random.default_rng(0)
    frame["monetary_value"] = np.where(x > 0, rng.uniform(10, 50, n), 0.0) if value is None \
        else value
    return frame


def test_enough_data_passes() -> None:
    gate = models.check_data(_summary(400, 150, 365.0))
    assert gate.usable and gate.value_usable
    assert gate.issues == () and gate.reasons == ()
    assert (gate.customers, gate.repeat_buyers, gate.history_days) == (400, 150, 365.0)
    assert gate.median_gap_days == pytest.approx(10.0)


def test_too_few_customers_repeat_buyers_and_days_give_three_german_reasons() -> None:
    gate = models.check_data(_summary(120, 40, 90.0))
    assert not gate.usable and not gate.value_usable
    codes = [i.code for i in gate.issues]
    assert codes == ["few_customers", "few_repeat_buyers", "short_history",
                     "few_valued_repeat_buyers"]
    assert gate.reasons[0].startswith("Für Kaufprognosen fehlen Kunden: 120 Kunden mit "
                                      "Kundennummer, nötig sind mindestens 300.")
    assert "40 Kunden haben mehr als einmal gekauft, nötig sind mindestens 100" in gate.reasons[1]
    assert "Die Daten reichen 90 Tage zurück, nötig sind mindestens 180 Tage" in gate.reasons[2]


def test_history_must_cover_three_typical_gaps() -> None:
    # 200 days of data; repeat buyers buy every 30 days: 3 × 30 = 90 ≤ 200
    assert models.check_data(_summary(400, 150, 200.0, gap=30.0)).usable
    # every 90 days (3 repeat purchases within 270 days would not fit; here 2 within 180):
    slow = _summary(400, 150, 200.0)
    slow["frequency"] = np.where(slow["frequency"] > 0, 2.0, 0.0)
    slow["recency"] = np.where(slow["frequency"] > 0, 180.0, 0.0)
    gate = models.check_data(slow)
    assert [i.code for i in gate.issues] == ["history_vs_gap"]
    assert not gate.usable
    assert "typischerweise 90 Tage, die Daten reichen 200 Tage zurück" in gate.reasons[0]
    assert "mindestens das 3-Fache des typischen Abstands (270 Tage)" in gate.reasons[0]


def test_value_that_grows_with_frequency_blocks_only_the_value_model() -> None:
    s = _summary(400, 200, 365.0)
    s.loc[:99, "frequency"] = 1.0
    s.loc[:99, "recency"] = 10.0
    s["monetary_value"] = np.where(s["frequency"] > 0, s["frequency"] * 20.0 + 1.0, 0.0)
    gate = models.check_data(s)
    assert gate.usable and not gate.value_usable
    assert [i.code for i in gate.issues] == ["value_depends_on_frequency"]
    assert gate.value_correlation == pytest.approx(1.0)
    assert "Korrelation 1.00, zulässig bis 0.30" in gate.reasons[0]


def test_missing_value_column_blocks_the_value_model() -> None:
    gate = models.check_data(_summary(400, 150, 365.0).drop(columns="monetary_value"))
    assert gate.usable and not gate.value_usable
    assert [i.code for i in gate.issues] == ["no_values"]


def test_english_and_number_style_follow_the_locale() -> None:
    gate = models.check_data(_summary(1200, 40, 365.0),
                             thresholds=models.Thresholds(min_customers=1500), locale="en")
    assert gate.reasons[0].startswith("Too few customers for purchase forecasts: 1,200 "
                                      "customers with a customer number, at least 1,500")
    de = models.check_data(_summary(1200, 40, 365.0),
                           thresholds=models.Thresholds(min_customers=1500), locale="de-DE")
    assert "1.200 Kunden" in de.reasons[0]


@pytest.mark.parametrize("locale", ["en", "de-DE", "de-AT"])
def test_a_kept_gate_is_worded_again_for_another_reader(locale: str) -> None:
    """The analysis keeps the gate checked once (Swiss German); an English or German
    chapter words its reasons as a check in its own locale would."""
    slow = _summary(1200, 40, 200.0)
    slow["frequency"] = np.where(slow["frequency"] > 0, 2.0, 0.0)
    slow["recency"] = np.where(slow["frequency"] > 0, 180.0, 0.0)
    slow.loc[:39, "monetary_value"] = slow.loc[:39, "frequency"] * 20.0
    limits = models.Thresholds(min_customers=1500)
    kept = models.check_data(slow, thresholds=limits)
    fresh = models.check_data(slow, thresholds=limits, locale=locale)
    assert [i.code for i in kept.issues] == [i.code for i in fresh.issues]
    assert len(kept.issues) >= 3
    assert [i.text(locale) for i in kept.issues] == list(fresh.reasons)
    assert [i.text("de-CH") for i in kept.issues] == list(kept.reasons)


def test_thresholds_can_be_lowered() -> None:
    small = _summary(60, 30, 120.0)
    assert not models.check_data(small).usable
    relaxed = models.Thresholds(min_customers=50, min_repeat_buyers=20, min_history_days=90)
    assert models.check_data(small, thresholds=relaxed).value_usable


def test_week_summaries_are_measured_in_days() -> None:
    s = _summary(400, 150, 20.0)  # 20 weeks
    gate = models.check_data(s, unit="W")
    assert gate.history_days == 140.0
    assert [i.code for i in gate.issues] == ["short_history"]


def test_a_summary_without_model_columns_is_an_error() -> None:
    with pytest.raises(MetricError, match="recency, T fehlen"):
        models.check_data(pd.DataFrame({"frequency": [1.0]}))


def test_the_assumptions_are_said_in_plain_words() -> None:
    de = models.model_assumptions()
    assert "nicht kündigen, sondern einfach nicht mehr kaufen" in de
    assert "jederzeit kaufen" in de
    assert models.model_assumptions("en").startswith("The forecast assumes that customers do "
                                                     "not cancel but simply stop buying")
