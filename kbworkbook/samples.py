"""Seeded generator of the bundled sample client, "Bäckerei Sonnenschein GmbH".

``generate(dest)`` writes a complete, fictitious workspace for a bakery-café in Switzerland
(de-CH, CHF), 2023-01-01 to 2025-12-31, analysis date 2025-12-31:

``kbworkbook.toml``
    client, consultant, analysis period and the cost assumptions of the economics chapter.
``data/transactions.csv``
    loyalty-card receipt lines the way German Excel saves CSV: cp1252, ``;``, decimal comma,
    ``dd.mm.yyyy``, CRLF. About 3,000 customers, 60,000-100,000 lines; seasonality, weekly
    pattern, regulars, occasional and one-off customers, churn (higher in 2025), newcomers
    (with a campaign in spring 2024), price rises and a few credit notes (negative amounts).
``data/nps.xlsx``
    two NPS survey waves (March 2024, October 2025) with deliberately *fake* names and e-mail
    addresses (the loader must drop them) and comments on the themes of
    ``metrics/nps_themes.toml``, a few containing phone numbers, e-mail addresses, an IBAN and
    a name (to prove that quotes are masked); and the answer to "Wie sind Sie auf uns
    aufmerksam geworden?" (about a quarter name a recommendation; promoters more often than
    others; some left blank).
``data/posts.csv``
    about 80 Instagram/Facebook posts (UTF-8 with BOM, ``,``, ISO dates).
``data/complaints.csv``
    about 60 complaints (UTF-8, ``;``, ``dd.mm.yyyy``, ``ja``/``nein``).

Everything derives from ``numpy.random.default_rng(seed)``; there is no wall-clock time, so the
same seed gives byte-for-byte identical files (the xlsx is rewritten with constant zip entry
dates and stored, uncompressed entries so that no zlib version can change its bytes).
Run ``python -m kbworkbook.samples DEST`` to write the files to ``DEST``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from .fileio import atomic_write_bytes

__all__ = ["DEFAULT_SEED", "END", "START", "generate", "main"]

DEFAULT_SEED = 20251231
START = dt.date(2023, 1, 1)
END = dt.date(2025, 12, 31)
#: Constant timestamp for everything that would otherwise carry "now" (xlsx properties, zip).
_FIXED_STAMP = dt.datetime(2025, 12, 31, 0, 0, 0)

TRANSACTIONS_HEADER = (
    "Belegdatum", "Kunden-Nr.", "Belegnummer", "Artikel", "Menge", "Umsatz (CHF)", "Marge (CHF)",
)
NPS_HEADER = ("Datum", "Kundennummer", "Name", "E-Mail", "Bewertung", "Kommentar",
              "Wie sind Sie auf uns aufmerksam geworden?")
POSTS_HEADER = (
    "Post-ID", "Datum", "Plattform", "Likes", "Kommentare", "Geteilt", "Reichweite",
    "Impressionen", "Follower",
)
COMPLAINTS_HEADER = (
    "Datum", "Kundennummer", "Kategorie", "Erledigt", "Zufrieden", "Tage bis Lösung",
)

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


# -- calendar ---------------------------------------------------------------------------------

_EASTER = {2023: dt.date(2023, 4, 9), 2024: dt.date(2024, 3, 31), 2025: dt.date(2025, 4, 20)}
#: Two weeks of summer holidays (Betriebsferien): the shop is closed.
_HOLIDAYS_SUMMER = {2023: dt.date(2023, 7, 17), 2024: dt.date(2024, 7, 15),
                    2025: dt.date(2025, 7, 14)}
#: Relative traffic Monday..Sunday (Sunday: open 7-12 only).
_WEEKDAY = np.array([0.90, 0.95, 0.95, 1.00, 1.12, 1.50, 0.45])
#: Relative traffic January..December (summer dip, December peak).
_MONTH = np.array([0.95, 0.95, 1.00, 1.00, 1.00, 0.95, 0.90, 0.85, 1.00, 1.00, 1.05, 1.25])
#: Loyalty-card campaign ("Frühlingsaktion"): more sign-ups in these weeks.
_CAMPAIGN = (dt.date(2024, 3, 18), dt.date(2024, 4, 28))


@dataclass(frozen=True)
class _Calendar:
    """Day-level arrays for START..END (index 0 = START)."""

    dates: NDArray[np.datetime64]
    weekday: IntArray  # 0 = Monday
    month: IntArray  # 1..12
    year: IntArray
    open: NDArray[np.bool_]
    traffic: FloatArray  # relative customer traffic, 0 on closed days

    @property
    def n(self) -> int:
        return len(self.dates)

    def index(self, day: dt.date) -> int:
        return (day - START).days


def _calendar() -> _Calendar:
    dates = np.arange(np.datetime64(START), np.datetime64(END) + 1, dtype="datetime64[D]")
    weekday = ((dates.astype(np.int64) + 3) % 7).astype(np.int64)  # 1970-01-01 was a Thursday
    months = dates.astype("datetime64[M]")
    month = (months.astype(np.int64) % 12 + 1).astype(np.int64)
    year = (dates.astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.int64)
    is_open = np.ones(len(dates), dtype=bool)
    closed: list[dt.date] = []
    for y in (2023, 2024, 2025):
        easter = _EASTER[y]
        closed += [dt.date(y, 1, 1), dt.date(y, 8, 1), dt.date(y, 12, 25), dt.date(y, 12, 26),
                   easter - dt.timedelta(days=2), easter + dt.timedelta(days=1)]
        closed += [_HOLIDAYS_SUMMER[y] + dt.timedelta(days=k) for k in range(14)]
    for day in closed:
        is_open[(day - START).days] = False
    traffic = _WEEKDAY[weekday] * _MONTH[month - 1] * is_open
    return _Calendar(dates, weekday, month, year, is_open, traffic.astype(np.float64))


def _season_masks(cal: _Calendar) -> dict[str, NDArray[np.bool_]]:
    """Days on which the seasonal specialities are sold."""
    d = cal.dates
    gritti = np.zeros(cal.n, dtype=bool)
    koenig = np.zeros(cal.n, dtype=bool)
    ostern = np.zeros(cal.n, dtype=bool)
    for y in (2023, 2024, 2025):
        gritti |= (d >= np.datetime64(dt.date(y, 11, 22))) & (d <= np.datetime64(dt.date(y, 12, 6)))
        koenig |= (d >= np.datetime64(dt.date(y, 1, 2))) & (d <= np.datetime64(dt.date(y, 1, 8)))
        easter = _EASTER[y]
        ostern |= ((d >= np.datetime64(easter - dt.timedelta(days=16)))
                   & (d <= np.datetime64(easter + dt.timedelta(days=1))))
    return {"Grittibänz": gritti, "Dreikönigskuchen": koenig, "Osterfladen": ostern}


# -- products ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Product:
    name: str
    price: float  # CHF in 2023 (until the first price rise)
    margin: float  # gross margin share of revenue (revenue minus cost of goods)
    extra_qty: float  # mean of the Poisson added to quantity 1
    returnable: bool = False


_PRODUCTS: tuple[_Product, ...] = (
    _Product("Ruchbrot", 4.20, 0.68, 0.10, True),
    _Product("Vollkornbrot", 5.40, 0.66, 0.05, True),
    _Product("Zopf", 6.80, 0.64, 0.10, True),
    _Product("Gipfeli", 1.60, 0.64, 1.30),
    _Product("Weggli", 1.10, 0.66, 1.60),
    _Product("Laugenbrezel", 2.20, 0.66, 0.50),
    _Product("Nussgipfel", 3.20, 0.58, 0.30),
    _Product("Kuchenstück", 5.50, 0.56, 0.60, True),
    _Product("Torte (ganz)", 42.00, 0.50, 0.00, True),
    _Product("Rahm", 3.40, 0.28, 0.10),
    _Product("Kaffee", 4.30, 0.80, 0.30),
    _Product("Cappuccino", 5.20, 0.76, 0.20),
    _Product("Sandwich", 8.90, 0.48, 0.10, True),
    _Product("Birchermüesli", 6.50, 0.54, 0.05),
    _Product("Grittibänz", 4.80, 0.62, 0.80),
    _Product("Dreikönigskuchen", 16.50, 0.58, 0.05),
    _Product("Osterfladen", 4.90, 0.57, 0.40),
)
_PNAMES = [p.name for p in _PRODUCTS]
_P = {name: i for i, name in enumerate(_PNAMES)}
#: Price rises (factor applies from that day on, cumulative); Swiss prices end in 0 or 5 Rappen.
_PRICE_RISES = ((dt.date(2024, 3, 1), 1.04), (dt.date(2025, 3, 1), 1.03))

#: Shopping missions: each receipt has one; its lines come from this product mix.
_THEMES: dict[str, dict[str, float]] = {
    "Café": {"Kaffee": 30, "Cappuccino": 22, "Gipfeli": 20, "Nussgipfel": 10,
             "Kuchenstück": 10, "Laugenbrezel": 4, "Weggli": 3},
    "Brot": {"Ruchbrot": 30, "Vollkornbrot": 14, "Zopf": 14, "Weggli": 16, "Gipfeli": 8,
             "Rahm": 6, "Laugenbrezel": 6},
    "Mittag": {"Sandwich": 40, "Birchermüesli": 20, "Kaffee": 15, "Laugenbrezel": 10,
               "Kuchenstück": 8, "Cappuccino": 7},
    "Fest": {"Kuchenstück": 30, "Torte (ganz)": 14, "Rahm": 18, "Zopf": 10, "Nussgipfel": 12,
             "Gipfeli": 6},
}
_THEME_NAMES = list(_THEMES)
#: Base share of receipts per theme.
_THEME_SHARE = np.array([0.38, 0.36, 0.14, 0.12])
_THEME_EXTRA_LINES = np.array([0.80, 0.90, 0.45, 0.60])
_MAX_LINES = 4


def _price_table(cal: _Calendar) -> tuple[IntArray, FloatArray]:
    """Price in Rappen per (day, product) and the margin share per product."""
    base = np.array([p.price for p in _PRODUCTS])
    factor = np.ones(cal.n)
    level = 1.0
    for day, rise in _PRICE_RISES:
        level *= rise
        factor[cal.index(day):] = level
    rappen = np.rint(base[None, :] * factor[:, None] * 20.0).astype(np.int64) * 5
    return rappen, np.array([p.margin for p in _PRODUCTS])


def _product_weights(cal: _Calendar) -> FloatArray:
    """Product probabilities per (theme, day, product), seasonal items only in season."""
    w = np.zeros((len(_THEMES), cal.n, len(_PRODUCTS)))
    for t, mix in enumerate(_THEMES.values()):
        for name, weight in mix.items():
            w[t, :, _P[name]] = weight
    month = cal.month
    summer = (month >= 6) & (month <= 8)
    weekend = cal.weekday >= 5
    december = month == 12
    bread = [_P["Ruchbrot"], _P["Vollkornbrot"], _P["Zopf"]]
    w[:, :, bread] *= np.where(summer, 0.75, 1.0)[None, :, None]
    w[:, :, _P["Zopf"]] *= np.where(weekend, 3.0, 0.6)[None, :]
    for name in ("Torte (ganz)", "Kuchenstück", "Rahm"):
        w[:, :, _P[name]] *= np.where(december, 1.6, 1.0)[None, :]
    w[:, :, _P["Birchermüesli"]] *= np.where(summer, 1.6, 1.0)[None, :]
    seasons = _season_masks(cal)
    seasonal = {"Grittibänz": (("Café", 14), ("Brot", 18), ("Fest", 30)),
                "Dreikönigskuchen": (("Brot", 10), ("Fest", 40)),
                "Osterfladen": (("Café", 8), ("Brot", 8), ("Fest", 35))}
    for name, targets in seasonal.items():
        for theme, weight in targets:
            w[_THEME_NAMES.index(theme), seasons[name], _P[name]] = weight
    return w / w.sum(axis=2, keepdims=True)


def _theme_probs(cal: _Calendar) -> FloatArray:
    """Theme probabilities per day (weekends: more bread and cakes; December: more cakes)."""
    p = np.tile(_THEME_SHARE, (cal.n, 1))
    weekend = cal.weekday >= 5
    p[weekend, 1] *= 1.3
    p[weekend, 2] *= 0.5
    p[weekend, 3] *= 1.5
    p[cal.month == 12, 3] *= 1.8
    summer = (cal.month >= 6) & (cal.month <= 8)
    p[summer, 1] *= 0.8
    p[summer, 2] *= 1.3
    return p / p.sum(axis=1, keepdims=True)


# -- customers --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Segment:
    name: str
    existing: int  # card holders before 2023
    new: int  # acquired 2023-2025
    visits_per_week: float  # median
    spread: float  # lognormal sigma of the visit rate between customers
    churn_per_year: float  # hazard in 2023/2024; multiplied by _CHURN_2025


_SEGMENTS = (
    _Segment("Stammkunde", 140, 40, 1.40, 0.40, 0.09),
    _Segment("Gelegenheitskunde", 560, 690, 0.20, 0.60, 0.36),
    _Segment("Einmalkunde", 120, 1460, 0.05, 0.60, 1.10),
)
_CHURN_2025 = 2.6
_CAMPAIGN_BOOST = 3.5


@dataclass(frozen=True)
class _Customers:
    number: NDArray[np.str_]
    segment: IntArray
    start: IntArray  # day index of the first possible visit (acquisition day for new ones)
    end: IntArray  # last day index with possible visits
    is_new: NDArray[np.bool_]
    rate: FloatArray  # expected visits per unit of traffic weight


def _customers(rng: np.random.Generator, cal: _Calendar) -> _Customers:
    n_by_seg = [s.existing + s.new for s in _SEGMENTS]
    n = sum(n_by_seg)
    segment = np.repeat(np.arange(len(_SEGMENTS)), n_by_seg)
    is_new = np.concatenate([np.r_[np.zeros(s.existing, bool), np.ones(s.new, bool)]
                             for s in _SEGMENTS])
    # acquisition day of newcomers: proportional to traffic, boosted during the campaign
    intensity = cal.traffic.copy()
    c0, c1 = cal.index(_CAMPAIGN[0]), cal.index(_CAMPAIGN[1])
    intensity[c0:c1 + 1] *= _CAMPAIGN_BOOST
    cum = np.cumsum(intensity)
    u = rng.random(n) * cum[-1]
    acquired = np.searchsorted(cum, u, side="right").astype(np.int64)
    start = np.where(is_new, acquired, 0)
    # churn: exponential lifetime under a calendar-dependent hazard (higher in 2025)
    hazard_scale = np.where(cal.year == 2025, _CHURN_2025, 1.0) / 365.0
    cum_h = np.cumsum(hazard_scale)
    base = np.array([s.churn_per_year for s in _SEGMENTS])[segment]
    target = cum_h[start] + rng.exponential(1.0, n) / base
    end = np.minimum(np.searchsorted(cum_h, target, side="left"), cal.n - 1).astype(np.int64)
    median = np.array([s.visits_per_week for s in _SEGMENTS])[segment]
    sigma = np.array([s.spread for s in _SEGMENTS])[segment]
    weekly = median * np.exp(sigma * rng.standard_normal(n))
    weekly = np.minimum(weekly, 5.0)
    rate = weekly / (7.0 * cal.traffic.mean())
    numbers = rng.choice(np.arange(1000, 100000), size=n, replace=False)
    number = np.char.zfill(numbers.astype(str), 6)
    return _Customers(number, segment, start, end, is_new, rate)


# -- transactions -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Lines:
    day: IntArray
    customer: NDArray[np.str_]
    receipt: IntArray
    product: IntArray
    quantity: IntArray
    revenue: IntArray  # Rappen
    margin: IntArray  # Rappen


def _transactions(rng: np.random.Generator, cal: _Calendar, cust: _Customers) -> _Lines:
    cum_t = np.concatenate([[0.0], np.cumsum(cal.traffic)])  # cum_t[k] = traffic before day k
    lo = cum_t[cust.start + cust.is_new.astype(np.int64)]  # newcomers: first visit fixed below
    hi = cum_t[cust.end + 1]
    expected = cust.rate * np.maximum(hi - lo, 0.0)
    n_visits = rng.poisson(expected)
    owner = np.repeat(np.arange(len(cust.rate)), n_visits)
    u = lo[owner] + rng.random(len(owner)) * (hi[owner] - lo[owner])
    visit_day = np.searchsorted(cum_t, u, side="right") - 1
    new_idx = np.flatnonzero(cust.is_new)
    owner = np.concatenate([owner, new_idx])
    visit_day = np.concatenate([visit_day, cust.start[new_idx]]).astype(np.int64)
    # receipts: sorted by day, a random order within the day
    order = np.lexsort((rng.random(len(owner)), visit_day))
    owner, visit_day = owner[order], visit_day[order]
    n_rec = len(owner)
    theme_p = _theme_probs(cal)[visit_day]
    theme = (rng.random(n_rec)[:, None] > np.cumsum(theme_p, axis=1)).sum(axis=1)
    theme = np.minimum(theme, len(_THEMES) - 1)
    n_lines = np.minimum(1 + rng.poisson(_THEME_EXTRA_LINES[theme]), _MAX_LINES)
    rec_of_line = np.repeat(np.arange(n_rec), n_lines)
    weights = _product_weights(cal)
    cum_w = np.cumsum(weights[theme[rec_of_line], visit_day[rec_of_line]], axis=1)
    product = (rng.random(len(rec_of_line))[:, None] > cum_w).sum(axis=1)
    product = np.minimum(product, len(_PRODUCTS) - 1)
    extra = np.array([p.extra_qty for p in _PRODUCTS])
    quantity = 1 + rng.poisson(extra[product])
    # the same article twice on one receipt becomes one line with the summed quantity
    key = rec_of_line * len(_PRODUCTS) + product
    uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    quantity = np.bincount(inverse, weights=quantity).astype(np.int64)
    rec_of_line, product = rec_of_line[first], product[first]
    day = visit_day[rec_of_line]
    price, margin_share = _price_table(cal)
    revenue = quantity * price[day, product]
    margin = np.rint(revenue * margin_share[product]).astype(np.int64)
    customer = cust.number[owner[rec_of_line]]
    receipt = rec_of_line.astype(np.int64)
    return _with_credit_notes(rng, cal, _Lines(day, customer, receipt, product, quantity,
                                               revenue, margin))


def _with_credit_notes(rng: np.random.Generator, cal: _Calendar, lines: _Lines) -> _Lines:
    """Add a few returns (negative lines on their own receipt, 0-3 days after the sale)."""
    returnable = np.array([p.returnable for p in _PRODUCTS])[lines.product]
    candidates = np.flatnonzero(returnable & (lines.day < cal.n - 5))
    picked = np.sort(rng.choice(candidates, size=36, replace=False))
    open_days = np.flatnonzero(cal.open)
    later = lines.day[picked] + rng.integers(0, 4, len(picked))
    day = open_days[np.minimum(np.searchsorted(open_days, later), len(open_days) - 1)]
    quantity = np.ones(len(picked), dtype=np.int64)
    unit = lines.revenue[picked] // lines.quantity[picked]
    unit_margin = lines.margin[picked] // lines.quantity[picked]
    credit = _Lines(day=day.astype(np.int64), customer=lines.customer[picked],
                    receipt=np.full(len(picked), -1, dtype=np.int64),
                    product=lines.product[picked], quantity=-quantity, revenue=-unit,
                    margin=-unit_margin)
    day_all = np.concatenate([lines.day, credit.day])
    # receipt numbers: chronological; credit notes get their own number after the day's sales
    rec_key = np.concatenate([lines.receipt, lines.receipt.max() + 1 + np.arange(len(picked))])
    order = np.lexsort((np.concatenate([lines.product, credit.product]), rec_key, day_all))
    rec_sorted = rec_key[order]
    changes = np.r_[True, rec_sorted[1:] != rec_sorted[:-1]]
    number = 100000 + np.cumsum(changes)

    def cat(a: NDArray[np.generic], b: NDArray[np.generic]) -> NDArray[np.generic]:
        return np.concatenate([a, b])[order]

    return _Lines(
        day=day_all[order],
        customer=cat(lines.customer, credit.customer),  # type: ignore[arg-type]
        receipt=number.astype(np.int64),
        product=cat(lines.product, credit.product),  # type: ignore[arg-type]
        quantity=cat(lines.quantity, credit.quantity),  # type: ignore[arg-type]
        revenue=cat(lines.revenue, credit.revenue),  # type: ignore[arg-type]
        margin=cat(lines.margin, credit.margin),  # type: ignore[arg-type]
    )


def _chf_comma(rappen: IntArray) -> list[str]:
    """Amounts in Rappen as German-Excel text: ``12,50``, ``-4,20``."""
    return [f"{'-' if r < 0 else ''}{abs(r) // 100},{abs(r) % 100:02d}" for r in rappen.tolist()]


def _dates_text(cal: _Calendar, day: IntArray, fmt: str) -> list[str]:
    labels = [(START + dt.timedelta(days=k)).strftime(fmt) for k in range(cal.n)]
    return [labels[k] for k in day.tolist()]


def _transactions_csv(cal: _Calendar, lines: _Lines) -> bytes:
    dates = _dates_text(cal, lines.day, "%d.%m.%Y")
    columns = [dates, lines.customer.tolist(), [str(r) for r in lines.receipt.tolist()],
               [_PNAMES[p] for p in lines.product.tolist()],
               [str(q) for q in lines.quantity.tolist()],
               _chf_comma(lines.revenue), _chf_comma(lines.margin)]
    rows = [";".join(TRANSACTIONS_HEADER)] + [";".join(r) for r in zip(*columns, strict=True)]
    return ("\r\n".join(rows) + "\r\n").encode("cp1252")


# -- NPS survey -------------------------------------------------------------------------------

_FIRST = ("Anna", "Barbara", "Beat", "Christian", "Claudia", "Daniel", "Doris", "Esther",
          "Fabian", "Franziska", "Hans", "Heidi", "Jürg", "Käthi", "Lukas", "Marco", "Martina",
          "Nicole", "Peter", "Regula", "Reto", "Ruth", "Sandra", "Simon", "Stefan", "Ueli",
          "Urs", "Verena", "Yvonne", "Lea", "Noah", "Luca", "Mia", "Elias", "Lina", "Jonas",
          "Andrea", "Priska", "Thomas", "Monika", "René", "Séverine")
_LAST = ("Müller", "Meier", "Schmid", "Keller", "Weber", "Huber", "Schneider", "Meyer",
         "Steiner", "Fischer", "Gerber", "Brunner", "Baumann", "Frei", "Zimmermann", "Moser",
         "Widmer", "Wyss", "Graf", "Roth", "Baumgartner", "Bühler", "Kälin", "Gisler", "Ammann",
         "Suter", "Bachmann", "Lüthi", "Hofer", "Zürcher", "Odermatt", "Studer")
_COMMENTS = {
    "promoter": (
        "Die besten Gipfeli im ganzen Quartier!",
        "Immer freundlich bedient, auch wenn viel los ist.",
        "Der Sonntagszopf ist einfach perfekt.",
        "Super Kaffee und feine Nussgipfel, wir kommen gerne wieder.",
        "Sehr nettes Team, man fühlt sich wie zu Hause.",
        "Die Torte zum Geburtstag war ein Traum. Danke!",
        "Tolles Ruchbrot, knusprig und lange frisch.",
        "Gemütliches Café, ideal für den Znüni.",
        "Dass man mit der Karte Punkte sammelt, finde ich eine schöne Geste.",
        "Die Verkäuferin hat mich beim Apéro-Gebäck super beraten.",
    ),
    "passive": (
        "Gute Qualität, aber am Samstag wartet man lange.",
        "Feines Brot, die Preise sind allerdings gestiegen.",
        "Am Nachmittag ist das Lieblingsbrot oft schon ausverkauft.",
        "Kaffee ist gut, die Sitzplätze sind etwas knapp.",
        "Eine grössere Auswahl an Vollkornprodukten wäre schön.",
        "Die Treuekarte könnte etwas mehr bieten.",
        "Alles in Ordnung, nichts Besonderes.",
        "Parkplätze vor dem Laden fehlen, sonst alles gut.",
    ),
    "detractor": (
        "Seit der Preiserhöhung kaufe ich weniger hier.",
        "Zu lange Wartezeit am Wochenende, das Personal wirkt gestresst.",
        "Das Sandwich war trocken und der Kaffee lauwarm.",
        "Die Öffnungszeiten am Sonntag sind zu kurz.",
        "Die Freundlichkeit hat nachgelassen, schade.",
        "Die bestellte Torte war nicht wie besprochen.",
        "Beim Grossverteiler ist das Brot fast gleich gut und günstiger.",
        "Samstags steht die Schlange bis vor die Tür, das dauert mir zu lange.",
    ),
}
#: Comments with contact details (to prove masking); ``{email}`` = the respondent's address.
_CONTACT_COMMENTS = (
    "Bitte rufen Sie mich an: 079 123 45 67",
    "Ich hätte gerne Infos zu Hochzeitstorten, erreichbar unter 076 555 12 34.",
    "Bitte melden Sie sich bei mir wegen der Geburtstagstorte: {email}",
    "Die Torte war nicht wie bestellt. Bitte Geld zurück auf CH93 0076 2011 6238 5295 7, "
    "Rückfragen unter +41 44 123 45 67.",
    "Anna Keller an der Theke war freundlich, die Bestellung lief trotzdem schief. Schreiben "
    "Sie mir an {email}",
)
_WAVES = (  # (first day, days, answers, P(promoter), P(passive) per segment)
    (dt.date(2024, 3, 4), 21, 185, ((0.70, 0.24), (0.52, 0.32), (0.42, 0.34))),
    (dt.date(2025, 10, 6), 21, 165, ((0.66, 0.24), (0.48, 0.31), (0.38, 0.33))),
)


def _ascii_mail(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "é": "e", "è": "e", " ": ""})
    return text.lower().translate(table)


def _nps_rows(rng: np.random.Generator, cal: _Calendar, cust: _Customers,
              lines: _Lines) -> list[tuple[dt.date, str, str, str, int, str | None]]:
    index = {number: i for i, number in enumerate(cust.number.tolist())}
    first = rng.integers(0, len(_FIRST), len(cust.number))
    last = rng.integers(0, len(_LAST), len(cust.number))
    rows: list[tuple[dt.date, str, str, str, int, str | None]] = []
    contact_budget = list(_CONTACT_COMMENTS)
    for w, (begin, days, answers, probs) in enumerate(_WAVES):
        b = cal.index(begin)
        recent = (lines.day >= b - 90) & (lines.day < b) & (lines.revenue > 0)
        pool = np.unique(lines.customer[recent])
        chosen = rng.choice(pool, size=answers, replace=False)
        seg = cust.segment[[index[c] for c in chosen.tolist()]]
        offsets = np.sort(rng.integers(0, days, answers))
        u = rng.random(answers)
        p_pro = np.array([p[0] for p in probs])[seg]
        p_pas = np.array([p[1] for p in probs])[seg]
        promoter = rng.integers(9, 11, answers)
        passive = rng.integers(7, 9, answers)
        detractor = rng.choice(np.arange(0, 7), size=answers,
                               p=np.array([1, 1, 1, 2, 3, 5, 7]) / 20)
        score = np.where(u < p_pro, promoter, np.where(u < p_pro + p_pas, passive, detractor))
        has_comment = rng.random(answers) < 0.34
        pick = rng.integers(0, 1000, answers)
        contact_at = set(rng.choice(np.flatnonzero(has_comment), size=2 + w, replace=False)
                         .tolist())
        for k, number in enumerate(chosen.tolist()):
            i = index[number]
            fn, ln = _FIRST[first[i]], _LAST[last[i]]
            email = f"{_ascii_mail(fn)}.{_ascii_mail(ln)}@example.ch"
            comment: str | None = None
            if has_comment[k]:
                s = int(score[k])
                band = "promoter" if s >= 9 else "passive" if s >= 7 else "detractor"
                texts = _COMMENTS[band]
                comment = texts[pick[k] % len(texts)]
                if k in contact_at and contact_budget:
                    comment = contact_budget.pop(0).format(email=email)
            rows.append((begin + dt.timedelta(days=int(offsets[k])), number, f"{fn} {ln}",
                         email, int(score[k]), comment))
    return rows


#: answers to "Wie sind Sie auf uns aufmerksam geworden?" (the first two name a recommendation)
_SOURCES = (
    "Empfehlung von Freunden", "Tipp von einer Arbeitskollegin", "Vorbeigelaufen",
    "Wohne in der Nähe", "Instagram", "Google Maps", "Inserat im Dorfblatt",
    "Aktion mit der Treuekarte",
)
_SOURCE_P = {  # by band: promoters came on a recommendation more often
    "promoter": np.array([0.22, 0.08, 0.20, 0.20, 0.10, 0.08, 0.06, 0.06]),
    "other": np.array([0.12, 0.05, 0.25, 0.22, 0.12, 0.10, 0.07, 0.07]),
}


def _nps_sources(rng: np.random.Generator,
                 rows: Sequence[tuple[dt.date, str, str, str, int, str | None]]
                 ) -> list[str | None]:
    """One answer per survey row (about one in six left blank), drawn from its own stream so
    the other columns stay as they were."""
    blank = rng.random(len(rows)) < 0.16
    out: list[str | None] = []
    for k, row in enumerate(rows):
        p = _SOURCE_P["promoter" if row[4] >= 9 else "other"]
        pick = int(rng.choice(len(_SOURCES), p=p))
        out.append(None if blank[k] else _SOURCES[pick])
    return out


def _nps_xlsx(rows: Sequence[tuple[dt.date, str, str, str, int, str | None]],
              sources: Sequence[str | None] | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Antworten"
    ws.append(list(NPS_HEADER))
    found = list(sources) if sources is not None else [None] * len(rows)
    for (date, number, name, email, score, comment), source in zip(rows, found, strict=True):
        ws.append([date, number, name, email, score, comment, source])
    for cell in ws["A"][1:]:
        cell.number_format = "DD.MM.YYYY"
    for col, width in zip("ABCDEFG", (12, 14, 22, 32, 11, 70, 34), strict=True):
        ws.column_dimensions[col].width = width
    wb.properties.creator = "Umfrage-Tool"
    wb.properties.lastModifiedBy = "Umfrage-Tool"
    wb.properties.created = _FIXED_STAMP
    wb.properties.modified = _FIXED_STAMP
    buffer = io.BytesIO()
    wb.save(buffer)
    return _normalise_zip(buffer.getvalue())


_CORE_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite an xlsx so that it has no time in it: constant entry dates, stored entries.

    openpyxl stamps ``docProps/core.xml`` with the save time and the zip entries with the
    current time; both are replaced. Entries are *stored* (not deflated) so the bytes do not
    depend on the zlib version; the entry order is the one openpyxl wrote.
    """
    stamp = _FIXED_STAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = _CORE_MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", payload)
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_STAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_STORED
            entry.external_attr = 0o600 << 16
            entry.create_system = 0
            dst.writestr(entry, payload)
    return out.getvalue()


