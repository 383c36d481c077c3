"""Benchmark: each report chapter against a baseline notebook, measured in the same run.

The baseline is the cheapest useful notebook of the same pipeline: papermill executes a
notebook that imports matplotlib and draws five figures, nbconvert exports it to HTML without
code (images embedded). A chapter of the sample client's report (``build_report`` with one
job: kernel start, execution, HTML export) should cost at most 1.5× that baseline (issue 12).
Runs alternate baseline and report so both see the same machine load; the sample's caches
(analysis, loaded tables) are emptied before every report run (a first report, not a warm
rerun).

    python bench/bench_chapters.py [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

TARGET = 1.5
#: the whole report (workers, the analysis prepared in the report's process, seven chapters,
#: index), compared with seven baselines
REPORT = "whole report (jobs 1)"

BASELINE_CELLS = [
    "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
    "import numpy as np\n%matplotlib inline",
    *[f"rng = np.random.default_rng({i})\nfig, ax = plt.subplots(figsize=(7, 4))\n"
      f"ax.bar(range(12), rng.random(12))\nax.set_title('Abbildung {i + 1}')\nplt.show()"
      for i in range(5)],
]


def _baseline_notebook(folder: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Baseline")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in BASELINE_CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = folder / "baseline.ipynb"
    nbformat.write(nb, path)
    return path


def run_baseline(folder: Path) -> float:
    """papermill + nbconvert of the five-figure notebook; seconds."""
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    source = _baseline_notebook(folder)
    started = time.perf_counter()
    executed = folder / "baseline.out.ipynb"
    pm.execute_notebook(str(source), str(executed), kernel_name="python3", progress_bar=False,
                        log_output=False, cwd=str(folder))
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True)
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    (folder / "baseline.html").write_text(body, encoding="utf-8")
    return time.perf_counter() - started


def run_report(folder: Path) -> dict[str, float]:
    """The sample client's report with one job; seconds per chapter notebook."""
    from kbworkbook.report import build_report
    from kbworkbook.workspace import Workspace

    try:
        from kbworkbook.input_files import cache_root
    except ImportError:  # before the table cache existed: only the analysis was kept
        from kbworkbook.analysis_cache import cache_folder as cache_root
    shutil.rmtree(cache_root(Workspace.open(None)), ignore_errors=True)  # a first report
    started = time.perf_counter()
    result = build_report(None, out=folder / "report", jobs=1, today=dt.date(2026, 1, 15))
    wall = time.perf_counter() - started
    assert result.ok, [c.reason for c in result.failed]
    return {**{c.chapter.notebook: c.seconds for c in result.chapters}, REPORT: wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    baseline: list[float] = []
    chapters: dict[str, list[float]] = defaultdict(list)
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            baseline.append(run_baseline(Path(tmp)))
        with tempfile.TemporaryDirectory() as tmp:
            for name, seconds in run_report(Path(tmp)).items():
                chapters[name].append(seconds)
    base = statistics.median(baseline)
    print(f"{'notebook':<42} {'median s':>9} {'× baseline':>11}  runs")
    print(f"{'baseline: 5 matplotlib figures':<42} {base:>9.2f} {1.0:>11.2f}  "
          f"{', '.join(f'{v:.2f}' for v in baseline)}")
    worst = 0.0
    for name, values in chapters.items():
        median = statistics.median(values)
        scale = base * (len(chapters) - 1) if name == REPORT else base
        if name != REPORT:
            worst = max(worst, median / base)
        print(f"{name:<42} {median:>9.2f} {median / scale:>11.2f}  "
              f"{', '.join(f'{v:.2f}' for v in values)}")
    print(f"(the whole report against {len(chapters) - 1} baselines)")
    verdict = "met" if worst <= TARGET else "NOT met"
    print(f"\nworst chapter {worst:.2f}× baseline (target ≤ {TARGET}×): {verdict}")


if __name__ == "__main__":
    main()
