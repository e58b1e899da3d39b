"""Webhooks over real HTTP: a receiver on 127.0.0.1, the real sender, the in-memory store.

The dispatch loop runs on a `FrozenClock` the tests move (the retry schedule spans a day);
the sender signs with the system clock, the moment the request really leaves, which is what
the receiver's library checks the timestamp against.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from core.model import MilestoneId, TenantId
from core.webhooks.deliveries import Delivery, plan_deliveries
from core.webhooks.dispatch import Dispatched, deliver_due
from core.webhooks.endpoints import WebhookEndpoint, new_endpoint
from core.webhooks.events import EventType, WebhookEvent
from core.webhooks.ports import WebhookSender
from integrations.webhooks.sender import AiohttpWebhookSender
from integrations.webhooks.signing import new_secret
from tests.fakes import FrozenClock
from tests.webhooks.fakes import InMemoryWebhooks
from tests.webhooks.receiver import WebhookReceiver
from wiring.runtime import SystemClock

ACME = TenantId(1)
OTHER = TenantId(2)


@pytest.fixture
def secret() -> str:
    return new_secret()


@pytest.fixture
async def receiver(secret: str) -> AsyncIterator[WebhookReceiver]:
    found = await WebhookReceiver([secret]).start()
    try:
        yield found
    finally:
        await found.close()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock("2026-11-23T09:00:00+00:00")


@pytest.fixture
async def sender() -> AsyncIterator[AiohttpWebhookSender]:
    async with AiohttpWebhookSender(clock=SystemClock(), allow_private=True,
                                    timeout=2.0) as found:
        yield found


@dataclass
class Hooks:
    """One tenant's webhooks end to end: register endpoints, publish events, run the loop."""

    store: InMemoryWebhooks
    sender: WebhookSender
    clock: FrozenClock
    sequence: int = 0
    published: list[WebhookEvent] = field(default_factory=list)

    async def endpoint(self, url: str, secret: str, events: tuple[EventType, ...] = (),
                       tenant: TenantId = ACME) -> WebhookEndpoint:
        endpoint = new_endpoint(tenant_id=tenant, url=url, events=events, secret=secret,
                                now=self.clock.now(), allow_private=True)
        return await self.store.for_tenant(tenant).add(endpoint)

    async def publish(self, kind: EventType, milestone: int | None = 1, tenant: TenantId = ACME,
                      **data: object) -> WebhookEvent:
        """Plans an event's deliveries, as the outbox consumer will."""
        self.sequence += 1
        event = WebhookEvent(
            id=f"evt_{self.sequence}", type=kind, tenant_id=tenant,
            occurred_at=self.clock.now(), sequence=self.sequence,
            milestone_id=MilestoneId(milestone) if milestone is not None else None,
            data={"milestone": {"number": milestone}, **data})
        endpoints = await self.store.for_tenant(tenant).all()
        await self.store.enqueue(plan_deliveries(event, endpoints, self.clock.now()))
        self.published.append(event)
        return event

    async def run(self) -> Dispatched:
        return await deliver_due(self.store, self.sender, self.clock)

    async def run_until(self, moment: datetime | str, *, every_minutes: float = 1
                        ) -> Dispatched:
        """Runs the loop once a (simulated) minute until `moment`, as the scheduler would."""
        end = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
        total = Dispatched()
        while self.clock.now() <= end:
            total += await self.run()
            self.clock.advance(minutes=every_minutes)
        return total

    def stored(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        """The endpoint as the store has it now."""
        assert endpoint.id is not None
        return self.store.endpoints[endpoint.id]

    def delivery(self, event: WebhookEvent) -> Delivery:
        (found,) = [d for d in self.store.deliveries.values() if d.event_id == event.id]
        return found


@pytest.fixture
def hooks(sender: AiohttpWebhookSender, clock: FrozenClock) -> Hooks:
    return Hooks(store=InMemoryWebhooks(), sender=sender, clock=clock)
