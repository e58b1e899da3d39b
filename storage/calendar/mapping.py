"""Calendar rows as the core's calendar records: settings, feeds, links and watch channels
(read by `repository.TortoiseCalendar`)."""

from __future__ import annotations

from core.calendar.model import (
    DEFAULT_KINDS,
    CalendarFeed,
    CalendarLink,
    CalendarRef,
    CalendarSettings,
    FeedScope,
    WatchChannel,
)
from core.model import Kind, MilestoneId, TenantId, UserId
from storage.calendar.models import (
    CalendarChannelRow,
    CalendarFeedRow,
    CalendarLinkRow,
    CalendarSettingsRow,
)


def settings_of(row: CalendarSettingsRow) -> CalendarSettings:
    return CalendarSettings(
        tenant_id=TenantId(row.tenant_id), enabled=row.enabled,
        kinds=frozenset(Kind(k) for k in row.kinds) if row.kinds else DEFAULT_KINDS,
        owner_calendars=row.owner_calendars, calendar_id=row.calendar_id,
        updated_at=row.updated_at)


def feed_of(row: CalendarFeedRow) -> CalendarFeed:
    return CalendarFeed(
        id=row.id, tenant_id=TenantId(row.tenant_id), token_hash=row.token_hash,
        scope=FeedScope(row.scope), created_by=UserId(row.created_by_id),
        user_id=UserId(row.user_id) if row.user_id is not None else None,
        root_id=MilestoneId(row.root_id) if row.root_id is not None else None,
        team_id=row.team_id,
        created_at=row.created_at, revoked_at=row.revoked_at, last_used_at=row.last_used_at)


def link_of(row: CalendarLinkRow) -> CalendarLink:
    return CalendarLink(
        tenant_id=TenantId(row.tenant_id), milestone_id=MilestoneId(row.milestone_id),
        calendar=CalendarRef(row.calendar_id, row.subject), event_id=row.event_id,
        etag=row.etag, written_when=row.written_when, digest=row.digest, deleted=row.deleted,
        stale=row.stale, updated_at=row.updated_at)


def channel_of(row: CalendarChannelRow) -> WatchChannel:
    return WatchChannel(
        id=row.channel_id, calendar=CalendarRef(row.calendar_id, row.subject), token=row.token,
        resource_id=row.resource_id, expires_at=row.expires_at, created_at=row.created_at,
        stopped_at=row.stopped_at)

