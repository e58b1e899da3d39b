"""Forms checked in the core before anything is saved: every wrong field named at once."""

from __future__ import annotations

from datetime import date

import pytest

from core.interactions.forms import Criterion
from core.interactions.validation import (
    CheckInForm,
    FormErrors,
    MilestoneForm,
    Unreadable,
    check_check_in,
    check_milestone_form,
)
from core.model import Kind, Priority, Status


def test_every_wrong_field_is_named_with_what_is_wrong() -> None:
    with pytest.raises(FormErrors) as refused:
        check_milestone_form(MilestoneForm(
            title="   ", start=date(2026, 12, 31), due=date(2026, 12, 1),
            crit_start=Unreadable("That is not a number."), crit_target=5.0))
    assert refused.value.errors == {
        "title": "A title is needed.", "start": "It cannot start after it is due.",
        "crit_start": "Where does it start?",
        "crit_metric": "Name the metric, or clear the numbers below."}


def test_a_valid_form_is_read_into_values() -> None:
    checked = check_milestone_form(MilestoneForm(
        title=" Launch   beta ", kind="goal", priority="urgent?", metric="Signups",
        crit_start=0.0, crit_target=500.0, unit="people", crit_current=20.0))
    assert (checked.title, checked.kind, checked.priority) == (
        "Launch beta", Kind.GOAL, Priority.MEDIUM)  # an option never offered: the default
    assert checked.criterion == Criterion(metric="Signups", start=0, target=500, unit="people")
    assert checked.current == 20.0


def test_a_check_in_wants_a_whole_percent_when_it_asks_for_one() -> None:
    with pytest.raises(FormErrors) as refused:
        check_check_in(CheckInForm(percent=120.0, asks_percent=True, notes="x" * 5000))
    assert set(refused.value.errors) == {"percent", "notes"}
    with pytest.raises(FormErrors) as empty:
        check_check_in(CheckInForm(asks_percent=True))
    assert empty.value.errors == {"percent": "How far along is it, from 0 to 100?"}
    ok = check_check_in(CheckInForm(percent=60.0, asks_percent=True, status="at_risk"))
    assert (ok.percent, ok.status) == (60, Status.AT_RISK)
