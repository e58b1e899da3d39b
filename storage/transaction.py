"""One database transaction, opened and ended cleanly whatever its connection does meanwhile.

Tortoise's transaction contexts assume the connection outlives the transaction. When the server
kills it (a failover, a restart, `pg_terminate_backend`), a failed BEGIN left the connection
checked out of the pool and the task's connection context pointing at it, and a failed ROLLBACK
raised over the error that caused it. Here every way out gives the connection back (asyncpg
drops a broken one and opens a fresh one on the next acquire), restores the task's connection
context, and on SQLite releases the process's one connection. Failures that mean the database is
not there are raised as `StorageUnavailable` (see `storage.availability`).

SQLite transactions begin IMMEDIATE: the write lock is taken first, waiting out another
process's (up to the busy timeout). A deferred transaction that reads and then writes cannot
wait there (SQLite refuses at once rather than risk a deadlock), so a backup or a second Cairn
process writing for a moment refused every command. In WAL mode readers never need that lock:
other connections keep reading while a Cairn transaction is open.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol, cast

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.sqlite.client import SqliteClient, SqliteTransactionWrapper
from tortoise.connection import get_connections

from core.errors import StorageUnavailable
from storage.availability import Outages, killed, sqlite_busy, unreachable
from storage.config import Dialect
from storage.lazy_begin import LazyTransactionWrapper

logger = logging.getLogger(__name__)

#: How long to wait for the server to settle a transaction whose connection died in COMMIT.
OUTCOME_WAIT_S = 1.0


class Transaction(Protocol):
    async def begin(self) -> BaseDBAsyncClient:
        """Starts the transaction; returns the connection its statements go through."""
        ...

    @property
    def wrote(self) -> bool:
        """Whether the transaction has begun: something was written or locked (on PostgreSQL
        it begins at the first such statement, `storage.lazy_begin`)."""
        ...

    async def commit(self, xid: int | None = None) -> None:
        """Commits. `xid` (PostgreSQL's `txid_current()`) lets a COMMIT whose connection died
        be settled: done if the server committed it, `StorageUnavailable` otherwise."""
        ...

    async def rollback(self) -> None:
        """Rolls back; never raises for a connection that is already gone."""
        ...

    def unavailable(self, error: BaseException) -> StorageUnavailable | None:
        """What a statement's error means, if it means the database is not there."""
        ...


def transaction(client: BaseDBAsyncClient, dialect: Dialect, outages: Outages) -> Transaction:
    if dialect == "sqlite":
        return SqliteTransaction(cast(SqliteClient, client), outages)
    return PostgresTransaction(cast(AsyncpgDBClient, client), outages)


class PostgresTransaction:
    def __init__(self, client: AsyncpgDBClient, outages: Outages) -> None:
        self._client = client
        self._outages = outages
        self._raw: Any = None  # asyncpg's pooled connection
        self._wrapper: LazyTransactionWrapper | None = None
        self._token: Any = None

    async def begin(self) -> BaseDBAsyncClient:
        """Takes a connection; the transaction itself begins at its first write."""
        client = self._client
        tries = 0
        while True:
            tries += 1
            try:
                raw = await self._acquire()
                break
            except Exception as error:  # killed while being opened: take another
                if killed(error) and tries <= self._pool_size():
                    continue
                if killed(error) or unreachable(error):
                    raise self._outages.unavailable(error, retry=killed(error)) from error
                raise
        # A connection the server closed while it sat idle in the pool (a restart or a kill
        # takes them all at once) fails its first statement before anything was done on it:
        # the wrapper takes another then, and leaves the command's one retry for connections
        # that die in use.
        wrapper = LazyTransactionWrapper(client, raw, self._renew, self._pool_size())
        self._raw, self._wrapper = raw, wrapper
        self._token = get_connections().set(client.connection_name, wrapper)
        self._outages.reached()
        return wrapper

    async def _renew(self, dead: Any) -> Any:
        await self._give_back(dead, broken=True)
        self._raw = None
        self._raw = await self._acquire()
        return self._raw

    @property
    def wrote(self) -> bool:
        return self._wrapper is not None and self._wrapper.begun

    async def _acquire(self) -> Any:
        client = self._client
        if client._pool is None:
            async with client._pool_init_lock:
                if client._pool is None:
                    await client.create_connection(with_db=True)
        assert client._pool is not None
        return await client._pool.acquire()

    def _pool_size(self) -> int:
        pool = self._client._pool
        return int(pool.get_max_size()) if pool is not None else 1

    async def commit(self, xid: int | None = None) -> None:
        assert self._wrapper is not None
        if not self._wrapper.begun:  # nothing was written: nothing to commit
            await self._finish(broken=False)
            return
        raw = self._raw
        try:
            await self._wrapper.commit()
        except BaseException as error:
            lost = isinstance(error, Exception) and self._lost(error, raw)
            # A COMMIT refused by the server (a deferred constraint) leaves a healthy
            # connection; a lost or cancelled one is never reused.
            await self._finish(broken=lost or not isinstance(error, Exception))
            if not lost:
                raise
            committed = await self._outcome(xid)
            if committed:
                self._outages.note(error)
                return
            raise self._outages.unavailable(
                error, retry=committed is False, maybe_saved=committed is None) from error
        await self._finish(broken=False)

    async def rollback(self) -> None:
        if self._wrapper is None:
            return
        broken = self._raw is None or _closed(self._raw)
        if not broken and self._wrapper.begun:
            try:
                await self._wrapper.rollback()
            except asyncio.CancelledError:
                await self._finish(broken=True)
                raise
            except Exception as error:
                # The server rolls back a transaction whose connection dies; the error that
                # brought us here is the one worth raising, not this one.
                logger.debug("rollback on a broken connection: %s", error)
                broken = True
        await self._finish(broken=broken)

    def unavailable(self, error: BaseException) -> StorageUnavailable | None:
        if self._wrapper is not None and self._raw is None:  # no other connection to be had
            lost = killed(error)
            return self._outages.unavailable(error, retry=lost) if (
                lost or unreachable(error)) else None
        if self._raw is None or not self._lost(error, self._raw):
            return None
        return self._outages.unavailable(error, retry=True)

    @staticmethod
    def _lost(error: BaseException, raw: Any) -> bool:
        # A killed session surfaces as several errors (the server's 57P01, "connection was
        # closed in the middle of operation", "cannot switch to state ..."): what they share is
        # a connection that is closed afterwards, or one asyncpg has not yet seen close.
        return killed(error) or _closed(raw)

    async def _finish(self, *, broken: bool) -> None:
        raw, token = self._raw, self._token
        self._raw = self._wrapper = self._token = None
        try:
            if token is not None:
                get_connections().reset(token)
        finally:
            await self._give_back(raw, broken=broken)

    async def _give_back(self, raw: Any, *, broken: bool) -> None:
        if raw is None:
            return
        if broken and not _closed(raw):
            raw.terminate()  # never handed out again in an unknown state
        pool = self._client._pool
        if pool is None:  # the database was closed meanwhile
            return
        try:
            await pool.release(raw)
        except Exception as error:  # a failed reset: asyncpg has terminated it already
            logger.debug("dropped a pooled connection: %s", error)

    async def _outcome(self, xid: int | None) -> bool | None:
        """Whether a transaction whose connection died in COMMIT was committed: True, False,
        or None when that cannot be found out (no id, or the server is not answering)."""
        pool = self._client._pool
        if xid is None or pool is None:
            return None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + OUTCOME_WAIT_S
        while True:
            try:
                async with pool.acquire(timeout=OUTCOME_WAIT_S) as connection:
                    status = await connection.fetchval("SELECT txid_status($1)", xid)
            except Exception as error:
                if killed(error) and loop.time() < deadline:
                    continue  # another pooled connection killed with ours
                return None
            if status == "committed":
                return True
            if status == "aborted":
                return False
            if status != "in progress" or loop.time() >= deadline:
                return None
            await asyncio.sleep(0.05)  # the killed session has not finished yet


def _closed(raw: Any) -> bool:
    """Whether a pooled connection is closed. asyncpg detaches a connection that closed from
    its proxy (handing its slot back to the pool), after which the proxy refuses every call."""
    try:
        return bool(raw.is_closed())
    except asyncpg.InterfaceError:
        return True


class SqliteTransaction:
    #: SQLite's transactions begin IMMEDIATE, at once.
    wrote = True

    def __init__(self, client: SqliteClient, outages: Outages) -> None:
        self._client = client
        self._outages = outages
        self._raw: Any = None  # the process's one aiosqlite connection
        self._token: Any = None

    async def begin(self) -> BaseDBAsyncClient:
        client = self._client
        await client._lock.acquire()
        try:
            if client._connection is None:
                await client.create_connection(with_db=True)
            raw = client._connection
            assert raw is not None
            # A transaction left open (a COMMIT that failed, a BEGIN still waiting when its
            # caller was cancelled) is rolled back, never committed; this call queues behind it.
            await raw.rollback()
            await raw.execute("BEGIN IMMEDIATE")
        except BaseException as error:
            client._lock.release()
            if isinstance(error, Exception) and sqlite_busy(error):
                raise self._outages.unavailable(error) from error
            raise
        wrapper = SqliteTransactionWrapper(client)
        self._raw = raw
        self._token = get_connections().set(client.connection_name, wrapper)
        self._outages.reached()
        return wrapper

    async def commit(self, xid: int | None = None) -> None:
        try:
            await self._raw.commit()
        except BaseException as error:
            await self.rollback()
            if isinstance(error, Exception) and sqlite_busy(error):
                raise self._outages.unavailable(error) from error
            raise
        self._finish()

    async def rollback(self) -> None:
        if self._raw is None:
            return
        try:
            await self._raw.rollback()
        except Exception as error:
            logger.debug("SQLite rollback failed: %s", error)
        finally:
            self._finish()

    def unavailable(self, error: BaseException) -> StorageUnavailable | None:
        return self._outages.unavailable(error) if sqlite_busy(error) else None

    def _finish(self) -> None:
        token = self._token
        self._raw = self._token = None
        try:
            if token is not None:
                get_connections().reset(token)
        finally:
            self._client._lock.release()
