"""Calendar sync benchmark: 1,000 deadline changes over 300 milestones, coalesced and batched,
against one Google call per change.

    python bench/calendar_sync.py                        # SQLite, in a temporary file
    python bench/calendar_sync.py --database postgres://user@host:5432/cairn_bench

Builds a workspace with 300 dated milestones and syncs them to the local fake Google Calendar
(real HTTP, the real gateway and service-account flow). Then 1,000 due-date changes go through
the core's use case (every milestone at least once), and both consumers of the same outbox
drain them, in the same run, against the same fake:

(a) Cairn's calendar consumer: one claim of the whole outbox, changes coalesced per milestone,
    only events that differ written, as batch requests of 100 calls.
(b) the baseline: one `events.patch` per change, one HTTP request each.

Prints API calls (each call of a batch counts, as in Google's quota) and HTTP requests of both.
Exits 1 when (a) makes more than 300 calls or more than 3 HTTP requests, or when the calendar
does not end up showing every milestone's last due date. The rate limit's pauses are skipped
(the fake has no quota); the time Google's default quota of 600 calls a minute would impose is
printed instead. On PostgreSQL the bench's rows are deleted again at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

# Run as `python bench/calendar_sync.py`: this checkout's packages win over an installed copy.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import open_bench_database
from core.bus import Deps, execute
from core.calendar.event_ids import event_id
from core.calendar.model import SYNC_CONSUMER, CalendarRef, CalendarSetup, CalendarWrite, entry_for
from core.calendar.outbound import VERBS, CalendarSync
from core.commands import ChangeDueDate, CreateMilestone, MilestoneRef
from core.model import Kind, MilestoneId, TenantId
from core.people.use_cases import ensure_tenant, join
from core.ports import OutboxMessage, UnitOfWorkFactory
from core.relay import drain
from core.tenancy import Plan
from integrations.calendar.google import GoogleCalendarGateway
from integrations.calendar.google_rate import CALLS_PER_MINUTE, RateLimit
from storage import Database
from storage.config import all_tables
from tests.google_calendar_fake import FakeGoogleCalendar

MILESTONES = 300
CHANGES = 1000
MAX_CALLS = 300
MAX_REQUESTS = 3
CALENDAR_ID = "bench-deadlines@group.calendar.google.com"
NAIVE = "calendar-naive"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class FixedClock:
    def __init__(self) -> None:
        self.current = NOW

    def now(self) -> datetime:
        return self.current


@dataclass
class NaiveCalendarSync:
    """The baseline: every change is its own `events.patch`, sent on its own."""

    uow: UnitOfWorkFactory
    gateway: GoogleCalendarGateway
    name: str = NAIVE
    verbs: frozenset[str] = frozenset({"due_moved"})

    async def handle(self, messages: Sequence[OutboxMessage]) -> Mapping[int, str | None]:
        answers: dict[int, str | None] = {}
        for message in messages:
            milestone_id = message.event.milestone_id
            assert milestone_id is not None
            async with self.uow(message.tenant_id) as tx:
                m = await tx.milestones.get(milestone_id)
                owner = await tx.users.get(m.owner_id) if m else None
            entry = entry_for(m, owner) if m else None
            (result,) = await self.gateway.write([CalendarWrite(
                calendar=CalendarRef(CALENDAR_ID), known=True, entry=entry,
                event_id=event_id(message.tenant_id, milestone_id))])
            answers[message.id] = None if result.ok else result.error
        return answers


def no_wait(seconds: float) -> None:
    """The fake has no quota: the pauses are skipped, and what they would cost is printed."""


async def bench(url: str, seed: int) -> int:
    logging.basicConfig(level=logging.WARNING)
    rng = random.Random(seed)
    database = await open_bench_database(url)
    fake = FakeGoogleCalendar(now=lambda: NOW)
    await fake.start()
    fake.add_calendar(CALENDAR_ID)
    tenant_id: TenantId | None = None
    try:
        with tempfile.TemporaryDirectory(prefix="cairn-bench-") as tmp:
            gateway = GoogleCalendarGateway(str(fake.credentials_file(Path(tmp))),
                                            api_url=fake.url, rate_limit=RateLimit(sleep=no_wait))
            clock = FixedClock()
            uow = database.unit_of_work({SYNC_CONSUMER: VERBS, NAIVE: {"due_moved"}})
            # The bench's workspace is named: the database may hold other workspaces, and a
            # calendar only ever holds one workspace's deadlines.
            deps = Deps(uow=uow, clock=clock, calendar=CalendarSetup(
                google=True, calendar_id=CALENDAR_ID, tenant=f"bench-calendar-{seed}"))
            smart = CalendarSync(uow, gateway, clock, deps.calendar)
            naive = NaiveCalendarSync(uow, gateway)
            tenant = await ensure_tenant(deps, slug=f"bench-calendar-{seed}",
                                         plan=Plan.ENTERPRISE)
            assert tenant.id is not None
            tenant_id = tenant.id
            actor = await join(deps, tenant.id, handle="alice", timezone="Europe/Berlin")
            print(f"creating {MILESTONES} milestones and syncing them ...", flush=True)
            for n in range(MILESTONES):
                await execute(CreateMilestone(actor=actor, kind=Kind.MILESTONE,
                                              title=f"Milestone {n + 1}",
                                              due=date(2026, 12, 1) + timedelta(days=n % 30)),
                              deps)
            created = await drain(smart, uow, clock, batch=CHANGES)
            assert created.delivered == MILESTONES, created
            print(f"making {CHANGES:,} due-date changes ...", flush=True)
            targets = list(range(1, MILESTONES + 1))
            rng.shuffle(targets)
            targets += [rng.randint(1, MILESTONES) for _ in range(CHANGES - MILESTONES)]
            last: dict[int, date] = {}
            for number in targets:
                clock.current += timedelta(seconds=1)
                due = last.get(number)
                while due == last.get(number):  # every change is a real move
                    due = date(2027, 1, 1) + timedelta(days=rng.randint(0, 120))
                assert due is not None
                last[number] = due
                await execute(ChangeDueDate(actor=actor, milestone=MilestoneRef(number=number),
                                            due=due), deps)

            print("draining (a) coalesced and batched ...", flush=True)
            calls, requests = len(fake.calls), len(fake.requests)
            started = time.perf_counter()
            a = await drain(smart, uow, clock, batch=CHANGES)
            a_time = time.perf_counter() - started
            a_calls, a_requests = len(fake.calls) - calls, len(fake.requests) - requests
            shows_last = await _calendar_shows(fake, uow, tenant.id, last)

            print("draining (b) one call per change ...", flush=True)
            calls, requests = len(fake.calls), len(fake.requests)
            started = time.perf_counter()
            b = await drain(naive, uow, clock, batch=CHANGES)
            b_time = time.perf_counter() - started
            b_calls, b_requests = len(fake.calls) - calls, len(fake.requests) - requests
    finally:
        await fake.close()
        if tenant_id is not None and database.dialect == "postgres":
            await forget(database, tenant_id)
        await database.close()

    print(f"{CHANGES:,} due-date changes over {MILESTONES} milestones "
          f"({len(last)} touched), {database.dialect}:")
    print(f"(a) coalesced + batched: {a.delivered:,} changes delivered with {a_calls} API calls "
          f"in {a_requests} HTTP requests, {a_time * 1000:.0f} ms")
    print(f"(b) one call per change: {b.delivered:,} changes delivered with {b_calls:,} API "
          f"calls in {b_requests:,} HTTP requests, {b_time * 1000:.0f} ms")
    print(f"ratio (b)/(a): {b_calls / max(a_calls, 1):.1f}x fewer calls, "
          f"{b_requests / max(a_requests, 1):.0f}x fewer HTTP requests, "
          f"{b_time / a_time:.1f}x less time")
    print(f"at Google's default quota ({CALLS_PER_MINUTE} calls a minute): (a) "
          f"{a_calls / CALLS_PER_MINUTE * 60:.0f} s of quota, (b) "
          f"{b_calls / CALLS_PER_MINUTE * 60:.0f} s")
    print(f"the calendar shows every milestone's last due date: {'yes' if shows_last else 'NO'}")
    failed = a_calls > MAX_CALLS or a_requests > MAX_REQUESTS or not shows_last
    if failed:
        print(f"FAILED: at most {MAX_CALLS} calls in {MAX_REQUESTS} requests, and the right "
              "dates, were expected")
    return 1 if failed else 0


async def _calendar_shows(fake: FakeGoogleCalendar, uow: UnitOfWorkFactory,
                          tenant_id: TenantId, last: dict[int, date]) -> bool:
    async with uow(tenant_id) as tx:
        ids = {n: (await tx.milestones.by_number(n)) for n in last}
    for number, due in last.items():
        m = ids[number]
        assert m is not None and m.id is not None
        event = fake.event(CALENDAR_ID, event_id(tenant_id, MilestoneId(m.id)))
        if event is None or event["start"] != {"date": due.isoformat()}:
            return False
    return True


async def forget(database: Database, tenant_id: TenantId) -> None:
    """Deletes the bench's rows so a shared PostgreSQL database is left as it was found."""
    async with database.unit_of_work()(tenant_id) as tx:
        db = await tx.connection()
        await db.execute_query("DELETE FROM calendar_sync WHERE calendar_id = $1", [CALENDAR_ID])
        await db.execute_query("UPDATE milestones SET parent_id = NULL WHERE tenant_id = $1",
                               [tenant_id])
        for table in all_tables():
            if table in ("calendar_sync", "calendar_channels"):
                continue  # not a tenant's
            column = "id" if table == "tenants" else "tenant_id"
            await db.execute_query(f'DELETE FROM "{table}" WHERE {column} = $1', [tenant_id])
        await tx.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cairn-bench-") as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        return asyncio.run(bench(url, args.seed))


if __name__ == "__main__":
    sys.exit(main())
