"""`nudge --dry-run`: what a sweep at a given moment would send, and to whom; nothing is sent,
claimed or counted."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.model import TenantId
from core.nudges.context import Context, Plan, decide, load
from core.nudges.deliveries import Nudge
from core.nudges.notifier import ChannelAddress
from core.nudges.reminders import nudge_of
from core.nudges.schedule import GRACE
from core.nudges.sweep import find_due
from core.nudges.text import inbox_text
from core.nudges.views import NudgePreview, PreviewItem
from core.nudges.workweek import zone
from core.ports import UnitOfWorkFactory

PREVIEW_LIMIT = 500


async def preview(uow: UnitOfWorkFactory, at: datetime, grace: timedelta = GRACE,
                  limit: int = PREVIEW_LIMIT) -> NudgePreview:
    async with uow() as tx:  # read only: left without a commit
        due = await find_due(tx.nudges, at, grace)
        claimed = await tx.nudges.claimed(due.nudges)
        fresh = [nudge_of(n, created_at=at) for n in due.nudges if n.key not in claimed]
        nudges: list[Nudge] = [*fresh, *await tx.nudges.pending(at, limit)][:limit]
        ctx = await load(tx.nudges, nudges, at)
        plans = [decide(n, ctx) for n in nudges]
        escalations = [nudge_of(e, created_at=at) for p in plans for e in p.escalations]
        if escalations:
            more = await load(tx.nudges, escalations, at)
            plans += [decide(n, more) for n in escalations]
        # Several workspaces each have an @alice: every recipient is named with its tenant.
        tenants: dict[TenantId, str] = {}
        for tenant_id in {p.nudge.tenant_id for p in plans}:
            tenant = await tx.tenants.get(tenant_id)
            tenants[tenant_id] = tenant.slug if tenant else f"tenant {tenant_id}"
    items: list[PreviewItem] = []
    skipped: list[str] = []
    for plan in plans:
        who = _recipient(plan, ctx, tenants)
        if plan.view is None:
            why = plan.skip
            if plan.until is not None:
                why = f"held until {plan.until:%Y-%m-%d %H:%M} UTC (quiet hours or vacation)"
            skipped.append(f"{who} {plan.nudge.kind.value}: {why}")
            continue
        items.append(PreviewItem(at=f"{plan.nudge.not_before:%Y-%m-%d %H:%M}",
                                 local=_local(plan, ctx), recipient=who,
                                 kind=plan.nudge.kind, summary=inbox_text(plan.view)))
    return NudgePreview(at=f"{at:%Y-%m-%d %H:%M} UTC", items=tuple(items),
                        skipped=tuple(skipped))


def _recipient(plan: Plan, ctx: Context, tenants: dict[TenantId, str]) -> str:
    """`@alice (acme)`, `#launch (acme)`: who, and in which workspace."""
    nudge = plan.nudge
    tenant = tenants.get(nudge.tenant_id, f"tenant {nudge.tenant_id}")
    if nudge.user_id is None:
        return f"{nudge.channel} ({tenant})"
    found = ctx.people.get(nudge.user_id)
    who = f"@{found[0].handle}" if found else f"user {nudge.user_id}"
    return f"{who} ({tenant})"


def _local(plan: Plan, ctx: Context) -> str:
    if isinstance(plan.address, ChannelAddress) or plan.nudge.user_id is None:
        return ""
    found = ctx.people.get(plan.nudge.user_id)
    if found is None:
        return ""
    tz = found[0].timezone
    local = plan.nudge.not_before.astimezone(zone(tz))
    return f"{local:%a %H:%M} {tz}"
