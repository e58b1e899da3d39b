"""One worker at a time across every instance sharing the database.

Background work whose steps must not interleave between instances (the calendar sync writes to
Google, then records what it wrote) takes a named lock first. On PostgreSQL it is an advisory
lock held on one pooled connection for the duration; whoever does not get it skips this round
(the work is still there next time). SQLite serves a single instance: the lock is always free.
A database that is not there raises `StorageUnavailable`, as a unit of work would.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from storage.availability import unreachable
from storage.database import Database


def lock_key(name: str) -> int:
    """A stable signed 64-bit key per name (pg_advisory_lock takes a bigint)."""
    digest = hashlib.sha256(f"cairn:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@asynccontextmanager
async def exclusive(database: Database, name: str) -> AsyncIterator[bool]:
    """Yields True when this instance holds the lock until the block ends, False when
    another one holds it now."""
    if database.dialect != "postgres":
        yield True
        return
    client = database._client  # storage reaching into its own object
    key = lock_key(name)
    in_block = False
    try:
        async with client.acquire_connection() as connection:
            try:
                held = bool(await connection.fetchval("SELECT pg_try_advisory_lock($1)", key))
                try:
                    in_block = True
                    yield held
                finally:
                    in_block = False
                    if held:
                        await connection.execute("SELECT pg_advisory_unlock($1)", key)
            except BaseException:
                # Perhaps still locked (cancelled while locking or unlocking): the pool does
                # not reset connections, and a session that ends takes its locks with it.
                connection.terminate()
                raise
    except Exception as error:
        # The lock's own connection failing means the database is not there (a session that
        # dies takes its advisory locks with it); the block's errors are the block's.
        if in_block or not unreachable(error):
            raise
        raise database.outages.unavailable(error) from error
