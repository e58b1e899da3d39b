"""Snoozing nudges: the presets offered in place, a snooze as asked, and the active one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from core.nudges.workweek import Workweek, local_day, local_moment, monday_of

MAX_SNOOZE = timedelta(days=31)


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
