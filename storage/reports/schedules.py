"""`core.reports.schedule.ReportSchedules` on the `report_schedules` table. (A week's post is
claimed in the nudge delivery queue, `core.reports.posts`, not here.)"""

from __future__ import annotations

from datetime import datetime

from core.model import TenantId, UserId
from core.reports.schedule import WeeklySchedule
from storage.reports.models import ReportScheduleRow
from storage.scoped import Repository
from storage.unit_of_work import TortoiseUnitOfWorkFactory


class TortoiseReportSchedules:
    def __init__(self, uow: TortoiseUnitOfWorkFactory) -> None:
        self._uow = uow

    async def get(self, tenant_id: TenantId) -> WeeklySchedule | None:
        found = await self._read("WHERE s.tenant_id = ?", [tenant_id])
        return found[0] if found else None

    async def all(self) -> list[WeeklySchedule]:
        return await self._read("", [])

    async def _read(self, where: str, params: list[object]) -> list[WeeklySchedule]:
        async with self._uow() as tx:
            rows = await Repository(tx).sql(
                "SELECT s.tenant_id, s.channel, s.weekday, s.minute, s.created_by, t.timezone "
                f"FROM report_schedules s JOIN tenants t ON t.id = s.tenant_id {where} "
                "ORDER BY s.tenant_id", params)
        return [WeeklySchedule(tenant_id=TenantId(int(r["tenant_id"])), channel=r["channel"],
                               weekday=int(r["weekday"]), minute=int(r["minute"]),
                               created_by=UserId(int(r["created_by"])),
                               timezone=r["timezone"] or "UTC") for r in rows]

    async def save(self, schedule: WeeklySchedule, at: datetime) -> None:
        async with self._uow(schedule.tenant_id) as tx:
            db = await tx.connection()
            values = {"channel": schedule.channel, "weekday": schedule.weekday,
                      "minute": schedule.minute, "created_by": schedule.created_by,
                      "updated_at": at}
            updated = await ReportScheduleRow.filter(tenant_id=schedule.tenant_id).using_db(
                db).update(**values)
            if not updated:
                await ReportScheduleRow.create(using_db=db, tenant_id=schedule.tenant_id,
                                               **values)
            await tx.commit()

    async def remove(self, tenant_id: TenantId) -> bool:
        async with self._uow(tenant_id) as tx:
            gone = await ReportScheduleRow.filter(tenant_id=tenant_id).using_db(
                await tx.connection()).delete()
            await tx.commit()
        return bool(gone)
