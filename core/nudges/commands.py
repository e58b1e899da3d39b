"""Commands of reminders (`remind ...`), from text or from a nudge's buttons and forms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from core.commands import Command, MilestoneRef
from core.nudges.snooze import SnoozeFor
from core.nudges.views import NudgeFeed, ReminderSettingsView
from core.views import Notice


class SettingsScope(StrEnum):
    ME = "me"  # the speaker's own cadence, working days and quiet hours
    TEAM = "team"  # the tenant's defaults (admins)
    MILESTONE = "milestone"  # one milestone's own cadence (its owner, the owners above, admins)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowReminderSettings(Command[ReminderSettingsView]):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeReminderSettings(Command[ReminderSettingsView]):
    """Changes only what is given (None keeps it). A settings form submits all of it.

    Times are minutes after local midnight; `quiet` is (from, to) across midnight, the other
    side of the working hours (`quiet=(18*60, 9*60)` means working 09:00-18:00).
    """

    scope: SettingsScope = SettingsScope.ME
    milestone: MilestoneRef | None = None
    weekday: int | None = None
    minute: int | None = None
    every_weeks: int | None = None
    reset: bool = False  # back to the team's (or, for a milestone, its owner's) cadence
    working_days: tuple[int, ...] | None = None
    quiet: tuple[int, int] | None = None
    digest_weekday: int | None = None
    digest_minute: int | None = None
    digest_off: bool = False
    deadline_days: tuple[int, ...] | None = None
    overdue_every: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SnoozeNudge(Command[Notice]):
    """The Snooze button of a nudge; `nudge_id` None means the last nudge the speaker got."""

    nudge_id: int | None = None
    snooze: SnoozeFor


@dataclass(frozen=True, slots=True, kw_only=True)
class SnoozeMilestone(Command[Notice]):
    """`remind snooze #N 3h`: nothing about #N until then, then a reminder about it."""

    milestone: MilestoneRef
    snooze: SnoozeFor | None  # None: stop snoozing it


@dataclass(frozen=True, slots=True, kw_only=True)
class SetVacation(Command[ReminderSettingsView]):
    """`remind vacation <from> <to>`; `clear` ends the current and cancels future ones."""

    starts: date | None = None
    ends: date | None = None
    clear: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowNudgeFeed(Command[NudgeFeed]):
    """Nudges that reached the speaker's inbox after `after` (a receipt id), for the shell."""

    after: int = 0
    unread_only: bool = False
    limit: int = 3
