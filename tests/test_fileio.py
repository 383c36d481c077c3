"""Atomic writes keep the usual file permissions (mkstemp alone would leave 0600)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kbworkbook.fileio import atomic_write_text


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_new_file_gets_the_permissions_open_would_give(tmp_path: Path) -> None:
    plain = tmp_path / "plain.html"
    plain.write_text("x", encoding="utf-8")
    atomic = tmp_path / "atomic.html"
    atomic_write_text(atomic, "x")
    assert stat.S_IMODE(atomic.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "answers.json"
    target.write_text("{}", encoding="utf-8")
    target.chmod(0o640)
    atomic_write_text(target, '{"a": 1}')
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text(encoding="utf-8") == '{"a": 1}'
