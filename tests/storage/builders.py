"""Small builders for the repository contract: entities with just what a test cares about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from core.model import Milestone, MilestoneId, Tenant, TenantId, User, UserId
from core.ports import UnitOfWorkFactory

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


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
