"""Shared fixtures: a headless matplotlib, and the sample client's report built once."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import matplotlib
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
# the sample client's playground copy (live forms without a workspace) goes to a temp folder
os.environ["KBWORKBOOK_HOME"] = tempfile.mkdtemp(prefix="kbworkbook-home-")
matplotlib.use("Agg")

REPORT_DATE = dt.date(2026, 1, 15)


@pytest.fixture(autouse=True)
def _close_figures():  # type: ignore[no-untyped-def]
    """Sections return matplotlib figures that a notebook would show and close; close what a
    test left open, so no later test on the same worker meets matplotlib's "more than 20
    figures" warning (an error under filterwarnings)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The full report of the bundled sample client (all chapters, two jobs, with the PDF)."""
    from kbworkbook.report import build_report

    out = tmp_path_factory.mktemp("sample-report")
    lines: list[str] = []
    result = build_report(None, out=out, jobs=2, progress=lines.append, today=REPORT_DATE,
                          pdf=True)
    result.progress_lines = lines  # type: ignore[attr-defined]
    return result


def html_files(out: Path) -> list[Path]:
    return sorted(out.glob("*.html"))


@pytest.fixture()
def read_only(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """``read_only(folder)`` makes ``folder`` (and everything below) read-only.

    Permissions are removed for real (``chmod``). Root ignores them, so when a probe write
    still succeeds the operating system's refusal is reproduced instead: every call that
    would create, replace or delete something below ``folder`` raises ``PermissionError``
    (EACCES), exactly what the kernel answers an ordinary user.
    """
    import errno

    roots: list[Path] = []

    def below(path: object) -> bool:
        try:
            target = Path(os.fsdecode(path)).absolute()  # type: ignore[arg-type]
        except TypeError:
            return False
        return any(target == r or r in target.parents for r in roots)

    def refuse(path: object) -> PermissionError:
        return PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))  # type: ignore[arg-type]

    def make(folder: Path) -> None:
        folder = folder.absolute()
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir():
                path.chmod(0o555)
        roots.append(folder)
        probe = folder / ".probe"
        try:
            probe.touch()
        except PermissionError:
            return  # the OS refuses by itself
        probe.unlink()
        real_open, real_mkdir, real_replace = os.open, os.mkdir, os.replace
        real_unlink, real_rename, real_access = os.unlink, os.rename, os.access
        writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

        def fake_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
            if flags & writes and below(path):
                raise refuse(path)
            return real_open(path, flags, *args, **kwargs)

        def fake_mkdir(path, *args, **kwargs):  # type: ignore[no-untyped-def]
            if below(path):
                raise refuse(path)
            return real_mkdir(path, *args, **kwargs)

        def two(real):  # type: ignore[no-untyped-def]
            def fake(src, dst, *args, **kwargs):  # type: ignore[no-untyped-def]
                if below(src) or below(dst):
                    raise refuse(dst)
                return real(src, dst, *args, **kwargs)
            return fake

        def fake_unlink(path, *args, **kwargs):  # type: ignore[no-untyped-def]
            if below(path):
                raise refuse(path)
            return real_unlink(path, *args, **kwargs)

        def fake_access(path, mode, *args, **kwargs):  # type: ignore[no-untyped-def]
            if mode & os.W_OK and below(path):
                return False
            return real_access(path, mode, *args, **kwargs)

        monkeypatch.setattr(os, "open", fake_open)
        monkeypatch.setattr(os, "mkdir", fake_mkdir)
        monkeypatch.setattr(os, "replace", two(real_replace))
        monkeypatch.setattr(os, "rename", two(real_rename))
        monkeypatch.setattr(os, "unlink", fake_unlink)
        monkeypatch.setattr(os, "access", fake_access)

    yield make
    for root in roots:  # writable again, so pytest can remove its temp folders
        for path in [root, *root.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
