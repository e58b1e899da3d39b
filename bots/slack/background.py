"""Work that runs after the ack: opening modals, posting answers, provisioning people.

Listeners hand slow work to `BackgroundWork.spawn` and return, so bolt answers Slack at once.
Tasks are kept (asyncio only holds weak references to them), their failures are logged with a
short reference, and `close` lets the ones in flight finish on shutdown.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Coroutine
from typing import Any

logger = logging.getLogger(__name__)


class BackgroundWork:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    def spawn(self, work: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(self._guarded(work, what))
        self._tasks.add(task)
        self._idle.clear()
        task.add_done_callback(self._done)
        return task

    async def _guarded(self, work: Coroutine[Any, Any, Any], what: str) -> Any:
        try:
            return await work
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("background work failed (ref %s): %s", secrets.token_hex(2), what)
            return None

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            self._idle.set()

    @property
    def busy(self) -> int:
        return len(self._tasks)

    async def idle(self) -> None:
        """Waits until nothing is left running (tests, shutdown)."""
        while self._tasks:
            await self._idle.wait()
            await asyncio.sleep(0)

    async def close(self, grace: float = 10) -> None:
        try:
            async with asyncio.timeout(grace):
                await self.idle()
        except TimeoutError:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
