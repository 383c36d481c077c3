"""Benchmark: kbworkbook.metrics vs DuckDB vs lifetimes on generated transaction logs.

Usage::

    python bench/bench_metrics.py [--sizes 1e5,1e6,1e7] [--reps 3] [--reps-large 1]

For each size a log is generated (integer-like customer ids as strings, ~1 customer per 30
lines, 3 years of timestamps, 3 % returns) and written to parquet. Every contender runs in a
fresh subprocess that loads the parquet and repeats its task; the parent measures that child's
peak RSS with ``os.wait4`` (per-child ``ru_maxrss``) and subtracts the peak of a child that only
loads the input. Results of the contenders are compared before the table is printed.

Needs the bench extras (duckdb, lifetimes): ``pip install -e .[bench]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _measure import LAUNCHER, current_rss_mib  # bench/ is on sys.path as the script dir

LIFETIMES_LIMIT_S = 300.0  # skip lifetimes when its estimated time exceeds this

RFM_SQL = """
WITH p AS (
    SELECT customer_id, CAST(date AS DATE) AS d, SUM(revenue) AS s
    FROM tx GROUP BY ALL
), g AS (
    SELECT customer_id, COUNT(*) AS cnt, MIN(d) AS mn, MAX(d) AS mx,
           SUM(s) AS total, arg_min(s, d) AS first_s
    FROM p GROUP BY customer_id
), e AS (SELECT MAX(CAST(date AS DATE)) AS end_d FROM tx)
SELECT customer_id,
       CAST(cnt - 1 AS DOUBLE) AS frequency,
       CAST(date_diff('day', mn, mx) AS DOUBLE) AS recency,
       CAST(date_diff('day', mn, end_d) AS DOUBLE) AS "T",
       CASE WHEN cnt > 1 THEN (total - first_s) / (cnt - 1) ELSE 0.0 END AS monetary_value
