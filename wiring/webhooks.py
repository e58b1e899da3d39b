"""Outgoing webhooks: an outbox consumer plans the deliveries of each change, a job sends
what is due, signed (Standard Webhooks), with retries on the spec's schedule."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from api import shapes
from core.milestones.records import MilestoneRecords
from core.ports import OutboxMessage
from core.webhooks.dispatch import Dispatched, deliver_due
from core.webhooks.outbox import EVENT_TYPES, plan_message
from core.webhooks.overdue import announce_overdue
from integrations.webhooks.sender import AiohttpWebhookSender
from storage.webhooks import TortoiseWebhookDeliveries
from storage.webhooks.sealing import MAKE_ONE, SecretKeyError
from wiring.adapters import AdapterStatus, Attached
from wiring.scheduler import PeriodicJob
from wiring.settings import Settings

if TYPE_CHECKING:
    from wiring.runtime import Runtime

logger = logging.getLogger(__name__)

CONSUMER = "webhooks"
SEND_EVERY = timedelta(seconds=5)
OVERDUE_EVERY = timedelta(minutes=15)


def milestone_payload(records: MilestoneRecords) -> Mapping[str, Any]:
    """The milestone exactly as `GET /api/v1/milestones/{number}` shows it."""
    return shapes.milestones(records)[0].model_dump(mode="json")


class WebhookPlanner:
    """The outbox consumer: each change becomes deliveries to the endpoints that want it."""

    name = CONSUMER
    verbs = frozenset(EVENT_TYPES)

    def __init__(self, runtime: Runtime, store: TortoiseWebhookDeliveries) -> None:
        self._runtime = runtime
        self._store = store

    async def handle(self, messages: Sequence[OutboxMessage]) -> Mapping[int, str | None]:
        done: dict[int, str | None] = {}
        # One statement for the batch: most tenants have no endpoint, and their changes need
        # no unit of work each to find that out.
        wanted = set(await self._store.tenants_with_endpoints()) if messages else set()
        for message in messages:
            if message.tenant_id not in wanted:
                done[message.id] = None
                continue
            planned = await plan_message(message, self._runtime.deps, milestone_payload)
            await self._store.enqueue(planned)
            done[message.id] = None
        return done


class WebhooksAdapter:
    name = "webhooks"

    def status(self, settings: Settings) -> AdapterStatus:
        private = " (private addresses and http allowed)" if settings.webhooks_allow_private \
            else ""
        return AdapterStatus(self.name, True, "signed deliveries to the endpoints admins "
                             f"register{private}")

    def subscriptions(self, settings: Settings) -> Mapping[str, frozenset[str]]:
        return {CONSUMER: WebhookPlanner.verbs}

    async def attach(self, runtime: Runtime, app: web.Application) -> Attached:
        box = runtime.database.secret_box
        store = TortoiseWebhookDeliveries(runtime.deps.uow, box)
        if box is None and await store.any_endpoint():
            raise SecretKeyError(
                "webhook endpoints are registered but CAIRN_SECRET_KEY is not set: their signing "
                "secrets are stored encrypted under it. Set it (the key they were sealed with; "
                f"a new one is made with: {MAKE_ONE}) and start again")
        sender = AiohttpWebhookSender(clock=runtime.deps.clock,
                                      allow_private=runtime.settings.webhooks_allow_private)

        async def send() -> Dispatched:
            sent = await deliver_due(store, sender, runtime.deps.clock)
            if sent.attempted:
                logger.info("webhooks: %d delivered, %d to retry, %d given up, %d disabled",
                            sent.delivered, sent.retried, sent.gave_up, sent.disabled)
            return sent

        async def overdue() -> int:
            return await announce_overdue(await store.tenants_with_endpoints(), runtime.deps)

        return Attached(consumers=[WebhookPlanner(runtime, store)],
                        jobs=[PeriodicJob("webhooks:send", SEND_EVERY, send),
                              PeriodicJob("webhooks:overdue", OVERDUE_EVERY, overdue)],
                        on_stop=[sender.close])
