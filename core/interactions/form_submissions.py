"""Submitted forms (`core.interactions.forms`), each carried out in ONE unit of work.

A form runs the same use cases the typed commands do, in the order in which each change is
valid on its own (a move that could make a loop first; the start and due dates in the order in
which both hold), all inside `one_unit_of_work`: a refusal of any part rolls back every part
before it, and names the form field to show it on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import core.milestones.assignment as assignment
import core.milestones.changes as milestones
import core.milestones.criteria as criteria
import core.milestones.due_dates as due_dates
import core.milestones.progress as progress
import core.milestones.queries as queries
from core import commands as c
from core.errors import Conflict, DomainError, InvalidInput, NotFound, UnknownReference
from core.interactions.forms import MilestoneFormValues, SubmitCheckIn, SubmitMilestoneForm
from core.interactions.one_unit import one_unit_of_work
from core.model import MemberRole, Milestone, UserId
from core.ports import UnitOfWork
from core.use_case import Deps, find_milestone, resolve_user
from core.views import MilestoneCard, Notice, Tone, View

_STEPS: dict[type[c.AnyCommand], Callable[[Any, Deps], Awaitable[View]]] = {
    c.MoveMilestone: milestones.move_milestone,
    c.EditMilestone: milestones.edit_milestone,
    c.ChangeDueDate: due_dates.change_due_date,
    c.Assign: assignment.assign,
    c.Watch: assignment.watch,
    c.SetCriterion: criteria.set_criterion,
    c.RecordMeasurement: criteria.record_measurement,
    c.ClearCriterion: criteria.clear_criterion,
    c.UpdateProgress: progress.update_progress,
}
_FIELD_OF: dict[type[c.AnyCommand], str] = {
    c.MoveMilestone: "parent", c.ChangeDueDate: "due", c.Assign: "owner", c.Watch: "members",
    c.SetCriterion: "crit_metric", c.RecordMeasurement: "crit_metric",
    c.ClearCriterion: "crit_metric",
}


def refused(field: str, error: DomainError) -> InvalidInput:
    """A refusal of one part of a form, shown on `field`."""
    return InvalidInput(field, error.message, hint=error.hint)


async def _run(step: c.AnyCommand, deps: Deps) -> View:
    try:
        return await _STEPS[type(step)](step, deps)
    except InvalidInput:
        raise  # its field names the form field already
    except (Conflict, NotFound) as error:
        raise refused(_FIELD_OF.get(type(step), "title"), error) from None


async def submit_milestone_form(cmd: SubmitMilestoneForm, deps: Deps) -> View:
    if cmd.milestone is None:
        return await _create(cmd, deps)
    return await _edit(cmd, cmd.milestone, deps)


async def _create(cmd: SubmitMilestoneForm, deps: Deps) -> MilestoneCard:
    form, actor = cmd.values, cmd.actor
    create = c.CreateMilestone(
        actor=actor, kind=form.kind, title=form.title, description=form.description,
        due=form.due, start=form.start, owner=form.owner,
        contributors=tuple(m for m in form.members if m != form.owner),
        parent=c.MilestoneRef(number=form.parent) if form.parent else None,
        priority=form.priority, channel=form.channel, links=cmd.links)
    async with one_unit_of_work(deps, actor.tenant_id) as (tx, inner):
        try:
            view = await milestones.create_milestone(create, inner)
        except (Conflict, NotFound) as error:
            raise refused(_create_field(error, form), error) from None
        if form.criterion is not None:
            ref = c.MilestoneRef(number=view.line.number)
            crit = form.criterion
            await _run(c.SetCriterion(actor=actor, milestone=ref, metric=crit.metric,
                                      start=crit.start, target=crit.target, unit=crit.unit),
                       inner)
            if form.current is not None and form.current != crit.start:
                await _run(c.RecordMeasurement(actor=actor, milestone=ref,
                                               current=form.current), inner)
            shown = await queries.show_milestone(c.ShowMilestone(actor=actor, milestone=ref),
                                                 inner)
            view = replace(shown, headline=view.headline)
        await tx.commit()
    return view


#: The form's field for each part of a new milestone the core names in an UnknownReference.
_FORM_FIELD = {"parent": "parent", "owner": "owner", "contributors": "members"}


def _create_field(error: DomainError, form: MilestoneFormValues) -> str:
    """Where a refused creation is shown: the field the core named (an unknown parent or
    person), else the parent when the refusal is about it (a closed one), else the owner."""
    if isinstance(error, UnknownReference) and error.field in _FORM_FIELD:
        return _FORM_FIELD[error.field]
    parent = form.parent is not None and f"#{form.parent}" in error.message
    return "parent" if parent else "owner"


async def _edit(cmd: SubmitMilestoneForm, ref: c.MilestoneRef, deps: Deps) -> View:
    form, actor = cmd.values, cmd.actor
    async with one_unit_of_work(deps, actor.tenant_id) as (tx, inner):
        m = await find_milestone(tx, ref)
        parent = await tx.milestones.get(m.parent_id) if m.parent_id else None
        steps: list[c.AnyCommand] = []
        if form.parent != (parent.number if parent else None):
            steps.append(c.MoveMilestone(actor=actor, milestone=ref, parent=c.MilestoneRef(
                number=form.parent) if form.parent else None))
        edit = _edit_command(cmd, ref, m)
        due = c.ChangeDueDate(actor=actor, milestone=ref, due=form.due) if (
            form.due != m.due_date) else None
        # Each date change is checked against the other's current value: pick the order in
        # which both are valid (one always is, since the form checked start <= due).
        start_first = edit is None or edit.start is None or m.due_date is None or (
            edit.start <= m.due_date)
        steps += [x for x in ((edit, due) if start_first else (due, edit)) if x is not None]
        steps += await _assignment(tx, actor, ref, m, form)
        steps += _criterion_steps(actor, ref, m, form)
        if not steps:
            return Notice(text=f"Nothing changed on {m.ref}.", tone=Tone.INFO)
        for step in steps:
            await _run(step, inner)
        shown = await queries.show_milestone(c.ShowMilestone(actor=actor, milestone=ref), inner)
        await tx.commit()
    return replace(shown, headline=f"Saved {m.ref}")


async def _assignment(tx: UnitOfWork, actor: c.Actor, ref: c.MilestoneRef, m: Milestone,
                      form: MilestoneFormValues) -> list[c.AnyCommand]:
    try:
        owner_id = (await resolve_user(tx, form.owner)).id if form.owner else m.owner_id
    except NotFound as error:
        raise refused("owner", error) from None
    wanted: set[UserId] = set()
    for member in form.members:
        try:
            found = (await resolve_user(tx, member)).id
        except NotFound as error:
            raise refused("members", error) from None
        if found is not None:
            wanted.add(found)
    assert owner_id is not None
    wanted.discard(owner_id)
    current = m.member_ids(MemberRole.CONTRIBUTOR)
    added = wanted - current
    steps: list[c.AnyCommand] = []
    if owner_id != m.owner_id or added:
        # The first person named becomes the owner, the others contributors.
        people = [await _ref_of(tx, u) for u in [owner_id, *sorted(added)]]
        steps.append(c.Assign(actor=actor, milestone=ref, people=tuple(people)))
    removed = current - wanted - {owner_id}
    if removed:
        refs = [await _ref_of(tx, u) for u in sorted(removed)]
        steps.append(c.Watch(actor=actor, milestone=ref, people=tuple(refs), stop=True))
    return steps


async def _ref_of(tx: UnitOfWork, user_id: UserId) -> c.UserRef:
    user = await tx.users.get(user_id)
    return c.UserRef(handle=user.handle if user else None)


def _edit_command(cmd: SubmitMilestoneForm, ref: c.MilestoneRef, m: Milestone
                  ) -> c.EditMilestone | None:
    form = cmd.values
    shown = bool(m.channel) and m.channel is not None and m.channel.startswith(
        cmd.shown_channels) and bool(cmd.shown_channels)
    changes = {
        "title": form.title if form.title != m.title else None,
        "description": form.description if form.description != m.description else None,
        "kind": form.kind if form.kind != m.kind else None,
        "priority": form.priority if form.priority != m.priority else None,
        "start": form.start if form.start != m.start_date else None,
        "channel": form.channel if form.channel and form.channel != m.channel else None,
        # Emptied in the form: the start date, and a home channel the form showed (not one
        # typed elsewhere as a plain `#name`, which the form cannot show).
        "clear_start": form.start is None and m.start_date is not None,
        "clear_channel": not form.channel and shown,
    }
    if all(v is None or v is False for v in changes.values()):
        return None
    return c.EditMilestone(actor=cmd.actor, milestone=ref, **changes)  # type: ignore[arg-type]


def _criterion_steps(actor: c.Actor, ref: c.MilestoneRef, m: Milestone,
                     form: MilestoneFormValues) -> list[c.AnyCommand]:
    old, new = m.criterion, form.criterion
    if new is None:
        return [c.ClearCriterion(actor=actor, milestone=ref)] if old is not None else []
    steps: list[c.AnyCommand] = []
    if old is None or (old.metric, old.start, old.target, old.unit) != (
            new.metric, new.start, new.target, new.unit):
        steps.append(c.SetCriterion(actor=actor, milestone=ref, metric=new.metric,
                                    start=new.start, target=new.target, unit=new.unit))
    if form.current is not None and (old is None or form.current != old.current):
        steps.append(c.RecordMeasurement(actor=actor, milestone=ref, current=form.current))
    return steps


async def submit_check_in(cmd: SubmitCheckIn, deps: Deps) -> View:
    form, ref = cmd.values, cmd.milestone
    view: View = Notice(text="Nothing to record.", tone=Tone.INFO)
    reports = (form.percent is not None or form.status is not None or bool(form.notes)
               or bool(form.blockers))
    if form.current is None and not reports:
        return view
    async with one_unit_of_work(deps, cmd.actor.tenant_id) as (tx, inner):
        if form.current is not None:
            view = await criteria.record_measurement(c.RecordMeasurement(
                actor=cmd.actor, milestone=ref, current=form.current), inner)
        if reports:
            view = await progress.update_progress(c.UpdateProgress(
                actor=cmd.actor, milestone=ref, percent=form.percent, status=form.status,
                notes=form.notes, blockers=form.blockers), inner)
        await tx.commit()
    return view
