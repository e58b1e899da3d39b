"""Dates and times in words, relative to the reader's today and in their time zone."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.views import DueLabel


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_today(now: datetime, timezone: str) -> date:
    return now.astimezone(zone(timezone)).date()


def day_text(day: date, today: date) -> str:
    text = f"{day:%a} {day.day} {day:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def deadline_at(due: date, at: time, owner_timezone: str) -> datetime:
    """The moment of a timed deadline: a time of day in the owner's time zone."""
    return datetime.combine(due, at, tzinfo=zone(owner_timezone))


def same_moment(due: date, at: time, from_zone: str, to_zone: str) -> tuple[date, time]:
    """A timed deadline written in one zone, rewritten in another at the same instant."""
    local = deadline_at(due, at, from_zone).astimezone(zone(to_zone))
    return local.date(), local.time().replace(tzinfo=None)


def due_label(due: date, today: date, at: time | None = None, *, owner_timezone: str = "UTC",
              reader_timezone: str = "UTC") -> DueLabel:
    """`Thu 31 Dec`, or `Thu 31 Dec 17:00` for a timed deadline, shown in the reader's zone."""
    clock = ""
    if at is not None:
        local = deadline_at(due, at, owner_timezone).astimezone(zone(reader_timezone))
        due, clock = local.date(), f"{local:%H:%M}"
    days = (due - today).days
    if days == 0:
        relative = "today"
    elif days == 1:
        relative = "tomorrow"
    elif days == -1:
        relative = "1 day overdue"
    elif days < 0:
        relative = f"{-days} days overdue"
    elif days <= 60:
        relative = f"in {days} days"
    else:
        relative = f"in {round(days / 30.4)} months"
    return DueLabel(
        iso=due.isoformat(),
        text=f"{day_text(due, today)} {clock}" if clock else day_text(due, today),
        relative=relative,
        time=clock,
        overdue=days < 0,
        soon=0 <= days <= 3,
    )


def when(at: datetime, now: datetime, timezone: str) -> str:
    """`just now`, `5 min ago`, `3 h ago`, `yesterday`, `Mon`, `12 Nov`, `12 Nov 2025`."""
    tz = zone(timezone)
    seconds = (now - at).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    local, today = at.astimezone(tz), now.astimezone(tz).date()
    if local.date() == today:
        return f"{int(seconds // 3600)} h ago"
    days = (today - local.date()).days
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{local:%a}"
    return day_text(local.date(), today).split(" ", 1)[1]


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def progress_bar(percent: int, width: int = 10) -> str:
    filled = max(0, min(width, (percent * width + 50) // 100))
    return "▰" * filled + "▱" * (width - filled)


def ellipsis(text: str, limit: int) -> str:
    """Cuts text to `limit` characters, ending with an ellipsis when it was longer."""
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"
