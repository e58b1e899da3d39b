"""Loads the export benchmark's synthetic company into a real database, once, as tenant
`bench-export`: its people, milestones (the tree kept), check-ins and check-in requests, in
bulk (a few thousand rows per statement), so the benchmark reads them back through the
storage's `ReportSource` like a real export does."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from core.model import TenantId
from core.reports.inputs import CompanyScope
from core.reports.ports import ReportSource
from core.tenancy import Plan
from storage import Database
from storage.models import MilestoneRow, ProgressUpdateRow, TenantRow, UserRow
from storage.nudges.models import DeliveryRow

SLUG = "bench-export"
CHUNK = 2000


async def loaded_tenant(database: Database, source: ReportSource) -> TenantId:
    """The bench tenant's id, loading it from `source` when the database does not have it."""
    async with database.unit_of_work()() as tx:
        db = await tx.connection()
        found = await TenantRow.filter(slug=SLUG).using_db(db).first()
        if found is not None:
            count = await MilestoneRow.filter(tenant_id=found.id).using_db(db).count()
            print(f"reusing tenant {SLUG} ({count:,} milestones)", flush=True)
            return TenantId(found.id)
        started = time.perf_counter()
        tenant_id = await _load(db, database.dialect, source)
        await tx.commit()
    async with database.unit_of_work()() as tx:
        # Fresh statistics, as autovacuum would gather soon after a bulk load: without them
        # the planner takes the new tables for empty ones.
        await (await tx.connection()).execute_script("ANALYZE")
    print(f"loaded tenant {SLUG} in {time.perf_counter() - started:.1f} s", flush=True)
    return tenant_id


async def _load(db: BaseDBAsyncClient, dialect: str, source: ReportSource) -> TenantId:
    now = datetime.now(UTC)
    scope = CompanyScope()
    tenant = await TenantRow.create(using_db=db, slug=SLUG, name="Bench Corp",
                                    plan=Plan.ENTERPRISE, created_at=now)
    milestones = [m async for m in source.milestones(scope)]
    handles = sorted({m.owner for m in milestones}
                     | {u.author async for u in source.updates(scope)})
    await UserRow.bulk_create([UserRow(tenant_id=tenant.id, handle=h, display_name=h,
                                       created_at=now) for h in handles],
                              batch_size=CHUNK, using_db=db)
    users = {u.handle: u.id for u in await UserRow.filter(tenant_id=tenant.id).using_db(db)}
    top = int((await db.execute_query_dict("SELECT COALESCE(MAX(id), 0) AS n FROM milestones"))
              [0]["n"])
    ids = {m.number: top + m.number for m in milestones}
    await MilestoneRow.bulk_create([MilestoneRow(
        id=ids[m.number], tenant_id=tenant.id, number=m.number, kind=m.kind, title=m.title,
        owner_id=users[m.owner], parent_id=ids.get(m.parent_number or 0),
        start_date=m.start_date, due_date=m.due_date, priority=m.priority, status=m.status,
        progress=m.progress, weight=m.weight, tags=list(m.tags), created_by=users[m.owner],
        created_at=m.created_at, updated_at=m.created_at, completed_at=m.completed_at,
        last_update_at=m.last_update_at) for m in milestones], batch_size=CHUNK, using_db=db)
    if dialect == "postgres":
        await db.execute_query("SELECT setval(pg_get_serial_sequence('milestones', 'id'), "
                               "(SELECT MAX(id) FROM milestones))")
    await TenantRow.filter(id=tenant.id).using_db(db).update(next_number=len(milestones))
    by_id = {m.id: ids[m.number] for m in milestones}
    batch: list[ProgressUpdateRow] = []
    async for u in source.updates(scope):
        batch.append(ProgressUpdateRow(
            tenant_id=tenant.id, milestone_id=by_id[u.milestone_id], author_id=users[u.author],
            percent=u.percent, status=u.status, notes=u.notes, created_at=u.at))
        if len(batch) == CHUNK:
            await ProgressUpdateRow.bulk_create(batch, using_db=db)
            batch = []
    await ProgressUpdateRow.bulk_create(batch, using_db=db)
    requests = [DeliveryRow(tenant_id=tenant.id, user_id=users.get(r.person, 0), kind="checkin",
                            period=f"{r.asked_at:%Y-%m-%d}", status="sent",
                            not_before=r.asked_at, created_at=r.asked_at, sent_at=r.asked_at)
                async for r in source.checkins(scope, None) if r.person in users]
    await DeliveryRow.bulk_create(requests, batch_size=CHUNK, using_db=db)
    return TenantId(tenant.id)
