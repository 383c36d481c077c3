"""Chapter 05 · Maßnahmen & Wirtschaftlichkeit: choose instruments, price them, prove they pay.

Section functions (``SECTIONS`` in notebook order) take a :class:`~kbworkbook.notebook.Context`
and return blocks. Live (workshop) the selection section is an editor whose results redraw
after every change; headless (report) every section renders the newest saved selection.
The figures come from :mod:`kbworkbook.programme`; all user-typed or data
text is escaped before it becomes HTML.
"""

from __future__ import annotations

import math
from typing import Any

from ..economics import (
    CostAssumptions,
    ProgrammeInputs,
    complaint_word_of_mouth,
    profit_by_year,
    retained_complainants,
    sensitivity_table,
    transaction_margins,
)
from ..figures import ClvConvention, format_figure
from ..i18n import (
    format_currency,
    format_decimal,
    format_integer,
    format_percent,
    format_points,
    round_half_up,
    swiss_spelling,
)
from ..instruments import Catalogue, load_catalogue
from ..notebook import Context, note, paragraph
from ..plan import SELECTION_FOLDER, Selection, load_selection, unreadable_versions
from ..programme import (
    AssumptionNote,
    ClientFigures,
    SelectionEvaluation,
    assumption_notes,
    evaluate_selection,
    rank_instruments,
)
from . import _html, _narrative
from ._narrative import label, markdown
from ._sections import client_figures, need_by_factor

__all__ = [
    "ABOUT",
    "INPUTS",
    "MAX_INSTRUMENTS",
    "SECTIONS",
    "after_sales",
    "catalogue",
    "email_consent",
    "experience",
    "figures",
    "intro",
    "low_effort",
    "profit_by_year_section",
    "programme",
    "programme_blocks",
    "ranking",
    "selection",
    "sensitivity",
    "text",
    "word_of_mouth",
]

#: Data inputs this chapter reads (listed in its footer).
INPUTS: tuple[str, ...] = ("transactions", "complaints")
ABOUT = (
    "Instrumente auswählen, Kosten annehmen, ROI und Break-even aus den eigenen Zahlen des "
    "Kunden; Gewinn je Kundenjahr und Beschwerde-Mundpropaganda."
)
SECTIONS: list[str] = [
    "intro",
    "figures",
    "catalogue",
    "experience",
    "after_sales",
    "email_consent",
    "selection",
    "programme",
    "ranking",
    "low_effort",
    "sensitivity",
    "profit_by_year_section",
    "word_of_mouth",
]
#: More chosen instruments than this trigger the "weniger ist mehr" warning.
MAX_INSTRUMENTS = 5
PROFIT_YEARS = 15


_TEXTS = _narrative.texts(__file__)


def text(ctx: Context, key: str, **values: Any) -> str:
    """Narrative ``key`` in the context's language, de-CH without ß, placeholders filled."""
    return _narrative.text(ctx, _TEXTS, key, **values)


def _para(ctx: Context, key: str, **values: Any) -> Any:
    return paragraph(text(ctx, key, **values))


def _money(ctx: Context, value: float, digits: int = 0) -> str:
    return format_currency(value, ctx.currency, ctx.locale, digits=digits)


def _pct(ctx: Context, value: float, digits: int = 1) -> str:
    return format_percent(value, ctx.locale, digits)


