"""ICS feeds (RFC 5545) of deadlines, for subscribing by URL in Outlook, Apple Calendar and
Google Calendar.

Each deadline is a VEVENT whose UID is the milestone's event id, like its Google event: all day
(DTEND the next day, exclusive) or at a time with its time zone (a VTIMEZONE is included),
with a display alarm the day before. The calendar asks to be refreshed hourly.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from core.calendar.event_ids import event_id
from core.calendar.model import TIMED_EVENT_MINUTES, CalendarEntry, FeedContent

PRODID = "-//Cairn//Deadlines//EN"
REFRESH = timedelta(hours=1)
CONTENT_TYPE = "text/calendar; charset=utf-8"


def build_ics(feed: FeedContent) -> bytes:
    """The feed as ICS; the same content gives the same bytes (so ETags work)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", feed.name)
    calendar.add("x-wr-caldesc", feed.description)
    # Outlook and Apple read REFRESH-INTERVAL, older clients X-PUBLISHED-TTL.
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for entry in feed.entries:
        calendar.add_component(_event(entry))
    days = [e.when.day for e in feed.entries if e.when.at is not None]
    if days:  # time zone rules for the years the feed spans, not for 1970-2038
        calendar.add_missing_timezones(first_date=date(min(days).year - 1, 1, 1),
                                       last_date=date(max(days).year + 2, 1, 1))
    return bytes(calendar.to_ical())


def _event(entry: CalendarEntry) -> Event:
    event = Event()
    event.add("uid", f"{event_id(entry.tenant_id, entry.milestone_id)}@cairn")
    event.add("dtstamp", entry.updated_at)
    event.add("last-modified", entry.updated_at)
    # Clients update an event they know when its sequence grows.
    event.add("sequence", int(entry.updated_at.timestamp()) // 60)
    event.add("summary", entry.title)
    event.add("description", entry.description)
    when = entry.when
    if when.at is None:
        event.add("dtstart", when.day)
        event.add("dtend", when.day + timedelta(days=1))
    else:
        start = datetime.combine(when.day, when.at, tzinfo=ZoneInfo(when.timezone))
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=TIMED_EVENT_MINUTES))
    event.add("transp", "TRANSPARENT")
    event.add("status", "CONFIRMED")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", entry.title)
    alarm.add("trigger", timedelta(minutes=-entry.reminder_minutes))
    event.add_component(alarm)
    return event


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
