"""Benchmark: load a German-format transactions CSV – ours vs DuckDB's ``read_csv``.

Generates (seeded) a file as German Excel writes it – ``;`` delimiter, decimal comma with
thousands dot, ``dd.mm.yyyy`` dates, cp1252, CRLF, customer numbers with leading zeros – and
loads it, alternately, with

* **ours**: ``kbworkbook.load_transactions`` (sniffing encoding, delimiter, decimal style and
  date format, column mapping, parsing, every validation, privacy filter) into a pandas frame;
* **duckdb**: ``read_csv`` told the delimiter, header and encoding (it cannot detect a decimal
  comma), the same conversions in SQL – ``strptime`` for the date, thousands dots removed and
  the comma made a point for the two amounts, ``CAST`` for the quantity – fetched into a
  pandas frame (``.df()``), as ours delivers it.

Each load runs in a fresh process that first loads a ten-line file of the same layout (so
imports and first-call set-up are not timed, for either contender), then the big file. Time =
wall time of the big load; memory = the process's peak resident set (``ru_maxrss``, imports
included, read by a small launcher so that the generating parent's memory is not inherited).
Reported: median wall time, median CPU time (user + system, all threads: less sensitive to a
busy machine), highest peak over the runs, and the load average of the machine.

    python bench/bench_load.py [--rows 1e6,1e7] [--runs 3]

Needs the bench extra (duckdb): ``pip install -e .[bench]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from _measure import LAUNCHER  # bench/ is on sys.path as the script's folder

PRODUCTS = ["Brot", "Gipfeli", "Kaffee", "Kuchen", "Rahm", "Zopf", "Müesli", "Nussgipfel"]

OURS = """
import json, sys, time
import kbworkbook as kb
kb.load_transactions(sys.argv[2])  # warm-up: imports and first calls
start, cpu = time.perf_counter(), time.process_time()
df = kb.load_transactions(sys.argv[1])
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"seconds": elapsed, "cpu": cpu, "rows": len(df),
                  "revenue": float(df["revenue"].sum()),
                  "detected": {k: df.attrs["kb_detected"][k]
                               for k in ("encoding", "delimiter", "decimal", "date_format")}}))
"""

DUCKDB = """
import json, sys, time
import duckdb
import pandas

AMOUNT = "CAST(replace(replace({}, '.', ''), ',', '.') AS DOUBLE)"
QUERY = '''
SELECT strptime("Belegdatum", '%d.%m.%Y') AS date, "Kunden-Nr." AS customer_id,
       "Belegnummer" AS order_id, "Artikel" AS product,
       CAST("Menge" AS INTEGER) AS quantity,
       {revenue} AS revenue, {margin} AS margin
FROM read_csv('{path}', delim=';', header=true, encoding='latin-1', all_varchar=true)
'''


def load(path):
    sql = QUERY.format(path=path.replace("'", "''"), revenue=AMOUNT.format('"Umsatz (CHF)"'),
                       margin=AMOUNT.format('"Marge (CHF)"'))
    con = duckdb.connect()
    df = con.sql(sql).df()
    con.close()
    return df


load(sys.argv[2])  # warm-up
start, cpu = time.perf_counter(), time.process_time()
df = load(sys.argv[1])
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"seconds": elapsed, "cpu": cpu, "rows": len(df),
                  "revenue": float(df["revenue"].sum())}))
