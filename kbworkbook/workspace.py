"""A client's workspace: a folder with ``kbworkbook.toml``, ``data/``, ``answers/``, ``reports/``.

``Workspace.open(path)`` reads and validates ``kbworkbook.toml``; ``Workspace.open(None)`` opens
the sample client shipped inside the package (``kbworkbook/data/samples/sonnenschein``).
``create_workspace`` makes a new one.
The workspace is plain files; kbworkbook writes only below ``answers/`` and ``reports/``, and
every write is atomic (:mod:`kbworkbook.fileio`).

Every path in kbworkbook.toml (``[data]`` files, ``[consultant] logo``, ``[questionnaires] dir``)
must resolve inside the workspace, links followed (:mod:`kbworkbook.paths`); ``open`` refuses
anything else with a message naming the setting, and :meth:`Workspace.input_path` checks again
on every call.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._bundled import package_path
from .errors import WorkspaceError
from .fileio import atomic_write_text
from .i18n import LOCALES, Language, language_of, normalize_locale
from .paths import DATA_SUFFIXES, resolve_setting, setting_label

__all__ = [
    "CONFIG_FILE",
    "INPUTS",
    "SAMPLE_WORKSPACE",
    "Workspace",
    "create_workspace",
    "find_input",
    "sample_playground",
]

CONFIG_FILE = "kbworkbook.toml"
#: The data inputs of a workspace, in the order they are checked and reported.
INPUTS: tuple[str, ...] = ("transactions", "nps", "posts", "complaints")
INPUT_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".tsv", ".xlsx", ".parquet")
CURRENCIES: tuple[str, ...] = ("CHF", "EUR")
#: ``[client] market``: the client sells to consumers (b2c, the default) or to firms (b2b).
MARKETS: tuple[str, ...] = ("b2c", "b2b")
#: ``[analysis]`` keys that hold a number of days or months (whole numbers ≥ 1).
WHOLE_DAYS: tuple[str, ...] = ("lapse_days", "new_days", "at_risk_days", "lifecycle_months")

#: The fictitious sample client; shipped inside the package (also in an installed wheel).
SAMPLE_WORKSPACE = package_path("data", "samples", "sonnenschein")
#: Where workshop answers given on the sample client go (``KBWORKBOOK_HOME`` overrides ~).
HOME_ENV = "KBWORKBOOK_HOME"

#: Every key kbworkbook.toml may hold, per table; ``None`` marks a free-form table.
SCHEMA: dict[str, set[str] | None] = {
    "client": {"name", "locale", "currency", "industry", "market"},
    "consultant": {"name", "company", "logo", "color", "accent_color", "email", "phone"},
    "analysis": {"as_of", "window_months", "stammkunde_min_orders", "margin_rate", "lapse_days",
                 "new_days", "at_risk_days", "lifecycle_months", "previous_as_of"},
    "data": set(INPUTS),
    "calllist": {"length", "valuable_share", "alive_below", "gap_multiple", "max_days_since"},
    "economics": None,
    "segments": None,
    "nps_themes": None,
    "questionnaires": None,
    "selfimage": None,  # reference values of chapter 01's figures (kbworkbook.selfimage)
    "report": {"time_limit_minutes", "cell_timeout_minutes"},
}


def _hint(word: str, choices: list[str] | set[str], language: Language) -> str:
    match = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    if not match:
        return ""
    return f" Meinten Sie »{match[0]}«?" if language == "de" else f" Did you mean '{match[0]}'?"


def _validate(config: Mapping[str, Any], path: Path) -> list[str]:
    """Messages for every unknown table or key (German, with a "Meinten Sie …?" hint)."""
    messages: list[str] = []
    for table, body in config.items():
        if table not in SCHEMA:
            messages.append(
                f"{path.name}: unbekannter Abschnitt [{table}].{_hint(table, set(SCHEMA), 'de')}"
            )
            continue
        allowed = SCHEMA[table]
        if allowed is None:
            continue
        if not isinstance(body, Mapping):
            messages.append(f"{path.name}: [{table}] muss ein Abschnitt mit Schlüsseln sein.")
            continue
        for key in body:
            if key not in allowed:
                messages.append(
                    f"{path.name}: unbekannter Schlüssel »{key}« in [{table}]."
                    f"{_hint(key, allowed, 'de')}"
                )
            elif table == "data":
                messages += _validate_data_entry(key, body[key], path)
    return messages


#: Keys of a ``[data.<input>]`` table: the file and the column mapping.
DATA_KEYS: set[str] = {"file", "columns", "decimal"}


def _validate_data_entry(name: str, entry: Any, path: Path) -> list[str]:
    """``[data] transactions = "datei.csv"`` or a ``[data.transactions]`` table with ``file``
    and a ``columns`` table (canonical column → header in the file, both texts)."""
    if isinstance(entry, str):
        return []
    if not isinstance(entry, Mapping):
        return [f"{path.name}: [data] {name} muss ein Dateiname (Text) oder ein Abschnitt "
                f"[data.{name}] mit »file« und [data.{name}.columns] sein."]
    messages = [f"{path.name}: unbekannter Schlüssel »{key}« in [data.{name}]."
                f"{_hint(key, DATA_KEYS, 'de')}" for key in entry if key not in DATA_KEYS]
    if "decimal" in entry and entry["decimal"] not in (",", ".", "'", "’"):
        messages.append(f"{path.name}: [data.{name}] decimal muss \",\" (1.234,50), \".\" "
                        "(1,234.50) oder \"'\" (1'234.50) sein.")
    if "file" in entry and not isinstance(entry["file"], str):
        messages.append(f"{path.name}: [data.{name}] file muss ein Dateiname in "
                        "Anführungszeichen sein.")
    columns = entry.get("columns", {})
    if not isinstance(columns, Mapping) or not all(
            isinstance(v, str) for v in columns.values()):
        messages.append(f"{path.name}: [data.{name}.columns] ordnet Spalten zu, z. B. "
                        'date = "Buchungstag" (Spaltenüberschrift in Anführungszeichen).')
    return messages


def _read_logo(root: Path, value: object) -> bytes | None:
    """The checked bytes of a ``[consultant] logo`` setting; ``None`` when the file is missing."""
    from .images import LOGO_LIMIT, image_type
    from .paths import read_regular_file

    label = setting_label("consultant", "logo")
    path = resolve_setting(root, value, label)
    if not path.exists():
        return None
    data = read_regular_file(path, label, LOGO_LIMIT)
    if image_type(data) is None:
        raise WorkspaceError(
            f"{CONFIG_FILE}, {label}: »{value}« ist kein Bild im Format PNG, JPEG oder SVG "
            "(geprüft wird der Inhalt, nicht die Endung). Bitte das Logo als PNG, JPEG oder "
            "SVG im Arbeitsordner speichern und hier eintragen."
        )
    return data


def _path_problems(config: Mapping[str, Any], root: Path) -> list[str]:
    """Messages for every path setting that leaves the workspace or names the wrong thing."""

    def table(name: str) -> Mapping[str, Any]:
        body = config.get(name, {})
        return body if isinstance(body, Mapping) else {}

    problems: list[str] = []

    def attempt(check: Any, *args: Any, **kwargs: Any) -> None:
        try:
            check(*args, **kwargs)
        except WorkspaceError as exc:
            problems.append(str(exc))

    for name in INPUTS:
        entry = table("data").get(name)
        configured = entry.get("file") if isinstance(entry, Mapping) else entry
        if configured:
            attempt(resolve_setting, root, configured, setting_label("data", name),
                    suffixes=DATA_SUFFIXES)
        elif (found := find_input(root / "data", name)) is not None:
            attempt(resolve_setting, root, found.relative_to(root),
                    f"Datei für [data] {name}", source="")
    if table("questionnaires").get("dir"):
        attempt(resolve_setting, root, table("questionnaires")["dir"],
                setting_label("questionnaires", "dir"), expect="dir")
    if table("consultant").get("logo"):
        attempt(_read_logo, root, table("consultant")["logo"])
    return problems


def find_input(data_dir: Path, name: str) -> Path | None:
    """The default file for input ``name`` in ``data_dir`` (``transactions.csv`` / ``.xlsx`` …)."""
    for suffix in INPUT_SUFFIXES:
        candidate = data_dir / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    return None


@dataclass(frozen=True)
class Workspace:
    """An opened, validated workspace. Paths are absolute."""

    root: Path
    client_name: str
    locale: str = "de-CH"
    currency: str = "CHF"
    config: Mapping[str, Any] = field(default_factory=dict)

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str] | Workspace | None = None) -> Workspace:
        """Open the workspace at ``path`` (a folder or its kbworkbook.toml); ``None`` = sample."""
        if isinstance(path, Workspace):
            return path
        root = SAMPLE_WORKSPACE if path in (None, "") else Path(path).expanduser()
        if root.name == CONFIG_FILE:
            root = root.parent
        root = root.resolve()
        config_path = root / CONFIG_FILE
        if not root.is_dir():
            raise WorkspaceError(
                f"Der Arbeitsordner »{root}« existiert nicht. Legen Sie ihn mit "
                f"»kbworkbook new {root} --client NAME« an."
            )
        if not config_path.is_file():
            raise WorkspaceError(
                f"In »{root}« fehlt die Datei {CONFIG_FILE}; das ist kein "
                "kbworkbook-Arbeitsordner. "
                f"Legen Sie einen mit »kbworkbook new ORDNER --client NAME« an."
            )
        try:
            config = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise WorkspaceError(
                f"{config_path}: die Datei ist kein gültiges TOML ({exc}). "
                "Bitte Anführungszeichen und [Abschnitte] prüfen."
            ) from None
        problems = _validate(config, config_path)
        client = config.get("client", {})
        name = str(client.get("name", "")).strip()
        if not name:
            problems.append(f"{config_path.name}: in [client] fehlt »name« (Name des Kunden).")
        try:
            locale = normalize_locale(client.get("locale", "de-CH"))
        except ValueError:
            problems.append(
                f"{config_path.name}: [client] locale »{client.get('locale')}« ist unbekannt; "
                f"erlaubt sind {', '.join(LOCALES)}."
                f"{_hint(str(client.get('locale')), set(LOCALES), 'de')}"
            )
            locale = "de-CH"
        currency = str(client.get("currency", "EUR" if locale in ("de-DE", "de-AT") else "CHF"))
        if currency.upper() not in CURRENCIES:
            problems.append(
                f"{config_path.name}: [client] currency »{currency}« ist unbekannt; "
                f"erlaubt sind {', '.join(CURRENCIES)}."
            )
        market = client.get("market", "b2c")
        if market not in MARKETS:
            problems.append(
                f"{config_path.name}: [client] market »{market}« ist unbekannt; erlaubt sind "
                "»b2c« (Kundschaft sind Privatpersonen) und »b2b« (Kundschaft sind Firmen), "
                'z. B. market = "b2b".'
            )
        analysis = config.get("analysis", {})
        analysis = analysis if isinstance(analysis, Mapping) else {}
        for key in ("as_of", "previous_as_of"):
            as_of = analysis.get(key)
            if as_of is not None and not isinstance(as_of, dt.date):
                try:
                    dt.date.fromisoformat(str(as_of))
                except ValueError:
                    problems.append(
                        f"{config_path.name}: [analysis] {key} »{as_of}« ist kein Datum; "
                        "bitte als JJJJ-MM-TT schreiben, z. B. 2025-12-31."
                    )
        for key in WHOLE_DAYS:
            value = analysis.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 1):
                unit = "Monate" if key.endswith("months") else "Tage"
                problems.append(
                    f"{config_path.name}: [analysis] {key} »{value}« ist keine ganze Zahl ≥ 1; "
                    f"bitte die Zahl der {unit} ohne Anführungszeichen eintragen, "
                    f"z. B. {key} = {3 if unit == 'Monate' else 90}."
                )
        if not problems:  # paths only once the tables themselves are valid
            problems.extend(_path_problems(config, root))
        if problems:
            raise WorkspaceError("\n".join(problems))
        return cls(root=root, client_name=name, locale=locale, currency=currency.upper(),
                   config=config)

    # -- derived properties ----------------------------------------------------------------
    @property
    def language(self) -> Language:
        """Text language of the workspace's locale (``de`` or ``en``)."""
        return language_of(self.locale)

    @property
    def market(self) -> str:
        """``b2b`` when the client sells to firms (``[client] market``), else ``b2c``."""
        return "b2b" if self.section("client").get("market") == "b2b" else "b2c"

    @property
    def is_sample(self) -> bool:
        """True for the bundled sample client and its playground copy."""
        return self.root in (SAMPLE_WORKSPACE.resolve(), _playground_root().resolve())

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def answers_dir(self) -> Path:
        return self.root / "answers"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    def section(self, name: str) -> Mapping[str, Any]:
        """A table of kbworkbook.toml (empty mapping when absent)."""
        value = self.config.get(name, {})
        return value if isinstance(value, Mapping) else {}

    @property
    def as_of(self) -> dt.date | None:
        """The analysis date from ``[analysis] as_of``, if set."""
        value = self.section("analysis").get("as_of")
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value))

    def data_entry(self, name: str) -> Mapping[str, Any]:
        """``[data.<name>]`` as a table (``file``, ``columns``); a plain string is ``file``."""
        if name not in INPUTS:
            raise ValueError(f"unknown input {name!r}; expected one of {INPUTS}")
        entry = self.section("data").get(name)
        if isinstance(entry, str):
            return {"file": entry}
        return entry if isinstance(entry, Mapping) else {}

    def column_mapping(self, name: str) -> dict[str, str]:
        """``[data.<name>.columns]``: canonical column (or its German label) → file header."""
        columns = self.data_entry(name).get("columns", {})
        return {str(k): str(v) for k, v in columns.items()} if isinstance(columns, Mapping) \
            else {}

    def input_path(self, name: str) -> Path | None:
        """The file for input ``name`` (from ``[data]`` or the default name), or ``None``.

        Checked again on every call (a file may have been swapped for a link since
        :meth:`open`): a path outside the workspace raises :class:`WorkspaceError`.
        """
        if name not in INPUTS:
            raise ValueError(f"unknown input {name!r}; expected one of {INPUTS}")
        configured = self.data_entry(name).get("file")
        if configured:
            return resolve_setting(self.root, configured, setting_label("data", name),
                                   suffixes=DATA_SUFFIXES)
        found = find_input(self.data_dir, name)
        if found is None:
            return None
        return resolve_setting(self.root, found.relative_to(self.root),
                               f"Datei für [data] {name}", source="")

    def logo(self) -> bytes | None:
        """The bytes of ``[consultant] logo`` (a PNG, JPEG or SVG by content), or ``None``.

        ``None`` when no logo is set or the file is missing; a logo outside the workspace,
        not a regular file or not an image raises :class:`WorkspaceError`.
        """
        value = self.section("consultant").get("logo")
        return _read_logo(self.root, value) if value else None


