"""Contract: a unit of work keeps what was committed and nothing else."""

from __future__ import annotations

import pytest

from core.events import MilestoneCancelled
from core.model import TenantId
from core.ports import MilestoneFilter, UnitOfWorkFactory
from tests.storage.builders import add_milestone, milestone, tenant, user, workspace
from tests.storage.conftest import Backing


async def test_leaving_without_commit_rolls_back(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        await tx.tenants.add(tenant("acme"))
    async with uow() as tx:
        assert await tx.tenants.by_slug("acme") is None


async def test_an_error_rolls_back_and_propagates(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    with pytest.raises(KeyError):
        async with uow(ws.id) as tx:
            await tx.users.add(user(ws.id, "bob"))
            raise KeyError("boom")
    async with uow(ws.id) as tx:
        assert await tx.users.by_handle("bob") is None


async def test_work_after_a_commit_needs_its_own_commit(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    async with uow(ws.id) as tx:
        await tx.users.add(user(ws.id, "bob"))
        await tx.commit()
        await tx.users.add(user(ws.id, "carol"))
        assert await tx.users.count() == 3
    async with uow(ws.id) as tx:
        assert [u.handle for u in await tx.users.all()] == ["alice", "bob"]
        await tx.users.add(user(ws.id, "dave"))
        await tx.commit()
        await tx.commit()
    async with uow(ws.id) as tx:
        assert await tx.users.count() == 3


async def test_a_rolled_back_milestone_leaves_no_trace(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    await add_milestone(uow, ws, "kept")
    async with uow(ws.id) as tx:
        number = await tx.tenants.next_number(ws.id)
        gone = await tx.milestones.add(milestone(ws.id, ws.owner_id, number, "gone"))
        assert gone.id is not None and await tx.milestones.get(gone.id) is not None
    async with uow(ws.id) as tx:
        assert await tx.milestones.count_active() == 1
        assert await tx.milestones.by_number(gone.number) is None
        assert await tx.tenants.next_number(ws.id) == gone.number


async def test_scoped_repositories_need_a_tenant(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    m = await add_milestone(uow, ws)
    async with uow(ws.id) as tx:
        await tx.publish(MilestoneCancelled(tenant_id=ws.id, milestone_id=m.id, actor_id=None,
                                            at=m.created_at))
        await tx.commit()
    async with uow() as tx:
        with pytest.raises(RuntimeError, match="no tenant"):
            await tx.users.all()
        with pytest.raises(RuntimeError):
            await tx.milestones.count_active()
        with pytest.raises(RuntimeError):
            await tx.activity.recent()



async def test_a_tenants_version_moves_with_each_commit_and_only_then(backing: Backing) -> None:
    a = await workspace(backing.uow, "acme")
    b = await workspace(backing.uow, "globex")
    start_a, start_b = await backing.versions.current(a.id), await backing.versions.current(b.id)
    await add_milestone(backing.uow, a, "committed")
    after = await backing.versions.current(a.id)
    assert after > start_a
    async with backing.uow(a.id) as tx:
        await tx.milestones.find(MilestoneFilter())  # read only, never committed
    async with backing.uow(a.id) as tx:
        await tx.tenants.next_number(a.id)  # written, then rolled back
    assert await backing.versions.current(a.id) == after
    assert await backing.versions.current(b.id) == start_b
    assert await backing.versions.current(TenantId(10_000_000)) == 0
