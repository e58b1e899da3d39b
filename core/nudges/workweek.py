"""A person's working time: their zone, working days and hours, vacations, and the local
calendar arithmetic the nudges count with."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from core.tenancy import User

MINUTES_A_DAY = 24 * 60
EPOCH_MONDAY = date(1970, 1, 5)


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
