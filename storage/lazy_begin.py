"""A PostgreSQL unit of work begins its transaction at its first write, not when it opens.

Most units of work only read (a list, a card, the App Home). Under PostgreSQL's READ COMMITTED,
the default Cairn keeps, every statement of a transaction takes its own snapshot anyway, so a
read run outside one sees exactly what it would have seen inside: the BEGIN and the ROLLBACK
around a read-only unit of work are two round trips that change nothing. Here the connection
sends BEGIN just before the first statement that is not a plain read (a write, a row lock, an
advisory lock, `SET LOCAL`, a savepoint), and a unit of work that never wrote ends without a
round trip at all. Everything from the first write on is one transaction, as before: a rollback
still leaves nothing half-written, and a commit still bumps the tenant's version once.

The first statement on a connection taken from the pool also tells whether the server closed it
while it sat idle (a restart, a kill): nothing was done on it yet, so another connection is
taken and the statement runs there, as the eager BEGIN did before.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import NestedTransactionContext, TransactionalDBClient

from storage.availability import killed

T = TypeVar("T")

# Anything that could change something or lock it. A false alarm (a column named `lock`)
# only costs a BEGIN; a plain read must start with SELECT or WITH and name none of these.
_NOT_A_READ = re.compile(
    r"\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|LOCK|CALL|DO|COPY|SET|NOTIFY|LISTEN"
    r"|nextval|setval|txid_current|pg_advisory\w*|pg_try_advisory\w*|SHARE)\b",
    re.IGNORECASE)
_READ_START = re.compile(r"\s*\(?\s*(SELECT|WITH)\b", re.IGNORECASE)


def plain_read(query: str) -> bool:
    """Whether `query` only reads and takes no lock: it may run outside a transaction."""
    return bool(_READ_START.match(query)) and not _NOT_A_READ.search(query)


Renew = Callable[[Any], Awaitable[Any]]


class LazyTransactionWrapper(TransactionWrapper):
    """Tortoise's transactional client on one pooled asyncpg connection, whose transaction
    starts at the first statement that needs one. `renew` gives back a connection the server
    closed and returns another (at most `tries` times, before anything ran)."""

    def __init__(self, client: AsyncpgDBClient, raw: Any, renew: Renew, tries: int) -> None:
        super().__init__(client)
        self._connection = raw
        self._renew = renew
        self._tries = tries
        self._probed = False  # a statement ran on this connection: it was alive
        self.begun = False

    @property
    def raw(self) -> Any:
        return self._connection

    async def _first(self, call: Callable[[], Awaitable[T]]) -> T:
        while True:
            try:
                result = await call()
            except Exception as error:
                if self._probed or self._tries <= 0 or not _lost(error, self._connection):
                    raise
                self._tries -= 1
                self._connection = await self._renew(self._connection)
                continue
            self._probed = True
            return result

    async def _start(self) -> None:
        self.transaction = self._connection.transaction()
        await self.transaction.start()
        self.begun = True

    async def ensure_begun(self) -> None:
        if not self.begun:
            await self._first(self._start)

    async def _ready(self, query: str) -> None:
        if not self.begun and not plain_read(query):
            await self.ensure_begun()

    async def begin(self) -> None:
        await self.ensure_begun()

    async def execute_insert(self, query: str, values: list[Any]) -> Any:
        await self._ready(query)
        return await self._first(lambda: super(LazyTransactionWrapper, self).execute_insert(
            query, values))

    async def execute_many(self, query: str, values: list[Any]) -> None:
        await self._ready(query)
        await self._first(lambda: super(LazyTransactionWrapper, self).execute_many(
            query, values))

    async def execute_query(self, query: str, values: list[Any] | None = None) -> Any:
        await self._ready(query)
        return await self._first(lambda: super(LazyTransactionWrapper, self).execute_query(
            query, values))

    async def execute_query_dict(self, query: str, values: list[Any] | None = None
                                 ) -> list[dict[str, Any]]:
        await self._ready(query)
        return await self._first(
            lambda: super(LazyTransactionWrapper, self).execute_query_dict(query, values))

    async def execute_script(self, query: str) -> None:
        await self.ensure_begun()
        await self._first(lambda: super(LazyTransactionWrapper, self).execute_script(query))

    def _in_transaction(self) -> Any:
        return _SavepointAfterBegin(self)


class _SavepointAfterBegin:
    """A savepoint inside the unit of work's transaction, which begins first if it has not: a
    savepoint asked for outside one would be a transaction of its own, committed on its own."""

    def __init__(self, outer: LazyTransactionWrapper) -> None:
        self._outer = outer
        self._inner: NestedTransactionContext | None = None

    async def __aenter__(self) -> TransactionalDBClient:
        await self._outer.ensure_begun()
        self._inner = NestedTransactionContext(TransactionWrapper(self._outer))
        return await self._inner.__aenter__()

    async def __aexit__(self, *exc: Any) -> None:
        assert self._inner is not None
        await self._inner.__aexit__(*exc)


def _lost(error: BaseException, raw: Any) -> bool:
    if killed(error):
        return True
    try:
        return bool(raw.is_closed())
    except asyncpg.InterfaceError:
        return True
