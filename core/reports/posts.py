"""The weekly reports workspaces scheduled (`report weekly #channel friday 16:00`), posted to
their channels at the workspace's local time, once a week, through every platform's notifier.

Each pass claims a tenant's week before it builds anything (so two instances never both post
it), builds the company's report card and burn-up for the week, and sends them to the channel;
when no platform took it and one may later, the week is given back and the next pass (within
the grace after the moment) tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from core.nudges.notifier import ChannelAddress, Notifier, Outgoing, RouteStatus
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


async def post_weekly_reports(deps: Deps, notifiers: Sequence[Notifier],
                              grace: timedelta = GRACE) -> int:
    """Posts every weekly report due now; returns how many reached a channel."""
    found = deps.reports
    if found is None or found.schedules is None:
        return 0
    now = deps.clock.now()
    posted = 0
    for schedule in await found.schedules.all():
        week = schedule.due_week(now, grace)
        if week is None or not await found.schedules.claim(schedule.tenant_id, week):
            continue
        try:
            reached = await _post(deps, found, schedule, notifiers)
        except Exception:
            logger.exception("the weekly report of tenant %d could not be made",
                             schedule.tenant_id)
            reached = None
        if reached is None:
            await found.schedules.release(schedule.tenant_id, week)
        elif reached:
            posted += 1
    return posted


async def weekly_post(deps: Deps, found: ReportTools, schedule: WeeklySchedule
                      ) -> WeeklyReportPost:
    now = deps.clock.now()
    async with deps.uow(schedule.tenant_id) as tx:
        tenant = await tx.tenants.get(schedule.tenant_id)
    name = tenant.name if tenant is not None else ""
    period = current_period(PeriodKind.WEEK, now, schedule.timezone)
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
    return WeeklyReportPost(nudge_id=0, kind=NudgeKind.DIGEST, snoozes=(), actions=(),
                            headline=f"📊 {card.title} · {card.period}", card=card,
                            chart=picture)


async def _post(deps: Deps, found: ReportTools, schedule: WeeklySchedule,
                notifiers: Sequence[Notifier]) -> bool | None:
    """True: posted; False: no platform can reach the channel (not tried again); None: try
    again later."""
    view = await weekly_post(deps, found, schedule)
    message = Outgoing(nudge_id=0, view=view, text=view.headline,
                       to=ChannelAddress(tenant_id=schedule.tenant_id, channel=schedule.channel))
    results = [await n.send(message) for n in notifiers if n.destination(message) is not None]
    if any(r.status == RouteStatus.SENT for r in results):
        return True
    if any(r.status == RouteStatus.FAILED for r in results):
        logger.warning("the weekly report of tenant %d did not reach %s: %s", schedule.tenant_id,
                       schedule.channel, "; ".join(r.error for r in results))
        return None
    logger.info("the weekly report of tenant %d has no platform that reaches %s",
                schedule.tenant_id, schedule.channel)
    return False