def _pp(ctx: Context, value: float) -> str:
    """A uplift fraction as percentage points (``0.04`` → ``4.0 Pp.``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return format_decimal(None, ctx.locale)
    unit = " pp" if ctx.language == "en" else "\u00a0Pp."
    return format_decimal(value * 100.0, ctx.locale, 1) + unit


def _catalogue(ctx: Context, *, hide: bool = True) -> Catalogue:
    """The instruments in the client's market's wording; ``hide``: only those that suit it
    (a saved selection is priced with every instrument it names)."""
    return load_catalogue().for_market(ctx.workspace.market, hide=hide)


# -- intro, figures, catalogue -----------------------------------------------------------------


def intro(ctx: Context) -> list[Any]:
    """Why retention must pay, and the "weniger ist mehr" principle."""
    return [markdown(ctx, _TEXTS, "intro")]


#: ClientFigures field → key of the report's figures (one formatting on every page)
_FIGURE_KEYS = {"customers": "active_customers", "margin_rate": "margin_rate",
                "margin_per_customer": "margin_per_customer", "retention_rate": "crr",
                "transactions_per_customer": "purchases_per_customer",
                "complaints": "complaints", "complaint_quality": "complaint_satisfaction",
                "customer_lifetime_value": "clv"}


def _figure_value(ctx: Context, key: str, value: float) -> str:
    if key in _FIGURE_KEYS:
        return format_figure(_FIGURE_KEYS[key], value, ctx.locale, ctx.currency)
    if key in ("complaint_quick_share", "discount_rate"):
        return _pct(ctx, value)
    if key == "clv_horizon_years":
        return format_integer(value, ctx.locale)
    if key == "setup_years":
        return format_decimal(value, ctx.locale, 1)
    digits = 2 if key in ("margin_per_transaction", "staff_hour_rate") else 0
    return _money(ctx, value, digits)


def figures_table_html(ctx: Context, fig: ClientFigures) -> str:
    """The starting figures with their source, as an escaped HTML table."""
    rows: list[list[str]] = []
    for key, item in fig.items():
        rows.append([label(ctx, _TEXTS, "figure_labels", key), _figure_value(ctx, key, item.value),
                     label(ctx, _TEXTS, "sources", item.source)])
        if key == "margin_rate":
            rows.append([label(ctx, _TEXTS, "figure_labels", "margin_per_customer"),
                         _figure_value(ctx, "margin_per_customer", fig.margin_per_customer),
                         text(ctx, "derived")])
        if key == "transactions_per_customer":
            rows.append([label(ctx, _TEXTS, "figure_labels", "margin_per_transaction"),
                         _figure_value(ctx, "margin_per_transaction",
                                       fig.margin_per_transaction),
                         text(ctx, "derived")])
    rows.append([label(ctx, _TEXTS, "figure_labels", "customer_lifetime_value").format(
                     t=int(fig.clv_horizon_years.value)),
                 _figure_value(ctx, "customer_lifetime_value", fig.customer_lifetime_value),
                 text(ctx, "derived_clv", formula=ClvConvention.FORMULA)])
    cols = [label(ctx, _TEXTS, "columns", c) for c in ("assumption", "value", "source")]
    return _html.table(cols, rows, numeric=(1,), css="kb-figures")


def figures(ctx: Context) -> list[Any]:
    """The client's starting figures and where each comes from."""
    fig = client_figures(ctx)
    blocks: list[Any] = [markdown(ctx, _TEXTS, "figures"),
                         _html.block(figures_table_html(ctx, fig))]
    blocks += [note(text(ctx, "data_notes", text=n)) for n in fig.notes]
    return blocks


def catalogue(ctx: Context) -> list[Any]:
    """The instrument catalogue by group: factor, binding, cost types."""
    cat = _catalogue(ctx)
    lang = ctx.language
    rows = []
    for group, items in cat.by_group().items():
        for item in items:
            binding = cat.label("bindings", item.binding, lang)
            if item.binding_kind:
                binding += f" ({cat.label('binding_kinds', item.binding_kind, lang)})"
            rows.append([
                swiss_spelling(cat.label("groups", group, lang), ctx.locale),
                swiss_spelling(item.name(lang), ctx.locale),
                swiss_spelling(f"{item.factor} {cat.label('factors', item.factor, lang)}"
                      if item.factor else "–", ctx.locale),
                swiss_spelling(binding, ctx.locale),
                ", ".join(item.cost_types),
            ])
    cols = [label(ctx, _TEXTS, "columns", c)
            for c in ("group", "instrument", "factor", "binding", "cost_types")]
    return [markdown(ctx, _TEXTS, "catalogue"),
            _html.block(_html.table(cols, rows, css="kb-catalogue"))]


# -- selection and programme -------------------------------------------------------------------


