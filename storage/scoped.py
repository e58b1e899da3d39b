"""What every repository shares: its unit of work's connection and tenant.

A repository never picks a connection itself: it asks its unit of work, so every statement runs
in that unit of work's transaction even when several are open at once. Tenant-scoped queries
start from `scoped(Model)`, which filters by the tenant before anything else can be added.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.queryset import QuerySet

from core.model import TenantId
from storage.config import Dialect
from storage.errors import NotInTenant, TenantRequired

M = TypeVar("M", bound=Model)

_PLACEHOLDER = re.compile(r"\?")


class Session(Protocol):
    """The part of a unit of work its repositories see."""

    @property
    def tenant_id(self) -> TenantId | None: ...

    @property
    def dialect(self) -> Dialect: ...

    async def connection(self) -> BaseDBAsyncClient:
        """The transaction's connection, opening a new transaction after a commit."""
        ...


class Repository:
    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def tenant_id(self) -> TenantId:
        tenant_id = self._session.tenant_id
        if tenant_id is None:
            raise TenantRequired()
        return tenant_id

    async def db(self) -> BaseDBAsyncClient:
        return await self._session.connection()

    async def scoped(self, model: type[M]) -> QuerySet[M]:
        """The model's rows of this unit of work's tenant, on its transaction."""
        tenant_id = self.tenant_id
        return model.filter(tenant_id=tenant_id).using_db(await self.db())

    def require_tenant(self, tenant_id: int, what: str, key: object) -> None:
        """Refuses to write a row on behalf of another tenant."""
        if tenant_id != self.tenant_id:
            raise NotInTenant(what, key, self.tenant_id)

    async def sql(self, query: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        """Runs raw SQL written with `?` placeholders on either backend."""
        if self._session.dialect == "postgres":
            numbers = itertools.count(1)
            query = _PLACEHOLDER.sub(lambda _: f"${next(numbers)}", query)
        db = await self.db()
        # execute_query_dict fetches rows for every statement; asyncpg's execute_query would
        # drop the rows of an `UPDATE ... RETURNING`.
        return await db.execute_query_dict(query, list(params))
