"""CLI: exit codes, German messages, never a traceback for a user's mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kbworkbook.cli import _build_parser, main


def test_new_creates_workspace_and_refuses_second_time(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "kunde"
    assert main(["new", str(target), "--client", "Muster AG", "--locale", "de-AT"]) == 0
    out = capsys.readouterr().out
    assert "Arbeitsordner angelegt" in out and (target / "kbworkbook.toml").is_file()
    assert 'currency = "EUR"' in (target / "kbworkbook.toml").read_text(encoding="utf-8")
    assert main(["new", str(target), "--client", "Andere AG"]) == 2
    err = capsys.readouterr().err
    assert "nicht überschrieben" in err and "Traceback" not in err


def test_usage_errors_exit_2_in_german(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as info:
        main(["new", "x"])
    assert info.value.code == 2
    assert "Fehler" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2


def test_every_command_has_help_text() -> None:
    parser = _build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    helps = {a.dest: a.help for a in sub._choices_actions}
    assert set(helps) == {"new", "check", "report", "lab", "demo", "kit"}
    assert all(h and len(h) > 10 for h in helps.values())


def test_module_entry_point_runs_without_traceback(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "kbworkbook", "report", str(tmp_path / "no")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "existiert nicht" in proc.stderr and "Traceback" not in proc.stderr + proc.stdout


def test_report_never_writes_into_the_installed_sample(capsys) -> None:  # type: ignore[no-untyped-def]
    from kbworkbook.workspace import SAMPLE_WORKSPACE

    before = sorted(p.relative_to(SAMPLE_WORKSPACE) for p in SAMPLE_WORKSPACE.rglob("*"))
    assert main(["report"]) != 0
    err = capsys.readouterr().err
    assert "--out ZIEL" in err and "Traceback" not in err
    assert sorted(p.relative_to(SAMPLE_WORKSPACE) for p in SAMPLE_WORKSPACE.rglob("*")) == before
