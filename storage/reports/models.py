"""The reports' tortoise app: each workspace's weekly report schedule (and, in its
migrations, the index check-in answers are read by)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models import TenantRow


class ReportScheduleRow(Model):
    # One weekly report per tenant, posted to `channel` on `weekday` at `minute` (local time of
    # the tenant). `period` is unused since weekly reports are claimed in the nudge delivery
    # queue (`nudge_deliveries`, kind "report"); the column stays for existing databases.
    id = fields.IntField(primary_key=True)
    tenant: fields.OneToOneRelation[TenantRow] = fields.OneToOneField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    channel = fields.CharField(max_length=200)
    weekday = fields.SmallIntField()
    minute = fields.SmallIntField()
    created_by = fields.IntField()
    updated_at = fields.DatetimeField()
    period = fields.CharField(max_length=20, default="")

    class Meta:
        table = "report_schedules"


#: Tables of this app, children first.
TABLES: tuple[str, ...] = ("report_schedules",)
