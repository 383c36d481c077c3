"""The client's analysis computed once per workspace and reused by every kernel of a report.

:func:`workspace_analysis` returns the :class:`~kbworkbook.figures.Analysis` of a workspace at
a Stichtag. Its parts are kept in ``<workspace>/.cache/analysis/<key>.json``, where the key is
a content hash of everything the figures depend on:

- the package version and :data:`FORMAT` (a new release recomputes),
- ``kbworkbook.toml`` (settings, column mappings, assumptions),
- every file in ``data/`` and every ``[data]`` file configured elsewhere in the workspace,
- every saved answer in ``answers/``,
- the Stichtag asked for (``None``: the last day with data).

The seven kernels of a report start together: the first takes a lock (``filelock``, released by
the operating system if the process dies), computes and writes the file atomically; the others
wait for the lock and read it. A second report with unchanged inputs reads the file instead of
recomputing. File digests are remembered by size and modification time
(``<workspace>/.cache/digests.json``, shared with :mod:`kbworkbook.table_cache`) so a large
sales export is hashed once, not in every kernel. The bundled sample client (inside the
installed package) keeps its cache in the user's temporary folder instead; a workspace that
cannot be written (a read-only share) is analysed in memory, as before. A cache file that
cannot be read is ignored and rewritten.

What the latest win-back list brought (:attr:`~kbworkbook.figures.Analysis.winback`) depends on
``listen/`` as well and is kept apart, in ``winback-<key>.json`` (:func:`keep_winback`).

The file holds aggregates only (figures, per-period series; no customer ids) and is plain JSON
decoded into an allow-list of types, never unpickled: a workspace received from someone else
cannot run code through it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from filelock import FileLock, Timeout

from . import economics, errors, metrics, voice
from .figures import (
    Analysis,
    ClvConvention,
    ComplaintFigures,
    EngagementByBase,
    MarginBasis,
    NpsChange,
    Settings,
    analyse,
)
from .fileio import atomic_write_json
from .input_files import DigestMemo, cache_root, configured_files, digest_of, workspace_files
from .intention import IntentionBehaviour
from .metrics import comments
from .metrics.complaint_groups import ComplaintGroup, ComplaintsByGroup
from .metrics.concentration import Concentration
from .metrics.early import EarlyLoyalty
from .metrics.lifecycle import Lifecycle
from .metrics.profitability import CustomerProfitability
from .metrics.referral import ReferralRate
from .metrics.said_and_done import BandRepurchase, RepurchaseByBand
from .metrics.staying import LapseCurve, StayingCurves
from .metrics.survival import SurvivalCurve
from .models.bgnbd import BgNbdFit
from .models.calllist import WinBack
from .models.outlook import Outlook
from .models.sufficiency import DataSufficiency, GateIssue
from .models.validation import HoldoutCheck

__all__ = ["CACHE_FOLDER", "FORMAT", "cache_folder", "input_key", "keep_winback",
           "workspace_analysis"]

#: Where the cache lives inside a workspace (hidden; safe to delete at any time).
CACHE_FOLDER = Path(".cache") / "analysis"
#: Bump when the meaning of a cached part changes without a new package version.
FORMAT = 1
#: How many analyses to keep per workspace (older files are removed).
KEEP = 8
#: Seconds a kernel waits for another one computing the same analysis.
LOCK_TIMEOUT = 900.0

#: the errors an analysis keeps as notes (re-raised nowhere: rendered per reader)
_ERRORS: dict[str, type[errors.MetricError]] = {cls.__name__: cls for cls in (
    errors.MetricError, errors.ModelError, economics.EconomicsError)}

_TYPES: dict[str, type] = {cls.__name__: cls for cls in (
    MarginBasis, ClvConvention, ComplaintFigures, NpsChange, EngagementByBase,
    metrics.PurchaseFigures, metrics.IdentifiedShare, metrics.WindowRetention,
    metrics.NpsResult, metrics.EngagementRate,
    Outlook, DataSufficiency, GateIssue, HoldoutCheck, BgNbdFit, metrics.CohortTable,
    IntentionBehaviour, ReferralRate, ComplaintsByGroup, ComplaintGroup, CustomerProfitability,
    RepurchaseByBand, BandRepurchase,
    Lifecycle, Concentration,
    comments.CommentThemes, comments.ThemeCount, comments.Quote, voice.GroupNps, voice.NpsGroups,
    EarlyLoyalty, StayingCurves, LapseCurve, SurvivalCurve, WinBack,
)}


# -- the key ------------------------------------------------------------------------------------


def input_key(workspace: Any, as_of: Any = None,
              memo: dict[str, list[Any]] | None = None) -> str:
    """The content hash of every input of the analysis (see the module docstring)."""
    from . import __version__
    from .workspace import CONFIG_FILE

    memo = {} if memo is None else memo
    root = Path(workspace.root)
    h = hashlib.blake2b(digest_size=20)
    h.update(f"kbworkbook {__version__} format {FORMAT}\n".encode())
    h.update(f"as_of {pd.Timestamp(as_of).date().isoformat() if as_of else '-'}\n".encode())
    config = root / CONFIG_FILE
    h.update(b"config " + (hashlib.blake2b(config.read_bytes()).digest()
                           if config.is_file() else b"-") + b"\n")
    paths = [*workspace_files(root, "data"), *workspace_files(root, "answers"),
             *configured_files(workspace)]
    for path in paths:
        h.update(f"{path.relative_to(root).as_posix()} {digest_of(path, memo, root)}\n"
                 .encode())
    return h.hexdigest()


# -- encoding -----------------------------------------------------------------------------------


def _index(index: pd.Index) -> dict[str, Any]:
    if isinstance(index, pd.PeriodIndex):
        return {"period": index.freqstr, "values": [str(p) for p in index], "name": index.name}
    return {"values": [_encode(v) for v in index], "name": index.name}


def _unindex(data: Mapping[str, Any]) -> pd.Index:
    if "period" in data:
        return pd.PeriodIndex(data["values"], freq=data["period"], name=data["name"])
    return pd.Index([_decode(v) for v in data["values"]], name=data["name"])


def _encode(value: Any) -> Any:
    """``value`` as JSON-ready data; only the types an :class:`Analysis` part holds."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, pd.Timestamp):
        return {"__ts__": value.isoformat()}
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat(), "time": isinstance(value, dt.datetime)}
    if isinstance(value, errors.Text):
        return {"__text__": value.code, "values": _encode(dict(value.values))}
    if isinstance(value, errors.MetricError):
        name = type(value).__name__ if type(value).__name__ in _ERRORS else "MetricError"
        return {"__error__": name, "code": value.reason.code,
                "values": _encode(dict(value.reason.values))}
    if isinstance(value, errors.KbWorkbookError):
        return {"__error__": "KbWorkbookError", "message": str(value)}
    if isinstance(value, np.ndarray):  # a curve's points (aggregates, never ids)
        return {"__array__": value.dtype.str, "values": [_encode(v) for v in value.tolist()]}
    if hasattr(value, "item") and not isinstance(value, pd.Series | pd.DataFrame):
        return _encode(value.item())  # numpy scalar
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, pd.Series):
        return {"__series__": {"index": _index(value.index), "name": value.name,
                               "values": [_encode(v) for v in value.tolist()]}}
    if isinstance(value, pd.DataFrame):
        return {"__frame__": {"index": _index(value.index), "columns": list(value.columns),
                              "rows": [[_encode(v) for v in row]
                                       for row in value.itertuples(index=False)]}}
    if dataclasses.is_dataclass(value) and type(value).__name__ in _TYPES:
        return {"__dc__": type(value).__name__,
                "fields": {f.name: _encode(getattr(value, f.name))
                           for f in dataclasses.fields(value)}}
    if isinstance(value, Mapping):
        return {"__map__": {str(k): _encode(v) for k, v in value.items()}}
    raise TypeError(f"cannot cache {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__float__" in value:
        return float(value["__float__"])
    if "__ts__" in value:
        return pd.Timestamp(value["__ts__"])
    if "__date__" in value:
        kind = dt.datetime if value.get("time") else dt.date
        return kind.fromisoformat(value["__date__"])
    if "__text__" in value:
        return errors.Text(value["__text__"], **_decode(value["values"]))
    if "__error__" in value:
        if value["__error__"] == "KbWorkbookError":
            return errors.KbWorkbookError(value["message"])
        cls = _ERRORS[value["__error__"]]
        return cls(value["code"], **_decode(value["values"]))
    if "__tuple__" in value:
        return tuple(_decode(v) for v in value["__tuple__"])
    if "__array__" in value:
        numbers = np.dtype(value["__array__"])
        if numbers.kind not in "biuf":  # numbers only: nothing else is kept as an array
            raise ValueError("unknown cached array")
        return np.array([_decode(v) for v in value["values"]], dtype=numbers)
    if "__map__" in value:
        return {k: _decode(v) for k, v in value["__map__"].items()}
    if "__series__" in value:
        data = value["__series__"]
        return pd.Series([_decode(v) for v in data["values"]], index=_unindex(data["index"]),
                         name=data["name"], dtype="float64")
    if "__frame__" in value:
        data = value["__frame__"]
        rows = [[_decode(v) for v in row] for row in data["rows"]]
        return pd.DataFrame(rows, columns=data["columns"], index=_unindex(data["index"]))
    if "__dc__" in value:
        cls = _TYPES[value["__dc__"]]  # KeyError: not an allowed type → the file is ignored
        return cls(**{k: _decode(v) for k, v in value["fields"].items()})
    raise ValueError("unknown cached value")


def _document(analysis: Analysis) -> dict[str, Any]:
    return {"format": FORMAT, "as_of": analysis.as_of.isoformat(),
            "parts": {k: _encode(v) for k, v in analysis.computed().items()}}


def _read(path: Path, settings: Settings,
          tables: Mapping[str, pd.DataFrame | None]) -> Analysis | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        parts = {k: _decode(v) for k, v in doc["parts"].items()}
        return Analysis.restored(doc["as_of"], settings, parts, tables)
    except (OSError, ValueError, KeyError, TypeError):
        return None


# -- the cache ----------------------------------------------------------------------------------


def _prune(folder: Path, keep: int, kind: str = "") -> None:
    """Remove all but the ``keep`` most recently used files of ``kind`` (``""``: analyses,
    ``"winback"``: win-back follow-ups)."""
    files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [f for f in files if f.name != "digests.json"
                and f.name.startswith("winback-") == (kind == "winback")][keep:]:
        with contextlib.suppress(OSError):
            old.unlink()


def cache_folder(workspace: Any) -> Path:
    """``<workspace>/.cache/analysis`` (for the bundled sample: in the temporary directory,
    see :func:`~kbworkbook.input_files.cache_root`)."""
    return cache_root(workspace) / CACHE_FOLDER.name


def workspace_analysis(
    workspace: Any,
    tables: Mapping[str, pd.DataFrame | None],
    settings: Settings | None = None,
    as_of: Any = None,
    *,
    compute: Callable[[Mapping[str, pd.DataFrame | None], Settings, Any], Analysis] = analyse,
) -> Analysis:
    """The analysis of ``workspace`` at ``as_of``: read from its cache, or computed and kept.

    ``tables`` maps each input to its canonical frame and may load lazily (it is read only when
    the analysis is computed). ``compute`` is :func:`~kbworkbook.figures.analyse` (tests count
    its calls).
    """
    settings = settings or Settings.of(workspace)
    folder = cache_folder(workspace)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(folder / ".lock"), timeout=LOCK_TIMEOUT)
        lock.acquire()
    except (OSError, Timeout):  # read-only workspace, or a stuck kernel: compute here
        return compute(tables, settings, as_of)
    try:
        with DigestMemo(cache_root(workspace) / "digests.json") as memo:
            target = folder / f"{input_key(workspace, as_of, memo)}.json"
        if target.is_file():
            found = _read(target, settings, tables)
            if found is not None:
                with contextlib.suppress(OSError):
                    os.utime(target)  # recently used: kept by the pruning
                return found
        analysis = compute(tables, settings, as_of)
        try:
            atomic_write_json(target, _document(analysis))
            _prune(folder, KEEP)
        except Exception:  # noqa: BLE001, S110 - a cache that cannot be kept: the figures are
            pass  # right either way and the next run computes again
        return analysis
    finally:
        lock.release()


