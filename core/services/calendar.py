"""Calendar use cases: status, ICS feeds, a workspace's sync settings, and moves made in Google.

Writing to Google happens elsewhere (an outbox consumer in `integrations/calendar`); these use
cases change what it should write and tell people how it is going.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time
from enum import StrEnum

from core.calendar import (
    GOOGLE_SOURCE,
    SYNC_CONSUMER,
    CalendarFeed,
    CalendarHealth,
    CalendarSettings,
    EventTime,
    FeedContent,
    FeedScope,
    entry_for,
)
from core.calendar_commands import (
    ChangeCalendarSettings,
    RevokeCalendarFeed,
    ShowCalendarFeed,
    ShowCalendarStatus,
)
from core.dates import check_range
from core.errors import DomainError, NotFound
from core.events import CalendarSettingsChanged
from core.humanize import deadline_at, ellipsis, local_today, when, zone
from core.model import Kind, MilestoneId, Notification, Status, TenantId, User
from core.permissions import Right
from core.ports import MilestoneFilter, UnitOfWork
from core.services.common import (
    Deps,
    authorize,
    current_user,
    find_milestone,
    label,
    reader,
    resolve_user,
)
from core.services.milestones import check_dates, due_text, redate
from core.views import CalendarFeedView, CalendarStatusView, Notice

FEED_TOKEN_BYTES = 32  # 43 URL-safe characters: unguessable
FEED_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
FEED_LIMIT = 2000
HOW_TO_SUBSCRIBE = (
    "Google Calendar: Other calendars ＋ › From URL, paste the address",
    "Outlook: Add calendar › Subscribe from web, paste the address",
    "Apple Calendar: File › New Calendar Subscription, paste the address",
)


async def show_status(cmd: ShowCalendarStatus, deps: Deps) -> CalendarStatusView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        return await _status(tx, me, deps)


async def _status(tx: UnitOfWork, me: User, deps: Deps, headline: str = "") -> CalendarStatusView:
    setup, now = deps.calendar, deps.clock.now()
    settings = await tx.calendar.settings()
    health = await tx.calendar.health(SYNC_CONSUMER)
    feeds = await tx.calendar.feeds(created_by=me.id)
    people = await tx.users.all()
    destinations: list[str] = []
    advice: list[str] = []
    if not setup.google:
        destinations.append("no Google calendar: Google Calendar is not configured here")
        advice.append("An operator sets GOOGLE_APPLICATION_CREDENTIALS and GOOGLE_CALENDAR_ID "
                      "(README, Google Calendar)")
    elif settings.enabled:
        calendar_id = settings.calendar_id or setup.calendar_id
        destinations.append(f"the shared calendar {calendar_id}")
        if settings.owner_calendars:
            missing = sum(1 for u in people if not u.email)
            who = "1 person" if missing == 1 else f"{missing} people"
            also = f" ({who} without an email: shared calendar only)" if missing else ""
            destinations.append(f"each owner's own Google calendar{also}")
    else:
        destinations.append("nowhere: sync is off for this workspace")
        advice.append("An admin turns it on with: calendar on")
    advice += _trouble(health, setup.service_account, settings, setup.calendar_id, now)
    if not feeds:
        advice.append("Your deadlines in any calendar app: calendar feed")
    return CalendarStatusView(
        headline=headline, google=setup.google, enabled=settings.enabled,
        destinations=tuple(destinations), kinds=_kind_names(settings.kinds),
        events=health.events, pending=health.pending, failing=health.failing,
        last_error=ellipsis(health.last_error, 300),
        next_retry=_until(health.next_retry, now) if health.failing else "",
        last_pushed=when(health.last_pushed, now, me.timezone) if health.last_pushed else "",
        last_pulled=when(health.last_pulled, now, me.timezone) if health.last_pulled else "",
        feeds=tuple(await _feed_names(tx, feeds, me, now)), advice=tuple(advice))


def _trouble(health: CalendarHealth, service_account: str, settings: CalendarSettings,
             default_calendar: str, now: datetime) -> list[str]:
    if not health.failing:
        return []
    error = health.last_error.lower()
    calendar_id = settings.calendar_id or default_calendar
    if ("403" in error or "404" in error) and "rate" not in error and service_account:
        return [f"Google refuses to write: share {calendar_id} with {service_account} "
                "(“Make changes to events”); Cairn keeps trying"]
    return [f"Google is failing; Cairn keeps every change and tries again "
            f"{_until(health.next_retry, now)}"]


def _until(moment: datetime | None, now: datetime) -> str:
    if moment is None or moment <= now:
        return "now"
    minutes = round((moment - now).total_seconds() / 60)
    return f"in {minutes} min" if minutes < 90 else f"in {round(minutes / 60)} h"


def _kind_names(kinds: frozenset[Kind]) -> tuple[str, ...]:
    return tuple(k.value + "s" for k in Kind if k in kinds)


async def _feed_names(tx: UnitOfWork, feeds: Sequence[CalendarFeed], me: User, now: datetime
                      ) -> list[str]:
    roots = {f.root_id for f in feeds if f.root_id is not None}
    titles = {m.id: f"{m.ref} {m.title}" for m in await tx.milestones.find(
        MilestoneFilter(ids=roots, open_only=False))} if roots else {}
    people = await tx.users.get_many({f.user_id for f in feeds if f.user_id is not None})
    names = []
    for f in feeds:
        what = _feed_title(f, me, people.get(f.user_id) if f.user_id else None,
                           titles.get(f.root_id) if f.root_id else None)
        used = f"read {when(f.last_used_at, now, me.timezone)}" if f.last_used_at else (
            "not read yet")
        names.append(f"{what} · {used}")
    return names


def _feed_title(feed: CalendarFeed, me: User, person: User | None, root: str | None) -> str:
    if feed.scope == FeedScope.TEAM:
        return f"{root or 'a deleted milestone'} and everything under it"
    if person is None or person.id == me.id:
        return "your milestones"
    return f"@{person.handle}'s milestones"


async def change_settings(cmd: ChangeCalendarSettings, deps: Deps) -> CalendarStatusView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        await authorize(tx, me, Right.ADMIN, None)
        settings = await tx.calendar.settings()
        before = _settings_text(settings)
        if cmd.enabled is not None:
            settings.enabled = cmd.enabled
        if cmd.kinds is not None:
            settings.kinds = cmd.kinds
        if cmd.owner_calendars is not None:
            settings.owner_calendars = cmd.owner_calendars
        if cmd.calendar_id is not None or cmd.default_calendar:
            settings.calendar_id = cmd.calendar_id
        after = _settings_text(settings)
        changes = {k: (before[k], after[k]) for k in after if before[k] != after[k]}
        if not changes:
            return await _status(tx, me, deps, headline="Nothing to change")
        now = deps.clock.now()
        settings.updated_at = now
        await tx.calendar.save_settings(settings)
        # Every deadline of the workspace is then checked against the calendars: added,
        # moved to the new calendar, or removed, by the same worker that syncs changes.
        await tx.publish(CalendarSettingsChanged(tenant_id=cmd.actor.tenant_id,
                                                 milestone_id=None, actor_id=me.id, at=now,
                                                 changes=changes))
        headline = "Calendar sync: " + ", ".join(f"{k} {v[1]}" for k, v in changes.items())
        view = await _status(tx, me, deps, headline=headline)
        await tx.commit()
    return view


def _settings_text(s: CalendarSettings) -> dict[str, str]:
    return {"sync": "on" if s.enabled else "off", "kinds": ",".join(_kind_names(s.kinds)),
            "owners": "on" if s.owner_calendars else "off",
            "calendar": s.calendar_id or "default"}


async def show_feed(cmd: ShowCalendarFeed, deps: Deps) -> CalendarFeedView:
    """Your address for that target: the one you made before, or a new one."""
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        assert me.id is not None
        person = await resolve_user(tx, cmd.person) if cmd.person else None
        root = await find_milestone(tx, cmd.root) if cmd.root else None
        if root is None and person is None:
            person = me
        wanted = (FeedScope.TEAM, None, root.id) if root else (
            FeedScope.PERSON, person.id if person else None, None)
        settings = await tx.calendar.settings()
        feed = next((f for f in await tx.calendar.feeds(created_by=me.id)
                     if (f.scope, f.user_id, f.root_id) == wanted), None)
        created = feed is None
        if feed is None:
            feed = await tx.calendar.add_feed(CalendarFeed(
                tenant_id=cmd.actor.tenant_id, token=secrets.token_urlsafe(FEED_TOKEN_BYTES),
                scope=wanted[0], created_by=me.id, user_id=wanted[1], root_id=wanted[2],
                created_at=now))
            await tx.commit()
    title = _feed_title(feed, me, person, f"{root.ref} {root.title}" if root else None)
    return CalendarFeedView(
        title=title[:1].upper() + title[1:], url=deps.calendar.feed_url(feed.token),
        created=created, kinds=_kind_names(settings.kinds), how_to=HOW_TO_SUBSCRIBE,
        revoke="calendar feed revoke" + (f" {root.ref}" if root else (
            f" @{person.handle}" if person and person.id != me.id else "")))


async def revoke_feed(cmd: RevokeCalendarFeed, deps: Deps) -> Notice:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        if cmd.everyone:
            await authorize(tx, me, Right.ADMIN, None)
            feeds, what = await tx.calendar.feeds(), "every ICS feed of this workspace"
        elif cmd.all_mine:
            feeds, what = await tx.calendar.feeds(created_by=me.id), "all your ICS feeds"
        else:
            person = await resolve_user(tx, cmd.person) if cmd.person else None
            root = await find_milestone(tx, cmd.root) if cmd.root else None
            person = None if root else (person or me)
            if root is not None:
                of = f"{root.ref} {root.title}"
            else:
                assert person is not None
                of = "your milestones" if person.id == me.id else f"@{person.handle}'s milestones"
            feeds = [f for f in await tx.calendar.feeds(created_by=me.id)
                     if (root is not None and f.root_id == root.id) or (
                         person is not None and f.scope == FeedScope.PERSON
                         and f.user_id == person.id)]
            what = f"your feed of {of}"
        if not feeds:
            raise NotFound(f"there is nothing to revoke ({what}: none)",
                           hint="calendar status lists your feeds")
        count = await tx.calendar.revoke_feeds([f.id for f in feeds if f.id is not None],
                                               deps.clock.now())
        await tx.commit()
    addresses = "1 address" if count == 1 else f"{count} addresses"
    return Notice(text=f"Revoked {what} ({addresses}); calendars subscribed to them stop "
                       "updating", hint="calendar feed makes a new address")


async def read_feed(deps: Deps, token: str) -> FeedContent | None:
    """The deadlines behind an ICS address; None when the address is unknown or revoked."""
    if not FEED_TOKEN.match(token):
        return None
    now = deps.clock.now()
    async with deps.uow() as tx:
        feed = await tx.calendar.feed_by_token(token)
    if feed is None:
        return None
    async with deps.uow(feed.tenant_id) as tx:
        tenant = await tx.tenants.get(feed.tenant_id)
        settings = await tx.calendar.settings()
        if feed.scope == FeedScope.TEAM and feed.root_id is not None:
            ids = [feed.root_id, *(await tx.milestones.descendant_ids(feed.root_id))]
            items = await tx.milestones.find(MilestoneFilter(ids=ids[:FEED_LIMIT],
                                                             open_only=False))
            root = next((m for m in items if m.id == feed.root_id), None)
            title = f"{root.ref} {root.title}" if root else "a deleted goal"
        else:
            person = await tx.users.get(feed.user_id) if feed.user_id else None
            items = await tx.milestones.find(MilestoneFilter(
                involving=feed.user_id, open_only=False, limit=FEED_LIMIT)) if person else []
            title = f"@{person.handle}" if person else "nobody"
        # Feeds follow the workspace's choice of kinds, whether Google sync is on or not.
        shown = replace(settings, enabled=True)
        owners = await tx.users.get_many({m.owner_id for m in items})
        entries = tuple(e for m in items if shown.covers(m)
                        for e in [entry_for(m, owners.get(m.owner_id))] if e is not None)
        if feed.id is not None:
            await tx.calendar.feed_used(feed.id, now)
        await tx.commit()
    workspace = tenant.name if tenant else "Cairn"
    return FeedContent(name=f"{workspace}: {title} deadlines",
                       description=f"Deadlines of {title} in {workspace}, from Cairn",
                       entries=entries)


class MoveOutcome(StrEnum):
    MOVED = "moved"
    UNCHANGED = "unchanged"
    REFUSED = "refused"  # the calendar should be put back to Cairn's date
    MISSING = "missing"  # no such milestone any more


async def apply_calendar_move(
    deps: Deps,
    *,
    tenant_id: TenantId,
    milestone_id: MilestoneId,
    when: EventTime,
    by_owner: bool,
    source: str = GOOGLE_SOURCE,
) -> tuple[MoveOutcome, str]:
    """Someone moved a milestone's event in a calendar: the due date follows.

    A timed event becomes a deadline at that moment in the owner's time zone; an all-day one
    a deadline without a time. The activity feed names who moved it (the owner, when it was
    their own calendar; nobody in particular in a shared one) and the source. The change goes
    out like any other: other calendars follow, the one it was moved in is not written back.
    """
    now = deps.clock.now()
    async with deps.uow(tenant_id) as tx:
        m = await tx.milestones.get(milestone_id, lock=True)
        if m is None:
            return MoveOutcome.MISSING, "the milestone is gone"
        if m.status == Status.CANCELLED:
            return MoveOutcome.REFUSED, f"{m.ref} is cancelled"
        owner = await tx.users.get(m.owner_id)
        owner_zone = owner.timezone if owner else "UTC"
        due, due_time = when.day, None
        if when.at is not None:
            local = deadline_at(when.day, when.at, when.timezone).astimezone(zone(owner_zone))
            due, due_time = local.date(), time(local.hour, local.minute)
        try:
            check_range(due, local_today(now, owner_zone))
            check_dates(m.start_date, due)
        except DomainError as refusal:
            return MoveOutcome.REFUSED, refusal.message
        if (m.due_date, m.due_time) == (due, due_time):
            return MoveOutcome.UNCHANGED, ""
        mover = owner if by_owner else None
        await redate(tx, m, due, due_time, at=now, actor=mover, source=source)
        who = f"@{mover.handle}" if mover else "Someone"
        new_date = due_text(m, owner, reader(owner, deps.clock)) if owner else str(due)
        for person in {m.owner_id, *m.member_ids()} - {mover.id if mover else None}:
            await tx.notifications.add(Notification(
                tenant_id=tenant_id, user_id=person, kind="due_changed",
                text=f"{who} moved {label(m)} to {new_date} in {source}", milestone_id=m.id,
                actor_id=mover.id if mover else None, created_at=now))
        await tx.commit()
    return MoveOutcome.MOVED, ""
