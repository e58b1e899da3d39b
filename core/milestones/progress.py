"""Tracking use cases: check-ins, done, reopen (success criteria are in `criteria`)."""

from __future__ import annotations

from datetime import datetime

from core.commands import (
    MarkDone,
    OpenCheckIn,
    Reopen,
    UpdateProgress,
)
from core.errors import Conflict, InvalidInput
from core.events import (
    MilestoneCompleted,
    MilestoneReopened,
    ProgressUpdated,
)
from core.field_checks import NOTE_MAX, check_text
from core.history import ProgressUpdate
from core.humanize import local_today, plural
from core.milestones.card_loader import (
    card_then_rollup,
    milestone_card,
    one_card,
)
from core.milestones.rollup import has_children, mean_percent, rollup_from
from core.model import Milestone, MilestoneId, Status
from core.permissions import Right
from core.ports import MilestoneFilter, UnitOfWork
from core.tenancy import User
from core.use_case import (
    Deps,
    Outcome,
    Step,
    acting_on,
    authorize,
    check_active_limit,
    current_user,
    find_milestone,
    label,
    notify,
    reader,
)
from core.views import MilestoneCard, Tone


def closed_conflict(m: Milestone) -> Conflict:
    return Conflict(f"{m.ref} is {m.status.label.lower()}", hint=f"reopen {m.ref} first")


async def record_check_in(
    tx: UnitOfWork,
    m: Milestone,
    me: User,
    at: datetime,
    *,
    percent: int,
    status: Status | None,
    notes: str = "",
    blockers: str = "",
    owed: list[MilestoneId] | None = None,
) -> None:
    """Stores a check-in and its consequences: event, roll-up, notifications. With `owed`, the
    roll-up is left to the caller (the parent to roll up from is appended)."""
    assert m.id is not None and me.id is not None
    previous = m.progress
    m.record_progress(percent, status, at)
    await tx.milestones.save(m)
    await tx.updates.add(ProgressUpdate(
        tenant_id=m.tenant_id, milestone_id=m.id, author_id=me.id, percent=percent,
        status=m.status, notes=notes, blockers=blockers, created_at=at))
    await tx.publish(ProgressUpdated(
        tenant_id=m.tenant_id, milestone_id=m.id, actor_id=me.id, at=at, percent=percent,
        previous_percent=previous, status=m.status.value, notes=notes[:280],
        blockers=blockers[:280]))
    if owed is None:
        await rollup_from(tx, m.parent_id, at)
    elif m.parent_id is not None:
        owed.append(m.parent_id)
    status_text = m.status.label.lower()
    await notify(tx, [m.owner_id, *m.member_ids()], kind="progress",
                 text=f"@{me.handle} updated {label(m)}: {percent}% ({status_text})",
                 milestone=m, actor=me, at=at)


async def update_progress(cmd: UpdateProgress, deps: Deps) -> MilestoneCard:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me, m = await acting_on(tx, cmd.actor, cmd.milestone, Right.UPDATE)
        step = Step(tx, me, deps.clock.now(), deps.clock)
        owed: list[MilestoneId] = []
        # Read once: whether progress may be typed in, and the children the card shows (a
        # check-in changes none of them).
        children = await tx.milestones.find(MilestoneFilter(parent_id=m.id, open_only=False))
        outcome = await update_in(step, m, cmd, owed=owed, children=children)
        if owed:
            return await card_then_rollup(step, m, outcome, owed[0], children=children)
        return await one_card(step, m, outcome, children=children)


async def mark_done(cmd: MarkDone, deps: Deps) -> MilestoneCard:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me, m = await acting_on(tx, cmd.actor, cmd.milestone, Right.UPDATE)
        step = Step(tx, me, deps.clock.now(), deps.clock)
        return await one_card(step, m, await done_in(step, m, cmd.notes))


async def reopen(cmd: Reopen, deps: Deps) -> MilestoneCard:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me, m = await acting_on(tx, cmd.actor, cmd.milestone, Right.UPDATE)
        step = Step(tx, me, deps.clock.now(), deps.clock)
        return await one_card(step, m, await reopen_in(step, m))


async def update_in(step: Step, m: Milestone, cmd: UpdateProgress, *,
                    owed: list[MilestoneId] | None = None,
                    children: list[Milestone] | None = None) -> Outcome:
    """A check-in on `m`; 100% without a status closes it, as `done` does. `owed`: see
    `record_check_in` (a check-in that closes `m` rolls up at once). `children`: `m`'s, when
    the caller has read them already."""
    if cmd.percent == 100 and cmd.status is None:
        return await done_in(step, m, cmd.notes)
    notes = check_text("notes", cmd.notes, NOTE_MAX, hint="keep notes short; comment for more")
    blockers = check_text("blockers", cmd.blockers, NOTE_MAX)
    tx = step.tx
    if not m.is_open:
        raise closed_conflict(m)
    assert m.id is not None
    if cmd.percent is not None and (
            bool(children) if children is not None else await has_children(tx, m.id)):
        raise InvalidInput(
            "percent", f"{m.ref}'s progress is rolled up from the milestones under it",
            hint=f"update those, or report a status: update {m.ref} at risk <notes>")
    if cmd.percent is not None and m.criterion is not None:
        raise InvalidInput(
            "percent", f"{m.ref}'s progress comes from its success criterion",
            hint=f"record the new value: criteria {m.ref} <value>")
    percent = cmd.percent if cmd.percent is not None else m.progress
    await record_check_in(tx, m, step.me, step.now, percent=percent, status=cmd.status, notes=notes,
                  blockers=blockers, owed=owed)
    return Outcome(f"Updated {m.ref}: {m.progress}%, {m.status.label.lower()}")


