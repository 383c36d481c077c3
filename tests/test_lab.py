"""``kbworkbook lab``: the workspace's own notebook copies, JupyterLab's command line, the UI
language, root, and notebooks that find their workspace. JupyterLab itself is replaced by a
recording fake here; tests/test_lab_browser.py runs the real one."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kbworkbook import lab
from kbworkbook.cli import main
from kbworkbook.errors import WorkspaceError
from kbworkbook.notebook import WORKSPACE_ENV, setup
from kbworkbook.report import NOTEBOOK_DIR
from kbworkbook.workspace import SAMPLE_WORKSPACE, Workspace

TODAY = dt.date(2026, 3, 5)
SHIPPED = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))


def _tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    target = tmp_path / "kunde"
    shutil.copytree(SAMPLE_WORKSPACE, target, ignore=shutil.ignore_patterns("reports"))
    return Workspace.open(target)


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A stand-in for the package's notebooks that a test may change (a new release)."""
    source = tmp_path / "paket"
    shutil.copytree(NOTEBOOK_DIR, source)
    return source


def _edit(path: Path, text: str) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(new_markdown_cell(text))
    nbformat.write(nb, path)


def _run_and_save(path: Path) -> None:
    """What saving after a workshop does: outputs and execution counts, sources unchanged."""
    nb = nbformat.read(path, as_version=4)
    for number, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = number + 1
        cell.outputs = [new_output("stream", name="stdout", text=f"Ausgabe {number}\n")]
    nbformat.write(nb, path)


# -- copying and refreshing ----------------------------------------------------------------------