"""

CONTENDERS = {"ours": OURS, "duckdb": DUCKDB}


def _german(values: np.ndarray) -> pd.Series:
    """Amounts as German Excel shows them: ``-1.234,56``."""
    cents = np.rint(np.abs(values) * 100).astype(np.int64)
    whole = pd.Series(cents // 100).astype(str)
    big = np.flatnonzero(cents >= 100_000)
    whole.iloc[big] = [f"{v:,}".replace(",", ".") for v in (cents[big] // 100).tolist()]
    fraction = pd.Series(cents % 100).astype(str).str.zfill(2)
    sign = pd.Series(np.where(values < 0, "-", ""))
    return sign + whole + "," + fraction


def generate(path: Path, rows: int, seed: int = 42) -> None:
    """Write ``rows`` transaction lines in German Excel CSV style (seeded)."""
    rng = np.random.default_rng(seed)
    offsets = rng.integers(0, 3 * 365, rows)
    labels = (pd.Timestamp("2023-01-01")
              + pd.to_timedelta(np.arange(3 * 365), "D")).strftime("%d.%m.%Y")
    revenue = np.round(rng.gamma(2.0, 12.0, rows) * np.where(rng.random(rows) < 0.01, -1, 1), 2)
    revenue[rng.random(rows) < 0.001] *= 1000  # a few amounts with thousands separators
    margin = np.round(revenue * 0.35, 2)
    frame = pd.DataFrame({
        "Belegdatum": np.asarray(labels)[offsets],
        "Kunden-Nr.": pd.Series(rng.integers(1, 5000, rows)).astype(str).str.zfill(6),
        "Belegnummer": np.arange(100000, 100000 + rows).astype(str),
        "Artikel": np.array(PRODUCTS)[rng.integers(0, len(PRODUCTS), rows)],
        "Menge": rng.integers(1, 5, rows).astype(str),
        "Umsatz (CHF)": _german(revenue),
        "Marge (CHF)": _german(margin),
    })
    frame.to_csv(path, sep=";", index=False, encoding="cp1252", lineterminator="\r\n")


def run(name: str, path: Path, small: Path, tmp: Path) -> dict[str, float]:
    rss = tmp / f"{name}.rss"
    command = [sys.executable, "-c", LAUNCHER, str(rss), sys.executable, "-c",
               CONTENDERS[name], str(path), str(small)]
    proc = subprocess.run(command, check=True, capture_output=True, text=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["peak_mib"] = int(rss.read_text()) / 1024.0
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", default="1e6,1e7", help="comma-separated sizes")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = [int(float(s)) for s in args.rows.split(",")]
    table = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        small = tmp / "klein.csv"
        generate(small, 10, seed=1)
        for rows in sizes:
            path = tmp / "umsaetze.csv"
            generate(path, rows)
            size_mb = path.stat().st_size / 1e6
            load_before = os.getloadavg()[0]
            results: dict[str, list[dict[str, float]]] = {n: [] for n in CONTENDERS}
            for _ in range(args.runs):
                for contender in CONTENDERS:
                    results[contender].append(run(contender, path, small, tmp))
            load_after = os.getloadavg()[0]
            ours, duck = results["ours"][0], results["duckdb"][0]
            assert ours["rows"] == duck["rows"] == rows, (ours["rows"], duck["rows"])
            assert abs(ours["revenue"] - duck["revenue"]) < 1e-6 * max(1.0, abs(duck["revenue"]))
            print(f"# 10^{round(np.log10(rows))}: {size_mb:.0f} MB, detected "
                  f"{ours['detected']}, load average {load_before:.1f} → {load_after:.1f}",
                  file=sys.stderr)
            for contender, runs in results.items():
                seconds = [r["seconds"] for r in runs]
                table.append((rows, contender, statistics.median(seconds), seconds,
                              statistics.median(r["cpu"] for r in runs),
                              max(r["peak_mib"] for r in runs), load_before, load_after))
            path.unlink()
    print("| lines | contender | median s | runs (s) | median CPU s | peak MiB | load average |")
    print("|---|---|---:|---|---:|---:|---|")
    for rows, contender, median, seconds, cpu, peak, before, after in table:
        runs_text = ", ".join(f"{s:.2f}" for s in seconds)
        print(f"| 10^{round(np.log10(rows))} | {contender} | {median:.2f} | {runs_text} | "
              f"{cpu:.2f} | {peak:.0f} | {before:.1f} → {after:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
