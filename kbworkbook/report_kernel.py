"""Run one chapter notebook headless and export it: the work of one report worker process.

Papermill executes the notebook on *this* interpreter's kernel (no kernelspec lookup, so a
fresh venv never hits ``NoSuchKernel``), over local IPC sockets in the run's own folder (no
TCP port, no connection file in the user's Jupyter folders). Whatever happens in a cell is
classified into a failure kind with a German (or English) note; a cell that runs past the
per-cell limit or a kernel that dies are never reported by exception name or cell source.

Kernel ahead: when the task allows it (``kernel_ahead``: a core for each worker) and a chapter
is left to start (:func:`count_chapters`), the worker starts the kernel of its next chapter
while the current one runs, and that kernel imports what every chapter imports
(:mod:`kbworkbook.kernel_preload`, silently). The next chapter runs on it: a fresh process
that has never run a cell, so its results are those of a kernel started for it. A kernel
ahead that did not start, or died, is shut down and the chapter starts its own as before; the
worker shuts the last one down when it ends (and the report's stop kills it with the worker,
as any kernel).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .report_html import export_html, page, stopped_cell
from .report_text import failure_sentence, first_line
from .workspace import Workspace

__all__ = ["ChapterOutcome", "ChapterTask", "execute_chapter", "this_python_kernel_manager"]


@dataclass(frozen=True)
class ChapterTask:
    """Everything a worker needs to run one chapter (small: it is pickled to the worker)."""

    number: str
    language: str
    notebook_in: str
    notebook_out: str
    html_out: str
    workspace: str
    as_of: dt.date | None
    created: dt.date
    subtitle: str
    title: str
    parameters: dict[str, Any]
    cwd: str
    #: a folder of its own for the kernel's sockets and connection file
    kernel_dir: str
    #: seconds one cell may run before the chapter is stopped
    cell_timeout: float
    #: start the kernel of this worker's next chapter while this one runs (when chapters are
    #: left to start: :func:`count_chapters`)
    kernel_ahead: bool = False


@dataclass(frozen=True)
class ChapterOutcome:
    """What came of one :class:`ChapterTask` (plain data for the parent process)."""

    number: str
    status: str
    seconds: float
    html_path: str | None
    notebook_path: str | None
    cell: int | None = None
    reason: str = ""
    kind: str = ""
    note: str = ""


def this_python_kernel_manager(ipc_dir: str) -> type:
    """A kernel manager that starts ipykernel on ``sys.executable`` with sockets in ``ipc_dir``."""
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class ThisPythonKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            # local IPC sockets instead of TCP ports: nothing listens on the network
            kwargs.setdefault("connection_file", os.path.join(ipc_dir, "kernel.json"))
            super().__init__(transport="ipc", ip=os.path.join(ipc_dir, "kernel"), **kwargs)

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            # the kernel's own log lines (e.g. on shutdown) are not for the terminal; cell
            # errors reach papermill through the notebook protocol, not through stderr
            kw.setdefault("stderr", subprocess.DEVNULL)
            await super()._async_launch_kernel(kernel_cmd, **kw)

        @property
        def kernel_spec(self) -> KernelSpec:
            return KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                display_name="Python 3 (kbworkbook)",
                language="python",
                resource_dir="",
            )

    return ThisPythonKernelManager


#: seconds a kernel ahead may take to start and import
AHEAD_TIMEOUT = 120.0


@dataclass
class KernelAhead:
    """A kernel started for a chapter not yet known, in a thread of the worker."""

    cwd: str
    kernel_dir: str
    ready: threading.Event = field(default_factory=threading.Event)
    manager: Any = None
    failed: bool = False


_ahead: list[KernelAhead] = []  # the worker's kernel ahead (at most one)
_unstarted: list[Any] = []  # the report's count of chapters not yet started (shared)


def count_chapters(unstarted: Any) -> None:
    """Share the report's count of chapters not yet started (a ``multiprocessing.Value``
    of the workers' context; ``None``: each task's ``kernel_ahead`` alone decides).

    Which worker gets which chapter is decided as workers become free, so a worker starts a
    kernel ahead whenever a chapter is left to start, not when *its* next chapter is known:
    the last chapter then finds a kernel waiting on whichever worker takes it (with two
    workers, one kernel ahead stays unused either way).
    """
    _unstarted[:] = [] if unstarted is None else [unstarted]


def chapters_left() -> int | None:
    """This chapter counted as started: how many are left to start (``None``: not counted)."""
    if not _unstarted:
        return None
    counter = _unstarted[0]
    with counter.get_lock():
        counter.value -= 1
        return int(counter.value)


def start_kernel_ahead(cwd: str, kernel_dir: str) -> KernelAhead:
    """Start a kernel in ``cwd`` (sockets in ``kernel_dir``) and let it import ahead, in a
    background thread; :func:`take_kernel_ahead` hands it to the next chapter."""
    ahead = KernelAhead(cwd=cwd, kernel_dir=kernel_dir)

    async def launch() -> None:
        from .kernel_preload import preload_code, run_silently

        Path(kernel_dir).mkdir(parents=True, exist_ok=True)
        manager = this_python_kernel_manager(kernel_dir)()
        ahead.manager = manager
        await manager.start_kernel(cwd=cwd)
        if not await run_silently(manager.client(), preload_code(), AHEAD_TIMEOUT):
            ahead.failed = True

    def run() -> None:
        try:
            asyncio.run(launch())
        except Exception:  # noqa: BLE001 - the chapter starts its own kernel instead
            ahead.failed = True
        finally:
            ahead.ready.set()

    threading.Thread(target=run, name="kbworkbook-kernel-ahead", daemon=True).start()
    _ahead.append(ahead)
    return ahead


def take_kernel_ahead(cwd: str) -> Any:
    """The worker's kernel ahead for a chapter running in ``cwd`` (waiting for it to be
    ready), or ``None``: none was started, it failed or died (it is then shut down)."""
    if not _ahead:
        return None
    ahead = _ahead.pop()
    ahead.ready.wait(AHEAD_TIMEOUT)
    usable = ahead.ready.is_set() and not ahead.failed and ahead.cwd == cwd
    if usable:
        try:
            usable = asyncio.run(ahead.manager.is_alive())
        except Exception:  # noqa: BLE001 - cannot tell: do not use it
            usable = False
    if usable:
        return ahead.manager
    shut_down(ahead.manager)
    return None


def shut_down(manager: Any) -> None:
    """End a kernel this worker started (no-op for ``None`` or an ended one)."""
    if manager is None:
        return
    with contextlib.suppress(Exception):
        asyncio.run(manager.shutdown_kernel(now=True))


def end_kernels_ahead() -> None:
    """At the worker's end: the kernel ahead that no chapter took is shut down."""
    while _ahead:
        ahead = _ahead.pop()
        ahead.ready.wait(AHEAD_TIMEOUT)
        shut_down(ahead.manager)


