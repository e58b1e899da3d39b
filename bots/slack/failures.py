"""What a person in Slack is told when a request fails after Cairn accepted it, and what the
log gets: a reference either way, a traceback only for the unexpected.

- The database cannot be reached (down, failing over, refusing connections): the person is told
  plainly that nothing was saved, or, when a change of this very request had already been
  committed, that it was saved. One warning line.
- Cairn could not look something up within the ack budget while the database still answers
  (`LookupTimeout`): too slow right now, nothing saved. One warning line.
- Slack itself did not answer (a timeout, a dropped connection): one warning line.
- Anything else is a bug: an error with its traceback, and a short apology.

Which of the first two it is comes from a probe of the database (`reachable`, bounded in time)
made only once something failed, so storage needs no Slack-specific error. What a request
committed is followed through `TrackCommits`, the use cases' unit of work seen through a
request-scoped `Trail` (a context variable: the tasks a request spawns share it).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import Enum
from types import TracebackType
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from core.model import TenantId
from core.ports import UnitOfWorkFactory

logger = logging.getLogger(__name__)

PROBE_BUDGET_S = 0.3
#: In bolt's context: the event loop time by which the work before the ack must be done.
CONTEXT_DEADLINE = "cairn_deadline"

DATABASE_DOWN = ("Cairn cannot reach its database right now, so nothing was saved. "
                 "Try again in a minute.")
SAVED_THEN_DOWN = ("That was saved, but Cairn lost its database before it could show you the "
                   "result.")
TOO_SLOW = "Cairn is too slow to answer right now, so nothing was saved. Try again in a minute."


class LookupTimeout(Exception):
    """Work that must finish before the ack (finding the workspace's token and tenant,
    recording a slash command's signature) did not finish in time."""


@asynccontextmanager
async def before_the_ack(deadline: float | None, what: str) -> AsyncIterator[None]:
    """Bounds work that must be done before the ack by the request's deadline."""
    if deadline is None:
        yield
        return
    try:
        async with asyncio.timeout_at(deadline):
            yield
    except TimeoutError:
        raise LookupTimeout(f"{what} took too long") from None


@dataclass
class Trail:
    """What one request has done so far."""

    saved: bool = False


_trail: contextvars.ContextVar[Trail | None] = contextvars.ContextVar("cairn_slack_trail",
                                                                     default=None)


def begin_request() -> Trail:
    """A fresh trail for the request the current task handles (and the tasks it spawns)."""
    trail = Trail()
    _trail.set(trail)
    return trail


def current_trail() -> Trail:
    return _trail.get() or Trail()


class TrackCommits:
    """The use cases' unit of work factory, noting each commit on the request's trail."""

    def __init__(self, inner: UnitOfWorkFactory) -> None:
        self._inner = inner

    def __call__(self, tenant_id: TenantId | None = None) -> Any:
        return _TrackedUnitOfWork(self._inner(tenant_id))


class _TrackedUnitOfWork:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def commit(self) -> None:
        await self._inner.commit()
        trail = _trail.get()
        if trail is not None:
            trail.saved = True

    async def __aenter__(self) -> _TrackedUnitOfWork:
        await self._inner.__aenter__()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self._inner.__aexit__(exc_type, exc, tb)


class Cause(Enum):
    DATABASE = "the database cannot be reached"
    SLOW = "too slow to answer in time"
    SLACK = "Slack did not answer"
    BUG = "unexpected"


@dataclass(frozen=True, slots=True)
class Diagnosis:
    cause: Cause
    ref: str
    saved: bool

    @property
    def text(self) -> str:
        """What the person reads."""
        if self.cause == Cause.DATABASE:
            return SAVED_THEN_DOWN if self.saved else DATABASE_DOWN
        if self.cause == Cause.SLOW and not self.saved:
            return TOO_SLOW
        if self.saved:
            return f"That was saved, but something went wrong afterwards (ref {self.ref})."
        if self.cause == Cause.SLACK:
            return (f"Slack did not answer Cairn in time (ref {self.ref}), so nothing was "
                    "saved. Try again in a moment.")
        return f"Something went wrong (ref {self.ref}). Nothing was saved."


Probe = Callable[[], Awaitable[bool]]


async def _always() -> bool:
    return True


class Failures:
    def __init__(self, reachable: Probe | None = None, *,
                 probe_budget: float = PROBE_BUDGET_S) -> None:
        self._reachable = reachable or _always
        self._budget = probe_budget

    async def database_down(self) -> bool:
        try:
            async with asyncio.timeout(self._budget):
                return not await self._reachable()
        except Exception:  # a probe that times out or fails says as much as a "no"
            return True

    async def diagnose(self, error: BaseException, what: str) -> Diagnosis:
        """Logs the failure of `what` (one line, or a traceback for a bug) and says why."""
        ref = secrets.token_hex(2)
        saved = current_trail().saved
        if await self.database_down():
            cause = Cause.DATABASE
        elif isinstance(error, LookupTimeout):
            cause = Cause.SLOW
        elif isinstance(error, aiohttp.ClientError | TimeoutError | SlackApiError):
            cause = Cause.SLACK
        else:
            logger.error("Slack %s failed (ref %s)", what, ref, exc_info=error)
            return Diagnosis(Cause.BUG, ref, saved)
        logger.warning("Slack %s failed (ref %s): %s%s: %s", what, ref, cause.value,
                       " after a change was saved" if saved else "", brief(error))
        return Diagnosis(cause, ref, saved)


def brief(error: BaseException) -> str:
    """An error in a few words for a log line (its first line, clipped)."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text[:160]}" if text else type(error).__name__
