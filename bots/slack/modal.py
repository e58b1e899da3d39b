"""Render this form as a modal: the core's form (`core.interactions.form_specs.Form`) as a
Block Kit modal, one input block per field, its block id the field's name (so the core's field
errors go back as `response_action: errors` as they are), within Slack's limits whatever the
form holds.

Slack's own widgets stand in where it has them: people pickers for people (the core names them
as Cairn users; `people` maps those to Slack users), a search over milestones for a milestone,
a channel picker for a channel, a time picker for a time.
"""

from __future__ import annotations

from collections.abc import Mapping

from bots.slack.blocks import SURFACE_BLOCKS, Block, context, option, plain, section
from bots.slack.forms import CALLBACK_PREFIX, MILESTONE_PICKER, PARENT_PICKER, VALUE
from bots.slack.mrkdwn import escape
from core.interactions.form_specs import TEXT_MAX, Field, FieldKind, Form

LABEL = 2000
HINT = 2000
PLACEHOLDER = 150
PEOPLE = 20


def modal(form: Form, meta: str, *, people: Mapping[int, str] | None = None) -> Block:
    """`meta`: the private metadata; `people`: Cairn user id -> Slack user id."""
    blocks: list[Block] = []
    paragraphs = [p for p in form.intro.split("\n\n") if p.strip()]
    if paragraphs:
        blocks.append(section(escape(paragraphs[0])))
    blocks += [context(escape(p)) for p in paragraphs[1:]]
    blocks += [input_block(f, people or {}) for f in form.fields]
    blocks += [context(escape(note)) for note in form.notes]
    return {"type": "modal", "callback_id": CALLBACK_PREFIX + form.name,
            "title": plain(form.title, 24), "submit": plain(form.submit, 24),
            "close": plain("Cancel", 24), "private_metadata": meta,
            "blocks": blocks[:SURFACE_BLOCKS]}


def input_block(field: Field, people: Mapping[int, str]) -> Block:
    block: Block = {"type": "input", "block_id": field.name, "label": plain(field.label, LABEL),
                    "element": _element(field, people), "optional": not field.required}
    if field.hint:
        block["hint"] = plain(field.hint, HINT)
    return block


def _element(field: Field, people: Mapping[int, str]) -> Block:
    kind = field.kind
    if kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        return _text(field)
    if kind == FieldKind.NUMBER:
        return _number(field)
    if kind == FieldKind.DATE:
        return _initial({"type": "datepicker", "action_id": VALUE}, "initial_date",
                        field.initial)
    if kind == FieldKind.TIME:
        return _initial({"type": "timepicker", "action_id": VALUE}, "initial_time",
                        field.initial)
    if kind == FieldKind.CHOICE:
        return _select(field)
    if kind == FieldKind.CHOICES:
        return _checkboxes(field)
    if kind == FieldKind.PEOPLE:
        slack_ids = [people[u] for u in field.people if u in people]
        if field.one:
            return _initial({"type": "users_select", "action_id": VALUE}, "initial_user",
                            slack_ids[0] if slack_ids else "")
        element: Block = {"type": "multi_users_select", "action_id": VALUE}
        if slack_ids:
            element["initial_users"] = list(dict.fromkeys(slack_ids))[:PEOPLE]
        return element
    if kind == FieldKind.MILESTONE:
        return _milestone(field)
    return _initial({"type": "conversations_select", "action_id": VALUE,
                     "filter": {"include": ["public", "private"], "exclude_bot_users": True}},
                    "initial_conversation", field.initial)


def _initial(element: Block, key: str, value: str) -> Block:
    if value:
        element[key] = value
    return element


def _text(field: Field) -> Block:
    limit = min(field.max_length or TEXT_MAX, TEXT_MAX)
    element: Block = {"type": "plain_text_input", "action_id": VALUE,
                      "multiline": field.kind == FieldKind.LONG_TEXT, "max_length": limit}
    if field.initial:
        element["initial_value"] = field.initial[:limit]
    if field.placeholder:
        element["placeholder"] = plain(field.placeholder, PLACEHOLDER)
    return element


def _number(field: Field) -> Block:
    decimal = not field.whole
    element: Block = {"type": "number_input", "action_id": VALUE,
                      "is_decimal_allowed": decimal}
    initial = _float(field.initial)
    if initial is not None:  # as the core wrote it (never `1.5e+06`), whole if it must be
        element["initial_value"] = field.initial.strip() if decimal else str(round(initial))
    for key, value in (("min_value", field.low), ("max_value", field.high)):
        if value is not None:
            element[key] = f"{value:g}" if decimal else str(round(value))
    return element


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) < 1e15 else None


def _select(field: Field) -> Block:
    options = [option(c.label, c.value) for c in field.choices]
    element: Block = {"type": "static_select", "action_id": VALUE, "options": options}
    chosen = next((o for o in options if o["value"] == field.initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return element


def _checkboxes(field: Field) -> Block:
    options = [option(c.label, c.value) for c in field.choices]
    element: Block = {"type": "checkboxes", "action_id": VALUE, "options": options}
    ticked = set(field.initial.split(","))
    picked = [o for o in options if o["value"] in ticked]
    if picked:
        element["initial_options"] = picked
    return element


def _milestone(field: Field) -> Block:
    picker = PARENT_PICKER if field.name == "parent" else MILESTONE_PICKER
    element: Block = {"type": "external_select", "action_id": picker, "min_query_length": 0,
                      "placeholder": plain("Type a title or #number", PLACEHOLDER)}
    if field.initial:
        element["initial_option"] = option(field.shown or f"#{field.initial}",
                                           f"#{field.initial}")
    return element
