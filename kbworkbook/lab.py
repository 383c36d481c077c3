"""The workshop: ``kbworkbook lab WORKSPACE`` opens JupyterLab on the workspace's own notebooks.

:func:`sync_notebooks` copies the chapter notebooks shipped in the package into
``<workspace>/notebooks/`` and keeps them current; :func:`launch_lab` then starts JupyterLab with
that folder as its root, so a saved notebook lands in the workspace and never in the installed
package. The sample client (no folder given) uses its playground copy
(:func:`~kbworkbook.workspace.sample_playground`).

Refreshing never loses a consultant's edit. A small manifest (``notebooks/.kbworkbook.json``)
records the fingerprint of what was last copied; a fingerprint covers the cells' types and
sources only, so outputs and execution counts saved during a workshop are not "edits".

======================  ====================  =============================================
workspace copy          package since copy    what happens
======================  ====================  =============================================
missing                 any                   copied
same as package         any                   left alone (saved outputs stay)
edited                  unchanged             left alone
as last copied          changed               replaced by the new version
edited or unknown       changed               set aside as ``<name>.bearbeitet-<date>.ipynb``
                                              (German note), new version copied
======================  ====================  =============================================

JupyterLab opens in German for ``de`` workspaces and in English for ``en`` ones, and fetches
no news: these setting defaults go into ``labconfig/default_setting_overrides.json`` inside a
temporary Jupyter config folder that exists only for this run (``JUPYTER_CONFIG_PATH``). The
user's own Jupyter settings stay untouched, and a language picked in JupyterLab's menu wins.
The notebooks find their workspace through ``$KBWORKBOOK_WORKSPACE`` and, opened by any other
Jupyter, through their folder (:func:`kbworkbook.notebook.setup`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import FrameType
from typing import Any

import nbformat

from .errors import WorkspaceError
from .fileio import atomic_write_bytes, atomic_write_json, remove_stale_temp_files
from .i18n import language_of
from .lab_kernels import EXTENSION
from .prewarm import start_warming, stop_warming
from .report import NOTEBOOK_DIR
from .workspace import Workspace, sample_playground

__all__ = [
    "MANIFEST",
    "NOTEBOOKS_FOLDER",
    "STALE_TEMP_AGE",
    "NotebookSync",
    "lab_command",
    "lab_setting_overrides",
    "launch_lab",
    "notebook_fingerprint",
    "remove_save_leftovers",
    "sync_notebooks",
]

#: The workspace's folder for its copy of the chapter notebooks.
NOTEBOOKS_FOLDER = "notebooks"
#: What was last copied into ``notebooks/`` (hidden from JupyterLab's file browser).
MANIFEST = ".kbworkbook.json"
#: JupyterLab locale per text language (``de_DE`` comes with jupyterlab-language-pack-de-DE).
LAB_LOCALE: dict[str, str] = {"de": "de_DE", "en": "en"}
TRANSLATION_PLUGIN = "@jupyterlab/translation-extension:plugin"
NOTIFICATION_PLUGIN = "@jupyterlab/apputils-extension:notification"
#: seconds JupyterLab may take to shut its kernels down after being asked to stop
STOP_TIMEOUT = 30

_TEXT = {
    "de": {
        "copied": "Notebooks nach {folder} kopiert: {names}.",
        "updated": "Neue Fassung aus kbworkbook {version}: {names}.",
        "set_aside": "{name}: Ihre bearbeitete Fassung ist als »{aside}« beiseitegelegt; "
        "»{name}« ist jetzt die neue Fassung aus kbworkbook {version}. Übernehmen Sie Ihre "
        "Änderungen bei Bedarf von Hand.",
        "set_aside_suffix": "bearbeitet",
        "start": "JupyterLab für »{client}« ({root}) – Notebooks in {folder}; beenden mit "
        "Strg+C.",
        "sample": "Beispielkunde: Die Notebooks und Antworten liegen in der Spielwiese {root} "
        "(das mitgelieferte Beispiel bleibt unverändert).",
        "root": "Hinweis: kbworkbook läuft als root; JupyterLab wird mit --allow-root gestartet.",
        "no_language_pack": "Hinweis: Das deutsche Sprachpaket für JupyterLab fehlt "
        "(pip install jupyterlab-language-pack-de-DE); die Oberfläche bleibt englisch.",
        "stopping": "JupyterLab wird beendet …",
        "package": "Der Arbeitsordner »{root}« liegt im installierten kbworkbook-Paket; "
        "Notebooks werden dort nicht abgelegt. Bitte einen eigenen Arbeitsordner wählen "
        "(kbworkbook new ORDNER --client NAME).",
    },
    "en": {
        "copied": "Notebooks copied to {folder}: {names}.",
        "updated": "New version from kbworkbook {version}: {names}.",
        "set_aside": "{name}: your edited version was set aside as '{aside}'; '{name}' is now "
        "the new version from kbworkbook {version}. Carry your changes over by hand if needed.",
        "set_aside_suffix": "edited",
        "start": "JupyterLab for '{client}' ({root}) – notebooks in {folder}; stop with Ctrl+C.",
        "sample": "Sample client: notebooks and answers are kept in the playground {root} "
        "(the bundled sample stays unchanged).",
        "root": "Note: kbworkbook runs as root; JupyterLab is started with --allow-root.",
        "no_language_pack": "Note: the German JupyterLab language pack is missing.",
        "stopping": "Stopping JupyterLab …",
        "package": "The workspace '{root}' lies inside the installed kbworkbook package; no "
        "notebooks are put there. Please choose a workspace of your own.",
    },
}


def _t(language: str, key: str, **values: object) -> str:
    return _TEXT[language_of(language)][key].format(**values)


def _version() -> str:
    from . import __version__

    return __version__


# -- keeping the workspace's notebooks current --------------------------------------------------


def notebook_fingerprint(path: Path) -> str | None:
    """SHA-256 over the cells' types and sources; ``None`` when the file is no readable notebook.

    Outputs, execution counts and metadata are left out: running and saving a notebook in the
    workshop does not count as editing it.
    """
    try:
        nb = nbformat.read(path, as_version=4)
        cells = [[cell.cell_type, cell.source] for cell in nb.cells]
    except (OSError, ValueError, KeyError, AttributeError, nbformat.reader.NotJSONError):
        return None
    data = json.dumps(cells, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class NotebookSync:
    """What :func:`sync_notebooks` did; names are notebook file names inside ``folder``."""

    folder: Path
    copied: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    #: ``(notebook, name the consultant's edited version was moved to)``
    set_aside: tuple[tuple[str, str], ...] = ()
    #: edited by the consultant, package unchanged: left as it is
    kept: tuple[str, ...] = ()

    def messages(self, language: str = "de") -> list[str]:
        """One line per kind of change, in the workspace's language (nothing when idle)."""
        lines = []
        version = _version()
        if self.copied:
            lines.append(_t(language, "copied", folder=self.folder,
                            names=", ".join(self.copied)))
        if self.updated:
            lines.append(_t(language, "updated", version=version,
                            names=", ".join(self.updated)))
        lines += [_t(language, "set_aside", name=name, aside=aside, version=version)
                  for name, aside in self.set_aside]
        return lines


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        notebooks = data["notebooks"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # unknown history: every differing copy counts as edited (set aside, not lost)
    if not isinstance(notebooks, dict):
        return {}
    return {str(k): str(v) for k, v in notebooks.items()}


def _aside_name(folder: Path, name: str, suffix: str, today: dt.date) -> str:
    stem = Path(name).stem
    candidate = f"{stem}.{suffix}-{today.isoformat()}.ipynb"
    number = 2
    while (folder / candidate).exists():
        candidate = f"{stem}.{suffix}-{today.isoformat()}-{number}.ipynb"
        number += 1
    return candidate


def _copy(source: Path, target: Path) -> None:
    """Copy ``source`` over ``target`` atomically (a crash leaves the old file or the new one)."""
    atomic_write_bytes(target, source.read_bytes())


#: A temporary file of an interrupted save older than this (seconds) is a leftover; a save
#: takes milliseconds, so a younger one may belong to a save under way and is kept.
STALE_TEMP_AGE = 600.0


def remove_save_leftovers(workspace: Workspace, older_than: float = STALE_TEMP_AGE) -> int:
    """Delete the temporary files interrupted saves left below ``answers/``; return how many.

    Only files named like :mod:`kbworkbook.fileio`'s temporary files and older than
    ``older_than`` seconds go; links are not followed. (A save itself clears its folder's
    leftovers while it holds the folder's lock.)
    """
    removed = 0
    for folder, _dirs, _files in os.walk(workspace.answers_dir):
        removed += remove_stale_temp_files(folder, older_than=older_than)
    return removed


def sync_notebooks(workspace: Workspace, source: Path | None = None,
                   today: dt.date | None = None) -> NotebookSync:
    """Bring ``<workspace>/notebooks/`` in step with the chapter notebooks in ``source``.

    ``source`` defaults to the notebooks shipped in the package, which are only read. Notebooks
    of the workspace that the package does not ship are never touched. See the module docstring
    for what happens to each notebook; nothing the consultant wrote is ever overwritten.
    """
    source = NOTEBOOK_DIR if source is None else Path(source)
    today = today or dt.date.today()
    folder = workspace.root / NOTEBOOKS_FOLDER
    _refuse_package_folder(workspace, folder)
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / MANIFEST
    recorded = _read_manifest(manifest_path)
    suffix = _t(workspace.language, "set_aside_suffix")
    copied, updated, kept, aside = [], [], [], []
    fingerprints: dict[str, str] = {}
    for shipped in sorted(source.glob("*.ipynb")):
        name = shipped.name
        shipped_fp = notebook_fingerprint(shipped)
        if shipped_fp is None:
            msg = f"unreadable notebook in the package: {shipped}"
            raise RuntimeError(msg)
        fingerprints[name] = shipped_fp
        target = folder / name
        if not target.exists():
            _copy(shipped, target)
            copied.append(name)
            continue
        current = notebook_fingerprint(target)
        if current == shipped_fp:
            continue
        if recorded.get(name) == shipped_fp:
            kept.append(name)  # the consultant's edit of the current version
            continue
        if current is not None and current == recorded.get(name):
            _copy(shipped, target)
            updated.append(name)
            continue
        new_name = _aside_name(folder, name, suffix, today)
        os.replace(target, folder / new_name)
        _copy(shipped, target)
        aside.append((name, new_name))
    if fingerprints != recorded:
        atomic_write_json(manifest_path, {"kbworkbook": _version(), "notebooks": fingerprints})
    return NotebookSync(folder=folder, copied=tuple(copied), updated=tuple(updated),
                        set_aside=tuple(aside), kept=tuple(kept))


def _refuse_package_folder(workspace: Workspace, folder: Path) -> None:
    package = NOTEBOOK_DIR.parent.resolve()
    if folder.resolve().is_relative_to(package):
        raise WorkspaceError(_t(workspace.language, "package", root=workspace.root))


# -- starting JupyterLab ------------------------------------------------------------------------


def _running_as_root() -> bool:
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


def _has_language_pack(locale: str) -> bool:
    if locale == "en":
        return True
    packs = metadata.entry_points(group="jupyterlab.languagepack")
    return any(pack.name == locale for pack in packs)


def lab_setting_overrides(locale: str) -> dict[str, dict[str, Any]]:
    """JupyterLab setting defaults for the workshop.

    The UI locale (``de_DE`` or ``en``); no news or update checks (no request to the internet
    from a client's workshop, and no English pop-up asking about it).
    """
    return {
        TRANSLATION_PLUGIN: {"locale": locale},
        NOTIFICATION_PLUGIN: {"fetchNews": "false", "checkForUpdates": False},
    }


def server_extension_config() -> dict[str, Any]:
    """The Jupyter server configuration that loads :mod:`kbworkbook.lab_kernels`."""
    return {"ServerApp": {"jpserver_extensions": {EXTENSION: True}}}


def lab_command(folder: Path, *, port: int | None = None, ip: str | None = None,
                open_browser: bool = True, allow_root: bool = False,
                extra_args: Iterable[str] = ()) -> list[str]:
    """The JupyterLab command line: root folder, options, then ``extra_args`` unchanged."""
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}"]
    if port is not None:
        command.append(f"--port={port}")
    if ip is not None:
        command.append(f"--ip={ip}")
    if not open_browser:
        command.append("--no-browser")
    extra = list(extra_args)
    if allow_root and "--allow-root" not in extra:
        command.append("--allow-root")
    return command + extra


