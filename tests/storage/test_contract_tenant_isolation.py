"""Contract: a unit of work of tenant A never reads or changes tenant B's rows, whatever id or
number it is handed. Both tenants are built alike, with the same handles and numbers, so a
missing tenant filter shows up as A seeing B's twin."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from core.events import MilestoneCreated
from core.history import Comment, Notification, ProgressUpdate
from core.model import Status, TenantId
from core.ports import MilestoneFilter, UnitOfWork, UnitOfWorkFactory
from tests.storage.builders import NOW, Seeded, at, milestone, seed_tenant, user


async def _everything(uow: UnitOfWorkFactory, s: Seeded) -> dict[str, Any]:
    """All that tenant `s` can read about itself."""
    assert s.alice.id is not None and s.root.id is not None and s.child.id is not None
    async with uow(s.tenant_id) as tx:
        return {
            "tenant": await tx.tenants.get(s.tenant_id),
            "users": await tx.users.all(),
            "identity": await tx.users.by_identity(s.identity),
            "milestones": await tx.milestones.find(MilestoneFilter(open_only=False)),
            "descendants": await tx.milestones.descendant_ids(s.root.id),
            "rollup": await tx.milestones.children_rollup(s.root.id),
            "updates": await tx.updates.recent(s.child.id, 10),
            "comments": await tx.comments.recent(s.child.id, 10),
            "activity": await tx.activity.recent(),
            "inbox": await tx.notifications.for_user(s.alice.id),
            "unread": await tx.notifications.unread_count(s.alice.id),
        }


async def test_a_tenant_reads_nothing_of_another(uow: UnitOfWorkFactory) -> None:
    a = await seed_tenant(uow, "acme")
    b = await seed_tenant(uow, "globex")
    assert b.alice.id is not None and b.bob.id is not None
    assert b.root.id is not None and b.child.id is not None
    mine = await _everything(uow, a)
    async with uow(a.tenant_id) as tx:
        assert await tx.tenants.get(b.tenant_id) is None
        assert await tx.tenants.by_slug(b.slug) is None
        assert await tx.users.get(b.alice.id) is None
        assert await tx.users.get_many({b.alice.id, b.bob.id}) == {}
        assert await tx.users.by_handle("alice") == a.alice
        assert await tx.users.by_identity(b.identity) is None
        assert await tx.users.count() == 2
        assert await tx.milestones.get(b.child.id) is None
        assert await tx.milestones.get(b.child.id, lock=True) is None
        assert await tx.milestones.by_number(b.child.number) == a.child
        assert await tx.milestones.find(MilestoneFilter(ids={b.root.id, b.child.id})) == []
        assert await tx.milestones.find(MilestoneFilter(involving=b.bob.id)) == []
        assert await tx.milestones.find(MilestoneFilter(owner_id=b.alice.id)) == []
        assert await tx.milestones.find(MilestoneFilter(parent_id=b.root.id)) == []
        assert await tx.milestones.count_active() == 2
        assert await tx.milestones.descendant_ids(b.root.id) == []
        assert await tx.milestones.children_rollup(b.root.id) is None
        assert await tx.updates.recent(b.child.id, 10) == []
        assert await tx.updates.history([b.child.id], at(days=-1)) == {}
        assert await tx.comments.recent(b.child.id, 10) == []
        assert await tx.activity.recent(milestone_id=b.child.id) == []
        assert await tx.notifications.for_user(b.alice.id) == []
        assert await tx.notifications.unread_count(b.alice.id) == 0
        claimed = await tx.outbox.claim("calendar", now=NOW, limit=10)
    assert {m.tenant_id for m in claimed} == {a.tenant_id}
    assert [e.data["title"] for e in mine["activity"]] == ["Child"]
    assert [n.text for n in mine["inbox"]] == ["in acme"]


async def _attempt(uow: UnitOfWorkFactory, tenant_id: TenantId,
                   action: Callable[[UnitOfWork], Awaitable[object]]) -> None:
    # Implementations refuse in their own way (the fake asserts, storage raises NotInTenant or
    # ValueError) and a refusal that raises nothing would do too; whatever does not raise is
    # committed. What the contract demands is that the other tenant did not change.
    with contextlib.suppress(AssertionError, LookupError, ValueError):
        async with uow(tenant_id) as tx:
            await action(tx)
            await tx.commit()


async def test_a_tenant_changes_nothing_of_another(uow: UnitOfWorkFactory) -> None:
    a = await seed_tenant(uow, "acme")
    b = await seed_tenant(uow, "globex")
    a_alice, b_child = a.alice.id, b.child.id
    assert a_alice is not None and b.alice.id is not None and b.bob.id is not None
    assert b.root.id is not None and b_child is not None
    before = await _everything(uow, b)
    async with uow(b.tenant_id) as peek:  # learn B's message ids; rolled back, so unclaimed
        b_messages = [m.id for m in await peek.outbox.claim("chat", now=NOW, limit=10)]
    b_tenant = before["tenant"]
    renamed_bob = dataclasses.replace(b.bob, display_name="Mallory")
    stolen_bob = dataclasses.replace(b.bob, tenant_id=a.tenant_id, handle="stolen")
    edited = dataclasses.replace(b.child, title="Edited", members=[])
    stolen = dataclasses.replace(b.child, tenant_id=a.tenant_id, title="Stolen", members=[])
    attempts: list[Callable[[UnitOfWork], Awaitable[object]]] = [
        lambda tx: tx.tenants.save(dataclasses.replace(b_tenant, name="Renamed")),
        lambda tx: tx.tenants.next_number(b.tenant_id),
        lambda tx: tx.users.save(renamed_bob),
        lambda tx: tx.users.save(stolen_bob),
        lambda tx: tx.users.add(user(b.tenant_id, "intruder")),
        lambda tx: tx.users.link_identity(b.bob.id, "slack:acme:U666"),  # type: ignore[arg-type]
        lambda tx: tx.users.link_identity(a.alice.id, b.identity),  # type: ignore[arg-type]
        lambda tx: tx.milestones.save(edited),
        lambda tx: tx.milestones.save(stolen),
        lambda tx: tx.milestones.delete(b.child.id),  # type: ignore[arg-type]
        lambda tx: tx.milestones.add(milestone(b.tenant_id, b.alice.id, 99)),  # type: ignore[arg-type]
        lambda tx: tx.updates.add(ProgressUpdate(
            tenant_id=b.tenant_id, milestone_id=b_child, author_id=a_alice, percent=1,
            status=Status.BLOCKED, created_at=NOW)),
        lambda tx: tx.comments.add(Comment(tenant_id=b.tenant_id, milestone_id=b_child,
                                           author_id=a_alice, body="x", created_at=NOW)),
        lambda tx: tx.notifications.add(Notification(
            tenant_id=b.tenant_id, user_id=b.alice.id, kind="x", text="x",  # type: ignore[arg-type]
            created_at=NOW)),
        lambda tx: tx.notifications.mark_read(b.alice.id, NOW),  # type: ignore[arg-type]
        lambda tx: tx.outbox.done(b_messages),
        lambda tx: tx.outbox.retry(b_messages[0], at=at(days=30), error="x"),
        lambda tx: tx.outbox.claim("chat", now=at(days=1), limit=10),
        lambda tx: tx.publish(MilestoneCreated(
            tenant_id=b.tenant_id, milestone_id=b_child, actor_id=a_alice, at=NOW, number=1,
            kind="task", title="x")),
    ]
    for action in attempts:
        await _attempt(uow, a.tenant_id, action)
    assert await _everything(uow, b) == before
    async with uow(b.tenant_id) as tx:
        messages = await tx.outbox.claim("chat", now=NOW, limit=10)
        assert [(m.id, m.attempts) for m in messages] == [(i, 1) for i in b_messages]
        assert await tx.tenants.next_number(b.tenant_id) == 3
