"""A submitted form, whichever platform showed it, as ONE core command.

A platform reads its widgets into a `Submission` (field name -> text, as `form_specs` says)
and calls `command_of`; what is wrong comes back as `FormErrors` keyed by field name, before
anything is saved. The command then goes through `core.bus.execute`, which carries it out in
one unit of work under the submission's idempotency key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from core import commands as c
from core.interactions.form_reading import (
    handles_in,
    read_check_in,
    read_milestone,
    read_number,
    text_of,
)
from core.interactions.forms import MilestoneFormValues, SubmitCheckIn, SubmitMilestoneForm
from core.interactions.reminder_forms import (
    SubmitReminderSettings,
    read_settings,
    read_vacation,
    settings_before,
)
from core.interactions.validation import (
    FormErrors,
    Unreadable,
    check_check_in,
    check_milestone_form,
)
from core.nudges.commands import SetVacation
from core.text import mentions_in


@dataclass(frozen=True, slots=True, kw_only=True)
class Submission:
    """A form as it came back from a platform.

    `values`: field name -> text as typed; `shown`: the fields the form showed (a check-in
    asks for a percent only when it showed one); `people`: the people fields the platform
    resolved itself (Slack's user pickers), else `@handle` words in `values`; `before`: the
    initial values, for a form that changes only what changed; `links`: what a new milestone
    carries along; `channels`: the channel id prefixes the platform's form shows;
    `mention_prefix`: the platform's identity prefix, for mentions in a comment.
    """

    form: str
    values: Mapping[str, str]
    subject: int | None = None
    shown: frozenset[str] = frozenset()
    people: Mapping[str, tuple[c.UserRef, ...]] | None = None
    before: Mapping[str, str] = field(default_factory=dict)
    links: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    mention_prefix: str = ""


#: A checked submission: give it who submitted it and the idempotency key, get the command.
Prepared = Callable[[c.Actor, str], c.Command[Any]]


def command_of(sub: Submission, actor: c.Actor, key: str) -> c.Command[Any]:
    """The submission as one command with idempotency key `key`; FormErrors when wrong."""
    return prepare(sub)(actor, key)


def prepare(sub: Submission) -> Prepared:
    """The submission read and checked before anyone is looked up (a platform answers field
    errors at once); FormErrors when wrong."""
    made = _command(sub)
    return lambda actor, key: made(actor=actor, idempotency_key=key)


def _command(sub: Submission) -> Callable[..., c.Command[Any]]:
    subject = c.MilestoneRef(number=sub.subject) if sub.subject is not None else None
    if sub.form == "milestone":
        return partial(SubmitMilestoneForm, milestone=subject, values=milestone_values(sub),
                       links=sub.links if subject is None else (), shown_channels=sub.channels)
    if sub.form == "checkin":
        if subject is None:
            raise FormErrors({"status": "This form lost track of its milestone; open it again."})
        values = check_check_in(read_check_in(sub.values, asks_percent="percent" in sub.shown))
        return partial(SubmitCheckIn, milestone=subject, values=values)
    if sub.form == "comment":
        return _comment(sub, subject)
    if sub.form == "vacation":
        starts, ends = read_vacation(sub.values)
        return partial(SetVacation, starts=starts, ends=ends)
    if sub.form == "settings":
        return partial(SubmitReminderSettings, values=read_settings(sub.values),
                       before=settings_before(sub.before))
    raise FormErrors({"": "This form does not work any more; open it again."})


def _comment(sub: Submission, subject: c.MilestoneRef | None
             ) -> Callable[..., c.Command[Any]]:
    errors: dict[str, str] = {}
    if subject is None:
        picked = read_number(text_of(sub.values, "milestone").strip().lstrip("#"))
        if isinstance(picked, float) and picked == int(picked) and 0 < picked < 2**31:
            subject = c.MilestoneRef(number=int(picked))
        else:
            errors["milestone"] = "Pick a milestone."
    text = text_of(sub.values, "text").strip()
    if not text:
        errors["text"] = "The comment is empty."
    if errors:
        raise FormErrors(errors)
    assert subject is not None
    return partial(c.AddComment, milestone=subject, text=text,
                   mentions=mentions_in(text, sub.mention_prefix))


def milestone_values(sub: Submission) -> MilestoneFormValues:
    """The milestone form checked (people as the platform resolved them, or `@handle`s)."""
    submitted, parent = read_milestone(sub.values)
    errors: dict[str, str] = {}
    if isinstance(parent, Unreadable) or (parent is not None and (
            parent != int(parent) or not 0 < parent < 2**31)):
        errors["parent"] = "A milestone's #number, like 3."
    if sub.people is not None:
        owners = sub.people.get("owner", ())
        members = sub.people.get("members", ())
    else:
        owners, members = _handles(sub.values, errors)
    try:
        checked = check_milestone_form(submitted)
    except FormErrors as wrong:
        raise FormErrors({**errors, **wrong.errors}) from None
    if errors:
        raise FormErrors(errors)
    channel = text_of(sub.values, "channel").strip()
    return MilestoneFormValues(
        title=checked.title, description=checked.description, kind=checked.kind,
        parent=int(parent) if isinstance(parent, float) else None,
        owner=owners[0] if owners else None, members=members,
        start=checked.start, due=checked.due, priority=checked.priority,
        criterion=checked.criterion, current=checked.current,
        channel=channel if sub.channels and channel.startswith(sub.channels) else None)


def _handles(values: Mapping[str, str], errors: dict[str, str]
             ) -> tuple[tuple[c.UserRef, ...], tuple[c.UserRef, ...]]:
    owner = handles_in(text_of(values, "owner"))
    if owner is None or len(owner) > 1:
        errors["owner"] = "One person, as @handle."
    members = handles_in(text_of(values, "members"))
    if members is None:
        errors["members"] = "People as @handles, like @ann @bob."
    return (tuple(c.UserRef(handle=h) for h in owner or ()),
            tuple(c.UserRef(handle=h) for h in members or ()))
