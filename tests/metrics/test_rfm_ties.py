"""RFM ties: scores depend on values only (issue 12, defect 1); worked example by hand."""

from __future__ import annotations

import pandas as pd

from kbworkbook import metrics as m

# domain.md §4.7 oracle customers i0..i9 plus ten identical customers t0..t9
# (one purchase of 100, 30 days ago).
RECENCY = [5, 10, 20, 35, 50, 70, 90, 120, 200, 365]
FREQ = [12, 8, 9, 4, 6, 3, 2, 5, 1, 1]
MONEY = [900, 600, 700, 300, 450, 200, 150, 400, 50, 80]


def _values() -> pd.DataFrame:
    ids = [f"i{i}" for i in range(10)] + [f"t{i}" for i in range(10)]
    return pd.DataFrame(
        {"recency": RECENCY + [30] * 10, "frequency": FREQ + [1] * 10,
         "monetary": MONEY + [100] * 10},
        index=pd.Index(ids, name="customer_id"),
    )


def test_ten_identical_customers_share_one_segment_worked_example() -> None:
    seg = m.rfm_segments(m.rfm_scores(_values()), language="en")
    twins = seg.loc[[f"t{i}" for i in range(10)]]
    # n = 20. Days sorted: 5, 10, 20, 30 (×10, ranks 4..13), 35 … → the group takes the weaker
    # end, rank 13: R = 6 − ceil(5·13/20) = 6 − 4 = 2.
    # F: twelve customers have 1 purchase (ranks 1..12) → rank 1: F = ceil(5·1/20) = 1.
    # M: 50, 80, then 100 ×10 (ranks 3..12) → rank 3: M = ceil(15/20) = 1.
    assert set(twins["r_score"]) == {2}
    assert set(twins["f_score"]) == {1}
    assert set(twins["m_score"]) == {1}
    assert set(twins["segment_label"]) == {"Hibernating"}
    # the best customer keeps the top scores: 5 days (rank 1 → R 5), F 12 (rank 20 → 5)
    assert seg.loc["i0", ["r_score", "f_score", "m_score"]].tolist() == [5, 5, 5]
    # i8, i9 (1 purchase) tie with the twins on F and get F = 1 like them
    assert seg.loc[["i8", "i9"], "f_score"].tolist() == [1, 1]


def test_segment_does_not_depend_on_the_customer_number() -> None:
    values = _values()
    renamed = values.set_axis(pd.Index([f"z{99 - i:02d}" for i in range(20)],
                                       name="customer_id"))
    a = m.rfm_segments(m.rfm_scores(values))["segment"].tolist()
    b = m.rfm_segments(m.rfm_scores(renamed))["segment"].tolist()
    assert a == b
