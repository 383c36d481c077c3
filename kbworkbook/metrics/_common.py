"""Shared vectorised helpers for the metrics package (private).

Conventions used by every metric:

* Customers are factorised once to dense integer codes whose order is the sorted order of the
  ``customer_id`` strings, so every "per customer" step is a numpy reduction on integers.
* An ORDER is a distinct ``order_id`` when the column exists (per customer), otherwise a distinct
  ``(customer_id, calendar day)``. One transaction line is one receipt line.
* A line without ``customer_id`` (a walk-in sale) is data, not an error: it counts for revenue,
  receipts, baskets and products; per-customer figures (retention, cohorts, RFM, CLV) use only
  the identified lines (:func:`identified_lines`). A walk-in line without ``order_id`` is a
  receipt of its own.
* A reference date ``as_of`` is inclusive: the whole day ``as_of`` belongs to the window.
* Messages name columns by their German label (»Kundennummer«), never the internal name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError, Text

__all__ = [
    "CUSTOMER_CODE",
    "NS_PER_DAY",
    "COLUMN_LABELS",
    "column_text",
    "customer_codes",
    "customer_codes_with_walk_ins",
    "day_numbers",
    "identified_lines",
    "order_codes",
    "period_labels",
    "period_numbers",
    "require_columns",
    "sorted_unique",
    "to_timestamp",
    "walk_in_mask",
    "window_bounds",
    "with_customer_codes",
]

NS_PER_DAY = 86_400 * 10**9
_UNIT_PER_DAY = {"s": 86_400, "ms": 86_400 * 10**3, "us": 86_400 * 10**6, "ns": 86_400 * 10**9}


#: German labels of canonical columns, for messages (the internal names never reach a user).
COLUMN_LABELS: dict[str, str] = {
    "customer_id": "Kundennummer", "date": "Datum", "revenue": "Umsatz", "order_id": "Belegnummer",
    "product": "Artikel", "quantity": "Menge", "margin": "Marge", "score": "Bewertung",
    "likes": "Likes", "comments": "Kommentare", "shares": "Geteilt", "reach": "Reichweite",
    "impressions": "Impressionen", "followers": "Follower", "clicks": "Klicks",
}


def column_text(column: str) -> Text | str:
    """A canonical column's label as a catalogue text (the internal name when it has none)."""
    return Text(f"column.{column}") if column in COLUMN_LABELS else column


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise :class:`MetricError` naming every missing column by its label.

    ``what`` is the code of the figure in ``reasons.toml``'s ``[what]`` table (``"cohorts"``).
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MetricError("columns_missing", what=Text(f"what.{what}"),
                          names=[Text("quoted", text=column_text(c)) for c in missing])


def identified_lines(transactions: pd.DataFrame, what: str) -> pd.DataFrame:
    """The lines with a customer number (walk-in sales left out) for a per-customer figure.

    Returns ``transactions`` itself when every line is identified. Raises :class:`MetricError`
    (naming ``what``) when no line has a customer number, so the caller can say why the
    per-customer figure is missing while revenue and receipts are still shown.
    """
    walk_in = walk_in_mask(transactions)
    if not walk_in.any():
        return transactions
    if not walk_in.all():
        return transactions.loc[~walk_in]
    raise MetricError("no_identified_lines", what=Text(f"what.{what}"))


def to_timestamp(value: Any, name: str = "as_of") -> pd.Timestamp:
    """Convert a date-like to a naive :class:`pandas.Timestamp`; reject None/NaT."""
    if value is None:
        raise MetricError("date.missing", name=name)
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise MetricError("date.invalid", value=str(value), name=name) from exc
    if ts is pd.NaT or pd.isna(ts):
        raise MetricError("date.missing", name=name)
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts


def _datetime_values(dates: pd.Series | pd.Index | np.ndarray) -> np.ndarray:
    """Naive datetime64 numpy array of any resolution (tz-aware input loses its zone)."""
    if isinstance(dates, np.ndarray):
        values = dates
    else:
        s = pd.Series(dates) if not isinstance(dates, pd.Series) else dates
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_localize(None)
        if not pd.api.types.is_datetime64_dtype(s.dtype):
            raise MetricError("date.not_dates")
        values = s.to_numpy()
    if not np.issubdtype(values.dtype, np.datetime64):
        raise MetricError("date.not_dates")
    if np.isnat(values).any():
        raise MetricError("date.empty")
    return values


def day_numbers(dates: pd.Series | pd.Index | np.ndarray) -> np.ndarray:
    """Calendar day of each date as int64 days since 1970-01-01 (floor, any resolution)."""
    values = _datetime_values(dates)
    unit = np.datetime_data(values.dtype)[0]
    if unit in _UNIT_PER_DAY:
        return values.view("i8") // _UNIT_PER_DAY[unit]
    return values.astype("datetime64[D]").view("i8")


