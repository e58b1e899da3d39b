"""The profile's words: `me tz Europe/Berlin`, `me days mon-thu`, `me hours 08:30-17:00`, and
the time zones, weekdays and working hours they name."""

from __future__ import annotations

import zoneinfo
from functools import cache

from core import text as lex
from core.commands import Actor
from core.errors import InvalidInput
from core.people.commands import UpdateProfile
from core.tenancy import WEEKDAYS


def parse_profile(text: str, actor: Actor) -> UpdateProfile:
    key, value = lex.split_word(text)
    key, value = key.lower(), lex.unquote(value)
    if key in ("tz", "timezone", "zone"):
        return UpdateProfile(actor=actor, timezone=check_timezone(value))
    if key == "name":
        if not value or len(value) > 80:
            raise InvalidInput("name", "a name of 1 to 80 characters", hint='me name "Alice Smith"')
        return UpdateProfile(actor=actor, display_name=value)
    if key == "days":
        return UpdateProfile(actor=actor, working_days=parse_weekdays(value))
    if key == "hours":
        return UpdateProfile(actor=actor, work_hours=parse_hours(value))
    raise InvalidInput(
        "me", f"I can't change “{key[:20]}”",
        hint='me tz Europe/Berlin · me name "Alice" · me days mon-fri · me hours 9-18')


def check_timezone(name: str) -> str:
    """The IANA name of a time zone typed in any case (`asia/tokyo` -> `Asia/Tokyo`)."""
    name = name.strip()
    canonical = _zone_names().get(name.lower()) if name else None
    try:
        if not name or "." in name or name.startswith("/"):
            raise ValueError(name)
        zoneinfo.ZoneInfo(canonical or name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise InvalidInput("timezone", f"“{name[:40]}” is not a time zone",
                           hint="me tz Europe/Berlin · me tz America/New_York") from None
    return canonical or name


@cache
def _zone_names() -> dict[str, str]:
    # Read once, on first use: the tz database lists a few hundred names.
    return {zone.lower(): zone for zone in zoneinfo.available_timezones()}


def parse_weekdays(text: str) -> tuple[int, ...]:
    hint = "me days mon-fri · me days mon,tue,thu"
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first[:3] not in WEEKDAYS or (last and last[:3] not in WEEKDAYS):
            raise InvalidInput("days", f"“{part[:20]}” is not a day or a range of days", hint=hint)
        a = WEEKDAYS.index(first[:3])
        b = WEEKDAYS.index(last[:3]) if last else a
        span = range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)]
        days.update(span)
    return tuple(sorted(days))


def parse_hours(text: str) -> tuple[int, int]:
    hint = "me hours 9-18 · me hours 08:30-17:00"
    first, sep, last = text.replace(" ", "").partition("-")
    if not sep:
        raise InvalidInput("hours", "a start and an end, like 9-18", hint=hint)
    start, end = _minutes(first, hint), _minutes(last, hint)
    if start >= end:
        raise InvalidInput("hours", "the day must end after it starts", hint=hint)
    return start, end


def _minutes(text: str, hint: str) -> int:
    hours, _, minutes = text.partition(":")
    if not hours.isdigit() or (minutes and not minutes.isdigit()):
        raise InvalidInput("hours", f"“{text[:10]}” is not a time of day", hint=hint)
    h, m = int(hours), int(minutes or 0)
    if not (0 <= h <= 24 and 0 <= m < 60) or h * 60 + m > 24 * 60:
        raise InvalidInput("hours", f"“{text[:10]}” is not a time of day", hint=hint)
    return h * 60 + m
