"""Tortoise models of the Teams app (tortoise app label `teams`).

A conversation reference is kept whole, as the JSON the Teams front end gave (storage never
reads inside it). Ids are Teams' own strings: Entra tenant ids and AAD object ids are GUIDs,
conversation ids are longer (`19:…@thread.tacv2`, `a:1…`), hence 255 characters.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models import TenantRow, UserRow


class TeamsTenantRow(Model):
    # One Teams (Entra) tenant -> one Cairn tenant.
    id = fields.IntField(primary_key=True)
    teams_tenant_id = fields.CharField(max_length=255, unique=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    name = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "teams_tenants"
        indexes = (("tenant_id",),)


class TeamsPersonalReferenceRow(Model):
    # A person's personal chat with the bot: where their nudges go.
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    user: fields.ForeignKeyRelation[UserRow] = fields.ForeignKeyField(
        "cairn.UserRow", related_name=False, on_delete=fields.CASCADE)
    user_id: int
    teams_tenant_id = fields.CharField(max_length=255)
    aad_object_id = fields.CharField(max_length=255)
    conversation_id = fields.CharField(max_length=255)
    reference: fields.Field[dict[str, object]] = fields.JSONField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "teams_personal_references"
        unique_together = (("teams_tenant_id", "aad_object_id"),)
        indexes = (("tenant_id", "user_id"), ("teams_tenant_id", "conversation_id"))


class TeamsConversationReferenceRow(Model):
    # A channel or group chat the bot is in: where digests and milestone cards go.
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    teams_tenant_id = fields.CharField(max_length=255)
    conversation_id = fields.CharField(max_length=255)
    kind = fields.CharField(max_length=20)
    team_id = fields.CharField(max_length=255, default="")
    name = fields.CharField(max_length=200, default="")
    reference: fields.Field[dict[str, object]] = fields.JSONField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "teams_conversation_references"
        unique_together = (("teams_tenant_id", "conversation_id"),)
        indexes = (("tenant_id", "conversation_id"),)


class TeamsProcessedKeyRow(Model):
    # A click already acted on (the activity id of an Action.Submit or Action.Execute): the
    # unique key is what makes a double click or Teams' retry change nothing twice.
    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=200, unique=True)
    tenant_id = fields.IntField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "teams_processed_keys"
        indexes = (("created_at",),)


class TeamsCardRow(Model):
    # A milestone's card in its home channel: updates and comments are replies under it.
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    milestone_id = fields.IntField()
    conversation_id = fields.CharField(max_length=255)
    activity_id = fields.CharField(max_length=255)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "teams_cards"
        unique_together = (("tenant_id", "milestone_id"),)


#: Every table, children first: the order to empty them in.
TABLES = tuple(model._meta.db_table for model in (
    TeamsCardRow, TeamsProcessedKeyRow, TeamsConversationReferenceRow, TeamsPersonalReferenceRow,
    TeamsTenantRow,
))
