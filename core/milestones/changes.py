"""Planning use cases: create, edit, move, cancel, delete (due dates are in `due_dates`,
assigning and watching in `assignment`)."""

from __future__ import annotations

from core.commands import (
    CancelMilestone,
    CreateMilestone,
    DeleteMilestone,
    EditMilestone,
    MoveMilestone,
    OpenNewForm,
)
from core.errors import Conflict, InvalidInput
from core.events import (
    MilestoneCancelled,
    MilestoneCreated,
    MilestoneDeleted,
    MilestoneEdited,
    MilestoneMoved,
)
from core.field_checks import DESCRIPTION_MAX, check_links, check_tags, check_text, check_title
from core.milestones.activity_text import changed_fields
from core.milestones.assignment import tell_owner_and_helpers
from core.milestones.card_loader import committed_card, one_card
from core.milestones.due_dates import check_dates
from core.milestones.rollup import mean_percent, rollup_from
from core.model import Member, MemberRole, Milestone, Status
from core.permissions import Right
from core.ports import MilestoneFilter
from core.use_case import (
    Deps,
    Outcome,
    Step,
    acting_on,
    authorize,
    check_active_limit,
    current_tenant,
    current_user,
    find_milestone,
    label,
    notify,
    resolve_user,
    resolve_users,
)
from core.views import MilestoneCard, Notice, Tone, View


async def create_milestone(cmd: CreateMilestone, deps: Deps) -> MilestoneCard:
    now = deps.clock.now()
    title = check_title(cmd.title)
    description = check_text("description", cmd.description, DESCRIPTION_MAX)
    tags, links = check_tags(cmd.tags), check_links(cmd.links)
    check_dates(cmd.start, cmd.due)
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        tenant = await current_tenant(tx, cmd.actor)
        owner = await resolve_user(tx, cmd.owner, named_as="owner") if cmd.owner else me
        helpers = await resolve_users(tx, cmd.contributors, named_as="contributors")
        parent = await find_milestone(tx, cmd.parent, named_as="parent") if cmd.parent else None
        await authorize(tx, me, Right.UPDATE if parent else Right.CREATE, parent)
        if parent is not None and not parent.is_open:
            raise Conflict(f"{parent.ref} is {parent.status.label.lower()}",
                           hint=f"reopen {parent.ref} first, or pick another parent")
        await check_active_limit(tx, tenant)
        members = [Member(u.id, MemberRole.CONTRIBUTOR) for u in helpers
                   if u.id is not None and u.id != owner.id]
        if me.id != owner.id and me.id not in {m.user_id for m in members}:
            assert me.id is not None
            members.append(Member(me.id, MemberRole.WATCHER))
        assert me.id is not None and owner.id is not None
        m = await tx.milestones.add(Milestone(
            tenant_id=cmd.actor.tenant_id,
            number=await tx.tenants.next_number(cmd.actor.tenant_id),
            kind=cmd.kind, title=title, description=description, owner_id=owner.id,
            parent_id=parent.id if parent else None, start_date=cmd.start, due_date=cmd.due,
            due_time=cmd.due_time if cmd.due else None, priority=cmd.priority,
            weight=cmd.weight, members=members,
            tags=tags, links=links,
            channel=cmd.channel, created_by=me.id, created_at=now, updated_at=now,
        ))
        await tx.publish(MilestoneCreated(
            tenant_id=m.tenant_id, milestone_id=m.id, actor_id=me.id, at=now, number=m.number,
            kind=m.kind.value, title=m.title, parent_id=m.parent_id))
        await rollup_from(tx, m.parent_id, now)
        await tell_owner_and_helpers(tx, m, me, now, owner=owner.id,
                                     helpers=[u.id for u in helpers if u.id is not None])
        return await committed_card(tx, m, me, deps.clock,
                                    headline=f"Created {m.kind.value} {m.ref}")


async def open_new_form(cmd: OpenNewForm, deps: Deps) -> View:
    """Where there is no form (the shell), `new <title>` creates it straight away."""
    if not cmd.title:
        return Notice(text="What should it be called?", tone=Tone.INFO,
                      hint='milestone "Launch beta" due:friday owner:@bob')
    return await create_milestone(
        CreateMilestone(actor=cmd.actor, kind=cmd.kind, title=cmd.title), deps)


async def edit_milestone(cmd: EditMilestone, deps: Deps) -> MilestoneCard:
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me, m = await acting_on(tx, cmd.actor, cmd.milestone, Right.EDIT)
        changes: dict[str, tuple[str, str]] = {}

        def change(name: str, old: object, new: object) -> None:
            if new is not None and new != old:
                changes[name] = (str(old or ""), str(new))
                setattr(m, name, new)

        change("title", m.title, check_title(cmd.title) if cmd.title is not None else None)
        if cmd.description is not None:
            change("description", m.description,
                   check_text("description", cmd.description, DESCRIPTION_MAX))
        change("kind", m.kind, cmd.kind)
        change("priority", m.priority, cmd.priority)
        if cmd.start is not None:
            check_dates(cmd.start, m.due_date)
            change("start_date", m.start_date, cmd.start)
        elif cmd.clear_start and m.start_date is not None:
            changes["start_date"] = (str(m.start_date), "")
            m.start_date = None
        change("tags", m.tags, check_tags(cmd.tags) if cmd.tags else None)
        if cmd.links:
            change("links", m.links, check_links([*m.links, *cmd.links]))
        change("channel", m.channel, cmd.channel)
        if cmd.clear_channel and cmd.channel is None and m.channel:
            changes["channel"] = (m.channel, "")
            m.channel = None
        change("weight", m.weight, cmd.weight)
        if not changes:
            raise InvalidInput("text", "nothing changed", hint=f'edit {m.ref} title:"New title"')
        m.updated_at = now
        await tx.milestones.save(m)
        await tx.publish(MilestoneEdited(tenant_id=m.tenant_id, milestone_id=m.id,
                                         actor_id=me.id, at=now, changes=changes))
        if "weight" in changes:
            await rollup_from(tx, m.parent_id, now)
        return await committed_card(tx, m, me, deps.clock,
                                    headline=f"Changed {changed_fields(changes)}")


