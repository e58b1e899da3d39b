"""Leaderboard benchmark: the running score against a plain SQL `GROUP BY` over the events.

    python bench/leaderboard.py --database postgres://user@host:5432/cairn_bench
    python bench/leaderboard.py                    # SQLite, in a temporary file (smaller)

Builds a tenant with an active challenge of 10,000 participants and 1,000,000 scoring events
(generated in the database: the event log, each event's points in a plain table the baseline
reads, and the ledger those events leave: a tally per person and a day sum per close), then
measures, in the same run on the same database:

(a) reading the challenge's top 10 plus one person's own line the way `leaderboard` does: the
    participants' running tallies ranked in the database, the shown people's handles and last
    week's ranks (`core.scoring.recording.people_board`);
(b) the baseline: the same top 10 and the same person's line from a plain `GROUP BY` over the
    1,000,000 scored events (points summed, closes and on-time closes counted), ranked in SQL;
(c) scoring one more event (a close) through `core.scoring.recording.record`, its statements
    counted: a bounded number, whatever the number of events.

Prints the ratio (b)/(a) (target ≥ 10) and the statements of (c); exits 1 when (c) exceeds its
bound. On PostgreSQL the bench's tenant is deleted at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import open_bench_database
from core.bus import Deps
from core.model import MilestoneId, TenantId, UserId
from core.people.use_cases import ensure_tenant, join
from core.scoring import recording
from core.scoring.challenge import Challenge, ChallengeState, Period
from core.scoring.events import ItemCreated, ItemDone
from core.scoring.workdays import Deadline, WorkingCalendar
from core.tenancy import Plan
from storage import Database
from storage.models import TenantRow

#: Scoring one close: the log entry, the active challenges, the item (challenge locked on
#: PostgreSQL), the day sum, the item's write, the day's write, the tally read and write, the
#: badge progress and owned badges, their writes, and the commit's version bump.
STATEMENT_BOUND = 24


class StatementCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, str) and record.msg.startswith(("Created", "Closed")):
            return
        self.statements.append(record.getMessage())

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        log = logging.getLogger("tortoise.db_client")
        level, propagate = log.level, log.propagate
        log.setLevel(logging.DEBUG)
        log.propagate = False
        log.addHandler(self)
        self.statements = []
        try:
            yield self.statements
        finally:
            log.removeHandler(self)
            log.setLevel(level)
            log.propagate = propagate


def sql(postgres: bool, text: str) -> str:
    if not postgres:
        return text
    number = 0
    out = []
    for char in text:
        if char == "?":
            number += 1
            out.append(f"${number}")
        else:
            out.append(char)
    return "".join(out)


async def build(database: Database, people: int, events: int) -> tuple[TenantId, Challenge]:
    deps = Deps(uow=database.unit_of_work(), clock=_Clock())
    tenant = await ensure_tenant(deps, slug=f"lb-bench-{time.time_ns()}", name="Leaderboard bench",
                                 plan=Plan.ENTERPRISE)
    assert tenant.id is not None
    await join(deps, tenant.id, handle="bench")
    postgres = database.dialect == "postgres"
    async with database.unit_of_work()(tenant.id) as tx:
        challenge = await tx.scoring.challenges.add(Challenge(
            tenant_id=tenant.id, name="Bench", period=Period(date(2026, 1, 1), date(2026, 12, 31)),
            state=ChallengeState.ACTIVE, created_by=UserId(1),
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
            started_at=datetime(2026, 1, 1, tzinfo=UTC)))
        await tx.commit()
    assert challenge.id is not None
    db = database._client
    cid, tid = challenge.id, tenant.id
    series = ("generate_series(1, ?::int)" if postgres else
              "(WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s "
              "WHERE value < ?) SELECT value FROM s)")
    column = "g" if postgres else "g.value"
    started = time.perf_counter()
    await db.execute_script("CREATE TABLE IF NOT EXISTS bench_points (challenge_id INT, "
                            "person_id INT, points NUMERIC(14,2), on_time INT)")
    await db.execute_query(sql(postgres, f"INSERT INTO scoring_participants (tenant_id, "
                                         f"challenge_id, kind, ref_id) SELECT ?, ?, 'people', "
                                         f"{column} FROM {series} AS g"), [tid, cid, people])
    # Each event a close of one of the people, worth 0 to 4 points (pseudo-random, so totals
    # differ as they would); 3 or more counts as on time.
    number = f"{column}::bigint" if postgres else column
    worth = f"((({number} * 1103515245 + 12345) / 65536) % 5)"
    await db.execute_query(sql(postgres, f"INSERT INTO bench_points SELECT ?, 1 + ({column} % ?),"
                                         f" {worth}, CASE WHEN {worth} >= 3 THEN 1 ELSE 0 END "
                                         f"FROM {series} AS g"), [cid, people, events])
    json = "'{\"at\":\"2026-03-02T10:00:00+00:00\",\"item\":1,\"by\":1}'"
    await db.execute_query(sql(postgres, f"INSERT INTO scoring_events (tenant_id, at, kind, data) "
                                         f"SELECT ?, ?, 'ItemDone', {json} FROM {series} AS g"),
                           [tid, datetime(2026, 3, 2, tzinfo=UTC), events])
    # The ledger those events leave: one tally per person.
    await db.execute_query(sql(postgres, "INSERT INTO scoring_tallies (tenant_id, challenge_id, "
                                         "person_id, points, judged, on_time) SELECT ?, ?, "
                                         "person_id, SUM(points), COUNT(*), SUM(on_time) FROM "
                                         "bench_points WHERE challenge_id = ? GROUP BY person_id"),
                           [tid, cid, cid])
    if postgres:
        await db.execute_script("CREATE INDEX IF NOT EXISTS bench_points_challenge "
                                "ON bench_points (challenge_id); ANALYZE")
    print(f"built {people:,} participants and {events:,} events in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    return tenant.id, challenge


class _Clock:
    def now(self) -> datetime:
        return datetime(2026, 3, 2, 10, tzinfo=UTC)


async def timed(run: Callable[[], Awaitable[object]], runs: int) -> float:
    await run()
    found = []
    for _ in range(runs):
        started = time.perf_counter()
        await run()
        found.append(time.perf_counter() - started)
    return statistics.median(found)


async def bench(url: str, people: int, events: int, runs: int) -> int:
    database = await open_bench_database(url)
    postgres = database.dialect == "postgres"
    tenant_id, challenge = await build(database, people, events)
    reader = UserId(people // 2)
    uow = database.unit_of_work()

    async def incremental() -> object:
        async with uow(tenant_id) as tx:
            async def handles(people: set[UserId]) -> dict[UserId, str]:
                return {uid: u.handle for uid, u in (await tx.users.get_many(people)).items()}

            return await recording.people_board(tx.scoring, challenge, reader, handles,
                                                previous_week=date(2026, 3, 2))

    baseline_sql = sql(postgres, (
        "WITH scored AS (SELECT person_id, SUM(points) AS points, COUNT(*) AS judged, "
        "SUM(on_time) AS on_time FROM bench_points WHERE challenge_id = ? GROUP BY person_id), "
        "ranked AS (SELECT *, RANK() OVER (ORDER BY points DESC) AS place FROM scored) "
        "SELECT * FROM ranked WHERE place <= 10 OR person_id = ? ORDER BY place"))

    async def baseline() -> object:
        return await database._client.execute_query_dict(baseline_sql, [challenge.id, reader])

    fast = await timed(incremental, runs)
    slow = await timed(baseline, runs)
    print(f"(a) leaderboard from running tallies: {fast * 1000:8.1f} ms (median of {runs})")
    print(f"(b) plain GROUP BY over the events:   {slow * 1000:8.1f} ms (median of {runs})")
    print(f"ratio (b)/(a): {slow / fast:.1f}x  (target: >= 10x)")

    counter = StatementCounter()
    calendar = WorkingCalendar("Europe/Berlin")
    async with uow(tenant_id) as tx:
        await recording.record(tx.scoring, ItemCreated(
            at=datetime(2026, 2, 2, tzinfo=UTC), item=MilestoneId(10**6), number=1, title="x",
            owner=reader, calendar=calendar, deadline=Deadline(date(2026, 3, 13))))
        await tx.commit()
    with counter.counting() as statements:
        async with uow(tenant_id) as tx:
            await recording.record(tx.scoring, ItemDone(at=datetime(2026, 3, 2, tzinfo=UTC),
                                                        item=MilestoneId(10**6), by=reader))
            await tx.commit()
    print(f"(c) scoring one close over {events:,} events: {len(statements)} statements "
          f"(bound {STATEMENT_BOUND})")
    if postgres:
        await database._client.execute_script("DROP TABLE bench_points")
        await TenantRow.filter(id=tenant_id).delete()
    await database.close()
    return 0 if len(statements) <= STATEMENT_BOUND else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cairn-bench-") as tmp:
        url = args.database or f"sqlite://{tmp}/bench.sqlite3"
        return asyncio.run(bench(url, args.people, args.events, args.runs))


if __name__ == "__main__":
    sys.exit(main())