def _driver_amount(ctx: Context, kind: str, value: float) -> str:
    if kind == "U":
        return _pct(ctx, value, 1)
    if kind == "Z":
        unit = " h/year" if ctx.language == "en" else "\u00a0Std./Jahr"
        return format_decimal(value, ctx.locale, 0) + unit
    return _money(ctx, value, 2 if value < 100 else 0)


def selection_table_html(ctx: Context, selection: Selection, cat: Catalogue) -> str:
    """Chosen instruments with every cost driver, its amount and whether it was adjusted."""
    lang = ctx.language
    rows: list[list[str]] = []
    for choice in selection.instruments:
        if choice.key not in cat.keys:
            continue
        item = cat.get(choice.key)
        for driver in item.drivers:
            adjusted = driver.key in choice.amounts and choice.amounts[driver.key] != driver.amount
            amount = choice.amounts.get(driver.key, driver.amount)
            rows.append([
                swiss_spelling(item.name(lang), ctx.locale),
                swiss_spelling(f"{driver.type} · {driver.label(lang)}", ctx.locale),
                _driver_amount(ctx, driver.type, amount),
                label(ctx, _TEXTS, "sources", "user" if adjusted else "catalogue"),
            ])
    cols = [label(ctx, _TEXTS, "columns", c) for c in ("instrument", "driver", "amount", "source")]
    return _html.table(cols, rows, numeric=(2,), css="kb-selection")


def selection(ctx: Context) -> list[Any]:
    """Live: the selection editor (saves every change). Report: the saved selection."""
    blocks: list[Any] = [markdown(ctx, _TEXTS, "selection")]
    cat = _catalogue(ctx, hide=ctx.live)  # the report lists every saved choice
    if ctx.live:
        from .massnahmen_forms import SelectionEditor

        editor = SelectionEditor(ctx, cat, client_figures(ctx), render=programme_blocks)
        return blocks + [editor.widget]
    saved = load_selection(ctx.workspace, language=ctx.language)
    problems = (saved.problems if saved is not None
                else unreadable_versions(ctx.workspace, SELECTION_FOLDER, ctx.language))
    blocks += [note(p) for p in problems]
    if saved is None or not saved.instruments:
        return blocks + [note(text(ctx, "no_selection"))]
    return blocks + [_html.block(selection_table_html(ctx, saved, cat))]


def programme_table_html(ctx: Context, evaluation: SelectionEvaluation) -> str:
    """Cost, benefit, ROI and break-even uplifts per instrument, total in the footer."""
    lang = ctx.language
    rows: list[list[str]] = []
    for item in evaluation.items:
        res = item.result
        name = swiss_spelling(item.instrument.name(lang), ctx.locale)
        if res is None:
            rows.append([name, _pp(ctx, math.nan), "–", "–", "–", "–",
                         swiss_spelling(item.error, ctx.locale)])
            continue
        rows.append([
            name, _pp(ctx, item.uplift), _money(ctx, res.cost.total),
            _money(ctx, res.benefit.total), _pct(ctx, res.roi, 0),
            _pp(ctx, res.break_even_uplift), _pp(ctx, res.break_even_uplift_lifetime),
        ])
    cols = [label(ctx, _TEXTS, "columns", c) for c in (
        "instrument", "uplift", "cost", "benefit", "roi", "break_even", "break_even_lifetime")]
    footer = None
    total = evaluation.total
    if total is not None and len(evaluation.items) > 1:
        # the total is the sum of the rows AS SHOWN (whole money units), so the column adds up
        shown = [i.result for i in evaluation.items if i.result is not None]
        cost = sum(round_half_up(r.cost.total, 0) for r in shown)
        benefit = sum(round_half_up(r.benefit.total, 0) for r in shown)
        roi = (benefit - cost) / cost if cost > 0 else math.nan
        footer = [label(ctx, _TEXTS, "columns", "total"),
                  _pp(ctx, total.benefit.assumptions["uplift"]), _money(ctx, cost),
                  _money(ctx, benefit), _pct(ctx, roi, 0),
                  _pp(ctx, total.break_even_uplift), _pp(ctx, total.break_even_uplift_lifetime)]
    return _html.table(cols, rows, numeric=(1, 2, 3, 4, 5, 6), css="kb-programme", footer=footer)


