"""The Google gateway's own rules: ids, event bodies, times read back, errors, batches, quota,
and a key that cannot be used."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.calendar.event_ids import event_id, identity_of, valid
from core.calendar.model import CalendarEntry, CalendarRef, CalendarWrite, EventTime
from core.model import MilestoneId, TenantId
from integrations.calendar.google import GoogleCalendarGateway
from integrations.calendar.google_credentials import GoogleSetupError
from integrations.calendar.google_events import event_body, event_time
from integrations.calendar.google_rate import RateLimit
from tests.calendar.conftest import SHARED, SHARED_ID, no_wait
from tests.google_calendar_fake import FakeGoogleCalendar

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def entry(number: int = 1, when: EventTime | None = None) -> CalendarEntry:
    return CalendarEntry(tenant_id=TenantId(1), milestone_id=MilestoneId(number), number=number,
                         title=f"Goal #{number}: G", description="Owner: a",
                         when=when or EventTime(day=date(2026, 12, 31)), updated_at=NOW)


@given(st.integers(1, 2**31), st.integers(1, 2**31))
def test_event_ids_are_base32hex_and_lead_back_to_the_milestone(tenant: int, milestone: int
                                                                ) -> None:
    made = event_id(TenantId(tenant), MilestoneId(milestone))
    assert valid(made) and made == event_id(TenantId(tenant), MilestoneId(milestone))
    assert identity_of(made) == (tenant, milestone)


@pytest.mark.parametrize("text", ["", "abc", "meeting12345", "UPPERCASE1", "w" * 20,
                                  event_id(TenantId(1), MilestoneId(2)) + "00"])
def test_ids_that_are_not_ours_are_not_taken_for_ours(text: str) -> None:
    assert identity_of(text) is None


def test_an_all_day_deadline_ends_the_next_day_and_a_timed_one_keeps_its_zone() -> None:
    body = event_body(entry())
    assert (body["start"], body["end"]) == ({"date": "2026-12-31"}, {"date": "2027-01-01"})
    timed = event_body(entry(when=EventTime(day=date(2027, 3, 28), at=time(1, 45),
                                            timezone="Europe/Berlin")))
    assert timed["start"] == {"dateTime": "2027-03-28T01:45:00", "timeZone": "Europe/Berlin"}
    # half an hour later on the wall clock, across the night the clocks go forward
    assert timed["end"] == {"dateTime": "2027-03-28T02:15:00", "timeZone": "Europe/Berlin"}
    assert body["status"] == "confirmed"


@pytest.mark.parametrize(("start", "expected"), [
    ({"date": "2027-01-08"}, EventTime(day=date(2027, 1, 8))),
    ({"dateTime": "2027-01-08T15:00:00+01:00", "timeZone": "Europe/Berlin"},
     EventTime(day=date(2027, 1, 8), at=time(15, 0), timezone="Europe/Berlin")),
    ({"dateTime": "2027-01-08T23:30:00Z"},
     EventTime(day=date(2027, 1, 8), at=time(23, 30), timezone="UTC")),
    ({"dateTime": "2027-01-08T23:30:00-05:00", "timeZone": "Asia/Tokyo"},
     EventTime(day=date(2027, 1, 9), at=time(13, 30), timezone="Asia/Tokyo")),
    ({"dateTime": "not a time"}, None),
    ({"dateTime": "2027-01-08T10:00:00", "timeZone": "Mars/Olympus"}, None),
    ("2027-01-08", None),
])
def test_event_times_read_back_as_a_day_or_a_time_in_a_zone(start: object,
                                                            expected: EventTime | None) -> None:
    assert event_time(start) == expected


def test_the_rate_limit_lets_a_minute_go_then_paces() -> None:
    now = [0.0]
    waits: list[float] = []
    limit = RateLimit(per_minute=600, now=lambda: now[0], sleep=waits.append)
    limit.take("a", 600)
    assert waits == []
    limit.take("a", 10)
    assert waits == [pytest.approx(1.0)]  # ten calls at ten a second
    limit.take("b", 100)  # every user has a quota of their own
    assert len(waits) == 1
    now[0] += 60
    limit.take("a", 500)
    assert len(waits) == 1


def test_a_key_that_is_missing_or_not_a_key_says_so(tmp_path: Path) -> None:
    with pytest.raises(GoogleSetupError, match="no file at"):
        GoogleCalendarGateway(str(tmp_path / "nope.json"))
    (tmp_path / "bad.json").write_text(json.dumps({"type": "service_account"}))
    with pytest.raises(GoogleSetupError, match="not a service account key"):
        GoogleCalendarGateway(str(tmp_path / "bad.json"))


async def test_batches_are_cut_to_size_and_each_write_gets_its_answer(
        fake_google: FakeGoogleCalendar, tmp_path: Path) -> None:
    gateway = GoogleCalendarGateway(str(fake_google.credentials_file(tmp_path)),
                                    api_url=fake_google.url, batch_size=2,
                                    rate_limit=RateLimit(sleep=no_wait))
    writes = [CalendarWrite(calendar=SHARED, event_id=event_id(TenantId(1), MilestoneId(n)),
                            entry=entry(n)) for n in range(1, 6)]
    fake_google.fail(500, path="/events")
    results = await gateway.write(writes)
    assert [r.ok for r in results] == [False, True, True, True, True]
    assert results[0].error == "HTTP 500 from Google (backendError): Injected failure 500"
    assert fake_google.requests.count(("POST", "/batch/calendar/v3")) == 2
    assert gateway.http_requests == 3  # two batches and a single call
    gone = CalendarWrite(calendar=SHARED, event_id=event_id(TenantId(1), MilestoneId(9)),
                         entry=None)
    missing_patch = CalendarWrite(calendar=SHARED, entry=entry(7), known=True,
                                  event_id=event_id(TenantId(1), MilestoneId(7)))
    results = await gateway.write([gone, missing_patch])
    assert [r.ok for r in results] == [True, True]  # deleting nothing is done; 404 inserts
    assert len(fake_google.live_events(SHARED_ID)) == 5
    unknown = CalendarWrite(calendar=CalendarRef("nowhere@group.calendar.google.com"),
                            event_id=event_id(TenantId(1), MilestoneId(1)), entry=entry())
    (result,) = await gateway.write([unknown])
    assert not result.ok and "HTTP 404" in result.error


async def test_google_out_of_reach_is_an_answer_not_an_exception(tmp_path: Path) -> None:
    fake = FakeGoogleCalendar()
    await fake.start()
    credentials = fake.credentials_file(tmp_path)
    url = fake.url
    await fake.close()  # nothing listens there any more
    gateway = GoogleCalendarGateway(str(credentials), api_url=url, timeout=2,
                                    rate_limit=RateLimit(sleep=no_wait))
    (result,) = await gateway.write([CalendarWrite(
        calendar=SHARED, event_id=event_id(TenantId(1), MilestoneId(1)), entry=entry())])
    assert not result.ok and result.error.startswith("Google unreachable:")
