"""Deliveries: one event to one endpoint, from planned to delivered or given up.

`plan_deliveries` makes one per endpoint that wants the event; the pair (endpoint, event) is
its identity, so planning the same event twice (a retried outbox batch, a second instance)
stores it once. Deliveries of one milestone to one endpoint form a line that goes out in the
order of the events: only the first undelivered one of a line may be attempted
(`first_in_line`), so `milestone.done` never overtakes the `milestone.progress` before it,
even while that one waits for a retry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.model import MilestoneId, TenantId
from core.webhooks.endpoints import EndpointId, WebhookEndpoint
from core.webhooks.events import EventType, WebhookEvent


class DeliveryState(StrEnum):
    PENDING = "pending"  # to attempt at `due_at` (held while its endpoint is disabled)
    DELIVERED = "delivered"
    FAILED = "failed"  # given up: the schedule ran out, or the endpoint answered 410 Gone


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    id: int | None = None  # storage's
    tenant_id: TenantId
    endpoint_id: EndpointId
    event_id: str
    event_type: EventType
    milestone_id: MilestoneId | None
    sequence: int
    body: str
    created_at: datetime
    due_at: datetime
    state: DeliveryState = DeliveryState.PENDING
    attempts: int = 0
    first_attempt_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_error: str = ""

    @property
    def key(self) -> tuple[EndpointId, str]:
        """What makes a delivery exist once."""
        return (self.endpoint_id, self.event_id)

    @property
    def message_id(self) -> str:
        """The `webhook-id`: the same on every attempt, so receivers can de-duplicate."""
        return self.event_id

    @property
    def line(self) -> tuple[EndpointId, MilestoneId] | None:
        """The deliveries that must go out in order with this one (None: no order to keep)."""
        return None if self.milestone_id is None else (self.endpoint_id, self.milestone_id)


def plan_deliveries(event: WebhookEvent, endpoints: Iterable[WebhookEndpoint],
                    now: datetime) -> list[Delivery]:
    """A delivery, due now, to every enabled endpoint of the event's tenant that wants it.

    A disabled endpoint gets nothing new. A ping goes to every endpoint given: pass only the
    one being tested.
    """
    body = event.body()
    planned: list[Delivery] = []
    for endpoint in endpoints:
        if (endpoint.id is None or endpoint.tenant_id != event.tenant_id
                or not endpoint.enabled or not endpoint.wants(event.type)):
            continue
        planned.append(Delivery(
            tenant_id=event.tenant_id, endpoint_id=endpoint.id, event_id=event.id,
            event_type=event.type, milestone_id=event.milestone_id, sequence=event.sequence,
            body=body, created_at=now, due_at=now))
    return planned


def first_in_line(pending: Iterable[Delivery]) -> list[Delivery]:
    """Of undelivered deliveries, those that may be attempted as far as order goes: the first
    of each line (by event sequence) and every one that belongs to no line."""
    heads: dict[tuple[EndpointId, MilestoneId], Delivery] = {}
    free: list[Delivery] = []
    for delivery in pending:
        if delivery.state is not DeliveryState.PENDING:
            continue
        line = delivery.line
        if line is None:
            free.append(delivery)
            continue
        head = heads.get(line)
        if head is None or (delivery.sequence, delivery.event_id) < (head.sequence,
                                                                     head.event_id):
            heads[line] = delivery
    return [*heads.values(), *free]

