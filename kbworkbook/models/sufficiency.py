"""Data-sufficiency gate: may the BG/NBD and Gamma-Gamma models be used on this summary?

:func:`check_data` looks at an :func:`~kbworkbook.models.rfm_summary` and returns a
:class:`DataSufficiency` whose ``issues`` say in plain German (or English) why a model should
not be shown. Thresholds (:class:`Thresholds`, overridable) and why:

* ``min_customers`` = 300 customers with a customer number, and ``min_repeat_buyers`` = 100 of
  them with at least one repeat purchase. The drop-out parameters a, b are learnt from repeat
  buyers only; on the CDNOW sample (2357 customers, 946 repeat buyers) their standard errors
  are already about a quarter of their size (lifetimes: a = 0.79 ± 0.19, b = 2.43 ± 0.71).
  With a tenth of the customers they grow by √10 ≈ 3 to about the size of the values
  themselves; with fewer the model mostly echoes its assumptions.
* ``min_history_days`` = 180 days of observation (the longest T) and at least
  ``min_gap_multiple`` = 3 × the median gap between repeat purchases: the model tells "gone"
  from "between two purchases" by silence that is long compared with the usual gap; a bakery
  (weekly gap) needs half a year, a furniture shop (yearly gap) three years.
* Gamma-Gamma (value per purchase) additionally needs ``min_repeat_buyers`` repeat buyers with
  a positive mean value and |Pearson correlation(frequency, monetary_value)| among them of at
  most ``max_value_correlation`` = 0.3: the model assumes that how much a customer spends per
  purchase does not depend on how often the customer buys (CDNOW: 0.11).

BG/NBD issues make ``usable`` false (and with it ``value_usable``); Gamma-Gamma issues only
``value_usable``. The assumption behind both, in plain words: the business is non-contractual
(customers do not cancel, they stop buying) and customers can buy at any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from kbworkbook.errors import MetricError
from kbworkbook.i18n import format_decimal, format_integer, language_of, swiss_spelling, tr
from kbworkbook.models.summary import UNIT_DAYS

__all__ = ["DataSufficiency", "GateIssue", "Thresholds", "check_data", "model_assumptions"]


@dataclass(frozen=True)
class Thresholds:
    """Minimum data for the models (see the module docstring for the reasons)."""

    min_customers: int = 300
    min_repeat_buyers: int = 100
    min_history_days: float = 180.0
    min_gap_multiple: float = 3.0
    max_value_correlation: float = 0.3


@dataclass(frozen=True)
class GateIssue:
    """One reason against a model: ``code``, the ``model`` it blocks, the rendered text, and
    the numbers behind it (``values``: name, number) so :meth:`text` can word it again for
    another reader."""

    code: str
    model: Literal["bgnbd", "gamma_gamma"]
    message: str
    values: tuple[tuple[str, float], ...] = ()

    def text(self, locale: str) -> str:
        """The reason in the language and number style of ``locale``."""
        if not self.values and self.code not in _TEXTS:
            return self.message
        shown = {name: _shown(name, value, locale) for name, value in self.values}
        return swiss_spelling(tr(_TEXTS, self.code, language_of(locale), **shown), locale)


@dataclass(frozen=True)
class DataSufficiency:
    """What :func:`check_data` found. ``history_days`` = longest T in days;
    ``median_gap_days`` = median of recency/frequency over repeat buyers (None without any);
    ``value_correlation`` = Pearson(frequency, monetary_value) over repeat buyers with a
    positive value (None when not computable)."""

    customers: int
    repeat_buyers: int
    history_days: float
    median_gap_days: float | None
    value_correlation: float | None
    issues: tuple[GateIssue, ...]

    @property
    def usable(self) -> bool:
        """The BG/NBD (P(alive), expected purchases) may be used."""
        return not any(i.model == "bgnbd" for i in self.issues)

    @property
    def value_usable(self) -> bool:
        """The Gamma-Gamma value and the CLV may be used as well."""
        return self.usable and not self.issues

    @property
    def reasons(self) -> tuple[str, ...]:
        """The issues' texts, BG/NBD first."""
        return tuple(i.message for i in self.issues)


