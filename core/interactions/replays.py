"""Idempotent POSTs: the same `Idempotency-Key` and body replay the first answer.

The key is claimed inside the request's own unit of work (`core.interactions.requests`), as
`core.interactions.idempotency` claims a chat command's key: the claim, the change and the
answer left for replays commit together or not at all. A second request with the key waits for
the first one's transaction on PostgreSQL (SQLite runs one writer at a time) and then finds the
answer, or, if the first one was refused and rolled back, claims the key itself. Keys are kept
a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from core.access.tokens import TokenId
from core.use_case import Deps

KEEP = timedelta(hours=24)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplyKey:
    """What identifies one request: the token's key, and the request it was first used for."""

    token_id: TokenId
    key: str
    fingerprint: str


async def forget_old(deps: Deps) -> int:
    async with deps.uow() as tx:
        gone = await tx.access.forget_replies(deps.clock.now() - KEEP)
        await tx.commit()
    return gone
