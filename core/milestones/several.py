"""Several milestones changed by one command (`done #2 #3`, `due #4 #5 friday`).

One unit of work: each milestone is checked and changed exactly as it would be alone, and the
first refusal undoes them all (the answer says so), so a half-applied command never happens.
The answer lists every milestone named, as it ends up.
"""

from __future__ import annotations

from datetime import date

from core.commands import (
    Assign,
    CancelMilestone,
    ChangeDueDate,
    ChangeSeveral,
    MarkDone,
    MilestoneRef,
    MoveMilestone,
    Reopen,
    SeveralChange,
    UpdateProgress,
)
from core.errors import Conflict, DomainError
from core.humanize import day_text, plural
from core.milestones.assignment import assign_in
from core.milestones.cards import line
from core.milestones.changes import cancel_in, move_in
from core.milestones.due_dates import due_in
from core.milestones.progress import done_in, reopen_in, update_in
from core.model import Milestone, MilestoneId
from core.permissions import Right
from core.ports import MilestoneFilter, UnitOfWork
from core.tenancy import User
from core.use_case import (
    Deps,
    Outcome,
    Step,
    authorize,
    current_user,
    find_milestone,
    reader,
    resolve_users,
)
from core.views import ListSection, MilestoneList


async def change_several(cmd: ChangeSeveral, deps: Deps) -> MilestoneList:
    change = cmd.change
    typed = " ".join(str(ref) for ref in cmd.milestones)
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        step = Step(tx, me, deps.clock.now(), deps.clock)
        try:
            targets = [await find_milestone(tx, ref, lock=True) for ref in cmd.milestones]
            right = Right.UPDATE if isinstance(change, MarkDone | Reopen | UpdateProgress) \
                else Right.EDIT
            for m in targets:
                await authorize(tx, me, right, m)
            apply = await _applier(step, change)
            outcomes: list[tuple[Milestone, Outcome]] = []
            for m in await _children_first(tx, targets, change, typed):
                assert m.id is not None
                # Read again: an earlier change may have rolled progress up into this one.
                fresh = await find_milestone(tx, MilestoneRef(id=m.id), lock=True)
                outcomes.append((fresh, await apply(fresh)))
        except DomainError as error:
            error.message = f"{error.message}, so none of {typed} changed"
            raise
        view = await _answer(step, apply, targets, outcomes)
        if any(outcome.changed for _, outcome in outcomes):
            await tx.commit()
    return view


class _Apply:
    """The change of one milestone, with what every milestone shares read once."""

    def __init__(self, step: Step, change: SeveralChange, *, people: list[User] | None = None,
                 parent: Milestone | None = None) -> None:
        self.step, self.change, self.people, self.parent = step, change, people, parent

    async def __call__(self, m: Milestone) -> Outcome:
        step, change = self.step, self.change
        if isinstance(change, MarkDone):
            return await done_in(step, m, change.notes)
        if isinstance(change, Reopen):
            return await reopen_in(step, m)
        if isinstance(change, CancelMilestone):
            return await cancel_in(step, m, change.reason)
        if isinstance(change, UpdateProgress):
            return await update_in(step, m, change)
        if isinstance(change, Assign):
            assert self.people is not None
            return await assign_in(step, m, self.people)
        if isinstance(change, ChangeDueDate):
            return await due_in(step, m, change.due, change.due_time)
        return await move_in(step, m, self.parent)


async def _applier(step: Step, change: SeveralChange) -> _Apply:
    if isinstance(change, Assign):
        return _Apply(step, change, people=await resolve_users(step.tx, change.people))
    if isinstance(change, MoveMilestone) and change.parent is not None:
        return _Apply(step, change, parent=await find_milestone(step.tx, change.parent,
                                                               named_as="parent"))
    return _Apply(step, change)


def _closes(change: SeveralChange) -> bool:
    return isinstance(change, MarkDone) or (
        isinstance(change, UpdateProgress) and change.percent == 100 and change.status is None)


