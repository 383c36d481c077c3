"""Large tables without huge-page stalls (Linux).

numpy asks the kernel for transparent huge pages for every array of 4 MB or more
(``madvise``), and pyarrow's default allocator (mimalloc) does so for its memory. Where the
kernel defragments memory synchronously for such a request
(``/sys/kernel/mm/transparent_hugepage/defrag`` = ``madvise``, the default of Ubuntu and
Debian), a page fault can wait for memory to be compacted: with a 10^6-line sales export a
report spent 6.4–7.3 s of system time instead of 3.8–3.9 s and took 1.0–1.4 s longer; the
sample client's report is the same either way (``bench/README.md``).

Both libraries read a documented environment variable when they are imported:
``NUMPY_MADVISE_HUGEPAGE`` and ``ARROW_DEFAULT_MEMORY_POOL``. :func:`avoid_stalls` sets them,
unless the user set them, when :mod:`kbworkbook` is imported: it takes effect in a process that
had not imported numpy or pyarrow yet (the ``kbworkbook`` command) and in every process started
from it (report workers, kernels, the workshop's Jupyter server and its kernels).
"""

from __future__ import annotations

import os
import sys

__all__ = ["SETTINGS", "avoid_stalls"]

#: environment variable → value: no huge-page advice from numpy, pyarrow on the C allocator
SETTINGS = {"NUMPY_MADVISE_HUGEPAGE": "0", "ARROW_DEFAULT_MEMORY_POOL": "system"}


def avoid_stalls(environ: dict[str, str] | os._Environ[str] = os.environ,
                 platform: str = sys.platform) -> None:
    """Set :data:`SETTINGS` in ``environ`` on Linux, leaving any value the user chose."""
    if platform != "linux":
        return
    for name, value in SETTINGS.items():
        environ.setdefault(name, value)
