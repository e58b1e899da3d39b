"""Calendar use cases: status, a workspace's sync settings, and moves made in Google (ICS
feeds are in `calendar_feeds`).

Writing to Google happens elsewhere (the outbox consumer in `core.calendar.outbound`); these use
cases change what it should write and tell people how it is going. What they say comes from
the database (the setup `serve` stored, the workspace's settings), never from the environment
of the process a person typed in.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time
from enum import StrEnum

from core.calendar.commands import ChangeCalendarSettings, ShowCalendarStatus
from core.calendar.feeds import (  # the registry dispatches the feeds from here
    feed_names,
    kind_names,
    read_feed,
    revoke_feed,
    show_feed,
)
from core.calendar.model import (
    GOOGLE_SOURCE,
    SYNC_CONSUMER,
    CalendarHealth,
    CalendarSettings,
    CalendarSetup,
    EventTime,
)
from core.calendar.tenancy import Placement, place
from core.dates import check_range
from core.errors import Conflict, DomainError
from core.events import CalendarSettingsChanged
from core.history import Notification
from core.humanize import deadline_at, ellipsis, local_today, when, zone
from core.milestones.due_dates import check_dates, due_text, redate
from core.model import MilestoneId, Status, TenantId
from core.permissions import Right
from core.ports import UnitOfWork
from core.tenancy import User
from core.use_case import Deps, authorize, current_user, label, reader
from core.views import CalendarStatusView

__all__ = ["MoveOutcome", "apply_calendar_move", "change_settings", "read_feed", "revoke_feed",
           "show_feed", "show_status"]


async def show_status(cmd: ShowCalendarStatus, deps: Deps) -> CalendarStatusView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        return await _status(tx, me, deps)


async def _status(tx: UnitOfWork, me: User, deps: Deps, headline: str = "") -> CalendarStatusView:
    now = deps.clock.now()
    # What `serve` stored, not this process's configuration: every front end says the same.
    installation = await tx.calendar.installation()
    setup = installation.setup if installation else CalendarSetup()
    google = setup.google and bool(setup.calendar_id)
    settings = await tx.calendar.settings()
    placement = await _placement(tx, settings, setup)
    health = await tx.calendar.health(SYNC_CONSUMER)
    feeds = await tx.calendar.feeds(created_by=me.id)
    people = await tx.users.all()
    destinations: list[str] = []
    advice: list[str] = []
    waiting = google and settings.enabled and placement.waiting
    if not google:
        destinations.append("no Google calendar: Google Calendar is not configured for this "
                            "installation")
        advice.append("An operator sets GOOGLE_APPLICATION_CREDENTIALS and GOOGLE_CALENDAR_ID "
                      "and starts serve (README, Google Calendar); changes wait until then")
    elif settings.enabled:
        destinations.append(f"nowhere yet: {placement.why}" if placement.calendar_id is None
                            else f"the shared calendar {placement.calendar_id}")
        advice += placement.todo
        if settings.owner_calendars:
            missing = sum(1 for u in people if not u.email)
            who = "1 person" if missing == 1 else f"{missing} people"
            also = f" ({who} without an email: shared calendar only)" if missing else ""
            destinations.append(f"each owner's own Google calendar{also}")
    else:
        destinations.append("nowhere: sync is off for this workspace")
        advice.append("An admin turns it on with: calendar on")
    if not waiting:  # waiting for a calendar is not Google failing
        advice += _trouble(health, setup.service_account, placement, now)
    failing = 0 if waiting else health.failing
    if not feeds:
        advice.append("Your deadlines in any calendar app: calendar feed")
    return CalendarStatusView(
        headline=headline, google=google, enabled=settings.enabled,
        destinations=tuple(destinations), kinds=kind_names(settings.kinds),
        events=health.events, pending=health.pending, failing=failing,
        last_error=ellipsis(health.last_error, 300) if failing else "",
        next_retry=_until(health.next_retry, now) if failing else "",
        last_pushed=when(health.last_pushed, now, me.timezone) if health.last_pushed else "",
        last_pulled=when(health.last_pulled, now, me.timezone) if health.last_pulled else "",
        feeds=tuple(await feed_names(tx, feeds, me, now)), advice=tuple(advice))


async def _placement(tx: UnitOfWork, settings: CalendarSettings, setup: CalendarSetup
                     ) -> Placement:
    """Where the workspace's deadlines go in a shared calendar (as the sync decides it)."""
    tenant = await tx.tenants.get(settings.tenant_id)
    default = await tx.calendar.default_calendar(setup.calendar_id, setup.tenant) if (
        setup.google and setup.calendar_id) else None
    return place(settings, tenant.slug if tenant else "", default,
                 service_account=setup.service_account)


def _trouble(health: CalendarHealth, service_account: str, placement: Placement,
             now: datetime) -> list[str]:
    if not health.failing:
        return []
    error = health.last_error.lower()
    calendar_id = placement.calendar_id or "the calendar"
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
        if cmd.calendar_id is not None:
            settings.calendar_id = await _own_calendar(tx, settings, cmd.calendar_id)
        elif cmd.default_calendar:
            settings.calendar_id = None
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


async def _own_calendar(tx: UnitOfWork, settings: CalendarSettings, calendar_id: str
                        ) -> str | None:
    """The calendar a workspace may choose: none another workspace uses (None: the default).

    The unique index on the choice settles a race between two workspaces; this check gives
    the answer people usually get, and also sees calendars that still hold someone's events.
    """
    installation = await tx.calendar.installation()
    setup = installation.setup if installation else CalendarSetup()
    share = (f"create a calendar for this workspace, share it with {setup.service_account}, "
             "then: calendar shared <its calendar id>") if setup.service_account else (
        "create a calendar for this workspace, then: calendar shared <its calendar id>")
    if setup.google and calendar_id == setup.calendar_id:
        # The installation's calendar is given by the operator, not taken by a workspace.
        placement = await _placement(tx, replace(settings, calendar_id=None), setup)
        if placement.calendar_id == calendar_id:
            return None
        raise Conflict(f"{calendar_id} is this installation's own calendar, and only an "
                       "operator gives it to a workspace (GOOGLE_CALENDAR_TENANT)", hint=share)
    if await tx.calendar.calendar_users(calendar_id) - {settings.tenant_id}:
        raise Conflict(f"{calendar_id} is already another workspace's calendar, and a "
                       "calendar only ever holds one workspace's deadlines", hint=share)
    return calendar_id


def _settings_text(s: CalendarSettings) -> dict[str, str]:
    return {"sync": "on" if s.enabled else "off", "kinds": ",".join(kind_names(s.kinds)),
            "owners": "on" if s.owner_calendars else "off",
            "calendar": s.calendar_id or "default"}


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


async def record_installation(deps: Deps, setup: CalendarSetup) -> bool:
    """`serve` starting: its calendar setup becomes the one every process tells people about.
    Whether the workspace it names for the shared calendar exists (True when it names none)."""
    async with deps.uow() as tx:
        await tx.calendar.save_installation(setup, deps.clock.now())
        named = await tx.tenants.by_slug(setup.tenant) if setup.tenant else None
        await tx.commit()
    return not setup.tenant or named is not None
