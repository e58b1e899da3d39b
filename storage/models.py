"""Tortoise models: the tables behind the core's ports.

Rows, not entities: `storage.mapping` turns them into `core.model` objects and back. Every table
carries `tenant_id` so each query can be scoped by tenant without a join. Indexes follow the
queries the repositories issue; a change here needs a migration
(`python -m tortoise -c storage.config.CONFIG makemigrations`), which a test enforces.

`Meta.indexes` names columns (`tenant_id`), not relations (`tenant`): tortoise writes the names
into `CREATE INDEX` as they are, and SQLite would quietly index a string constant.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from core.model import Kind, MemberRole, Priority, Status
from core.tenancy import Plan, Role


class TenantRow(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=80, unique=True)
    name = fields.CharField(max_length=200)
    plan = fields.CharEnumField(Plan, max_length=20, default=Plan.FREE)
    timezone = fields.CharField(max_length=64, default="UTC")
    # The last short number (`#12`) handed out; bumped atomically by `next_number`.
    next_number = fields.IntField(default=0)
    created_at = fields.DatetimeField()

    class Meta:
        table = "tenants"


class TenantVersionRow(Model):
    """A number that grows with every committed write of a tenant: caches of what people read
    are valid while it stays put. Apart from the tenant row on purpose: it is bumped last, just
    before commit, so whoever holds it never waits for another lock."""

    tenant_id = fields.IntField(primary_key=True)
    version = fields.BigIntField(default=0)

    class Meta:
        table = "tenant_versions"


class UserRow(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    handle = fields.CharField(max_length=80)
    display_name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=200, default="")
    timezone = fields.CharField(max_length=64, default="UTC")
    role = fields.CharEnumField(Role, max_length=20, default=Role.MEMBER)
    # Weekday numbers, Monday = 0.
    working_days: fields.Field[list[int]] = fields.JSONField(default=list)
    # Minutes after local midnight: portable across backends, unlike TIME WITH TIME ZONE.
    work_starts_min = fields.SmallIntField(default=9 * 60)
    work_ends_min = fields.SmallIntField(default=18 * 60)
    created_at = fields.DatetimeField()

    class Meta:
        table = "users"
        unique_together = (("tenant", "handle"),)


class UserIdentityRow(Model):
    # A platform identity (`slack:T1:U9`, `teams:<aad id>`) of one user.
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    user: fields.ForeignKeyRelation[UserRow] = fields.ForeignKeyField(
        "cairn.UserRow", related_name=False, on_delete=fields.CASCADE)
    user_id: int
    key = fields.CharField(max_length=200, unique=True)

    class Meta:
        table = "user_identities"


class MilestoneRow(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    number = fields.IntField()
    kind = fields.CharEnumField(Kind, max_length=20, default=Kind.MILESTONE)
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    owner: fields.ForeignKeyRelation[UserRow] = fields.ForeignKeyField(
        "cairn.UserRow", related_name=False, on_delete=fields.RESTRICT)
    owner_id: int
    parent: fields.ForeignKeyNullableRelation[MilestoneRow] = fields.ForeignKeyField(
        "cairn.MilestoneRow", related_name=False, null=True, on_delete=fields.RESTRICT)
    parent_id: int | None
    start_date = fields.DateField(null=True)
    due_date = fields.DateField(null=True)
    # A timed deadline: minutes after midnight in the owner's time zone; NULL is all day.
    due_minute = fields.SmallIntField(null=True)
    priority = fields.CharEnumField(Priority, max_length=20, default=Priority.MEDIUM)
    status = fields.CharEnumField(Status, max_length=20, default=Status.NOT_STARTED)
    progress = fields.SmallIntField(default=0)
    weight = fields.IntField(default=1)
    criterion_metric = fields.CharField(max_length=80, null=True)
    criterion_start = fields.FloatField(null=True)
    criterion_target = fields.FloatField(null=True)
    criterion_current = fields.FloatField(null=True)
    criterion_unit = fields.CharField(max_length=20, null=True)
    tags: fields.Field[list[str]] = fields.JSONField(default=list)
    links: fields.Field[list[str]] = fields.JSONField(default=list)
    channel = fields.CharField(max_length=200, null=True)
    created_by = fields.IntField()
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    completed_at = fields.DatetimeField(null=True)
    last_update_at = fields.DatetimeField(null=True)
    # Soft delete: the row stays for the activity feed and reports, invisible to every query.
    deleted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "milestones"
        unique_together = (("tenant", "number"),)
        indexes = (("tenant_id", "owner_id"), ("tenant_id", "parent_id"), ("tenant_id", "due_date"))


class MilestoneMemberRow(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    milestone: fields.ForeignKeyRelation[MilestoneRow] = fields.ForeignKeyField(
        "cairn.MilestoneRow", related_name=False, on_delete=fields.CASCADE)
    milestone_id: int
    user: fields.ForeignKeyRelation[UserRow] = fields.ForeignKeyField(
        "cairn.UserRow", related_name=False, on_delete=fields.CASCADE)
    user_id: int
    role = fields.CharEnumField(MemberRole, max_length=20)

    class Meta:
        table = "milestone_members"
        unique_together = (("milestone", "user"),)
        indexes = (("tenant_id", "user_id"),)


class ProgressUpdateRow(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    milestone: fields.ForeignKeyRelation[MilestoneRow] = fields.ForeignKeyField(
        "cairn.MilestoneRow", related_name=False, on_delete=fields.CASCADE)
    milestone_id: int
    author_id = fields.IntField()
    percent = fields.SmallIntField(null=True)
    status = fields.CharEnumField(Status, max_length=20)
    notes = fields.TextField(default="")
    blockers = fields.TextField(default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "progress_updates"
        indexes = (("milestone_id", "created_at"),)


class ForecastRow(Model):
    """A forecast as it was made (`core.scoring.forecast_records`), one row per forecast.

    Kept to measure accuracy later; the newest per milestone is the at-risk signal of cards and
    lists."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    milestone: fields.ForeignKeyRelation[MilestoneRow] = fields.ForeignKeyField(
        "cairn.MilestoneRow", related_name=False, on_delete=fields.CASCADE)
    milestone_id: int
    made_at = fields.DatetimeField()
    method = fields.CharField(max_length=20)
    p50 = fields.DateField(null=True)
    p85 = fields.DateField(null=True)
    chance = fields.FloatField(null=True)
    due = fields.DateField(null=True)

    class Meta:
        table = "forecasts"
        indexes = (("milestone_id", "id"),)


