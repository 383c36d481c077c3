"""The client's tables and figures prepared in the background, before a chapter asks for them.

:func:`prepare` loads the workspace's inputs into the table cache (:mod:`kbworkbook.table_cache`)
and computes the analysis (:mod:`kbworkbook.analysis_cache`). A chapter that starts meanwhile
waits for the lock of the one computation instead of doing it twice, then reads both.

- ``kbworkbook lab`` runs it in a separate, low-priority process (:func:`start_warming`) while
  JupyterLab starts: the first chapter the consultant opens finds the figures ready.
- ``kbworkbook report`` runs it in a thread of the report's own process
  (:func:`prepare_in_thread`) while the chapter workers and their kernels start, so the
  analysis is not computed by whichever chapter happens to come first.

Nothing here prints: a broken file is reported by the chapter that reads it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import threading
from multiprocessing.process import BaseProcess
from pathlib import Path

__all__ = ["prepare", "prepare_in_thread", "start_warming", "stop_warming", "warm_caches"]

#: seconds to wait for the warming process to end after asking it to
STOP_TIMEOUT = 5.0


def prepare(root: str | os.PathLike[str], language: str | None = None,
            as_of: dt.date | None = None) -> None:
    """Load every input of the workspace at ``root`` and compute its analysis at ``as_of``
    (``None``: as the chapters do), both kept in the workspace's caches; never raises."""
    with contextlib.suppress(Exception):  # noqa: BLE001 - whatever fails, a chapter says why
        from .errors import KbWorkbookError
        from .input_files import TABLE_NAMES
        from .notebook import setup

        ctx = setup(str(Path(root)), language, as_of)
        # the analysis first: it holds its lock while it loads the tables, so a kernel that
        # asks meanwhile waits for its result instead of computing it from the table cache
        # (reading back a million lines this process has just loaded)
        ctx.analysis()
        for name in TABLE_NAMES:  # kept analyses load no table: the chapters' tables, too
            with contextlib.suppress(KbWorkbookError):
                ctx.table(name)


def warm_caches(root: str | os.PathLike[str]) -> None:
    """:func:`prepare` at low priority (JupyterLab and the consultant's kernel go first)."""
    with contextlib.suppress(OSError):
        if hasattr(os, "nice"):
            os.nice(10)
    prepare(root)


def prepare_in_thread(root: str | os.PathLike[str], language: str | None,
                      as_of: dt.date | None) -> threading.Thread:
    """:func:`prepare` in a daemon thread of this process (started; an interrupted report
    does not wait for it: every cache file is written atomically)."""
    thread = threading.Thread(target=prepare, args=(str(root), language, as_of),
                              name="kbworkbook-prepare", daemon=True)
    thread.start()
    return thread


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
