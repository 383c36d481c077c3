"""Economics of customer retention: programme cost, benefit, ROI, profit by year, word of mouth.

One module per section of ``domain.md``: :mod:`.programme` (§6), :mod:`.profit` (§5),
:mod:`.word_of_mouth` (§7); shared validation in :mod:`._common`. Import from the package
(``from kbworkbook.economics import evaluate_programme``); the submodules are an internal cut.

Pure functions (numbers or DataFrames in, frozen dataclasses or DataFrames out); no I/O.
Formulas follow ``domain.md`` §5–§7:

- §6 programme cost ``K = setup/years + fixed + c_var·participants + ρ·participant_revenue
  + hours·rate`` and benefit ``B = S·Δr·m + S·r1·ΔT·mt``, ``ROI = (B−K)/K``, break-even uplift
  ``Δr* = K/(S·m)`` (lifetime variant: ``m`` → ``m + m·r1/(1+d−r1)``);
- §5 profit per customer by relationship year (acquisition, base profit and stacked
  components), expected profit ``E_t = p_t·r^(t−1)`` and the customer NPV;
- §7 complaint word of mouth (``3 zu 10``), break-even handling quality and retained
  complainants from the TARP table.

Conventions: rates are fractions 0..1, uplifts are fractions (``0.06`` = 6 percentage points),
money is per year and net of VAT in the workspace currency. Every result carries the
assumptions it was computed from (``.assumptions``: name → value) so a report can print each
assumption beside its result. Invalid input raises :class:`EconomicsError` (a
:class:`~kbworkbook.errors.MetricError`) with a German message that says how to fix it.
"""

from __future__ import annotations

from ._common import EconomicsError
from .profit import (
    DEFAULT_PROFIT_COMPONENTS,
    ProfitByYear,
    ProfitComponent,
    npv_of_series,
    profit_by_year,
)
from .programme import (
    Benefit,
    CostAssumptions,
    CostBreakdown,
    ProgrammeInputs,
    ProgrammeResult,
    TransactionMargins,
    break_even_uplift,
    evaluate_programme,
    joint_benefit,
    lifetime_margin,
    programme_benefit,
    programme_cost,
    roi,
    sensitivity_table,
    transaction_margins,
)
from .word_of_mouth import (
    TARP_RETENTION,
    ComplaintRetention,
    WordOfMouth,
    break_even_quality,
    complaint_word_of_mouth,
    retained_complainants,
)

__all__ = [
    "Benefit",
    "ComplaintRetention",
    "CostAssumptions",
    "CostBreakdown",
    "DEFAULT_PROFIT_COMPONENTS",
    "EconomicsError",
    "ProfitByYear",
    "ProfitComponent",
    "ProgrammeInputs",
    "ProgrammeResult",
    "TARP_RETENTION",
    "TransactionMargins",
    "WordOfMouth",
    "break_even_quality",
    "break_even_uplift",
    "complaint_word_of_mouth",
    "evaluate_programme",
    "joint_benefit",
    "lifetime_margin",
    "npv_of_series",
    "profit_by_year",
    "programme_benefit",
    "programme_cost",
    "retained_complainants",
    "roi",
    "sensitivity_table",
    "transaction_margins",
]
