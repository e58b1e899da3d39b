"""`WebhookEndpointRepository` on tortoise: one tenant's endpoints and their delivery log."""

from __future__ import annotations

from core.webhooks.decisions import DeliveryLogEntry
from core.webhooks.endpoints import EndpointId, WebhookEndpoint
from storage.mapping import utc
from storage.scoped import Repository, Session
from storage.webhooks.mapping import endpoint_from, log_from, secrets_json
from storage.webhooks.models import WebhookEndpointRow, WebhookLogRow
from storage.webhooks.sealing import SecretBox


class TortoiseWebhookEndpoints(Repository):
    def __init__(self, session: Session, box: SecretBox | None) -> None:
        super().__init__(session)
        self._box = box

    async def add(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        self.require_tenant(endpoint.tenant_id, "webhook endpoint", endpoint.url)
        row = await WebhookEndpointRow.create(
            using_db=await self.db(), tenant_id=endpoint.tenant_id, url=endpoint.url,
            events=sorted(e.value for e in endpoint.events),
            secrets=secrets_json(endpoint, self._box),
            description=endpoint.description, created_at=utc(endpoint.created_at),
            created_by_id=endpoint.created_by)
        return endpoint_from(row, self._box)

    async def get(self, endpoint_id: EndpointId) -> WebhookEndpoint | None:
        row = await (await self.scoped(WebhookEndpointRow)).filter(id=endpoint_id).first()
        return None if row is None else endpoint_from(row, self._box)

    async def all(self) -> list[WebhookEndpoint]:
        rows = await (await self.scoped(WebhookEndpointRow)).order_by("id")
        return [endpoint_from(row, self._box) for row in rows]

    async def count(self) -> int:
        return await (await self.scoped(WebhookEndpointRow)).count()

    async def save(self, endpoint: WebhookEndpoint) -> None:
        assert endpoint.id is not None
        await (await self.scoped(WebhookEndpointRow)).filter(id=endpoint.id).update(
            url=endpoint.url, events=sorted(e.value for e in endpoint.events),
            secrets=secrets_json(endpoint, self._box), description=endpoint.description,
            disabled_at=utc(endpoint.disabled_at), disabled_reason=endpoint.disabled_reason,
            consecutive_failures=endpoint.consecutive_failures,
            failing_since=utc(endpoint.failing_since))

    async def remove(self, endpoint_id: EndpointId) -> bool:
        # Deliveries and the log go with it (ON DELETE CASCADE).
        gone = await (await self.scoped(WebhookEndpointRow)).filter(id=endpoint_id).delete()
        return gone > 0

    async def log(self, endpoint_id: EndpointId, *, limit: int = 20) -> list[DeliveryLogEntry]:
        rows = await (await self.scoped(WebhookLogRow)).filter(
            endpoint_id=endpoint_id).order_by("-id").limit(limit)
        return [log_from(row) for row in rows]
