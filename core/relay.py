"""Drains the outbox to the consumers outside the database, never losing a message.

A consumer (calendar sync, chat threads, deliveries) receives a batch of claimed messages and
says, per message, whether it is done or should be tried again later. Claims are leases: a worker
that dies mid-batch leaves its rows to come back after the lease, so a crash delays delivery but
never drops it. Consumers must therefore be idempotent.

A shutdown that cancels a drain mid-batch, or a database outage, loses nothing either: the claimed
rows come back after their lease. Neither is a bug, so neither logs a traceback here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from core.errors import StorageUnavailable
from core.ports import Clock, OutboxMessage, UnitOfWorkFactory

logger = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=1)


class OutboxConsumer(Protocol):
    """A side effect outside the database, fed by events (verbs) it subscribes to."""

    name: str
    verbs: frozenset[str]

    async def handle(self, messages: Sequence[OutboxMessage]) -> Mapping[int, str | None]:
        """Delivers a batch; maps each message id to None when done, or to why it failed.

        A message missing from the answer is retried. Raising retries the whole batch.
        """
        ...


@dataclass(frozen=True, slots=True)
class Drained:
    delivered: int = 0
    retried: int = 0

    @property
    def handled(self) -> int:
        return self.delivered + self.retried


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at an hour: an hour-long outage costs a dozen tries."""
    delay: timedelta = FIRST_RETRY * 2 ** max(0, min(attempts - 1, 20))
    return min(delay, LAST_RETRY)


async def drain_once(consumer: OutboxConsumer, uow: UnitOfWorkFactory, clock: Clock, *,
                     batch: int = 100) -> Drained:
    async with uow() as tx:
        messages = await tx.outbox.claim(consumer.name, now=clock.now(), limit=batch)
        await tx.commit()
    if not messages:
        return Drained()
    try:
        results: Mapping[int, str | None] = await consumer.handle(messages)
    except StorageUnavailable as error:  # storage logs the outage once; the batch waits
        logger.debug("outbox consumer %s: %s", consumer.name, error.message)
        results = {m.id: error.message for m in messages}
    except (TimeoutError, OSError) as error:  # the platform slow or unreachable: expected
        logger.warning("outbox consumer %s could not deliver messages %d-%d (%d), retried "
                       "later: %s", consumer.name, messages[0].id, messages[-1].id,
                       len(messages), f"{type(error).__name__}: {error}".rstrip(": "))
        results = {m.id: f"{type(error).__name__}: {error}" for m in messages}
    except Exception as error:  # a consumer bug must not lose the batch
        logger.exception("outbox consumer %s failed on %d messages", consumer.name, len(messages))
        results = {m.id: f"{type(error).__name__}: {error}" for m in messages}
    delivered = [m.id for m in messages if m.id in results and results[m.id] is None]
    failed = [m for m in messages if m.id not in delivered]
    now = clock.now()
    async with uow() as tx:
        await tx.outbox.done(delivered)
        for m in failed:
            why = results.get(m.id) or "no answer from the consumer"
            await tx.outbox.retry(m.id, at=now + backoff(m.attempts), error=why)
        await tx.commit()
    if failed:
        logger.warning("outbox consumer %s: %d delivered, %d to retry", consumer.name,
                       len(delivered), len(failed))
    return Drained(delivered=len(delivered), retried=len(failed))


async def drain(consumer: OutboxConsumer, uow: UnitOfWorkFactory, clock: Clock, *,
                batch: int = 100, max_batches: int = 50) -> Drained:
    """Drains until nothing is due (or `max_batches` ran, to share the worker fairly)."""
    delivered = retried = 0
    for _ in range(max_batches):
        result = await drain_once(consumer, uow, clock, batch=batch)
        delivered, retried = delivered + result.delivered, retried + result.retried
        if result.handled < batch or result.delivered == 0:
            break
    return Drained(delivered=delivered, retried=retried)
