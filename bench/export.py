"""Export benchmark: a 10,000-milestone tenant's rows through the CSV, XLSX and PDF writers.

    python bench/export.py [--milestones 10000] [--formats csv,xlsx,pdf] [--seed 7]

The row source is a parameter of `measure`: any `core.reports.ports.ReportSource`. Until the
storage of reports lands it is `SyntheticTenant`, which streams a deterministic company (goals,
milestones and tasks in a tree, owners, statuses, due dates, a history of check-ins, check-in
requests) the way a database cursor would: each row is a new object made as it is read, from a
compact plan built before the measurement.

For each format, `core.reports.exporting.write_export` runs the whole export (every milestone,
the quarter's check-ins, the report it opens with; the PDF's two charts in the chart worker
process) into a temporary folder, twice: once timed, once under tracemalloc for the peak of
Python memory it allocated. The baseline, measured in the same run: reading the same rows from
the same source without writing anything, and the memory of holding every row at once (what an
export that is not streamed would need at least). A progress bar shows each export's rows.
Also prints the longest stall of the event loop during each timed export (how late a ticker
that sleeps 5 ms wakes up): what a chat waiting for its ack would feel.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Run as `python bench/export.py`: make this checkout's packages win over any installed copy.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tqdm import tqdm

from core.model import Kind, MilestoneId, Priority, Status
from core.reports.exporting import write_export
from core.reports.exports import export_row
from core.reports.inputs import CheckinRequest, CompanyScope, ReportMilestone, ReportUpdate, Scope
from core.reports.periods import PeriodKind, current_period
from core.reports.ports import ReportSource, ScopeSize
from integrations.charts.renderer import ProcessChartRenderer
from integrations.exports.formats import FORMATS

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
HISTORY_DAYS = 270
PEOPLE = 200
GOALS = 50
MILESTONES_PER_GOAL = 10


@dataclass(frozen=True, slots=True)
class _Planned:
    """One milestone of the plan: small tuples-like records, not the rows themselves."""

    number: int
    kind: Kind
    parent: int | None
    owner: int
    status: Status
    progress: int
    priority: Priority
    created: int  # days before NOW
    due: int | None  # days after NOW (negative: past)
    closed: int | None  # days before NOW
    updates: tuple[tuple[int, int], ...]  # (days before NOW, percent), oldest first


class SyntheticTenant:
    """A `ReportSource` over a generated company of `milestones` milestones."""

    def __init__(self, milestones: int, seed: int) -> None:
        rng = random.Random(seed)
        plan: list[_Planned] = []
        goals = min(GOALS, milestones)
        middles = min(goals * MILESTONES_PER_GOAL, max(0, milestones - goals))
        for number in range(1, milestones + 1):
            if number <= goals:
                kind, parent = Kind.GOAL, None
            elif number <= goals + middles:
                kind, parent = Kind.MILESTONE, rng.randint(1, goals)
            else:
                kind, parent = Kind.TASK, rng.randint(goals + 1, goals + middles)
            plan.append(self._planned(rng, number, kind, parent))
        self._plan = plan
        # (hours before NOW, percent, number, owner), oldest first
        self._updates = sorted(
            ((days * 24 + p.number % 9, percent, p.number, p.owner)
             for p in plan for days, percent in p.updates), reverse=True)
        self._requests = [(person, week) for week in range(12) for person in range(PEOPLE)]

    @staticmethod
    def _planned(rng: random.Random, number: int, kind: Kind, parent: int | None) -> _Planned:
        created = rng.randint(20, HISTORY_DAYS)
        due = rng.randint(-created // 2, 120)
        roll = rng.random()
        status = (Status.DONE if roll < 0.35 else Status.CANCELLED if roll < 0.38 else
                  rng.choice([Status.ON_TRACK, Status.ON_TRACK, Status.AT_RISK,
                              Status.OFF_TRACK, Status.BLOCKED, Status.NOT_STARTED]))
        closed = rng.randint(0, created - 1) if status.closed else None
        updates: list[tuple[int, int]] = []
        if kind == Kind.TASK:
            percent, day = 0, created
            for _ in range(rng.randint(0, 4)):
                day = rng.randint(closed or 0, day)
                percent = min(100, percent + rng.randint(5, 40))
                updates.append((day, percent))
        progress = 100 if status == Status.DONE else updates[-1][1] if updates else 0
        return _Planned(number=number, kind=kind, parent=parent, owner=rng.randrange(PEOPLE),
                        status=status, progress=progress,
                        priority=rng.choice(list(Priority)), created=created, due=due,
                        closed=closed, updates=tuple(updates))

    async def size(self, scope: Scope) -> ScopeSize:
        return ScopeSize(len(self._plan), len(self._updates))

    async def milestones(self, scope: Scope) -> AsyncIterator[ReportMilestone]:
        for p in self._plan:
            last = p.updates[-1][0] if p.updates else None
            yield ReportMilestone(
                id=MilestoneId(p.number), number=p.number, kind=p.kind,
                title=f"{p.kind.value.capitalize()} {p.number}: ship the thing on time",
                parent_id=MilestoneId(p.parent) if p.parent else None, parent_number=p.parent,
                owner=f"person{p.owner}", status=p.status, progress=p.progress,
                priority=p.priority, tags=("bench",) if p.number % 3 == 0 else (),
                due_date=NOW.date() + timedelta(days=p.due) if p.due is not None else None,
                created_at=NOW - timedelta(days=p.created),
                completed_at=NOW - timedelta(days=p.closed) if p.closed is not None else None,
                last_update_at=NOW - timedelta(days=last) if last is not None else None)

    async def updates(self, scope: Scope) -> AsyncIterator[ReportUpdate]:
        for hours, percent, number, owner in self._updates:
            yield ReportUpdate(milestone_id=MilestoneId(number), author=f"person{owner}",
                               at=NOW - timedelta(hours=hours),
                               percent=percent, status=Status.ON_TRACK,
                               notes="Moved forward; the next step is planned.")

    async def checkins(self, scope: Scope, since: datetime | None
                       ) -> AsyncIterator[CheckinRequest]:
        for person, week in self._requests:
            asked = NOW - timedelta(weeks=week, hours=3)
            if since is None or asked >= since:
                answered = asked + timedelta(hours=1 + person % 30) if person % 7 else None
                yield CheckinRequest(person=f"person{person}", asked_at=asked,
                                     answered_at=answered)


@dataclass
class Figures:
    seconds: float
    peak: int  # bytes
    size: int  # bytes of the file


async def read_only(source: ReportSource) -> float:
    """The baseline: the same rows read and turned into export rows, nothing written."""
    started = time.perf_counter()
    scope = CompanyScope()
    async for m in source.milestones(scope):
        export_row(m, "UTC")
    async for _ in source.updates(scope):
        pass
    async for _ in source.checkins(scope, None):
        pass
    return time.perf_counter() - started


async def held_in_memory(source: ReportSource) -> int:
    tracemalloc.start()
    rows = [export_row(m, "UTC") async for m in source.milestones(CompanyScope())]
    updates = [u async for u in source.updates(CompanyScope())]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del rows, updates
    return peak


async def one_export(kind: str, source: ReportSource, renderer: ProcessChartRenderer,
                     folder: Path, *, traced: bool) -> Figures:
    target = folder / f"bench.{FORMATS[kind].extension}"
    size = await source.size(CompanyScope())
    bar = tqdm(total=size.milestones + size.updates, unit="row", desc=f"{kind:>4}",
               leave=False, disable=traced, file=sys.stderr)
    seen = 0

    def progress(done: int, total: int) -> None:
        nonlocal seen
        bar.update(done - seen)
        seen = done

    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    await write_export(source=source, scope=CompanyScope(), tenant="Bench Corp", now=NOW,
                       period=current_period(PeriodKind.QUARTER, NOW, "UTC"),
                       writer=FORMATS[kind].open(target), renderer=renderer, progress=progress)
    seconds = time.perf_counter() - started
    peak = 0
    if traced:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    bar.close()
    return Figures(seconds, peak, target.stat().st_size)


async def stall_watch(stop: asyncio.Event, worst: list[float]) -> None:
    """How late a 5 ms ticker wakes up: the longest time the loop was held."""
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(0.005)
        worst[0] = max(worst[0], time.perf_counter() - before - 0.005)


async def measure(source: ReportSource, formats: list[str], rows: int) -> None:
    baseline = min([await read_only(source) for _ in range(3)])
    held = await held_in_memory(source)
    print(f"baseline, reading the rows without writing: {baseline:.2f} s "
          f"({rows / baseline:,.0f} milestones/s); holding them all: {held / 2**20:.1f} MiB")
    async with ProcessChartRenderer() as renderer:
        started = time.perf_counter()
        await write_export(source=SyntheticTenant(10, 1), scope=CompanyScope(), tenant="",
                           now=NOW, period=current_period(PeriodKind.WEEK, NOW, "UTC"),
                           writer=FORMATS["pdf"].open(Path(tempfile.mkdtemp()) / "warm.pdf"),
                           renderer=renderer)
        print(f"chart worker started and warm in {time.perf_counter() - started:.1f} s",
              flush=True)
        print(f"{'format':<7}{'milestones/s':>13}{'time':>9}{'vs reading':>12}"
              f"{'peak memory':>13}{'file':>11}{'loop stall':>12}", flush=True)
        with tempfile.TemporaryDirectory() as folder:
            for kind in formats:
                worst = [0.0]
                stop = asyncio.Event()
                watcher = asyncio.create_task(stall_watch(stop, worst))
                timed = await one_export(kind, source, renderer, Path(folder), traced=False)
                stop.set()
                await watcher
                traced = await one_export(kind, source, renderer, Path(folder), traced=True)
                print(f"{kind:<7}{rows / timed.seconds:>13,.0f}{timed.seconds:>8.2f}s"
                      f"{timed.seconds / baseline:>11.1f}x{traced.peak / 2**20:>9.1f} MiB"
                      f"{timed.size / 2**20:>7.1f} MiB{worst[0] * 1000:>9.0f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--milestones", type=int, default=10_000)
    parser.add_argument("--formats", default="csv,xlsx,pdf")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database", default="",
                        help="read the rows from this database (sqlite://… or postgres://…), "
                             "through the storage's ReportSource; loaded once")
    args = parser.parse_args()
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or args.milestones < 1:
        parser.error(f"formats are {', '.join(FORMATS)}; milestones at least 1")
    source = SyntheticTenant(args.milestones, args.seed)
    if args.database:
        asyncio.run(on_database(args.database, source, formats, args.seed))
        return
    size = asyncio.run(source.size(CompanyScope()))
    print(f"Export benchmark: {size.milestones:,} milestones, {size.updates:,} check-ins "
          f"(synthetic tenant, seed {args.seed}), the quarter of {NOW:%d %b %Y}")
    asyncio.run(measure(source, formats, size.milestones))


async def on_database(url: str, synthetic: SyntheticTenant, formats: list[str], seed: int
                      ) -> None:
    from bench.databases import open_bench_database
    from bench.export_data import loaded_tenant
    from storage.reports import TortoiseReportSources

    database = await open_bench_database(url)
    try:
        tenant = await loaded_tenant(database, synthetic)
        source = TortoiseReportSources(database.unit_of_work())(tenant)
        size = await source.size(CompanyScope())
        print(f"Export benchmark: {size.milestones:,} milestones, {size.updates:,} check-ins "
              f"(synthetic tenant, seed {seed}) read from {database.dialect} through the "
              f"storage's ReportSource, the quarter of {NOW:%d %b %Y}")
        await measure(source, formats, size.milestones)
    finally:
        await database.close()


if __name__ == "__main__":
    main()
