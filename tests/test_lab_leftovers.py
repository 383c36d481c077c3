"""Stray temporary files of interrupted saves are cleaned up when a workshop starts (issue 15,
defect 5), and the lab's own settings file is written atomically.

Before: a save killed between writing its temporary file and renaming it left
``.<name>.<random>.tmp`` in ``answers/`` for good (only a later save into the same folder
removed it). Now ``kbworkbook lab`` removes such leftovers below ``answers/`` when they are
older than a few minutes; a fresh one may belong to a save under way and stays.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from kbworkbook import lab
from kbworkbook.cli import main
from kbworkbook.workspace import SAMPLE_WORKSPACE, Workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    shutil.copytree(SAMPLE_WORKSPACE, root, ignore=shutil.ignore_patterns("reports"))
    return Workspace.open(root)


def _leftover(folder: Path, name: str, age: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text('{"answers": {"F1_1": 4', encoding="utf-8")  # half a save
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def _answers(workspace: Workspace) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in workspace.answers_dir.rglob("*.json") if p.is_file()}


def test_only_old_leftovers_of_saves_are_removed(workspace: Workspace) -> None:
    answers = workspace.answers_dir
    before = _answers(workspace)
    old = _leftover(answers / "sechs_faktoren", ".2026-01-10T09-00-00.json.a1b2c3d4.tmp", 3600)
    plan = _leftover(answers / "aktionsplan", ".2026-01-11T09-00-00.json.x_y9z8w7.tmp", 3600)
    fresh = _leftover(answers / "sechs_faktoren", ".2026-01-12T09-00-00.json.e5f6g7h8.tmp", 5)
    other = _leftover(answers / "sechs_faktoren", "notizen.tmp", 3600)  # not ours: kept
    assert lab.remove_save_leftovers(workspace) == 2
    assert not old.exists() and not plan.exists()
    assert fresh.exists() and other.exists()
    assert _answers(workspace) == before, "answers themselves are never touched"


class _FakeLab:
    settings: list[Path] = []

    def __init__(self, command: list[str], env: dict[str, str], **_kwargs: Any) -> None:
        config = Path(env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0])
        _FakeLab.settings = sorted(p.relative_to(config) for p in config.rglob("*"))

    def wait(self, timeout: float | None = None) -> int:
        return 0

    def poll(self) -> int:
        return 0


def test_lab_start_cleans_up_and_writes_its_settings_atomically(
        workspace: Workspace, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    old = _leftover(workspace.answers_dir / "sechs_faktoren",
                    ".2026-01-10T09-00-00.json.a1b2c3d4.tmp", 3600)
    written: list[Path] = []
    real = lab.atomic_write_json

    def recording(path: Path, obj: object) -> None:
        written.append(Path(path))
        real(path, obj)

    monkeypatch.setattr(lab.subprocess, "Popen", _FakeLab)
    monkeypatch.setattr(lab, "atomic_write_json", recording)
    assert main(["lab", str(workspace.root), "--no-browser"]) == 0
    capsys.readouterr()
    assert not old.exists()
    assert any(p.name == "default_setting_overrides.json" for p in written)
    assert any(p.name == "kbworkbook.json" for p in written)  # the kernels-ahead extension
    # only the settings files, no temporary file beside them, while JupyterLab runs
    assert _FakeLab.settings == [Path("jupyter_server_config.d"),
                                 Path("jupyter_server_config.d/kbworkbook.json"),
                                 Path("labconfig"),
                                 Path("labconfig/default_setting_overrides.json")]
