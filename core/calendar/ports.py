"""The ports of calendars: where calendar settings, links and sync state live (reached as
`tx.calendar`), and the gateway to a calendar service."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from core.calendar.model import (
    CalendarChanges,
    CalendarFeed,
    CalendarHealth,
    CalendarInstallation,
    CalendarLink,
    CalendarRef,
    CalendarSettings,
    CalendarSetup,
    CalendarSyncState,
    CalendarWrite,
    WatchChannel,
    WriteResult,
)
from core.calendar.tenancy import DefaultCalendar, WorkspaceCalendars
from core.model import MilestoneId, TenantId, UserId


class CalendarRepository(Protocol):
    """Calendar sync and feeds. Settings, feeds, health and links belong to the unit of work's
    tenant; the lookups marked *any tenant* serve workers and URLs that are not yet tied to one
    (an event id from Google, a feed token, a channel id) and work without a tenant."""

    async def settings(self) -> CalendarSettings:
        """The tenant's settings; the defaults until an admin changes something."""
        ...
    async def save_settings(self, settings: CalendarSettings) -> None:
        """Raises `core.errors.Conflict` when another workspace chose the same calendar."""
        ...
    async def health(self, consumer: str) -> CalendarHealth:
        """Pending and failing changes of the outbox `consumer`, events kept, last syncs."""
        ...
    async def save_placement(self, calendar_id: str) -> None:
        """The shared calendar the sync put all the tenant's deadlines in ("" for none)."""
        ...

    async def installation(self) -> CalendarInstallation | None:
        """*Any tenant*: the setup the last `serve` to start stored; None before any did."""
        ...
    async def save_installation(self, setup: CalendarSetup, at: datetime) -> None:
        """*Any tenant*: `serve` stores its setup when it starts; the holder stays."""
        ...
    async def hold_default(self, tenant_id: TenantId | None) -> None:
        """*Any tenant*: gives the installation's calendar to this workspace."""
        ...
    async def default_calendar(self, calendar_id: str, named: str) -> DefaultCalendar:
        """*Any tenant*: whom the installation's calendar may serve (its holder, workspaces
        that chose it as their own, the only workspace if there is one)."""
        ...
    async def calendar_users(self, calendar_id: str) -> set[TenantId]:
        """*Any tenant*: workspaces that chose this shared calendar or have events in it."""
        ...
    async def workspaces(self) -> list[WorkspaceCalendars]:
        """*Any tenant*: every workspace, with its settings and where the sync placed it."""
        ...

    async def add_feed(self, feed: CalendarFeed) -> CalendarFeed: ...
    async def feeds(self, *, created_by: UserId | None = None) -> list[CalendarFeed]:
        """Active (not revoked) feeds, oldest first; only one person's when given."""
        ...
    async def revoke_feeds(self, feed_ids: Collection[int], at: datetime) -> int: ...
    async def feed_by_hash(self, token_hash: str) -> CalendarFeed | None:
        """*Any tenant*: the active feed behind an ICS address, by its token's hash."""
        ...
    async def feed_used(self, feed_id: int, at: datetime) -> None: ...

    async def links(self, milestone_ids: Collection[MilestoneId]) -> list[CalendarLink]: ...
    async def save_links(self, links: Sequence[CalendarLink]) -> None:
        """Creates or replaces each link (one per milestone and calendar)."""
        ...
    async def stale_links(self, limit: int) -> list[CalendarLink]:
        """*Any tenant*: links marked stale, for the repair job."""
        ...
    async def unlinked(self, limit: int) -> list[tuple[TenantId, MilestoneId]]:
        """*Any tenant*: live milestones with a due date and no link at all (never looked at
        by the sync, e.g. made before Google Calendar was configured), oldest first."""
        ...
    async def link_by_event(self, calendar: CalendarRef, event_id: str) -> CalendarLink | None:
        """*Any tenant*: the milestone behind an event of a calendar Cairn writes to."""
        ...

    async def sync_states(self) -> list[CalendarSyncState]:
        """*Any tenant*: every calendar Cairn writes to, with where its last read stopped."""
        ...
    async def save_sync_state(self, state: CalendarSyncState) -> None: ...
    async def channels(self) -> list[WatchChannel]:
        """*Any tenant*: push channels not stopped, newest first."""
        ...
    async def channel(self, channel_id: str) -> WatchChannel | None: ...
    async def save_channel(self, channel: WatchChannel) -> None: ...


class CalendarGateway(Protocol):
    """A calendar service (Google Calendar). Calls may take seconds; results come back in the
    order of the writes, one per write, and a failed write never raises."""

    async def write(self, writes: Sequence[CalendarWrite]) -> list[WriteResult]:
        """Creates, updates or removes events, batching as the service allows."""
        ...
    async def changes(self, calendar: CalendarRef, sync_token: str | None) -> CalendarChanges:
        """Events changed since the token (all events without one); raises
        `core.calendar.model.SyncTokenExpired` when the service no longer knows the token."""
        ...
    async def watch(self, calendar: CalendarRef, *, channel_id: str, token: str, address: str,
                    ttl: timedelta) -> tuple[str, datetime]:
        """Opens a push channel to `address`; returns its resource id and expiry."""
        ...
    async def stop(self, calendar: CalendarRef, *, channel_id: str, resource_id: str) -> None: ...