# -- creating -------------------------------------------------------------------------------

TEMPLATE_HEADERS: dict[str, list[str]] = {
    "transactions": ["Datum", "Kundennummer", "Belegnummer", "Artikel", "Menge", "Umsatz", "Marge"],
    "nps": ["Datum", "Kundennummer", "Bewertung", "Segment", "Kommentar",
            "Wie sind Sie auf uns aufmerksam geworden?"],
    "posts": ["Beitrag", "Datum", "Likes", "Kommentare", "Geteilt", "Reichweite", "Impressionen",
              "Follower", "Klicks"],
    "complaints": ["Datum", "Kundennummer", "Kategorie", "Erledigt", "Zufrieden",
                   "Tage bis Lösung"],
}

_DATA_README = """\
# Daten für kbworkbook

Legen Sie hier die Exporte Ihres Kunden ab – unter dem Namen, den Kasse, Shop oder
Buchhaltung vergeben haben (z. B. orders_export_1.csv). Jede Datei darf CSV (Trennzeichen
; , oder Tab, Dezimalkomma erlaubt), Excel (.xlsx), Excel-»Unicode-Text« oder Parquet sein.
Jede Datei wird an ihren Spalten erkannt; Exporte aus Shopify, WooCommerce, SumUp und
DATEV (EXTF) brauchen keine Einstellung. Die Vorlagen enthalten nur die Kopfzeile; Spalten in
anderer Reihenfolge oder mit anderen üblichen Namen werden erkannt (z. B. »Kunden-Nr.«,
»Belegdatum«, »Betrag«). Unbekannte Überschriften ordnen Sie in kbworkbook.toml zu
([data.transactions.columns]). Prüfen Sie die Dateien mit

    kbworkbook check <ORDNER>

Namen, E-Mail-Adressen, Telefonnummern und Adressen werden beim Einlesen verworfen; sie
gehören nicht in die Auswertung und erscheinen nie im Bericht. Ist eine E-Mail-Adresse,
Telefonnummer oder ein Name der einzige Kundenschlüssel, wird daraus ein Pseudonym; das
Geheimnis dafür liegt in .kbworkbook-secret im Arbeitsordner (nicht weitergeben).

## transactions.csv – Verkäufe (Pflicht für Kennzahlen und Kundenwert)
Eine Zeile pro Verkauf oder Belegposition: Datum, Umsatz (netto), Kundennummer (leer bei
Laufkundschaft), optional Belegnummer, Artikel, Menge, Marge, Belegart (Storno/Retoure werden
abgezogen). Quelle: Kassensystem (Export »Belege« / »Journal«),
Onlineshop (Bestellungen), Warenwirtschaft oder Buchhaltung (Debitoren-Umsätze).
Retouren und Gutschriften dürfen als negative Beträge enthalten sein.

## nps.csv – Weiterempfehlungs-Umfrage (optional)
Eine Zeile pro Antwort auf die Frage »Wie wahrscheinlich ist es, dass Sie uns einem Freund
oder Kollegen weiterempfehlen?« (0–10). Optional Datum, Kundennummer, Segment, Kommentar
und die Antwort auf »Wie sind Sie auf uns aufmerksam geworden?« (freier Text oder Auswahl,
z. B. »Empfehlung«, »Instagram«, »Vorbeigelaufen«): daraus wird die Empfehlungsquote, also
wie viele tatsächlich auf Empfehlung kamen. Quelle: Umfrage-Tool (z. B. Export als CSV),
Papierbogen abgetippt.

## posts.csv – Social-Media-Beiträge (optional)
Eine Zeile pro Beitrag: Kennung, Datum, Likes, Kommentare, Geteilt, optional Reichweite,
Impressionen, Follower, Klicks. Quelle: Statistik-Export von Facebook/Instagram/LinkedIn.

## complaints.csv – Beschwerden (optional)
Eine Zeile pro Beschwerde: Datum, Erledigt (ja/nein), Zufrieden (ja/nein), optional
Kundennummer, Kategorie, Tage bis Lösung. Quelle: Beschwerdebuch, Ticketsystem, CRM.
"""


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def create_workspace(
    path: str | os.PathLike[str],
    client: str,
    locale: str = "de-CH",
    currency: str | None = None,
) -> Workspace:
    """Create a new workspace at ``path`` and return it opened.

    Refuses (``WorkspaceError``) when ``path`` already holds a kbworkbook.toml or other files.
    """
    root = Path(path).expanduser()
    locale_norm = normalize_locale(locale)
    if currency is None:
        currency = "CHF" if locale_norm == "de-CH" else "EUR"
    currency = currency.upper()
    if currency not in CURRENCIES:
        raise WorkspaceError(f"Währung »{currency}« ist unbekannt; erlaubt sind CHF und EUR.")
    if not client.strip():
        raise WorkspaceError("Bitte einen Kundennamen angeben: --client \"Name des Kunden\".")
    if (root / CONFIG_FILE).exists():
        raise WorkspaceError(
            f"In »{root}« gibt es schon einen Arbeitsordner ({CONFIG_FILE}); er wird nicht "
            "überschrieben. Wählen Sie einen anderen Ordner."
        )
    if root.exists() and any(root.iterdir()):
        raise WorkspaceError(
            f"Der Ordner »{root}« ist nicht leer; ein neuer Arbeitsordner wird nur in einem "
            "leeren oder neuen Ordner angelegt."
        )
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "answers").mkdir(exist_ok=True)
    (root / "reports").mkdir(exist_ok=True)
    config = f"""\
# kbworkbook – Arbeitsordner für {client.replace(chr(10), ' ')}
[client]
name = {_toml_string(client)}
locale = "{locale_norm}"
currency = "{currency}"
# market = "b2b"             # Kundschaft sind Firmen (Standard "b2c": Privatpersonen)

[consultant]
name = ""
company = ""
# logo = "logo.png"   # Pfad relativ zu diesem Ordner
color = "#1d4e89"

[analysis]
# as_of = 2025-12-31        # Stichtag; leer = letzter Tag mit Daten
window_months = 12
stammkunde_min_orders = 2
# Kundenlebenszyklus (Kapitel 4), alle Angaben in Tagen bzw. Monaten; leer = aus den Daten:
# new_days = 90              # neu: erster Einkauf in den letzten … Tagen
# at_risk_days = 30          # gefährdet: länger als … Tage kein Einkauf
# lapse_days = 120           # verloren: … Tage kein Einkauf (auch »Wie lange bleiben Kunden?«)
# lifecycle_months = 3       # voriger Stichtag: … Monate vor dem Stichtag
# previous_as_of = 2025-09-30  # oder: Stichtag des vorigen Berichts

[data]
# transactions = "data/umsaetze.csv"   # andere Dateinamen hier eintragen
# Spalten mit unbekannten Überschriften zuordnen (»kbworkbook check« schlägt das vor):
# [data.transactions.columns]
# date = "Buchungstag"
# customer_id = "Kd-Nr"
# revenue = "Betrag netto"

[economics]
# margin_rate = 0.3          # Deckungsbeitrag in Prozent vom Umsatz (0..1)
# discount_rate = 0.08       # Kalkulationszins pro Jahr für den Kundenwert (CLV)
# clv_horizon_years = 10     # Zeithorizont des Kundenwerts in Jahren
"""
    for name, header in TEMPLATE_HEADERS.items():
        atomic_write_text(root / "data" / f"{name}.csv", ";".join(header) + "\n")
    atomic_write_text(root / "data" / "README.md", _DATA_README)
    atomic_write_text(root / CONFIG_FILE, config)  # last: its presence marks a workspace
    return Workspace.open(root)


def _playground_root() -> Path:
    home = Path(os.environ.get(HOME_ENV) or Path.home() / ".kbworkbook")
    return home / "beispielkunde"


def sample_playground() -> Workspace:
    """A writable copy of the sample client for trying the forms live.

    The bundled sample stays untouched (its answers are part of the tests and the demo report);
    the copy is made once under ``~/.kbworkbook/beispielkunde`` (or ``$KBWORKBOOK_HOME``) and
    kept, so answers given there survive a kernel restart like in a real workspace.
    """
    import shutil
    import tempfile

    root = _playground_root()
    if not (root / CONFIG_FILE).is_file():
        root.parent.mkdir(parents=True, exist_ok=True)
        # copy beside the target, then rename: an interrupted copy never looks complete
        staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=root.parent))
        try:
            shutil.copytree(SAMPLE_WORKSPACE, staging, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("reports", ".gitkeep",
                                                          ".gitattributes"))
            (staging / "reports").mkdir(exist_ok=True)
            if root.exists() and not any(root.iterdir()):
                root.rmdir()
            try:
                os.rename(staging, root)
            except OSError:
                if not (root / CONFIG_FILE).is_file():  # not a concurrent twin: a real error
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return Workspace.open(root)
