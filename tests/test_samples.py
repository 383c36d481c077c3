"""The sample client is reproducible byte for byte and has the promised shape.

The files are read with plain csv/openpyxl here, not with kbworkbook's loaders, so these tests
check the generator alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kbworkbook import samples
from kbworkbook.workspace import SAMPLE_WORKSPACE, Workspace

FILES = {
    "config": "kbworkbook.toml",
    "transactions": "data/transactions.csv",
    "nps": "data/nps.xlsx",
    "posts": "data/posts.csv",
    "complaints": "data/complaints.csv",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return samples.generate(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def tx_rows(generated: dict[str, Path]) -> list[list[str]]:
    text = generated["transactions"].read_bytes().decode("cp1252")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def _date(text: str, fmt: str = "%d.%m.%Y") -> dt.date:
    return dt.datetime.strptime(text, fmt).date()


def _comma_number(text: str) -> float:
    return float(text.replace(",", "."))


# -- reproducibility ----------------------------------------------------------------------------

def test_generate_returns_the_workspace_files(generated: dict[str, Path]) -> None:
    root = generated["config"].parent
    assert {key: path.relative_to(root).as_posix() for key, path in generated.items()} == FILES


@pytest.mark.parametrize("key", sorted(FILES))
def test_committed_sample_is_reproduced_byte_for_byte(
    generated: dict[str, Path], key: str
) -> None:
    committed = SAMPLE_WORKSPACE / FILES[key]
    assert committed.read_bytes() == generated[key].read_bytes(), (
        f"{committed} differs from the generator's output; "
        "regenerate with: python -m kbworkbook.samples kbworkbook/data/samples/sonnenschein"
    )


def test_same_seed_twice_gives_identical_bytes(
    generated: dict[str, Path], tmp_path: Path
) -> None:
    again = samples.generate(tmp_path / "again")
    for key, path in generated.items():
        assert again[key].read_bytes() == path.read_bytes(), key


def test_different_seed_gives_different_data(generated: dict[str, Path], tmp_path: Path) -> None:
    other = samples.generate(tmp_path / "other", seed=7)
    for key in ("transactions", "nps", "posts", "complaints"):
        assert other[key].read_bytes() != generated[key].read_bytes(), key


def test_xlsx_carries_no_save_time(generated: dict[str, Path]) -> None:
    with zipfile.ZipFile(generated["nps"]) as archive:
        infos = archive.infolist()
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert infos
    assert {info.date_time for info in infos} == {(2025, 12, 31, 0, 0, 0)}
    assert {info.compress_type for info in infos} == {zipfile.ZIP_STORED}
    assert ">2025-12-31T00:00:00Z</dcterms:modified>" in core
    assert ">2025-12-31T00:00:00Z</dcterms:created>" in core


def test_main_writes_to_the_given_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert samples.main([str(tmp_path / "ws"), "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "transactions.csv" in out
    assert (tmp_path / "ws" / "data" / "nps.xlsx").is_file()


# -- workspace ----------------------------------------------------------------------------------

def test_sample_opens_as_workspace_with_its_settings() -> None:
    ws = Workspace.open(SAMPLE_WORKSPACE)
    assert ws.client_name == "Bäckerei Sonnenschein GmbH"
    assert (ws.locale, ws.currency) == ("de-CH", "CHF")
    assert ws.as_of == dt.date(2025, 12, 31)
    assert ws.section("analysis")["window_months"] == 12
    economics = ws.section("economics")
    assert 0 < economics["margin_rate"] < 1
    assert economics["acquisition_cost"] > 0
    assert economics["discount_rate"] == pytest.approx(0.08)
    assert economics["staff_hour_rate"] == 45
    for name in ("transactions", "nps", "posts", "complaints"):
        path = ws.input_path(name)
        assert path is not None and path.is_file(), name
    assert (ws.answers_dir / ".gitkeep").is_file()
    assert (ws.reports_dir / ".gitkeep").is_file()


# -- transactions -------------------------------------------------------------------------------

def test_transactions_are_written_like_german_excel(generated: dict[str, Path]) -> None:
    raw = generated["transactions"].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # umlauts are single cp1252 bytes, not UTF-8
    text = raw.decode("cp1252")
    first_line, _, rest = text.partition("\r\n")
    assert first_line == "Belegdatum;Kunden-Nr.;Belegnummer;Artikel;Menge;Umsatz (CHF);Marge (CHF)"
    second = rest.split("\r\n", 1)[0].split(";")
    assert len(second) == 7
    assert "," in second[5] and "." not in second[5]  # decimal comma
    assert "Kuchenstück" in text


def test_transactions_size_period_and_customers(tx_rows: list[list[str]]) -> None:
    header, body = tx_rows[0], tx_rows[1:]
    assert len(header) == 7
    assert 60_000 <= len(body) <= 100_000
    dates = [_date(row[0]) for row in body]
    assert min(dates) >= dt.date(2023, 1, 1)
    assert max(dates) <= dt.date(2025, 12, 31)
    assert {d.year for d in dates} == {2023, 2024, 2025}
    assert dates == sorted(dates)
    customers = {row[1] for row in body}
    assert 2_500 <= len(customers) <= 3_500
    assert all(len(c) == 6 and c.isdigit() for c in customers)
    assert any(c.startswith("00") for c in customers)  # leading zeros are part of the number


def test_transactions_revenue_margin_and_credit_notes(tx_rows: list[list[str]]) -> None:
    body = tx_rows[1:]
    revenue = [_comma_number(row[5]) for row in body]
    margin = [_comma_number(row[6]) for row in body]
    total = sum(revenue)
    assert 500_000 <= total <= 1_200_000
    assert 0.4 < sum(margin) / total < 0.8
    negative = [row for row, r in zip(body, revenue, strict=True) if r < 0]
    assert 10 <= len(negative) <= 100
    assert all(int(row[4]) < 0 and _comma_number(row[6]) < 0 for row in negative)
    # revenue is always priced in 5-Rappen steps (Swiss rounding)
    assert all(round(r * 100) % 5 == 0 for r in revenue)


def test_receipts_hold_several_distinct_articles(tx_rows: list[list[str]]) -> None:
    body = tx_rows[1:]
    lines_per_receipt = Counter(row[2] for row in body)
    assert max(lines_per_receipt.values()) >= 3
    assert 1.2 < len(body) / len(lines_per_receipt) < 2.5
    assert len({(row[2], row[3]) for row in body}) == len(body)
    owners: dict[str, set[str]] = {}
    for row in body:
        owners.setdefault(row[2], set()).add(row[1])
    assert all(len(o) == 1 for o in owners.values())  # one customer per receipt


def test_seasonal_articles_only_in_season(tx_rows: list[list[str]]) -> None:
    seen: dict[str, set[tuple[int, int]]] = {}
    for row in tx_rows[1:]:
        d = _date(row[0])
        seen.setdefault(row[3], set()).add((d.month, d.day))
    assert seen["Grittibänz"] and all(
        (m == 11 and d >= 20) or (m == 12 and d <= 6) for m, d in seen["Grittibänz"]
    )
    assert seen["Dreikönigskuchen"] and all(m == 1 and d <= 10 for m, d in seen["Dreikönigskuchen"])
    assert seen["Osterfladen"] and all(m in (3, 4) for m, _ in seen["Osterfladen"])
    for name in ("Ruchbrot", "Zopf", "Gipfeli", "Kaffee", "Torte (ganz)", "Rahm"):
        assert name in seen


def test_saturday_strongest_december_peak_and_2025_churn(tx_rows: list[list[str]]) -> None:
    by_weekday: Counter[int] = Counter()
    by_month: Counter[int] = Counter()
    active: dict[int, set[str]] = {2023: set(), 2024: set(), 2025: set()}
    for row in tx_rows[1:]:
        d = _date(row[0])
        by_weekday[d.weekday()] += 1
        by_month[d.month] += 1
        active[d.year].add(row[1])
    assert by_weekday.most_common(1)[0][0] == 5  # Saturday
    assert by_weekday[6] < min(by_weekday[k] for k in range(6))  # short Sunday
    assert by_month.most_common(1)[0][0] == 12
    assert by_month[7] < by_month[6]  # summer holidays
    churn_2024 = 1 - len(active[2023] & active[2024]) / len(active[2023])
    churn_2025 = 1 - len(active[2024] & active[2025]) / len(active[2024])
    assert churn_2025 > churn_2024 + 0.04


# -- NPS ----------------------------------------------------------------------------------------

def test_nps_workbook_headers_scores_and_customers(
    generated: dict[str, Path], tx_rows: list[list[str]]
) -> None:
    wb = load_workbook(generated["nps"], read_only=True)
    ws = wb.active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    assert rows[0] == ("Datum", "Kundennummer", "Name", "E-Mail", "Bewertung", "Kommentar",
                       "Wie sind Sie auf uns aufmerksam geworden?")
    body = rows[1:]
    assert 250 <= len(body) <= 450
    customers = {row[1] for row in tx_rows[1:]}
    assert all(isinstance(r[1], str) and r[1] in customers for r in body)
    assert all(isinstance(r[4], int) and 0 <= r[4] <= 10 for r in body)
    years = Counter(r[0].year for r in body)  # type: ignore[union-attr]
    assert set(years) == {2024, 2025}
    assert all(str(r[3]).endswith("@example.ch") and " " in str(r[2]) for r in body)
    comments = [r[5] for r in body if r[5]]
    assert 0.2 < len(comments) / len(body) < 0.5
    assert any("079 123 45 67" in str(c) for c in comments)
    assert any("@example.ch" in str(c) for c in comments)

    def nps(year: int) -> float:
        scores = [r[4] for r in body if r[0].year == year]  # type: ignore[union-attr]
        promoters = sum(s >= 9 for s in scores)  # type: ignore[operator]
        detractors = sum(s <= 6 for s in scores)  # type: ignore[operator]
        return 100 * (promoters - detractors) / len(scores)

    assert nps(2025) < nps(2024)
    sources = [r[6] for r in body]
    assert 0.05 < sum(s is None for s in sources) / len(body) < 0.3  # some left it blank
    referred = [str(s).startswith(("Empfehlung", "Tipp")) for s in sources if s]
    assert 0.15 < sum(referred) / len(referred) < 0.5


# -- posts and complaints -----------------------------------------------------------------------

def test_posts_are_utf8_with_bom_and_plausible(generated: dict[str, Path]) -> None:
    raw = generated["posts"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Post-ID", "Datum", "Plattform", "Likes", "Kommentare", "Geteilt",
                       "Reichweite", "Impressionen", "Follower"]
    body = rows[1:]
    assert 60 <= len(body) <= 100
    assert len({r[0] for r in body}) == len(body)
    dates = [_date(r[1], "%Y-%m-%d") for r in body]
    assert {d.year for d in dates} == {2024, 2025}
    assert {r[2] for r in body} == {"Instagram", "Facebook"}
    for r in body:
        likes, comments, shares, reach, impressions = map(int, r[3:8])
        assert 0 <= likes + comments + shares <= reach <= impressions
    insta = [int(r[8]) for r in body if r[2] == "Instagram"]
    assert insta[0] < 1_400 and insta[-1] > 1_800


def test_complaints_log(generated: dict[str, Path]) -> None:
    raw = generated["complaints"].read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline=""), delimiter=";"))
    assert rows[0] == ["Datum", "Kundennummer", "Kategorie", "Erledigt", "Zufrieden",
                       "Tage bis Lösung"]
    body = rows[1:]
    assert 40 <= len(body) <= 80
    assert all(dt.date(2023, 1, 1) <= _date(r[0]) <= dt.date(2025, 12, 31) for r in body)
    assert {r[3] for r in body} == {"ja", "nein"}
    assert {r[4] for r in body} <= {"ja", "nein"}
    for r in body:
        assert (r[5] == "") == (r[3] == "nein")
        if r[3] == "nein":
            assert r[4] == "nein"
    assert {"Qualität", "Wartezeit"} <= {r[2] for r in body}
