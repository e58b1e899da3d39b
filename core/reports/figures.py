"""The figures of a report and the lines it lists, as they stood at a moment.

Definitions (the card, the XLSX Summary sheet and the PDF all show these):

- *completed*: done inside the period; *on time* when done on or before its due date, in the
  reader's time zone; the *on-time rate* counts only what had a due date.
- *overdue*: open at that moment with a due date before that day.
- *at risk*: open, not overdue, and its latest status says at risk, off track or blocked.
- *median check-in latency*: from a check-in request to its answer, over the requests sent in
  the period that were answered.
- *progress*: the scope's progress, the weighted mean of its top-level milestones (like a goal
  over its children).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from core.model import Kind, MilestoneId, Priority, Status
from core.reports.inputs import ReportMilestone

PRIORITY_RANK = {Priority.CRITICAL: 0, Priority.HIGH: 1, Priority.MEDIUM: 2, Priority.LOW: 3}


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportFigures:
    progress: int | None  # None: nothing in the scope yet
    completed: int
    on_time: int
    late: int
    overdue: int
    at_risk: int
    open: int
    asked: int  # check-in requests sent
    answered: int
    median_latency: timedelta | None

    @property
    def on_time_rate(self) -> float | None:
        """Share of the completions with a due date that met it; None without any."""
        judged = self.on_time + self.late
        return self.on_time / judged if judged else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Standing:
    """A milestone as it stood when the report was read."""

    id: MilestoneId
    number: int
    kind: Kind
    title: str
    owner: str
    status: Status
    progress: int
    priority: Priority
    due: date | None = None
    change: int | None = None  # points since the period started; None for all time
    completed_on: date | None = None
    on_time: bool | None = None

    @property
    def ref(self) -> str:
        return f"#{self.number}"

    def days_overdue(self, today: date) -> int:
        return max(0, (today - self.due).days) if self.due is not None else 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Streak:
    """A person's run: weeks in a row with a check-in, deliveries in a row on time."""

    person: str
    checkin_weeks: int
    on_time_run: int


def on_time(milestone: ReportMilestone, completed_on: date | None) -> bool | None:
    """Whether it was done by its due date; None when it is not done or had no due date."""
    if milestone.status != Status.DONE or completed_on is None or milestone.due_date is None:
        return None
    return completed_on <= milestone.due_date


def median_latency(latencies: list[timedelta]) -> timedelta | None:
    if not latencies:
        return None
    ordered = sorted(latencies)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def risk_order(line: Standing, today: date) -> tuple[int, int, int, date, int]:
    """Overdue first (longest overdue first), then by priority, the nearest due date, number."""
    overdue = line.days_overdue(today)
    return (0 if overdue else 1, -overdue, PRIORITY_RANK[line.priority],
            line.due or date.max, line.number)


def checkin_streak(weeks: set[date], current_week: date) -> int:
    """Weeks in a row with a check-in, up to this week (or last week, while this one runs)."""
    week = current_week if current_week in weeks else current_week - timedelta(days=7)
    count = 0
    while week in weeks:
        count += 1
        week -= timedelta(days=7)
    return count


def on_time_run(deliveries: Iterable[tuple[date, bool]]) -> int:
    """Deliveries on time in a row, counting back from the latest."""
    run = 0
    for _, in_time in sorted(deliveries, reverse=True):
        if not in_time:
            break
        run += 1
    return run
