"""Containment: no path from kbworkbook.toml reaches outside the workspace (issue 15, defect 1).

Every case here was reproduced before the fix: ``[data] nps = "../../../../etc/passwd"`` was
accepted and its first line appeared in error texts; a logo path to any file was embedded in
every page, base64-encoded, whatever its content.
"""

from __future__ import annotations

import base64
import os
import struct
import zlib
from pathlib import Path

import pytest

from kbworkbook.check import check_workspace, render_check
from kbworkbook.cli import main
from kbworkbook.errors import DataError, QuestionnaireError, WorkspaceError
from kbworkbook.images import data_uri, image_type
from kbworkbook.questionnaires.catalogue import load_catalogues
from kbworkbook.schemas import load_nps
from kbworkbook.workspace import Workspace, create_workspace

SECRET = "root:x:0:0:GEHEIM:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
NPS_CSV = "Datum;Bewertung\n01.01.2025;9\n02.01.2025;3\n"


def _png() -> bytes:
    """A real 1×1 PNG, built by hand (signature, IHDR, IDAT, IEND)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' \
      b'<rect width="10" height="10"/></svg>'


@pytest.fixture()
def ws_root(tmp_path: Path) -> Path:
    root = tmp_path / "kunde"
    create_workspace(root, "Muster AG")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text(SECRET, encoding="utf-8")
    (outside / "nps.csv").write_text(NPS_CSV, encoding="utf-8")  # valid data, still outside
    return root


def _set(root: Path, table: str, line: str) -> None:
    config = root / "kbworkbook.toml"
    text = config.read_text(encoding="utf-8")
    assert f"[{table}]\n" in text
    config.write_text(text.replace(f"[{table}]\n", f"[{table}]\n{line}\n", 1), encoding="utf-8")


# -- [data] --------------------------------------------------------------------------------------


def test_data_path_leaving_the_workspace_is_refused_naming_the_setting(ws_root: Path) -> None:
    _set(ws_root, "data", 'nps = "../../../../etc/passwd"')
    with pytest.raises(WorkspaceError) as info:
        Workspace.open(ws_root)
    message = str(info.value)
    assert "[data] nps" in message and "außerhalb des Arbeitsordners" in message
    assert "kopieren" in message  # how to fix it
    assert "root:x" not in message


def test_absolute_path_outside_is_refused_inside_is_accepted(ws_root: Path) -> None:
    outside = ws_root.parent / "outside" / "nps.csv"
    _set(ws_root, "data", f'nps = "{outside}"')
    with pytest.raises(WorkspaceError, match=r"\[data\] nps"):
        Workspace.open(ws_root)
    inside = ws_root / "data" / "umfrage.csv"
    inside.write_text(NPS_CSV, encoding="utf-8")
    config = ws_root / "kbworkbook.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(str(outside), str(inside)),
                      encoding="utf-8")
    ws = Workspace.open(ws_root)
    assert ws.input_path("nps") == inside
    assert list(load_nps(ws)["score"]) == [9, 3]


def test_symlink_to_a_file_outside_counts_as_outside(ws_root: Path) -> None:
    (ws_root / "data" / "nps.csv").unlink()
    (ws_root / "data" / "nps.csv").symlink_to(ws_root.parent / "outside" / "nps.csv")
    with pytest.raises(WorkspaceError) as info:
        Workspace.open(ws_root)
    assert "[data] nps" in str(info.value) and "Verknüpfung" in str(info.value)
    (ws_root / "data" / "nps.csv").unlink()
    (ws_root / "data" / "link.csv").symlink_to(ws_root.parent / "outside" / "nps.csv")
    _set(ws_root, "data", 'nps = "data/link.csv"')
    with pytest.raises(WorkspaceError, match="Verknüpfung"):
        Workspace.open(ws_root)


def test_symlinked_data_folder_counts_as_outside(ws_root: Path) -> None:
    data = ws_root / "data"
    for path in data.iterdir():
        path.unlink()
    data.rmdir()
    data.symlink_to(ws_root.parent / "outside")
    with pytest.raises(WorkspaceError, match=r"\[data\] nps"):
        Workspace.open(ws_root)


def test_symlink_inside_the_workspace_is_fine(ws_root: Path) -> None:
    (ws_root / "data" / "exports").mkdir()
    target = ws_root / "data" / "exports" / "umfrage_2025.csv"
    target.write_text(NPS_CSV, encoding="utf-8")
    (ws_root / "data" / "nps.csv").unlink()
    (ws_root / "data" / "nps.csv").symlink_to(target)
    ws = Workspace.open(ws_root)
    assert list(load_nps(ws)["score"]) == [9, 3]


def test_file_swapped_for_an_outside_link_after_opening_is_refused(ws_root: Path) -> None:
    ws = Workspace.open(ws_root)
    (ws_root / "data" / "nps.csv").unlink()
    (ws_root / "data" / "nps.csv").symlink_to(ws_root.parent / "outside" / "passwd")
    with pytest.raises(WorkspaceError, match="Verknüpfung"):
        ws.input_path("nps")
    with pytest.raises(WorkspaceError):
        load_nps(ws)


def test_only_regular_files_are_read(ws_root: Path) -> None:
    _set(ws_root, "data", 'nps = "data"')
    with pytest.raises(WorkspaceError, match="»data« ist ein Ordner, keine Datei"):
        Workspace.open(ws_root)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs exist only on POSIX")
def test_a_fifo_is_refused_without_blocking(ws_root: Path) -> None:
    os.mkfifo(ws_root / "data" / "umfrage.csv")
    _set(ws_root, "data", 'nps = "data/umfrage.csv"')
    with pytest.raises(WorkspaceError, match=r"\[data\] nps: »data/umfrage.csv« ist eine Pipe"):
        Workspace.open(ws_root)


def test_data_setting_must_name_a_data_file(ws_root: Path) -> None:
    (ws_root / "notes").write_text(SECRET, encoding="utf-8")
    _set(ws_root, "data", 'nps = "notes"')
    with pytest.raises(WorkspaceError, match=r"\[data\] nps: »notes« ist keine Datendatei"):
        Workspace.open(ws_root)


# -- messages never quote the content of an unrecognised file -------------------------------------


@pytest.mark.parametrize("content", [SECRET, "GEHEIM;GEHEIM;x\n1;2;3\n", "GEHEIM:x:0:0\n"])
def test_unrecognised_file_content_is_never_quoted(ws_root: Path, content: str) -> None:
    (ws_root / "data" / "notizen.txt").write_text(content, encoding="utf-8")
    _set(ws_root, "data", 'nps = "data/notizen.txt"')
    ws = Workspace.open(ws_root)
    with pytest.raises(DataError) as info:
        load_nps(ws)
    assert info.value.codes == ["not_recognised"]
    message = str(info.value)
    assert "GEHEIM" not in message and "NPS-Umfrage" in message and "[data] nps" in message
    report = render_check(check_workspace(ws))
    assert "GEHEIM" not in report and "root:x" not in report


def test_recognised_file_still_names_its_columns(ws_root: Path) -> None:
    (ws_root / "data" / "nps.csv").write_text("Datum;Bewertng\n01.01.2025;9\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_nps(Workspace.open(ws_root))
    assert info.value.codes == ["missing_column"] and "»Bewertng«" in str(info.value)


# -- [consultant] logo -------------------------------------------------------------------------


def test_logo_outside_the_workspace_is_refused(ws_root: Path) -> None:
    _set(ws_root, "consultant", 'logo = "../../../../etc/passwd"')
    with pytest.raises(WorkspaceError, match=r"\[consultant\] logo.*außerhalb"):
        Workspace.open(ws_root)


def test_logo_is_checked_by_content_not_extension(ws_root: Path) -> None:
    (ws_root / "logo.png").write_text(SECRET, encoding="utf-8")
    _set(ws_root, "consultant", 'logo = "logo.png"')
    with pytest.raises(WorkspaceError, match=r"\[consultant\] logo: »logo.png« ist kein Bild"):
        Workspace.open(ws_root)
    (ws_root / "logo.png").write_bytes(_png())
    ws = Workspace.open(ws_root)
    assert ws.logo() == _png()
    (ws_root / "logo.png").write_bytes(SVG)  # an SVG named .png is embedded as SVG
    assert data_uri(Workspace.open(ws_root).logo() or b"") == (
        "data:image/svg+xml;base64," + base64.b64encode(SVG).decode("ascii"))


def test_report_header_embeds_only_the_checked_logo(ws_root: Path) -> None:
    import datetime as dt

    from kbworkbook.report_html import page as _page

    (ws_root / "logo.png").write_bytes(_png())
    _set(ws_root, "consultant", 'logo = "logo.png"')
    ws = Workspace.open(ws_root)
    header = _page(ws, "de", None, dt.date(2026, 1, 15), "Bericht", back_link=False).header
    assert "data:image/png;base64," + base64.b64encode(_png()).decode("ascii") in header
    # swapped for a text file after opening: no logo smuggled into the report
    (ws_root / "logo.png").write_text(SECRET, encoding="utf-8")
    with pytest.raises(WorkspaceError, match="kein Bild"):
        _page(ws, "de", None, dt.date(2026, 1, 15), "Bericht", back_link=False)


@pytest.mark.parametrize(("data", "expected"), [
    (_png(), "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    (SVG, "image/svg+xml"),
    (b"<svg><rect/></svg>", "image/svg+xml"),
    (SECRET.encode(), None),
    (b"<html><body>x</body></html>", None),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>', None),
    (b"", None),
    (b"\x89PNG", None),  # a truncated signature is not a PNG
])
def test_image_type_by_magic_bytes_and_xml_root(data: bytes, expected: str | None) -> None:
    assert image_type(data) == expected


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs exist only on POSIX")
def test_logo_fifo_is_refused_without_blocking(ws_root: Path) -> None:
    os.mkfifo(ws_root / "logo.png")
    _set(ws_root, "consultant", 'logo = "logo.png"')
    with pytest.raises(WorkspaceError, match="Pipe"):
        Workspace.open(ws_root)


# -- [questionnaires] dir and the catalogues in it --------------------------------------------


def test_questionnaire_folder_outside_is_refused(ws_root: Path) -> None:
    (ws_root.parent / "outside" / "fragen").mkdir()
    _set(ws_root, "client", "")  # keep [client] intact
    config = ws_root / "kbworkbook.toml"
    config.write_text(config.read_text(encoding="utf-8")
                      + '\n[questionnaires]\ndir = "../outside/fragen"\n', encoding="utf-8")
    with pytest.raises(WorkspaceError, match=r"\[questionnaires\] dir"):
        Workspace.open(ws_root)


def test_catalogue_linked_from_outside_is_refused(ws_root: Path) -> None:
    outside = ws_root.parent / "outside" / "eigener.toml"
    outside.write_text('id = "eigener"\n', encoding="utf-8")
    (ws_root / "questionnaires").mkdir()
    (ws_root / "questionnaires" / "eigener.toml").symlink_to(outside)
    with pytest.raises(QuestionnaireError, match="außerhalb des Arbeitsordners"):
        load_catalogues(Workspace.open(ws_root))


# -- the command line ---------------------------------------------------------------------------


def test_cli_report_refuses_in_german_without_traceback(ws_root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _set(ws_root, "data", 'nps = "../../../../etc/passwd"')
    assert main(["report", str(ws_root)]) != 0
    err = capsys.readouterr().err
    assert "[data] nps" in err and "Traceback" not in err and "root:x" not in err
    assert not any((ws_root / "reports").iterdir())
