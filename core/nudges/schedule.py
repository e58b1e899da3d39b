"""When people are nudged: check-in cadences, team and personal policies, the sweep's windows.

Beside it: working time and vacations (`workweek`), deadline alerts (`deadline_alerts`),
snoozes (`snooze`) and unanswered requests (`follow_ups`).

Pure functions of the calendar, in each person's own time zone (zoneinfo, so daylight saving is
right). The database narrows down who *might* be due (a superset, in SQL); these functions decide
who *is*, so every backend and the in-memory fake agree by construction.

Vocabulary:
- a person's *working days* and *working hours* come from their profile (`me days`, `me hours`);
  the rest of the week is their *quiet hours*: nothing is pushed to them then.
- a *cadence* is "every N weeks on a weekday at a local time"; the check-in goes out on that
  weekday, or on the person's first working day after it, at that time moved into their working
  hours when it falls outside them (their *daily moment*).
- the *daily pass* of a person happens once per working day at their daily moment: their
  check-in when it is the day, their deadline alerts, overdue alerts of what they watch.
- a *vacation* is a range of local dates: nothing is sent during it, nothing counts against them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from core.nudges.workweek import (
    MINUTES_A_DAY,
    Vacation,
    Workweek,
    hhmm,
    known_zones,
    local_day,
    local_moment,
    monday_of,
    on_vacation,
    week_index,
    zone,
)

#: A slot missed by a restart or a slow minute is still sent within this window, never later.
GRACE = timedelta(hours=2)
DEFAULT_DEADLINE_DAYS = (7, 1)
DEFAULT_OVERDUE_EVERY = 2
MAX_EVERY_WEEKS = 12


class NudgeKind(StrEnum):
    CHECKIN = "checkin"  # one per person per local day: everything asked that day
    DEADLINE = "deadline"  # before the due date, on the day, overdue (to the owner)
    OVERDUE_WATCH = "overdue_watch"  # once per due date, to each watcher
    ESCALATION = "escalation"  # to the owner of the parent, once per silence
    SNOOZED = "snoozed"  # `remind snooze #N ...` comes back
    DIGEST = "digest"  # weekly, to a home channel
    LEADERBOARD = "leaderboard"  # weekly, a challenge's standings in its channel
    RESULTS = "results"  # once, a finished challenge's final standings in its channel
    REPORT = "report"  # the weekly report a workspace scheduled, to its channel (core.reports)
    FORECAST = "forecast_risk"  # once per fall at risk by forecast, to the owner
    BADGE = "badge"  # a new badge: once to the person, once in its challenge's channel

    @property
    def routine(self) -> bool:
        """Routine nudges are skipped during a vacation; the others wait for its end."""
        return self in (NudgeKind.CHECKIN, NudgeKind.DEADLINE, NudgeKind.OVERDUE_WATCH)


@dataclass(frozen=True, slots=True)
class Cadence:
    """Every `every_weeks` weeks on `weekday` at `minute` local time; the weeks count from
    `anchor_week` (a `week_index`)."""

    weekday: int = 0
    minute: int = 9 * 60
    every_weeks: int = 1
    anchor_week: int = 0

    def counts(self, scheduled: date) -> bool:
        return (week_index(scheduled) - self.anchor_week) % max(1, self.every_weeks) == 0

    def describe(self) -> str:
        day = WEEKDAY_NAMES[self.weekday]
        every = "every" if self.every_weeks == 1 else f"every {self.every_weeks} weeks on"
        return f"{every} {day} at {hhmm(self.minute)}"


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_CHECKIN = Cadence()


@dataclass(frozen=True, slots=True)
class WeeklySlot:
    weekday: int
    minute: int

    def describe(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]} at {hhmm(self.minute)}"


DEFAULT_DIGEST = WeeklySlot(4, 16 * 60)


@dataclass(frozen=True, slots=True, kw_only=True)
class TeamPolicy:
    """A tenant's defaults; people and milestones may override the check-in cadence."""

    checkin: Cadence = DEFAULT_CHECKIN
    deadline_days: tuple[int, ...] = DEFAULT_DEADLINE_DAYS
    overdue_every: int = DEFAULT_OVERDUE_EVERY
    digest: WeeklySlot | None = DEFAULT_DIGEST


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonPolicy:
    """What a person changed of the team's cadence; None keeps the team's value."""

    weekday: int | None = None
    minute: int | None = None
    every_weeks: int | None = None
    anchor_week: int | None = None

    def cadence(self, team: Cadence) -> Cadence:
        own_rhythm = self.every_weeks is not None
        return Cadence(
            weekday=team.weekday if self.weekday is None else self.weekday,
            minute=team.minute if self.minute is None else self.minute,
            every_weeks=self.every_weeks if own_rhythm and self.every_weeks else team.every_weeks,
            anchor_week=(self.anchor_week or 0) if own_rhythm else team.anchor_week,
        )

    @property
    def empty(self) -> bool:
        return self.weekday is None and self.minute is None and self.every_weeks is None


