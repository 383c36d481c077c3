"""»Ihre Einschätzung und Ihre Zahlen« in chapters 01, 02 and 06 (issue 14, part 3).

The sample client's verdicts, worked out by hand from its figures and its November
assessment (answers in kbworkbook/questionnaires/_sample_answers.py):

* F5 Feedback & Beschwerdemanagement, owner 65 (4, 4, 3, 3, reversed 2 → 75, 75, 50, 50, 75):
  days to resolve 4.2 → 40 + 40·(7 − 4.2)/5 = 62.4; satisfied 12 of 17 = 70.6 % →
  40 + 40·0.006/0.2 = 41.2; NPS 35.7 → 24.2 = −11.4 points → 40 + 40·(−1.4)/20 = 37.1;
  mean 46.9 – more than 15 below 65 → »Zahlen sind schwächer als die Einschätzung«.
* F6 Belohnung & Gemeinschaft, owner 30: regulars' revenue share 78.1 % → 90.8, retention
  50.7 % → 54.3; mean 72.5 → stronger.
* F1 Leistung & Zuverlässigkeit, owner 75: repeat rate 70 % → 93.3, NPS +24 → 59.4,
  retention → 54.3; mean 69.0 → matches.
"""

from __future__ import annotations

import html

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from _one_factor import one_factor_client, write_catalogue
from IPython.display import HTML, Markdown
from matplotlib.figure import Figure

from kbworkbook.chapters import aktionsplan, formel, gebundenheit
from kbworkbook.notebook import Context
from kbworkbook.store import AnswerStore
from kbworkbook.workspace import Workspace, create_workspace


@pytest.fixture(autouse=True)
def _close():  # type: ignore[no-untyped-def]
    yield
    plt.close("all")


def _html(blocks: list) -> str:  # type: ignore[type-arg]
    return html.unescape("\n".join(b.data for b in blocks if isinstance(b, HTML | Markdown))
                         ).replace("\u00a0", " ")


@pytest.fixture(scope="module")
def sample() -> Context:
    return Context(workspace=Workspace.open(None), language="de")


def test_chapter_01_sets_each_factor_beside_its_figures(sample: Context) -> None:
    blocks = formel.self_image(sample)
    page = _html(blocks)
    assert "Ihre Einschätzung und Ihre Zahlen" in page and "höchstens 15 Punkte" in page
    assert sum(isinstance(b, Figure) for b in blocks) == 1
    rows = {
        "Leistung & Zuverlässigkeit": "<td>75</td><td>69</td><td>3 von 3</td><td>deckt sich",
        "Feedback & Beschwerdemanagement":
            "<td>65</td><td>47</td><td>3 von 3</td><td>Zahlen sind schwächer als die "
            "Einschätzung",
        "Belohnung & Gemeinschaft":
            "<td>30</td><td>73</td><td>2 von 2</td><td>Zahlen sind stärker als die Einschätzung",
    }
    flat = page.replace(' class="num"', "")
    for factor, cells in rows.items():
        assert f"<td>{factor}</td>{cells}" in flat, factor
    # careful wording: the gap is named with its biggest cause, and not called a mistake
    assert ("»Feedback & Beschwerdemanagement«: Ihre Zahlen (47 von 100) sind schwächer als "
            "Ihre Einschätzung (65), am deutlichsten bei »Veränderung des NPS seit der ersten "
            "Befragungswelle« (−11). Das muss kein Fehler Ihrer Einschätzung sein") in page
    assert "Kunden in Ihrer Branche ohnehin oft wiederkommen" in page
    # the figures with their reference values and the statements that name them
    assert ("<td>Tage bis zur Lösung einer Beschwerde (Durchschnitt)</td><td>4.2</td>"
            "<td>7.0 → 2.0</td><td>62</td><td>F2.6, F5.2</td>") in flat
    assert "<td>Zweitkaufquote (zweiter Einkauf innerhalb von 180 Tagen)</td><td>64 %" in flat
    assert "Bain & Company" in page and "Erfahrungswerte" in page
    assert "ß" not in page  # de-CH