def _margins_block(ctx: Context, evaluation: SelectionEvaluation) -> Any | None:
    """Margin per purchase of a new vs an existing customer, computed from the amounts as
    shown (rounded to the cent), so the sentence adds up: 6.30 − 0.60 = 5.70."""
    fig = evaluation.figures
    existing_orders = (fig.customers.value * fig.retention_rate.value
                       * fig.transactions_per_customer.value)
    cost = evaluation.total.cost.total if evaluation.total else 0.0
    mt = round_half_up(fig.margin_per_transaction, 2)
    ac = round_half_up(fig.acquisition_cost.value, 2)
    rc = round_half_up(cost / existing_orders if existing_orders > 0 else 0.0, 2)
    m = transaction_margins(mt, ac, rc)
    # Markdown for the bold lead-in; the values are formatted numbers (escaped all the same)
    return markdown(ctx, _TEXTS, "margins", mt=_money(ctx, mt, 2), ac=_money(ctx, ac, 2),
                    mt_new=_money(ctx, m.new, 2), rc=_money(ctx, rc, 2),
                    mt_rep=_money(ctx, m.repeat, 2))


def _interaction(ctx: Context, evaluation: SelectionEvaluation) -> Any:
    """Gesamt = sum of the rows; where running the measures together differs, say by how much."""
    gap = round_half_up(evaluation.interaction, 0)
    if evaluation.joint is None or gap == 0:
        return _para(ctx, "additive")
    direction = label(ctx, _TEXTS, "interaction_direction", "higher" if gap > 0 else "lower")
    return _para(ctx, "interaction", amount=_money(ctx, abs(gap)), direction=direction,
                 joint=_money(ctx, evaluation.joint.total))


def _assumption_text(ctx: Context, a: AssumptionNote) -> str:
    """One assumption beside its result: value, effect, result without it, where to change."""
    name = swiss_spelling(a.instrument.name(ctx.language), ctx.locale)
    source = label(ctx, _TEXTS, "sources", a.source)
    if a.kind == "extra_transactions":
        return text(ctx, "assumption_extra", instrument=name, share=_pct(ctx, a.effect, 0),
                    amount=_money(ctx, a.amount), benefit=_money(ctx, a.benefit),
                    value=format_decimal(a.value, ctx.locale, 1),
                    retained=format_integer(a.customers_retained, ctx.locale),
                    roi=_pct(ctx, a.roi, 0), roi_without=_pct(ctx, a.roi_without, 0),
                    source=source)
    if a.share is None:
        return text(ctx, "assumption_revenue_average", instrument=name,
                    average=_money(ctx, a.alternative))
    return text(ctx, "assumption_revenue", instrument=name,
                participation=_pct(ctx, a.participation, 0), share=_pct(ctx, a.share, 0),
                revenue=_money(ctx, a.value), average=_money(ctx, a.alternative),
                cost=_money(ctx, a.cost), cost_alt=_money(ctx, a.cost_alternative),
                roi=_pct(ctx, a.roi, 0), roi_alt=_pct(ctx, a.roi_without, 0))


def programme_blocks(ctx: Context, evaluation: SelectionEvaluation) -> list[Any]:
    """Results of a selection: table, warnings, windfall and margin notes (live and report)."""
    if not evaluation.items:
        return [note(text(ctx, "no_selection"))]
    blocks: list[Any] = []
    if len(evaluation.items) > MAX_INSTRUMENTS:
        blocks.append(note(text(ctx, "too_many", n=len(evaluation.items))))
    blocks.append(_html.block(programme_table_html(ctx, evaluation)))
    if len(evaluation.items) > 1:
        blocks.append(_interaction(ctx, evaluation))
    blocks += [note(_assumption_text(ctx, a)) for a in assumption_notes(evaluation)]
    windfall = sum(i.result.cost.windfall for i in evaluation.items if i.result)
    if windfall > 0:
        blocks.append(_para(ctx, "windfall", amount=_money(ctx, windfall)))
    margins = _margins_block(ctx, evaluation)
    if margins is not None:
        blocks.append(margins)
    return blocks


