"""Commands of the `report`, `chart` and `export` verbs."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.commands import Command, MilestoneRef, UserRef
from core.reports.periods import PeriodKind


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
class ShowReport(Command):
    period: PeriodKind = PeriodKind.WEEK
    target: ReportTarget = COMPANY


@dataclass(frozen=True, slots=True, kw_only=True)
class DrawChart(Command):
    chart: ChartKind
    period: PeriodKind = PeriodKind.MONTH
    target: ReportTarget = COMPANY


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportReport(Command):
    format: ExportKind
    period: PeriodKind = PeriodKind.QUARTER
    target: ReportTarget = COMPANY
