"""Weiterempfehlung as measured behaviour: the referral rate (seed 001).

The NPS asks whether customers *would* recommend the business (an intention). Whether they
*did* shows in how new customers found it: the survey question "Wie sind Sie auf uns
aufmerksam geworden?" (canonical column ``source`` of the NPS table, free text or a choice).

``referral rate = answers naming a recommendation / answers with a source``

An answer names a recommendation when one of its words starts with a word of the packaged
list ``referral_words.toml`` (``starts``; "Empfehlung einer Freundin", "Tipp vom Nachbarn",
"word of mouth"), after removing the words of its ``ignore`` list ("freundliches Personal").
Blank answers do not count in the base; their number is kept so a page can say how many
gave no source.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

__all__ = ["RARE_BELOW", "ReferralRate", "default_referral_words", "names_referral",
           "referral_rate"]


#: a referral rate below this counts as rare (fewer than one new customer in five came on a
#: recommendation): a rule of thumb of this workbook to start the conversation, not a benchmark
RARE_BELOW = 0.20


@dataclass(frozen=True)
class ReferralRate:
    """Answers with a source, those naming a recommendation and their share (NaN for 0).

    ``blank``: answers of the same survey without a source.
    """

    answers: int
    referred: int
    blank: int

    @property
    def rate(self) -> float:
        return self.referred / self.answers if self.answers else float("nan")

    @property
    def rare(self) -> bool:
        """Fewer than :data:`RARE_BELOW` of the answers name a recommendation (False for none)."""
        return bool(self.answers) and self.rate < RARE_BELOW


@cache
def default_referral_words() -> dict[str, Any]:
    """The packaged word list (``referral_words.toml``) as a dict with ``starts``/``ignore``."""
    text = resources.files("kbworkbook.metrics").joinpath("referral_words.toml").read_text(
        "utf-8")
    return tomllib.loads(text)


def _patterns(words: Mapping[str, Sequence[str]]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    def alternatives(items: Sequence[str]) -> str:
        return "|".join(re.escape(w.casefold()) for w in sorted(items, key=len, reverse=True))

    starts, ignore = words.get("starts", ()), words.get("ignore", ())
    found = re.compile(rf"(?<!\w)(?:{alternatives(starts)})" if starts else r"(?!x)x")
    drop = re.compile(rf"(?<!\w)(?:{alternatives(ignore)})\w*" if ignore else r"(?!x)x")
    return found, drop


def names_referral(answers: pd.Series,
                   words: Mapping[str, Sequence[str]] | None = None) -> pd.Series:
    """Per answer: ``True`` when it names a recommendation, ``False`` when not, ``<NA>`` when
    blank (``words``: a table like ``referral_words.toml``; ``None`` → the packaged one)."""
    found, drop = _patterns(words if words is not None else default_referral_words())
    text = answers.astype("string").str.strip()
    blank = text.isna() | (text == "")
    cleaned = text.fillna("").str.casefold().str.replace(drop, " ", regex=True)
    hit = cleaned.str.contains(found, regex=True).fillna(False).astype(bool)
    return hit.astype("boolean").mask(blank.to_numpy(dtype=bool))


def referral_rate(answers: pd.Series,
                  words: Mapping[str, Sequence[str]] | None = None) -> ReferralRate:
    """The referral rate of survey answers to "Wie sind Sie auf uns aufmerksam geworden?"."""
    named = names_referral(answers, words)
    given = named.dropna()
    return ReferralRate(answers=int(len(given)), referred=int(given.astype(bool).sum()),
                        blank=int(named.isna().sum()))