def test_first_sync_copies_every_chapter_and_leaves_the_package_alone(
        workspace: Workspace) -> None:
    package_before = _tree_digest(NOTEBOOK_DIR.parent)
    result = lab.sync_notebooks(workspace, today=TODAY)
    folder = workspace.root / "notebooks"
    assert result.folder == folder
    assert list(result.copied) == SHIPPED and len(SHIPPED) == 7
    for name in SHIPPED:
        assert (folder / name).read_bytes() == (NOTEBOOK_DIR / name).read_bytes()
    manifest = json.loads((folder / lab.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["notebooks"] == {n: lab.notebook_fingerprint(NOTEBOOK_DIR / n)
                                     for n in SHIPPED}
    assert result.messages("de") == [
        f"Notebooks nach {folder} kopiert: {', '.join(SHIPPED)}."]
    assert _tree_digest(NOTEBOOK_DIR.parent) == package_before


def test_a_second_sync_changes_nothing_and_keeps_saved_outputs(workspace: Workspace) -> None:
    lab.sync_notebooks(workspace, today=TODAY)
    saved = workspace.root / "notebooks" / SHIPPED[1]
    _run_and_save(saved)
    before = _tree_digest(workspace.root / "notebooks")
    result = lab.sync_notebooks(workspace, today=TODAY)
    assert result == lab.NotebookSync(folder=workspace.root / "notebooks")
    assert result.messages("de") == []
    assert _tree_digest(workspace.root / "notebooks") == before


def test_outputs_and_execution_counts_are_not_edits(tmp_path: Path) -> None:
    path = tmp_path / "n.ipynb"
    shutil.copyfile(NOTEBOOK_DIR / SHIPPED[0], path)
    original = lab.notebook_fingerprint(path)
    _run_and_save(path)
    assert lab.notebook_fingerprint(path) == original
    _edit(path, "Notiz der Beraterin")
    assert lab.notebook_fingerprint(path) != original
    path.write_text("{ kein JSON", encoding="utf-8")
    assert lab.notebook_fingerprint(path) is None


def test_a_new_package_version_replaces_an_unedited_copy(
        workspace: Workspace, package_copy: Path) -> None:
    lab.sync_notebooks(workspace, source=package_copy, today=TODAY)
    name = SHIPPED[3]
    _run_and_save(workspace.root / "notebooks" / name)  # used in a workshop, not edited
    _edit(package_copy / name, "Neuer Abschnitt in der nächsten Version")
    result = lab.sync_notebooks(workspace, source=package_copy, today=TODAY)
    assert result.updated == (name,) and not result.set_aside and not result.copied
    assert (workspace.root / "notebooks" / name).read_bytes() == (package_copy / name).read_bytes()
    assert result.messages("de") == [f"Neue Fassung aus kbworkbook 0.1.0: {name}."]
    assert sorted(p.name for p in (workspace.root / "notebooks").glob("*.ipynb")) == SHIPPED


def test_a_new_package_version_sets_an_edited_copy_aside(
        workspace: Workspace, package_copy: Path) -> None:
    lab.sync_notebooks(workspace, source=package_copy, today=TODAY)
    name = SHIPPED[1]
    copy = workspace.root / "notebooks" / name
    _edit(copy, "Eigene Notiz: Inhaberin will Stempelkarte prüfen")
    edited = copy.read_bytes()
    _edit(package_copy / name, "Neuer Abschnitt in der nächsten Version")
    result = lab.sync_notebooks(workspace, source=package_copy, today=TODAY)
    aside = f"{Path(name).stem}.bearbeitet-2026-03-05.ipynb"
    assert result.set_aside == ((name, aside),)
    assert (workspace.root / "notebooks" / aside).read_bytes() == edited
    assert copy.read_bytes() == (package_copy / name).read_bytes()
    assert result.messages("de") == [
        f"{name}: Ihre bearbeitete Fassung ist als »{aside}« beiseitegelegt; »{name}« ist jetzt "
        "die neue Fassung aus kbworkbook 0.1.0. Übernehmen Sie Ihre Änderungen bei Bedarf von "
        "Hand."]
    # the same again on the same day: a second name, the first set-aside copy stays
    _edit(copy, "Zweite Notiz")
    second = copy.read_bytes()
    _edit(package_copy / name, "Noch eine Version")
    again = lab.sync_notebooks(workspace, source=package_copy, today=TODAY)
    aside2 = f"{Path(name).stem}.bearbeitet-2026-03-05-2.ipynb"
    assert again.set_aside == ((name, aside2),)
    assert (workspace.root / "notebooks" / aside).read_bytes() == edited
    assert (workspace.root / "notebooks" / aside2).read_bytes() == second


def test_an_edited_copy_of_the_current_version_is_kept(
        workspace: Workspace, package_copy: Path) -> None:
    lab.sync_notebooks(workspace, source=package_copy, today=TODAY)
    copy = workspace.root / "notebooks" / SHIPPED[2]
    _edit(copy, "Eigene Auswertung")
    edited = copy.read_bytes()
    result = lab.sync_notebooks(workspace, source=package_copy, today=TODAY)
    assert result.kept == (SHIPPED[2],) and result.messages("de") == []
    assert copy.read_bytes() == edited


@pytest.mark.parametrize("manifest", ["missing", "broken"])
def test_without_a_trustworthy_manifest_a_differing_copy_is_set_aside(
        workspace: Workspace, manifest: str) -> None:
    folder = workspace.root / "notebooks"
    lab.sync_notebooks(workspace, today=TODAY)
    _edit(folder / SHIPPED[0], "Notiz")
    (folder / SHIPPED[4]).write_text("{ halb gespeichert", encoding="utf-8")
    if manifest == "missing":
        (folder / lab.MANIFEST).unlink()
    else:
        (folder / lab.MANIFEST).write_text("[]", encoding="utf-8")
    result = lab.sync_notebooks(workspace, today=TODAY)
    assert [name for name, _ in result.set_aside] == [SHIPPED[0], SHIPPED[4]]
    assert "{ halb gespeichert" in (
        folder / f"{Path(SHIPPED[4]).stem}.bearbeitet-2026-03-05.ipynb").read_text("utf-8")
    assert "Notiz" in (
        folder / f"{Path(SHIPPED[0]).stem}.bearbeitet-2026-03-05.ipynb").read_text("utf-8")


def test_notebooks_the_package_does_not_ship_are_left_alone(workspace: Workspace) -> None:
    own = workspace.root / "notebooks" / "eigene_analyse.ipynb"
    own.parent.mkdir()
    nbformat.write(new_notebook(cells=[new_code_cell("1 + 1")]), own)
    before = own.read_bytes()
    lab.sync_notebooks(workspace, today=TODAY)
    assert own.read_bytes() == before


def test_english_workspace_gets_english_messages_and_names(
        workspace: Workspace, package_copy: Path) -> None:
    toml = workspace.root / "kbworkbook.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('locale = "de-CH"', 'locale = "en"'),
                    encoding="utf-8")
    english = Workspace.open(workspace.root)
    assert english.language == "en"
    lab.sync_notebooks(english, source=package_copy, today=TODAY)
    _edit(english.root / "notebooks" / SHIPPED[0], "my note")
    _edit(package_copy / SHIPPED[0], "next version")
    result = lab.sync_notebooks(english, source=package_copy, today=TODAY)
    aside = f"{Path(SHIPPED[0]).stem}.edited-2026-03-05.ipynb"
    assert result.set_aside == ((SHIPPED[0], aside),)
    assert result.messages("en")[0].startswith(f"{SHIPPED[0]}: your edited version was set aside")


def test_the_bundled_sample_itself_is_refused() -> None:
    with pytest.raises(WorkspaceError, match="liegt im installierten kbworkbook-Paket"):
        lab.sync_notebooks(Workspace.open(None), today=TODAY)
    assert not (SAMPLE_WORKSPACE / "notebooks").exists()


_EVENT = st.tuples(st.sampled_from(["edit", "save_outputs", "release", "sync"]),
                   st.integers(0, 1))


@settings(max_examples=40, deadline=None)
@given(st.lists(_EVENT, min_size=1, max_size=12))
def test_no_sequence_of_edits_and_releases_loses_an_edit(events: list[tuple[str, int]]) -> None:
    """Whatever happens in which order, every text the consultant typed is still in a file of
    the folder, and after a sync each notebook the package changed is the package's version."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = root / "paket"
        source.mkdir()
        names = ["00_a.ipynb", "01_b.ipynb"]
        for name in names:
            nbformat.write(new_notebook(cells=[new_code_cell(f"print('{name}')")]), source / name)
        shutil.copytree(SAMPLE_WORKSPACE, root / "ws", ignore=shutil.ignore_patterns("reports"))
        ws = Workspace.open(root / "ws")
        folder = ws.root / "notebooks"
        lab.sync_notebooks(ws, source=source, today=TODAY)
        typed: list[str] = []
        released_since_sync: set[str] = set()
        for step, (event, index) in enumerate(events):
            name = names[index]
            if event == "edit":
                typed.append(f"Notiz {step}")
                _edit(folder / name, typed[-1])
            elif event == "save_outputs":
                _run_and_save(folder / name)
            elif event == "release":
                _edit(source / name, f"Version {step}")
                released_since_sync.add(name)
            else:
                lab.sync_notebooks(ws, source=source, today=TODAY)
                for changed in released_since_sync:
                    assert (lab.notebook_fingerprint(folder / changed)
                            == lab.notebook_fingerprint(source / changed))
                released_since_sync.clear()
            everything = "".join(p.read_text(encoding="utf-8") for p in folder.glob("*.ipynb"))
            for text in typed:
                assert text in everything, (text, events)


# -- notebooks find their workspace --------------------------------------------------------------


def test_a_notebook_in_the_workspace_finds_it_without_the_env_var(
        workspace: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    lab.sync_notebooks(workspace, today=TODAY)
    monkeypatch.delenv(WORKSPACE_ENV, raising=False)
    monkeypatch.chdir(workspace.root / "notebooks")
    assert setup(None).workspace.root == workspace.root
    assert setup(None, live=True).workspace.root == workspace.root
    # a folder called notebooks elsewhere is no workspace: the sample (playground when live)
    stray = tmp_path / "irgendwo" / "notebooks"
    stray.mkdir(parents=True)
    monkeypatch.chdir(stray)
    assert setup(None).workspace.is_sample
    # the env var of »kbworkbook lab« wins over the folder
    other = tmp_path / "anderer"
    shutil.copytree(SAMPLE_WORKSPACE, other, ignore=shutil.ignore_patterns("reports"))
    monkeypatch.chdir(workspace.root / "notebooks")
    monkeypatch.setenv(WORKSPACE_ENV, str(other))
    assert setup(None).workspace.root == other.resolve()


# -- starting JupyterLab -------------------------------------------------------------------------


class FakeJupyterLab:
    """Records what ``launch_lab`` starts and the settings file that exists while it runs."""

    runs: list[dict[str, Any]] = []

    def __init__(self, command: list[str], env: dict[str, str], **kwargs: Any) -> None:
        config_dir = env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0]
        overrides = Path(config_dir) / "labconfig" / "default_setting_overrides.json"
        server = Path(config_dir) / "jupyter_server_config.d" / "kbworkbook.json"
        self.runs.append({"command": command, "env": env, "kwargs": kwargs,
                          "config_dir": config_dir,
                          "overrides": json.loads(overrides.read_text(encoding="utf-8")),
                          "server": (json.loads(server.read_text(encoding="utf-8"))
                                     if server.is_file() else None)})
        self.returncode: int | None = None

    def wait(self, timeout: float | None = None) -> int:
        self.returncode = 0
        return 0

    def poll(self) -> int | None:
        return self.returncode


@pytest.fixture
def fake_lab(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    FakeJupyterLab.runs = []
    monkeypatch.setattr(lab.subprocess, "Popen", FakeJupyterLab)
    return FakeJupyterLab.runs


def _option(command: list[str], name: str) -> str | None:
    values = [arg.split("=", 1)[1] for arg in command if arg.startswith(f"{name}=")]
    assert len(values) <= 1, command
    return values[0] if values else None


def test_lab_runs_jupyterlab_on_the_workspace_copy_with_the_options(
        workspace: Workspace, fake_lab: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(lab.os, "geteuid", lambda: 1000, raising=False)
    code = main(["lab", str(workspace.root), "--port", "8899", "--ip", "127.0.0.1",
                 "--no-browser", "--", "--IdentityProvider.token=geheim", "--ServerApp.x=1"])
    assert code == 0
    (run,) = fake_lab
    command = run["command"]
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert _option(command, "--ServerApp.root_dir") == str(workspace.root / "notebooks")
    assert str(NOTEBOOK_DIR) not in " ".join(command)
    assert _option(command, "--port") == "8899" and _option(command, "--ip") == "127.0.0.1"
    assert "--no-browser" in command and "--allow-root" not in command
    assert command[-2:] == ["--IdentityProvider.token=geheim", "--ServerApp.x=1"]
    assert run["env"][WORKSPACE_ENV] == str(workspace.root)
    assert run["overrides"][lab.TRANSLATION_PLUGIN] == {"locale": "de_DE"}
    assert run["overrides"][lab.NOTIFICATION_PLUGIN]["fetchNews"] == "false"
    assert not Path(run["config_dir"]).exists(), "the temporary settings folder is removed"
    out = capsys.readouterr().out
    assert "JupyterLab für »Bäckerei Sonnenschein GmbH«" in out and "--allow-root" not in out
    assert f"Notebooks nach {workspace.root / 'notebooks'} kopiert" in out


def test_lab_as_root_adds_allow_root_with_a_note(
        workspace: Workspace, fake_lab: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(lab.os, "geteuid", lambda: 0, raising=False)
    assert main(["lab", str(workspace.root)]) == 0
    command = fake_lab[0]["command"]
    assert command.count("--allow-root") == 1 and "--no-browser" not in command
    assert _option(command, "--port") is None
    lines = capsys.readouterr().out.splitlines()
    assert ("Hinweis: kbworkbook läuft als root; JupyterLab wird mit --allow-root gestartet."
            in lines)
    # given explicitly after "--" as well: still only once
    assert main(["lab", str(workspace.root), "--", "--allow-root"]) == 0
    assert fake_lab[1]["command"].count("--allow-root") == 1


def test_english_workspace_opens_the_english_ui(
        workspace: Workspace, fake_lab: list[dict[str, Any]]) -> None:
    toml = workspace.root / "kbworkbook.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('locale = "de-CH"', 'locale = "en"'),
                    encoding="utf-8")
    assert main(["lab", str(workspace.root)]) == 0
    assert fake_lab[0]["overrides"][lab.TRANSLATION_PLUGIN] == {"locale": "en"}


def test_the_german_language_pack_is_installed() -> None:
    """A runtime dependency: without it the »de« UI would silently stay English."""
    assert lab._has_language_pack("de_DE")
    assert not lab._has_language_pack("xx_XX")


def test_lab_without_a_folder_uses_the_sample_playground_never_the_package(
        fake_lab: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    package_before = _tree_digest(NOTEBOOK_DIR.parent)
    for argv in (["lab"], ["lab", str(SAMPLE_WORKSPACE)]):
        assert main(argv) == 0
    playground = Path(os.environ["KBWORKBOOK_HOME"]) / "beispielkunde"
    for run in fake_lab:
        assert _option(run["command"], "--ServerApp.root_dir") == str(playground / "notebooks")
    assert sorted(p.name for p in (playground / "notebooks").glob("*.ipynb")) == SHIPPED
    assert "Spielwiese" in capsys.readouterr().out
    assert _tree_digest(NOTEBOOK_DIR.parent) == package_before


def test_double_dash_belongs_to_lab_only(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check", "x", "--", "--port=1"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "nur bei »kbworkbook lab«" in err and "Traceback" not in err


def test_missing_workspace_is_a_clean_error(tmp_path: Path, fake_lab: list[dict[str, Any]],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lab", str(tmp_path / "fehlt")]) == 2
    err = capsys.readouterr().err
    assert "existiert nicht" in err and "Traceback" not in err and not fake_lab


def test_lab_starts_the_chapter_kernels_ahead_unless_told_not_to(
        workspace: Workspace, fake_lab: list[dict[str, Any]]) -> None:
    assert main(["lab", str(workspace.root), "--no-browser"]) == 0
    assert main(["lab", str(workspace.root), "--no-browser", "--no-kernels-ahead"]) == 0
    ahead, not_ahead = fake_lab
    extensions = ahead["server"]["ServerApp"]["jpserver_extensions"]
    assert extensions == {"kbworkbook.lab_kernels": True}
    assert not_ahead["server"] is None


def test_the_imports_ahead_leave_a_fresh_namespace_and_load_the_chapter() -> None:
    import subprocess

    from kbworkbook.chapters import CHAPTERS
    from kbworkbook.lab_kernels import chapters_in, preload_code

    assert chapters_in(NOTEBOOK_DIR) == list(CHAPTERS)  # every chapter, in chapter order
    chapter = CHAPTERS[4]
    script = (f"import sys\nns = {{}}\nexec({preload_code(chapter)!r}, ns)\n"
              "print(sorted(k for k in ns if k != '__builtins__'))\n"
              f"print('kbworkbook.chapters.{chapter.module}' in sys.modules, "
              "'pandas' in sys.modules, 'scipy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split("\n")[:2] == ["[]", "True True False"]