_TEXTS: dict[str, dict[str, str]] = {
    "assumptions": {
        "de": "Die Prognose nimmt an, dass Kunden nicht kündigen, sondern einfach nicht mehr "
        "kaufen, und dass sie jederzeit kaufen können (kein Abo, keine festen Termine). Wer "
        "noch Kunde ist, kauft in seinem eigenen, gleichbleibenden Rhythmus; nach jedem Kauf "
        "kann er wegbleiben. Der Wert pro Kauf hängt nicht davon ab, wie oft jemand kauft.",
        "en": "The forecast assumes that customers do not cancel but simply stop buying, and "
        "that they can buy at any time (no subscription, no fixed dates). A customer who is "
        "still active buys at a steady personal pace and may leave after any purchase. The "
        "value per purchase does not depend on how often someone buys.",
    },
    "few_customers": {
        "de": "Für Kaufprognosen fehlen Kunden: {n} Kunden mit Kundennummer, nötig sind "
        "mindestens {min}. Mit so wenigen Kunden wären die Modellwerte Zufall. Sobald mehr "
        "Käufe einer Kundennummer zugeordnet sind (z. B. über eine Kundenkarte), lässt sich "
        "das Modell rechnen.",
        "en": "Too few customers for purchase forecasts: {n} customers with a customer number, "
        "at least {min} are needed. With so few customers the model's figures would be "
        "chance. Once more purchases are linked to a customer number (e.g. a loyalty card), "
        "the model can be used.",
    },
    "few_repeat_buyers": {
        "de": "Zu wenige Wiederholungskäufer: {n} Kunden haben mehr als einmal gekauft, nötig "
        "sind mindestens {min}. Das Modell lernt aus Wiederholungskäufen, wann Kunden "
        "abwandern; mit so wenigen bleibt das unbestimmt.",
        "en": "Too few repeat buyers: {n} customers bought more than once, at least {min} are "
        "needed. The model learns from repeat purchases when customers leave; with so few "
        "that stays undetermined.",
    },
    "short_history": {
        "de": "Der Zeitraum ist zu kurz: Die Daten reichen {days} Tage zurück, nötig sind "
        "mindestens {min} Tage. Erst über einen längeren Zeitraum lässt sich erkennen, ob "
        "ein Kunde weggeblieben ist oder nur gerade nicht gekauft hat.",
        "en": "The period is too short: the data go back {days} days, at least {min} days are "
        "needed. Only over a longer period can one tell whether a customer has gone or just "
        "has not bought lately.",
    },
    "history_vs_gap": {
        "de": "Der Zeitraum ist im Verhältnis zum Kaufrhythmus zu kurz: Zwischen zwei Käufen "
        "liegen typischerweise {gap} Tage, die Daten reichen {days} Tage zurück; nötig ist "
        "mindestens das {multiple}-Fache des typischen Abstands ({min} Tage).",
        "en": "The period is short compared with the buying rhythm: two purchases are "
        "typically {gap} days apart, the data go back {days} days; at least {multiple} times "
        "the typical gap ({min} days) is needed.",
    },
    "no_values": {
        "de": "Für den Wert pro Kauf fehlt die Spalte »monetary_value«; der Kundenwert "
        "(CLV) wird nicht berechnet.",
        "en": "The column 'monetary_value' is missing, so no value per purchase and no "
        "customer lifetime value can be estimated.",
    },
    "few_valued_repeat_buyers": {
        "de": "Für den Wert pro Kauf gibt es zu wenige Wiederholungskäufer mit positivem "
        "Umsatz: {n}, nötig sind mindestens {min}. Der Kundenwert (CLV) wird nicht berechnet.",
        "en": "Too few repeat buyers with positive revenue to estimate the value per "
        "purchase: {n}, at least {min} are needed. No customer lifetime value is estimated.",
    },
    "value_depends_on_frequency": {
        "de": "Der Wert pro Kauf hängt hier deutlich davon ab, wie oft jemand kauft "
        "(Korrelation {corr}, zulässig bis {max}). Das Wertmodell setzt voraus, dass beides "
        "unabhängig ist; der Kundenwert (CLV) wird deshalb nicht berechnet.",
        "en": "Here the value per purchase clearly depends on how often someone buys "
        "(correlation {corr}, allowed up to {max}). The value model assumes both are "
        "independent, so no customer lifetime value is estimated.",
    },
}