def _evaluation(ctx: Context) -> SelectionEvaluation:
    return evaluate_selection(load_selection(ctx.workspace), client_figures(ctx),
                              _catalogue(ctx, hide=False))


def programme(ctx: Context) -> list[Any]:
    """ROI and break-even uplift of every chosen instrument and of the whole programme."""
    return [markdown(ctx, _TEXTS, "programme"), *programme_blocks(ctx, _evaluation(ctx))]


def ranking(ctx: Context) -> list[Any]:
    """Chosen instruments ranked by their factor's Handlungsbedarf per 1000 of annual cost."""
    evaluation = _evaluation(ctx)
    if not evaluation.items:
        return [markdown(ctx, _TEXTS, "ranking"), note(text(ctx, "no_selection"))]
    need = need_by_factor(ctx)
    table = rank_instruments(evaluation, need, ctx.language)
    cat = _catalogue(ctx, hide=False)
    rows = [[
        str(int(row["rank"])), swiss_spelling(str(row["name"]), ctx.locale),
        swiss_spelling(cat.label("factors", str(row["factor"]), ctx.language) or "–", ctx.locale),
        format_decimal(row["need"], ctx.locale, 0), _money(ctx, row["cost"]),
        format_decimal(row["need_per_1000"], ctx.locale, 1),
    ] for row in table.to_dict("records")]
    cols = [label(ctx, _TEXTS, "columns", c)
            for c in ("rank", "instrument", "factor", "need", "cost", "need_per_1000")]
    cols[-1] = cols[-1].format(money=_money(ctx, 1000.0, digits=0))
    blocks: list[Any] = [markdown(ctx, _TEXTS, "ranking")]
    if need is None:
        blocks.append(note(text(ctx, "ranking_no_need")))
    blocks.append(_html.block(_html.table(cols, rows, numeric=(0, 3, 4, 5), css="kb-ranking")))
    return blocks


# -- charts ------------------------------------------------------------------------------------


def _sensitivity_inputs(evaluation: SelectionEvaluation) -> ProgrammeInputs | None:
    total = evaluation.total
    if total is None or total.cost.total <= 0:
        return None
    fig = evaluation.figures
    # K is linear in every money amount, so a fixed cost of K scales exactly like the parts.
    return ProgrammeInputs(
        customers=fig.customers.value,
        margin_per_customer=fig.margin_per_customer,
        retention_before=fig.retention_rate.value,
        uplift=total.benefit.assumptions["uplift"],
        costs=CostAssumptions(fixed=total.cost.total),
        extra_transactions=total.benefit.assumptions["extra_transactions"],
        margin_per_transaction=fig.margin_per_transaction,
        discount_rate=fig.discount_rate.value,
    )


def sensitivity(ctx: Context) -> list[Any]:
    """Heatmap: the programme's ROI over retention uplift × cost factor."""
    import matplotlib.pyplot as plt

    from ..plots.economics import roi_heatmap

    inputs = _sensitivity_inputs(_evaluation(ctx))
    if inputs is None:
        return [markdown(ctx, _TEXTS, "sensitivity"), note(text(ctx, "no_selection"))]
    room = 1.0 - inputs.retention_before
    candidates = [0.0, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.10]
    uplifts = sorted({u for u in candidates if u <= room} | {round(min(inputs.uplift, room), 4)})
    table = sensitivity_table(inputs, uplifts)
    fig, ax = plt.subplots(figsize=(7.5, 4.8), layout="constrained")
    roi_heatmap(table, ax=ax, language=ctx.language, locale=ctx.locale)
    return [markdown(ctx, _TEXTS, "sensitivity"), fig]


