"""From the outbox to webhook deliveries: which changes are which webhook events, and the
deliveries each event makes (one per endpoint of its tenant that wants it); a new endpoint's
test ping travels the same way, so it exists exactly when the endpoint does.

The event's id is the outbox message's, so planning a message again (a retried batch, a second
instance) stores nothing twice; its sequence orders the deliveries of one milestone. The
milestone in the payload is shaped by the caller, as the API shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.events import payload
from core.milestones.records import MilestoneRecords, with_context
from core.model import MilestoneId, TenantId
from core.ports import MilestoneFilter, OutboxMessage
from core.use_case import Deps
from core.webhooks.deliveries import Delivery, plan_deliveries
from core.webhooks.events import EventType, WebhookEvent

#: Outbox verbs -> webhook event types.
EVENT_TYPES: dict[str, EventType] = {
    "created": EventType.MILESTONE_CREATED,
    "edited": EventType.MILESTONE_UPDATED,
    "due_moved": EventType.MILESTONE_UPDATED,
    "assigned": EventType.MILESTONE_UPDATED,
    "moved": EventType.MILESTONE_UPDATED,
    "criteria": EventType.MILESTONE_UPDATED,
    "cancelled": EventType.MILESTONE_UPDATED,
    "progress": EventType.MILESTONE_PROGRESS,
    "completed": EventType.MILESTONE_DONE,
    "reopened": EventType.MILESTONE_REOPENED,
    "comment": EventType.COMMENT_CREATED,
    "webhook_added": EventType.PING,
    "challenge_finished": EventType.CHALLENGE_FINISHED,
    "overdue": EventType.MILESTONE_OVERDUE,
}

Shape = Callable[[MilestoneRecords], Mapping[str, Any]]


async def plan_message(message: OutboxMessage, deps: Deps, shape: Shape) -> list[Delivery]:
    """The deliveries one outbox message makes (none when no endpoint wants it): a check-in
    saying "at risk" is also a `milestone.at_risk`; a new endpoint gets its ping, alone."""
    kind = EVENT_TYPES.get(message.event.verb)
    if kind is None:
        return []
    details = payload(message.event)
    kinds = [kind]
    if kind is EventType.MILESTONE_PROGRESS and details.get("status") == "at_risk":
        kinds.append(EventType.MILESTONE_AT_RISK)
    tenant_id: TenantId = message.tenant_id
    async with deps.uow(tenant_id) as tx:
        endpoints = [e for e in await tx.webhooks.all() if e.enabled]
        if kind is EventType.PING:
            endpoints = [e for e in endpoints if e.id == details.get("endpoint_id")]
        if not any(e.wants(k) for e in endpoints for k in kinds):
            return []
        data: dict[str, Any] = {"change": message.event.verb, "details": details}
        milestone_id: MilestoneId | None = message.event.milestone_id
        if milestone_id is not None:
            found = await tx.milestones.find(MilestoneFilter(ids=[milestone_id],
                                                             open_only=False))
            if found:
                data["milestone"] = shape(await with_context(tx, found, None))
        if message.event.actor_id is not None:
            actor = await tx.users.get(message.event.actor_id)
            data["actor"] = actor.handle if actor else None
    planned: list[Delivery] = []
    for k in kinds:
        # One id per type: the at-risk twin of a check-in is another event for receivers.
        suffix = "" if k is kind else "_" + k.value.rsplit(".", 1)[-1]
        event = WebhookEvent(id=f"evt_{message.id}{suffix}", type=k, tenant_id=tenant_id,
                             occurred_at=message.event.at, data=data, milestone_id=milestone_id,
                             sequence=message.id)
        planned += plan_deliveries(event, endpoints, deps.clock.now())
    return planned
