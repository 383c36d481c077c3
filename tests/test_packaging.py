"""The pip and conda installs name the same dependencies; the public surface stays pinned."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import kbworkbook

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
        "CohortTable", "EngagementRate", "NpsResult", "PurchaseFigures", "WindowRetention",
        "annualize_churn", "churn_average_base", "churn_rate", "clv_by_segment",
        "clv_discounted", "clv_per_customer", "clv_simple", "cohort_retention", "cross_selling",
        "default_segments", "engagement_rate", "expected_lifetime", "nps", "nps_trend",
        "post_engagement", "purchase_figures", "retention_rate", "rfm_scores", "rfm_segments",
        "rfm_summary", "rfm_values", "window_retention",
    ]
    for name in metrics.__all__:
        assert callable(getattr(metrics, name)), name
