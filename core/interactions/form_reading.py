"""A submitted form read back: `{field name: text as typed}` into what `validation` checks.

Every platform hands the core text (a choice's value, a date as an ISO day, a time as `HH:MM`,
a number as typed); what is no number or date comes back `Unreadable`, saying what it should
be, for `validation` to put beside its field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from core.interactions.form_specs import Form
from core.interactions.validation import CheckInForm, Day, MilestoneForm, Number, Unreadable

FIRST_YEAR, LAST_YEAR = 1900, 2200


def read_number(raw: str | None, *, why: str = "A number, like 42 or 3.5.") -> Number:
    text = (raw or "").strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return Unreadable(why)
    return value if value == value and abs(value) < 1e15 else Unreadable(why)


def read_day(raw: str | None) -> Day:
    text = (raw or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return Unreadable("A date, like 2027-01-15.")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return Unreadable(f"Pick a date between {FIRST_YEAR} and {LAST_YEAR}.")
    return day


def read_time(raw: str | None) -> int | None:
    """`HH:MM` as minutes after midnight; None for anything else."""
    hours, sep, minutes = (raw or "").strip().partition(":")
    if not sep or not (hours.isdigit() and minutes.isdigit()) or len(hours) > 2 or (
            len(minutes) != 2):
        return None
    hour, minute = int(hours), int(minutes)
    return hour * 60 + minute if hour <= 23 and minute <= 59 else None


def read_whole(raw: str | None, allowed: range) -> int | None:
    """A whole number within `allowed` (a choice's value); None for anything else."""
    text = (raw or "").strip()
    if not text.isdigit() or len(text) > 9:
        return None
    value = int(text)
    return value if value in allowed else None


def text_of(raw: Mapping[str, object], name: str) -> str:
    value = raw.get(name)
    return value if isinstance(value, str) else ""


def read_milestone(raw: Mapping[str, object]) -> tuple[MilestoneForm, Number]:
    """The milestone form as `validation` checks it, and the parent as typed (`#3` or `3`)."""
    parent = read_number(text_of(raw, "parent").strip().lstrip("#"),
                         why="A milestone's #number, like 3.")
    return MilestoneForm(
        title=text_of(raw, "title"), description=text_of(raw, "description"),
        kind=text_of(raw, "kind") or None, priority=text_of(raw, "priority") or None,
        start=read_day(text_of(raw, "start")), due=read_day(text_of(raw, "due")),
        metric=text_of(raw, "crit_metric"), crit_start=read_number(text_of(raw, "crit_start")),
        crit_target=read_number(text_of(raw, "crit_target")),
        crit_current=read_number(text_of(raw, "crit_current")),
        unit=text_of(raw, "crit_unit")), parent


def read_check_in(raw: Mapping[str, object], form: Form | None = None, *,
                  asks_percent: bool | None = None) -> CheckInForm:
    """`asks_percent`: the form showed the percent field (default: `form` has one)."""
    asks = asks_percent if asks_percent is not None else (
        form is not None and any(f.name == "percent" for f in form.fields))
    return CheckInForm(percent=read_number(text_of(raw, "percent")), asks_percent=asks,
                       current=read_number(text_of(raw, "current")),
                       status=text_of(raw, "status") or None, notes=text_of(raw, "notes"),
                       blockers=text_of(raw, "blockers"))


def handles_in(text: str) -> tuple[str, ...] | None:
    """`@ann @bob` (commas allowed) as handles; None when a word is not a handle."""
    words = [w for w in text.replace(",", " ").split() if w]
    found = []
    for word in words:
        handle = word.removeprefix("@").lower()
        if not handle or not all(ch.isalnum() or ch in "._-" for ch in handle):
            return None
        found.append(handle)
    return tuple(found)
