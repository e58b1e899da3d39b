"""Cairn → calendars: the outbox consumer that keeps every deadline's event up to date.

It works from state, not from the change log: the messages of a batch only say which
milestones (or which whole workspaces) to look at. Each is loaded as it is now, the event it
should have is computed, and only an event that differs from what was last written goes out.
So ten changes to one milestone are one call, a change that changes nothing in the event is
none, and a retried batch writes nothing twice. All the calls of a batch go to the gateway at
once, which sends them as batch requests.

A message is done when every write it asked for is confirmed; otherwise it comes back later
(`core.relay` backs off up to an hour), and what Google did confirm is not written again.

A shared calendar only ever holds one workspace's deadlines (`core.calendar.tenancy`): a
workspace without one has its events removed from any shared calendar it was in, and its
messages wait, kept in the outbox, until it has one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from core.calendar.event_ids import event_id
from core.calendar.event_writes import PlannedWrite, planned_writes
from core.calendar.model import (
    SYNC_CONSUMER,
    CalendarEntry,
    CalendarLink,
    CalendarRef,
    CalendarSettings,
    CalendarSetup,
    CalendarSyncState,
    entry_for,
)
from core.calendar.ports import CalendarGateway
from core.calendar.tenancy import DefaultCalendar, Placement, place
from core.events import MilestoneCreated, MilestoneMoved
from core.model import Milestone, MilestoneId, TenantId
from core.ports import Clock, MilestoneFilter, OutboxMessage, UnitOfWorkFactory
from core.tenancy import User

logger = logging.getLogger(__name__)

#: Events after which a milestone's event may need changing.
VERBS = frozenset({"created", "edited", "progress", "assigned", "due_moved", "completed",
                   "reopened", "cancelled", "deleted", "moved", "calendar_settings"})
#: Events that also change the progress of the milestones above (the roll-up).
ROLLS_UP = frozenset({"created", "progress", "completed", "reopened", "cancelled", "deleted",
                      "moved"})
MAX_DEPTH = 64

Find = Callable[[MilestoneFilter], Awaitable[list[Milestone]]]


@dataclass
class Dirty:
    """What one tenant's messages ask to look at."""

    milestones: set[MilestoneId] = field(default_factory=set)
    ancestors_of: set[MilestoneId] = field(default_factory=set)
    everything: bool = False
    #: Milestone -> the ones above it that were looked at because of it (filled by `_plan`).
    pulled: dict[MilestoneId, set[MilestoneId]] = field(default_factory=dict)


@dataclass
class Synced:
    """What a sync could not do: writes that failed (and why), per tenant and milestone, and
    workspaces whose deadlines wait for a shared calendar of their own (and why)."""

    failed: dict[TenantId, dict[MilestoneId, str]] = field(default_factory=dict)
    waiting: dict[TenantId, str] = field(default_factory=dict)


