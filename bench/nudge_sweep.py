"""Nudge sweep benchmark: 100,000 people and 1,000,000 milestones in PostgreSQL, one sweep at a
moment when 10,000 check-ins are due, against one hand-written SQL query for the same due set.

    python bench/nudge_sweep.py --database postgres://postgres@127.0.0.1:5432/cairn_bench_nudges

The moment is Monday 7 December 2026, 08:00 UTC: 09:00 in the Central European zones. The
people (1,000 tenants of 100) are spread over 16 zones:

- 10,000 in Central Europe on the team's cadence (Monday 09:00), each with milestones nobody
  updated for more than a week: their check-ins are the due set;
- 5,000 there too whose own check-in is on Thursday, and 2,000 on vacation this week: their
  daily moment is now, but no check-in is due;
- 83,000 in zones where it is not 09:00 now (the Americas, Asia, Oceania, London, UTC).

Ten milestones each (90% open, half with due dates 30 to 365 days away, so no deadline alert is
due now), a watcher on every fifth, last week's deliveries and yesterday's daily passes, so the
indexes have their real size. Loaded with COPY, with progress; kept between runs (`--reload`
starts over).

(a) The sweep: `core.nudges.sweep.sweep`, the use case `serve` runs every minute:
    candidates, deadlines, watched milestones, vacations, digests, the claim and the mark of the
    day, in one transaction. Its statements are counted as tortoise sends them.
(b) The baseline: one hand-written query that selects the same due set straight from the tables
    with PostgreSQL's own time zone arithmetic (`AT TIME ZONE`).

Both run several times (the claims are undone between runs); the medians and their ratio are
printed, target (a) <= 3 x (b). The two due sets must be identical. Exits 1 when they differ or
the statement count is over its bound.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Run as `python bench/nudge_sweep.py`: make this checkout's packages win over any installed copy.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg  # type: ignore[import-untyped]
from tqdm import tqdm

from bench.databases import open_bench_database
from core.nudges.delivery import deliver_due
from core.nudges.sweep import sweep
from storage.config import all_tables

MOMENT = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # Monday 09:00 in Central Europe
TODAY = MOMENT.date()
TENANTS, PEOPLE_PER_TENANT, MILESTONES_PER_PERSON = 1_000, 100, 10
DUE, THURSDAY_PEOPLE, AWAY = 10_000, 5_000, 2_000
CENTRAL = ("Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam")
ELSEWHERE = ("America/New_York", "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo",
             "Asia/Tokyo", "Asia/Kolkata", "Asia/Singapore", "Australia/Sydney",
             "Pacific/Auckland", "Europe/London", "UTC")
#: The sweep's statements on PostgreSQL, whatever the number of people: the candidates
#: (people, milestones with a cadence of their own, tenants' digests), their deadlines, what
#: they watch, their vacations, the digest channels (when a digest is due), one statement that
#: claims everything and records the daily passes, and one that asks for plans made for the
#: sets at hand (see `TortoiseNudges._custom_plans`).
STATEMENT_BOUND = 9
TARGET_RATIO = 3.0
CHUNK = 50_000

BASELINE = """
SELECT u.id
FROM users u
LEFT JOIN nudge_team_policies tp ON tp.tenant_id = u.tenant_id
LEFT JOIN nudge_person_policies pp ON pp.user_id = u.id
CROSS JOIN LATERAL (SELECT $1::timestamptz AT TIME ZONE u.timezone AS local) AS l
WHERE EXTRACT(ISODOW FROM l.local)::int - 1 = COALESCE(pp.weekday, tp.checkin_weekday, 0)
  AND u.working_days @> to_jsonb(EXTRACT(ISODOW FROM l.local)::int - 1)
  AND COALESCE(pp.minute, tp.checkin_minute, 540)
      BETWEEN EXTRACT(HOUR FROM l.local) * 60 + EXTRACT(MINUTE FROM l.local) - $2
          AND EXTRACT(HOUR FROM l.local) * 60 + EXTRACT(MINUTE FROM l.local)
  AND NOT EXISTS (SELECT 1 FROM nudge_vacations v WHERE v.user_id = u.id
                  AND v.starts <= l.local::date AND v.ends >= l.local::date)
  AND NOT EXISTS (SELECT 1 FROM nudge_deliveries d
                  WHERE d.tenant_id = u.tenant_id AND d.user_id = u.id AND d.channel = ''
                    AND d.kind = 'checkin' AND d.milestone_id = 0
                    AND d.period = to_char(l.local, 'YYYY-MM-DD'))
  AND EXISTS (SELECT 1 FROM milestones m
              LEFT JOIN nudge_milestone_cadences c ON c.milestone_id = m.id
              LEFT JOIN nudge_ask_states s ON s.milestone_id = m.id
              WHERE m.tenant_id = u.tenant_id AND m.owner_id = u.id AND m.deleted_at IS NULL
                AND m.status NOT IN ('done', 'cancelled') AND c.id IS NULL
                AND NOT (s.escalated_at IS NOT NULL
                         AND COALESCE(m.last_update_at, m.created_at) <= s.last_asked_at))
