"""numpy and pyarrow without huge-page advice in the workbook's processes (Linux)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kbworkbook.hugepages import SETTINGS, avoid_stalls

PROBE = """
import json, kbworkbook, numpy, pyarrow
from numpy._core import multiarray
print(json.dumps([multiarray._get_madvise_hugepage(),
                  pyarrow.default_memory_pool().backend_name]))
"""


def test_linux_gets_both_settings_and_a_users_own_value_stays() -> None:
    environ = {"ARROW_DEFAULT_MEMORY_POOL": "jemalloc"}
    avoid_stalls(environ, "linux")
    assert environ == {"ARROW_DEFAULT_MEMORY_POOL": "jemalloc", "NUMPY_MADVISE_HUGEPAGE": "0"}


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_other_systems_are_left_alone(platform: str) -> None:
    environ: dict[str, str] = {}
    avoid_stalls(environ, platform)
    assert environ == {}


def _probe(env: dict[str, str]) -> list:
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                         text=True, check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(sys.platform != "linux", reason="the settings apply on Linux only")
def test_a_process_that_imports_kbworkbook_first_runs_without_huge_page_advice() -> None:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    assert _probe(env) == [False, "system"]
    # a user's choice wins
    assert _probe({**env, "NUMPY_MADVISE_HUGEPAGE": "1",
                   "ARROW_DEFAULT_MEMORY_POOL": "jemalloc"}) == [True, "jemalloc"]
