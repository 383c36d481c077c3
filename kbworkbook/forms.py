"""Questionnaire forms for the live workshop (ipywidgets; the only module importing them).

Widgets are views; storage is :class:`kbworkbook.store.AnswerStore`. Every widget is bound with
``observe(…, names="value")`` and saves the moment its value changes, so a kernel restart loses
nothing. Reopening a form shows the latest saved answers; "Neue Einschätzung beginnen" starts a
new assessment (a new file) and leaves the earlier ones untouched.

Several sessions may fill in one questionnaire at once (two tabs, consultant and owner). A save
only changes the one answer given and keeps what the others saved (the store re-reads under a
lock). The form remembers the assessment it shows; when a save comes back with anything
besides its own change altered (another session saved in between), the form shows the merged
answers and says so. "Aktualisieren" does the same without saving. Errors (read-only folder,
full disk) appear in the form, in German.

::

    form = QuestionnaireForm(store, "sechs_faktoren", language="de")
    form.widget          # display this
    form.rows["F1.1"].choice.value = 4      # what a click does – saved immediately
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from .errors import KbWorkbookError
from .i18n import swiss_spelling, tr
from .questionnaires.catalogue import Item, Questionnaire
from .store import AnswerStore, Assessment

__all__ = ["DONT_KNOW", "ItemRow", "QuestionnaireForm", "live_output", "questionnaire_form"]

#: Widget value of the "weiß nicht" option; stored as ``null``.
DONT_KNOW = "__weiss_nicht__"

_T: dict[str, dict[str, str]] = {
    "progress": {"de": "{n} von {total} beantwortet", "en": "{n} of {total} answered"},
    "comment": {"de": "Kommentar (optional)", "en": "Comment (optional)"},
    "importance": {"de": "Wie wichtig ist dieser Faktor für Ihre Kunden? (1 = unwichtig, "
                         "5 = sehr wichtig)",
                   "en": "How important is this factor for your customers? (1 = unimportant, "
                         "5 = very important)"},
    "scale": {"de": "Antworten: {options} · »{dont_know}«, wenn Sie es nicht einschätzen "
                    "können",
              "en": "Answers: {options} · '{dont_know}' if you cannot judge it"},
    "new": {"de": "Neue Einschätzung beginnen", "en": "Start a new assessment"},
    "new_tip": {"de": "Legt eine neue, leere Einschätzung an; die bisherigen bleiben "
                      "unverändert gespeichert.",
                "en": "Starts a new, empty assessment; earlier ones stay saved unchanged."},
    "saved": {"de": "Gespeichert: {time}", "en": "Saved: {time}"},
    "since": {"de": "Einschätzung vom {date}", "en": "Assessment of {date}"},
    "empty": {"de": "Noch keine Antworten gespeichert.", "en": "No answers saved yet."},
    "error": {"de": "Nicht gespeichert: {msg}", "en": "Not saved: {msg}"},
    "merged": {"de": "Eine andere Sitzung hat inzwischen gespeichert; ihre Antworten sind "
                     "übernommen und werden jetzt angezeigt.",
               "en": "Another session saved meanwhile; its answers are kept and now shown."},
    "other_new": {"de": "Eine andere Sitzung hat eine neue Einschätzung begonnen; die Antworten "
                        "gehen jetzt dorthin und werden angezeigt.",
                  "en": "Another session started a new assessment; answers now go there and "
                        "are shown."},
    "refresh": {"de": "Aktualisieren", "en": "Refresh"},
    "refresh_tip": {"de": "Zeigt Antworten, die eine andere Sitzung gespeichert hat.",
                    "en": "Shows answers another session has saved."},
    "up_to_date": {"de": "Keine neueren Antworten.", "en": "No newer answers."},
    "text_placeholder": {"de": "Ihre Antwort …", "en": "Your answer …"},
    "own_entries": {"de": "Eigene Einträge (mit Semikolon getrennt) …",
                    "en": "Your own entries (separated by semicolons) …"},
    "at_most": {"de": "höchstens {n} wählen", "en": "choose at most {n}"},
}


@dataclass
class ItemRow:
    """The widgets of one statement: the answer control and the comment box.

    A ``choices`` item has one checkbox per option in ``checks``; its ``choice`` is the box
    for the owner's own entries (separated by semicolons).
    """

    item: Item
    choice: widgets.ValueWidget
    comment: widgets.Text | None
    box: widgets.Widget
    checks: dict[str, widgets.Checkbox] | None = None

    def list_value(self) -> list[str]:
        """A ``choices`` row's answer: ticked option keys, then the own entries."""
        ticked = [key for key, box in (self.checks or {}).items() if box.value]
        own = [part.strip() for part in str(self.choice.value).split(";") if part.strip()]
        return ticked + [entry for entry in own if entry not in ticked]


