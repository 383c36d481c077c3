"""Real-format exports load without configuration, with hand-computed revenue and customers.

Every file in tests/data/exports/ imitates an exporter's documented layout (sources and the
hand computation of each figure: tests/data/README.md). The figures below were not produced by
kbworkbook.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from kbworkbook import metrics
from kbworkbook.check import check_workspace, render_check
from kbworkbook.errors import DataError
from kbworkbook.pseudonym import SECRET_FILE, pseudonymize, workspace_secret
from kbworkbook.schemas import load_nps, load_table, load_transactions
from kbworkbook.workspace import Workspace, create_workspace

EXPORTS = Path(__file__).parent / "data" / "exports"

# file, preset label, lines, net revenue, distinct customers, walk-in lines, first, last date
CASES = [
    ("orders_export_1.csv", "Shopify", 7, 106.725, 3, 1, "2025-01-15", "2025-12-31"),
    ("woocommerce-orders-export.csv", "WooCommerce", 5, 400.0, 3, 0, "2025-03-01",
     "2025-05-20"),
    ("Verkaufsbericht_2025-05.csv", "SumUp", 6, 49.68, 0, 6, "2025-05-02", "2025-05-05"),
    ("EXTF_Buchungsstapel_20250101_20251231.csv", "DATEV", 6, 2000.0, 4, 0, "2025-01-05",
     "2025-12-30"),
    ("lightspeed_sales_2025-06.csv", None, 6, 37.04, 2, 1, "2025-06-02", "2025-06-04"),
    ("lightspeed_k_transactions_2025-07.csv", "Lightspeed Restaurant", 6, 84.0, 0, 6,
     "2025-07-01", "2025-07-02"),
    ("Umsatzliste März.csv", None, 5, 1265.85, 2, 1, "2025-03-03", "2025-03-31"),
    ("Umsatz Unicode-Text.txt", None, 4, 15.30, 2, 1, "2025-01-02", "2025-01-06"),
    ("kasse_ch_laufkundschaft.csv", None, 27, 1458.20, 7, 9, "2024-02-15", "2025-12-20"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_export_loads_with_hand_computed_figures(case: tuple) -> None:
    file, preset, lines, revenue, customers, walk_ins, first, last = case
    tx = load_transactions(EXPORTS / file)
    detected = tx.attrs["kb_detected"]
    assert (detected["preset"] or "").startswith(preset or "")
    assert len(tx) == lines
    assert tx["revenue"].sum() == pytest.approx(revenue, abs=1e-9)
    ids = tx["customer_id"] if "customer_id" in tx.columns else pd.Series(dtype="str")
    assert ids.nunique() == customers
    assert int(metrics.identified_share(tx).lines - metrics.identified_share(tx).known_lines) \
        == walk_ins
    assert tx["date"].min().normalize() == pd.Timestamp(first)
    assert tx["date"].max().normalize() == pd.Timestamp(last)


def test_shopify_takes_order_totals_once_and_nets_refunds() -> None:
    tx = load_transactions(EXPORTS / "orders_export_1.csv")
    per_order = tx.groupby("order_id")["revenue"].sum()
    # by hand: Total − Taxes, after refunds (#1003: 12.50 of 50.00 refunded)
    assert per_order.to_dict() == pytest.approx({
        "#1001": 33.45, "#1002": 14.62, "#1003": 31.515, "#1005": 8.32, "#1007": 18.82})
    # #1004 (voided, cancelled) and #1006 (fully refunded) are not purchases
    assert set(per_order.index) == {"#1001", "#1002", "#1003", "#1005", "#1007"}
    # the order total is spread over the line items by their line value (25.00 : 9.90)
    first = tx.loc[tx["order_id"] == "#1001", "revenue"].tolist()
    assert first == pytest.approx([33.45 * 25 / 34.9, 33.45 * 9.9 / 34.9])
    # "2025-12-31 00:30:00 +0100" is local time: still New Year's Eve, not 30 December
    assert tx.loc[tx["order_id"] == "#1007", "date"].iloc[0] == pd.Timestamp(
        "2025-12-31 00:30:00")
    # Anna's two orders (anna@example.de, "Anna@Example.de ") are one customer
    assert tx.loc[tx["order_id"].isin(["#1001", "#1003"]), "customer_id"].nunique() == 1


def test_datev_nets_credit_notes_and_skips_payments() -> None:
    tx = load_transactions(EXPORTS / "EXTF_Buchungsstapel_20250101_20251231.csv")
    by_customer = tx.groupby("customer_id")["revenue"].sum().to_dict()
    # 10001: 1190/1.19 + 238/1.19; 10002: 535/1.07 − 119/1.19; 8100 is tax-free
    assert by_customer == pytest.approx({"10001": 1200.0, "10002": 400.0, "10003": 300.0,
                                         "10004": 100.0})
    assert "RE-2025-001" in set(tx["order_id"])  # the payment line of RE-2025-001 is left out
    assert (tx["order_id"] == "RE-2025-001").sum() == 1


def test_sumup_account_is_the_merchant_not_a_customer() -> None:
    tx = load_transactions(EXPORTS / "Verkaufsbericht_2025-05.csv")
    assert "customer_id" not in tx.columns
    assert "laden@example.ch" not in tx.to_string()
    share = metrics.identified_share(tx)
    assert (share.receipts, share.known_receipts) == (4, 0)  # TCXA4 is a refund only


def test_lightspeed_names_become_pseudonyms_and_returns_are_netted() -> None:
    tx = load_transactions(EXPORTS / "lightspeed_sales_2025-06.csv")
    text = tx.to_string()
    for name in ("Lena", "Graf", "Marco", "Rossi"):
        assert name not in text
    assert tx.attrs["kb_detected"]["customer_key"] == {"column": "Customer", "kind": "name"}
    # "Lena Graf" and "lena  graf" are one person; the return R-1004 is a deduction
    assert tx["customer_id"].nunique() == 2
    assert tx.loc[tx["order_id"] == "R-1004", "revenue"].item() == pytest.approx(-2.78)


def test_google_forms_survey_is_recognised_by_its_question() -> None:
    nps = load_nps(EXPORTS / "Kundenumfrage (Antworten) - Formularantworten 1.csv")
    assert nps["score"].tolist() == [10, 9, 7, 6, 3]
    assert metrics.nps(nps["score"]).score == pytest.approx(0.0)  # 2 P, 1 Pa, 2 D of 5
    # a.kunde answered twice: one pseudonym; no address survives, the phone in a comment is
    # masked
    assert nps["customer_id"].nunique() == 3
    # (the pseudonyms are random hex per secret and may contain "079" themselves)
    text = nps.drop(columns="customer_id").to_string()
    assert "example.ch" not in nps.to_string() and "079" not in text
    assert nps["customer_id"].dropna().str.fullmatch(r"K-[0-9a-f]{12}").all()


def test_surveymonkey_export_skips_its_second_header_row() -> None:
    nps = load_nps(EXPORTS / "SurveyMonkey_Kundenzufriedenheit_2025.csv")
    detected = nps.attrs["kb_detected"]
    assert detected["preset"].startswith("SurveyMonkey")
    # by hand: 10, 9, 7, 4 and "0 - Äusserst unwahrscheinlich"; the last respondent gave none
    assert nps["score"].tolist() == [10, 9, 7, 4, 0]
    assert detected["skipped_rows"] == 1
    assert metrics.nps(nps["score"]).score == pytest.approx(0.0)  # 2 P, 1 Pa, 2 D of 5
    # the date is End Date (US format in the export), read as local time
    assert nps["date"].iloc[0] == pd.Timestamp("2025-11-03 08:14:02")
    assert nps["date"].iloc[2] == pd.Timestamp("2025-11-04 17:03:40")
    # the comment is the open-ended answer after the score question
    assert nps["comment"].iloc[0] == "Frisches Brot jeden Tag"
    # a.kunde answered twice: one pseudonym; Respondent IDs, addresses, IPs and the phone in a
    # comment never survive
    assert nps["customer_id"].nunique() == 3
    text = nps.to_string()
    for personal in ("example.ch", "079", "203.0.113", "114225036187"):
        assert personal not in text


def test_lightspeed_restaurant_counts_sales_and_refunds_only() -> None:
    tx = load_transactions(EXPORTS / "lightspeed_k_transactions_2025-07.csv")
    # by hand: Sale 37 + 9 + 14 + 21 + 24, Refund −21; Float, Void, Foreign, Transitory not sales
    assert tx.groupby("order_id")["revenue"].sum().to_dict() == pytest.approx({
        "A101.1": 46.0, "A102.2": 14.0, "A104.1": 21.0, "A104.2": -21.0, "A105.1": 24.0})
    assert "customer_id" not in tx.columns  # "Account" is a table, not a customer
    notes = " ".join(tx.attrs["kb_detected"]["notes"])
    assert "1 Float, 1 Void, 1 Foreign, 1 Transitory" in notes


def test_pseudonyms_are_stable_per_workspace_secret(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "ws", "Röstwerk", locale="de-DE")
    (ws.data_dir / "transactions.csv").unlink()
    shutil.copy(EXPORTS / "orders_export_1.csv", ws.data_dir / "transactions.csv")
    first = load_table("transactions", ws)["customer_id"]
    secret_file = ws.root / SECRET_FILE
    assert secret_file.is_file() and (secret_file.stat().st_mode & 0o077) == 0
    again = load_table("transactions", Workspace.open(ws.root))["customer_id"]
    pd.testing.assert_series_equal(first, again)
    # another workspace has its own secret: the same address gets another pseudonym there
    other = create_workspace(tmp_path / "other", "Andere", locale="de-DE")
    other_ids = pseudonymize(pd.Series(["anna@example.de"]), "email",
                             workspace_secret(other.root))
    assert other_ids.iloc[0] not in set(first.dropna())
    assert pseudonymize(pd.Series(["anna@example.de"]), "email",
                        workspace_secret(ws.root)).iloc[0] in set(first.dropna())


def test_pseudonymize_normalises_and_keeps_missing() -> None:
    secret = b"s" * 32
    values = pd.Series(["Anna@Example.de ", "anna@example.de", "", None])
    out = pseudonymize(values, "email", secret)
    assert out.iloc[0] == out.iloc[1] and out.iloc[0].startswith("K-") and len(out.iloc[0]) == 14
    assert out.iloc[2:].isna().all()
    phones = pseudonymize(pd.Series(["+41 79 123 45 67", "0041791234567", "079 123 45 67"]),
                          "phone", secret)
    assert phones.iloc[0] == phones.iloc[1]
    names = pseudonymize(pd.Series(["Lena  Graf", "lena graf"]), "name", secret)
    assert names.iloc[0] == names.iloc[1]
    assert pseudonymize(pd.Series(["anna@example.de"]), "email", b"t" * 32).iloc[0] \
        != out.iloc[0]


def test_a_workspace_with_one_export_under_its_own_name_checks_fine(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "ws", "Röstwerk", locale="de-DE")
    config = ws.root / "kbworkbook.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        '# transactions = "data/umsaetze.csv"', 'transactions = "data/orders_export_1.csv"'),
        encoding="utf-8")
    shutil.copy(EXPORTS / "orders_export_1.csv", ws.data_dir / "orders_export_1.csv")
    result = check_workspace(Workspace.open(ws.root))
    assert result.ok
    text = render_check(result)
    assert "Shopify" in text and "Pseudonym aus »Email«" in text
    assert "anna@example.de" not in text


def test_column_mapping_from_kbworkbook_toml(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "ws", "Bank", locale="de-DE")
    (ws.data_dir / "transactions.csv").write_text(
        "Buchungstag;Auftraggeber-ID;Betrag EUR;Verwendungszweck\n"
        "02.01.2025;A-1;10,00;Rechnung 1\n03.01.2025;A-2;20,00;Rechnung 2\n", encoding="utf-8")
    config = ws.root / "kbworkbook.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        '# transactions = "data/umsaetze.csv"   # andere Dateinamen hier eintragen',
        '[data.transactions.columns]\ndate = "Buchungstag"\nKundennummer = "Auftraggeber-ID"\n'
        'revenue = "Betrag EUR"'), encoding="utf-8")
    tx = load_table("transactions", Workspace.open(ws.root))
    assert tx["customer_id"].tolist() == ["A-1", "A-2"]
    assert tx["revenue"].sum() == pytest.approx(30.0)
    config.write_text(config.read_text(encoding="utf-8").replace(
        'revenue = "Betrag EUR"', 'revenue = "Betrag"'), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_table("transactions", Workspace.open(ws.root))
    message = str(info.value)
    assert "Betrag" in message and "Meinten Sie »Betrag EUR«?" in message
    assert "kbworkbook.toml" in message


def test_a_walk_in_only_export_still_gives_revenue_sections(tmp_path: Path) -> None:
    """SumUp has no customer key: revenue and purchases compute, per-customer sections say why
    they are missing (in German, without internal column names) instead of failing."""
    import datetime as dt

    from IPython.display import HTML, Markdown

    from kbworkbook.chapters import kennzahlen, kundenwert
    from kbworkbook.notebook import Context

    ws = create_workspace(tmp_path / "ws", "Café", locale="de-CH")
    (ws.data_dir / "transactions.csv").unlink()
    shutil.copy(EXPORTS / "Verkaufsbericht_2025-05.csv", ws.data_dir / "Verkaufsbericht.csv")
    config = ws.root / "kbworkbook.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        '# transactions = "data/umsaetze.csv"', 'transactions = "data/Verkaufsbericht.csv"'),
        encoding="utf-8")
    ctx = Context(workspace=Workspace.open(ws.root), as_of=dt.date(2025, 5, 31))
    blocks = []
    for module in (kennzahlen, kundenwert):
        for name in module.SECTIONS:
            blocks += getattr(module, name)(ctx)
    text = "\n".join(str(b.data) for b in blocks if isinstance(b, HTML | Markdown))
    assert "CHF\u00a050" in text  # revenue 49.68 in the purchases table
    assert "customer_id" not in text
    assert "Keine Zeile der Verkaufsdaten hat eine Kundennummer" in text


def test_no_secret_file_without_personal_keys(tmp_path: Path) -> None:
    ws = create_workspace(tmp_path / "ws", "Kasse", locale="de-CH")
    (ws.data_dir / "transactions.csv").unlink()
    shutil.copy(EXPORTS / "kasse_ch_laufkundschaft.csv", ws.data_dir / "transactions.csv")
    load_table("transactions", ws)
    assert not (ws.root / SECRET_FILE).exists()


def test_identified_revenue_share_is_in_figures_json() -> None:
    from kbworkbook.figures import Settings, analyse, figures_document

    tx = load_transactions(EXPORTS / "kasse_ch_laufkundschaft.csv")
    tables = {"transactions": tx, "nps": None, "posts": None, "complaints": None}
    doc = figures_document(analyse(tables, Settings(), "2025-12-31"), "CHF")
    share = next(f for f in doc["figures"] if f["key"] == "identified_revenue_share")
    # by hand (tests/data/README.md): 56.90 of 135.00 CHF in 2025 carry a Kunden-Nr.
    assert share["value"] == pytest.approx(56.90 / 135.00)
    assert share["unit"] == "fraction" and share["window"] == "2025-01-01/2025-12-31"
