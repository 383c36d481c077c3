"""Chapters 01 and 02 and the generic questionnaire section: static views, notes, escaping."""

from __future__ import annotations

import datetime as dt
import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from IPython.display import HTML, Markdown
from matplotlib.figure import Figure

from kbworkbook.chapters import formel, gebundenheit
from kbworkbook.chapters import questionnaire as q
from kbworkbook.notebook import Context
from kbworkbook.questionnaires._sample_answers import write_sample_answers
from kbworkbook.store import AnswerStore
from kbworkbook.workspace import SAMPLE_WORKSPACE, Workspace, create_workspace

XSS = "<script>alert(1)</script> & Co"


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture
def empty_ws(tmp_path):
    return create_workspace(tmp_path / "ws", client="Testfirma AG", locale="de-DE")


@pytest.fixture
def sample_ctx():
    return Context(workspace=Workspace.open(None), language="de")


def html_of(blocks):
    return "\n".join(b.data for b in blocks if isinstance(b, HTML))


def all_sections(module, ctx):
    return {name: getattr(module, name)(ctx) for name in module.SECTIONS}


def test_sections_lists_are_callable():
    assert formel.SECTIONS[:2] == ["intro", "self_assessment"]
    assert gebundenheit.SECTIONS[0] == "intro"
    for module in (formel, gebundenheit):
        for name in module.SECTIONS:
            assert callable(getattr(module, name))


def test_no_answers_gives_friendly_note_instead_of_chart(empty_ws):
    ctx = Context(workspace=empty_ws)
    for module in (formel, gebundenheit):
        for name, blocks in all_sections(module, ctx).items():
            if name in ("intro", "jones_sasser", "partnership"):  # narrative
                continue
            text = html_of(blocks)
            assert "kb-note" in text, (module.__name__, name)
            assert not any(isinstance(b, Figure) for b in blocks), name
    note = html_of(formel.radar(ctx))
    assert "Noch keine Antworten gespeichert – füllen Sie den Fragebogen im Workshop aus." in note


def test_sample_chapter_01_renders_from_saved_answers(sample_ctx):
    sections = all_sections(formel, sample_ctx)
    assert any(isinstance(b, Figure) for b in sections["radar"])
    radar = next(b for b in sections["radar"] if isinstance(b, Figure))
    labels = {line.get_label() for line in radar.axes[0].get_lines()}
    assert labels == {"20.11.2025", "12.03.2025"}
    strengths = html_of(sections["strengths"])
    assert "Am stärksten sind Sie bei »Leistung &amp; Zuverlässigkeit« (75)" in strengths
    assert "grössten Handlungsbedarf" in strengths  # de-CH: no ß
    change = html_of(sections["change"])
    assert "<td>Feedback &amp; Beschwerdemanagement</td><td>30</td><td>65</td><td>+35</td>" \
        in change
    summary = html_of(sections["self_assessment"])
    assert "31 von 31 Aussagen beantwortet" in summary
    assert "ß" not in summary
    assert "Warum" in html_of(sections["positioning"])


@pytest.mark.parametrize(("language", "instruction"), [
    ("de", "Warum"), ("en", "why"),
])
def test_the_positioning_intro_says_each_thing_once(sample_ctx, language, instruction):
    """The chapter text and the questionnaire's intro both told the owner to start with the
    why, one after the other."""
    import re

    ctx = Context(workspace=sample_ctx.workspace, language=language)
    text = "\n".join(b.data for b in formel.positioning(ctx) if isinstance(b, HTML | Markdown))
    assert len(re.findall(r"\b(Beginnen Sie|Start with)\b", text)) == 1
    assert instruction in text


def test_sample_chapter_02_portfolio(sample_ctx):
    sections = all_sections(gebundenheit, sample_ctx)
    assert "»Freiwillig treu« (VI 57, GI 17)" in html_of(sections["portfolio"])
    fig = next(b for b in sections["portfolio"] if isinstance(b, Figure))
    assert len(fig.axes[0].collections) == 2  # current and previous position
    tiles = html_of(sections["indices"])
    assert "Gebundenheitsindex (GI)" in tiles and ">17<" in tiles
    barriers = html_of(sections["switching_barriers"])
    assert "kritisch" not in barriers  # no good/bad bands for lock-in


