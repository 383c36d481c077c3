"""Which file in ``data/`` is which input: by configuration, by name, or by its columns.

The owner's exports arrive under their exporter's own names (``orders_export_1.csv``,
``Umsatzliste März.xlsx``). :func:`discover` assigns every input of a workspace a file:

1. ``[data] <input> = "…"`` (or ``[data.<input>] file = "…"``) in kbworkbook.toml – a missing
   file or a folder there is an error, never "not present";
2. a file named like the input (``transactions.csv``, ``Transactions.CSV``, ``nps.xlsx`` …),
   unless it holds only the template's header row and another file has the data;
3. otherwise the one file whose columns say it: a known export (:mod:`kbworkbook.presets`) or
   all required columns of the table found by their aliases (a preview of the first rows is
   read). Two files for one input, or one file fitting two inputs equally well, are reported
   as ambiguous with the line to put into kbworkbook.toml – never guessed silently.

Suffixes are matched case-insensitively; ``.xls`` is accepted (an xlsx saved as .xls is read,
a real old .xls gets a message). Files in ``data/`` that no input uses are listed as unused; a
link in ``data/`` that leads outside the workspace is never read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataError, Problem, WorkspaceError
from .io import read_raw
from .messages import problem
from .paths import DATA_SUFFIXES, is_inside
from .workspace import INPUTS, Workspace

__all__ = ["DATA_SUFFIXES", "Discovery", "Located", "discover", "locate", "recognise"]

_PREVIEW_ROWS = 50


@dataclass(frozen=True)
class Located:
    """The file of one input and how it was found (``configured``, ``name``, ``content`` or
    ``missing``); ``problems`` for a broken configuration or an ambiguity."""

    path: Path | None
    how: str
    problems: tuple[Problem, ...] = ()
    candidates: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Discovery:
    """Every input's file, the files nobody uses, and what each data file was taken for."""

    inputs: Mapping[str, Located]
    unused: tuple[Path, ...] = ()
    recognised: Mapping[Path, tuple[str, ...]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Located:
        return self.inputs[name]


def _data_files(data_dir: Path, root: Path) -> list[Path]:
    """The data files in ``data_dir``; a link leading outside the workspace is never one."""
    if not data_dir.is_dir():
        return []
    return sorted(p for p in data_dir.iterdir()
                  if not p.name.startswith((".", "~$")) and p.suffix.lower() in DATA_SUFFIXES
                  and is_inside(root, p) and p.is_file())


#: what :func:`recognise` found per file (path, size, modification time, language): loading
#: the four inputs discovers them four times, and an Excel preview takes 0.1 s to read
_RECOGNISED: dict[tuple[str, int, int, str], tuple[tuple[str, ...], bool]] = {}
_RECOGNISED_KEEP = 64


def recognise(path: Path, language: str = "de") -> tuple[tuple[str, ...], bool]:
    """``(inputs the file's columns fit, best first; has data rows)`` from a preview.

    A known export fits its preset's table only. Otherwise an input fits when all its required
    columns are found; several fitting inputs are ordered by how many of their columns the
    file has (a tie keeps both – the caller reports the ambiguity). Unreadable files fit none.
    A file unchanged since it was last recognised in this process (same size and modification
    time) is not read again.
    """
    try:
        stat = path.stat()
    except OSError:
        return (), False
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, language)
    if key not in _RECOGNISED:
        if len(_RECOGNISED) >= _RECOGNISED_KEEP:
            _RECOGNISED.clear()
        _RECOGNISED[key] = _recognise(path, language)
    return _RECOGNISED[key]


def _recognise(path: Path, language: str) -> tuple[tuple[str, ...], bool]:
    from .presets import detect
    from .schemas import TABLES, recognised_columns

    try:
        raw = read_raw(path, language=language, head=_PREVIEW_ROWS)
    except DataError:
        return (), False
    headers = [str(h) for h in raw.frame.columns]
    has_rows = len(raw.frame) > 0
    preset = detect(headers)
    if preset is not None:
        return (preset.table,), has_rows
    scores: list[tuple[int, str]] = []
    for name, spec in TABLES.items():
        found = recognised_columns(spec, headers)
        if all(c.name in found for c in spec.required):
            scores.append((len(found), name))
    scores.sort(key=lambda item: -item[0])
    if len(scores) > 1 and scores[0][0] > scores[1][0]:
        scores = scores[:1]
    return tuple(name for _, name in scores), has_rows


