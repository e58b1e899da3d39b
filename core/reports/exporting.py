"""An export, streamed: a scope's rows go from the source to a writer as they arrive, while
the report the export opens with is gathered on the way."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime

from core.model import MilestoneId
from core.reports.exports import SummaryImages, export_row, export_summary, update_row
from core.reports.inputs import ReportMilestone, Scope
from core.reports.periods import Period
from core.reports.ports import ChartRenderer, ExportWriter, ProgressCallback, ReportSource
from core.reports.report import ReportBuilder

#: Rows between two progress reports, and between two turns given back to the event loop.
BATCH = 250


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
        return await _write(source, scope, period, now, tenant, writer, renderer, progress)
    except BaseException:
        writer.abort()
        raise


async def _write(source: ReportSource, scope: Scope, period: Period, now: datetime, tenant: str,
                 writer: ExportWriter, renderer: ChartRenderer | None,
                 progress: ProgressCallback | None) -> ExportOutcome:
    if writer.images is not None and renderer is None:
        raise ValueError("this export embeds charts: it needs a chart renderer")
    size = await source.size(scope)
    expected = size.milestones + size.updates
    read = 0

    async def step() -> None:
        nonlocal read
        read += 1
        if read % BATCH == 0:
            if progress is not None:
                progress(read, max(read, expected))
            await asyncio.sleep(0)  # a long export never holds the loop

    zone = period.zone
    milestones: list[ReportMilestone] = []
    async for milestone in source.milestones(scope):
        milestones.append(milestone)
        writer.add_milestone(export_row(milestone, zone))
        await step()
    by_id: dict[MilestoneId, ReportMilestone] = {m.id: m for m in milestones}
    builder = ReportBuilder(milestones, scope=scope.label, period=period, now=now)
    as_of, written = period.as_of(now), 0
    async for update in source.updates(scope):
        builder.add_update(update)
        shown = by_id.get(update.milestone_id)
        if shown is not None and period.contains(update.at) and update.at < as_of:
            writer.add_update(update_row(update, number=shown.number, title=shown.title,
                                         zone=zone))
            written += 1
        await step()
    previous = period.previous()
    since = previous.starts_at if previous is not None else period.starts_at
    async for request in source.checkins(scope, since):
        builder.add_checkin(request)
    summary = export_summary(builder.build(), tenant=tenant, now=now)
    images = None
    if writer.images is not None and renderer is not None:
        sizes = writer.images
        burnup, status = summary.burnup, summary.status
        if not sizes.titled:
            burnup, status = (replace(burnup, title="", subtitle=""),
                              replace(status, title="", subtitle=""))
        images = SummaryImages(burnup=await renderer.render(burnup, sizes.burnup),
                               status=await renderer.render(status, sizes.status))
    await asyncio.to_thread(writer.finish, summary, images)
    if progress is not None:
        progress(read, read)
    return ExportOutcome(milestones=len(milestones), updates=written)
