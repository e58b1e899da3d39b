"""Contract: tenants, short numbers, users and their platform identities."""

from __future__ import annotations

from datetime import time

import pytest

from core.model import UserId
from core.ports import UnitOfWorkFactory
from core.tenancy import Plan, Role
from tests.storage.builders import tenant, user, workspace


async def test_a_tenant_is_found_by_id_and_slug_and_saved(uow: UnitOfWorkFactory) -> None:
    async with uow() as tx:
        added = await tx.tenants.add(tenant("acme"))
        await tx.commit()
    assert added.id is not None
    async with uow() as tx:
        assert await tx.tenants.get(added.id) == added
        assert await tx.tenants.by_slug("acme") == added
        assert await tx.tenants.by_slug("globex") is None
        added.plan, added.name, added.timezone = Plan.PROFESSIONAL, "Acme Inc.", "Europe/Paris"
        await tx.tenants.save(added)
        await tx.commit()
    async with uow(added.id) as tx:
        assert await tx.tenants.get(added.id) == added


async def test_numbers_count_up_per_tenant(uow: UnitOfWorkFactory) -> None:
    a = await workspace(uow, "acme")
    b = await workspace(uow, "globex")
    async with uow(a.id) as tx:
        assert [await tx.tenants.next_number(a.id) for _ in range(3)] == [1, 2, 3]
        await tx.commit()
    async with uow(b.id) as tx:
        assert await tx.tenants.next_number(b.id) == 1
        await tx.commit()
    async with uow(a.id) as tx:
        assert await tx.tenants.next_number(a.id) == 4
        # not committed: the number is handed out again
    async with uow(a.id) as tx:
        assert await tx.tenants.next_number(a.id) == 4


async def test_a_users_details_survive_the_round_trip(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    async with uow(ws.id) as tx:
        bob = await tx.users.add(user(
            ws.id, "bob", email="bob@example.com", timezone="America/New_York",
            role=Role.VIEWER, working_days=(1, 2, 3), work_starts=time(7, 30),
            work_ends=time(16, 45)))
        await tx.commit()
    assert bob.id is not None
    async with uow(ws.id) as tx:
        assert await tx.users.get(bob.id) == bob
        assert await tx.users.by_handle("BOB") == bob
        bob.role, bob.working_days, bob.work_ends = Role.ADMIN, (0, 6), time(23, 59)
        bob.display_name, bob.timezone = "Robert", "Asia/Tokyo"
        await tx.users.save(bob)
        await tx.commit()
    async with uow(ws.id) as tx:
        assert await tx.users.get(bob.id) == bob


async def test_users_are_listed_by_handle_and_counted(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme", handle="mallory")
    async with uow(ws.id) as tx:
        carol = await tx.users.add(user(ws.id, "carol"))
        bob = await tx.users.add(user(ws.id, "bob"))
        await tx.commit()
    assert bob.id is not None and carol.id is not None
    async with uow(ws.id) as tx:
        assert [u.handle for u in await tx.users.all()] == ["bob", "carol", "mallory"]
        assert await tx.users.count() == 3
        found = await tx.users.get_many({bob.id, carol.id, UserId(999_999)})
        assert found == {bob.id: bob, carol.id: carol}
        assert await tx.users.get_many(set()) == {}
        assert await tx.users.get(UserId(999_999)) is None


async def test_a_handle_is_taken_once_per_tenant(uow: UnitOfWorkFactory) -> None:
    a = await workspace(uow, "acme", handle="alice")
    b = await workspace(uow, "globex", handle="alice")
    assert a.owner.handle == b.owner.handle == "alice"
    async with uow(a.id) as tx:
        with pytest.raises(ValueError, match="taken"):
            await tx.users.add(user(a.id, "alice"))
        # the unit of work is still usable after the refusal
        assert await tx.users.count() == 1


async def test_an_identity_leads_to_its_user(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    async with uow(ws.id) as tx:
        bob = await tx.users.add(user(ws.id, "bob"))
        assert bob.id is not None
        await tx.users.link_identity(ws.owner_id, "slack:T1:U1")
        await tx.users.link_identity(bob.id, "teams:aad-2")
        await tx.commit()
    async with uow(ws.id) as tx:
        assert await tx.users.by_identity("slack:T1:U1") == ws.owner
        assert await tx.users.by_identity("teams:aad-2") == bob
        assert await tx.users.by_identity("slack:T1:U404") is None
        # linking again moves the identity within the tenant
        await tx.users.link_identity(bob.id, "slack:T1:U1")
        await tx.commit()
    async with uow(ws.id) as tx:
        assert await tx.users.by_identity("slack:T1:U1") == bob


async def test_an_identity_of_another_tenant_is_not_taken_over(uow: UnitOfWorkFactory) -> None:
    a = await workspace(uow, "acme")
    b = await workspace(uow, "globex")
    async with uow(b.id) as tx:
        await tx.users.link_identity(b.owner_id, "slack:T9:U9")
        await tx.commit()
    async with uow(a.id) as tx:
        with pytest.raises(ValueError, match="another workspace"):
            await tx.users.link_identity(a.owner_id, "slack:T9:U9")
    async with uow(b.id) as tx:
        assert await tx.users.by_identity("slack:T9:U9") == b.owner
