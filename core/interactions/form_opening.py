"""The forms as they open: the core's form values (`core.interactions.form_specs`,
`reminder_form_specs`) filled from the milestone or the settings, for who opens them, refused
(DomainError) to whoever may not use them.

Each opening is a read in its own unit of work, called by a platform before it shows the form;
the submission then goes through `form_commands` and the bus as one command.
"""

from __future__ import annotations

from core import commands as c
from core.errors import Conflict
from core.humanize import local_today
from core.interactions.form_specs import (
    Form,
    MilestoneShown,
    check_in_form,
    comment_form,
    milestone_form,
)
from core.interactions.reminder_form_specs import settings_form, vacation_form
from core.milestones.rollup import has_children
from core.model import Kind, MemberRole
from core.nudges import reminder_settings as reminders
from core.nudges.commands import ShowReminderSettings
from core.permissions import Right
from core.use_case import Deps, authorize, current_user, find_milestone


def new_milestone_form(actor: c.Actor | None = None, *, title: str = "",
                       kind: Kind | None = None, description: str = "",
                       channels: bool = False) -> Form:
    """The new-milestone form, with what the person gave so far; owned by `actor` (who opens
    it) unless changed. Needs no unit of work: a platform can open it at once."""
    shown = MilestoneShown(title=title, description=description, kind=kind or Kind.MILESTONE,
                           owner=f"@{actor.handle}" if actor and actor.handle else "",
                           owner_id=actor.user_id if actor else None)
    return milestone_form(shown, channels=channels)


async def open_milestone_form(deps: Deps, actor: c.Actor, number: int | None,
                              title: str = "", *, channels: tuple[str, ...] = ()) -> Form:
    """The new-milestone form (`number` None, the title given so far) or the edit form;
    `channels`: the channel id prefixes the platform's form can pick a home channel from."""
    if number is None:
        return new_milestone_form(actor, title=title, channels=bool(channels))
    async with deps.uow(actor.tenant_id) as tx:
        me = await current_user(tx, actor)
        m = await find_milestone(tx, c.MilestoneRef(number=number))
        await authorize(tx, me, Right.EDIT, m)
        parent = await tx.milestones.get(m.parent_id) if m.parent_id else None
        contributors = sorted(m.member_ids(MemberRole.CONTRIBUTOR))
        people = await tx.users.get_many([m.owner_id, *contributors])
    crit = m.criterion
    owner = people.get(m.owner_id)
    channel = m.channel if m.channel and channels and m.channel.startswith(channels) else ""
    return milestone_form(MilestoneShown(
        title=m.title, description=m.description, kind=m.kind,
        parent=parent.number if parent else None, parent_title=parent.title if parent else "",
        owner=f"@{owner.handle}" if owner else "", owner_id=m.owner_id,
        members=tuple(f"@{people[u].handle}" for u in contributors if u in people),
        member_ids=tuple(contributors),
        start=m.start_date, due=m.due_date, priority=m.priority,
        metric=crit.metric if crit else "", crit_start=crit.start if crit else None,
        crit_target=crit.target if crit else None, crit_current=crit.current if crit else None,
        unit=crit.unit if crit else "", channel=channel), number, channels=bool(channels))


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


async def open_comment_form(deps: Deps, actor: c.Actor, number: int, *, pick: bool = False
                            ) -> Form:
    """`pick`: the milestone is a field of the form (a platform that searches milestones)."""
    async with deps.uow(actor.tenant_id) as tx:
        me = await current_user(tx, actor)
        m = await find_milestone(tx, c.MilestoneRef(number=number))
        await authorize(tx, me, Right.COMMENT, m)
    return comment_form(m.number, m.title, pick=pick)


def open_vacation_form(deps: Deps, actor: c.Actor) -> Form:
    """*I'm away*, starting today in the person's own time zone."""
    return vacation_form(local_today(deps.clock.now(), actor.timezone))


async def open_settings_form(deps: Deps, actor: c.Actor) -> Form:
    view = await reminders.show_settings(ShowReminderSettings(actor=actor), deps)
    return settings_form(view)
