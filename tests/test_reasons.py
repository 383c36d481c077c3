"""Why a figure is missing reads in the report's language (issue 13, one text system).

Every MetricError / ModelError in the package is raised with a code of ``reasons.toml``;
the catalogue has German and English for each; the English never falls back to German;
numbers and dates in a reason follow the reader's locale; an English chapter shows the
English reason.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pandas as pd
import pytest

import kbworkbook
from kbworkbook.errors import MetricError, ModelError, Text
from kbworkbook.reasons import _catalogue, reason_codes, reason_of, render_reason

PACKAGE = Path(kbworkbook.__file__).parent
RAISERS = {"MetricError", "ModelError", "EconomicsError", "Text"}
#: prefixes built with an f-string (``Text(f"what.{what}")``): every completion must exist
DYNAMIC = {"what.", "column.", "clv.input.", "econ.field."}


def _calls() -> list[tuple[str, int, ast.expr | None]]:
    found = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in RAISERS and path.name != "errors.py"):
                found.append((f"{path.relative_to(PACKAGE)}:{node.lineno}",
                              node.lineno, node.args[0] if node.args else None))
    return found


def test_every_metric_and_model_error_is_raised_with_a_catalogue_code() -> None:
    calls = _calls()
    assert len(calls) > 80  # the scan sees the package's raise sites
    codes = reason_codes()
    wrong = []
    for where, _line, arg in calls:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            if arg.value not in codes:
                wrong.append(f"{where}: {arg.value!r}")
        elif isinstance(arg, ast.JoinedStr):
            head = arg.values[0]
            prefix = head.value if isinstance(head, ast.Constant) else ""
            if prefix not in DYNAMIC:
                wrong.append(f"{where}: f-string code starting {prefix!r}")
        else:
            wrong.append(f"{where}: code is not a literal")
    assert wrong == []


def test_dynamic_codes_cover_what_the_package_passes() -> None:
    from kbworkbook.metrics._common import COLUMN_LABELS

    codes = reason_codes()
    assert {f"column.{c}" for c in COLUMN_LABELS} <= codes
    assert {"clv.input.margin", "clv.input.retention", "clv.input.discount"} <= codes
    passed = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        passed |= set(re.findall(r'(?:require_columns|identified_lines)\([^)]*"([a-z_]+)"\)',
                                 text))
        passed |= set(re.findall(r'_WHAT = "([a-z_]+)"', text))
        passed |= set(re.findall(r'check_summary\([^)]*"([a-z_]+)"\)', text))
    assert {"cohorts", "clv", "retention", "bgnbd", "holdout"} <= passed
    assert {f"what.{w}" for w in passed} <= codes
    fields = set()
    for path in (PACKAGE / "economics").rglob("*.py"):
        fields |= set(re.findall(r'_(?:finite|non_negative|fraction|positive|count)\("([^"]+)"',
                                 path.read_text(encoding="utf-8")))
    assert len(fields) > 30 and {f"econ.field.{f}" for f in fields} <= codes


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


GERMAN = re.compile(r"[äöüÄÖÜß]|\b(?:und|der|die|das|nicht|Bitte|keine|Spalte|ist|oder)\b")


@pytest.mark.parametrize("code", sorted(reason_codes()))
def test_each_reason_has_both_languages_with_the_same_placeholders(code: str) -> None:
    entry = _catalogue()[code]
    assert entry["de"].strip() and entry["en"].strip()
    assert _fields(entry["de"]) == _fields(entry["en"])
    if code not in {"untranslated", "what.bgnbd", "what.gamma_gamma", "column.likes",
                    "column.follower", "column.followers", "model.rows", "quoted"}:
        assert entry["en"] != entry["de"]
    assert not GERMAN.search(entry["en"]), entry["en"]


def test_numbers_and_dates_follow_the_locale() -> None:
    exc = MetricError("retention.no_purchases", start=pd.Timestamp("2025-01-01"),
                      last=pd.Timestamp("2025-12-31"))
    assert "im Zeitraum 01.01.2025 bis 31.12.2025" in exc.text("de", "de-DE")
    assert "from 1 Jan 2025 to 31 Dec 2025" in exc.text("en", "en")
    big = MetricError("nps.population_too_small", population=1234, n=20000)
    assert "(1’234) ist kleiner als die Zahl der Antworten (20’000)" in big.text("de", "de-CH")
    assert "(1.234) ist kleiner als die Zahl der Antworten (20.000)" in big.text("de", "de-AT")
    assert "(1,234) is smaller than the number of answers (20,000)" in big.text("en", "en")
    # de-CH writes ss; str() keeps the German as written
    exc = MetricError("gamma_gamma.q_at_most_one", q=0.9)
    assert "sehr grosse Beträge" in exc.text("de", "de-CH")
    assert "sehr große Beträge" in str(exc) and "q = 0.9 (≤ 1)" in str(exc)


def test_nested_texts_render_in_the_same_language() -> None:
    with pytest.raises(ModelError) as info:
        from kbworkbook import models

        models.fit_bgnbd(pd.Series([1, 0], index=["K1", "K2"]),
                         pd.Series([5.0, 0.0], index=["K1", "K2"]),
                         pd.Series([3.0, 4.0], index=["K1", "K2"]))
    english = info.value.text("en")
    assert english == ("BG/NBD: 'recency' is larger than 'T' (customer 'K1'). recency (first to "
                       "last purchase) cannot be longer than T (first purchase to the end of the "
                       "observation period); both in the same time unit.")
    assert str(info.value).startswith("BG/NBD: »recency« ist größer als »T« (Kunde »K1«).")


def test_a_reason_survives_pickling_with_its_code() -> None:
    import pickle

    exc = pickle.loads(pickle.dumps(MetricError("rfm.too_few_customers", n=3)))
    assert exc.code == "rfm.too_few_customers"
    assert exc.text("en").startswith("An RFM scoring needs at least 5 customers")


def test_other_errors_keep_their_own_message() -> None:
    assert reason_of(ValueError("kaputt"), "en") == "kaputt"
    assert render_reason("quoted", {"text": Text("column.date")}, "en") == "'date'"


def test_an_english_chapter_gives_the_english_reason(tmp_path: Path) -> None:
    """Walk-in sales only: retention needs customer numbers – said in English."""
    from kbworkbook.chapters import kennzahlen
    from kbworkbook.notebook import Context
    from kbworkbook.workspace import create_workspace

    ws = create_workspace(tmp_path / "shop", "Shop AG", locale="en")
    rows = ["Datum;Umsatz;Beleg"] + [f"{d:02d}.0{m}.2025;{10 + d}.50;B{m}{d}"
                                     for m in range(1, 10) for d in range(1, 28, 3)]
    (ws.data_dir / "transactions.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ctx = Context(workspace=ws, language="en")
    page = "".join(getattr(b, "data", "") or "" for b in kennzahlen.retention(ctx))
    assert "no line of the sales data has a customer number" in page
    assert "Kundennummer" not in page and "Bitte" not in page
