"""The report's worker processes import the notebook tools once, without the slow IRI checker."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
from kbworkbook.report_pool import preload_notebook_tools
preload_notebook_tools()
assert {"papermill", "nbconvert"} <= set(sys.modules)
import jsonschema, nbformat
nb = nbformat.v4.new_notebook()
nbformat.validate(nb)  # a valid notebook passes
nb.cells.append({"cell_type": "code"})  # no source, outputs, metadata: invalid
try:
    nbformat.validate(nb)
except nbformat.ValidationError:
    pass
else:
    raise SystemExit("an invalid notebook passed")
assert sys.modules.get("rfc3987_syntax") is None
assert "iri" not in jsonschema.Draft7Validator.FORMAT_CHECKER.checkers
print("ok")
"""


def test_workers_validate_notebooks_without_the_iri_checker() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