def profit_by_year_section(ctx: Context) -> list[Any]:
    """Stacked profit per customer by relationship year and the customer NPV before/after."""
    import matplotlib.pyplot as plt

    from ..plots.economics import profit_by_year_area

    evaluation = _evaluation(ctx)
    fig_data = evaluation.figures
    r0 = fig_data.retention_rate.value
    uplift = evaluation.total.benefit.assumptions["uplift"] if evaluation.total else 0.0
    r1 = min(r0 + uplift, 0.99)
    base = profit_by_year(fig_data.acquisition_cost.value, fig_data.margin_per_customer,
                          years=PROFIT_YEARS, retention=r0,
                          discount_rate=fig_data.discount_rate.value)
    after = profit_by_year(fig_data.acquisition_cost.value, fig_data.margin_per_customer,
                           years=PROFIT_YEARS, retention=r1,
                           discount_rate=fig_data.discount_rate.value)
    fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    profit_by_year_area(base, ax=ax, language=ctx.language, currency=ctx.currency,
                        locale=ctx.locale)
    return [
        markdown(ctx, _TEXTS, "profit"),
        fig,
        _para(ctx, "npv", years=PROFIT_YEARS, npv_now=_money(ctx, base.npv),
              npv_after=_money(ctx, after.npv), r0=_pct(ctx, r0), r1=_pct(ctx, r1),
              ac=_money(ctx, fig_data.acquisition_cost.value),
              clv=_figure_value(ctx, "customer_lifetime_value",
                                fig_data.customer_lifetime_value),
              t=int(fig_data.clv_horizon_years.value)),
    ]


def word_of_mouth(ctx: Context) -> list[Any]:
    """Complaint word of mouth (3 zu 10), break-even quality, retained complainants."""
    import matplotlib.pyplot as plt

    from ..plots.economics import word_of_mouth_bars

    fig_data = client_figures(ctx)
    blocks: list[Any] = [markdown(ctx, _TEXTS, "wom")]
    if fig_data.complaints.source != "client":
        return blocks + [note(text(ctx, "no_complaints"))]
    c = int(fig_data.complaints.value)
    if c == 0:
        return blocks + [note(text(ctx, "zero_complaints"))]
    q = fig_data.complaint_quality.value
    wom = complaint_word_of_mouth(c, q, include_silent=True)
    kept = retained_complainants(c, q, quick_share=fig_data.complaint_quick_share.value,
                                 customer_value=fig_data.customer_lifetime_value)
    fig, ax = plt.subplots(figsize=(6.5, 4), layout="constrained")
    word_of_mouth_bars(wom, ax=ax, language=ctx.language, locale=ctx.locale)
    loc = ctx.locale
    blocks += [
        fig,
        _para(ctx, "wom_summary", c=format_integer(c, loc),
              q=_figure_value(ctx, "complaint_quality", q),
              wp=format_integer(wom.positive, loc), wm=format_integer(wom.negative, loc),
              w=format_points(wom.balance, loc), qstar=_pct(ctx, wom.break_even_quality, 0)),
        _para(ctx, "wom_retained", r=format_decimal(kept.retained, loc, 1),
              c=format_integer(c, loc), lost=format_decimal(kept.lost, loc, 1),
              value=_money(ctx, round_half_up(kept.lost, 1)
                           * round_half_up(fig_data.customer_lifetime_value, 0)),
              clv=_figure_value(ctx, "customer_lifetime_value",
                                fig_data.customer_lifetime_value),
              t=int(fig_data.clv_horizon_years.value), formula=ClvConvention.FORMULA),
        _para(ctx, "wom_silent", c=format_integer(c, loc),
              u=format_integer(wom.silent_customers or 0.0, loc)),
    ]
    return blocks


# -- experience, after-sales, e-mail consent, low-effort track ----------------------------------


def experience(ctx: Context) -> list[Any]:
    """The experience as the top goal: the weakest touchpoints and the instruments for them."""
    from ..instruments.tracks import touchpoint_instruments
    from ..store import AnswerStore

    blocks: list[Any] = [markdown(ctx, _TEXTS, "experience")]
    store = AnswerStore(ctx.workspace)
    questionnaire = store.catalogue("kontaktpunkte").for_locale(ctx.locale)
    latest = store.latest("kontaktpunkte")
    answers = dict(latest.answers) if latest is not None else {}
    ratings = {key: answers.get(key) for key in questionnaire.item_keys}
    cat = _catalogue(ctx)
    needs = touchpoint_instruments(cat, ratings)
    if not needs:
        return [*blocks, note(text(ctx, "experience_none"))]
    rows = [[questionnaire.item(n.touchpoint).label(ctx.language),
             format_integer(n.score, ctx.locale),
             swiss_spelling(" · ".join(cat.get(k).name(ctx.language) for k in n.instruments),
                            ctx.locale)]
            for n in needs]
    cols = [label(ctx, _TEXTS, "experience_columns", c)
            for c in ("touchpoint", "rating", "instruments")]
    return [*blocks, _html.block(_html.table(cols, rows, numeric=(1,), css="kb-experience"))]


