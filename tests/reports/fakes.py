"""Fakes of the report ports: a source over lists, a writer that keeps what it was given."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from core.reports.charts import WIDE, Chart, ChartSize
from core.reports.exports import ExportRow, ExportSummary, SummaryImages, UpdateRow
from core.reports.inputs import CheckinRequest, ReportMilestone, ReportUpdate, Scope
from core.reports.ports import ImageSizes, ScopeSize


@dataclass
class InMemoryReportSource:
    """Streams lists as storage would stream rows; `fail_after` breaks the milestone stream."""

    milestone_rows: Sequence[ReportMilestone]
    update_rows: Sequence[ReportUpdate] = ()
    checkin_rows: Sequence[CheckinRequest] = ()
    fail_after: int | None = None
    asked: list[tuple[str, object]] = field(default_factory=list)

    async def size(self, scope: Scope) -> ScopeSize:
        return ScopeSize(len(self.milestone_rows), len(self.update_rows))

    async def milestones(self, scope: Scope) -> AsyncIterator[ReportMilestone]:
        self.asked.append(("milestones", scope))
        for index, row in enumerate(self.milestone_rows):
            if self.fail_after is not None and index == self.fail_after:
                raise ConnectionError("the database went away")
            yield row

    async def updates(self, scope: Scope) -> AsyncIterator[ReportUpdate]:
        for row in self.update_rows:
            yield row

    async def checkins(self, scope: Scope, since: datetime | None
                       ) -> AsyncIterator[CheckinRequest]:
        self.asked.append(("checkins since", since))
        for row in self.checkin_rows:
            if since is None or row.asked_at >= since:
                yield row


@dataclass
class KeepingWriter:
    images: ImageSizes | None = None
    milestones: list[ExportRow] = field(default_factory=list)
    updates: list[UpdateRow] = field(default_factory=list)
    finished: tuple[ExportSummary, SummaryImages | None] | None = None
    aborted: bool = False

    def add_milestone(self, row: ExportRow) -> None:
        self.milestones.append(row)

    def add_update(self, row: UpdateRow) -> None:
        self.updates.append(row)

    def finish(self, summary: ExportSummary, images: SummaryImages | None) -> None:
        self.finished = (summary, images)

    def abort(self) -> None:
        self.aborted = True


@dataclass
class LabelRenderer:
    """Answers each chart with its title as bytes, and remembers the sizes asked for."""

    sizes: list[ChartSize] = field(default_factory=list)

    async def render(self, chart: Chart, size: ChartSize = WIDE) -> bytes:
        self.sizes.append(size)
        return chart.title.encode()
