"""Loaded tables kept per workspace, so a report's seven kernels read and check each file once.

:func:`cached_table` returns the canonical frame of one input (``transactions``, ``nps``,
``posts``, ``complaints``) as :func:`kbworkbook.schemas.load_optional` does, but keeps it in
``<workspace>/.cache/tables/<key>.parquet``. The key is a content hash of everything the loaded
frame depends on:

- the package version and :data:`FORMAT`,
- the table's name and the workspace's language (warnings in ``attrs`` are worded in it),
- ``kbworkbook.toml`` (file names, column mappings, decimal settings),
- the pseudonym secret (personal keys become pseudonyms derived from it),
- every file in ``data/`` and every configured input file elsewhere (which file is the table
  depends on all of them: files are recognised by their content).

A file that does not load (``DataError``) is never kept: every kernel reports it afresh. The
first kernel to load a table holds a lock (``filelock``) while it loads and writes; the others
wait and read the result. The frame and its ``attrs`` (what was detected; no values) are
stored as Parquet (no pickle: a workspace received from someone else cannot run code through
it); the columns' dtypes are checked on reading, and a file that cannot be read or does not
match is ignored and replaced. The cache holds the same pseudonymised data as the workspace's
own files and stays in the workspace, like ``data/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from filelock import FileLock, Timeout

from .input_files import DigestMemo, cache_root, configured_files, digest_of, workspace_files

__all__ = ["FORMAT", "TableFacts", "cached_table", "table_facts", "table_key"]

#: Bump when the canonical frames change shape without a new package version.
FORMAT = 3  # 3: sales carry the _customer_code helper column
#: How many loaded tables to keep per workspace (older files are removed).
KEEP = 16
#: Seconds a kernel waits for another one loading the same table.
LOCK_TIMEOUT = 900.0
#: the marker kept for a table whose file is absent or empty (``None``)
_ABSENT = "absent"
_DTYPES = "kb_dtypes"


def table_key(workspace: Any, name: str, memo: dict[str, list[Any]] | None = None) -> str:
    """The content hash of everything table ``name`` of ``workspace`` is loaded from."""
    from . import __version__
    from .pseudonym import SECRET_FILE
    from .workspace import CONFIG_FILE

    memo = {} if memo is None else memo
    root = Path(workspace.root)
    h = hashlib.blake2b(digest_size=20)
    h.update(f"kbworkbook {__version__} tables {FORMAT} {name} {workspace.language}\n".encode())
    for label, path in (("config", root / CONFIG_FILE), ("secret", root / SECRET_FILE)):
        h.update(label.encode() + b" " + (hashlib.blake2b(path.read_bytes()).digest()
                                          if path.is_file() else b"-") + b"\n")
    for path in [*workspace_files(root, "data"), *configured_files(workspace)]:
        h.update(f"{path.relative_to(root).as_posix()} {digest_of(path, memo, root)}\n"
                 .encode())
    return h.hexdigest()


def _read(path: Path) -> tuple[bool, pd.DataFrame | None]:
    """``(found, frame)``; ``(False, None)`` when nothing usable is kept under ``path``."""
    if _read_absent(path):
        return True, None
    if not path.is_file():
        return False, None
    try:
        frame = pd.read_parquet(path)
    except Exception:  # noqa: BLE001 - a damaged or foreign file: load the table afresh
        return False, None
    dtypes = frame.attrs.pop(_DTYPES, None)
    if not isinstance(dtypes, dict) or list(dtypes) != [str(c) for c in frame.columns] \
            or any(str(frame[c].dtype) != dtypes[str(c)] for c in frame.columns):
        return False, None
    return True, frame


def _write(path: Path, frame: pd.DataFrame | None) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if frame is None:
        tmp.write_text(json.dumps(_ABSENT), encoding="utf-8")
        os.replace(tmp, path.with_suffix(".json"))
        return
    kept = frame.copy(deep=False)
    kept.attrs = {**frame.attrs, _DTYPES: {str(c): str(frame[c].dtype) for c in frame.columns}}
    try:
        kept.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _prune(folder: Path, keep: int) -> None:
    files = sorted((p for p in folder.iterdir() if p.suffix in (".parquet", ".json")),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()


def cached_table(workspace: Any, name: str,
                 load: Callable[[], pd.DataFrame | None]) -> pd.DataFrame | None:
    """Table ``name`` of ``workspace``: read from the cache, or ``load()`` ed and kept.

    ``load`` is :func:`kbworkbook.schemas.load_optional` bound to the workspace (tests count
    its calls); its ``DataError`` passes through and nothing is kept. A workspace whose cache
    cannot be written (a read-only share) loads every time, as without a cache.
    """
    root = cache_root(workspace)
    folder = root / "tables"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(folder / f".{name}.lock"), timeout=LOCK_TIMEOUT)
        lock.acquire()
    except (OSError, Timeout):
        return load()
    try:
        with DigestMemo(root / "digests.json") as memo:
            target = folder / f"{name}-{table_key(workspace, name, memo)}.parquet"
        found, frame = _read(target)
        if found:
            with contextlib.suppress(OSError):
                os.utime(target if frame is not None else target.with_suffix(".json"))
            return frame
        frame = load()
        # the load may have created the pseudonym secret: keep under the key that finds it
        with DigestMemo(root / "digests.json") as memo:
            target = folder / f"{name}-{table_key(workspace, name, memo)}.parquet"
        try:
            _write(target, frame)
            _prune(folder, KEEP)
        except Exception:  # noqa: BLE001, S110 - a table that cannot be kept: it is right
            pass  # either way and the next kernel loads it again
        return frame
    finally:
        lock.release()


@dataclass(frozen=True)
class TableFacts:
    """What a chapter says of a loaded table, without loading it: the file it came from, its
    rows, the first and last date (``None`` without dates) and the number of distinct
    customer numbers (``None`` without a customer column; walk-in lines count for none)."""

    file: str
    rows: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    customers: int | None = None

    @classmethod
    def of(cls, frame: pd.DataFrame, name: str) -> TableFacts:
        """The facts of a loaded frame."""
        from .metrics._common import CUSTOMER_CODE, walk_in_mask

        detected = frame.attrs.get("kb_detected", {})
        dates = frame["date"].dropna() if "date" in frame.columns else pd.Series([])
        customers = None
        if CUSTOMER_CODE in frame.columns:  # codes 0 … n−1 of the whole table
            customers = int(frame[CUSTOMER_CODE].max()) + 1 if len(frame) else 0
        elif "customer_id" in frame.columns:
            customers = int(frame["customer_id"][~walk_in_mask(frame)].nunique())
        return cls(file=str(detected.get("file", name)), rows=len(frame),
                   first=pd.Timestamp(dates.min()) if len(dates) else None,
                   last=pd.Timestamp(dates.max()) if len(dates) else None,
                   customers=customers)


def table_facts(workspace: Any, name: str) -> tuple[bool, TableFacts | None]:
    """``(known, facts)`` of table ``name`` as kept by :func:`cached_table`, read from the
    Parquet file's footer (row count, the statistics of the date column and of the customer
    codes, the frame's ``attrs``) in milliseconds instead of loading a large table; ``facts``
    is ``None`` for an absent table. ``(False, None)`` when nothing usable is kept (or the
    customers cannot be counted from it): the caller loads the table."""
    import pyarrow.parquet as pq

    from .metrics._common import CUSTOMER_CODE

    root = cache_root(workspace)
    try:
        with DigestMemo(root / "digests.json") as memo:
            target = root / "tables" / f"{name}-{table_key(workspace, name, memo)}.parquet"
        if _read_absent(target):
            return True, None
        if not target.is_file():
            return False, None
        meta = pq.read_metadata(target)
        schema = pq.read_schema(target)
        attrs = json.loads((schema.metadata or {}).get(b"PANDAS_ATTRS", b"{}"))
        detected = attrs.get("kb_detected", {}) if isinstance(attrs, dict) else {}
        first = last = None
        column = schema.get_field_index("date")
        if column >= 0:
            stats = [meta.row_group(g).column(column).statistics
                     for g in range(meta.num_row_groups)]
            if any(s is None for s in stats):
                return False, None  # written without statistics: ask the frame
            bounds = [(s.min, s.max) for s in stats if s.has_min_max]
            if bounds:
                first = pd.Timestamp(min(b[0] for b in bounds))
                last = pd.Timestamp(max(b[1] for b in bounds))
        customers = None
        if schema.get_field_index("customer_id") >= 0:
            code = schema.get_field_index(CUSTOMER_CODE)
            if code < 0:
                return False, None  # not coded: only the frame can count its customers
            stats = [meta.row_group(g).column(code).statistics
                     for g in range(meta.num_row_groups)]
            if any(s is None or not s.has_min_max for s in stats):
                return False, None
            customers = max(int(s.max) for s in stats) + 1 if stats else 0
        return True, TableFacts(file=str(detected.get("file", name)), rows=meta.num_rows,
                                first=first, last=last, customers=customers)
    except Exception:  # noqa: BLE001 - unreadable or foreign: the caller loads the table
        return False, None


def _read_absent(path: Path) -> bool:
    """Whether ``path``'s marker says the table is absent."""
    marker = path.with_suffix(".json")
    if not marker.is_file():
        return False
    try:
        return bool(json.loads(marker.read_text(encoding="utf-8")) == _ABSENT)
    except (OSError, ValueError):
        return False
