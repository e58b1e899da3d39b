"""Sends the deliveries that are due: lease, attempt, settle, one delivery at a time.

Each delivery is settled (its decision stored) right after its attempt, so a crash repeats at
most the attempts in flight, with the same `webhook-id` for the receiver to recognise. A lease
outlives the slowest batch (attempts time out in seconds), so another instance never takes a
delivery that is still being attempted. Endpoints are served side by side, each by a few
attempts at a time; when one is disabled mid-batch, the rest of its batch is not attempted
and its leases simply run out while it stays disabled.
"""

from __future__ import annotations

import asyncio
import logging
import urllib.parse
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from core.ports import Clock
from core.webhooks.decisions import (
    ERROR_MAX,
    AttemptOutcome,
    Verdict,
    after_attempt,
    apply_to_endpoint,
)
from core.webhooks.endpoints import WebhookEndpoint
from core.webhooks.ports import LeasedDelivery, WebhookDeliveryStore, WebhookRequest, WebhookSender

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
BATCH = 100
#: Attempts in flight at once, and at once to one endpoint (receivers are often small).
CONCURRENCY = 16
PER_ENDPOINT = 4


@dataclass(frozen=True, slots=True)
class Dispatched:
    delivered: int = 0
    retried: int = 0
    gave_up: int = 0
    disabled: int = 0

    def __add__(self, other: Dispatched) -> Dispatched:
        return Dispatched(self.delivered + other.delivered, self.retried + other.retried,
                          self.gave_up + other.gave_up, self.disabled + other.disabled)

    @property
    def attempted(self) -> int:
        return self.delivered + self.retried + self.gave_up + self.disabled


async def deliver_due(store: WebhookDeliveryStore, sender: WebhookSender, clock: Clock, *,
                      batch: int = BATCH, max_batches: int = 10) -> Dispatched:
    """Attempts what is due, batch after batch, until nothing is (or `max_batches` ran)."""
    total = Dispatched()
    for _ in range(max_batches):
        done, leased = await deliver_batch(store, sender, clock, batch=batch)
        total += done
        if leased < batch:
            break
    return total


async def deliver_batch(store: WebhookDeliveryStore, sender: WebhookSender, clock: Clock, *,
                        batch: int = BATCH) -> tuple[Dispatched, int]:
    """One batch; returns what happened and how many deliveries were leased."""
    now = clock.now()
    leased = await store.lease(now, limit=batch, until=now + LEASE)
    by_endpoint: dict[int, list[LeasedDelivery]] = defaultdict(list)
    for item in leased:
        by_endpoint[item.delivery.endpoint_id].append(item)
    gate = asyncio.Semaphore(CONCURRENCY)
    verdicts = await asyncio.gather(*(
        _serve(items, store, sender, clock, gate) for items in by_endpoint.values()))
    counted = [v for per_endpoint in verdicts for v in per_endpoint]
    return Dispatched(
        delivered=counted.count(Verdict.DELIVERED), retried=counted.count(Verdict.RETRY),
        gave_up=counted.count(Verdict.GAVE_UP), disabled=counted.count(Verdict.DISABLED),
    ), len(leased)


async def _serve(items: Sequence[LeasedDelivery], store: WebhookDeliveryStore,
                 sender: WebhookSender, clock: Clock, gate: asyncio.Semaphore
                 ) -> list[Verdict]:
    """The batch's deliveries to one endpoint."""
    endpoint = items[0].endpoint
    lane = asyncio.Semaphore(PER_ENDPOINT)
    verdicts: list[Verdict] = []

    async def attempt(item: LeasedDelivery) -> None:
        nonlocal endpoint
        async with lane, gate:
            if not endpoint.enabled:
                return
            outcome = await _send(sender, item, endpoint, clock)
            now = clock.now()
            decision = after_attempt(item.delivery, endpoint, outcome, now)
            try:
                await store.settle(decision, now)
            except Exception:  # the lease runs out and the delivery is attempted again
                logger.exception("webhook delivery %s to endpoint %s: could not record the "
                                 "attempt", item.delivery.event_id, item.delivery.endpoint_id)
                return
            endpoint = apply_to_endpoint(endpoint, decision, now)
            verdicts.append(decision.verdict)
            if decision.verdict in (Verdict.GAVE_UP, Verdict.DISABLED):
                logger.warning("webhook endpoint %s (%s): %s %s after %d attempts: %s",
                               endpoint.id, _host(endpoint), decision.verdict,
                               item.delivery.event_id, decision.delivery.attempts,
                               decision.log.error)

    await asyncio.gather(*(attempt(item) for item in items))
    return verdicts


async def _send(sender: WebhookSender, item: LeasedDelivery, endpoint: WebhookEndpoint,
                clock: Clock) -> AttemptOutcome:
    request = WebhookRequest(url=endpoint.url, message_id=item.delivery.message_id,
                             body=item.delivery.body,
                             secrets=endpoint.signing_secrets(clock.now()))
    try:
        return await sender.send(request)
    except Exception as error:  # a sender bug is a failed attempt, never a lost delivery
        logger.exception("webhook sender failed on %s", item.delivery.event_id)
        return AttemptOutcome(status=None, latency_ms=0,
                              error=f"{type(error).__name__}: {error}"[:ERROR_MAX])


def _host(endpoint: WebhookEndpoint) -> str:
    """For logs: the host only (paths and queries of hook URLs often hold a token)."""
    return urllib.parse.urlsplit(endpoint.url).hostname or "?"
