"""When people are nudged: check-in cadences, deadline alerts, quiet hours, snooze and vacation.

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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from core.model import User

MINUTES_A_DAY = 24 * 60
EPOCH_MONDAY = date(1970, 1, 5)
#: A slot missed by a restart or a slow minute is still sent within this window, never later.
GRACE = timedelta(hours=2)
#: After this many check-in requests about one milestone went unanswered, its parent's owner is
#: told (once) and the requests stop until the owner acts.
ESCALATE_AFTER = 3
DEFAULT_DEADLINE_DAYS = (7, 1)
DEFAULT_OVERDUE_EVERY = 2
MAX_EVERY_WEEKS = 12
MAX_SNOOZE = timedelta(days=31)


class NudgeKind(StrEnum):
    CHECKIN = "checkin"  # one per person per local day: everything asked that day
    DEADLINE = "deadline"  # before the due date, on the day, overdue (to the owner)
    OVERDUE_WATCH = "overdue_watch"  # once per due date, to each watcher
    ESCALATION = "escalation"  # to the owner of the parent, once per silence
    SNOOZED = "snoozed"  # `remind snooze #N ...` comes back
    DIGEST = "digest"  # weekly, to a home channel
    LEADERBOARD = "leaderboard"  # weekly, a challenge's standings in its channel
    RESULTS = "results"  # once, a finished challenge's final standings in its channel

    @property
    def routine(self) -> bool:
        """Routine nudges are skipped during a vacation; the others wait for its end."""
        return self in (NudgeKind.CHECKIN, NudgeKind.DEADLINE, NudgeKind.OVERDUE_WATCH)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@cache
def known_zones() -> tuple[str, ...]:
    """Every IANA zone a person can have (`check_timezone` accepts no others)."""
    return tuple(sorted(available_timezones() | {"UTC"}))


def week_index(day: date) -> int:
    """Weeks since a Monday long ago: the weeks an every-N-weeks cadence counts."""
    return (day - EPOCH_MONDAY).days // 7


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_moment(day: date, minute: int, timezone: str) -> datetime:
    """The UTC instant of a local wall-clock time.

    A time that does not exist (the hour skipped in spring) is read with the offset before the
    change, so it lands just after the gap; a time that happens twice (autumn) is the first one.
    """
    naive = datetime.combine(day, time(minute // 60, minute % 60))
    return naive.replace(tzinfo=zone(timezone)).astimezone(UTC)


def local_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(zone(timezone)).date()


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True, slots=True)
class Vacation:
    """Both days included, in the person's own calendar."""

    starts: date
    ends: date

    def covers(self, day: date) -> bool:
        return self.starts <= day <= self.ends


def on_vacation(day: date, vacations: Iterable[Vacation]) -> bool:
    return any(v.covers(day) for v in vacations)


@dataclass(frozen=True, slots=True)
class Workweek:
    """A person's working days (Monday = 0) and hours, in their time zone; the rest is quiet."""

    timezone: str
    days: frozenset[int] = frozenset(range(5))
    starts: int = 9 * 60
    ends: int = 18 * 60

    @classmethod
    def of(cls, user: User) -> Workweek:
        starts = user.work_starts.hour * 60 + user.work_starts.minute
        ends = user.work_ends.hour * 60 + user.work_ends.minute
        if user.work_ends == time(23, 59):
            ends = MINUTES_A_DAY
        return cls(user.timezone, frozenset(user.working_days) or frozenset(range(5)), starts,
                   max(ends, starts + 1))

    def works_on(self, day: date) -> bool:
        return day.weekday() in self.days

    def clamp(self, minute: int) -> int:
        """A time of day moved into the working hours: outside them, the day's start."""
        return minute if self.starts <= minute < self.ends else self.starts

    def is_quiet(self, moment: datetime) -> bool:
        local = moment.astimezone(zone(self.timezone))
        minute = local.hour * 60 + local.minute
        return not (self.works_on(local.date()) and self.starts <= minute < self.ends)

    def next_open(self, moment: datetime, vacations: Sequence[Vacation] = ()) -> datetime:
        """`moment` itself when it is inside working hours (and not on vacation), else the start
        of the next working day that is not a vacation day."""
        day = local_day(moment, self.timezone)
        for offset in range(400):
            current = day + timedelta(days=offset)
            if not self.works_on(current) or on_vacation(current, vacations):
                continue
            start = local_moment(current, self.starts, self.timezone)
            end = local_moment(current, self.ends, self.timezone) if self.ends < MINUTES_A_DAY \
                else local_moment(current + timedelta(days=1), 0, self.timezone)
            if moment < start:
                return start
            if moment < end:
                return moment
        return moment  # no working day in sight: a profile without any (refused upstream)

    def start_of_next_working_day(self, moment: datetime) -> datetime:
        day = local_day(moment, self.timezone)
        for offset in range(1, 15):
            current = day + timedelta(days=offset)
            if self.works_on(current):
                return local_moment(current, self.starts, self.timezone)
        return moment + timedelta(days=1)


