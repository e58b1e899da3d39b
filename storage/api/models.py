"""Tortoise models of the API app (tortoise app label `api`)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models import TenantRow, UserRow


class ApiTokenRow(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    # None for an app token.
    user: fields.ForeignKeyNullableRelation[UserRow] = fields.ForeignKeyField(
        "cairn.UserRow", related_name=False, null=True, on_delete=fields.CASCADE)
    user_id: int | None
    name = fields.CharField(max_length=60)
    scopes: fields.Field[list[str]] = fields.JSONField()
    token_hash = fields.CharField(max_length=64, unique=True)
    hint = fields.CharField(max_length=16)
    created_by_id = fields.IntField()
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_tokens"
        indexes = (("tenant_id", "user_id"),)


class ApiRateRow(Model):
    # One row per token and minute; old windows are dropped as new ones start.
    id = fields.IntField(primary_key=True)
    token: fields.ForeignKeyRelation[ApiTokenRow] = fields.ForeignKeyField(
        "api.ApiTokenRow", related_name=False, on_delete=fields.CASCADE)
    token_id: int
    # Minutes since the epoch: the same integer on SQLite and PostgreSQL in raw SQL.
    minute = fields.IntField()
    count = fields.IntField(default=0)

    class Meta:
        table = "api_rate_windows"
        unique_together = (("token_id", "minute"),)


class ApiReplyRow(Model):
    id = fields.IntField(primary_key=True)
    token: fields.ForeignKeyRelation[ApiTokenRow] = fields.ForeignKeyField(
        "api.ApiTokenRow", related_name=False, on_delete=fields.CASCADE)
    token_id: int
    key = fields.CharField(max_length=255)
    fingerprint = fields.CharField(max_length=64)
    status = fields.IntField(default=0)
    body = fields.TextField(default="")
    # Seconds since the epoch (written by raw SQL, compared as a number).
    created = fields.BigIntField()

    class Meta:
        table = "api_replies"
        unique_together = (("token_id", "key"),)
        indexes = (("created",),)


#: Every table, children first: the order to empty them in.
TABLES = tuple(model._meta.db_table for model in (ApiReplyRow, ApiRateRow, ApiTokenRow))
