"""Benchmark: kbworkbook.models vs lifetimes 0.11.3 on simulated BG/NBD + Gamma-Gamma customers.

Usage::

    python bench/bench_models.py [--sizes 1e5,1e6] [--grids days,continuous] [--reps 3]

For each size, customer summaries (frequency, recency, T in days, monetary_value) are drawn
with :func:`kbworkbook.models.simulate.simulate_customers` from known parameters (r = 0.5,
α = 20 days, a = 0.8, b = 2.5; p = 6, q = 4, v = 15; first purchases 30–730 days before the
end) and written to parquet, in two shapes: ``days`` – T in whole days and recency rounded to
whole days, as ``models.rfm_summary(unit="D")`` reports real data; ``continuous`` – exact
times, so no two customers share (frequency, T) and ours cannot reuse a hypergeometric value.
Two tasks:

* ``fit``: BG/NBD on all customers + Gamma-Gamma on the repeat buyers;
* ``score``: with the SAME parameters for both (ours, passed in): P(alive), expected purchases
  in the next 365 days, expected value per purchase and a 12-month CLV (month = 30 days,
  monthly discount 0.01 – lifetimes' ``customer_lifetime_value(freq="D")`` definition, which
  ours expresses as ``unit=30, yearly_discount_rate=1.01**12 − 1``).

Every run is a fresh subprocess that loads the parquet and runs the task once; ours and
lifetimes alternate run by run, so a changing machine load hits both alike. Time = median of
the runs. Memory = the largest over the runs of the worker's ``ru_maxrss`` (via a tiny
launcher, see bench_metrics.py), taken after the worker reset its high-water mark once the
input was loaded, minus its RSS at that moment. Fitted parameters must agree within a
relative 1e-4 and the scores within 1e-6, or the run fails.

Needs the bench extra (lifetimes 0.11.3, which imports under the locked numpy/pandas/scipy):
``make bench``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _measure import LAUNCHER, current_rss_mib  # bench/ is on sys.path as the script dir

TRUTH = {"r": 0.5, "alpha": 20.0, "a": 0.8, "b": 2.5}
VALUE = {"p": 6.0, "q": 4.0, "v": 15.0}
HORIZON_DAYS = 365.0
MONTHLY = 0.01
LIFETIMES_LIMIT_S = 900.0  # skip lifetimes at a size when its estimated time exceeds this


def generate(n: int, grid: str, seed: int = 20240) -> pd.DataFrame:
    """Simulated summaries; ``grid="days"``: T whole days and recency rounded to whole days
    (≥ 1 for repeat buyers), as ``models.rfm_summary(unit="D")`` reports real data;
    ``"continuous"``: exact times, so no two customers share (frequency, T)."""
    from kbworkbook.models.simulate import simulate_customers

    rng = np.random.default_rng(seed)
    if grid == "days":
        T = rng.integers(30, 731, n).astype("float64")
    else:
        T = rng.uniform(30.0, 730.0, n)
    s = simulate_customers(n, T, rng, **TRUTH, **VALUE)
    if grid == "days":
        rep = s["frequency"] > 0
        s["recency"] = np.where(rep, np.clip(np.round(s["recency"]), 1.0, s["T"]), 0.0)
    return s


# --------------------------------------------------------------------------- contenders


def ours_fit(s: pd.DataFrame, _params: dict) -> dict:
    from kbworkbook import models

    bg = models.fit_bgnbd(s["frequency"], s["recency"], s["T"])
    gg = models.fit_gamma_gamma(s["frequency"], s["monetary_value"])
    return {**bg.params, **gg.params}


def lifetimes_fit(s: pd.DataFrame, _params: dict) -> dict:
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    bgf = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
    rep = s.loc[s["frequency"] > 0]
    ggf = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    return {**bgf.params_.to_dict(), **ggf.params_.to_dict()}


def ours_score(s: pd.DataFrame, params: dict) -> pd.DataFrame:
    from kbworkbook import models

    bg = models.BgNbdFit(params["r"], params["alpha"], params["a"], params["b"], 0.0, len(s),
                         0, 0.0)
    gg = models.GammaGammaFit(params["p"], params["q"], params["v"], 0.0, len(s), 0, 0.0)
    x, t_x, T = s["frequency"], s["recency"], s["T"]
    margin = models.expected_margin(gg, x, s["monetary_value"])
    return pd.DataFrame({
        "p_alive": models.p_alive(bg, x, t_x, T),
        "purchases": models.expected_purchases(bg, HORIZON_DAYS, x, t_x, T),
        "margin": margin,
        "clv": models.clv(bg, x, t_x, T, margin, unit=30.0, months=12,
                          yearly_discount_rate=(1 + MONTHLY) ** 12 - 1),
    })


def lifetimes_score(s: pd.DataFrame, params: dict) -> pd.DataFrame:
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    bgf = BetaGeoFitter()
    bgf.params_ = pd.Series({k: params[k] for k in ("r", "alpha", "a", "b")})
    bgf.predict = bgf.conditional_expected_number_of_purchases_up_to_time
    ggf = GammaGammaFitter()
    ggf.params_ = pd.Series({k: params[k] for k in ("p", "q", "v")})
    x, t_x, T, m = s["frequency"], s["recency"], s["T"], s["monetary_value"]
    return pd.DataFrame({
        "p_alive": bgf.conditional_probability_alive(x, t_x, T),
        "purchases": bgf.conditional_expected_number_of_purchases_up_to_time(
            HORIZON_DAYS, x, t_x, T).to_numpy(),
        "margin": ggf.conditional_expected_average_profit(x, m).to_numpy(),
        "clv": ggf.customer_lifetime_value(bgf, x, t_x, T, m, time=12,
                                           discount_rate=MONTHLY, freq="D").to_numpy(),
    })


CONTENDERS = {
    ("fit", "ours"): ours_fit,
    ("fit", "lifetimes"): lifetimes_fit,
    ("score", "ours"): ours_score,
    ("score", "lifetimes"): lifetimes_score,
}


def worker(name: str, data: str, params_file: str, reps: int, out: str) -> None:
    """Child process: load, run ``reps`` times, save the first result, print timings."""
    import gc
    import warnings

    warnings.simplefilter("ignore")  # lifetimes' pandas/numpy deprecation warnings
    task, who = name.split(":")
    s = pd.read_parquet(data)
    params = json.loads(Path(params_file).read_text()) if params_file else {}
    if who == "lifetimes":  # import outside the timed region, like ours (below)
        import lifetimes  # noqa: F401
    else:
        import kbworkbook.models  # noqa: F401
    gc.collect()
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    baseline = current_rss_mib()
    times = []
    result = None
    fn = CONTENDERS[(task, who)]
    for _ in range(reps):
        t0 = time.perf_counter()
        res = fn(s, params)
        times.append(time.perf_counter() - t0)
        if result is None:
            result = res
        del res
    if isinstance(result, dict):
        Path(out).write_text(json.dumps(result))
    else:
        assert result is not None
        result.to_parquet(out)
    print(json.dumps({"times": times, "baseline": baseline}))




def spawn(name: str, data: Path, params: Path | None, reps: int, out: Path
          ) -> tuple[list[float], float]:
    cmd = [sys.executable, "-c", LAUNCHER, str(out) + ".rss", sys.executable, __file__,
           "--worker", name, "--data", str(data), "--params", str(params or ""),
           "--reps", str(reps), "--out", str(out)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {name} failed with {proc.returncode}")
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    maxrss_kib = int(Path(str(out) + ".rss").read_text())
    return report["times"], maxrss_kib / 1024.0 - report["baseline"]


def fmt_size(n: int) -> str:
    return f"10^{round(np.log10(n))}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="1e5,1e6")
    ap.add_argument("--grids", default="days,continuous")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of every contender")
    ap.add_argument("--worker")
    ap.add_argument("--data")
    ap.add_argument("--params")
    ap.add_argument("--out")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.data, args.params, 1, args.out)
        return

    print(f"# load average at start: {os.getloadavg()[0]:.1f}", file=sys.stderr)
    rows: list[list] = []
    lifetimes_per_customer: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for grid in args.grids.split(","):
            for n in [int(float(s)) for s in args.sizes.split(",")]:
                rows.extend(run_size(tmp, grid, n, args.reps, lifetimes_per_customer))
    print(f"# load average at end: {os.getloadavg()[0]:.1f}", file=sys.stderr)
    print("| summaries | customers | task | contender | median s | peak MiB above load | "
          "runs (s) | lifetimes ÷ ours, agreement |")
    print("|---|---|---|---|---:|---:|---|---|")
    for grid, size, task, who, med, mem, runs, note in rows:
        med_s = "—" if med is None else f"{med:.3f}"
        mem_s = "—" if mem is None else f"{mem:.0f}"
        print(f"| {grid} | {size} | {task} | {who} | {med_s} | {mem_s} | {runs} | {note} |")


def run_size(tmp: Path, grid: str, n: int, reps: int,
             lifetimes_per_customer: dict[str, float]) -> list[list]:
    """Both tasks at one size; the contenders alternate run by run (fair under a varying
    machine load); the fit of ours provides the parameters both score with."""
    data = tmp / f"customers_{grid}_{n}.parquet"
    generate(n, grid).to_parquet(data)
    params_file = tmp / f"params_{grid}_{n}.json"
    rows = []
    for task in ("fit", "score"):
        times: dict[str, list[float]] = {"ours": [], "lifetimes": []}
        peaks: dict[str, list[float]] = {"ours": [], "lifetimes": []}
        results: dict[str, object] = {}
        skip = ""
        if task in lifetimes_per_customer:
            est = lifetimes_per_customer[task] * n
            if est > LIFETIMES_LIMIT_S:
                skip = f"skipped (est. {est:.0f} s)"
        for _ in range(reps):
            for who in ("ours", "lifetimes"):
                if who == "lifetimes" and skip:
                    continue
                out = tmp / f"{task}_{who}_{grid}_{n}.out"
                t, mem = spawn(f"{task}:{who}", data, params_file if task == "score" else None,
                               1, out)
                times[who] += t
                peaks[who].append(mem)
                if who not in results:
                    results[who] = (json.loads(out.read_text()) if task == "fit"
                                    else pd.read_parquet(out))
                    if task == "fit" and who == "ours":
                        params_file.write_text(out.read_text())
                print(f"# {grid} {fmt_size(n)} {task} {who}: {t[0]:.3f} s, +{mem:.0f} MiB",
                      file=sys.stderr)
        note = ""
        if "lifetimes" in results:
            lifetimes_per_customer[task] = statistics.median(times["lifetimes"]) / n
            if task == "fit":
                ours_p, theirs = results["ours"], results["lifetimes"]
                assert isinstance(ours_p, dict) and isinstance(theirs, dict)
                rel = max(abs(ours_p[k] - theirs[k]) / abs(theirs[k]) for k in ours_p)
                print(f"# params ours {ours_p}\n#   lifetimes {theirs}", file=sys.stderr)
                assert rel <= 1e-4, f"parameters differ by {rel:.2e}"
                agreement = f"params max rel. diff {rel:.1e}"
            else:
                a, b = results["ours"], results["lifetimes"]
                assert isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame)
                rel = float(np.max(np.abs(a.to_numpy() - b.to_numpy())
                                   / np.maximum(np.abs(b.to_numpy()), 1e-12)))
                assert rel <= 1e-6, f"scores differ by {rel:.2e}"
                agreement = f"scores max rel. diff {rel:.1e}"
            ratio = statistics.median(times["lifetimes"]) / statistics.median(times["ours"])
            note = f"{ratio:.1f}× faster; {agreement}"
        for who in ("ours", "lifetimes"):
            if who == "lifetimes" and skip:
                rows.append([grid, fmt_size(n), task, who, None, None, skip, ""])
                continue
            rows.append([grid, fmt_size(n), task, who, statistics.median(times[who]),
                         max(peaks[who]), ", ".join(f"{t:.2f}" for t in times[who]),
                         note if who == "ours" else ""])
    data.unlink()
    return rows


if __name__ == "__main__":
    main()
