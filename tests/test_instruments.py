"""Tests for the instrument catalogue (domain.md §8.2) and its cost mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbworkbook.economics import programme_cost
from kbworkbook.instruments import (
    COST_TYPES,
    CatalogueError,
    cost_assumptions,
    load_catalogue,
)

# §8.2 table: instrument key -> (factor, binding, cost types)
SECTION_8_2 = {
    "danke_nach_kauf": ("F4", "verbundenheit", {"Z", "V"}),
    "feedback_nps": ("F5", "verbundenheit", {"Z", "F"}),
    "beschwerdemanagement": ("F5", "verbundenheit", {"Z", "V"}),
    "weiterempfehlung": ("F6", "verbundenheit", {"Z", "V"}),
    "stammkundenrabatt": ("F6", "gebundenheit", {"U"}),
    "bonussystem": ("F6", "gebundenheit", {"E", "F", "U"}),
    "nicht_monetaer": ("F6", "verbundenheit", {"V", "Z"}),
    "kundenevent": ("F6", "verbundenheit", {"F", "V", "Z"}),
    "online_community": ("F6", "verbundenheit", {"Z"}),
    "crm_personalisierung": ("F4", "verbundenheit", {"E", "F", "Z"}),
    "vertraege": (None, "gebundenheit", {"E"}),
    "kooperation": ("F4", "gebundenheit", {"Z", "E"}),
}


def test_catalogue_covers_the_section_8_2_table() -> None:
    catalogue = load_catalogue()
    for key, (factor, binding, types) in SECTION_8_2.items():
        item = catalogue.get(key)
        assert item.factor == factor, key
        assert item.binding == binding, key
        assert set(item.cost_types) == types, key
    assert len(catalogue) > len(SECTION_8_2)


def test_catalogue_covers_every_group_of_the_issue() -> None:
    groups = load_catalogue().by_group()
    for group in ("after_sales", "loyalty_monetary", "loyalty_non_monetary", "community",
                  "contact", "binding"):
        assert groups.get(group), group


def test_every_instrument_has_both_languages_and_valid_drivers() -> None:
    catalogue = load_catalogue()
    for item in catalogue:
        assert item.name("de") and item.name("en") and item.name("de") != item.name("en")
        assert item.description("de") and item.description("en")
        assert {d.type for d in item.drivers} == set(item.cost_types)
        for driver in item.drivers:
            assert driver.type in COST_TYPES
            assert driver.amount >= 0
            assert driver.label("de") and driver.label("en")
        assert catalogue.label("metrics", item.metric, "de") != item.metric
        if item.factor:
            assert catalogue.label("factors", item.factor, "en")


def test_unknown_instrument_gets_a_hint() -> None:
    with pytest.raises(CatalogueError, match="Meinten Sie »bonussystem«"):
        load_catalogue().get("bonusystem")


def test_cost_assumptions_sum_driver_types_for_stamp_card() -> None:
    item = load_catalogue().get("bonussystem")
    costs = cost_assumptions(item, {"bonus": 0.04}, participants=200,
                             participant_revenue=100_000, hour_rate=50, years=4,
                             windfall_share=0.7)
    assert costs.setup == pytest.approx(800)
    assert costs.years == 4
    assert costs.fixed == pytest.approx(240)
    assert costs.discount_rate == pytest.approx(0.04)
    breakdown = programme_cost(costs)
    assert breakdown.total == pytest.approx(800 / 4 + 240 + 0.04 * 100_000)
    assert breakdown.windfall == pytest.approx(0.04 * 100_000 * 0.7)


def test_cost_assumptions_ignore_revenue_and_windfall_without_discount() -> None:
    item = load_catalogue().get("danke_nach_kauf")
    costs = cost_assumptions(item, None, participants=300, participant_revenue=50_000,
                             hour_rate=40, windfall_share=0.8)
    breakdown = programme_cost(costs)
    assert breakdown.discount == 0 and breakdown.windfall == 0
    assert breakdown.total == pytest.approx(1.5 * 300 + 40 * 40)


def test_cost_assumptions_reject_unknown_driver() -> None:
    item = load_catalogue().get("feedback_nps")
    with pytest.raises(CatalogueError, match="keinen Kostentreiber »porto«"):
        cost_assumptions(item, {"porto": 3}, participants=1, participant_revenue=0,
                         hour_rate=0)


def test_broken_catalogue_is_reported_in_german(tmp_path: Path) -> None:
    broken = tmp_path / "catalogue.toml"
    broken.write_text(
        '[groups]\na = { de = "A", en = "A" }\n[metrics]\nnps = { de = "NPS", en = "NPS" }\n'
        '[[instrument]]\nkey = "x"\ngroup = "a"\nfactor = "F9"\nbinding = "verbundenheit"\n'
        'cost_types = ["Q"]\nparticipation = 1.0\nparticipants_basis = "customers"\n'
        'uplift = 0.01\nmetric = "nps"\nname = { de = "X", en = "X" }\n'
        'description = { de = "x", en = "x" }\ndrivers = []\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match="unbekannter Faktor »F9«"):
        load_catalogue(broken)
