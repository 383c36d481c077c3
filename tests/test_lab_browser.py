"""The workshop in a real browser: ``kbworkbook lab`` (the real CLI, as a subprocess) on a
temporary copy of the sample client, driven with Playwright through the system Chromium.

Chapter 01 is run from JupyterLab's German menu, one answer is clicked in the six-factor form,
its answer file must appear within 2 s; after a kernel restart the form shows the answer again.
No browser is downloaded: Playwright launches Debian's ``chromium`` (``make test`` installs it)
or ``$KBWORKBOOK_CHROMIUM``. Every process started here (the CLI, JupyterLab, its kernels) is
stopped even when the test fails; every wait has a bound (60 s for the start, 30 s for anything
to appear in the page, 150 s for the whole test), so a hang fails within about 2 minutes.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from _lab import CHROMIUM, CHROMIUM_ARGS, TOKEN, RunningLab, menu
from _lab import running_lab as start_lab
from playwright.sync_api import Locator, Page, expect, sync_playwright

from kbworkbook.store import AnswerStore
from kbworkbook.workspace import SAMPLE_WORKSPACE, Workspace

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("lab_browser"), pytest.mark.timeout(150)]

QUESTIONNAIRE, ITEM, ANSWER = "sechs_faktoren", "F1.1", 4
UI_TIMEOUT = 30_000  # ms for any one thing to appear in the page (normal: 1–5 s)
ANSWER_LATENCY = 2.0  # s from the click to the answer file on disk (the requirement)


@pytest.fixture
def running_lab(tmp_path: Path) -> Iterator[RunningLab]:
    assert CHROMIUM, "chromium is missing: run 'make test' as root or apt-get install chromium"
    workspace = tmp_path / "kunde"
    shutil.copytree(SAMPLE_WORKSPACE, workspace, ignore=shutil.ignore_patterns("reports"))
    # a client's first self-assessment: the click starts the assessment file
    shutil.rmtree(workspace / "answers" / QUESTIONNAIRE)
    with start_lab(workspace, tmp_path) as lab:
        yield lab


@contextlib.contextmanager
def _notebook_page(lab: RunningLab, notebook: str) -> Iterator[Page]:
    """The system Chromium showing ``notebook`` in the lab (every wait bounded); closed after."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True, timeout=UI_TIMEOUT)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(UI_TIMEOUT)
            expect.set_options(timeout=UI_TIMEOUT)
            page.goto(f"{lab.url}/lab/tree/{notebook}?token={TOKEN}")
            yield page
        finally:
            browser.close()


def _item_row(page: Page, label: str, fresh: bool = False) -> Locator:
    """The form row of one statement: the innermost box holding its label and its buttons."""
    rows = page.locator(".widget-vbox", has=page.locator(".widget-html-content", has_text=label))
    rows = rows.filter(has=page.locator(".widget-toggle-buttons"))
    if fresh:
        rows = rows.filter(has=page.locator(".widget-toggle-buttons:not([data-kb-old])"))
    return rows.last


def _wait_for_answer(folder: Path, item: str, value: int, since: float,
                     timeout: float) -> tuple[Path, float]:
    """The first answer file in ``folder`` holding ``item = value``, and seconds since ``since``.

    Fails once ``timeout`` seconds have passed since ``since`` (the moment of the click).
    """
    while time.monotonic() - since < timeout:
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            try:
                answers = json.loads(path.read_text(encoding="utf-8")).get("answers", {})
            except (OSError, ValueError):
                continue  # never half a file (atomic saves), but a reader may race a rename
            if answers.get(item) == value:
                return path, time.monotonic() - since
        time.sleep(0.01)
    found = sorted(p.name for p in folder.glob("*")) if folder.is_dir() else "no folder"
    raise AssertionError(f"no answer {item} = {value} in {folder} after {timeout} s: {found}")


