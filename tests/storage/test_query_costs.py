"""How many statements the hot repository calls cost: bounded, whatever the number of rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.bus import Deps, execute
from core.commands import MilestoneRef, UpdateProgress
from core.events import DueDateChanged
from core.history import ProgressUpdate
from core.milestones.rollup import rollup_from
from core.model import Kind, Member, MemberRole, Status
from core.people.use_cases import actor_of
from core.ports import MilestoneFilter
from core.scoring.forecast import Method
from core.scoring.forecast_feed import record_forecast
from core.views import MilestoneCard
from storage import Database
from tests.fakes import FrozenClock
from tests.storage.builders import NOW, add_milestone, user, workspace
from tests.storage.statements import recorded_statements


async def test_finding_milestones_loads_their_members_in_the_same_statement(
        database: Database) -> None:
    uow = database.unit_of_work()
    ws = await workspace(uow, "acme")
    async with uow(ws.id) as tx:
        bob = await tx.users.add(user(ws.id, "bob"))
        await tx.commit()
    assert bob.id is not None
    root = await add_milestone(uow, ws, "root")
    for n in range(12):
        await add_milestone(uow, ws, f"child {n}", parent_id=root.id,
                            members=[Member(bob.id, MemberRole.WATCHER)] if n % 2 else [])
    async with uow(ws.id) as tx:
        with recorded_statements() as statements:
            found = await tx.milestones.find(MilestoneFilter(parent_id=root.id))
        assert len(found) == 12 and sum(1 for m in found if m.members) == 6
        assert len(statements) == 1  # the milestones, every one with its members
        with recorded_statements() as statements:
            assert root.id is not None
            assert await tx.milestones.children_rollup(root.id) == (0, 12)
            assert len(await tx.milestones.descendant_ids(root.id)) == 12
            assert (await tx.milestones.get(root.id, lock=True)) is not None
        assert len(statements) == 1 + 1 + 1


async def test_a_roll_up_costs_three_statements_whatever_the_depth(
        database: Database) -> None:
    uow = database.unit_of_work()
    ws = await workspace(uow, "acme")
    chain = [await add_milestone(uow, ws, "root")]
    for depth in range(1, 8):
        chain.append(await add_milestone(uow, ws, f"level {depth}", parent_id=chain[-1].id))
    for start in (chain[1], chain[-2]):  # a short walk and a long one
        leaf = await add_milestone(uow, ws, "leaf", parent_id=start.id, progress=40)
        async with uow(ws.id) as tx:
            with recorded_statements() as statements:
                changed = await rollup_from(tx, leaf.parent_id, NOW)
            await tx.commit()
        assert changed >= 2
        assert len(statements) == 3  # the chain (locked), its children's sums, one write


async def test_saving_unchanged_members_leaves_their_table_alone(database: Database) -> None:
    uow = database.unit_of_work()
    ws = await workspace(uow, "acme")
    async with uow(ws.id) as tx:
        bob = await tx.users.add(user(ws.id, "bob"))
        await tx.commit()
    assert bob.id is not None
    m = await add_milestone(uow, ws, members=[Member(bob.id, MemberRole.CONTRIBUTOR)])
    assert m.id is not None
    async with uow(ws.id) as tx:
        loaded = await tx.milestones.get(m.id, lock=True)
        assert loaded is not None
        loaded.progress = 30
        with recorded_statements() as statements:
            await tx.milestones.save(loaded)
        assert len(statements) == 1
        assert "milestone_members" not in statements[0]


async def test_many_ids_are_found_in_chunks(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storage.milestones.IN_CHUNK", 3)
    uow = database.unit_of_work()
    ws = await workspace(uow, "acme")
    made = [await add_milestone(uow, ws, f"m{n}",
                                members=[Member(ws.owner_id, MemberRole.WATCHER)])
            for n in range(8)]
    wanted = {m.id for m in made[1:]}
    async with uow(ws.id) as tx:
        found = await tx.milestones.find(MilestoneFilter(ids=wanted))  # type: ignore[arg-type]
        limited = await tx.milestones.find(
            MilestoneFilter(ids=wanted, limit=4))  # type: ignore[arg-type]
    assert found == made[1:]
    assert limited == made[1:5]


async def test_a_check_in_locks_its_ancestors_last_and_its_card_shows_the_roll_up(
        database: Database) -> None:
    """Concurrent check-ins under one goal queue on the goal's row: the check-in reads its card
    first and locks the chain of ancestors only for the roll-up's own statements and the
    commit."""
    uow = database.unit_of_work()
    ws = await workspace(uow, "acme")
    goal = await add_milestone(uow, ws, "goal", kind=Kind.GOAL)
    middle = await add_milestone(uow, ws, "middle", parent_id=goal.id)
    leaf = await add_milestone(uow, ws, "leaf", parent_id=middle.id)
    await add_milestone(uow, ws, "sibling", parent_id=middle.id, progress=20)
    deps = Deps(uow=uow, clock=FrozenClock(NOW))
    with recorded_statements() as statements:
        view = await execute(UpdateProgress(actor=actor_of(ws.owner), milestone=MilestoneRef(
            number=leaf.number), percent=60), deps)
    assert isinstance(view, MilestoneCard) and view.parent is not None
    assert view.parent.percent == 40  # (60 + 20) / 2, as the roll-up wrote it
    chain = next(n for n, s in enumerate(statements) if "WITH RECURSIVE up" in s)
    after = statements[chain + 1:]
    # The children's sums, the one write of the changed ancestors, the tenant's version.
    assert len([s for s in after if "COMMIT" not in s.upper()]) == 3, after
    async with uow(ws.id) as tx:
        assert goal.id is not None and middle.id is not None
        assert [(m.progress, m.status) for m in await tx.milestones.find(MilestoneFilter(
            ids=[goal.id, middle.id]))] == [(40, Status.ON_TRACK), (40, Status.ON_TRACK)]


async def test_a_change_makes_and_stores_its_forecast_in_five_statements(
        database: Database) -> None:
    """The milestone, its check-ins, its children, its latest forecast, one insert: whatever
    the length of its history or the number of its children."""
    uow = database.unit_of_work()
    ws = await workspace(uow, "acme")
    parent = await add_milestone(uow, ws, "parent", due_date=date(2026, 12, 31))
    for n in range(6):
        await add_milestone(uow, ws, f"child {n}", parent_id=parent.id)
    assert parent.id is not None
    async with uow(ws.id) as tx:
        for day in range(20):
            await tx.updates.add(ProgressUpdate(
                tenant_id=ws.id, milestone_id=parent.id, author_id=ws.owner_id,
                percent=day, status=Status.ON_TRACK, created_at=NOW + timedelta(days=day)))
        await tx.commit()
    async with uow(ws.id) as tx:
        event = DueDateChanged(tenant_id=ws.id, milestone_id=parent.id, actor_id=ws.owner_id,
                               at=NOW + timedelta(days=20), previous=None,
                               due=date(2026, 12, 31))
        with recorded_statements() as statements:
            recorded = await record_forecast(tx, event)
        # The card that follows shows the forecast just stored without reading it back.
        with recorded_statements() as card_reads:
            shown = await tx.forecasts.latest([parent.id])
        await tx.commit()
    assert recorded is not None and recorded.stored.method == Method.TREND
    assert len(statements) == 5, statements
    assert shown == {parent.id: recorded.stored} and card_reads == []
