"""What a submitted form says, checked before anything is saved, with errors keyed by field.

A platform reads its widgets into plain values (text as typed, numbers and dates already read
or `Unreadable`, people as the platform's own ids) and calls `check_milestone_form` or
`check_check_in`; a `FormErrors` names each wrong field (the names of
`core.interactions.forms`) with a sentence to show beside it. Nothing here touches storage:
what only the database can refuse (a loop, a closed parent) comes back from the use case as
`InvalidInput` on a field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from core.errors import DomainError
from core.field_checks import DESCRIPTION_MAX, NOTE_MAX, TITLE_MAX
from core.interactions.forms import CheckInValues, Criterion
from core.model import Kind, Priority, Status

E = TypeVar("E", bound=StrEnum)
D = TypeVar("D")

METRIC_MAX = 80
UNIT_MAX = 20


class Unreadable:
    """A value the widget gave that is no number or date; `why` says what it should be."""

    __slots__ = ("why",)

    def __init__(self, why: str) -> None:
        self.why = why


Number = float | Unreadable | None
Day = date | Unreadable | None


class FormErrors(DomainError):
    """Field name -> what is wrong with it; nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneForm:
    """The milestone form as submitted: text as typed, people as the platform's ids."""

    title: str
    description: str = ""
    kind: str | None = None
    priority: str | None = None
    parent: int | None = None
    start: Day = None
    due: Day = None
    metric: str = ""
    crit_start: Number = None
    crit_target: Number = None
    crit_current: Number = None
    unit: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckedMilestone:
    """The milestone form once checked: what `MilestoneFormValues` needs besides people."""

    title: str
    description: str
    kind: Kind
    priority: Priority
    parent: int | None
    start: date | None
    due: date | None
    criterion: Criterion | None
    current: float | None


def check_milestone_form(form: MilestoneForm) -> CheckedMilestone:
    errors: dict[str, str] = {}
    title = " ".join(form.title.split())
    if not title:
        errors["title"] = "A title is needed."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Keep the title under {TITLE_MAX} characters."
    description = form.description.strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = f"Keep it under {DESCRIPTION_MAX:,} characters."
    start, due = _day("start", form.start, errors), _day("due", form.due, errors)
    if start and due and start > due:
        errors["start"] = "It cannot start after it is due."
    metric = form.metric.strip()
    low = _number("crit_start", form.crit_start, errors)
    high = _number("crit_target", form.crit_target, errors)
    current = _number("crit_current", form.crit_current, errors)
    criterion = None
    if metric or low is not None or high is not None:
        if not metric:
            errors["crit_metric"] = "Name the metric, or clear the numbers below."
        if low is None:
            errors["crit_start"] = "Where does it start?"
        if high is None:
            errors["crit_target"] = "What is the target?"
        if low is not None and high is not None and low == high:
            errors["crit_target"] = "The target must differ from the start."
        if metric and low is not None and high is not None and low != high:
            criterion = Criterion(metric=metric[:METRIC_MAX], start=low, target=high,
                                  unit=form.unit.strip()[:UNIT_MAX])
    if errors:
        raise FormErrors(errors)
    return CheckedMilestone(
        title=title, description=description, kind=_choice(Kind, form.kind, Kind.MILESTONE),
        priority=_choice(Priority, form.priority, Priority.MEDIUM), parent=form.parent,
        start=start, due=due, criterion=criterion, current=current)


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckInForm:
    """The check-in as submitted; `asks_percent`: the form showed the percent field."""

    percent: Number = None
    asks_percent: bool = False
    current: Number = None
    status: str | None = None
    notes: str = ""
    blockers: str = ""


def check_check_in(form: CheckInForm) -> CheckInValues:
    errors: dict[str, str] = {}
    value = _number("percent", form.percent, errors)
    percent = None
    if value is not None:
        if value != int(value) or not 0 <= value <= 100:
            errors["percent"] = "A whole number from 0 to 100."
        else:
            percent = int(value)
    elif form.asks_percent and "percent" not in errors:
        errors["percent"] = "How far along is it, from 0 to 100?"
    current = _number("current", form.current, errors)
    notes, blockers = form.notes.strip(), form.blockers.strip()
    for name, text in (("notes", notes), ("blockers", blockers)):
        if len(text) > NOTE_MAX:
            errors[name] = f"Keep it under {NOTE_MAX:,} characters."
    if errors:
        raise FormErrors(errors)
    return CheckInValues(percent=percent, current=current,
                         status=_choice(Status, form.status, None), notes=notes,
                         blockers=blockers)


def _day(name: str, value: Day, errors: dict[str, str]) -> date | None:
    if isinstance(value, Unreadable):
        errors[name] = value.why
        return None
    return value


def _number(name: str, value: Number, errors: dict[str, str]) -> float | None:
    if isinstance(value, Unreadable):
        errors[name] = value.why
        return None
    return value


def _choice(kind: type[E], value: str | None, default: D) -> E | D:
    """The option chosen, or `default` for none or one the form never offered."""
    try:
        return kind(value) if value is not None else default
    except ValueError:
        return default
