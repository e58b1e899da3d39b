"""Locking, on PostgreSQL only: SQLite serialises every writer, so there is nothing to race."""

from __future__ import annotations

import asyncio

import pytest

from core.bus import Deps, execute, run_text
from core.commands import Actor, MilestoneRef, UpdateProgress
from core.events import MilestoneCreated
from core.people.use_cases import ensure_tenant, join
from core.ports import OutboxMessage
from core.tenancy import Plan
from core.views import MilestoneCard
from storage import Database
from storage.milestones import TortoiseMilestones
from tests.fakes import FrozenClock
from tests.storage.builders import NOW, at

pytestmark = pytest.mark.postgres

# Long enough for the other task to reach the same point while this one holds its locks.
HOLD_S = 0.05
TIMEOUT_S = 20


@pytest.fixture
def holding_before_rollup_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each roll-up pauses between locking the chain and summing the children: without the
    locks, a concurrent sibling update would sum stale children and overwrite the parent."""
    sums = TortoiseMilestones._children_sums

    async def slow(self: TortoiseMilestones, ids: list[int]) -> object:
        await asyncio.sleep(HOLD_S)
        return await sums(self, ids)

    monkeypatch.setattr(TortoiseMilestones, "_children_sums", slow)


async def _workspace(deps: Deps) -> Actor:
    tenant = await ensure_tenant(deps, slug="acme", plan=Plan.ENTERPRISE)
    assert tenant.id is not None
    return await join(deps, tenant.id, handle="alice")


async def test_concurrent_numbers_are_all_different(pg_database: Database) -> None:
    uow = pg_database.unit_of_work()
    deps = Deps(uow=uow, clock=FrozenClock())
    alice = await _workspace(deps)

    async def take() -> int:
        async with uow(alice.tenant_id) as tx:
            number = await tx.tenants.next_number(alice.tenant_id)
            await asyncio.sleep(0.01)  # hold the row a little: the others must queue
            await tx.commit()
        return number

    numbers = await asyncio.wait_for(asyncio.gather(*(take() for _ in range(25))), TIMEOUT_S)
    assert sorted(numbers) == list(range(1, 26))


@pytest.mark.usefixtures("holding_before_rollup_reads")
async def test_sibling_updates_at_once_roll_up_correctly(pg_database: Database) -> None:
    deps = Deps(uow=pg_database.unit_of_work(), clock=FrozenClock())
    alice = await _workspace(deps)
    for line in ('goal "Launch"', 'milestone "Beta" parent:#1', 'milestone "Docs" parent:#1'):
        assert isinstance(await run_text(line, alice, deps), MilestoneCard)
    racing = deps

    def update(number: int, percent: int) -> UpdateProgress:
        return UpdateProgress(actor=alice, milestone=MilestoneRef(number=number),
                              percent=percent)

    await asyncio.wait_for(asyncio.gather(
        execute(update(2, 40), racing), execute(update(3, 80), racing)), TIMEOUT_S)
    async with deps.uow(alice.tenant_id) as tx:
        goal = await tx.milestones.by_number(1)
    assert goal is not None and goal.progress == 60


async def test_two_workers_never_claim_the_same_message(pg_database: Database) -> None:
    uow = pg_database.unit_of_work({"calendar": {"created"}})
    deps = Deps(uow=uow, clock=FrozenClock())
    alice = await _workspace(deps)
    async with uow(alice.tenant_id) as tx:
        for n in range(50):
            await tx.publish(MilestoneCreated(
                tenant_id=alice.tenant_id, milestone_id=None, actor_id=alice.user_id, at=NOW,
                number=n, kind="task", title=f"t{n}"))
        await tx.commit()
    first_holds = asyncio.Event()
    second_done = asyncio.Event()

    async def first() -> list[OutboxMessage]:
        async with uow() as tx:
            claimed = await tx.outbox.claim("calendar", now=at(minutes=1), limit=30)
            first_holds.set()
            await second_done.wait()  # keep the rows locked while the second worker claims
            await tx.commit()
        return claimed

    async def second() -> list[OutboxMessage]:
        await first_holds.wait()
        async with uow() as tx:
            claimed = await tx.outbox.claim("calendar", now=at(minutes=1), limit=30)
            await tx.commit()
        second_done.set()
        return claimed

    a, b = await asyncio.wait_for(asyncio.gather(first(), second()), TIMEOUT_S)
    assert (len(a), len(b)) == (30, 20)
    assert not {m.id for m in a} & {m.id for m in b}
    assert sorted(m.event.number for m in a + b) == list(range(50))  # type: ignore[attr-defined]
