"""Forms in Teams: `task/fetch` opens the core's form as a task module, `task/submit` reads it.

- `task/fetch` carries the button's data (`cards.submit`: verb `new`, `edit`, `checkin`,
  `comment`, `vacation`, `settings`; arg `#N` or a title for `new`); the answer is the core's
  form (`core.interactions.form_opening`) rendered by `render_forms`.
- `task/submit` carries the form's data with the inputs' values under the core's field names.
  They are read and checked by the core (`form_commands`); a wrong field sends the SAME form
  back with what was typed and the error under that field, and nothing is saved. A valid form
  becomes one core command (`SubmitMilestoneForm`, `SubmitCheckIn`, `AddComment`,
  `SetVacation`, `SubmitReminderSettings`) whose idempotency key is the activity's id: a
  retried delivery saves once. The module closes with a short message and the answer (the
  milestone's card, the settings) is posted in the conversation.
- The settings form changes only what differs from what it showed: the form is opened again
  on submit and its initial values are what it showed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
from core.interactions.form_commands import Submission, command_of
from core.interactions.form_opening import (
    open_check_in_form,
    open_comment_form,
    open_milestone_form,
    open_settings_form,
    open_vacation_form,
)
from core.interactions.idempotency import AlreadyDone
from core.interactions.validation import FormErrors
from core.views import View

FORM_OF_VERB = {"new": "milestone", "edit": "milestone", "checkin": "checkin",
                "comment": "comment", "vacation": "vacation", "milestone": "milestone",
                "settings": "settings"}
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
            return open_vacation_form(self.deps, actor)
        if kind == "settings":
            return await open_settings_form(self.deps, actor)
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
            command = command_of(Submission(
                form=form.name, values=typed, subject=form.subject,
                shown=frozenset(f.name for f in form.fields),
                before=form.initial if form.changes_only else {},
                mention_prefix=identity_prefix(tenant)), actor, key)
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


def _sentence(error: DomainError) -> str:
    text = error.message[:1].upper() + error.message[1:]
    text = text if text.endswith((".", "!", "?")) else text + "."
    return f"{text} Try: {error.hint}" if error.hint else text
