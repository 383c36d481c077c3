"""poppler-utils for the tests that read PDFs (the report's and the workshop kit's)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path


def tool(name: str) -> str:
    """The path of a poppler tool (pdfinfo, pdftotext, pdftoppm …); fails the test without it."""
    path = shutil.which(name)
    assert path, f"{name} is missing: run 'make test' as root or apt-get install poppler-utils"
    return path


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Each page's (width, height) in points, as pdfinfo reports them."""
    out = subprocess.run([tool("pdfinfo"), "-l", "999", str(pdf)], capture_output=True,
                         text=True, check=True).stdout
    return [(float(w), float(h)) for w, h in
            re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out)]
