""""Das Wichtigste in Kürze": three to five findings for the top of the report's index.

Derived by fixed rules from figures the chapters already show (the analysis layer's key figures
and the latest six-factor self-assessment), each one sentence with its number, formatted exactly
as the chapter formats it, and the chapter that explains it. Pure: inputs in, findings out.

Rules, in this order, at most :data:`MAX_FINDINGS`:

1. the strongest factor of the self-assessment and the one with the largest Handlungsbedarf
   (chapter 01, the same ranking chapter 06 uses);
2. the main risk: churn of 40 % or more, else a negative NPS, else fewer than 70 % satisfied
   complainants (chapter 03); with none of them, the retention rate itself;
3. the biggest lever: one percentage point of retention = 1 % of the active customers, valued
   at the customer value (CLV) of chapter 04;
4. where the client's figures are clearly weaker than the owner's rating of a factor: the
   largest such gap, the others by name (verdict ``data_weaker`` of chapter 01's »Ihre
   Einschätzung und Ihre Zahlen«, :mod:`kbworkbook.selfimage`: more than its tolerance apart,
   15 points unless kbworkbook.toml says otherwise); with none, where they are clearly
   stronger – worded as a question for the workshop, since figures can disagree for good
   reasons (chapter 01);
5. the trend of the retention index since the previous assessment (chapter 01);
   then, when the data show them: recommendations are rare (a referral rate below 20 %,
   chapter 03) and many customers are unprofitable (10 % or more of the active customers,
   chapter 04) – each names the measure for the action plan;
6. what the last win-back list brought: the share of listed customers who bought again
   (chapter 04; only once a list made before the Stichtag exists);
7. the regular customers' share of revenue (chapter 03).
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ._bundled import package_path
from .figures import format_figure
from .i18n import (
    format_date,
    format_decimal,
    format_integer,
    format_points,
    round_half_up,
    swiss_spelling,
)
from .metrics.profitability import MANY_UNPROFITABLE
from .metrics.referral import RARE_BELOW

__all__ = ["MAX_FINDINGS", "FactorFigures", "Finding", "SelfAssessment", "chapter_question",
           "derive_findings", "findings_title"]

MAX_FINDINGS = 5
CHURN_RISK = 0.40
COMPLAINT_RISK = 0.70


@dataclass(frozen=True)
class FactorFigures:
    """One factor of chapter 01's comparison with the figures (:class:`~kbworkbook.selfimage.
    FactorCheck`, label localised): the owner's score and the figures' score, both 0..100,
    and the verdict code (``agrees``, ``data_weaker``, ``data_stronger``)."""

    factor: str
    owner: float
    data: float
    verdict: str


@dataclass(frozen=True)
class SelfAssessment:
    """The latest six-factor self-assessment as the index needs it (labels already localised).

    ``strongest`` and ``top_need`` are ``(factor label, score 0..100)`` and
    ``(factor label, score, Handlungsbedarf)``; ``index_before``/``date_before`` describe the
    previous assessment, ``None`` when there is none. ``figures`` holds every factor that the
    owner rated and the figures can judge, in catalogue order (empty without data).
    """

    strongest: tuple[str, float] | None = None
    top_need: tuple[str, float, float] | None = None
    index_now: float | None = None
    index_before: float | None = None
    date_before: dt.date | None = None
    figures: tuple[FactorFigures, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One sentence for the owner and the chapter (``"03"``) that explains it."""

    key: str
    text: str
    chapter: str


@dataclass(frozen=True)
class _Writer:
    language: str
    locale: str
    currency: str
    texts: Mapping[str, Any] = field(default_factory=dict)

    def say(self, key: str, **values: str) -> str:
        entry = self.texts[key]
        raw = entry.get(self.language) or entry["de"]
        return swiss_spelling(raw.format(**values), self.locale)

    def figure(self, key: str, value: float) -> str:
        return format_figure(key, value, self.locale, self.currency)


@cache
def _texts() -> dict[str, Any]:
    return tomllib.loads(package_path("findings.toml").read_text(encoding="utf-8"))


def findings_title(language: str, locale: str) -> str:
    """The heading of the findings block."""
    return _Writer(language, locale, "CHF", _texts()).say("title")


def chapter_question(number: str, language: str, locale: str) -> str:
    """The one line saying what chapter ``number`` answers."""
    questions = _texts()["questions"]
    table = questions.get("en" if language == "en" else "de")
    return swiss_spelling(str(table.get(number, "")), locale)


def _factors(w: _Writer, sa: SelfAssessment) -> Finding | None:
    if sa.strongest is None:
        return None
    strong, strong_score = sa.strongest
    values = {"strong": strong, "strong_score": format_integer(strong_score, w.locale)}
    if sa.top_need is None or sa.top_need[0] == strong:
        return Finding("factors", w.say("strongest", **values), "01")
    need, need_score, need_value = sa.top_need
    return Finding("factors", w.say("factors", need=need,
                                    need_score=format_integer(need_score, w.locale),
                                    need_value=format_integer(need_value, w.locale), **values),
                   "01")


def _trend(w: _Writer, sa: SelfAssessment) -> Finding | None:
    if sa.index_now is None or sa.index_before is None or sa.date_before is None:
        return None
    if not (math.isfinite(sa.index_now) and math.isfinite(sa.index_before)):
        return None
    now, before = round(sa.index_now), round(sa.index_before)
    key = "trend_up" if now > before else "trend_down" if now < before else "trend_flat"
    return Finding("trend", w.say(
        key, date=format_date(sa.date_before, w.locale), before=format_integer(before, w.locale),
        now=format_integer(now, w.locale), delta=format_points(now - before, w.locale)), "01")


def _self_image(w: _Writer, sa: SelfAssessment) -> Finding | None:
    """The factor whose figures are furthest below (else above) the owner's rating."""
    for verdict, gap in (("data_weaker", lambda c: c.owner - c.data),
                         ("data_stronger", lambda c: c.data - c.owner)):
        checks = [c for c in sa.figures if c.verdict == verdict]
        if not checks:
            continue
        first = max(checks, key=gap)  # the first of equal gaps, in catalogue order
        text = w.say(verdict, factor=first.factor,
                     data=format_decimal(first.data, w.locale, 0),
                     owner=format_decimal(first.owner, w.locale, 0))
        others = [w.say("quoted", name=c.factor) for c in checks if c is not first]
        if others:
            text += " " + w.say(f"{verdict}_others", names=", ".join(others))
        return Finding("self_image", text, "01")
    return None


def _risk(w: _Writer, known: Mapping[str, float]) -> Finding | None:
    if known.get("churn", 0.0) >= CHURN_RISK:
        return Finding("risk", w.say("risk_churn", churn=w.figure("churn", known["churn"])),
                       "03")
    if known.get("nps", 0.0) < 0:
        return Finding("risk", w.say("risk_nps", nps=w.figure("nps", known["nps"])), "03")
    if known.get("complaint_satisfaction", 1.0) < COMPLAINT_RISK:
        share = w.figure("complaint_satisfaction", known["complaint_satisfaction"])
        return Finding("risk", w.say("risk_complaints", share=share), "03")
    if "crr" in known:
        return Finding("retention", w.say("retention", crr=w.figure("crr", known["crr"])), "03")
    return None


def _lever(w: _Writer, known: Mapping[str, float]) -> Finding | None:
    active, clv = known.get("active_customers", 0.0), known.get("clv", 0.0)
    if active <= 0 or clv <= 0:
        return None
    digits = 0 if active >= 1000 else 1
    customers = round_half_up(active / 100.0, digits)  # the money is what the shown numbers give
    return Finding("lever", w.say(
        "lever", n=format_decimal(customers, w.locale, digits),
        active=w.figure("active_customers", active), clv=w.figure("clv", clv),
        money=w.figure("clv", customers * round_half_up(clv, 0))), "04")


def _winback(w: _Writer, known: Mapping[str, float]) -> Finding | None:
    if "winback_rate" not in known:
        return None
    return Finding("winback", w.say("winback", rate=w.figure("winback_rate",
                                                               known["winback_rate"])), "04")


def _referral(w: _Writer, known: Mapping[str, float]) -> Finding | None:
    if known.get("referral_rate", RARE_BELOW) >= RARE_BELOW:
        return None
    return Finding("referral", w.say("referral_rare", rate=w.figure(
        "referral_rate", known["referral_rate"])), "03")


def _unprofitable(w: _Writer, known: Mapping[str, float]) -> Finding | None:
    count, active = known.get("unprofitable_customers", 0.0), known.get("active_customers", 0.0)
    if active <= 0 or count / active < MANY_UNPROFITABLE:
        return None
    return Finding("unprofitable", w.say(
        "unprofitable", n=w.figure("unprofitable_customers", count),
        active=w.figure("active_customers", active),
        share=w.figure("unprofitable_revenue_share",
                       known.get("unprofitable_revenue_share", math.nan))), "04")


def _regulars(w: _Writer, known: Mapping[str, float]) -> Finding | None:
    if "regulars_revenue_share" not in known:
        return None
    share = w.figure("regulars_revenue_share", known["regulars_revenue_share"])
    return Finding("regulars", w.say("regulars", share=share), "03")


def derive_findings(figures: Mapping[str, float | None], assessment: SelfAssessment | None,
                    language: str = "de", locale: str = "de-CH",
                    currency: str = "CHF") -> list[Finding]:
    """The findings for the index, most important first (at most :data:`MAX_FINDINGS`).

    ``figures`` maps the keys of figures.json to their values (``None`` = not computable).
    Rules without data are skipped, so a workspace without sales data still gets its
    self-assessment findings, and one without answers its figures.
    """
    w = _Writer("en" if language == "en" else "de", locale, currency, _texts())
    known = {k: float(v) for k, v in figures.items() if v is not None and math.isfinite(v)}
    sa = assessment or SelfAssessment()
    candidates = (_factors(w, sa), _risk(w, known), _lever(w, known), _self_image(w, sa),
                  _trend(w, sa),
                  _referral(w, known), _unprofitable(w, known), _winback(w, known),
                  _regulars(w, known))
    return [f for f in candidates if f is not None][:MAX_FINDINGS]
