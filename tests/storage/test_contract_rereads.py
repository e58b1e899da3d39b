"""Contract: reading again within one unit of work gives what a fresh read would, although
storage answers some rereads from what it read or wrote already (a check-in's audience and
forecast ask for the milestone it saved, its card for the history its forecast read)."""

from __future__ import annotations

from core.history import ProgressUpdate
from core.model import Status
from core.ports import UnitOfWorkFactory
from tests.storage.builders import add_milestone, at, workspace


async def test_a_milestone_reads_back_as_saved_and_not_as_changed_since(
        uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    m = await add_milestone(uow, ws, "first")
    assert m.id is not None
    async with uow(ws.id) as tx:
        mine = await tx.milestones.get(m.id)
        assert mine is not None
        mine.title = "saved"
        mine.tags.append("kept")
        await tx.milestones.save(mine)
        mine.title = "changed after the save"
        mine.tags.append("not saved")
        again = await tx.milestones.get(m.id)
        assert again is not None and again.title == "saved" and again.tags == ["kept"]
        again.title = "a reader's own change"
        third = await tx.milestones.get(m.id)
        assert third is not None and third.title == "saved"
        await tx.commit()
    async with uow(ws.id) as tx:
        stored = await tx.milestones.get(m.id)
        assert stored is not None and stored.title == "saved" and stored.tags == ["kept"]


async def test_a_parent_reads_as_the_roll_up_wrote_it(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    goal = await add_milestone(uow, ws, "goal")
    assert goal.id is not None
    async with uow(ws.id) as tx:
        before = await tx.milestones.get(goal.id)
        assert before is not None and before.progress == 0
        await tx.milestones.write_rollups({goal.id: (40, Status.ON_TRACK)}, at())
        after = await tx.milestones.get(goal.id)
        assert after is not None and (after.progress, after.status) == (40, Status.ON_TRACK)


async def test_history_read_again_holds_what_was_added_meanwhile(
        uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    m = await add_milestone(uow, ws, "tracked")
    assert m.id is not None

    def update(percent: int, days_ago: float) -> ProgressUpdate:
        assert m.id is not None
        return ProgressUpdate(tenant_id=ws.id, milestone_id=m.id, author_id=ws.owner_id,
                              percent=percent, status=Status.ON_TRACK,
                              created_at=at(days=-days_ago))

    async with uow(ws.id) as tx:
        await tx.updates.add(update(10, 20))
        await tx.updates.add(update(20, 2))
        weeks = await tx.updates.history([m.id], at(days=-30))
        assert [u.percent for u in weeks[m.id]] == [10, 20]
        # Narrower, from what was read: only the last week's.
        week = await tx.updates.history([m.id], at(days=-7))
        assert [u.percent for u in week[m.id]] == [20]
        assert await tx.updates.history([m.id], at(days=-1)) == {}
        await tx.updates.add(update(30, 0))
        again = await tx.updates.history([m.id], at(days=-7))
        assert [u.percent for u in again[m.id]] == [20, 30]
        wider = await tx.updates.history([m.id], at(days=-60))
        assert [u.percent for u in wider[m.id]] == [10, 20, 30]
