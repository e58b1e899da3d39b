"""`calendar status`, `calendar feed`, `calendar feed revoke` and the admin settings, as people
type them, through the core and its fakes."""

from __future__ import annotations

from datetime import date, time

import pytest

from bots.shell.render import render
from core.calendar.commands import ChangeCalendarSettings, RevokeCalendarFeed, ShowCalendarFeed
from core.calendar.feeds import FEEDS_PER_PERSON
from core.calendar.model import SYNC_CONSUMER, CalendarSetup, EventTime, feed_token_hash
from core.calendar.use_cases import MoveOutcome, apply_calendar_move
from core.commands import Actor, MilestoneRef, UserRef
from core.errors import InvalidInput
from core.grammar.parser import parse
from core.model import Kind, MilestoneId, TenantId, UserId
from core.views import ActivityView, CalendarFeedView, CalendarStatusView, InboxView
from tests.unit.conftest import Company, make_company

SETUP = CalendarSetup(google=True, calendar_id="deadlines@group.calendar.google.com",
                      service_account="cairn@acme-cal.iam.gserviceaccount.com",
                      public_url="https://cairn.example.com")
ME = Actor(tenant_id=TenantId(1), user_id=UserId(1))


@pytest.fixture
async def google(acme: Company) -> Company:
    """Acme after a `serve` with Google Calendar started: it stored its setup. The processes
    people type in have no Google settings at all."""
    async with acme.store.uow() as tx:
        await tx.calendar.save_installation(SETUP, acme.clock.now())
        await tx.commit()
    return acme


@pytest.mark.parametrize(("text", "command"), [
    ("calendar feed #4", ShowCalendarFeed(actor=ME, root=MilestoneRef(number=4))),
    ("calendar feed @bob", ShowCalendarFeed(actor=ME, person=UserRef(handle="bob"))),
    ('calendar feed "Sales team"', ShowCalendarFeed(actor=ME, team="Sales team")),
    ('cal feed revoke “Sales”', RevokeCalendarFeed(actor=ME, team="Sales")),
    ("calendar feed revoke all", RevokeCalendarFeed(actor=ME, all_mine=True)),
    ("cal feed revoke #2", RevokeCalendarFeed(actor=ME, root=MilestoneRef(number=2))),
    ("calendar kinds goals, tasks", ChangeCalendarSettings(
        actor=ME, kinds=frozenset({Kind.GOAL, Kind.TASK}))),
    ("calendar kinds all", ChangeCalendarSettings(actor=ME, kinds=frozenset(Kind))),
    ("calendar owners on", ChangeCalendarSettings(actor=ME, owner_calendars=True)),
    ("calendar off", ChangeCalendarSettings(actor=ME, enabled=False)),
    ("calendar shared team@group.calendar.google.com", ChangeCalendarSettings(
        actor=ME, calendar_id="team@group.calendar.google.com")),
    ("calendar shared default", ChangeCalendarSettings(actor=ME, default_calendar=True)),
])
def test_the_calendar_verb_reads_what_people_type(text: str, command: object) -> None:
    assert parse(text, actor=ME, today=date(2026, 11, 23)) == command


