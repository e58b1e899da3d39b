"""How reminder answers say moments, day spans, working days and quiet hours in a person's own
time."""

from __future__ import annotations

from datetime import date, datetime

from core.humanize import day_text, local_today
from core.nudges.workweek import MINUTES_A_DAY, Workweek, hhmm, zone

SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def moment_text(moment: datetime, timezone: str, now: datetime) -> str:
    local = moment.astimezone(zone(timezone))
    today = local_today(now, timezone)
    day = "today" if local.date() == today else (
        "tomorrow" if (local.date() - today).days == 1 else day_text(local.date(), today))
    return f"{day} at {local:%H:%M}"


def day_span(first: date, last: date, today: date) -> str:
    if first == last:
        return f"on {day_text(first, today)}"
    return f"{day_text(first, today)} – {day_text(last, today)}"


def days_text(days: tuple[int, ...] | frozenset[int]) -> str:
    ordered = sorted(days)
    if ordered and ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        return f"{SHORT_DAYS[ordered[0]]}–{SHORT_DAYS[ordered[-1]]}"
    return ", ".join(SHORT_DAYS[d] for d in ordered) or "none"


def quiet_text(week: Workweek) -> str:
    off = [d for d in range(7) if d not in week.days]
    ends = "24:00" if week.ends >= MINUTES_A_DAY else hhmm(week.ends)
    text = f"{ends}–{hhmm(week.starts)}"
    return text + (f" and all of {days_text(tuple(off))}" if off else "")
