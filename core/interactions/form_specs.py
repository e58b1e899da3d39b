"""The forms themselves as platform-neutral values: which fields, of which kind, labelled how,
starting from which values, offering which choices, within which limits.

A platform renders a `Form` in its own widgets (Slack: a Block Kit modal, Teams: an Adaptive
Card task module), with each input named by `Field.name`: the names `validation` keys its
errors by. A submission comes back as `{field name: text as typed}` and
`core.interactions.form_commands` turns it into one command. Initial values and raw values are
text: dates as ISO days, times as `HH:MM`, numbers as typed, several choices joined by commas.
The reminder forms (vacation, settings) are in `reminder_form_specs`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from core.field_checks import DESCRIPTION_MAX, NOTE_MAX, TITLE_MAX
from core.interactions.validation import METRIC_MAX, UNIT_MAX
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
    CHOICES = "choices"  # several of the choices, their values joined by commas
    PEOPLE = "people"  # `@handle` words (or a platform's mentions), the first one alone if `one`
    MILESTONE = "milestone"  # a milestone's #number (a platform may offer a search instead)
    TIME = "time"  # a time of day, `HH:MM`
    CHANNEL = "channel"  # a conversation of the platform, by its id (`Form.channels` prefixes)


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
    #: PEOPLE: the Cairn users `initial` names, for a platform that shows its own people.
    people: tuple[int, ...] = ()
    #: MILESTONE: how a picker shows the initial value (`#3 Launch beta`).
    shown: str = ""


#: What a use case names in a refusal -> the field of each form that shows it.
_ALIASES = {
    "milestone": {"people": "members", "date": "due", "criteria": "crit_metric",
                  "metric": "crit_metric"},
    "checkin": {"criteria": "current"},
    "comment": {"comment": "text"},
    "vacation": {"vacation": "ends"},
    "settings": {"quiet": "work_ends", "remind": "weekday"},
}
#: Where an error on no field of the form goes (else on the first field).
_FALLBACK = {"checkin": "status", "comment": "text", "vacation": "ends"}


def field_for(form: str, name: str, present: Sequence[str]) -> str:
    """The field of form `form` that shows an error on `name` (a field, or what a use case
    refused, like `quiet` or `criteria`), among the fields `present` (in the form's order)."""
    wanted = _ALIASES.get(form, {}).get(name, name)
    if wanted in present:
        return wanted
    fallback = _FALLBACK.get(form, "")
    return fallback if fallback in present else (present[0] if present else wanted)


@dataclass(frozen=True, slots=True, kw_only=True)
class Form:
    """`name`: which form (`milestone`, `checkin`, `comment`, `vacation`, `settings`);
    `subject`: the milestone it is about (None: a new one); `intro`: paragraphs shown above
    the fields, `notes`: lines below them; `errors`: field name -> what is wrong with it.
    `changes_only`: a submission changes only the fields that differ from their initial
    values, so a platform hands the initial values back with it (`Submission.before`)."""

    name: str
    title: str
    submit: str
    fields: tuple[Field, ...]
    subject: int | None = None
    intro: str = ""
    notes: tuple[str, ...] = ()
    changes_only: bool = False
    errors: Mapping[str, str] = field(default_factory=dict)

    def field_for(self, name: str) -> str:
        """The field of this form that shows an error on `name` (see `field_for`)."""
        return field_for(self.name, name, [f.name for f in self.fields])

    @property
    def initial(self) -> dict[str, str]:
        return {f.name: f.initial for f in self.fields}

    def with_errors(self, errors: Mapping[str, str], values: Mapping[str, str]) -> Form:
        """The same form again, showing what was typed and what is wrong (`field_for` says
        where each error goes)."""
        placed: dict[str, str] = {}
        for name, text in errors.items():
            where = self.field_for(name)
            placed[where] = f"{placed[where]} {text}" if where in placed else text
        fields = tuple(replace(f, initial=values[f.name][: f.max_length or TEXT_MAX])
                       if isinstance(values.get(f.name), str) else f for f in self.fields)
        return replace(self, fields=fields, errors=placed)


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneShown:
    """A milestone as its edit form shows it (people as `@handle`s and as Cairn user ids)."""

    title: str = ""
    description: str = ""
    kind: Kind = Kind.MILESTONE
    parent: int | None = None
    parent_title: str = ""
    owner: str = ""
    owner_id: int | None = None
    members: tuple[str, ...] = ()
    member_ids: tuple[int, ...] = ()
    start: date | None = None
    due: date | None = None
    priority: Priority = Priority.MEDIUM
    metric: str = ""
    crit_start: float | None = None
    crit_target: float | None = None
    crit_current: float | None = None
    unit: str = ""
    channel: str = ""


KINDS = (Choice(Kind.GOAL.value, "🎯 Goal"), Choice(Kind.MILESTONE.value, "🏁 Milestone"),
         Choice(Kind.TASK.value, "📌 Task"))
PRIORITIES = tuple(Choice(p.value, p.value.capitalize()) for p in Priority)
STATUSES = tuple(Choice(s.value, s.label) for s in REPORTABLE_STATUSES)


def number_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


def day_text(value: date | None) -> str:
    return value.isoformat() if value else ""


def milestone_form(shown: MilestoneShown | None = None, number: int | None = None, *,
                   channels: bool = False) -> Form:
    """New (`number` None, `shown` what the person already gave, like a title) or edit;
    `channels`: with the home channel (for a platform that can pick one)."""
    v = shown or MilestoneShown()
    parent = f"#{v.parent} {v.parent_title}".strip() if v.parent else ""
    fields = [
        Field(name="title", label="Title", required=True, initial=v.title[:TITLE_MAX],
              max_length=TITLE_MAX, placeholder="Launch the public beta"),
        Field(name="description", label="Description", kind=FieldKind.LONG_TEXT,
              initial=v.description, max_length=min(DESCRIPTION_MAX, TEXT_MAX)),
        Field(name="kind", label="Kind", kind=FieldKind.CHOICE, required=True,
              initial=v.kind.value, choices=KINDS),
        Field(name="parent", label="Part of", kind=FieldKind.MILESTONE,
              initial=str(v.parent or ""), shown=parent, placeholder="#3",
              hint="Its progress rolls up into this goal or milestone."),
        Field(name="owner", label="Owner", kind=FieldKind.PEOPLE, one=True, initial=v.owner,
              people=(v.owner_id,) if v.owner_id is not None else (),
              max_length=PEOPLE_MAX, placeholder="@handle", hint="You, when left empty."),
        Field(name="members", label="Contributors", kind=FieldKind.PEOPLE,
              initial=" ".join(v.members), people=v.member_ids, max_length=PEOPLE_MAX,
              placeholder="@ann @bob"),
        Field(name="start", label="Start", kind=FieldKind.DATE, initial=day_text(v.start)),
        Field(name="due", label="Due", kind=FieldKind.DATE, initial=day_text(v.due)),
        Field(name="priority", label="Priority", kind=FieldKind.CHOICE, required=True,
              initial=v.priority.value, choices=PRIORITIES),
        Field(name="crit_metric", label="Success criterion: metric", initial=v.metric,
              max_length=METRIC_MAX, placeholder="ARR",
              hint="Optional: a number that drives the progress."),
        Field(name="crit_start", label="From", kind=FieldKind.NUMBER,
              initial=number_text(v.crit_start)),
        Field(name="crit_target", label="To", kind=FieldKind.NUMBER,
              initial=number_text(v.crit_target)),
    ]
    if number is not None:
        fields.append(Field(name="crit_current", label="Now", kind=FieldKind.NUMBER,
                            initial=number_text(v.crit_current)))
    fields.append(Field(name="crit_unit", label="Unit", initial=v.unit, max_length=UNIT_MAX,
                        placeholder="USD"))
    if channels:
        fields.append(Field(name="channel", label="Home channel", kind=FieldKind.CHANNEL,
                            initial=v.channel,
                            hint="Cairn posts a card there and threads every update under it."))
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
                            initial=number_text(current),
                            hint="Progress follows the success criterion."))
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


def comment_form(number: int | None, title: str = "", *, pick: bool = False,
                 text: str = "") -> Form:
    """About milestone `number`; `pick`: the milestone is a field (a platform that searches
    milestones), so the form can start from none."""
    comment = Field(name="text", label="Comment", kind=FieldKind.LONG_TEXT, required=True,
                    initial=text[:TEXT_MAX], max_length=min(DESCRIPTION_MAX, TEXT_MAX),
                    hint="Mention people with @handle to notify them.")
    if pick:
        target = Field(name="milestone", label="Milestone", kind=FieldKind.MILESTONE,
                       required=True, initial=str(number or ""), placeholder="#3",
                       shown=f"#{number} {title}".strip() if number else "")
        return Form(name="comment", title="Comment", submit="Post", fields=(target, comment))
    assert number is not None
    return Form(name="comment", title=f"Comment on #{number}", submit="Post", subject=number,
                intro=f"#{number} {title}", fields=(comment,))