"""


class FixedClock:
    def now(self) -> datetime:
        return MOMENT


# --- the data -----------------------------------------------------------------------------------


def plan_people(rng: random.Random) -> list[tuple[str, str]]:
    """(zone, role in the bench) for every person, shuffled across tenants."""
    people = [(rng.choice(CENTRAL), "due") for _ in range(DUE)]
    people += [(rng.choice(CENTRAL), "thursday") for _ in range(THURSDAY_PEOPLE)]
    people += [(rng.choice(CENTRAL), "away") for _ in range(AWAY)]
    rest = TENANTS * PEOPLE_PER_TENANT - len(people)
    people += [(rng.choice(ELSEWHERE), "elsewhere") for _ in range(rest)]
    rng.shuffle(people)
    return people


async def load(conn: asyncpg.Connection, seed: int) -> None:
    rng = random.Random(seed)
    people = plan_people(rng)
    await conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in all_tables())
                       + " RESTART IDENTITY CASCADE")
    created = MOMENT - timedelta(days=90)
    bar = tqdm(total=TENANTS + len(people) * (2 + MILESTONES_PER_PERSON), unit="row",
               desc="Loading", unit_scale=True)
    await conn.copy_records_to_table(
        "tenants", columns=["id", "slug", "name", "plan", "timezone", "next_number",
                            "created_at"],
        records=[(t, f"bench-{t}", f"Bench {t}", "enterprise", "Europe/Berlin",
                  PEOPLE_PER_TENANT * MILESTONES_PER_PERSON, created)
                 for t in range(1, TENANTS + 1)])
    bar.update(TENANTS)
    users = [(i, (i - 1) // PEOPLE_PER_TENANT + 1, f"u{i}", f"User {i}", "", zone_name,
              "admin" if i % PEOPLE_PER_TENANT == 1 else "member", "[0,1,2,3,4]", 540, 1080,
              created) for i, (zone_name, _) in enumerate(people, start=1)]
    await conn.copy_records_to_table(
        "users", columns=["id", "tenant_id", "handle", "display_name", "email", "timezone",
                          "role", "working_days", "work_starts_min", "work_ends_min",
                          "created_at"], records=users)
    bar.update(len(users))
    await conn.copy_records_to_table(
        "nudge_person_policies", columns=["user_id", "tenant_id", "weekday", "updated_at"],
        records=[(i, users[i - 1][1], 3, created) for i, (_, role) in enumerate(people, 1)
                 if role == "thursday"])
    await conn.copy_records_to_table(
        "nudge_vacations", columns=["user_id", "tenant_id", "starts", "ends", "created_at"],
        records=[(i, users[i - 1][1], TODAY, TODAY + timedelta(days=4), created)
                 for i, (_, role) in enumerate(people, 1) if role == "away"])
    # Yesterday's daily passes, and last week's check-ins: the tables have their real size.
    await conn.copy_records_to_table(
        "nudge_people", columns=["user_id", "tenant_id", "swept_on"],
        records=[(u[0], u[1], TODAY - timedelta(days=3)) for u in users])
    last_week = (TODAY - timedelta(days=7)).isoformat()
    await conn.copy_records_to_table(
        "nudge_deliveries", columns=["tenant_id", "user_id", "channel", "kind", "milestone_id",
                                     "period", "detail", "status", "not_before", "attempts",
                                     "routes_done", "prepared", "snoozed", "last_error",
                                     "created_at", "sent_at"],
        records=[(u[1], u[0], "", "checkin", 0, last_week, "", "sent",
                  MOMENT - timedelta(days=7), 1, "[]", True, False, "",
                  MOMENT - timedelta(days=7), MOMENT - timedelta(days=7)) for u in users])
    bar.update(len(users))
    milestone_id = 0
    rows: list[tuple[object, ...]] = []
    members: list[tuple[object, ...]] = []
    for user_id, tenant_id, *_ in users:
        for k in range(MILESTONES_PER_PERSON):
            milestone_id += 1
            number = (user_id - 1) % PEOPLE_PER_TENANT * MILESTONES_PER_PERSON + k + 1
            closed = rng.random() < 0.1
            due = TODAY + timedelta(days=rng.randint(30, 365)) if rng.random() < 0.5 else None
            news = MOMENT - timedelta(days=rng.randint(8, 60), minutes=rng.randint(0, 1440))
            rows.append((milestone_id, tenant_id, number, "task", f"Milestone {milestone_id}",
                         "", user_id, None, due, "medium",
                         "done" if closed else rng.choice(("on_track", "not_started",
                                                           "at_risk")),
                         100 if closed else rng.randint(0, 90), 1, "[]", "[]", None, user_id,
                         created, news, news if closed else None, news))
            if milestone_id % 5 == 0:
                watcher = tenant_id * PEOPLE_PER_TENANT - rng.randrange(PEOPLE_PER_TENANT)
                if watcher != user_id:
                    members.append((tenant_id, milestone_id, watcher, "watcher"))
        if len(rows) >= CHUNK:
            await _copy_milestones(conn, rows)
            bar.update(len(rows))
            rows = []
    await _copy_milestones(conn, rows)
    bar.update(len(rows))
    await conn.copy_records_to_table(
        "milestone_members", columns=["tenant_id", "milestone_id", "user_id", "role"],
        records=members)
    bar.close()
    for table in ("tenants", "users", "milestones"):
        await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT MAX(id) FROM {table}))")
    print("analysing ...", flush=True)
    await conn.execute("ANALYZE")


async def _copy_milestones(conn: asyncpg.Connection, rows: list[tuple[object, ...]]) -> None:
    await conn.copy_records_to_table(
        "milestones", columns=["id", "tenant_id", "number", "kind", "title", "description",
                               "owner_id", "parent_id", "due_date", "priority", "status",
                               "progress", "weight", "tags", "links", "channel", "created_by",
                               "created_at", "updated_at", "completed_at", "last_update_at"],
        records=rows)


async def loaded(conn: asyncpg.Connection) -> bool:
    try:
        users = await conn.fetchval("SELECT COUNT(*) FROM users")
        milestones = await conn.fetchval("SELECT COUNT(*) FROM milestones")
    except asyncpg.UndefinedTableError:
        return False
    return bool(users == TENANTS * PEOPLE_PER_TENANT
                and milestones == users * MILESTONES_PER_PERSON)


async def undo_sweep(conn: asyncpg.Connection) -> None:
    """Back to the moment before the sweep: its claims and its marks of the day go."""
    await conn.execute("DELETE FROM nudge_receipts")
    await conn.execute("DELETE FROM notifications")
    await conn.execute("DELETE FROM nudge_ask_states")
    await conn.execute("DELETE FROM nudge_deliveries WHERE period >= $1", TODAY.isoformat())
    await conn.execute("UPDATE nudge_people SET swept_on = $1 WHERE swept_on >= $2",
                       TODAY - timedelta(days=3), TODAY)
    await conn.execute("VACUUM ANALYZE nudge_deliveries")
    await conn.execute("VACUUM ANALYZE nudge_people")


# --- measuring ----------------------------------------------------------------------------------


class StatementCounter(logging.Handler):
    """Counts the statements tortoise sends: each client logs every execution once at DEBUG."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, str) and record.msg.startswith(("Created", "Closed")):
            return  # connection housekeeping, not a statement
        self.statements.append(record.getMessage())