class CommentRow(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    milestone: fields.ForeignKeyRelation[MilestoneRow] = fields.ForeignKeyField(
        "cairn.MilestoneRow", related_name=False, on_delete=fields.CASCADE)
    milestone_id: int
    author_id = fields.IntField()
    body = fields.TextField()
    mentions: fields.Field[list[int]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField()

    class Meta:
        table = "comments"
        indexes = (("milestone_id", "created_at"),)


class ActivityRow(Model):
    # The append-only feed. Ids are copied from the event, not foreign keys: the feed outlives
    # whatever it mentions.
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    milestone_id = fields.IntField(null=True)
    actor_id = fields.IntField(null=True)
    verb = fields.CharField(max_length=40)
    data: fields.Field[dict[str, object]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField()

    class Meta:
        table = "activity"
        indexes = (("tenant_id", "created_at"), ("milestone_id", "created_at"))


class NotificationRow(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    user: fields.ForeignKeyRelation[UserRow] = fields.ForeignKeyField(
        "cairn.UserRow", related_name=False, on_delete=fields.CASCADE)
    user_id: int
    kind = fields.CharField(max_length=40)
    text = fields.TextField()
    milestone_id = fields.IntField(null=True)
    actor_id = fields.IntField(null=True)
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notifications"
        indexes = (("user_id", "read_at"),)


class OutboxRow(Model):
    # One event waiting for one consumer; claimed with a lease so a crashed worker's rows come
    # back, marked done once the consumer confirms.
    id = fields.BigIntField(primary_key=True)
    consumer = fields.CharField(max_length=40)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    verb = fields.CharField(max_length=40)
    payload: fields.Field[dict[str, object]] = fields.JSONField(default=dict)
    # The event's envelope, in columns like the activity feed.
    milestone_id = fields.IntField(null=True)
    actor_id = fields.IntField(null=True)
    occurred_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    last_error = fields.TextField(default="")
    done_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox"
        indexes = (("consumer", "done_at", "next_attempt_at"),)


class IdempotencyKeyRow(Model):
    """A request carried out once, unique per tenant and key (`core.interactions.idempotency`).

    Inserted in the transaction of the change it guards."""

    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    key = fields.CharField(max_length=200)
    command = fields.CharField(max_length=80)
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "idempotency_keys"
        unique_together = (("tenant_id", "key"),)


#: Every table, children first: the order to empty them in.
TABLES = tuple(model._meta.db_table for model in (
    IdempotencyKeyRow, OutboxRow, NotificationRow, ActivityRow, CommentRow, ForecastRow,
    ProgressUpdateRow,
    MilestoneMemberRow, MilestoneRow, UserIdentityRow, UserRow, TenantVersionRow, TenantRow,
))
