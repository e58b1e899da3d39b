"""The weekly report a workspace posts to a channel: when it is due, in the tenant's time.

A week's report is due from its moment (the weekday and time, in the tenant's time zone) for
`GRACE`; the week is named by its ISO week (`2026-W48`), which is what makes it go out once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from core.model import TenantId, UserId
from core.reports.periods import local_date, midnight

GRACE = timedelta(hours=2)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True, kw_only=True)
class WeeklySchedule:
    tenant_id: TenantId
    channel: str  # a platform's channel id (`C0123`) or a name (`#general`)
    weekday: int  # Monday is 0
    minute: int  # after local midnight
    created_by: UserId
    timezone: str = "UTC"  # the tenant's

    @property
    def when(self) -> str:
        return f"{WEEKDAYS[self.weekday]}s at {self.minute // 60:02d}:{self.minute % 60:02d}"

    def due_week(self, now: datetime, grace: timedelta = GRACE) -> str | None:
        """The ISO week whose report is due now, if one is."""
        today = local_date(now, self.timezone)
        if today.weekday() != self.weekday:
            return None
        moment = midnight(today, self.timezone) + timedelta(minutes=self.minute)
        if not moment <= now < moment + grace:
            return None
        year, week, _ = today.isocalendar()
        return f"{year}-W{week:02d}"


class ReportSchedules(Protocol):
    async def get(self, tenant_id: TenantId) -> WeeklySchedule | None: ...

    async def save(self, schedule: WeeklySchedule, at: datetime) -> None:
        """Replaces the tenant's schedule (a week already posted stays posted)."""
        ...

    async def remove(self, tenant_id: TenantId) -> bool: ...

    async def all(self) -> list[WeeklySchedule]:
        """Every tenant's schedule, with the tenant's time zone."""
        ...