def test_workshop_runs_saves_an_answer_and_shows_it_after_a_kernel_restart(
        running_lab: RunningLab) -> None:
    test_start = time.monotonic()
    workspace = Workspace.open(running_lab.workspace)
    catalogue = AnswerStore(workspace).catalogue(QUESTIONNAIRE).for_locale(workspace.locale)
    label = next(item for item in catalogue.items if item.key == ITEM).label("de")
    total = len(catalogue.items)
    answers = running_lab.workspace / "answers" / QUESTIONNAIRE
    notebook = "01_kundenbindungsformel.ipynb"
    assert (running_lab.workspace / "notebooks" / notebook).is_file()

    with _notebook_page(running_lab, notebook) as page:

        # the German UI, and the instruction to run all cells at the top of the notebook
        expect(page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Datei$"))
               ).to_be_visible()
        menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        assert {"Datei", "Bearbeiten", "Ausführen", "Einstellungen"} <= set(menus), menus
        assert not {"File", "Edit", "Run", "Settings"} & set(menus), menus
        first_cell = page.locator(".jp-Notebook .jp-Cell").first
        expect(first_cell).to_contain_text("Ausführen → Alle Zellen ausführen")
        expect(first_cell).to_be_in_viewport()

        page.get_by_text("Python 3 (ipykernel) | Leerlauf").wait_for()
        menu(page, "Ausführen", "Alle Zellen ausführen")
        row = _item_row(page, label)
        button = row.locator(f'.widget-toggle-button[data-value="{ANSWER}"]')
        expect(button).to_be_visible()
        expect(page.get_by_text("Noch keine Antworten gespeichert.")).to_be_visible()
        assert not answers.exists() or not list(answers.glob("*.json"))
        kernel_id = running_lab.kernel_id_of(notebook)
        assert kernel_id is not None
        pid_before = running_lab.kernel_pid(kernel_id)
        assert pid_before is not None

        clicked = time.monotonic()
        button.click()
        path, latency = _wait_for_answer(answers, ITEM, ANSWER, clicked, ANSWER_LATENCY)
        expect(button).to_have_class(re.compile(r"\bmod-active\b"))
        saved = json.loads(path.read_text(encoding="utf-8"))
        assert saved["answers"] == {ITEM: ANSWER}

        # restart the kernel and run everything again: the form shows the saved answer
        page.locator(".widget-toggle-buttons").evaluate_all(
            "nodes => nodes.forEach(n => n.setAttribute('data-kb-old', ''))")
        menu(page, "Kernel", "Kernel neu starten und Alle Zellen ausführen")
        page.locator(".jp-Dialog-button", has_text="Neu starten").click()
        fresh_row = _item_row(page, label, fresh=True)
        fresh_button = fresh_row.locator(f'.widget-toggle-button[data-value="{ANSWER}"]')
        expect(fresh_button).to_have_class(re.compile(r"\bmod-active\b"))
        expect(page.get_by_text(f"1 von {total} beantwortet")).to_be_visible()
        other = fresh_row.locator(".widget-toggle-button.mod-active")
        expect(other).to_have_count(1)
        pid_after = running_lab.kernel_pid(kernel_id)
        assert pid_after is not None and pid_after != pid_before, (
            "the kernel process was really restarted")
        assert sorted(answers.glob("*.json")) == [path], "a restart writes no answer"

        # a page reload shows bare cells again: the instruction is still the first thing
        page.reload()
        expect(page.locator(".jp-Notebook .jp-Cell").first).to_contain_text(
            "Alle Zellen ausführen")

    # Ctrl+C / SIGTERM to kbworkbook stops JupyterLab and its kernels cleanly
    everything = [*running_lab.remember_children()]
    stop_start = time.monotonic()
    running_lab.proc.send_signal(signal.SIGTERM)
    assert running_lab.proc.wait(40) == 0, running_lab.log_tail()
    gone, alive = psutil.wait_procs(everything, timeout=20)
    assert not alive, f"still running after stop: {alive}"
    stopped_in = time.monotonic() - stop_start
    print(f"\nlab start {running_lab.started_in:.1f} s, answer file after {latency * 1000:.0f} ms,"
          f" stop {stopped_in:.1f} s, browser part {stop_start - test_start:.1f} s")


KERNELS_AHEAD_TIMEOUT = 120.0  # s until every chapter's kernel waits (normal: 10–20 s)


def _kernels_waiting(lab: RunningLab, expected: list[str]) -> dict[str, str]:
    """Wait until the server runs an idle kernel for each of ``expected``; their ids."""
    started = time.monotonic()
    while time.monotonic() - started < KERNELS_AHEAD_TIMEOUT:
        sessions = lab.sessions()
        idle = {s["path"]: s["kernel"]["id"] for s in sessions
                if s["kernel"]["execution_state"] == "idle"}
        if sorted(idle) == expected and len(sessions) == len(expected):
            return idle
        time.sleep(0.5)
    raise AssertionError(f"kernels ahead: {lab.sessions()}\n{lab.log_tail()}")


def test_each_chapter_kernel_waits_ahead_and_the_chapter_runs_on_it(
        running_lab: RunningLab) -> None:
    """``kbworkbook lab`` starts a kernel per chapter; opening chapter 04 uses its kernel (no
    new one), and the silent imports ahead left no trace: the first cell is [1]."""
    from kbworkbook.chapters import CHAPTERS

    expected = sorted(c.notebook for c in CHAPTERS)
    waiting = _kernels_waiting(running_lab, expected)
    notebook = "04_kundenwert_segmente.ipynb"
    with _notebook_page(running_lab, notebook) as page:
        page.get_by_text("Python 3 (ipykernel) | Leerlauf").wait_for()
        menu(page, "Ausführen", "Alle Zellen ausführen")
        # the parameters cell is the first code cell: its prompt counts from 1
        prompt = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").first
        expect(prompt).to_have_text(re.compile(r"\[1\]:"))
        expect(page.locator(".jp-Notebook img").first).to_be_visible()
    after = {s["path"]: s["kernel"]["id"] for s in running_lab.sessions()}
    assert after == waiting, "the chapter ran on the kernel started ahead, no other"
