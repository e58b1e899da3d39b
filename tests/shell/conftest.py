"""A shell session on a real SQLite file, as Alice, the admin of a professional workspace."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bots.shell.session import ShellSession
from core.bus import Deps
from core.tenancy import Plan
from storage import Database, open_database
from tests.databases import migrated_sqlite_url
from tests.fakes import FrozenClock


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(await migrated_sqlite_url(tmp_path / "shell.sqlite3"),
                                   migrate=False)
    yield database
    await database.close()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock("2026-11-23T09:00:00+00:00")  # Monday 10:00 in Berlin


@pytest.fixture
async def shell(db: Database, clock: FrozenClock) -> ShellSession:
    deps = Deps(uow=db.unit_of_work(), clock=clock)
    return await ShellSession.open(deps, tenant="acme", user="alice", timezone="Europe/Berlin",
                                   plan=Plan.PROFESSIONAL)
