"""NPS comment themes (kbworkbook.metrics.comments): worked examples with known assignments,
the consultant's catalogue merged over the packaged one, counts and quotes, and properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kbworkbook.metrics.comments import (
    MIN_QUOTE_WORDS,
    Theme,
    comment_themes,
    default_themes,
    match_themes,
    normalise,
    shorten,
    theme_catalogue,
)
from kbworkbook.scrub import scrub


def _clean(text: str) -> tuple[str, frozenset[str]]:
    result = scrub(text)
    return result.text, result.found


# -- matching: worked examples ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Qualität", "qualitaet"), ("QUALITÄT", "qualitaet"), ("Qualitaet", "qualitaet"),
    ("Straße", "strasse"), ("Café", "cafe"), ("Öffnungszeiten", "oeffnungszeiten"),
])
def test_normalise_writes_out_umlauts_and_accents(text: str, expected: str) -> None:
    assert normalise(text) == expected


MATCHES = [
    # umlaut and ß variants, any case
    ("Gute Qualität!", ("qualitaet",)),
    ("GUTE QUALITAET", ("qualitaet",)),
    # a plain keyword with German endings: Preis → Preise, Preisen
    ("Die Preise sind gestiegen.", ("preis",)),
    ("Bei diesen Preisen komme ich selten.", ("preis",)),
    # a prefix rule catches the noun and the adjective
    ("Die Freundlichkeit hat nachgelassen.", ("freundlichkeit",)),
    ("Unfreundliche Bedienung", ("freundlichkeit",)),
    # a suffix rule catches compounds
    ("Die Samstagswartezeit nervt", ("wartezeit",)),
    ("Die Hochzeitstorte war wunderschön", ("bestellung",)),
    # exclude: a Sonntagszopf is a product, not the opening hours
    ("Der Sonntagszopf ist ein Gedicht", ()),
    ("Am Sonntag geschlossen, schade", ("oeffnungszeiten",)),
    # several words in a row
    ("Man fühlt sich wie zu Hause", ("ambiente",)),
    # several themes in one comment, in catalogue order
    ("Zu lange Wartezeit, das Personal wirkt gestresst.", ("freundlichkeit", "wartezeit")),
    ("Beim Grossverteiler ist es günstiger", ("preis", "preisvergleich")),
    # nothing to say
    ("Alles in Ordnung, nichts Besonderes.", ()),
    ("", ()),
    ("12345 !!!", ()),
]


@pytest.mark.parametrize(("text", "keys"), MATCHES)
def test_match_themes_worked_examples(text: str, keys: tuple[str, ...]) -> None:
    assert match_themes(text) == keys


def test_a_word_only_counts_as_a_whole_word_or_by_its_rule() -> None:
    recommend = Theme("empfehlung", "Empfehlung", "Recommendation", ("empfehl*",))
    price = Theme("preis", "Preis", "Price", ("preis",))
    assert match_themes("Preisgekrönt", [price]) == ()  # a plain keyword is no prefix
    assert match_themes("Ich empfehle Sie weiter", [recommend]) == ("empfehlung",)


def test_negation_skip_and_keep() -> None:
    skip = Theme("empfehlung", "Empfehlung", "Recommendation", ("empfehl*",), negation="skip")
    keep = Theme("freundlich", "Freundlich", "Friendly", ("freundlich*",))
    assert match_themes("Würde ich nicht empfehlen", [skip]) == ()
    assert match_themes("Kann ich nur empfehlen", [skip]) == ("empfehlung",)
    # a negation further than two words before does not reach the keyword
    assert match_themes("Nicht billig, aber ich kann es wirklich empfehlen", [skip]) == (
        "empfehlung",)
    # keep: »nicht freundlich« is still about friendliness
    assert match_themes("Die Bedienung war nicht freundlich", [keep]) == ("freundlich",)


# -- the consultant's catalogue ------------------------------------------------------------------


def test_catalogue_adds_extends_renames_and_drops_themes() -> None:
    themes, problems = theme_catalogue({
        "parkplatz": {"de": "Parkplätze", "en": "Parking", "keywords": ["parkpl*", "parkhaus"]},
        "preis": {"keywords": ["franken*"], "de": "Preis"},
        "treue": {"enabled": False},
        "wartezeit": {"keywords": ["stau"], "replace": True},
    })
    assert problems == ()
    by_key = {t.key: t for t in themes}
    assert "treue" not in by_key and "parkplatz" in by_key
    assert [t.key for t in themes][-1] == "parkplatz"  # new themes come last
    assert by_key["preis"].label_de == "Preis" and by_key["preis"].label_en == "Price and value"
    assert "franken*" in by_key["preis"].keywords and "teuer*" in by_key["preis"].keywords
    assert by_key["wartezeit"].keywords == ("stau",)
    assert match_themes("Kein Parkplatz in der Nähe", themes) == ("ambiente", "parkplatz")
    assert match_themes("Ewig im Stau vor der Theke", themes) == ("wartezeit",)
    assert match_themes("Warten, warten, warten", themes) == ()


def test_catalogue_problems_name_the_key_and_the_fix() -> None:
    themes, problems = theme_catalogue({
        "preis": {"keyword": ["x"]},
        "neu": {"en": "New"},
        "laerm": {"de": "Lärm", "keywords": "laut"},
        "eng": {"de": "Enge", "keywords": ["eng"], "negation": "maybe"},
        "kaputt": "nein",
    })
    assert len(problems) == 5
    assert problems[0] == ("kbworkbook.toml, [nps_themes.preis]: unbekannter Schlüssel "
                           "»keyword«. Meinten Sie »keywords«? Erlaubt: de, en, keywords, "
                           "exclude, negation, replace, enabled.")
    assert "ein neues Thema braucht einen deutschen Namen" in problems[1]
    assert "Dieses Thema wird nicht verwendet." in problems[1]
    assert "[nps_themes.laerm] keywords: bitte eine Liste von Texten" in problems[2]
    assert "negation: »maybe« gibt es nicht" in problems[3]
    assert "[nps_themes.kaputt]: muss ein Abschnitt" in problems[4]
    keys = [t.key for t in themes]
    assert keys == [t.key for t in default_themes()]  # faulty themes left out, packaged kept
    english = theme_catalogue({"preis": {"keyword": ["x"]}}, "en")[1]
    assert english == ("kbworkbook.toml, [nps_themes.preis]: unknown key 'keyword'. Did you "
                       "mean 'keywords'? Allowed: de, en, keywords, exclude, negation, "
                       "replace, enabled.",)


def test_every_packaged_theme_has_labels_and_keywords_that_parse() -> None:
    themes = default_themes()
    assert len(themes) >= 8
    for theme in themes:
        assert theme.label_de and theme.label_en and theme.keywords
        assert theme.negation in ("keep", "skip")
        # each keyword matches at least the word it is written as (rules are not dead)
        for keyword in theme.keywords:
            sample = keyword.replace("*", "")
            if sample and not any(sample in normalise(e.replace("*", ""))
                                  for e in theme.exclude):
                assert theme.key in match_themes(sample, [theme]), (theme.key, keyword)


# -- counts and quotes ---------------------------------------------------------------------------


def test_comment_themes_worked_example() -> None:
    scores = [10, 9, 8, 3, 2, 10, 7, None, 5]
    comments = [
        "Immer freundlich bedient, super!",                       # P: freundlichkeit
        "Sehr nettes Team und faire Preise.",                     # P: preis, freundlichkeit
        "Die Preise sind gestiegen, sonst gut.",                  # Pa: qualitaet, preis
        "Viel zu teuer geworden, Tel. 079 123 45 67",             # D: preis (masked quote)
        "Teuer.",                                                 # D: preis (too short to quote)
        None,                                                     # no comment
        "Alles in Ordnung, nichts Besonderes.",                   # Pa: no theme
        "Preis ok",                                               # no score: left out
        "   ",                                                    # blank
    ]
    found = comment_themes(scores, comments, _clean)
    assert found.comments == 6 and found.by_band == (2, 2, 2) and found.unthemed == 1
    by_key = {t.key: t for t in found.themes}
    assert set(by_key) == {"freundlichkeit", "preis", "qualitaet"}
    price = by_key["preis"]
    assert (price.promoters, price.passives, price.detractors) == (1, 1, 2)
    assert (by_key["freundlichkeit"].promoters, by_key["freundlichkeit"].total) == (2, 2)
    assert [t.key for t in found.themes] == ["preis", "freundlichkeit", "qualitaet"]
    # detractors speak of the price most: a detractor's quote first, then passive, promoter;
    # »Teuer.« is too short to say anything; the phone number is masked
    assert [(q.band, q.text) for q in price.quotes] == [
        ("detractor", "Viel zu teuer geworden, Tel. [Telefon entfernt]"),
        ("passive", "Die Preise sind gestiegen, sonst gut."),
        ("promoter", "Sehr nettes Team und faire Preise."),
    ]
    assert found.masked == ("phone",)


def test_quotes_are_the_shortest_distinct_ones_and_at_most_three() -> None:
    comments = ["Die Preise sind viel zu hoch geworden leider.", "Die Preise sind zu hoch.",
                "Die Preise sind zu hoch.", "Die Preise sind sehr hoch, schade.",
                "Preise hoch, Qualität gleich, das ärgert mich sehr und lange schon."]
    found = comment_themes([2] * 5, comments, _clean)
    price = next(t for t in found.themes if t.key == "preis")
    assert price.detractors == 5
    assert [q.text for q in price.quotes] == [
        "Die Preise sind zu hoch.", "Die Preise sind sehr hoch, schade.",
        "Die Preise sind viel zu hoch geworden leider."]


def test_a_masked_quote_gives_way_to_an_unmasked_one() -> None:
    comments = ["Preise hoch, ruf an: 079 123 45 67", "Die Preise sind zu hoch geworden."]
    found = comment_themes([2, 2], comments, _clean, quotes=1)
    assert [q.text for q in found.themes[0].quotes] == ["Die Preise sind zu hoch geworden."]
    assert found.masked == ()  # the masked one is not shown


@pytest.mark.parametrize(("text", "width", "expected"), [
    ("Kurz und gut.", 140, "Kurz und gut."),
    ("Ein  Satz\nüber zwei Zeilen", 140, "Ein Satz über zwei Zeilen"),
    ("Die Preise sind gestiegen, aber die Qualität stimmt", 30, "Die Preise sind gestiegen…"),
    ("Donaudampfschifffahrtsgesellschaftskapitän", 20, "Donaudampfschifffah…"),
])
def test_shorten_cuts_at_a_word_boundary(text: str, width: int, expected: str) -> None:
    assert shorten(text, width) == expected
    assert len(shorten(text, width)) <= width


def test_long_quotes_are_shortened_to_140_characters() -> None:
    long = "Die Preise " + "sind wirklich sehr hoch und " * 12 + "das stört mich."
    found = comment_themes([3], [long], _clean)
    quote = found.themes[0].quotes[0].text
    assert len(quote) <= 140 and quote.endswith("…") and not quote.endswith(" …")


def test_scores_and_comments_must_pair_up() -> None:
    with pytest.raises(ValueError, match="same length"):
        comment_themes([10, 9], ["gut"], _clean)


# -- properties ----------------------------------------------------------------------------------

_WORDS = ["Preis", "teuer", "freundlich", "Wartezeit", "Qualität", "Torte", "Sonntag", "und",
          "nicht", "sehr", "gut", "Café", "Auswahl", "Team", "leider", "079 123 45 67",
          "anna.keller@example.ch", "CH93 0076 2011 6238 5295 7", "Frau Huber"]
comment = st.one_of(st.none(), st.lists(st.sampled_from(_WORDS), max_size=12).map(" ".join))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 10)), comment), max_size=40))
def test_counts_and_quotes_invariants(answers: list[tuple[int | None, str | None]]) -> None:
    scores = [s for s, _ in answers]
    texts = [c for _, c in answers]
    found = comment_themes(scores, texts, _clean)
    given_comments = sum(1 for s, c in answers if s is not None and c and c.strip())
    assert found.comments == given_comments == sum(found.by_band)
    assert 0 <= found.unthemed <= found.comments
    themed = found.comments - found.unthemed
    for theme in found.themes:
        assert 1 <= theme.total <= themed
        assert len(theme.quotes) <= 3
        assert len({q.text for q in theme.quotes}) == len(theme.quotes)
        for quote in theme.quotes:
            assert len(quote.text) <= 140 and len(quote.text.split()) >= MIN_QUOTE_WORDS
            # nothing of the contact data or the name survives in a quote
            assert not re.search(r"\d", quote.text)
            assert "@" not in quote.text and "Huber" not in quote.text
    totals = [t.total for t in found.themes]
    assert totals == sorted(totals, reverse=True)