def test_chapter_01_in_english(sample: Context) -> None:
    ctx = Context(workspace=sample.workspace, language="en")
    page = _html(formel.self_image(ctx))
    assert "Your assessment and your figures" in page
    assert "<th>Result</th>" in page
    assert "'Feedback & complaint management': your figures (47 out of 100) are weaker" in page
    assert "Assessment and figures match for 'Performance & reliability'" in page
    assert "Zahlen" not in page.split("</h3>", 1)[-1]


def test_chapter_02_says_per_barrier_whether_the_data_agree(sample: Context) -> None:
    page = _html(gebundenheit.portfolio(sample))
    # barrier answers of March: T 0, O 25, V 25 – but customers stay (retention 54, regulars'
    # share 91, repeat rate 93 on the 0–100 scale)
    assert ("Technisch-funktional: Zahlen sind stärker als die Einschätzung (Einschätzung 0, "
            "Zahlen 54)") in page
    assert "freiwillige Treue oder Gewohnheit, nicht auf Zwang" in page
    assert "decken sich Einschätzung und Zahlen bei 3 von 6 Faktoren" in page
    assert "Schwächer als eingeschätzt: »Feedback & Beschwerdemanagement«" in page


def test_chapter_06_flags_a_factor_whose_figures_are_weaker(sample: Context) -> None:
    page = _html(aktionsplan.weakest_factors(sample))
    assert "<th>Ihre Zahlen (Kapitel 1)</th>" in page
    assert "deckt sich</td>" in page
    # F5 ties at 28 below the cut (chapter 01 names the tie): the figures speak for it
    assert ("⚑ »Feedback & Beschwerdemanagement« steht nicht unter den ersten zwei, doch Ihre "
            "Zahlen (47 von 100) sind schwächer als Ihre Einschätzung (65)") in page


def test_no_customer_number_reaches_the_pages(sample: Context) -> None:
    customers = sample.table("transactions")["customer_id"].dropna().astype(str).unique()
    pages = [_html(formel.self_image(sample)), _html(gebundenheit.portfolio(sample)),
             _html(aktionsplan.weakest_factors(sample))]
    for page in pages:
        cells = set(page.replace("<", " ").replace(">", " ").split())
        assert not cells & set(customers[:500])


def test_without_data_a_note_and_no_chart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = create_workspace(tmp_path / "ws", client="Testfirma AG", locale="de-DE")
    AnswerStore(ws).update("sechs_faktoren", answers={"F5.1": 4, "F5.2": 4, "F5.3": 4})
    blocks = formel.self_image(Context(workspace=ws))
    assert not any(isinstance(b, Figure) for b in blocks)
    assert "noch keine Kennzahlen vor" in _html(blocks)
    assert aktionsplan.weakest_factors(Context(workspace=ws))  # no column, no flag, no error


def test_a_workspace_catalogue_is_escaped_and_an_unknown_figure_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = one_factor_client(tmp_path)
    raw = "\n".join(b.data for b in formel.self_image(Context(workspace=ws))
                    if isinstance(b, HTML))
    assert "<script>" not in raw and "&lt;script&gt;" in raw
    # owner 100; mean 3 days → 40 + 40·(7 − 3)/5 = 72: 28 below → weaker
    assert "Zahlen sind schwächer als die Einschätzung" in raw
    write_catalogue(ws, name="A", data='"beschwerde_tage"')
    page = _html(formel.self_image(Context(workspace=ws)))
    assert "sechs.toml, Aussage »A.1«: die Kennzahl »beschwerde_tage« in »data« ist unbekannt" \
        in page


def test_a_chosen_factor_with_weaker_figures_is_flagged_as_more_urgent(sample: Context) -> None:
    from kbworkbook.chapters._selfimage import flag_lines

    assert flag_lines(sample, ["F4", "F5"]) == [
        "⚑ »Feedback & Beschwerdemanagement«: Ihre Zahlen (47 von 100) sind schwächer als Ihre "
        "Einschätzung (65) – der Handlungsbedarf ist eher grösser, als die Selbsteinschätzung "
        "zeigt (Kapitel 1)."]


