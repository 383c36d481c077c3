"""Catalogue files: content of the built-ins, workspace overrides, precise errors."""

from __future__ import annotations

import pytest

from kbworkbook.errors import QuestionnaireError
from kbworkbook.questionnaires import load_catalogue, load_catalogue_file, load_catalogues

MINIMAL = """
id = "{qid}"
kind = "likert"
[title]
de = "Mein Fragebogen"
[[factors]]
key = "A"
de = "Faktor A"
[[factors.items]]
key = "A.1"
de = "Aussage eins"
"""


def test_builtin_catalogues_and_item_counts():
    cats = load_catalogues()
    assert list(cats) == ["sechs_faktoren", "wechselbarrieren", "management_check",
                          "kontaktpunkte", "positionierung"]
    assert [len(c.items) for c in cats.values()] == [31, 9, 13, 10, 11]
    six = cats["sechs_faktoren"]
    assert six.label() == "kbworkbook-Modell (6 Faktoren)"
    assert six.importance is True
    assert [f.label() for f in six.factors] == [
        "Leistung & Zuverlässigkeit", "Kundenerlebnis & Service", "Vertrauen & Glaubwürdigkeit",
        "Kommunikation & Kundennähe", "Feedback & Beschwerdemanagement",
        "Belohnung & Gemeinschaft"]
    assert [i.key for i in six.items if i.reverse] == ["F2.6", "F5.5"]


def test_statements_verbatim_from_domain_2_3_and_3_1():
    six = load_catalogue("sechs_faktoren")
    assert six.item("F2.6").label() == (
        "Kunden müssen bei uns oft warten oder mehrfach nachfragen, bis ihr Anliegen erledigt ist.")
    assert six.item("F5.2").label() == (
        "Beschwerden sind bei uns einfach möglich und werden schnell beantwortet "
        "(z. B. innerhalb von 48 Stunden).")
    barriers = load_catalogue("wechselbarrieren")
    assert barriers.item("V.1").label() == (
        "Ein großer Teil unseres Umsatzes läuft über Verträge mit fester Laufzeit oder "
        "Kündigungsfrist.")
    assert [f.label() for f in barriers.factors] == [
        "Technisch-funktional", "Ökonomisch", "Institutionell/vertraglich"]


def test_every_entry_has_english_text():
    for cat in load_catalogues().values():
        assert cat.label("en") and cat.label("en") != cat.label("de") or cat.id == "x"
        for factor in cat.factors:
            assert factor.name.get("en"), (cat.id, factor.key)
            for item in factor.items:
                assert item.text.get("en"), (cat.id, item.key)


def test_touchpoints_and_positioning_content():
    cx = load_catalogue("kontaktpunkte")
    assert [i.label() for i in cx.items] == ["Erreichbarkeit", "Öffnungszeiten",
                                              "Erscheinungsbild", "Begrüßung und Freundlichkeit",
                                              "Wartezeit", "Beratung", "Verpackung",
                                              "Lieferzeit", "Termintreue", "Nach dem Kauf"]
    assert cx.scale.values == (1, 2, 3, 4, 5)
    pos = load_catalogue("positionierung")
    assert pos.scored is False
    assert [i.key for i in pos.items] == ["warum", "wie", "was", "beste_kunden",
                                           "beduerfnisse", "probleme", "kanaele",
                                           "nicht_bedienen", "usp", "usp_beleg", "werte"]
    mc = load_catalogue("management_check")
    assert mc.scale.values == ("ja", "teilweise", "nein")
    assert [f.label() for f in mc.factors] == ["Kundeninformationen", "Konzept",
                                                "Interne Voraussetzungen"]


def test_workspace_adds_and_overrides_catalogues(tmp_path):
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "eigener.toml").write_text(MINIMAL.format(qid="eigener"), encoding="utf-8")
    (folder / "override.toml").write_text(MINIMAL.format(qid="kontaktpunkte"), encoding="utf-8")
    cats = load_catalogues(tmp_path)
    assert "eigener" in cats
    assert cats["kontaktpunkte"].item_keys == ("A.1",)
    assert load_catalogue("eigener", tmp_path).label() == "Mein Fragebogen"
    assert load_catalogue("kontaktpunkte").item_keys[0] == "CX.erreichbarkeit"  # package intact


def test_broken_file_names_file_entry_and_hint(tmp_path):
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    text = MINIMAL.format(qid="kaputt").replace('key = "A.1"', 'key = "A.1"\nreverce = true')
    (folder / "kaputt.toml").write_text(text, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_catalogues(tmp_path)
    message = str(info.value)
    assert "kaputt.toml" in message
    assert "Faktor »A«, Aussage »A.1«" in message
    assert "unbekannter Schlüssel »reverce«" in message
    assert "Meinten Sie »reverse«?" in message


def test_collects_every_problem(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('id = "x"\nkind = "likret"\ntitel = "x"\n', encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_catalogue_file(path)
    message = str(info.value)
    assert "Meinten Sie »likert«?" in message
    assert "Meinten Sie »title«?" in message
    assert "[[factors]]" in message
    assert message.count("x.toml") >= 3


def test_invalid_toml_and_unknown_id(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("id = \"unclosed\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="bad.toml: die Datei ist kein gültiges TOML"):
        load_catalogue_file(path)
    with pytest.raises(QuestionnaireError, match="Meinten Sie »sechs_faktoren«"):
        load_catalogue("sechs_faktor")
