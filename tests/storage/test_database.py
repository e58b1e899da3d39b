"""Opening, migrating, pinging and closing the database, and the errors an operator sees."""

from __future__ import annotations

import asyncio
import contextvars
from pathlib import Path

import pytest
from tortoise.backends.asyncpg.client import AsyncpgDBClient

from storage import Database, StorageError, open_database
from storage.config import connection_config, dialect_of, normalise_url, redact
from storage.migrate import apply_migrations
from tests.databases import create_postgres_database, drop_postgres_database
from tests.storage.builders import tenant


@pytest.mark.parametrize(("url", "expected"), [
    ("sqlite://cairn.sqlite3", "sqlite://cairn.sqlite3"),
    ("sqlite:///var/lib/cairn.sqlite3", "sqlite:///var/lib/cairn.sqlite3"),
    ("sqlite://:memory:", "sqlite://:memory:"),
    ("postgres://u:p@db:5432/cairn", "postgres://u:p@db:5432/cairn"),
    ("postgresql://u:p@db:5432/cairn", "postgres://u:p@db:5432/cairn"),
    (" PostgreSQL://u@db/cairn ", "postgres://u@db/cairn"),
])
def test_urls_are_normalised(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


def test_sqlite_paths_and_pragmas() -> None:
    relative = connection_config("sqlite://cairn.sqlite3")["credentials"]
    absolute = connection_config("sqlite:///var/lib/cairn.sqlite3")["credentials"]
    assert relative["file_path"] == "cairn.sqlite3"
    assert absolute["file_path"] == "/var/lib/cairn.sqlite3"
    assert (absolute["journal_mode"], absolute["busy_timeout"]) == ("WAL", 5000)
    assert dialect_of("sqlite://:memory:") == "sqlite"
    assert dialect_of("postgresql://db/cairn") == "postgres"


@pytest.mark.parametrize("url", ["mysql://u:p@db/cairn", "cairn.sqlite3", "sqlite://"])
async def test_unusable_urls_are_refused_clearly(url: str) -> None:
    with pytest.raises(StorageError) as refused:
        await open_database(url)
    assert "DATABASE_URL" in refused.value.message or "cannot" in refused.value.message


def test_passwords_stay_out_of_messages() -> None:
    assert redact("postgres://cairn:s3cret@db:5432/cairn") == "postgres://cairn:***@db:5432/cairn"
    assert redact("sqlite://cairn.sqlite3") == "sqlite://cairn.sqlite3"


async def test_an_unreachable_server_is_a_storage_error() -> None:
    with pytest.raises(StorageError, match=r"cannot reach the database at postgres://cairn:\*\*\*@"):
        await open_database("postgres://cairn:s3cret@127.0.0.1:1/cairn")
    # nothing is left half open: the next database opens
    database = await open_database("sqlite://:memory:")
    assert await database.ping()
    await database.close()


async def test_a_missing_directory_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="cannot reach"):
        await open_database(f"sqlite:///{tmp_path / 'missing' / 'cairn.sqlite3'}")


async def test_a_failed_migration_is_a_storage_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cairn.sqlite3'}"
    database = await open_database(url, migrate=False)
    async with database.unit_of_work()() as tx:
        await (await tx.connection()).execute_script("CREATE TABLE tenants (id INTEGER)")
        await tx.commit()
    with pytest.raises(StorageError, match=r"migration cairn\.0001_initial failed: .*tenants"):
        await database.migrate()
    await database.close()


async def test_migrate_reports_progress_and_applies_once(tmp_path: Path) -> None:
    events: list[tuple[str, str, str]] = []
    url = f"sqlite:///{tmp_path / 'cairn.sqlite3'}"
    database = await open_database(url, progress=lambda *event: events.append(event))
    assert [e for e in events if e[1] == "cairn"] == [("apply_start", "cairn", "0001_initial"),
                                                      ("apply_done", "cairn", "0001_initial")]
    started = [e[1:] for e in events if e[0] == "apply_start"]
    assert started == [e[1:] for e in events if e[0] == "apply_done"]  # other apps' too
    assert await database.migrate() == []
    await database.close()


