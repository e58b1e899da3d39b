"""Commands: what a person asked Cairn to do, already parsed and typed.

Every front end produces these, from text (`core.grammar.parser.parse`) or from a form, and hands
them to `core.bus`. They carry the resolved actor and never an SDK type. Features keep their own
commands in their package (`core.people.commands`, `core.nudges.commands`, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from typing import ClassVar, Generic, TypeVar

from core.model import Kind, MilestoneId, Priority, Status, TenantId, UserId
from core.views import (
    ActivityView,
    DashboardView,
    InboxView,
    MilestoneCard,
    MilestoneList,
    Notice,
    View,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    """Who is speaking, resolved to a Cairn user of one tenant."""

    tenant_id: TenantId
    user_id: UserId
    handle: str = ""
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class MilestoneRef:
    """A milestone as people type it: its per-tenant number (`#12`) or, from forms, its id."""

    number: int | None = None
    id: MilestoneId | None = None

    def __str__(self) -> str:
        return f"#{self.number}" if self.number is not None else f"id {self.id}"


@dataclass(frozen=True, slots=True)
class UserRef:
    """A person as typed: a Cairn handle (`@bob`) or a platform identity key (`slack:T1:U9`)."""

    handle: str | None = None
    identity: str | None = None
    label: str = ""

    def __str__(self) -> str:
        if self.handle:
            return f"@{self.handle}"
        return f"@{self.label}" if self.label else "that person"


#: What a command answers: `execute(ShowMilestone(...))` is typed as a `MilestoneCard`.
R_co = TypeVar("R_co", bound=View, covariant=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class Command(Generic[R_co]):
    """A request of one person, typed by its answer (`Command[MilestoneCard]`)."""

    actor: Actor
    #: Set by front ends for retried requests and double clicks: the same key changes nothing twice.
    idempotency_key: str | None = None
    #: Answered in seconds rather than milliseconds (a chart drawn, a file written): a front
    #: end with an ack deadline acks it at once and sends the answer when it is ready.
    takes_a_while: ClassVar[bool] = False


#: Any command, whatever it answers (a parsed line, a step of a form).
AnyCommand = Command[View]


class ListScope(StrEnum):
    MINE = "mine"
    TEAM = "team"
    OVERDUE = "overdue"
    AT_RISK = "at-risk"
    PERSON = "person"
    SUBTREE = "subtree"


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowHelp(Command[View]):
    topic: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenNewForm(Command[View]):
    """`new [title]`: a form where the platform has one."""

    title: str = ""
    kind: Kind = Kind.MILESTONE


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateMilestone(Command[MilestoneCard]):
    kind: Kind
    title: str
    due: date | None = None
    #: A time of day makes the deadline timed, in the owner's time zone.
    due_time: time | None = None
    start: date | None = None
    owner: UserRef | None = None
    contributors: tuple[UserRef, ...] = ()
    parent: MilestoneRef | None = None
    priority: Priority = Priority.MEDIUM
    description: str = ""
    tags: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    channel: str | None = None
    weight: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class EditMilestone(Command[MilestoneCard]):
    """Changes only the fields that are given (None means unchanged)."""

    milestone: MilestoneRef
    title: str | None = None
    description: str | None = None
    kind: Kind | None = None
    priority: Priority | None = None
    start: date | None = None
    clear_start: bool = False
    tags: tuple[str, ...] | None = None
    links: tuple[str, ...] | None = None
    channel: str | None = None
    clear_channel: bool = False
    weight: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListMilestones(Command[MilestoneList]):
    scope: ListScope = ListScope.MINE
    person: UserRef | None = None
    root: MilestoneRef | None = None
    page: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowMilestone(Command[MilestoneCard]):
    milestone: MilestoneRef


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenCheckIn(Command[MilestoneCard]):
    """`update #N` with nothing else: the check-in form where the platform has one."""

    milestone: MilestoneRef


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateProgress(Command[MilestoneCard]):
    milestone: MilestoneRef
    percent: int | None = None
    status: Status | None = None
    notes: str = ""
    blockers: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class MarkDone(Command[MilestoneCard]):
    milestone: MilestoneRef
    notes: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Reopen(Command[MilestoneCard]):
    milestone: MilestoneRef


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelMilestone(Command[MilestoneCard]):
    milestone: MilestoneRef
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeleteMilestone(Command[Notice]):
    milestone: MilestoneRef


@dataclass(frozen=True, slots=True, kw_only=True)
class AddComment(Command[MilestoneCard]):
    milestone: MilestoneRef
    text: str
    mentions: tuple[UserRef, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Assign(Command[MilestoneCard]):
    """The first person becomes the owner, the others contributors."""

    milestone: MilestoneRef
    people: tuple[UserRef, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Watch(Command[MilestoneCard]):
    milestone: MilestoneRef
    people: tuple[UserRef, ...] = ()
    stop: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeDueDate(Command[MilestoneCard]):
    milestone: MilestoneRef
    due: date | None
    due_time: time | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MoveMilestone(Command[MilestoneCard]):
    milestone: MilestoneRef
    parent: MilestoneRef | None


#: The changes that may be made to several milestones at once (`done #2 #3`).
SeveralChange = MarkDone | Reopen | CancelMilestone | UpdateProgress | Assign | ChangeDueDate \
    | MoveMilestone


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeSeveral(Command[MilestoneList]):
    """The same change to several milestones typed at once (`done #2 #3`, `due #4 #5 friday`),
    applied in one unit of work: to all of them, or, if one of them refuses it, to none.

    `change` is the change as it applies to the first of `milestones`."""

    milestones: tuple[MilestoneRef, ...]
    change: SeveralChange


@dataclass(frozen=True, slots=True, kw_only=True)
class SetCriterion(Command[MilestoneCard]):
    milestone: MilestoneRef
    metric: str
    start: float
    target: float
    unit: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordMeasurement(Command[MilestoneCard]):
    milestone: MilestoneRef
    current: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ClearCriterion(Command[MilestoneCard]):
    milestone: MilestoneRef


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowInbox(Command[InboxView]):
    include_read: bool = False
    mark_read: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowActivity(Command[ActivityView]):
    milestone: MilestoneRef | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowDashboard(Command[DashboardView]):
    """A person's overview (Slack App Home, Teams personal tab): their milestones, most urgent
    first, the goals those roll up to, and their unread notifications."""

    page: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchMilestones(Command[MilestoneList]):
    """Milestones whose number or title matches what was typed, for pickers with type-ahead.
    `exclude` leaves out a milestone and everything under it (it cannot become its own parent)."""

    query: str = ""
    limit: int = 50
    open_only: bool = True
    exclude: MilestoneRef | None = None
