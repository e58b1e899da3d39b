"""What a report holds: its figures now and for the period before, the lines it lists, the on-
time weeks and the series its charts draw."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from core.model import MilestoneId, Status
from core.reports.figures import ReportFigures, Standing, Streak, risk_order
from core.reports.periods import Period, local_date
from core.reports.replay import Point


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekTally:
    week: date  # its Monday
    on_time: int
    late: int

    @property
    def rate(self) -> float | None:
        judged = self.on_time + self.late
        return self.on_time / judged if judged else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    scope: str  # "Company", "#12", "@alice", "Team Sales"
    period: Period
    as_of: datetime
    figures: ReportFigures
    previous: ReportFigures | None  # None for all time
    headline: tuple[Standing, ...]  # the goals (or the top-level milestones when none)
    completed: tuple[Standing, ...]  # latest first
    overdue: tuple[Standing, ...]
    at_risk: tuple[Standing, ...]
    movers: tuple[Standing, ...]
    streaks: tuple[Streak, ...]
    status_counts: tuple[tuple[Status, int], ...]
    on_time_weeks: tuple[WeekTally, ...]
    series: Mapping[MilestoneId, tuple[Point, ...]]  # the headline's and the scope's (SCOPE)
    scope_start: date | None = None  # where the scope's ideal line starts and ends
    scope_due: date | None = None

    @property
    def today(self) -> date:
        return local_date(self.as_of, self.period.zone)

    def top_risks(self, limit: int = 5) -> tuple[Standing, ...]:
        today = self.today
        return tuple(sorted((*self.overdue, *self.at_risk),
                            key=lambda line: risk_order(line, today))[:limit])
