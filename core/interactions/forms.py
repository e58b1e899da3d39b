"""Submitted forms as core commands: one command per form, applied in one unit of work.

A platform shows a form in its own widgets (Slack a modal, Teams a task module), reads the
submission into these values (people as `UserRef`s it has resolved to identities, milestones
as numbers, numbers and dates already parsed) and hands the command to `core.bus.execute`
with the submission's idempotency key (Slack: the view id). The use cases in
`core.interactions.form_submissions` carry the whole form out in ONE unit of work: an edit that
changes the title, the owner, the due date and the criterion lands whole, or, if any part is
refused, nothing of it does.

Refusals are `InvalidInput` whose `field` is the form field to show the error on, with these
names (the same for every platform): `title`, `description`, `kind`, `parent`, `owner`,
`members`, `start`, `due`, `priority`, `crit_metric`, `crit_start`, `crit_target`,
`crit_current`, `channel` for the milestone form; `percent`, `current`, `status`, `notes`,
`blockers` for the check-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.commands import Command, MilestoneRef, UserRef
from core.model import Kind, Priority, Status
from core.views import View


@dataclass(frozen=True, slots=True, kw_only=True)
class Criterion:
    """A success criterion as the form gives it: a metric from `start` to `target`."""

    metric: str
    start: float
    target: float
    unit: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneFormValues:
    """What the milestone form says, as checked as a form can check it (title present, start
    before due, a criterion named with two different numbers)."""

    title: str
    description: str = ""
    kind: Kind = Kind.MILESTONE
    parent: int | None = None
    #: None: the person submitting (a new milestone) or unchanged (an edit).
    owner: UserRef | None = None
    members: tuple[UserRef, ...] = ()
    start: date | None = None
    due: date | None = None
    priority: Priority = Priority.MEDIUM
    criterion: Criterion | None = None
    current: float | None = None
    channel: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitMilestoneForm(Command[View]):
    """The milestone form, submitted: creates one (`milestone` None) or edits `milestone`."""

    milestone: MilestoneRef | None = None
    values: MilestoneFormValues
    #: Links the form carries along (a message shortcut's permalink); creating only.
    links: tuple[str, ...] = ()
    #: Which home channels this platform's form can show (channel id prefixes): an emptied
    #: channel field clears only such a channel, never one set elsewhere (`#name` typed).
    shown_channels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckInValues:
    percent: int | None = None
    current: float | None = None
    status: Status | None = None
    notes: str = ""
    blockers: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitCheckIn(Command[View]):
    """The check-in form, submitted: a measurement and a progress update, together."""

    milestone: MilestoneRef
    values: CheckInValues
