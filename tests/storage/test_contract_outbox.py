"""Contract: publishing fans events out to subscribed consumers; workers claim, finish, retry."""

from __future__ import annotations

from datetime import date

from core.events import DueDateChanged, MilestoneCreated, MilestoneEdited, ProgressUpdated
from core.model import MilestoneId
from core.ports import UnitOfWorkFactory
from tests.storage.builders import NOW, Workspace, add_milestone, at, workspace

LEASE_MINUTES = 5


def _created(ws: Workspace, milestone_id: MilestoneId | None, minutes: float = 0,
             title: str = "Launch") -> MilestoneCreated:
    return MilestoneCreated(tenant_id=ws.id, milestone_id=milestone_id, actor_id=ws.owner_id,
                            at=at(minutes=minutes), number=1, kind="task", title=title)


async def test_each_consumer_gets_the_verbs_it_subscribed_to(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    m = await add_milestone(uow, ws)
    created = _created(ws, m.id)
    progressed = ProgressUpdated(tenant_id=ws.id, milestone_id=m.id, actor_id=ws.owner_id,
                                 at=NOW, percent=10, previous_percent=0, status="on_track")
    moved = DueDateChanged(tenant_id=ws.id, milestone_id=m.id, actor_id=None, at=NOW,
                           previous=None, due=date(2026, 12, 24), source="calendar")
    edited = MilestoneEdited(tenant_id=ws.id, milestone_id=m.id, actor_id=ws.owner_id, at=NOW,
                             changes={"title": ("Old", "New")})
    async with uow(ws.id) as tx:
        for event in (created, progressed, moved, edited):
            await tx.publish(event)
        await tx.commit()
    async with uow() as tx:
        calendar = await tx.outbox.claim("calendar", now=NOW, limit=10)
        chat = await tx.outbox.claim("chat", now=NOW, limit=10)
        nobody = await tx.outbox.claim("billing", now=NOW, limit=10)
        await tx.commit()
    assert [msg.event for msg in calendar] == [created, moved]
    assert [msg.event for msg in chat] == [created, progressed]
    assert nobody == []
    assert {(msg.consumer, msg.tenant_id, msg.attempts) for msg in calendar} == {
        ("calendar", ws.id, 1)}
    assert len({msg.id for msg in calendar + chat}) == 4


async def test_a_claim_is_a_lease_that_runs_out(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    async with uow(ws.id) as tx:
        for minute in range(3):
            await tx.publish(_created(ws, None, minutes=minute, title=f"t{minute}"))
        await tx.publish(_created(ws, None, minutes=30, title="not yet due"))
        await tx.commit()
    async with uow() as tx:
        first = await tx.outbox.claim("calendar", now=at(minutes=10), limit=2)
        rest = await tx.outbox.claim("calendar", now=at(minutes=10), limit=10)
        await tx.commit()
    assert [m.event.title for m in first] == ["t0", "t1"]  # type: ignore[attr-defined]
    assert [m.event.title for m in rest] == ["t2"]  # type: ignore[attr-defined]
    async with uow() as tx:
        # still leased: a crashed worker's messages stay away until the lease ends
        assert await tx.outbox.claim("calendar", now=at(minutes=14), limit=10) == []
        again = await tx.outbox.claim("calendar", now=at(minutes=10 + LEASE_MINUTES), limit=10)
        await tx.commit()
    assert [(m.id, m.attempts) for m in again] == [(m.id, 2) for m in first + rest]


async def test_done_messages_never_come_back(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    async with uow(ws.id) as tx:
        await tx.publish(_created(ws, None, title="a"))
        await tx.publish(_created(ws, None, title="b"))
        await tx.commit()
    async with uow() as tx:
        claimed = await tx.outbox.claim("chat", now=NOW, limit=10)
        await tx.outbox.done([claimed[0].id])
        await tx.outbox.done([])
        await tx.commit()
    async with uow() as tx:
        later = await tx.outbox.claim("chat", now=at(days=1), limit=10)
    assert [m.id for m in later] == [claimed[1].id]


async def test_a_retry_waits_until_its_time(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    async with uow(ws.id) as tx:
        await tx.publish(_created(ws, None))
        await tx.commit()
    async with uow() as tx:
        (message,) = await tx.outbox.claim("calendar", now=NOW, limit=1)
        await tx.outbox.retry(message.id, at=at(minutes=1), error="503 " + "x" * 2000)
        await tx.commit()
    async with uow() as tx:
        assert await tx.outbox.claim("calendar", now=at(seconds=59), limit=1) == []
        (again,) = await tx.outbox.claim("calendar", now=at(minutes=1), limit=1)
        await tx.commit()
    assert (again.id, again.attempts, again.event) == (message.id, 2, message.event)


async def test_outbox_rows_are_written_with_the_change_or_not_at_all(
    uow: UnitOfWorkFactory,
) -> None:
    ws = await workspace(uow, "acme")
    async with uow(ws.id) as tx:
        await tx.publish(_created(ws, None, title="rolled back"))
    async with uow() as tx:
        assert await tx.outbox.claim("calendar", now=NOW, limit=10) == []
    async with uow(ws.id) as tx:
        assert await tx.activity.recent() == []
