"""The composition root: real adapters for the core's ports, built explicitly, never at import."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from core.relay import OutboxConsumer, drain
from core.services import Deps
from storage import Database, open_database
from wiring.scheduler import PeriodicJob
from wiring.settings import Settings

logger = logging.getLogger(__name__)


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class Runtime:
    """What a running Cairn holds on to: settings, the database and the use cases' deps."""

    settings: Settings
    database: Database
    deps: Deps
    consumers: Sequence[OutboxConsumer] = field(default_factory=list)

    def periodic_jobs(self) -> list[PeriodicJob]:
        """What `serve` runs on its ticks: one outbox relay per consumer."""
        jobs = []
        for consumer in self.consumers:
            async def relay(consumer: OutboxConsumer = consumer) -> object:
                return await drain(consumer, self.deps.uow, self.deps.clock)

            jobs.append(PeriodicJob(f"outbox:{consumer.name}", timedelta(seconds=5), relay))
        return jobs

    async def close(self) -> None:
        await self.database.close()


async def start_runtime(
    settings: Settings,
    *,
    migrate: bool = True,
    progress: Callable[[str, str, str], object] | None = None,
    consumers: Sequence[OutboxConsumer] = (),
) -> Runtime:
    """Opens the database (applying migrations unless told not to) and wires the core.

    Every consumer gets an outbox row, in the same transaction, for each event it subscribes to.
    """
    database = await open_database(settings.database_url, migrate=migrate, progress=progress)
    subscriptions = {c.name: c.verbs for c in consumers}
    deps = Deps(uow=database.unit_of_work(subscriptions), clock=SystemClock())
    logger.info("database ready: %s", settings.safe_database_url())
    return Runtime(settings=settings, database=database, deps=deps, consumers=list(consumers))
