"""Cairn → calendars: the outbox consumer that keeps every deadline's event up to date.

It works from state, not from the change log: the messages of a batch only say which
milestones (or which whole workspaces) to look at. Each is loaded as it is now, the event it
should have is computed, and only an event that differs from what was last written goes out.
So ten changes to one milestone are one call, a change that changes nothing in the event is
none, and a retried batch writes nothing twice. All the calls of a batch go to the gateway at
once, which sends them as batch requests.

A message is done when every write it asked for is confirmed; otherwise it comes back later
(`core.relay` backs off up to an hour), and what Google did confirm is not written again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time

from core.calendar import (
    SYNC_CONSUMER,
    CalendarEntry,
    CalendarLink,
    CalendarRef,
    CalendarSettings,
    CalendarSetup,
    CalendarSyncState,
    CalendarWrite,
    entry_for,
)
from core.events import MilestoneCreated, MilestoneMoved
from core.model import Milestone, MilestoneId, TenantId, User
from core.ports import CalendarGateway, Clock, MilestoneFilter, OutboxMessage, UnitOfWorkFactory
from integrations.calendar.event_ids import event_id

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


@dataclass(frozen=True, slots=True)
class _Planned:
    write: CalendarWrite
    link: CalendarLink  # as it will be once the write is confirmed


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
        failed = await self.sync(dirty)
        answers: dict[int, str | None] = {}
        for m in messages:
            errors = failed.get(m.tenant_id, {})
            milestone_id = m.event.milestone_id
            if milestone_id is None:
                answers[m.id] = next(iter(errors.values()), None)
                continue
            # A change is delivered when its milestone's events, and those above it that
            # its roll-up touched, are all written.
            involved = {milestone_id, *dirty[m.tenant_id].pulled.get(milestone_id, ())} if (
                m.tenant_id in dirty) else {milestone_id}
            answers[m.id] = next((errors[x] for x in sorted(involved) if x in errors), None)
        return answers

    async def sync(self, dirty: Mapping[TenantId, Dirty]
                   ) -> dict[TenantId, dict[MilestoneId, str]]:
        """Brings the events of these milestones up to date; returns what failed, and why."""
        plans: list[tuple[TenantId, _Planned]] = []
        for tenant_id, wanted in dirty.items():
            plans += [(tenant_id, p) for p in await self._plan(tenant_id, wanted)]
        failed: dict[TenantId, dict[MilestoneId, str]] = {}
        if not plans:
            return failed
        results = await self._gateway.write([p.write for _, p in plans])
        confirmed: dict[TenantId, list[CalendarLink]] = {}
        for (tenant_id, plan), result in zip(plans, results, strict=True):
            if result.ok:
                link = plan.link
                if plan.write.entry is not None:
                    link = replace(link, etag=result.etag)
                confirmed.setdefault(tenant_id, []).append(link)
            else:
                failed.setdefault(tenant_id, {})[plan.link.milestone_id] = result.error
        for tenant_id, links in confirmed.items():
            async with self.uow(tenant_id) as tx:
                await tx.calendar.save_links(links)
                await tx.commit()
        await self._remember_calendars(
            {p.write.calendar for _, p in plans if p.write.entry is not None})
        if failed:
            logger.warning("calendar sync: %d of %d writes failed, e.g. %s",
                           sum(len(f) for f in failed.values()), len(plans),
                           next(iter(next(iter(failed.values())).values())))
        return failed

    async def _plan(self, tenant_id: TenantId, wanted: Dirty) -> list[_Planned]:
        async with self.uow(tenant_id) as tx:
            settings = await tx.calendar.settings()
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
        planned: list[_Planned] = []
        for milestone_id in sorted(set(found) | set(by_milestone)):
            m = found.get(milestone_id)
            desired = self._desired(m, owners.get(m.owner_id) if m else None, settings)
            planned += _writes(tenant_id, milestone_id, desired,
                               by_milestone.get(milestone_id, []), now)
        return planned

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

    def _desired(self, m: Milestone | None, owner: User | None, settings: CalendarSettings
                 ) -> dict[CalendarRef, CalendarEntry]:
        """The event each calendar should hold for this milestone (none: remove it)."""
        if m is None or not self._setup.google or not settings.covers(m):
            return {}
        entry = entry_for(m, owner)
        if entry is None:
            return {}
        shared = CalendarRef(settings.calendar_id or self._setup.calendar_id)
        desired = {shared: entry}
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


def _writes(tenant_id: TenantId, milestone_id: MilestoneId,
            desired: Mapping[CalendarRef, CalendarEntry], links: Sequence[CalendarLink],
            now: datetime) -> list[_Planned]:
    planned: list[_Planned] = []
    existing = {link.calendar: link for link in links}
    for link in links:
        if link.calendar not in desired and not link.deleted:
            planned.append(_Planned(
                CalendarWrite(calendar=link.calendar, event_id=link.event_id, entry=None),
                replace(link, deleted=True, stale=False, etag="", digest="", updated_at=now)))
    for calendar, entry in desired.items():
        last = existing.get(calendar)
        fingerprint = digest(calendar, entry)
        if last is not None and not last.deleted and not last.stale and (
                last.digest == fingerprint and last.written_when == entry.when.key()):
            # The calendar already shows exactly this. A move made in this very calendar
            # stops here: reading it recorded the new date as written, so it is not echoed.
            continue
        eid = last.event_id if last else event_id(tenant_id, milestone_id)
        planned.append(_Planned(
            CalendarWrite(calendar=calendar, event_id=eid, entry=entry, known=last is not None),
            CalendarLink(tenant_id=tenant_id, milestone_id=milestone_id, calendar=calendar,
                         event_id=eid, written_when=entry.when.key(), digest=fingerprint,
                         updated_at=now)))
    return planned


def digest(calendar: CalendarRef, entry: CalendarEntry) -> str:
    """What the event says, apart from when it is (kept as `CalendarLink.written_when`, which
    a move read from the calendar updates) and what follows from that (the reminder)."""
    shown = asdict(entry)
    for derived in ("when", "reminder_minutes", "updated_at"):
        shown.pop(derived)
    text = json.dumps([asdict(calendar), shown], sort_keys=True, default=_plain)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: object) -> str:
    if isinstance(value, date | time | datetime):
        return value.isoformat()
    return str(value)