def _sample_copy(tmp_path, extra: str) -> Workspace:  # type: ignore[no-untyped-def]
    import shutil

    from kbworkbook.workspace import SAMPLE_WORKSPACE

    root = tmp_path / "sample"
    shutil.copytree(SAMPLE_WORKSPACE, root, ignore=shutil.ignore_patterns("reports"))
    config = root / "kbworkbook.toml"
    config.write_text(config.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return Workspace.open(root)


def test_the_consultant_sets_reference_values_for_the_trade(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # a bakery: complaints answered the same day are normal → good 1 day, weak 3 days:
    # 4.2 days → 40 + (4.2 − 3) · 40 / (1 − 3) = 40 − 24 = 16 on the scale
    ws = _sample_copy(tmp_path, '\n[selfimage]\ntolerance = 10\n'
                                'complaint_days = { weak = 3, good = 1, source = "Bäckerei" }\n')
    page = _html(formel.self_image(Context(workspace=ws)))
    assert "höchstens 10 Punkte" in page
    assert ("<td>Tage bis zur Lösung einer Beschwerde (Durchschnitt)</td><td>4.2</td>"
            "<td>3.0 → 1.0</td><td>16</td>") in page.replace(' class="num"', "")
    assert "Tage bis zur Lösung einer Beschwerde (Durchschnitt): Bäckerei" in page


def test_reference_values_that_do_not_fit_are_named_on_the_page(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = _sample_copy(tmp_path, '\n[selfimage]\nnsp = { good = 60 }\n')
    page = _html(formel.self_image(Context(workspace=ws)))
    assert "kbworkbook.toml, [selfimage]: die Kennzahl »nsp« ist unbekannt. Meinten Sie »nps«?" \
        in page
    assert "höchstens 15 Punkte" in page  # the package's tolerance stands in the text


def test_in_the_workshop_the_comparison_waits_for_a_button(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """»Alle Zellen ausführen« must stay quick (an answer given meanwhile is saved at once):
    live, the figures are computed only when the button is pressed, with the answers of then."""
    import ipywidgets as widgets

    ws = _sample_copy(tmp_path, "")
    ctx = Context(workspace=ws, live=True)
    blocks = formel.self_image(ctx)
    box = blocks[-1]
    assert isinstance(box, widgets.VBox)
    button, out = box.children
    assert button.description == "Mit Ihren Zahlen vergleichen"
    assert "memo:analysis" not in ctx._tables  # nothing computed yet
    drawn: list[str] = []
    from kbworkbook.chapters import _selfimage

    real = _selfimage.view
    _selfimage.view = lambda c, q: drawn.append(_html(real(c, q))) or []  # type: ignore[assignment,func-returns-value]
    try:
        button.click()
        AnswerStore(ws).update("sechs_faktoren", answers={"F5.1": 1, "F5.2": 1, "F5.3": 1,
                                                          "F5.4": 1, "F5.5": 5})
        button.click()
    finally:
        _selfimage.view = real  # type: ignore[assignment]
    assert "<td>Feedback & Beschwerdemanagement</td><td>65</td>" in drawn[0].replace(
        ' class="num"', "")
    # F5 answered 1, 1, 1, 1 and (R) 5 → 0: the figures (47) are now stronger
    assert ("<td>Feedback & Beschwerdemanagement</td><td>0</td><td>47</td><td>3 von 3</td>"
            "<td>Zahlen sind stärker") in drawn[1].replace(' class="num"', "")


def test_the_live_action_plan_points_to_chapter_01_instead_of_computing() -> None:
    ctx = Context(workspace=Workspace.open(None), language="de", live=True)
    page = _html(aktionsplan.weakest_factors(ctx))
    assert "Ihre Zahlen (Kapitel 1)" not in page
    assert "zeigt Kapitel 1 (»Mit Ihren Zahlen vergleichen«)" in page
