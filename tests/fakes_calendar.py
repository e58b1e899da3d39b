"""In-memory fake of `core.calendar.ports.CalendarRepository`; the contract tests keep it honest.

Its tables live in the fake store's state (`state.calendar`), so a unit of work that is not
committed leaves them as they were, like every other fake repository.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

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
from core.model import MilestoneId, Status, TenantId, UserId

if TYPE_CHECKING:
    from tests.fakes import InMemoryUnitOfWork


class FakeCalendar:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def _tables(self) -> dict[str, Any]:
        tables: dict[str, Any] = self._uow.store.state.calendar
        for name in ("settings", "feeds", "links", "sync", "channels", "placements",
                     "installation"):
            tables.setdefault(name, {})
        return tables

    @property
    def _tenant(self) -> TenantId:
        if self._uow.tenant_id is None:
            raise RuntimeError("this unit of work has no tenant")
        return self._uow.tenant_id

    def _visible(self, tenant_id: TenantId) -> bool:
        return self._uow.tenant_id is None or tenant_id == self._uow.tenant_id

    async def settings(self) -> CalendarSettings:
        found = self._tables["settings"].get(self._tenant)
        return copy.deepcopy(found) if found else CalendarSettings(tenant_id=self._tenant)

    async def save_settings(self, settings: CalendarSettings) -> None:
        assert settings.tenant_id == self._tenant
        if settings.calendar_id and any(
                other.calendar_id == settings.calendar_id and tenant != self._tenant
                for tenant, other in self._tables["settings"].items()):
            raise Conflict(f"{settings.calendar_id} is already another workspace's calendar")
        self._tables["settings"][self._tenant] = copy.deepcopy(settings)

    async def save_placement(self, calendar_id: str) -> None:
        self._tables["placements"][self._tenant] = calendar_id

    async def installation(self) -> CalendarInstallation | None:
        found = self._tables["installation"]
        if "setup" not in found:
            return None
        return CalendarInstallation(setup=found["setup"], started_at=found["at"],
                                    holder=found.get("holder"))

    async def save_installation(self, setup: CalendarSetup, at: datetime) -> None:
        self._tables["installation"].update(setup=setup, at=at)

    async def hold_default(self, tenant_id: TenantId | None) -> None:
        self._tables["installation"]["holder"] = tenant_id

    async def default_calendar(self, calendar_id: str, named: str) -> DefaultCalendar:
        tenants = sorted(self._uow.store.state.tenants)
        return DefaultCalendar(
            calendar_id=calendar_id, named=named,
            holder=self._tables["installation"].get("holder"),
            chosen_by=frozenset(t for t, x in self._tables["settings"].items()
                                if x.calendar_id == calendar_id),
            only=TenantId(tenants[0]) if len(tenants) == 1 else None)

    async def calendar_users(self, calendar_id: str) -> set[TenantId]:
        chosen = {t for t, x in self._tables["settings"].items() if x.calendar_id == calendar_id}
        return chosen | {x.tenant_id for x in self._tables["links"].values()
                         if x.calendar == CalendarRef(calendar_id) and not x.deleted}

    async def workspaces(self) -> list[WorkspaceCalendars]:
        return [WorkspaceCalendars(
            tenant_id=TenantId(t.id), slug=t.slug,  # type: ignore[arg-type]
            placed=self._tables["placements"].get(t.id),
            settings=copy.deepcopy(self._tables["settings"].get(t.id)) or CalendarSettings(
                tenant_id=TenantId(t.id)))  # type: ignore[arg-type]
            for _, t in sorted(self._uow.store.state.tenants.items())]

    async def health(self, consumer: str) -> CalendarHealth:
        waiting = [r for _, r in sorted(self._uow.store.state.outbox.items())
                   if r["consumer"] == consumer and r["tenant_id"] == self._tenant
                   and r["done"] is None]
        failing = [r for r in waiting if r["error"]]
        links = [x for x in self._tables["links"].values() if x.tenant_id == self._tenant]
        calendars = {x.calendar for x in links}
        pulled = [s.synced_at for s in self._tables["sync"].values()
                  if s.calendar in calendars and s.synced_at]
        pushed = [x.updated_at for x in links if x.updated_at]
        return CalendarHealth(
            pending=len(waiting), failing=len(failing),
            last_error=failing[-1]["error"] if failing else "",
            next_retry=min(r["next"] for r in failing) if failing else None,
            events=sum(1 for x in links if not x.deleted),
            last_pushed=max(pushed) if pushed else None, last_pulled=max(pulled, default=None))

    async def add_feed(self, feed: CalendarFeed) -> CalendarFeed:
        assert feed.tenant_id == self._tenant
        if any(f.token_hash == feed.token_hash for f in self._tables["feeds"].values()):
            raise ValueError("feed token taken")
        feed = replace(feed, id=self._uow.store.state.next_id())
        self._tables["feeds"][feed.id] = feed
        return copy.deepcopy(feed)

    async def feeds(self, *, created_by: UserId | None = None) -> list[CalendarFeed]:
        found = [f for f in self._tables["feeds"].values() if f.tenant_id == self._tenant
                 and f.revoked_at is None and created_by in (None, f.created_by)]
        return copy.deepcopy(sorted(found, key=lambda f: (f.created_at, f.id)))

    async def revoke_feeds(self, feed_ids: Collection[int], at: datetime) -> int:
        count = 0
        for feed_id in feed_ids:
            feed = self._tables["feeds"].get(feed_id)
            if feed and feed.tenant_id == self._tenant and feed.revoked_at is None:
                feed.revoked_at = at
                count += 1
        return count

    async def feed_by_hash(self, token_hash: str) -> CalendarFeed | None:
        return copy.deepcopy(next(
            (f for f in self._tables["feeds"].values() if f.token_hash == token_hash
             and f.revoked_at is None and self._visible(f.tenant_id)), None))

    async def feed_used(self, feed_id: int, at: datetime) -> None:
        feed = self._tables["feeds"].get(feed_id)
        if feed and self._visible(feed.tenant_id):
            feed.last_used_at = at

    async def links(self, milestone_ids: Collection[MilestoneId]) -> list[CalendarLink]:
        return copy.deepcopy([x for x in self._tables["links"].values()
                              if x.tenant_id == self._tenant and x.milestone_id in milestone_ids])

    async def save_links(self, links: Sequence[CalendarLink]) -> None:
        for link in links:
            assert link.tenant_id == self._tenant
            key = (link.milestone_id, link.calendar)
            previous = self._tables["links"].get(key)
            saved = copy.deepcopy(link)
            if saved.updated_at is None and previous is not None:
                saved.updated_at = previous.updated_at
            self._tables["links"][key] = saved

    async def stale_links(self, limit: int) -> list[CalendarLink]:
        return copy.deepcopy([x for x in self._tables["links"].values()
                              if x.stale and self._visible(x.tenant_id)][:limit])

    async def unlinked(self, limit: int) -> list[tuple[TenantId, MilestoneId]]:
        state = self._uow.store.state
        linked = {x.milestone_id for x in self._tables["links"].values()}
        found = [(m.tenant_id, m.id) for _, m in sorted(state.milestones.items())
                 if m.id not in state.deleted and m.id not in linked and m.due_date is not None
                 and m.status != Status.CANCELLED and self._visible(m.tenant_id)]
        return found[:limit]  # type: ignore[return-value]

    async def link_by_event(self, calendar: CalendarRef, event_id: str) -> CalendarLink | None:
        return copy.deepcopy(next(
            (x for x in self._tables["links"].values() if x.calendar == calendar
             and x.event_id == event_id and self._visible(x.tenant_id)), None))

    async def sync_states(self) -> list[CalendarSyncState]:
        return copy.deepcopy(list(self._tables["sync"].values()))

    async def save_sync_state(self, state: CalendarSyncState) -> None:
        self._tables["sync"][state.calendar] = replace(state, error=state.error[:1000])

    async def channels(self) -> list[WatchChannel]:
        live = [c for c in self._tables["channels"].values() if c.stopped_at is None]
        return copy.deepcopy(sorted(live, key=lambda c: c.created_at, reverse=True))

    async def channel(self, channel_id: str) -> WatchChannel | None:
        return copy.deepcopy(self._tables["channels"].get(channel_id))

    async def save_channel(self, channel: WatchChannel) -> None:
        self._tables["channels"][channel.id] = copy.deepcopy(channel)
