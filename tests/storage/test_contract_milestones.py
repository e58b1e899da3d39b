"""Contract: milestones, their members, the tree below them and the roll-up queries."""

from __future__ import annotations

import random
from datetime import date, time

from core.milestones.rollup import rolled_up, rollup_from
from core.model import (
    Kind,
    Member,
    MemberRole,
    MilestoneId,
    Priority,
    Status,
    SuccessCriterion,
    UserId,
)
from core.ports import MilestoneFilter, RollupNode, UnitOfWorkFactory
from tests.storage.builders import (
    NOW,
    Workspace,
    add_milestone,
    at,
    ids,
    user,
    workspace,
)


async def _bob(uow: UnitOfWorkFactory, ws: Workspace) -> UserId:
    async with uow(ws.id) as tx:
        bob = await tx.users.add(user(ws.id, "bob"))
        await tx.commit()
    assert bob.id is not None
    return bob.id


async def test_every_field_survives_the_round_trip(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    bob = await _bob(uow, ws)
    goal = await add_milestone(uow, ws, "Grow revenue 20%", kind=Kind.GOAL)
    m = await add_milestone(
        uow, ws, "Launch beta", kind=Kind.TASK, description="All of it", parent_id=goal.id,
        start_date=date(2026, 12, 1), due_date=date(2026, 12, 31), due_time=time(17, 30),
        priority=Priority.CRITICAL,
        status=Status.AT_RISK, progress=42, weight=3,
        criterion=SuccessCriterion(metric="ARR", start=1.2, target=1.5, current=1.32,
                                   unit="MUSD"),
        members=[Member(bob, MemberRole.CONTRIBUTOR), Member(ws.owner_id, MemberRole.WATCHER)],
        tags=["q1", "sales"], links=["https://example.com/plan"], channel="C123",
        created_at=at(hours=-2), updated_at=at(hours=-1), completed_at=at(minutes=-30),
        last_update_at=at(minutes=-45, microseconds=250))
    assert m.id is not None and m.number == 2
    async with uow(ws.id) as tx:
        assert await tx.milestones.get(m.id) == m
        assert await tx.milestones.by_number(2) == m
        assert await tx.milestones.get(m.id, lock=True) == m
        assert await tx.milestones.get(MilestoneId(999_999)) is None
        assert await tx.milestones.by_number(99) is None


async def test_save_writes_every_change_including_members(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    bob = await _bob(uow, ws)
    m = await add_milestone(uow, ws, "Launch beta",
                            members=[Member(bob, MemberRole.WATCHER)],
                            criterion=SuccessCriterion(metric="Signups", start=0, target=500,
                                                       current=10))
    assert m.id is not None
    async with uow(ws.id) as tx:
        m.title, m.status, m.progress, m.due_date = "Launch the beta", Status.DONE, 100, None
        m.members = [Member(bob, MemberRole.CONTRIBUTOR)]
        m.criterion, m.tags, m.channel = None, ["later"], None
        m.completed_at = m.updated_at = at(days=1)
        await tx.milestones.save(m)
        await tx.commit()
    async with uow(ws.id) as tx:
        assert await tx.milestones.get(m.id) == m
        m.members = []
        await tx.milestones.save(m)
        await tx.commit()
    async with uow(ws.id) as tx:
        assert await tx.milestones.get(m.id) == m


async def test_members_loaded_and_changed_in_one_unit_of_work(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    bob = await _bob(uow, ws)
    m = await add_milestone(uow, ws)
    assert m.id is not None
    async with uow(ws.id) as tx:
        loaded = await tx.milestones.get(m.id)
        assert loaded is not None
        loaded.add_member(bob, MemberRole.WATCHER)
        await tx.milestones.save(loaded)
        again = await tx.milestones.get(m.id)
        assert again is not None and again.members == [Member(bob, MemberRole.WATCHER)]
        again.add_member(bob, MemberRole.CONTRIBUTOR)
        await tx.milestones.save(again)
        await tx.commit()
    async with uow(ws.id) as tx:
        final = await tx.milestones.get(m.id)
        assert final is not None and final.members == [Member(bob, MemberRole.CONTRIBUTOR)]


async def test_find_applies_every_condition(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    bob = await _bob(uow, ws)
    root = await add_milestone(uow, ws, "root", due_date=date(2026, 12, 31))
    mine = await add_milestone(uow, ws, "mine", parent_id=root.id, due_date=date(2026, 11, 1),
                               last_update_at=at(days=-20))
    bobs = await add_milestone(uow, ws, "bob's", owner=bob, parent_id=root.id,
                               status=Status.BLOCKED, created_at=at(days=-30))
    helped = await add_milestone(uow, ws, "helped", owner=bob,
                                 members=[Member(ws.owner_id, MemberRole.WATCHER)],
                                 last_update_at=at(days=-1))
    done = await add_milestone(uow, ws, "done", parent_id=root.id, status=Status.DONE,
                               due_date=date(2026, 1, 1))
    async with uow(ws.id) as tx:
        async def find(**query: object) -> list[MilestoneId | None]:
            return ids(await tx.milestones.find(MilestoneFilter(**query)))  # type: ignore[arg-type]

        assert await find() == ids([root, mine, bobs, helped])
        assert await find(open_only=False) == ids([root, mine, bobs, helped, done])
        assert await find(owner_id=bob) == ids([bobs, helped])
        assert await find(involving=ws.owner_id) == ids([root, mine, helped])
        assert await find(involving=bob, statuses={Status.BLOCKED}) == ids([bobs])
        assert await find(parent_id=root.id, open_only=False) == ids([mine, bobs, done])
        assert await find(due_before=date(2026, 12, 1)) == ids([mine])
        assert await find(due_before=date(2026, 12, 1), open_only=False) == ids([mine, done])
        assert await find(statuses={Status.DONE, Status.BLOCKED}, open_only=False) == ids(
            [bobs, done])
        # stale: no update since the moment, counting creation when never updated
        assert await find(stale_before=at(days=-10)) == ids([mine, bobs])
        assert await find(ids={helped.id, done.id, MilestoneId(999_999)}) == ids([helped])
        assert await find(ids=set()) == []
        assert await find(statuses=set()) == []
        assert await find(limit=2) == ids([root, mine])
        found = await tx.milestones.find(MilestoneFilter(involving=ws.owner_id))
        assert found[2].members == [Member(ws.owner_id, MemberRole.WATCHER)]
        assert await tx.milestones.count_active() == 4


async def test_a_deleted_milestone_is_gone_from_every_query(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    parent = await add_milestone(uow, ws, "parent")
    child = await add_milestone(uow, ws, "child", parent_id=parent.id, progress=60)
    assert parent.id is not None and child.id is not None
    async with uow(ws.id) as tx:
        await tx.milestones.delete(child.id)
        await tx.commit()
    async with uow(ws.id) as tx:
        assert await tx.milestones.get(child.id) is None
        assert await tx.milestones.by_number(child.number) is None
        assert await tx.milestones.get(child.id, lock=True) is None
        assert await tx.milestones.find(MilestoneFilter(open_only=False)) == [parent]
        assert await tx.milestones.count_active() == 1
        assert await tx.milestones.descendant_ids(parent.id) == []
        assert await tx.milestones.children_rollup(parent.id) is None


async def test_descendants_come_level_by_level(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    root = await add_milestone(uow, ws, "root")
    a = await add_milestone(uow, ws, "a", parent_id=root.id)
    b = await add_milestone(uow, ws, "b", parent_id=root.id)
    a1 = await add_milestone(uow, ws, "a1", parent_id=a.id)
    b1 = await add_milestone(uow, ws, "b1", parent_id=b.id)
    a11 = await add_milestone(uow, ws, "a11", parent_id=a1.id)
    other = await add_milestone(uow, ws, "elsewhere")
    assert root.id is not None and a.id is not None and b.id is not None
    async with uow(ws.id) as tx:
        assert await tx.milestones.descendant_ids(root.id) == ids([a, b, a1, b1, a11])
        assert await tx.milestones.descendant_ids(a.id) == ids([a1, a11])
        # moving a subtree moves its descendants with it
        a1_moved = await tx.milestones.get(a1.id)  # type: ignore[arg-type]
        assert a1_moved is not None
        a1_moved.parent_id = b.id
        await tx.milestones.save(a1_moved)
        assert await tx.milestones.descendant_ids(b.id) == ids([a1, b1, a11])
        assert await tx.milestones.descendant_ids(a.id) == []
        assert other.id is not None
        assert await tx.milestones.descendant_ids(other.id) == []


async def test_children_rollup_weighs_the_children_that_count(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    parent = await add_milestone(uow, ws, "parent")
    leaf = await add_milestone(uow, ws, "leaf")
    assert parent.id is not None and leaf.id is not None
    await add_milestone(uow, ws, "a", parent_id=parent.id, progress=50, weight=1)
    await add_milestone(uow, ws, "b", parent_id=parent.id, progress=20, weight=3)
    await add_milestone(uow, ws, "c", parent_id=parent.id, progress=90, weight=5,
                        status=Status.CANCELLED)
    await add_milestone(uow, ws, "d", parent_id=parent.id, progress=100, status=Status.DONE)
    only_cancelled = await add_milestone(uow, ws, "only cancelled")
    await add_milestone(uow, ws, "e", parent_id=only_cancelled.id, progress=70,
                        status=Status.CANCELLED)
    assert only_cancelled.id is not None
    async with uow(ws.id) as tx:
        assert await tx.milestones.children_rollup(parent.id) == (50 + 60 + 100, 1 + 3 + 1)
        assert await tx.milestones.children_rollup(leaf.id) is None
        assert await tx.milestones.children_rollup(only_cancelled.id) == (0, 0)


async def test_ancestry_gives_the_chain_up_with_the_sums_of_what_counts(
        uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    top = await add_milestone(uow, ws, "top", weight=2)
    parent = await add_milestone(uow, ws, "parent", parent_id=top.id, progress=10, weight=3)
    assert parent.id is not None and top.id is not None
    await add_milestone(uow, ws, "a", parent_id=parent.id, progress=50, weight=1)
    await add_milestone(uow, ws, "b", parent_id=parent.id, progress=20, weight=3)
    await add_milestone(uow, ws, "c", parent_id=parent.id, progress=90, weight=5,
                        status=Status.CANCELLED)
    await add_milestone(uow, ws, "d", parent_id=parent.id, progress=100, status=Status.DONE)
    gone = await add_milestone(uow, ws, "deleted", parent_id=parent.id, progress=100)
    assert gone.id is not None
    async with uow(ws.id) as tx:
        await tx.milestones.delete(gone.id)
        chain = await tx.milestones.ancestry(parent.id)
        assert chain == [
            RollupNode(id=parent.id, parent_id=top.id, progress=10, weight=3,
                       status=Status.NOT_STARTED, children_weighted=50 + 60 + 100,
                       children_weight=1 + 3 + 1),
            RollupNode(id=top.id, parent_id=None, progress=0, weight=2,
                       status=Status.NOT_STARTED, children_weighted=30, children_weight=3),
        ]
        assert await tx.milestones.ancestry(MilestoneId(10_000_000)) == []


async def test_write_rollups_sets_progress_status_and_the_time_only(
        uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    a = await add_milestone(uow, ws, "a", description="keep me", progress=10)
    b = await add_milestone(uow, ws, "b", progress=20, status=Status.AT_RISK)
    assert a.id is not None and b.id is not None
    async with uow(ws.id) as tx:
        await tx.milestones.write_rollups({a.id: (42, Status.ON_TRACK), b.id: (7, Status.AT_RISK)},
                                          NOW)
        await tx.commit()
    async with uow(ws.id) as tx:
        a.progress, a.status = 42, Status.ON_TRACK
        b.progress = 7
        for m in (a, b):
            m.last_update_at = m.updated_at = NOW
        assert await tx.milestones.get(a.id) == a
        assert await tx.milestones.get(b.id) == b


async def test_the_roll_up_keeps_random_trees_consistent_with_the_core_rule(
        uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    rng = random.Random(7)
    statuses = [Status.NOT_STARTED, Status.ON_TRACK, Status.AT_RISK, Status.DONE,
                Status.CANCELLED, Status.BLOCKED]
    made = [await add_milestone(uow, ws, "root")]
    for n in range(40):
        parent = rng.choice(made)
        made.append(await add_milestone(
            uow, ws, f"m{n}", parent_id=parent.id, progress=rng.randint(0, 100),
            weight=rng.randint(1, 4), status=rng.choice(statuses)))

    async def inconsistent() -> dict[MilestoneId, tuple[int, Status]]:
        async with uow(ws.id) as tx:
            everything = await tx.milestones.find(MilestoneFilter(open_only=False))
        wrong = {}
        for m in everything:
            kids = [(c.progress, c.weight, c.status) for c in everything if c.parent_id == m.id]
            found = rolled_up(m.status, m.progress, kids)
            if found is not None and m.id is not None:
                wrong[m.id] = found
        return wrong

    for _ in range(20):  # settle the random tree by the rule itself, level by level
        if not (wrong := await inconsistent()):
            break
        async with uow(ws.id) as tx:
            await tx.milestones.write_rollups(wrong, NOW)
            await tx.commit()
    assert await inconsistent() == {}
    leaves = [m for m in made if not any(c.parent_id == m.id for c in made)]
    for leaf in rng.choices(leaves, k=15):
        assert leaf.id is not None
        async with uow(ws.id) as tx:
            current = await tx.milestones.get(leaf.id)
            assert current is not None
            await tx.milestones.write_rollups({leaf.id: (rng.randint(0, 100), current.status)},
                                              NOW)
            await rollup_from(tx, leaf.parent_id, NOW)
            await tx.commit()
        assert await inconsistent() == {}  # the walk restored what the change broke
