"""Creating and opening workspaces: templates, refusal to overwrite, validation with hints."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kbworkbook.errors import WorkspaceError
from kbworkbook.workspace import INPUTS, Workspace, create_workspace


def test_new_workspace_has_config_templates_and_folders(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "kunde", "Müller AG", locale="de-DE")
    assert ws.client_name == "Müller AG"
    assert ws.locale == "de-DE" and ws.currency == "EUR" and ws.language == "de"
    for name in INPUTS:
        template = ws.data_dir / f"{name}.csv"
        header = template.read_text(encoding="utf-8")
        assert header.count("\n") == 1 and ";" in header
    assert (ws.data_dir / "README.md").read_text(encoding="utf-8").startswith("# Daten")
    assert ws.answers_dir.is_dir() and ws.reports_dir.is_dir()
    assert ws.input_path("transactions") == ws.data_dir / "transactions.csv"


def test_client_name_with_quotes_round_trips(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "k", 'Bäckerei "Zum Korn" \\ Söhne')
    assert Workspace.open(tmp_path / "k").client_name == 'Bäckerei "Zum Korn" \\ Söhne'
    assert ws.currency == "CHF"


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    create_workspace(tmp_path / "k", "A")
    config = (tmp_path / "k" / "kbworkbook.toml").read_bytes()
    with pytest.raises(WorkspaceError, match="nicht überschrieben"):
        create_workspace(tmp_path / "k", "B")
    assert (tmp_path / "k" / "kbworkbook.toml").read_bytes() == config


def test_refuses_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / "notes.txt").write_text("x")
    with pytest.raises(WorkspaceError, match="nicht leer"):
        create_workspace(tmp_path / "k", "A")


def test_unknown_key_gets_did_you_mean_hint(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "k", "A")
    config = ws.root / "kbworkbook.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("currency =", "curency ="),
                      encoding="utf-8")
    with pytest.raises(WorkspaceError) as info:
        Workspace.open(ws.root)
    assert "»curency«" in str(info.value) and "Meinten Sie »currency«?" in str(info.value)


def test_unknown_section_and_bad_locale_are_all_reported(tmp_path: Path) -> None:
    root = tmp_path / "k"
    root.mkdir()
    (root / "kbworkbook.toml").write_text(
        '[client]\nname = "A"\nlocale = "de-XX"\n[analyse]\nas_of = 2025-01-01\n',
        encoding="utf-8",
    )
    with pytest.raises(WorkspaceError) as info:
        Workspace.open(root)
    text = str(info.value)
    assert "[analyse]" in text and "Meinten Sie »analysis«?" in text and "de-XX" in text


def test_missing_folder_and_missing_config_are_explained(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="existiert nicht"):
        Workspace.open(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(WorkspaceError, match="fehlt die Datei kbworkbook.toml"):
        Workspace.open(tmp_path / "empty")


def test_broken_toml_is_explained(tmp_path: Path) -> None:
    (tmp_path / "kbworkbook.toml").write_text('[client\nname = "A"', encoding="utf-8")
    with pytest.raises(WorkspaceError, match="kein gültiges TOML"):
        Workspace.open(tmp_path)


def test_as_of_and_configured_input(tmp_path: Path) -> None:
    root = tmp_path / "k"
    (root / "data").mkdir(parents=True)
    (root / "kbworkbook.toml").write_text(
        '[client]\nname = "A"\n[analysis]\nas_of = 2025-06-30\n'
        '[data]\ntransactions = "data/umsaetze.xlsx"\n', encoding="utf-8")
    ws = Workspace.open(root / "kbworkbook.toml")
    assert ws.as_of == dt.date(2025, 6, 30)
    assert ws.input_path("transactions") == root / "data" / "umsaetze.xlsx"
    assert ws.input_path("nps") is None
