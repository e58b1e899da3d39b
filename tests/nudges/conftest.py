"""Nudge stories run on the in-memory fake, SQLite and PostgreSQL alike: a test that takes
`make_world` runs once per backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest

from core.bus import Deps, run_text
from core.commands import Actor
from core.people.use_cases import ensure_tenant, join
from core.ports import UnitOfWorkFactory
from core.tenancy import Plan
from storage import Database, open_database
from tests.databases import empty_postgres, migrated_sqlite_url
from tests.fakes import FrozenClock, InMemoryStore
from tests.nudge_harness import World

BACKENDS = ("fake", "sqlite", "postgres")


@dataclass
class Team:
    """A tenant in Europe/Berlin: alice (admin), bob, carol, erin (viewer)."""

    alice: Actor
    bob: Actor
    carol: Actor
    erin: Actor


async def make_team(deps: Deps, slug: str = "acme") -> Team:
    tenant = await ensure_tenant(deps, slug=slug, plan=Plan.PROFESSIONAL)
    assert tenant.id is not None
    people = {h: await join(deps, tenant.id, handle=h, timezone="Europe/Berlin")
              for h in ("alice", "bob", "carol", "erin")}
    await run_text("role @erin viewer", people["alice"], deps)
    return Team(**people)


MakeWorld = Callable[..., Awaitable[tuple[World, Team]]]


@pytest.fixture(params=BACKENDS)
async def make_world(request: pytest.FixtureRequest) -> AsyncIterator[MakeWorld]:
    backend = str(request.param)
    opened: list[Database] = []
    store = InMemoryStore()

    async def uow() -> UnitOfWorkFactory:
        if backend == "fake":
            return store.uow  # type: ignore[return-value]
        if not opened:
            if backend == "sqlite":
                url = await migrated_sqlite_url(
                    request.getfixturevalue("tmp_path") / "cairn.sqlite3")
            else:
                url = str(request.getfixturevalue("postgres_url"))
                await empty_postgres(url)
            opened.append(await open_database(url, migrate=False))
        return opened[0].unit_of_work()

    async def make(start: str, slug: str = "acme") -> tuple[World, Team]:
        clock = FrozenClock(start)
        deps = Deps(uow=await uow(), clock=clock)
        return World(deps, clock), await make_team(deps, slug)

    try:
        yield make
    finally:
        for database in opened:
            await database.close()
