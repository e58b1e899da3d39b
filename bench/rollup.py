"""Roll-up benchmark: a check-in on a deep leaf, incremental against recomputing the whole tree.

    python bench/rollup.py                        # SQLite, in a temporary file
    python bench/rollup.py --database postgres://user@host:5432/cairn_bench

Builds a tenant with a tree of 10,000 milestones, 6 levels below the root (bulk inserted), then
measures, in the same run on the same database:

(a) `core.bus.execute(UpdateProgress(...))` on a leaf at the bottom: the whole use case
    (check-in, activity, incremental roll-up of every ancestor, the card it answers with). The
    leaf's ancestors weigh more than their siblings, so every update changes all six of them:
    the most expensive roll-up there is. Its SQL statements are counted (tortoise logs each one
    once on `tortoise.db_client`; on SQLite the count is checked against SQLite's own statement
    trace) and must stay within a bound that does not grow with the depth: the roll-up reads
    the chain of ancestors (locked) and their children's sums, then writes them all at once.
(a') the roll-up step of that check-in alone: the leaf's new value and
`core.milestones.rollup.rollup_from`.
(b) the baseline: the same leaf change, then every milestone loaded through the same repository,
    every parent recomputed bottom up, and the changed ones written back.
(b') the same baseline with the least work the ORM allows (four columns in one query): the
    cheapest whole-tree recompute, so the hardest ratio to beat.

Exits 1 when the statement count exceeds the bound. On PostgreSQL the bench's tenant is deleted
again at the end; the database must be one the bench may migrate.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# Run as `python bench/rollup.py`: make this checkout's packages win over any installed copy.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import open_bench_database
from core.bus import Deps, execute
from core.commands import Actor, MilestoneRef, UpdateProgress
from core.milestones.rollup import mean_percent, rollup_from
from core.model import MilestoneId, Status, TenantId
from core.people.use_cases import ensure_tenant, join
from core.ports import MilestoneFilter, UnitOfWorkFactory
from core.tenancy import Plan
from core.views import MilestoneCard
from storage import Database
from storage.models import TABLES, MilestoneRow, TenantRow

# Statements of the check-in: the actor, the leaf (locked, with its members), has-children, the
# leaf's save, the check-in, the activity entry, the roll-up (the chain of ancestors, locked; their
# children's sums; one write of every changed ancestor), the card (parent and its members,
# children, last update, history, people), and the tenant's version bumped at commit.
CONSTANT_STATEMENTS = 18
# The roll-up costs the same at any depth.
STATEMENTS_PER_LEVEL = 0
TARGET_RATIO = 20
# The leaf's ancestors weigh this much more than their siblings (see the module docstring).
HEAVY = 100
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class FixedClock:
    def now(self) -> datetime:
        return NOW


@dataclass
class Built:
    actor: Actor
    leaf_id: int
    leaf_number: int
    nodes: int


def level_sizes(nodes: int, depth: int) -> list[int]:
    """A root, inner levels growing by the largest constant fan-out that still leaves every node
    of the last inner level at least one child, and the rest of the nodes at the bottom."""

    def inner(fan_out: int) -> list[int]:
        return [fan_out ** level for level in range(depth)]

    fan_out = 2
    while sum(inner(fan_out + 1)) + (fan_out + 1) ** (depth - 1) <= nodes:
        fan_out += 1
    sizes = inner(fan_out)
    if sum(sizes) + sizes[-1] > nodes:
        raise SystemExit(f"{nodes:,} nodes are too few for a depth of {depth}")
    return [*sizes, nodes - sum(sizes)]


def parent_indexes(sizes: list[int]) -> list[list[int]]:
    """Per level, the index of each node's parent in the level above. Node 0 of each level is
    the child of node 0 above: the path down to the measured leaf."""
    return [[0] * sizes[0]] + [[i % sizes[level - 1] for i in range(size)]
                               for level, size in enumerate(sizes) if level]


def weight(level: int, index: int) -> int:
    return HEAVY if level and index == 0 else 1


def planned_progress(sizes: list[int], parents: list[list[int]],
                     rng: random.Random) -> list[list[int]]:
    """Random leaves, and every parent already rolled up, so rows go in with final values."""
    progress = [[0] * size for size in sizes]
    progress[-1] = [rng.randint(0, 100) for _ in range(sizes[-1])]
    for level in range(len(sizes) - 1, 0, -1):
        sums = [[0, 0] for _ in range(sizes[level - 1])]
        for i, parent in enumerate(parents[level]):
            sums[parent][0] += progress[level][i] * weight(level, i)
            sums[parent][1] += weight(level, i)
        progress[level - 1] = [mean_percent(total, weights) for total, weights in sums]
    return progress


async def build(database: Database, nodes: int, depth: int, seed: int) -> Built:
    uow = database.unit_of_work()
    deps = Deps(uow=uow, clock=FixedClock())
    slug = f"bench-{seed}-{time.time_ns()}"
    tenant = await ensure_tenant(deps, slug=slug, name="Rollup bench", plan=Plan.ENTERPRISE)
    assert tenant.id is not None
    actor = await join(deps, tenant.id, handle="bench")
    sizes = level_sizes(nodes, depth)
    parents = parent_indexes(sizes)
    progress = planned_progress(sizes, parents, random.Random(seed))
    started = time.perf_counter()
    ids: list[list[int]] = []
    number = 0
    async with uow(tenant.id) as tx:
        db = await tx.connection()
        for level, size in enumerate(sizes):
            first = number + 1
            rows = []
            for i in range(size):
                number += 1
                p = progress[level][i]
                rows.append(MilestoneRow(
                    tenant_id=tenant.id, number=number, title=f"L{level} #{number}",
                    owner_id=actor.user_id, created_by=actor.user_id,
                    parent_id=ids[level - 1][parents[level][i]] if level else None,
                    progress=p, status=Status.ON_TRACK if p else Status.NOT_STARTED,
                    weight=weight(level, i), created_at=NOW, updated_at=NOW))
            await MilestoneRow.bulk_create(rows, batch_size=1000, using_db=db)
            found = await MilestoneRow.filter(
                tenant_id=tenant.id, number__gte=first, number__lte=number,
            ).using_db(db).order_by("number").values_list("id")
            ids.append([row[0] for row in found])
            print(f"  level {level}: {size:>6,} milestones", flush=True)
        await TenantRow.filter(id=tenant.id).using_db(db).update(next_number=number)
        await tx.commit()
    # A bulk load leaves the planner without statistics until autovacuum comes round, as it
    # would in production well before anyone checks in; a new database would otherwise be
    # planned with sequential scans for the first minute.
    async with uow(tenant.id) as tx:
        db = await tx.connection()
        await db.execute_script("ANALYZE")
    print(f"  built {number:,} milestones in {time.perf_counter() - started:.1f} s", flush=True)
    leaf_number = sum(sizes[:-1]) + 1
    return Built(actor=actor, leaf_id=ids[-1][0], leaf_number=leaf_number, nodes=number)


@dataclass(frozen=True, slots=True)
class Node:
    parent_id: int | None
    progress: int
    weight: int
    status: Status


def rolled_up(nodes: dict[int, Node]) -> dict[int, tuple[int, Status]]:
    """Recomputes every parent bottom up with the core's rule; returns the parents that change
    (their new progress and status)."""
    children: dict[int, list[int]] = {}
    for id_, node in nodes.items():
        if node.parent_id is not None:
            children.setdefault(node.parent_id, []).append(id_)
    progress = {id_: node.progress for id_, node in nodes.items()}
    changed: dict[int, tuple[int, Status]] = {}
    for id_ in reversed(list(_breadth_first(children, nodes))):
        node = nodes[id_]
        counted = [k for k in children.get(id_, ()) if nodes[k].status != Status.CANCELLED]
        total = sum(nodes[k].weight for k in counted)
        if node.status == Status.DONE or not total:
            continue
        progress[id_] = mean_percent(sum(progress[k] * nodes[k].weight for k in counted), total)
        status = Status.ON_TRACK if node.status == Status.NOT_STARTED and progress[id_] else (
            node.status)
        if (progress[id_], status) != (node.progress, node.status):
            changed[id_] = (progress[id_], status)
    return changed


def _breadth_first(children: dict[int, list[int]], nodes: dict[int, Node]) -> Iterator[int]:
    frontier = [id_ for id_, node in nodes.items() if node.parent_id not in nodes]
    while frontier:
        yield from frontier
        frontier = [k for id_ in frontier for k in children.get(id_, ())]


async def roll_up_incrementally(uow: UnitOfWorkFactory, tenant_id: TenantId,
                                leaf_id: MilestoneId, parent_id: MilestoneId, percent: int
                                ) -> None:
    """(a') The roll-up step alone, like for like with (b'): the leaf's new value written the
    same lean way, then the core's incremental roll-up of its ancestors."""
    async with uow(tenant_id) as tx:
        db = await tx.connection()  # type: ignore[attr-defined]
        await MilestoneRow.filter(tenant_id=tenant_id, id=leaf_id).using_db(db).update(
            progress=percent)
        await rollup_from(tx, parent_id, NOW)
        await tx.commit()