def keep_winback(workspace: Any, analysis: Analysis) -> None:
    """Work out ``analysis.winback`` once per inputs, recorded lists and Stichtag and keep it
    in ``<cache>/winback-<key>.json``: following up a list nets every sales line up to the
    Stichtag, which the kernels of a report would otherwise each do (a million lines: the
    table read and netted in four kernels).

    The key is the analysis' input key (:func:`input_key`) with the lists made before the
    Stichtag; a list a report writes meanwhile (dated on the Stichtag) does not change it.
    Without an earlier list nothing is read. Where no cache can be kept, nothing happens and
    the analysis works it out itself when asked.
    """
    lists = analysis.tables.get("calllists")
    if lists is None or not len(lists) or "list_date" not in lists.columns:
        return
    dates = pd.to_datetime(lists["list_date"]).dt.normalize()
    earlier = lists.loc[(dates < analysis.as_of).to_numpy(dtype=bool)]
    if not len(earlier):
        analysis.keep_winback(None)
        return
    folder = cache_folder(workspace)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(folder / ".winback.lock"), timeout=LOCK_TIMEOUT)
        lock.acquire()
    except (OSError, Timeout):
        return
    try:
        with DigestMemo(cache_root(workspace) / "digests.json") as memo:
            inputs = input_key(workspace, analysis.as_of, memo)
        h = hashlib.blake2b(digest_size=20)
        h.update(f"{inputs} winback\n".encode())
        h.update(earlier.to_json(orient="split", date_format="iso").encode())
        target = folder / f"winback-{h.hexdigest()}.json"
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            if target.is_file():
                analysis.keep_winback(_decode(json.loads(
                    target.read_text(encoding="utf-8"))["winback"]))
                return
        outcome = analysis.winback_outcome()
        with contextlib.suppress(Exception):  # not kept: the next kernel works it out again
            atomic_write_json(target, {"format": FORMAT, "winback": _encode(outcome)})
            _prune(folder, KEEP, "winback")
        analysis.keep_winback(outcome)
    finally:
        lock.release()
