"""The composition root: real adapters for the core's ports, built explicitly, never at import."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from core.bus import Deps
from core.linking.epoch import LinkEpoch
from core.nudges.notifier import Notifier
from core.view_cache import ViewCache
from storage import Database, open_database
from storage.webhooks.sealing import SecretBox
from wiring.calendar import calendar_setup
from wiring.metrics import Metrics
from wiring.registry import audiences_for, subscriptions_for
from wiring.reports import report_tools
from wiring.settings import Settings
from wiring.startup import stop_each

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
    subscriptions: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: Every platform's notifier, filled in by `serve` once the adapters are attached.
    notifiers: list[Notifier] = field(default_factory=list)
    closing: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    #: The process's metrics, handed to whatever counts something (never reached globally).
    metrics: Metrics = field(default_factory=Metrics)

    async def close(self) -> None:
        """Closes everything it holds, the database last, even when one of them fails."""
        await stop_each([*((f"the runtime ({close.__qualname__})", close)
                           for close in self.closing),
                         ("the database", self.database.close)])


async def start_runtime(
    settings: Settings,
    *,
    migrate: bool = True,
    progress: Callable[[str, str, str], object] | None = None,
) -> Runtime:
    """Opens the database (applying migrations unless told not to) and wires the core.

    The outbox subscriptions of every enabled adapter are wired in whatever the command (serve,
    shell, demo), so a change made in the shell still reaches the calendar and the threads.
    """
    database = await open_database(settings.database_url, migrate=migrate, progress=progress)
    key = settings.cairn_secret_key.get_secret_value() if settings.cairn_secret_key else ""
    try:
        database.secret_box = SecretBox(key) if key.strip() else None
        subscriptions = subscriptions_for(settings)
        clock = SystemClock()
        reports, renderer = report_tools(settings, database)
        audiences = audiences_for(settings)
        deps = Deps(uow=database.unit_of_work(subscriptions, audiences), clock=clock,
                    calendar=calendar_setup(settings),
                    views=ViewCache(database.versions(), clock), reports=reports,
                    allow_private_webhooks=settings.webhooks_allow_private,
                    links=LinkEpoch(database.link_epoch))
    except BaseException:
        await database.close()  # SQLite's connection thread would keep the process alive
        raise
    logger.info("database ready: %s", settings.safe_database_url())
    return Runtime(settings=settings, database=database, deps=deps, subscriptions=subscriptions,
                   closing=[renderer.close])