async def _children_first(tx: UnitOfWork, targets: list[Milestone], change: SeveralChange,
                          typed: str) -> list[Milestone]:
    """Closing a parent with its children (`done #2 #3 #4`): the children close first, so the
    parent finds nothing open under it. Other changes keep the order typed."""
    if not _closes(change):
        return targets
    ids = {m.id for m in targets}
    below: dict[MilestoneId | None, set[MilestoneId | None]] = {}
    for m in targets:
        open_children = await tx.milestones.find(MilestoneFilter(parent_id=m.id))
        left = [c.ref for c in open_children if c.id not in ids]
        if m.is_open and left:
            shown = " ".join(left[:5]) + (" …" if len(left) > 5 else "")
            raise Conflict(f"{m.ref} still has {plural(len(left), 'open milestone')} under it "
                           f"({shown})", hint=f"close them with it: done {typed} {shown} · "
                                              "or cancel what is not needed")
        below[m.id] = {c.id for c in open_children} & ids
    ordered: list[Milestone] = []
    placed: set[MilestoneId | None] = set()
    pending = list(targets)
    while pending:
        ready = [m for m in pending if below[m.id] <= placed] or pending
        ordered += ready
        placed |= {m.id for m in ready}
        pending = [m for m in pending if m.id not in placed]
    return ordered


async def _answer(step: Step, apply: _Apply, targets: list[Milestone],
                  outcomes: list[tuple[Milestone, Outcome]]) -> MilestoneList:
    rd = reader(step.me, step.clock)
    ids = [m.id for m in targets if m.id is not None]
    found = {m.id: m for m in await step.tx.milestones.find(
        MilestoneFilter(ids=ids, open_only=False))}
    now = [found[i] for i in ids if i in found]
    users = await step.tx.users.get_many({m.owner_id for m in now})
    changed = [m.ref for m, outcome in outcomes if outcome.changed]
    unchanged = [outcome.headline for _, outcome in outcomes if not outcome.changed]
    parts = [_headline(apply, changed, rd.today)] if changed else []
    icon = "✅" if changed else "💬"
    title = f"{icon} " + " · ".join(parts + unchanged)
    lines = tuple(line(m, users, rd) for m in now)
    return MilestoneList(title=title, sections=(ListSection(title="", lines=lines),),
                         total=len(lines))


def _headline(apply: _Apply, refs: list[str], today: date) -> str:
    change = apply.change
    names = refs[0] if len(refs) == 1 else ", ".join(refs[:-1]) + " and " + refs[-1]
    if isinstance(change, MarkDone):
        return f"Done: {names} 🎉"
    if isinstance(change, Reopen):
        return f"Reopened {names}"
    if isinstance(change, CancelMilestone):
        return f"Cancelled {names}" + (f": {change.reason[:200]}" if change.reason else "")
    if isinstance(change, UpdateProgress):
        how = [f"{change.percent}%"] if change.percent is not None else []
        how += [change.status.label.lower()] if change.status is not None else []
        return f"Updated {names}" + (f": {', '.join(how)}" if how else "")
    if isinstance(change, Assign) and apply.people:
        owner, helpers = apply.people[0], apply.people[1:]
        helped = f", helped by {', '.join('@' + h.handle for h in helpers)}" if helpers else ""
        return f"@{owner.handle} owns {names}{helped}"
    if isinstance(change, ChangeDueDate):
        if change.due is None:
            return f"{names} {'has' if len(refs) == 1 else 'have'} no due date any more"
        when = day_text(change.due, today)
        when += f" {change.due_time:%H:%M}" if change.due_time is not None else ""
        return f"{names} {'is' if len(refs) == 1 else 'are'} now due {when}"
    if isinstance(change, MoveMilestone):
        where = f"under {change.parent}" if change.parent is not None else "to the top"
        return f"Moved {names} {where}"
    return f"Changed {names}"