FROM g, e ORDER BY customer_id
"""

# Cohorts count PURCHASES as kbworkbook.metrics._orders defines them: the lines of one customer
# on one day form one receipt, netted to the cent; a receipt netting to more than 0 is a
# purchase, unless a credit note (a receipt netting below 0) of the same customer for exactly
# that amount, on the same day or up to 30 days later, cancels it – each credit note the latest
# uncancelled one (a stack per customer and amount: purchases pushed, a credit note pops the
# top when it lies within its 30 days).
COHORT_SQL = """
WITH o AS (
    SELECT customer_id, CAST(date AS DATE) - DATE '1970-01-01' AS dn,
           CAST(ROUND(SUM(revenue) * 100) AS BIGINT) AS cents
    FROM tx WHERE customer_id IS NOT NULL GROUP BY ALL
), r AS (
    SELECT DISTINCT customer_id, -cents AS cents FROM o WHERE cents < 0
), plain AS (
    SELECT o.customer_id, o.dn FROM o ANTI JOIN r USING (customer_id, cents) WHERE o.cents > 0
), refunded AS (
    SELECT o.customer_id, unnest(list_reduce(
        list(CASE WHEN o.cents > 0 THEN o.dn + 1 ELSE -(o.dn + 1) END ORDER BY o.dn),
        lambda acc, x: CASE WHEN x > 0 THEN list_append(acc, x)
                            WHEN len(acc) > 0 AND acc[-1] >= -x - 30 THEN acc[:-2]
                            ELSE acc END,
        []::BIGINT[])) - 1 AS dn
    FROM o JOIN r ON o.customer_id = r.customer_id AND abs(o.cents) = r.cents
    GROUP BY o.customer_id, r.cents
), a AS (
    SELECT DISTINCT customer_id, date_trunc('month', DATE '1970-01-01' + CAST(dn AS INTEGER)) AS m
    FROM (SELECT * FROM plain UNION ALL SELECT * FROM refunded)
), c AS (
    SELECT customer_id, m, MIN(m) OVER (PARTITION BY customer_id) AS cm FROM a
)
SELECT cm, date_diff('month', cm, m) AS k, COUNT(*) AS n FROM c GROUP BY ALL
"""


def generate(n: int, seed: int = 42) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_cust = max(n // 30, 1)
    # skewed customer activity, like real shops
    cust = np.minimum((rng.pareto(1.5, n) * n_cust / 8).astype(np.int64), n_cust - 1)
    start = np.datetime64("2022-01-01T00:00:00", "us")
    secs = rng.integers(0, 3 * 365 * 86_400, n)
    rev = np.round(rng.lognormal(3.5, 0.8, n), 2)
    rev[rng.random(n) < 0.03] *= -1
    return pd.DataFrame(
        {
            "customer_id": pd.Series(cust.astype(str), dtype="str"),
            "date": start + secs.astype("timedelta64[s]"),
            "revenue": rev,
        }
    )


# --------------------------------------------------------------------------- contenders


def run_ours_rfm(tx: pd.DataFrame) -> pd.DataFrame:
    from kbworkbook.metrics import rfm_summary

    return rfm_summary(tx)


def run_duckdb_rfm(tx: pd.DataFrame) -> pd.DataFrame:
    import duckdb

    con = duckdb.connect()
    con.register("tx", tx)
    out = con.execute(RFM_SQL).df().set_index("customer_id")
    con.close()
    return out


def run_lifetimes_rfm(tx: pd.DataFrame) -> pd.DataFrame:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from lifetimes.utils import summary_data_from_transaction_data

        return summary_data_from_transaction_data(tx, "customer_id", "date", "revenue")


def run_ours_cohort(tx: pd.DataFrame) -> pd.DataFrame:
    from kbworkbook.metrics import cohort_retention

    return cohort_retention(tx, period="M").retention


def run_duckdb_cohort(tx: pd.DataFrame) -> pd.DataFrame:
    import duckdb

    con = duckdb.connect()
    con.register("tx", tx)
    long = con.execute(COHORT_SQL).df()
    con.close()
    counts = long.pivot(index="cm", columns="k", values="n")
    counts = counts.reindex(columns=range(int(long["k"].max()) + 1))
    ret = counts.div(counts[0], axis=0)
    # future cells NaN, missing past cells 0 (same convention as ours); months without new
    # customers have no row, so "past" is counted from each row's own month
    first = pd.to_datetime(ret.index)
    months = first.year * 12 + first.month
    last = int((long["cm"].dt.year * 12 + long["cm"].dt.month + long["k"]).max())
    age = last - np.asarray(months, dtype=np.int64)
    past = np.arange(ret.shape[1])[None, :] <= age[:, None]
    return ret.where(~past, ret.fillna(0.0))


CONTENDERS = {
    "ours_rfm": run_ours_rfm,
    "duckdb_rfm": run_duckdb_rfm,
    "lifetimes_rfm": run_lifetimes_rfm,
    "ours_cohort": run_ours_cohort,
    "duckdb_cohort": run_duckdb_cohort,
}


def worker(name: str, data: str, reps: int, out: str) -> None:
    """Child process: load, run ``reps`` times, save the first result, print timings."""
    import gc

    tx = pd.read_parquet(data)
    tx["customer_id"] = tx["customer_id"].astype("str")
    gc.collect()
    # Reset this process's RSS high-water mark (Linux) so that ru_maxrss, read by the parent
    # with wait4, measures the contender's peak and not the parquet reader's transient peak.
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    baseline = current_rss_mib()
    times = []
    result = None
    if name != "load":
        fn = CONTENDERS[name]
        for _ in range(reps):
            t0 = time.perf_counter()
            res = fn(tx)
            times.append(time.perf_counter() - t0)
            if result is None:
                result = res
            del res
        assert result is not None
        frame = result.copy()
        frame.columns = [str(c) for c in frame.columns]
        frame.index = frame.index.astype(str)
        frame.to_parquet(out)
        del frame, result
    print(json.dumps({"times": times, "baseline": baseline}))




def spawn(name: str, data: Path, reps: int, out: Path) -> tuple[list[float], float]:
    """Run one worker; return timings and peak RSS above the loaded input in MiB.

    The peak is the child's ``ru_maxrss`` (per child, via ``os.wait4``), taken after the
    child reset its high-water mark once the input was loaded; the child's RSS at that moment
    (the loaded frame) is subtracted.
    """
    cmd = [sys.executable, "-c", LAUNCHER, str(out) + ".rss", sys.executable, __file__,
           "--worker", name, "--data", str(data), "--reps", str(reps), "--out", str(out)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {name} failed with {proc.returncode}")
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    maxrss_kib = int(Path(str(out) + ".rss").read_text())
    return report["times"], maxrss_kib / 1024.0 - report["baseline"]


def compare(a: pd.DataFrame, b: pd.DataFrame, what: str) -> None:
    assert a.index.tolist() == b.index.tolist(), f"{what}: different rows"
    assert list(a.columns) == list(b.columns), f"{what}: different columns"
    np.testing.assert_allclose(
        a.to_numpy(dtype="float64"), b.to_numpy(dtype="float64"), rtol=1e-7, atol=1e-6,
        equal_nan=True, err_msg=what,
    )


def fmt_size(n: int) -> str:
    return f"10^{round(np.log10(n))}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="1e5,1e6,1e7")
    ap.add_argument("--reps", type=int, default=3, help="repetitions up to 10^6 lines")
    ap.add_argument("--reps-large", type=int, default=3, help="repetitions at 10^7 lines")
    ap.add_argument("--worker")
    ap.add_argument("--data")
    ap.add_argument("--out")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.data, args.reps, args.out)
        return

    sizes = [int(float(s)) for s in args.sizes.split(",")]
    rows = []
    lifetimes_per_line: float | None = None
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for n in sizes:
            reps = args.reps if n < 10**7 else args.reps_large
            data = tmp / f"tx_{n}.parquet"
            frame = generate(n)
            frame.to_parquet(data)
            del frame
            _, base_mem = spawn("load", data, 1, tmp / "none.parquet")
            print(f"# {fmt_size(n)} lines: load-only rise {base_mem:.0f} MiB", file=sys.stderr)
            results = {}
            for name in CONTENDERS:
                r = reps
                if name == "lifetimes_rfm":
                    if lifetimes_per_line is not None:
                        est = lifetimes_per_line * n
                        if est > LIFETIMES_LIMIT_S:
                            note = f"skipped (est. {est:.0f} s)"
                            rows.append((fmt_size(n), name, None, None, note))
                            print(f"# skip lifetimes at {n}: est {est:.0f} s", file=sys.stderr)
                            continue
                        if est * reps > LIFETIMES_LIMIT_S:
                            r = 1
                out = tmp / f"{name}_{n}.parquet"
                times, mem = spawn(name, data, r, out)
                results[name] = pd.read_parquet(out)
                med = statistics.median(times)
                if name == "lifetimes_rfm":
                    lifetimes_per_line = med / n
                rows.append((fmt_size(n), name, med, mem, f"{len(times)} runs"))
                print(f"# {fmt_size(n)} {name}: median {med:.3f} s, +{mem:.0f} MiB",
                      file=sys.stderr)
            compare(results["ours_rfm"], results["duckdb_rfm"], f"rfm ours vs duckdb {n}")
            if "lifetimes_rfm" in results:
                compare(results["ours_rfm"], results["lifetimes_rfm"], f"rfm ours vs lifetimes {n}")
            ours_c = results["ours_cohort"].copy()
            duck_c = results["duckdb_cohort"].copy()
            duck_c.index = pd.to_datetime(duck_c.index).to_period("M").astype(str)
            compare(ours_c, duck_c, f"cohort ours vs duckdb {n}")
            print(f"# {fmt_size(n)}: results agree", file=sys.stderr)
            data.unlink()

    print("| lines | contender | median s | peak MiB above load | note |")
    print("|---|---|---:|---:|---|")
    for size, name, med, mem, note in rows:
        med_s = "—" if med is None else f"{med:.3f}"
        mem_s = "—" if mem is None else f"{mem:.0f}"
        print(f"| {size} | {name} | {med_s} | {mem_s} | {note} |")


if __name__ == "__main__":
    main()
