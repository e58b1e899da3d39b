"""The forms themselves as platform-neutral values: which fields, of which kind, labelled how,
starting from which values, offering which choices, within which limits.

A platform renders a `Form` in its own widgets (Teams: an Adaptive Card task module), with each
input named by `Field.name`: the names `validation` keys its errors by. A submission comes back
as `{field name: text as typed}` and `read_*` turns it into what `validation` checks.
Initial values and raw values are text: dates as ISO days, numbers as typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from core.field_checks import DESCRIPTION_MAX, NOTE_MAX, TITLE_MAX
from core.interactions.validation import (
    METRIC_MAX,
    UNIT_MAX,
    CheckInForm,
    Day,
    MilestoneForm,
    Number,
    Unreadable,
)
from core.model import REPORTABLE_STATUSES, Kind, Priority
from core.model import Status as MilestoneStatus

TEXT_MAX = 3000  # what a long text input takes in one go on every platform
NUMBER_MAX = 40  # characters of a number as typed
PEOPLE_MAX = 500


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    NUMBER = "number"  # any number; `low` / `high` when bounded, `whole` for integers
    DATE = "date"
    CHOICE = "choice"
    PEOPLE = "people"  # `@handle` words (or a platform's mentions), the first one alone if `one`


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    initial: str = ""
    choices: tuple[Choice, ...] = ()
    max_length: int | None = None
    low: float | None = None
    high: float | None = None
    whole: bool = False
    one: bool = False
    hint: str = ""
    placeholder: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Form:
    """`name`: which form (`milestone`, `checkin`, `comment`, `vacation`); `subject`: the
    milestone it is about (None: a new one); `errors`: field name -> what is wrong with it."""

    name: str
    title: str
    submit: str
    fields: tuple[Field, ...]
    subject: int | None = None
    intro: str = ""
    errors: Mapping[str, str] = field(default_factory=dict)

    def with_errors(self, errors: Mapping[str, str], values: Mapping[str, str]) -> Form:
        """The same form again, showing what was typed and what is wrong; an error on a field
        the form lacks goes on the first field."""
        names = [f.name for f in self.fields]
        placed: dict[str, str] = {}
        for name, text in errors.items():
            where = name if name in names else names[0]
            placed[where] = f"{placed[where]} {text}" if where in placed else text
        fields = tuple(replace(f, initial=values[f.name][: f.max_length or TEXT_MAX])
                       if isinstance(values.get(f.name), str) else f for f in self.fields)
        return replace(self, fields=fields, errors=placed)


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneShown:
    """A milestone as its edit form shows it (people as `@handle`s)."""

    title: str = ""
    description: str = ""
    kind: Kind = Kind.MILESTONE
    parent: int | None = None
    owner: str = ""
    members: tuple[str, ...] = ()
    start: date | None = None
    due: date | None = None
    priority: Priority = Priority.MEDIUM
    metric: str = ""
    crit_start: float | None = None
    crit_target: float | None = None
    crit_current: float | None = None
    unit: str = ""


KINDS = (Choice(Kind.GOAL.value, "🎯 Goal"), Choice(Kind.MILESTONE.value, "🏁 Milestone"),
         Choice(Kind.TASK.value, "📌 Task"))
PRIORITIES = tuple(Choice(p.value, p.value.capitalize()) for p in Priority)
STATUSES = tuple(Choice(s.value, s.label) for s in REPORTABLE_STATUSES)


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def milestone_form(shown: MilestoneShown | None = None, number: int | None = None) -> Form:
    """New (`number` None, `shown` what the person already gave, like a title) or edit."""
    v = shown or MilestoneShown()
    fields = [
        Field(name="title", label="Title", required=True, initial=v.title[:TITLE_MAX],
              max_length=TITLE_MAX, placeholder="Launch the public beta"),
        Field(name="description", label="Description", kind=FieldKind.LONG_TEXT,
              initial=v.description, max_length=min(DESCRIPTION_MAX, TEXT_MAX)),
        Field(name="kind", label="Kind", kind=FieldKind.CHOICE, required=True,
              initial=v.kind.value, choices=KINDS),
        Field(name="parent", label="Part of (#number)", kind=FieldKind.NUMBER, whole=True,
              low=1, initial=str(v.parent or ""),
              hint="Its progress rolls up into this goal or milestone."),
        Field(name="owner", label="Owner", kind=FieldKind.PEOPLE, one=True, initial=v.owner,
              max_length=PEOPLE_MAX, placeholder="@handle", hint="You, when left empty."),
        Field(name="members", label="Contributors", kind=FieldKind.PEOPLE,
              initial=" ".join(v.members), max_length=PEOPLE_MAX, placeholder="@ann @bob"),
        Field(name="start", label="Start", kind=FieldKind.DATE, initial=_day(v.start)),
        Field(name="due", label="Due", kind=FieldKind.DATE, initial=_day(v.due)),
        Field(name="priority", label="Priority", kind=FieldKind.CHOICE, required=True,
              initial=v.priority.value, choices=PRIORITIES),
        Field(name="crit_metric", label="Success criterion: metric", initial=v.metric,
              max_length=METRIC_MAX, placeholder="ARR",
              hint="Optional: a number that drives the progress."),
        Field(name="crit_start", label="From", kind=FieldKind.NUMBER, initial=_num(v.crit_start)),
        Field(name="crit_target", label="To", kind=FieldKind.NUMBER, initial=_num(v.crit_target)),
    ]
    if number is not None:
        fields.append(Field(name="crit_current", label="Now", kind=FieldKind.NUMBER,
                            initial=_num(v.crit_current)))
    fields.append(Field(name="crit_unit", label="Unit", initial=v.unit, max_length=UNIT_MAX,
                        placeholder="USD"))
    if number is None:
        return Form(name="milestone", title="New milestone", submit="Create",
                    fields=tuple(fields))
    return Form(name="milestone", title=f"Edit #{number}", submit="Save", fields=tuple(fields),
                subject=number)


def check_in_form(number: int, title: str, *, percent: int, status: MilestoneStatus,
                  rolled_up: bool = False, metric: str = "", current: float | None = None
                  ) -> Form:
    """Progress from children: no percent; from a criterion: its value now; else a percent."""
    fields: list[Field] = []
    intro = f"#{number} {title}"
    if rolled_up:
        intro += (f"\n\nProgress ({percent}%) rolls up from the milestones under it; report "
                  "how it feels and what is in the way.")
    elif metric:
        fields.append(Field(name="current", label=f"{metric} now", kind=FieldKind.NUMBER,
                            initial=_num(current), hint="Progress follows the success criterion."))
    else:
        fields.append(Field(name="percent", label="Progress (%)", kind=FieldKind.NUMBER,
                            required=True, whole=True, low=0, high=100, initial=str(percent)))
    chosen = status if status in REPORTABLE_STATUSES else MilestoneStatus.ON_TRACK
    fields += [
        Field(name="status", label="Status", kind=FieldKind.CHOICE, required=True,
              initial=chosen.value, choices=STATUSES),
        Field(name="notes", label="What moved", kind=FieldKind.LONG_TEXT, max_length=NOTE_MAX),
        Field(name="blockers", label="What is in the way", kind=FieldKind.LONG_TEXT,
              max_length=NOTE_MAX),
    ]
    return Form(name="checkin", title=f"Check in on #{number}", submit="Update",
                fields=tuple(fields), subject=number, intro=intro)


def comment_form(number: int, title: str) -> Form:
    return Form(name="comment", title=f"Comment on #{number}", submit="Post", subject=number,
                intro=f"#{number} {title}", fields=(
                    Field(name="text", label="Comment", kind=FieldKind.LONG_TEXT, required=True,
                          max_length=min(DESCRIPTION_MAX, TEXT_MAX),
                          hint="Mention people with @handle to notify them."),))


def vacation_form(starts: date | None = None, ends: date | None = None) -> Form:
    return Form(name="vacation", title="I'm away", submit="Pause my reminders", fields=(
        Field(name="starts", label="From", kind=FieldKind.DATE, required=True,
              initial=_day(starts)),
        Field(name="ends", label="Until", kind=FieldKind.DATE, required=True,
              initial=_day(ends))))


# --- reading a submission: {field name: text as typed} ------------------------------------


def read_number(raw: str | None, *, why: str = "A number, like 42 or 3.5.") -> Number:
    text = (raw or "").strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return Unreadable(why)
    return value if value == value and abs(value) < 1e15 else Unreadable(why)


def read_day(raw: str | None) -> Day:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return Unreadable("A date, like 2027-01-15.")


def text_of(raw: Mapping[str, object], name: str) -> str:
    value = raw.get(name)
    return value if isinstance(value, str) else ""


def read_milestone(raw: Mapping[str, object]) -> tuple[MilestoneForm, Number]:
    """The milestone form as `validation` checks it, and the parent as typed (`#3` or `3`)."""
    parent = read_number(text_of(raw, "parent").lstrip("#"), why="A milestone's #number.")
    return MilestoneForm(
        title=text_of(raw, "title"), description=text_of(raw, "description"),
        kind=text_of(raw, "kind") or None, priority=text_of(raw, "priority") or None,
        start=read_day(text_of(raw, "start")), due=read_day(text_of(raw, "due")),
        metric=text_of(raw, "crit_metric"), crit_start=read_number(text_of(raw, "crit_start")),
        crit_target=read_number(text_of(raw, "crit_target")),
        crit_current=read_number(text_of(raw, "crit_current")),
        unit=text_of(raw, "crit_unit")), parent


def read_check_in(raw: Mapping[str, object], form: Form) -> CheckInForm:
    shown = {f.name for f in form.fields}
    return CheckInForm(percent=read_number(text_of(raw, "percent")),
                       asks_percent="percent" in shown,
                       current=read_number(text_of(raw, "current")),
                       status=text_of(raw, "status") or None, notes=text_of(raw, "notes"),
                       blockers=text_of(raw, "blockers"))


def handles_in(text: str) -> tuple[str, ...] | None:
    """`@ann @bob` (commas allowed) as handles; None when a word is not a handle."""
    words = [w for w in text.replace(",", " ").split() if w]
    found = []
    for word in words:
        handle = word.removeprefix("@").lower()
        if not handle or not all(ch.isalnum() or ch in "._-" for ch in handle):
            return None
        found.append(handle)
    return tuple(found)
