"""Benchmark: build the sample client's full report with 1 and 2 jobs.

Prints the median wall time per job count over ``--runs`` runs, each chapter's median time
(execution + HTML export inside its worker) and the peak memory of the parent process.

    python bench/bench_report.py [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import tempfile
import time
from collections import defaultdict

from kbworkbook.report import build_report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
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
