"""The win-back list in a client's workspace and the next report's follow-up (issue 14, part 2).

Synthetic client, Stichtag A = 30.06.2025 (160 customers with a customer number, too few for
the BG/NBD model, so slipping is judged by each customer's own rhythm):

* 80 regulars buy 20 CHF every 28 days from 01.01.2024 up to the Stichtag (active);
* 60 former regulars ``S20``…``S79`` bought 40 + i CHF every 14 days from 01.01.2024 to
  10.02.2025 (30 purchases, 140 days silent at A: slipping; 27 of the purchases lie in the
  365 days up to the last one, so the value at stake is 27 · (40 + i) · 30 % default margin);
* 20 one-time buyers of 5 CHF.

The valuable quarter of the 160 are the 40 biggest spenders, ``S40``…``S79``; all are
slipping, so the 30 with the most value at stake ``S50``…``S79`` are listed and
``S40``…``S49`` are cut by the list length. After the list, ``S50``…``S61`` (12 of the 30
listed) and ``S40``, ``S41`` (2 of the 10 cut) buy 50 CHF each; at Stichtag B = 30.09.2025 the
win-back rate is 12 / 30 = 40 %, revenue 600 CHF, against 2 / 10 = 20 % of the cut.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from IPython.display import HTML, Markdown
from openpyxl import load_workbook

from kbworkbook.calllist_files import list_paths, read_lists, write_call_list
from kbworkbook.chapters import kundenwert
from kbworkbook.figures import figures_document, key_figures
from kbworkbook.findings import derive_findings
from kbworkbook.models.calllist import call_list
from kbworkbook.notebook import Context
from kbworkbook.workspace import Workspace, create_workspace

A = dt.date(2025, 6, 30)
B = dt.date(2025, 9, 30)
LISTED = [f"S{i}" for i in range(79, 49, -1)]  # most value first
CUT = [f"S{i}" for i in range(49, 39, -1)]
BACK = [f"S{i}" for i in range(50, 62)] + ["S40", "S41"]


def _key(i: int, kind: str, email: bool) -> str:
    return f"{kind.lower()}{i}@example.com" if email else f"{kind}{i}"


def _history(email: bool = False) -> list[tuple[str, str, float]]:
    rows: list[tuple[str, str, float]] = []
    start = pd.Timestamp("2024-01-01")
    for i in range(80):
        day = start
        while day <= pd.Timestamp(A):
            rows.append((_key(i, "R", email), day.date().isoformat(), 20.0))
            day += pd.Timedelta(days=28)
    for i in range(20, 80):
        for k in range(30):
            rows.append((_key(i, "S", email),
                         (start + pd.Timedelta(days=14 * k)).date().isoformat(), 40.0 + i))
    for i in range(20):
        rows.append((_key(i, "E", email), "2025-03-15", 5.0))
    return rows


def _write(ws: Workspace, rows: list[tuple[str, str, float]], email: bool = False) -> None:
    head = "Datum;E-Mail;Umsatz" if email else "Datum;Kundennummer;Umsatz"
    lines = [head] + [f"{d};{c};{v:.2f}".replace(".", ",") if not email
                      else f"{d};{c};{str(v).replace('.', ',')}" for c, d, v in rows]
    (ws.data_dir / "transactions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _follow_up(email: bool = False) -> list[tuple[str, str, float]]:
    return [(_key(int(c[1:]), "S", email), "2025-08-01", 50.0) for c in BACK]


@pytest.fixture
def client(tmp_path: Path) -> Workspace:
    ws = create_workspace(tmp_path / "kunde", "Testkunde <b>GmbH</b>", locale="de-CH")
    _write(ws, _history())
    return ws


def _page(blocks: list) -> str:
    return "\n".join(str(b.data) for b in blocks if isinstance(b, HTML | Markdown))


def _sheet_rows(path: Path) -> list[tuple]:
    book = load_workbook(path)
    try:
        return list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def test_the_list_is_written_into_the_workspace_and_the_report_shows_counts_only(
        client: Workspace) -> None:
    page = _page(kundenwert.calllist(Context(workspace=client, as_of=A)))
    xlsx, record = list_paths(client, A)
    assert xlsx == client.root / "listen" / "2025-06-30_rueckgewinnung.xlsx"
    assert "listen/2025-06-30_rueckgewinnung.xlsx" in page  # workspace-relative
    assert str(client.root) not in page
    assert "40 der 40 wertvollsten" in page and "die **30 mit dem meisten" in page
    assert not re.search(r"\b[RSE]\d+\b", page), "no customer number on the page"
    data = json.loads(record.read_text(encoding="utf-8"))
    assert [e["customer_id"] for e in data["listed"]] == LISTED
    assert [e["nr"] for e in data["listed"]] == list(range(1, 31))
    assert data["not_listed"] == CUT and data["stichtag"] == "2025-06-30"
    book = load_workbook(xlsx)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == ["Nr.", "Kundennummer / Kontakt", "Letzter Einkauf",
                      "Tage seit letztem Einkauf", "Wert in Gefahr (CHF)", "Gruppe",
                      "Vorschlag", "Ergebnis"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= 20 and sheet.column_dimensions["G"].width >= 40
    first = [c.value for c in sheet[2]]
    assert first[:4] == [1, "S79", dt.datetime(2025, 2, 10), 140]
    assert first[4] == pytest.approx(27 * 119 * 0.3)
    # 30 purchases rank above the regulars' 20 → F = 4; capped R 2 → »Gefährdet«
    assert first[5] == "Gefährdet" and first[6].startswith("Zurückgewinnen")
    assert first[7] is None  # the outcome column is empty
    assert sheet.max_row == 31
    book.close()


def test_a_second_run_on_the_same_stichtag_keeps_the_owners_outcomes(client: Workspace) -> None:
    kundenwert.calllist(Context(workspace=client, as_of=A))
    xlsx, _ = list_paths(client, A)
    book = load_workbook(xlsx)
    book.worksheets[0]["H2"] = "angerufen, kommt am Samstag"
    book.save(xlsx)
    before = xlsx.read_bytes()
    page = _page(kundenwert.calllist(Context(workspace=client, as_of=A)))
    assert "nicht überschrieben" in page
    assert xlsx.read_bytes() == before


def test_the_next_report_measures_the_win_back_rate(client: Workspace) -> None:
    kundenwert.calllist(Context(workspace=client, as_of=A))
    _write(client, _history() + _follow_up())
    ctx = Context(workspace=client, as_of=B)
    page = _page(kundenwert.winback(ctx)).replace("\u00a0", " ")
    assert "Rückgewinnungsliste vom 30.06.2025" in page
    assert "**12 (40 %)**" in page and "CHF 600" in page
    assert "<td>Auf der Liste</td><td class=\"num\">30</td><td class=\"num\">12</td>" \
           "<td class=\"num\">40 %</td>" in page
    assert "<td>Nicht auf der Liste (knapp zu wenig Wert)</td><td class=\"num\">10</td>" \
           "<td class=\"num\">2</td><td class=\"num\">20 %</td>" in page
    assert not re.search(r"\b[RSE]\d+\b", page)
    figures = {f["key"]: f for f in figures_document(ctx.analysis(), "CHF")["figures"]}
    assert figures["winback_rate"]["value"] == pytest.approx(0.4)
    assert figures["winback_rate"]["window"] == "2025-07-01/2025-09-30"
    assert figures["winback_rate"]["chapters"] == ["04"]
    values = {f.key: f.value for f in key_figures(ctx.analysis())}
    found = derive_findings(values, None, "de", "de-CH", "CHF")
    assert any(f.key == "winback" and "40" in f.text and f.chapter == "04" for f in found)


def test_outcomes_noted_for_some_compare_contacted_with_the_others(client: Workspace) -> None:
    kundenwert.calllist(Context(workspace=client, as_of=A))
    xlsx, _ = list_paths(client, A)
    book = load_workbook(xlsx)
    sheet = book.worksheets[0]
    for row in range(2, sheet.max_row + 1):  # the owner called S50 … S59 (rows sorted freely)
        if sheet.cell(row, 2).value in {f"S{i}" for i in range(50, 60)}:
            sheet.cell(row, 8).value = "angerufen"
    book.save(xlsx)
    _write(client, _history() + _follow_up())
    result = Context(workspace=client, as_of=B).analysis().winback
    assert result.comparison == "contacted"
    assert result.groups.loc["contacted", ["customers", "returned"]].tolist() == [10, 10]
    assert result.groups.loc["not_contacted", ["customers", "returned"]].tolist() == [20, 2]
    assert result.rate == pytest.approx(0.4)


def test_without_an_earlier_list_there_is_no_win_back_figure(client: Workspace) -> None:
    ctx = Context(workspace=client, as_of=A)
    assert kundenwert.winback(ctx) == []
    figures = {f["key"]: f for f in figures_document(ctx.analysis(), "CHF")["figures"]}
    assert figures["winback_rate"]["value"] is None
    assert read_lists(client).empty


def test_pseudonymised_keys_are_listed_with_the_original_contact(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "shop", "Shop", locale="de-DE")
    _write(ws, _history(email=True), email=True)
    page = _page(kundenwert.calllist(Context(workspace=ws, as_of=A)))
    assert "example.com" not in page and "K-" not in page
    xlsx, record = list_paths(ws, A)
    rows = _sheet_rows(xlsx)
    assert rows[1][1] == "s79@example.com"
    assert rows[1][2] == dt.datetime(2025, 2, 10)
    ids = [e["customer_id"] for e in json.loads(record.read_text())["listed"]]
    assert all(i.startswith("K-") for i in ids)  # the record keeps pseudonyms only
    _write(ws, _history(email=True) + _follow_up(email=True), email=True)
    assert Context(workspace=ws, as_of=B).analysis().winback.rate == pytest.approx(0.4)


def test_the_sample_client_and_the_workshop_write_no_list(client: Workspace) -> None:
    sample = Context(workspace=Workspace.open(None), as_of=dt.date(2025, 12, 31))
    page = _page(kundenwert.calllist(sample))
    assert "Beim Beispielkunden wird keine Liste geschrieben" in page
    assert not (sample.workspace.root / "listen").exists()
    page = _page(kundenwert.calllist(Context(workspace=client, as_of=A, live=True)))
    assert "entsteht mit dem Bericht" in page
    assert not (client.root / "listen").exists()


def test_a_read_only_workspace_gets_a_note_not_a_failure(client: Workspace,
                                                         read_only) -> None:  # noqa: ANN001
    read_only(client.root)
    page = _page(kundenwert.calllist(Context(workspace=client, as_of=A)))
    assert "konnte nicht gespeichert werden" in page


def test_excel_never_runs_a_customer_number_as_a_formula(client: Workspace) -> None:
    frame = pd.DataFrame({"customer_id": ["=HYPERLINK(\"http://x\")"] * 3 + ["K2", "K3"],
                          "date": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-02-01",
                                                  "2025-06-01", "2025-06-02"]),
                          "revenue": [500.0, 500.0, 500.0, 1.0, 1.0]})
    result = call_list(frame, A, 0.5)
    assert len(result.listed) == 1
    written = write_call_list(client, result, frame, {}, {})
    assert written.created and written.relative_path == "listen/2025-06-30_rueckgewinnung.xlsx"
    book = load_workbook(list_paths(client, A)[0])
    cell = book.worksheets[0]["B2"]
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"
    book.close()


@pytest.mark.slow
def test_two_reports_close_the_loop_and_the_list_never_enters_a_report(
        client: Workspace) -> None:
    from kbworkbook.report import build_report

    first = build_report(client, chapters=["04"], as_of=A, jobs=1, today=dt.date(2025, 7, 1))
    assert first.ok, first.summary()
    assert list_paths(client, A)[0].is_file()
    _write(client, _history() + _follow_up())
    second = build_report(client, chapters=["04"], as_of=B, jobs=1,
                          today=dt.date(2025, 10, 1))
    assert second.ok, second.summary()
    figures = {f["key"]: f for f in json.loads(
        (second.out_dir / "figures.json").read_text(encoding="utf-8"))["figures"]}
    assert figures["winback_rate"]["value"] == pytest.approx(0.4)
    index = (second.out_dir / "index.html").read_text(encoding="utf-8").replace("\u00a0", " ")
    assert "Rückgewinnung: 40 % der Kundinnen und Kunden" in index
    chapter = (second.out_dir / "04_kundenwert_segmente.html").read_text(encoding="utf-8")
    assert "Was hat die letzte Liste gebracht?" in chapter
    assert "listen/2025-09-30_rueckgewinnung.xlsx" in chapter  # the new list of Stichtag B
    for report in (first.out_dir, second.out_dir):
        assert report.parent == client.reports_dir
        files = [p for p in report.rglob("*") if p.is_file()]
        assert not [p for p in files if p.suffix in (".xlsx",) or "rueckgewinnung" in p.name]
        for path in files:
            if path.suffix in (".html", ".json", ".ipynb"):
                text = path.read_text(encoding="utf-8")
                assert not re.search(r"\bS\d{2}\b", text), path.name


def test_the_list_length_comes_from_kbworkbook_toml_and_a_bad_value_is_named(
        client: Workspace) -> None:
    config = client.root / "kbworkbook.toml"
    config.write_text(config.read_text(encoding="utf-8")
                      + "\n[calllist]\nlength = 12\nvaluable_share = 1.5\n", encoding="utf-8")
    ws = Workspace.open(client.root)
    page = _page(kundenwert.calllist(Context(workspace=ws, as_of=A)))
    data = json.loads(list_paths(ws, A)[1].read_text(encoding="utf-8"))
    # the 12 with the most value at stake are listed, the other 28 slipping ones are cut
    assert [e["customer_id"] for e in data["listed"]] == LISTED[:12]
    assert len(data["not_listed"]) == 28
    assert "die **12 mit dem meisten" in page
    assert ("kbworkbook.toml [calllist] valuable_share = »1.5« passt nicht" in page
            and "verwendet wird der Standardwert 0.25" in page)


def test_a_model_that_does_not_fit_leaves_the_list_to_each_customers_rhythm(
        client: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The outlook's BG/NBD fit failed (it did not converge, so the analysis has no outlook):
    the call list is still made, by the rhythm method, without trying the model again."""
    import kbworkbook.figures as figures
    import kbworkbook.models.calllist as calllist_model

    monkeypatch.setattr(figures.Analysis, "outlook", property(lambda self: None))
    asked: list[object] = []
    monkeypatch.setattr(calllist_model, "alive_probabilities", lambda *a: asked.append(a))
    page = _page(kundenwert.calllist(Context(workspace=client, as_of=A)))
    assert "lässt sich auf diese Daten nicht anwenden" in page
    assert "die **30 mit dem meisten" in page  # the list the rhythm gives (see the top)
    assert asked == []


