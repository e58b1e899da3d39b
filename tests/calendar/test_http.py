"""The calendar's HTTP endpoints on the real aiohttp app: ICS feeds parsed back with icalendar,
and push notifications from the fake Google, with channels opened, checked and renewed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
import icalendar
import pytest
from aiohttp import web

from core.bus import run_text
from core.calendar.push import PushChannels
from core.views import CalendarFeedView, Notice
from tests.calendar.conftest import SHARED, SHARED_ID, World
from wiring.calendar import NOTIFICATIONS_PATH, CalendarFeedsAdapter, notifications_handler
from wiring.server import build_app


@dataclass
class Served:
    world: World
    url: str
    push: PushChannels

    async def get(self, path: str, **headers: str) -> tuple[int, Mapping[str, str], bytes]:
        async with aiohttp.ClientSession() as session, session.get(
                self.url + path, headers=headers) as response:
            return response.status, response.headers.copy(), await response.read()

    async def notify(self, **headers: str) -> int:
        async with aiohttp.ClientSession() as session, session.post(
                self.url + NOTIFICATIONS_PATH, headers=headers) as response:
            return response.status

    async def feed(self, who: str, text: str = "calendar feed") -> str:
        view = await self.world.say(getattr(self.world, who), text)
        assert isinstance(view, CalendarFeedView)
        return "/calendar/" + view.url.rsplit("/calendar/", 1)[1]



@pytest.fixture
async def served(world: World) -> AsyncIterator[Served]:
    app = build_app(world.runtime)
    await CalendarFeedsAdapter().attach(world.runtime, app)
    app.router.add_post(NOTIFICATIONS_PATH, notifications_handler(world.google))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    push = PushChannels(world.deps.uow, world.gateway, world.clock,
                        address=url + NOTIFICATIONS_PATH)
    world.google.push = push
    try:
        yield Served(world, url, push)
    finally:
        await runner.cleanup()


def events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


async def test_a_person_feed_parses_back_with_their_deadlines(served: Served) -> None:
    w = served.world
    await w.say(w.bob, "me tz America/New_York")
    await w.say(w.alice, 'goal "Grow revenue" due:2026-12-31 owner:@bob')
    await w.say(w.alice, 'milestone "Demo" due:2026-12-03 16:30 owner:@bob parent:#1')
    await w.say(w.alice, 'task "Notes" due:2026-12-02 owner:@bob parent:#2')  # not a kind shown
    await w.say(w.alice, 'milestone "Someday" owner:@bob')  # no date
    await w.say(w.alice, 'goal "Carol\'s" due:2026-12-20 owner:@carol')
    await w.say(w.bob, "done #3 #2")  # a parent closes with what is under it
    path = await served.feed("bob")
    status, headers, body = await served.get(path)
    assert status == 200 and headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and b"\r\nEND:VCALENDAR\r\n" in body
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded, as RFC 5545 says
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["version"]) == "2.0" and str(calendar["method"]) == "PUBLISH"
    assert str(calendar["x-wr-calname"]) == "Acme: @bob deadlines"
    found = events(body)
    assert set(found) == {"Goal #1: Grow revenue", "✅ Milestone #2: Demo"}
    goal, demo = found["Goal #1: Grow revenue"], found["✅ Milestone #2: Demo"]
    assert goal.decoded("dtstart") == date(2026, 12, 31)
    assert goal.decoded("dtend") == date(2027, 1, 1)
    assert demo.decoded("dtstart") == datetime(2026, 12, 3, 16, 30,
                                               tzinfo=ZoneInfo("America/New_York"))
    assert demo["dtstart"].params["TZID"] == "America/New_York"
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "America/New_York"
    assert str(goal["uid"]) == f"{await w.event_id(1)}@cairn"
    (alarm,) = goal.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(hours=15)
    assert "Owner: bob (@bob)" in str(goal["description"])
    # a client that already has it gets 304
    again, _, _ = await served.get(path, **{"If-None-Match": headers["ETag"]})
    assert again == 304


async def test_a_team_feed_is_a_goal_and_everything_under_it(served: Served) -> None:
    w = served.world
    await w.say(w.alice, 'goal "Revenue" due:2026-12-31')
    await w.say(w.alice, 'milestone "Beta" due:2026-12-15 parent:#1')
    await w.say(w.alice, 'milestone "Deep" due:2026-12-10 parent:#2')
    await w.say(w.alice, 'goal "Brand" due:2026-12-20')
    await w.say(w.alice, "cancel #3 not needed")
    path = await served.feed("carol", "calendar feed #1")
    status, _, body = await served.get(path)
    assert status == 200
    assert set(events(body)) == {"Goal #1: Revenue", "Milestone #2: Beta"}
    await w.say(w.alice, "calendar kinds goal")
    assert set(events((await served.get(path))[2])) == {"Goal #1: Revenue"}


async def test_a_people_team_feed_has_what_its_members_own(served: Served) -> None:
    w = served.world
    await w.say(w.alice, 'team new "Sales" @bob @carol')
    await w.say(w.alice, 'goal "Revenue" due:2026-12-31 owner:@bob')
    await w.say(w.alice, 'milestone "Deck" due:2026-12-15 owner:@carol')
    await w.say(w.alice, 'goal "Alice\'s own" due:2026-12-20')
    path = await served.feed("alice", 'calendar feed "sales"')
    status, _, body = await served.get(path)
    assert status == 200
    assert str(icalendar.Calendar.from_ical(body)["x-wr-calname"]) == "Acme: “Sales” deadlines"
    assert set(events(body)) == {"Goal #1: Revenue", "Milestone #2: Deck"}
    await w.say(w.alice, 'team remove "Sales" @carol')
    assert set(events((await served.get(path))[2])) == {"Goal #1: Revenue"}
    status_view = await w.say(w.alice, "calendar status")
    assert "the milestones of “Sales”" in str(status_view)
    await w.say(w.alice, 'calendar feed revoke "Sales"')
    assert (await served.get(path))[0] == 404
    refused = await run_text('calendar feed "Nobody"', w.alice, w.deps)
    assert isinstance(refused, Notice) and "Nobody" in refused.text


async def test_revoked_and_made_up_addresses_are_not_found(served: Served) -> None:
    w = served.world
    await w.say(w.alice, 'goal "Revenue" due:2026-12-31')
    path = await served.feed("alice")
    assert (await served.get(path))[0] == 200
    await w.say(w.alice, "calendar feed revoke")
    status, _, body = await served.get(path)
    assert status == 404 and b"revoked" in body
    for bad in ("/calendar/x.ics", "/calendar/" + "a" * 500 + ".ics",
                "/calendar/%2e%2e%2fetc.ics", "/calendar/" + path[10:-4] + "x.ics"):
        assert (await served.get(bad))[0] == 404, bad


async def test_a_move_notified_by_google_arrives_in_seconds(served: Served) -> None:
    w = served.world
    await w.say(w.alice, 'goal "Revenue" due:2026-12-31')
    await w.drain()
    await w.google.reader.poll()
    renewed = await served.push.renew()
    assert (renewed.opened, renewed.stopped) == (1, 0)
    (channel,) = w.fake.channels.values()
    assert channel["address"] == served.url + NOTIFICATIONS_PATH and len(channel["token"]) > 30
    await w.fake.move(SHARED_ID, await w.event_id(1), date(2027, 1, 8))
    assert w.fake.notified == [200]
    assert w.google.notified == {SHARED}  # read on the next tick, seconds away
    calls = len(w.fake.calls)
    assert await w.google.tick()
    assert (await w.milestone(1)).due_date == date(2027, 1, 8)
    assert await w.google.tick()  # drains the move: nothing is written back to the calendar
    assert {method for method, _, _ in w.fake.calls[calls:]} == {"GET"}


async def test_notifications_are_believed_only_with_the_channels_token(served: Served) -> None:
    w = served.world
    await w.say(w.alice, 'goal "Revenue" due:2026-12-31')
    await w.drain()
    await served.push.renew()
    (channel,) = w.fake.channels.values()
    assert await w.fake.notify(SHARED_ID, token="forged") == [403]
    assert await served.notify(**{"X-Goog-Channel-ID": "nope", "X-Goog-Channel-Token": "x",
                                  "X-Goog-Resource-State": "exists"}) == 404
    assert await served.notify() == 404
    assert await served.notify(**{"X-Goog-Channel-ID": "x" * 5000}) in (400, 404, 431)
    sync = {"X-Goog-Channel-ID": channel["id"], "X-Goog-Channel-Token": channel["token"],
            "X-Goog-Resource-ID": channel["resourceId"], "X-Goog-Resource-State": "sync"}
    assert await served.notify(**sync) == 200 and not w.google.notified  # nothing to read
    wrong = {**sync, "X-Goog-Resource-ID": "res-elsewhere"}
    assert await served.notify(**wrong) == 403


async def test_channels_are_renewed_before_they_expire(served: Served) -> None:
    w = served.world
    await w.say(w.alice, 'goal "Revenue" due:2026-12-31')
    await w.drain()
    first = await served.push.renew()
    assert first.opened == 1
    w.clock.advance(days=2)
    assert (await served.push.renew()).opened == 0  # five days left: nothing to do
    w.clock.advance(days=4, hours=1)  # less than a day left
    w.fake.fail(500, path="/watch")
    assert (await served.push.renew()).failed == 1  # the old channel stays meanwhile
    renewed = await served.push.renew()
    assert (renewed.opened, renewed.stopped) == (1, 1)
    old, new = w.fake.channels.values()
    assert old["stopped"] and not new["stopped"]
    assert await w.fake.notify(SHARED_ID) == [200]  # only the new one is live
    old_headers = {"X-Goog-Channel-ID": old["id"], "X-Goog-Channel-Token": old["token"],
                   "X-Goog-Resource-State": "exists"}
    assert await served.notify(**old_headers) == 404
    w.clock.advance(days=8)  # a channel past its expiry is not believed either
    new_headers = {"X-Goog-Channel-ID": new["id"], "X-Goog-Channel-Token": new["token"],
                   "X-Goog-Resource-State": "exists"}
    assert await served.notify(**new_headers) == 404
