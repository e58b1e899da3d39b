"""PostgreSQL: a unit of work begins its transaction at its first write (`storage.lazy_begin`),
and from there on it is one transaction as before."""

from __future__ import annotations

import asyncio

import pytest

from core.model import TenantId
from storage import Database
from storage.lazy_begin import plain_read
from storage.mapping import user_columns
from storage.models import UserRow
from tests.storage.builders import add_milestone, user, workspace


def in_transaction(connection: object) -> bool:
    return bool(connection.raw.is_in_transaction())  # type: ignore[attr-defined]


@pytest.mark.parametrize("query", [
    "SELECT id FROM milestones WHERE tenant_id = $1",
    "  with recursive up(id) AS (SELECT 1) SELECT * FROM up",
    "SELECT id, last_update_at, updated_at FROM milestones",
])
def test_reads_need_no_transaction(query: str) -> None:
    assert plain_read(query)


@pytest.mark.parametrize("query", [
    "INSERT INTO users (handle) VALUES ($1)",
    "UPDATE milestones SET progress = 1",
    "SELECT id FROM milestones WHERE id = $1 FOR UPDATE",
    "SELECT id FROM milestones WHERE id = $1 FOR KEY SHARE",
    "WITH gone AS (DELETE FROM outbox RETURNING id) SELECT count(*) FROM gone",
    "SELECT pg_advisory_xact_lock($1)",
    "SELECT txid_current()",
    "SET LOCAL plan_cache_mode = force_custom_plan",
    "VACUUM",
])
def test_anything_else_begins_one(query: str) -> None:
    assert not plain_read(query)


async def test_a_read_only_unit_of_work_sends_no_begin_and_moves_no_version(
        pg_database: Database) -> None:
    uow = pg_database.unit_of_work()
    ws = await workspace(uow, "acme")
    versions = pg_database.versions()
    before = await versions.current(ws.id)
    async with uow(ws.id) as tx:
        assert await tx.users.count() == 1
        assert not in_transaction(await tx.connection())
        await tx.commit()
    assert await versions.current(ws.id) == before


async def test_a_write_after_reads_is_rolled_back_with_the_rest(pg_database: Database) -> None:
    uow = pg_database.unit_of_work()
    ws = await workspace(uow, "acme")
    async with uow(ws.id) as tx:
        assert await tx.users.by_handle("alice") is not None  # read, outside a transaction
        await tx.users.add(user(ws.id, "bob"))
        assert in_transaction(await tx.connection())
        await tx.notifications.unread_count(ws.owner_id)  # read, inside it now
    async with uow(ws.id) as tx:
        assert await tx.users.by_handle("bob") is None


async def test_a_savepoint_first_is_inside_the_transaction(pg_database: Database) -> None:
    uow = pg_database.unit_of_work()
    ws = await workspace(uow, "acme")
    async with uow(ws.id) as tx:
        db = await tx.connection()
        # The unit of work's first statement, in a savepoint: left without a commit, none of
        # it may stay (a savepoint asked for outside a transaction would be one of its own).
        async with db._in_transaction() as savepoint:  # type: ignore[attr-defined]
            await UserRow.create(using_db=savepoint, **user_columns(user(ws.id, "bob")))
        assert in_transaction(db)
    async with uow(ws.id) as tx:
        assert await tx.users.by_handle("bob") is None


async def test_a_row_lock_is_held_until_the_end(pg_database: Database) -> None:
    uow = pg_database.unit_of_work()
    ws = await workspace(uow, "acme")
    m = await add_milestone(uow, ws, "locked")
    async with uow(ws.id) as first:
        await first.milestones.by_number(m.number, lock=True)

        async def second() -> None:
            async with uow(TenantId(ws.id)) as tx:
                await tx.milestones.by_number(m.number, lock=True)

        with pytest.raises(TimeoutError):
            await asyncio.wait_for(second(), 0.3)
