"""Tables of nudges, in a tortoise app of their own (`nudges`): settings, vacations, snoozes,
the deliveries claimed under unique keys, and what the sweep remembers between ticks.

They refer to the core's tables (tenants, users, milestones) and never change them.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models import MilestoneRow, TenantRow, UserRow


class TeamPolicyRow(Model):
    # A tenant's reminder defaults; no row means the built-in ones.
    id = fields.IntField(primary_key=True)
    tenant: fields.OneToOneRelation[TenantRow] = fields.OneToOneField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    checkin_weekday = fields.SmallIntField(default=0)
    checkin_minute = fields.SmallIntField(default=9 * 60)
    every_weeks = fields.SmallIntField(default=1)
    anchor_week = fields.IntField(default=0)
    deadline_days: fields.Field[list[int]] = fields.JSONField(default=list)
    overdue_every = fields.SmallIntField(default=2)
    # No digest when the weekday is null.
    digest_weekday = fields.SmallIntField(null=True)
    digest_minute = fields.SmallIntField(default=16 * 60)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "nudge_team_policies"


class PersonPolicyRow(Model):
    # What a person changed of the team's check-in cadence (null: the team's value).
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    user: fields.OneToOneRelation[UserRow] = fields.OneToOneField(
        "cairn.UserRow", related_name=False, on_delete=fields.CASCADE)
    user_id: int
    weekday = fields.SmallIntField(null=True)
    minute = fields.SmallIntField(null=True)
    every_weeks = fields.SmallIntField(null=True)
    anchor_week = fields.IntField(null=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "nudge_person_policies"


class MilestoneCadenceRow(Model):
    # A milestone asked about on a cadence of its own.
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    milestone: fields.OneToOneRelation[MilestoneRow] = fields.OneToOneField(
        "cairn.MilestoneRow", related_name=False, on_delete=fields.CASCADE)
    milestone_id: int
    weekday = fields.SmallIntField()
    minute = fields.SmallIntField()
    every_weeks = fields.SmallIntField(default=1)
    anchor_week = fields.IntField(default=0)

    class Meta:
        table = "nudge_milestone_cadences"


class VacationRow(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    user: fields.ForeignKeyRelation[UserRow] = fields.ForeignKeyField(
        "cairn.UserRow", related_name=False, on_delete=fields.CASCADE)
    user_id: int
    # Local dates of the person, both included.
    starts = fields.DateField()
    ends = fields.DateField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "nudge_vacations"
        indexes = (("user_id", "ends"),)


class SnoozeRow(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    user: fields.ForeignKeyRelation[UserRow] = fields.ForeignKeyField(
        "cairn.UserRow", related_name=False, on_delete=fields.CASCADE)
    user_id: int
    milestone_id = fields.IntField(null=True)
    until = fields.DatetimeField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "nudge_snoozes"
        indexes = (("user_id", "until"),)


class DeliveryRow(Model):
    # One nudge to one person (or channel), claimed under its unique key by the sweep, then
    # leased, prepared (inbox) and sent by the delivery queue. `user_id` is 0 for a channel,
    # `channel` empty for a person and `milestone_id` 0 for none, so the key has no NULL in it
    # (a NULL would make every key unique).
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    user_id = fields.IntField()
    channel = fields.CharField(max_length=200, default="")
    kind = fields.CharField(max_length=20)
    milestone_id = fields.IntField(default=0)
    period = fields.CharField(max_length=40)
    detail = fields.CharField(max_length=80, default="")
    status = fields.CharField(max_length=10, default="pending")
    not_before = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    routes_done: fields.Field[list[str]] = fields.JSONField(default=list)
    prepared = fields.BooleanField(default=False)
    snoozed = fields.BooleanField(default=False)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "nudge_deliveries"
        unique_together = (("tenant", "user_id", "channel", "kind", "milestone_id", "period"),)
        indexes = (("status", "not_before"),)


class AskStateRow(Model):
    # How a milestone's check-in requests went (unanswered in a row, escalated).
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    milestone: fields.OneToOneRelation[MilestoneRow] = fields.OneToOneField(
        "cairn.MilestoneRow", related_name=False, on_delete=fields.CASCADE)
    milestone_id: int
    unanswered = fields.SmallIntField(default=0)
    last_asked_at = fields.DatetimeField(null=True)
    asked_on = fields.DateField(null=True)
    escalated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "nudge_ask_states"


class PersonDayRow(Model):
    # The last local day a person's daily pass ran (check-in, deadline alerts): once a day.
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    user: fields.OneToOneRelation[UserRow] = fields.OneToOneField(
        "cairn.UserRow", related_name=False, on_delete=fields.CASCADE)
    user_id: int
    swept_on = fields.DateField()

    class Meta:
        table = "nudge_people"


class ReceiptRow(Model):
    # A nudge that reached a person's inbox: the link from the inbox entry back to the nudge.
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    nudge: fields.ForeignKeyRelation[DeliveryRow] = fields.ForeignKeyField(
        "nudges.DeliveryRow", related_name=False, on_delete=fields.CASCADE)
    nudge_id: int
    user_id = fields.IntField()
    notification_id = fields.IntField()

    class Meta:
        table = "nudge_receipts"
        indexes = (("user_id", "id"),)


#: Every table, children first: the order to empty them in.
TABLES = tuple(model._meta.db_table for model in (
    ReceiptRow, DeliveryRow, AskStateRow, PersonDayRow, SnoozeRow, VacationRow,
    MilestoneCadenceRow, PersonPolicyRow, TeamPolicyRow,
))
