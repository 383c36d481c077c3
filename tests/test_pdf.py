"""The report PDF: A4, every column on the page, no near-empty pages, nothing fetched.

Checked the way a reader sees it: the PDF's pages are rendered to pictures with poppler's
``pdftoppm`` and read back as text with ``pdftotext`` (Debian's poppler-utils; ``make test``
installs it when missing).
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from _pdftools import page_sizes, tool
from matplotlib import image as mpimg

from kbworkbook.pdf import Cover, combine, render_pdf, write_pdf

REPORT_DATE = "15.01.2026"  # conftest.REPORT_DATE, the sample report's date

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("report")]

A4_POINTS = (595.28, 841.89)
DPI = 40
CM = DPI / 2.54  # pixels per centimetre in the rendered pages


_tool, _page_sizes = tool, page_sizes


def _render(pdf: Path, work: Path) -> list[np.ndarray]:
    subprocess.run([_tool("pdftoppm"), "-r", str(DPI), "-png", str(pdf), str(work / "p")],
                   check=True, timeout=300)
    pages = sorted(work.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[1]))
    return [mpimg.imread(p)[..., :3] for p in pages]


def _ink(page: np.ndarray) -> np.ndarray:
    """Boolean mask of pixels that are not (near) white."""
    return (page < 0.93).any(axis=2)


@pytest.fixture(scope="module")
def rendered(sample_report, tmp_path_factory):  # type: ignore[no-untyped-def]
    pdf = sample_report.pdf_path
    assert pdf is not None and pdf.name == "bericht.pdf" and pdf.parent == sample_report.out_dir
    return pdf, _render(pdf, tmp_path_factory.mktemp("pdf-pages"))


def test_one_a4_pdf_with_every_chapter(sample_report, rendered) -> None:  # type: ignore[no-untyped-def]
    pdf, pages = rendered
    sizes = _page_sizes(pdf)
    assert len(sizes) == len(pages) > 8
    assert all(abs(w - A4_POINTS[0]) < 1 and abs(h - A4_POINTS[1]) < 1 for w, h in sizes)
    text = subprocess.run([_tool("pdftotext"), "-raw", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for chapter in sample_report.chapters:
        assert f"Kapitel {chapter.chapter.number}" in text

    def squeeze(value: str) -> str:  # table headers wrap and hyphenate inside their cell
        return re.sub(r"[\s\u00ad\u2010-]", "", value)

    # the columns that were cut off when printing from the browser before
    for label in ("Break-even (Lebenszeit)", "Kosten/Jahr", "Was tun?"):
        assert squeeze(label) in squeeze(text), label


def _page_texts(pdf: Path) -> list[str]:
    """The text of each page (pdftotext in reading order; pages end with a form feed)."""
    text = subprocess.run([_tool("pdftotext"), "-raw", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_the_cover_names_client_consultant_and_dates(sample_report) -> None:  # type: ignore[no-untyped-def]
    cover = _page_texts(sample_report.pdf_path)[0]
    assert "Bäckerei Sonnenschein GmbH" in cover
    assert "Andrea Muster, Muster Beratung GmbH" in cover
    assert f"Berichtsdatum {REPORT_DATE}" in cover
    assert "Stichtag 31.12.2025" in cover
    assert "Seite" not in cover  # no page number on the cover
    assert "Vertraulich – nur für Bäckerei Sonnenschein GmbH" in cover


def test_the_contents_list_every_chapter_on_its_page(sample_report) -> None:  # type: ignore[no-untyped-def]
    """Each chapter title in the table of contents carries the page where the chapter starts,
    and that page begins with the title (every chapter starts on a new sheet)."""
    pages = _page_texts(sample_report.pdf_path)
    assert pages[1].startswith("Inhalt")
    contents = subprocess.run([_tool("pdftotext"), "-layout", "-f", "2", "-l", "2",
                               str(sample_report.pdf_path), "-"], capture_output=True,
                              text=True, check=True).stdout  # one line per entry
    listed = dict(re.findall(r"^\s*(.+?) ?\.{3,} *(\d+)$", contents, re.MULTILINE))
    titles = [f"Kapitel {c.chapter.number} · {c.chapter.title('de', 'de-CH')}"
              for c in sample_report.chapters]
    assert "Zusammenfassung" in listed
    for title in titles:
        assert title in listed, (title, contents)
        page = int(listed[title])
        first = next(i for i, text in enumerate(pages[2:], start=3) if title in text)
        assert page == first, f"{title}: contents say page {page}, found on page {first}"
        assert pages[page - 1].lstrip().startswith(title), f"{title} does not open page {page}"
    numbers = [int(listed[t]) for t in titles]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def test_every_page_after_the_cover_is_numbered(sample_report) -> None:  # type: ignore[no-untyped-def]
    pages = _page_texts(sample_report.pdf_path)
    for number, text in enumerate(pages[1:], start=2):
        assert f"Seite {number} von {len(pages)}" in text, f"page {number} has no page number"
        assert "Vertraulich – nur für Bäckerei Sonnenschein GmbH" in text, number


def test_the_pdf_outline_lists_the_chapters(sample_report) -> None:  # type: ignore[no-untyped-def]
    """Bookmarks (the PDF reader's side panel): one top entry per chapter, on its page."""
    xml = subprocess.run([_tool("pdftohtml"), "-xml", "-i", "-q", "-stdout",
                          str(sample_report.pdf_path)], capture_output=True, text=True,
                         check=True).stdout
    outline = xml[xml.index("<outline>"):]
    top = re.findall(r'^<item page="(\d+)">([^<]+)</item>\n<outline>', outline, re.MULTILINE)
    titles = [html.unescape(title) for _, title in top]
    assert titles == ["Kundenbindungs-Bericht"] + [
        f"Kapitel {c.chapter.number} · {c.chapter.title('de', 'de-CH')}"
        for c in sample_report.chapters]
    pages = _page_texts(sample_report.pdf_path)
    for page, title in zip([int(p) for p, _ in top], titles, strict=True):
        assert pages[page - 1].lstrip().startswith(title)


def test_no_line_of_text_is_printed_over_another(sample_report) -> None:  # type: ignore[no-untyped-def]
    """Floating layouts that break across pages can stack lines on top of each other (the
    positioning canvas did): no two text lines of a page may share their space."""
    from itertools import combinations

    xml = subprocess.run([_tool("pdftotext"), "-bbox-layout", str(sample_report.pdf_path), "-"],
                         capture_output=True, text=True, check=True).stdout
    line = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                      r"(.*?)</line>", re.S)
    for number, page in enumerate(xml.split("<page ")[1:], start=1):
        boxes = [(*map(float, m.groups()[:4]), " ".join(re.findall(r">([^<]+)</word>", m[5])))
                 for m in line.finditer(page)]
        for a, b in combinations(boxes, 2):
            width = min(a[2], b[2]) - max(a[0], b[0])
            height = min(a[3], b[3]) - max(a[1], b[1])
            assert not (width > 1 and height > 0.3 * min(a[3] - a[1], b[3] - b[1])), \
                f"page {number}: »{a[4]}« overlaps »{b[4]}«"


