"""How long a request carried out is remembered by its idempotency key.

Retries come within seconds (Slack, Teams) or minutes (a client's own retry loop); a double
click within a second. Two days covers all of them with a weekend's worth to spare; a request
that comes back later than that is carried out again. Something has to forget old keys, or
the table grows with every click: the pruning job in `serve` calls `forget_old_claims`.
"""

from __future__ import annotations

from datetime import timedelta

from core.use_case import Deps

#: How long a claimed key keeps a repeat from running again.
KEEP_KEYS = timedelta(days=2)


async def forget_old_claims(deps: Deps) -> int:
    """Drops the claims of every tenant older than `KEEP_KEYS`; how many."""
    async with deps.uow() as tx:
        gone = await tx.idempotency.forget(before=deps.clock.now() - KEEP_KEYS)
        await tx.commit()
    return gone
