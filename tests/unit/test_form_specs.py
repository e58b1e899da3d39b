"""The forms as core values: fields named as validation keys its errors, initial values as
text, a submission read back into what validation checks."""

from __future__ import annotations

from datetime import date

import pytest

from core.commands import Actor, AddComment
from core.interactions import form_reading as reading
from core.interactions import form_specs as specs
from core.interactions import reminder_form_specs as reminder_specs
from core.interactions.form_commands import Submission, command_of
from core.interactions.reminder_forms import SubmitReminderSettings
from core.interactions.validation import (
    FormErrors,
    Unreadable,
    check_check_in,
    check_milestone_form,
)
from core.model import Kind, Priority, Status, TenantId, UserId
from core.nudges.views import ReminderSettingsView


def names(form: specs.Form) -> list[str]:
    return [f.name for f in form.fields]


def test_the_milestone_form_new_and_edit() -> None:
    new = specs.milestone_form(specs.MilestoneShown(title="Launch"))
    assert new.title == "New milestone" and new.subject is None
    assert "crit_current" not in names(new)
    assert {"title", "kind", "parent", "owner", "members", "start", "due", "priority",
            "crit_metric", "crit_start", "crit_target", "crit_unit"} <= set(names(new))
    title = next(f for f in new.fields if f.name == "title")
    assert title.required and title.initial == "Launch" and title.max_length == 200
    edit = specs.milestone_form(specs.MilestoneShown(
        title="Beta", kind=Kind.GOAL, due=date(2027, 1, 15), priority=Priority.HIGH,
        members=("@ann", "@bob"), metric="ARR", crit_start=0, crit_target=1.5e6,
        crit_current=250_000.5), 7)
    shown = {f.name: f.initial for f in edit.fields}
    assert edit.subject == 7 and edit.title == "Edit #7"
    assert shown["kind"] == "goal" and shown["due"] == "2027-01-15"
    assert shown["members"] == "@ann @bob" and shown["priority"] == "high"
    assert shown["crit_target"] == "1500000" and shown["crit_current"] == "250000.5"
    kind = next(f for f in edit.fields if f.name == "kind")
    assert [c.value for c in kind.choices] == ["goal", "milestone", "task"]


def test_a_milestone_submission_reads_back_into_validation() -> None:
    form, parent = reading.read_milestone({
        "title": "  Ship  it ", "kind": "task", "due": "2027-02-01", "start": "2027-03-01",
        "crit_metric": "", "crit_start": "abc", "parent": "#4"})
    assert parent == 4.0 and isinstance(form.crit_start, Unreadable)
    with pytest.raises(FormErrors) as wrong:
        check_milestone_form(form)
    assert set(wrong.value.errors) == {"start", "crit_start"}
    ok, _ = reading.read_milestone({"title": "Ship", "due": "2027-02-01", "crit_metric": "ARR",
                                  "crit_start": "0", "crit_target": "1,000"})
    checked = check_milestone_form(ok)
    assert checked.due == date(2027, 2, 1) and checked.criterion is not None
    assert checked.criterion.target == 1000


def test_the_check_in_form_asks_what_drives_the_progress() -> None:
    plain = specs.check_in_form(3, "Beta", percent=40, status=Status.AT_RISK)
    assert names(plain) == ["percent", "status", "notes", "blockers"]
    percent = plain.fields[0]
    assert (percent.low, percent.high, percent.whole, percent.initial) == (0, 100, True, "40")
    assert plain.fields[1].initial == "at_risk"
    measured = specs.check_in_form(3, "Beta", percent=40, status=Status.DONE, metric="ARR",
                                   current=12.5)
    assert names(measured)[0] == "current" and measured.fields[0].initial == "12.5"
    assert measured.fields[1].initial == "on_track"  # done is not a status to report
    rolled = specs.check_in_form(3, "Beta", percent=40, status=Status.ON_TRACK, rolled_up=True)
    assert names(rolled) == ["status", "notes", "blockers"] and "rolls up" in rolled.intro
    with pytest.raises(FormErrors) as wrong:
        check_check_in(reading.read_check_in({"percent": "150", "status": "blocked"}, plain))
    assert set(wrong.value.errors) == {"percent"}
    values = check_check_in(reading.read_check_in({"percent": "60", "notes": " moved "}, plain))
    assert values.percent == 60 and values.notes == "moved"


def test_errors_come_back_on_the_same_form_with_what_was_typed() -> None:
    form = specs.check_in_form(3, "Beta", percent=40, status=Status.ON_TRACK)
    again = form.with_errors({"percent": "A whole number from 0 to 100.", "nowhere": "Odd."},
                             {"percent": "150", "notes": "so far"})
    # An error on no field of a check-in goes beside its status.
    assert again.errors == {"percent": "A whole number from 0 to 100.", "status": "Odd."}
    assert form.field_for("criteria") == "status"  # no `current` on this form
    assert {f.name: f.initial for f in again.fields}["notes"] == "so far"
    assert names(again) == names(form)


def test_handles_and_numbers_as_typed() -> None:
    assert reading.handles_in("@Ann, @bob") == ("ann", "bob")
    assert reading.handles_in("") == ()
    assert reading.handles_in("@ann <script>") is None
    assert isinstance(reading.read_number("nan"), Unreadable)
    assert isinstance(reading.read_day("31/12"), Unreadable) and reading.read_day(" ") is None
    assert isinstance(reading.read_day("2301-01-01"), Unreadable)
    assert reminder_specs.vacation_form().fields[0].required


ACTOR = Actor(tenant_id=TenantId(1), user_id=UserId(1), handle="ann")


def test_the_reminder_forms_and_a_picked_comment_read_back_into_one_command() -> None:
    view = ReminderSettingsView(checkin="", next_checkin="", working_days="", quiet_hours="",
                                deadlines="", digest="", timezone="UTC", work_ends=24 * 60)
    form = reminder_specs.settings_form(view)
    assert form.changes_only and form.initial["work_ends"] == "23:59"
    typed = {**form.initial, "weekday": "2"}
    cmd = command_of(Submission(form="settings", values=typed, before=form.initial), ACTOR, "k")
    assert isinstance(cmd, SubmitReminderSettings) and cmd.changes() == {"weekday": 2}
    assert cmd.idempotency_key == "k" and cmd.actor == ACTOR
    lost = command_of(Submission(form="settings", values=typed, before={"x": "1"}), ACTOR, "k")
    assert isinstance(lost, SubmitReminderSettings) and len(lost.changes()) == 5
    with pytest.raises(FormErrors) as wrong:
        command_of(Submission(form="settings", values={**typed, "days": "",
                                                       "work_ends": "08:00"}), ACTOR, "k")
    assert set(wrong.value.errors) == {"days", "work_ends"}
    with pytest.raises(FormErrors) as wrong:
        command_of(Submission(form="vacation", values={"starts": "2027-01-05",
                                                       "ends": "2027-01-01"}), ACTOR, "k")
    assert set(wrong.value.errors) == {"ends"}
    picked = command_of(Submission(form="comment", values={"milestone": "#2", "text": " hi "}),
                        ACTOR, "k")
    assert isinstance(picked, AddComment) and picked.milestone.number == 2
    with pytest.raises(FormErrors) as wrong:
        command_of(Submission(form="comment", values={"milestone": "#x", "text": ""}),
                   ACTOR, "k")
    assert set(wrong.value.errors) == {"milestone", "text"}
