"""``kbworkbook check``: exit codes, messages, never a traceback (in-process and subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kbworkbook.cli import main
from kbworkbook.workspace import SAMPLE_WORKSPACE, create_workspace

REPO = Path(__file__).resolve().parent.parent


def _workspace(tmp_path: Path, transactions: str) -> Path:
    ws = create_workspace(tmp_path / "ws", client="Bäckerei Test")
    (ws.data_dir / "transactions.csv").write_text(transactions, encoding="utf-8")
    return ws.root


GOOD_TX = "Datum;Kundennummer;Umsatz\n03.01.2025;0815;12,50\n04.01.2025;0816;3,20\n"
BAD_TX = "Datum;Kundennummer;Umsatz\n31.13.2025;0815;12,50\n04.01.2025;0816;zwölf\n"


def test_check_good_workspace_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _workspace(tmp_path, GOOD_TX)
    assert main(["check", str(root)]) == 0
    out, err = capsys.readouterr()
    assert "Verkäufe (transactions.csv): in Ordnung" in out
    assert "Zeilen: 2 · Kunden: 2 · Zeitraum: 03.01.2025 – 04.01.2025" in out
    assert "Traceback" not in out + err


def test_check_broken_workspace_exits_1(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    root = _workspace(tmp_path, BAD_TX)
    assert main(["check", str(root)]) == 1
    out, err = capsys.readouterr()
    assert ("transactions.csv, Zeile 2, Spalte »Datum«: »31.13.2025« ist kein gültiges Datum "
            "(Monat 13). Bitte als TT.MM.JJJJ") in out
    assert "transactions.csv, Zeile 3, Spalte »Umsatz«: »zwölf« ist keine gültige Zahl" in out
    assert "Traceback" not in out + err


def test_check_missing_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "gibt-es-nicht")]) == 2
    out, err = capsys.readouterr()
    assert "existiert nicht" in err and "kbworkbook new" in err
    assert "Traceback" not in out + err


def test_check_empty_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _workspace(tmp_path, GOOD_TX)
    (root / "data" / "posts.csv").write_bytes(b"")
    assert main(["check", str(root)]) == 1
    out, _ = capsys.readouterr()
    assert "posts.csv: Die Datei ist leer (0 Byte)" in out


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "kbworkbook", *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=REPO, env=env, timeout=120)


def test_check_subprocess_broken_and_missing(tmp_path: Path) -> None:
    root = _workspace(tmp_path, BAD_TX)
    proc = _run("check", str(root))
    assert proc.returncode == 1
    assert "»31.13.2025« ist kein gültiges Datum (Monat 13)" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    proc = _run("check", str(tmp_path / "fehlt"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr


def test_check_sample_client_exits_0() -> None:
    proc = _run("check", str(SAMPLE_WORKSPACE.relative_to(REPO)))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    for name in ("transactions.csv", "nps.xlsx", "posts.csv", "complaints.csv"):
        assert f"({name}): in Ordnung" in proc.stdout
    assert "Aus Datenschutzgründen verworfen: Name, E-Mail" in proc.stdout
    assert "Nicht verwendet: Plattform" in proc.stdout
    assert "Ergebnis: alle vorhandenen Dateien sind in Ordnung." in proc.stdout