#: decimals shown per value name (whole numbers otherwise)
_DECIMALS = {"corr": 2, "max": 2, "multiple": 0}


def _shown(name: str, value: float, locale: str) -> str:
    if name in _DECIMALS:
        return format_decimal(value, locale, _DECIMALS[name])
    return format_integer(value, locale)


def model_assumptions(locale: str = "de-CH") -> str:
    """The models' assumptions in plain words for the owner (German, or English)."""
    return swiss_spelling(tr(_TEXTS, "assumptions", language_of(locale)), locale)


def check_data(
    summary: pd.DataFrame,
    unit: str = "D",
    thresholds: Thresholds | None = None,
    locale: str = "de-CH",
) -> DataSufficiency:
    """Check a summary with columns frequency, recency, T (and monetary_value) in ``unit``.

    Also accepts a calibration/holdout summary (``frequency_cal`` …). ``locale`` selects the
    language and number style of the messages (German by default).
    """
    limits = thresholds or Thresholds()
    if unit not in UNIT_DAYS:
        raise MetricError("sufficiency.unknown_unit", unit=unit)
    suffix = "_cal" if "frequency_cal" in summary.columns else ""
    missing = [c + suffix for c in ("frequency", "recency", "T") if c + suffix not in summary]
    if missing:
        raise MetricError("sufficiency.columns_missing", names=missing)
    language = language_of(locale)
    x = summary["frequency" + suffix].to_numpy(dtype="float64")
    recency = summary["recency" + suffix].to_numpy(dtype="float64")
    days = UNIT_DAYS[unit]
    history = float(np.nanmax(summary["T" + suffix].to_numpy(dtype="float64"))) * days \
        if len(summary) else 0.0
    repeat = x > 0
    n, n_rep = int(x.size), int(repeat.sum())
    gap = float(np.median(recency[repeat] / x[repeat])) * days if n_rep else None

    def issue(code: str, model: Literal["bgnbd", "gamma_gamma"], **values: float) -> GateIssue:
        shown = {name: _shown(name, value, locale) for name, value in values.items()}
        text = tr(_TEXTS, code, language, **shown)
        return GateIssue(code, model, swiss_spelling(text, locale),
                         tuple((name, float(value)) for name, value in values.items()))

    issues: list[GateIssue] = []
    if n < limits.min_customers:
        issues.append(issue("few_customers", "bgnbd", n=n,
                            min=limits.min_customers))
    if n_rep < limits.min_repeat_buyers:
        issues.append(issue("few_repeat_buyers", "bgnbd", n=n_rep,
                            min=limits.min_repeat_buyers))
    if history < limits.min_history_days:
        issues.append(issue("short_history", "bgnbd", days=history,
                            min=limits.min_history_days))
    elif gap is not None and history < limits.min_gap_multiple * gap:
        issues.append(issue("history_vs_gap", "bgnbd", gap=gap, days=history,
                            multiple=limits.min_gap_multiple,
                            min=limits.min_gap_multiple * gap))
    corr = None
    value_col = "monetary_value" + suffix
    if value_col not in summary.columns:
        issues.append(issue("no_values", "gamma_gamma"))
    else:
        m = summary[value_col].to_numpy(dtype="float64")
        valued = repeat & (m > 0)
        if int(valued.sum()) < limits.min_repeat_buyers:
            issues.append(issue("few_valued_repeat_buyers", "gamma_gamma",
                                n=int(valued.sum()),
                                min=limits.min_repeat_buyers))
        if valued.sum() >= 3 and np.ptp(x[valued]) > 0 and np.ptp(m[valued]) > 0:
            corr = float(np.corrcoef(x[valued], m[valued])[0, 1])
            if abs(corr) > limits.max_value_correlation:
                issues.append(issue("value_depends_on_frequency", "gamma_gamma",
                                    corr=corr, max=limits.max_value_correlation))
    return DataSufficiency(n, n_rep, history, gap, corr, tuple(issues))
