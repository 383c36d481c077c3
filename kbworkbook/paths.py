"""Containment: every file named in kbworkbook.toml stays inside the workspace.

A setting such as ``[data] nps = "data/umfrage.csv"`` is resolved against the workspace folder
with every symbolic link followed; the result must lie inside the (resolved) workspace and,
when it exists, be a regular file – not a folder, device or pipe. Anything else is refused with
a :class:`~kbworkbook.errors.WorkspaceError` naming the setting (»[data] nps«) and the fix.
A symbolic link that points outside the workspace counts as outside.

:func:`read_regular_file` reads such a file without following a link swapped in after the
check and without blocking on a pipe (``O_NONBLOCK``), and refuses anything not regular.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import WorkspaceError

__all__ = [
    "DATA_SUFFIXES",
    "is_inside",
    "read_regular_file",
    "resolve_setting",
    "setting_label",
]

#: File endings a data export may have (what :mod:`kbworkbook.io` reads).
DATA_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".parquet",
                                  ".pq")  # .xls: an xlsx saved under that name is read


def setting_label(table: str, key: str) -> str:
    """How a setting is named in messages: ``[data] nps``."""
    return f"[{table}] {key}"


def is_inside(root: Path, path: Path) -> bool:
    """True when ``path`` (after following every link) lies inside ``root`` (resolved)."""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # link loop, unreadable folder
        return False
    return resolved.is_relative_to(root.resolve())


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "ein Ordner"
    if stat.S_ISFIFO(mode):
        return "eine Pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "ein Gerät"
    if stat.S_ISSOCK(mode):
        return "ein Socket"
    return "keine gewöhnliche Datei"


def resolve_setting(
    root: Path,
    value: object,
    setting: str,
    *,
    expect: str = "file",
    suffixes: tuple[str, ...] | None = None,
    source: str = "kbworkbook.toml",
) -> Path:
    """The absolute, link-free path of ``value`` (a setting's text) inside ``root``.

    ``expect`` is ``"file"`` or ``"dir"``; a missing path is returned as is (callers decide
    whether absence matters). ``suffixes`` (lower case, with dot) limits accepted file endings.
    Raises :class:`WorkspaceError` when the path leaves the workspace, is of the wrong kind
    or has an unaccepted ending; the message names ``setting`` and says how to fix it.
    """
    text = str(value).strip()
    where = f"{source}, {setting}" if source else setting
    if not text or "\x00" in text:
        raise WorkspaceError(f"{where}: der Pfad ist leer oder ungültig. Bitte einen Pfad "
                             "relativ zum Arbeitsordner eintragen, z. B. »data/umsaetze.csv«.")
    root = root.resolve()
    candidate = Path(text).expanduser()
    candidate = candidate if candidate.is_absolute() else root / candidate
    if not is_inside(root, candidate):
        via_link = Path(os.path.normpath(candidate)).is_relative_to(root)
        reason = ("ist eine Verknüpfung auf eine Datei außerhalb des Arbeitsordners"
                  if via_link else "liegt außerhalb des Arbeitsordners")
        raise WorkspaceError(
            f"{where}: »{text}« {reason} »{root}«. kbworkbook liest nur Dateien im "
            "Arbeitsordner: bitte die Datei selbst (keine Verknüpfung) in den Arbeitsordner "
            "kopieren, z. B. nach »data/«, und den Pfad relativ dazu eintragen."
        )
    resolved = candidate.resolve()
    try:
        mode = resolved.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise WorkspaceError(f"{where}: »{text}« kann nicht geprüft werden ({exc.strerror}). "
                             "Bitte Pfad und Zugriffsrechte prüfen.") from None
    if mode is not None:
        if expect == "dir" and not stat.S_ISDIR(mode):
            raise WorkspaceError(f"{where}: »{text}« ist kein Ordner. Bitte einen Ordner im "
                                 "Arbeitsordner eintragen.")
        if expect == "file" and not stat.S_ISREG(mode):
            raise WorkspaceError(f"{where}: »{text}« ist {_kind(mode)}, keine Datei. Bitte "
                                 "den Pfad einer Datei im Arbeitsordner eintragen.")
    if suffixes is not None and resolved.suffix.lower() not in suffixes:
        raise WorkspaceError(
            f"{where}: »{text}« ist keine Datendatei; erkannt werden Dateien mit der Endung "
            f"{', '.join(suffixes)}. Bitte den Export als CSV, Excel (.xlsx) oder Parquet "
            "speichern und hier eintragen."
        )
    return resolved


def read_regular_file(path: Path, setting: str, limit: int,
                      source: str = "kbworkbook.toml") -> bytes:
    """The bytes of ``path`` – refused unless a regular file of at most ``limit`` bytes.

    Opens without following a final symbolic link and without blocking on a pipe, then checks
    the opened file itself (no race between check and read).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_BINARY", 0)
    where = f"{source}, {setting}" if source else setting
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise WorkspaceError(f"{where}: »{path.name}« kann nicht gelesen werden "
                             f"({exc.strerror}). Bitte Pfad und Zugriffsrechte prüfen.") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise WorkspaceError(f"{where}: »{path.name}« ist {_kind(mode)}, keine Datei.")
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            data = handle.read(limit + 1)
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:
        raise WorkspaceError(f"{where}: »{path.name}« ist größer als {limit // 1_000_000} MB. "
                             "Bitte eine kleinere Datei verwenden.")
    return data
