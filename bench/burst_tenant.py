"""The check-in burst's tenant: loaded in bulk next to a Cairn server, and checked afterwards.

The first person joins through Slack (`/cairn plan enterprise`: the tenant, the workspace link,
the admin); everyone else and every milestone go straight into the database through the storage
models, in batches, with every goal already rolled up from the milestones under it, and the
tenant's version moved on so no cache of the server survives the load.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from core.milestones.rollup import mean_percent, rolled_up
from core.model import Kind, Status
from core.tenancy import Role
from storage import Database
from storage.models import MilestoneRow, ProgressUpdateRow, TenantRow, UserIdentityRow, UserRow
from storage.versions import BUMP_VERSION

BATCH = 500


@dataclass
class Tenant:
    tenant_id: int
    # Slack user id -> the numbers (`#N`) of the milestones that person owns.
    owned: dict[str, list[int]]


async def tenant_of(database: Database, team: str) -> int:
    async with database.unit_of_work()() as tx:
        rows = await (await tx.connection()).execute_query_dict(
            "SELECT tenant_id FROM slack_workspaces WHERE team_id = $1", [team])
    if not rows:
        raise SystemExit(f"workspace {team} is not linked to a tenant")
    return int(rows[0]["tenant_id"])


async def load(database: Database, team: str, admin: str, people: list[str], goals: int,
               milestones: int, seed: int = 15) -> Tenant:
    """`people` (Slack user ids, the admin first, already a member) own `milestones` milestones
    round robin, spread over `goals` goals the admin owns; leaves get random progress."""
    rng = random.Random(seed)
    tenant_id = await tenant_of(database, team)
    now = datetime.now(UTC)
    started = time.perf_counter()
    uow = database.unit_of_work()
    async with uow(tenant_id) as tx:
        db = await tx.connection()
        admin_row = await UserIdentityRow.get(key=f"slack:{team}:{admin}").using_db(db)
        users = {admin: admin_row.user_id}
        for first in range(1, len(people), BATCH):
            batch = people[first:first + BATCH]
            await UserRow.bulk_create([
                UserRow(tenant_id=tenant_id, handle=f"person{first + n}",
                        display_name=f"Person {first + n}", timezone="Europe/Berlin",
                        role=Role.MEMBER, working_days=[0, 1, 2, 3, 4], created_at=now)
                for n, _ in enumerate(batch)], using_db=db)
            found = await UserRow.filter(
                tenant_id=tenant_id, handle__in=[f"person{first + n}" for n in range(len(batch))]
            ).using_db(db).values_list("handle", "id")
            ids = dict(found)
            await UserIdentityRow.bulk_create([
                UserIdentityRow(tenant_id=tenant_id, user_id=ids[f"person{first + n}"],
                                key=f"slack:{team}:{user}") for n, user in enumerate(batch)],
                using_db=db)
            users.update({user: ids[f"person{first + n}"] for n, user in enumerate(batch)})
            print(f"  people: {len(users):>6,} of {len(people):,}", flush=True)
        leaves = milestones - goals
        progress = [rng.randint(0, 100) for _ in range(leaves)]
        sums: list[list[int]] = [[0, 0] for _ in range(goals)]
        for n, p in enumerate(progress):
            sums[n % goals][0] += p
            sums[n % goals][1] += 1
        goal_rows = [MilestoneRow(
            tenant_id=tenant_id, number=g + 1, kind=Kind.GOAL, title=f"Goal {g + 1}",
            owner_id=users[admin], created_by=users[admin], progress=mean_percent(*sums[g]),
            status=Status.ON_TRACK, due_date=date(2026, 12, 31), created_at=now,
            updated_at=now) for g in range(goals)]
        await MilestoneRow.bulk_create(goal_rows, using_db=db)
        goal_ids = dict(await MilestoneRow.filter(tenant_id=tenant_id, number__lte=goals)
                        .using_db(db).values_list("number", "id"))
        owned: dict[str, list[int]] = defaultdict(list)
        for first in range(0, leaves, BATCH):
            rows = []
            for n in range(first, min(first + BATCH, leaves)):
                number = goals + n + 1
                owner = people[n % len(people)]
                owned[owner].append(number)
                rows.append(MilestoneRow(
                    tenant_id=tenant_id, number=number, title=f"Milestone {number}",
                    owner_id=users[owner], created_by=users[admin],
                    parent_id=goal_ids[n % goals + 1], progress=progress[n],
                    status=Status.ON_TRACK if progress[n] else Status.NOT_STARTED,
                    due_date=date(2026, 12, 31) - timedelta(days=n % 60), created_at=now,
                    updated_at=now))
            await MilestoneRow.bulk_create(rows, using_db=db)
            print(f"  milestones: {goals + first + len(rows):>6,} of {milestones:,}", flush=True)
        await TenantRow.filter(id=tenant_id).using_db(db).update(next_number=milestones)
        await tx.commit()
    async with uow() as tx:
        db = await tx.connection()
        await db.execute_script("ANALYZE")  # as autovacuum would long before Monday 09:00
        await db.execute_query(BUMP_VERSION["postgres"], [tenant_id])
        await tx.commit()
    print(f"  loaded {len(people):,} people and {milestones:,} milestones in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    return Tenant(tenant_id, dict(owned))


async def verify(database: Database, tenant_id: int, acknowledged: list[str]) -> list[str]:
    """Problems: an acknowledged check-in stored other than once, a parent whose progress is
    not what recomputing it from its children gives."""
    problems: list[str] = []
    async with database.unit_of_work()(tenant_id) as tx:
        db = await tx.connection()
        notes = Counter(note for (note,) in await ProgressUpdateRow.filter(
            tenant_id=tenant_id, notes__startswith="burst ").using_db(db).values_list("notes"))
        rows = await MilestoneRow.filter(tenant_id=tenant_id, deleted_at__isnull=True).using_db(
            db).values_list("id", "parent_id", "progress", "weight", "status")
    for note in acknowledged:
        if notes[note] != 1:
            problems.append(f"check-in {note!r} stored {notes[note]} times")
    children: dict[int, list[tuple[int, int, Status]]] = defaultdict(list)
    for _, parent_id, progress, weight, status in rows:
        if parent_id is not None:
            children[parent_id].append((progress, weight, Status(status)))
    parents = 0
    for id_, _, progress, _, status in rows:
        if id_ in children:
            parents += 1
            found = rolled_up(Status(status), progress, children[id_])
            if found is not None:
                problems.append(f"milestone id {id_} shows {progress}%, its children give "
                                f"{found[0]}%")
    print(f"verified: {len(acknowledged):,} acknowledged check-ins each stored once "
          f"({sum(notes.values()):,} stored), {parents} parents equal to a full recompute"
          if not problems else f"verification FAILED: {len(problems)} problems", flush=True)
    return problems


async def outbox_drained(database: Database, tenant_id: int, seconds: float = 120) -> list[str]:
    """Waits for the server's outbox work of the tenant (threads, homes) to be done; problems
    when some is still pending after `seconds`."""
    # The Google sync's rows wait for a worker with Google credentials; the bench runs none.
    query = ("SELECT consumer, verb, attempts, last_error FROM outbox "
             "WHERE tenant_id = $1 AND done_at IS NULL AND consumer <> 'calendar'")
    deadline = time.monotonic() + seconds
    while True:
        async with database.unit_of_work()() as tx:
            pending = await (await tx.connection()).execute_query_dict(query, [tenant_id])
        if not pending or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    return [f"outbox: {len(pending)} pending, e.g. {row}" for row in pending[:3]]


async def time_use_cases(database: Database, team: str, owned: dict[str, list[int]],
                         calls: int = 200) -> list[str]:
    """Mean elapsed and CPU milliseconds of the burst's use cases called one at a time in this
    process (the core and storage, no HTTP, no Slack, no cache): `list mine`, `show #N` and a
    check-in (`update #N 40% on track`). PostgreSQL's own work is on top of the CPU figure."""
    from core.bus import Deps, execute
    from core.commands import ListMilestones, MilestoneRef, ShowMilestone, UpdateProgress
    from core.people.use_cases import actor_of
    from tests.storage.statements import recorded_statements
    from wiring.runtime import SystemClock

    deps = Deps(uow=database.unit_of_work(), clock=SystemClock())
    tenant_id = await tenant_of(database, team)
    people = sorted(owned)[:20]
    actors = []
    for user in people:
        async with deps.uow(tenant_id) as tx:
            found = await tx.users.by_identity(f"slack:{team}:{user}")
        assert found is not None
        actors.append(actor_of(found))
    rng = random.Random(7)
    lines = []
    for name, make in (
            ("list mine", lambda n: ListMilestones(actor=actors[n % len(actors)])),
            ("show #N", lambda n: ShowMilestone(actor=actors[n % len(actors)], milestone=(
                MilestoneRef(number=rng.choice(owned[people[n % len(people)]]))))),
            ("check-in", lambda n: UpdateProgress(
                actor=actors[n % len(actors)], percent=rng.randint(0, 99),
                status=Status.ON_TRACK, notes="timed", milestone=MilestoneRef(
                    number=rng.choice(owned[people[n % len(people)]]))))):
        for n in range(10):
            await execute(make(n), deps)
        with recorded_statements() as statements:
            await execute(make(10), deps)
        started, cpu = time.perf_counter(), time.process_time()
        for n in range(calls):
            await execute(make(n), deps)
        wall = (time.perf_counter() - started) / calls * 1000
        lines.append(f"  {name:<12} {wall:6.2f} ms elapsed, "
                     f"{(time.process_time() - cpu) / calls * 1000:5.2f} ms of Python's CPU, "
                     f"{len(statements)} SQL statements besides BEGIN and COMMIT or ROLLBACK")
    mine = len(owned[people[0]])
    return [f"the use cases alone, {calls} calls each, one at a time ({mine} milestones in a "
            f"`list mine`):", *lines]
