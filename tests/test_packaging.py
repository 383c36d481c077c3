"""Installs: the lock agrees with pyproject.toml, conda names the same dependencies, the wheel
carries what it needs and runs the demo anywhere; the public surface stays pinned."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import kbworkbook
from kbworkbook.chapters import CHAPTERS

ROOT = Path(__file__).resolve().parent.parent


def _names(requirements: list[str]) -> dict[str, str]:
    out = {}
    for req in requirements:
        match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
        assert match, req
        out[match.group(1).lower().replace("_", "-")] = match.group(2).replace(" ", "")
    return out


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pip_side = _names(project["dependencies"] + project["optional-dependencies"]["test"])
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    dependencies = text.split("dependencies:", 1)[1]
    conda_lines = [
        line.strip()[2:]
        for line in dependencies.splitlines()
        if line.strip().startswith("- ") and not line.strip().startswith(("- pip", "- -e"))
        and line.strip()[2:].split(">")[0].split("=")[0] != "python"
    ]
    conda_side = _names(conda_lines)
    assert conda_side == pip_side


def test_public_names_are_pinned() -> None:
    assert kbworkbook.__all__ == sorted([
        "AnswerStore", "DataError", "KbWorkbookError", "MetricError", "Problem",
        "QuestionnaireError", "ReportError", "StoreError", "Workspace", "WorkspaceError",
        "__version__", "build_report", "create_workspace", "load_complaints", "load_nps",
        "load_posts", "load_transactions",
    ])
    for name in kbworkbook.__all__:
        assert getattr(kbworkbook, name) is not None, name


def test_every_error_derives_from_the_root() -> None:
    from kbworkbook import errors

    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, errors.KbWorkbookError), name


def test_metrics_surface_is_pinned() -> None:
    from kbworkbook import metrics

    assert sorted(metrics.__all__) == [
        "CohortTable", "EngagementRate", "IdentifiedShare", "NpsResult", "PurchaseFigures",
        "WindowRetention",
        "annualize_churn", "churn_average_base", "churn_rate", "clv_by_segment",
        "clv_discounted", "clv_per_customer", "clv_simple", "cohort_retention", "cross_selling",
        "default_segments", "engagement_rate", "expected_lifetime", "identified_share", "nps",
        "nps_trend",
        "post_engagement", "purchase_figures", "retention_rate", "rfm_scores", "rfm_segments",
        "rfm_summary", "rfm_values", "top_customers_share", "window_retention",
        "window_retentions",
    ]
    for name in metrics.__all__:
        assert callable(getattr(metrics, name)), name


# -- the lock ----------------------------------------------------------------------------------
def _uv(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the locked uv (it is in the test extra) offline: no test may depend on the network."""
    env = dict(os.environ, UV_OFFLINE="1", UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1")
    return subprocess.run([sys.executable, "-m", "uv", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_lock_agrees_with_pyproject() -> None:
    proc = _uv("lock", "--check", cwd=ROOT)
    assert proc.returncode == 0, "pyproject.toml and uv.lock disagree; run 'make lock'\n" + (
        proc.stderr[-2000:])


def test_lock_check_notices_a_changed_dependency_list(tmp_path: Path) -> None:
    """The check above can fail: a dependency dropped from pyproject.toml is caught."""
    for name in ("pyproject.toml", "uv.lock", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "kbworkbook").mkdir()
    pyproject = tmp_path / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert '    "openpyxl>=3.1",\n' in text
    pyproject.write_text(text.replace('    "openpyxl>=3.1",\n', ""), encoding="utf-8")
    proc = _uv("lock", "--check", cwd=tmp_path)
    assert proc.returncode != 0 and "needs to be updated" in proc.stderr, proc.stderr[-2000:]


def test_makefile_bootstraps_the_locked_uv() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    bootstrap = re.search(r"^UV_VERSION\s*:=\s*(\S+)", makefile, re.M)
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    locked = {p["name"]: p["version"] for p in lock["package"] if "version" in p}
    assert bootstrap and bootstrap.group(1) == locked["uv"]
    assert "sync --locked" in makefile


# -- the wheel ---------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.xdist_group("wheel")
def test_wheel_installed_from_the_lock_runs_the_demo_anywhere(tmp_path: Path) -> None:
    """Build the wheel, install it (not editable) with the locked runtime set into a fresh venv,
    offline from uv's cache, and run ``kbworkbook demo`` from an unrelated folder."""
    dist, venv, elsewhere = tmp_path / "dist", tmp_path / "venv", tmp_path / "elsewhere"
    elsewhere.mkdir()
    built = _uv("build", "--wheel", "--out-dir", str(dist), cwd=ROOT, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = dist.glob("kbworkbook-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for chapter in CHAPTERS:
        assert f"kbworkbook/notebooks/{chapter.notebook}" in names
    assert "kbworkbook/data/samples/sonnenschein/data/transactions.csv" in names
    assert "kbworkbook/data/samples/sonnenschein/kbworkbook.toml" in names
    assert "kbworkbook/report_templates/kbreport/index.html.j2" in names
    assert not any(n.startswith(("tests/", "bench/")) for n in names)

    # the runtime set exactly as locked (no extras), then the wheel itself without resolving
    made = _uv("venv", str(venv), "--python", sys.executable, cwd=tmp_path)
    assert made.returncode == 0, made.stderr[-2000:]
    synced = subprocess.run(
        [sys.executable, "-m", "uv", "sync", "--frozen", "--no-install-project", "--no-dev"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, UV_OFFLINE="1", UV_PROJECT_ENVIRONMENT=str(venv),
                 UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1"))
    assert synced.returncode == 0, synced.stderr[-3000:]
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    installed = _uv("pip", "install", "--python", str(python), "--no-deps", str(wheel),
                    cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr[-3000:]
    consistent = _uv("pip", "check", "--python", str(python), cwd=tmp_path)
    assert consistent.returncode == 0, consistent.stdout[-2000:] + consistent.stderr[-2000:]

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["KBWORKBOOK_HOME"] = str(tmp_path / "home")
    cli = venv / ("Scripts/kbworkbook.exe" if os.name == "nt" else "bin/kbworkbook")
    demo = subprocess.run([str(cli), "demo", "--out", "bericht"], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=420)
    assert demo.returncode == 0, (demo.stdout + demo.stderr)[-3000:]
    pages = sorted(p.name for p in (elsewhere / "bericht").glob("*.html"))
    expected = ["index.html", *(c.notebook.replace(".ipynb", ".html") for c in CHAPTERS)]
    assert pages == sorted(expected), pages
    located = subprocess.run([str(python), "-c", "import kbworkbook; print(kbworkbook.__file__)"],
                             cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert str(venv) in located.stdout, "the demo ran from the wheel, not from the checkout"