def _days_to_months(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 for day numbers, via a lookup over the (few) distinct days."""
    if days.size == 0:
        return days.copy()
    lo, hi = int(days.min()), int(days.max())
    span = np.arange(lo, hi + 1, dtype=np.int64)
    lookup = span.astype("datetime64[D]").astype("datetime64[M]").view("i8")
    return lookup[days - lo]


def period_numbers(days: np.ndarray, freq: str) -> np.ndarray:
    """Integer period number of day numbers.

    ``D`` days since epoch; ``W`` weeks starting Monday (pandas ``W-SUN``) numbered so that
    ``7*n - 3`` is the Monday's day number; ``M`` months since 1970-01; ``Q`` quarters;
    ``Y`` years.
    """
    if freq == "D":
        return days
    if freq == "W":
        return (days + 3) // 7
    if freq in ("M", "Q", "Y"):
        months = _days_to_months(days)
        if freq == "M":
            return months
        if freq == "Q":
            return months // 3
        return months // 12
    raise ValueError(f"unsupported freq {freq!r}; use 'D', 'W', 'M', 'Q' or 'Y'")


def period_labels(numbers: np.ndarray, freq: str) -> pd.PeriodIndex:
    """pandas periods for period numbers from :func:`period_numbers`."""
    if freq == "W":
        starts = ((np.asarray(numbers, dtype=np.int64) * 7) - 3).astype("datetime64[D]")
        return pd.PeriodIndex(pd.DatetimeIndex(starts), freq="W")
    pfreq = {"D": "D", "M": "M", "Q": "Q", "Y": "Y"}[freq]
    ordinals = np.asarray(numbers, dtype=np.int64)
    return pd.PeriodIndex.from_ordinals(ordinals, freq=pfreq)  # type: ignore[attr-defined]


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values via one ``np.sort`` (numpy's hash-based ``unique`` is slower)."""
    if values.size == 0:
        return values.copy()
    s = np.sort(values)
    keep = np.empty(s.size, dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


_POW10 = np.array([10**k for k in range(19)], dtype=np.int64)


def _int_like_codes(ids: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """Fast path for ids that are canonical decimal integers ("17", "-3", not "007").

    Returns ``(codes, unique_ints)`` with codes into the unique ints (any order), or None when
    some id is not a canonical integer string.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    try:
        arr = pa.array(ids.array) if not isinstance(ids.dtype, np.dtype) else pa.array(ids)
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            return None
        ints = pc.cast(arr, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError):
        return None
    x = ints.to_numpy(zero_copy_only=False)
    if x.size == 0:
        return None
    lengths = pc.binary_length(arr).to_numpy(zero_copy_only=False)
    neg = x < 0
    digits = np.searchsorted(_POW10, np.abs(x), side="right")
    digits = np.maximum(digits, 1)
    if not np.array_equal(lengths, digits + neg):
        return None  # leading zeros, signs, blanks: keep the strings as they are
    lo, hi = int(x.min()), int(x.max())
    if hi - lo <= 4 * x.size + 1024:
        present = np.zeros(hi - lo + 1, dtype=bool)
        present[x - lo] = True
        lut = np.cumsum(present, dtype=np.int64) - 1
        return lut[x - lo], np.flatnonzero(present).astype(np.int64) + lo
    codes, uniq = pd.factorize(x, sort=False)
    return codes.astype(np.int64), np.asarray(uniq, dtype=np.int64)


def customer_codes(ids: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Dense int64 codes for customer ids, ordered like the sorted id strings.

    Returns ``(codes, uniques)`` with ``uniques[codes[i]] == str(ids[i])`` and ``uniques``
    sorted as strings. Integer-like string ids take a fast arithmetic path.
    """
    if ids.isna().any():
        raise MetricError("walk_in_ids")
    if not pd.api.types.is_string_dtype(ids.dtype) or ids.dtype == object:
        ids = ids.astype("str")
    fast = _int_like_codes(ids)
    if fast is not None:
        codes, ints = fast
        uniques = pd.Index(ints.astype(str), dtype="str")
    else:
        raw, found = pd.factorize(ids, sort=False)
        codes, uniques = raw.astype(np.int64), pd.Index(found, dtype="str")
    order = np.asarray(uniques.argsort())
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    return rank[codes], uniques[order]


def walk_in_mask(transactions: pd.DataFrame) -> np.ndarray:
    """True for lines without a customer number (all lines when the column is absent)."""
    if "customer_id" not in transactions.columns:
        return np.ones(len(transactions), dtype=bool)
    if CUSTOMER_CODE in transactions.columns:
        return transactions[CUSTOMER_CODE].to_numpy(dtype=np.int64) < 0
    return _blank_ids(transactions["customer_id"])


def _blank_ids(ids: pd.Series) -> np.ndarray:
    missing = ids.isna()
    if pd.api.types.is_string_dtype(ids.dtype) or ids.dtype == object:
        missing |= ids.astype("str").str.strip() == ""
    return missing.to_numpy(dtype=bool)


def customer_codes_with_walk_ins(transactions: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """Like :func:`customer_codes`, with code ``-1`` for walk-in lines (see module docstring).

    A frame with the :data:`CUSTOMER_CODE` column (any subset of a table coded by
    :func:`with_customer_codes`) is coded from it, without hashing the ids again.
    """
    if CUSTOMER_CODE in transactions.columns and "customer_id" in transactions.columns:
        return _dense(transactions[CUSTOMER_CODE].to_numpy(dtype=np.int64),
                      transactions["customer_id"])
    walk_in = walk_in_mask(transactions)
    codes = np.full(len(transactions), -1, dtype=np.int64)
    if walk_in.all():
        return codes, pd.Index([], dtype="str")
    ids = transactions["customer_id"]
    if walk_in.any():
        known, uniques = customer_codes(ids[~walk_in])
        codes[~walk_in] = known
        return codes, uniques
    return customer_codes(ids)


def _dense(table_codes: np.ndarray, ids: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes into the sorted ids of a whole table (-1 walk-in) made dense for these lines:
    what :func:`customer_codes_with_walk_ins` gives for them, ids in the same order."""
    known = np.flatnonzero(table_codes >= 0)
    codes = np.full(table_codes.size, -1, dtype=np.int64)
    if known.size == 0:
        return codes, pd.Index([], dtype="str")
    used = table_codes[known]
    present = np.zeros(int(used.max()) + 1, dtype=bool)
    present[used] = True
    rank = np.cumsum(present, dtype=np.int64) - 1
    codes[known] = rank[used]
    line = np.empty(int(rank[-1]) + 1, dtype=np.int64)
    line[codes[known]] = known  # one line of each customer (all of them carry the same id)
    return codes, pd.Index(ids.iloc[line].astype("str").to_numpy(), dtype="str")


#: Optional helper column of a transactions frame: the ``customer_id`` of each line as an int64
#: code into the table's distinct ids sorted as strings (-1 = walk-in), from
#: :func:`with_customer_codes`. Hashing a million ids once per loaded table instead of in every
#: metric (and every subset of lines).
CUSTOMER_CODE = "_customer_code"


def with_customer_codes(transactions: pd.DataFrame) -> pd.DataFrame:
    """``transactions`` with the :data:`CUSTOMER_CODE` column (unchanged without
    ``customer_id``)."""
    if "customer_id" not in transactions.columns or CUSTOMER_CODE in transactions.columns:
        return transactions
    codes, _ = customer_codes_with_walk_ins(transactions)
    out = transactions.assign(**{CUSTOMER_CODE: codes})
    out.attrs = transactions.attrs
    return out


#: Optional helper column of a transactions frame: the ``order_id`` of each line as a dense
#: int64 code (-1 = no order number), from :func:`with_order_codes`. Factorising the order
#: numbers once per loaded table saves it in every metric (and every subset of lines).
ORDER_CODE = "_order_code"


def with_order_codes(transactions: pd.DataFrame) -> pd.DataFrame:
    """``transactions`` with the :data:`ORDER_CODE` column (unchanged without ``order_id``)."""
    if "order_id" not in transactions.columns or ORDER_CODE in transactions.columns:
        return transactions
    codes, _ = pd.factorize(transactions["order_id"], sort=False)
    out = transactions.assign(**{ORDER_CODE: codes.astype(np.int64)})
    out.attrs = transactions.attrs
    return out


def order_codes(frame: pd.DataFrame, cust: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Dense int64 order codes: distinct ``order_id`` per customer, else (customer, day).

    ``cust == -1`` marks a walk-in line: with an ``order_id`` it joins the other walk-in lines
    of that receipt; without one it is a receipt of its own.
    """
    walk_in = cust < 0
    slot = cust + 1  # walk-ins share slot 0, identified customers keep their order
    has_oid = "order_id" in frame.columns and not frame["order_id"].isna().all()
    if has_oid:
        if ORDER_CODE in frame.columns:
            ocodes = frame[ORDER_CODE].to_numpy(dtype=np.int64)
        else:
            ocodes = pd.factorize(frame["order_id"], sort=False)[0].astype(np.int64)
        no_oid = ocodes < 0
        width = int(ocodes.max()) + 1
        key = slot * width + ocodes
        if no_oid.any():
            # identified lines without an order number form one order per customer and day,
            # numbered after every (customer, order number) key
            first = int(days.min())
            span = int(days.max()) - first + 1
            base = (int(slot.max()) + 1) * width
            key = np.where(no_oid, base + slot * span + (days - first), key)
        alone = walk_in & no_oid
    else:
        span = int(days.max() - days.min()) + 1 if days.size else 1
        key = slot * span + (days - (days.min() if days.size else 0))
        alone = walk_in
    if alone.any():
        key = key.copy()
        key[alone] = -1 - np.arange(int(alone.sum()), dtype=np.int64)
    codes, _ = pd.factorize(key, sort=False)
    return codes.astype(np.int64)


def window_bounds(as_of: Any, months: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Half-open window ``[start, end)`` of ``months`` calendar months ending with day ``as_of``."""
    if months <= 0:
        raise ValueError("months must be positive")
    end = to_timestamp(as_of).normalize() + pd.Timedelta(days=1)
    return end - pd.DateOffset(months=months), end
