"""Imports flow one way: metrics and scoring stay pure, only the form modules import widgets."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kbworkbook"
WIDGET_MODULES = {"forms.py", "chapters/massnahmen_forms.py"}
STDLIB = set(sys.stdlib_module_names)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names.add(base)
            if node.level and not node.module:
                names.update("." * node.level + a.name for a in node.names)
    return names


def _modules(folder: str = "") -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def _absolute(name: str, path: Path) -> str:
    """Resolve a relative import of module ``path`` to its absolute dotted name."""
    if not name.startswith("."):
        return name
    level = len(name) - len(name.lstrip("."))
    package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    base = ".".join(package[: len(package) - level + 1])
    rest = name.lstrip(".")
    return f"{base}.{rest}" if rest else base


def test_metrics_import_only_numpy_pandas_and_errors() -> None:
    """pyarrow counts as part of pandas here: it backs pandas 3 strings (fast factorize)."""
    for path in _modules("metrics"):
        for name in (_absolute(n, path) for n in _imports(path)):
            top = name.split(".")[0]
            allowed = (top in STDLIB or top in {"numpy", "pandas", "pyarrow"}
                       or name == "kbworkbook.errors" or name.startswith("kbworkbook.metrics"))
            assert allowed, f"{path.relative_to(PACKAGE)} imports {name}"


def test_models_import_only_numpy_pandas_scipy_and_lower_layers() -> None:
    # _orders: the netted receipts every count of purchases uses (the call list's too)
    lower = {"kbworkbook.errors", "kbworkbook.i18n", "kbworkbook.metrics",
             "kbworkbook.metrics._common", "kbworkbook.metrics._orders"}
    for path in _modules("models"):
        for name in (_absolute(n, path) for n in _imports(path)):
            top = name.split(".")[0]
            allowed = (top in STDLIB or top in {"numpy", "pandas", "scipy"} or name in lower
                       or name.startswith("kbworkbook.models"))
            assert allowed, f"{path.relative_to(PACKAGE)} imports {name}"


def test_economics_imports_only_numpy_pandas_and_errors() -> None:
    """The economics package sits on metrics: numbers and frames in, dataclasses out."""
    for path in _modules("economics"):
        for name in (_absolute(n, path) for n in _imports(path)):
            top = name.split(".")[0]
            allowed = (top in STDLIB or top in {"numpy", "pandas"}
                       or name == "kbworkbook.errors"
                       or name.startswith(("kbworkbook.economics", "kbworkbook.metrics")))
            assert allowed, f"{path.relative_to(PACKAGE)} imports {name}"


def test_pure_modules_do_no_io_or_plotting() -> None:
    pure = [*_modules("metrics"), *_modules("models"), *_modules("economics"),
            PACKAGE / "figures.py",
            PACKAGE / "questionnaires" / "scoring.py"]
    for path in pure:
        names = _imports(path)
        banned = {"matplotlib", "ipywidgets", "IPython"}
        assert not any(n.split(".")[0] in banned for n in names), path
        source = path.read_text(encoding="utf-8")
        assert "date.today()" not in source and "print(" not in source, path


def test_only_form_modules_import_ipywidgets() -> None:
    for path in _modules():
        rel = path.relative_to(PACKAGE).as_posix()
        if any(n.split(".")[0] == "ipywidgets" for n in _imports(path)):
            assert rel in WIDGET_MODULES, f"{rel} imports ipywidgets"


def test_store_and_plan_never_import_widgets_or_plots() -> None:
    for name in ("store.py", "plan.py"):
        imports = _imports(PACKAGE / name)
        assert not any(n.split(".")[0] in {"ipywidgets", "matplotlib"} for n in imports), name


def test_ruff_is_clean() -> None:
    root = PACKAGE.parent
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise",
                           "kbworkbook", "tests", "bench"],
                          cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_mypy_is_clean(tmp_path: Path) -> None:
    root = PACKAGE.parent
    proc = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path)],
                          cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]


ANALYSIS = ("figures.py", "programme.py", "analysis_cache.py")
VIEWS = ("kbworkbook.chapters", "kbworkbook.notebook", "kbworkbook.report", "kbworkbook.plots",
         "kbworkbook.forms", "kbworkbook.lab", "kbworkbook.cli", "kbworkbook.check")


def test_analysis_sits_below_the_chapters_and_the_report() -> None:
    """The analysis layer computes; chapters, notebook context and report only present it."""
    for module in ANALYSIS:
        path = PACKAGE / module
        if not path.exists():
            continue
        for name in (_absolute(n, path) for n in _imports(path)):
            assert not name.startswith(VIEWS), f"{module} imports {name}"


def test_programme_and_figures_are_pure() -> None:
    for module in ("figures.py", "programme.py"):
        names = _imports(PACKAGE / module)
        assert not any(n.split(".")[0] in {"matplotlib", "ipywidgets", "IPython"}
                       for n in names), module
        assert not any(_absolute(n, PACKAGE / module).startswith(
            ("kbworkbook.store", "kbworkbook.io", "kbworkbook.schemas"))
            for n in names), module


def _chapter_modules() -> set[str]:
    from kbworkbook.chapters import CHAPTERS

    return {f"kbworkbook.chapters.{c.module}" for c in CHAPTERS}


def test_chapters_import_no_sibling_chapter() -> None:
    """Shared chapter glue lives in private modules (``_sections``, ``_window``, …), not in a
    sibling chapter; form modules take callbacks instead of importing their chapter."""
    chapters = _chapter_modules()
    for path in _modules("chapters"):
        own = "kbworkbook.chapters." + path.stem
        for name in (_absolute(n, path) for n in _imports(path)):
            assert name not in chapters or name == own, f"chapters/{path.name} imports {name}"
