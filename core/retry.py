"""Running a command once more when its database connection died before anything was saved.

A connection the server kills (a failover, a restart, `pg_terminate_backend`) fails whatever
was using it, and a fresh connection usually works at once. Re-running the whole command is safe
when nothing of it was committed: use cases do no I/O outside their units of work, the unit of
work that failed says it committed nothing (`StorageUnavailable.retry`), and every unit of work
the command opened before it is watched here for a commit.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from core.delegating_unit import DelegatingUnitOfWork
from core.errors import StorageUnavailable
from core.model import TenantId
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.use_case import Deps
from core.views import View

R = TypeVar("R", bound=View)

logger = logging.getLogger(__name__)


class _Commits:
    """Whether any unit of work of one run of a command may have committed."""

    def __init__(self) -> None:
        self.any = False


class _WatchedUnitOfWork(DelegatingUnitOfWork):
    """The unit of work itself, except that its commits are noted."""

    def __init__(self, inner: UnitOfWork, commits: _Commits) -> None:
        super().__init__(inner)
        self._commits = commits

    async def commit(self) -> None:
        try:
            await self._inner.commit()
        except StorageUnavailable as error:
            # Only storage's word that nothing was committed keeps the command retriable.
            self._commits.any = self._commits.any or not error.retry
            raise
        except BaseException:
            self._commits.any = True
            raise
        self._commits.any = True


class _WatchedFactory:
    def __init__(self, inner: UnitOfWorkFactory, commits: _Commits) -> None:
        self._inner = inner
        self._commits = commits

    def __call__(self, tenant_id: TenantId | None = None) -> UnitOfWork:
        return _WatchedUnitOfWork(self._inner(tenant_id), self._commits)


async def once_more_if_disconnected(run: Callable[[Deps], Awaitable[R]], deps: Deps) -> R:
    """`run(deps)`, and once more when it failed on a lost connection with nothing committed."""
    commits = _Commits()
    try:
        return await run(replace(deps, uow=_WatchedFactory(deps.uow, commits)))
    except StorageUnavailable as error:
        if not error.retry or commits.any:
            raise
        logger.debug("database connection lost before anything was committed; running again")
    return await run(deps)
