"""Workshop widgets for chapters 05 and 06 (imported only when ``ctx.live``).

:class:`SelectionEditor` chooses instruments and edits their cost assumptions;
:class:`PlanEditor` edits the action plan. Both are views: every change builds a plain
:class:`~kbworkbook.plan.Selection` / :class:`~kbworkbook.plan.ActionPlan` and saves it as a
new version with :mod:`kbworkbook.plan` (text fields commit on Enter or when leaving the
field, so typing does not create a version per keystroke).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..i18n import swiss_spelling
from ..instruments import Catalogue, Instrument
from ..plan import (
    STATUSES,
    Action,
    ActionPlan,
    InstrumentChoice,
    Selection,
    load_selection,
    save_action_plan,
    save_selection,
)
from ..programme import ClientFigures, SelectionEvaluation, evaluate_selection

__all__ = ["PlanEditor", "SelectionEditor"]

_UI = {
    "de": {"uplift": "Steigerung (Pp.)", "participation": "Teilnahme (%)",
           "extra": "Zus. Käufe/Kunde", "saved": "Gespeichert: {when}",
           "unsaved": "Noch nicht gespeichert", "add": "Zeile hinzufügen",
           "propose": "Vorschläge übernehmen", "remove": "Entfernen", "title": "Maßnahme",
           "owner": "Verantwortlich", "due": "Termin", "metric": "Erfolgskennzahl",
           "target": "Ziel", "status": "Status",
           "statuses": {"offen": "offen", "in_arbeit": "in Arbeit", "erledigt": "erledigt"}},
    "en": {"uplift": "Uplift (pp)", "participation": "Participation (%)",
           "extra": "Extra purchases/cust.", "saved": "Saved: {when}",
           "unsaved": "Not saved yet", "add": "Add row", "propose": "Use proposals",
           "remove": "Remove", "title": "Action", "owner": "Owner", "due": "Due",
           "metric": "Success metric", "target": "Target", "status": "Status",
           "statuses": {"offen": "open", "in_arbeit": "in progress", "erledigt": "done"}},
}


def _ui(language: str) -> dict[str, Any]:
    return _UI["en" if language == "en" else "de"]


class _InstrumentRow:
    """Checkbox plus the editable assumptions of one instrument."""

    def __init__(self, item: Instrument, choice: InstrumentChoice | None, language: str,
                 locale: str, on_change: Callable[[Any], None]) -> None:
        ui = _ui(language)
        self.item = item
        self.checkbox = w.Checkbox(value=choice is not None,
                                   description=swiss_spelling(item.name(language), locale),
                                   indent=False, layout=w.Layout(width="auto"))
        amounts = dict(item.default_amounts())
        if choice is not None:
            amounts.update(choice.amounts)
        self.amounts = {
            d.key: w.BoundedFloatText(value=amounts[d.key], min=0.0,
                                      max=1.0 if d.type == "U" else 1e7,
                                      step=0.005 if d.type == "U" else 1.0,
                                      description=swiss_spelling(
                                          f"{d.type}: {d.label(language)}", locale),
                                      style={"description_width": "24em"},
                                      layout=w.Layout(width="36em"))
            for d in item.drivers
        }
        uplift = item.uplift if choice is None or choice.uplift is None else choice.uplift
        part = (item.participation if choice is None or choice.participation is None
                else choice.participation)
        extra = (item.extra_transactions if choice is None or choice.extra_transactions is None
                 else choice.extra_transactions)
        self.uplift = w.BoundedFloatText(value=round(uplift * 100, 4), min=0.0, max=20.0,
                                         step=0.5, description=ui["uplift"])
        self.participation = w.BoundedFloatText(value=round(part * 100, 4), min=0.0, max=100.0,
                                                step=5.0, description=ui["participation"])
        self.extra = w.BoundedFloatText(value=extra, min=0.0, max=100.0, step=0.1,
                                        description=ui["extra"])
        self.details = w.VBox([*self.amounts.values(),
                               w.HBox([self.uplift, self.participation, self.extra])],
                              layout=w.Layout(margin="0 0 0.5em 2em"))
        self._show_details()
        self.checkbox.observe(self._toggle, names="value")
        for widget in [*self.amounts.values(), self.uplift, self.participation, self.extra]:
            widget.observe(on_change, names="value")
        self.checkbox.observe(on_change, names="value")
        self.widget = w.VBox([self.checkbox, self.details])

    def _show_details(self) -> None:
        self.details.layout.display = "" if self.checkbox.value else "none"

    def _toggle(self, _change: Any) -> None:
        self._show_details()

    def choice(self) -> InstrumentChoice:
        return InstrumentChoice(
            key=self.item.key,
            amounts={k: float(v.value) for k, v in self.amounts.items()},
            participation=float(self.participation.value) / 100.0,
            uplift=float(self.uplift.value) / 100.0,
            extra_transactions=float(self.extra.value),
        )


class SelectionEditor:
    """Choose instruments, edit assumptions, see ROI and break-even live; saves every change."""

    def __init__(self, ctx: Any, catalogue: Catalogue, figures: ClientFigures, *,
                 render: Callable[[Any, SelectionEvaluation], list[Any]],
                 now: Callable[[], dt.datetime] | None = None) -> None:
        self.ctx = ctx
        self.render = render
        self.catalogue = catalogue
        self.figures = figures
        self._now = now
        saved = load_selection(ctx.workspace)
        self.selection = saved or Selection()
        self.order: list[str] = list(self.selection.keys)
        self.rows: dict[str, _InstrumentRow] = {}
        children: list[Any] = []
        for group, items in catalogue.by_group().items():
            label = swiss_spelling(catalogue.label("groups", group, ctx.language), ctx.locale)
            children.append(w.HTML(f"<b>{_escape(label)}</b>"))
            for item in items:
                row = _InstrumentRow(item, self.selection.choice(item.key), ctx.language,
                                     ctx.locale, self._changed)
                self.rows[item.key] = row
                children.append(row.widget)
        self.status = w.Label(self._status_text(saved))
        self.output = w.Output()
        self.last_blocks: list[Any] = []
        self.widget = w.VBox([w.VBox(children), self.status, self.output])
        self.refresh()

    def _status_text(self, saved: Selection | None) -> str:
        ui = _ui(self.ctx.language)
        if saved is None or saved.saved_at is None:
            return str(ui["unsaved"])
        return str(ui["saved"]).format(when=saved.saved_at.strftime("%d.%m.%Y %H:%M:%S"))

    def current(self) -> Selection:
        """The selection the widgets show right now (order of choosing kept)."""
        for key, row in self.rows.items():
            if row.checkbox.value and key not in self.order:
                self.order.append(key)
            if not row.checkbox.value and key in self.order:
                self.order.remove(key)
        return Selection(instruments=tuple(self.rows[k].choice() for k in self.order),
                         setup_years=self.selection.setup_years)

    def _changed(self, _change: Any) -> None:
        self.selection = save_selection(self.ctx.workspace, self.current(), now=self._now)
        self.status.value = self._status_text(self.selection)
        self.refresh()

    def refresh(self) -> None:
        """Recompute ROI and break-even and redraw the results below the editor."""
        from IPython.display import display

        evaluation = evaluate_selection(self.current(), self.figures, self.catalogue)
        self.last_blocks = self.render(self.ctx, evaluation)
        self.output.clear_output(wait=True)
        with self.output:
            for block in self.last_blocks:
                display(block)


def _escape(text: str) -> str:
    import html

    return html.escape(text)


class _ActionRow:
    def __init__(self, action: Action, metrics: list[tuple[str, str]], language: str,
                 on_change: Callable[[Any], None], on_remove: Callable[[_ActionRow], None]
                 ) -> None:
        ui = _ui(language)
        self.source = action.source
        options = list(metrics)
        if action.metric and action.metric not in [k for _, k in options]:
            options.append((action.metric, action.metric))
        self.title = w.Text(value=action.title, placeholder=ui["title"], continuous_update=False,
                            layout=w.Layout(width="30em"))
        self.owner = w.Text(value=action.owner, placeholder=ui["owner"],
                            continuous_update=False, layout=w.Layout(width="12em"))
        self.due = w.DatePicker(value=action.due, layout=w.Layout(width="11em"))
        self.metric = w.Dropdown(options=[("–", ""), *options], value=action.metric,
                                 layout=w.Layout(width="16em"))
        self.target = w.Text(value=action.target, placeholder=ui["target"],
                             continuous_update=False, layout=w.Layout(width="20em"))
        self.status = w.Dropdown(options=[(ui["statuses"][s], s) for s in STATUSES],
                                 value=action.status, layout=w.Layout(width="9em"))
        self.remove = w.Button(description=ui["remove"], layout=w.Layout(width="8em"))
        for widget in (self.title, self.owner, self.due, self.metric, self.target, self.status):
            widget.observe(on_change, names="value")
        self.remove.on_click(lambda _b: on_remove(self))
        self.widget = w.HBox([self.title, self.owner, self.due, self.metric, self.target,
                              self.status, self.remove])

    def action(self) -> Action:
        return Action(title=self.title.value.strip(), source=self.source,
                      owner=self.owner.value.strip(), due=self.due.value,
                      metric=self.metric.value or "", target=self.target.value.strip(),
                      status=self.status.value)


class PlanEditor:
    """Edit the action plan row by row; every committed change saves a new version."""

    def __init__(self, ctx: Any, plan: ActionPlan, proposal: ActionPlan,
                 metrics: list[tuple[str, str]], *,
                 now: Callable[[], dt.datetime] | None = None,
                 on_save: Callable[[ActionPlan], None] | None = None) -> None:
        ui = _ui(ctx.language)
        self.ctx = ctx
        self.proposal = proposal
        self.metrics = metrics
        self._now = now
        self._on_save = on_save
        self._loading = False
        self.rows: list[_ActionRow] = []
        self.box = w.VBox()
        self.add_button = w.Button(description=ui["add"], icon="plus")
        self.propose_button = w.Button(description=ui["propose"])
        self.add_button.on_click(lambda _b: self.add(Action(title="")))
        self.propose_button.on_click(lambda _b: self.load(self.proposal, save=True))
        self.status = w.Label(ui["unsaved"] if plan.saved_at is None else
                              ui["saved"].format(when=plan.saved_at.strftime(
                                  "%d.%m.%Y %H:%M:%S")))
        header = w.HTML(
            "<small>" + " · ".join(_escape(ui[k]) for k in
                                   ("title", "owner", "due", "metric", "target", "status"))
            + "</small>")
        self.widget = w.VBox([header, self.box, w.HBox([self.add_button, self.propose_button]),
                              self.status])
        self.load(plan, save=False)

    def load(self, plan: ActionPlan, *, save: bool) -> None:
        """Show ``plan`` (e.g. the proposals); ``save`` stores it as a new version."""
        self._loading = True
        self.rows = [_ActionRow(a, self.metrics, self.ctx.language, self._changed, self._remove)
                     for a in plan.actions]
        self.box.children = [r.widget for r in self.rows]
        self._loading = False
        if save:
            self._save()

    def add(self, action: Action) -> None:
        row = _ActionRow(action, self.metrics, self.ctx.language, self._changed, self._remove)
        self.rows.append(row)
        self.box.children = [r.widget for r in self.rows]

    def _remove(self, row: _ActionRow) -> None:
        self.rows = [r for r in self.rows if r is not row]
        self.box.children = [r.widget for r in self.rows]
        self._save()

    def current(self) -> ActionPlan:
        """The plan as shown; rows without a title are left out."""
        return ActionPlan(actions=tuple(a for a in (r.action() for r in self.rows) if a.title))

    def _changed(self, _change: Any) -> None:
        if not self._loading:
            self._save()

    def _save(self) -> None:
        saved = save_action_plan(self.ctx.workspace, self.current(), now=self._now)
        if saved.saved_at is not None:
            self.status.value = _ui(self.ctx.language)["saved"].format(
                when=saved.saved_at.strftime("%d.%m.%Y %H:%M:%S"))
        if self._on_save is not None:
            self._on_save(saved)
