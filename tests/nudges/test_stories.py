"""Nudges as stories: a controllable clock, the scheduler's tick run by hand; each story runs
on the fake, SQLite and PostgreSQL.

The people of the team live in Europe/Berlin and work Monday to Friday, 09:00-18:00; the
team's check-in is Monday at 09:00.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.bus import execute
from core.commands import Actor
from core.errors import NotFound
from core.nudges.commands import SnoozeNudge
from core.nudges.deadline_alerts import AlertStage
from core.nudges.notifier import ChannelAddress
from core.nudges.preview import preview
from core.nudges.schedule import NudgeKind
from core.nudges.snooze import SnoozeFor, SnoozePreset
from core.nudges.views import (
    ChannelDigest,
    CheckInRequest,
    DeadlineAlert,
    EscalationNotice,
    NudgePreview,
    ReminderSettingsView,
)
from core.people.use_cases import ensure_tenant, join
from core.views import InboxView, Notice
from tests.fakes import FrozenClock
from tests.nudge_harness import World, refs, to
from tests.nudges.conftest import MakeWorld


async def inbox(w: World, who: Actor) -> InboxView:
    view = await w.ok(who, "inbox all")
    assert isinstance(view, InboxView)
    return view


async def test_berlin_gets_its_nine_oclock_on_both_sides_of_the_clock_change(
        make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-03-10T12:00:00+00:00")
    await w.ok(acme.bob, 'milestone "Launch beta" due:2026-06-30')
    assert await w.tick("2026-03-23T07:59") == []  # 08:59 in Berlin
    got = await w.tick("2026-03-23T08:00")  # 09:00 CET
    assert [refs(v) for v in to(got, "bob")] == [["#1"]]
    assert await w.tick("2026-03-23T09:00") == []  # claimed once
    assert await w.tick("2026-03-30T06:59") == []  # 08:59 CEST
    got = await w.tick("2026-03-30T07:00")  # 09:00 CEST
    assert [refs(v) for v in to(got, "bob")] == [["#1"]]


async def test_new_york_gets_its_nine_oclock_when_the_clocks_fall_back(
        make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-10-01T12:00:00+00:00")
    await w.ok(acme.bob, "me tz America/New_York")
    await w.ok(acme.bob, 'milestone "Launch beta"')
    assert await w.tick("2026-10-26T12:59") == []
    assert len(to(await w.tick("2026-10-26T13:00"), "bob")) == 1  # 09:00 EDT
    assert await w.tick("2026-11-02T13:00") == []  # 08:00 EST
    assert len(to(await w.tick("2026-11-02T14:00"), "bob")) == 1  # 09:00 EST


async def test_auckland_and_los_angeles_each_at_their_own_monday_nine(
        make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-02T12:00:00+00:00")
    await w.ok(acme.bob, "me tz Pacific/Auckland")
    await w.ok(acme.carol, "me tz America/Los_Angeles")
    await w.ok(acme.bob, 'task "Kiwi launch"')
    await w.ok(acme.carol, 'task "West coast launch"')
    assert await w.tick("2026-11-22T19:59") == []
    got = await w.tick("2026-11-22T20:00")  # Monday 09:00 NZDT, still Sunday in UTC
    assert [m.to.handle for m in got] == ["bob"]  # type: ignore[union-attr]
    assert await w.tick("2026-11-23T16:59") == []
    got = await w.tick("2026-11-23T17:00")  # Monday 09:00 PST
    assert [m.to.handle for m in got] == ["carol"]  # type: ignore[union-attr]


async def test_one_message_lists_every_open_milestone_of_the_person(make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-02T12:00:00+00:00")
    for title in ("Beta", "Docs", "Pricing"):
        await w.ok(acme.bob, f'task "{title}"')
    await w.ok(acme.bob, 'task "Old" due:2026-11-05')
    await w.ok(acme.bob, "done #4")
    w.clock.set("2026-11-20T10:00:00+00:00")
    await w.ok(acme.bob, "update #3 40% pricing page drafted")
    got = await w.tick("2026-11-23T08:00")
    (request,) = to(got, "bob")
    assert isinstance(request, CheckInRequest)
    assert refs(request) == ["#1", "#2"]
    assert [x.ref for x in request.up_to_date] == ["#3"]  # answered last Friday
    assert request.headline == "2 milestones are waiting for your check-in"
    assert request.greeting == "Good morning bob"
    assert "every Monday at 09:00" in request.footer
    text = (await inbox(w, acme.bob)).items[0].text
    assert text == "🗓 2 milestones are waiting for your check-in: #1, #2"


async def test_a_cadence_day_off_moves_to_the_next_working_day(make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-02T12:00:00+00:00")
    await w.ok(acme.bob, "remind days tue-sat")
    await w.ok(acme.bob, 'task "Beta"')
    assert await w.tick("2026-11-23T08:00") == []
    assert len(await w.tick("2026-11-24T08:00")) == 1  # Tuesday 09:00


async def test_quiet_hours_move_the_team_time_and_refuse_a_quiet_time_of_ones_own(
        make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-02T12:00:00+00:00")
    view = await w.ok(acme.bob, "remind quiet 18-10")
    assert isinstance(view, ReminderSettingsView)
    assert view.quiet_hours == "18:00–10:00 and all of Sat, Sun"
    assert "sent at 10:00, when your working day starts" in view.checkin
    refusal = await w.say(acme.bob, "remind at 8:00")
    assert isinstance(refusal, Notice) and "08:00 is in your quiet hours" in refusal.text
    await w.ok(acme.bob, 'task "Beta"')
    assert await w.tick("2026-11-23T08:30") == []  # 09:30 in Berlin: still quiet for bob
    assert len(await w.tick("2026-11-23T09:00")) == 1


async def test_every_two_weeks_on_a_day_and_time_of_ones_own(make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-16T12:00:00+00:00")
    view = await w.ok(acme.bob, "remind wednesday 14:30 every 2 weeks")
    assert isinstance(view, ReminderSettingsView)
    assert view.checkin.startswith("every 2 weeks on Wednesday at 14:30 (yours")
    assert view.next_checkin == "Wed 18 Nov at 14:30"
    await w.ok(acme.bob, 'task "Beta"')
    w.clock.set("2026-11-17T12:00:00+00:00")
    assert await w.tick("2026-11-18T13:30") == []  # it was created yesterday: nothing to ask
    assert await w.tick("2026-11-23T08:00") == []  # not Monday any more
    assert len(await w.tick("2026-12-02T13:30")) == 1  # two weeks later, 14:30 CET
    assert await w.tick("2026-12-09T13:30") == []  # the week in between


async def test_a_milestone_with_a_cadence_of_its_own_joins_the_days_message(
        make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-02T12:00:00+00:00")
    await w.ok(acme.bob, 'task "Beta"')
    await w.ok(acme.bob, 'task "Security audit"')
    await w.ok(acme.bob, "remind #2 thursday 11:00")
    got = await w.tick("2026-11-23T08:00")
    assert [refs(v) for v in to(got, "bob")] == [["#1"]]
    got = await w.tick("2026-11-26T10:00")  # Thursday 11:00
    assert [refs(v) for v in to(got, "bob")] == [["#2"]]
    await w.ok(acme.bob, "remind #2 default")
    got = await w.tick("2026-11-30T08:00")
    assert [refs(v) for v in to(got, "bob")] == [["#1", "#2"]]


async def test_nothing_during_a_vacation_and_nothing_counts_against_it(
        make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-10-20T12:00:00+00:00")
    await w.ok(acme.alice, 'goal "Grow"')
    await w.ok(acme.alice, 'milestone "Beta" parent:#1 owner:@bob due:2026-11-25')
    for monday in ("2026-11-02", "2026-11-09"):
        assert refs(to(await w.tick(f"{monday}T08:00"), "bob")[0]) == ["#2"]
    view = await w.ok(acme.bob, "remind vacation 2026-11-16 to 2026-11-27")
    assert isinstance(view, ReminderSettingsView)
    assert view.vacations == ("Mon 16 Nov – Fri 27 Nov",)
    assert view.next_checkin == "Mon 30 Nov at 09:00"
    got = await w.ticks("2026-11-16T07:00", "2026-11-27T17:00", every=timedelta(hours=6))
    assert to(got, "bob") == []  # no check-in, no deadline alert, no overdue alert
    got = await w.tick("2026-11-30T08:00")
    bob = to(got, "bob")
    assert [type(v).__name__ for v in bob] == ["CheckInRequest", "DeadlineAlert"]
    assert to(got, "alice")[0].kind == NudgeKind.CHECKIN  # no escalation: bob was away
    await w.ok(acme.bob, "remind vacation off")


async def test_snooze_from_the_message_brings_it_back_fresh(make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-02T12:00:00+00:00")
    await w.ok(acme.bob, 'task "Beta"')
    await w.ok(acme.bob, 'task "Docs"')
    (first,) = to(await w.tick("2026-11-23T08:00"), "bob")
    notice = await w.ok(acme.bob, "remind snooze 1h")
    assert isinstance(notice, Notice)
    assert notice.text == "Snoozed. Your check-in comes back today at 10:00."
    assert await w.tick("2026-11-23T08:30") == []
    await w.ok(acme.bob, "update #1 30% started")
    (again,) = to(await w.tick("2026-11-23T09:00"), "bob")
    assert isinstance(again, CheckInRequest) and again.reminder
    assert again.nudge_id == first.nudge_id and refs(again) == ["#2"]  # #1 was answered
    assert again.headline == "#2 Docs is waiting for your check-in"
    assert len((await inbox(w, acme.bob)).items) == 2  # the request, and again


async def test_snoozing_one_milestone_holds_its_alerts_then_asks_about_it(
        make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-02T12:00:00+00:00")
    await w.ok(acme.bob, 'task "Beta" due:2026-11-24')
    w.clock.set("2026-11-23T07:00:00+00:00")
    notice = await w.ok(acme.bob, "remind snooze #1 3h")
    assert isinstance(notice, Notice)
    assert notice.text == ("No reminders about #1 until today at 11:00, then I'll ask you "
                           "about it.")
    assert await w.tick("2026-11-23T08:00") == []  # check-in and "due tomorrow" held
    (reminder,) = to(await w.tick("2026-11-23T10:00"), "bob")
    assert isinstance(reminder, CheckInRequest) and reminder.reminder
    assert reminder.headline == "You asked me to remind you about #1 Beta"


async def test_three_ignored_requests_tell_the_parents_owner_once_then_stop(
        make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-10-20T12:00:00+00:00")
    await w.ok(acme.alice, 'goal "Grow revenue"')
    await w.ok(acme.alice, 'milestone "Launch beta" parent:#1 owner:@bob')
    kinds: list[tuple[str, str]] = []
    for monday in ("2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30"):
        w.clock.set(f"{monday}T07:00:00+00:00")
        await w.ok(acme.alice, "update #1 on track")  # alice answers for her goal
        got = await w.tick(f"{monday}T08:00")
        got += await w.tick(f"{monday}T08:01")  # escalations claimed by the delivery go out
        kinds.append((",".join(v.kind for v in to(got, "bob")),
                      ",".join(v.kind for v in to(got, "alice"))))
    assert kinds == [("checkin", "")] * 3 + [("", "escalation"), ("", "")]
    escalations = [v for m in w.chat.sent for v in [m.view]
                   if isinstance(v, EscalationNotice)]
    assert len(escalations) == 1
    assert escalations[0].headline.startswith(
        "@bob has not answered 3 check-in requests about #2 Launch beta")
    w.clock.set("2026-12-02T10:00:00+00:00")
    await w.ok(acme.bob, "update #2 20% back on it")
    got = await w.tick("2026-12-14T08:00")  # asked again once they acted
    assert [v.kind for v in to(got, "bob")] == ["checkin"]


async def test_deadline_alerts_before_on_the_day_and_every_two_working_days_after(
        make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-20T12:00:00+00:00")
    await w.ok(acme.alice, 'task "Security review" owner:@bob due:2026-12-09')
    w.clock.set("2026-11-30T09:00:00+00:00")
    await w.ok(acme.bob, "update #1 10%")  # bob answers his check-ins: only alerts remain
    alerts: list[str] = []
    watching: list[str] = []
    for day in range(1, 19):
        w.clock.set(f"2026-12-{day:02d}T07:00:00+00:00")
        await w.ok(acme.bob, "update #1 10%")
        got = await w.tick(f"2026-12-{day:02d}T08:00")
        alerts += [f"{day}:{v.headline}" for v in to(got, "bob") if isinstance(v, DeadlineAlert)]
        watching += [f"{day}:{v.headline}" for v in to(got, "alice")
                     if isinstance(v, DeadlineAlert)]
    assert alerts == [
        "2:#1 Security review is due in 7 days (Wed 9 Dec)",
        "8:#1 Security review is due tomorrow (Wed 9 Dec)",
        "9:#1 Security review is due today",
        "10:#1 Security review is 1 day overdue (was due Wed 9 Dec)",
        "14:#1 Security review is 5 days overdue (was due Wed 9 Dec)",
        "16:#1 Security review is 7 days overdue (was due Wed 9 Dec)",
        "18:#1 Security review is 9 days overdue (was due Wed 9 Dec)",
    ]
    assert watching == [
        "10:#1 Security review, which you watch, is 1 day overdue (@bob owns it)"]


async def test_moving_the_due_date_brings_new_alerts_for_the_new_date(
        make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-20T12:00:00+00:00")
    await w.ok(acme.bob, 'task "Beta" due:2026-12-09')
    got = await w.tick("2026-12-02T08:00")
    assert any(isinstance(v, DeadlineAlert) and v.stage == AlertStage.BEFORE
               for v in to(got, "bob"))
    await w.ok(acme.bob, "due #1 2026-12-03")
    w.clock.set("2026-12-02T20:00:00+00:00")
    got = await w.tick("2026-12-03T08:00")
    assert [v.headline for v in to(got, "bob") if isinstance(v, DeadlineAlert)] == [
        "#1 Beta is due today"]


async def test_the_weekly_digest_of_a_home_channel(make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-16T10:00:00+00:00")
    await w.ok(acme.alice, 'goal "Launch" #launch')
    await w.ok(acme.alice, 'milestone "Beta" parent:#1 owner:@bob #launch due:2026-11-20')
    await w.ok(acme.alice, 'milestone "Docs" parent:#1 owner:@carol #launch')
    await w.ok(acme.alice, 'task "Blog post" #launch')
    w.clock.set("2026-11-24T10:00:00+00:00")
    await w.ok(acme.bob, "update #2 60% at risk vendor is late")
    await w.ok(acme.carol, "done #3")
    assert [m for m in await w.tick("2026-11-27T15:59") if isinstance(m.view, ChannelDigest)
            ] == []
    got = await w.tick("2026-11-27T16:00")  # Friday 16:00 in the tenant's zone (UTC)
    (digest,) = [m for m in got if isinstance(m.view, ChannelDigest)]
    assert isinstance(digest.to, ChannelAddress) and digest.to.channel == "#launch"
    view = digest.view
    assert isinstance(view, ChannelDigest)
    assert [(x.line.ref, x.change) for x in view.moved] == [
        ("#2", "0% → 60%, 1 check-in"), ("#1", "now 80%, from what is under it")]
    assert view.quiet == 1  # the blog post
    assert [x.line.ref for x in view.completed] == ["#3"]
    assert [x.line.ref for x in view.overdue] == ["#2"]
    assert view.headline.startswith("This week in #launch: 2 milestones moved, 1 completed")
    assert any("This week in #launch" in i.text for i in (await inbox(w, acme.bob)).items)
    assert await w.tick("2026-11-27T17:00") == []


async def test_a_restart_catches_up_within_the_grace_window_and_never_later(
        make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-02T12:00:00+00:00")
    await w.ok(acme.bob, 'task "Beta"')
    await w.ok(acme.carol, 'task "Docs"')
    await w.ok(acme.carol, "remind at 9:30")
    got = await w.tick("2026-11-23T09:45")  # down from 08:55 to 10:45 in Berlin
    assert sorted(m.to.handle for m in got) == ["bob", "carol"]  # type: ignore[union-attr]
    got = await w.tick("2026-11-30T10:01")  # down until 11:01: bob's 09:00 is over 2 h late,
    # carol's 09:30 is not
    assert sorted(m.to.handle for m in got) == ["carol"]  # type: ignore[union-attr]


async def test_a_failed_delivery_is_retried_with_backoff_and_lands_in_the_inbox_once(
        make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-02T12:00:00+00:00")
    await w.ok(acme.bob, 'task "Beta"')
    w.chat.down = 2
    assert await w.tick("2026-11-23T08:00") == []
    assert w.delivered[-1].later == 1
    assert len((await inbox(w, acme.bob)).items) == 1  # in the inbox straight away
    assert await w.tick("2026-11-23T08:00:20") == []  # backoff: 30 s
    assert await w.tick("2026-11-23T08:00:40") == []  # failed again: now 1 min
    got = await w.tick("2026-11-23T08:02")
    assert len(got) == 1 and w.chat.attempts == 3
    assert await w.tick("2026-11-23T08:30") == []
    assert len((await inbox(w, acme.bob)).items) == 1


async def test_a_platform_that_asks_to_wait_is_waited_for(make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-02T12:00:00+00:00")
    await w.ok(acme.bob, 'task "Beta"')
    w.chat.down, w.chat.retry_after = 1, timedelta(minutes=10)
    await w.tick("2026-11-23T08:00")
    assert await w.tick("2026-11-23T08:09") == []
    assert len(await w.tick("2026-11-23T08:10")) == 1


async def test_people_a_platform_does_not_know_still_get_their_inbox(make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-02T12:00:00+00:00")
    await w.ok(acme.bob, 'task "Beta"')
    w.chat.strangers.add("bob")
    assert await w.tick("2026-11-23T08:00") == []
    assert w.delivered[-1].sent == 1 and w.chat.attempts == 0
    assert len((await inbox(w, acme.bob)).items) == 1


async def test_deliveries_to_one_person_are_paced_a_second_apart(make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-02T12:00:00+00:00")
    await w.ok(acme.bob, 'task "Beta" due:2026-11-24')
    await w.ok(acme.bob, 'task "Docs" due:2026-11-30')
    got = await w.tick("2026-11-23T08:00")
    assert len(to(got, "bob")) == 3  # the check-in and two deadline alerts
    assert w.time.slept == [1.0, 1.0]


async def test_settings_show_what_is_set_and_admins_change_the_team(make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-23T10:00:00+00:00")
    view = await w.ok(acme.bob, "remind")
    assert isinstance(view, ReminderSettingsView)
    assert view.checkin == "every Monday at 09:00 (team default)"
    assert view.next_checkin == "Mon 30 Nov at 09:00"
    assert view.working_days == "Mon–Fri" and view.quiet_hours == "18:00–09:00 and all of Sat, Sun"
    assert view.deadlines.startswith("7 and 1 days before, on the day, then every 2 working days")
    assert view.digest == "Friday at 16:00 (UTC) to each home channel"
    refusal = await w.say(acme.bob, "remind team tuesday")
    assert isinstance(refusal, Notice) and "Only an admin" in refusal.text
    await w.ok(acme.alice, "remind team tuesday 10:00")
    await w.ok(acme.alice, "remind digest thursday 15:00")
    await w.ok(acme.alice, "remind deadlines 14,3 overdue every 3")
    view = await w.ok(acme.bob, "remind settings")
    assert isinstance(view, ReminderSettingsView)
    assert view.checkin == "every Tuesday at 10:00 (team default)"
    assert view.digest.startswith("Thursday at 15:00")
    assert view.deadlines.startswith("14 and 3 days before")
    await w.ok(acme.bob, "remind friday")
    view = await w.ok(acme.bob, "remind")
    assert isinstance(view, ReminderSettingsView)
    assert view.checkin.startswith("every Friday at 10:00 (yours; the team's is every Tuesday")
    await w.ok(acme.bob, "remind default")
    view = await w.ok(acme.bob, "remind")
    assert isinstance(view, ReminderSettingsView) and view.checkin.endswith("(team default)")


async def test_bad_reminder_input_gets_a_clear_answer(make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-23T10:00:00+00:00")
    cases = {
        "remind snooze #9 1h": "There is no #9 here.",
        "remind snooze forever": "I can't snooze for “forever”.",
        "remind snooze 1h": "There is no reminder of yours to snooze.",
        "remind vacation 2026-12-10 2026-12-01": "It would end (2026-12-01) before it starts",
        "remind vacation 2026-01-01 2026-01-05": "That vacation is over already.",
        "remind vacation someday": "“someday” is not a date I understand.",
        "remind at 25:00": "“25:00” is not a time of day.",
        "remind every 40 weeks": "Every 1 to 12 weeks.",
        "remind quiet 9-18": "Quiet hours run from the end of your working day",
        "remind digest friday 16:00": "Only an admin can do that.",
        "remind #1 friday": "There is no #1 here.",
        "remind frobnicate": "I didn't understand “frobnicate”.",
        "remind default monday": "`default` goes alone.",
    }
    for line, answer in cases.items():
        view = await w.say(acme.bob, line)
        assert isinstance(view, Notice), (line, view)
        assert view.text.startswith(answer), (line, view.text)


async def test_a_dry_run_shows_what_would_be_sent_and_claims_nothing(make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-02T12:00:00+00:00")
    await w.ok(acme.bob, 'task "Beta" due:2026-11-24')
    await w.ok(acme.carol, 'task "Docs"')
    at = FrozenClock("2026-11-23T08:00:00+00:00").now()
    shown = await preview(w.deps.uow, at)
    assert isinstance(shown, NudgePreview)
    assert sorted((i.recipient, i.kind.value) for i in shown.items) == [
        ("@bob (acme)", "checkin"), ("@bob (acme)", "deadline"), ("@carol (acme)", "checkin")]
    (item,) = [i for i in shown.items if i.kind == NudgeKind.DEADLINE]
    assert item.summary == "⏳ #1 Beta is due tomorrow (Tue 24 Nov)"
    assert item.local == "Mon 09:00 Europe/Berlin" and item.at == "2026-11-23 08:00"
    assert len(await w.tick("2026-11-23T08:00")) == 3  # the preview claimed nothing


async def test_another_tenants_nudges_and_milestones_are_out_of_reach(
        make_world: MakeWorld) -> None:
    w, acme = await make_world("2026-11-02T12:00:00+00:00")
    await w.ok(acme.bob, 'task "Acme secret" due:2026-11-24')
    (checkin, _) = to(await w.tick("2026-11-23T08:00"), "bob")
    globex = await ensure_tenant(w.deps, slug="globex")
    assert globex.id is not None
    mallory = await join(w.deps, globex.id, handle="mallory")
    for line in ("remind snooze #1 1h", "remind #1 friday", "remind snooze 1h"):
        refusal = await w.say(mallory, line)
        assert isinstance(refusal, Notice) and refusal.text.startswith(("There is no",)), line
    other = SnoozeNudge(actor=mallory, nudge_id=checkin.nudge_id,
                        snooze=SnoozeFor(SnoozePreset.HOUR))
    refusal = await w.say(mallory, "inbox")
    assert "Acme" not in str(refusal)
    with pytest.raises(NotFound):
        await execute(other, w.deps)
    assert await w.tick("2026-11-23T09:30") == []  # acme's check-in was not rescheduled
