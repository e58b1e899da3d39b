"""Tenant versions for read caches: bumped in every committing unit of work, read here.

Reads are shared: a caller joins a read that has not started yet, because a read that starts
after the caller arrived is as fresh as one of its own. A burst of requests for one tenant then
costs one query in flight and one waiting, not one each.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import asyncpg
from tortoise.backends.base.client import BaseDBAsyncClient

from core.model import TenantId
from storage.availability import Outages, unreachable
from storage.config import POSTGRES_CONNECT_TIMEOUT_S, Dialect

logger = logging.getLogger(__name__)

# Every commit of a tenant's unit of work moves its version on (see TenantVersionRow).
BUMP_VERSION: dict[Dialect, str] = {
    dialect: f"INSERT INTO tenant_versions (tenant_id, version) VALUES ({mark}, 1) "
             "ON CONFLICT (tenant_id) DO UPDATE SET version = tenant_versions.version + 1"
    for dialect, mark in (("sqlite", "?"), ("postgres", "$1"))
}


#: The `tenant_versions` row that is no tenant's: the shared link epoch
#: (`core.linking.epoch`), moved on by every link and unlink in their transaction.
LINK_EPOCH_ROW = TenantId(0)


SELECT_VERSION = "SELECT version FROM tenant_versions WHERE tenant_id = {mark}"


class PostgresVersionReader:
    """A connection of its own for version reads: no pool checkout and no connection reset
    after each one (asyncpg resets a pooled connection on release), which matters on a read
    made for every request. Reconnects after a failure; reads queue on it one at a time."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._connection: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()
        self._query = SELECT_VERSION.format(mark="$1")

    async def __call__(self, tenant_id: TenantId) -> int:
        async with self._lock:
            if self._connection is None or self._connection.is_closed():
                self._connection = await asyncpg.connect(
                    self._url, timeout=POSTGRES_CONNECT_TIMEOUT_S,
                    server_settings={"application_name": "cairn-versions"})
            try:
                version = await self._connection.fetchval(self._query, tenant_id)
            except Exception:
                # A killed session surfaces as several errors (even "cannot switch to state");
                # whichever it was, this connection is not trusted again: the next read
                # connects anew.
                connection, self._connection = self._connection, None
                connection.terminate()
                raise
        return int(version) if version is not None else 0

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            await connection.close()


class TortoiseTenantVersions:
    """Reads a tenant's version outside any transaction: one indexed row, no BEGIN/COMMIT.

    A read that fails because the database is not there raises `StorageUnavailable` (retriable:
    a read commits nothing, and the reader reconnects)."""

    def __init__(self, client: BaseDBAsyncClient, dialect: Dialect, outages: Outages,
                 reader: Callable[[TenantId], Awaitable[int]] | None = None) -> None:
        self._client = client
        self._outages = outages
        self._reader = reader or self._read_with_client
        self._query = SELECT_VERSION.format(mark="$1" if dialect == "postgres" else "?")
        self._waiting: dict[TenantId, asyncio.Future[int]] = {}
        self._running: set[TenantId] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def current(self, tenant_id: TenantId) -> int:
        waiting = self._waiting.get(tenant_id)
        if waiting is None:
            waiting = asyncio.get_running_loop().create_future()
            self._waiting[tenant_id] = waiting
            if tenant_id not in self._running:
                self._start(tenant_id)
        return await asyncio.shield(waiting)

    def _start(self, tenant_id: TenantId) -> None:
        future = self._waiting.pop(tenant_id)
        self._running.add(tenant_id)
        task = asyncio.get_running_loop().create_task(self._read(tenant_id, future))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _read(self, tenant_id: TenantId, future: asyncio.Future[int]) -> None:
        try:
            future.set_result(await self._reader(tenant_id))
        except Exception as error:
            if unreachable(error):
                # A read commits nothing: run again at once unless the server refused the
                # connection or did not answer it (then it would only fail twice as slowly).
                unavailable = self._outages.unavailable(
                    error, retry=not isinstance(error, (OSError, TimeoutError)))
                unavailable.__cause__ = error
                future.set_exception(unavailable)
            else:
                future.set_exception(error)
        finally:
            self._running.discard(tenant_id)
            if tenant_id in self._waiting:
                self._start(tenant_id)

    async def _read_with_client(self, tenant_id: TenantId) -> int:
        rows = await self._client.execute_query_dict(self._query, [tenant_id])
        return int(rows[0]["version"]) if rows else 0
