"""The weekly reports workspaces scheduled (`report weekly #channel friday 16:00`), posted to
their channels at the workspace's local time through the nudge delivery queue.

`claim_weekly_reports` runs with the nudge sweep: each schedule due now claims a delivery of
kind `report` keyed by the tenant, the channel and the ISO week, so however many instances
sweep the same minute, one week's report is claimed once. The queue then leases it, asks
`WeeklyReportMaker` for the post (the company's report card and burn-up for that week), sends
it to every platform that reaches the channel, and retries the ones that failed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from core.nudges.context import Plan
from core.nudges.deliveries import NewNudge, Nudge
from core.nudges.notifier import ChannelAddress
from core.nudges.schedule import NudgeKind
from core.reports.card import report_card
from core.reports.charts import burnup_chart
from core.reports.inputs import CompanyScope
from core.reports.periods import PeriodKind, current_period
from core.reports.ports import ReportTools
from core.reports.schedule import GRACE, WeeklySchedule
from core.reports.use_cases import Reading, build
from core.reports.views import FileKind, ReportFile, WeeklyReportPost
from core.use_case import Deps

logger = logging.getLogger(__name__)


async def due_weekly_reports(deps: Deps, now: datetime, grace: timedelta = GRACE
                             ) -> list[NewNudge]:
    """The deliveries of the weekly reports due at `now` (claimed or not)."""
    found = deps.reports
    if found is None or found.schedules is None:
        return []
    return [NewNudge(tenant_id=s.tenant_id, kind=NudgeKind.REPORT, channel=s.channel,
                     period=week, not_before=now)
            for s in await found.schedules.all()
            if (week := s.due_week(now, grace)) is not None]


async def claim_weekly_reports(deps: Deps, grace: timedelta = GRACE) -> int:
    """Claims the weekly reports due now in the delivery queue; returns how many were new."""
    due = await due_weekly_reports(deps, deps.clock.now(), grace)
    if not due:
        return 0
    async with deps.uow() as tx:
        new = await tx.nudges.claim(due)
        await tx.commit()
    return len(new)


class WeeklyReportMaker:
    """`core.nudges.makers.PostMaker` of the weekly reports."""

    kinds = frozenset({NudgeKind.REPORT})

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def plan(self, nudge: Nudge, now: datetime) -> Plan:
        found = self._deps.reports
        schedule = None
        if found is not None and found.schedules is not None:
            schedule = await found.schedules.get(nudge.tenant_id)
        if found is None or schedule is None or schedule.channel != nudge.channel:
            return Plan(nudge=nudge, skip="the weekly report to this channel was turned off")
        view = await weekly_post(self._deps, found, schedule, nudge)
        return Plan(nudge=nudge, view=view, text=view.headline,
                    address=ChannelAddress(tenant_id=nudge.tenant_id, channel=nudge.channel))


async def weekly_post(deps: Deps, found: ReportTools, schedule: WeeklySchedule, nudge: Nudge
                      ) -> WeeklyReportPost:
    """The report of the week the delivery was claimed for (a retry days later still posts
    that week's), read now."""
    now = deps.clock.now()
    async with deps.uow(schedule.tenant_id) as tx:
        tenant = await tx.tenants.get(schedule.tenant_id)
    name = tenant.name if tenant is not None else ""
    period = current_period(PeriodKind.WEEK, nudge.not_before, schedule.timezone)
    reading = Reading(scope=CompanyScope(), period=period,
                      source=found.sources(schedule.tenant_id), tenant=name, now=now)
    report = await build(reading)
    card = report_card(report)
    chart = burnup_chart(report)
    png = await found.renderer.render(chart)
    stored = await found.files.save(png, "image/png", "cairn", "weekly", name, period.label)
    picture = ReportFile(kind=FileKind.CHART, title=chart.title,
                         summary=f"{chart.title} · {period.label}", file=stored,
                         url=found.files.address(stored, now))
    return WeeklyReportPost(nudge_id=nudge.id, kind=NudgeKind.REPORT, snoozes=(), actions=(),
                            headline=f"📊 {card.title} · {card.period}", card=card,
                            chart=picture)
