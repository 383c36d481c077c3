"""The CDNOW 1/10 sample: published estimates and figures (tests/data/README.md for the data).

Sources of the expected values:
* FHL 2005a = Fader, Hardie & Lee, "Counting Your Customers the Easy Way", Marketing Science
  24(2): BG/NBD r = 0.243, α = 4.414, a = 0.793, b = 2.426, log-likelihood −9582.4 (Sec. 7);
  holdout weeks 40–78: the 1411 customers without a calibration repeat purchase made 334
  purchases (0.24 each), the BG/NBD predicts 0.23; correlation of predicted and actual holdout
  purchases 0.626.
* FHL 2005b = Fader, Hardie & Lee, "RFM and CLV: Using Iso-Value Curves", JMR 42(4):
  Gamma-Gamma p = 6.25, q = 3.74, γ = 15.44 (946 repeat buyers).
* Hardie's BG/NBD spreadsheet (brucehardie.com, note 004), as quoted in lifetimes' tests:
  E[X(t)] for t = 0.1429 … 78 weeks; E[Y(39) | x=2, t_x=30.43, T=38.86] = 1.226.
* lifetimes' Quickstart (docs/Quickstart.md, lifetimes 0.11): predicted purchases in the next
  week of the five best customers, Gamma-Gamma expected average profit and the 12-month CLV
  (month = 30 time units, monthly discount 1 %) of customers 1–10.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kbworkbook import models

DATA = Path(__file__).resolve().parent.parent / "data" / "cdnow"


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv", index_col="ID")
    return frame.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})


@pytest.fixture(scope="module")
def transactions() -> pd.DataFrame:
    raw = pd.read_csv(DATA / "CDNOW_sample.txt", sep=r"\s+", header=None,
                      names=["master_id", "customer_id", "date", "cds", "revenue"],
                      dtype={"customer_id": "str", "date": "str"})
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    return raw


@pytest.fixture(scope="module")
def bgnbd(summary: pd.DataFrame) -> models.BgNbdFit:
    return models.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])


@pytest.fixture(scope="module")
def gamma_gamma(summary: pd.DataFrame) -> models.GammaGammaFit:
    return models.fit_gamma_gamma(summary["frequency"], summary["monetary_value"])


def test_bgnbd_reproduces_fhl_2005a_estimates_within_1_percent(bgnbd: models.BgNbdFit) -> None:
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert getattr(bgnbd, name) == pytest.approx(value, rel=0.01), name
    # the published figures are the optimum rounded to 3 decimals
    for name, value in published.items():
        assert round(getattr(bgnbd, name), 3) == value, name
    assert bgnbd.n == 2357


def test_bgnbd_log_likelihood_is_the_published_minus_9582_4(bgnbd: models.BgNbdFit) -> None:
    assert round(bgnbd.log_likelihood, 1) == -9582.4
    assert bgnbd.max_gradient < 1e-6


def test_gamma_gamma_reproduces_fhl_2005b_estimates_within_1_percent(
    gamma_gamma: models.GammaGammaFit,
) -> None:
    assert gamma_gamma.p == pytest.approx(6.25, rel=0.01)
    assert gamma_gamma.q == pytest.approx(3.74, rel=0.01)
    assert gamma_gamma.v == pytest.approx(15.44, rel=0.01)
    assert gamma_gamma.n == 946  # repeat buyers only


def test_expected_purchases_new_customer_matches_hardie_spreadsheet(
    bgnbd: models.BgNbdFit,
) -> None:
    times = [0.1429, 1.0, 3.00, 31.8571, 32.00, 78.00]
    expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]
    got = models.expected_purchases_new(bgnbd, times)
    np.testing.assert_allclose(got, expected, atol=6e-4)


def test_conditional_expectation_of_customer_1_matches_hardie_spreadsheet(
    bgnbd: models.BgNbdFit,
) -> None:
    got = models.expected_purchases(bgnbd, 39, 2, 30.43, 38.86)
    assert got[0] == pytest.approx(1.226, abs=5e-4)


def test_p_alive_of_customer_1_hand_computed_from_the_published_parameters() -> None:
    # P = 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) with r, α, a, b of FHL 2005a:
    # a/(b+1) = 0.793/3.426 = 0.23147; (43.274/34.844)^2.243 = 1.6258; P = 1/1.37633 = 0.7266
    fit = models.BgNbdFit(0.243, 4.414, 0.793, 2.426, 0.0, 1, 0, 0.0)
    assert models.p_alive(fit, 2, 30.43, 38.86)[0] == pytest.approx(0.7266, abs=1e-4)
    # no repeat purchase: alive by construction
    assert models.p_alive(fit, 0, 0, 38.86)[0] == 1.0


def test_predicted_next_week_of_best_customers_matches_lifetimes_docs(
    bgnbd: models.BgNbdFit,
) -> None:
    x = [18, 19, 17, 29, 26]
    t_x = [35.14, 34.00, 28.43, 37.71, 30.86]
    T = [35.86, 34.14, 28.86, 38.00, 31.00]
    quoted = [0.424877, 0.474738, 0.486526, 0.662396, 0.710623]
    np.testing.assert_allclose(models.expected_purchases(bgnbd, 1, x, t_x, T), quoted, rtol=1e-5)


def test_expected_margin_matches_lifetimes_docs(
    summary: pd.DataFrame, gamma_gamma: models.GammaGammaFit
) -> None:
    head = summary.loc[1:10]
    quoted = [24.658619, 18.911489, 35.170981, 35.170981, 35.170981, 71.462843, 18.911489,
              35.170981, 27.282408, 35.170981]
    got = models.expected_margin(gamma_gamma, head["frequency"], head["monetary_value"])
    np.testing.assert_allclose(got, quoted, rtol=1e-5)
    everyone = models.expected_margin(gamma_gamma, summary["frequency"],
                                      summary["monetary_value"])
    assert everyone.mean() == pytest.approx(35.2529588256, rel=1e-5)


def test_clv_matches_lifetimes_docs_with_a_monthly_discount_of_1_percent(
    summary: pd.DataFrame, bgnbd: models.BgNbdFit, gamma_gamma: models.GammaGammaFit
) -> None:
    head = summary.loc[1:10]
    margin = models.expected_margin(gamma_gamma, head["frequency"], head["monetary_value"])
    # lifetimes' default freq "D" on this weekly summary: a "month" is 30 time units
    got = models.clv(bgnbd, head["frequency"], head["recency"], head["T"], margin, unit=30,
                     months=12, yearly_discount_rate=1.01**12 - 1)
    quoted = [140.096211, 18.943467, 38.180574, 38.180574, 38.180574, 1003.868107, 28.109683,
              38.180574, 167.418216, 38.180574]
    np.testing.assert_allclose(got, quoted, rtol=1e-5)


def test_rfm_summary_from_the_transactions_reproduces_the_published_calibration_summary(
    transactions: pd.DataFrame, summary: pd.DataFrame
) -> None:
    ours = models.rfm_summary(transactions, as_of="1998-06-30", unit="W",
                              calibration_end="1997-09-30")
    ours.index = ours.index.astype(int)
    ours = ours.sort_index()
    assert ours.index.tolist() == summary.index.tolist()
    assert (ours["frequency_cal"].to_numpy() == summary["frequency"].to_numpy()).all()
    # the published file rounds to 2 decimals
    np.testing.assert_allclose(ours["recency_cal"], summary["recency"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(ours["T_cal"], summary["T"], atol=0.005 + 1e-9)
    np.testing.assert_allclose(ours["monetary_value_cal"], summary["monetary_value"],
                               atol=0.005 + 1e-9)
    assert (ours["duration_holdout"] == 39.0).all()


def test_holdout_check_reproduces_the_papers_zero_class_and_correlation(
    transactions: pd.DataFrame,
) -> None:
    split = models.rfm_summary(transactions, as_of="1998-06-30", unit="W",
                               calibration_end="1997-09-30")
    fit = models.fit_bgnbd(split["frequency_cal"], split["recency_cal"], split["T_cal"])
    check = models.holdout_check(fit, split)
    zero = check.table.loc["0"]
    assert zero["customers"] == 1411
    assert zero["actual"] * 1411 == pytest.approx(334)
    assert round(zero["predicted"], 2) == 0.23
    assert round(check.correlation, 3) == 0.626
    assert check.table["customers"].sum() == 2357
    assert check.actual_total == pytest.approx(split["frequency_holdout"].sum())


def test_cdnow_passes_the_data_sufficiency_gate(summary: pd.DataFrame) -> None:
    gate = models.check_data(summary, unit="W")
    assert gate.usable and gate.value_usable
    assert gate.customers == 2357 and gate.repeat_buyers == 946
    # 38.86 weeks of history; lifetimes' docs quote the frequency–value correlation 0.113884
    assert gate.history_days == pytest.approx(38.86 * 7)
    assert gate.value_correlation == pytest.approx(0.113884, abs=1e-6)
