"""`nudge --dry-run`: what a sweep at a given moment would send, and to whom; nothing is sent,
claimed or counted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from core.model import TenantId
from core.nudges.context import Context, Plan, decide, load
from core.nudges.deliveries import NewNudge, Nudge
from core.nudges.delivery import MADE_ELSEWHERE
from core.nudges.notifier import ChannelAddress
from core.nudges.reminders import nudge_of
from core.nudges.schedule import GRACE, NudgeKind
from core.nudges.sweep import find_due
from core.nudges.text import inbox_text
from core.nudges.views import NudgePreview, PreviewItem
from core.nudges.workweek import zone
from core.ports import UnitOfWorkFactory

PREVIEW_LIMIT = 500

#: What the deliveries other features word (`MADE_ELSEWHERE`) are, as a preview names them
#: without making them (a weekly report draws a chart).
POSTS = {NudgeKind.REPORT: "the weekly report: the company's report card and burn-up"}


async def preview(uow: UnitOfWorkFactory, at: datetime, grace: timedelta = GRACE,
                  limit: int = PREVIEW_LIMIT, *, posts: Sequence[NewNudge] = ()
                  ) -> NudgePreview:
    """`posts`: the deliveries other features would claim at `at` (the weekly reports due)."""
    async with uow() as tx:  # read only: left without a commit
        due = [*(await find_due(tx.nudges, at, grace)).nudges, *posts]
        claimed = await tx.nudges.claimed(due)
        fresh = [nudge_of(n, created_at=at) for n in due if n.key not in claimed]
        everything: list[Nudge] = [*fresh, *await tx.nudges.pending(at, limit)][:limit]
        made_elsewhere = [n for n in everything if n.kind in MADE_ELSEWHERE]
        nudges = [n for n in everything if n.kind not in MADE_ELSEWHERE]
        ctx = await load(tx.nudges, nudges, at)
        plans = [decide(n, ctx) for n in nudges]
        escalations = [nudge_of(e, created_at=at) for p in plans for e in p.escalations]
        if escalations:
            more = await load(tx.nudges, escalations, at)
            plans += [decide(n, more) for n in escalations]
        # Several workspaces each have an @alice: every recipient is named with its tenant.
        tenants: dict[TenantId, str] = {}
        for tenant_id in {n.tenant_id for n in [*(p.nudge for p in plans), *made_elsewhere]}:
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
    for nudge in made_elsewhere:
        where = tenants.get(nudge.tenant_id, f"tenant {nudge.tenant_id}")
        items.append(PreviewItem(at=f"{nudge.not_before:%Y-%m-%d %H:%M}", local="",
                                 recipient=f"{nudge.channel} ({where})", kind=nudge.kind,
                                 summary=POSTS.get(nudge.kind, f"a {nudge.kind.value} post")))
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