async def recompute_through_ports(uow: UnitOfWorkFactory, tenant_id: TenantId,
                                  leaf_id: MilestoneId, percent: int) -> int:
    """Baseline (b): the leaf's new value, then every milestone loaded through the same
    repository the use case uses, every parent recomputed, the changed ones written back."""
    async with uow(tenant_id) as tx:
        leaf = await tx.milestones.get(leaf_id)
        assert leaf is not None
        leaf.progress = percent
        await tx.milestones.save(leaf)
        everything = await tx.milestones.find(MilestoneFilter(open_only=False))
        changed = rolled_up({m.id: Node(m.parent_id, m.progress, m.weight, m.status)
                             for m in everything if m.id is not None})
        db = await tx.connection()  # type: ignore[attr-defined]
        for id_, (progress, status) in changed.items():
            await MilestoneRow.filter(tenant_id=tenant_id, id=id_).using_db(db).update(
                progress=progress, status=status)
        await tx.commit()
    return len(changed)


async def recompute_lean(database: Database, tenant_id: TenantId, leaf_id: int,
                         percent: int | None) -> int:
    """Baseline (b'): the same with the least work the ORM allows: one query for the four
    columns the roll-up needs, one UPDATE per changed parent."""
    async with database.unit_of_work()(tenant_id) as tx:
        db = await tx.connection()
        if percent is not None:
            await MilestoneRow.filter(tenant_id=tenant_id, id=leaf_id).using_db(db).update(
                progress=percent)
        rows = await MilestoneRow.filter(tenant_id=tenant_id, deleted_at__isnull=True).using_db(
            db).values_list("id", "parent_id", "progress", "weight", "status")
        changed = rolled_up({id_: Node(parent_id, progress, weight, Status(status))
                             for id_, parent_id, progress, weight, status in rows})
        for id_, (progress, status) in changed.items():
            await MilestoneRow.filter(tenant_id=tenant_id, id=id_).using_db(db).update(
                progress=progress, status=status)
        await tx.commit()
    return len(changed)


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


