"""Fixtures shared by every test directory.

Databases
---------
- `backend`: "sqlite" or "postgres"; tests that take it (directly or through the fixtures
  below) run once per backend.
- `database_url`: an empty, migrated database of that backend. SQLite: a fresh file per test.
  PostgreSQL: a private `cairn_test_<random>` database created once per session on the server
  named by `CAIRN_TEST_POSTGRES_URL`, migrated once, emptied before each test. Hand it to code
  that opens the database itself (a `python app.py` subprocess, `open_database`).
- `database`: a `storage.Database` opened on `database_url`; closed after the test.
- `pg_database`: the same on PostgreSQL only, for locking and concurrency tests.

Every test that ends up on PostgreSQL gets the `postgres` marker (`-m "not postgres"` leaves them
out). When the server cannot be reached those tests are skipped with the reason, unless
`CAIRN_REQUIRE_POSTGRES=1` (as in CI), which turns the skip into a failure.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from storage import Database, open_database
from tests.databases import (
    BACKENDS,
    create_postgres_database,
    drop_postgres_database,
    empty_postgres,
    migrated_sqlite_url,
)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database private to this test session, dropped at its end."""
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        return await migrated_sqlite_url(tmp_path / "cairn.sqlite3")
    url = str(request.getfixturevalue("postgres_url"))
    await empty_postgres(url)
    return url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = await open_database(database_url, migrate=False)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def pg_database(postgres_url: str) -> AsyncIterator[Database]:
    await empty_postgres(postgres_url)
    database = await open_database(postgres_url, migrate=False)
    try:
        yield database
    finally:
        await database.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and "postgres" in callspec.params.values()
        if on_postgres or "pg_database" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