def after_sales(ctx: Context) -> list[Any]:
    """What after-sales means: thank, take away post-purchase dissonance, feedback, reviews."""
    return [markdown(ctx, _TEXTS, "after_sales")]


def email_consent(ctx: Context) -> list[Any]:
    """Consent for e-mail advertising: the client's country first (a hint, not legal advice)."""
    from ..kit.content import consent, localized

    rules = consent()
    home = getattr(ctx.workspace, "locale", ctx.locale)  # the client's country, any language
    countries = rules.for_locale(home)
    own = [c for c in countries if c.locale == home]
    lines = [text(ctx, "email_consent_country",
                  country=localized(c.name, ctx.language, ctx.locale),
                  rule=localized(c.rule, ctx.language, ctx.locale),
                  exception=localized(c.exception, ctx.language, ctx.locale), source=c.source)
             for c in (own or countries)]
    from IPython.display import Markdown

    return [markdown(ctx, _TEXTS, "email_consent"), Markdown("\n\n".join(lines))]


#: The low-effort track: weekly staff time and cash per year it allows per instrument.
LOW_EFFORT_HOURS_PER_WEEK = 1.0
LOW_EFFORT_MAX_CASH = 300.0


def low_effort(ctx: Context) -> list[Any]:
    """Why micro-firms don't do it (objection → answer, as on the kit's page) and what fits
    into one hour a week, packed for the factors with the greatest need first."""
    from ..instruments.tracks import low_effort_track
    from ..kit.content import localized, low_effort_page

    page = low_effort_page()
    loc = ctx.locale
    objections = _html.table(
        [label(ctx, _TEXTS, "low_effort_columns", c) for c in ("objection", "answer")],
        [[localized(said, ctx.language, loc), localized(answer, ctx.language, loc)]
         for said, answer in page.objections], css="kb-objections")
    need = need_by_factor(ctx)
    priority = list(need["factor"]) if need is not None else []
    fig = client_figures(ctx)
    years = float(fig.setup_years.value)
    cat = _catalogue(ctx)
    track = low_effort_track(cat, LOW_EFFORT_HOURS_PER_WEEK, LOW_EFFORT_MAX_CASH,
                             setup_years=years, priority=priority)
    rows = []
    for row in track.rows:
        item = cat.get(row.key)
        factor = (f"{item.factor} {cat.label('factors', item.factor, ctx.language)}"
                  if item.factor else "–")
        rows.append(["\u2713" if row.key in track.package else "",
                     swiss_spelling(item.name(ctx.language), loc),
                     swiss_spelling(factor, loc),
                     format_decimal(row.hours_per_week, loc, 2),
                     _money(ctx, row.cash_per_year),
                     _money(ctx, row.per_participant, 2) if row.per_participant else "–"])
    cols = [label(ctx, _TEXTS, "low_effort_columns", c)
            for c in ("package", "instrument", "factor", "hours", "cash", "per_participant")]
    sentence = text(ctx, "low_effort_track",
                    hours=format_decimal(LOW_EFFORT_HOURS_PER_WEEK, loc, 0),
                    cash=_money(ctx, LOW_EFFORT_MAX_CASH), years=format_decimal(years, loc, 0),
                    package=format_decimal(track.package_hours_per_week, loc, 2)
                    + (" h/week" if ctx.language == "en" else "\u00a0Std./Woche"),
                    order=label(ctx, _TEXTS, "low_effort_order",
                                "need" if priority else "hours"))
    return [markdown(ctx, _TEXTS, "low_effort"), _html.block(objections), paragraph(sentence),
            _html.block(_html.table(cols, rows, numeric=(3, 4, 5), css="kb-low-effort"))]