class QuestionnaireForm:
    """A form for one questionnaire, bound to an :class:`AnswerStore`.

    ``on_save`` callbacks are called with the saved :class:`Assessment` after every save
    (e.g. to redraw a live chart).
    """

    def __init__(
        self,
        store: AnswerStore,
        questionnaire: str,
        language: str = "de",
        on_save: Callable[[Assessment], None] | None = None,
        locale: str | None = None,
    ) -> None:
        self.store = store
        self.questionnaire = questionnaire
        self.language = "en" if language == "en" else "de"
        self.locale = locale or ("en" if self.language == "en" else "de-CH")
        self.catalogue: Questionnaire = store.catalogue(questionnaire).for_locale(self.locale)
        self.on_save: list[Callable[[Assessment], None]] = [on_save] if on_save else []
        self._loading = False
        self.rows: dict[str, ItemRow] = {}
        self.importance: dict[str, widgets.ToggleButtons] = {}
        self.progress = widgets.HTML()
        self.status = widgets.HTML()
        self.header = widgets.HTML()
        self.new_button = widgets.Button(description=self._tl("new"),
                                         tooltip=self._tl("new_tip"), icon="plus")
        self.new_button.on_click(lambda _button: self.start_new_assessment())
        self.refresh_button = widgets.Button(description=self._tl("refresh"),
                                             tooltip=self._tl("refresh_tip"), icon="refresh")
        self.refresh_button.on_click(lambda _button: self.check_for_updates())
        #: the saved assessment the widgets show (``None``: nothing was saved)
        self._shown: Assessment | None = None
        self.widget = self._build()
        self.reload()

    # -- building ----------------------------------------------------------------------------
    def _options(self) -> list[tuple[str, Any]]:
        scale = self.catalogue.scale
        labels = scale.label_list(self.language)
        if self.catalogue.kind == "ja_teilweise_nein":
            options = list(zip(labels, scale.values, strict=True))
        else:
            options = [(str(v), v) for v in scale.values]
        return [*options, (scale.dont_know(self.language), DONT_KNOW)]

    def scale_legend(self) -> str | None:
        """What the numbered buttons mean (``1 = trifft überhaupt nicht zu · …``), escaped
        HTML; ``None`` when the buttons carry their words themselves (ja/teilweise/nein, text).
        """
        scale = self.catalogue.scale
        if self.catalogue.kind not in ("likert", "rating"):
            return None
        options = " · ".join(f"{value} = {label}" for value, label in
                             zip(scale.values, scale.label_list(self.language), strict=True))
        text = self._tl("scale", options=options, dont_know=scale.dont_know(self.language))
        return f'<small class="kb-scale-legend" style="color:#444">{html.escape(text)}</small>'

    def _tl(self, key: str, **values: Any) -> str:
        return swiss_spelling(tr(_T, key, self.language, **values), self.locale)

    def _row(self, item: Item) -> ItemRow:
        lang = self.language
        help_text = item.help_text(lang)
        label = f"<b>{html.escape(item.label(lang))}</b>"
        if help_text:
            label += f'<br><small style="color:#666">{html.escape(help_text)}</small>'
        text_widget = widgets.HTML(label, layout=widgets.Layout(width="100%"))
        comment: widgets.Text | None = None
        if self.catalogue.kind == "text" and item.type == "choices":
            return self._choices_row(item, text_widget)
        if self.catalogue.kind == "text":
            choice: widgets.ValueWidget = widgets.Textarea(
                placeholder=self._tl("text_placeholder"), continuous_update=False,
                layout=widgets.Layout(width="100%", height="5em"))
            choice.observe(self._saver(item.key), names="value")
            box = widgets.VBox([text_widget, choice])
        else:
            tooltips = (list(self.catalogue.scale.label_list(lang))
                        + [self.catalogue.scale.dont_know(lang)])
            choice = widgets.ToggleButtons(options=self._options(), value=None,
                                           tooltips=tooltips,
                                           style={"button_width": "auto"})
            choice.observe(self._saver(item.key), names="value")
            comment = widgets.Text(placeholder=self._tl("comment"), continuous_update=False,
                                   layout=widgets.Layout(width="40%"))
            comment.observe(self._comment_saver(item.key), names="value")
            box = widgets.VBox([text_widget, widgets.HBox([choice, comment])],
                               layout=widgets.Layout(margin="0 0 10px 0"))
        return ItemRow(item=item, choice=choice, comment=comment, box=box)

    def _choices_row(self, item: Item, text_widget: widgets.HTML) -> ItemRow:
        """Checkboxes for the options (three columns) and a box for own entries."""
        lang = self.language
        checks = {option.key: widgets.Checkbox(value=False, description=option.label(lang),
                                               indent=False,
                                               layout=widgets.Layout(width="auto"))
                  for option in item.options}
        own = widgets.Text(placeholder=self._tl("own_entries"), continuous_update=False,
                           layout=widgets.Layout(width="100%"))
        row = ItemRow(item=item, choice=own, comment=None, box=widgets.VBox(), checks=checks)
        save = self._list_saver(row)
        for box in checks.values():
            box.observe(save, names="value")
        own.observe(save, names="value")
        parts: list[widgets.Widget] = [text_widget]
        if item.max is not None:
            parts.append(widgets.HTML(
                f'<small style="color:#444">{html.escape(self._tl("at_most", n=item.max))}'
                "</small>"))
        parts += [widgets.GridBox(list(checks.values()), layout=widgets.Layout(
            grid_template_columns="repeat(3, 1fr)")), own]
        row.box = widgets.VBox(parts, layout=widgets.Layout(margin="0 0 10px 0"))
        return row

    def _build(self) -> widgets.VBox:
        lang = self.language
        children: list[widgets.Widget] = [self.header]
        intro = self.catalogue.intro_text(lang)
        if intro:
            children.append(widgets.HTML(f"<p>{html.escape(intro)}</p>"))
        legend = self.scale_legend()
        for factor in self.catalogue.factors:
            parts: list[widgets.Widget] = [
                widgets.HTML(f"<h4>{html.escape(factor.label(lang))}</h4>")]
            if self.catalogue.importance:
                imp = widgets.ToggleButtons(options=[(str(v), v) for v in range(1, 6)],
                                            value=None, style={"button_width": "auto"})
                imp.observe(self._importance_saver(factor.key), names="value")
                self.importance[factor.key] = imp
                parts.append(widgets.HTML(f"<i>{html.escape(self._tl('importance'))}</i>"))
                parts.append(imp)
            if legend:  # above the statements of every factor, so it never scrolls away
                parts.append(widgets.HTML(legend))
            for item in factor.items:
                row = self._row(item)
                self.rows[item.key] = row
                parts.append(row.box)
            children.append(widgets.VBox(parts))
        children.append(widgets.HBox([self.progress, self.status]))
        children.append(widgets.HBox([self.new_button, self.refresh_button]))
        return widgets.VBox(children)

    # -- saving ------------------------------------------------------------------------------
    def _other_session(self, saved: Assessment, field: str, key: str) -> str | None:
        """``"merged"``/``"other_new"`` when ``saved`` holds another session's work, else None.

        ``field``/``key`` name this form's own change (e.g. ``answers``/``F1.1``); everything
        else must be as the form showed it.
        """
        shown = self._shown
        if shown is not None and saved.id != shown.id:
            return "other_new"
        for name in ("answers", "comments", "importance"):
            before = dict(getattr(shown, name)) if shown is not None else {}
            after = dict(getattr(saved, name))
            if name == field:
                before.pop(key, None)
                after.pop(key, None)
            if before != after:
                return "merged"
        return None

    def _after_save(self, assessment: Assessment, field: str = "", key: str = "") -> None:
        other = self._other_session(assessment, field, key)
        if other is not None:
            self._display(assessment)  # the merged answers, not the stale widgets
        self._shown = assessment
        self._show_state(assessment)
        status = html.escape(self._tl("saved", time=assessment.updated.strftime("%H:%M:%S")))
        if other is not None:
            status = f"<b>{html.escape(self._tl(other))}</b> {status}"
        self.status.value = status
        for callback in self.on_save:
            callback(assessment)

    def _guard(self, action: Callable[[], Assessment], field: str, key: str) -> None:
        if self._loading:
            return
        try:
            assessment = action()
        except KbWorkbookError as exc:
            self.status.value = (
                f'<span style="color:#c0392b">'
                f'{html.escape(self._tl("error", msg=str(exc)))}</span>')
            return
        self._after_save(assessment, field, key)

    def _saver(self, key: str) -> Callable[[dict[str, Any]], None]:
        def save(change: dict[str, Any]) -> None:
            value = change["new"]
            if value is None:
                self._guard(lambda: self.store.clear(self.questionnaire, key), "answers", key)
            else:
                stored = None if value == DONT_KNOW else value
                self._guard(lambda: self.store.set(self.questionnaire, key, stored),
                            "answers", key)
        return save

    def _list_saver(self, row: ItemRow) -> Callable[[dict[str, Any]], None]:
        key = row.item.key

        def save(_change: dict[str, Any]) -> None:
            value = row.list_value()
            if value:
                self._guard(lambda: self.store.set(self.questionnaire, key, value),
                            "answers", key)
            else:
                self._guard(lambda: self.store.clear(self.questionnaire, key), "answers", key)
        return save

    def _comment_saver(self, key: str) -> Callable[[dict[str, Any]], None]:
        def save(change: dict[str, Any]) -> None:
            self._guard(lambda: self.store.set_comment(self.questionnaire, key, change["new"]),
                        "comments", key)
        return save

    def _importance_saver(self, key: str) -> Callable[[dict[str, Any]], None]:
        def save(change: dict[str, Any]) -> None:
            self._guard(lambda: self.store.set_importance(self.questionnaire, key, change["new"]),
                        "importance", key)
        return save

    # -- state -------------------------------------------------------------------------------
    def _show_state(self, assessment: Assessment | None) -> None:
        total = len(self.catalogue.items)
        answered = 0 if assessment is None else sum(
            1 for key in self.catalogue.item_keys if key in assessment.answers)
        self.progress.value = html.escape(
            self._tl("progress", n=answered, total=total)) + "&emsp;"
        if assessment is None:
            self.header.value = f"<i>{html.escape(self._tl('empty'))}</i>"
        else:
            date = assessment.started.strftime("%d.%m.%Y")
            self.header.value = f"<i>{html.escape(self._tl('since', date=date))}</i>"

    def _display(self, latest: Assessment | None) -> None:
        """Set every widget to ``latest``'s answers without saving anything."""
        answers = dict(latest.answers) if latest else {}
        comments = dict(latest.comments) if latest else {}
        importance = dict(latest.importance) if latest else {}
        self._loading = True
        try:
            for key, row in self.rows.items():
                if row.checks is not None:
                    stored = answers.get(key)
                    entries: list[Any] = stored if isinstance(stored, list) else []
                    for option, box in row.checks.items():
                        box.value = option in entries
                    row.choice.value = "; ".join(e for e in entries if e not in row.checks)
                elif self.catalogue.kind == "text":
                    row.choice.value = str(answers.get(key) or "")
                elif key not in answers:
                    row.choice.value = None
                else:
                    value = answers[key]
                    row.choice.value = DONT_KNOW if value is None else value
                if row.comment is not None:
                    row.comment.value = comments.get(key, "")
            for key, imp in self.importance.items():
                imp.value = importance.get(key)
        finally:
            self._loading = False
        self._shown = latest
        self._show_state(latest)

    def reload(self) -> None:
        """Show the latest saved answers (without saving anything)."""
        history, skipped = self.store.scan(self.questionnaire)
        latest = history[-1] if history else None
        self._display(latest)
        notes = [s.message(self.language) for s in skipped]
        notes += list(latest.problems) if latest else []
        if notes:
            self.status.value = "<br>".join(
                f'<span style="color:#c0392b">{html.escape(text)}</span>' for text in notes)

    def check_for_updates(self) -> bool:
        """Show answers another session saved since the form last loaded or saved.

        Returns True when there was something newer.
        """
        latest = self.store.latest(self.questionnaire)
        if latest is None or (self._shown is not None
                              and self._other_session(latest, "", "") is None):
            self.status.value = html.escape(self._tl("up_to_date"))
            return False
        other = "other_new" if self._shown and latest.id != self._shown.id else "merged"
        self._display(latest)
        self.status.value = f"<b>{html.escape(self._tl(other))}</b>"
        if latest is not None:
            for callback in self.on_save:
                callback(latest)
        return True

    def start_new_assessment(self) -> Assessment:
        """Start a new, empty assessment and clear the form."""
        assessment = self.store.new_assessment(self.questionnaire)
        self.reload()
        self.status.value = ""
        for callback in self.on_save:
            callback(assessment)
        return assessment

    @property
    def progress_text(self) -> str:
        """The plain progress text, e.g. "12 von 31 beantwortet"."""
        return html.unescape(self.progress.value.replace("&emsp;", "")).strip()


