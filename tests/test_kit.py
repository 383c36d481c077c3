"""The workshop kit (``kbworkbook kit``) and the facilitator notes.

The PDFs are checked the way a reader sees them: page sizes from poppler's ``pdfinfo``, the
text from ``pdftotext`` (Debian's poppler-utils; ``make test`` installs it when missing).
Worked examples for the agenda clock are computed by hand in the comments.
"""

from __future__ import annotations

import builtins
import datetime as dt
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import nbformat
import pytest
from _pdftools import page_sizes, tool

from kbworkbook.chapters import CHAPTERS
from kbworkbook.cli import main
from kbworkbook.errors import ReportError
from kbworkbook.kit import build as kit_build
from kbworkbook.kit import build_kit, content, facilitator_note, html_to_pdf, kit_documents
from kbworkbook.kit.content import Agenda, AgendaBlock, schedule
from kbworkbook.questionnaires import load_catalogues
from kbworkbook.workspace import SAMPLE_WORKSPACE, Workspace, create_workspace

pytestmark = [
    pytest.mark.xdist_group("kit"),
    # WeasyPrint warns at import when the system lacks libharfbuzz-subset (Debian:
    # libharfbuzz-subset0); the PDFs are complete without it
    pytest.mark.filterwarnings("ignore:HarfBuzz-Subset:DeprecationWarning"),
]

A4_POINTS = (595.28, 841.89)
KIT_DIR = Path(content.__file__).parent
ROOT = Path(__file__).resolve().parent.parent


_tool, _page_sizes = tool, page_sizes


