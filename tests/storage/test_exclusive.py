"""A named lock shared by every instance on one database: one holder at a time."""

from __future__ import annotations

import asyncio

import asyncpg  # type: ignore[import-untyped]
import pytest

from storage import Database, open_database
from storage.exclusive import exclusive, lock_key


def test_lock_keys_are_stable_and_distinct() -> None:
    assert lock_key("calendar-sync") == lock_key("calendar-sync")
    assert lock_key("calendar-sync") != lock_key("nudges")
    assert -(2**63) <= lock_key("calendar-sync") < 2**63


async def other_instance(url: str) -> asyncpg.Connection:
    """Another Cairn process: a PostgreSQL session of its own."""
    return await asyncpg.connect(url)


@pytest.mark.postgres
async def test_a_second_instance_does_not_get_the_lock_until_it_is_released(
        pg_database: Database, postgres_url: str) -> None:
    other = await other_instance(postgres_url)
    key = lock_key("calendar-sync")
    try:
        async with exclusive(pg_database, "calendar-sync") as first:
            assert first
            assert not await other.fetchval("SELECT pg_try_advisory_lock($1)", key)
            async with exclusive(pg_database, "calendar-sync") as again:
                assert not again  # not even this process, twice
            async with exclusive(pg_database, "something-else") as unrelated:
                assert unrelated
        assert await other.fetchval("SELECT pg_try_advisory_lock($1)", key)
        async with exclusive(pg_database, "calendar-sync") as taken:
            assert not taken
        await other.execute("SELECT pg_advisory_unlock($1)", key)
        async with exclusive(pg_database, "calendar-sync") as back:
            assert back
    finally:
        await other.close()


@pytest.mark.postgres
async def test_a_holder_cancelled_mid_block_leaves_the_lock_free(
        pg_database: Database, postgres_url: str) -> None:
    """The pool no longer resets connections it takes back: a holder cancelled inside its
    block must not leave the lock held. (The session ending when the unlock itself cannot
    finish is not reached from here.)"""
    other = await other_instance(postgres_url)
    key = lock_key("calendar-sync")
    inside = asyncio.Event()

    async def holder() -> None:
        async with exclusive(pg_database, "calendar-sync") as held:
            assert held
            inside.set()
            await asyncio.sleep(60)

    try:
        task = asyncio.create_task(holder())
        await inside.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await other.fetchval("SELECT pg_try_advisory_lock($1)", key)
    finally:
        await other.close()


async def test_sqlite_has_one_instance_and_the_lock_is_always_free() -> None:
    database = await open_database("sqlite://:memory:")
    try:
        async with exclusive(database, "calendar-sync") as held:
            assert held
    finally:
        await database.close()
