"""The chapters' kernels started ahead of time in ``kbworkbook lab`` (a Jupyter server extension).

Opening a notebook in JupyterLab starts its kernel (about 0.8 s here), and its first cell
imports pandas, matplotlib and kbworkbook (another 0.5 s). ``kbworkbook lab`` loads this module
into its Jupyter server. Once the server runs, the module starts a session for each chapter
notebook in the workshop folder, one after the other in chapter order, and lets each kernel
import what its chapter needs and draw one small chart into memory
(:mod:`kbworkbook.kernel_preload`). This runs silently: no execution count, nothing in the
notebook, no name left in the kernel's namespace.

Opening a chapter then finds its kernel waiting, as JupyterLab does for any notebook with a
running session (after a page reload, say). A chapter opened before its turn simply starts its
own kernel as usual; it is skipped here. A kernel that fails to start or to import is left as
it is: the chapter's first cell shows the error, as it would without this module.

Memory: each waiting kernel holds about 150 MB (``kbworkbook lab --no-kernels-ahead`` turns
this off).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from .chapters import CHAPTERS, Chapter
from .kernel_preload import preload_code as chapter_preload
from .kernel_preload import run_silently

__all__ = ["EXTENSION", "KERNEL_NAME", "chapters_in", "preload_code"]

#: the module name Jupyter loads (``ServerApp.jpserver_extensions``)
EXTENSION = __name__
#: the kernel the chapter notebooks ask for (their ``kernelspec``)
KERNEL_NAME = "python3"
#: seconds one kernel may take to start and import before the next one is started
STEP_TIMEOUT = 120.0

_log = logging.getLogger(__name__)
_tasks: set[asyncio.Task[None]] = set()  # running tasks are kept referenced until done


def chapters_in(folder: Path) -> list[Chapter]:
    """The chapters whose notebooks are in ``folder``, in chapter order."""
    return [c for c in CHAPTERS if (folder / c.notebook).is_file()]


def preload_code(chapter: Chapter) -> str:
    """What ``chapter``'s kernel runs ahead (:func:`kbworkbook.kernel_preload.preload_code`)."""
    return chapter_preload(chapter.module)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": EXTENSION}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Nothing to set up at load time; the work starts with the running server."""


async def _start_jupyter_server_extension(serverapp: Any) -> None:
    """Start the kernels in the background (the server does not wait for them)."""
    task = asyncio.ensure_future(start_kernels(serverapp))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def start_kernels(serverapp: Any) -> None:
    """A session per chapter notebook in the server's root folder, one after the other."""
    root = Path(serverapp.root_dir)
    for chapter in chapters_in(root):
        try:
            await asyncio.wait_for(_prepare(serverapp, chapter), STEP_TIMEOUT)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - the chapter starts its own kernel when opened
            _log.debug("kbworkbook: no kernel ahead for %s", chapter.notebook, exc_info=True)


async def _prepare(serverapp: Any, chapter: Chapter) -> None:
    sessions = serverapp.session_manager
    if await sessions.session_exists(path=chapter.notebook):
        return  # opened before its turn: it has its own kernel
    model = await sessions.create_session(path=chapter.notebook, name=chapter.notebook,
                                          type="notebook", kernel_name=KERNEL_NAME)
    kernel = serverapp.kernel_manager.get_kernel(model["kernel"]["id"])
    await run_silently(kernel.client(), preload_code(chapter), STEP_TIMEOUT)
