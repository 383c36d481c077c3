"""Tests for chapters 05 and 06: the client-figure adapter, sections, editors, summary."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kbworkbook import plan  # noqa: E402
from kbworkbook.chapters import aktionsplan, massnahmen  # noqa: E402
from kbworkbook.notebook import Context, setup  # noqa: E402
from kbworkbook.programme import (  # noqa: E402
    DEFAULTS,
    ClientFigures,
    Figure,
    assumption_notes,
    evaluate_selection,
    figures_from_frames,
    rank_instruments,
)
from kbworkbook.workspace import SAMPLE_WORKSPACE, Workspace, create_workspace  # noqa: E402

T0 = dt.datetime(2026, 2, 1, 9, 0, 0)


@pytest.fixture(autouse=True)
def _close_figures() -> None:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def sample_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("ws") / "sonnenschein"
    shutil.copytree(SAMPLE_WORKSPACE, target, ignore=shutil.ignore_patterns("reports"))
    return target


def _html_of(blocks: list[object]) -> str:
    return "\n".join(getattr(b, "data", "") or "" for b in blocks
                     if isinstance(getattr(b, "data", None), str))


# -- adapter on hand-made canonical frames -----------------------------------------------------


def _transactions() -> pd.DataFrame:
    rows = [
        # customer, date, revenue, margin
        ("A", "2024-03-01", 100.0, 40.0),  # A: previous and current window -> retained
        ("A", "2025-02-01", 100.0, 40.0),
        ("A", "2025-06-01", 100.0, 40.0),
        ("B", "2024-05-01", 50.0, 20.0),  # B: previous window only -> lost
        ("C", "2025-03-01", 200.0, 80.0),  # C: new in the current window
        ("C", "2025-03-01", -20.0, -8.0),  # return on the same day: not an extra order
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "revenue", "margin"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _complaints() -> pd.DataFrame:
    frame = pd.DataFrame({
        "date": pd.to_datetime(["2025-01-10", "2025-04-01", "2025-07-01", "2025-09-01",
                                "2023-01-01"]),
        "resolved": [True, True, False, True, True],
        "satisfied": [True, True, False, False, True],
        "days_to_resolve": pd.array([1, 5, None, 3, 1], dtype="Int64"),
    })
    return frame


def test_figures_from_frames_uses_the_clients_data() -> None:
    fig = figures_from_frames(_transactions(), _complaints(), {}, dt.date(2025, 12, 31))
    assert fig.customers.value == 2 and fig.customers.source == "client"
    assert fig.revenue_per_customer.value == pytest.approx((200 + 180) / 2)
    assert fig.transactions_per_customer.value == pytest.approx(3 / 2)
    assert fig.retention_rate.value == pytest.approx(0.5)
    assert fig.margin_rate.value == pytest.approx(152 / 380)
    assert fig.margin_rate.source == "client"
    assert fig.margin_per_customer == pytest.approx(76)
    assert fig.complaints.value == 4
    assert fig.complaint_quality.value == pytest.approx(0.5)
    assert fig.complaint_quick_share.value == pytest.approx(0.5)
    assert fig.acquisition_cost.source == "default"


def test_configured_margin_rate_wins_over_gross_margin_column() -> None:
    config = {"margin_rate": 0.25, "acquisition_cost": 30, "staff_hour_rate": 45}
    fig = figures_from_frames(_transactions(), None, config, dt.date(2025, 12, 31))
    assert fig.margin_rate.value == 0.25 and fig.margin_rate.source == "config"
    assert fig.acquisition_cost.value == 30 and fig.acquisition_cost.source == "config"
    assert fig.complaints.source == "default"


def test_figures_without_any_data_fall_back_to_documented_defaults() -> None:
    fig = figures_from_frames(None, None, {}, None)
    for key, item in fig.items():
        assert item.source == "default", key
        assert item.value == DEFAULTS[key]


def test_window_without_orders_keeps_defaults_and_says_why() -> None:
    fig = figures_from_frames(_transactions(), None, {}, dt.date(2030, 12, 31))
    assert fig.customers.source == "default"
    assert any("keine" in n for n in fig.notes)


def test_evaluation_and_ranking_without_self_assessment_rank_by_cost() -> None:
    fig = figures_from_frames(_transactions(), None, {}, dt.date(2025, 12, 31))
    selection = plan.Selection((plan.InstrumentChoice("crm_personalisierung"),
                                plan.InstrumentChoice("danke_nach_kauf"),
                                plan.InstrumentChoice("gibt_es_nicht")))
    evaluation = evaluate_selection(selection, fig)
    assert [i.instrument.key for i in evaluation.items] == ["crm_personalisierung",
                                                             "danke_nach_kauf"]
    ranked = rank_instruments(evaluation, None)
    assert ranked["key"].tolist() == ["danke_nach_kauf", "crm_personalisierung"]
    need = pd.DataFrame({"factor": ["F4"], "need": [40.0]})
    ranked = rank_instruments(evaluation, need)
    costs = dict(zip(ranked["key"], ranked["cost"], strict=True))
    assert ranked.loc[0, "need_per_1000"] == pytest.approx(40 / min(costs.values()) * 1000)


def _hand_figures(top: tuple[float, ...]) -> ClientFigures:
    """100 customers × 200 revenue, margin 50 % (m 100), 10 purchases (mt 10), r0 50 %."""
    values = {"customers": 100, "revenue_per_customer": 200, "margin_rate": 0.5,
              "retention_rate": 0.5, "transactions_per_customer": 10, "complaints": 0,
              "complaint_quality": 0.7, "complaint_quick_share": 0, "acquisition_cost": 25,
              "discount_rate": 0.08, "clv_horizon_years": 10, "staff_hour_rate": 40,
              "setup_years": 3}
    return ClientFigures(**{k: Figure(float(v), "client") for k, v in values.items()},
                         top_customers=top)


_STAMP_CARD = plan.Selection((plan.InstrumentChoice(
    "bonussystem", {"einrichtung": 0.0, "betrieb": 0.0, "bonus": 0.05}, participation=0.5,
    uplift=0.1, extra_transactions=1.0),))


def test_assumptions_that_move_the_bonus_result_are_named_hand_example() -> None:
    """Half the customers join; the top half hold 80 % of the 20'000 revenue → bonus 5 % of
    16'000 = 800 (average: 5 % of 50 × 200 = 500, 60 % less). Benefit 100·0.1·100 = 1'000 from
    retention + 100·0.6·1·10 = 600 from the extra purchase (37.5 %). ROI 100 %; without the
    extra purchase 25 %; at the average revenue 220 %."""
    evaluation = evaluate_selection(_STAMP_CARD, _hand_figures((0.0, 0.8, 1.0)))
    (item,) = evaluation.items
    assert item.result is not None and item.result.cost.total == pytest.approx(800.0)
    extra, revenue = assumption_notes(evaluation)
    assert extra.kind == "extra_transactions" and extra.source == "user"
    assert (extra.amount, extra.benefit, extra.effect) == pytest.approx((600.0, 1600.0, 0.375))
    assert (extra.roi, extra.roi_without) == pytest.approx((1.0, 0.25))
    assert extra.customers_retained == pytest.approx(60.0)
    assert revenue.kind == "participant_revenue" and revenue.share == pytest.approx(0.8)
    assert (revenue.value, revenue.alternative) == pytest.approx((16000.0, 10000.0))
    assert (revenue.cost, revenue.cost_alternative) == pytest.approx((800.0, 500.0))
    assert (revenue.effect, revenue.roi_without) == pytest.approx((0.6, 2.2))


def test_without_revenue_data_the_average_is_used_and_said() -> None:
    evaluation = evaluate_selection(_STAMP_CARD, _hand_figures(()))
    notes = {n.kind: n for n in assumption_notes(evaluation)}
    assert notes["participant_revenue"].share is None
    assert notes["participant_revenue"].cost == pytest.approx(500.0)


def test_assumptions_below_the_threshold_are_not_repeated() -> None:
    small = plan.Selection((plan.InstrumentChoice(
        "bonussystem", {"einrichtung": 0.0, "betrieb": 0.0, "bonus": 0.05}, participation=0.5,
        uplift=0.1, extra_transactions=0.1),))
    # extra purchases bring 60 of 1'060 (5.7 %); the top half spend as much as the average
    evaluation = evaluate_selection(small, _hand_figures((0.0, 0.5, 1.0)))
    assert assumption_notes(evaluation) == []


# -- chapter 05 headless -----------------------------------------------------------------------


def test_chapter_05_sections_render_the_sample_selection(sample_copy: Path) -> None:
    ctx = setup(sample_copy, language="de")
    blocks = {name: getattr(massnahmen, name)(ctx) for name in massnahmen.SECTIONS}
    assert massnahmen.SECTIONS[0] == "intro"
    programme = _html_of(blocks["programme"])
    assert "Bonussystem" in programme and "Break-even" in programme
    assert "Mitnahmeeffekt" in programme
    # the assumptions that move the stamp card's result stand beside it (issue 12 #6)
    assert "Zus. Käufe/Kunde" in programme and "umsatzstärksten Kunden" in programme
    assert "Gesamt ist die Summe der Zeilen" in programme
    figures = _html_of(blocks["figures"])
    assert "Ihre Daten" in figures and "Arbeitsordner (kbworkbook.toml)" in figures
    assert "1’523" in figures  # active customers of the sample, de-CH grouping
    assert any(hasattr(b, "savefig") for b in blocks["sensitivity"])
    assert any(hasattr(b, "savefig") for b in blocks["profit_by_year_section"])
    assert "Saldo" in _html_of(blocks["word_of_mouth"])
    for name, section in blocks.items():
        for block in section:
            data = getattr(block, "data", None)
            if isinstance(data, str):
                assert "ß" not in data, name  # de-CH never writes ß


def test_chapter_05_in_english(sample_copy: Path) -> None:
    ctx = setup(sample_copy, language="en")
    assert "Measure" in _html_of(massnahmen.programme(ctx))


def test_chapter_05_without_selection_shows_notes(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "leer", "Leer AG", locale="de-DE")
    ctx = setup(ws)
    assert "Noch keine Maßnahmen" in _html_of(massnahmen.selection(ctx))
    assert "Noch keine Maßnahmen" in _html_of(massnahmen.programme(ctx))
    assert "Keine Beschwerdedaten" in _html_of(massnahmen.word_of_mouth(ctx))
    assert any(hasattr(b, "savefig") for b in massnahmen.profit_by_year_section(ctx))


def test_more_than_five_instruments_warn(sample_copy: Path) -> None:
    ctx = setup(sample_copy)
    keys = ["danke_nach_kauf", "feedback_nps", "beschwerdemanagement", "weiterempfehlung",
            "newsletter", "kundenevent"]
    selection = plan.Selection(tuple(plan.InstrumentChoice(k) for k in keys))
    fig = figures_from_frames(None, None, {}, None)
    blocks = massnahmen.programme_blocks(ctx, evaluate_selection(selection, fig))
    assert "Weniger ist mehr: 6 Massnahmen" in _html_of(blocks)
    fewer = plan.Selection(tuple(plan.InstrumentChoice(k) for k in keys[:5]))
    assert "Weniger ist mehr" not in _html_of(
        massnahmen.programme_blocks(ctx, evaluate_selection(fewer, fig)))


# -- chapter 05 live editor --------------------------------------------------------------------


def _live(path: Path) -> Context:
    return setup(path, live=True)


def test_selection_editor_saves_every_change(tmp_path: Path) -> None:
    from kbworkbook.chapters.massnahmen_forms import SelectionEditor
    from kbworkbook.instruments import load_catalogue

    ws = create_workspace(tmp_path / "ws", "Test GmbH")
    ctx = _live(ws.root)
    clock = iter(T0 + dt.timedelta(seconds=i) for i in range(100))
    editor = SelectionEditor(ctx, load_catalogue(), figures_from_frames(None, None, {}, None),
                             render=massnahmen.programme_blocks, now=lambda: next(clock))
    editor.rows["bonussystem"].checkbox.value = True
    editor.rows["feedback_nps"].checkbox.value = True
    editor.rows["bonussystem"].amounts["bonus"].value = 0.03
    editor.rows["bonussystem"].uplift.value = 2.5
    folder = ws.root / "answers" / "massnahmen"
    files = sorted(folder.glob("*.json"))
    assert len(files) == 4
    newest = json.loads(files[-1].read_text(encoding="utf-8"))
    assert [c["key"] for c in newest["instruments"]] == ["bonussystem", "feedback_nps"]
    assert newest["instruments"][0]["amounts"]["bonus"] == pytest.approx(0.03)
    assert newest["instruments"][0]["uplift"] == pytest.approx(0.025)
    first = json.loads(files[0].read_text(encoding="utf-8"))
    assert [c["key"] for c in first["instruments"]] == ["bonussystem"]
    assert "ROI" in _html_of(editor.last_blocks)
    assert "Gespeichert" in editor.status.value
    blocks = massnahmen.selection(ctx)
    assert blocks[-1].__class__.__name__ == "VBox"


# -- chapter 06 --------------------------------------------------------------------------------


def test_chapter_06_report_shows_the_saved_sample_plan(sample_copy: Path) -> None:
    ctx = setup(sample_copy)
    blocks = {name: getattr(aktionsplan, name)(ctx) for name in aktionsplan.SECTIONS}
    table = _html_of(blocks["action_plan"])
    assert "Stempelkarte" in table and "Filialleitung" in table and "31.03.2026" in table
    assert "Wiederkaufrate" in table
    assert "Drei Säulen" in _html_of(blocks["management_check"])
    rows = aktionsplan.summary(ctx)
    assert len(rows) == 5
    assert set(rows[0]) == {"title", "owner", "due", "metric", "target", "status"}


def test_chapter_06_proposes_a_plan_when_none_is_saved(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "ws", "Test GmbH")
    plan.save_selection(ws.root, plan.Selection((plan.InstrumentChoice("feedback_nps"),)),
                        now=T0)
    ctx = setup(ws, as_of="2025-12-31")
    current = aktionsplan.current_plan(ctx)
    assert current.proposed
    assert [a.source for a in current.actions] == ["instrument:feedback_nps"]
    html = _html_of(aktionsplan.action_plan(ctx))
    assert "Vorschlag" in html and "31.01.2026" in html
    assert "noch nicht ausgefüllt" in _html_of(aktionsplan.weakest_factors(ctx))


def test_user_text_in_the_plan_is_escaped(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "ws", "Test GmbH")
    evil = plan.Action("<script>alert(1)</script>", owner="<b>Chef</b>", due=dt.date(2026, 1, 1),
                       target="<img src=x>")
    plan.save_action_plan(ws.root, plan.ActionPlan((evil,)), now=T0)
    ctx = setup(ws)
    markup = aktionsplan.summary_html(ctx) + _html_of(aktionsplan.action_plan(ctx))
    assert "<script>" not in markup and "<img" not in markup and "<b>Chef" not in markup
    assert "&lt;script&gt;" in markup
    assert aktionsplan.summary(ctx)[0]["title"] == "<script>alert(1)</script>"


def test_plan_editor_saves_edits_and_proposals(tmp_path: Path) -> None:
    from kbworkbook.chapters.massnahmen_forms import PlanEditor

    ws = Workspace.open(create_workspace(tmp_path / "ws", "Test GmbH").root)
    ctx = _live(ws.root)
    proposal = plan.ActionPlan((plan.Action("Vorschlag A", "factor:F5", "GL",
                                            dt.date(2026, 6, 30), "nps"),), proposed=True)
    clock = iter(T0 + dt.timedelta(seconds=i) for i in range(100))
    editor = PlanEditor(ctx, proposal, proposal, [("NPS", "nps")], now=lambda: next(clock))
    assert plan.load_action_plan(ws.root) is None  # showing a proposal saves nothing
    editor.rows[0].owner.value = "Inhaberin"
    saved = plan.load_action_plan(ws.root)
    assert saved is not None and saved.actions[0].owner == "Inhaberin"
    editor.add(plan.Action(title=""))
    editor.rows[1].title.value = "Neue Aufgabe"
    editor.rows[1].status.value = "in_arbeit"
    saved = plan.load_action_plan(ws.root)
    assert saved is not None
    assert [a.title for a in saved.actions] == ["Vorschlag A", "Neue Aufgabe"]
    assert saved.actions[1].status == "in_arbeit"
    editor.rows[0].remove.click()
    saved = plan.load_action_plan(ws.root)
    assert saved is not None and [a.title for a in saved.actions] == ["Neue Aufgabe"]
    editor.propose_button.click()
    saved = plan.load_action_plan(ws.root)
    assert saved is not None and [a.title for a in saved.actions] == ["Vorschlag A"]
    assert len(plan.action_plan_history(ws.root)) == 5