# -- social media -----------------------------------------------------------------------------

def _posts_csv(rng: np.random.Generator, cal: _Calendar) -> bytes:
    first, last = cal.index(dt.date(2024, 1, 1)), cal.n - 1
    n = 80
    day = np.sort(rng.choice(np.arange(first, last + 1), size=n, replace=False))
    instagram = rng.random(n) < 0.62
    progress = (day - first) / (last - first)
    followers = np.where(instagram, 1200 + 800 * progress, 880 + 170 * progress)
    followers = np.rint(followers * (1 + 0.01 * rng.standard_normal(n))).astype(np.int64)
    seasons = _season_masks(cal)
    special = seasons["Grittibänz"] | seasons["Dreikönigskuchen"] | seasons["Osterfladen"]
    boost = np.where(special[day], 1.6, 1.0) * np.exp(0.35 * rng.standard_normal(n))
    reach = np.rint(followers * np.where(instagram, 0.42, 0.30) * boost).astype(np.int64)
    impressions = np.rint(reach * rng.uniform(1.2, 1.9, n)).astype(np.int64)
    likes = rng.binomial(reach, np.where(instagram, 0.075, 0.045))
    comments = rng.binomial(reach, np.where(instagram, 0.008, 0.006))
    shares = rng.binomial(reach, np.where(instagram, 0.004, 0.010))
    dates = _dates_text(cal, day, "%Y-%m-%d")
    rows = [",".join(POSTS_HEADER)]
    for k in range(n):
        rows.append(",".join([
            f"P-{k + 1:03d}", dates[k], "Instagram" if instagram[k] else "Facebook",
            str(likes[k]), str(comments[k]), str(shares[k]), str(reach[k]),
            str(impressions[k]), str(followers[k]),
        ]))
    return ("\n".join(rows) + "\n").encode("utf-8-sig")


