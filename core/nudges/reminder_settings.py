"""Reminder settings: a person's, a milestone's and the team's check-in cadence, deadline
alerts, digest and quiet hours; shown and changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time

from core.errors import InvalidInput
from core.humanize import local_today, plural
from core.model import MilestoneId
from core.nudges.commands import ChangeReminderSettings, SettingsScope, ShowReminderSettings
from core.nudges.reminder_text import day_span, days_text, moment_text, quiet_text
from core.nudges.schedule import (
    WEEKDAY_NAMES,
    Cadence,
    PersonPolicy,
    TeamPolicy,
    WeeklySlot,
    next_checkin,
)
from core.nudges.views import ReminderSettingsView
from core.nudges.workweek import MINUTES_A_DAY, Workweek, hhmm, week_index
from core.people.use_cases import actor_of
from core.permissions import Right
from core.ports import MilestoneFilter, UnitOfWork
from core.tenancy import User
from core.use_case import Deps, authorize, current_tenant, current_user, find_milestone


async def settings_view(tx: UnitOfWork, me: User, now: datetime, headline: str = ""
                         ) -> ReminderSettingsView:
    assert me.id is not None
    tenant = await current_tenant(tx, actor_of(me))
    team = await tx.nudges.team_policy()
    own = await tx.nudges.person_policy(me.id)
    cadence = own.cadence(team.checkin)
    week = Workweek.of(me)
    today = local_today(now, me.timezone)
    vacations = await tx.nudges.vacations(me.id, today)
    snoozes = await tx.nudges.snoozes(me.id, now)
    overrides = await tx.nudges.owned_cadences(me.id)
    numbers: dict[int, str] = {}
    if overrides or snoozes:
        ids = {*overrides, *(MilestoneId(s.milestone_id) for s in snoozes if s.milestone_id)}
        numbers = {m.id: f"{m.ref} {m.title}" for m in await tx.milestones.find(
            MilestoneFilter(ids=ids, open_only=False)) if m.id is not None}
    upcoming = next_checkin(cadence, week, now, vacations)
    source = "team default" if own.empty else f"yours; the team's is {team.checkin.describe()}"
    checkin = f"{cadence.describe()} ({source})"
    if week.clamp(cadence.minute) != cadence.minute:
        checkin += (f"; sent at {hhmm(week.clamp(cadence.minute))}, when your working day "
                    "starts")
    deadline_days = " and ".join(str(d) for d in team.deadline_days) or "no"
    deadlines = (f"{deadline_days} days before, on the day, then every "
                 f"{plural(team.overdue_every, 'working day')} while overdue "
                 "(watchers are told once)")
    digest = (f"{team.digest.describe()} ({tenant.timezone}) to each home channel"
              if team.digest else "off")
    return ReminderSettingsView(
        headline=headline, checkin=checkin,
        next_checkin=moment_text(upcoming, me.timezone, now) if upcoming else "none planned",
        working_days=days_text(week.days), quiet_hours=quiet_text(week), deadlines=deadlines,
        digest=digest, timezone=me.timezone,
        vacations=tuple(day_span(v.starts, v.ends, today) for v in vacations),
        snoozes=tuple(f"{numbers.get(s.milestone_id, 'a milestone')} until "
                      f"{moment_text(s.until, me.timezone, now)}"
                      for s in snoozes if s.milestone_id is not None),
        overrides=tuple(f"{numbers.get(mid, f'id {mid}')}: {c.describe()}"
                        for mid, c in sorted(overrides.items()) if mid in numbers),
        weekday=cadence.weekday, minute=cadence.minute, every_weeks=cadence.every_weeks,
        working_day_numbers=tuple(sorted(week.days)), work_starts=week.starts,
        work_ends=min(week.ends, MINUTES_A_DAY), can_change_team=me.role.value == "admin")


async def show_settings(cmd: ShowReminderSettings, deps: Deps) -> ReminderSettingsView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        return await settings_view(tx, me, deps.clock.now())


def _cadence_with(base: Cadence, cmd: ChangeReminderSettings, anchor: int) -> Cadence:
    return Cadence(
        weekday=base.weekday if cmd.weekday is None else cmd.weekday,
        minute=base.minute if cmd.minute is None else cmd.minute,
        every_weeks=base.every_weeks if cmd.every_weeks is None else cmd.every_weeks,
        anchor_week=base.anchor_week if cmd.every_weeks is None else anchor)


def _changed_words(cmd: ChangeReminderSettings) -> str:
    words = []
    if cmd.reset:
        words.append("back to the default")
    if cmd.weekday is not None:
        words.append(f"on {WEEKDAY_NAMES[cmd.weekday]}s")
    if cmd.minute is not None:
        words.append(f"at {hhmm(cmd.minute)}")
    if cmd.every_weeks is not None:
        words.append("every week" if cmd.every_weeks == 1 else f"every {cmd.every_weeks} weeks")
    if cmd.working_days is not None:
        words.append(f"working {days_text(cmd.working_days)}")
    if cmd.quiet is not None:
        words.append(f"quiet {hhmm(cmd.quiet[0])}–{hhmm(cmd.quiet[1])}")
    if cmd.digest_off:
        words.append("no weekly digest")
    elif cmd.digest_weekday is not None or cmd.digest_minute is not None:
        words.append("digest moved")
    if cmd.deadline_days is not None:
        words.append(f"alerts {', '.join(map(str, cmd.deadline_days))} days before")
    if cmd.overdue_every is not None:
        words.append(f"overdue every {cmd.overdue_every} working days")
    return ", ".join(words)


def _check(cmd: ChangeReminderSettings) -> None:
    if cmd.weekday is not None and not 0 <= cmd.weekday <= 6:
        raise InvalidInput("weekday", "a weekday is 0 (Monday) to 6 (Sunday)")
    for minute in (cmd.minute, cmd.digest_minute):
        if minute is not None and not 0 <= minute < MINUTES_A_DAY:
            raise InvalidInput("time", "a time of day is 00:00 to 23:59")
    if cmd.every_weeks is not None and not 1 <= cmd.every_weeks <= 12:
        raise InvalidInput("every", "every 1 to 12 weeks", hint="remind every 2 weeks")
    if cmd.working_days is not None and (
            not cmd.working_days or any(not 0 <= d <= 6 for d in cmd.working_days)):
        raise InvalidInput("days", "at least one working day", hint="remind days mon-fri")
    if cmd.quiet is not None:
        start, end = cmd.quiet
        if not (0 <= end < start < MINUTES_A_DAY):
            raise InvalidInput("quiet", "quiet hours run from the end of your working day to "
                               "its start, across midnight", hint="remind quiet 18-9")
    if cmd.deadline_days is not None and any(not 1 <= d <= 60 for d in cmd.deadline_days):
        raise InvalidInput("deadlines", "alerts come 1 to 60 days before a due date")
    if cmd.overdue_every is not None and not 1 <= cmd.overdue_every <= 20:
        raise InvalidInput("deadlines", "overdue alerts repeat every 1 to 20 working days")


async def change_settings(cmd: ChangeReminderSettings, deps: Deps) -> ReminderSettingsView:
    _check(cmd)
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        assert me.id is not None
        changed = _changed_words(cmd)
        if not changed:
            raise InvalidInput("remind", "what should change?", hint="remind monday 9:30")
        if cmd.scope == SettingsScope.TEAM:
            headline = await _change_team(tx, me, cmd, now)
        elif cmd.scope == SettingsScope.MILESTONE:
            headline = await _change_milestone(tx, me, cmd, now)
        else:
            headline = await _change_mine(tx, me, cmd, now)
        view = await settings_view(tx, me, now, headline=f"{headline}: {changed}")
        await tx.commit()
    return view


async def _change_team(tx: UnitOfWork, me: User, cmd: ChangeReminderSettings,
                       now: datetime) -> str:
    await authorize(tx, me, Right.ADMIN, None)
    if cmd.working_days is not None or cmd.quiet is not None:
        raise InvalidInput("remind", "working days and quiet hours are each person's own",
                           hint="remind days mon-fri · remind quiet 18-9")
    tenant = await current_tenant(tx, cmd.actor)
    team = await tx.nudges.team_policy()
    anchor = week_index(local_today(now, tenant.timezone))
    checkin = TeamPolicy().checkin if cmd.reset else _cadence_with(team.checkin, cmd, anchor)
    digest = team.digest
    if cmd.digest_off:
        digest = None
    elif cmd.digest_weekday is not None or cmd.digest_minute is not None:
        base = digest or TeamPolicy().digest or WeeklySlot(4, 16 * 60)
        digest = WeeklySlot(base.weekday if cmd.digest_weekday is None else cmd.digest_weekday,
                            base.minute if cmd.digest_minute is None else cmd.digest_minute)
    await tx.nudges.save_team_policy(replace(
        team, checkin=checkin, digest=digest,
        deadline_days=team.deadline_days if cmd.deadline_days is None else cmd.deadline_days,
        overdue_every=team.overdue_every if cmd.overdue_every is None else cmd.overdue_every))
    return "Saved for the whole team"


async def _change_milestone(tx: UnitOfWork, me: User, cmd: ChangeReminderSettings,
                            now: datetime) -> str:
    assert cmd.milestone is not None
    if cmd.working_days is not None or cmd.quiet is not None or cmd.digest_off or (
            cmd.digest_weekday is not None or cmd.deadline_days is not None):
        raise InvalidInput("remind", "a milestone has a cadence of its own, nothing else",
                           hint=f"remind {cmd.milestone} friday 14:00 every 2 weeks")
    m = await find_milestone(tx, cmd.milestone)
    await authorize(tx, me, Right.EDIT, m)
    assert m.id is not None
    if cmd.reset:
        await tx.nudges.save_milestone_cadence(m.id, m.owner_id, None)
        return f"{m.ref} follows its owner's check-ins again"
    owner = await tx.users.get(m.owner_id)
    existing = (await tx.nudges.milestone_cadences([m.id])).get(m.id)
    if existing is None:
        team = await tx.nudges.team_policy()
        existing = (await tx.nudges.person_policy(m.owner_id)).cadence(team.checkin)
    zone_name = owner.timezone if owner else me.timezone
    cadence = _cadence_with(existing, cmd, week_index(local_today(now, zone_name)))
    await tx.nudges.save_milestone_cadence(m.id, m.owner_id, cadence)
    return f"{m.ref} {m.title} now has check-ins of its own"


async def _change_mine(tx: UnitOfWork, me: User, cmd: ChangeReminderSettings,
                       now: datetime) -> str:
    assert me.id is not None
    if cmd.digest_off or cmd.digest_weekday is not None or cmd.digest_minute is not None or (
            cmd.deadline_days is not None or cmd.overdue_every is not None):
        raise InvalidInput("remind", "the digest and deadline alerts are the team's settings",
                           hint="an admin: remind digest friday 16:00 · remind deadlines 7,1")
    if cmd.working_days is not None:
        me.working_days = tuple(sorted(set(cmd.working_days)))
    if cmd.quiet is not None:
        quiet_from, quiet_to = cmd.quiet
        me.work_starts = time(quiet_to // 60, quiet_to % 60)
        me.work_ends = time(quiet_from // 60, quiet_from % 60)
    own = PersonPolicy() if cmd.reset else await tx.nudges.person_policy(me.id)
    if not cmd.reset and (cmd.weekday is not None or cmd.minute is not None
                          or cmd.every_weeks is not None):
        anchor = week_index(local_today(now, me.timezone))
        own = PersonPolicy(
            weekday=cmd.weekday if cmd.weekday is not None else own.weekday,
            minute=cmd.minute if cmd.minute is not None else own.minute,
            every_weeks=cmd.every_weeks if cmd.every_weeks is not None else own.every_weeks,
            anchor_week=anchor if cmd.every_weeks is not None else own.anchor_week)
    week = Workweek.of(me)
    if own.minute is not None and week.clamp(own.minute) != own.minute:
        raise InvalidInput(
            "time", f"{hhmm(own.minute)} is in your quiet hours ({quiet_text(week)})",
            hint=f"pick a time from {hhmm(week.starts)} to {hhmm(week.ends)}, or move them: "
                 "remind quiet 19-8")
    if cmd.working_days is not None or cmd.quiet is not None:
        await tx.users.save(me)
    await tx.nudges.save_person_policy(me.id, own)
    return "Saved"