async def done_in(step: Step, m: Milestone, notes_text: str = "") -> Outcome:
    """Closes `m`. A parent closes only once nothing under it is open: `done` never leaves open
    work under a closed milestone (`done #3 #4 #2` closes them all at once)."""
    tx, me, now = step.tx, step.me, step.now
    notes = check_text("notes", notes_text, NOTE_MAX)
    if m.status == Status.DONE:
        return Outcome(f"{m.ref} was already done", changed=False)
    if m.status == Status.CANCELLED:
        raise closed_conflict(m)
    assert m.id is not None and me.id is not None
    still_open = await tx.milestones.find(MilestoneFilter(parent_id=m.id))
    if still_open:
        refs = " ".join(c.ref for c in still_open[:5])
        more = " …" if len(still_open) > 5 else ""
        raise Conflict(
            f"{m.ref} still has {plural(len(still_open), 'open milestone')} under it "
            f"({refs}{more})",
            hint=f"close them with it: done {refs} {m.ref} · or cancel what is not needed")
    today = local_today(now, me.timezone)
    on_time = None if m.due_date is None else today <= m.due_date
    previous = m.progress
    m.complete(now)
    await tx.milestones.save(m)
    await tx.updates.add(ProgressUpdate(
        tenant_id=m.tenant_id, milestone_id=m.id, author_id=me.id, percent=100,
        status=Status.DONE, notes=notes, created_at=now))
    await tx.publish(ProgressUpdated(
        tenant_id=m.tenant_id, milestone_id=m.id, actor_id=me.id, at=now, percent=100,
        previous_percent=previous, status=Status.DONE.value, notes=notes[:280]))
    await tx.publish(MilestoneCompleted(tenant_id=m.tenant_id, milestone_id=m.id,
                                        actor_id=me.id, at=now, on_time=on_time))
    await rollup_from(tx, m.parent_id, now)
    parent = await tx.milestones.get(m.parent_id) if m.parent_id else None
    await notify(tx, [m.owner_id, *m.member_ids(), parent.owner_id if parent else None],
                 kind="completed", text=f"@{me.handle} completed {label(m)} 🎉",
                 milestone=m, actor=me, at=now)
    cheer = " on time 🎉" if on_time else (" 🎉" if on_time is None else "")
    return Outcome(f"Done: {m.ref}{cheer}")


async def reopen_in(step: Step, m: Milestone) -> Outcome:
    """Reopens `m` where it stood before it closed, and says so in its updates: the card's
    "Last update" then reads as it is, not "100%, done"."""
    tx, me, now = step.tx, step.me, step.now
    if m.is_open:
        return Outcome(f"{m.ref} is already open", changed=False)
    tenant = await tx.tenants.get(m.tenant_id)
    assert tenant is not None
    await check_active_limit(tx, tenant)
    assert m.id is not None and me.id is not None
    totals = await tx.milestones.children_rollup(m.id)
    if totals is not None and totals[1]:
        progress = mean_percent(*totals)
    else:
        earlier = await tx.updates.recent(m.id, 50)
        progress = next((u.percent for u in earlier
                         if u.status != Status.DONE and u.percent is not None), 0)
    if m.criterion is not None and totals is None:
        progress = m.criterion.percent
    m.reopen(min(progress, 99), now)
    await tx.milestones.save(m)
    await tx.updates.add(ProgressUpdate(
        tenant_id=m.tenant_id, milestone_id=m.id, author_id=me.id, percent=m.progress,
        status=m.status, notes="reopened", created_at=now))
    await tx.publish(MilestoneReopened(tenant_id=m.tenant_id, milestone_id=m.id,
                                       actor_id=me.id, at=now))
    await rollup_from(tx, m.parent_id, now)
    await notify(tx, [m.owner_id, *m.member_ids()], kind="reopened",
                 text=f"@{me.handle} reopened {label(m)}", milestone=m, actor=me, at=now)
    return Outcome(f"Reopened {m.ref} at {m.progress}%")


async def open_check_in(cmd: OpenCheckIn, deps: Deps) -> MilestoneCard:
    """Where there is no form (the shell), show where it stands and how to report."""
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        m = await find_milestone(tx, cmd.milestone)
        await authorize(tx, me, Right.UPDATE, m)
        if not m.is_open:
            raise closed_conflict(m)
        return await milestone_card(
            tx, m, reader(me, deps.clock),
            headline=f"How is {m.ref} going? Reply: update {m.ref} <percent>% [status] [notes]",
            tone=Tone.INFO)
