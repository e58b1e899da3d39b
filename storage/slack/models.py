"""Tortoise models of the Slack app (tortoise app label `slack`).

Token columns never hold a token in clear: `secrets` is whatever the Slack front end encrypted
(a Fernet token); storage cannot read it. Workspace keys use "" for an absent enterprise or team
id, so the unique constraints hold (NULLs never collide in a unique index).
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from storage.models import TenantRow, UserRow


class SlackWorkspaceRow(Model):
    # One Slack workspace (or a whole Enterprise Grid org for org-wide installs) -> one tenant.
    id = fields.IntField(primary_key=True)
    enterprise_id = fields.CharField(max_length=32, default="")
    team_id = fields.CharField(max_length=32, default="")
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    name = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "slack_workspaces"
        unique_together = (("enterprise_id", "team_id"),)
        indexes = (("tenant_id",),)


class SlackInstallationRow(Model):
    # The latest installation of the app in one workspace (or org).
    id = fields.IntField(primary_key=True)
    enterprise_id = fields.CharField(max_length=32, default="")
    team_id = fields.CharField(max_length=32, default="")
    is_enterprise_install = fields.BooleanField(default=False)
    installer_user_id = fields.CharField(max_length=32, default="")
    # Everything Slack told us that is not a secret (ids, names, scopes, expiry times).
    data: fields.Field[dict[str, object]] = fields.JSONField(default=dict)
    # The tokens, encrypted by the caller: opaque to storage.
    secrets = fields.TextField()
    installed_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "slack_installations"
        unique_together = (("enterprise_id", "team_id"),)


class SlackOAuthStateRow(Model):
    # The `state` of an OAuth install in progress: consumed once, expires in minutes.
    id = fields.IntField(primary_key=True)
    state = fields.CharField(max_length=200, unique=True)
    expires_at = fields.DatetimeField()

    class Meta:
        table = "slack_oauth_states"
        indexes = (("expires_at",),)


class SlackProcessedKeyRow(Model):
    # A request already acted on (an event id, a button of one rendering, a submitted modal):
    # the unique key is what makes a retry or a double click change nothing twice.
    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=100, unique=True)
    tenant_id = fields.IntField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "slack_processed_keys"
        indexes = (("created_at",),)


class SlackSeenRequestRow(Model):
    # A slash command's signature, kept while Slack would still accept the request (its
    # timestamp is checked to five minutes either way): the unique digest refuses a replay.
    id = fields.BigIntField(primary_key=True)
    digest = fields.CharField(max_length=64, unique=True)
    team_id = fields.CharField(max_length=32, default="")
    seen_at = fields.DatetimeField()

    class Meta:
        table = "slack_seen_requests"
        indexes = (("seen_at",),)


class SlackCardMessageRow(Model):
    # The card message of a milestone in its home channel; updates are replies in its thread.
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    milestone_id = fields.IntField()
    channel = fields.CharField(max_length=32)
    ts = fields.CharField(max_length=32)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "slack_card_messages"
        unique_together = (("tenant", "milestone_id"),)


class SlackMemberRow(Model):
    # The Slack user behind a Cairn user (to publish their App Home, to prefill user selects).
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    user: fields.ForeignKeyRelation[UserRow] = fields.ForeignKeyField(
        "cairn.UserRow", related_name=False, on_delete=fields.CASCADE)
    user_id: int
    team_id = fields.CharField(max_length=32)
    slack_user_id = fields.CharField(max_length=32)

    class Meta:
        table = "slack_members"
        unique_together = (("team_id", "slack_user_id"),)
        indexes = (("tenant_id", "user_id"),)


#: Every table, children first: the order to empty them in.
TABLES = tuple(model._meta.db_table for model in (
    SlackMemberRow, SlackCardMessageRow, SlackSeenRequestRow, SlackProcessedKeyRow,
    SlackOAuthStateRow, SlackInstallationRow, SlackWorkspaceRow,
))
