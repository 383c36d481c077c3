"""Benchmark: opening a workshop chapter in a real browser and running all its cells.

``kbworkbook lab`` runs on a copy of the sample client; Playwright drives the system Chromium
(never a downloaded browser). For each chapter notebook, and for a baseline notebook that
imports matplotlib and draws five figures (the same as in ``bench_chapters.py``), measured
alternately in the same run:

- **open**: from asking for the notebook's page until its kernel reports idle (German UI:
  »Leerlauf«),
- **run**: from choosing »Ausführen → Alle Zellen ausführen« until the kernel, busy with the
  cells, reports idle again (cells run in order: the last one has finished).

Issue 12's target: open + run of a chapter within 3 s on the build machine. The notebook's
kernel is shut down and the page closed between measurements; each run is a fresh kernel.

    python bench/bench_workshop.py [--runs 3] [--chapters 01,04]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _lab import CHROMIUM, CHROMIUM_ARGS, TOKEN, menu, running_lab  # noqa: E402

TARGET = 3.0
TIMEOUT_MS = 120_000
BASELINE = "00_baseline_fuenf_grafiken.ipynb"


def _baseline(folder: Path) -> None:
    import nbformat
    from bench_chapters import BASELINE_CELLS

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Baseline")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in BASELINE_CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, folder / BASELINE)


def _measure(page: object, url: str, notebook: str) -> tuple[float, float]:
    """(open s, run s) of one notebook in a fresh kernel."""
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    started = time.monotonic()
    page.goto(f"{url}/lab/tree/{notebook}?token={TOKEN}")
    page.get_by_text("Python 3 (ipykernel) | Leerlauf").wait_for(timeout=TIMEOUT_MS)
    opened = time.monotonic()
    menu(page, "Ausführen", "Alle Zellen ausführen")
    # JupyterLab renders only the cells near the viewport: the kernel's status says when the
    # last cell has run (busy while cells run, idle after the last)
    status = page.locator(".jp-StatusBar-Widget", has_text="Python 3 (ipykernel) |")
    expect(status.first).to_contain_text("Beschäftigt", timeout=TIMEOUT_MS)
    expect(status.first).to_contain_text("Leerlauf", timeout=TIMEOUT_MS)
    done = time.monotonic()
    menu(page, "Kernel", "Kernel herunterfahren")
    return opened - started, done - opened


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chapters", default="01,02,03,04,05,06")
    args = parser.parse_args()
    assert CHROMIUM, "chromium is missing (apt-get install chromium)"
    from playwright.sync_api import sync_playwright

    from kbworkbook.workspace import SAMPLE_WORKSPACE

    wanted = {c.strip() for c in args.chapters.split(",")}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        workspace = tmp_path / "kunde"
        shutil.copytree(SAMPLE_WORKSPACE, workspace, ignore=shutil.ignore_patterns("reports"))
        results: dict[str, list[tuple[float, float]]] = {}
        with running_lab(workspace, tmp_path) as lab, sync_playwright() as playwright:
            notebooks = sorted(p.name for p in (workspace / "notebooks").glob("*.ipynb")
                               if p.name[:2] in wanted)
            _baseline(workspace / "notebooks")
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                 headless=True)
            try:
                for _ in range(args.runs):
                    for name in [BASELINE, *notebooks]:
                        page = browser.new_page(viewport={"width": 1400, "height": 1000})
                        try:
                            results.setdefault(name, []).append(
                                _measure(page, lab.url, name))
                        finally:
                            page.close()
            finally:
                browser.close()
    base = statistics.median(o + r for o, r in results[BASELINE])
    print(f"{'notebook':<40} {'open s':>7} {'run s':>7} {'total s':>8} {'× base':>7}  runs")
    worst = 0.0
    for name, values in results.items():
        opened = statistics.median(o for o, _ in values)
        run = statistics.median(r for _, r in values)
        total = statistics.median(o + r for o, r in values)
        if name != BASELINE:
            worst = max(worst, total)
        print(f"{name:<40} {opened:>7.2f} {run:>7.2f} {total:>8.2f} {total / base:>7.2f}  "
              f"{', '.join(f'{o + r:.2f}' for o, r in values)}")
    verdict = "met" if worst <= TARGET else "NOT met"
    print(f"\nslowest chapter {worst:.2f} s to open and run (target ≤ {TARGET} s): {verdict}")


if __name__ == "__main__":
    main()
