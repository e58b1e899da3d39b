"""The reminder modals: *I'm away* (a vacation: two dates) and *Reminder settings* (the check-in
day, time and rhythm, working days and working hours, whose other side is the quiet hours).

Like the other forms, each is built from plain values and read back into plain values, with
`FieldErrors` for what is wrong before anything reaches the core. The settings form keeps
what it started from in its metadata, so a submit changes only what the person changed: an
untouched check-in day stays the team's default rather than becoming a copy of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bots.slack.blocks import Block, context, option, section
from bots.slack.forms import (
    SETTINGS_FORM,
    VACATION_FORM,
    VALUE,
    FieldErrors,
    FormState,
    date_picker,
    input_block,
    modal,
    static_select,
)
from bots.slack.mrkdwn import escape
from bots.slack.render import COMMAND
from bots.slack.shapes import whole_number
from core.nudges.schedule import MAX_EVERY_WEEKS, WEEKDAY_NAMES
from core.nudges.views import ReminderSettingsView
from core.nudges.workweek import MINUTES_A_DAY, hhmm

MAX_VACATION_DAYS = 366
SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAYS = [(name, str(i)) for i, name in enumerate(WEEKDAY_NAMES)]
RHYTHMS = [("Every week", "1"), *((f"Every {n} weeks", str(n))
                                  for n in range(2, MAX_EVERY_WEEKS + 1))]
LAST_MINUTE = MINUTES_A_DAY - 1  # a timepicker ends at 23:59, which Cairn reads as midnight


# --- vacation --------------------------------------------------------------------------------


def vacation_form(meta: str, today: date) -> Block:
    blocks = [
        context("Nothing is sent to you while you are away, and no check-in counts as missed."),
        input_block("starts", "First day away", date_picker(today)),
        input_block("ends", "Last day away", date_picker(None),
                    hint="You hear from Cairn again on your first working day after it."),
    ]
    return modal(VACATION_FORM, "I'm away", "Save", blocks, meta)


@dataclass(frozen=True, slots=True)
class VacationInput:
    starts: date
    ends: date


def read_vacation_form(values: dict[str, Any]) -> VacationInput:
    state = FormState(values)
    errors: dict[str, str] = {}
    starts, ends = state.date("starts", errors), state.date("ends", errors)
    if starts is None and "starts" not in errors:
        errors["starts"] = "Pick your first day away."
    if ends is None and "ends" not in errors:
        errors["ends"] = "Pick your last day away."
    if starts is not None and ends is not None:
        if ends < starts:
            errors["ends"] = "It ends before it starts."
        elif (ends - starts).days > MAX_VACATION_DAYS:
            errors["ends"] = "A vacation of more than a year? Take two."
    if errors:
        raise FieldErrors(errors)
    assert starts is not None and ends is not None
    return VacationInput(starts=starts, ends=ends)


# --- settings --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SettingsInput:
    """The settings form as filled in; times are minutes after local midnight."""

    weekday: int
    minute: int
    every_weeks: int
    working_days: tuple[int, ...]
    work_starts: int
    work_ends: int

    def as_metadata(self) -> dict[str, Any]:
        return {"w": self.weekday, "m": self.minute, "e": self.every_weeks,
                "d": list(self.working_days), "s": self.work_starts, "f": self.work_ends}

    @classmethod
    def from_metadata(cls, data: dict[str, Any]) -> SettingsInput | None:
        try:
            return cls(weekday=int(data["w"]), minute=int(data["m"]),
                       every_weeks=int(data["e"]),
                       working_days=tuple(sorted(int(d) for d in data["d"])),
                       work_starts=int(data["s"]), work_ends=int(data["f"]))
        except (KeyError, TypeError, ValueError):
            return None


def settings_of(view: ReminderSettingsView) -> SettingsInput:
    """What the form starts from."""
    return SettingsInput(weekday=view.weekday, minute=view.minute, every_weeks=view.every_weeks,
                         working_days=tuple(sorted(view.working_day_numbers)),
                         work_starts=view.work_starts,
                         work_ends=min(view.work_ends, LAST_MINUTE))


def _time(initial: int) -> Block:
    return {"type": "timepicker", "action_id": VALUE, "initial_time": hhmm(initial)}


def _days(chosen: tuple[int, ...]) -> Block:
    options = [option(name, str(i)) for i, name in enumerate(SHORT_DAYS)]
    element: Block = {"type": "checkboxes", "action_id": VALUE, "options": options}
    picked = [options[d] for d in chosen if 0 <= d < len(options)]
    if picked:
        element["initial_options"] = picked
    return element


def settings_form(view: ReminderSettingsView, meta: str) -> Block:
    start = settings_of(view)
    blocks = [
        section(f"*Your reminders* ({escape(view.timezone)}) · next check-in: "
                f"{escape(view.next_checkin)}"),
        input_block("weekday", "Check-in day", static_select(WEEKDAYS, str(start.weekday)),
                    hint="On a day off it moves to your next working day."),
        input_block("time", "Check-in time", _time(start.minute)),
        input_block("every", "How often", static_select(RHYTHMS, str(start.every_weeks))),
        input_block("days", "Working days", _days(start.working_days)),
        input_block("work_starts", "Working day starts", _time(start.work_starts)),
        input_block("work_ends", "Working day ends", _time(start.work_ends),
                    hint="Outside your working days and hours (your quiet hours) nothing is "
                         "pushed to you; it waits for your next working morning."),
        context(f"Deadline alerts: {escape(view.deadlines)}"),
        context(f"Weekly digest: {escape(view.digest)}"),
    ]
    notes = [f"Vacation {escape(v)} · `{COMMAND} remind vacation off` ends it"
             for v in view.vacations]
    notes += [f"Snoozed: {escape(x)}" for x in view.snoozes]
    notes += [f"Own cadence: {escape(x)}" for x in view.overrides]
    blocks += [context(note) for note in notes[:20]]
    return modal(SETTINGS_FORM, "Reminder settings", "Save", blocks, meta)


def read_settings_form(values: dict[str, Any]) -> SettingsInput:
    state = FormState(values)
    errors: dict[str, str] = {}
    weekday = _number(state.choice("weekday"), range(7))
    if weekday is None:
        errors["weekday"] = "Pick a day."
    every = _number(state.choice("every"), range(1, MAX_EVERY_WEEKS + 1))
    if every is None:
        errors["every"] = "Pick how often."
    minute = state.time("time")
    if minute is None:
        errors["time"] = "Pick a time."
    days = sorted({d for d in (_number(v, range(7)) for v in state.choices("days"))
                   if d is not None})
    if not days:
        errors["days"] = "Tick at least one working day."
    starts, ends = state.time("work_starts"), state.time("work_ends")
    if starts is None:
        errors["work_starts"] = "Pick a time."
    if ends is None:
        errors["work_ends"] = "Pick a time."
    if starts is not None and ends is not None and ends <= starts:
        errors["work_ends"] = "The working day must end after it starts."
    if errors:
        raise FieldErrors(errors)
    assert weekday is not None and every is not None and minute is not None
    assert starts is not None and ends is not None
    return SettingsInput(weekday=weekday, minute=minute, every_weeks=every,
                         working_days=tuple(days), work_starts=starts, work_ends=ends)


def _number(text: str | None, allowed: range) -> int | None:
    value = whole_number(text) if text is not None else None
    return value if value is not None and value in allowed else None
