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
        # One query in the usual case (everyone reached, nothing on record): the rest only
        # for what changed.
        known = {(r.user_id, r.platform): r for r in await ReachRow.filter(
            user_id__in=sorted({n.user_id for n in notes})).using_db(db)}
        for n in notes:
            row = known.get((n.user_id, n.platform))
            if not n.reason:
                if row is not None:
                    await ReachRow.filter(id=row.id).using_db(db).delete()
                continue
            if row is not None and row.reason == n.reason[:300]:
                continue
            columns = {"tenant_id": n.tenant_id, "reason": n.reason[:300],
                       "updated_at": utc(n.at)}
            if row is not None:
                await ReachRow.filter(id=row.id).using_db(db).update(**columns)
            else:
                # One delivery worker settles a person's nudges at a time (they are leased).
                known[(n.user_id, n.platform)] = await ReachRow.create(
                    using_db=db, user_id=n.user_id, platform=n.platform, **columns)

    async def unreachable(self) -> dict[UserId, list[tuple[str, str]]]:
        found: dict[UserId, list[tuple[str, str]]] = {}
        for row in await (await self.scoped(ReachRow)).order_by("platform"):
            found.setdefault(UserId(row.user_id), []).append((row.platform, row.reason))
        return found
