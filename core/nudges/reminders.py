"""Reminder use cases: snoozes, vacations, the nudges a person received, and the handlers of
every reminder command (the settings are in `reminder_settings`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from core.commands import AnyCommand
from core.errors import InvalidInput, NotFound
from core.humanize import local_today, plural
from core.nudges.commands import (
    ChangeReminderSettings,
    SetVacation,
    ShowNudgeFeed,
    ShowReminderSettings,
    SnoozeMilestone,
    SnoozeNudge,
)
from core.nudges.context import decide, load
from core.nudges.deliveries import NewNudge, Nudge, NudgeStatus
from core.nudges.reminder_settings import change_settings, settings_view, show_settings
from core.nudges.reminder_text import day_span, moment_text
from core.nudges.schedule import NudgeKind
from core.nudges.snooze import Snooze
from core.nudges.views import NudgeFeed, NudgeView, ReminderSettingsView
from core.nudges.workweek import Vacation, Workweek
from core.scoring import recording
from core.scoring.events import VacationRecorded
from core.scoring.feed import announce
from core.use_case import Deps, current_user, find_milestone
from core.views import Notice, Tone, View

SNOOZE_LOOKBACK = timedelta(days=2)


async def snooze_nudge(cmd: SnoozeNudge, deps: Deps) -> Notice:
    """A nudge's Snooze button; without one, the nudges the speaker got last (they arrived
    together, in the shell)."""
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        assert me.id is not None
        if cmd.nudge_id is not None:
            found = await tx.nudges.nudge(cmd.nudge_id)
            nudges = [found] if found is not None else []
        else:
            nudges = await tx.nudges.latest_nudges(me.id, now - SNOOZE_LOOKBACK)
        nudges = [n for n in nudges if n.user_id == me.id]
        if not nudges:
            raise NotFound("there is no reminder of yours to snooze",
                           hint="remind snooze #4 3h snoozes one milestone")
        until = cmd.snooze.until(now, Workweek.of(me))
        for nudge in nudges:
            await tx.nudges.reschedule(nudge.id, until)
        await tx.commit()
    if len(nudges) > 1:
        what = f"{len(nudges)} reminders come"
    else:
        what = "Your check-in comes" if nudges[0].kind == NudgeKind.CHECKIN else "It comes"
    return Notice(text=f"Snoozed. {what} back {moment_text(until, me.timezone, now)}.",
                  tone=Tone.SUCCESS, hint="remind snooze #N next week snoozes one milestone")


async def snooze_milestone(cmd: SnoozeMilestone, deps: Deps) -> Notice:
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        m = await find_milestone(tx, cmd.milestone)
        assert me.id is not None and m.id is not None
        if cmd.snooze is None:
            stopped = await tx.nudges.clear_snoozes(me.id, m.id)
            await tx.commit()
            return Notice(text=f"{m.ref} is not snoozed any more." if stopped
                          else f"{m.ref} was not snoozed.", tone=Tone.INFO)
        if not m.is_open:
            raise InvalidInput("milestone", f"{m.ref} is {m.status.label.lower()}: nothing "
                               "to remind you of", hint=f"reopen {m.ref}")
        until = cmd.snooze.until(now, Workweek.of(me))
        await tx.nudges.add_snooze(me.id, Snooze(until=until, milestone_id=m.id, created_at=now))
        if m.owner_id == me.id:
            await tx.nudges.claim([NewNudge(
                tenant_id=m.tenant_id, kind=NudgeKind.SNOOZED, user_id=me.id, milestone_id=m.id,
                period=until.isoformat(timespec="seconds"), detail=now.isoformat(),
                not_before=until)])
        await tx.commit()
    then = ", then I'll ask you about it" if m.owner_id == me.id else ""
    return Notice(text=f"No reminders about {m.ref} until "
                       f"{moment_text(until, me.timezone, now)}{then}.",
                  tone=Tone.SUCCESS, hint=f"remind snooze {m.ref} off")


async def set_vacation(cmd: SetVacation, deps: Deps) -> ReminderSettingsView:
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        assert me.id is not None
        today = local_today(now, me.timezone)
        if cmd.clear:
            cleared = await tx.nudges.clear_vacations(me.id, today)
            headline = "Welcome back" if cleared else "You had no vacation planned"
        else:
            assert cmd.starts is not None and cmd.ends is not None
            if cmd.ends < today:
                raise InvalidInput("vacation", "that vacation is over already",
                                   hint="remind vacation today next friday")
            await tx.nudges.add_vacation(me.id, Vacation(cmd.starts, cmd.ends))
            # The check-in streak pauses over it: scored in this same transaction.
            awards = await recording.record(tx.scoring, VacationRecorded(
                at=now, person=me.id, starts=cmd.starts, ends=cmd.ends))
            await announce(tx, awards)
            headline = (f"Enjoy! Nothing from me {day_span(cmd.starts, cmd.ends, today)}, and "
                        "nothing counts against you")
        view = await settings_view(tx, me, now, headline=headline)
        await tx.commit()
    return view


async def show_feed(cmd: ShowNudgeFeed, deps: Deps) -> NudgeFeed:
    """Nudges that reached the speaker's inbox after a receipt, as they read now."""
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        assert me.id is not None
        receipts = await tx.nudges.receipts(me.id, after=cmd.after,
                                            unread_only=cmd.unread_only, limit=50)
        cursor = max([cmd.after, *(r.id for r in receipts)])
        shown = receipts[: max(0, cmd.limit)]
        nudges = [r.nudge for r in shown]
        views: list[NudgeView] = []
        if nudges:
            ctx = await load(tx.nudges, nudges, now)
            for nudge in reversed(nudges):  # oldest first, like a chat
                view = decide(nudge, ctx, gated=False).view
                if view is not None:
                    views.append(view)
    more = len(receipts) - len(shown)
    headline = "" if not views else (
        f"🔔 {plural(len(views), 'reminder')}" + (f" (and {more} more: `inbox`)" if more else ""))
    return NudgeFeed(headline=headline, items=tuple(views), more=more, cursor=cursor)


def nudge_of(new: NewNudge, *, created_at: datetime) -> Nudge:
    """A nudge not claimed yet, as it would be delivered (previews)."""
    return Nudge(id=0, tenant_id=new.tenant_id, kind=new.kind, period=new.period,
                 user_id=new.user_id, channel=new.channel, milestone_id=new.milestone_id,
                 detail=new.detail, status=NudgeStatus.PENDING, not_before=new.not_before,
                 attempts=0, created_at=created_at)


Handler = Callable[[Any, Deps], Awaitable[View]]

HANDLERS: dict[type[AnyCommand], Handler] = {
    ShowReminderSettings: show_settings,
    ChangeReminderSettings: change_settings,
    SnoozeNudge: snooze_nudge,
    SnoozeMilestone: snooze_milestone,
    SetVacation: set_vacation,
    ShowNudgeFeed: show_feed,
}
