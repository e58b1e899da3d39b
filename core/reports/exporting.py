"""An export, streamed: a scope's rows go from the source to a writer as they arrive, while
the report the export opens with is gathered on the way.

The event loop only reads the source: every batch of rows is written (and folded into the
report) in a worker thread, and so are the report's whole-tenant steps and the file's last
write, so a long export never holds the loop that answers chats.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from core.model import MilestoneId
from core.reports.exports import SummaryImages, export_row, export_summary, update_row
from core.reports.inputs import CheckinRequest, ReportMilestone, ReportUpdate, Scope
from core.reports.periods import Period
from core.reports.ports import ChartRenderer, ExportWriter, ProgressCallback, ReportSource
from core.reports.report import ReportBuilder

#: Rows handed to the writer's thread at once, and between two progress reports.
BATCH = 100

#: Where a front end that can show one (the shell) wants an export's progress told: set around
#: the command, read by the export use case.
export_progress: contextvars.ContextVar[ProgressCallback | None] = contextvars.ContextVar(
    "cairn_export_progress", default=None)

Row = TypeVar("Row")


@dataclass(frozen=True, slots=True)
class ExportOutcome:
    milestones: int
    updates: int  # check-ins written (those of the period)


async def write_export(*, source: ReportSource, scope: Scope, period: Period, now: datetime,
                       tenant: str, writer: ExportWriter, renderer: ChartRenderer | None = None,
                       progress: ProgressCallback | None = None) -> ExportOutcome:
    """Every milestone of the scope (done and cancelled included), the check-ins of the period,
    and the period's report; the writer is aborted when anything fails."""
    try:
        return await _Export(source, scope, period, now, writer, progress).run(tenant, renderer)
    except BaseException:
        writer.abort()
        raise


class _Export:
    def __init__(self, source: ReportSource, scope: Scope, period: Period, now: datetime,
                 writer: ExportWriter, progress: ProgressCallback | None) -> None:
        self.source, self.scope, self.period, self.now = source, scope, period, now
        self.writer, self.progress = writer, progress
        self.read = self.expected = self.written = 0
        self.milestones: list[ReportMilestone] = []
        self.by_id: dict[MilestoneId, ReportMilestone] = {}
        self.builder: ReportBuilder | None = None

    async def run(self, tenant: str, renderer: ChartRenderer | None) -> ExportOutcome:
        writer, scope, period = self.writer, self.scope, self.period
        if writer.images is not None and renderer is None:
            raise ValueError("this export embeds charts: it needs a chart renderer")
        size = await self.source.size(scope)
        self.expected = size.milestones + size.updates
        await self._stream(self.source.milestones(scope), self._add_milestones)
        self.by_id = {m.id: m for m in self.milestones}
        self.builder = await asyncio.to_thread(ReportBuilder, self.milestones, now=self.now,
                                               scope=scope.label, period=period)
        await self._stream(self.source.updates(scope), self._add_updates)
        previous = period.previous()
        since = previous.starts_at if previous is not None else period.starts_at
        await self._stream(self.source.checkins(scope, since), self._add_checkins,
                           counted=False)
        report = await asyncio.to_thread(self.builder.build)
        summary = await asyncio.to_thread(export_summary, report, tenant=tenant, now=self.now)
        images = None
        if writer.images is not None and renderer is not None:
            sizes, burnup, status = writer.images, summary.burnup, summary.status
            if not sizes.titled:
                burnup = replace(burnup, title="", subtitle="")
                status = replace(status, title="", subtitle="")
            images = SummaryImages(burnup=await renderer.render(burnup, sizes.burnup),
                                   status=await renderer.render(status, sizes.status))
        await asyncio.to_thread(writer.finish, summary, images)
        if self.progress is not None:
            self.progress(self.read, self.read)
        return ExportOutcome(milestones=len(self.milestones), updates=self.written)

    async def _stream(self, rows: AsyncIterator[Row], handle: Callable[[list[Row]], None],
                      counted: bool = True) -> None:
        batch: list[Row] = []
        async for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                await asyncio.to_thread(handle, batch)
                if counted:
                    self._step(len(batch), report=True)
                batch = []
        if batch:
            await asyncio.to_thread(handle, batch)
            if counted:
                self._step(len(batch), report=False)  # the end is told once, when done

    def _step(self, rows: int, *, report: bool) -> None:
        self.read += rows
        if report and self.progress is not None:
            self.progress(self.read, max(self.read, self.expected))

    def _add_milestones(self, batch: list[ReportMilestone]) -> None:
        zone = self.period.zone
        for milestone in batch:
            self.milestones.append(milestone)
            self.writer.add_milestone(export_row(milestone, zone))

    def _add_updates(self, batch: list[ReportUpdate]) -> None:
        assert self.builder is not None
        as_of, zone = self.period.as_of(self.now), self.period.zone
        for update in batch:
            self.builder.add_update(update)
            shown = self.by_id.get(update.milestone_id)
            if shown is not None and self.period.contains(update.at) and update.at < as_of:
                self.writer.add_update(update_row(update, number=shown.number,
                                                  title=shown.title, zone=zone))
                self.written += 1

    def _add_checkins(self, batch: list[CheckinRequest]) -> None:
        assert self.builder is not None
        for request in batch:
            self.builder.add_checkin(request)
