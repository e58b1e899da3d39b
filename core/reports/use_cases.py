"""Reports, charts and exports: read a scope's rows, phrase them, draw them, write them.

Reads only: nothing here changes a milestone. Rows stream from `ReportSource` (storage), charts
are drawn by the `ChartRenderer` off the event loop, files are written by the `FileStore`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.commands import Actor
from core.errors import InvalidInput
from core.humanize import plural
from core.permissions import Right
from core.reports.card import ReportCard, report_card
from core.reports.charts import Chart, burnup_chart, on_time_chart, progress_chart, status_chart
from core.reports.commands import (
    ChartKind,
    DrawChart,
    ExportReport,
    ReportTarget,
    ScheduleReport,
    ShowReport,
)
from core.reports.contents import Report
from core.reports.exporting import export_progress, write_export
from core.reports.inputs import Scope
from core.reports.periods import Period, PeriodKind, current_period
from core.reports.ports import ReportSource, ReportTools
from core.reports.report import ReportBuilder
from core.reports.schedule import WeeklySchedule
from core.reports.scopes import resolve_scope
from core.reports.views import FileKind, ReportFile
from core.use_case import (
    Deps,
    authorize,
    current_tenant,
    current_user,
)
from core.views import Notice, Tone


@dataclass(frozen=True, slots=True)
class Reading:
    scope: Scope
    period: Period
    source: ReportSource
    tenant: str
    now: datetime


def tools(deps: Deps) -> ReportTools:
    if deps.reports is None:
        raise InvalidInput("report", "reports are not set up on this Cairn",
                           hint="ask whoever runs it to start it with `python3 dev.py serve`")
    return deps.reports


async def read_scope(deps: Deps, actor: Actor, target: ReportTarget, kind: PeriodKind
                   ) -> Reading:
    """The scope a person asked for, checked in their tenant, and their period."""
    found = tools(deps)
    async with deps.uow(actor.tenant_id) as tx:
        me = await current_user(tx, actor)
        tenant = await current_tenant(tx, actor)
        scope = await resolve_scope(tx, target)
    now = deps.clock.now()
    zone = me.timezone or tenant.timezone
    return Reading(scope=scope, period=current_period(kind, now, zone),
                    source=found.sources(actor.tenant_id), tenant=tenant.name, now=now)


async def build(reading: Reading) -> Report:
    """The report of a scope, its rows streamed in; the figures computed off the event loop."""
    source, scope = reading.source, reading.scope
    milestones = [m async for m in source.milestones(scope)]
    builder = await asyncio.to_thread(ReportBuilder, milestones, scope=scope.label,
                                      period=reading.period, now=reading.now)
    async for update in source.updates(scope):
        builder.add_update(update)
    previous = reading.period.previous()
    since = previous.starts_at if previous is not None else reading.period.starts_at
    async for request in source.checkins(scope, since):
        builder.add_checkin(request)
    return await asyncio.to_thread(builder.build)


async def show_report(cmd: ShowReport, deps: Deps) -> ReportCard:
    reading = await read_scope(deps, cmd.actor, cmd.target, cmd.period)
    return report_card(await build(reading))


def chart_of(kind: ChartKind, report: Report) -> Chart:
    if kind == ChartKind.BURNUP:
        return burnup_chart(report)
    if kind == ChartKind.PROGRESS:
        return progress_chart(report)
    if kind == ChartKind.STATUS:
        return status_chart(report)
    return on_time_chart(report)


async def draw_chart(cmd: DrawChart, deps: Deps) -> ReportFile:
    reading = await read_scope(deps, cmd.actor, cmd.target, cmd.period)
    report = await build(reading)
    chart = chart_of(cmd.chart, report)
    found = tools(deps)
    png = await found.renderer.render(chart)
    stored = await found.files.save(png, "image/png", "cairn", cmd.chart.value,
                                    reading.scope.label, reading.period.label)
    return ReportFile(kind=FileKind.CHART, title=chart.title,
                      summary=f"{chart.title} · {reading.period.label}", file=stored,
                      url=found.files.address(stored, reading.now))


async def export(cmd: ExportReport, deps: Deps) -> ReportFile:
    reading = await read_scope(deps, cmd.actor, cmd.target, cmd.period)
    found = tools(deps)
    writer, stored = found.files.open_export(cmd.format.value, "cairn", reading.tenant,
                                             reading.scope.label, reading.period.label)
    outcome = await write_export(source=reading.source, scope=reading.scope,
                                 period=reading.period, now=reading.now, tenant=reading.tenant,
                                 writer=writer, renderer=found.renderer,
                                 progress=export_progress.get())
    rows = plural(outcome.milestones, "milestone")
    if cmd.format.value != "csv":
        rows += f", {plural(outcome.updates, 'check-in')}"
    return ReportFile(kind=FileKind.EXPORT,
                      title=f"{cmd.format.value.upper()} · {reading.scope.label}",
                      summary=f"{rows} · {reading.period.label}", file=stored,
                      url=found.files.address(stored, reading.now))


async def schedule_report(cmd: ScheduleReport, deps: Deps) -> Notice:
    schedules = tools(deps).schedules
    if schedules is None:
        raise InvalidInput("report", "weekly reports to a channel are not offered here",
                           hint="report week shows this week's report now")
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        await authorize(tx, me, Right.ADMIN, None)
        tenant = await current_tenant(tx, cmd.actor)
    assert me.id is not None
    if cmd.off:
        if not await schedules.remove(cmd.actor.tenant_id):
            return Notice(text="No weekly report was scheduled.", tone=Tone.INFO,
                          hint="report weekly #general friday 16:00")
        return Notice(text="The weekly report is off.", tone=Tone.SUCCESS,
                      hint="report weekly #general friday 16:00 turns it back on")
    assert cmd.channel is not None
    schedule = WeeklySchedule(tenant_id=cmd.actor.tenant_id, channel=cmd.channel,
                              weekday=cmd.weekday, minute=cmd.minute, created_by=me.id,
                              timezone=tenant.timezone)
    await schedules.save(schedule, deps.clock.now())
    shown = cmd.channel if cmd.channel.startswith("#") else "that channel"
    return Notice(text=f"The weekly report goes to {shown} on {schedule.when} "
                       f"({tenant.timezone}), with its burn-up chart.", tone=Tone.SUCCESS,
                  hint="report weekly off stops it · report week shows it now")


HANDLERS: dict[type[Any], Any] = {
    ScheduleReport: schedule_report,
    ShowReport: show_report,
    DrawChart: draw_chart,
    ExportReport: export,
}
