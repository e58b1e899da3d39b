"""Applies tortoise's built-in migrations (`storage/migrations/`), one instance at a time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.migrations.executor import MigrationExecutor

from storage.config import tortoise_config
from storage.errors import StorageError

logger = logging.getLogger(__name__)

#: `progress(event, app_label, name)`; events are tortoise's: apply_start, apply_done, ...
Progress = Callable[[str, str, str], object]

# Any constant shared by every Cairn instance; pg_advisory_lock takes a 64-bit key.
ADVISORY_LOCK_KEY = 0x6361_6972_6E00  # "cairn"


async def apply_migrations(
    client: BaseDBAsyncClient, url: str, dialect: str, progress: Progress | None = None
) -> list[str]:
    """Applies pending migrations and returns their names (`cairn.0001_initial`)."""
    applied: list[str] = []
    current: list[str] = []

    def track(event: str, app_label: str, name: str) -> None:
        if event == "apply_start":
            current[:] = [f"{app_label}.{name}"]
        elif event == "apply_done":
            applied.append(f"{app_label}.{name}")
            logger.info("applied migration %s.%s", app_label, name)
        if progress is not None:
            progress(event, app_label, name)

    apps: dict[str, Any] = tortoise_config(url)["apps"]
    executor = MigrationExecutor(client, apps)
    try:
        if dialect == "postgres":
            await _migrate_alone(client, executor, track)
        else:
            # SQLite takes a write lock for the DDL; a second process waits on busy_timeout.
            await executor.migrate(progress=track)
    except StorageError:
        raise
    except Exception as error:
        where = f"migration {current[0]}" if current else "preparing migrations"
        raise StorageError(f"{where} failed: {_first_line(error)}") from error
    return applied


async def _migrate_alone(
    client: BaseDBAsyncClient, executor: MigrationExecutor, track: Progress
) -> None:
    # Two instances starting together must not both create the same tables: the second waits
    # here, then finds nothing left to apply. The lock lives on one pooled connection, held
    # while the executor works on others.
    assert client.capabilities.dialect == "postgres"
    async with client.acquire_connection() as lock_connection:
        try:
            await lock_connection.execute("SELECT pg_advisory_lock($1)", ADVISORY_LOCK_KEY)
            try:
                await executor.migrate(progress=track)
            finally:
                await lock_connection.execute("SELECT pg_advisory_unlock($1)", ADVISORY_LOCK_KEY)
        except BaseException:
            # Perhaps still locked: the pool does not reset connections (`storage.config`),
            # and a session that ends takes its locks with it.
            lock_connection.terminate()
            raise


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__