# -- complaints -------------------------------------------------------------------------------

_CATEGORIES = ("Qualität", "Wartezeit", "Freundlichkeit", "Falsche Bestellung", "Preis", "Hygiene")
_CATEGORY_P = np.array([0.28, 0.22, 0.14, 0.16, 0.12, 0.08])


def _complaints_csv(rng: np.random.Generator, cal: _Calendar, lines: _Lines) -> bytes:
    n = 60
    sales = np.flatnonzero(lines.revenue > 0)
    picked = np.sort(rng.choice(sales, size=n, replace=False))
    day = lines.day[picked]
    anonymous = rng.random(n) < 0.15
    category = rng.choice(len(_CATEGORIES), size=n, p=_CATEGORY_P)
    resolved = rng.random(n) < 0.85
    resolved &= day < cal.n - 3  # the newest complaints are still open
    days_to = rng.geometric(0.35, n) - 1
    satisfied = resolved & (rng.random(n) < np.where(days_to <= 2, 0.82, 0.5))
    dates = _dates_text(cal, day, "%d.%m.%Y")
    rows = [";".join(COMPLAINTS_HEADER)]
    for k in range(n):
        rows.append(";".join([
            dates[k], "" if anonymous[k] else str(lines.customer[picked[k]]),
            _CATEGORIES[category[k]], "ja" if resolved[k] else "nein",
            "ja" if satisfied[k] else "nein", str(days_to[k]) if resolved[k] else "",
        ]))
    return ("\n".join(rows) + "\n").encode("utf-8")


