"""The low-effort track (seed 004) and the instruments for weak touchpoints (seed 000).

Worked examples on small hand-made catalogues whose answers are known by hand, and one on the
bundled catalogue (module docstring of kbworkbook.instruments.tracks).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook.instruments import load_catalogue
from kbworkbook.instruments.tracks import (
    effort_of,
    low_effort_track,
    touchpoint_instruments,
)
from kbworkbook.questionnaires import load_catalogue as load_questionnaire

HEAD = """
[factors]
F1 = { de = "A", en = "A" }
F2 = { de = "B", en = "B" }
[bindings]
verbundenheit = { de = "V", en = "V" }
[groups]
g = { de = "G", en = "G" }
[metrics]
nps = { de = "NPS", en = "NPS" }
"""


def _instrument(key: str, factor: str, drivers: list[tuple[str, float]],
                touchpoints: tuple[str, ...] = ()) -> str:
    types = sorted({t for t, _ in drivers})
    rows = ", ".join(f'{{ key = "d{i}", type = "{t}", amount = {a}, de = "d", en = "d" }}'
                     for i, (t, a) in enumerate(drivers))
    points = ", ".join(f'"{p}"' for p in touchpoints)
    return f"""
[[instrument]]
key = "{key}"
group = "g"
factor = "{factor}"
binding = "verbundenheit"
cost_types = {types!r}
participation = 1.0
participants_basis = "customers"
uplift = 0.01
metric = "nps"
touchpoints = [{points}]
name = {{ de = "{key}", en = "{key}" }}
description = {{ de = "x", en = "x" }}
drivers = [{rows}]
""".replace("'", '"')


@pytest.fixture
def small(tmp_path: Path):  # type: ignore[no-untyped-def]
    body = HEAD + "".join([
        _instrument("a", "F1", [("Z", 30.0)], ("CX.x",)),
        _instrument("b", "F1", [("Z", 20.0), ("E", 150.0)], ("CX.x", "CX.y")),
        _instrument("c", "F2", [("Z", 10.0), ("V", 2.0)], ("CX.z",)),
        _instrument("d", "F2", [("Z", 60.0)]),              # more than an hour a week
        _instrument("e", "F2", [("F", 400.0)]),             # too much cash
        _instrument("f", "F1", [("Z", 5.0), ("U", 0.05)]),  # gives revenue away
    ])
    path = tmp_path / "catalogue.toml"
    path.write_text(body, encoding="utf-8")
    return load_catalogue(path)


def test_effort_spreads_one_off_cost_over_the_setup_years(small) -> None:  # type: ignore[no-untyped-def]
    b = effort_of(small.get("b"), setup_years=3.0)
    assert (b.hours_per_year, b.cash_per_year, b.per_participant) == (20.0, 50.0, 0.0)
    assert b.hours_per_week == pytest.approx(20 / 52)
    c = effort_of(small.get("c"))
    assert (c.cash_per_year, c.per_participant) == (0.0, 2.0)
    with pytest.raises(ValueError, match="setup_years"):
        effort_of(small.get("b"), setup_years=0)


def test_one_hour_a_week_keeps_a_b_c_and_packs_c_and_b(small) -> None:  # type: ignore[no-untyped-def]
    """Budget 52 h: d (60 h), e (400 cash) and f (discount) drop out. By hours: c 10,
    b 20 (30 so far), a 30 would make 60 > 52 – skipped."""
    track = low_effort_track(small)
    assert [r.key for r in track.rows] == ["c", "b", "a"]
    assert track.package == ("c", "b")
    assert track.package_hours_per_year == 30.0
    assert track.package_hours_per_week == pytest.approx(30 / 52)


def test_priority_packs_the_most_needed_factor_first(small) -> None:  # type: ignore[no-untyped-def]
    """F1 first: b 20, a 30 (50 h), then c 10 would make 60 – skipped."""
    track = low_effort_track(small, priority=["F1", "F2"])
    assert track.package == ("b", "a")
    assert track.package_hours_per_year == 50.0


def test_a_bigger_budget_and_cash_limit_let_more_in(small) -> None:  # type: ignore[no-untyped-def]
    track = low_effort_track(small, hours_per_week=2.0, max_cash_per_year=500.0)
    assert [r.key for r in track.rows] == ["e", "c", "b", "a", "d"]
    assert track.package == ("e", "c", "b", "a")  # 0 + 10 + 20 + 30 = 60; d would make 120
    with pytest.raises(ValueError):
        low_effort_track(small, hours_per_week=0)


def test_bundled_catalogue_one_hour_a_week_as_documented() -> None:
    track = low_effort_track(load_catalogue())
    keys = [r.key for r in track.rows]
    assert "weiterempfehlung" in keys
    assert not {"kundenevent", "bonussystem", "online_community", "stammkundenrabatt"} & set(keys)
    assert track.package == ("persoenliche_note", "cross_selling", "weiterempfehlung",
                             "bewertungen_zeigen")
    assert track.package_hours_per_year == 44.0
    assert round(track.package_hours_per_week, 2) == 0.85


@settings(max_examples=40, deadline=None)
@given(hours=st.floats(0.1, 5.0), cash=st.floats(0.0, 2000.0))
def test_the_package_always_fits_the_budget(hours: float, cash: float) -> None:
    track = low_effort_track(load_catalogue(), hours_per_week=hours, max_cash_per_year=cash)
    assert track.package_hours_per_year <= hours * 52 + 1e-6
    assert set(track.package) <= {r.key for r in track.rows}
    assert all(r.hours_per_year <= hours * 52 + 1e-6 and r.cash_per_year <= cash + 1e-6
               and r.revenue_share == 0 for r in track.rows)


def test_weakest_touchpoints_with_their_instruments(small) -> None:  # type: ignore[no-untyped-def]
    scores = {"CX.x": 3.0, "CX.y": 2.0, "CX.z": 2.0, "CX.w": 1.0, "CX.v": None,
              "CX.u": math.nan}
    needs = touchpoint_instruments(small, scores)
    # CX.w has no instrument; y and z tie at 2 (questionnaire order), then x
    assert [(n.touchpoint, n.score, n.instruments) for n in needs] == [
        ("CX.y", 2.0, ("b",)), ("CX.z", 2.0, ("c",)), ("CX.x", 3.0, ("a", "b"))]
    assert touchpoint_instruments(small, scores, limit=1)[0].touchpoint == "CX.y"
    assert touchpoint_instruments(small, {"CX.x": 4.0, "CX.y": 5.0}) == ()


def test_every_touchpoint_an_instrument_names_is_in_the_questionnaire() -> None:
    items = set(load_questionnaire("kontaktpunkte").item_keys)
    named = {p for i in load_catalogue() for p in i.touchpoints}
    assert named <= items and len(named) >= 8