@contextmanager
def counting() -> Iterator[list[str]]:
    log = logging.getLogger("tortoise.db_client")
    counter = StatementCounter()
    level, propagate = log.level, log.propagate
    log.setLevel(logging.DEBUG)
    log.propagate = False
    log.addHandler(counter)
    try:
        yield counter.statements
    finally:
        log.removeHandler(counter)
        log.setLevel(level)
        log.propagate = propagate


async def bench(url: str, runs: int, reload: bool, seed: int, deliver: bool) -> int:
    database = await open_bench_database(url)
    conn = await asyncpg.connect(url)
    try:
        if reload or not await loaded(conn):
            await load(conn, seed)
        else:
            print("reusing the data already loaded (--reload starts over)", flush=True)
        await undo_sweep(conn)
        grace_minutes = 120
        print(f"measuring at {MOMENT:%a %d %b %Y %H:%M} UTC ...", flush=True)
        # Alternated run by run, so a busy moment of this shared machine weighs on both alike.
        uow = database.unit_of_work()
        baseline_times: list[float] = []
        sweep_times: list[float] = []
        statements: list[str] = []
        expected: set[int] = set()
        claimed: set[int] = set()
        for run in range(runs):
            await undo_sweep(conn)
            started = time.perf_counter()
            rows = await conn.fetch(BASELINE, MOMENT, grace_minutes)
            baseline_times.append(time.perf_counter() - started)
            expected = {r["id"] for r in rows}
            with counting() as seen:
                started = time.perf_counter()
                swept = await sweep(uow, FixedClock(), timedelta(minutes=grace_minutes))
                sweep_times.append(time.perf_counter() - started)
            if run == 0:
                statements = list(seen)
            claimed = {r["user_id"] for r in await conn.fetch(
                "SELECT user_id FROM nudge_deliveries WHERE kind = 'checkin' AND period = $1",
                TODAY.isoformat())}
            assert swept.claimed == len(claimed), (swept, len(claimed))
        print("    runs (ms): sweep " + " ".join(f"{t * 1000:.0f}" for t in sweep_times)
              + " · baseline " + " ".join(f"{t * 1000:.0f}" for t in baseline_times))
        a, b = statistics.median(sweep_times), statistics.median(baseline_times)
        same = claimed == expected and len(claimed) == DUE
        print(f"due set: the sweep claimed {len(claimed):,} check-ins, the baseline selects "
              f"{len(expected):,}: {'the same' if same else 'DIFFERENT'} people "
              f"(expected {DUE:,})")
        print(f"(a) sweep (find and claim, one transaction): median {a * 1000:.0f} ms over "
              f"{runs} runs; {len(statements)} SQL statements (bound {STATEMENT_BOUND}, "
              f"whatever the number of people)")
        for statement in statements:
            print("      " + " ".join(statement.split())[:110])
        print(f"(b) one hand-written SQL query for the same due set: median {b * 1000:.0f} ms "
              f"over {runs} runs")
        ratio = a / b
        print(f"ratio (a)/(b): {ratio:.2f}x ({'meets' if ratio <= TARGET_RATIO else 'misses'} "
              f"the {TARGET_RATIO:.0f}x target)")
        if deliver:
            await delivery(database, conn)
        ok = same and len(statements) <= STATEMENT_BOUND
        if not ok:
            print("FAILED: the due sets differ or the sweep sent too many statements")
        return 0 if ok else 1
    finally:
        await undo_sweep(conn)
        await conn.close()
        await database.close()


