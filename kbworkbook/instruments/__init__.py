"""The catalogue of retention instruments (data in ``catalogue.toml``, German and English).

Each :class:`Instrument` names the factor it strengthens (F1..F6 of the kbworkbook model, or
none), whether it builds Verbundenheit or Gebundenheit, its cost types (E einmalig, F laufend
fix, V pro Teilnehmer, U umsatzabhängig, Z Personalzeit) and its cost drivers with editable
default amounts. :func:`cost_assumptions` turns an instrument's driver amounts plus the
client's figures into :class:`kbworkbook.economics.CostAssumptions`.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..economics import CostAssumptions
from ..errors import KbWorkbookError

__all__ = [
    "COST_TYPES",
    "CATALOGUE_FILE",
    "Catalogue",
    "CatalogueError",
    "CostDriver",
    "Instrument",
    "MARKETS",
    "cost_assumptions",
    "load_catalogue",
]

CATALOGUE_FILE = Path(__file__).with_name("catalogue.toml")
COST_TYPES: tuple[str, ...] = ("E", "F", "V", "U", "Z")
_FACTORS = ("F1", "F2", "F3", "F4", "F5", "F6")
_BINDINGS = ("verbundenheit", "gebundenheit")
_BASES = ("customers", "complaints")
MARKETS: tuple[str, ...] = ("b2c", "b2b")


class CatalogueError(KbWorkbookError):
    """The instrument catalogue is broken or an unknown instrument was requested."""


def _text(entry: Mapping[str, str], language: str) -> str:
    return entry.get("en" if language == "en" else "de") or entry["de"]


@dataclass(frozen=True)
class CostDriver:
    """One cost driver of an instrument; ``amount`` unit depends on ``type`` (see module doc)."""

    key: str
    type: str
    amount: float
    label_de: str
    label_en: str

    def label(self, language: str = "de") -> str:
        return self.label_en if language == "en" else self.label_de


@dataclass(frozen=True)
class Instrument:
    """A retention instrument with its classification and default assumptions."""

    key: str
    group: str
    factor: str | None
    binding: str
    binding_kind: str | None
    cost_types: tuple[str, ...]
    drivers: tuple[CostDriver, ...]
    participation: float
    participants_basis: str
    uplift: float
    extra_transactions: float
    metric: str
    name_de: str
    name_en: str
    description_de: str
    description_en: str
    #: the markets the instrument suits (``b2c`` consumers, ``b2b`` firms)
    markets: tuple[str, ...] = MARKETS
    #: wording for firms as customers: ``{"name": {"de": …, "en": …}, "description": …}``
    b2b: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: items of the touchpoint questionnaire (kontaktpunkte) the instrument improves
    touchpoints: tuple[str, ...] = ()
    #: the action the action plan proposes for it ({de, en}); empty: "Einführen: <name>"
    action_text: Mapping[str, str] = field(default_factory=dict, hash=False)

    def action(self, language: str = "de") -> str:
        """The proposed action in ``language`` ('' when the catalogue gives none)."""
        return _text(self.action_text, language) if self.action_text else ""

    def for_market(self, market: str) -> Instrument:
        """This instrument worded for ``market`` (``b2b``: the B2B name and description where
        the catalogue has them)."""
        if market != "b2b" or not self.b2b:
            return self
        name, text = self.b2b.get("name", {}), self.b2b.get("description", {})
        return replace(self, name_de=name.get("de", self.name_de),
                       name_en=name.get("en", self.name_en),
                       description_de=text.get("de", self.description_de),
                       description_en=text.get("en", self.description_en))

    def name(self, language: str = "de") -> str:
        return self.name_en if language == "en" else self.name_de

    def description(self, language: str = "de") -> str:
        return self.description_en if language == "en" else self.description_de

    def default_amounts(self) -> dict[str, float]:
        """Driver key → default amount."""
        return {d.key: d.amount for d in self.drivers}

    def driver(self, key: str) -> CostDriver:
        for d in self.drivers:
            if d.key == key:
                return d
        raise KeyError(key)


@dataclass(frozen=True)
class Catalogue:
    """All instruments plus the label tables (factors, bindings, groups, cost types, metrics)."""

    instruments: tuple[Instrument, ...]
    labels: Mapping[str, Mapping[str, Mapping[str, str]]]

    def __iter__(self) -> Any:
        return iter(self.instruments)

    def __len__(self) -> int:
        return len(self.instruments)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.instruments)

    def get(self, key: str) -> Instrument:
        """The instrument ``key``; unknown keys raise :class:`CatalogueError` with a hint."""
        for item in self.instruments:
            if item.key == key:
                return item
        match = difflib.get_close_matches(key, self.keys, n=1, cutoff=0.6)
        hint = f" Meinten Sie »{match[0]}«?" if match else ""
        raise CatalogueError(
            f"Die Maßnahme »{key}« gibt es im Katalog nicht.{hint} "
            f"Verfügbar sind: {', '.join(self.keys)}."
        )

    def label(self, table: str, key: str | None, language: str = "de") -> str:
        """Label of ``key`` in ``table`` (``factors``, ``groups``, ``metrics`` …); '' for none."""
        if not key:
            return ""
        entry = self.labels.get(table, {}).get(key)
        return _text(entry, language) if entry else key

    def for_market(self, market: str, *, hide: bool = True) -> Catalogue:
        """The catalogue for a client selling to consumers (``b2c``) or firms (``b2b``): every
        instrument in that market's wording; with ``hide`` only those that suit the market
        (a stamp card is no instrument for firms, key account care none for a bakery)."""
        kept = tuple(i.for_market(market) for i in self.instruments
                     if not hide or market in i.markets)
        return replace(self, instruments=kept)

    def by_group(self) -> dict[str, list[Instrument]]:
        """Instruments per group, in catalogue order."""
        groups: dict[str, list[Instrument]] = {g: [] for g in self.labels.get("groups", {})}
        for item in self.instruments:
            groups.setdefault(item.group, []).append(item)
        return {g: items for g, items in groups.items() if items}


def _parse_instrument(raw: Mapping[str, Any], labels: Mapping[str, Any]) -> Instrument:
    key = str(raw.get("key", "?"))
    where = f"catalogue.toml, Maßnahme »{key}«"
    problems: list[str] = []
    factor = str(raw.get("factor", "")) or None
    if factor is not None and factor not in _FACTORS:
        problems.append(f"{where}: unbekannter Faktor »{factor}«")
    if raw.get("binding") not in _BINDINGS:
        problems.append(f"{where}: binding muss verbundenheit oder gebundenheit sein")
    kind = str(raw.get("binding_kind", "")) or None
    if kind is not None and kind not in labels.get("binding_kinds", {}):
        problems.append(f"{where}: unbekannte Bindungsart »{kind}«")
    if raw.get("group") not in labels.get("groups", {}):
        problems.append(f"{where}: unbekannte Gruppe »{raw.get('group')}«")
    if raw.get("metric") not in labels.get("metrics", {}):
        problems.append(f"{where}: unbekannte Kennzahl »{raw.get('metric')}«")
    if raw.get("participants_basis") not in _BASES:
        problems.append(f"{where}: participants_basis muss customers oder complaints sein")
    cost_types = tuple(str(t) for t in raw.get("cost_types", ()))
    if not cost_types or any(t not in COST_TYPES for t in cost_types):
        problems.append(f"{where}: Kostenarten {cost_types} nicht aus {COST_TYPES}")
    drivers: list[CostDriver] = []
    for d in raw.get("drivers", ()):
        if d.get("type") not in cost_types:
            problems.append(f"{where}: Kostentreiber »{d.get('key')}« hat eine fremde Kostenart")
        amount = float(d.get("amount", -1))
        if amount < 0 or (d.get("type") == "U" and amount > 1):
            problems.append(f"{where}: Betrag von »{d.get('key')}« ist ungültig")
        drivers.append(CostDriver(str(d["key"]), str(d["type"]), amount, str(d["de"]),
                                  str(d["en"])))
    if {d.type for d in drivers} != set(cost_types):
        problems.append(f"{where}: jede Kostenart braucht mindestens einen Kostentreiber")
    participation = float(raw.get("participation", -1))
    uplift = float(raw.get("uplift", -1))
    if not 0 <= participation <= 1 or not 0 <= uplift <= 0.2:
        problems.append(f"{where}: participation oder uplift außerhalb des Bereichs")
    name = raw.get("name", {})
    description = raw.get("description", {})
    if not all(name.get(lang) and description.get(lang) for lang in ("de", "en")):
        problems.append(f"{where}: Name und Beschreibung brauchen de und en")
    markets = tuple(str(m) for m in raw.get("markets", MARKETS))
    if not markets or any(m not in MARKETS for m in markets):
        problems.append(f"{where}: markets muss aus {', '.join(MARKETS)} gewählt sein")
    b2b = {part: {lang: str(entry[f"{lang}_b2b"]) for lang in ("de", "en")
                  if entry.get(f"{lang}_b2b")}
           for part, entry in (("name", name), ("description", description))}
    if problems:
        raise CatalogueError("\n".join(problems))
    return Instrument(
        key=key,
        group=str(raw["group"]),
        factor=factor,
        binding=str(raw["binding"]),
        binding_kind=kind,
        cost_types=cost_types,
        drivers=tuple(drivers),
        participation=participation,
        participants_basis=str(raw["participants_basis"]),
        uplift=uplift,
        extra_transactions=float(raw.get("extra_transactions", 0.0)),
        metric=str(raw["metric"]),
        name_de=str(name["de"]),
        name_en=str(name["en"]),
        description_de=str(description["de"]),
        description_en=str(description["en"]),
        markets=markets,
        b2b=MappingProxyType({k: MappingProxyType(v) for k, v in b2b.items() if v}),
        touchpoints=tuple(str(t) for t in raw.get("touchpoints", ())),
        action_text=MappingProxyType({k: str(v) for k, v in raw.get("action", {}).items()
                                      if k in ("de", "en")}),
    )


def _load(path: Path) -> Catalogue:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"Der Maßnahmenkatalog {path} ist nicht lesbar: {exc}") from None
    label_tables = ("cost_types", "factors", "bindings", "binding_kinds", "groups", "metrics")
    labels = {t: MappingProxyType(dict(raw.get(t, {}))) for t in label_tables}
    instruments = tuple(_parse_instrument(item, labels) for item in raw.get("instrument", ()))
    keys = [i.key for i in instruments]
    if len(set(keys)) != len(keys):
        raise CatalogueError(f"{path.name}: Maßnahmen-Schlüssel sind nicht eindeutig.")
    return Catalogue(instruments=instruments, labels=MappingProxyType(labels))


@lru_cache(maxsize=4)
def _load_cached(path: str) -> Catalogue:
    return _load(Path(path))


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load (and cache) the catalogue; ``None`` = the bundled ``catalogue.toml``."""
    return _load_cached(str(Path(path or CATALOGUE_FILE).resolve()))


