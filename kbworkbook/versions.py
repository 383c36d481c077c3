"""Folders of saved versions, one JSON file each, shared safely by several sessions.

Used by :mod:`kbworkbook.store` (answers) and :mod:`kbworkbook.plan` (selection, action
plan). A version is ``<folder>/<YYYY-MM-DDTHH-MM-SS>.json``, ``-2``, ``-3`` … when several
fall into the same second. Every read-modify-write happens inside :func:`locked`:

- a per-folder lock (``<folder>/.lock``, the ``filelock`` library: ``flock`` on POSIX,
  ``LockFileEx`` on Windows; released by the operating system when a process dies), so two
  browser tabs, kernels or people saving into one questionnaire take turns;
- under the lock, :func:`next_version_path` sees every finished file, so two new versions in the
  same second get different names;
- leftovers of writes killed mid-way (``.*.tmp``) are removed, which is safe only here,
  because no other write into the folder can be under way.

Reading needs no lock (files are replaced atomically) and never writes, so a report can read a
read-only workspace. OS errors become a :class:`~kbworkbook.errors.StoreError` in German.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import StoreError
from .fileio import remove_stale_temp_files

__all__ = [
    "LOCK_NAME",
    "LOCK_TIMEOUT",
    "NAME",
    "locked",
    "next_version_path",
    "sort_key",
    "version_files",
    "write_error",
]

NAME = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2})(?:-(\d+))?\.json$")
LOCK_NAME = ".lock"
#: Seconds a save waits for another session's save before giving up (a save takes ms).
LOCK_TIMEOUT = 10.0

_READ_ONLY = {errno.EACCES, errno.EPERM, errno.EROFS}
_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def sort_key(path: Path) -> tuple[str, int]:
    """``(timestamp, sequence)`` of a version file name; files sort in creation order."""
    match = NAME.match(path.name)
    if match is None:
        raise ValueError(f"not a version file name: {path.name}")
    return match.group(1), int(match.group(2) or 1)


def version_files(folder: Path) -> list[Path]:
    """Every version file of ``folder``, oldest first (``[]`` when the folder is absent)."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if NAME.match(p.name)), key=sort_key)


def next_version_path(folder: Path, now: dt.datetime) -> Path:
    """A new, unused version path for a save at ``now``; call only inside :func:`locked`.

    Newer than every existing file even when the clock went back; never an existing name.
    """
    stamp = now.strftime("%Y-%m-%dT%H-%M-%S")
    newest = max((sort_key(p) for p in version_files(folder)), default=None)
    seq = 1
    if newest is not None and newest[0] >= stamp:
        stamp, seq = newest[0], newest[1] + 1
    while True:
        path = folder / (f"{stamp}.json" if seq == 1 else f"{stamp}-{seq}.json")
        if not path.exists():
            return path
        seq += 1


def write_error(path: Path, exc: OSError, what: str = "Die Antwort") -> StoreError:
    """A German :class:`StoreError` for a failed write: what happened and how to fix it."""
    if exc.errno in _READ_ONLY:
        hint = ("der Ordner ist schreibgeschützt. Bitte den Arbeitsordner an einen "
                "beschreibbaren Ort kopieren (nicht direkt vom USB-Stick, aus einem ZIP-Archiv "
                "oder einer schreibgeschützten Freigabe öffnen) oder die Schreibrechte prüfen")
    elif exc.errno in _FULL:
        hint = ("der Datenträger ist voll. Bitte Speicherplatz freigeben und erneut "
                "speichern; die bisher gespeicherten Antworten sind unverändert")
    else:
        hint = (f"{exc.strerror or type(exc).__name__}. Bitte prüfen, ob der Arbeitsordner "
                "erreichbar und beschreibbar ist")
    return StoreError(f"{what} wurde nicht gespeichert: {hint}. (Ordner: {path.parent})")


@contextmanager
def locked(folder: Path, *, timeout: float = LOCK_TIMEOUT,
           what: str = "Die Antwort") -> Iterator[Path]:
    """Hold ``folder``'s lock (creating the folder), clean stale temp files, yield ``folder``.

    Raises :class:`StoreError` when the folder cannot be created or locked (read-only, full)
    or another session holds the lock longer than ``timeout`` seconds.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(folder))
    except OSError as exc:
        raise write_error(folder / LOCK_NAME, exc, what) from exc
    lock = FileLock(str(folder / LOCK_NAME), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise StoreError(
            f"{what} wurde nicht gespeichert: eine andere Sitzung speichert gerade in "
            f"»{folder.name}« und ist nach {timeout:.0f} s noch nicht fertig. Bitte erneut "
            "versuchen; bleibt es dabei, die anderen offenen Notebooks schließen."
        ) from None
    except OSError as exc:
        raise write_error(folder / LOCK_NAME, exc, what) from exc
    try:
        remove_stale_temp_files(folder)
        yield folder
    finally:
        lock.release()
