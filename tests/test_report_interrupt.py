"""Ctrl+C during a report run (issue 15, defect 5), tested for real on the command line.

Before: the run went on for ~15 s, the other chapters rewrote their HTML, nbclient printed
tracebacks and the folder ended with the old index beside new chapters. Now: the CLI is
started as a subprocess in its own session, SIGINT goes to its whole process group (what a
terminal's Ctrl+C does) once the first chapter's kernel runs; it must end within 2 s with
exit code 130 and one line, leave no process of the run alive and the previous report as it
was, with no hidden build folder beside it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from kbworkbook.workspace import SAMPLE_WORKSPACE

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("report"),
              pytest.mark.skipif(os.name != "posix", reason="process groups are POSIX")]

#: the issue's bound for the time from Ctrl+C to the end of the process
STOP_WITHIN = 2.0


@dataclass
class Interrupted:
    """One interrupted CLI run: exit code, output, seconds from SIGINT to exit."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    seen: dict[int, psutil.Process] = field(default_factory=dict)
    trackers: set[int] = field(default_factory=set)

    def survivors(self, marker: str) -> list[str]:
        """Processes of the run still alive: any seen below the CLI, or any naming ``marker``
        (the run's temp folder) on its command line."""
        # Python's resource tracker (a helper of multiprocessing, not started by kbworkbook)
        # leaves when it sees the CLI gone: a moment's grace for it, none for the others
        psutil.wait_procs([self.seen[pid] for pid in self.trackers], timeout=2.0)
        alive = []
        for proc in self.seen.values():
            try:
                if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(" ".join(proc.cmdline()) or proc.name())
            except psutil.Error:
                continue
        for proc in psutil.process_iter(["cmdline", "status"]):
            cmdline = " ".join(proc.info["cmdline"] or [])
            if marker in cmdline and proc.info["status"] != psutil.STATUS_ZOMBIE:
                alive.append(cmdline)
        return alive


def interrupt_cli(args: list[str], tmp: Path, wait_for_kernel: float = 240,
                  sig: int = signal.SIGINT, group: bool = True) -> Interrupted:
    """Start ``kbworkbook ARGS``, send ``sig`` to its process group (``group``: else to the
    CLI alone) as soon as a chapter's kernel runs, and measure the time until the CLI has
    exited."""
    tmp.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONUNBUFFERED="1")
    stdout, stderr = tmp / "stdout.txt", tmp / "stderr.txt"
    with stdout.open("w") as out, stderr.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "kbworkbook", *args], stdout=out,
                                stderr=err, env=env, start_new_session=True)
    seen: dict[int, psutil.Process] = {}
    trackers: set[int] = set()
    cli = psutil.Process(proc.pid)
    deadline = time.monotonic() + wait_for_kernel
    kernel = False
    while not kernel:
        assert proc.poll() is None, stderr.read_text(encoding="utf-8")
        assert time.monotonic() < deadline, "no chapter kernel started"
        try:
            children = cli.children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        for child in children:
            seen.setdefault(child.pid, child)
            try:
                cmdline = " ".join(child.cmdline())
            except psutil.Error:
                continue
            kernel = kernel or "ipykernel_launcher" in cmdline
            if "resource_tracker" in cmdline:
                trackers.add(child.pid)
        time.sleep(0.05)
    if group:
        os.killpg(proc.pid, sig)
    else:
        os.kill(proc.pid, sig)
    started = time.monotonic()
    try:
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    seconds = time.monotonic() - started
    return Interrupted(code, stdout.read_text(encoding="utf-8"),
                       stderr.read_text(encoding="utf-8"), seconds, seen, trackers)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _previous_report(folder: Path) -> dict[str, bytes]:
    (folder / "notebooks").mkdir(parents=True)
    (folder / "index.html").write_text("<p>Bericht vom letzten Mal</p>", encoding="utf-8")
    (folder / "03_kennzahlen.html").write_text("<p>altes Kapitel 03</p>", encoding="utf-8")
    (folder / "figures.json").write_text('{"figures": []}', encoding="utf-8")
    return _snapshot(folder)


def _assert_clean_stop(run: Interrupted, marker: str, line: str, code: int = 130) -> None:
    assert run.code == code, (run.code, run.stderr)
    assert run.stderr.strip() == line, run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert run.seconds < STOP_WITHIN, f"stopped after {run.seconds:.2f} s"
    assert not run.survivors(marker), run.survivors(marker)


def test_ctrl_c_during_report_stops_at_once_and_keeps_the_previous_report(
        tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLE_WORKSPACE, ws, ignore=shutil.ignore_patterns("reports"))
    reports = ws / "reports"
    before = _previous_report(reports / dt.date.today().isoformat())
    run = interrupt_cli(["report", str(ws), "--jobs", "2"], tmp_path / "tmp")
    _assert_clean_stop(
        run, str(tmp_path),
        "Abgebrochen (Strg+C): alle Kapitel sind beendet, es wurde kein neuer Bericht "
        "geschrieben; der bisherige bleibt unverändert.")
    assert [p.name for p in reports.iterdir()] == [dt.date.today().isoformat()], \
        "no new report folder and no hidden build folder"
    assert _snapshot(reports / dt.date.today().isoformat()) == before


def test_ctrl_c_during_demo_keeps_the_out_folder_and_speaks_english(tmp_path: Path) -> None:
    out = tmp_path / "site" / "demo"
    before = _previous_report(out)
    run = interrupt_cli(["demo", "--out", str(out), "--lang", "en", "--jobs", "1"],
                        tmp_path / "tmp")
    _assert_clean_stop(
        run, str(tmp_path),
        "Stopped (Ctrl+C): every chapter has ended and no new report was written; the "
        "previous one is unchanged.")
    assert [p.name for p in out.parent.iterdir()] == ["demo"], "no hidden build folder"
    assert _snapshot(out) == before


def test_sigterm_to_the_report_alone_stops_it_as_cleanly(tmp_path: Path) -> None:
    """``kill PID`` (a service manager, a closed terminal's SIGHUP likewise): only the CLI
    gets the signal, yet every worker and kernel ends and the previous report stays."""
    ws = tmp_path / "ws"
    shutil.copytree(SAMPLE_WORKSPACE, ws, ignore=shutil.ignore_patterns("reports"))
    reports = ws / "reports"
    before = _previous_report(reports / dt.date.today().isoformat())
    run = interrupt_cli(["report", str(ws), "--jobs", "2"], tmp_path / "tmp",
                        sig=signal.SIGTERM, group=False)
    _assert_clean_stop(
        run, str(tmp_path),
        "Beendet (das System oder ein anderes Programm hat den Bericht gestoppt): alle "
        "Kapitel sind beendet, es wurde kein neuer Bericht geschrieben; der bisherige bleibt "
        "unverändert.", code=128 + signal.SIGTERM)
    assert [p.name for p in reports.iterdir()] == [dt.date.today().isoformat()]
    assert _snapshot(reports / dt.date.today().isoformat()) == before
