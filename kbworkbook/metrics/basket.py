"""Cross-selling: product pairs bought in the same order (association rules of size 2).

Computed per ORDER (distinct ``order_id`` per customer, else customer + calendar day; walk-in
lines count too, see :mod:`kbworkbook.metrics._common`); only
purchase lines (``revenue > 0``) count, a product counts once per order. For a pair (a, b),
a < b in string order, with n orders:

* ``support`` = orders with a and b / n; ``support_a``, ``support_b`` likewise;
* ``confidence_ab`` = P(b | a) = support / support_a; ``confidence_ba`` = P(a | b);
* ``lift`` = support / (support_a · support_b).

Pairs with ``support < min_support`` or fewer than ``min_count`` orders are dropped; sorted by
lift, then support, descending.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError
from kbworkbook.metrics._common import (
    customer_codes_with_walk_ins,
    day_numbers,
    order_codes,
    require_columns,
    sorted_unique,
)

__all__ = ["cross_selling"]


def cross_selling(
    transactions: pd.DataFrame, min_support: float = 0.01, min_count: int = 2
) -> pd.DataFrame:
    """Product pairs with support, confidence in both directions and lift (see module doc)."""
    require_columns(transactions, ["date", "revenue", "product"], "basket")
    rev = transactions["revenue"].to_numpy(dtype="float64", na_value=0.0)
    keep = (rev > 0) & transactions["product"].notna().to_numpy()
    frame = transactions.loc[keep]
    if len(frame) == 0:
        raise MetricError("basket.no_products")
    cust, _ = customer_codes_with_walk_ins(frame)
    orders = order_codes(frame, cust, day_numbers(frame["date"]))
    pcodes, products = pd.factorize(frame["product"].astype(str), sort=True)
    n_orders = int(orders.max()) + 1
    n_prod = len(products)
    pairs = sorted_unique(orders * n_prod + pcodes)
    o, p = pairs // n_prod, pairs % n_prod
    prod_orders = np.bincount(p, minlength=n_prod)
    base = pd.DataFrame({"o": o, "p": p})
    joined = base.merge(base, on="o", suffixes=("_a", "_b"))
    joined = joined.loc[joined["p_a"] < joined["p_b"]]
    key = joined["p_a"].to_numpy() * n_prod + joined["p_b"].to_numpy()
    uk, cnt = np.unique(key, return_counts=True)
    a, b = uk // n_prod, uk % n_prod
    support = cnt / n_orders
    sa, sb = prod_orders[a] / n_orders, prod_orders[b] / n_orders
    out = pd.DataFrame(
        {
            "product_a": pd.Series(np.asarray(products)[a], dtype="str"),
            "product_b": pd.Series(np.asarray(products)[b], dtype="str"),
            "orders": cnt.astype("int64"),
            "support": support,
            "support_a": sa,
            "support_b": sb,
            "confidence_ab": support / sa,
            "confidence_ba": support / sb,
            "lift": support / (sa * sb),
        }
    )
    out = out.loc[(out["support"] >= min_support) & (out["orders"] >= min_count)]
    out = out.sort_values(["lift", "support", "product_a", "product_b"],
                          ascending=[False, False, True, True])
    return out.reset_index(drop=True)
