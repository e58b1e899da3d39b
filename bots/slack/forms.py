"""Modals: the milestone form (create and edit), the check-in form and the comment form, and
the builders and readers every form uses (the reminder forms are in `reminder_forms`).

Each form is built from plain values and read back into plain values; `FieldErrors` names the
input blocks that were wrong, ready for `response_action: errors`. Block ids are the field names
below, so a core `InvalidInput.field` maps onto them (`block_for`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bots.slack.blocks import (
    PRIVATE_METADATA,
    SURFACE_BLOCKS,
    Block,
    clip,
    context,
    option,
    plain,
    section,
)
from bots.slack.mrkdwn import escape
from bots.slack.shapes import whole_number
from core.errors import DomainError
from core.field_checks import DESCRIPTION_MAX, NOTE_MAX, TITLE_MAX
from core.interactions.forms import CheckInValues as CheckedCheckIn
from core.interactions.forms import Criterion
from core.interactions.validation import (
    CheckInForm,
    Day,
    FormErrors,
    MilestoneForm,
    Number,
    Unreadable,
    check_check_in,
    check_milestone_form,
)
from core.model import REPORTABLE_STATUSES, Kind, Priority, Status
from core.text import number

MILESTONE_FORM = "cairn.milestone"
CHECKIN_FORM = "cairn.checkin"
COMMENT_FORM = "cairn.comment"
DETAILS = "cairn.details"
PARENT_PICKER = "cairn.parent"
MILESTONE_PICKER = "cairn.pick"
VACATION_FORM = "cairn.vacation"
SETTINGS_FORM = "cairn.settings"
VALUE = "value"

# Core field names (InvalidInput.field) -> input block ids, per form.
_MILESTONE_FIELDS = {
    "title": "title", "description": "description", "kind": "kind", "parent": "parent",
    "owner": "owner", "people": "members", "start": "start", "due": "due", "date": "due",
    "priority": "priority", "criteria": "crit_metric", "metric": "crit_metric",
    "channel": "channel", "members": "members", "crit_metric": "crit_metric",
    "crit_start": "crit_start", "crit_target": "crit_target", "crit_current": "crit_current",
}
_CHECKIN_FIELDS = {"percent": "percent", "status": "status", "notes": "notes",
                   "blockers": "blockers", "criteria": "current", "current": "current"}
_COMMENT_FIELDS = {"comment": "text", "text": "text", "milestone": "milestone"}
_VACATION_FIELDS = {"vacation": "ends", "starts": "starts", "ends": "ends"}
_SETTINGS_FIELDS = {"weekday": "weekday", "time": "time", "every": "every", "days": "days",
                    "quiet": "work_ends", "remind": "weekday"}


class FieldErrors(Exception):
    """Input blocks and what was wrong with each, for `response_action: errors`."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = {block: clip(text, 150) for block, text in errors.items()}


def explain(error: DomainError) -> str:
    """A core refusal as one sentence for a field, with its example when it has one."""
    text = error.message[:1].upper() + error.message[1:]
    text = text if text.endswith((".", "!", "?")) else text + "."
    return f"{text} Try: {error.hint}" if error.hint else text


def refused(block: str, error: DomainError) -> FieldErrors:
    return FieldErrors({block: explain(error)})


def block_for(form: str, core_field: str, present: set[str]) -> str:
    """The input block that should show a core error (the first block when none fits)."""
    table = {MILESTONE_FORM: _MILESTONE_FIELDS, CHECKIN_FORM: _CHECKIN_FIELDS,
             COMMENT_FORM: _COMMENT_FIELDS, VACATION_FORM: _VACATION_FIELDS,
             SETTINGS_FORM: _SETTINGS_FIELDS}[form]
    wanted = table.get(core_field)
    if wanted in present:
        return wanted
    order = {MILESTONE_FORM: ("title",), CHECKIN_FORM: ("status", "notes"),
             COMMENT_FORM: ("text",), VACATION_FORM: ("ends",),
             SETTINGS_FORM: ("weekday",)}[form]
    return next((b for b in order if b in present), next(iter(sorted(present))))


