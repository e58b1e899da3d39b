"""Periodic work in `serve`: APScheduler 3 ticks, the database decides what is due.

APScheduler only provides the ticks; it keeps no state of its own (memory job store), so a restart
or a second instance never loses or doubles work: the jobs claim their rows in the database.

Logs stay for the unexpected: a job that fails because the database is unavailable adds nothing
to the one line storage logs per outage, and a job cut short by shutdown is one warning line
(what it had claimed comes back after its lease), never a `CancelledError` traceback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.errors import StorageUnavailable

logger = logging.getLogger(__name__)

#: How long shutdown waits for running jobs to finish before cancelling them.
STOP_GRACE = timedelta(seconds=5)


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    name: str
    every: timedelta
    run: Callable[[], Awaitable[object]]
    first_delay: timedelta = timedelta(seconds=1)


def _guarded(job: PeriodicJob, running: set[asyncio.Task[object]]
             ) -> Callable[[], Awaitable[None]]:
    async def tick() -> None:
        task = asyncio.current_task()
        if task is not None:
            running.add(task)
        try:
            await job.run()
        except asyncio.CancelledError:
            # Only shutdown cancels a tick. Ending quietly keeps APScheduler from logging the
            # cancellation as a crash; the task is finished either way.
            logger.warning("periodic job %s stopped by shutdown before it finished; "
                           "what it had claimed is picked up again later", job.name)
        except StorageUnavailable as error:  # the outage is logged once, by storage
            logger.debug("periodic job %s skipped: %s", job.name, error.message)
        except Exception:  # one failing tick must not stop the next one
            logger.exception("periodic job %s failed", job.name)
        finally:
            if task is not None:
                running.discard(task)

    return tick


class Scheduler:
    """The ticks of a running `serve`."""

    def __init__(self, scheduler: AsyncIOScheduler, running: set[asyncio.Task[object]]) -> None:
        self._scheduler = scheduler
        self._running = running

    async def stop(self, grace: timedelta = STOP_GRACE) -> None:
        """Starts nothing more, lets running jobs finish for up to `grace`, cancels the rest."""
        if not self._scheduler.running:
            return
        self._scheduler.pause()
        if self._running:
            await asyncio.wait(set(self._running), timeout=grace.total_seconds())
        still = set(self._running)
        self._scheduler.shutdown(wait=False)  # cancels what is still running
        if still:
            await asyncio.wait(still, timeout=grace.total_seconds())


def start_scheduler(jobs: Iterable[PeriodicJob]) -> Scheduler:
    """Starts the ticks on the running event loop; `await stop()` ends them."""
    # A line per run of every job would drown the log; failures are logged by `_guarded`.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    scheduler = AsyncIOScheduler(timezone=UTC)
    running: set[asyncio.Task[object]] = set()
    now = datetime.now(UTC)
    for job in jobs:
        scheduler.add_job(
            _guarded(job, running), "interval", seconds=job.every.total_seconds(), id=job.name,
            max_instances=1, coalesce=True, misfire_grace_time=int(job.every.total_seconds()),
            next_run_time=now + job.first_delay,
        )
        logger.info("scheduled %s every %s", job.name, job.every)
    scheduler.start()
    return Scheduler(scheduler, running)
