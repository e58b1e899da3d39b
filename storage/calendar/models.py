"""Tables of calendar sync and ICS feeds: the tortoise app `calendar`.

Settings, feeds, links and placements belong to a tenant; sync states and push channels belong
to a Google calendar and are found through the links. The installation row is the one `serve`
writes when it starts: every process reads calendars' setup from it, not from its environment.
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
    # A workspace's own shared calendar: unique, since a calendar holds one workspace's deadlines.
    calendar_id = fields.CharField(max_length=CALENDAR_ID_MAX, null=True, unique=True)
    updated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "calendar_settings"


class CalendarFeedRow(Model):
    # An ICS address. Its token is the whole credential (long, random, revocable), so only the
    # token's SHA-256 is kept: enough to recognise an address, useless to anyone who reads it.
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE)
    tenant_id: int
    token_hash = fields.CharField(max_length=64, unique=True)
    scope = fields.CharField(max_length=10)
    created_by: fields.ForeignKeyRelation[UserRow] = fields.ForeignKeyField(
        "cairn.UserRow", related_name=False, on_delete=fields.CASCADE)
    created_by_id: int
    user_id = fields.IntField(null=True)
    root_id = fields.IntField(null=True)
    team_id = fields.IntField(null=True)
    created_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "calendar_feeds"
        indexes = (("tenant_id", "created_by_id"),)


class CalendarPlacementRow(Model):
    # Where the sync last put all of a workspace's deadlines ("" nowhere): when the placement a
    # workspace should have differs (an operator named another workspace, say), it is resynced.
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.CASCADE, unique=True)
    tenant_id: int
    calendar_id = fields.CharField(max_length=CALENDAR_ID_MAX, default="")
    updated_at = fields.DatetimeField()

    class Meta:
        table = "calendar_placements"


class CalendarInstallationRow(Model):
    # One row (id 1): the calendar setup of the last `serve` to start, and the workspace the
    # installation's calendar (GOOGLE_CALENDAR_ID) holds.
    id = fields.IntField(primary_key=True)
    public_url = fields.CharField(max_length=500, default="")
    google = fields.BooleanField(default=False)
    calendar_id = fields.CharField(max_length=CALENDAR_ID_MAX, default="")
    calendar_tenant = fields.CharField(max_length=80, default="")
    service_account = fields.CharField(max_length=CALENDAR_ID_MAX, default="")
    push = fields.BooleanField(default=False)
    started_at = fields.DatetimeField(null=True)
    holder: fields.ForeignKeyNullableRelation[TenantRow] = fields.ForeignKeyField(
        "cairn.TenantRow", related_name=False, on_delete=fields.SET_NULL, null=True)
    holder_id: int | None

    class Meta:
        table = "calendar_installation"


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
    CalendarLinkRow, CalendarFeedRow, CalendarSettingsRow, CalendarPlacementRow,
    CalendarInstallationRow, CalendarChannelRow, CalendarSyncRow,
))