async def delivery(database: object, conn: asyncpg.Connection) -> None:
    """For the record: delivering the claimed check-ins to the inbox (no platform)."""
    from core.nudges.pacing import Pacer
    from storage import Database

    assert isinstance(database, Database)
    pacer = Pacer(0.0, monotonic=time.monotonic, sleep=asyncio.sleep)
    with counting() as seen:
        started = time.perf_counter()
        done = await deliver_due(database.unit_of_work(), FixedClock(), [], pacer,
                                 max_batches=1000)
        took = time.perf_counter() - started
    batches = -(-done.handled // 200)
    print(f"delivery of the claimed check-ins to the inbox: {done.sent:,} sent, "
          f"{done.skipped:,} skipped in {took:.1f} s ({len(seen) / max(1, batches):.0f} "
          f"statements per batch of 200)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True,
                        help="a PostgreSQL URL the bench may fill (it empties it first)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reload", action="store_true", help="load the data again")
    parser.add_argument("--deliver", action="store_true",
                        help="also deliver the claimed check-ins once, and time it")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not args.database.startswith(("postgres://", "postgresql://")):
        parser.error("the nudge sweep bench runs on PostgreSQL")
    return asyncio.run(bench(args.database, args.runs, args.reload, args.seed, args.deliver))


if __name__ == "__main__":
    sys.exit(main())
