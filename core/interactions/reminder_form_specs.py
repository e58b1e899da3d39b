"""The reminder forms as core values: *I'm away* (a vacation: two dates) and *Reminder settings*
(the check-in day, time and rhythm, working days and working hours, whose other side is the
quiet hours).

The settings form changes only what the person changed (`Form.changes_only`): an untouched
check-in day stays the team's default rather than becoming a copy of it.
"""

from __future__ import annotations

from datetime import date

from core.interactions.form_specs import Choice, Field, FieldKind, Form, day_text
from core.nudges.schedule import MAX_EVERY_WEEKS, WEEKDAY_NAMES
from core.nudges.views import ReminderSettingsView
from core.nudges.workweek import MINUTES_A_DAY, hhmm

SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAYS = tuple(Choice(str(i), name) for i, name in enumerate(WEEKDAY_NAMES))
RHYTHMS = (Choice("1", "Every week"), *(Choice(str(n), f"Every {n} weeks")
                                        for n in range(2, MAX_EVERY_WEEKS + 1)))
WORKING_DAYS = tuple(Choice(str(i), name) for i, name in enumerate(SHORT_DAYS))
LAST_MINUTE = MINUTES_A_DAY - 1  # a time of day ends at 23:59, which Cairn reads as midnight
NOTES_MAX = 20


def vacation_form(today: date | None = None) -> Form:
    """Starts on `today` (the person's own day)."""
    return Form(
        name="vacation", title="I'm away", submit="Save",
        intro="Nothing is sent to you while you are away, and no check-in counts as missed.",
        fields=(
            Field(name="starts", label="First day away", kind=FieldKind.DATE, required=True,
                  initial=day_text(today)),
            Field(name="ends", label="Last day away", kind=FieldKind.DATE, required=True,
                  hint="You hear from Cairn again on your first working day after it.")))


def settings_form(view: ReminderSettingsView) -> Form:
    notes = [f"Deadline alerts: {view.deadlines}", f"Weekly digest: {view.digest}"]
    extra = [f"Vacation {v} · `remind vacation off` ends it" for v in view.vacations]
    extra += [f"Snoozed: {x}" for x in view.snoozes]
    extra += [f"Own cadence: {x}" for x in view.overrides]
    return Form(
        name="settings", title="Reminder settings", submit="Save", changes_only=True,
        intro=f"Your reminders ({view.timezone}) · next check-in: {view.next_checkin}",
        notes=(*notes, *extra[:NOTES_MAX]),
        fields=(
            Field(name="weekday", label="Check-in day", kind=FieldKind.CHOICE, required=True,
                  initial=str(view.weekday), choices=WEEKDAYS,
                  hint="On a day off it moves to your next working day."),
            Field(name="time", label="Check-in time", kind=FieldKind.TIME, required=True,
                  initial=hhmm(min(view.minute, LAST_MINUTE))),
            Field(name="every", label="How often", kind=FieldKind.CHOICE, required=True,
                  initial=str(view.every_weeks), choices=RHYTHMS),
            Field(name="days", label="Working days", kind=FieldKind.CHOICES, required=True,
                  initial=",".join(str(d) for d in sorted(view.working_day_numbers)),
                  choices=WORKING_DAYS),
            Field(name="work_starts", label="Working day starts", kind=FieldKind.TIME,
                  required=True, initial=hhmm(min(view.work_starts, LAST_MINUTE))),
            Field(name="work_ends", label="Working day ends", kind=FieldKind.TIME,
                  required=True, initial=hhmm(min(view.work_ends, LAST_MINUTE)),
                  hint="Outside your working days and hours (your quiet hours) nothing is "
                       "pushed to you; it waits for your next working morning.")))
