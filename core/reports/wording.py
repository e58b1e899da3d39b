"""Figures in words: counts, shares, durations and their changes, the same on every surface."""

from __future__ import annotations

from datetime import date, timedelta


def share(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def duration(value: timedelta | None) -> str:
    """`12 min`, `5 h`, `5 h 20 min`, `3 d 4 h`; `–` when there is nothing to measure."""
    if value is None:
        return "–"
    minutes = round(value.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def signed(value: float, unit: str = "") -> str:
    """`+3`, `−2 pts`, `±0`: a typographic minus, so a change never reads as a hyphen."""
    number = f"{abs(value):.1f}".rstrip("0").rstrip(".") if value % 1 else f"{abs(value):.0f}"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{number}{unit}"


def day(value: date, today: date) -> str:
    """`Thu 31 Dec`, with the year when it is not this year's."""
    text = f"{value:%a} {value.day} {value:%b}"
    return text if value.year == today.year else f"{text} {value.year}"


def days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"
