"""Report periods: this week, month or quarter (or all time), in the reader's time zone.

A period runs from the midnight that starts its first day to the midnight that ends its last,
both in the reader's zone, so "this week" in Tokyo and in New York are different moments.
Weeks start on Monday (ISO 8601).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from core.humanize import zone as zone_info


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class Period:
    kind: PeriodKind
    start: date | None  # the first day; None for all time
    end: date  # the day after the last one
    zone: str

    @property
    def starts_at(self) -> datetime | None:
        return None if self.start is None else midnight(self.start, self.zone)

    @property
    def ends_at(self) -> datetime:
        return midnight(self.end, self.zone)

    def contains(self, moment: datetime) -> bool:
        starts = self.starts_at
        return (starts is None or starts <= moment) and moment < self.ends_at

    def previous(self) -> Period | None:
        """The period of the same length just before this one; none before all time."""
        if self.start is None:
            return None
        return period_containing(self.kind, self.start - timedelta(days=1), self.zone)

    def as_of(self, now: datetime) -> datetime:
        """The moment the period's figures are read at: its end, or now while it runs."""
        return min(self.ends_at, now)

    def weeks(self) -> list[date]:
        """The Mondays of the weeks the period overlaps (none for all time)."""
        if self.start is None:
            return []
        monday = week_start(self.start)
        found = []
        while monday < self.end:
            found.append(monday)
            monday += timedelta(days=7)
        return found

    @property
    def label(self) -> str:
        """`Week of Mon 23 Nov 2026`, `November 2026`, `Q4 2026`, `All time`."""
        if self.start is None:
            return "All time"
        if self.kind == PeriodKind.WEEK:
            return f"Week of {self.start:%a} {self.start.day} {self.start:%b %Y}"
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%B %Y}"
        return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"

    @property
    def previous_name(self) -> str:
        """What a change is measured against: `last week`, `last month`, `last quarter`."""
        return {PeriodKind.WEEK: "last week", PeriodKind.MONTH: "last month",
                PeriodKind.QUARTER: "last quarter"}.get(self.kind, "")


def midnight(day: date, zone: str) -> datetime:
    """The moment a day starts in a time zone, in UTC (aware datetimes of one zone subtract
    and compare by their wall clocks, which a DST change makes wrong)."""
    return datetime.combine(day, time(0), tzinfo=zone_info(zone)).astimezone(UTC)


def local_date(moment: datetime, zone: str) -> date:
    return moment.astimezone(zone_info(zone)).date()


def wall_clock(moment: datetime, zone: str) -> datetime:
    """The moment as a clock in the zone reads it, without the zone (for spreadsheets)."""
    return moment.astimezone(zone_info(zone)).replace(tzinfo=None)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def period_containing(kind: PeriodKind, day: date, zone: str) -> Period:
    """The week, month or quarter that contains a day; all time ends after that day."""
    if kind == PeriodKind.WEEK:
        start = week_start(day)
        return Period(kind, start, start + timedelta(days=7), zone)
    if kind == PeriodKind.MONTH:
        start = day.replace(day=1)
        return Period(kind, start, _add_months(start, 1), zone)
    if kind == PeriodKind.QUARTER:
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period(kind, start, _add_months(start, 3), zone)
    return Period(kind, None, day + timedelta(days=1), zone)


def current_period(kind: PeriodKind, now: datetime, zone: str) -> Period:
    """This week, month, quarter or all time, as the reader in `zone` sees today."""
    return period_containing(kind, local_date(now, zone), zone)


def _add_months(first_day: date, months: int) -> date:
    index = first_day.year * 12 + first_day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
