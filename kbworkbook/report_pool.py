"""Run the chapters of one report in worker processes, within a time limit, stoppable at once.

Each worker runs one chapter at a time (:func:`~kbworkbook.report_kernel.execute_chapter`);
the chapter's kernel is the worker's child. A Ctrl+C in the terminal reaches only the parent:
workers start with SIGINT blocked and then ignore it (kernels run in sessions of their own and
never see it). When the parent is interrupted, fails, or the report's time limit is reached,
it suspends the workers (so none starts another kernel), kills them and every process below
them, and waits for them at most :data:`STOP_WAIT` seconds. Chapters the time limit stopped
(or never started) come back as failed with a note that says so.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing import get_context, util
from pathlib import Path
from typing import Any

from .report_kernel import (
    ChapterOutcome,
    ChapterTask,
    count_chapters,
    end_kernels_ahead,
    execute_chapter,
)
from .report_text import failure_sentence

__all__ = ["STOP_WAIT", "interrupts_ignored", "run_chapters"]

#: seconds to wait for killed workers and kernels to be gone
STOP_WAIT = 1.0


def run_chapters(tasks: Sequence[ChapterTask], jobs: int,
                 finished: Callable[[ChapterOutcome], None],
                 time_limit: float) -> list[ChapterOutcome]:
    """Run ``tasks`` on ``jobs`` workers; results in task order.

    ``finished`` is called in the parent as each chapter ends. After ``time_limit`` seconds
    every chapter still running is stopped. On any exception (KeyboardInterrupt included) the
    workers and their kernels are ended before it propagates.
    """
    if not tasks:
        return []
    started = time.monotonic()
    deadline = started + time_limit
    results: dict[str, ChapterOutcome] = {}
    context = get_context("spawn")
    unstarted = context.Value("i", len(tasks))  # kernels ahead while chapters are left
    pool = ProcessPoolExecutor(max_workers=max(1, min(jobs, len(tasks))),
                               mp_context=context, initializer=_worker_setup,
                               initargs=(unstarted,))
    try:
        with _sigint_held_back():
            futures = {pool.submit(execute_chapter, task): task for task in tasks}
        pending: set[Future[ChapterOutcome]] = set(futures)
        while pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            done, pending = wait(pending, timeout=remaining, return_when=FIRST_COMPLETED)
            for future in done:
                outcome = _outcome(future, futures[future])
                results[outcome.number] = outcome
                finished(outcome)
        if pending:
            _end_workers(pool)
            for task in (futures[f] for f in futures if f in pending):
                outcome = _stopped(task, time_limit, time.monotonic() - started)
                results[outcome.number] = outcome
                finished(outcome)
    except BaseException:
        with interrupts_ignored():
            _end_workers(pool)
            pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True, cancel_futures=True)
    return [results[task.number] for task in tasks]


def _outcome(future: Future[ChapterOutcome], task: ChapterTask) -> ChapterOutcome:
    """The worker's result; a worker that died on its own counts as a dead kernel."""
    try:
        return future.result()
    except Exception:  # noqa: BLE001 - BrokenProcessPool: the worker ended (out of memory …)
        return ChapterOutcome(
            number=task.number, status="failed", seconds=0.0, html_path=None,
            notebook_path=None, kind="dead",
            note=failure_sentence(task.language, task.number, "dead"))


def _stopped(task: ChapterTask, time_limit: float, seconds: float) -> ChapterOutcome:
    """A chapter the time limit ended (it had started: papermill wrote its notebook) or
    never reached."""
    kind = "time_limit" if Path(task.notebook_out).exists() else "not_run"
    return ChapterOutcome(
        number=task.number, status="failed", seconds=seconds, html_path=None,
        notebook_path=None, kind=kind,
        note=failure_sentence(task.language, task.number, kind, limit=time_limit))


def _worker_setup(unstarted: Any = None) -> None:
    """In each worker: ignore Ctrl+C (the parent decides), no log lines on the terminal; the
    notebook tools imported once, before the first chapter (:func:`preload_notebook_tools`);
    the report's count of chapters not yet started (:func:`count_chapters`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):  # not the CLI's clean-stop handlers (fork copies them)
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # papermill and nbclient log a timeout or a dead kernel; the report says it in German
    logging.getLogger().addHandler(logging.NullHandler())
    preload_notebook_tools()
    count_chapters(unstarted)
    # the kernel ahead that no chapter took ends with the worker (a normal end of the pool)
    util.Finalize(None, end_kernels_ahead, exitpriority=10)


def preload_notebook_tools() -> None:
    """Import papermill and nbconvert's HTML export (about 0.4 s), without jsonschema's
    optional IRI format checker.

    nbformat validates with jsonschema, whose format checkers import ``rfc3987_syntax`` when
    it is installed (jupyter-events asks for ``jsonschema[format-nongpl]``); that module builds
    some 35 Earley parsers at import, 0.9 s per process (python-jsonschema/jsonschema#1428).
    No notebook schema uses the ``iri`` formats: the module is marked absent in the worker,
    so jsonschema leaves that one checker out.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401


@contextlib.contextmanager
def _sigint_held_back() -> Iterator[None]:
    """Block SIGINT while the workers are started: they inherit the blocked signal, so a
    Ctrl+C never hits a half-started worker; the parent receives it right after."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def interrupts_ignored() -> Iterator[None]:
    """Ignore further Ctrl+C (and SIGTERM/SIGHUP) while cleaning up after the first (main
    thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    numbers = [getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {number: signal.signal(number, signal.SIG_IGN) for number in numbers}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers and everything below them (kernels), then wait briefly."""
    import psutil

    # the executor offers no public handle on its worker processes
    processes = getattr(pool, "_processes", None) or {}
    workers: list[psutil.Process] = []
    for process in list(processes.values()):
        if not process.pid:  # not started (psutil.Process(None) would be this process)
            continue
        with contextlib.suppress(psutil.Error, ValueError):
            worker = psutil.Process(process.pid)
            worker.suspend()  # a suspended worker starts no further kernel
            workers.append(worker)
    family = list(workers)
    for worker in workers:
        with contextlib.suppress(psutil.Error):
            family.extend(worker.children(recursive=True))
    for process in family:
        with contextlib.suppress(psutil.Error):
            process.kill()
    # a killed kernel stays a zombie until someone reaps it: dead all the same
    deadline = time.monotonic() + STOP_WAIT
    while family and time.monotonic() < deadline:
        family = [p for p in family if _running(p)]
        if family:
            time.sleep(0.01)


def _running(process: Any) -> bool:
    import psutil

    try:
        return bool(process.status() != psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False
