"""Forms in Teams: `task/fetch` opens the core's form as a task module, `task/submit` reads it.

- `task/fetch` carries the button's data (`cards.submit`: verb `new`, `edit`, `checkin`,
  `comment`, `vacation`, `settings`; arg `#N` or a title for `new`); the answer is the core's
  form (`core.interactions.form_opening`) rendered by `render_forms`.
- `task/submit` carries the form's data with the inputs' values under the core's field names.
  They are read and checked by the core (`form_specs`, `validation`); a wrong field sends the
  SAME form back with what was typed and the error under that field, and nothing is saved.
  A valid form becomes one core command (`SubmitMilestoneForm`, `SubmitCheckIn`, `AddComment`,
  `SetVacation`) whose idempotency key is the activity's id: a retried delivery saves once.
  The module closes with a short message and the answer (the milestone's card) is posted in the
  conversation.
- Reminder settings has no core form yet: it answers with the settings card, whose buttons
  change them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bots.teams import render_forms
from bots.teams.people import identity_prefix
from core import commands as c
from core.bus import Deps, execute
from core.errors import DomainError, InvalidInput
from core.field_checks import TITLE_MAX
from core.grammar.parser import parse
from core.humanize import local_today
from core.interactions import form_specs as specs
from core.interactions.form_opening import (
    open_check_in_form,
    open_comment_form,
    open_milestone_form,
)
from core.interactions.forms import (
    CheckInValues,
    MilestoneFormValues,
    SubmitCheckIn,
    SubmitMilestoneForm,
)
from core.interactions.idempotency import AlreadyDone
from core.interactions.validation import (
    FormErrors,
    Unreadable,
    check_check_in,
    check_milestone_form,
)
from core.nudges.commands import SetVacation, ShowReminderSettings
from core.text import mentions_in
from core.views import View

FORM_OF_VERB = {"new": "milestone", "edit": "milestone", "checkin": "checkin",
                "comment": "comment", "vacation": "vacation", "milestone": "milestone"}
RESERVED = frozenset({"cairn", "msteams"})


@dataclass(frozen=True, slots=True)
class Answer:
    """What the invoke answers, and the view to post in the conversation (if any)."""

    body: dict[str, Any]
    view: View | None = None


def _number(arg: str) -> int | None:
    text = arg.strip().removeprefix("#")
    return int(text) if text.isdigit() and len(text) <= 9 else None


class TaskModules:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def form(self, actor: c.Actor, verb: str, arg: str) -> specs.Form | None:
        """The core's form a button opens; None for a button that opens none."""
        number = _number(arg)
        kind = FORM_OF_VERB.get(verb)
        if kind == "milestone":
            if verb == "new" or number is None:
                return await open_milestone_form(self.deps, actor, None,
                                                 title=arg.strip()[:TITLE_MAX])
            return await open_milestone_form(self.deps, actor, number)
        if kind == "checkin" and number is not None:
            return await open_check_in_form(self.deps, actor, number)
        if kind == "comment" and number is not None:
            return await open_comment_form(self.deps, actor, number)
        if kind == "vacation":
            return specs.vacation_form()
        return None

    def opener(self, line: str, actor: c.Actor) -> dict[str, Any] | None:
        """`new [title]` and `update #N` typed: a button that opens the form (Teams opens
        task modules only from a button); None for any other line."""
        try:
            today = local_today(self.deps.clock.now(), actor.timezone)
            command = parse(line, actor=actor, today=today)
        except DomainError:
            return None
        if isinstance(command, c.OpenNewForm):
            what = f"New milestone: {command.title}" if command.title else "New milestone"
            return render_forms.opener(what, "New milestone…", "new", command.title)
        if isinstance(command, c.OpenCheckIn) and command.milestone.number is not None:
            ref = f"#{command.milestone.number}"
            return render_forms.opener(f"Check in on {ref}", "Update progress…", "checkin", ref)
        return None

    async def fetch(self, actor: c.Actor, data: dict[str, str]) -> Answer:
        if data["verb"] == "settings":
            view = await execute(ShowReminderSettings(actor=actor), self.deps)
            return Answer(render_forms.closed("Your reminder settings are below."), view)
        form = await self.form(actor, data["verb"], data["arg"])
        if form is None:
            return Answer(render_forms.closed("That button does not open a form any more."))
        return Answer(render_forms.task_module(form))

    async def submit(self, actor: c.Actor, data: dict[str, str], raw: Mapping[str, object],
                     *, tenant: str, key: str) -> Answer:
        verb = "edit" if data["verb"] == "milestone" and data["arg"] else data["verb"]
        form = await self.form(actor, verb, data["arg"])
        if form is None:
            return Answer(render_forms.closed("That form does not work any more."))
        typed = {k: v for k, v in raw.items() if isinstance(v, str) and k not in RESERVED}
        try:
            command = self.command(form, actor, typed, tenant=tenant, key=key)
            view = await execute(command, self.deps)
        except FormErrors as wrong:
            return Answer(render_forms.task_module(form.with_errors(wrong.errors, typed)))
        except InvalidInput as wrong:
            text = wrong.message[:1].upper() + wrong.message[1:]
            if wrong.hint:
                text += f" Try: {wrong.hint}"
            return Answer(render_forms.task_module(
                form.with_errors({wrong.field: text}, typed)))
        except AlreadyDone:
            return Answer(render_forms.closed("Already saved."))
        except DomainError as refused:
            return Answer(render_forms.task_module(
                form.with_errors({"": _sentence(refused)}, typed)))
        return Answer(render_forms.closed("Saved."), view)

    def command(self, form: specs.Form, actor: c.Actor, typed: Mapping[str, str], *,
                tenant: str, key: str) -> c.Command[Any]:
        """The submission as one core command; FormErrors for fields the core refuses."""
        subject = c.MilestoneRef(number=form.subject) if form.subject is not None else None
        if form.name == "milestone":
            return self._milestone(actor, subject, typed, key)
        if form.name == "checkin" and subject is not None:
            values: CheckInValues = check_check_in(specs.read_check_in(typed, form))
            return SubmitCheckIn(actor=actor, milestone=subject, values=values,
                                 idempotency_key=key)
        if form.name == "comment" and subject is not None:
            text = specs.text_of(typed, "text").strip()
            if not text:
                raise FormErrors({"text": "Write something to post."})
            return c.AddComment(actor=actor, milestone=subject, text=text,
                                mentions=mentions_in(text, identity_prefix(tenant)),
                                idempotency_key=key)
        starts, ends = (specs.read_day(typed.get(n)) for n in ("starts", "ends"))
        if not isinstance(starts, date) or not isinstance(ends, date):
            raise FormErrors({n: d.why if isinstance(d, Unreadable) else "Pick a day."
                              for n, d in (("starts", starts), ("ends", ends))
                              if not isinstance(d, date)})
        return SetVacation(actor=actor, starts=starts, ends=ends, idempotency_key=key)

    @staticmethod
    def _milestone(actor: c.Actor, subject: c.MilestoneRef | None, typed: Mapping[str, str],
                   key: str) -> SubmitMilestoneForm:
        submitted, parent = specs.read_milestone(typed)
        errors: dict[str, str] = {}
        if isinstance(parent, Unreadable) or (parent is not None and (
                parent != int(parent) or parent < 1)):
            errors["parent"] = "A milestone's #number, like 3."
        owner = specs.handles_in(specs.text_of(typed, "owner"))
        if owner is None or len(owner) > 1:
            errors["owner"] = "One person, as @handle."
        members = specs.handles_in(specs.text_of(typed, "members"))
        if members is None:
            errors["members"] = "People as @handles, like @ann @bob."
        try:
            checked = check_milestone_form(submitted)
        except FormErrors as wrong:
            raise FormErrors({**errors, **wrong.errors}) from None
        if errors:
            raise FormErrors(errors)
        values = MilestoneFormValues(
            title=checked.title, description=checked.description, kind=checked.kind,
            parent=int(parent) if isinstance(parent, float) else None,
            owner=c.UserRef(handle=owner[0]) if owner else None,
            members=tuple(c.UserRef(handle=h) for h in members or ()),
            start=checked.start, due=checked.due, priority=checked.priority,
            criterion=checked.criterion, current=checked.current)
        return SubmitMilestoneForm(actor=actor, milestone=subject, values=values,
                                   idempotency_key=key)


def _sentence(error: DomainError) -> str:
    text = error.message[:1].upper() + error.message[1:]
    text = text if text.endswith((".", "!", "?")) else text + "."
    return f"{text} Try: {error.hint}" if error.hint else text
