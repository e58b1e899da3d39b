"""Several use cases carried out as one: every unit of work they open is the same one.

A submitted form runs the same use cases a typed command would (create, edit, move, assign,
...), but must land whole or not at all. Inside `one_unit_of_work`, the `deps` handed to those
use cases lend them the one open unit of work: their `async with` neither begins nor ends a
transaction and their `commit()` is deferred, so the caller's single commit makes all of it
durable and any refusal (an exception leaving the block) rolls all of it back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from types import TracebackType
from typing import Self

from core.delegating_unit import DelegatingUnitOfWork
from core.model import TenantId
from core.ports import UnitOfWork
from core.use_case import Deps


class _Lent(DelegatingUnitOfWork):
    """The open unit of work, lent: entering, leaving and committing are the lender's."""

    def __init__(self, inner: UnitOfWork) -> None:
        super().__init__(inner)

    async def commit(self) -> None:
        """Deferred to the one commit of the whole."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        """An exception goes on to the lender's block, which rolls everything back."""


class _Lender:
    def __init__(self, tx: UnitOfWork, tenant_id: TenantId) -> None:
        self._tx = tx
        self._tenant_id = tenant_id

    def __call__(self, tenant_id: TenantId | None = None) -> UnitOfWork:
        if tenant_id != self._tenant_id:
            raise RuntimeError("one unit of work serves one tenant")
        return _Lent(self._tx)


@asynccontextmanager
async def one_unit_of_work(deps: Deps, tenant_id: TenantId
                           ) -> AsyncIterator[tuple[UnitOfWork, Deps]]:
    """The open unit of work, and deps whose use cases all run in it (commit it yourself)."""
    async with deps.uow(tenant_id) as tx:
        yield tx, replace(deps, uow=_Lender(tx, tenant_id), views=None)
