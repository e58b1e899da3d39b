"""Hot reads are reused only while nothing they show can have changed."""

from __future__ import annotations

from core.bus import Deps, run_text
from core.view_cache import ViewCache
from core.views import MilestoneList
from tests.fakes import FrozenClock, InMemoryStore
from tests.unit.conftest import Company, make_company


async def cached_company(store: InMemoryStore, clock: FrozenClock
                         ) -> tuple[Company, ViewCache]:
    company = await make_company(store, clock)
    cache = ViewCache(store.versions(), clock)
    company.deps = Deps(uow=store.uow, clock=clock, views=cache)
    return company, cache


async def test_a_list_is_reused_until_the_tenant_changes(store: InMemoryStore,
                                                         clock: FrozenClock) -> None:
    acme, cache = await cached_company(store, clock)
    await acme.ok(acme.alice, 'task "T" due:2026-11-30')
    first = await acme.ok(acme.alice, "list")
    assert await acme.ok(acme.alice, "list") is first and cache.hits == 1
    # another instance (its own cache, the same database) changes something
    other = Deps(uow=store.uow, clock=clock, views=ViewCache(store.versions(), clock))
    await run_text("update #1 40%", acme.alice, other)
    fresh = await acme.ok(acme.alice, "list")
    assert isinstance(fresh, MilestoneList) and fresh is not first
    assert fresh.sections[0].lines[0].percent == 40


async def test_answers_age_with_the_clock(store: InMemoryStore, clock: FrozenClock) -> None:
    acme, _ = await cached_company(store, clock)
    await acme.ok(acme.alice, 'task "T" due:2026-11-30')
    before = await acme.ok(acme.alice, "list")
    clock.advance(seconds=30)
    assert await acme.ok(acme.alice, "list") is before  # same day, within a minute
    clock.advance(days=1)
    after = await acme.ok(acme.alice, "list")
    assert isinstance(before, MilestoneList) and isinstance(after, MilestoneList)
    assert before.sections[0].lines[0].due.relative == "in 7 days"  # type: ignore[union-attr]
    assert after.sections[0].lines[0].due.relative == "in 6 days"  # type: ignore[union-attr]


async def test_each_reader_has_their_own_answer(store: InMemoryStore, clock: FrozenClock) -> None:
    acme, _ = await cached_company(store, clock)
    await acme.ok(acme.alice, 'task "Alice only"')
    mine = await acme.ok(acme.alice, "list")
    bobs = await acme.ok(acme.bob, "list")
    assert isinstance(mine, MilestoneList) and isinstance(bobs, MilestoneList)
    assert mine.total == 1 and bobs.total == 0
