"""Customer summaries drawn from a BG/NBD (and Gamma-Gamma) population – for tests and bench.

Each customer gets a purchase rate λ ~ Gamma(r, scale 1/α) and a drop-out probability
p ~ Beta(a, b). Repeat purchases follow a Poisson process with rate λ from the first purchase
at time 0; after each *repeat* purchase the customer drops out with probability p (so the
number of repeat purchases before dropping out is geometric on 1, 2, …). Observed until T:
``frequency`` = min(N, J) with N ~ Poisson(λT) purchase events and J the drop-out purchase;
``recency`` = time of the ``frequency``-th event = T · Beta(x, N − x + 1) (order statistic of
N uniform times). With Gamma-Gamma parameters, each customer's mean value of x purchases is
Gamma(p·x, rate ν·x)-distributed with ν ~ Gamma(q, rate v).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["simulate_customers"]


def simulate_customers(
    n: int,
    T: Any,
    rng: np.random.Generator,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
    p: float | None = None,
    q: float | None = None,
    v: float | None = None,
) -> pd.DataFrame:
    """``n`` customers observed for ``T`` time units each (scalar or array of n values).

    Returns frequency, recency, T (and monetary_value when p, q, v are given; 0 for customers
    without repeat purchases). ``rng``: a seeded ``numpy.random.Generator``.
    """
    t_obs = np.broadcast_to(np.asarray(T, dtype="float64"), (n,)).copy()
    lam = rng.gamma(r, 1.0 / alpha, n)
    drop = rng.beta(a, b, n)
    events = rng.poisson(lam * t_obs)
    dropout_at = rng.geometric(drop)
    x = np.minimum(events, dropout_at)
    rep = x > 0
    recency = np.zeros(n)
    recency[rep] = t_obs[rep] * rng.beta(x[rep], events[rep] - x[rep] + 1)
    out = pd.DataFrame({"frequency": x.astype("float64"), "recency": recency, "T": t_obs})
    if p is not None and q is not None and v is not None:
        nu = rng.gamma(q, 1.0 / v, n)
        money = np.zeros(n)
        money[rep] = rng.gamma(p * x[rep], 1.0 / (nu[rep] * x[rep]))
        out["monetary_value"] = money
    return out