# --- metadata: where the form came from, carried through Slack in private_metadata ----------


@dataclass(frozen=True, slots=True)
class Origin:
    """Where to answer once a form is submitted."""

    channel_id: str = ""
    response_url: str = ""
    home: bool = False


def metadata(*, origin: Origin, ref: int | None = None, links: tuple[str, ...] = (),
             extra: dict[str, Any] | None = None) -> str:
    """`extra`: small values a form needs back on submit (what it started from)."""
    data: dict[str, Any] = {"c": origin.channel_id, "r": origin.response_url, "h": origin.home}
    if ref is not None:
        data["n"] = ref
    if extra:
        data["x"] = extra
    kept: list[str] = []
    for link in links:
        if len(json.dumps({**data, "l": [*kept, link]})) <= PRIVATE_METADATA:
            kept.append(link)
    if kept:
        data["l"] = kept
    text = json.dumps(data, separators=(",", ":"))
    if len(text) > PRIVATE_METADATA:  # an absurd response_url: answer by DM instead
        data["r"] = ""
        text = json.dumps(data, separators=(",", ":"))
    return text


@dataclass(frozen=True, slots=True)
class Metadata:
    origin: Origin
    ref: int | None = None
    links: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def read_metadata(text: str) -> Metadata:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    ref = data.get("n")
    found = data.get("l")
    links: list[Any] = found if isinstance(found, list) else []
    extra = data.get("x")
    return Metadata(origin=Origin(channel_id=str(data.get("c") or ""),
                                  response_url=str(data.get("r") or ""),
                                  home=bool(data.get("h"))),
                    # A forged number past any column's range would fail in the database.
                    ref=ref if isinstance(ref, int) and 0 < ref < 2**31 else None,
                    links=tuple(str(x) for x in links if isinstance(x, str)),
                    extra=extra if isinstance(extra, dict) else {})


# --- small input builders -------------------------------------------------------------------