def working_days_between(first: date, last: date, week: Workweek,
                         vacations: Sequence[Vacation] = ()) -> int:
    """Working days in [first, last] that are not vacation days; arithmetic, not a walk."""

    def count(a: date, b: date) -> int:
        if b < a:
            return 0
        days = (b - a).days + 1
        full, rest = divmod(days, 7)
        total = full * len(week.days)
        total += sum(1 for i in range(rest) if (a + timedelta(days=i)).weekday() in week.days)
        return total

    total = count(first, last)
    seen: list[tuple[date, date]] = []
    for v in sorted(vacations, key=lambda v: v.starts):
        a, b = max(first, v.starts), min(last, v.ends)
        if seen and a <= seen[-1][1]:  # overlapping vacations count once
            a = seen[-1][1] + timedelta(days=1)
        if a <= b:
            total -= count(a, b)
            seen.append((a, b))
    return total


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


# --- deadlines --------------------------------------------------------------------------------


class AlertStage(StrEnum):
    BEFORE = "before"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class Alert:
    stage: AlertStage
    days: int  # days left (before), 0 (today), days late (overdue)

    @property
    def detail(self) -> str:
        return f"{self.stage.value}:{self.days}"


def _last_working_day(target: date, week: Workweek) -> date:
    for offset in range(7):
        day = target - timedelta(days=offset)
        if week.works_on(day):
            return day
    return target


def deadline_alert(due: date, day: date, week: Workweek, vacations: Sequence[Vacation] = (),
                   offsets: Sequence[int] = DEFAULT_DEADLINE_DAYS,
                   overdue_every: int = DEFAULT_OVERDUE_EVERY) -> Alert | None:
    """The owner's alert about a due date on `day`, if there is one.

    Before: `offsets` days ahead and on the day itself; an alert that would fall on a day off
    comes on the last working day before it, and two that land on the same day make one (the
    more urgent). Overdue: on the first working day after the due date, then every
    `overdue_every` working days. Vacation days get nothing and are not counted.
    """
    if not week.works_on(day) or on_vacation(day, vacations):
        return None
    if day <= due:
        fired: set[date] = set()
        for days in sorted({0, *(d for d in offsets if 0 < d <= 366)}):
            actual = _last_working_day(due - timedelta(days=days), week)
            if actual in fired:
                continue
            fired.add(actual)
            if actual == day:
                left = (due - day).days
                return Alert(AlertStage.DUE_TODAY if left == 0 else AlertStage.BEFORE, left)
        return None
    counted = working_days_between(due + timedelta(days=1), day, week, vacations)
    if counted >= 1 and (counted - 1) % max(1, overdue_every) == 0:
        return Alert(AlertStage.OVERDUE, (day - due).days)
    return None


def alert_horizon(day: date, offsets: Sequence[int]) -> date:
    """The latest due date that can have an alert on `day` (alerts move back up to 6 days)."""
    return day + timedelta(days=max([0, *offsets]) + 6)


# --- snooze -----------------------------------------------------------------------------------