# -- configuration ----------------------------------------------------------------------------

_CONFIG = """\
# kbworkbook – Musterbeispiel »Bäckerei Sonnenschein GmbH«
# Erfundene Firma; alle Dateien in data/ erzeugt kbworkbook.samples (Seed {seed}).

[client]
name = "Bäckerei Sonnenschein GmbH"
locale = "de-CH"
currency = "CHF"
industry = "Bäckerei-Café"

[consultant]
name = "Andrea Muster"
company = "Muster Beratung GmbH"
color = "#1d4e89"

[analysis]
as_of = 2025-12-31          # Stichtag der Auswertung
window_months = 12          # Zeitfenster: »aktiv« = mindestens ein Einkauf in 12 Monaten
stammkunde_min_orders = 12  # Bäckerei: Stammkunde = im Schnitt mindestens monatlich (12 Einkäufe)

[data]
# Leer: data/transactions.csv, data/nps.xlsx, data/posts.csv und data/complaints.csv
# werden am Dateinamen erkannt.

[economics]
# Annahmen für das Kapitel »Massnahmen & Wirtschaftlichkeit«; im Workshop prüfen.
# Deckungsbeitrag je Franken Umsatz: Rohertrag laut Kasse (Spalte »Marge«, rund 62 %)
# abzüglich Verpackung, Backenergie und Treuerabatt.
margin_rate = 0.55
# CHF je neu gewonnener Kartenkundin bzw. neuem Kartenkunden (Flyer, Startguthaben).
acquisition_cost = 25
# Kalkulationszinssatz pro Jahr für den Kundenwert (CLV).
discount_rate = 0.08
# CHF je Arbeitsstunde des Personals, inklusive Sozialleistungen.
staff_hour_rate = 45
# Kosten der Betreuung (Kapitel »Kundenwert«, Kundenprofitabilität): CHF je Beschwerde
# (Ersatzware, Zeit); cost_per_order = CHF je Einkauf, hier nicht angesetzt.
cost_per_complaint = 40
"""


