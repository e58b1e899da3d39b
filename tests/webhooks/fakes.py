"""In-memory fakes of the webhook ports, and a DNS that answers what a test says.

`InMemoryWebhooks` is both `WebhookDeliveryStore` (any tenant) and, through `for_tenant`, a
tenant's `WebhookEndpointRepository`; it behaves as the ports' docstrings say storage must, so
the dispatch loop can be driven end to end against a real HTTP receiver.
"""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp.abc import AbstractResolver, ResolveResult

from core.model import TenantId
from core.webhooks.decisions import Decision, DeliveryLogEntry, apply_to_endpoint
from core.webhooks.deliveries import Delivery, DeliveryState, first_in_line
from core.webhooks.endpoints import EndpointId, WebhookEndpoint
from core.webhooks.ports import LeasedDelivery


@dataclass
class InMemoryWebhooks:
    endpoints: dict[EndpointId, WebhookEndpoint] = field(default_factory=dict)
    deliveries: dict[int, Delivery] = field(default_factory=dict)
    leases: dict[int, datetime] = field(default_factory=dict)
    logs: list[DeliveryLogEntry] = field(default_factory=list)
    #: (tenant, text) of what the admins were told, in order.
    notices: list[tuple[TenantId, str]] = field(default_factory=list)
    _next_id: int = 1

    def for_tenant(self, tenant_id: TenantId) -> InMemoryEndpointRepository:
        return InMemoryEndpointRepository(self, tenant_id)

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    # --- WebhookDeliveryStore ---------------------------------------------------------------

    async def enqueue(self, deliveries: Sequence[Delivery]) -> int:
        known = {d.key for d in self.deliveries.values()}
        new = 0
        for delivery in deliveries:
            if delivery.key in known:
                continue
            stored = dataclasses.replace(delivery, id=self._new_id())
            assert stored.id is not None
            self.deliveries[stored.id] = stored
            known.add(stored.key)
            new += 1
        return new

    async def lease(self, now: datetime, *, limit: int, until: datetime
                    ) -> list[LeasedDelivery]:
        live = [d for d in self.deliveries.values() if d.state is DeliveryState.PENDING
                and d.endpoint_id in self.endpoints and self.endpoints[d.endpoint_id].enabled]
        # A leased head still blocks its line: order first, then leases and due times.
        ready = [d for d in first_in_line(live) if d.due_at <= now
                 and self.leases.get(d.id or 0, now) <= now]
        ready.sort(key=lambda d: (d.due_at, d.sequence, d.event_id))
        taken = ready[:limit]
        for delivery in taken:
            assert delivery.id is not None
            self.leases[delivery.id] = until
        return [LeasedDelivery(delivery=d, endpoint=self.endpoints[d.endpoint_id])
                for d in taken]

    async def settle(self, decision: Decision, now: datetime) -> None:
        delivery = decision.delivery
        assert delivery.id is not None and delivery.id in self.deliveries
        self.deliveries[delivery.id] = delivery
        self.leases.pop(delivery.id, None)
        self.logs.append(decision.log)
        endpoint = self.endpoints.get(delivery.endpoint_id)
        if endpoint is not None:
            self.endpoints[delivery.endpoint_id] = apply_to_endpoint(endpoint, decision, now)
        if decision.notice is not None:
            self.notices.append((delivery.tenant_id, decision.notice))

    # --- for the tests ---------------------------------------------------------------------

    def in_state(self, state: DeliveryState) -> list[Delivery]:
        return [d for d in self.deliveries.values() if d.state is state]

    def log_of(self, event_id: str) -> list[DeliveryLogEntry]:
        return [entry for entry in self.logs if entry.event_id == event_id]


@dataclass
class InMemoryEndpointRepository:
    """`WebhookEndpointRepository`: one tenant's view of the store."""

    store: InMemoryWebhooks
    tenant_id: TenantId

    async def add(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        assert endpoint.tenant_id == self.tenant_id
        stored = dataclasses.replace(endpoint, id=EndpointId(self.store._new_id()))
        assert stored.id is not None
        self.store.endpoints[stored.id] = stored
        return stored

    async def get(self, endpoint_id: EndpointId) -> WebhookEndpoint | None:
        found = self.store.endpoints.get(endpoint_id)
        return found if found is not None and found.tenant_id == self.tenant_id else None

    async def all(self) -> list[WebhookEndpoint]:
        return sorted((e for e in self.store.endpoints.values()
                       if e.tenant_id == self.tenant_id), key=lambda e: e.id or 0)

    async def count(self) -> int:
        return len(await self.all())

    async def save(self, endpoint: WebhookEndpoint) -> None:
        assert endpoint.id is not None and await self.get(endpoint.id) is not None
        self.store.endpoints[endpoint.id] = endpoint

    async def remove(self, endpoint_id: EndpointId) -> bool:
        if await self.get(endpoint_id) is None:
            return False
        del self.store.endpoints[endpoint_id]
        for key in [k for k, d in self.store.deliveries.items()
                    if d.endpoint_id == endpoint_id]:
            del self.store.deliveries[key]
        self.store.logs = [e for e in self.store.logs if e.endpoint_id != endpoint_id]
        return True

    async def log(self, endpoint_id: EndpointId, *, limit: int = 20) -> list[DeliveryLogEntry]:
        if await self.get(endpoint_id) is None:
            return []
        mine = [e for e in self.store.logs if e.endpoint_id == endpoint_id]
        return list(reversed(mine))[:limit]


class FakeDns(AbstractResolver):
    """Answers host names from a table (a list of answers is used one lookup after another,
    the last one repeating); counts the lookups. Real connections go to what it answers."""

    def __init__(self, table: dict[str, list[list[str]]]) -> None:
        self.table = table
        self.lookups: list[str] = []

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        answers = self.table.get(host)
        if not answers:
            raise OSError(f"no such host: {host}")
        answer = answers[min(self.lookups.count(host), len(answers) - 1)]
        self.lookups.append(host)
        return [{"hostname": host, "host": ip, "port": port,
                 "family": socket.AF_INET6 if ":" in ip else socket.AF_INET,
                 "proto": 0, "flags": socket.AI_NUMERICHOST} for ip in answer]

    async def close(self) -> None:
        return None