class SnoozePreset(StrEnum):
    """The choices a nudge offers in place (buttons on chat platforms)."""

    HOUR = "1h"
    THREE_HOURS = "3h"
    TOMORROW = "tomorrow"
    NEXT_WEEK = "next week"

    @property
    def label(self) -> str:
        return {"1h": "1 hour", "3h": "3 hours", "tomorrow": "Tomorrow",
                "next week": "Next week"}[self.value]


@dataclass(frozen=True, slots=True)
class SnoozeFor:
    """A snooze as asked: a preset or a plain duration."""

    preset: SnoozePreset | None = None
    duration: timedelta | None = None

    def until(self, now: datetime, week: Workweek) -> datetime:
        if self.duration is not None:
            return now + min(self.duration, MAX_SNOOZE)
        if self.preset == SnoozePreset.HOUR:
            return now + timedelta(hours=1)
        if self.preset == SnoozePreset.THREE_HOURS:
            return now + timedelta(hours=3)
        if self.preset == SnoozePreset.TOMORROW:
            return week.start_of_next_working_day(now)
        # next week: the first working day of next week, at the start of the day
        today = local_day(now, week.timezone)
        monday = monday_of(today) + timedelta(days=7)
        for offset in range(7):
            day = monday + timedelta(days=offset)
            if week.works_on(day):
                return local_moment(day, week.starts, week.timezone)
        return now + timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Snooze:
    """No nudge about `milestone_id` (or about anything, when None) before `until`."""

    until: datetime
    milestone_id: int | None = None
    created_at: datetime | None = None


def snoozed(snoozes: Iterable[Snooze], now: datetime, milestone_id: int | None = None
            ) -> Snooze | None:
    """The active snooze covering a milestone (or everything), the one that ends last."""
    active = [s for s in snoozes if s.until > now and (
        s.milestone_id is None or (milestone_id is not None and s.milestone_id == milestone_id))]
    return max(active, key=lambda s: s.until) if active else None


# --- unanswered requests ----------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class AskState:
    """How a milestone's check-in requests went: consecutive unanswered ones, the last one."""

    unanswered: int = 0
    last_asked_at: datetime | None = None
    asked_on: date | None = None
    escalated_at: datetime | None = None


class FollowUp(StrEnum):
    ASK = "ask"  # ask (again)
    ESCALATE = "escalate"  # tell the parent's owner, stop asking
    PAUSED = "paused"  # escalated before, the owner has not acted: stay quiet


@dataclass(frozen=True, slots=True)
class Verdict:
    follow_up: FollowUp
    ignored: int  # requests in a row without an answer before this one
    state: AskState = field(default_factory=AskState)


def follow_up(state: AskState | None, *, last_news: datetime, day: date, now: datetime,
              vacations: Sequence[Vacation] = (), escalate_after: int = ESCALATE_AFTER
              ) -> Verdict:
    """What to do about a milestone that waits for a check-in on `day`.

    An update after the last request answers it; a vacation since then forgives it (nothing
    counts against a person on vacation). Asking twice on the same day counts once, so a
    snoozed request that comes back is the same request.
    """
    if state is None or state.last_asked_at is None:
        return Verdict(FollowUp.ASK, 0, AskState(unanswered=1, last_asked_at=now, asked_on=day))
    answered = last_news > state.last_asked_at
    away = any(v.ends >= state.last_asked_at.date() and v.starts <= day for v in vacations)
    if state.asked_on == day and not answered:
        return Verdict(FollowUp.ASK, max(0, state.unanswered - 1), state)
    if answered or away:
        return Verdict(FollowUp.ASK, 0, AskState(unanswered=1, last_asked_at=now, asked_on=day))
    if state.escalated_at is not None:
        return Verdict(FollowUp.PAUSED, state.unanswered, state)
    if state.unanswered >= escalate_after:
        return Verdict(FollowUp.ESCALATE, state.unanswered, AskState(
            unanswered=state.unanswered, last_asked_at=state.last_asked_at,
            asked_on=state.asked_on, escalated_at=now))
    return Verdict(FollowUp.ASK, state.unanswered, AskState(
        unanswered=state.unanswered + 1, last_asked_at=now, asked_on=day))
