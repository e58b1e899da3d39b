"""Tables of calendar sync and ICS feeds: the tortoise app `calendar`.

Settings, feeds and links belong to a tenant; sync states and push channels belong to a Google
calendar, which several workspaces may share, and are found through the links.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # imported here, tortoise would take them for models of this app too
    from storage.models import MilestoneRow, TenantRow, UserRow

CALENDAR_ID_MAX = 254


class CalendarSettingsRow(Model):
    # One row per workspace that changed something; no row means the defaults.
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE, unique=True)
    tenant_id: int
    enabled = fields.BooleanField(default=True)
    kinds: fields.Field[list[str]] = fields.JSONField(default=list)
    owner_calendars = fields.BooleanField(default=False)
    calendar_id = fields.CharField(max_length=CALENDAR_ID_MAX, null=True)
    updated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "calendar_settings"


class CalendarFeedRow(Model):
    # An ICS address. The token is the whole credential: long, random, unique, revocable.
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    token = fields.CharField(max_length=64, unique=True)
    scope = fields.CharField(max_length=10)
    created_by: fields.ForeignKeyRelation[UserRow] = fields.ForeignKeyField(
        "cairn.UserRow", related_name=False, on_delete=fields.CASCADE)
    created_by_id: int
    user_id = fields.IntField(null=True)
    root_id = fields.IntField(null=True)
    created_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "calendar_feeds"
        indexes = (("tenant_id", "created_by_id"),)


class CalendarLinkRow(Model):
    # A milestone's event in one calendar, as Cairn last wrote it.
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    milestone: fields.ForeignKeyRelation[MilestoneRow] = fields.ForeignKeyField(
        "cairn.MilestoneRow", related_name=False, on_delete=fields.CASCADE)
    milestone_id: int
    calendar_id = fields.CharField(max_length=CALENDAR_ID_MAX)
    subject = fields.CharField(max_length=CALENDAR_ID_MAX, default="")
    event_id = fields.CharField(max_length=100)
    etag = fields.CharField(max_length=100, default="")
    written_when = fields.CharField(max_length=100, default="")
    digest = fields.CharField(max_length=64, default="")
    deleted = fields.BooleanField(default=False)
    stale = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "calendar_links"
        unique_together = (("milestone", "calendar_id", "subject"),)
        indexes = (("calendar_id", "subject", "event_id"), ("tenant_id", "updated_at"),
                   ("stale",))


class CalendarSyncRow(Model):
    # Where the last read of one calendar's changes stopped (Google's sync token).
    id = fields.IntField(primary_key=True)
    calendar_id = fields.CharField(max_length=CALENDAR_ID_MAX)
    subject = fields.CharField(max_length=CALENDAR_ID_MAX, default="")
    sync_token = fields.TextField(null=True)
    synced_at = fields.DatetimeField(null=True)
    error = fields.TextField(default="")

    class Meta:
        table = "calendar_sync"
        unique_together = (("calendar_id", "subject"),)


class CalendarChannelRow(Model):
    # A push channel Google calls at POST /google/notifications with our id and token.
    id = fields.IntField(primary_key=True)
    channel_id = fields.CharField(max_length=64, unique=True)
    calendar_id = fields.CharField(max_length=CALENDAR_ID_MAX)
    subject = fields.CharField(max_length=CALENDAR_ID_MAX, default="")
    token = fields.CharField(max_length=128)
    resource_id = fields.CharField(max_length=200, default="")
    expires_at = fields.DatetimeField()
    created_at = fields.DatetimeField()
    stopped_at = fields.DatetimeField(null=True)

    class Meta:
        table = "calendar_channels"


#: Every table, children first: the order to empty them in.
TABLES = tuple(model._meta.db_table for model in (
    CalendarLinkRow, CalendarFeedRow, CalendarSettingsRow, CalendarChannelRow, CalendarSyncRow,
))
