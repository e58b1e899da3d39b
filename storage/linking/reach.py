"""`ReachRecords` on tortoise: why a platform last failed to reach each person."""

from __future__ import annotations

from collections.abc import Sequence

from core.model import UserId
from core.people.reachability import ReachNote
from storage.linking.models import ReachRow
from storage.mapping import utc
from storage.scoped import Repository


class TortoiseReach(Repository):
    async def note(self, notes: Sequence[ReachNote]) -> None:
        if not notes:
            return
        db = await self.db()
        for n in notes:
            key = {"user_id": n.user_id, "platform": n.platform}
            if not n.reason:
                await ReachRow.filter(**key).using_db(db).delete()
                continue
            columns = {"tenant_id": n.tenant_id, "reason": n.reason[:300],
                       "updated_at": utc(n.at)}
            if not await ReachRow.filter(**key).using_db(db).update(**columns):
                # One delivery worker settles a person's nudges at a time (they are leased).
                await ReachRow.create(using_db=db, **key, **columns)

    async def unreachable(self) -> dict[UserId, list[tuple[str, str]]]:
        found: dict[UserId, list[tuple[str, str]]] = {}
        for row in await (await self.scoped(ReachRow)).order_by("platform"):
            found.setdefault(UserId(row.user_id), []).append((row.platform, row.reason))
        return found
