"""A generic questionnaire section any chapter can use, plus the static HTML views.

``section(ctx, "management_check")`` returns, when ``ctx.live``, the form (answers saved as they
are given) and a view that redraws after every save; headless, only the static views drawn from
the saved answers. With nothing saved it returns a friendly note instead of a chart.

Every text a user typed (answers of free-text questionnaires, comments) has contact data
masked (:mod:`kbworkbook.scrub`, with a note on the page) and is escaped with ``html.escape``
before it becomes HTML; the saved answers keep the original. A saved answers file that cannot
be read is named in a note (the file itself stays as it is).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from typing import Any

from ..i18n import format_date, format_decimal, swiss_spelling, tr
from ..notebook import Context, note
from ..questionnaires.catalogue import Questionnaire, load_catalogue
from ..questionnaires.scoring import (
    QuestionnaireScore,
    band_label,
    compare_scores,
    score_answers,
    strongest_and_weakest,
)
from ..scrub import privacy_note, scrub, scrub_text
from ..store import AnswerStore, Assessment
from . import _html

__all__ = [
    "NO_ANSWERS",
    "answers_table_html",
    "canvas_groups_html",
    "canvas_html",
    "change_table_html",
    "factor_table_html",
    "form_blocks",
    "masked_kinds",
    "score_of",
    "section",
    "static_view",
    "strengths_sentences",
    "summary_sentence",
]

NO_ANSWERS = {
    "de": "Noch keine Antworten gespeichert – füllen Sie den Fragebogen im Workshop aus.",
    "en": "No answers saved yet – fill in the questionnaire in the workshop.",
}

_T: dict[str, dict[str, str]] = {
    "statement": {"de": "Aussage", "en": "Statement"},
    "answer": {"de": "Antwort", "en": "Answer"},
    "comment": {"de": "Kommentar", "en": "Comment"},
    "factor": {"de": "Faktor", "en": "Factor"},
    "score": {"de": "Wert", "en": "Score"},
    "band": {"de": "Einstufung", "en": "Rating"},
    "answered": {"de": "beantwortet", "en": "answered"},
    "unanswered": {"de": "offen", "en": "open"},
    "previous": {"de": "vorher", "en": "before"},
    "current": {"de": "jetzt", "en": "now"},
    "change": {"de": "Veränderung", "en": "Change"},
    "importance": {"de": "Wichtigkeit", "en": "Importance"},
    "assessed": {"de": "Einschätzung vom {date}: {n} von {total} Aussagen beantwortet.",
                 "en": "Assessment of {date}: {n} of {total} statements answered."},
    "index": {"de": "Gesamtwert: {value} von 100 ({band}).",
              "en": "Overall score: {value} out of 100 ({band})."},
    "index_plain": {"de": "Gesamtwert: {value} von 100.",
                    "en": "Overall score: {value} out of 100."},
    "weighted": {"de": "Gewichtet mit Ihrer Einschätzung der Wichtigkeit: {value}.",
                 "en": "Weighted by the importance you assigned: {value}."},
    "strong_one": {"de": "Am stärksten sind Sie bei »{a}« ({sa}).",
                   "en": "You are strongest in '{a}' ({sa})."},
    "strong_two": {"de": "Am stärksten sind Sie bei »{a}« ({sa}) und »{b}« ({sb}).",
                   "en": "You are strongest in '{a}' ({sa}) and '{b}' ({sb})."},
    "weak_one": {"de": "Den niedrigsten Wert geben Sie »{a}« ({sa}).",
                 "en": "You give the lowest score to '{a}' ({sa})."},
    "weak_two": {"de": "Die niedrigsten Werte geben Sie »{a}« ({sa}) und »{b}« ({sb}).",
                 "en": "You give the lowest scores to '{a}' ({sa}) and '{b}' ({sb})."},
    "need_top": {"de": "Den größten Handlungsbedarf – Abstand zum Bestwert mal Wichtigkeit für "
                       "Ihre Kunden – haben {names}; diese {n} übernimmt der Aktionsplan "
                       "(Kapitel 6).",
                 "en": "The greatest need for action – distance to the best score times "
                       "importance to your customers – is in {names}; the action plan "
                       "(chapter 6) takes these {n}."},
    "need_differs": {"de": "Er weicht von den niedrigsten Werten ab, weil er die Wichtigkeit "
                           "mitzählt.",
                     "en": "It differs from the lowest scores because it counts importance "
                           "too."},
    "need_tie": {"de": "Gleichauf mit Handlungsbedarf {value}: {names}.",
                 "en": "Tied at a need for action of {value}: {names}."},
    "need_tie_cut": {"de": "Gleichauf mit Handlungsbedarf {value}: {names} – welcher davon in "
                           "den Aktionsplan kommt, entscheidet nur die Reihenfolge des "
                           "Fragebogens; bitte im Workshop wählen.",
                     "en": "Tied at a need for action of {value}: {names} – which of them "
                           "enters the action plan is decided only by the questionnaire's "
                           "order; please choose in the workshop."},
    "missing": {"de": "Nicht bewertet (weniger als die Hälfte beantwortet): {names}.",
                "en": "Not rated (fewer than half answered): {names}."},
    "none_rated": {"de": "Noch kein Faktor ist bewertet – dafür muss mindestens die Hälfte "
                         "seiner Aussagen beantwortet sein.",
                   "en": "No factor is rated yet – at least half of its statements must be "
                         "answered."},
}


class _Row:
    """Attribute access to a record dict (typed ``Any`` for mypy)."""

    def __init__(self, record: dict[Any, Any]) -> None:
        self._record = record

    def __getattr__(self, name: str) -> Any:
        return self._record[name]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _num(value: float, locale: str, digits: int = 0) -> str:
    return format_decimal(value, locale, digits)


def _num_or_dash(value: float, locale: str) -> str:
    return "–" if _missing(value) else _num(value, locale)


# -- scoring helpers ------------------------------------------------------------------------------


def score_of(catalogue: Questionnaire, assessment: Assessment | None) -> QuestionnaireScore | None:
    """Scores of a saved assessment (``None`` when there is none)."""
    if assessment is None or not catalogue.scored:
        return None
    return score_answers(catalogue, assessment.answers, assessment.importance)


# -- static HTML views ----------------------------------------------------------------------------


def _typed_answer(item: Any, value: Any, language: str) -> str:
    """A free-text or list answer as plain text (own entries masked, options by label)."""
    if isinstance(value, list):
        return " · ".join(item.option_label(v, language) if v in item.option_keys
                          else scrub_text(str(v), language) for v in value)
    return scrub_text(str(value), language)


def answers_table_html(catalogue: Questionnaire, assessment: Assessment,
                       language: str = "de") -> str:
    """Every statement with the saved answer and comment, grouped by factor (escaped)."""
    scale = catalogue.scale
    rows = []
    for factor in catalogue.factors:
        rows.append(f'<tr class="kb-group"><th colspan="3">{html.escape(factor.label(language))}'
                    "</th></tr>")
        for item in factor.items:
            if item.key in assessment.answers:
                value = assessment.answers[item.key]
                answer = (_typed_answer(item, value, language) if catalogue.kind == "text"
                          else scale.label(value, language))
            else:
                answer = "–"
            text = item.label(language) + (" (R)" if item.reverse else "")
            comment = scrub_text(assessment.comments.get(item.key, ""), language)
            rows.append(f"<tr><td>{html.escape(text)}</td><td>{html.escape(answer)}</td>"
                        f"<td>{html.escape(comment)}</td></tr>")
    head = (f"<tr><th>{tr(_T, 'statement', language)}</th><th>{tr(_T, 'answer', language)}</th>"
            f"<th>{tr(_T, 'comment', language)}</th></tr>")
    return (f'<table class="kb-table kb-answers"><thead>{head}</thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def canvas_html(catalogue: Questionnaire, assessment: Assessment, language: str = "de") -> str:
    """Free-text answers (positioning canvas) as labelled boxes per group (escaped)."""
    return canvas_groups_html(catalogue, assessment, language, whole=True)[0]


def canvas_groups_html(catalogue: Questionnaire, assessment: Assessment, language: str = "de",
                       *, whole: bool = False) -> list[str]:
    """:func:`canvas_html` as one piece per group, so that a printed page may break between
    groups (an output block never breaks inside); ``whole`` joins them into one."""
    pieces: list[str] = []
    for factor in catalogue.factors:
        parts = [f'<div class="kb-canvas-group"><h4>{html.escape(factor.label(language))}'
                 "</h4><dl>"]
        for item in factor.items:
            value = assessment.answers.get(item.key)
            if isinstance(value, list) and value:
                text = '<ul class="kb-chips">' + "".join(
                    f"<li>{html.escape(_typed_answer(item, [v], language))}</li>"
                    for v in value) + "</ul>"
            else:
                text = (html.escape(scrub_text(str(value), language)).replace("\n", "<br>")
                        if value else "–")
            parts.append(f"<dt>{html.escape(item.label(language))}</dt><dd>{text}</dd>")
        parts.append("</dl></div>")
        pieces.append("".join(parts))
    if whole:
        return [f'<div class="kb-canvas">{"".join(pieces)}</div>']
    return [f'<div class="kb-canvas">{piece}</div>' for piece in pieces]


def factor_table_html(catalogue: Questionnaire, score: QuestionnaireScore,
                      language: str = "de", locale: str = "de-CH") -> str:
    """Factor, score, band, answered items (and importance when rated)."""
    with_imp = catalogue.importance
    rows = []
    for r in score.factors.to_dict("records"):
        row = _Row(r)
        cells = [catalogue.factor(row.factor).label(language), _num_or_dash(row.score, locale)]
        if catalogue.higher_is_better:
            cells.append(band_label(row.band, language))
        cells.append(f"{row.answered}/{row.n_items}")
        if with_imp:
            cells.append("" if row.weight == 1 and not _has_importance(score) else
                         _num(row.weight, locale))
        rows.append(cells)
    keys = (["factor", "score"] + (["band"] if catalogue.higher_is_better else [])
            + ["answered"] + (["importance"] if with_imp else []))
    return _html.table([tr(_T, k, language) for k in keys], rows, css="kb-factors")


def _has_importance(score: QuestionnaireScore) -> bool:
    return not math.isclose(score.index, score.index_weighted) or any(
        w != 1 for w in score.weights.values())


def change_table_html(catalogue: Questionnaire, previous: QuestionnaireScore,
                      current: QuestionnaireScore, language: str = "de",
                      locale: str = "de-CH") -> str:
    """Per factor: previous score, current score and the change (signed)."""
    frame = compare_scores(previous, current)
    rows = []
    for r in frame.to_dict("records"):
        row = _Row(r)
        change = "–" if _missing(row.change) else (
            ("+" if row.change > 0 else "\u2212" if row.change < 0 else "±")
            + _num(abs(row.change), locale))
        rows.append([catalogue.factor(row.factor).label(language),
                     _num_or_dash(row.previous, locale), _num_or_dash(row.current, locale),
                     change])
    heads = [tr(_T, k, language) for k in ("factor", "previous", "current", "change")]
    return _html.table(heads, rows, css="kb-change")


def strengths_sentences(catalogue: Questionnaire, score: QuestionnaireScore,
                        language: str = "de", locale: str = "de-CH") -> list[str]:
    """German (or English) sentences naming the strongest and weakest factors."""
    best, worst = strongest_and_weakest(score)
    scores = score.factor_scores

    def pair(keys: list[str], one: str, two: str) -> str:
        names = [catalogue.factor(k).label(language) for k in keys]
        values = [_num(scores[k], locale) for k in keys]
        if len(keys) == 1:
            return tr(_T, one, language, a=names[0], sa=values[0])
        return tr(_T, two, language, a=names[0], sa=values[0], b=names[1], sb=values[1])

    sentences: list[str] = []
    if not best:
        sentences.append(tr(_T, "none_rated", language))
    else:
        sentences.append(pair(best, "strong_one", "strong_two"))
        if worst and worst != best:
            sentences.append(pair(worst, "weak_one", "weak_two"))
    missing = [catalogue.factor(k).label(language) for k, v in scores.items() if _missing(v)]
    if missing and best:
        sentences.append(tr(_T, "missing", language, names=", ".join(f"»{m}«" for m in missing)
                            if language != "en" else ", ".join(f"'{m}'" for m in missing)))
    return [swiss_spelling(s, locale) for s in sentences]


def _names(names: list[str], language: str, values: list[str] | None = None) -> str:
    quoted = [f"'{n}'" if language == "en" else f"»{n}«" for n in names]
    if values is not None:
        quoted = [f"{q} ({v})" for q, v in zip(quoted, values, strict=True)]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + (" and " if language == "en" else " und ") + quoted[-1]


_COUNT = {"de": ("einen", "zwei", "drei"), "en": ("one", "two", "three")}


def need_sentences(catalogue: Questionnaire, ranking: Any, language: str = "de",
                   locale: str = "de-CH", top: int = 2, ties_only: bool = False) -> list[str]:
    """The ``top`` factors by Handlungsbedarf (the action plan's choice) and every tie.

    ``ranking`` is :func:`~kbworkbook.questionnaires.scoring.handlungsbedarf`'s frame. Ties
    are judged on the value as shown (whole points); a tie across the cut is named as such.
    ``ties_only`` leaves out the sentence on the top factors.
    """
    from ..i18n import round_half_up

    if ranking is None or not len(ranking):
        return []
    rows = ranking.to_dict("records")
    shown = [round_half_up(float(r["need"]), 0) for r in rows]
    chosen = rows[:top]
    sentences: list[str] = []
    if not ties_only:
        names = [catalogue.factor(r["factor"]).label(language) for r in chosen]
        values = [_num(r["need"], locale) for r in chosen]
        words = _COUNT["en" if language == "en" else "de"]
        count = words[len(chosen) - 1] if len(chosen) <= len(words) else str(len(chosen))
        sentences.append(tr(_T, "need_top", language, names=_names(names, language, values),
                            n=count))
        worst = sorted(rows, key=lambda r: float(r["score"]))[:len(chosen)]
        if {r["factor"] for r in worst} != {r["factor"] for r in chosen}:
            sentences.append(tr(_T, "need_differs", language))
    for value in dict.fromkeys(shown):
        group = [i for i, v in enumerate(shown) if v == value]
        if len(group) < 2:
            continue
        labels = [catalogue.factor(rows[i]["factor"]).label(language) for i in group]
        across = group[0] < len(chosen) <= group[-1]
        sentences.append(tr(_T, "need_tie_cut" if across else "need_tie", language,
                            value=_num(value, locale), names=_names(labels, language)))
    return [swiss_spelling(s, locale) for s in sentences]


def summary_sentence(catalogue: Questionnaire, assessment: Assessment,
                     score: QuestionnaireScore | None, language: str = "de",
                     locale: str = "de-CH") -> str:
    """"Einschätzung vom 20.11.2025: 29 von 31 Aussagen beantwortet. Gesamtwert: 58 von 100 …"."""
    total = len(catalogue.items)
    answered = sum(1 for k in catalogue.item_keys if k in assessment.answers)
    text = tr(_T, "assessed", language, date=format_date(assessment.started, locale), n=answered,
              total=total)
    if score is not None and not _missing(score.index):
        from ..questionnaires.scoring import band

        if catalogue.higher_is_better:
            text += " " + tr(_T, "index", language, value=_num(score.index, locale),
                             band=band_label(band(score.index), language))
        else:
            text += " " + tr(_T, "index_plain", language, value=_num(score.index, locale))
        if _has_importance(score) and not _missing(score.index_weighted):
            text += " " + tr(_T, "weighted", language, value=_num(score.index_weighted, locale))
    return swiss_spelling(text, locale)


def masked_kinds(catalogue: Questionnaire, assessment: Assessment, *, comments: bool = True,
                 language: str = "de") -> frozenset[str]:
    """Kinds of contact data the views mask in this assessment's typed text (for the note)."""
    texts = [" ".join(v) if isinstance(v, list) else str(v)
             for v in assessment.answers.values() if catalogue.kind == "text" and v]
    if comments:
        texts += [str(c) for c in assessment.comments.values()]
    return frozenset().union(*(scrub(t, language).found for t in texts))


# -- blocks -------------------------------------------------------------------------------------


def _figure(ax: Any) -> Any:
    return ax.figure


def static_view(ctx: Context, questionnaire_id: str, *, charts: bool = True,
                table: bool = True) -> list[Any]:
    """Blocks drawn from the saved answers alone: summary, chart, factor table, answers table."""
    from ..notebook import paragraph
    from ..plots import questionnaires as qplots

    lang, locale = ctx.language, ctx.locale
    store = AnswerStore(ctx.workspace)
    catalogue = store.catalogue(questionnaire_id).for_locale(locale)
    history, skipped = store.scan(questionnaire_id)
    latest = history[-1] if history else None
    blocks: list[Any] = [note(s.message(lang)) for s in skipped]
    blocks += [note(problem) for problem in (latest.problems if latest else ())]
    if latest is None or not latest.answers:
        return [*blocks, note(NO_ANSWERS[lang])]
    if not catalogue.scored:
        blocks += [_html.block(piece) for piece in canvas_groups_html(catalogue, latest, lang)]
        masked = masked_kinds(catalogue, latest, comments=False, language=lang)
        return blocks + ([note(privacy_note(masked, lang))] if masked else [])
    score = score_of(catalogue, latest)
    assert score is not None
    blocks.append(paragraph(summary_sentence(catalogue, latest, score, lang, locale)))
    if charts:
        if len(catalogue.factors) > 1:
            ax = qplots.factor_bars(score, catalogue, language=lang, locale=locale)
        else:
            ax = qplots.item_bars(score, catalogue, language=lang, locale=locale)
        blocks.append(_figure(ax))
    if len(catalogue.factors) > 1:
        blocks.append(_html.block(factor_table_html(catalogue, score, lang, locale)))
    if table:
        blocks.append(_html.block(answers_table_html(catalogue, latest, lang)))
        masked = masked_kinds(catalogue, latest, language=lang)
        if masked:
            blocks.append(note(privacy_note(masked, lang)))
    return blocks


def form_blocks(ctx: Context, questionnaire_id: str,
                render: Callable[[], list[Any]] | None = None) -> list[Any]:
    """Live only: the form, and (if ``render`` is given) a view redrawn after every save."""
    from .. import forms

    store = AnswerStore(ctx.workspace)
    if render is None:
        return [forms.QuestionnaireForm(store, questionnaire_id, ctx.language,
                                        locale=ctx.locale).widget]
    out, refresh = forms.live_output(render)
    form = forms.QuestionnaireForm(store, questionnaire_id, ctx.language, on_save=refresh,
                                   locale=ctx.locale)
    return [form.widget, out]


def section(ctx: Context, questionnaire_id: str) -> list[Any]:
    """Title and intro of the questionnaire, then form + live view (live) or static views."""
    from IPython.display import Markdown

    catalogue = load_catalogue(questionnaire_id, ctx.workspace).for_locale(ctx.locale)
    blocks: list[Any] = [Markdown(f"### {catalogue.label(ctx.language)}")]
    if ctx.live:
        return blocks + form_blocks(ctx, questionnaire_id,
                                    render=lambda: static_view(ctx, questionnaire_id,
                                                               table=False))
    intro = catalogue.intro_text(ctx.language)
    if intro:
        from ..notebook import paragraph

        blocks.append(paragraph(intro))
    return blocks + static_view(ctx, questionnaire_id)
