"""Tenants and their users, with the platform identities that point at them."""

from __future__ import annotations

from collections.abc import Collection

from tortoise.exceptions import IntegrityError

from core.model import TenantId, UserId
from core.tenancy import Plan, Tenant, User
from storage.errors import NotInTenant
from storage.mapping import tenant_columns, tenant_from, user_columns, user_from
from storage.models import TenantRow, UserIdentityRow, UserRow
from storage.raw_rows import USER_COLUMNS, moment, user_of
from storage.scoped import Repository


class TortoiseTenants(Repository):
    """Tenants. A unit of work opened for a tenant sees that tenant only; one opened without a
    tenant (installs, sign-ups, workers) sees them all."""

    def _visible(self, tenant_id: int) -> bool:
        scope = self._session.tenant_id
        return scope is None or scope == tenant_id

    def _require_visible(self, tenant_id: int | None) -> None:
        scope = self._session.tenant_id
        if tenant_id is None or not self._visible(tenant_id):
            raise NotInTenant("tenant", tenant_id, scope)

    async def get(self, tenant_id: TenantId) -> Tenant | None:
        if not self._visible(tenant_id):
            return None
        # Raw SQL straight into values: reports and the App Home ask on every open.
        rows = await self.sql(
            "SELECT id, slug, name, plan, timezone, created_at FROM tenants WHERE id = ?",
            [tenant_id])
        if not rows:
            return None
        row = rows[0]
        return Tenant(id=TenantId(row["id"]), slug=row["slug"], name=row["name"],
                      plan=Plan(row["plan"]), timezone=row["timezone"],
                      created_at=moment(row["created_at"]))

    async def by_slug(self, slug: str) -> Tenant | None:
        query = TenantRow.filter(slug=slug).using_db(await self.db())
        if self._session.tenant_id is not None:
            query = query.filter(id=self._session.tenant_id)
        row = await query.first()
        return tenant_from(row) if row else None

    async def add(self, tenant: Tenant) -> Tenant:
        row = await TenantRow.create(using_db=await self.db(), **tenant_columns(tenant))
        return tenant_from(row)

    async def save(self, tenant: Tenant) -> None:
        self._require_visible(tenant.id)
        columns = tenant_columns(tenant)
        del columns["created_at"]
        changed = await TenantRow.filter(id=tenant.id).using_db(await self.db()).update(**columns)
        if not changed:
            raise NotInTenant("tenant", tenant.id, self._session.tenant_id)

    async def next_number(self, tenant_id: TenantId) -> int:
        self._require_visible(tenant_id)
        # One atomic statement: the row lock it takes makes concurrent callers queue, and each
        # sees the value the previous one committed.
        rows = await self.sql(
            "UPDATE tenants SET next_number = next_number + 1 WHERE id = ? "
            "RETURNING next_number", [tenant_id])
        if not rows:
            raise NotInTenant("tenant", tenant_id, self._session.tenant_id)
        return int(rows[0]["next_number"])


class TortoiseUsers(Repository):
    async def _users(self, where: str, params: list[object]) -> list[User]:
        # Raw SQL: a person is read on every command, so no ORM object is built for them.
        rows = await self.sql(f"SELECT {USER_COLUMNS} FROM users WHERE tenant_id = ? AND {where}",
                              [self.tenant_id, *params])
        return [user_of(row) for row in rows]

    async def get(self, user_id: UserId) -> User | None:
        found = await self._users("id = ?", [user_id])
        return found[0] if found else None

    async def get_many(self, user_ids: Collection[UserId]) -> dict[UserId, User]:
        if not user_ids:
            return {}
        ids = list(user_ids)
        found = await self._users(f"id IN ({', '.join('?' for _ in ids)})", list(ids))
        return {UserId(user.id or 0): user for user in found}

    async def by_handle(self, handle: str) -> User | None:
        row = await (await self.scoped(UserRow)).filter(handle=handle.lower()).first()
        return user_from(row) if row else None

    async def by_identity(self, key: str) -> User | None:
        found = await self._users(
            "id IN (SELECT user_id FROM user_identities WHERE tenant_id = ? AND key = ?) "
            "LIMIT 1", [self.tenant_id, key])
        return found[0] if found else None

    async def link_identity(self, user_id: UserId, key: str) -> None:
        if not await (await self.scoped(UserRow)).filter(id=user_id).exists():
            raise NotInTenant("user", user_id, self.tenant_id)
        # Identity keys are unique across tenants; look at every tenant to refuse a key that
        # belongs elsewhere instead of moving it.
        db = await self.db()
        existing = await UserIdentityRow.filter(key=key).using_db(db).first()
        if existing is None:
            await UserIdentityRow.create(using_db=db, tenant_id=self.tenant_id, user_id=user_id,
                                         key=key)
        elif existing.tenant_id != self.tenant_id:
            raise ValueError(f"identity {key} belongs to another workspace")
        elif existing.user_id != user_id:
            await UserIdentityRow.filter(id=existing.id).using_db(db).update(user_id=user_id)

    async def all(self) -> list[User]:
        return [user_from(row) for row in await (await self.scoped(UserRow)).order_by("handle")]

    async def count(self) -> int:
        return await (await self.scoped(UserRow)).count()

    async def add(self, user: User) -> User:
        self.require_tenant(user.tenant_id, "user", user.handle)
        db = await self.db()
        try:
            # A savepoint: a taken handle must not abort the whole unit of work on PostgreSQL.
            async with db._in_transaction() as savepoint:
                row = await UserRow.create(using_db=savepoint, **user_columns(user))
        except IntegrityError as error:
            raise ValueError(f"handle {user.handle} taken") from error
        return user_from(row)

    async def save(self, user: User) -> None:
        self.require_tenant(user.tenant_id, "user", user.id)
        columns = user_columns(user)
        del columns["created_at"]
        changed = await (await self.scoped(UserRow)).filter(id=user.id).update(**columns)
        if not changed:
            raise NotInTenant("user", user.id, self.tenant_id)
