"""A report worker starts the kernel of its next chapter while the current one runs."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from kbworkbook import report_kernel
from kbworkbook.report import build_report, kernels_ahead


def test_kernels_ahead_only_with_a_core_per_worker() -> None:
    assert kernels_ahead(2, cores=2) and kernels_ahead(1, cores=4)
    assert not kernels_ahead(2, cores=1)


def test_a_worker_starts_a_kernel_ahead_while_a_chapter_is_left_to_start() -> None:
    """Seven chapters on two workers: whichever worker starts a chapter while others are left
    starts a kernel ahead, so the last chapter finds one on either worker; the last to start
    starts none."""
    import multiprocessing

    counter = multiprocessing.get_context("spawn").Value("i", 7)
    report_kernel.count_chapters(counter)
    try:
        assert [report_kernel.chapters_left() for _ in range(7)] == [6, 5, 4, 3, 2, 1, 0]
    finally:
        report_kernel.count_chapters(None)
    assert report_kernel.chapters_left() is None  # not counted: the task alone decides


def _kernels_below(process: psutil.Process) -> list[psutil.Process]:
    found = []
    for child in process.children(recursive=True):
        try:
            if "ipykernel_launcher" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


def test_a_dead_kernel_ahead_is_not_used(tmp_path: Path) -> None:
    ahead = report_kernel.start_kernel_ahead(str(tmp_path), str(tmp_path / "k"))
    assert ahead.ready.wait(120) and not ahead.failed
    (kernel,) = _kernels_below(psutil.Process())
    kernel.kill()
    kernel.wait(10)
    assert report_kernel.take_kernel_ahead(str(tmp_path)) is None
    assert report_kernel.take_kernel_ahead(str(tmp_path)) is None  # taken once only


def test_a_kernel_ahead_for_another_folder_is_shut_down(tmp_path: Path) -> None:
    report_kernel.start_kernel_ahead(str(tmp_path), str(tmp_path / "k"))
    assert report_kernel.take_kernel_ahead(str(tmp_path / "elsewhere")) is None
    started = time.monotonic()
    while _kernels_below(psutil.Process()) and time.monotonic() - started < 20:
        time.sleep(0.1)
    assert _kernels_below(psutil.Process()) == []


@pytest.mark.slow
def test_chapters_on_kernels_ahead_start_counting_at_one_and_leave_no_kernel(
        tmp_path: Path) -> None:
    result = build_report(None, out=tmp_path / "out", chapters=["00", "02", "06"], jobs=1,
                          today=dt.date(2026, 1, 15))
    assert result.ok, [c.reason for c in result.failed]
    for chapter in result.chapters:
        assert chapter.notebook_path is not None
        nb = nbformat.read(chapter.notebook_path, as_version=4)
        counts = [c.get("execution_count") for c in nb.cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1)), chapter.chapter.number
    assert _kernels_below(psutil.Process()) == []