def _configured(ws: Workspace, name: str, language: str) -> Located | None:
    configured = ws.data_entry(name).get("file")
    if not configured:
        return None
    label = str(configured)
    try:
        path = ws.input_path(name)
    except WorkspaceError as exc:  # outside the workspace, a folder, no data file
        return Located(None, "configured", (Problem(file=label, row=None, column=None,
                                                    code="unsafe_path", message=str(exc)),))
    if path is None or not path.exists():
        return Located(path, "configured", (problem(
            "missing_file", file=label, language=language, variant="configured",
            input=name, path=str(path) if path else label),))
    if path.is_dir():
        return Located(path, "configured", (problem(
            "not_a_table", file=label, language=language, variant="folder"),))
    return Located(path, "configured")


def _refused_link(ws: Workspace, name: str) -> Located | None:
    """The input's default file when it is a link leading outside the workspace: refused."""
    if not ws.data_dir.is_dir():
        return None
    for entry in ws.data_dir.iterdir():
        if entry.stem.casefold() == name and entry.suffix.lower() in DATA_SUFFIXES \
                and not is_inside(ws.root, entry):
            try:
                ws.input_path(name)
                message = f"data/{entry.name}: Verknüpfung außerhalb des Arbeitsordners"
            except WorkspaceError as exc:
                message = str(exc)
            return Located(None, "refused", (Problem(file=f"data/{entry.name}", row=None,
                                                     column=None, code="unsafe_path",
                                                     message=message),))
    return None


def discover(ws: Workspace, language: str | None = None) -> Discovery:
    """Assign each input of ``ws`` its file (see the module docstring)."""
    lang = language or ws.language
    files = _data_files(ws.data_dir, ws.root)
    recognised: dict[Path, tuple[str, ...]] = {}
    filled: dict[Path, bool] = {}
    for path in files:
        recognised[path], filled[path] = recognise(path, lang)
    inputs: dict[str, Located] = {}
    taken: set[Path] = set()
    for name in INPUTS:
        found = _configured(ws, name, lang)
        if found is not None:
            inputs[name] = found
            if found.path is not None:
                taken.add(found.path.resolve())
    for name in INPUTS:
        if name in inputs:
            continue
        refused = _refused_link(ws, name)
        if refused is not None:
            inputs[name] = refused
            continue
        by_name = [p for p in files if p.stem.casefold() == name]
        by_content = [p for p in files if recognised[p][:1] == (name,) and p not in by_name
                      and p.resolve() not in taken]
        named = next((p for p in by_name if p.suffix.lower() in DATA_SUFFIXES), None)
        if named is not None and (filled.get(named, True) or not by_content):
            inputs[name] = Located(named, "name")
            taken.add(named.resolve())
            continue
        if len(by_content) == 1:
            inputs[name] = Located(by_content[0], "content")
            taken.add(by_content[0].resolve())
        elif len(by_content) > 1:
            names = ", ".join(f"data/{p.name}" for p in by_content)
            inputs[name] = Located(None, "ambiguous", (problem(
                "ambiguous_input", file="data/", language=lang, input=name, files=names,
                example=f'{name} = "data/{by_content[0].name}"'),), tuple(by_content))
        else:
            inputs[name] = Located(named, "name" if named else "missing")
    for path in files:
        fits = recognised[path]
        if len(fits) > 1 and path.resolve() not in taken:
            for name in fits:
                if inputs[name].path is None and not inputs[name].problems:
                    inputs[name] = Located(None, "ambiguous", (problem(
                        "ambiguous_file", file=f"data/{path.name}", language=lang,
                        inputs=", ".join(fits), example=f'{fits[0]} = "data/{path.name}"'),),
                        (path,))
    used = {loc.path.resolve() for loc in inputs.values() if loc.path is not None}
    unused = tuple(p for p in files if p.resolve() not in used
                   and not (not filled.get(p, True) and p.stem.casefold() in INPUTS))
    return Discovery(inputs=inputs, unused=unused, recognised=recognised)


def locate(ws: Workspace, name: str, language: str | None = None) -> Located:
    """The file of input ``name`` (see :func:`discover`); a path leaving the workspace raises
    :class:`~kbworkbook.errors.WorkspaceError` (never a silent fallback)."""
    if name not in INPUTS:
        raise ValueError(f"unknown input {name!r}; expected one of {INPUTS}")
    found = discover(ws, language)[name]
    if found.how == "refused" or any(p.code == "unsafe_path" for p in found.problems):
        raise WorkspaceError(found.problems[0].message)
    return found
