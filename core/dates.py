"""Dates as people type them, resolved against the speaker's today.

The business phrases (`end of quarter`, `next week`, weekdays) follow fixed rules here, since a
general parser gets them wrong or not at all; free forms (`dec 31`, `in 2 weeks`) go to dateparser.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from dateutil.relativedelta import relativedelta

from core.errors import InvalidInput

DATE_EXAMPLES = "2026-12-31, friday, next week, in 3 days, end of month or end of quarter"
TIME_EXAMPLES = "17:00, 9:30, 5pm"
PAST_LIMIT = timedelta(days=366)
FUTURE_LIMIT_YEARS = 10

_WEEKDAYS = {
    name: i
    for i, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
_ISO_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_IN_N = re.compile(
    r"^(?:in\s+)?(\d{1,4}|a|an|one|two|three|four|five|six)\s+(day|week|month|year)s?$"
)
_END_OF = re.compile(
    r"^(?:the\s+)?end\s+of\s+(?:the\s+)?(this\s+|next\s+)?(week|month|quarter|year)$"
)
_SHORT_END = {"eow": "week", "eom": "month", "eoq": "quarter", "eoy": "year"}
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
# A time of day: 17:00, 9:30, 17h30, 5pm, 5:30pm, 12am.
_TIME = re.compile(r"^(\d{1,2})(?:[:h](\d{2}))?\s*(am|pm)?$")
_TIME_LIKE = re.compile(r"^\d{1,2}(?:[:h]\d{2}|[:h]?\d{0,2}\s*(?:am|pm))$", re.IGNORECASE)


def _bad(text: str, why: str = "") -> InvalidInput:
    reason = why or f"“{text}” is not a date I understand"
    return InvalidInput("date", reason, hint=DATE_EXAMPLES)


def parse_date(text: str, today: date) -> date:
    """Resolves a date phrase; raises InvalidInput with examples when it cannot."""
    phrase = " ".join(text.lower().replace(",", " ").split())
    if not phrase:
        raise _bad(text, "a date is needed")
    if len(phrase) > 60:
        raise _bad(text[:40] + "…")
    resolved = _resolve(phrase, today)
    if resolved is None:
        raise _bad(text)
    return check_range(resolved, today)


def looks_like_time(word: str) -> bool:
    """Whether a word reads as a time of day (`17:00`, `5pm`), not as a date."""
    return bool(_TIME_LIKE.match(word.strip()))


def parse_time(text: str) -> time:
    """A time of day; raises InvalidInput with examples when it is not one."""
    match = _TIME.match(text.strip().lower())
    hour = minute = -1
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        meridiem = match.group(3)
        if meridiem and not 1 <= hour <= 12:
            hour = -1
        elif meridiem:
            hour = hour % 12 + (12 if meridiem == "pm" else 0)
        elif match.group(2) is None:
            hour = -1  # a bare number is not a time: `17` could be anything
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise InvalidInput("time", f"“{text.strip()[:20]}” is not a time of day",
                           hint=f"due #4 friday 17:00 ({TIME_EXAMPLES} all work)")
    return time(hour, minute)


def parse_deadline(text: str, today: date) -> tuple[date, time | None]:
    """A date with an optional time of day after it: `friday 17:00`, `2026-12-31 at 5pm`."""
    words = text.split()
    at: time | None = None
    if words and looks_like_time(words[-1]):
        at = parse_time(words.pop())
        if words and words[-1].lower() == "at":
            words.pop()
    return parse_date(" ".join(words), today), at


class DateOutOfRange(InvalidInput):
    """A real date outside the range Cairn accepts; the message says which range that is.

    Parsers that try several readings of a phrase re-raise it rather than try the next one: a
    date that was understood but refused must not become "not a date I understand"."""


def check_range(value: date, today: date) -> date:
    first = today - PAST_LIMIT
    last = today + relativedelta(years=FUTURE_LIMIT_YEARS)
    allowed = f"dates from {_day(first)} to {_day(last)} work"
    if value < first:
        raise DateOutOfRange(
            "date", f"{_day(value)} is more than a year in the past; {allowed}",
            hint=DATE_EXAMPLES)
    if value > last:
        raise DateOutOfRange(
            "date", f"{_day(value)} is more than {FUTURE_LIMIT_YEARS} years away; {allowed}",
            hint=DATE_EXAMPLES)
    return value


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _resolve(phrase: str, today: date) -> date | None:
    if _ISO_LIKE.match(phrase):
        try:
            year, month, day = (int(p) for p in phrase.split("-"))
            return date(year, month, day)
        except ValueError:
            raise _bad(phrase, f"{phrase} is not a day of the calendar") from None
    simple = {"today": today, "tomorrow": today + timedelta(days=1),
              "yesterday": today - timedelta(days=1)}
    if phrase in simple:
        return simple[phrase]
    for resolver in (_weekday, _next_period, _end_of, _in_n):
        found = resolver(phrase, today)
        if found is not None:
            return found
    return _free_form(phrase, today)


def _weekday(phrase: str, today: date) -> date | None:
    words = phrase.split()
    if len(words) == 1 and words[0] in _WEEKDAYS:
        ahead = (_WEEKDAYS[words[0]] - today.weekday()) % 7
        return today + timedelta(days=ahead)
    if len(words) == 2 and words[1] in _WEEKDAYS and words[0] in ("this", "next", "on"):
        target = _WEEKDAYS[words[1]]
        if words[0] == "next":
            monday_next = today + timedelta(days=7 - today.weekday())
            return monday_next + timedelta(days=target)
        return today + timedelta(days=(target - today.weekday()) % 7)
    return None


def _next_period(phrase: str, today: date) -> date | None:
    if phrase == "next week":
        return today + timedelta(days=7 - today.weekday())
    if phrase == "next month":
        return (today + relativedelta(months=1)).replace(day=1)
    if phrase == "next quarter":
        return quarter_end(today) + timedelta(days=1)
    if phrase == "next year":
        return date(today.year + 1, 1, 1)
    return None


def _end_of(phrase: str, today: date) -> date | None:
    if phrase in _SHORT_END:
        which, period = "", _SHORT_END[phrase]
    else:
        match = _END_OF.match(phrase)
        if match is None:
            return None
        which, period = (match.group(1) or "").strip(), match.group(2)
    if period == "week":
        friday = today + timedelta(days=(4 - today.weekday()) % 7)
        return friday + timedelta(days=7) if which == "next" else friday
    if period == "month":
        base = today + relativedelta(months=1) if which == "next" else today
        return base + relativedelta(day=31)
    if period == "quarter":
        end = quarter_end(today)
        return quarter_end(end + timedelta(days=1)) if which == "next" else end
    return date(today.year + (1 if which == "next" else 0), 12, 31)


def quarter_end(day: date) -> date:
    last_month = ((day.month - 1) // 3) * 3 + 3
    return date(day.year, last_month, 1) + relativedelta(day=31)


def _in_n(phrase: str, today: date) -> date | None:
    match = _IN_N.match(phrase)
    if match is None:
        return None
    raw, unit = match.groups()
    count = _WORD_NUMBERS.get(raw) or int(raw)
    try:
        step = {"day": relativedelta(days=count), "week": relativedelta(weeks=count),
                "month": relativedelta(months=count), "year": relativedelta(years=count)}[unit]
        return today + step
    except (OverflowError, ValueError):
        last = today + relativedelta(years=FUTURE_LIMIT_YEARS)
        raise DateOutOfRange(
            "date", f"“{phrase}” is too far away; dates up to {_day(last)} work",
            hint=DATE_EXAMPLES) from None


def _free_form(phrase: str, today: date) -> date | None:
    if not re.search(r"[a-z0-9]", phrase):
        return None
    try:
        found = _dateparser().parse(
            phrase,
            languages=["en"],
            settings={
                "RELATIVE_BASE": datetime.combine(today, time(12, 0)),
                "PREFER_DATES_FROM": "future",
                "PREFER_DAY_OF_MONTH": "first",
                "RETURN_AS_TIMEZONE_AWARE": False,
            },
        )
    except (ValueError, OverflowError):
        return None
    return found.date() if isinstance(found, datetime) else None


@cache
def _dateparser() -> Any:
    # Imported on first use: it loads language data that `serve` and the tests rarely need.
    import dateparser

    return dateparser
