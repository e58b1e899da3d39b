"""Contract: check-ins, comments, the activity feed and the inbox."""

from __future__ import annotations

from core.events import CommentAdded, MilestoneCreated, ProgressUpdated, UserJoined, payload
from core.history import Comment, Notification, ProgressUpdate
from core.model import MilestoneId, Status, UserId
from core.ports import UnitOfWorkFactory
from tests.storage.builders import NOW, Workspace, add_milestone, at, user, workspace


def _update(ws: Workspace, milestone_id: MilestoneId | None, percent: int | None,
            minutes: float) -> ProgressUpdate:
    assert milestone_id is not None
    return ProgressUpdate(tenant_id=ws.id, milestone_id=milestone_id, author_id=ws.owner_id,
                          percent=percent, status=Status.ON_TRACK, notes=f"at {minutes}",
                          created_at=at(minutes=minutes))


async def test_updates_come_newest_first(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    m = await add_milestone(uow, ws)
    other = await add_milestone(uow, ws)
    assert m.id is not None and other.id is not None
    async with uow(ws.id) as tx:
        first = await tx.updates.add(_update(ws, m.id, 10, 0))
        second = await tx.updates.add(_update(ws, m.id, 20, 5))
        # same instant as the second: the one added later counts as newer
        third = await tx.updates.add(_update(ws, m.id, None, 5))
        await tx.updates.add(_update(ws, other.id, 99, 10))
        await tx.commit()
    assert first.id is not None and first.notes == "at 0"
    async with uow(ws.id) as tx:
        assert await tx.updates.recent(m.id, 5) == [third, second, first]
        assert await tx.updates.recent(m.id, 2) == [third, second]


async def test_history_keeps_every_update_since_a_moment_oldest_first(
    uow: UnitOfWorkFactory,
) -> None:
    ws = await workspace(uow, "acme")
    m = await add_milestone(uow, ws)
    n = await add_milestone(uow, ws)
    quiet = await add_milestone(uow, ws)
    assert m.id is not None and n.id is not None and quiet.id is not None
    async with uow(ws.id) as tx:
        await tx.updates.add(_update(ws, m.id, 5, -60))
        m10 = await tx.updates.add(_update(ws, m.id, 10, -30))
        status_only = await tx.updates.add(_update(ws, m.id, None, -20))
        m30 = await tx.updates.add(_update(ws, m.id, 30, -10))
        n50 = await tx.updates.add(_update(ws, n.id, 50, -15))
        await tx.commit()
    async with uow(ws.id) as tx:
        found = await tx.updates.history([m.id, n.id, quiet.id], at(minutes=-30))
        assert found == {m.id: [m10, status_only, m30], n.id: [n50]}
        assert await tx.updates.history([], NOW) == {}


async def test_comments_keep_their_mentions(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    m = await add_milestone(uow, ws)
    assert m.id is not None
    async with uow(ws.id) as tx:
        bob = await tx.users.add(user(ws.id, "bob"))
        assert bob.id is not None
        old = await tx.comments.add(Comment(tenant_id=ws.id, milestone_id=m.id,
                                            author_id=ws.owner_id, body="first",
                                            created_at=at(minutes=-1)))
        new = await tx.comments.add(Comment(tenant_id=ws.id, milestone_id=m.id,
                                            author_id=bob.id, body="ping @alice",
                                            mentions=[ws.owner_id], created_at=NOW))
        await tx.commit()
    async with uow(ws.id) as tx:
        assert await tx.comments.recent(m.id, 10) == [new, old]
        assert (await tx.comments.recent(m.id, 1))[0].mentions == [ws.owner_id]


async def test_published_events_make_the_activity_feed(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    m = await add_milestone(uow, ws)
    assert m.id is not None
    created = MilestoneCreated(tenant_id=ws.id, milestone_id=m.id, actor_id=ws.owner_id,
                               at=at(minutes=1), number=m.number, kind="task", title=m.title)
    progressed = ProgressUpdated(tenant_id=ws.id, milestone_id=m.id, actor_id=ws.owner_id,
                                 at=at(minutes=2), percent=40, previous_percent=0,
                                 status="on_track", notes="half way, nearly")
    joined = UserJoined(tenant_id=ws.id, milestone_id=None, actor_id=None, at=at(minutes=3),
                        user_id=ws.owner_id, role="admin")
    commented = CommentAdded(tenant_id=ws.id, milestone_id=m.id, actor_id=ws.owner_id,
                             at=at(minutes=2), comment_id=7, excerpt="hi",
                             mentions=(UserId(1), UserId(2)))
    async with uow(ws.id) as tx:
        for event in (created, progressed, joined, commented):
            await tx.publish(event)
        await tx.commit()
    async with uow(ws.id) as tx:
        feed = await tx.activity.recent()
        assert [a.verb for a in feed] == ["joined", "comment", "progress", "created"]
        assert [a.verb for a in await tx.activity.recent(milestone_id=m.id, limit=2)] == [
            "comment", "progress"]
        entry = feed[2]
        assert (entry.tenant_id, entry.milestone_id, entry.actor_id, entry.created_at) == (
            ws.id, m.id, ws.owner_id, at(minutes=2))
        assert entry.data == payload(progressed)
        assert feed[0].milestone_id is None and feed[0].actor_id is None
        assert feed[1].data["mentions"] == [1, 2]


async def test_the_inbox_counts_and_marks_unread(uow: UnitOfWorkFactory) -> None:
    ws = await workspace(uow, "acme")
    m = await add_milestone(uow, ws)
    async with uow(ws.id) as tx:
        bob = await tx.users.add(user(ws.id, "bob"))
        assert bob.id is not None
        notes = [await tx.notifications.add(Notification(
            tenant_id=ws.id, user_id=ws.owner_id, kind="mention", text=f"note {i}",
            milestone_id=m.id if i % 2 else None, actor_id=bob.id if i else None,
            created_at=at(minutes=i))) for i in range(3)]
        await tx.notifications.add(Notification(tenant_id=ws.id, user_id=bob.id, kind="x",
                                                text="bob's", created_at=NOW))
        await tx.commit()
    async with uow(ws.id) as tx:
        assert await tx.notifications.for_user(ws.owner_id) == notes[::-1]
        assert await tx.notifications.for_user(ws.owner_id, limit=1) == [notes[2]]
        assert await tx.notifications.unread_count(ws.owner_id) == 3
        assert await tx.notifications.mark_read(ws.owner_id, at(hours=1)) == 3
        assert await tx.notifications.mark_read(ws.owner_id, at(hours=2)) == 0
        await tx.commit()
    async with uow(ws.id) as tx:
        assert await tx.notifications.unread_count(ws.owner_id) == 0
        assert await tx.notifications.for_user(ws.owner_id, unread_only=True) == []
        read = await tx.notifications.for_user(ws.owner_id)
        assert {n.read_at for n in read} == {at(hours=1)}
        assert bob.id is not None and await tx.notifications.unread_count(bob.id) == 1
