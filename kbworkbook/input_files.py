"""The files a workspace's figures are computed from, and their content digests.

Both caches (:mod:`kbworkbook.analysis_cache` for the figures, :mod:`kbworkbook.table_cache`
for the loaded tables) are keyed by the content of these files. A digest is remembered by the
file's size and modification time in a memo (``<workspace>/.cache/digests.json``), so a large
sales export is hashed once per change, not in every kernel of a report.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .fileio import atomic_write_text

__all__ = ["DigestMemo", "cache_root", "configured_files", "digest_of", "workspace_files"]

#: The inputs a workspace reads, by table name (``[data.<table>] file = …``).
TABLE_NAMES = ("transactions", "nps", "posts", "complaints")


def cache_root(workspace: Any) -> Path:
    """``<workspace>/.cache`` (hidden; safe to delete at any time); for the bundled sample a
    folder in the temporary directory (the installed package's files are never written)."""
    from .workspace import SAMPLE_WORKSPACE

    root = Path(workspace.root)
    if root == SAMPLE_WORKSPACE.resolve():
        user = getattr(os, "getuid", lambda: 0)()
        return Path(tempfile.gettempdir()) / f"kbworkbook-{user}" / "sample-cache"
    return root / ".cache"


def workspace_files(root: Path, folder: str) -> Iterator[Path]:
    """Every file below ``root/folder`` (sorted; hidden files and folders left out: locks and
    the temporary files of atomic writes)."""
    base = root / folder
    if not base.is_dir():
        return
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_symlink() or path.is_file():
            yield path


def configured_files(workspace: Any) -> list[Path]:
    """``[data]`` files set in kbworkbook.toml that lie outside ``data/`` (inside the root)."""
    out = []
    for name in TABLE_NAMES:
        with contextlib.suppress(Exception):  # a broken setting is reported by the loader
            path = workspace.input_path(name) if workspace.data_entry(name).get("file") \
                else None
            if path is not None and path.is_file() and workspace.data_dir not in path.parents:
                out.append(path)
    return out


def digest_of(path: Path, memo: dict[str, list[Any]], root: Path) -> str:
    """Content digest (BLAKE2b, hex) of ``path``; a link: of its target's name, never read
    through. ``memo`` maps the path relative to ``root`` to ``[size, mtime_ns, digest]``."""
    rel = path.relative_to(root).as_posix()
    if path.is_symlink():
        return "link:" + os.readlink(path)
    stat = path.stat()
    known = memo.get(rel)
    if known and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
        return str(known[2])
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "blake2b").hexdigest()
    memo[rel] = [stat.st_size, stat.st_mtime_ns, digest]
    return digest


class DigestMemo:
    """The digest memo kept in a JSON file: ``with DigestMemo(path) as memo: digest_of(…, memo)``.

    Read on entry, written (atomically) on exit when it changed. A memo that cannot be read
    starts empty; one that cannot be written is only lost (digests are recomputed next time).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.memo: dict[str, list[Any]] = {}
        self._before = ""

    def __enter__(self) -> dict[str, list[Any]]:
        with contextlib.suppress(OSError, ValueError, TypeError):
            self.memo = dict(json.loads(self.path.read_text(encoding="utf-8")))
        self._before = json.dumps(self.memo, sort_keys=True)
        return self.memo

    def __exit__(self, *exc: object) -> None:
        text = json.dumps(self.memo, sort_keys=True)
        if text != self._before:
            with contextlib.suppress(OSError):
                self.path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write_text(self.path, text)
