"""The core's forms (`core.interactions.form_specs.Form`) as Teams task modules: an Adaptive
Card 1.5 whose inputs are named by the core's field names, each with its initial value, its
choices and its limits, and the core's error (if any) in red under it.

The card's one button is an `Action.Submit` whose data says which form it is
(`{"cairn": {"verb": <form name>, "arg": "#N", "stamp": …}}`); Teams merges the inputs'
values into that data and sends it as a `task/submit` invoke.
"""

from __future__ import annotations

import math
from typing import Any

from bots.teams import cards
from bots.teams.markdown import escape, paragraphs
from core.interactions.form_specs import Field, FieldKind, Form

Element = dict[str, Any]

LABEL = 100
ERROR = 300


def task_module(form: Form) -> dict[str, Any]:
    """The answer to `task/fetch` (and to a `task/submit` with errors): show this form."""
    return {"task": {"type": "continue", "value": {
        "title": form.title[:LABEL], "height": "large", "width": "medium",
        "card": cards.attachment(form_card(form))}}}


def closed(text: str) -> dict[str, Any]:
    """The answer that closes the task module, telling the person `text`."""
    return {"task": {"type": "message", "value": text[:500]}}


def form_card(form: Form) -> Element:
    body: list[Element] = []
    if form.intro:
        body.append(cards.text(paragraphs(escape(form.intro), 1000), weight="bolder"))
    for field in form.fields:
        body.append(_input(field))
        error = form.errors.get(field.name)
        if error:
            body.append(cards.text(escape(error[:ERROR]), color="attention", spacing="none"))
        elif field.hint:
            body.append(cards.text(escape(field.hint), subtle=True, spacing="none"))
    for note in form.notes:
        body.append(cards.text(escape(note), subtle=True))
    arg = f"#{form.subject}" if form.subject is not None else ""
    submit: Element = {"type": "Action.Submit", "title": form.submit[:cards.ACTION_TITLE],
                       "style": "positive",
                       "data": {"cairn": {"verb": form.name, "arg": arg,
                                          "stamp": cards.nonce()}}}
    return cards.fit(cards.card(body, [submit]))


def _input(field: Field) -> Element:
    element: Element = {"id": field.name, "label": field.label[:LABEL]}
    if field.required:
        element["isRequired"] = True
        element["errorMessage"] = f"{field.label[:LABEL]}: needed."
    if field.kind == FieldKind.MILESTONE:
        # A #number typed (Teams has no search over Cairn's milestones in a task module).
        element["type"] = "Input.Text"
        element["maxLength"] = 12
        if field.placeholder:
            element["placeholder"] = field.placeholder
        if field.initial:
            element["value"] = f"#{field.initial}"
    elif field.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.PEOPLE,
                        FieldKind.CHANNEL):
        element["type"] = "Input.Text"
        if field.kind == FieldKind.LONG_TEXT:
            element["isMultiline"] = True
        if field.max_length:
            element["maxLength"] = field.max_length
        if field.placeholder:
            element["placeholder"] = field.placeholder
        if field.initial:
            element["value"] = field.initial
    elif field.kind == FieldKind.NUMBER:
        element["type"] = "Input.Number"
        if field.low is not None:
            element["min"] = field.low
        if field.high is not None:
            element["max"] = field.high
        value = _number(field.initial)
        if value is not None:
            element["value"] = value
    elif field.kind == FieldKind.DATE:
        element["type"] = "Input.Date"
        if field.initial:
            element["value"] = field.initial
    elif field.kind == FieldKind.TIME:
        element["type"] = "Input.Time"
        if field.initial:
            element["value"] = field.initial
    else:
        element["type"] = "Input.ChoiceSet"
        element["style"] = "compact"
        element["choices"] = [{"title": c.label, "value": c.value} for c in field.choices]
        if field.kind == FieldKind.CHOICES:  # values joined by commas, as the core reads them
            element["isMultiSelect"] = True
            element["style"] = "expanded"
        if field.initial:
            element["value"] = field.initial
    return element


def _number(text: str) -> float | int | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return int(value) if value == int(value) else value


def opener(text: str, title: str, verb: str, arg: str) -> dict[str, Any]:
    """A message with the button that opens a form (a typed line cannot open a task module)."""
    button = cards.submit(title, verb, arg, stamp=cards.nonce(), style="positive")
    content = cards.card([cards.text(escape(text))], [button])
    return {"type": "message", "summary": text[:250], "attachments": [cards.attachment(content)]}