def checkin_day_of_week(cadence: Cadence, week: Workweek, monday: date) -> date | None:
    """The day the check-in of the week starting `monday` goes out: the cadence's weekday, or
    the first working day after it; None in the weeks an every-N-weeks cadence skips."""
    scheduled = monday + timedelta(days=cadence.weekday)
    if not cadence.counts(scheduled):
        return None
    for offset in range(7):
        day = scheduled + timedelta(days=offset)
        if week.works_on(day):
            return day
    return None


def is_checkin_day(cadence: Cadence, week: Workweek, day: date) -> bool:
    # The check-in of last week's cadence may land this week when its weekday was not worked.
    monday = monday_of(day)
    return any(checkin_day_of_week(cadence, week, m) == day
               for m in (monday, monday - timedelta(days=7)))


def daily_moment(cadence: Cadence, week: Workweek, day: date) -> datetime:
    """When a person's nudges of a day go out: the cadence's time moved into working hours."""
    return local_moment(day, week.clamp(cadence.minute), week.timezone)


def next_checkin(cadence: Cadence, week: Workweek, after: datetime,
                 vacations: Sequence[Vacation] = ()) -> datetime | None:
    """The next check-in request strictly after `after` (vacation days skipped)."""
    start = local_day(after, week.timezone)
    for offset in range(7 * (MAX_EVERY_WEEKS + 1) * 5):
        day = start + timedelta(days=offset)
        if on_vacation(day, vacations) or not is_checkin_day(cadence, week, day):
            continue
        moment = daily_moment(cadence, week, day)
        if moment > after:
            return moment
    return None


def answered_cutoff(cadence: Cadence, day: date, timezone: str) -> datetime:
    """A milestone updated from this moment on needs no check-in on `day`: anything said after
    the previous check-in day answers this one."""
    previous = day - timedelta(days=7 * max(1, cadence.every_weeks))
    return local_moment(previous + timedelta(days=1), 0, timezone)


def in_window(moment: datetime, now: datetime, grace: timedelta = GRACE) -> bool:
    return now - grace < moment <= now


@dataclass(frozen=True, slots=True)
class ZoneWindow:
    """The local days and minutes (both ends included) of one zone that the sweep's window
    touches: what the database filters people by, a little wider than exact."""

    zone: str
    day: date
    first_minute: int
    last_minute: int

    @property
    def weekday(self) -> int:
        return self.day.weekday()


def zone_windows(now: datetime, grace: timedelta = GRACE,
                 zones: Iterable[str] | None = None) -> list[ZoneWindow]:
    """For every zone, the wall-clock span (now - grace, now] covers, split at midnight.

    Across a daylight-saving change the span is widened by the change, so it is a superset of
    the exact one; the exact test (`in_window` on the real instant) is done afterwards.
    """
    start = now - grace
    found: list[ZoneWindow] = []
    for name in zones if zones is not None else known_zones():
        tz = zone(name)
        a, b = start.astimezone(tz), now.astimezone(tz)
        slack = abs((a.utcoffset() or timedelta(0)) - (b.utcoffset() or timedelta(0)))
        wall_a, wall_b = a.replace(tzinfo=None), b.replace(tzinfo=None)
        low, high = min(wall_a, wall_b) - slack, max(wall_a, wall_b) + slack
        day = low.date()
        while day <= high.date():
            first = low.hour * 60 + low.minute if day == low.date() else 0
            last = high.hour * 60 + high.minute if day == high.date() else MINUTES_A_DAY - 1
            found.append(ZoneWindow(name, day, first, last))
            day += timedelta(days=1)
    return found
