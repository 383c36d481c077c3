"""The report: every chapter present, no code, offline, private, escaped, robust to failures."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import openpyxl
import pytest

from kbworkbook import report as report_module
from kbworkbook.chapters import CHAPTERS
from kbworkbook.cli import main
from kbworkbook.report import NOTEBOOK_DIR, build_report
from kbworkbook.workspace import SAMPLE_WORKSPACE

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("report")]

EXTERNAL = re.compile(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}""", re.IGNORECASE)


def _pages(out: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.html"))}


def _body(page: str) -> str:
    """The page without its stylesheets (CSS mentions class names and @media)."""
    return re.sub(r"<style[^>]*>.*?</style>", "", page, flags=re.DOTALL)


def test_all_chapters_ok_and_linked(sample_report) -> None:  # type: ignore[no-untyped-def]
    assert sample_report.ok, [c.reason for c in sample_report.failed]
    pages = _pages(sample_report.out_dir)
    expected = {Path(c.notebook).stem + ".html" for c in CHAPTERS} | {"index.html"}
    assert set(pages) == expected
    index = pages["index.html"]
    for chapter in CHAPTERS:
        assert f'href="{Path(chapter.notebook).stem}.html"' in index
    assert index.count('class="kb-status-ok"') == len(CHAPTERS)
    assert len(sample_report.progress_lines) == len(CHAPTERS)
    assert all(re.match(r"\[\d/7\] Kapitel \d\d ", line) for line in sample_report.progress_lines)


def test_no_code_no_prompts_no_tracebacks(sample_report) -> None:  # type: ignore[no-untyped-def]
    for name, page in _pages(sample_report.out_dir).items():
        page = _body(page)
        assert "jp-InputArea" not in page and "jp-InputPrompt" not in page, name
        assert "import kbworkbook" not in page and "kb.notebook.show" not in page, name
        assert "Traceback" not in page and "jp-OutputPrompt" not in page, name
        assert "<script" not in page, name
        assert "**" not in page, f"{name}: Markdown shown as plain text"


def test_no_external_references(sample_report) -> None:  # type: ignore[no-untyped-def]
    for name, page in _pages(sample_report.out_dir).items():
        found = EXTERNAL.findall(page)
        assert not found, (name, found[:5])


def test_images_are_embedded(sample_report) -> None:  # type: ignore[no-untyped-def]
    pages = _pages(sample_report.out_dir)
    images = sum(page.count('src="data:image/png;base64,') for page in pages.values())
    assert images >= 15
    for name in ("01_kundenbindungsformel.html", "03_kennzahlen.html",
                 "04_kundenwert_segmente.html", "05_massnahmen_wirtschaftlichkeit.html"):
        assert pages[name].count('src="data:image/png;base64,') >= 3, name
    assert not any("&lt;Figure size" in page for page in pages.values())
    for page in pages.values():
        assert not re.search(r'<img[^>]+src="(?!data:)', page)


def test_no_customer_names_or_emails(sample_report) -> None:  # type: ignore[no-untyped-def]
    book = openpyxl.load_workbook(SAMPLE_WORKSPACE / "data" / "nps.xlsx", read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    names = {str(r[header.index("Name")]) for r in rows[1:] if r[header.index("Name")]}
    mails = {str(r[header.index("E-Mail")]) for r in rows[1:] if r[header.index("E-Mail")]}
    assert len(names) > 50 and len(mails) > 50
    last_names = {n.split()[-1] for n in names if len(n.split()[-1]) > 3}
    for name, page in _pages(sample_report.out_dir).items():
        # the estimator's name is not a customer (Meier is also a surname in the sample)
        text = re.sub(r"<[^>]+>", " ", _body(page)).replace("Kaplan-Meier", "")
        assert "@" not in text, name
        leaked = [n for n in names | mails if n in text]
        assert not leaked, (name, leaked[:3])
        words = set(re.findall(r"\w+", text))
        leaked_names = (last_names & words) - {"Muster", "Andrea"}
        assert not leaked_names, (name, sorted(leaked_names)[:5])


def test_print_stylesheet_and_branding(sample_report) -> None:  # type: ignore[no-untyped-def]
    index = (sample_report.out_dir / "index.html").read_text(encoding="utf-8")
    assert "@media print" in index and "--kb-color: #1d4e89" in index
    assert "Bäckerei Sonnenschein GmbH" in index and "Andrea Muster" in index


def test_executed_notebooks_are_kept_beside_the_report(sample_report) -> None:  # type: ignore[no-untyped-def]
    for chapter in CHAPTERS:
        nb = nbformat.read(sample_report.out_dir / "notebooks" / chapter.notebook, as_version=4)
        assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


def _copy_sample(tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(SAMPLE_WORKSPACE, target, ignore=shutil.ignore_patterns("reports"))
    return target


def test_client_name_is_escaped_everywhere(tmp_path: Path) -> None:
    ws = _copy_sample(tmp_path)
    config = ws / "kbworkbook.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'name = "Bäckerei Sonnenschein GmbH"', "name = '<script>alert(1)</script> & Co'"),
        encoding="utf-8")
    result = build_report(ws, out=tmp_path / "out", chapters=["00", "01"], jobs=1)
    assert result.ok, [c.reason for c in result.failed]
    for name, page in _pages(tmp_path / "out").items():
        assert "<script>alert(1)" not in page, name
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page, name


def test_broken_chapter_is_marked_and_others_are_written(tmp_path: Path, monkeypatch,
                                                         capsys) -> None:  # type: ignore[no-untyped-def]
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOK_DIR, notebooks)
    broken = notebooks / "03_kennzahlen.ipynb"
    nb = nbformat.read(broken, as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('Testfehler im Kapitel')"))
    nbformat.write(nb, broken)
    monkeypatch.setattr(report_module, "NOTEBOOK_DIR", notebooks)
    ws = _copy_sample(tmp_path)
    out = tmp_path / "out"
    code = main(["report", str(ws), "--out", str(out), "--jobs", "2"])
    assert code == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert "fehlgeschlagen" in captured.out
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('class="kb-status-failed"') == 1
    assert "Kapitel 03 konnte nicht vollständig erstellt werden" in index
    assert "RuntimeError: Testfehler im Kapitel" in index
    for chapter in CHAPTERS:
        assert (out / (Path(chapter.notebook).stem + ".html")).is_file()
    page = (out / "03_kennzahlen.html").read_text(encoding="utf-8")
    assert "kb-failed" in page and "Traceback" not in page
    assert not (ws / "reports").exists() or not any((ws / "reports").iterdir())


def test_report_defaults_to_workspace_reports_folder_and_never_touches_inputs(
        tmp_path: Path) -> None:
    ws = _copy_sample(tmp_path)
    config = ws / "kbworkbook.toml"  # no Stichtag set: the figures run to the last record
    config.write_text(config.read_text(encoding="utf-8").replace("\nas_of = ", "\n# as_of = "),
                      encoding="utf-8")
    before = {p: p.read_bytes() for p in (ws / "data").rglob("*") if p.is_file()}
    before |= {p: p.read_bytes() for p in (ws / "answers").rglob("*") if p.is_file()}
    result = build_report(ws, chapters=["00"], jobs=1, language="en",
                          today=__import__("datetime").date(2026, 2, 1))
    assert result.out_dir == (ws / "reports" / "2026-02-01").resolve()
    index = result.index_path.read_text(encoding="utf-8")
    assert '<html lang="en">' in index and "Customer retention report" in index
    header = index.split('<p class="kb-meta">', 1)[1].split("</p>", 1)[0]
    assert "last record, 31 Dec 2025" in header, header
    after = {p: p.read_bytes() for p in before}
    assert after == before
    assert sorted(p.name for p in (ws / "answers").rglob("*") if p.is_file()) == sorted(
        p.name for p in before if "answers" in p.parts)


def test_broken_data_marks_the_chapters_that_need_it(tmp_path: Path) -> None:
    ws = _copy_sample(tmp_path)
    (ws / "data" / "transactions.csv").write_bytes(
        "Belegdatum;Kunden-Nr.;Umsatz (CHF)\n31.13.2025;004711;12,50\n".encode("cp1252"))
    result = build_report(ws, out=tmp_path / "out", chapters=["01", "03"], jobs=1)
    status = {c.chapter.number: c for c in result.chapters}
    assert status["01"].ok, "a questionnaire chapter does not need the sales data"
    assert not status["03"].ok and not result.ok
    assert status["03"].reason.startswith("transactions.csv, Zeile 2, Spalte »Belegdatum«")
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "31.13.2025" in index and "DataError" not in index


def test_every_number_uses_the_house_style(sample_report) -> None:  # type: ignore[no-untyped-def]
    """de-CH: thousands grouped with ’ only (never CLDR's newer '), minus at the number."""
    for name, page in _pages(sample_report.out_dir).items():
        text = re.sub(r"<[^>]+>", " ", _body(page))
        text = re.sub(r"data:[a-z]+/[a-z+]+;base64,[A-Za-z0-9+/=]+", "", text)
        assert not re.findall(r"\d'\d{3}", text), name
        assert not re.findall(r"\d,\d{3}\b(?![.,]\d)", text), name  # no English grouping
        assert "-CHF" not in text and "CHF-" not in text, name
    overview = _body(_pages(sample_report.out_dir)["00_ueberblick.html"])
    assert re.search(r"\d’\d{3}", overview), "the sample's 5-digit figures are grouped"


def test_index_opens_with_findings_that_match_their_chapters(sample_report) -> None:  # type: ignore[no-untyped-def]
    pages = _pages(sample_report.out_dir)
    index = _body(pages["index.html"])
    section = re.search(r'<section class="kb-findings">(.*?)</section>', index, re.S)
    assert section, "no findings block"
    assert index.index("kb-findings") < index.index("kb-kpis"), "findings come first"
    items = re.findall(r"<li>(.*?)</li>", section.group(1), re.S)
    assert 3 <= len(items) <= 5
    for item in items:
        target = re.search(r'href="([^"]+\.html)"', item).group(1)  # type: ignore[union-attr]
        assert target in pages, target
        text = re.sub(r"<[^>]+>", "", item)
        chapter = re.sub(r"<[^>]+>", " ", _body(pages[target]))
        # every percentage and every money figure (but the derived lever amount) is shown
        # with the same value in the chapter the finding links to
        assert re.search(r"\d", text), f"a finding without its number: {text}"
        figures = re.findall(r"\d[\d’.]*\u00a0%|CHF\u00a0[\d’]+", text.split(" sind das ")[0])
        figures += re.findall(r"»[^«]+«", text)  # factor names as chapter 01 writes them
        for figure in figures:
            assert figure in chapter, (figure, target)
    # chapter 01's self-image: the factor whose figures are weaker, with both scores as the
    # chapter's table shows them (owner 65, figures 47)
    (image,) = [re.sub(r"<[^>]+>", "", i) for i in items if "Ihre Zahlen zeichnen" in i]
    assert "»Feedback &amp; Beschwerdemanagement«" in image and "47 statt 65" in image
    ch01 = _body(pages["01_kundenbindungsformel.html"]).replace(' class="num"', "")
    assert "<td>Feedback &amp; Beschwerdemanagement</td><td>65</td><td>47</td>" in ch01
    # every chapter row says what the chapter answers
    assert "Welche Kunden tragen Ihr Geschäft" in index


def test_no_unsourced_benchmarks(sample_report) -> None:  # type: ignore[no-untyped-def]
    """Issue 12 #11: a norm the sources do not back is not printed as a fact."""
    text = " ".join(re.sub(r"<[^>]+>", " ", _body(p)) for p in
                    _pages(sample_report.out_dir).values())
    for claim in ("ab +50", "ab etwa +30", "40–60", "70–90", "1–3"):
        assert claim not in text, claim
    assert "TARP" in text and "Goodman" in text and "nennt keine Studie" in text


def test_a_report_run_is_a_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15: the folder appears only when complete; a same-day rerun gets its own folder;
    an interrupted run leaves the previous report as it was and no half folder."""
    import datetime as dt

    ws = _copy_sample(tmp_path)
    day = dt.date(2026, 2, 1)
    first = build_report(ws, chapters=["00"], jobs=1, today=day)
    assert first.out_dir.name == "2026-02-01" and first.index_path.is_file()
    assert all(c.html_path and c.html_path.is_file() for c in first.chapters)
    snapshot = {p: p.read_bytes() for p in first.out_dir.rglob("*") if p.is_file()}

    second = build_report(ws, chapters=["00"], jobs=1, today=day)
    assert second.out_dir.name == "2026-02-01-2" and second.index_path.is_file()
    assert {p: p.read_bytes() for p in snapshot} == snapshot

    def interrupted(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(report_module, "run_chapters", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_report(ws, chapters=["00"], jobs=1, today=day)
    assert sorted(p.name for p in (ws / "reports").iterdir() if p.name != ".gitkeep") == [
        "2026-02-01", "2026-02-01-2"], "no third folder, no hidden partial folder"
    assert {p: p.read_bytes() for p in snapshot} == snapshot