def test_the_follow_up_is_worked_out_once_and_read_by_every_later_kernel(
        client: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernels of a report share one follow-up of the list (``winback-<key>.json``):
    a later kernel reads it without loading or netting the sales; the list this report
    writes on its own Stichtag does not change it; the owner's outcomes do."""
    import kbworkbook.figures as figures
    from kbworkbook.analysis_cache import cache_folder

    kundenwert.calllist(Context(workspace=client, as_of=A))
    _write(client, _history() + _follow_up())
    first = Context(workspace=client, as_of=B).analysis().winback
    kept = sorted(cache_folder(client).glob("winback-*.json"))
    assert len(kept) == 1 and first.rate == pytest.approx(0.4)

    def not_again(self: object) -> None:
        raise AssertionError("the follow-up was worked out again")

    with monkeypatch.context() as patched:
        patched.setattr(figures.Analysis, "winback_outcome", not_again)
        later = Context(workspace=client, as_of=B)
        assert later.analysis().winback.groups.equals(first.groups)
        kundenwert.calllist(later)  # this report's own list, dated on its Stichtag
        assert Context(workspace=client, as_of=B).analysis().winback.rate == \
            pytest.approx(0.4)
    assert sorted(cache_folder(client).glob("winback-*.json")) == kept
    xlsx, _ = list_paths(client, A)  # the owner notes a call: a new follow-up
    book = load_workbook(xlsx)
    book.worksheets[0]["H2"] = "angerufen"
    book.save(xlsx)
    changed = Context(workspace=client, as_of=B).analysis().winback
    assert changed.comparison == "contacted"
    assert len(list(cache_folder(client).glob("winback-*.json"))) == 2