def questionnaire_form(store: AnswerStore, questionnaire: str, language: str = "de",
                       on_save: Callable[[Assessment], None] | None = None,
                       locale: str | None = None) -> QuestionnaireForm:
    """Build a :class:`QuestionnaireForm` (shortcut)."""
    return QuestionnaireForm(store, questionnaire, language, on_save, locale)


def on_demand(label: str, render: Callable[[], list[Any]]) -> widgets.VBox:
    """A button that shows ``render()``'s blocks below it when pressed (again: drawn afresh).

    For a live view that takes seconds to compute (the client's figures): »Alle Zellen
    ausführen« stays quick, so an answer given meanwhile is saved at once, and the view shows
    the answers as they are when the button is pressed.
    """
    out = widgets.Output()
    button = widgets.Button(description=label, icon="bar-chart",
                            layout=widgets.Layout(width="auto"))

    def draw(*_args: Any) -> None:
        from .notebook import show

        out.clear_output(wait=True)
        with out:
            show(render())

    button.on_click(draw)
    return widgets.VBox([button, out])


def live_output(render: Callable[[], list[Any]]) -> tuple[widgets.Output, Callable[..., None]]:
    """An Output widget showing ``render()``'s blocks and a ``refresh(*_)`` that redraws it."""
    out = widgets.Output()

    def refresh(*_args: Any) -> None:
        from .notebook import show

        out.clear_output(wait=True)
        with out:
            show(render())

    refresh()
    return out, refresh
