"""The repository contract runs on three implementations of the ports: the in-memory fake the
core is tested with, SQLite and PostgreSQL. A test that takes `uow` runs on all three."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import cast

import pytest

from core.ports import TenantVersions, UnitOfWorkFactory
from storage import open_database
from tests.databases import empty_postgres, migrated_sqlite_url
from tests.fakes import InMemoryStore
from tests.storage.builders import SUBSCRIPTIONS

IMPLEMENTATIONS = ("fake", "sqlite", "postgres")


@pytest.fixture(params=IMPLEMENTATIONS)
def implementation(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@dataclass(frozen=True)
class Backing:
    """One implementation of the ports: its units of work and its tenant versions."""

    uow: UnitOfWorkFactory
    versions: TenantVersions


@pytest.fixture
async def backing(implementation: str, request: pytest.FixtureRequest) -> AsyncIterator[Backing]:
    if implementation == "fake":
        # The fake declares its repositories by their concrete types, which mypy does not
        # accept for the protocol's attributes; it is a UnitOfWorkFactory all the same.
        store = InMemoryStore(SUBSCRIPTIONS)
        yield Backing(cast(UnitOfWorkFactory, store.uow), store.versions())
        return
    if implementation == "sqlite":
        url = await migrated_sqlite_url(request.getfixturevalue("tmp_path") / "cairn.sqlite3")
    else:
        url = str(request.getfixturevalue("postgres_url"))
        await empty_postgres(url)
    database = await open_database(url, migrate=False)
    try:
        yield Backing(database.unit_of_work(SUBSCRIPTIONS), database.versions())
    finally:
        await database.close()


@pytest.fixture
def uow(backing: Backing) -> UnitOfWorkFactory:
    return backing.uow
