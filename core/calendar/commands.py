"""Commands of the `calendar` verb: status, ICS feeds, and a workspace's sync settings."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command, MilestoneRef, UserRef
from core.model import Kind
from core.views import CalendarFeedView, CalendarStatusView, Notice


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowCalendarStatus(Command[CalendarStatusView]):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowCalendarFeed(Command[CalendarFeedView]):
    """Your ICS address for a person's milestones (yours by default), a goal's subtree, or a
    team of people's milestones (`calendar feed "Sales"`)."""

    person: UserRef | None = None
    root: MilestoneRef | None = None
    team: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RevokeCalendarFeed(Command[Notice]):
    """Stops ICS addresses you made: one target's, all of yours, or (admins) everyone's."""

    person: UserRef | None = None
    root: MilestoneRef | None = None
    team: str | None = None
    all_mine: bool = False
    everyone: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeCalendarSettings(Command[CalendarStatusView]):
    """Admins: only the fields given change."""

    enabled: bool | None = None
    kinds: frozenset[Kind] | None = None
    owner_calendars: bool | None = None
    calendar_id: str | None = None
    default_calendar: bool = False  # back to the installation's calendar
