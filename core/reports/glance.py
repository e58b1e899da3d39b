"""`ShowWeekGlance`: the company's report card for this week, as the App Home shows it beside
a person's own work. Served from `GlanceCache` (a few minutes old at most), so opening the
Home, or its republishing after every change, does not rebuild the report each time."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from core.reports.card import ReportCard, report_card
from core.reports.commands import COMPANY, ShowWeekGlance
from core.reports.periods import PeriodKind, current_period
from core.reports.use_cases import build, read_scope, tools
from core.use_case import Deps, current_tenant, current_user


async def week_glance(cmd: ShowWeekGlance, deps: Deps) -> ReportCard:
    cache = tools(deps).glances
    async with deps.uow(cmd.actor.tenant_id) as tx:
        await current_user(tx, cmd.actor)
        # The company's week, in the company's time: one card for everyone in the tenant.
        zone = (await current_tenant(tx, cmd.actor)).timezone
    now = deps.clock.now()
    week = current_period(PeriodKind.WEEK, now, zone).label

    async def fresh() -> ReportCard:
        reading = await read_scope(deps, cmd.actor, COMPANY, PeriodKind.WEEK)
        reading = replace(reading, period=current_period(PeriodKind.WEEK, now, zone))
        return report_card(await build(reading))

    return await cache.card(cmd.actor.tenant_id, zone, week, now, fresh)


HANDLERS: dict[type[Any], Any] = {ShowWeekGlance: week_glance}
