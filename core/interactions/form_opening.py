"""The forms as they open: the core's form values (`core.interactions.form_specs`) filled from
the milestone, for who opens them, refused (DomainError) to whoever may not use them.

Each opening is a read in its own unit of work, called by a platform before it shows the form;
the submission then goes through the bus as one command (`SubmitMilestoneForm`,
`SubmitCheckIn`, `AddComment`).
"""

from __future__ import annotations

from core import commands as c
from core.errors import Conflict
from core.interactions.form_specs import (
    Form,
    MilestoneShown,
    check_in_form,
    comment_form,
    milestone_form,
)
from core.milestones.rollup import has_children
from core.model import MemberRole
from core.permissions import Right
from core.use_case import Deps, authorize, current_user, find_milestone


async def open_milestone_form(deps: Deps, actor: c.Actor, number: int | None,
                              title: str = "") -> Form:
    """The new-milestone form (`number` None, the title given so far) or the edit form."""
    if number is None:
        return milestone_form(MilestoneShown(title=title))
    async with deps.uow(actor.tenant_id) as tx:
        me = await current_user(tx, actor)
        m = await find_milestone(tx, c.MilestoneRef(number=number))
        await authorize(tx, me, Right.EDIT, m)
        parent = await tx.milestones.get(m.parent_id) if m.parent_id else None
        contributors = sorted(m.member_ids(MemberRole.CONTRIBUTOR))
        people = await tx.users.get_many([m.owner_id, *contributors])
    crit = m.criterion
    owner = people.get(m.owner_id)
    return milestone_form(MilestoneShown(
        title=m.title, description=m.description, kind=m.kind,
        parent=parent.number if parent else None, owner=f"@{owner.handle}" if owner else "",
        members=tuple(f"@{people[u].handle}" for u in contributors if u in people),
        start=m.start_date, due=m.due_date, priority=m.priority,
        metric=crit.metric if crit else "", crit_start=crit.start if crit else None,
        crit_target=crit.target if crit else None, crit_current=crit.current if crit else None,
        unit=crit.unit if crit else ""), number)


async def open_check_in_form(deps: Deps, actor: c.Actor, number: int) -> Form:
    async with deps.uow(actor.tenant_id) as tx:
        me = await current_user(tx, actor)
        m = await find_milestone(tx, c.MilestoneRef(number=number))
        await authorize(tx, me, Right.UPDATE, m)
        if not m.is_open:
            raise Conflict(f"{m.ref} is {m.status.label.lower()}", hint=f"reopen {m.ref} first")
        assert m.id is not None
        rolled = await has_children(tx, m.id)
    crit = m.criterion
    return check_in_form(m.number, m.title, percent=m.progress, status=m.status,
                         rolled_up=rolled, metric=crit.metric if crit and not rolled else "",
                         current=crit.current if crit else None)


async def open_comment_form(deps: Deps, actor: c.Actor, number: int) -> Form:
    async with deps.uow(actor.tenant_id) as tx:
        me = await current_user(tx, actor)
        m = await find_milestone(tx, c.MilestoneRef(number=number))
        await authorize(tx, me, Right.COMMENT, m)
    return comment_form(m.number, m.title)
