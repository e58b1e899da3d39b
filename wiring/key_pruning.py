"""One job in `serve` forgets old idempotency keys, whichever front end claimed them.

- the core's claims (`idempotency_keys`: Slack's event ids, click stamps and view ids, Teams'
  activity ids), kept `core.interactions.key_retention.KEEP_KEYS` (two days);
- the keys Slack's and Teams' own deliveries claim (`slack_processed_keys`,
  `teams_processed_keys`: retried events, thread posts, clicks), kept as long;
- the API's `Idempotency-Key` replays (`api_replies`), kept 24 hours
  (`core.interactions.replays.KEEP`).

Every table is pruned whether its platform is on or not: keys a platform left before it was
turned off go too. Deleting what is old is idempotent, so every instance may run the job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from core.interactions.key_retention import KEEP_KEYS, forget_old_claims
from core.interactions.replays import forget_old
from storage.slack import TortoiseSlackStore
from storage.teams import TortoiseTeamsStore
from wiring.scheduler import PeriodicJob

if TYPE_CHECKING:
    from wiring.runtime import Runtime

logger = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class KeysForgotten:
    claims: int
    slack: int
    teams: int
    api_replays: int

    @property
    def total(self) -> int:
        return self.claims + self.slack + self.teams + self.api_replays


async def forget_old_keys(runtime: Runtime) -> KeysForgotten:
    deps = runtime.deps
    before = deps.clock.now() - KEEP_KEYS
    forgot = KeysForgotten(
        claims=await forget_old_claims(deps),
        slack=await TortoiseSlackStore(runtime.database.unit_of_work()).forget_keys(
            before=before),
        teams=await TortoiseTeamsStore(runtime.database.unit_of_work()).forget_keys(
            before=before),
        api_replays=await forget_old(deps))
    if forgot.total:
        logger.info("forgot %d old idempotency keys (%d claims, %d Slack, %d Teams, %d API "
                    "replays)", forgot.total, forgot.claims, forgot.slack, forgot.teams,
                    forgot.api_replays)
    return forgot


def idempotency_keys_job(runtime: Runtime) -> PeriodicJob:
    """Every hour: the keys older than their retention, gone."""

    async def prune() -> KeysForgotten:
        return await forget_old_keys(runtime)

    return PeriodicJob("idempotency keys: forget old", PRUNE_EVERY, prune)
