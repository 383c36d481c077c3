"""kbworkbook – Kundenbindung workbook for SME workshops.

Public API (imported lazily so that ``kbworkbook --help`` starts fast)::

    import kbworkbook as kb
    ws = kb.Workspace.open("clients/sonnenschein")     # None = bundled sample client
    tx = kb.load_transactions(ws)                        # canonical DataFrame or DataError
    kb.metrics.nps(kb.load_nps(ws)["score"])
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .hugepages import avoid_stalls

__version__ = "0.1.0"

avoid_stalls()  # before numpy and pyarrow are imported, here and in every process started

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "Workspace": "kbworkbook.workspace",
    "create_workspace": "kbworkbook.workspace",
    "KbWorkbookError": "kbworkbook.errors",
    "DataError": "kbworkbook.errors",
    "Problem": "kbworkbook.errors",
    "WorkspaceError": "kbworkbook.errors",
    "MetricError": "kbworkbook.errors",
    "QuestionnaireError": "kbworkbook.errors",
    "StoreError": "kbworkbook.errors",
    "ReportError": "kbworkbook.errors",
    "load_transactions": "kbworkbook.schemas",
    "load_nps": "kbworkbook.schemas",
    "load_posts": "kbworkbook.schemas",
    "load_complaints": "kbworkbook.schemas",
    "AnswerStore": "kbworkbook.store",
    "build_report": "kbworkbook.report",
}
_SUBMODULES = {
    "metrics", "models", "questionnaires", "store", "forms", "economics", "plots", "i18n", "report",
    "samples", "schemas", "io", "workspace", "errors", "notebook", "chapters", "check",
    "instruments", "plan", "messages", "fileio",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    if name in _SUBMODULES:
        return importlib.import_module(f"kbworkbook.{name}")
    raise AttributeError(f"module 'kbworkbook' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_SUBMODULES])


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .errors import DataError as DataError
    from .errors import KbWorkbookError as KbWorkbookError
    from .errors import MetricError as MetricError
    from .errors import Problem as Problem
    from .errors import QuestionnaireError as QuestionnaireError
    from .errors import ReportError as ReportError
    from .errors import StoreError as StoreError
    from .errors import WorkspaceError as WorkspaceError
    from .workspace import Workspace as Workspace
    from .workspace import create_workspace as create_workspace
