"""Export descriptions: the columns of each sheet, rows as plain typed cells, and the summary.

Writers (`integrations/exports`) decide how a type looks in a format (a date is a date in XLSX
and ISO text in CSV; progress is 0..1 with a percent format in XLSX, a whole percent in CSV).
Rows come one at a time from an iterator so an export streams; nothing here holds them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from core.model import Kind, Priority, Status
from core.reports.card import CardLine, FigureLine, ReportCard, report_card, risk_lines
from core.reports.charts import BurnupChart, StatusChart, burnup_chart, status_chart
from core.reports.contents import Report
from core.reports.figures import on_time
from core.reports.inputs import ReportMilestone, ReportUpdate
from core.reports.periods import local_date, wall_clock


class ColumnType(StrEnum):
    NUMBER = "number"  # a whole number: #N, a parent's #N
    TEXT = "text"
    PERSON = "person"  # a handle, written without the @
    PERCENT = "percent"  # a whole percent 0..100
    DATE = "date"
    DATETIME = "datetime"  # in the reader's time zone
    FLAG = "flag"  # yes, no, or empty when it does not apply


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    type: ColumnType
    width: int  # characters, a hint for spreadsheets


MILESTONE_COLUMNS = (
    Column("number", "Number", ColumnType.NUMBER, 8),
    Column("kind", "Kind", ColumnType.TEXT, 10),
    Column("title", "Title", ColumnType.TEXT, 48),
    Column("parent", "Parent", ColumnType.NUMBER, 8),
    Column("owner", "Owner", ColumnType.PERSON, 14),
    Column("status", "Status", ColumnType.TEXT, 12),
    Column("progress", "Progress", ColumnType.PERCENT, 10),
    Column("start", "Start", ColumnType.DATE, 12),
    Column("due", "Due", ColumnType.DATE, 12),
    Column("done", "Done", ColumnType.DATE, 12),
    Column("on_time", "On time", ColumnType.FLAG, 9),
    Column("priority", "Priority", ColumnType.TEXT, 10),
    Column("tags", "Tags", ColumnType.TEXT, 20),
    Column("last_update", "Last update", ColumnType.DATE, 12),
)

UPDATE_COLUMNS = (
    Column("number", "Number", ColumnType.NUMBER, 8),
    Column("title", "Title", ColumnType.TEXT, 40),
    Column("at", "At", ColumnType.DATETIME, 17),
    Column("author", "Author", ColumnType.PERSON, 14),
    Column("progress", "Progress", ColumnType.PERCENT, 10),
    Column("status", "Status", ColumnType.TEXT, 12),
    Column("notes", "Notes", ColumnType.TEXT, 60),
    Column("blockers", "Blockers", ColumnType.TEXT, 40),
)

Cell = int | str | date | datetime | bool | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportRow:
    """One milestone, one row: the values of `MILESTONE_COLUMNS`, in the reader's zone."""

    number: int
    kind: Kind
    title: str
    parent: int | None
    owner: str
    status: Status
    progress: int
    start: date | None
    due: date | None
    done: date | None
    on_time: bool | None
    priority: Priority
    tags: tuple[str, ...]
    last_update: date | None

    def cells(self) -> tuple[Cell, ...]:
        return (self.number, self.kind.value.capitalize(), self.title, self.parent, self.owner,
                self.status.label, self.progress, self.start, self.due, self.done, self.on_time,
                self.priority.value.capitalize(), ", ".join(self.tags), self.last_update)


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateRow:
    """One check-in: the values of `UPDATE_COLUMNS`."""

    number: int
    title: str
    at: datetime  # in the reader's zone, without a zone (spreadsheets have none)
    author: str
    progress: int | None
    status: Status
    notes: str
    blockers: str

    def cells(self) -> tuple[Cell, ...]:
        return (self.number, self.title, self.at, self.author, self.progress,
                self.status.label, self.notes, self.blockers)


def export_row(m: ReportMilestone, zone: str) -> ExportRow:
    done = local_date(m.completed_at, zone) if m.status.closed and m.completed_at else None
    return ExportRow(
        number=m.number, kind=m.kind, title=m.title, parent=m.parent_number, owner=m.owner,
        status=m.status, progress=m.progress, start=m.start_date, due=m.due_date, done=done,
        on_time=on_time(m, done), priority=m.priority, tags=m.tags,
        last_update=local_date(m.last_update_at, zone) if m.last_update_at else None,
    )


def update_row(update: ReportUpdate, *, number: int, title: str, zone: str) -> UpdateRow:
    return UpdateRow(number=number, title=title, at=wall_clock(update.at, zone),
                     author=update.author, progress=update.percent, status=update.status,
                     notes=update.notes, blockers=update.blockers)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportSummary:
    """The report an export opens with: the XLSX Summary sheet, the PDF's one page."""

    title: str  # "Acme Robotics · Company"
    period: str  # "Q4 2026"
    generated: str  # "Generated Mon 23 Nov 2026 09:00 (Europe/Paris)"
    card: ReportCard
    top_risks: tuple[CardLine, ...]
    burnup: BurnupChart
    status: StatusChart

    @property
    def figures(self) -> tuple[FigureLine, ...]:
        return self.card.figures


@dataclass(frozen=True, slots=True, kw_only=True)
class SummaryImages:
    """The summary's charts as PNG, for formats that embed pictures (the PDF)."""

    burnup: bytes
    status: bytes


TOP_RISKS = 5


def export_summary(report: Report, *, tenant: str, now: datetime) -> ExportSummary:
    card = report_card(report)
    zone = report.period.zone
    stamp = wall_clock(now, zone)
    return ExportSummary(
        title=f"{tenant} · {report.scope}" if tenant else report.scope,
        period=report.period.label,
        generated=f"Generated {stamp:%a} {stamp.day} {stamp:%b %Y %H:%M} ({zone})",
        card=card,
        top_risks=risk_lines(report, TOP_RISKS),
        burnup=burnup_chart(report),
        status=status_chart(report),
    )
