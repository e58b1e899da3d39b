"""Tortoise models of the webhooks app (tortoise app label `webhooks`)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models import TenantRow


class WebhookEndpointRow(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    url = fields.CharField(max_length=2000)
    events: fields.Field[list[str]] = fields.JSONField()
    # [{"value", "created_at", "expires_at"}]: the values sign every delivery.
    secrets: fields.Field[list[dict[str, str | None]]] = fields.JSONField()
    description = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField()
    created_by_id = fields.IntField(null=True)
    disabled_at = fields.DatetimeField(null=True)
    disabled_reason = fields.CharField(max_length=500, default="")
    consecutive_failures = fields.IntField(default=0)
    failing_since = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_endpoints"
        indexes = (("tenant_id",),)


class WebhookDeliveryRow(Model):
    id = fields.IntField(primary_key=True)
    tenant_id = fields.IntField()
    endpoint: fields.ForeignKeyRelation[WebhookEndpointRow] = fields.ForeignKeyField(
        "webhooks.WebhookEndpointRow", related_name=False, on_delete=fields.CASCADE)
    endpoint_id: int
    event_id = fields.CharField(max_length=64)
    event_type = fields.CharField(max_length=40)
    milestone_id = fields.IntField(null=True)
    sequence = fields.BigIntField(default=0)
    body = fields.TextField()
    created_at = fields.DatetimeField()
    due_at = fields.DatetimeField()
    state = fields.CharField(max_length=12, default="pending")
    attempts = fields.IntField(default=0)
    first_attempt_at = fields.DatetimeField(null=True)
    last_attempt_at = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=300, default="")
    leased_until = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_deliveries"
        unique_together = (("endpoint_id", "event_id"),)
        indexes = (("state", "due_at"), ("endpoint_id", "milestone_id", "state"))


class WebhookLogRow(Model):
    id = fields.IntField(primary_key=True)
    tenant_id = fields.IntField()
    endpoint: fields.ForeignKeyRelation[WebhookEndpointRow] = fields.ForeignKeyField(
        "webhooks.WebhookEndpointRow", related_name=False, on_delete=fields.CASCADE)
    endpoint_id: int
    event_id = fields.CharField(max_length=64)
    event_type = fields.CharField(max_length=40)
    attempt = fields.IntField()
    at = fields.DatetimeField()
    status = fields.IntField(null=True)
    latency_ms = fields.IntField(default=0)
    error = fields.CharField(max_length=300, default="")
    response = fields.CharField(max_length=500, default="")
    verdict = fields.CharField(max_length=12)
    next_attempt_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_log"
        indexes = (("endpoint_id", "id"),)


#: Every table, children first: the order to empty them in.
TABLES = tuple(model._meta.db_table for model in (
    WebhookLogRow, WebhookDeliveryRow, WebhookEndpointRow))
