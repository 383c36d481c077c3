"""The consultant's own words (issue 13, item 5): narrative overrides and section comments.

Per workspace, ``texts/<chapter module>.toml`` replaces a chapter's narrative text
(``[texte]``) and adds a comment after a section (``[anmerkungen]``). Both reach the chapter
escaped and with personal data masked; typos are reported on the chapter, never fatal; a
file outside the workspace is not read.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from kbworkbook.chapters import kennzahlen
from kbworkbook.chapters._narrative import chapter_texts, consultant_comment
from kbworkbook.notebook import Context, header
from kbworkbook.workspace import Workspace, create_workspace


@pytest.fixture()
def ws(tmp_path: Path) -> Workspace:
    return create_workspace(tmp_path / "kunde", "Muster AG")


def _own(ws: Workspace, text: str, module: str = "kennzahlen") -> None:
    (ws.root / "texts").mkdir(exist_ok=True)
    (ws.root / "texts" / f"{module}.toml").write_text(text, encoding="utf-8")


def _page(blocks) -> str:  # type: ignore[no-untyped-def]
    out = []
    for block in blocks:
        if isinstance(block, list | tuple):
            out.append(_page(block))
        else:
            out.append(getattr(block, "data", "") or "")
    return "".join(out)


def _ctx(ws: Workspace, language: str = "de") -> Context:
    return Context(workspace=Workspace.open(ws.root), language=language,  # type: ignore[arg-type]
                   as_of=dt.date(2025, 12, 31))


def test_without_a_file_the_package_text_is_shown(ws: Workspace) -> None:
    page = _page(kennzahlen.intro(_ctx(ws)))
    assert "Was Ihre Zahlen über die Kundenbindung sagen" in page
    assert chapter_texts(_ctx(ws), "kennzahlen").problems == ()


def test_an_override_replaces_the_text_escaped_with_placeholders_filled(ws: Workspace) -> None:
    _own(ws, '[texte]\nintro = """\n## Unsere Zahlen bis {as_of}\n\nHeute: <script>x</script> '
             'für Frau Bühlmann.\n"""\n')
    page = _page(kennzahlen.intro(_ctx(ws)))
    assert "## Unsere Zahlen bis 31.12.2025" in page
    assert "Was Ihre Zahlen über die Kundenbindung sagen" not in page
    assert "<script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "Bühlmann" not in page and "Frau [Name entfernt]" in page


def test_an_override_whose_braces_do_not_fit_falls_back_with_a_note(ws: Workspace) -> None:
    _own(ws, '[texte]\nintro = "Stand {stichtag}"\n')
    page = _page(kennzahlen.intro(_ctx(ws)))
    assert "Was Ihre Zahlen über die Kundenbindung sagen" in page
    assert "texts/kennzahlen.toml: [texte] intro enthält geschweifte Klammern" in page


def test_a_comment_follows_its_section_with_the_consultants_name(ws: Workspace) -> None:
    config = ws.root / "kbworkbook.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        '[consultant]\nname = ""', '[consultant]\nname = "Beratung Meier & Co"'), encoding="utf-8")
    _own(ws, '[anmerkungen]\nretention = "Umbau im März:\\nweniger Laufkundschaft <b>!</b>"\n')
    blocks = consultant_comment(_ctx(ws), "kennzahlen", "retention")
    page = _page(blocks)
    assert page.startswith('<aside class="kb-consultant-note">')
    assert "Anmerkung der Beratung (Beratung Meier &amp; Co)" in page
    assert "Umbau im März:<br>weniger Laufkundschaft &lt;b&gt;!&lt;/b&gt;" in page
    assert consultant_comment(_ctx(ws), "kennzahlen", "nps") == []
    english = _page(consultant_comment(_ctx(ws, "en"), "kennzahlen", "retention"))
    assert "Consultant&#x27;s note (Beratung Meier &amp; Co)" in english


def test_contact_data_in_a_comment_is_masked_with_a_note(ws: Workspace) -> None:
    _own(ws, '[anmerkungen]\nnps = "Rückruf an anna.keller@example.ch, 079 123 45 67"\n')
    page = _page(consultant_comment(_ctx(ws), "kennzahlen", "nps"))
    assert "anna.keller" not in page and "079 123" not in page
    assert "[E-Mail entfernt], [Telefon entfernt]" in page and "Datenschutz" in page


def test_typos_are_named_on_the_chapter_and_the_rest_is_used(ws: Workspace) -> None:
    _own(ws, '[texte]\nintrp = "x"\n\n[anmerkungen]\nretension = "y"\nnps = 3\n'
             'complaints = "Gut gelöst."\n\n[anmerkung]\nnps = "z"\n')
    found = chapter_texts(_ctx(ws), "kennzahlen")
    assert found.comments == {"complaints": "Gut gelöst."}
    text = " | ".join(found.problems)
    assert "[texte] intrp gibt es in diesem Kapitel nicht. Meinten Sie »intro«?" in text
    assert "[anmerkungen] retension ist kein Abschnitt dieses Kapitels. Meinten Sie »retention«?" \
        in text
    assert "[anmerkungen] nps muss ein Text in Anführungszeichen sein" in text
    assert "unbekannter Abschnitt [anmerkung]" in text and "Meinten Sie »anmerkungen«?" in text
    page = _page(header(_ctx(ws), "03"))
    assert "texts/kennzahlen.toml: [texte] intrp" in page


def test_a_broken_file_is_reported_not_fatal(ws: Workspace) -> None:
    _own(ws, '[texte]\nintro = "nicht geschlossen\n')
    assert "kein gültiges TOML" in chapter_texts(_ctx(ws), "kennzahlen").problems[0]
    assert "Was Ihre Zahlen über die Kundenbindung sagen" in _page(kennzahlen.intro(_ctx(ws)))


def test_a_link_out_of_the_workspace_is_not_read(ws: Workspace, tmp_path: Path) -> None:
    secret = tmp_path / "geheim.toml"
    secret.write_text('[texte]\nintro = "GEHEIM"\n', encoding="utf-8")
    (ws.root / "texts").mkdir()
    os.symlink(secret, ws.root / "texts" / "kennzahlen.toml")
    found = chapter_texts(_ctx(ws), "kennzahlen")
    assert found.overrides == {} and "kann nicht gelesen werden" in found.problems[0]
    assert "GEHEIM" not in _page(kennzahlen.intro(_ctx(ws)))


@pytest.mark.slow
def test_the_report_carries_the_consultants_words(ws: Workspace, tmp_path: Path) -> None:
    from kbworkbook.report import build_report

    _own(ws, '[texte]\nintro = "## Unsere Sicht auf Ihre Zahlen"\n\n'
             '[anmerkungen]\nintro = "Die Daten kamen per USB-Stick."\n')
    result = build_report(ws, out=tmp_path / "out", chapters=["03"], jobs=1,
                          today=dt.date(2026, 1, 15))
    html = (tmp_path / "out" / "03_kennzahlen.html").read_text(encoding="utf-8")
    assert result.ok
    assert "Unsere Sicht auf Ihre Zahlen" in html
    assert html.index("Unsere Sicht auf Ihre Zahlen") < html.index("Die Daten kamen per USB-Stick.")
    assert "Anmerkung der Beratung" in html
