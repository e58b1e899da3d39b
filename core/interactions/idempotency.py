"""Idempotency keys: one request carried out once, however often it arrives.

A front end puts what identifies the request on its platform in `AnyCommand.idempotency_key`:
Slack the event id, a click's stamp (`bots.slack.front.click_key`) or a submitted view's id;
Teams the activity id; the shell and the API's replays need none. `core.bus.execute` then
runs the command through `keyed`: every unit of work the command opens, until one has
committed, first inserts the key (`UnitOfWork.idempotency.claim`) in its own transaction.

- The claim and the change commit together or not at all: a process killed between them leaves
  neither, so the retry applies the change once; a refused command commits nothing, so nothing
  stays claimed and nothing has to be released by hand; a read never commits, so it never
  claims.
- A key claimed already answers `AlreadyDone` before the use case reads anything. Two
  deliveries racing (a double click) insert the same key: on PostgreSQL the second insert waits
  for the first transaction and then finds the key (or, if that one rolled back, claims it);
  SQLite runs one writing transaction at a time anyway.

Use cases never nest units of work (SQLite refuses it), so a second unit of work of the same
command never waits for the first one's claim.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Self, TypeVar

from core.commands import AnyCommand
from core.delegating_unit import DelegatingUnitOfWork
from core.errors import DomainError
from core.model import TenantId
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:  # core.bus runs every command through this module
    from core.use_case import Deps

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


class _ClaimingUnitOfWork(DelegatingUnitOfWork):
    """The unit of work itself, except that it claims the key as it opens, until one commits."""

    def __init__(self, inner: UnitOfWork, claim: _Claim, *, claims: bool) -> None:
        super().__init__(inner)
        self._claim = claim
        self._claims = claims

    async def commit(self) -> None:
        await self._inner.commit()
        self._claim.done = True

    async def __aenter__(self) -> Self:
        await self._inner.__aenter__()
        claim = self._claim
        if claim.done or not self._claims:
            return self
        try:
            first = await self._inner.idempotency.claim(claim.key, command=claim.command,
                                                        at=claim.clock.now())
        except BaseException as error:
            await self._inner.__aexit__(type(error), error, error.__traceback__)
            raise
        if not first:
            repeat = AlreadyDone(claim.command)
            await self._inner.__aexit__(AlreadyDone, repeat, None)
            raise repeat
        return self


class _ClaimingFactory:
    def __init__(self, inner: UnitOfWorkFactory, claim: _Claim) -> None:
        self._inner = inner
        self._claim = claim

    def __call__(self, tenant_id: TenantId | None = None) -> UnitOfWork:
        # Keys are per tenant: a unit of work across tenants (rare in a command) claims nothing.
        return _ClaimingUnitOfWork(self._inner(tenant_id), self._claim,
                                   claims=tenant_id is not None)


async def keyed(command: AnyCommand, deps: Deps, run: Callable[[Deps], Awaitable[R]]) -> R:
    """`run(deps)` carried out at most once for the command's idempotency key (see above)."""
    key = command.idempotency_key
    if not key:
        return await run(deps)
    claim = _Claim(key, type(command).__name__, deps.clock)
    return await run(replace(deps, uow=_ClaimingFactory(deps.uow, claim)))
