"""Benchmark: build the sample client's full report with 1 and 2 jobs, and a large client's.

Prints the median wall time per job count over ``--runs`` runs, each chapter's median time
(execution + HTML export inside its worker) and the peak memory of the parent process.

``--large 1e6`` also builds, alternating with the sample (``--jobs 2``, caches emptied before
every build: a first report), the report of a client whose sales file has that many lines: the
sample workspace with its sales export replaced by ``bench_load.py``'s German-Excel CSV.
Issue 12's target: at 10^6 lines at most 1.3× the sample's time.

    python bench/bench_report.py [--runs 3] [--large 1e6]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from kbworkbook.report import build_report

TARGET_LARGE = 1.3


def _large_workspace(folder: Path, rows: int) -> Path:
    """The sample workspace with a ``rows``-line sales export instead of its own."""
    from bench_load import generate  # bench/ is on sys.path as the script's folder

    from kbworkbook.workspace import SAMPLE_WORKSPACE

    root = folder / "gross"
    shutil.copytree(SAMPLE_WORKSPACE, root, ignore=shutil.ignore_patterns("reports"))
    for old in (root / "data").glob("transactions.*"):
        old.unlink()
    generate(root / "data" / "transactions.csv", rows)
    return root


def _first_report(workspace: Path | None, out: str) -> float:
    """Seconds for a report with empty caches (``--jobs 2``)."""
    from kbworkbook.input_files import cache_root
    from kbworkbook.workspace import Workspace

    shutil.rmtree(cache_root(Workspace.open(workspace)), ignore_errors=True)
    started = time.perf_counter()
    result = build_report(workspace, out=out, jobs=2, today=dt.date(2026, 1, 15))
    assert result.ok, [c.reason for c in result.failed]
    return time.perf_counter() - started


def large(rows: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = _large_workspace(Path(tmp), rows)
        times: dict[str, list[float]] = defaultdict(list)
        for _ in range(runs):
            for name, workspace in (("sample", None), (f"{rows:.0e} lines", root)):
                with tempfile.TemporaryDirectory() as out:
                    times[name].append(_first_report(workspace, out))
    medians = {k: statistics.median(v) for k, v in times.items()}
    base = medians["sample"]
    print(f"\n{'first report, --jobs 2':<40} {'median s':>9} {'× sample':>9}  runs")
    for name, values in times.items():
        print(f"{name:<40} {medians[name]:>9.1f} {medians[name] / base:>9.2f}  "
              f"{', '.join(f'{v:.1f}' for v in values)}")
    worst = max(medians.values()) / base
    print(f"large client {worst:.2f}× the sample (target ≤ {TARGET_LARGE}×): "
          f"{'met' if worst <= TARGET_LARGE else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--large", type=float, default=0,
                        help="also a client with this many sales lines (e.g. 1e6)")
    parser.add_argument("--only-large", action="store_true")
    args = parser.parse_args()
    if args.large:
        large(int(args.large), args.runs)
    if args.only_large:
        return
    per_chapter: dict[str, list[float]] = defaultdict(list)
    walls: dict[int, list[float]] = defaultdict(list)
    for jobs in (1, 2):
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as out:
                started = time.perf_counter()
                result = build_report(None, out=out, jobs=jobs, today=dt.date(2026, 1, 15))
                walls[jobs].append(time.perf_counter() - started)
                assert result.ok, [c.reason for c in result.failed]
                if jobs == 1:
                    for chapter in result.chapters:
                        per_chapter[chapter.chapter.notebook].append(chapter.seconds)
    print(f"{'report (sample client)':<40} {'median s':>9}  runs")
    for jobs, values in walls.items():
        print(f"{'kbworkbook report --jobs ' + str(jobs):<40} {statistics.median(values):>9.1f}"
              f"  {', '.join(f'{v:.1f}' for v in values)}")
    print(f"\n{'chapter (jobs=1)':<40} {'median s':>9}")
    for name, values in per_chapter.items():
        print(f"{name:<40} {statistics.median(values):>9.1f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\npeak RSS: parent {peak:.0f} MiB, largest child (kernel/worker) {kids:.0f} MiB")


if __name__ == "__main__":
    main()
