"""Due dates: checking a start and due date, changing a due date (one milestone or several), and
saying it in the owner's time."""

from __future__ import annotations

from datetime import date, datetime, time

from core.commands import ChangeDueDate
from core.errors import InvalidInput
from core.events import DueDateChanged
from core.humanize import same_moment
from core.milestones.card_loader import one_card
from core.milestones.cards import Reader, deadline
from core.model import Milestone
from core.permissions import Right
from core.ports import UnitOfWork
from core.tenancy import User
from core.use_case import Deps, Outcome, Step, acting_on, label, notify, reader
from core.views import MilestoneCard


def check_dates(start: date | None, due: date | None) -> None:
    if start is not None and due is not None and start > due:
        raise InvalidInput("start", f"it would start ({start}) after it is due ({due})",
                           hint="start:2026-12-01 due:2026-12-31")


async def change_due_date(cmd: ChangeDueDate, deps: Deps) -> MilestoneCard:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me, m = await acting_on(tx, cmd.actor, cmd.milestone, Right.EDIT)
        step = Step(tx, me, deps.clock.now(), deps.clock)
        return await one_card(step, m, await due_in(step, m, cmd.due, cmd.due_time))


async def due_in(step: Step, m: Milestone, due: date | None, due_time: time | None) -> Outcome:
    tx, me, now = step.tx, step.me, step.now
    due_time = due_time if due is not None else None
    check_dates(m.start_date, due)
    rd = reader(me, step.clock)
    owner = await tx.users.get(m.owner_id)
    if (m.due_date, m.due_time) == (due, due_time):
        if due is None:
            return Outcome(f"{m.ref} has no due date", changed=False)
        return Outcome(f"{m.ref} was already due {due_text(m, owner, rd)}", changed=False)
    await redate(tx, m, due, due_time, at=now, actor=me)
    if due is None:
        headline = f"{m.ref} has no due date any more"
        told = f"@{me.handle} removed the due date of {label(m)}"
    else:
        headline = f"{m.ref} is now due {due_text(m, owner, rd)}"
        owner_view = reader(owner, step.clock) if owner else rd
        told = f"@{me.handle} moved {label(m)} to {due_text(m, owner, owner_view)}"
    await notify(tx, [m.owner_id, *m.member_ids()], kind="due_changed", text=told,
                 milestone=m, actor=me, at=now)
    return Outcome(headline)


async def redate(tx: UnitOfWork, m: Milestone, due: date | None, due_time: time | None, *,
                  at: datetime, actor: User | None, source: str = "") -> None:
    """Saves a new deadline and publishes it (the calendar follows through the outbox)."""
    previous, previous_time = m.due_date, m.due_time
    m.due_date, m.due_time, m.updated_at = due, due_time, at
    await tx.milestones.save(m)
    await tx.publish(DueDateChanged(
        tenant_id=m.tenant_id, milestone_id=m.id, actor_id=actor.id if actor else None, at=at,
        previous=previous, due=due, source=source, previous_time=clock_text(previous_time),
        due_time=clock_text(due_time)))


def due_text(m: Milestone, owner: User | None, rd: Reader) -> str:
    label = deadline(m, owner, rd)
    return label.text if label else "no date"


def clock_text(at: time | None) -> str | None:
    return f"{at:%H:%M}" if at is not None else None


def keep_moment(m: Milestone, from_zone: str, to_zone: str) -> bool:
    """A timed deadline is a moment, written as a time of day in its owner's zone: when that
    zone changes (the owner moves, or the milestone changes hands), it is rewritten so that it
    stays at the same instant. True if it changed (the caller saves it)."""
    if m.due_date is None or m.due_time is None or from_zone == to_zone:
        return False
    moved = same_moment(m.due_date, m.due_time, from_zone, to_zone)
    if moved == (m.due_date, m.due_time):
        return False
    m.due_date, m.due_time = moved
    return True
