"""Delivering claimed nudges: to the inbox, then to every platform that can reach the person.

One batch goes through three short transactions and the sends between them:

1. lease: due deliveries are taken (`FOR UPDATE SKIP LOCKED` on PostgreSQL) for a while, so
   another instance passes over them; a crash leaves them to come back after the lease. The
   check-in cycles that the day's requests end are scored then (`checkin_cycles`).
2. prepare: each nudge is decided (sent now, skipped, or later) and, the first time it is sent,
   put in the inbox with its consequences (requests counted, escalations claimed) - once, even
   if the platforms fail and it is tried again.
3. send, paced per destination, then record: sent, or tried again later with backoff for the
   platforms that failed (the ones that took it are not sent to again).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.model import MilestoneId, TenantId
from core.nudges.challenge_posts import build_posts
from core.nudges.checkin_cycles import end_cycles
from core.nudges.context import Plan, decide, load
from core.nudges.deliveries import InboxEntry, NewNudge, Nudge, NudgeStatus, Outcome
from core.nudges.follow_ups import AskState
from core.nudges.makers import PostMaker
from core.nudges.notifier import Notifier, Outgoing, PersonAddress, RouteResult, RouteStatus
from core.nudges.pacing import Pacer
from core.nudges.ports import NudgeRepository
from core.nudges.schedule import NudgeKind
from core.people.reachability import ReachNote
from core.ports import Clock, UnitOfWorkFactory
from core.relay import backoff

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
BATCH = 200
#: Destinations served at once; each one is paced on its own.
CONCURRENCY = 16
#: Kinds only a `PostMaker` words (`decide` knows nothing of them).
MADE_ELSEWHERE = frozenset({NudgeKind.REPORT})


@dataclass(frozen=True, slots=True)
class Delivered:
    sent: int = 0
    skipped: int = 0
    later: int = 0  # postponed (quiet hours, vacation) or to retry

    def __add__(self, other: Delivered) -> Delivered:
        return Delivered(self.sent + other.sent, self.skipped + other.skipped,
                         self.later + other.later)

    @property
    def handled(self) -> int:
        return self.sent + self.skipped + self.later


async def deliver_due(uow: UnitOfWorkFactory, clock: Clock, notifiers: Sequence[Notifier],
                      pacer: Pacer, *, batch: int = BATCH, max_batches: int = 25,
                      makers: Sequence[PostMaker] = ()) -> Delivered:
    """Delivers what is due, batch after batch, until nothing is (or `max_batches` ran).
    `makers` word the deliveries of kinds the engine does not (the weekly report)."""
    total = Delivered()
    for _ in range(max_batches):
        done = await deliver_batch(uow, clock, notifiers, pacer, batch=batch, makers=makers)
        total += done
        if done.handled < batch:
            break
    return total


async def deliver_batch(uow: UnitOfWorkFactory, clock: Clock, notifiers: Sequence[Notifier],
                        pacer: Pacer, *, batch: int = BATCH,
                        makers: Sequence[PostMaker] = ()) -> Delivered:
    now = clock.now()
    async with uow() as tx:
        nudges = await tx.nudges.lease(now, batch, LEASE)
        await tx.commit()
    if not nudges:
        return Delivered()
    # In their tenants' own units of work: the check-in cycles the day's requests end (before
    # those requests change the ask states), the challenges' posts.
    await end_cycles(uow, nudges, now)
    posts = await build_posts(uow, nudges, now)
    made = await _made(nudges, makers, now)
    async with uow() as tx:
        ctx = await load(tx.nudges, [n for n in nudges if n.id not in made], now)
        ctx.posts.update(posts)
        plans = [made.get(n.id) or decide(n, ctx) for n in nudges]
        early = await _prepare(tx.nudges, plans, now)
        await tx.nudges.settle(early, now)
        await tx.commit()
    settled = {o.nudge_id for o in early}
    to_send = [p for p in plans if p.nudge.id not in settled]
    outcomes, reach = await _send(to_send, notifiers, pacer, clock)
    async with uow() as tx:
        await tx.nudges.settle(outcomes, clock.now())
        await tx.reach.note(reach)
        await tx.commit()
    everything = [*early, *outcomes]
    result = Delivered(
        sent=sum(1 for o in everything if o.status == NudgeStatus.SENT),
        skipped=sum(1 for o in everything if o.status == NudgeStatus.SKIPPED),
        later=sum(1 for o in everything if o.status == NudgeStatus.PENDING))
    if result.later:
        logger.info("nudges: %d sent, %d skipped, %d later", result.sent, result.skipped,
                    result.later)
    return result


async def _made(nudges: Sequence[Nudge], makers: Sequence[PostMaker], now: datetime
                ) -> dict[int, Plan]:
    """The plans of the deliveries a maker words; a kind no maker words here is skipped."""
    by_kind = {kind: maker for maker in makers for kind in maker.kinds}
    plans: dict[int, Plan] = {}
    for nudge in nudges:
        if nudge.kind not in MADE_ELSEWHERE and nudge.kind not in by_kind:
            continue
        maker = by_kind.get(nudge.kind)
        if maker is None:
            plans[nudge.id] = Plan(nudge=nudge, skip=f"nothing here makes {nudge.kind.value}s")
            continue
        try:
            plans[nudge.id] = await maker.plan(nudge, now)
        except Exception:  # a failing maker must not lose the delivery, nor stop the batch
            logger.exception("the %s of nudge %d could not be made", nudge.kind.value, nudge.id)
            plans[nudge.id] = Plan(nudge=nudge, until=now + backoff(nudge.attempts))
    return plans


async def _prepare(nudges: NudgeRepository, plans: Sequence[Plan], now: datetime
                   ) -> list[Outcome]:
    """Inbox entries, counted requests and escalations of the nudges sent for the first time;
    the outcomes of those that need no platform (skipped or later)."""
    inbox: list[InboxEntry] = []
    states: dict[MilestoneId, tuple[TenantId, AskState]] = {}
    escalations: list[NewNudge] = []
    prepared: list[int] = []
    outcomes: list[Outcome] = []
    for plan in plans:
        nudge = plan.nudge
        if not nudge.prepared:
            states.update({mid: (nudge.tenant_id, s) for mid, s in plan.states.items()})
            escalations += plan.escalations
        if plan.until is not None:
            outcomes.append(Outcome(nudge_id=nudge.id, status=NudgeStatus.PENDING,
                                    retry_at=plan.until, error="later: quiet hours or vacation",
                                    routes_done=nudge.routes_done))
            continue
        if plan.view is None:
            outcomes.append(Outcome(nudge_id=nudge.id, status=NudgeStatus.SKIPPED,
                                    error=plan.skip))
            continue
        if not nudge.prepared:
            prepared.append(nudge.id)
            milestone = nudge.milestone_id
            inbox += [InboxEntry(tenant_id=nudge.tenant_id, user_id=user_id, nudge_id=nudge.id,
                                 kind=f"nudge:{nudge.kind.value}", text=plan.text,
                                 milestone_id=milestone, at=now) for user_id in plan.inbox]
    await nudges.add_inbox(inbox)
    await nudges.save_ask_states(states)
    await nudges.claim(escalations)
    await nudges.mark_prepared(prepared)
    return outcomes


async def _send(plans: Sequence[Plan], notifiers: Sequence[Notifier], pacer: Pacer,
                clock: Clock) -> tuple[list[Outcome], list[ReachNote]]:
    results: dict[int, dict[str, RouteResult]] = defaultdict(dict)
    queues: dict[str, list[tuple[Plan, Notifier, Outgoing]]] = defaultdict(list)
    for plan in plans:
        assert plan.view is not None and plan.address is not None
        message = Outgoing(nudge_id=plan.nudge.id, to=plan.address, view=plan.view,
                           text=plan.text)
        for notifier in notifiers:
            if notifier.name in plan.nudge.routes_done:
                continue
            destination = notifier.destination(message)
            if destination is None:
                results[plan.nudge.id][notifier.name] = RouteResult(RouteStatus.UNREACHABLE)
            else:
                queues[f"{notifier.name}:{destination}"].append((plan, notifier, message))
    gate = asyncio.Semaphore(CONCURRENCY)

    async def serve(destination: str, items: list[tuple[Plan, Notifier, Outgoing]]) -> None:
        async with gate:
            for plan, notifier, message in items:
                await pacer.wait(destination)
                results[plan.nudge.id][notifier.name] = await _try(notifier, message)

    await asyncio.gather(*(serve(d, items) for d, items in queues.items()))
    reach: list[ReachNote] = []
    now = clock.now()
    outcomes = []
    for plan in plans:
        nudge = plan.nudge
        routes = results.get(nudge.id, {})
        reach += _reach(plan, routes, now)
        done = tuple(sorted({*nudge.routes_done, *(
            name for name, r in routes.items() if r.status != RouteStatus.FAILED)}))
        failed = {name: r for name, r in routes.items() if r.status == RouteStatus.FAILED}
        if not failed:
            outcomes.append(Outcome(nudge_id=nudge.id, status=NudgeStatus.SENT,
                                    routes_done=done))
            continue
        wait = max([backoff(nudge.attempts), *(r.retry_after for r in failed.values()
                                               if r.retry_after is not None)])
        error = "; ".join(f"{name}: {r.error}" for name, r in sorted(failed.items()))
        logger.warning("nudge %d not delivered (%s); again in %s", nudge.id, error, wait)
        outcomes.append(Outcome(nudge_id=nudge.id, status=NudgeStatus.PENDING,
                                retry_at=now + wait, error=error, routes_done=done))
    return outcomes, reach


def _reach(plan: Plan, routes: dict[str, RouteResult], now: datetime) -> list[ReachNote]:
    """Why each platform could not reach the person (a platform that never knew them says
    nothing), or that it did: what admins see in `people`."""
    to = plan.address
    if not isinstance(to, PersonAddress):
        return []
    return [ReachNote(tenant_id=to.tenant_id, user_id=to.user_id, platform=name,
                      reason=r.error if r.status == RouteStatus.UNREACHABLE else "", at=now)
            for name, r in routes.items()
            if r.status == RouteStatus.SENT or (r.status == RouteStatus.UNREACHABLE and r.error)]


async def _try(notifier: Notifier, message: Outgoing) -> RouteResult:
    try:
        return await notifier.send(message)
    except Exception as error:  # a platform outage or bug must not lose the nudge
        logger.exception("notifier %s failed on nudge %d", notifier.name, message.nudge_id)
        return RouteResult(RouteStatus.FAILED, f"{type(error).__name__}: {error}"[:300])
