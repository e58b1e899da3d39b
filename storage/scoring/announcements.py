"""`core.scoring.ports.AwardAnnouncements`: new badges queued as nudge deliveries, in the unit of
work's transaction (the deliveries' unique keys make a second queuing a no-op)."""

from __future__ import annotations

from collections.abc import Sequence

from core.nudges.badge_posts import announcements
from core.scoring.achievements import Award
from storage.nudges.repository import TortoiseNudges
from storage.scoped import Repository


class TortoiseAwardAnnouncements(Repository):
    async def queue(self, awards: Sequence[Award]) -> None:
        if awards:
            await TortoiseNudges(self._session).claim(announcements(self.tenant_id, awards))
