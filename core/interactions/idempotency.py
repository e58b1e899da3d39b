"""Idempotency keys: one request carried out once, however often it arrives.

A front end puts what identifies the request on its platform in `Command.idempotency_key`:
Slack the event id, a click's stamp (`bots.slack.front.click_key`) or a submitted view's id;
Teams the activity id; the shell and the API's replays need none. `core.services.execute` then
runs the command through `keyed`:

- a key already claimed answers `AlreadyDone` at once, before the use case runs;
- otherwise the use case runs with units of work whose first commit inserts the key
  (`UnitOfWork.idempotency.claim`) in the same transaction as the change. The claim and the
  change commit together or not at all: a process killed between them leaves neither, so the
  retry applies the change; a refused command commits nothing, so nothing is claimed and
  nothing has to be released by hand;
- a claim that finds the key taken (two deliveries racing; on PostgreSQL the second waits for
  the first's transaction) raises `AlreadyDone` inside the unit of work, which rolls back.

Read-only commands never commit and never claim. The row keeps the command's name, which is
what a repeat is answered with (front ends usually say nothing, or "Already done").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from types import TracebackType
from typing import Self, TypeVar

from core.commands import Command
from core.errors import DomainError
from core.events import Event
from core.model import TenantId
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.services.common import Deps

R = TypeVar("R")


class AlreadyDone(DomainError):
    """The request was carried out before; nothing was done this time."""

    def __init__(self, command: str) -> None:
        super().__init__("already done: this very request was carried out before, and it was "
                         "not run again")
        self.command = command


class _Claim:
    def __init__(self, key: str, command: str, clock: Clock) -> None:
        self.key, self.command, self.clock = key, command, clock
        self.done = False


class _ClaimingUnitOfWork:
    """The unit of work itself, except that its first commit claims the key first."""

    def __init__(self, inner: UnitOfWork, claim: _Claim) -> None:
        self._inner = inner
        self._claim = claim
        self.tenants = inner.tenants
        self.users = inner.users
        self.milestones = inner.milestones
        self.updates = inner.updates
        self.comments = inner.comments
        self.activity = inner.activity
        self.notifications = inner.notifications
        self.outbox = inner.outbox
        self.calendar = inner.calendar
        self.nudges = inner.nudges
        self.idempotency = inner.idempotency

    async def publish(self, event: Event) -> None:
        await self._inner.publish(event)

    async def commit(self) -> None:
        claim = self._claim
        if not claim.done:
            if not await self.idempotency.claim(claim.key, command=claim.command,
                                                at=claim.clock.now()):
                raise AlreadyDone(claim.command)  # leaving the block rolls the change back
        await self._inner.commit()
        claim.done = True

    async def __aenter__(self) -> Self:
        await self._inner.__aenter__()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self._inner.__aexit__(exc_type, exc, tb)


class _ClaimingFactory:
    def __init__(self, inner: UnitOfWorkFactory, claim: _Claim) -> None:
        self._inner = inner
        self._claim = claim

    def __call__(self, tenant_id: TenantId | None = None) -> UnitOfWork:
        return _ClaimingUnitOfWork(self._inner(tenant_id), self._claim)


async def keyed(command: Command, deps: Deps, run: Callable[[Deps], Awaitable[R]]) -> R:
    """`run(deps)` carried out at most once for the command's idempotency key (see above)."""
    key = command.idempotency_key
    if not key:
        return await run(deps)
    name = type(command).__name__
    async with deps.uow(command.actor.tenant_id) as tx:
        if await tx.idempotency.claimed(key) is not None:
            raise AlreadyDone(name)
    return await run(replace(deps, uow=_ClaimingFactory(deps.uow, _Claim(key, name, deps.clock))))
