"""Deadline alerts: before the due date, on the day, and overdue, on the owner's working days."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from core.nudges.schedule import DEFAULT_DEADLINE_DAYS, DEFAULT_OVERDUE_EVERY
from core.nudges.workweek import Vacation, Workweek, on_vacation, working_days_between


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
