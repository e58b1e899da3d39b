"""Storage refuses a cross-tenant write loudly, so a bug in a caller shows up instead of being
silently ignored (the contract only demands that the other tenant stays untouched)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable

import pytest

from core.events import MilestoneCreated
from core.history import Notification
from core.ports import UnitOfWork
from storage import Database, NotInTenant
from tests.storage.builders import NOW, milestone, seed_tenant, user

Write = Callable[[UnitOfWork], Awaitable[object]]


async def test_writes_into_another_tenant_raise(database: Database) -> None:
    uow = database.unit_of_work()
    a = await seed_tenant(uow, "acme")
    b = await seed_tenant(uow, "globex")
    b_alice, b_root, b_child = b.alice.id, b.root.id, b.child.id
    assert b_alice is not None and b_root is not None and b_child is not None
    async with uow(b.tenant_id) as tx:
        b_tenant = await tx.tenants.get(b.tenant_id)
    assert b_tenant is not None
    refused: list[Write] = [
        lambda tx: tx.tenants.save(b_tenant),
        lambda tx: tx.tenants.next_number(b.tenant_id),
        lambda tx: tx.users.save(b.alice),
        lambda tx: tx.users.save(dataclasses.replace(b.alice, tenant_id=a.tenant_id)),
        lambda tx: tx.users.add(user(b.tenant_id, "intruder")),
        lambda tx: tx.users.link_identity(b_alice, "slack:x:y"),
        lambda tx: tx.milestones.save(b.child),
        lambda tx: tx.milestones.save(dataclasses.replace(b.child, tenant_id=a.tenant_id)),
        lambda tx: tx.milestones.add(milestone(b.tenant_id, b_alice, 7)),
        lambda tx: tx.milestones.delete(b_child),
        lambda tx: tx.notifications.add(Notification(
            tenant_id=b.tenant_id, user_id=b_alice, kind="x", text="x", created_at=NOW)),
        lambda tx: tx.publish(MilestoneCreated(
            tenant_id=b.tenant_id, milestone_id=b_child, actor_id=None, at=NOW, number=1,
            kind="task", title="x")),
    ]
    for write in refused:
        async with uow(a.tenant_id) as tx:
            with pytest.raises(NotInTenant):
                await write(tx)
            # a refusal happens before any statement fails: the transaction is still usable
            assert await tx.users.count() == 2
