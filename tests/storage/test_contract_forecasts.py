"""Forecasts are stored by the change that makes them, in its transaction, on the fake, SQLite
and PostgreSQL; the latest of each milestone reads back in one statement; the fall at risk
claims one alert."""

from __future__ import annotations

from datetime import date, datetime

from core.bus import Deps, execute
from core.commands import ChangeDueDate, MilestoneRef, UpdateProgress
from core.model import MilestoneId
from core.nudges.schedule import NudgeKind
from core.people.use_cases import actor_of
from core.ports import UnitOfWorkFactory
from core.scoring.forecast import Method
from core.scoring.forecast_records import StoredForecast
from tests.fakes import FrozenClock
from tests.storage.builders import Workspace, add_milestone, at, workspace


async def latest(uow: UnitOfWorkFactory, ws: Workspace, m: MilestoneId) -> StoredForecast:
    async with uow(ws.id) as tx:
        return (await tx.forecasts.latest([m]))[m]


async def alerts(uow: UnitOfWorkFactory, now: datetime) -> list[str]:
    async with uow() as tx:
        return [n.period for n in await tx.nudges.pending(now, 50)
                if n.kind == NudgeKind.FORECAST]


async def test_each_change_stores_the_forecast_it_makes(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    m = await add_milestone(uow, ws, "Beta", due_date=date(2026, 12, 31))
    other = await add_milestone(uow, ws, "Docs", due_date=date(2026, 12, 31))
    assert m.id is not None and other.id is not None
    clock = FrozenClock(at())
    deps = Deps(uow=uow, clock=clock)
    me = actor_of(ws.owner)

    async def check_in(percent: int, days: int) -> StoredForecast:
        clock.set(at(days=days))
        await execute(UpdateProgress(actor=me, milestone=MilestoneRef(number=m.number),
                                     percent=percent), deps)
        assert m.id is not None
        return await latest(uow, ws, m.id)

    first = await check_in(10, 0)
    assert first.method == Method.NOT_ENOUGH and first.due == date(2026, 12, 31)
    assert first.made_at == at() and not first.at_risk
    assert (await check_in(15, 7)).id == first.id  # says the same: no second row
    behind = await check_in(20, 14)
    assert behind.id is not None and first.id is not None and behind.id > first.id
    assert (behind.method, behind.p50, behind.due) == (
        Method.TREND, date(2027, 3, 29), date(2026, 12, 31))
    assert behind.p85 is not None and behind.chance is not None and behind.at_risk
    await check_in(21, 15)  # still at risk
    assert await alerts(uow, at(days=16)) == [f"after:{first.id}"]  # one alert, once

    # A moved due date is a change too.
    await execute(ChangeDueDate(actor=me, milestone=MilestoneRef(number=m.number),
                              due=date(2027, 6, 30)), deps)
    moved = await latest(uow, ws, m.id)
    assert moved.due == date(2027, 6, 30) and not moved.at_risk

    async with uow(ws.id) as tx:  # read back together; a milestone without one is left out
        found = await tx.forecasts.latest([m.id, other.id])
    assert list(found) == [m.id] and found[m.id] == moved