def _stopped_cell(notebook_out: Path) -> int | None:
    """The number of the cell the chapter stopped in (its execution count, else position)."""
    import nbformat

    try:
        nb = nbformat.read(notebook_out, as_version=4)
    except Exception:  # noqa: BLE001 - no notebook, or half written: the cell is unknown
        return None
    index = stopped_cell(nb)
    if index is None:
        return None
    return nb.cells[index].get("execution_count") or index


def _run(task: ChapterTask) -> tuple[str, int | None, str]:
    """Execute the notebook; return ``(kind, cell, reason)`` (``kind`` empty when fine)."""
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from . import errors

    notebook_out = Path(task.notebook_out)
    Path(task.kernel_dir).mkdir(parents=True, exist_ok=True)
    manager = take_kernel_ahead(task.cwd)
    left = chapters_left()
    if task.kernel_ahead and (left is None or left > 0):
        start_kernel_ahead(task.cwd, f"{task.kernel_dir}-next")
    try:
        pm.execute_notebook(
            task.notebook_in,
            str(notebook_out),
            parameters=task.parameters,
            kernel_name="python3",
            kernel_manager_class=this_python_kernel_manager(task.kernel_dir),
            progress_bar=False,
            log_output=False,
            cwd=task.cwd,
            start_timeout=120,
            execution_timeout=task.cell_timeout,
            # nothing of the kernel's state is kept: end it at once, also after a timeout
            shutdown_kernel="immediate",
            **({"km": manager} if manager is not None else {}),
        )
    except pm.PapermillExecutionError as exc:
        # a user's mistake (DataError …) speaks for itself; anything else names its type
        cell = exc.exec_count or exc.cell_index
        if exc.ename in errors.__all__ and exc.evalue:
            return "data", cell, first_line(exc.evalue)
        return "cell", cell, first_line(f"{exc.ename}: {exc.evalue}" if exc.evalue
                                        else exc.ename)
    except CellTimeoutError:
        return "timeout", _stopped_cell(notebook_out), ""
    except DeadKernelError:
        return "dead", _stopped_cell(notebook_out), ""
    except Exception as exc:  # noqa: BLE001 - kernel did not start, file unreadable …: mark it
        return "start", None, first_line(f"{type(exc).__name__}: {exc}")
    finally:
        shut_down(manager)  # papermill ends only the kernels it started itself
    return "", None, ""


def execute_chapter(task: ChapterTask) -> ChapterOutcome:
    """Run and export one chapter (in a worker process); never raises for a failing chapter."""
    started = time.perf_counter()
    kind, cell, reason = _run(task)
    notebook_out = Path(task.notebook_out)
    note = ""
    if kind:
        note = failure_sentence(task.language, task.number, kind, cell, reason,
                                limit=task.cell_timeout)
    html_path: str | None = None
    if notebook_out.is_file():
        ws = Workspace.open(task.workspace)
        try:
            export_html(notebook_out, Path(task.html_out),
                        page(ws, task.language, task.as_of, task.created, task.subtitle,
                             back_link=True),
                        task.title, note or None)
            html_path = task.html_out
        except Exception:  # noqa: BLE001 - a half-saved notebook of a failed chapter:
            if not kind:  # the report writes a placeholder page with the note instead
                raise
    return ChapterOutcome(
        number=task.number, status="failed" if kind else "ok",
        seconds=time.perf_counter() - started, html_path=html_path,
        notebook_path=str(notebook_out) if notebook_out.is_file() else None,
        cell=cell, reason=reason, kind=kind, note=note)
