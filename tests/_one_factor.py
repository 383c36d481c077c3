"""A client with its own one-factor catalogue, shared by the self-image tests of chapter 01
and of the index: complaints solved in 2 and 4 days (mean 3 → 40 + 40·(7 − 3)/5 = 72 on the
0–100 scale) and the owner's »trifft voll zu« (100) on »Beschwerden lösen wir schnell«."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kbworkbook.store import AnswerStore
from kbworkbook.workspace import Workspace, create_workspace

#: a factor name that must reach every page escaped
XSS = "<script>alert(1)</script> & Co"

CATALOGUE = """id = "sechs_faktoren"
[title]
de = "Eigene Faktoren"
[[factors]]
key = "A"
de = "{name}"
[[factors.items]]
key = "A.1"
de = "Beschwerden lösen wir schnell."
data = [{data}]
"""


def write_catalogue(ws: Workspace, name: str = XSS, data: str = '"complaint_days"') -> Path:
    """``questionnaires/sechs.toml`` of ``ws`` with one factor ``name`` whose item reads the
    figures ``data`` (TOML list items)."""
    folder = ws.root / "questionnaires"
    folder.mkdir(exist_ok=True)
    path = folder / "sechs.toml"
    path.write_text(CATALOGUE.format(name=name, data=data), encoding="utf-8")
    return path


def one_factor_client(tmp_path: Path) -> Workspace:
    """The client: complaints, the catalogue (:data:`XSS` as the factor) and the owner's
    answer of 01.02.2025."""
    ws = create_workspace(tmp_path / "ws", client="Testfirma AG", locale="de-DE")
    (ws.root / "data" / "beschwerden.csv").write_text(
        "Datum;Erledigt;Zufrieden;Tage bis Lösung\n02.01.2025;ja;ja;2\n03.01.2025;ja;nein;4\n",
        encoding="utf-8")
    write_catalogue(ws)
    AnswerStore(ws, now=lambda: dt.datetime(2025, 2, 1, 9, 0)).update(
        "sechs_faktoren", answers={"A.1": 5})
    return ws
