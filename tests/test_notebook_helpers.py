"""Chapter frame: header, footer (data and answers used), figure display."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from kbworkbook.notebook import figure_image, footer, header, setup, show
from kbworkbook.workspace import create_workspace


def test_header_escapes_client_and_marks_sample() -> None:
    ctx = setup(None, "de", "2025-12-31")
    html = "".join(b.data for b in header(ctx, "05"))
    assert "Kapitel 05 · Massnahmen &amp; Wirtschaftlichkeit" in html  # de-CH spelling
    assert "Beispielkunde" in html and "31.12.2025" in html


def test_header_of_a_hostile_client_name(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "k", "<img src=x onerror=alert(1)>", locale="de-DE")
    html = "".join(b.data for b in header(setup(ws.root, "en"), "05"))
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Chapter 05 · Measures &amp; economics" in html and "Beispielkunde" not in html


def test_footer_names_files_periods_and_assessments() -> None:
    ctx = setup(None, "de")
    html = "".join(b.data for b in footer(ctx, ("transactions", "posts"), "02"))
    assert "transactions.csv · 90’045 Zeilen · Zeitraum 02.01.2023–31.12.2025" in html
    assert "posts.csv · 80 Zeilen" in html
    assert "Einschätzung vom 20.11.2025" in html


def test_footer_of_empty_workspace_says_what_is_missing(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "k", "A", locale="de-DE")
    html = "".join(b.data for b in footer(setup(ws.root), ("nps", "posts", "complaints"), "01"))
    assert "NPS-Umfrage: nicht vorhanden" in html  # the owner's words, not the table names
    assert "Social-Media-Beiträge: nicht vorhanden" in html
    assert "Beschwerden: nicht vorhanden" in html
    assert not any(f"{name}:" in html for name in ("nps", "posts", "complaints"))
    assert "noch keine Antworten gespeichert" in html
    english = "".join(b.data for b in footer(setup(ws.root, "en"), ("nps",), "01"))
    assert "NPS survey: not present" in english


def test_the_header_says_which_date_the_figures_run_to(tmp_path: Path) -> None:
    """Without a Stichtag the header named no date at all; now it names the last record."""
    ws = create_workspace(tmp_path / "k", "A", locale="de-DE")

    def meta(language: str = "de", as_of: str | None = None) -> str:
        return "".join(b.data for b in header(setup(ws.root, language, as_of), "03"))

    assert "Stichtag" not in meta()  # no data, no date to name
    (ws.data_dir / "transactions.csv").write_text(
        "date,revenue\n2025-03-01,10.00\n2025-12-30,20.00\n", encoding="utf-8")
    assert "Stichtag: letzter Datensatz, 30.12.2025" in meta()
    assert "As of: last record, 30 Dec 2025" in meta("en")
    assert "Stichtag: 31.10.2025" in meta(as_of="2025-10-31")


def test_show_turns_figures_into_png_and_closes_them(capsys: pytest.CaptureFixture[str]) -> None:
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 2])
    image = figure_image(fig)
    assert image.data[:8] == b"\x89PNG\r\n\x1a\n" and len(image.data) > 2000
    show([fig])
    assert not plt.fignum_exists(fig.number)


def test_context_memo_computes_once_and_tables_load_once(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    """A table loads once per context, and once for all contexts (the workspace's table
    cache; the sample's lives in the temporary folder, here an empty one)."""
    import kbworkbook.input_files as input_files
    import kbworkbook.schemas as schemas

    monkeypatch.setattr(input_files.tempfile, "gettempdir", lambda: str(tmp_path))
    ctx = setup(None, "de")
    calls: list[str] = []
    real = schemas.load_optional

    def counting(ws, name):  # type: ignore[no-untyped-def]
        calls.append(name)
        return real(ws, name)

    monkeypatch.setattr(schemas, "load_optional", counting)
    assert ctx.table("posts") is ctx.table("posts")
    assert calls == ["posts"]
    assert len(setup(None, "de").table("posts")) == len(ctx.table("posts"))
    assert calls == ["posts"]
    values = iter([1, 2])
    assert ctx.memo("x", lambda: next(values)) == 1
    assert ctx.memo("x", lambda: next(values)) == 1


def test_chapter_05_loads_the_sales_data_once(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    import kbworkbook.input_files as input_files
    import kbworkbook.schemas as schemas
    from kbworkbook.chapters import massnahmen

    monkeypatch.setattr(input_files.tempfile, "gettempdir", lambda: str(tmp_path))  # no cache
    ctx = setup(None, "de")
    calls: list[str] = []
    real = schemas.load_optional

    def counting(ws, name):  # type: ignore[no-untyped-def]
        calls.append(name)
        return real(ws, name)

    monkeypatch.setattr(schemas, "load_optional", counting)
    for name in massnahmen.SECTIONS:
        getattr(massnahmen, name)(ctx)
    assert calls.count("transactions") == 1


def test_live_on_the_sample_client_writes_to_a_playground_copy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kbworkbook.store import AnswerStore
    from kbworkbook.workspace import SAMPLE_WORKSPACE

    monkeypatch.setenv("KBWORKBOOK_HOME", str(tmp_path))
    monkeypatch.delenv("KBWORKBOOK_WORKSPACE", raising=False)
    bundled = sorted(p.relative_to(SAMPLE_WORKSPACE) for p in SAMPLE_WORKSPACE.rglob("*.json"))
    ctx = setup(None, "de", live=True)
    assert ctx.workspace.root == (tmp_path / "beispielkunde").resolve()
    assert ctx.workspace.is_sample and "Beispielkunde" in "".join(
        b.data for b in header(ctx, "01"))
    store = AnswerStore(ctx.workspace)
    store.new_assessment("sechs_faktoren")
    store.set("sechs_faktoren", "F1.1", 2)
    again = setup(None, "de", live=True)
    assert AnswerStore(again.workspace).latest("sechs_faktoren").answers["F1.1"] == 2  # type: ignore[union-attr]
    assert sorted(p.relative_to(SAMPLE_WORKSPACE)
                  for p in SAMPLE_WORKSPACE.rglob("*.json")) == bundled
    assert setup(None, "de", live=False).workspace.root == SAMPLE_WORKSPACE.resolve()
