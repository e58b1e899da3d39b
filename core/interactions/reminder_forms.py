"""The reminder forms, submitted: read, checked (errors keyed by field name) and made commands.

*I'm away* becomes a `SetVacation`; *Reminder settings* a `SubmitReminderSettings`, carried out
in one unit of work by `reminder_submissions`, changing only what differs from what the form
showed (`before`; everything when that is lost).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from core.commands import Command
from core.interactions.form_reading import read_day, read_time, read_whole, text_of
from core.interactions.validation import FormErrors, Unreadable
from core.nudges.schedule import MAX_EVERY_WEEKS
from core.nudges.views import ReminderSettingsView

MAX_VACATION_DAYS = 366


def read_vacation(raw: Mapping[str, object]) -> tuple[date, date]:
    """The first and the last day away; FormErrors keyed `starts` and `ends`."""
    errors: dict[str, str] = {}
    days: dict[str, date] = {}
    for name, missing in (("starts", "Pick your first day away."),
                          ("ends", "Pick your last day away.")):
        day = read_day(text_of(raw, name))
        if isinstance(day, Unreadable):
            errors[name] = day.why
        elif day is None:
            errors[name] = missing
        else:
            days[name] = day
    if len(days) == 2:
        if days["ends"] < days["starts"]:
            errors["ends"] = "It ends before it starts."
        elif (days["ends"] - days["starts"]).days > MAX_VACATION_DAYS:
            errors["ends"] = "A vacation of more than a year? Take two."
    if errors:
        raise FormErrors(errors)
    return days["starts"], days["ends"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SettingsValues:
    """The settings form as filled in; times are minutes after local midnight."""

    weekday: int
    minute: int
    every_weeks: int
    working_days: tuple[int, ...]
    work_starts: int
    work_ends: int


def _days(text: str) -> tuple[int, ...]:
    found = {read_whole(part, range(7)) for part in text.split(",")}
    return tuple(sorted(d for d in found if d is not None))


def read_settings(raw: Mapping[str, object]) -> SettingsValues:
    errors: dict[str, str] = {}
    weekday = read_whole(text_of(raw, "weekday"), range(7))
    if weekday is None:
        errors["weekday"] = "Pick a day."
    every = read_whole(text_of(raw, "every"), range(1, MAX_EVERY_WEEKS + 1))
    if every is None:
        errors["every"] = "Pick how often."
    minute = read_time(text_of(raw, "time"))
    if minute is None:
        errors["time"] = "Pick a time."
    days = _days(text_of(raw, "days"))
    if not days:
        errors["days"] = "Tick at least one working day."
    starts, ends = read_time(text_of(raw, "work_starts")), read_time(text_of(raw, "work_ends"))
    if starts is None:
        errors["work_starts"] = "Pick a time."
    if ends is None:
        errors["work_ends"] = "Pick a time."
    if starts is not None and ends is not None and ends <= starts:
        errors["work_ends"] = "The working day must end after it starts."
    if errors:
        raise FormErrors(errors)
    assert weekday is not None and every is not None and minute is not None
    assert starts is not None and ends is not None
    return SettingsValues(weekday=weekday, minute=minute, every_weeks=every,
                          working_days=days, work_starts=starts, work_ends=ends)


def settings_before(raw: Mapping[str, object]) -> SettingsValues | None:
    """What the form showed, handed back by the platform; None when it is lost or forged."""
    try:
        return read_settings(raw)
    except FormErrors:
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitReminderSettings(Command[ReminderSettingsView]):
    """The settings form, submitted: what differs from `before` changes, in one unit of work."""

    values: SettingsValues
    before: SettingsValues | None = None

    def changes(self) -> dict[str, object]:
        form, before = self.values, self.before
        changes: dict[str, object] = {}
        if before is None or form.weekday != before.weekday:
            changes["weekday"] = form.weekday
        if before is None or form.minute != before.minute:
            changes["minute"] = form.minute
        if before is None or form.every_weeks != before.every_weeks:
            changes["every_weeks"] = form.every_weeks
        if before is None or form.working_days != before.working_days:
            changes["working_days"] = form.working_days
        if before is None or (form.work_starts, form.work_ends) != (before.work_starts,
                                                                    before.work_ends):
            # Quiet hours are the other side of the working day, across midnight.
            changes["quiet"] = (form.work_ends, form.work_starts)
        return changes
