"""What is said about milestones: check-ins, comments, the activity feed, and the inbox."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from core.history import Activity, Comment, Notification, ProgressUpdate
from core.model import MilestoneId, Status, TenantId, UserId
from storage import raw_writes
from storage.mapping import activity_from, comment_from, utc
from storage.models import ActivityRow, CommentRow, NotificationRow, ProgressUpdateRow
from storage.raw_rows import maybe_moment, moment, param
from storage.scoped import Repository, Session

# Newest first; the id breaks ties between rows written in the same instant.
NEWEST_FIRST = ("-created_at", "-id")


_UPDATE_COLUMNS = ("id, tenant_id, milestone_id, author_id, percent, status, notes, blockers, "
                   "created_at")


def _update_of(row: Mapping[str, Any]) -> ProgressUpdate:
    return ProgressUpdate(
        id=row["id"], tenant_id=TenantId(row["tenant_id"]),
        milestone_id=MilestoneId(row["milestone_id"]), author_id=UserId(row["author_id"]),
        percent=row["percent"], status=Status(row["status"]), notes=row["notes"],
        blockers=row["blockers"], created_at=moment(row["created_at"]))


class TortoiseProgressUpdates(Repository):
    def __init__(self, session: Session) -> None:
        super().__init__(session)
        # The last `history` read in this unit of work (its milestones, its start, its rows):
        # a check-in's forecast and then its card ask for the same weeks of the same
        # milestone, the card from a moment later. Forgotten at every add and every commit.
        self._history: tuple[frozenset[int], datetime, dict[MilestoneId,
                                                             list[ProgressUpdate]]] | None = None

    def forget_known(self) -> None:
        self._history = None

    async def add(self, update: ProgressUpdate) -> ProgressUpdate:
        self.require_tenant(update.tenant_id, "progress update", update.milestone_id)
        self._history = None
        created_at = utc(update.created_at)
        rows = await self.sql(*raw_writes.insert(self._session.dialect, ProgressUpdateRow, {
            "tenant_id": update.tenant_id, "milestone_id": update.milestone_id,
            "author_id": update.author_id, "percent": update.percent, "status": update.status,
            "notes": update.notes, "blockers": update.blockers, "created_at": created_at}))
        return dataclasses.replace(update, id=int(rows[0]["id"]), created_at=created_at)

    # Read by raw SQL straight into values: every card reads them (`storage/raw_rows.py`).
    async def recent(self, milestone_id: MilestoneId, limit: int) -> list[ProgressUpdate]:
        rows = await self.sql(
            f"SELECT {_UPDATE_COLUMNS} FROM progress_updates WHERE tenant_id = ? AND "
            "milestone_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
            [self.tenant_id, milestone_id, max(0, limit)])
        return [_update_of(row) for row in rows]

    async def history(
        self, milestone_ids: Collection[MilestoneId], since: datetime
    ) -> dict[MilestoneId, list[ProgressUpdate]]:
        if not milestone_ids:
            return {}
        wanted = frozenset(milestone_ids)
        if self._history is not None:
            known, read_since, read = self._history
            if wanted <= known and since >= read_since:
                kept = {mid: [u for u in read[mid] if u.created_at >= since]
                        for mid in wanted if mid in read}
                return {mid: updates for mid, updates in kept.items() if updates}
        ids = sorted(wanted)
        rows = await self.sql(
            f"SELECT {_UPDATE_COLUMNS} FROM progress_updates WHERE tenant_id = ? AND "
            f"milestone_id IN ({', '.join('?' for _ in ids)}) AND created_at >= ? "
            "ORDER BY created_at, id",
            [self.tenant_id, *ids, param(since, self._session.dialect)])
        found: dict[MilestoneId, list[ProgressUpdate]] = {}
        for row in rows:
            update = _update_of(row)
            found.setdefault(update.milestone_id, []).append(update)
        self._history = (wanted, since, {mid: list(updates) for mid, updates in found.items()})
        return found


class TortoiseComments(Repository):
    async def add(self, comment: Comment) -> Comment:
        self.require_tenant(comment.tenant_id, "comment", comment.milestone_id)
        row = await CommentRow.create(
            using_db=await self.db(), tenant_id=comment.tenant_id,
            milestone_id=comment.milestone_id, author_id=comment.author_id, body=comment.body,
            mentions=list(comment.mentions), created_at=utc(comment.created_at))
        return comment_from(row)

    async def recent(self, milestone_id: MilestoneId, limit: int) -> list[Comment]:
        rows = (await self.scoped(CommentRow)).filter(milestone_id=milestone_id)
        return [comment_from(row) for row in await rows.order_by(*NEWEST_FIRST).limit(limit)]


class TortoiseActivity(Repository):
    """Reads the feed; entries are written by `TortoiseUnitOfWork.publish`."""

    async def recent(
        self, *, milestone_id: MilestoneId | None = None, limit: int = 20,
        before_id: int | None = None,
    ) -> list[Activity]:
        rows = await self.scoped(ActivityRow)
        if milestone_id is not None:
            rows = rows.filter(milestone_id=milestone_id)
        if before_id is not None:
            rows = rows.filter(id__lt=before_id)
        return [activity_from(row) for row in await rows.order_by(*NEWEST_FIRST).limit(limit)]


class TortoiseNotifications(Repository):
    async def add(self, notification: Notification) -> Notification:
        self.require_tenant(notification.tenant_id, "notification", notification.user_id)
        created_at, read_at = utc(notification.created_at), utc(notification.read_at)
        rows = await self.sql(*raw_writes.insert(self._session.dialect, NotificationRow, {
            "tenant_id": notification.tenant_id, "user_id": notification.user_id,
            "kind": notification.kind, "text": notification.text,
            "milestone_id": notification.milestone_id, "actor_id": notification.actor_id,
            "created_at": created_at, "read_at": read_at}))
        return dataclasses.replace(notification, id=int(rows[0]["id"]), created_at=created_at,
                                   read_at=read_at)

    async def for_user(
        self, user_id: UserId, *, limit: int = 20, unread_only: bool = False
    ) -> list[Notification]:
        # Raw SQL straight into values: every App Home shows the inbox.
        unread = " AND read_at IS NULL" if unread_only else ""
        rows = await self.sql(
            "SELECT id, tenant_id, user_id, kind, text, milestone_id, actor_id, created_at, "
            f"read_at FROM notifications WHERE tenant_id = ? AND user_id = ?{unread} "
            "ORDER BY created_at DESC, id DESC LIMIT ?",
            [self.tenant_id, user_id, max(0, limit)])
        return [Notification(
            id=row["id"], tenant_id=TenantId(row["tenant_id"]), user_id=UserId(row["user_id"]),
            kind=row["kind"], text=row["text"],
            milestone_id=None if row["milestone_id"] is None else MilestoneId(
                row["milestone_id"]),
            actor_id=None if row["actor_id"] is None else UserId(row["actor_id"]),
            created_at=moment(row["created_at"]), read_at=maybe_moment(row["read_at"]))
            for row in rows]

    async def unread_count(self, user_id: UserId) -> int:
        (row,) = await self.sql(
            "SELECT COUNT(*) AS unread FROM notifications WHERE tenant_id = ? AND user_id = ? "
            "AND read_at IS NULL", [self.tenant_id, user_id])
        return int(row["unread"])

    async def mark_read(self, user_id: UserId, at: datetime) -> int:
        return await (await self.scoped(NotificationRow)).filter(
            user_id=user_id, read_at__isnull=True).update(read_at=utc(at))