async def move_milestone(cmd: MoveMilestone, deps: Deps) -> MilestoneCard:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me, m = await acting_on(tx, cmd.actor, cmd.milestone, Right.EDIT)
        parent = await find_milestone(tx, cmd.parent, named_as="parent") if cmd.parent else None
        step = Step(tx, me, deps.clock.now(), deps.clock)
        return await one_card(step, m, await move_in(step, m, parent))


async def move_in(step: Step, m: Milestone, parent: Milestone | None) -> Outcome:
    """Puts `m` under `parent` (None: at the top), never under itself or what is under it."""
    tx, me, now = step.tx, step.me, step.now
    assert m.id is not None
    if parent is not None:
        if parent.id == m.id:
            raise Conflict(f"{m.ref} cannot be under itself",
                           hint=f"move {m.ref} under another number · move {m.ref} to top")
        if parent.id in await tx.milestones.descendant_ids(m.id):
            raise Conflict(f"{parent.ref} is inside {m.ref}; that would make a loop",
                           hint=f"move {parent.ref} out first: move {parent.ref} to top")
        await authorize(tx, me, Right.UPDATE, parent)
        if not parent.is_open:
            raise Conflict(f"{parent.ref} is {parent.status.label.lower()}",
                           hint=f"reopen {parent.ref} first")
    previous = m.parent_id
    new_parent = parent.id if parent else None
    where = f"under {parent.ref}" if parent else "at the top"
    if previous == new_parent:
        return Outcome(f"{m.ref} is already {where}", changed=False)
    m.parent_id, m.updated_at = new_parent, now
    await tx.milestones.save(m)
    await tx.publish(MilestoneMoved(tenant_id=m.tenant_id, milestone_id=m.id, actor_id=me.id,
                                    at=now, previous_parent_id=previous, parent_id=new_parent))
    await rollup_from(tx, previous, now)
    await rollup_from(tx, new_parent, now)
    return Outcome(f"Moved {m.ref} {'under ' + parent.ref if parent else 'to the top'}")


async def cancel(cmd: CancelMilestone, deps: Deps) -> MilestoneCard:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me, m = await acting_on(tx, cmd.actor, cmd.milestone, Right.EDIT)
        step = Step(tx, me, deps.clock.now(), deps.clock)
        return await one_card(step, m, await cancel_in(step, m, cmd.reason))


async def cancel_in(step: Step, m: Milestone, reason_text: str = "") -> Outcome:
    tx, me, now = step.tx, step.me, step.now
    if m.status == Status.CANCELLED:
        return Outcome(f"{m.ref} was already cancelled", changed=False)
    was_done = m.status == Status.DONE
    m.cancel(now)
    if was_done and m.id is not None:
        # Done showed 100%; cancelled, a parent shows its children again, as the roll-up
        # of any later change would.
        totals = await tx.milestones.children_rollup(m.id)
        if totals is not None and totals[1]:
            m.progress = mean_percent(*totals)
    await tx.milestones.save(m)
    await tx.publish(MilestoneCancelled(tenant_id=m.tenant_id, milestone_id=m.id,
                                        actor_id=me.id, at=now))
    await rollup_from(tx, m.parent_id, now)
    reason = f": {reason_text[:200]}" if reason_text else ""
    await notify(tx, [m.owner_id, *m.member_ids()], kind="cancelled",
                 text=f"@{me.handle} cancelled {label(m)}{reason}", milestone=m, actor=me,
                 at=now)
    return Outcome(f"Cancelled {m.ref}{reason}")


async def delete(cmd: DeleteMilestone, deps: Deps) -> Notice:
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me, m = await acting_on(tx, cmd.actor, cmd.milestone, Right.EDIT)
        assert m.id is not None
        children = await tx.milestones.find(MilestoneFilter(parent_id=m.id, open_only=False))
        if children:
            refs = " ".join(c.ref for c in children[:5])
            raise Conflict(f"{m.ref} has {len(children)} under it ({refs})",
                           hint=f"move or delete them first: move {children[0].ref} to top")
        await tx.milestones.delete(m.id)
        await tx.publish(MilestoneDeleted(tenant_id=m.tenant_id, milestone_id=m.id,
                                          actor_id=me.id, at=now, number=m.number, title=m.title,
                                          parent_id=m.parent_id))
        await rollup_from(tx, m.parent_id, now)
        await tx.commit()
    return Notice(text=f"Deleted {m.ref} “{m.title}”")
