"""Google's event format: the event resource for a milestone's deadline, and an event read back
from a sync as a day or a time in its time zone."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.calendar.model import TIMED_EVENT_MINUTES, CalendarEntry, EventTime, RemoteEvent

logger = logging.getLogger(__name__)


def event_body(entry: CalendarEntry) -> dict[str, Any]:
    """The event resource for a milestone's deadline (without its id)."""
    when = entry.when
    body: dict[str, Any] = {
        "summary": entry.title,
        "description": entry.description,
        "status": "confirmed",  # also brings back an event removed earlier
        "transparency": "transparent",  # a deadline does not make anyone busy
        "reminders": {"useDefault": False,
                      "overrides": [{"method": "popup", "minutes": entry.reminder_minutes}]},
        "extendedProperties": {"private": dict(entry.properties)},
    }
    if when.at is None:
        body["start"] = {"date": when.day.isoformat()}
        body["end"] = {"date": (when.day + timedelta(days=1)).isoformat()}  # exclusive
    else:
        start = datetime.combine(when.day, when.at)
        end = start + timedelta(minutes=TIMED_EVENT_MINUTES)
        body["start"] = {"dateTime": start.isoformat(), "timeZone": when.timezone}
        body["end"] = {"dateTime": end.isoformat(), "timeZone": when.timezone}
    return body


def remote_event(item: dict[str, Any]) -> RemoteEvent:
    """An event from a sync, with its start as a day or a time in its time zone."""
    return RemoteEvent(event_id=str(item.get("id", "")), etag=str(item.get("etag", "")),
                       cancelled=item.get("status") == "cancelled",
                       when=event_time(item.get("start")))


def event_time(start: object) -> EventTime | None:
    if not isinstance(start, dict):
        return None
    try:
        if "date" in start:
            return EventTime(day=date.fromisoformat(str(start["date"])))
        if "dateTime" in start:
            moment = datetime.fromisoformat(str(start["dateTime"]).replace("Z", "+00:00"))
            zone_name = str(start.get("timeZone") or "UTC")
            zone = ZoneInfo(zone_name)
            local = moment.astimezone(zone) if moment.tzinfo else moment.replace(tzinfo=zone)
            return EventTime(day=local.date(), at=time(local.hour, local.minute),
                             timezone=zone_name)
    except (ValueError, ZoneInfoNotFoundError):
        logger.warning("an event starts at %r, which is not a time Cairn understands", start)
    return None
