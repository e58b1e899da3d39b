"""Google Calendar → Cairn: moves made in the calendar come back as due dates, once, without
echo; with sync tokens, 410 full reads, refusals put back, and events of strangers ignored."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.scoring.events import DeadlineMoved
from core.views import ActivityView, InboxView, MilestoneCard
from tests.calendar.conftest import SHARED, SHARED_ID, World


async def _synced_goal(world: World, line: str = 'goal "Grow revenue" due:2026-12-31') -> str:
    await world.say(world.alice, line)
    await world.drain()
    return await world.event_id(1)


async def test_a_move_in_the_shared_calendar_moves_the_due_date_once(world: World) -> None:
    event_id = await _synced_goal(world)
    first = await world.google.reader.poll()  # the first read is a full one: nothing moved
    assert [(r.full, r.moved) for r in first] == [(True, 0)]
    await world.fake.move(SHARED_ID, event_id, date(2027, 1, 8))
    (report,) = await world.google.reader.poll()
    assert (report.full, report.events, report.moved) == (False, 1, 1)
    card = await world.say(world.alice, "show #1")
    assert isinstance(card, MilestoneCard) and card.line.due is not None
    assert card.line.due.iso == "2027-01-08"
    assert card.activity[0].text == ("Someone moved the due date of #1 from Thu 31 Dec to "
                                     "Fri 8 Jan 2027 (in Google Calendar)")
    calls = len(world.fake.calls)
    drained = await world.drain()  # the change is delivered ... and not written back
    assert drained.delivered == 1 and world.calls(calls) == []
    (again,) = await world.google.reader.poll()
    assert (again.events, again.moved) == (0, 0)


async def test_our_own_writes_read_back_are_not_moves(world: World) -> None:
    await _synced_goal(world)
    await world.google.reader.poll()
    await world.say(world.alice, "due #1 2027-02-01")
    await world.drain()
    (report,) = await world.google.reader.poll()
    assert (report.events, report.moved) == (1, 0)
    feed = await world.say(world.alice, "activity #1")
    assert isinstance(feed, ActivityView)
    assert not any("Google" in e.text for e in feed.entries)


async def test_a_move_in_the_owners_calendar_is_the_owners_and_may_set_a_time(
        world: World) -> None:
    await world.set_email(world.bob, "bob@acme.example")
    await world.say(world.bob, "me tz America/New_York")
    await world.say(world.alice, "calendar owners on")
    event_id = await _synced_goal(world, 'goal "Grow revenue" due:2026-12-31 owner:@bob')
    await world.google.reader.poll()
    # bob drags it into Friday's 15:00 slot, his calendar showing London time
    await world.fake.move("bob@acme.example", event_id,
                          datetime(2027, 1, 8, 15, 0, tzinfo=ZoneInfo("Europe/London")),
                          timezone="Europe/London")
    reports = await world.google.reader.poll()
    assert sum(r.moved for r in reports) == 1
    m = await world.milestone(1)
    assert (m.due_date, str(m.due_time)) == (date(2027, 1, 8), "10:00:00")  # New York time
    card = await world.say(world.bob, "show #1")
    assert isinstance(card, MilestoneCard)
    assert card.activity[0].text == ("@bob moved the due date of #1 from Thu 31 Dec to "
                                     "Fri 8 Jan 2027 10:00 (in Google Calendar)")
    inbox = await world.say(world.alice, "inbox")
    assert isinstance(inbox, InboxView)
    assert inbox.items[0].text.startswith("@bob moved #1 Grow revenue to Fri 8 Jan 2027")
    await world.drain()  # the shared calendar gets the new time; bob's is not written back
    shared = world.fake.event(SHARED_ID, event_id)
    assert shared is not None and shared["start"]["timeZone"] == "America/New_York"
    assert shared["start"]["dateTime"] == "2027-01-08T10:00:00-05:00"


async def test_a_forgotten_sync_token_means_one_full_read(world: World) -> None:
    event_id = await _synced_goal(world)
    await world.google.reader.poll()
    await world.fake.move(SHARED_ID, event_id, date(2027, 3, 1))
    world.fake.expire_sync_tokens()
    (report,) = await world.google.reader.poll()
    assert (report.full, report.moved) == (True, 1)
    assert any(status == 410 for _, _, status in world.fake.calls)
    assert (await world.milestone(1)).due_date == date(2027, 3, 1)
    (after,) = await world.google.reader.poll()
    assert not after.full


async def test_a_move_cairn_refuses_is_put_back(world: World) -> None:
    event_id = await _synced_goal(world)
    await world.google.reader.poll()
    await world.fake.move(SHARED_ID, event_id, date(1990, 1, 1))
    (report,) = await world.google.reader.poll()
    assert report.refused == 1
    assert (await world.milestone(1)).due_date == date(2026, 12, 31)
    assert await world.google.repair.run() == 1
    assert (world.fake.event(SHARED_ID, event_id) or {})["start"] == {"date": "2026-12-31"}
    assert await world.google.repair.run() == 0
    (after,) = await world.google.reader.poll()  # our correction is not a move
    assert (after.events, after.moved, after.refused) == (1, 0, 0)


async def test_an_event_removed_in_google_comes_back(world: World) -> None:
    event_id = await _synced_goal(world)
    await world.google.reader.poll()
    await world.fake.remove(SHARED_ID, event_id)
    await world.google.reader.poll()
    assert await world.google.repair.run() == 1
    event = world.fake.event(SHARED_ID, event_id)
    assert event is not None and event["status"] == "confirmed"
    assert (await world.milestone(1)).due_date == date(2026, 12, 31)


async def test_events_that_are_not_ours_are_left_alone(world: World) -> None:
    event_id = await _synced_goal(world)
    await world.google.reader.poll()
    calendar = world.fake.calendars[SHARED_ID]
    # someone's meeting, and a forgery that claims to be our milestone in its properties
    for eid, props in (("meeting12345", {}),
                       ("cdgmisje78ojkcgzz0", {"cairn_tenant": "1", "cairn_milestone": "1"})):
        calendar.events[eid] = {"id": eid, "status": "confirmed", "summary": "x",
                                "start": {"date": "2027-05-01"}, "end": {"date": "2027-05-02"},
                                "extendedProperties": {"private": props}}
        world.fake._touch(calendar, calendar.events[eid])
    (report,) = await world.google.reader.poll()
    assert (report.events, report.moved) == (2, 0)
    assert (await world.milestone(1)).due_date == date(2026, 12, 31)
    assert world.fake.event(SHARED_ID, event_id) is not None


async def test_a_google_outage_keeps_the_token_for_the_next_read(world: World) -> None:
    event_id = await _synced_goal(world)
    await world.google.reader.poll()
    await world.fake.move(SHARED_ID, event_id, date(2027, 1, 20))
    world.fake.outage = True
    (failed,) = await world.google.reader.poll()
    assert "503" in failed.error
    async with world.deps.uow() as tx:
        (state,) = await tx.calendar.sync_states()
    assert state.sync_token and "503" in state.error
    world.fake.outage = False
    (report,) = await world.google.reader.poll()
    assert (report.full, report.moved) == (False, 1)


async def test_a_moved_event_of_a_deleted_milestone_changes_nothing(world: World) -> None:
    event_id = await _synced_goal(world)
    await world.google.reader.poll()
    await world.say(world.alice, "delete #1")
    await world.fake.move(SHARED_ID, event_id, date(2027, 1, 20))
    (report,) = await world.google.reader.poll()
    assert report.moved == 0
    await world.drain()  # and the deletion still removes the event
    assert world.fake.live_events(SHARED_ID) == []
    assert SHARED.calendar_id == SHARED_ID


async def test_a_move_in_google_is_scored_like_a_move_typed_in_chat(world: World) -> None:
    """Scoring hangs on the unit of work's events, not on chat commands: a due date moved in
    Google Calendar reaches the challenge's log and ledger in the move's own transaction."""
    await world.say(world.alice, 'challenge new "Q4" from:2026-11-01 to:2027-03-31')
    await world.say(world.alice, 'challenge join "Q4"')
    await world.say(world.alice, 'challenge start "Q4"')
    event_id = await _synced_goal(world)
    await world.google.reader.poll()
    await world.fake.move(SHARED_ID, event_id, date(2027, 1, 8))
    (report,) = await world.google.reader.poll()
    assert report.moved == 1
    m = await world.milestone(1)
    async with world.deps.uow(world.alice.tenant_id) as tx:
        logged = await tx.scoring.log.events()
        [challenge] = await tx.scoring.challenges.all()
        assert challenge.id is not None and m.id is not None
        record = await tx.scoring.ledger.item(challenge.id, m.id)
    moves = [e for e in logged if isinstance(e, DeadlineMoved)]
    assert [(e.item, e.deadline.day if e.deadline else None) for e in moves] == [
        (m.id, date(2027, 1, 8))]
    assert record is not None and record.deadline is not None
    assert record.deadline.day == date(2027, 1, 8)