def _workshop_workspace(directory: str | os.PathLike[str] | None) -> Workspace:
    """The workspace ``lab`` opens: the sample client's playground copy when none is given."""
    ws = Workspace.open(directory)
    if directory in (None, "") or ws.is_sample:
        return sample_playground()
    return ws


def launch_lab(workspace: str | os.PathLike[str] | None, *, port: int | None = None,
               ip: str | None = None, open_browser: bool = True,
               extra_args: Sequence[str] = (), warm: bool = True,
               kernels_ahead: bool = True) -> int:
    """Sync the workspace's notebooks and run JupyterLab on them until it stops.

    ``warm``: meanwhile load the client's tables and compute the figures in a background
    process (:mod:`kbworkbook.prewarm`), so the first chapter opened finds them ready.
    ``kernels_ahead``: the Jupyter server starts each chapter's kernel ahead of time and lets
    it import what the chapter needs (:mod:`kbworkbook.lab_kernels`).

    Ctrl+C, SIGTERM and SIGHUP stop JupyterLab cleanly (it shuts its kernels down). Returns
    JupyterLab's exit code, or 0 when it was stopped that way.
    """
    ws = _workshop_workspace(workspace)
    lang = ws.language
    remove_save_leftovers(ws)
    sync = sync_notebooks(ws)
    if ws.is_sample:
        print(_t(lang, "sample", root=ws.root))
    for line in sync.messages(lang):
        print(line)
    allow_root = _running_as_root()
    if allow_root:
        print(_t(lang, "root"))
    locale = LAB_LOCALE[lang]
    if not _has_language_pack(locale):
        print(_t(lang, "no_language_pack"))
        locale = "en"
    print(_t(lang, "start", client=ws.client_name, root=ws.root, folder=sync.folder))
    command = lab_command(sync.folder, port=port, ip=ip, open_browser=open_browser,
                          allow_root=allow_root, extra_args=extra_args)
    with tempfile.TemporaryDirectory(prefix="kbworkbook-lab-") as config_dir:
        labconfig = Path(config_dir) / "labconfig"
        labconfig.mkdir()
        atomic_write_json(labconfig / "default_setting_overrides.json",
                          lab_setting_overrides(locale))
        if kernels_ahead:
            server_config = Path(config_dir) / "jupyter_server_config.d"
            server_config.mkdir()
            atomic_write_json(server_config / "kbworkbook.json", server_extension_config())
        config_path = os.pathsep.join(
            p for p in (config_dir, os.environ.get("JUPYTER_CONFIG_PATH", "")) if p)
        env = dict(os.environ, KBWORKBOOK_WORKSPACE=str(ws.root),
                   JUPYTER_CONFIG_PATH=config_path)
        warming = start_warming(ws.root) if warm else None
        try:
            return _run_until_stopped(command, env, lang)
        finally:
            stop_warming(warming)


def _run_until_stopped(command: list[str], env: dict[str, str], language: str) -> int:
    """Run JupyterLab in its own session; forward Ctrl+C / SIGTERM / SIGHUP as one SIGTERM."""
    proc = subprocess.Popen(command, env=env, start_new_session=os.name == "posix")
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            print(_t(language, "stopping"), flush=True)
            proc.terminate()

    wanted = [signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)]
    previous = {sig: signal.signal(sig, stop) for sig in wanted if sig is not None}
    try:
        code = proc.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return 0 if stopping else code
