"""`core.calendar.ports.CalendarRepository` on tortoise: settings, feeds, links, sync states,
channels."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from core.calendar.model import (
    CalendarFeed,
    CalendarHealth,
    CalendarInstallation,
    CalendarLink,
    CalendarRef,
    CalendarSettings,
    CalendarSetup,
    CalendarSyncState,
    WatchChannel,
)
from core.calendar.tenancy import DefaultCalendar, WorkspaceCalendars
from core.errors import Conflict
from core.model import MilestoneId, TenantId, UserId
from storage.calendar.mapping import channel_of, feed_of, link_of, settings_of
from storage.calendar.models import (
    CalendarChannelRow,
    CalendarFeedRow,
    CalendarInstallationRow,
    CalendarLinkRow,
    CalendarPlacementRow,
    CalendarSettingsRow,
    CalendarSyncRow,
)
from storage.mapping import utc
from storage.models import OutboxRow, TenantRow
from storage.scoped import M, Repository

ERROR_MAX = 1000

UNLINKED = """
SELECT m.tenant_id, m.id FROM milestones m
WHERE m.deleted_at IS NULL AND m.due_date IS NOT NULL AND m.status <> 'cancelled' {tenant}
  AND NOT EXISTS (SELECT 1 FROM calendar_links l WHERE l.milestone_id = m.id)
ORDER BY m.id
LIMIT ?
"""
INSTALLATION = 1  # the id of the one installation row
# Makes sure the row exists, whoever gets there first (two instances starting together).
ENSURE_INSTALLATION = """
INSERT INTO calendar_installation (id, public_url, google, calendar_id, calendar_tenant,
                                   service_account, push)