class CalendarSync:
    """The outbox consumer `calendar` (`core.relay.OutboxConsumer`)."""

    name = SYNC_CONSUMER
    verbs = VERBS

    def __init__(self, uow: UnitOfWorkFactory, gateway: CalendarGateway, clock: Clock,
                 setup: CalendarSetup) -> None:
        self.uow = uow
        self._gateway, self._clock, self._setup = gateway, clock, setup
        self._known_calendars: set[CalendarRef] = set()

    async def handle(self, messages: Sequence[OutboxMessage]) -> Mapping[int, str | None]:
        dirty: dict[TenantId, Dirty] = {}
        for m in messages:
            event = m.event
            wanted = dirty.setdefault(m.tenant_id, Dirty())
            if event.milestone_id is None:
                wanted.everything = True
                continue
            wanted.milestones.add(event.milestone_id)
            if event.verb in ROLLS_UP:
                wanted.ancestors_of.add(event.milestone_id)
            if isinstance(event, MilestoneCreated | MilestoneMoved) and event.parent_id:
                wanted.ancestors_of.add(event.parent_id)
                wanted.milestones.add(event.parent_id)
        synced = await self.sync(dirty)
        answers: dict[int, str | None] = {}
        for m in messages:
            errors = synced.failed.get(m.tenant_id, {})
            milestone_id = m.event.milestone_id
            if milestone_id is None:
                answers[m.id] = next(iter(errors.values()), None)
            else:
                # A change is delivered when its milestone's events, and those above it that
                # its roll-up touched, are all written.
                involved = {milestone_id, *dirty[m.tenant_id].pulled.get(milestone_id, ())}
                answers[m.id] = next((errors[x] for x in sorted(involved) if x in errors),
                                     None)
            if answers[m.id] is None and m.tenant_id in synced.waiting:
                answers[m.id] = f"waiting for a calendar: {synced.waiting[m.tenant_id]}"
        return answers

    async def sync(self, dirty: Mapping[TenantId, Dirty]) -> Synced:
        """Brings the events of these milestones up to date; says what failed or waits."""
        default = await self.default()
        synced = Synced()
        plans: list[tuple[TenantId, PlannedWrite]] = []
        placed: dict[TenantId, str] = {}
        for tenant_id, wanted in dirty.items():
            planned, placement, where = await self._plan(tenant_id, wanted, default)
            plans += [(tenant_id, p) for p in planned]
            if where is None:
                synced.waiting[tenant_id] = placement.why
            if wanted.everything:
                placed[tenant_id] = where or ""
        results = await self._gateway.write([p.write for _, p in plans]) if plans else []
        confirmed: dict[TenantId, list[CalendarLink]] = {}
        for (tenant_id, plan), result in zip(plans, results, strict=True):
            if result.ok:
                link = plan.link
                if plan.write.entry is not None:
                    link = replace(link, etag=result.etag)
                confirmed.setdefault(tenant_id, []).append(link)
            else:
                synced.failed.setdefault(tenant_id, {})[plan.link.milestone_id] = result.error
        for tenant_id in confirmed.keys() | placed.keys():
            async with self.uow(tenant_id) as tx:
                await tx.calendar.save_links(confirmed.get(tenant_id, []))
                if tenant_id in placed and tenant_id not in synced.failed:
                    # Every deadline of the workspace is where it belongs now.
                    await tx.calendar.save_placement(placed[tenant_id])
                await tx.commit()
        await self._remember_calendars(
            {p.write.calendar for _, p in plans if p.write.entry is not None})
        if synced.failed:
            logger.warning("calendar sync: %d of %d writes failed, e.g. %s",
                           sum(len(f) for f in synced.failed.values()), len(plans),
                           next(iter(next(iter(synced.failed.values())).values())))
        return synced

    async def default(self) -> DefaultCalendar:
        """Whom the installation's calendar serves. A workspace named by the operator, or the
        only one there is, is made its holder here, so that it stays so when others arrive."""
        async with self.uow() as tx:
            default = await tx.calendar.default_calendar(self._setup.calendar_id,
                                                         self._setup.tenant)
            named = await tx.tenants.by_slug(default.named) if default.named else None
            holder = default.holder_to_keep(named.id if named else None)
            if holder != default.holder:
                await tx.calendar.hold_default(holder)
                await tx.commit()
                logger.info("the installation's calendar now holds the deadlines of "
                            "workspace %s", named.slug if named else holder)
        return replace(default, holder=holder)

    def placed_in(self, settings: CalendarSettings, placement: Placement) -> str | None:
        """The shared calendar this workspace's deadlines go to: None when they wait for one,
        "" when they go to none (sync off)."""
        if not settings.enabled:
            return ""
        return placement.calendar_id

    async def _plan(self, tenant_id: TenantId, wanted: Dirty, default: DefaultCalendar
                    ) -> tuple[list[PlannedWrite], Placement, str | None]:
        async with self.uow(tenant_id) as tx:
            settings = await tx.calendar.settings()
            tenant = await tx.tenants.get(tenant_id)
            placement = place(settings, tenant.slug if tenant else "", default)
            if wanted.everything:
                milestones = await tx.milestones.find(MilestoneFilter(open_only=False))
            else:
                milestones = await tx.milestones.find(MilestoneFilter(
                    ids=wanted.milestones, open_only=False))
                milestones += await self._ancestors(tx.milestones.find, milestones, wanted)
            found = {m.id: m for m in milestones if m.id is not None}
            # Deleted milestones are not found, but their events are: they go.
            links = await tx.calendar.links(set(found) | wanted.milestones)
            owners = await tx.users.get_many({m.owner_id for m in found.values()})
        now = self._clock.now()
        by_milestone: dict[MilestoneId, list[CalendarLink]] = {}
        for link in links:
            by_milestone.setdefault(link.milestone_id, []).append(link)
        planned: list[PlannedWrite] = []
        for milestone_id in sorted(set(found) | set(by_milestone)):
            m = found.get(milestone_id)
            desired = self._desired(m, owners.get(m.owner_id) if m else None, settings,
                                    placement.calendar_id)
            planned += planned_writes(tenant_id, milestone_id, desired,
                               by_milestone.get(milestone_id, []), now)
        return planned, placement, self.placed_in(settings, placement)

    async def _ancestors(self, find: Find, milestones: Sequence[Milestone], wanted: Dirty
                         ) -> list[Milestone]:
        """The milestones above those asked for (their progress rolls up), level by level;
        notes in `wanted.pulled` which milestone each was looked at for."""
        below: dict[MilestoneId, set[MilestoneId]] = {}  # parent -> the asked ones under it
        for m in milestones:
            if m.id in wanted.ancestors_of and m.parent_id is not None:
                below.setdefault(m.parent_id, set()).add(m.id)
        loaded: dict[MilestoneId, Milestone] = {m.id: m for m in milestones if m.id is not None}
        found: list[Milestone] = []
        for _ in range(MAX_DEPTH):
            missing = {p for p in below if p not in loaded}
            if missing:
                parents = await find(MilestoneFilter(ids=missing, open_only=False))
                found += parents
                loaded.update({p.id: p for p in parents if p.id is not None})
            step: dict[MilestoneId, set[MilestoneId]] = {}
            for parent_id, asked in below.items():
                for child in asked:
                    wanted.pulled.setdefault(child, set()).add(parent_id)
                parent = loaded.get(parent_id)
                if parent is not None and parent.parent_id is not None:
                    step.setdefault(parent.parent_id, set()).update(asked)
            if not step:
                break
            below = step
        return found

    def _desired(self, m: Milestone | None, owner: User | None, settings: CalendarSettings,
                 shared: str | None) -> dict[CalendarRef, CalendarEntry]:
        """The event each calendar should hold for this milestone (none: remove it). Without
        a shared calendar of its own the workspace's events leave every shared calendar;
        owners' own calendars are theirs, and keep them."""
        if m is None or not self._setup.google or not settings.covers(m):
            return {}
        entry = entry_for(m, owner)
        if entry is None:
            return {}
        desired = {CalendarRef(shared): entry} if shared else {}
        if settings.owner_calendars and owner is not None and owner.email:
            desired[CalendarRef("primary", owner.email)] = entry
        return desired

    def tombstone(self, tenant_id: TenantId, milestone_id: MilestoneId) -> CalendarLink:
        """A link saying the sync looked at a milestone and wrote nothing."""
        return CalendarLink(tenant_id=tenant_id, milestone_id=milestone_id,
                            calendar=CalendarRef(self._setup.calendar_id),
                            event_id=event_id(tenant_id, milestone_id), deleted=True,
                            updated_at=self._clock.now())

    async def _remember_calendars(self, calendars: set[CalendarRef]) -> None:
        """Calendars written to are read back for moves (the first read is a full one)."""
        new = calendars - self._known_calendars
        if not new:
            return
        async with self.uow() as tx:
            known = {s.calendar for s in await tx.calendar.sync_states()}
            for calendar in new - known:
                await tx.calendar.save_sync_state(CalendarSyncState(calendar=calendar))
            await tx.commit()
        self._known_calendars |= calendars
