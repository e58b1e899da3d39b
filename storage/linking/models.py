"""Tortoise models of linking (tortoise app label `linking`)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models import TenantRow, UserRow


class LinkCodeRow(Model):
    # A one-time code, kept as its SHA-256 digest only: the table cannot give a code away.
    id = fields.IntField(primary_key=True)
    digest = fields.CharField(max_length=64, unique=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    platform = fields.CharField(max_length=10)
    issued_by = fields.IntField()
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "link_codes"


class PlatformLinkRow(Model):
    # A workspace (by identity prefix) that joined a host tenant, and where it came from.
    id = fields.IntField(primary_key=True)
    prefix = fields.CharField(max_length=300, unique=True)
    host: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    host_id: int
    origin_id = fields.IntField()
    linked_at = fields.DatetimeField()

    class Meta:
        table = "platform_links"
        indexes = (("host_id",),)


class NotifyChoiceRow(Model):
    # Where a person on both platforms is nudged: their choice, and the platform used last.
    id = fields.IntField(primary_key=True)
    tenant_id = fields.IntField()
    user: fields.OneToOneRelation[UserRow] = fields.OneToOneField(
        "cairn.UserRow", related_name=False, on_delete=fields.CASCADE)
    user_id: int
    choice = fields.CharField(max_length=10, default="last")
    last_platform = fields.CharField(max_length=10, default="")

    class Meta:
        table = "notify_choices"


class ReachRow(Model):
    # Why a platform last failed to reach a person (the delivery queue's finding).
    id = fields.IntField(primary_key=True)
    tenant_id = fields.IntField()
    user: fields.ForeignKeyRelation[UserRow] = fields.ForeignKeyField(
        "cairn.UserRow", related_name=False, on_delete=fields.CASCADE)
    user_id: int
    platform = fields.CharField(max_length=20)
    reason = fields.CharField(max_length=300)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "person_reach"
        unique_together = (("user_id", "platform"),)
        indexes = (("tenant_id",),)


#: Every table, children first: the order to empty them in.
TABLES = tuple(model._meta.db_table for model in (
    ReachRow, NotifyChoiceRow, PlatformLinkRow, LinkCodeRow))