@pytest.mark.parametrize("text", [
    "calendar sometimes", "calendar kinds epics", "calendar owners maybe",
    "calendar shared <script>", "calendar feed revoke bob", "calendar status now",
    "calendar shared " + "x" * 300,
])
def test_bad_calendar_lines_say_what_works(text: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse(text, actor=ME, today=date(2026, 11, 23))
    assert error.value.hint


async def test_status_without_google_points_to_the_setup_and_to_feeds(acme: Company) -> None:
    view = await acme.ok(acme.alice, "calendar")
    assert isinstance(view, CalendarStatusView) and not view.google
    text = render(view)
    assert "Calendar sync is off" in text
    assert "GOOGLE_APPLICATION_CREDENTIALS" in text and "calendar feed" in text


async def test_status_says_where_deadlines_go_and_what_waits(google: Company) -> None:
    a = google.alice
    google.store.subscriptions[SYNC_CONSUMER] = {"created", "due_moved"}
    await google.ok(a, 'goal "Grow revenue" due:2026-12-31')
    await google.ok(a, "due #1 2027-01-15")
    view = await google.ok(a, "calendar status")
    assert isinstance(view, CalendarStatusView)
    assert view.google and view.enabled and view.pending == 2 and view.failing == 0
    assert view.destinations == ("the shared calendar deadlines@group.calendar.google.com",)
    assert view.kinds == ("goals", "milestones")
    async with google.store.uow() as tx:
        claimed = await tx.outbox.claim(SYNC_CONSUMER, now=google.clock.now(), limit=5)
        await tx.outbox.retry(claimed[0].id, at=google.clock.now().replace(hour=10),
                              error="HTTP 403 from Google: forbidden (requiredAccessLevel)")
        await tx.commit()
    view = await google.ok(a, "calendar status")
    assert isinstance(view, CalendarStatusView) and view.failing == 1
    text = render(view)
    assert "2 changes waiting, 1 failing (next try in 60 min)" in text
    assert ("share deadlines@group.calendar.google.com with "
            "cairn@acme-cal.iam.gserviceaccount.com") in text


async def test_admins_choose_what_syncs_and_where(google: Company) -> None:
    a = google.alice
    refused = await google.refused(google.bob, "calendar off")
    assert "only an admin" in refused.text.lower()
    view = await google.ok(a, "calendar kinds goal, milestone, task")
    assert isinstance(view, CalendarStatusView)
    assert view.headline == "Calendar sync: kinds goals,milestones,tasks"
    view = await google.ok(a, "calendar owners on")
    assert isinstance(view, CalendarStatusView)
    assert view.destinations[1].startswith("each owner's own Google calendar (4 people without")
    view = await google.ok(a, "calendar shared team@group.calendar.google.com")
    assert isinstance(view, CalendarStatusView)
    assert view.destinations[0] == "the shared calendar team@group.calendar.google.com"
    unchanged = await google.ok(a, "calendar owners on")
    assert isinstance(unchanged, CalendarStatusView) and unchanged.headline == "Nothing to change"
    view = await google.ok(a, "calendar off")
    assert isinstance(view, CalendarStatusView) and not view.enabled
    assert "calendar on" in render(view)
    feed = await google.ok(a, "activity")
    assert isinstance(feed, ActivityView)
    assert feed.entries[0].text == "@alice changed calendar sync (sync off)"


async def test_a_feed_address_is_shown_once_and_revoked_on_request(google: Company) -> None:
    a, b = google.alice, google.bob
    await google.ok(a, 'goal "Grow revenue" due:2026-12-31')
    mine = await google.ok(b, "calendar feed")
    assert isinstance(mine, CalendarFeedView) and mine.created
    assert mine.title == "Your milestones"
    assert mine.url.startswith("https://cairn.example.com/calendar/")
    token = mine.url.removeprefix("https://cairn.example.com/calendar/").removesuffix(".ics")
    assert len(token) >= 43
    assert "cannot show it again" in mine.how_to[0] and "before" not in mine.how_to[0]
    # only a fingerprint is kept: asking again makes another address, and the first still works
    again = await google.ok(b, "calendar feed")
    assert isinstance(again, CalendarFeedView) and again.url != mine.url and again.created
    assert "the 1 address you made before keep working" in again.how_to[0]
    async with google.store.uow() as tx:
        stored = await tx.calendar.feed_by_hash(feed_token_hash(token))
        assert stored is not None and token not in repr(stored)
        assert await tx.calendar.feed_by_hash(token) is None
    team = await google.ok(b, "calendar feed #1")
    assert isinstance(team, CalendarFeedView) and team.url != mine.url
    assert team.title == "#1 Grow revenue and everything under it"
    alices = await google.ok(a, "calendar feed")
    assert isinstance(alices, CalendarFeedView) and alices.url not in (mine.url, team.url)
    text = render(team)
    assert "Outlook" in text and "Apple Calendar" in text and "calendar feed revoke #1" in text
    status = await google.ok(b, "calendar status")
    assert isinstance(status, CalendarStatusView)
    assert [f.split(" · not read")[0] for f in status.feeds] == [
        "your milestones · 2 addresses", "#1 Grow revenue and everything under it"]
    gone = await google.ok(b, "calendar feed revoke #1")
    assert "Revoked your feed of #1 Grow revenue" in render(gone)
    assert "nothing to revoke" in (await google.refused(b, "calendar feed revoke #1")).text
    async with google.store.uow() as tx:
        assert await tx.calendar.feed_by_hash(feed_token_hash(token)) is not None
    revoked = await google.ok(b, "calendar feed revoke all")
    assert "(2 addresses)" in render(revoked)
    async with google.store.uow() as tx:
        assert await tx.calendar.feed_by_hash(feed_token_hash(token)) is None
    assert "Only an admin" in (await google.refused(b, "calendar feed revoke everyone")).text
    await google.ok(a, "calendar feed revoke everyone")
    assert "nothing to revoke" in (await google.refused(a, "calendar feed revoke all")).text


async def test_one_person_keeps_a_bounded_number_of_addresses(google: Company) -> None:
    for _ in range(FEEDS_PER_PERSON):
        await google.ok(google.bob, "calendar feed")
    refused = await google.refused(google.bob, "calendar feed @alice")
    assert f"You have {FEEDS_PER_PERSON} ICS addresses" in refused.text
    assert refused.hint.startswith("calendar feed revoke all")


async def test_feed_addresses_use_the_public_url_serve_stored(acme: Company) -> None:
    before = await acme.ok(acme.alice, "calendar feed")
    assert isinstance(before, CalendarFeedView)
    assert before.url.startswith("http://localhost:3000/calendar/")  # this process's guess
    assert "No serve has run yet" in before.how_to[0]
    assert "start `serve` with PUBLIC_URL set" in before.how_to[0]
    async with acme.store.uow() as tx:
        await tx.calendar.save_installation(SETUP, acme.clock.now())
        await tx.commit()
    after = await acme.ok(acme.alice, "calendar feed")
    assert isinstance(after, CalendarFeedView)
    assert after.url.startswith("https://cairn.example.com/calendar/")
    assert not any("serve" in line for line in after.how_to)


async def test_other_workspaces_numbers_and_people_are_not_found(google: Company) -> None:
    other = await make_company(google.store, google.clock, slug="other")
    await other.ok(other.alice, 'goal "Secret" due:2026-12-31')
    refusal = await google.refused(google.alice, "calendar feed #1")
    assert "no #1 here" in refusal.text
    assert "don't know @zed" in (await google.refused(google.alice, "calendar feed @zed")).text


async def test_a_move_in_google_follows_with_who_and_where(google: Company) -> None:
    a = google.alice
    await google.ok(a, 'goal "Grow revenue" due:2026-12-31 owner:@bob')
    async with google.store.uow(a.tenant_id) as tx:
        goal = await tx.milestones.by_number(1)
    assert goal is not None and goal.id is not None
    # bob (the owner, in Berlin) drags it in his own calendar to 14:00 UTC = 15:00 Berlin
    moved = await apply_calendar_move(
        google.deps, tenant_id=a.tenant_id, milestone_id=goal.id,
        when=EventTime(day=date(2027, 1, 8), at=time(14, 0), timezone="UTC"), by_owner=True)
    assert moved == (MoveOutcome.MOVED, "")
    card = await google.card(a, "show #1")
    assert card.line.due is not None and card.line.due.text == "Fri 8 Jan 2027 15:00"
    entries = [e.text for e in card.activity]
    assert ("@bob moved the due date of #1 from Thu 31 Dec to Fri 8 Jan 2027 15:00 "
            "(in Google Calendar)") in entries
    inbox = await google.ok(a, "inbox")
    assert isinstance(inbox, InboxView)
    assert "@bob moved #1 Grow revenue to Fri 8 Jan 2027 15:00 in Google Calendar" in [
        i.text for i in inbox.items]
    same = await apply_calendar_move(
        google.deps, tenant_id=a.tenant_id, milestone_id=goal.id,
        when=EventTime(day=date(2027, 1, 8), at=time(15, 0), timezone="Europe/Berlin"),
        by_owner=False)
    assert same == (MoveOutcome.UNCHANGED, "")
    absurd = await apply_calendar_move(google.deps, tenant_id=a.tenant_id,
                                       milestone_id=goal.id, when=EventTime(day=date(1999, 1, 1)),
                                       by_owner=False)
    assert absurd[0] == MoveOutcome.REFUSED and "in the past" in absurd[1]
    missing = await apply_calendar_move(google.deps, tenant_id=a.tenant_id,
                                        milestone_id=MilestoneId(999),
                                        when=EventTime(day=date(2027, 1, 8)), by_owner=False)
    assert missing[0] == MoveOutcome.MISSING
    await apply_calendar_move(google.deps, tenant_id=a.tenant_id, milestone_id=goal.id,
                              when=EventTime(day=date(2027, 1, 9)), by_owner=False)
    feed = await google.ok(a, "activity #1")
    assert isinstance(feed, ActivityView)
    assert feed.entries[0].text == ("Someone moved the due date of #1 from Fri 8 Jan 2027 "
                                    "15:00 to Sat 9 Jan 2027 (in Google Calendar)")


async def test_other_tenants_cannot_be_moved(google: Company) -> None:
    other = await make_company(google.store, google.clock, slug="other")
    await other.ok(other.alice, 'goal "Theirs" due:2026-12-31')
    async with google.store.uow(other.alice.tenant_id) as tx:
        theirs = await tx.milestones.by_number(1)
    assert theirs is not None and theirs.id is not None
    outcome = await apply_calendar_move(google.deps, tenant_id=google.alice.tenant_id,
                                        milestone_id=theirs.id,
                                        when=EventTime(day=date(2027, 1, 8)), by_owner=False)
    assert outcome[0] == MoveOutcome.MISSING
