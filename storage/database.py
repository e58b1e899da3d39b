"""Opening the database: the one object the composition root holds for storage."""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Mapping
from types import MappingProxyType, TracebackType
from typing import Self

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.context import TortoiseContext
from tortoise.exceptions import ConfigurationError

from storage.availability import Outages, PoolRetriesInOutages, killed, unreachable
from storage.config import (
    Dialect,
    connection_name,
    dialect_of,
    normalise_url,
    redact,
    tortoise_config,
)
from storage.errors import StorageError
from storage.migrate import Progress, apply_migrations
from storage.unit_of_work import TortoiseUnitOfWorkFactory
from storage.versions import LINK_EPOCH_ROW, PostgresVersionReader, TortoiseTenantVersions
from storage.webhooks.sealing import SecretBox

logger = logging.getLogger(__name__)

NO_SUBSCRIPTIONS: Mapping[str, Collection[str]] = MappingProxyType({})


class Database:
    """An open database: units of work, migrations, readiness. Close it on shutdown."""

    def __init__(self, url: str, context: TortoiseContext, client: BaseDBAsyncClient) -> None:
        self.url = url
        self.dialect: Dialect = dialect_of(url)
        self._context = context
        self._client = client
        self._closed = False
        #: This process's view of the database's availability: one log line per outage.
        self.outages = Outages(redact(url))
        self._pool_retries = PoolRetriesInOutages(self.outages)
        #: Seals webhook signing secrets (`CAIRN_SECRET_KEY`); set it before `unit_of_work()`.
        self.secret_box: SecretBox | None = None
        logging.getLogger("asyncpg.pool").addFilter(self._pool_retries)
        self._versions: TortoiseTenantVersions | None = None
        self._version_reader: PostgresVersionReader | None = None
        #: How old a read of the shared link epoch may be (`link_epoch`): another instance's
        #: link reaches this one's caches within that time.
        self.link_epoch_max_age_s = 1.0
        self._link_epoch, self._link_epoch_read_at = 0, float("-inf")

    def unit_of_work(
        self, subscriptions: Mapping[str, Collection[str]] = NO_SUBSCRIPTIONS,
        audiences: Collection[str] = (),
    ) -> TortoiseUnitOfWorkFactory:
        """A factory of units of work; each published event goes to the outbox of every
        consumer whose verbs include the event's verb, with who the change concerns
        (`core.interactions.concerned`) for the consumers named in `audiences`."""
        return TortoiseUnitOfWorkFactory(self._client, self.dialect, subscriptions,
                                         lambda: not self._closed, self.outages, audiences,
                                         self.secret_box)

    def versions(self) -> TortoiseTenantVersions:
        """Each tenant's version, for caches of what people read (`core.view_cache`)."""
        if self._versions is None:
            reader = None
            if self.dialect == "postgres":
                self._version_reader = PostgresVersionReader(self.url)
                reader = self._version_reader
            self._versions = TortoiseTenantVersions(self._client, self.dialect, self.outages,
                                                    reader)
        return self._versions

    async def link_epoch(self) -> int:
        """The shared link epoch (`core.linking.epoch.LinkEpoch`'s `shared` reader), read at
        most every `link_epoch_max_age_s` seconds: it is asked on every request."""
        now = time.monotonic()
        if now - self._link_epoch_read_at >= self.link_epoch_max_age_s:
            self._link_epoch_read_at = now  # concurrent requests use the value in hand
            self._link_epoch = await self.versions().current(LINK_EPOCH_ROW)
        return self._link_epoch

    async def migrate(self, progress: Progress | None = None) -> list[str]:
        """Applies pending migrations; returns the names applied, empty when up to date."""
        if self._closed:
            raise StorageError("the database is closed")
        return await apply_migrations(self._client, self.url, self.dialect, progress)

    async def ping(self) -> bool:
        """Whether the database answers a trivial query (for /readyz). A failure counts
        towards the current outage (logged once, see `storage.availability`), not a
        traceback per probe."""
        if self._closed:
            return False
        for attempt in (1, 2):
            try:
                await self._client.execute_query("SELECT 1")
                break
            except Exception as error:
                if attempt == 1 and killed(error):
                    continue  # a pooled connection the server closed while it sat idle
                if not unreachable(error):
                    logger.warning("database %s does not answer", redact(self.url),
                                   exc_info=True)
                self.outages.note(error)
                return False
        self.outages.reached()
        return True

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            logging.getLogger("asyncpg.pool").removeFilter(self._pool_retries)
            if self._version_reader is not None:
                await self._version_reader.close()
            await self._context.close_connections()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


async def open_database(
    url: str, *, migrate: bool = True, progress: Progress | None = None
) -> Database:
    """Connects (failing fast with a `StorageError` when the database cannot be reached) and,
    unless told otherwise, applies pending migrations."""
    url = normalise_url(url)
    config = tortoise_config(url)
    context = TortoiseContext()
    try:
        # A fresh context, entered only while tortoise initialises it: the caller's task keeps
        # whatever context it had, and everything else finds this one through the global
        # fallback (request handlers, scheduler jobs and bolt's background tasks alike).
        with context:
            await Tortoise.init(config=config, _enable_global_fallback=True)
    except ConfigurationError as error:
        await context.close_connections()
        if "already enabled" in str(error):
            raise StorageError(
                "another database is already open in this process; close it first") from error
        raise StorageError(f"cannot configure {redact(url)}: {error}") from error
    database = Database(url, context, context.connections.get(connection_name(url)))
    try:
        await _check_reachable(database._client, url)
        if migrate:
            await database.migrate(progress)
    except BaseException:
        await database.close()
        raise
    return database


async def _check_reachable(client: BaseDBAsyncClient, url: str) -> None:
    try:
        await client.execute_query("SELECT 1")
    except Exception as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else (
            type(error).__name__)
        raise StorageError(f"cannot reach the database at {redact(url)}: {reason}") from error