def input_block(block_id: str, label: str, element: Block, *, optional: bool = False,
                hint: str = "") -> Block:
    block: Block = {"type": "input", "block_id": block_id, "label": plain(label, 2000),
                    "element": element, "optional": optional}
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def _text_input(initial: str = "", *, multiline: bool = False, max_length: int = 3000,
                placeholder: str = "") -> Block:
    element: Block = {"type": "plain_text_input", "action_id": VALUE, "multiline": multiline,
                      "max_length": max_length}
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def static_select(choices: list[tuple[str, str]], initial: str | None) -> Block:
    options = [option(text, value) for text, value in choices]
    element: Block = {"type": "static_select", "action_id": VALUE, "options": options}
    chosen = next((o for o in options if o["value"] == initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return element


def date_picker(initial: date | None) -> Block:
    element: Block = {"type": "datepicker", "action_id": VALUE}
    if initial is not None:
        element["initial_date"] = initial.isoformat()
    return element


def _number(initial: float | None, *, decimal: bool, low: float | None = None,
            high: float | None = None) -> Block:
    element: Block = {"type": "number_input", "action_id": VALUE, "is_decimal_allowed": decimal}
    if initial is not None:
        element["initial_value"] = _number_text(initial, decimal)
    if low is not None:
        element["min_value"] = _number_text(low, decimal)
    if high is not None:
        element["max_value"] = _number_text(high, decimal)
    return element


def _number_text(value: float, decimal: bool) -> str:
    return f"{value:g}" if decimal else str(round(value))


def modal(callback_id: str, title: str, submit: str, blocks: list[Block], meta: str) -> Block:
    return {"type": "modal", "callback_id": callback_id, "title": plain(title, 24),
            "submit": plain(submit, 24), "close": plain("Cancel", 24),
            "private_metadata": meta, "blocks": blocks[:SURFACE_BLOCKS]}


# --- the milestone form ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MilestoneValues:
    """What the milestone form shows (blank for a new one)."""

    title: str = ""
    description: str = ""
    kind: Kind = Kind.MILESTONE
    parent: tuple[str, str] | None = None  # (value "#3", text "#3 Launch beta")
    owner: str = ""  # Slack user id
    members: tuple[str, ...] = ()
    start: date | None = None
    due: date | None = None
    priority: Priority = Priority.MEDIUM
    metric: str = ""
    crit_start: float | None = None
    crit_target: float | None = None
    crit_current: float | None = None
    unit: str = ""
    channel: str = ""


KINDS = [("🎯 Goal", Kind.GOAL.value), ("🏁 Milestone", Kind.MILESTONE.value),
         ("📌 Task", Kind.TASK.value)]
PRIORITIES = [(p.value.capitalize(), p.value) for p in Priority]


def milestone_form(values: MilestoneValues, meta: str, *, number: int | None = None) -> Block:
    parent: Block = {"type": "external_select", "action_id": PARENT_PICKER, "min_query_length": 0,
                     "placeholder": plain("Type a title or #number", 150)}
    if values.parent is not None:
        parent["initial_option"] = option(values.parent[1], values.parent[0])
    owner: Block = {"type": "users_select", "action_id": VALUE}
    if values.owner:
        owner["initial_user"] = values.owner
    members: Block = {"type": "multi_users_select", "action_id": VALUE}
    if values.members:
        members["initial_users"] = list(values.members)
    channel: Block = {"type": "conversations_select", "action_id": VALUE,
                      "filter": {"include": ["public", "private"], "exclude_bot_users": True}}
    if values.channel:
        channel["initial_conversation"] = values.channel
    blocks = [
        input_block("title", "Title", _text_input(values.title, max_length=TITLE_MAX,
                                                  placeholder="Launch the public beta")),
        input_block("description", "Description", _text_input(
            values.description, multiline=True, max_length=min(DESCRIPTION_MAX, 3000)),
                    optional=True),
        input_block("kind", "Kind", static_select(KINDS, values.kind.value)),
        input_block("parent", "Part of", parent, optional=True,
                    hint="Its progress rolls up into this goal or milestone."),
        input_block("owner", "Owner", owner, optional=True, hint="You, when left empty."),
        input_block("members", "Contributors", members, optional=True),
        input_block("start", "Start", date_picker(values.start), optional=True),
        input_block("due", "Due", date_picker(values.due), optional=True),
        input_block("priority", "Priority", static_select(PRIORITIES, values.priority.value)),
        section("*Success criterion* (optional): a number that drives the progress."),
        input_block("crit_metric", "Metric", _text_input(values.metric, max_length=80,
                                                         placeholder="ARR"), optional=True),
        input_block("crit_start", "From", _number(values.crit_start, decimal=True),
                    optional=True),
        input_block("crit_target", "To", _number(values.crit_target, decimal=True),
                    optional=True),
    ]
    if number is not None:
        blocks.append(input_block("crit_current", "Now",
                                  _number(values.crit_current, decimal=True), optional=True))
    blocks += [
        input_block("crit_unit", "Unit", _text_input(values.unit, max_length=20,
                                                     placeholder="USD"), optional=True),
        input_block("channel", "Home channel", channel, optional=True,
                    hint="Cairn posts a card there and threads every update under it."),
    ]
    title = f"Edit #{number}" if number is not None else "New milestone"
    return modal(MILESTONE_FORM, title, "Save" if number is not None else "Create", blocks,
                 meta)


@dataclass(frozen=True, slots=True)
class MilestoneInput:
    """What the milestone form says, checked as far as it can be without the database."""

    title: str
    description: str
    kind: Kind
    parent: int | None
    owner: str | None
    members: tuple[str, ...]
    start: date | None
    due: date | None
    priority: Priority
    criterion: Criterion | None
    current: float | None
    channel: str | None


def read_milestone_form(values: dict[str, Any]) -> MilestoneInput:
    """The submission, checked by the core (`check_milestone_form`: block ids are its field
    names); the Slack people in it are left for `form_data` to turn into identities."""
    state = FormState(values)
    parent = state.choice("parent", PARENT_PICKER)
    try:
        checked = check_milestone_form(MilestoneForm(
            title=state.text("title"), description=state.text("description"),
            kind=state.choice("kind"), priority=state.choice("priority"),
            parent=whole_number(parent[1:]) if parent else None,
            start=state.day("start"), due=state.day("due"), metric=state.text("crit_metric"),
            crit_start=state.amount("crit_start"), crit_target=state.amount("crit_target"),
            crit_current=state.amount("crit_current"), unit=state.text("crit_unit")))
    except FormErrors as wrong:
        raise FieldErrors(wrong.errors) from None
    return MilestoneInput(
        title=checked.title, description=checked.description, kind=checked.kind,
        parent=checked.parent, owner=state.user("owner"), members=state.users("members"),
        start=checked.start, due=checked.due, priority=checked.priority,
        criterion=checked.criterion, current=checked.current,
        channel=state.conversation("channel"))


# --- the check-in form ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckInValues:
    number: int
    title: str
    percent: int
    status: Status
    rolled_up: bool = False  # progress comes from children: no percent to type
    metric: str = ""  # progress comes from this success criterion: type its value
    current: float | None = None


STATUSES = [(s.label, s.value) for s in REPORTABLE_STATUSES]


def checkin_form(values: CheckInValues, meta: str) -> Block:
    blocks: list[Block] = [section(f"*#{values.number}* {escape(values.title)}")]
    if values.rolled_up:
        blocks.append(context(f"Progress ({values.percent}%) rolls up from the milestones "
                              "under it; report how it feels and what is in the way."))
    elif values.metric:
        blocks.append(input_block("current", f"{values.metric} now",
                                  _number(values.current, decimal=True), optional=True,
                                  hint="Progress follows the success criterion."))
    else:
        blocks.append(input_block("percent", "Progress (%)",
                                  _number(values.percent, decimal=False, low=0, high=100)))
    status = values.status if values.status in REPORTABLE_STATUSES else Status.ON_TRACK
    blocks += [
        input_block("status", "Status", static_select(STATUSES, status.value)),
        input_block("notes", "What moved", _text_input(multiline=True, max_length=NOTE_MAX),
                    optional=True),
        input_block("blockers", "What is in the way",
                    _text_input(multiline=True, max_length=NOTE_MAX), optional=True),
    ]
    return modal(CHECKIN_FORM, f"Check in on #{values.number}", "Update", blocks, meta)


#: A check-in as submitted, checked (the core's values).
CheckInInput = CheckedCheckIn


def read_checkin_form(values: dict[str, Any]) -> CheckInInput:
    state = FormState(values)
    try:
        return check_check_in(CheckInForm(
            percent=state.amount("percent"), asks_percent="percent" in values,
            current=state.amount("current"), status=state.choice("status"),
            notes=state.text("notes"), blockers=state.text("blockers")))
    except FormErrors as wrong:
        raise FieldErrors(wrong.errors) from None


# --- the comment form -----------------------------------------------------------------------


def comment_form(meta: str, *, target: tuple[str, str] | None = None, text: str = "") -> Block:
    picker: Block = {"type": "external_select", "action_id": MILESTONE_PICKER,
                     "min_query_length": 0, "placeholder": plain("Type a title or #number", 150)}
    if target is not None:
        picker["initial_option"] = option(target[1], target[0])
    blocks = [
        input_block("milestone", "Milestone", picker),
        input_block("text", "Comment", _text_input(text, multiline=True,
                                                   max_length=min(DESCRIPTION_MAX, 3000)),
                    hint="Mention people with @handle to notify them."),
    ]
    return modal(COMMENT_FORM, "Comment", "Post", blocks, meta)


@dataclass(frozen=True, slots=True)
class CommentInput:
    number: int
    text: str


def read_comment_form(values: dict[str, Any]) -> CommentInput:
    state = FormState(values)
    errors: dict[str, str] = {}
    chosen = state.choice("milestone", MILESTONE_PICKER)
    number = whole_number(chosen[1:]) if chosen else None
    if number is None:
        errors["milestone"] = "Pick a milestone."
    text = state.text("text").strip()
    if not text:
        errors["text"] = "The comment is empty."
    if errors:
        raise FieldErrors(errors)
    assert number is not None
    return CommentInput(number=number, text=text)


# --- reading view state -----------------------------------------------------------------------


@dataclass
class FormState:
    values: dict[str, Any]
    seen: set[str] = field(default_factory=set)

    def _element(self, block: str, action: str = VALUE) -> dict[str, Any]:
        found = self.values.get(block, {})
        element = found.get(action) if isinstance(found, dict) else None
        return element if isinstance(element, dict) else {}

    def text(self, block: str) -> str:
        value = self._element(block).get("value")
        return value if isinstance(value, str) else ""

    def choice(self, block: str, action: str = VALUE) -> str | None:
        selected = self._element(block, action).get("selected_option")
        value = selected.get("value") if isinstance(selected, dict) else None
        return value if isinstance(value, str) else None

    def date(self, block: str, errors: dict[str, str]) -> date | None:
        value = self._element(block).get("selected_date")
        if not isinstance(value, str) or not value:
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError:
            errors[block] = "That is not a date."
            return None
        if not 1900 <= day.year <= 2200:
            errors[block] = "Pick a date between 1900 and 2200."
            return None
        return day

    def day(self, block: str) -> Day:
        """A date picker's date, for the core to check (`Unreadable` says why not)."""
        errors: dict[str, str] = {}
        found = self.date(block, errors)
        return Unreadable(errors[block]) if block in errors else found

    def amount(self, block: str) -> Number:
        """A number input's number, for the core to check (`Unreadable` says why not)."""
        errors: dict[str, str] = {}
        found = self.number(block, errors)
        return Unreadable(errors[block]) if block in errors else found

    def number(self, block: str, errors: dict[str, str]) -> float | None:
        value = self._element(block).get("value")
        if not isinstance(value, str) or not value.strip():
            return None
        parsed = number(value.strip())
        if parsed is None or abs(parsed) > 1e15:
            errors[block] = "That is not a number."
            return None
        return parsed

    def user(self, block: str) -> str | None:
        value = self._element(block).get("selected_user")
        return value if isinstance(value, str) and value else None

    def users(self, block: str) -> tuple[str, ...]:
        value = self._element(block).get("selected_users")
        if not isinstance(value, list):
            return ()
        return tuple(dict.fromkeys(v for v in value if isinstance(v, str) and v))[:20]

    def time(self, block: str) -> int | None:
        """A timepicker's `HH:MM` as minutes after midnight."""
        value = self._element(block).get("selected_time")
        if not isinstance(value, str):
            return None
        hours, sep, minutes = value.partition(":")
        hour, minute = whole_number(hours, digits=2), whole_number(minutes, digits=2)
        if not sep or hour is None or minute is None or hour > 23 or minute > 59:
            return None
        return hour * 60 + minute

    def choices(self, block: str) -> list[str]:
        """The values of checkboxes (or a multi-select) that are ticked."""
        selected = self._element(block).get("selected_options")
        if not isinstance(selected, list):
            return []
        return [str(o["value"]) for o in selected if isinstance(o, dict) and "value" in o]

    def conversation(self, block: str) -> str | None:
        value = self._element(block).get("selected_conversation")
        return value if isinstance(value, str) and value else None