def test_nothing_is_cut_at_the_page_edge(rendered) -> None:  # type: ignore[no-untyped-def]
    """Content that overflows the right margin shows as ink in the last centimetre."""
    _, pages = rendered
    for number, page in enumerate(pages, start=1):
        ink = _ink(page)
        assert ink.mean() > 0.003, f"page {number} is blank"
        edge = ink[:, -int(1.0 * CM):]
        assert edge.mean() < 0.001, f"page {number}: content runs into the right edge"


def test_no_near_empty_page_inside_a_chapter(sample_report, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A page followed by more pages of its chapter is filled at least to a third."""
    for page_file in [sample_report.index_path, *(c.html_path for c in sample_report.chapters)]:
        pdf = write_pdf([page_file], tmp_path / f"{page_file.stem}.pdf")
        work = tmp_path / page_file.stem
        work.mkdir()
        pages = _render(pdf, work)
        for number, page in enumerate(pages[:-1], start=1):
            rows = np.flatnonzero(_ink(page)[: -int(1.4 * CM)].any(axis=1))  # above the footer
            filled = rows.max() / page.shape[0] if rows.size else 0.0
            assert filled > 1 / 3, f"{page_file.name} page {number}: only {filled:.0%} filled"


def test_the_pdf_engine_loads_nothing_from_disk_or_network(tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    mpimg.imsave(secret, np.zeros((40, 40, 3)))
    page = tmp_path / "page.html"
    page.write_text(
        f'<html><body><h1>Test</h1><img src="{secret.as_uri()}">'
        '<img src="https://example.org/x.png"><link rel="stylesheet" href="/etc/passwd">'
        f'<img src="data:image/png;base64,{_tiny_png()}"></body></html>', encoding="utf-8")
    pdf = write_pdf([page], tmp_path / "out.pdf")
    images = subprocess.run([_tool("pdfimages"), "-list", str(pdf)], capture_output=True,
                            text=True, check=True).stdout.strip().splitlines()[2:]
    pictures = [row for row in images if row.split()[2] == "image"]  # not the alpha masks
    assert len(pictures) == 1, images  # only the inline data: image


def test_joined_pages_link_inside_the_document_and_escape_the_cover() -> None:
    style = "<style>p { color: red; }</style>"
    index = (f"<html><head>{style}</head><body class='x'><h1>Kundenbindungs-Bericht</h1>"
             '<a href="03_kennzahlen.html">→ Kapitel 03</a></body></html>')
    chapter = (f'<html><head>{style}</head><body class="kb-report"><h1 class="kb-chapter-title">'
               "Kapitel 03 · Kennzahlen &amp; mehr</h1></body></html>")
    cover = Cover(client='<script>alert("x")</script> AG', title="Kundenbindungs-Bericht",
                  report_date="15.01.2026", as_of="letzter Datensatz, 31.12.2025")
    document = combine([("index.html", index), ("03_kennzahlen.html", chapter)], "de", cover)
    assert document.count(style) == 1
    assert 'href="#kb-part-1">→ Kapitel 03' in document
    assert '<a href="#kb-part-0">Zusammenfassung</a>' in document
    assert '<a href="#kb-part-1">Kapitel 03 · Kennzahlen &amp; mehr</a>' in document
    assert "<script>" not in document
    assert '@top-left { content: "\\3c script\\3e alert(\\22 x\\22 )\\3c /script\\3e  AG"; }' \
        in document


def test_a_cover_and_a_running_footer_with_any_client_name(tmp_path: Path) -> None:
    """Quotes and backslashes in the client's name survive into the CSS running footer."""
    cover = Cover(client='Müller "Süd" \\ Söhne', title="Customer retention report",
                  report_date="15 Jan 2026", as_of=None, consultant="A. Muster",
                  logo=f"data:image/png;base64,{_tiny_png()}")
    page = "<html><body><h1>Chapter 01 · One</h1><p>text</p></body></html>"
    pdf = write_pdf_from_strings([("01.html", page)], tmp_path / "x.pdf", cover)
    assert all(abs(w - A4_POINTS[0]) < 1 and abs(h - A4_POINTS[1]) < 1
               for w, h in _page_sizes(pdf))
    pages = _page_texts(pdf)
    assert len(pages) == 3
    assert "Prepared by A. Muster" in pages[0] and "Figures as of" not in pages[0]
    assert "Page" not in pages[0] and "Confidential" in pages[0]
    images = subprocess.run([_tool("pdfimages"), "-list", str(pdf)], capture_output=True,
                            text=True, check=True).stdout.strip().splitlines()[2:]
    assert [row.split()[0] for row in images if row.split()[2] == "image"] == ["1"]  # the logo
    assert "Chapter 01 · One" in pages[1] and "Page 2 of 3" in pages[1]
    assert 'Confidential – for Müller "Süd" \\ Söhne only' in pages[2]
    assert "Page 3 of 3" in pages[2]


def test_any_html_string_becomes_an_a4_pdf_with_extra_styles(tmp_path: Path) -> None:
    """The engine other documents reuse: a string in, a complete A4 PDF out (or the old file)."""
    target = tmp_path / "kit.pdf"
    target.write_bytes(b"old")
    css = "@page { size: A3 landscape; @bottom-center { content: 'Fusszeile ' counter(page); } }"
    render_pdf("<html><body><h1>Mappe</h1><p style='break-before: page'>2</p></body></html>",
               target, "de", stylesheets=[css])
    sizes = _page_sizes(target)  # A4 wins over the stylesheet's A3
    assert len(sizes) == 2
    assert all(abs(w - A4_POINTS[0]) < 1 and abs(h - A4_POINTS[1]) < 1 for w, h in sizes)
    assert [p.strip().splitlines()[-1] for p in _page_texts(target)] == ["Fusszeile 1",
                                                                          "Fusszeile 2"]


def test_the_cover_of_a_new_client_names_the_last_record(tmp_path: Path) -> None:
    import datetime as dt

    from kbworkbook.pdf import report_cover
    from kbworkbook.workspace import create_workspace

    ws = create_workspace(tmp_path / "k", "Neu & Co", locale="de-DE")
    (ws.data_dir / "transactions.csv").write_text(
        "date,revenue\n2025-03-01,10.00\n2025-12-30,20.00\n", encoding="utf-8")
    cover = report_cover(ws, "de", None, dt.date(2026, 1, 15))
    assert cover == Cover(client="Neu & Co", title="Kundenbindungs-Bericht",
                          report_date="15.01.2026", as_of="letzter Datensatz, 30.12.2025")


def write_pdf_from_strings(pages: list[tuple[str, str]], target: Path,
                           cover: Cover | None) -> Path:
    return render_pdf(combine(pages, "en", cover), target, "en")


def _tiny_png() -> str:
    import base64
    import io

    buffer = io.BytesIO()
    mpimg.imsave(buffer, np.ones((4, 4, 3)) * 0.5, format="png")
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.parametrize("failure", [ImportError("No module named 'weasyprint'"),
                                     OSError("cannot load library 'libpango-1.0-0'")])
def test_a_missing_pdf_engine_is_a_clear_german_error(failure: Exception, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from kbworkbook.errors import ReportError

    real_import = builtins.__import__

    def broken(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "weasyprint":
            raise failure
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", broken)
    page = tmp_path / "p.html"
    page.write_text("<html><body>x</body></html>", encoding="utf-8")
    with pytest.raises(ReportError, match="Für das PDF fehlt") as info:
        write_pdf([page], tmp_path / "out.pdf")
    assert "HTML-Seiten sind unabhängig davon fertig" in str(info.value)
    assert not (tmp_path / "out.pdf").exists()
