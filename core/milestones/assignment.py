"""Who works on a milestone: assigning an owner and helpers, watching, and telling the people a
change gives work to."""

from __future__ import annotations

from datetime import datetime

from core.commands import Assign, Watch
from core.events import MilestoneAssigned, WatchersChanged
from core.milestones.card_loader import milestone_card, one_card
from core.milestones.due_dates import keep_moment
from core.model import MemberRole, Milestone, UserId
from core.permissions import Right
from core.ports import UnitOfWork
from core.tenancy import User
from core.use_case import (
    Deps,
    Outcome,
    Step,
    acting_on,
    authorize,
    current_user,
    find_milestone,
    label,
    notify,
    reader,
    resolve_users,
)
from core.views import MilestoneCard


async def assign(cmd: Assign, deps: Deps) -> MilestoneCard:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me, m = await acting_on(tx, cmd.actor, cmd.milestone, Right.EDIT)
        people = await resolve_users(tx, cmd.people)
        step = Step(tx, me, deps.clock.now(), deps.clock)
        return await one_card(step, m, await assign_in(step, m, people))


async def assign_in(step: Step, m: Milestone, people: list[User]) -> Outcome:
    """The first person owns `m`, the others help; each is told what they became."""
    tx, me, now = step.tx, step.me, step.now
    owner, helpers = people[0], people[1:]
    assert owner.id is not None
    previous = m.owner_id
    if owner.id != previous:
        before = await tx.users.get(previous)
        keep_moment(m, before.timezone if before else owner.timezone, owner.timezone)
        m.remove_member(owner.id)
        m.owner_id = owner.id
        m.add_member(previous, MemberRole.WATCHER)
    added = []
    for helper in helpers:
        assert helper.id is not None
        if m.add_member(helper.id, MemberRole.CONTRIBUTOR):
            added.append(helper.id)
    m.updated_at = now
    await tx.milestones.save(m)
    await tx.publish(MilestoneAssigned(
        tenant_id=m.tenant_id, milestone_id=m.id, actor_id=me.id, at=now, owner_id=owner.id,
        previous_owner_id=previous, contributors=tuple(h.id for h in helpers if h.id)))
    await tell_owner_and_helpers(tx, m, me, now, owner=owner.id if owner.id != previous else None,
                                 helpers=added)
    helped = f", helped by {', '.join('@' + h.handle for h in helpers)}" if helpers else ""
    return Outcome(f"@{owner.handle} owns {m.ref}{helped}")


async def tell_owner_and_helpers(tx: UnitOfWork, m: Milestone, me: User, at: datetime, *,
                                 owner: UserId | None, helpers: list[UserId]) -> None:
    """The new owner is given the milestone; a contributor is asked to help with it."""
    await notify(tx, [owner], kind="assigned", text=f"@{me.handle} gave you {label(m)}",
                 milestone=m, actor=me, at=at)
    await notify(tx, [h for h in helpers if h != owner], kind="assigned",
                 text=f"@{me.handle} asked you to help with {label(m)}", milestone=m, actor=me,
                 at=at)


async def watch(cmd: Watch, deps: Deps) -> MilestoneCard:
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        m = await find_milestone(tx, cmd.milestone, lock=True)
        people = await resolve_users(tx, cmd.people) if cmd.people else [me]
        if any(p.id != me.id for p in people):
            await authorize(tx, me, Right.EDIT, m)
        changed = []
        for person in people:
            assert person.id is not None
            done = m.remove_member(person.id) if cmd.stop else m.add_member(
                person.id, MemberRole.WATCHER)
            if done:
                changed.append(person.id)
        names = ", ".join("@" + p.handle for p in people)
        verb = "stopped watching" if cmd.stop else "watching"
        if changed:
            m.updated_at = now
            await tx.milestones.save(m)
            added, removed = ((), tuple(changed)) if cmd.stop else (tuple(changed), ())
            await tx.publish(WatchersChanged(
                tenant_id=m.tenant_id, milestone_id=m.id, actor_id=me.id, at=now,
                added=added, removed=removed))
        headline = f"{names} {'stopped watching' if cmd.stop else 'now watching'} {m.ref}"
        if not changed:
            headline = f"{names}: nothing to change ({verb} {m.ref} already, or the owner)"
        view = await milestone_card(tx, m, reader(me, deps.clock), headline=headline)
        await tx.commit()
    return view
