"""One API write request carried out as one unit of work.

Everything a write request does commits together or not at all: the claim of its
`Idempotency-Key` (`core.interactions.replays`), the check of its `If-Match` against the
milestone *locked* for the rest of the transaction, every command it runs (a PATCH of several
fields is several use cases, lent the same unit of work by `one_unit_of_work`), and the answer
it leaves for replays. A stale version, a refused field or a crash rolls all of it back, the
claim included, so a retry is carried out afresh; two requests racing on one milestone or one
key run one after the other, and the second sees what the first committed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from core.access.ports import StoredReply
from core.commands import Actor, MilestoneRef
from core.interactions.one_unit import one_unit_of_work
from core.interactions.replays import ReplyKey
from core.use_case import Deps, find_milestone

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Answered(Generic[T]):
    """What the request's work produced, and the status and body a replay will answer."""

    value: T
    status: int
    body: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Replay:
    """The key was claimed before: what the first request left (its fingerprint tells whether
    this is the same request)."""

    stored: StoredReply


async def carried_out(actor: Actor, deps: Deps, work: Callable[[Deps], Awaitable[Answered[T]]],
                      *, key: ReplyKey | None = None, lock: int | None = None
                      ) -> Answered[T] | Replay:
    """`work(deps)` in one unit of work of the actor's tenant, with milestone `lock` (a number)
    locked first and `key` claimed first; a key claimed already answers a `Replay` and runs
    nothing. `work` raises a domain error to refuse, which rolls everything back."""
    async with one_unit_of_work(deps, actor.tenant_id) as (tx, lent):
        if key is not None:
            found = await tx.access.claim_reply(key.token_id, key.key, key.fingerprint,
                                                deps.clock.now())
            if found is not None:
                return Replay(stored=found)
        if lock is not None:
            await find_milestone(tx, MilestoneRef(number=lock), lock=True)
        answered = await work(lent)
        if key is not None:
            await tx.access.save_reply(key.token_id, key.key, answered.status, answered.body)
        await tx.commit()
    return answered