def cost_assumptions(
    instrument: Instrument,
    amounts: Mapping[str, float] | None,
    *,
    participants: float,
    participant_revenue: float,
    hour_rate: float,
    years: float = 3.0,
    windfall_share: float = 0.0,
) -> CostAssumptions:
    """Sum an instrument's driver amounts by cost type into :class:`CostAssumptions`.

    ``amounts`` overrides the default amount per driver key (missing keys keep the default;
    unknown keys raise :class:`CatalogueError`). Revenue-based drivers (U) are added up as a
    rate; the windfall share only matters where the instrument has a U driver.
    """
    values = instrument.default_amounts()
    for key, value in (amounts or {}).items():
        if key not in values:
            raise CatalogueError(
                f"Die Maßnahme »{instrument.key}« hat keinen Kostentreiber »{key}«; "
                f"bekannt sind {', '.join(values)}."
            )
        values[key] = float(value)
    totals = dict.fromkeys(COST_TYPES, 0.0)
    for driver in instrument.drivers:
        totals[driver.type] += values[driver.key]
    return CostAssumptions(
        setup=totals["E"],
        years=years,
        fixed=totals["F"],
        per_participant=totals["V"],
        participants=participants,
        discount_rate=totals["U"],
        participant_revenue=participant_revenue if totals["U"] else 0.0,
        hours=totals["Z"],
        hour_rate=hour_rate,
        windfall_share=windfall_share if totals["U"] else 0.0,
    )