def _text(pdf: Path) -> str:
    return subprocess.run([_tool("pdftotext"), "-raw", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def squeeze(value: str) -> str:
    """Without white space and soft hyphens: table cells wrap their text anywhere."""
    return re.sub(r"[\s\u00ad]", "", value)


def _sample_copy(target: Path) -> Path:
    shutil.copytree(SAMPLE_WORKSPACE, target, ignore=shutil.ignore_patterns("reports"))
    return target


@pytest.fixture(scope="module")
def kits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sample client's kit in German (library call) and English (command line)."""
    root = _sample_copy(tmp_path_factory.mktemp("kit") / "sonnenschein")
    german = build_kit(root)
    assert main(["kit", str(root), "--lang", "en", "--out", str(root / "kit-en")]) == 0
    english = sorted((root / "kit-en").glob("*.pdf"))
    return {"root": root, "de": german, "en": english}


# -- the sample client's kit --------------------------------------------------------------------


def test_kit_writes_one_a4_pdf_per_document_into_the_workspace(kits) -> None:  # type: ignore[no-untyped-def]
    result = kits["de"]
    assert result.folder == kits["root"] / "kit"
    names = {f.path.name for f in result.files}
    questionnaires = load_catalogues(Workspace.open(kits["root"]))
    assert names == {f"fragebogen_{qid}.pdf" for qid in questionnaires} | {
        "checkliste_reklamation.pdf", "checkliste_nach_dem_kauf.pdf",
        "kleinstbetrieb_wenig_aufwand.pdf", "merkblatt_einwilligung_email.pdf",
        "ablauf_halbtag.pdf", "ablauf_ganztag.pdf"}
    # no temp files left; beside the PDFs only the list of what this build wrote
    assert sorted(p.name for p in result.folder.iterdir()) == sorted(
        [*names, ".kbworkbook-kit-de.json"])
    for item in [*result.files]:
        sizes = _page_sizes(item.path)
        assert len(sizes) == item.pages >= 1, item.path.name
        assert all(abs(w - A4_POINTS[0]) < 1 and abs(h - A4_POINTS[1]) < 1 for w, h in sizes)
    for path in kits["en"]:
        assert all(abs(w - A4_POINTS[0]) < 1 and abs(h - A4_POINTS[1]) < 1
                   for w, h in _page_sizes(path))


def test_every_questionnaire_item_is_on_its_paper_form(kits) -> None:  # type: ignore[no-untyped-def]
    ws = Workspace.open(kits["root"])
    for qid, catalogue in load_catalogues(ws).items():
        swiss = catalogue.for_locale("de-CH")
        text = squeeze(_text(kits["root"] / "kit" / f"fragebogen_{qid}.pdf"))
        assert squeeze("Bäckerei Sonnenschein GmbH") in text and squeeze("Andrea Muster") in text
        for item in swiss.items:
            assert squeeze(item.label("de")) in text, (qid, item.key)
            if swiss.scored:
                assert item.key in text, (qid, item.key)
            for option in item.options:  # a list to tick prints every entry of the list
                assert squeeze(option.label("de")) in text, (qid, item.key, option.key)
        for factor in swiss.factors:
            assert squeeze(factor.label("de")) in text, (qid, factor.key)
        chapter = next((c for c in CHAPTERS if qid in c.questionnaires), None)
        if chapter is not None:  # the form says which chapter to open for typing the answers in
            assert squeeze(f"Kapitel {chapter.number} »{chapter.title('de', 'de-CH')}«") in text
        assert squeeze("Ausgefüllt von") in text and "Datum" in text


def test_six_factor_form_asks_for_each_factors_importance(kits) -> None:  # type: ignore[no-untyped-def]
    text = _text(kits["root"] / "kit" / "fragebogen_sechs_faktoren.pdf")
    catalogue = load_catalogues(None)["sechs_faktoren"]
    assert text.count("Wie wichtig ist dieser Faktor") == len(catalogue.factors) == 6


def test_the_english_kit_has_the_english_items(kits) -> None:  # type: ignore[no-untyped-def]
    by_name = {p.name: p for p in kits["en"]}
    for qid, catalogue in load_catalogues(None).items():
        text = squeeze(_text(by_name[f"questionnaire_{qid}.pdf"]))
        for item in catalogue.items:
            assert squeeze(item.label("en")) in text, (qid, item.key)
            for option in item.options:
                assert squeeze(option.label("en")) in text, (qid, item.key, option.key)
        assert squeeze(catalogue.items[0].label("de")) not in text
    agenda = squeeze(_text(by_name["agenda_full_day.pdf"]))
    assert squeeze("Full-day workshop on customer retention") in agenda
    assert squeeze("Lunch break") in agenda


def test_checklists_and_low_effort_page_print_their_catalogue(kits) -> None:  # type: ignore[no-untyped-def]
    folder = kits["root"] / "kit"
    files = {"reklamation": "checkliste_reklamation.pdf",
             "after_sales": "checkliste_nach_dem_kauf.pdf"}
    for checklist in content.checklists():
        text = squeeze(_text(folder / files[checklist.id]))
        for step in checklist.steps:
            assert squeeze(content.localized(step.title, "de", "de-CH")) in text
            assert squeeze(content.localized(step.help, "de", "de-CH")) in text
        for field in checklist.record:
            assert squeeze(content.localized(field, "de", "de-CH")) in text
    page = content.low_effort_page()
    text = squeeze(_text(folder / "kleinstbetrieb_wenig_aufwand.pdf"))
    for said, answer in page.objections:
        assert squeeze(content.localized(said, "de", "de-CH")) in text
        assert squeeze(content.localized(answer, "de", "de-CH")) in text
    for measure, _effort in page.measures:
        assert squeeze(content.localized(measure, "de", "de-CH")) in text


def test_swiss_client_gets_swiss_spelling(kits) -> None:  # type: ignore[no-untyped-def]
    for item in kits["de"].files:
        assert "ß" not in _text(item.path), item.path.name
    assert "Massnahmen" in _text(kits["root"] / "kit" / "ablauf_halbtag.pdf")


def test_agendas_show_the_clock_and_every_chapter(kits) -> None:  # type: ignore[no-untyped-def]
    half = _text(kits["root"] / "kit" / "ablauf_halbtag.pdf")
    full = _text(kits["root"] / "kit" / "ablauf_ganztag.pdf")
    # half day: 09:00 + 210 min = 12:30; full day: 09:00 + 480 min = 17:00
    assert "09:00–09:15" in half and "12:20–12:30" in half
    assert "09:00–09:30" in full and "16:50–17:00" in full and "Mittagspause" in full
    for chapter in CHAPTERS:
        assert f"{chapter.number} ·" in half and f"{chapter.number} ·" in full


# -- agenda arithmetic and catalogues -----------------------------------------------------------


def _block(minutes: int, chapter: str | None = None, pause: bool = False) -> AgendaBlock:
    return AgendaBlock(title={"de": "x", "en": "x"}, minutes=minutes, chapter=chapter,
                       pause=pause)


def test_schedule_runs_the_blocks_one_after_the_other() -> None:
    # 08:30 + 15 = 08:45; + 50 = 09:35; + 25 = 10:00
    plan = Agenda(kind="half", title={"de": "t"}, start=dt.time(8, 30),
                  blocks=(_block(15, "00"), _block(50, "01"), _block(25, pause=True)))
    slots = schedule(plan)
    assert [(s.start, s.end) for s in slots] == [
        (dt.time(8, 30), dt.time(8, 45)), (dt.time(8, 45), dt.time(9, 35)),
        (dt.time(9, 35), dt.time(10, 0))]


def test_agendas_cover_every_chapter_and_name_only_existing_documents(kits) -> None:  # type: ignore[no-untyped-def]
    documents = {d.id for d in kit_documents(Workspace.open(kits["root"]), "de")}
    for kind, length in (("half", 210), ("full", 480)):
        plan = content.agenda(kind)
        assert sum(b.minutes for b in plan.blocks) == length
        minutes = content.chapter_minutes(kind)
        assert set(minutes) == {c.number for c in CHAPTERS}
        assert sum(minutes.values()) + sum(b.minutes for b in plan.blocks
                                           if b.chapter is None) == length
        for block in plan.blocks:
            assert set(block.materials) <= documents, block.materials
            assert not (block.pause and block.chapter), block


def _language_tables(node: Any, where: str) -> list[tuple[str, Any]]:
    found = []
    if isinstance(node, dict):
        if "de" in node or "en" in node:
            found.append((where, node))
        for key, value in node.items():
            if key not in ("de", "en"):
                found += _language_tables(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _language_tables(value, f"{where}[{i}]")
    return found


def test_every_kit_text_exists_in_german_and_english() -> None:
    for path in sorted(KIT_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        tables = _language_tables(data, path.name)
        assert tables, path.name
        for where, table in tables:
            assert table.get("de") and table.get("en"), where
            assert type(table["de"]) is type(table["en"]), where
            if isinstance(table["de"], list):
                assert len(table["de"]) == len(table["en"]), where


# -- escaping, branding, failures ---------------------------------------------------------------


@pytest.fixture()
def hostile(tmp_path: Path) -> Workspace:
    """A workspace whose client and consultant names are HTML, with a PNG logo."""
    import numpy as np
    from matplotlib import image as mpimg

    ws = create_workspace(tmp_path / "k", "<script>alert(1)</script> & Söhne")
    mpimg.imsave(ws.root / "logo.png", np.full((4, 4, 3), 0.4))
    config = ws.root / "kbworkbook.toml"
    text = config.read_text(encoding="utf-8").replace(
        '[consultant]\nname = ""', '[consultant]\nname = "<b>Beraterin</b>"\nlogo = "logo.png"')
    config.write_text(text, encoding="utf-8")
    return Workspace.open(ws.root)


def test_user_typed_names_are_escaped_and_the_logo_embedded(hostile: Workspace,
                                                            tmp_path: Path) -> None:
    documents = kit_documents(hostile, "de")
    for doc in documents:
        assert "<script>" not in doc.html and "<b>Beraterin" not in doc.html, doc.id
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Söhne" in doc.html, doc.id
        assert 'src="data:image/png;base64,' in doc.html, doc.id
    data, pages = html_to_pdf(documents[-1].html)
    pdf = tmp_path / "agenda.pdf"
    pdf.write_bytes(data)
    text = _text(pdf)
    assert pages == len(_page_sizes(pdf))
    assert "<script>alert(1)</script> & Söhne" in text  # printed as text, never run as markup
    assert "<b>Beraterin</b>" in text
    images = subprocess.run([_tool("pdfimages"), "-list", str(pdf)], capture_output=True,
                            text=True, check=True).stdout
    assert len(images.strip().splitlines()) > 2  # header lines + the logo


def test_cli_missing_workspace_exits_non_zero_in_german(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["kit", str(tmp_path / "gibt-es-nicht")]) != 0
    err = capsys.readouterr().err
    assert "existiert nicht" in err and "kbworkbook new" in err and "Traceback" not in err


def test_cli_refuses_to_write_into_the_installed_sample(capsys) -> None:  # type: ignore[no-untyped-def]
    before = sorted(p.relative_to(SAMPLE_WORKSPACE) for p in SAMPLE_WORKSPACE.rglob("*"))
    assert main(["kit", str(SAMPLE_WORKSPACE)]) == 1
    err = capsys.readouterr().err
    assert "--out ZIEL" in err and "Traceback" not in err
    assert sorted(p.relative_to(SAMPLE_WORKSPACE) for p in SAMPLE_WORKSPACE.rglob("*")) == before


def test_cli_help_is_german() -> None:
    proc = subprocess.run([sys.executable, "-m", "kbworkbook", "kit", "--help"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    assert "Arbeitsordner" in proc.stdout and "Sprache der Unterlagen" in proc.stdout


@pytest.mark.parametrize(("error", "expected"), [
    (ImportError("No module named 'weasyprint'"), "pip install weasyprint"),
    (OSError("cannot load library 'libpango-1.0-0'"), "libpango-1.0-0 libpangoft2-1.0-0"),
])
def test_missing_pdf_engine_gives_a_german_message(monkeypatch: pytest.MonkeyPatch,
                                                   error: Exception, expected: str) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise error
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ReportError) as info:
        html_to_pdf("<p>x</p>", "de")
    assert expected in str(info.value) and "Workshop-Unterlagen" in str(info.value)


def test_a_failed_rendering_leaves_the_previous_kit_untouched(
        kits, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    root = kits["root"]
    before = {f.path: f.path.read_bytes() for f in kits["de"].files}
    manifest = root / "kit" / ".kbworkbook-kit-de.json"
    before[manifest] = manifest.read_bytes()
    real = kit_build.html_to_pdf
    calls = {"n": 0}

    def failing(document: str, language: str = "de") -> tuple[bytes, int]:
        calls["n"] += 1
        if calls["n"] == 4:
            raise ReportError("Pango ist weg")
        return real(document.replace("Bäckerei", "Konditorei"), language)

    monkeypatch.setattr(kit_build, "html_to_pdf", failing)
    with pytest.raises(ReportError):
        build_kit(root)
    assert {p: p.read_bytes() for p in before} == before
    assert sorted((root / "kit").iterdir()) == sorted(before)


# -- facilitator notes --------------------------------------------------------------------------


def _consultant_cell(path: Path) -> nbformat.NotebookNode:
    cell = nbformat.read(path, as_version=4).cells[0]
    assert "remove_cell" in cell.metadata.get("tags", []), path.name
    return cell


def test_facilitator_notes_reach_the_workspace_notebooks(tmp_path: Path) -> None:
    from kbworkbook.lab import sync_notebooks

    ws = create_workspace(tmp_path / "k", "Muster AG")
    sync_notebooks(ws)
    notes = tomllib.loads((KIT_DIR / "moderation.toml").read_text(encoding="utf-8"))["chapters"]
    assert set(notes) == {c.number for c in CHAPTERS}
    for chapter in CHAPTERS:
        source = _consultant_cell(ws.root / "notebooks" / chapter.notebook).source
        assert "Moderationsleitfaden" in source
        for question in notes[chapter.number]["questions"]["de"]:
            assert question in source
        for objection in notes[chapter.number]["objections"]["de"]:
            assert objection in source
        half = content.chapter_minutes("half")[chapter.number]
        full = content.chapter_minutes("full")[chapter.number]
        assert f"etwa {half} Min. im Halbtages-, {full} Min. im Ganztages-Workshop" in source


def test_micro_firm_objections_are_in_the_measures_chapter_notes() -> None:
    note = facilitator_note("05")
    for said in ("Keine Zeit, kein Personal", "Wer gehen will, soll gehen",
                 "Kundenevents kommt sowieso niemand"):
        assert said in note
    assert facilitator_note("99") == ""
    assert "Facilitator notes" in facilitator_note("05", "en")


def _note_lines(number: str) -> list[str]:
    return [line.lstrip("- ").split(" → ")[0] for line in facilitator_note(number).splitlines()
            if line.startswith("- ")]


def test_facilitator_notes_are_removed_from_an_exported_chapter(tmp_path: Path) -> None:
    """The export step of the report, on the shipped chapter 05 notebook: the notes go."""
    import html

    from kbworkbook.report import NOTEBOOK_DIR
    from kbworkbook.report_html import export_html
    from kbworkbook.report_html import page as _page

    ws = Workspace.open(None)
    notebook = NOTEBOOK_DIR / "05_massnahmen_wirtschaftlichkeit.ipynb"
    assert "Moderationsleitfaden" in _consultant_cell(notebook).source
    page = _page(ws, "de", None, dt.date(2026, 1, 15), "Kapitel 05", back_link=True)
    out = export_html(notebook, tmp_path / "05.html", page, "05")
    exported = html.unescape(out.read_text(encoding="utf-8"))
    assert "Moderationsleitfaden" not in exported
    for line in _note_lines("05"):
        assert line not in exported


@pytest.mark.slow
@pytest.mark.xdist_group("report")
def test_facilitator_notes_never_reach_the_owners_report(sample_report) -> None:  # type: ignore[no-untyped-def]
    import html

    pages = [html.unescape(p.read_text(encoding="utf-8"))
             for p in sorted(sample_report.out_dir.glob("*.html"))]
    assert len(pages) == len(CHAPTERS) + 1
    for page in pages:
        assert "Moderationsleitfaden" not in page
        for chapter in CHAPTERS:
            for line in _note_lines(chapter.number):
                assert line not in page, line


def test_readme_names_every_kit_document_and_its_source_text() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in readme.splitlines()
            if line.startswith("| `") and ".pdf`" in line}
    documents = kit_documents(Workspace.open(None), "de")
    named = {name.strip("` ") for cell in rows for name in cell.split(",")}
    assert {f"{doc.stem}.pdf" for doc in documents} <= named
    sources = {c.id: c.sources for c in content.checklists()}
    sources["kleinstbetrieb"] = content.low_effort_page().sources
    for doc in documents:
        row = next(line for cell, line in rows.items() if f"`{doc.stem}.pdf`" in cell)
        for seed in sources.get(doc.id, ()):
            assert f"{seed}_" in row.split("|")[3], (doc.id, seed)


def test_no_form_leaves_a_box_alone_on_its_last_page(kits) -> None:  # type: ignore[no-untyped-def]
    """The management check used to spill its remarks box onto page 2: a document whose tight
    variant saves a page is printed tight."""
    footer = squeeze("Bäckerei Sonnenschein GmbH · Workshop Kundenbindung")
    for item in kits["de"].files:
        if item.pages < 2:
            continue
        last = subprocess.run([_tool("pdftotext"), "-f", str(item.pages), "-l", str(item.pages),
                               "-raw", str(item.path), "-"], capture_output=True, text=True,
                              check=True).stdout
        body = squeeze(last).split(footer)[0]
        assert body not in ("", squeeze("Weitere Bemerkungen"), squeeze("Notizen")), \
            item.path.name
    pages = {f.path.name: f.pages for f in kits["de"].files}
    assert pages["fragebogen_management_check.pdf"] == 1
    assert pages["fragebogen_wechselbarrieren.pdf"] == 1


def test_consent_note_puts_the_clients_country_first_and_names_the_laws(kits) -> None:  # type: ignore[no-untyped-def]
    text = squeeze(_text(kits["root"] / "kit" / "merkblatt_einwilligung_email.pdf"))
    assert text.index("Schweiz") < text.index("Deutschland") < text.index("Österreich")
    for law in ("UWG Art. 3 Abs. 1 lit. o", "§ 7 Abs. 3 UWG", "TKG 2021 § 174",
                "Double-Opt-in", "keine Rechtsberatung"):
        assert squeeze(law) in text, law
    note = content.consent()
    assert [c.code for c in note.for_locale("de-AT")] == ["AT", "DE", "CH"]
    assert [c.code for c in note.for_locale("en")] == ["DE", "CH", "AT"]


def test_a_rebuild_removes_only_the_pdfs_the_kit_no_longer_writes(tmp_path: Path) -> None:
    root = _sample_copy(tmp_path / "ws")
    extra = root / "questionnaires"
    extra.mkdir()
    (extra / "extra.toml").write_text(
        'id = "extra"\nkind = "text"\ntitle = "Extra"\n[[factors]]\nkey = "a"\nde = "A"\n'
        '[[factors.items]]\nkey = "a.1"\nde = "Frage"\n', encoding="utf-8")
    first = build_kit(root)
    folder = first.folder
    assert (folder / "fragebogen_extra.pdf").is_file() and first.removed == []
    (folder / "meine_notizen.pdf").write_bytes(b"%PDF-1.4 the consultant's own file")
    (folder / ".kbworkbook-kit-en.json").write_text('{"files": ["../kbworkbook.toml"]}',
                                                     encoding="utf-8")
    (extra / "extra.toml").unlink()
    second = build_kit(root)
    assert second.removed == ["fragebogen_extra.pdf"]
    assert not (folder / "fragebogen_extra.pdf").exists()
    assert (folder / "meine_notizen.pdf").is_file()  # never written by the kit: stays
    assert "entfernt: fragebogen_extra.pdf" in second.summary()
    english = build_kit(root, language="en")  # the other language's list names a path: ignored
    assert english.removed == [] and (root / "kbworkbook.toml").is_file()
    assert (folder / "fragebogen_sechs_faktoren.pdf").is_file()  # German kit untouched
