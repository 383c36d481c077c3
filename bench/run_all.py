"""Run every benchmark in bench/ one after the other (``make bench``).

Each benchmark prints its own table (medians and peak memory); see bench/README.md.
Pass ``--quick`` to use the smaller sizes only.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    runs = [
        [sys.executable, str(HERE / "bench_load.py")],
        [sys.executable, str(HERE / "bench_metrics.py")]
        + (["--sizes", "1e5,1e6"] if quick else []),
        [sys.executable, str(HERE / "bench_report.py")],
        [sys.executable, str(HERE / "bench_chapters.py")] + (["--runs", "1"] if quick else []),
        [sys.executable, str(HERE / "bench_models.py")] + (["--sizes", "1e5"] if quick else []),
    ]
    status = 0
    for command in runs:
        print("$", " ".join(Path(c).name if c.endswith(".py") else c for c in command), flush=True)
        status |= subprocess.call(command)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
