"""Success criteria use cases: set a milestone's measurable criterion, record a measurement,
clear it."""

from __future__ import annotations

from core.commands import ClearCriterion, RecordMeasurement, SetCriterion
from core.errors import InvalidInput
from core.events import CriterionSet, MilestoneEdited
from core.field_checks import check_text
from core.milestones.card_loader import committed_card, milestone_card
from core.milestones.progress import closed_conflict, record_check_in
from core.milestones.rollup import has_children
from core.model import SuccessCriterion
from core.permissions import Right
from core.text import format_number
from core.use_case import Deps, acting_on, reader
from core.views import MilestoneCard, Tone


async def set_criterion(cmd: SetCriterion, deps: Deps) -> MilestoneCard:
    now = deps.clock.now()
    metric = check_text("metric", cmd.metric, 80)
    if not metric:
        raise InvalidInput("criteria", "name the metric",
                           hint=f'criteria {cmd.milestone} "ARR" 1.2M -> 1.5M')
    if cmd.start == cmd.target:
        raise InvalidInput("criteria",
                           "the start and the target of a success criterion must differ",
                           hint=f'criteria {cmd.milestone} "ARR" 1.2M -> 1.5M USD')
    criterion = SuccessCriterion(metric=metric, start=cmd.start, target=cmd.target,
                                 current=cmd.start, unit=cmd.unit)
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me, m = await acting_on(tx, cmd.actor, cmd.milestone, Right.EDIT)
        if not m.is_open:
            raise closed_conflict(m)
        assert m.id is not None
        if m.criterion is not None and m.criterion.metric == metric:
            criterion.current = m.criterion.current
        m.criterion = criterion
        await tx.milestones.save(m)
        await tx.publish(CriterionSet(
            tenant_id=m.tenant_id, milestone_id=m.id, actor_id=me.id, at=now, metric=metric,
            start=criterion.start, target=criterion.target, current=criterion.current,
            unit=criterion.unit))
        if not await has_children(tx, m.id) and criterion.percent != m.progress:
            await record_check_in(tx, m, me, now, percent=criterion.percent, status=None,
                          notes=f"{metric}: {format_number(criterion.current)}")
        return await committed_card(tx, m, me, deps.clock,
                                    headline=f"{m.ref} is measured by {metric}")


async def record_measurement(cmd: RecordMeasurement, deps: Deps) -> MilestoneCard:
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me, m = await acting_on(tx, cmd.actor, cmd.milestone, Right.UPDATE)
        if m.criterion is None:
            raise InvalidInput("criteria", f"{m.ref} has no success criterion yet",
                               hint=f'criteria {m.ref} "Signups" 0 -> 500')
        if not m.is_open:
            raise closed_conflict(m)
        assert m.id is not None
        m.criterion.current = cmd.current
        c = m.criterion
        await tx.milestones.save(m)
        await tx.publish(CriterionSet(
            tenant_id=m.tenant_id, milestone_id=m.id, actor_id=me.id, at=now, metric=c.metric,
            start=c.start, target=c.target, current=c.current, unit=c.unit))
        rolled_up = await has_children(tx, m.id)
        if not rolled_up:
            await record_check_in(tx, m, me, now, percent=c.percent, status=None,
                          notes=f"{c.metric}: {format_number(c.current)}")
        reached = " — target reached 🎉, `done` closes it" if c.percent >= 100 else ""
        # A parent's percentage is its children's: only a leaf's value is a percentage too.
        share = "" if rolled_up else f" ({c.percent}%)"
        view = await milestone_card(
            tx, m, reader(me, deps.clock),
            headline=f"{c.metric} is now {format_number(c.current)}{share}{reached}")
        await tx.commit()
    return view


async def clear_criterion(cmd: ClearCriterion, deps: Deps) -> MilestoneCard:
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me, m = await acting_on(tx, cmd.actor, cmd.milestone, Right.EDIT)
        if m.criterion is None:
            return await milestone_card(tx, m, reader(me, deps.clock),
                                        headline=f"{m.ref} had no success criterion",
                                        tone=Tone.INFO)
        old = m.criterion.metric
        m.criterion = None
        m.updated_at = now
        await tx.milestones.save(m)
        await tx.publish(MilestoneEdited(tenant_id=m.tenant_id, milestone_id=m.id,
                                         actor_id=me.id, at=now, changes={"criteria": (old, "")}))
        return await committed_card(tx, m, me, deps.clock,
                                    headline=f"Removed the success criterion of {m.ref}")
