"""The repository contract runs on three implementations of the ports: the in-memory fake the
core is tested with, SQLite and PostgreSQL. A test that takes `uow` runs on all three."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import cast

import pytest

from core.ports import UnitOfWorkFactory
from storage import open_database
from tests.databases import empty_postgres
from tests.fakes import InMemoryStore
from tests.storage.builders import SUBSCRIPTIONS

IMPLEMENTATIONS = ("fake", "sqlite", "postgres")


@pytest.fixture(params=IMPLEMENTATIONS)
def implementation(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def uow(
    implementation: str, request: pytest.FixtureRequest
) -> AsyncIterator[UnitOfWorkFactory]:
    if implementation == "fake":
        # The fake declares its repositories by their concrete types, which mypy does not
        # accept for the protocol's attributes; it is a UnitOfWorkFactory all the same.
        yield cast(UnitOfWorkFactory, InMemoryStore(SUBSCRIPTIONS).uow)
        return
    if implementation == "sqlite":
        url = "sqlite://:memory:"
    else:
        url = str(request.getfixturevalue("postgres_url"))
        await empty_postgres(url)
    database = await open_database(url)
    try:
        yield database.unit_of_work(SUBSCRIPTIONS)
    finally:
        await database.close()
