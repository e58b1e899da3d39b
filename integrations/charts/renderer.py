"""Charts drawn in worker processes, so a chart never holds the event loop (nor the GIL of the
process that answers Slack within its 3 seconds).

The pool is small (one worker by default: the machine answering chats matters more), started on
the first chart, and shut down by `close`. Workers are spawned, not forked: a fork of a process
with an event loop, database pools and threads inherits their locks in whatever state they were.
Each worker imports matplotlib once, when it starts; the serving process never imports it.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Self

from core.reports.charts import WIDE, Chart, ChartSize
from core.reports.ports import RenderFailed

logger = logging.getLogger(__name__)

#: Added to the workers' niceness (the most there is): drawing a chart may wait; an ack may not.
WORKER_NICENESS = 19


class ProcessChartRenderer:
    """`core.reports.ports.ChartRenderer` over a `ProcessPoolExecutor`."""

    def __init__(self, *, workers: int = 1) -> None:
        if workers < 1:
            raise ValueError("a chart renderer needs at least one worker")
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False

    @property
    def started(self) -> bool:
        return self._pool is not None

    async def render(self, chart: Chart, size: ChartSize = WIDE) -> bytes:
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            pool = self._started_pool()
            try:
                return await loop.run_in_executor(pool, _draw, chart, size)
            except BrokenProcessPool:
                # A worker died (killed, out of memory): the pool is unusable, start another.
                logger.warning("chart worker died (attempt %d of 2), starting a new one", attempt)
                self._drop(pool)
            except Exception as error:
                raise RenderFailed(f"the chart could not be drawn: {error}") from error
        raise RenderFailed("the chart workers stopped while drawing")

    async def close(self) -> None:
        """Stops the workers once what they draw is done; a closed renderer draws nothing."""
        self._closed = True
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    def _started_pool(self) -> ProcessPoolExecutor:
        if self._closed:
            raise RenderFailed("the chart renderer is shut down")
        if self._pool is None:
            logger.info("starting %d chart worker(s)", self._workers)
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm_up)
        return self._pool

    def _drop(self, pool: ProcessPoolExecutor) -> None:
        if self._pool is pool:
            self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)


def _warm_up() -> None:
    """In a new worker: a lower CPU priority (on a busy machine the process that acks chats
    gets the cores first), matplotlib and the machine's fonts, before the first chart waits."""
    from integrations.charts import draw, fonts

    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)

    fonts.machine_fallbacks()
    del draw


def _draw(chart: Chart, size: ChartSize) -> bytes:
    from integrations.charts.draw import render_png

    return render_png(chart, size)