# -- public API -------------------------------------------------------------------------------

def generate(dest: str | Path, seed: int = DEFAULT_SEED) -> dict[str, Path]:
    """Write the sample workspace (kbworkbook.toml and data files) below ``dest``.

    Deterministic: the same ``seed`` gives byte-for-byte identical files. Existing files of
    the same names are replaced; nothing else in ``dest`` is touched. Returns the written
    paths keyed ``config``, ``transactions``, ``nps``, ``posts``, ``complaints``.
    """
    root = Path(dest)
    rng = np.random.default_rng(seed)
    # independent streams per file, so a change in one file does not reshuffle the others
    # a sixth stream leaves the first five as they were (spawned children depend on their index)
    r_cust, r_tx, r_nps, r_posts, r_compl, r_source = rng.spawn(6)
    cal = _calendar()
    cust = _customers(r_cust, cal)
    lines = _transactions(r_tx, cal, cust)
    nps_rows = _nps_rows(r_nps, cal, cust, lines)
    files = {
        "config": (root / "kbworkbook.toml", _CONFIG.format(seed=seed).encode("utf-8")),
        "transactions": (root / "data" / "transactions.csv", _transactions_csv(cal, lines)),
        "nps": (root / "data" / "nps.xlsx", _nps_xlsx(nps_rows, _nps_sources(r_source,
                                                                            nps_rows))),
        "posts": (root / "data" / "posts.csv", _posts_csv(r_posts, cal)),
        "complaints": (root / "data" / "complaints.csv", _complaints_csv(r_compl, cal, lines)),
    }
    for path, data in files.values():
        atomic_write_bytes(path, data)
    for folder in ("answers", "reports"):
        (root / folder).mkdir(exist_ok=True)
    return {key: path for key, (path, _) in files.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kbworkbook.samples DEST [--seed N]``: write the sample workspace to DEST."""
    parser = argparse.ArgumentParser(
        prog="python -m kbworkbook.samples",
        description="Erzeugt den Muster-Arbeitsordner »Bäckerei Sonnenschein GmbH«.",
    )
    parser.add_argument("dest", type=Path, help="Zielordner (wird bei Bedarf angelegt)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"Startwert des Zufallsgenerators (Standard {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    written = generate(args.dest, seed=args.seed)
    for path in written.values():
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
