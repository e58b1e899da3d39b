"""Idempotent POSTs: the same `Idempotency-Key` and body replay the first answer.

A key is claimed (committed) before the request runs, so a second request with the key finds
it even while the first is still running. A request that fails before changing anything
releases its key; keys are kept a day.
"""

from __future__ import annotations

from datetime import timedelta

from core.access.ports import StoredReply
from core.access.tokens import TokenId
from core.use_case import Deps

KEEP = timedelta(hours=24)


async def claim(token_id: TokenId, key: str, fingerprint: str, deps: Deps
                ) -> StoredReply | None:
    """None when this request is the first with the key (it is now claimed), else what the
    first one left (status 0 while it still runs)."""
    async with deps.uow() as tx:
        found = await tx.access.claim_reply(token_id, key, fingerprint, deps.clock.now())
        await tx.commit()
    return found


async def remember(token_id: TokenId, key: str, status: int, body: str, deps: Deps) -> None:
    async with deps.uow() as tx:
        await tx.access.save_reply(token_id, key, status, body)
        await tx.commit()


async def release(token_id: TokenId, key: str, deps: Deps) -> None:
    async with deps.uow() as tx:
        await tx.access.release_reply(token_id, key)
        await tx.commit()


async def forget_old(deps: Deps) -> int:
    async with deps.uow() as tx:
        gone = await tx.access.forget_replies(deps.clock.now() - KEEP)
        await tx.commit()
    return gone
