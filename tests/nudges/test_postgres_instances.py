"""Two Cairn instances on one PostgreSQL, and one killed mid-delivery: every nudge is sent
exactly once. PostgreSQL only: SQLite serialises writers, so there is nothing to race."""

from __future__ import annotations

import asyncio
import os
import sys
from asyncio.subprocess import PIPE
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from core.bus import Deps, run_text
from core.nudges.checkin_cycles import end_cycles
from core.nudges.delivery import LEASE, deliver_due
from core.nudges.notifier import PersonAddress
from core.nudges.pacing import Pacer
from core.nudges.sweep import sweep
from core.people.use_cases import join
from core.scoring.events import CheckInCycleEnded
from storage import Database
from storage.nudges.repository import TortoiseNudges
from tests.fakes import FrozenClock
from tests.nudge_harness import InstantSleep, RecordingNotifier, World
from tests.nudges.conftest import make_team

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 60
PEOPLE = 24
MONDAY_NINE_BERLIN = "2026-11-23T08:00:00+00:00"


async def crowd(deps: Deps, clock: FrozenClock, people: int = PEOPLE) -> None:
    """A team whose people all own a milestone nobody has updated for weeks."""
    clock.set("2026-11-02T10:00:00+00:00")
    team = await make_team(deps)
    await run_text("plan enterprise", team.alice, deps)
    for n in range(people):
        who = await _join(deps, team.alice.tenant_id, f"p{n}")
        await run_text(f'task "Task of p{n}" due:2026-11-24', who, deps)
    clock.set(MONDAY_NINE_BERLIN)


async def _join(deps: Deps, tenant_id: Any, handle: str) -> Any:
    return await join(deps, tenant_id, handle=handle, timezone="Europe/Berlin")


async def inbox_count(database: Database) -> dict[int, int]:
    async with database.unit_of_work()() as tx:
        rows = await (await tx.connection()).execute_query_dict(
            "SELECT user_id, COUNT(*) AS n FROM notifications WHERE kind LIKE 'nudge:%' "
            "GROUP BY user_id")
    return {r["user_id"]: r["n"] for r in rows}


def people_reached(*notifiers: RecordingNotifier) -> list[tuple[int, str]]:
    return sorted((m.to.user_id, m.view.kind.value) for n in notifiers for m in n.sent
                  if isinstance(m.to, PersonAddress))


@pytest.fixture
def both_sweeps_see_the_due_set_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each sweep waits, between finding what is due and claiming it, until the other one has
    found it too: both claim the very same keys at the same time."""
    barrier = asyncio.Barrier(2)
    claim: Callable[..., Awaitable[int]] = TortoiseNudges.claim

    async def racing(self: TortoiseNudges, nudges: Any) -> int:
        if nudges and nudges[0].kind.value == "checkin":
            await asyncio.wait_for(barrier.wait(), TIMEOUT_S)
        return await claim(self, nudges)

    monkeypatch.setattr(TortoiseNudges, "claim", racing)


@pytest.mark.usefixtures("both_sweeps_see_the_due_set_first")
async def test_two_schedulers_at_once_send_every_nudge_exactly_once(
        pg_database: Database) -> None:
    clock = FrozenClock()
    deps = Deps(uow=pg_database.unit_of_work(), clock=clock)
    await crowd(deps, clock)
    first, second = RecordingNotifier("chat"), RecordingNotifier("chat")

    async def instance(chat: RecordingNotifier) -> tuple[int, int]:
        time = InstantSleep()
        swept = await sweep(deps.uow, clock)
        done = await deliver_due(deps.uow, clock, [chat], Pacer(
            1.0, monotonic=time.monotonic, sleep=time.sleep), batch=5)
        return swept.claimed, done.sent

    (claimed_a, sent_a), (claimed_b, sent_b) = await asyncio.wait_for(
        asyncio.gather(instance(first), instance(second)), TIMEOUT_S)
    expected = PEOPLE * 2  # each person: the check-in and "due tomorrow"
    assert claimed_a + claimed_b == expected and 0 in (claimed_a, claimed_b)
    assert sent_a + sent_b == expected
    reached = people_reached(first, second)
    assert len(reached) == expected and len(set(reached)) == expected  # nobody twice
    assert set((await inbox_count(pg_database)).values()) == {2}
    world = World(deps, clock, [first])
    assert await world.tick() == []  # and nothing is left to send


async def test_two_cairn_processes_sweeping_at_once_nudge_once(
        pg_database: Database, postgres_url: str, tmp_path: Path) -> None:
    """`python app.py nudge` twice at the same moment, as two instances of Cairn would."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    clock = FrozenClock(now - timedelta(days=21))
    deps = Deps(uow=pg_database.unit_of_work(), clock=clock)
    team = await make_team(deps)
    await run_text("plan enterprise", team.alice, deps)
    for n in range(PEOPLE):
        who = await _join(deps, team.alice.tenant_id, f"p{n}")
        await run_text("me tz UTC", who, deps)
        await run_text(f'task "Task of p{n}"', who, deps)
        await run_text("remind days mon-sun", who, deps)
        await run_text("remind quiet 23:59-0:00", who, deps)
    clock.set(now)
    for n in range(PEOPLE):
        who = await _join(deps, team.alice.tenant_id, f"p{n}")
        await run_text(f"remind {now:%A} {now:%H:%M}", who, deps)
    env = {**os.environ, "DATABASE_URL": postgres_url, "PYTHONUNBUFFERED": "1"}
    processes = [await asyncio.create_subprocess_exec(
        sys.executable, "app.py", "nudge", cwd=ROOT, env=env, stdout=PIPE, stderr=PIPE)
        for _ in range(2)]
    outputs = await asyncio.wait_for(
        asyncio.gather(*(p.communicate() for p in processes)), TIMEOUT_S)
    assert all(p.returncode == 0 for p in processes), outputs
    counts = await inbox_count(pg_database)
    assert len(counts) == PEOPLE and set(counts.values()) == {1}, (counts, outputs)