async def sqlite_trace(database: Database, run: Callable[[], Awaitable[object]]) -> list[str]:
    """The statements SQLite itself executed during `run`, as the engine reports them."""
    # Reaching into tortoise's client for the aiosqlite connection is deliberate: a count from
    # the engine is the independent check that the logger's count is right.
    connection = database._client._connection
    seen: list[str] = []
    await connection.set_trace_callback(seen.append)
    try:
        await run()
    finally:
        await connection.set_trace_callback(None)
    return seen


def statements_sent(trace: list[str]) -> int:
    # Not sent by tortoise as statements of their own: transaction control, and the
    # `SELECT last_insert_rowid()` aiosqlite runs inside the same call after each INSERT.
    extra = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SELECT LAST_INSERT_ROWID()")
    return sum(1 for s in trace if not s.strip().upper().startswith(extra))


async def timed(run: Callable[[], Awaitable[object]], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await run()
        times.append(time.perf_counter() - started)
    return times


async def bench(url: str, nodes: int, depth: int, runs: int, seed: int) -> int:
    database = await open_bench_database(url)
    print(f"Roll-up bench on {database.dialect}: {nodes:,} milestones, depth {depth}", flush=True)
    built: Built | None = None
    try:
        built = await build(database, nodes, depth, seed)
        return await measure(database, built, depth, runs)
    finally:
        if built is not None and database.dialect == "postgres":
            await forget_tenant(database, built.actor.tenant_id)
        await database.close()


async def measure(database: Database, built: Built, depth: int, runs: int) -> int:
    deps = Deps(uow=database.unit_of_work(), clock=FixedClock())
    tenant_id = built.actor.tenant_id
    leaf_id = MilestoneId(built.leaf_id)
    percents = itertools.cycle([5, 95])

    async def check_in() -> None:
        view = await execute(UpdateProgress(actor=built.actor, percent=next(percents),
                                            milestone=MilestoneRef(number=built.leaf_number)),
                             deps)
        assert isinstance(view, MilestoneCard)

    async def root_progress() -> int:
        async with deps.uow(tenant_id) as tx:
            root = await tx.milestones.by_number(1)
        assert root is not None
        return root.progress

    print("measuring (a) the incremental check-in ...", flush=True)
    await check_in()  # warm up: connections, statement caches
    before = await root_progress()
    counter = StatementCounter()
    trace: list[str] = []
    with counter.counting() as statements:
        if database.dialect == "sqlite":
            trace = await sqlite_trace(database, check_in)
        else:
            await check_in()
    logged = len(statements)
    moved = await root_progress() != before
    incremental = await timed(check_in, runs)

    async with deps.uow(tenant_id) as tx:
        leaf = await tx.milestones.get(leaf_id)
    assert leaf is not None and leaf.parent_id is not None
    parent_id = leaf.parent_id

    async def roll_up() -> None:
        await roll_up_incrementally(deps.uow, tenant_id, leaf_id, parent_id, next(percents))

    rollup_only = await timed(roll_up, runs)
    leftovers = await recompute_lean(database, tenant_id, built.leaf_id, None)

    print("measuring (b) the whole-tree recompute ...", flush=True)
    rewritten: list[int] = []

    async def through_ports() -> None:
        rewritten.append(await recompute_through_ports(
            deps.uow, tenant_id, leaf_id, next(percents)))

    async def lean() -> None:
        await recompute_lean(database, tenant_id, built.leaf_id, next(percents))

    slow_runs = max(3, runs // 3)
    ported = await timed(through_ports, slow_runs)
    leaned = await timed(lean, slow_runs)

    bound = CONSTANT_STATEMENTS + STATEMENTS_PER_LEVEL * depth
    a, a_rollup = statistics.median(incremental), statistics.median(rollup_only)
    b, b_lean = statistics.median(ported), statistics.median(leaned)
    print(f"(a)  incremental check-in, whole use case: median {a * 1000:.1f} ms "
          f"over {len(incremental)} runs")
    print(f"     SQL statements: {logged}, bound {CONSTANT_STATEMENTS} + {STATEMENTS_PER_LEVEL} "
          f"x depth {depth} = {bound}; root moved, so all {depth} ancestors were rewritten: "
          f"{'yes' if moved else 'NO'}")
    counted_right = True
    if database.dialect == "sqlite":
        sent = statements_sent(trace)
        counted_right = sent == logged
        print(f"     SQLite's own trace: {len(trace)} statements, {sent} sent by tortoise "
              f"({'matches' if counted_right else 'DOES NOT MATCH'} the count)")
    print(f"     a whole-tree recompute afterwards finds {leftovers} parents to fix")
    print(f"(a') its roll-up step alone (leaf saved, ancestors rolled up): median "
          f"{a_rollup * 1000:.1f} ms over {len(rollup_only)} runs")
    print(f"(b)  whole-tree recompute through the same repository: median {b * 1000:.1f} ms "
          f"over {len(ported)} runs (loads {built.nodes:,} milestones, rewrites "
          f"{statistics.median(rewritten):.0f})")
    print(f"(b') whole-tree recompute, lean (4 columns, 1 query): median "
          f"{b_lean * 1000:.1f} ms over {len(leaned)} runs")
    for name, baseline, incremental_time in (("(b) /(a) ", b, a), ("(b')/(a) ", b_lean, a),
                                             ("(b')/(a')", b_lean, a_rollup)):
        ratio = baseline / incremental_time
        verdict = "meets" if ratio >= TARGET_RATIO else "misses"
        print(f"ratio {name}: {ratio:5.1f}x ({verdict} the {TARGET_RATIO}x target)")
    failed = logged > bound or leftovers != 0 or not moved or not counted_right
    if failed:
        print("FAILED: more statements than the bound, an inconsistent tree, or a miscount")
    return 1 if failed else 0


async def forget_tenant(database: Database, tenant_id: TenantId) -> None:
    """Deletes the bench's rows so a shared PostgreSQL database is left as it was found."""
    async with database.unit_of_work()(tenant_id) as tx:
        db = await tx.connection()
        for table in TABLES:  # the bench only writes the core's tables
            column = "id" if table == "tenants" else "tenant_id"
            if table == "milestones":
                await db.execute_query(
                    "UPDATE milestones SET parent_id = NULL WHERE tenant_id = $1", [tenant_id])
            await db.execute_query(f'DELETE FROM "{table}" WHERE {column} = $1', [tenant_id])
        await tx.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--depth", type=int, default=6)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cairn-bench-") as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        return asyncio.run(bench(url, args.nodes, args.depth, args.runs, args.seed))


if __name__ == "__main__":
    sys.exit(main())
