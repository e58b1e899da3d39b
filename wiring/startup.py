"""A `serve` that cannot start says why in one line and ends, instead of hanging.

Whatever had started by then (the database's connection, SQLite's connection thread among
them, adapters' HTTP sessions, the HTTP runner, the scheduler) is stopped again by whoever
started it; `StartupFailed` then carries the one line the command line prints. The traceback
goes to the log at DEBUG level (`LOG_LEVEL=DEBUG`), for when the line is not enough.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable

from core.errors import DomainError
from storage import StorageError

logger = logging.getLogger(__name__)


class StartupFailed(Exception):
    """`serve` could not start; nothing it had started is left running."""


def startup_failed(stage: str, error: BaseException) -> StartupFailed:
    """The one line for `error`, raised while starting `stage`."""
    logger.debug("starting %s failed", stage, exc_info=error)
    if isinstance(error, StartupFailed):
        return error
    if isinstance(error, DomainError | StorageError):
        said = str(error)
    else:
        said = f"{type(error).__name__}: {error}".rstrip(": ")
    return StartupFailed(f"Cairn could not start: {stage} failed: {said}")


async def stop_each(steps: Iterable[tuple[str, Callable[[], Awaitable[object]]]]) -> None:
    """Runs every stopping step even when one fails (each failure is logged): one broken
    hook must not leave the database open, whose thread would keep the process alive."""
    for name, step in steps:
        try:
            await step()
        except Exception:
            logger.exception("stopping %s failed", name)
