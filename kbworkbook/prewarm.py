"""The client's tables and figures prepared in the background while JupyterLab starts.

``kbworkbook lab`` starts :func:`warm_caches` in a separate, low-priority process: it loads the
workspace's inputs into the table cache (:mod:`kbworkbook.table_cache`) and computes the
analysis (:mod:`kbworkbook.analysis_cache`). The first chapter the consultant opens then reads
both instead of loading and computing them itself; if it starts before the warming is done, it
waits for the lock of the one computation instead of doing it twice. Nothing here prints: a
broken file is reported by the chapter that reads it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from multiprocessing.process import BaseProcess
from pathlib import Path

__all__ = ["start_warming", "stop_warming", "warm_caches"]

#: seconds to wait for the warming process to end after asking it to
STOP_TIMEOUT = 5.0


def warm_caches(root: str | os.PathLike[str]) -> None:
    """Load every input of the workspace at ``root`` and compute its analysis (both kept)."""
    with contextlib.suppress(Exception):  # noqa: BLE001 - whatever fails, a chapter says why
        if hasattr(os, "nice"):
            os.nice(10)  # JupyterLab and the consultant's kernel go first
        from .errors import KbWorkbookError
        from .input_files import TABLE_NAMES
        from .notebook import setup

        ctx = setup(str(Path(root)))
        for name in TABLE_NAMES:
            with contextlib.suppress(KbWorkbookError):
                ctx.table(name)
        ctx.analysis()


def start_warming(root: str | os.PathLike[str]) -> BaseProcess | None:
    """:func:`warm_caches` in a new process (``spawn``: nothing of the caller is inherited);
    ``None`` when no process can be started (the workshop works without it)."""
    try:
        process = multiprocessing.get_context("spawn").Process(
            target=warm_caches, args=(str(root),), name="kbworkbook-prewarm", daemon=True)
        process.start()
    except (OSError, RuntimeError):
        return None
    return process


def stop_warming(process: BaseProcess | None) -> None:
    """End the warming process if it still runs (the caches stay consistent: every file is
    written atomically, a lock dies with its process)."""
    if process is None or not process.is_alive():
        return
    process.terminate()
    process.join(STOP_TIMEOUT)
    if process.is_alive():
        process.kill()
        process.join(STOP_TIMEOUT)