HANGING_DELIVERY = """
import asyncio, sys
from core.nudges.pacing import Pacer
from core.nudges.delivery import deliver_due
from storage import open_database
from tests.fakes import FrozenClock


class Hangs:
    name = "chat"

    def destination(self, message):
        return f"dm:{message.to.user_id}"

    async def send(self, message):
        print("sending", flush=True)
        await asyncio.Event().wait()  # the process is killed here


async def main(url, now):
    database = await open_database(url, migrate=False)
    pacer = Pacer(0.0, monotonic=lambda: 0.0, sleep=asyncio.sleep)
    await deliver_due(database.unit_of_work(), FrozenClock(now), [Hangs()], pacer)


asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def test_a_process_killed_between_claim_and_send_is_retried_after_restart_once(
        pg_database: Database, postgres_url: str) -> None:
    clock = FrozenClock()
    deps = Deps(uow=pg_database.unit_of_work(), clock=clock)
    await crowd(deps, clock, people=1)
    swept = await sweep(deps.uow, clock)
    assert swept.claimed == 2
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HANGING_DELIVERY, postgres_url, clock.now().isoformat(),
        cwd=ROOT, env=env, stdout=PIPE, stderr=PIPE)
    try:
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), TIMEOUT_S)
        assert line.strip() == b"sending"
    finally:
        child.kill()  # SIGKILL: no cleanup, the connection just drops
        await asyncio.wait_for(child.wait(), TIMEOUT_S)
    assert sum((await inbox_count(pg_database)).values()) == 2  # in the inbox before the send
    world = World(deps, clock)
    assert await world.tick() == []  # restarted at once: the dead one's lease still holds
    clock.advance(seconds=LEASE.total_seconds() + 1)
    sent = await world.tick()
    assert sorted(m.view.kind.value for m in sent) == ["checkin", "deadline"]
    clock.advance(hours=1)
    assert await world.tick() == []
    assert sum((await inbox_count(pg_database)).values()) == 2  # not put in twice


async def test_two_instances_ending_the_same_check_in_cycle_record_it_once(
        pg_database: Database) -> None:
    """Two deliveries that both hold the same check-in (a lease that ran out under a slow
    instance) judge the cycle it ends at the same time: it is scored once."""
    clock = FrozenClock("2026-11-02T10:00:00+00:00")
    deps = Deps(uow=pg_database.unit_of_work(), clock=clock)
    team = await make_team(deps)
    await run_text('task "Beta"', team.bob, deps)
    world = World(deps, clock)
    await world.tick("2026-11-16T08:00")  # asked
    clock.set("2026-11-17T10:00:00+00:00")
    await run_text("update #1 20% on it", team.bob, deps)
    clock.set(MONDAY_NINE_BERLIN)
    await sweep(deps.uow, clock)
    async with deps.uow() as tx:
        due = await tx.nudges.pending(clock.now(), 100)
    recorded = await asyncio.wait_for(asyncio.gather(
        end_cycles(deps.uow, due, clock.now()), end_cycles(deps.uow, due, clock.now())),
        TIMEOUT_S)
    assert sorted(recorded) == [0, 1]
    async with deps.uow(team.bob.tenant_id) as tx:
        cycles = [e for e in await tx.scoring.log.events() if isinstance(e, CheckInCycleEnded)]
    assert [(c.person, c.starts.isoformat(), c.kept) for c in cycles] == [
        (team.bob.user_id, "2026-11-16", True)]
