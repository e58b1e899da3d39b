"""Commands of the `report`, `chart` and `export` verbs."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from core.commands import Command, MilestoneRef, UserRef
from core.reports.card import ReportCard
from core.reports.periods import PeriodKind
from core.reports.views import ReportFile
from core.views import Notice


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportTarget:
    """What a report covers, as typed: a subtree (`#N`), a person, a team, or the company."""

    milestone: MilestoneRef | None = None
    person: UserRef | None = None
    team: str | None = None

    def __str__(self) -> str:
        if self.milestone is not None:
            return str(self.milestone)
        if self.person is not None:
            return str(self.person)
        return f'"{self.team}"' if self.team is not None else "company"


COMPANY = ReportTarget()


class ChartKind(StrEnum):
    BURNUP = "burnup"
    PROGRESS = "progress"
    STATUS = "status"
    ONTIME = "ontime"


class ExportKind(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowReport(Command[ReportCard]):
    period: PeriodKind = PeriodKind.WEEK
    target: ReportTarget = COMPANY


@dataclass(frozen=True, slots=True, kw_only=True)
class DrawChart(Command[ReportFile]):
    takes_a_while: ClassVar[bool] = True

    chart: ChartKind
    period: PeriodKind = PeriodKind.MONTH
    target: ReportTarget = COMPANY


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportReport(Command[ReportFile]):
    takes_a_while: ClassVar[bool] = True

    format: ExportKind
    period: PeriodKind = PeriodKind.QUARTER
    target: ReportTarget = COMPANY


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowWeekGlance(Command[ReportCard]):
    """This week's company report, a few minutes old at most: the App Home's figures."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleReport(Command[Notice]):
    """`report weekly #channel [friday 16:00]`: the week's report posted to a channel at the
    workspace's local time (admins); `report weekly off` stops it."""

    channel: str | None = None
    weekday: int = 4  # Monday is 0
    minute: int = 16 * 60
    off: bool = False