VALUES (?, '', ?, '', '', '', ?) ON CONFLICT (id) DO NOTHING
"""
TAKEN = ("{calendar} is already another workspace's calendar, and a calendar only ever holds "
         "one workspace's deadlines")


class TortoiseCalendar(Repository):
    async def _any_tenant(self, model: type[M]) -> QuerySet[M]:
        """Rows of every tenant, or only this unit of work's when it has one."""
        if self._session.tenant_id is None:
            return model.all().using_db(await self.db())
        return await self.scoped(model)

    async def _global(self, model: type[M]) -> QuerySet[M]:
        """Rows that belong to a Google calendar, not to a tenant (sync states, channels)."""
        return model.all().using_db(await self.db())

    # --- settings and health ---------------------------------------------------------------

    async def settings(self) -> CalendarSettings:
        row = await (await self.scoped(CalendarSettingsRow)).first()
        if row is None:
            return CalendarSettings(tenant_id=self.tenant_id)
        return settings_of(row)

    async def save_settings(self, settings: CalendarSettings) -> None:
        self.require_tenant(settings.tenant_id, "calendar settings", settings.tenant_id)
        values = {"enabled": settings.enabled,
                  "kinds": sorted(k.value for k in settings.kinds),
                  "owner_calendars": settings.owner_calendars,
                  "calendar_id": settings.calendar_id, "updated_at": utc(settings.updated_at)}
        db = await self.db()
        try:
            # A savepoint: a calendar another workspace took a moment ago must not abort the
            # whole unit of work on PostgreSQL; the unique index decides who was first.
            async with db._in_transaction() as savepoint:
                changed = await CalendarSettingsRow.filter(tenant_id=self.tenant_id).using_db(
                    savepoint).update(**values)
                if not changed:
                    await CalendarSettingsRow.create(using_db=savepoint,
                                                     tenant_id=self.tenant_id, **values)
        except IntegrityError as error:
            raise Conflict(TAKEN.format(calendar=settings.calendar_id),
                           hint="create a calendar for this workspace") from error

    async def save_placement(self, calendar_id: str) -> None:
        values = {"calendar_id": calendar_id, "updated_at": datetime.now(UTC)}
        if not await (await self.scoped(CalendarPlacementRow)).update(**values):
            await CalendarPlacementRow.create(using_db=await self.db(),
                                              tenant_id=self.tenant_id, **values)

    async def health(self, consumer: str) -> CalendarHealth:
        waiting = (await self.scoped(OutboxRow)).filter(consumer=consumer, done_at__isnull=True)
        failing = waiting.filter(last_error__not="")
        last = await failing.order_by("-id").first()
        retry = await failing.order_by("next_attempt_at").first()
        links = (await self.scoped(CalendarLinkRow))
        newest = await links.order_by("-updated_at").first()
        calendars = await links.distinct().values_list("calendar_id", "subject")
        pulled: datetime | None = None
        for calendar_id, subject in calendars:
            state = await (await self._global(CalendarSyncRow)).filter(
                calendar_id=calendar_id, subject=subject).first()
            if state and state.synced_at and (pulled is None or state.synced_at > pulled):
                pulled = state.synced_at
        return CalendarHealth(
            pending=await waiting.count(), failing=await failing.count(),
            last_error=last.last_error if last else "",
            next_retry=retry.next_attempt_at if retry else None,
            events=await links.filter(deleted=False).count(),
            last_pushed=newest.updated_at if newest else None, last_pulled=pulled)

    # --- the installation and whom its calendar serves (not a tenant's) -----------------------

    async def installation(self) -> CalendarInstallation | None:
        row = await (await self._global(CalendarInstallationRow)).filter(
            id=INSTALLATION).first()
        if row is None or row.started_at is None:
            return None
        return CalendarInstallation(
            setup=CalendarSetup(google=row.google, calendar_id=row.calendar_id,
                                tenant=row.calendar_tenant, service_account=row.service_account,
                                public_url=row.public_url, push=row.push),
            started_at=row.started_at,
            holder=TenantId(row.holder_id) if row.holder_id is not None else None)

    async def _installation_row(self) -> QuerySet[CalendarInstallationRow]:
        await self.sql(ENSURE_INSTALLATION, [INSTALLATION, False, False])
        return (await self._global(CalendarInstallationRow)).filter(id=INSTALLATION)

    async def save_installation(self, setup: CalendarSetup, at: datetime) -> None:
        await (await self._installation_row()).update(
            public_url=setup.public_url[:500], google=setup.google,
            calendar_id=setup.calendar_id, calendar_tenant=setup.tenant[:80],
            service_account=setup.service_account, push=setup.push, started_at=utc(at))

    async def hold_default(self, tenant_id: TenantId | None) -> None:
        await (await self._installation_row()).update(holder_id=tenant_id)

    async def default_calendar(self, calendar_id: str, named: str) -> DefaultCalendar:
        row = await (await self._global(CalendarInstallationRow)).filter(
            id=INSTALLATION).first()
        chosen = await (await self._global(CalendarSettingsRow)).filter(
            calendar_id=calendar_id).values_list("tenant_id", flat=True)
        first_two = await TenantRow.all().using_db(await self.db()).order_by("id").limit(
            2).values_list("id", flat=True)
        return DefaultCalendar(
            calendar_id=calendar_id, named=named,
            holder=TenantId(row.holder_id) if row and row.holder_id is not None else None,
            chosen_by=frozenset(TenantId(int(t)) for t in chosen),
            only=TenantId(int(first_two[0])) if len(first_two) == 1 else None)

    async def calendar_users(self, calendar_id: str) -> set[TenantId]:
        chosen = await (await self._global(CalendarSettingsRow)).filter(
            calendar_id=calendar_id).values_list("tenant_id", flat=True)
        holding = await (await self._global(CalendarLinkRow)).filter(
            calendar_id=calendar_id, subject="", deleted=False).distinct().values_list(
            "tenant_id", flat=True)
        return {TenantId(int(t)) for t in [*chosen, *holding]}

    async def workspaces(self) -> list[WorkspaceCalendars]:
        db = await self.db()
        settings = {row.tenant_id: row for row in await CalendarSettingsRow.all().using_db(db)}
        placed = {row.tenant_id: row.calendar_id
                  for row in await CalendarPlacementRow.all().using_db(db)}
        tenants = await TenantRow.all().using_db(db).order_by("id").values_list("id", "slug")
        return [WorkspaceCalendars(
            tenant_id=TenantId(tenant_id), slug=slug, placed=placed.get(tenant_id),
            settings=settings_of(settings[tenant_id]) if tenant_id in settings else
            CalendarSettings(tenant_id=TenantId(tenant_id)))
            for tenant_id, slug in tenants]

    # --- feeds ------------------------------------------------------------------------------

    async def add_feed(self, feed: CalendarFeed) -> CalendarFeed:
        self.require_tenant(feed.tenant_id, "calendar feed", feed.scope)
        row = await CalendarFeedRow.create(
            using_db=await self.db(), tenant_id=feed.tenant_id, token_hash=feed.token_hash,
            scope=feed.scope.value, created_by_id=feed.created_by, user_id=feed.user_id,
            root_id=feed.root_id, team_id=feed.team_id, created_at=utc(feed.created_at),
            revoked_at=utc(feed.revoked_at), last_used_at=utc(feed.last_used_at))
        return feed_of(row)

    async def feeds(self, *, created_by: UserId | None = None) -> list[CalendarFeed]:
        rows = (await self.scoped(CalendarFeedRow)).filter(revoked_at__isnull=True)
        if created_by is not None:
            rows = rows.filter(created_by_id=created_by)
        return [feed_of(row) for row in await rows.order_by("created_at", "id")]

    async def revoke_feeds(self, feed_ids: Collection[int], at: datetime) -> int:
        if not feed_ids:
            return 0
        return await (await self.scoped(CalendarFeedRow)).filter(
            id__in=list(feed_ids), revoked_at__isnull=True).update(revoked_at=utc(at))

    async def feed_by_hash(self, token_hash: str) -> CalendarFeed | None:
        row = await (await self._any_tenant(CalendarFeedRow)).filter(
            token_hash=token_hash, revoked_at__isnull=True).first()
        return feed_of(row) if row else None

    async def feed_used(self, feed_id: int, at: datetime) -> None:
        await (await self._any_tenant(CalendarFeedRow)).filter(id=feed_id).update(
            last_used_at=utc(at))

    # --- links --------------------------------------------------------------------------------

    async def links(self, milestone_ids: Collection[MilestoneId]) -> list[CalendarLink]:
        if not milestone_ids:
            return []
        rows = (await self.scoped(CalendarLinkRow)).filter(milestone_id__in=list(milestone_ids))
        return [link_of(row) for row in await rows.order_by("id")]

    async def save_links(self, links: Sequence[CalendarLink]) -> None:
        if not links:
            return
        for link in links:
            self.require_tenant(link.tenant_id, "calendar link", link.milestone_id)
        existing = {
            (row.milestone_id, row.calendar_id, row.subject): row
            for row in await (await self.scoped(CalendarLinkRow)).filter(
                milestone_id__in=list({link.milestone_id for link in links}))}
        changed: list[CalendarLinkRow] = []
        added: list[CalendarLinkRow] = []
        for link in links:
            key = (link.milestone_id, link.calendar.calendar_id, link.calendar.subject)
            row = existing.get(key)
            if row is None:
                row = CalendarLinkRow(tenant_id=link.tenant_id, milestone_id=link.milestone_id,
                                      calendar_id=link.calendar.calendar_id,
                                      subject=link.calendar.subject)
                added.append(row)
            else:
                changed.append(row)
            row.event_id, row.etag, row.written_when = link.event_id, link.etag, link.written_when
            row.digest, row.deleted, row.stale = link.digest, link.deleted, link.stale
            row.updated_at = utc(link.updated_at or datetime.now(UTC))
        db = await self.db()
        if added:
            await CalendarLinkRow.bulk_create(added, using_db=db)
        if changed:
            await CalendarLinkRow.bulk_update(
                changed, ["event_id", "etag", "written_when", "digest", "deleted", "stale",
                          "updated_at"], using_db=db)

    async def stale_links(self, limit: int) -> list[CalendarLink]:
        rows = (await self._any_tenant(CalendarLinkRow)).filter(stale=True)
        return [link_of(row) for row in await rows.order_by("id").limit(limit)]

    async def unlinked(self, limit: int) -> list[tuple[TenantId, MilestoneId]]:
        tenant = self._session.tenant_id
        rows = await self.sql(
            UNLINKED.format(tenant="AND m.tenant_id = ?" if tenant is not None else ""),
            [*([tenant] if tenant is not None else []), limit])
        return [(TenantId(row["tenant_id"]), MilestoneId(row["id"])) for row in rows]

    async def link_by_event(self, calendar: CalendarRef, event_id: str) -> CalendarLink | None:
        row = await (await self._any_tenant(CalendarLinkRow)).filter(
            calendar_id=calendar.calendar_id, subject=calendar.subject, event_id=event_id
        ).first()
        return link_of(row) if row else None

    # --- calendars and channels (not a tenant's: a calendar may serve several) ----------------

    async def sync_states(self) -> list[CalendarSyncState]:
        return [CalendarSyncState(calendar=CalendarRef(row.calendar_id, row.subject),
                                  sync_token=row.sync_token, synced_at=row.synced_at,
                                  error=row.error)
                for row in await (await self._global(CalendarSyncRow)).order_by("id")]

    async def save_sync_state(self, state: CalendarSyncState) -> None:
        key = {"calendar_id": state.calendar.calendar_id, "subject": state.calendar.subject}
        values = {"sync_token": state.sync_token, "synced_at": utc(state.synced_at),
                  "error": state.error[:ERROR_MAX]}
        if not await (await self._global(CalendarSyncRow)).filter(**key).update(**values):
            await CalendarSyncRow.create(using_db=await self.db(), **key, **values)

    async def channels(self) -> list[WatchChannel]:
        rows = (await self._global(CalendarChannelRow)).filter(stopped_at__isnull=True)
        return [channel_of(row) for row in await rows.order_by("-created_at", "-id")]

    async def channel(self, channel_id: str) -> WatchChannel | None:
        row = await (await self._global(CalendarChannelRow)).filter(
            channel_id=channel_id).first()
        return channel_of(row) if row else None

    async def save_channel(self, channel: WatchChannel) -> None:
        values = {"calendar_id": channel.calendar.calendar_id,
                  "subject": channel.calendar.subject, "token": channel.token,
                  "resource_id": channel.resource_id, "expires_at": utc(channel.expires_at),
                  "created_at": utc(channel.created_at), "stopped_at": utc(channel.stopped_at)}
        rows = (await self._global(CalendarChannelRow)).filter(channel_id=channel.id)
        if not await rows.update(**values):
            await CalendarChannelRow.create(using_db=await self.db(), channel_id=channel.id,
                                            **values)

