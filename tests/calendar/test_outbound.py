"""Cairn → Google Calendar through the outbox, the real gateway and the fake Google over HTTP,
on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]

from core.bus import run_text
from core.calendar.model import SYNC_CONSUMER
from core.views import CalendarStatusView
from storage import Database
from tests.calendar.conftest import SHARED_ID, World, make_world
from tests.fakes import FrozenClock
from tests.google_calendar_fake import FakeGoogleCalendar


async def test_a_deadline_becomes_an_all_day_event_carrying_our_ids(world: World) -> None:
    a = world.alice
    await world.say(a, 'goal "Grow revenue 20%" due:2026-12-31 owner:@bob')
    await world.say(a, 'task "Write notes" due:2026-12-10 parent:#1')  # tasks: not by default
    await world.say(a, 'milestone "Someday"')  # no due date: no event
    drained = await world.drain()
    assert (drained.delivered, drained.retried) == (3, 0)
    assert list(world.live()) == ["Goal #1: Grow revenue 20%"]
    event = await world.event(1)
    assert event is not None
    m = await world.milestone(1)
    assert event["id"] == await world.event_id(1)
    assert event["start"] == {"date": "2026-12-31"}
    assert event["end"] == {"date": "2027-01-01"}  # exclusive
    assert event["reminders"] == {"useDefault": False,
                                  "overrides": [{"method": "popup", "minutes": 900}]}
    assert event["extendedProperties"]["private"] == {
        "cairn_tenant": str(m.tenant_id), "cairn_milestone": str(m.id), "cairn_number": "1"}
    assert event["description"].splitlines() == [
        "Owner: bob (@bob)", "Progress: 0% · Not started", "In Cairn: show #1"]
    assert event["transparency"] == "transparent"
    # the service account's own token, through the real JWT flow
    assert world.fake.subjects[0] == "cairn@cairn-test.iam.gserviceaccount.com"


async def test_a_timed_deadline_is_a_timed_event_in_the_owners_time_zone(world: World) -> None:
    a = world.alice  # in Berlin; bob owns it from New York
    await world.say(world.bob, "me tz America/New_York")
    await world.say(a, 'milestone "Demo" due:2026-12-03 16:30 owner:@bob')
    await world.drain()
    event = await world.event(1)
    assert event is not None
    assert event["start"] == {"dateTime": "2026-12-03T16:30:00-05:00",
                              "timeZone": "America/New_York"}
    assert event["end"] == {"dateTime": "2026-12-03T17:00:00-05:00",
                            "timeZone": "America/New_York"}
    assert event["reminders"]["overrides"] == [{"method": "popup", "minutes": 1440}]
    # alice reads the same deadline in her own time: 22:30 in Berlin
    card = await world.say(a, "show #1")
    assert "Thu 3 Dec 22:30" in card.line.due.text  # type: ignore[attr-defined]


async def test_every_change_updates_the_event_and_closing_removes_it(world: World) -> None:
    a = world.alice
    await world.say(a, 'goal "Grow revenue" due:2026-12-31')
    await world.drain()
    start = len(world.fake.calls)
    await world.say(a, "due #1 2027-01-15")
    await world.say(a, 'edit #1 title:"Grow revenue 25%"')
    await world.say(a, "assign #1 @carol")
    await world.say(a, "update #1 40% at risk pipeline slipped")
    await world.drain()
    assert world.calls(start) == [("PATCH", 200)]  # four changes, one call
    event = await world.event(1)
    assert event is not None and event["summary"] == "Goal #1: Grow revenue 25%"
    assert event["start"] == {"date": "2027-01-15"}
    assert "Owner: carol (@carol)" in event["description"]
    assert "Progress: 40% · At risk" in event["description"]
    await world.say(a, "done #1")
    await world.drain()
    assert list(world.live()) == ["✅ Goal #1: Grow revenue 25%"]
    await world.say(a, "reopen #1")
    await world.drain()
    assert list(world.live()) == ["Goal #1: Grow revenue 25%"]
    await world.say(a, "cancel #1 not this year")
    await world.drain()
    assert world.live() == {} and (await world.event(1) or {})["status"] == "cancelled"
    await world.say(a, "reopen #1")  # a removed event comes back (Google keeps deleted ids)
    await world.drain()
    assert list(world.live()) == ["Goal #1: Grow revenue 25%"]
    await world.say(a, "due #1 none")
    await world.drain()
    assert world.live() == {}
    await world.say(a, "due #1 2027-02-01")
    await world.say(a, 'milestone "Other" due:2027-01-01')
    await world.drain()
    assert set(world.live()) == {"Goal #1: Grow revenue 25%", "Milestone #2: Other"}
    await world.say(a, "delete #2")
    await world.drain()
    assert set(world.live()) == {"Goal #1: Grow revenue 25%"}


async def test_changes_that_show_nothing_new_write_nothing(world: World) -> None:
    a = world.alice
    await world.say(a, 'goal "Grow revenue" due:2026-12-31')
    await world.drain()
    start = len(world.fake.calls)
    await world.say(a, "edit #1 priority:high tags:q4")  # not on the event
    await world.say(a, "due #1 2027-01-01")
    await world.say(a, "due #1 2026-12-31")  # and back
    drained = await world.drain()
    assert drained.delivered == 3 and world.calls(start) == []


async def test_parents_follow_their_childrens_progress(world: World) -> None:
    a = world.alice
    await world.say(a, 'goal "Grow revenue" due:2026-12-31')
    await world.say(a, 'milestone "Beta" due:2026-12-15 parent:#1')
    await world.drain()
    await world.say(a, "update #2 60% on track")
    await world.drain()
    goal = await world.event(1)
    assert goal is not None and "Progress: 60% · On track" in goal["description"]


async def test_many_changes_are_coalesced_and_sent_in_batch_requests(world: World) -> None:
    a = world.alice
    for n in range(1, 151):
        await world.say(a, f'milestone "M{n}" due:2026-12-{1 + n % 28:02d}')
    requests = len(world.fake.requests)
    drained = await world.drain()
    assert drained.delivered == 150
    assert len(world.fake.live_events(SHARED_ID)) == 150
    assert world.fake.requests[requests:] == [("POST", "/batch/calendar/v3")] * 2  # 100 + 50
    for n in range(1, 151):
        await world.say(a, f"due #{n} 2027-01-{1 + n % 28:02d}")
        await world.say(a, f"due #{n} 2027-02-{1 + n % 28:02d}")
    calls, requests = len(world.fake.calls), len(world.fake.requests)
    drained = await world.drain()
    assert drained.delivered == 300
    assert world.calls(calls) == [("PATCH", 200)] * 150
    assert len(world.fake.requests) - requests == 2


async def test_an_insert_that_finds_the_event_patches_it(world: World, database: Database
                                                         ) -> None:
    a = world.alice
    await world.say(a, 'goal "Grow revenue" due:2026-12-31')
    await world.drain()
    # What a crash between Google's answer and our commit leaves: an event we do not know.
    async with world.deps.uow(a.tenant_id) as tx:
        db = await tx.connection()  # type: ignore[attr-defined]
        await db.execute_query("DELETE FROM calendar_links")
        await tx.commit()
    start = len(world.fake.calls)
    await world.say(a, "due #1 2027-01-15")
    assert (await world.drain()).delivered == 1
    assert world.calls(start) == [("POST", 409), ("PATCH", 200)]
    assert len(world.fake.live_events(SHARED_ID)) == 1
    assert (await world.event(1) or {})["start"] == {"date": "2027-01-15"}


async def test_rate_limits_and_server_errors_back_off_and_lose_nothing(world: World) -> None:
    a = world.alice
    for n in range(1, 4):
        await world.say(a, f'goal "G{n}" due:2026-12-31')
    world.fake.fail(429)
    world.fake.fail(403, reason="rateLimitExceeded")
    world.fake.fail(500)
    first = await world.drain()
    assert (first.delivered, first.retried) == (0, 3)
    status = await world.say(a, "calendar status")
    assert isinstance(status, CalendarStatusView)
    assert (status.pending, status.failing) == (3, 3)
    assert "HTTP 500 from Google (backendError)" in status.last_error
    assert (await world.drain()).handled == 0  # backing off
    world.clock.advance(seconds=30)
    again = await world.drain()
    assert (again.delivered, again.retried) == (3, 0)
    assert set(world.live()) == {"Goal #1: G1", "Goal #2: G2", "Goal #3: G3"}
    status = await world.say(a, "calendar status")
    assert isinstance(status, CalendarStatusView)
    assert (status.pending, status.failing, status.events) == (0, 0, 3)


async def test_an_hour_long_outage_delays_sync_and_loses_nothing(world: World) -> None:
    a = world.alice
    await world.say(a, 'goal "Before" due:2026-12-31')
    await world.drain()
    world.fake.outage = True
    tries = 0
    for minute in range(0, 60, 5):  # an hour of changes while Google is down
        if minute % 15 == 0:
            await world.say(a, f'milestone "During {minute}" due:2027-01-{1 + minute // 5:02d}')
            await world.say(a, f"due #1 2027-01-{1 + minute // 5:02d}")
        result = await world.drain()
        tries += result.handled
        world.clock.advance(minutes=5)
    assert result.delivered == 0 and tries > 0
    status = await world.say(a, "calendar status")
    assert isinstance(status, CalendarStatusView) and status.pending == 8
    assert "503" in status.last_error
    world.fake.outage = False
    delivered = 0
    for _ in range(13):  # the longest back-off is an hour
        delivered += (await world.drain()).delivered
        world.clock.advance(minutes=5)
    assert delivered == 8
    assert set(world.live()) == {"Goal #1: Before", *(f"Milestone #{n}: During {m}" for n, m in
                                                     ((2, 0), (3, 15), (4, 30), (5, 45)))}
    assert (await world.event(1) or {})["start"] == {"date": "2027-01-10"}  # the last change


async def test_a_slow_google_times_out_and_the_retry_does_no_harm(
        database: Database, fake_google: FakeGoogleCalendar, clock: FrozenClock,
        tmp_path: Path) -> None:
    world = await make_world(database, fake_google, clock, tmp_path, http_timeout=0.3)
    await world.say(world.alice, 'goal "Grow revenue" due:2026-12-31')
    world.fake.delay = 0.6
    assert (await world.drain()).retried == 1  # Google did it, we never heard
    world.fake.delay = 0
    clock.advance(minutes=1)
    assert (await world.drain()).delivered == 1
    assert len(world.fake.live_events(SHARED_ID)) == 1
    assert world.calls()[-2:] == [("POST", 409), ("PATCH", 200)]


async def test_admins_choose_kinds_switch_sync_off_and_on(world: World) -> None:
    a = world.alice
    await world.say(a, 'goal "G" due:2026-12-31')
    await world.say(a, 'task "T" due:2026-12-10 parent:#1')
    await world.drain()
    assert set(world.live()) == {"Goal #1: G"}
    await world.say(a, "calendar kinds goal,milestone,task")
    await world.drain()
    assert set(world.live()) == {"Goal #1: G", "Task #2: T"}
    await world.say(a, "calendar kinds task")
    await world.drain()
    assert set(world.live()) == {"Task #2: T"}
    await world.say(a, "calendar off")
    await world.drain()
    assert world.live() == {}
    await world.say(a, 'goal "While off" due:2027-01-01')
    await world.drain()
    assert world.live() == {}
    await world.say(a, "calendar on")
    await world.drain()
    assert set(world.live()) == {"Task #2: T"}


async def test_owners_calendars_through_domain_wide_delegation(world: World) -> None:
    a = world.alice
    await world.set_email(world.bob, "bob@acme.example")
    await world.set_email(world.carol, "carol@acme.example")
    await world.say(a, 'goal "Grow revenue" due:2026-12-31 owner:@bob')
    await world.say(a, 'goal "No email" due:2026-12-31')  # alice has no email
    await world.say(a, "calendar owners on")
    await world.drain()
    assert set(world.live()) == {"Goal #1: Grow revenue", "Goal #2: No email"}
    assert set(world.live("bob@acme.example")) == {"Goal #1: Grow revenue"}
    assert "bob@acme.example" in world.fake.subjects  # a token for bob, not for the account
    await world.say(a, "assign #1 @carol")
    await world.drain()
    assert world.live("bob@acme.example") == {}
    assert set(world.live("carol@acme.example")) == {"Goal #1: Grow revenue"}
    await world.say(a, "calendar owners off")
    await world.drain()
    assert world.live("carol@acme.example") == {}
    assert len(world.live()) == 2


async def test_a_workspace_moves_to_a_calendar_of_its_own(world: World) -> None:
    a = world.alice
    world.fake.add_calendar("acme-team@group.calendar.google.com")
    await world.say(a, 'goal "Grow revenue" due:2026-12-31')
    await world.drain()
    await world.say(a, "calendar shared acme-team@group.calendar.google.com")
    await world.drain()
    assert world.live() == {}
    assert set(world.live("acme-team@group.calendar.google.com")) == {"Goal #1: Grow revenue"}


async def test_a_calendar_not_shared_with_cairn_says_so_and_keeps_trying(world: World) -> None:
    a = world.alice
    world.fake.add_calendar("locked@group.calendar.google.com", writers=set())
    await world.say(a, "calendar shared locked@group.calendar.google.com")
    await world.say(a, 'goal "Grow revenue" due:2026-12-31')
    assert (await world.drain()).retried == 2
    status = await world.say(a, "calendar status")
    assert isinstance(status, CalendarStatusView)
    assert any("share locked@group.calendar.google.com with cairn@" in x for x in status.advice)
    world.fake.calendars["locked@group.calendar.google.com"].writers.add(
        "cairn@cairn-test.iam.gserviceaccount.com")
    world.clock.advance(minutes=1)
    assert (await world.drain()).delivered == 2
    assert set(world.live("locked@group.calendar.google.com")) == {"Goal #1: Grow revenue"}


async def test_milestones_from_before_google_are_repaired_in(
        database: Database, fake_google: FakeGoogleCalendar, clock: FrozenClock,
        tmp_path: Path) -> None:
    world = await make_world(database, fake_google, clock, tmp_path)
    offline = replace(world.deps, uow=database.unit_of_work())  # no calendar consumer
    for line in ('goal "Old goal" due:2026-12-31', 'task "Old task" due:2026-12-01',
                 'milestone "Undated"'):
        await run_text(line, world.alice, offline)
    assert (await world.drain()).handled == 0  # nothing in the outbox
    assert await world.google.repair.run() == 2
    assert set(world.live()) == {"Goal #1: Old goal"}
    assert await world.google.repair.run() == 0  # the task was looked at: not again
    async with world.deps.uow() as tx:
        states = await tx.calendar.sync_states()
    assert [s.calendar.calendar_id for s in states] == [SHARED_ID]


async def test_the_outbox_row_waits_for_googles_confirmation(world: World) -> None:
    a = world.alice
    await world.say(a, 'goal "Grow revenue" due:2026-12-31')
    world.fake.fail(503, times=10)
    await world.drain()
    async with world.deps.uow(a.tenant_id) as tx:
        health = await tx.calendar.health(SYNC_CONSUMER)
        assert health.pending == 1 and health.events == 0
    world.clock.advance(minutes=1)
    world.fake.failures.clear()
    await world.drain()
    async with world.deps.uow(a.tenant_id) as tx:
        assert (await tx.calendar.health(SYNC_CONSUMER)).pending == 0


async def test_a_tick_leaves_the_work_to_the_instance_holding_the_lock(
        world: World, database: Database) -> None:
    from storage.exclusive import lock_key
    from wiring.calendar import SYNC_LOCK

    await world.say(world.alice, 'goal "Grow revenue" due:2026-12-31')
    if database.dialect == "postgres":
        other = await asyncpg.connect(database.url)  # another instance's session
        try:
            assert await other.fetchval("SELECT pg_try_advisory_lock($1)", lock_key(SYNC_LOCK))
            assert not await world.google.tick()
            assert world.live() == {}
        finally:
            await other.close()
    assert await world.google.tick()
    assert set(world.live()) == {"Goal #1: Grow revenue"}
