"""The report's model outlook: gate, wiring of the fits, holdout check, totals only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kbworkbook.models import expected_purchases, fit_bgnbd, p_alive, rfm_summary
from kbworkbook.models.outlook import ALIVE_THRESHOLD, customer_outlook


def _shop(n: int = 600, seed: int = 3) -> pd.DataFrame:
    """Two years of a shop: each customer buys at a Poisson rate until they drop out."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01")
    rows = []
    for customer in range(n):
        rate = rng.gamma(0.8, 1 / 10)  # purchases per day
        first = rng.integers(0, 400)
        lifetime = rng.exponential(300)
        scale = rng.gamma(3.0, 4.0)  # customers differ in what they spend per purchase
        day = float(first)
        while day < min(first + lifetime, 730):
            rows.append((start + pd.Timedelta(days=int(day)), f"K{customer:05d}",
                         round(float(rng.gamma(4, scale)), 2)))
            day += rng.exponential(1 / rate) + 1
    frame = pd.DataFrame(rows, columns=["date", "customer_id", "revenue"])
    walk_ins = frame.sample(frac=0.2, random_state=seed).assign(customer_id=pd.NA)
    return pd.concat([frame, walk_ins], ignore_index=True)


def test_outlook_totals_are_the_models_totals() -> None:
    sales = _shop()
    as_of = pd.Timestamp("2025-12-30")
    result = customer_outlook(sales, as_of, margin_rate=0.5, yearly_discount_rate=0.08)
    assert result.usable and result.customers == sales["customer_id"].nunique()
    summary = rfm_summary(sales, as_of, unit="W")  # walk-ins (no customer number) left out
    fit = fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    alive = p_alive(fit, summary["frequency"], summary["recency"], summary["T"])
    assert result.probably_active == int((alive >= ALIVE_THRESHOLD).sum())
    purchases = expected_purchases(fit, 52.1775, summary["frequency"], summary["recency"],
                                   summary["T"])
    assert result.next_year_purchases == pytest.approx(float(purchases.sum()))
    assert 0 < result.next_year_margin < 0.5 * sales["revenue"].sum()
    assert 0 <= result.valuable_slipping <= result.customers // 4 + 1
    assert result.gamma_gamma, "customer-level spend differences identify Gamma-Gamma"
    assert result.holdout is not None and result.holdout.actual_total > 0


def test_relabelled_customers_give_the_same_outlook() -> None:
    sales = _shop(seed=5)
    renamed = sales.assign(customer_id=sales["customer_id"].map(
        lambda c: c if pd.isna(c) else "X" + str(c)[::-1]))
    one = customer_outlook(sales, "2025-12-30", 0.5, 0.08)
    two = customer_outlook(renamed, "2025-12-30", 0.5, 0.08)
    assert (one.probably_active, one.valuable_slipping) == (two.probably_active,
                                                           two.valuable_slipping)
    assert one.next_year_margin == pytest.approx(two.next_year_margin)


def test_too_little_data_is_gated_not_guessed() -> None:
    tiny = pd.DataFrame({"date": pd.to_datetime(["2025-01-05", "2025-03-01", "2025-06-01"]),
                         "customer_id": ["A", "A", "B"], "revenue": [10.0, 12.0, 9.0]})
    result = customer_outlook(tiny, "2025-12-31", 0.5, 0.08)
    assert not result.usable and result.customers == 2
    assert result.next_year_margin is None and result.holdout is None
    assert any(issue.model == "bgnbd" for issue in result.gate.issues)
    assert all(issue.message for issue in result.gate.issues)


def test_no_spread_in_spend_falls_back_to_the_average_value() -> None:
    sales = _shop(seed=7).assign(revenue=20.0)
    result = customer_outlook(sales, "2025-12-30", 0.5, 0.0)
    assert result.usable and not result.gamma_gamma
    per_purchase_margin = 20.0 * 0.5
    assert result.next_year_margin == pytest.approx(result.next_year_purchases
                                                    * per_purchase_margin, rel=1e-4)
