"""Use cases. `execute` runs a command; `run_text` parses a line first.

Front ends call these two and nothing else of the core's write side.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from core import commands as c
from core.access import commands as access
from core.access import use_cases as tokens
from core.calendar import commands as cal
from core.calendar import use_cases as calendar
from core.errors import DomainError
from core.grammar.help import help_view
from core.grammar.parser import parse
from core.humanize import local_today
from core.interactions import form_submissions, forms, reminder_forms, reminder_submissions
from core.interactions.idempotency import keyed
from core.linking import use_cases as linking
from core.milestones import (
    assignment,
    comments,
    criteria,
    dashboard,
    due_dates,
    progress,
    queries,
    several,
)
from core.milestones import changes as milestones
from core.nudges import reminders
from core.people import use_cases as people
from core.people.commands import ListPeople, SetPlan, SetRole, ShowProfile, UpdateProfile
from core.reports import glance as report_glance
from core.reports import use_cases as reports
from core.retry import once_more_if_disconnected
from core.scoring import use_cases as scoring
from core.use_case import Deps
from core.views import Notice, Tone, View
from core.webhooks import use_cases as webhooks

__all__ = ["Deps", "execute", "failure", "run_text"]

Handler = Callable[[Any, Deps], Awaitable[View]]
R = TypeVar("R", bound=View)


async def _help(cmd: c.ShowHelp, deps: Deps) -> View:
    return help_view(cmd.topic)


HANDLERS: dict[type[c.AnyCommand], Handler] = {
    c.ShowHelp: _help,
    c.OpenNewForm: milestones.open_new_form,
    c.CreateMilestone: milestones.create_milestone,
    c.EditMilestone: milestones.edit_milestone,
    c.ChangeDueDate: due_dates.change_due_date,
    c.MoveMilestone: milestones.move_milestone,
    c.Assign: assignment.assign,
    c.Watch: assignment.watch,
    c.CancelMilestone: milestones.cancel,
    c.DeleteMilestone: milestones.delete,
    c.UpdateProgress: progress.update_progress,
    c.OpenCheckIn: progress.open_check_in,
    c.MarkDone: progress.mark_done,
    c.Reopen: progress.reopen,
    c.ChangeSeveral: several.change_several,
    forms.SubmitMilestoneForm: form_submissions.submit_milestone_form,
    forms.SubmitCheckIn: form_submissions.submit_check_in,
    reminder_forms.SubmitReminderSettings: reminder_submissions.submit_reminder_settings,
    c.SetCriterion: criteria.set_criterion,
    c.RecordMeasurement: criteria.record_measurement,
    c.ClearCriterion: criteria.clear_criterion,
    c.AddComment: comments.add_comment,
    c.ListMilestones: queries.list_milestones,
    c.ShowMilestone: queries.show_milestone,
    c.ShowActivity: queries.show_activity,
    c.ShowInbox: queries.show_inbox,
    ListPeople: people.list_people,
    ShowProfile: people.show_profile,
    UpdateProfile: people.update_profile,
    SetRole: people.set_role,
    SetPlan: people.set_plan,
    cal.ShowCalendarStatus: calendar.show_status,
    cal.ShowCalendarFeed: calendar.show_feed,
    cal.RevokeCalendarFeed: calendar.revoke_feed,
    cal.ChangeCalendarSettings: calendar.change_settings,
    c.ShowDashboard: dashboard.show_dashboard,
    c.SearchMilestones: dashboard.search_milestones,
    **reminders.HANDLERS,
    **scoring.HANDLERS,
    **reports.HANDLERS,
    **report_glance.HANDLERS,
    access.CreateToken: tokens.create_token,
    access.ListTokens: tokens.list_tokens,
    access.RevokeToken: tokens.revoke_token,
    **webhooks.HANDLERS,
    **linking.HANDLERS,
}


#: Read commands whose answers `deps.views` may reuse (see core.view_cache).
CACHEABLE: frozenset[type[c.AnyCommand]] = frozenset({c.ListMilestones})


async def execute(command: c.Command[R], deps: Deps) -> R:
    """Runs one command; expected failures raise DomainError subclasses.

    A command whose database connection died before it committed anything runs once more
    (`core.retry`); if that fails too, `StorageUnavailable` says so plainly. A command
    with an idempotency key is carried out once for that key (`core.interactions.idempotency`);
    a repeat raises `AlreadyDone`.
    """
    handler = HANDLERS.get(type(command))
    if handler is None:
        raise TypeError(f"no use case handles {type(command).__name__}")

    async def run(deps: Deps) -> R:
        # Each handler answers its command's type (HANDLERS pairs them; mypy checks each
        # handler's signature, and tests/unit/test_typed_results.py the pairing).
        if deps.views is not None and type(command) in CACHEABLE:
            return cast(R, await deps.views.answer(command, lambda: handler(command, deps)))
        return cast(R, await handler(command, deps))

    if command.idempotency_key:
        return await once_more_if_disconnected(lambda d: keyed(command, d, run), deps)
    return await once_more_if_disconnected(run, deps)


def failure(error: DomainError) -> Notice:
    return Notice(text=_sentence(error.message), tone=Tone.ERROR, hint=error.hint)


async def run_text(text: str, actor: c.Actor, deps: Deps, *, identity_prefix: str = "") -> View:
    """Parses and runs a line; expected failures come back as an error notice."""
    try:
        today = local_today(deps.clock.now(), actor.timezone)
        command = parse(text, actor=actor, today=today, identity_prefix=identity_prefix)
        return await execute(command, deps)
    except DomainError as error:
        return failure(error)


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith((".", "!", "?")) else ".")
