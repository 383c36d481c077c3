"""Shared by the browser test of the workshop and ``bench/bench_workshop.py``: ``kbworkbook lab``
(the real CLI, as a subprocess) on a workspace, with a private Jupyter set-up, every process it
starts remembered so that all of them can be stopped, and a German JupyterLab menu driver.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

CHROMIUM = (os.environ.get("KBWORKBOOK_CHROMIUM") or shutil.which("chromium")
            or shutil.which("chromium-browser"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
TOKEN = "kbworkbook-browser-test-4f1c"
START_TIMEOUT = 60.0  # s until JupyterLab answers (normal: about 8 s on 2 busy cores)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningLab:
    """``kbworkbook lab`` as started by the test, and every process it was seen to start."""

    proc: subprocess.Popen[bytes]
    url: str
    workspace: Path
    log: Path
    started_in: float = 0.0
    seen: dict[int, psutil.Process] = field(default_factory=dict)

    def remember_children(self) -> list[psutil.Process]:
        """Note JupyterLab and its kernels now (a restarted kernel is a new process)."""
        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        for child in children:
            self.seen.setdefault(child.pid, child)
        return children

    def sessions(self) -> list[dict[str, Any]]:
        """The Jupyter server's sessions (notebook path, kernel id and state)."""
        with urllib.request.urlopen(f"{self.url}/api/sessions?token={TOKEN}",  # noqa: S310
                                    timeout=10) as response:
            return list(json.load(response))

    def kernel_id_of(self, notebook: str) -> str | None:
        """The id of the kernel the server runs for ``notebook`` (``None``: no session)."""
        for session in self.sessions():
            if session["path"] == notebook:
                return str(session["kernel"]["id"])
        return None

    def kernel_pid(self, kernel_id: str) -> int | None:
        """The process of kernel ``kernel_id`` (its connection file names the id)."""
        for process in self.remember_children():
            try:
                if any(f"kernel-{kernel_id}.json" in part for part in process.cmdline()):
                    return process.pid
            except psutil.Error:
                continue
        return None

    def log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]

    def kill_everything(self) -> None:
        """Last resort, also after a failure: no process of this test survives it."""
        self.remember_children()
        processes = [*self.seen.values()]
        if self.proc.poll() is None:
            self.proc.kill()
        for process in processes:
            try:
                if process.is_running():
                    process.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(processes, timeout=10)
        self.proc.wait(10)


def get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
            return int(response.status)
    except (urllib.error.URLError, OSError):
        return 0


@contextlib.contextmanager
def running_lab(workspace: Path, tmp_path: Path, extra_args: tuple[str, ...] = (),
                options: tuple[str, ...] = ()) -> Iterator[RunningLab]:
    """``kbworkbook lab WORKSPACE`` until the block ends; every process it started is stopped
    then, also when the block fails. ``options`` go to ``kbworkbook lab``, ``extra_args`` to
    JupyterLab."""
    jupyter = tmp_path / "jupyter"  # nothing of the user's Jupyter set-up is read or written
    env = {k: v for k, v in os.environ.items()
           if k not in {"KBWORKBOOK_WORKSPACE", "MPLBACKEND", "JUPYTER_CONFIG_PATH"}}
    env.update(JUPYTER_CONFIG_DIR=str(jupyter / "config"), JUPYTER_DATA_DIR=str(jupyter / "data"),
               JUPYTER_RUNTIME_DIR=str(jupyter / "runtime"), IPYTHONDIR=str(jupyter / "ipython"),
               JUPYTERLAB_SETTINGS_DIR=str(jupyter / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(jupyter / "workspaces"))
    script = Path(sys.executable).with_name("kbworkbook")
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "kbworkbook"]
    port = free_port()
    command = [*cli, "lab", str(workspace), "--port", str(port), "--ip", "127.0.0.1",
               "--no-browser", *options, "--", f"--IdentityProvider.token={TOKEN}",
               "--ServerApp.port_retries=0", *extra_args]
    log = tmp_path / f"lab-{port}.log"
    started = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    lab = RunningLab(proc=proc, url=f"http://127.0.0.1:{port}", workspace=workspace, log=log)
    try:
        while get_status(f"{lab.url}/api/status?token={TOKEN}") != 200:
            assert proc.poll() is None, f"kbworkbook lab ended early:\n{lab.log_tail()}"
            assert time.monotonic() - started < START_TIMEOUT, f"no answer:\n{lab.log_tail()}"
            time.sleep(0.1)
        lab.started_in = time.monotonic() - started
        lab.remember_children()
        yield lab
    finally:
        lab.kill_everything()


def menu(page: Any, menu_label: str, item: str) -> None:
    """Click ``item`` in JupyterLab's menu ``menu_label`` (German labels)."""
    label = re.compile(f"^{re.escape(menu_label)}$")
    page.locator(".lm-MenuBar-itemLabel", has_text=label).click()
    page.locator(".lm-Menu-item:visible", has_text=item).first.click()
