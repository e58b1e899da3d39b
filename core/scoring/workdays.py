"""A person's working calendar: their time zone and the weekdays they work.

Lateness, grace and the early bonus count *working* days of the item's owner, in the owner's
own zone: a deadline on a Friday closed on Monday is one working day late, not three.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import InvalidInput

MONDAY_TO_FRIDAY = (0, 1, 2, 3, 4)


def zone_of(name: str) -> ZoneInfo:
    """The zone by its IANA name; UTC when the name is unknown (the profile says which)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class Deadline:
    """A due date, with a time of day in the owner's zone when it has one (else all day)."""

    day: date
    at: time | None = None

    def moment(self, zone: str) -> datetime:
        """The last moment that is still on time: the time given, or the end of the day.

        An all-day deadline returns the next midnight, which is *not* on time itself; callers
        compare with `on_time_at`.
        """
        tz = zone_of(zone)
        if self.at is not None:
            return datetime.combine(self.day, self.at, tzinfo=tz)
        return datetime.combine(self.day + timedelta(days=1), time(0, 0), tzinfo=tz)

    def on_time_at(self, closed: datetime, zone: str) -> bool:
        moment = self.moment(zone)
        return closed <= moment if self.at is not None else closed < moment

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.at:%H:%M}" if self.at else self.day.isoformat()


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    zone: str = "UTC"
    weekdays: tuple[int, ...] = MONDAY_TO_FRIDAY

    def __post_init__(self) -> None:
        if any(not 0 <= d <= 6 for d in self.weekdays):
            raise InvalidInput("working_days", "working days are weekdays 0 (Monday) to 6",
                               hint="me days mon-fri")

    @property
    def working(self) -> frozenset[int]:
        # Nobody works no day at all: an empty profile means the usual week.
        return frozenset(self.weekdays or MONDAY_TO_FRIDAY)

    def local_day(self, at: datetime) -> date:
        return at.astimezone(zone_of(self.zone)).date()

    def working_days_after(self, first: date, last: date) -> int:
        """Working days d with first < d <= last; 0 when last is not after first.

        Counted by whole weeks, then the few days left, so a long span costs the same.
        """
        span = (last - first).days
        if span <= 0:
            return 0
        working = self.working
        weeks, rest = divmod(span, 7)
        count = weeks * len(working)
        start = first + timedelta(days=weeks * 7)
        for step in range(1, rest + 1):
            if (start + timedelta(days=step)).weekday() in working:
                count += 1
        return count