async def test_only_one_database_is_open_at_a_time() -> None:
    first = await open_database("sqlite://:memory:")
    try:
        with pytest.raises(StorageError, match="already open"):
            await open_database("sqlite://:memory:")
        assert await first.ping()
    finally:
        await first.close()


async def test_data_survives_closing_and_reopening(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cairn.sqlite3'}"
    for attempt in range(3):
        database = await open_database(url)
        async with database.unit_of_work()() as tx:
            for earlier in range(attempt):
                assert await tx.tenants.by_slug(f"t{earlier}") is not None
            await tx.tenants.add(tenant(f"t{attempt}"))
            await tx.commit()
        await database.close()
        await database.close()  # closing twice is harmless


async def test_the_database_is_ready_until_closed(database: Database) -> None:
    assert await database.ping()
    assert database.dialect in ("sqlite", "postgres")
    await database.close()
    assert not await database.ping()
    with pytest.raises(StorageError, match="closed"):
        async with database.unit_of_work()():
            pass


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    database = await open_database(f"sqlite:///{tmp_path / 'cairn.sqlite3'}")
    async with database.unit_of_work()() as tx:
        db = await tx.connection()
        assert (await db.execute_query_dict("PRAGMA journal_mode"))[0]["journal_mode"] == "wal"
        assert (await db.execute_query_dict("PRAGMA busy_timeout"))[0]["timeout"] == 5000
        assert (await db.execute_query_dict("PRAGMA foreign_keys"))[0]["foreign_keys"] == 1
    await database.close()


async def test_units_of_work_do_not_nest_on_sqlite() -> None:
    database = await open_database("sqlite://:memory:")
    uow = database.unit_of_work()
    try:
        async with uow():
            with pytest.raises(RuntimeError, match="cannot nest"):
                async with uow():
                    pass
        async with uow() as tx:  # the refusal left nothing behind
            assert await tx.tenants.by_slug("x") is None
        with pytest.raises(RuntimeError, match="async with"):
            await uow().tenants.by_slug("x")
    finally:
        await database.close()


@pytest.mark.postgres
async def test_instances_starting_together_migrate_one_at_a_time() -> None:
    url = create_postgres_database(migrate=False)
    database = await open_database(url, migrate=False)
    # A second instance: its own pool, so its own PostgreSQL sessions and advisory lock.
    other = AsyncpgDBClient(**connection_config(url)["credentials"],
                            connection_name="postgres")
    try:
        applied = await asyncio.gather(
            database.migrate(), apply_migrations(other, url, "postgres"))
        nothing, everything = sorted(applied, key=len)
        assert nothing == [] and "cairn.0001_initial" in everything
        async with database.unit_of_work()() as tx:
            rows = await (await tx.connection()).execute_query_dict(
                "SELECT app, name FROM tortoise_migrations")
        assert sorted(f"{r['app']}.{r['name']}" for r in rows) == sorted(everything)
    finally:
        await other.close()
        await database.close()
        drop_postgres_database(url)



async def test_a_database_opened_in_one_task_serves_every_other(tmp_path: Path) -> None:
    # Like an app whose startup hook runs in its own task while requests, scheduler jobs and
    # background listeners run in others, some with a context of their own.
    url = f"sqlite:///{tmp_path / 'cairn.sqlite3'}"
    database = await asyncio.create_task(open_database(url))
    uow = database.unit_of_work()

    async def add(slug: str) -> None:
        async with uow() as tx:
            await tx.tenants.add(tenant(slug))
            await tx.commit()

    try:
        await asyncio.gather(asyncio.create_task(add("a")), asyncio.create_task(add("b")))
        await asyncio.create_task(add("c"), context=contextvars.Context())
        assert await asyncio.create_task(database.migrate(), context=contextvars.Context()) == []
        async with uow() as tx:
            assert all([await tx.tenants.by_slug(slug) for slug in "abc"])
    finally:
        await database.close()
