"""The lifecycle and the concentration in the analysis layer and figures.json (issue 16)."""

from __future__ import annotations

import pytest

from kbworkbook.figures import Settings, analyse, figures_document
from kbworkbook.metrics.lifecycle import LifecyclePolicy, lifecycle_settings
from tests.metrics.test_lifecycle import T, _client

HAND = {"new_days": 90, "at_risk_days": 30, "lapse_days": 120}


def test_stage_counts_and_shares_in_figures_json() -> None:
    a = analyse({"transactions": _client()}, Settings(analysis=HAND), T)
    doc = {f["key"]: f for f in figures_document(a, "CHF")["figures"]}
    counts = {k: doc[f"lifecycle_{k}"]["value"] for k in
              ("new", "regular", "at_risk", "lost", "won_back")}
    assert counts == {"new": 1, "regular": 2, "at_risk": 1, "lost": 4, "won_back": 1}
    assert doc["lifecycle_new"]["window"] == "2025-06-30"  # a count at the Stichtag
    assert doc["lifecycle_new"]["chapters"] == ["04"]
    # window 1 Jul 2024 – 30 Jun 2025, 20 per purchase: A 80, B 20 (1 Jul), C 60, D 20, E 60,
    # F 80, G 60, I 20, J 20 (1 Mar) → 9 customers, 420 in all (K's purchase was returned)
    assert doc["top10_revenue_share"]["value"] == pytest.approx(1.0)
    # top 20 %: ⌈0.2 × 9⌉ = 2 customers, A and F: 160 of 420
    assert doc["top20pct_revenue_share"]["value"] == pytest.approx(160 / 420)
    assert doc["top10_revenue_share"]["window"] == "2024-07-01/2025-06-30"


def test_settings_read_from_analysis_table() -> None:
    policy, previous = lifecycle_settings({**HAND, "lifecycle_months": 6,
                                           "previous_as_of": "2025-05-31"})
    assert policy == LifecyclePolicy(new_days=90, at_risk_days=30.0, lapse_days=120.0, months=6)
    assert str(previous.date()) == "2025-05-31"
    assert lifecycle_settings({"new_days": "viele", "lapse_days": 0})[0] == LifecyclePolicy()


def test_no_repeat_buyers_leaves_a_note_not_an_error() -> None:
    import pandas as pd

    frame = pd.DataFrame({"customer_id": ["A"], "date": pd.to_datetime(["2025-01-01"]),
                          "revenue": [10.0]})
    a = analyse({"transactions": frame}, Settings(), "2025-03-01")
    assert a.lifecycle is None and any("lapse_days" in n for n in a.notes)
    assert a.concentration is not None and a.concentration.top_n_share == 1.0
