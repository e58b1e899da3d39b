"""Small builders for the repository contract: entities with just what a test cares about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from core.events import MilestoneCreated
from core.history import Comment, Notification, ProgressUpdate
from core.model import Member, MemberRole, Milestone, MilestoneId, Status, TenantId, UserId
from core.ports import UnitOfWorkFactory
from core.tenancy import Tenant, User

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

# Outbox consumers of the contract: two with overlapping interests, so fan-out is visible.
SUBSCRIPTIONS = {
    "calendar": {"created", "due_moved", "completed"},
    "chat": {"created", "progress", "comment"},
}


def at(**delta: float) -> datetime:
    return NOW + timedelta(**delta)


def tenant(slug: str) -> Tenant:
    return Tenant(slug=slug, name=slug.title(), created_at=NOW)


def user(tenant_id: TenantId, handle: str, **fields: Any) -> User:
    return User(tenant_id=tenant_id, handle=handle, display_name=handle.title(),
                created_at=NOW, **fields)


def milestone(tenant_id: TenantId, owner: UserId, number: int, title: str = "",
              **fields: Any) -> Milestone:
    fields.setdefault("created_at", NOW)
    fields.setdefault("updated_at", fields["created_at"])
    return Milestone(tenant_id=tenant_id, number=number, title=title or f"Milestone {number}",
                     owner_id=owner, created_by=owner, **fields)


@dataclass
class Workspace:
    tenant: Tenant
    owner: User

    @property
    def id(self) -> TenantId:
        assert self.tenant.id is not None
        return self.tenant.id

    @property
    def owner_id(self) -> UserId:
        assert self.owner.id is not None
        return self.owner.id


async def workspace(uow: UnitOfWorkFactory, slug: str, handle: str = "alice") -> Workspace:
    """A committed tenant with one user."""
    async with uow() as tx:
        t = await tx.tenants.add(tenant(slug))
        await tx.commit()
    assert t.id is not None
    async with uow(t.id) as tx:
        u = await tx.users.add(user(t.id, handle))
        await tx.commit()
    return Workspace(t, u)


async def add_milestone(uow: UnitOfWorkFactory, ws: Workspace, title: str = "",
                        **fields: Any) -> Milestone:
    """A committed milestone with the tenant's next number."""
    async with uow(ws.id) as tx:
        number = await tx.tenants.next_number(ws.id)
        fields.setdefault("owner", ws.owner_id)
        owner = fields.pop("owner")
        m = await tx.milestones.add(milestone(ws.id, owner, number, title, **fields))
        await tx.commit()
    assert m.id is not None
    return m


def ids(items: list[Milestone]) -> list[MilestoneId | None]:
    return [m.id for m in items]


@dataclass
class Seeded:
    tenant_id: TenantId
    slug: str
    alice: User
    bob: User
    root: Milestone
    child: Milestone
    identity: str


async def seed_tenant(uow: UnitOfWorkFactory, slug: str) -> Seeded:
    """A tenant with a bit of everything: two users, an identity, a parent and a child with a
    member, a check-in, a comment, a notification and a published event."""
    async with uow() as tx:
        t = await tx.tenants.add(tenant(slug))
        await tx.commit()
    assert t.id is not None
    async with uow(t.id) as tx:
        alice = await tx.users.add(user(t.id, "alice"))
        bob = await tx.users.add(user(t.id, "bob"))
        assert alice.id is not None and bob.id is not None
        identity = f"slack:{slug}:U1"
        await tx.users.link_identity(alice.id, identity)
        root = await tx.milestones.add(milestone(
            t.id, alice.id, await tx.tenants.next_number(t.id), "Root", progress=40))
        child = await tx.milestones.add(milestone(
            t.id, alice.id, await tx.tenants.next_number(t.id), "Child", parent_id=root.id,
            progress=40, members=[Member(bob.id, MemberRole.CONTRIBUTOR)]))
        assert child.id is not None
        await tx.updates.add(ProgressUpdate(
            tenant_id=t.id, milestone_id=child.id, author_id=alice.id, percent=40,
            status=Status.ON_TRACK, created_at=NOW))
        await tx.comments.add(Comment(tenant_id=t.id, milestone_id=child.id,
                                      author_id=bob.id, body=f"in {slug}", created_at=NOW))
        await tx.notifications.add(Notification(
            tenant_id=t.id, user_id=alice.id, kind="mention", text=f"in {slug}",
            milestone_id=child.id, created_at=NOW))
        await tx.publish(MilestoneCreated(
            tenant_id=t.id, milestone_id=child.id, actor_id=alice.id, at=NOW,
            number=child.number, kind="milestone", title="Child", parent_id=root.id))
        await tx.commit()
    return Seeded(t.id, slug, alice, bob, root, child, identity)
