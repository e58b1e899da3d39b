"""Tenant versions: shared reads under a burst, and never older than a caller's last commit."""

from __future__ import annotations

import asyncio

from core.model import TenantId
from storage import Database
from tests.storage.builders import add_milestone, workspace


async def test_a_burst_of_reads_shares_queries_and_sees_every_commit(database: Database) -> None:
    uow = database.unit_of_work()
    versions = database.versions()
    reads: list[TenantId] = []
    real = versions._reader

    async def counted(tenant_id: TenantId) -> int:
        reads.append(tenant_id)
        return await real(tenant_id)

    versions._reader = counted
    ws = await workspace(uow, "acme")
    before = await versions.current(ws.id)
    reads.clear()
    seen = await asyncio.gather(*(versions.current(ws.id) for _ in range(50)))
    assert set(seen) == {before}
    assert 1 <= len(reads) <= 2  # one in flight, one waiting for the callers that came after
    for _ in range(3):
        await add_milestone(uow, ws, "another")
        assert await versions.current(ws.id) > before  # a read after the commit sees it
        before = await versions.current(ws.id)


async def test_reads_survive_a_lost_connection(pg_database: Database) -> None:
    versions = pg_database.versions()
    ws = await workspace(pg_database.unit_of_work(), "acme")
    first = await versions.current(ws.id)
    reader = pg_database._version_reader
    assert reader is not None and reader._connection is not None
    await reader._connection.close()  # the server went away and came back
    assert await versions.current(ws.id) == first
