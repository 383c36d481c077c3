"""Benchmark: load a one-million-line German-format transactions CSV.

Generates (seeded) a file as German Excel writes it – ``;`` delimiter, decimal comma with
thousands dot, ``dd.mm.yyyy`` dates, cp1252, customer numbers with leading zeros – into a
temporary folder, then loads it with ``kbworkbook.load_transactions`` in a fresh subprocess
three times and reports the median wall time and the peak resident memory (``ru_maxrss``).

    python bench/bench_load.py [--rows 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

PRODUCTS = ["Brot", "Gipfeli", "Kaffee", "Kuchen", "Rahm", "Zopf", "Müesli", "Nussgipfel"]

CHILD = """
import json, resource, sys, time
import kbworkbook as kb
start = time.perf_counter()
df = kb.load_transactions(sys.argv[1])
elapsed = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "rows": len(df), "peak_mib": peak_kib / 1024,
                  "detected": {k: df.attrs["kb_detected"][k]
                               for k in ("encoding", "delimiter", "decimal", "date_format")}}))
"""


def generate(path: Path, rows: int, seed: int = 42) -> None:
    """Write ``rows`` transaction lines in German Excel CSV style (seeded)."""
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365, rows), "D")
    revenue = np.round(rng.gamma(2.0, 12.0, rows) * np.where(rng.random(rows) < 0.01, -1, 1), 2)
    revenue[rng.random(rows) < 0.001] *= 1000  # a few amounts with thousands separators
    margin = np.round(revenue * 0.35, 2)

    def german(values: np.ndarray) -> pd.Series:
        text = pd.Series(values).map(lambda v: f"{v:,.2f}")
        return text.str.replace(",", "X").str.replace(".", ",").str.replace("X", ".")

    frame = pd.DataFrame({
        "Belegdatum": days.strftime("%d.%m.%Y"),
        "Kunden-Nr.": pd.Series(rng.integers(1, 5000, rows)).map(lambda v: f"{v:06d}"),
        "Belegnummer": np.arange(100000, 100000 + rows).astype(str),
        "Artikel": np.array(PRODUCTS)[rng.integers(0, len(PRODUCTS), rows)],
        "Menge": rng.integers(1, 5, rows).astype(str),
        "Umsatz (CHF)": german(revenue),
        "Marge (CHF)": german(margin),
    })
    frame.to_csv(path, sep=";", index=False, encoding="cp1252", lineterminator="\r\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "umsaetze.csv"
        generate(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        results = []
        for _ in range(args.runs):
            proc = subprocess.run([sys.executable, "-c", CHILD, str(path)], check=True,
                                  capture_output=True, text=True)
            results.append(json.loads(proc.stdout))
    print(f"file: {args.rows:,} lines, {size_mb:.1f} MB, detected {results[0]['detected']}")
    print(f"load time: median {statistics.median(r['seconds'] for r in results):.2f} s "
          f"(runs: {', '.join(format(r['seconds'], '.2f') for r in results)})")
    print(f"peak memory (ru_maxrss of the loading process): "
          f"{max(r['peak_mib'] for r in results):.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
