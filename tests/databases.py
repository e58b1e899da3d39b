"""Test databases: a private PostgreSQL database per session, fresh SQLite files per test.

Used by `tests/conftest.py`; importable by tests that need a database outside the fixtures.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import TypeVar

import asyncpg  # type: ignore[import-untyped]
import pytest

from storage import open_database
from storage.config import all_tables, redact

POSTGRES_URL = os.environ.get(
    "CAIRN_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("CAIRN_REQUIRE_POSTGRES") == "1"
BACKENDS = ("sqlite", "postgres")
CONNECT_TIMEOUT_S = 5

T = TypeVar("T")


def run_in_own_loop(make: Callable[[], Awaitable[T]]) -> T:
    """Runs a coroutine to completion on a private event loop in another thread.

    Session-wide setup cannot use a test's loop (pytest-asyncio gives each test its own), nor
    `asyncio.run` in this thread (it would unset the loop pytest-asyncio installed).
    """

    async def main() -> T:
        return await make()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def _database_name(url: str) -> str:
    return url.rpartition("/")[2]


def create_postgres_database(*, migrate: bool = True) -> str:
    """Creates (and migrates) `cairn_test_<random>` on the test server; returns its URL.

    Skips the calling test when the server cannot be reached, or fails it when
    `CAIRN_REQUIRE_POSTGRES=1`: CI must never pass by skipping PostgreSQL.
    """
    name = f"cairn_test_{secrets.token_hex(6)}"

    async def create() -> None:
        admin = await asyncpg.connect(POSTGRES_URL, timeout=CONNECT_TIMEOUT_S)
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()

    try:
        run_in_own_loop(create)
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        reason = f"PostgreSQL is not reachable at {redact(POSTGRES_URL)}: {error}"
        if REQUIRE_POSTGRES:
            pytest.fail(f"{reason} (CAIRN_REQUIRE_POSTGRES=1)", pytrace=False)
        pytest.skip(reason)
    url = _with_database(POSTGRES_URL, name)

    async def apply() -> None:
        database = await open_database(url)
        await database.close()

    try:
        if migrate:
            run_in_own_loop(apply)
    except BaseException:
        drop_postgres_database(url)
        raise
    return url


def drop_postgres_database(url: str) -> None:
    name = _database_name(url)

    async def drop() -> None:
        admin = await asyncpg.connect(POSTGRES_URL, timeout=CONNECT_TIMEOUT_S)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()

    run_in_own_loop(drop)


async def empty_postgres(url: str) -> None:
    """Removes every row, keeping the schema and the record of applied migrations."""
    connection = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_S)
    try:
        tables = ", ".join(f'"{table}"' for table in all_tables())
        await connection.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


_sqlite_template: Path | None = None


async def migrated_sqlite_url(path: Path) -> str:
    """A fresh SQLite file at `path`, migrated: a copy of one file migrated once per process.

    Applying every migration costs seconds of CPU (the ORM rebuilds its model state per
    migration); a byte copy of a file that went through them costs a millisecond.
    """
    global _sqlite_template
    if _sqlite_template is None:
        template = Path(tempfile.mkdtemp(prefix="cairn-template-")) / "migrated.sqlite3"
        database = await open_database(f"sqlite:///{template}")
        await database.close()
        with closing(sqlite3.connect(template)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _sqlite_template = template
    shutil.copyfile(_sqlite_template, path)
    return f"sqlite:///{path}"


def seed_migrated_sqlite(path: Path) -> None:
    """Puts a migrated SQLite file at `path` (unless one is there) for a `python app.py`
    subprocess, which would otherwise spend seconds applying every migration itself."""
    if not path.exists():
        run_in_own_loop(lambda: migrated_sqlite_url(path))
