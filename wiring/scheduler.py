"""Periodic work in `serve`: APScheduler 3 ticks, the database decides what is due.

APScheduler only provides the ticks; it keeps no state of its own (memory job store), so a restart
or a second instance never loses or doubles work: the jobs claim their rows in the database.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    name: str
    every: timedelta
    run: Callable[[], Awaitable[object]]
    first_delay: timedelta = timedelta(seconds=1)


def _guarded(job: PeriodicJob) -> Callable[[], Awaitable[None]]:
    async def tick() -> None:
        try:
            await job.run()
        except Exception:  # one failing tick must not stop the next one
            logger.exception("periodic job %s failed", job.name)

    return tick


def start_scheduler(jobs: Iterable[PeriodicJob]) -> AsyncIOScheduler:
    """Starts the ticks on the running event loop; call `shutdown()` to stop them."""
    # A line per run of every job would drown the log; failures are logged by `_guarded`.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    scheduler = AsyncIOScheduler(timezone=UTC)
    now = datetime.now(UTC)
    for job in jobs:
        scheduler.add_job(
            _guarded(job), "interval", seconds=job.every.total_seconds(), id=job.name,
            max_instances=1, coalesce=True, misfire_grace_time=int(job.every.total_seconds()),
            next_run_time=now + job.first_delay,
        )
        logger.info("scheduled %s every %s", job.name, job.every)
    scheduler.start()
    return scheduler
