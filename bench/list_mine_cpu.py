"""CPU per call of the hot use cases, alone in one process: small, runs in seconds.

    python bench/list_mine_cpu.py                        # SQLite, in a temporary file
    python bench/list_mine_cpu.py --database postgres://user@host:5432/cairn_bench

A person owning 20 milestones (under one goal, each with a contributor) calls, through
`core.bus.execute` with no read cache: `list mine`, `show #N`, a check-in (`update #N 60%`) and
the App Home dashboard. Each prints the median CPU milliseconds of this process per call
(`time.process_time`, which holds up on a loaded machine where elapsed time does not) and the
SQL statements one call sends besides BEGIN, COMMIT and ROLLBACK. The database's own work is
not in the CPU figure. On PostgreSQL the bench's tenant is deleted again at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# Run as `python bench/list_mine_cpu.py`: this checkout's packages win over any installed copy.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.databases import open_bench_database
from core.bus import Deps, execute
from core.commands import (
    Actor,
    Command,
    CreateMilestone,
    ListMilestones,
    MilestoneRef,
    ShowDashboard,
    ShowMilestone,
    UpdateProgress,
    UserRef,
)
from core.model import Kind, Status
from core.people.use_cases import ensure_tenant, join
from core.tenancy import Plan
from core.views import View
from tests.storage.statements import recorded_statements
from wiring.runtime import SystemClock

OWNED = 20
TARGET_LIST_MS = 1.5
QUIET = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


async def setup(deps: Deps) -> tuple[Actor, list[int]]:
    tenant = await ensure_tenant(deps, slug=f"cpu-{time.time_ns()}", plan=Plan.ENTERPRISE)
    assert tenant.id is not None
    actor = await join(deps, tenant.id, handle="owner")
    await join(deps, tenant.id, handle="helper")
    goal = await execute(CreateMilestone(actor=actor, kind=Kind.GOAL, title="The goal"), deps)
    numbers = []
    for n in range(OWNED):
        card = await execute(CreateMilestone(
            actor=actor, kind=Kind.MILESTONE, title=f"Milestone {n + 1}",
            parent=MilestoneRef(number=goal.line.number),
            contributors=(UserRef(handle="helper"),)), deps)
        numbers.append(card.line.number)
    return actor, numbers


async def measure(deps: Deps, make: Callable[[int], Command[View]], calls: int
                  ) -> tuple[float, int]:
    for n in range(5):
        await execute(make(n), deps)
    with recorded_statements() as statements:
        await execute(make(5), deps)
    sent = [s for s in statements if not s.lstrip().upper().startswith(QUIET)]
    cpu = []
    for n in range(calls):
        command = make(n)
        started = time.process_time()
        await execute(command, deps)
        cpu.append((time.process_time() - started) * 1000)
    return statistics.median(cpu), len(sent)


async def bench(url: str, calls: int, verbose: bool) -> int:
    database = await open_bench_database(url)
    try:
        deps = Deps(uow=database.unit_of_work(), clock=SystemClock())
        actor, numbers = await setup(deps)
        cases: list[tuple[str, Callable[[int], Command[View]]]] = [
            ("list mine", lambda n: ListMilestones(actor=actor)),
            ("show #N", lambda n: ShowMilestone(
                actor=actor, milestone=MilestoneRef(number=numbers[n % OWNED]))),
            ("check-in", lambda n: UpdateProgress(
                actor=actor, milestone=MilestoneRef(number=numbers[n % OWNED]),
                percent=60 + n % 30, status=Status.ON_TRACK, notes=f"cpu {n}")),
            ("App Home", lambda n: ShowDashboard(actor=actor)),
        ]
        print(f"{database.dialect}: {calls} calls each, {OWNED} milestones owned, no read cache")
        list_ms = 0.0
        for name, make in cases:
            median, sent = await measure(deps, make, calls)
            if name == "list mine":
                list_ms = median
            print(f"  {name:<10} {median:6.2f} ms CPU (median), {sent:2} SQL statements",
                  flush=True)
            if verbose:
                with recorded_statements() as statements:
                    await execute(make(calls), deps)
                for s in statements:
                    print("      " + " ".join(s.split())[:160])
        verdict = "met" if list_ms < TARGET_LIST_MS else "missed"
        print(f"  target for `list mine`: under {TARGET_LIST_MS} ms CPU: {verdict}")
        if database.dialect == "postgres":
            assert actor.tenant_id is not None
            from bench.rollup import forget_tenant
            await forget_tenant(database, actor.tenant_id)
    finally:
        await database.close()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--calls", type=int, default=101)
    parser.add_argument("--statements", action="store_true", help="print each SQL statement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cairn-bench-") as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        return asyncio.run(bench(url, args.calls, args.statements))


if __name__ == "__main__":
    sys.exit(main())
