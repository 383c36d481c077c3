"""Atomic file writes: a crash mid-save never leaves half a file.

Write to a temporary file in the same folder, flush and ``fsync`` it, then ``os.replace`` it
over the target (atomic on POSIX and Windows), and ``fsync`` the folder where supported.
The pattern follows jupyter_server's ``atomic_writing``. A process killed between the two
steps leaves a hidden ``.<name>.<8 random>.tmp`` file and the old target untouched;
:func:`remove_stale_temp_files` deletes such leftovers (only files of exactly that shape).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = [
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_write_text",
    "remove_stale_temp_files",
]

#: The temporary files :func:`atomic_write_bytes` creates (``tempfile.mkstemp`` names).
TEMP_NAME = re.compile(r"^\.(?P<target>.+)\.[a-z0-9_]{8}\.tmp$")


def _file_mode(target: Path) -> int:
    """The permissions the written file gets: the replaced file's, else what ``open`` would
    give a new file (0666 less the umask) — not ``mkstemp``'s private 0600."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; on any error the old file stays untouched.

    The file keeps the permissions of the file it replaces (a new file gets the usual ones).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = _file_mode(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    if hasattr(os, "O_DIRECTORY"):
        dir_fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` atomically."""
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_json(path: str | os.PathLike[str], obj: Any) -> None:
    """Serialise ``obj`` completely first (errors raise before touching the disk), then write."""
    data = json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    atomic_write_text(path, data)


def remove_stale_temp_files(folder: str | os.PathLike[str], older_than: float = 0.0) -> int:
    """Delete leftover temporary files of interrupted writes in ``folder``; return how many.

    Only regular files (not links) named like :data:`TEMP_NAME` and last modified more than
    ``older_than`` seconds ago are removed. Pass ``0`` only while holding the folder's lock
    (then no write can be under way); elsewhere use a generous age.
    """
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not TEMP_NAME.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or (older_than > 0
                                                  and now - info.st_mtime < older_than):
                continue
            os.unlink(entry.path)
            removed += 1
        except OSError:  # gone already, or not ours to delete: leave it
            continue
    return removed
