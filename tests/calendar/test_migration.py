"""Upgrading a database from before feed tokens were hashed and a calendar held one workspace:
existing ICS addresses keep working over HTTP, nothing of them stays in clear, and workspaces
that had chosen the same calendar no longer share it. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from core.bus import Deps
from storage import Database, open_database
from storage.config import tortoise_config
from tests.databases import create_postgres_database, drop_postgres_database
from tests.fakes import FrozenClock
from wiring.calendar import CalendarFeedsAdapter
from wiring.runtime import Runtime
from wiring.server import build_app
from wiring.settings import Settings

THEN = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
OLD_TOKEN = "Qm9yaW5nIG9sZCB0b2tlbiBmcm9tIGJlZm9yZSB0aGUgaGFzaA"
SHARED_BY_TWO = "team@group.calendar.google.com"


@pytest.fixture
async def old_database(backend: str, tmp_path: Path) -> AsyncIterator[Database]:
    """A database migrated only up to the calendar's first migration."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}" if backend == "sqlite" else (
        create_postgres_database(migrate=False))
    database = await open_database(url, migrate=False)
    try:
        executor = MigrationExecutor(database._client, tortoise_config(url)["apps"])
        await executor.migrate([MigrationTarget(app_label="calendar", name="0001_initial")])
        yield database
    finally:
        await database.close()
        if backend == "postgres":
            drop_postgres_database(url)


async def insert(database: Database, table: str, row: dict[str, Any]) -> None:
    postgres = database.dialect == "postgres"
    marks = [f"${n}" if postgres else "?" for n in range(1, len(row) + 1)]
    values = [v.isoformat(sep=" ") if isinstance(v, datetime) and not postgres else v
              for v in row.values()]
    async with database.unit_of_work()() as tx:
        db = await tx.connection()  # type: ignore[attr-defined]
        await db.execute_query(f"INSERT INTO {table} ({', '.join(row)}) "
                               f"VALUES ({', '.join(marks)})", values)
        await tx.commit()


async def test_old_feeds_keep_working_and_shared_choices_are_undone(
        old_database: Database) -> None:
    database = old_database
    for tenant_id, slug in ((1, "acme"), (2, "globex")):
        await insert(database, "tenants", {
            "id": tenant_id, "slug": slug, "name": slug, "plan": "professional",
            "timezone": "UTC", "next_number": 0, "created_at": THEN})
        await insert(database, "users", {
            "id": tenant_id, "tenant_id": tenant_id, "handle": "alice", "display_name": "Alice",
            "email": "", "timezone": "UTC", "role": "admin", "working_days": "[]",
            "work_starts_min": 540, "work_ends_min": 1080, "created_at": THEN})
        await insert(database, "calendar_settings", {
            "tenant_id": tenant_id, "enabled": True, "kinds": "[]", "owner_calendars": False,
            "calendar_id": SHARED_BY_TWO, "updated_at": THEN})
    await insert(database, "calendar_feeds", {
        "tenant_id": 1, "token": OLD_TOKEN, "scope": "person", "created_by_id": 1,
        "user_id": 1, "created_at": THEN})
    assert "calendar.0002_tenancy_hashed_feeds" in await database.migrate()
    async with database.unit_of_work()() as tx:
        db = await tx.connection()  # type: ignore[attr-defined]
        feeds = await db.execute_query_dict("SELECT * FROM calendar_feeds")
        chosen = await db.execute_query_dict(
            "SELECT tenant_id, calendar_id FROM calendar_settings ORDER BY tenant_id")
    assert len(feeds) == 1 and OLD_TOKEN not in repr(feeds) and "token" not in feeds[0]
    assert [(r["tenant_id"], r["calendar_id"]) for r in chosen] == [
        (1, SHARED_BY_TWO), (2, None)]  # the first to choose it keeps it
    # the address people subscribed to still answers, over HTTP
    deps = Deps(uow=database.unit_of_work(), clock=FrozenClock(THEN))
    settings = Settings(_env_file=None, database_url=database.url)  # type: ignore[call-arg]
    app = build_app(Runtime(settings=settings, database=database, deps=deps))
    await CalendarFeedsAdapter().attach(Runtime(settings=settings, database=database,
                                                deps=deps), app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/calendar/"
        async with aiohttp.ClientSession() as session:
            async with session.get(url + OLD_TOKEN + ".ics") as response:
                assert response.status == 200
                assert "X-WR-CALNAME:acme: @alice deadlines" in await response.text()
            async with session.get(url + feeds[0]["token_hash"] + ".ics") as response:
                assert response.status == 404  # what the database holds opens nothing
    finally:
        await runner.cleanup()