def test_chapter_02_names_both_dates_and_sets_the_data_beside_the_self_image(sample_ctx):
    """Issue 12 #13: barrier answers of 12.03.2025 with factor answers of 20.11.2025, said so;
    »freiwillig treu« from answers alone next to CRR 50.7 % and an NPS falling 36 → 24."""
    text = html_of(gebundenheit.portfolio(sample_ctx)).replace("&#x27;", "'")
    assert "Selbsteinschätzung vom 20.11.2025" in text and "Wechselbarrieren vom 12.03.2025" in text
    assert "rund 8 Monate auseinander" in text
    assert "Ihre Zahlen: Kundenbindungsrate 50.7" in text
    assert "NPS von +36 (Q1 2024) auf +24 (Q4 2025) gesunken" in text
    assert "noch kein sicherer Trend" in text and "nur zum Teil" in text


def test_chapter_02_without_sales_or_surveys_says_the_placement_is_unchecked(empty_ws):
    ctx = Context(workspace=empty_ws, language="de")
    assert gebundenheit._data_view(ctx, "Freiwillig treu", True)[0].data.count(
        "nicht mit Zahlen prüfen") == 1


def test_english_chapter(sample_ctx):
    ctx = Context(workspace=sample_ctx.workspace, language="en")
    blocks = formel.strengths(ctx)
    import html

    assert html.escape("You are strongest in 'Performance & reliability' (75)") \
        in html_of(blocks)
    assert isinstance(formel.intro(ctx)[0], Markdown)
    assert "What makes customers come back" in formel.intro(ctx)[0].data


def test_user_text_is_escaped_everywhere(empty_ws):
    store = AnswerStore(empty_ws, now=lambda: dt.datetime(2025, 5, 1, 10, 0))
    store.set("positionierung", "warum", XSS)
    store.update("sechs_faktoren", answers={"F1.1": 4}, comments={"F1.1": XSS})
    store.update("management_check", answers={"info.1": "ja"}, comments={"info.1": XSS})
    ctx = Context(workspace=empty_ws)
    rendered = "\n".join([
        html_of(formel.positioning(ctx)),
        html_of(formel.self_assessment(ctx)),
        html_of(q.section(ctx, "management_check")),
    ])
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"
    assert rendered.count(escaped) == 3
    assert "<script>" not in rendered
    assert "alert(1)</script>" not in rendered


def test_generic_section_for_management_check(sample_ctx):
    blocks = q.section(sample_ctx, "management_check")
    assert isinstance(blocks[0], Markdown)
    assert "Management-Check" in blocks[0].data
    fig = next(b for b in blocks if isinstance(b, Figure))
    assert [p.get_width() for p in fig.axes[0].patches] == pytest.approx([25, 40, 37.5])
    table = html_of(blocks)
    assert "<td>schriftliche Basisstrategie</td><td>nein</td>" in table


def test_live_mode_returns_form_and_live_view(empty_ws):
    import ipywidgets as widgets

    ctx = Context(workspace=empty_ws, live=True)
    blocks = formel.self_assessment(ctx)
    form = next(b for b in blocks if isinstance(b, widgets.VBox))
    assert any(isinstance(b, widgets.Output) for b in blocks)
    assert form.children  # the form has rows
    blocks = q.section(ctx, "management_check")
    assert any(isinstance(b, widgets.VBox) for b in blocks)
    headless = q.section(Context(empty_ws), "kontaktpunkte")
    assert not any(isinstance(b, widgets.Widget) for b in headless)


def test_committed_sample_answers_are_reproducible(tmp_path):
    write_sample_answers(tmp_path)
    for qid in ("sechs_faktoren", "wechselbarrieren", "management_check", "kontaktpunkte",
                "positionierung"):
        committed = sorted((SAMPLE_WORKSPACE / "answers" / qid).glob("*.json"))
        fresh = sorted((tmp_path / "answers" / qid).glob("*.json"))
        assert [p.name for p in committed] == [p.name for p in fresh], qid
        for a, b in zip(committed, fresh, strict=True):
            assert json.loads(a.read_text(encoding="utf-8")) == \
                json.loads(b.read_text(encoding="utf-8"))


def test_sample_story_f4_f5_improve():
    change = AnswerStore(SAMPLE_WORKSPACE).change("sechs_faktoren").set_index("factor")
    assert change.loc["F5", "change"] > 20 and change.loc["F4", "change"] > 20
    assert (change["change"] >= 0).all()


def test_jones_sasser_draws_no_empty_grid(sample_ctx):
    """Issue 12 #12: without satisfaction and intention per group there is nothing to place."""
    blocks = gebundenheit.jones_sasser(sample_ctx)
    assert not any(isinstance(b, Figure) for b in blocks)
    text = html_of(blocks)
    assert "kb-note" in text and "kein leeres Raster" in text
