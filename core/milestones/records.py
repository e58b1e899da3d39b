"""Records: milestones, people, activity and notifications as they are, for the REST API.

Chat answers with cards phrased for a reader; an integrator wants the data itself. These reads
return domain objects (with the people they mention) and page by cursor: milestones by number,
the activity feed by id. Tenancy is the unit of work's: another tenant's number is not found.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from core.commands import Actor, MilestoneRef
from core.errors import NotFound
from core.history import Activity, Comment, Notification
from core.model import Kind, Milestone, MilestoneId, Status, UserId
from core.permissions import Right
from core.ports import MilestoneFilter, UnitOfWork
from core.tenancy import User
from core.use_case import Deps, authorize, current_user, find_milestone
from core.webhooks.decisions import DeliveryLogEntry
from core.webhooks.endpoints import EndpointId, WebhookEndpoint


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneQuery:
    owner: str | None = None  # a handle
    statuses: Collection[Status] | None = None
    kinds: Collection[Kind] | None = None
    parent: int | None = None  # a number
    due_before: date | None = None
    due_after: date | None = None
    tag: str | None = None
    text: str | None = None
    after: int | None = None  # the cursor: numbers above this one
    limit: int = 50


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneRecords:
    milestones: list[Milestone]
    people: dict[UserId, User] = field(default_factory=dict)
    #: Each parent id's number.
    numbers: dict[MilestoneId, int] = field(default_factory=dict)
    next_after: int | None = None


async def milestone_records(actor: Actor, query: MilestoneQuery, deps: Deps) -> MilestoneRecords:
    async with deps.uow(actor.tenant_id) as tx:
        await current_user(tx, actor)
        owner_id: UserId | None = None
        if query.owner is not None:
            owner = await tx.users.by_handle(query.owner.lstrip("@").lower())
            if owner is None or owner.id is None:
                return MilestoneRecords(milestones=[])
            owner_id = owner.id
        parent_id: MilestoneId | None = None
        if query.parent is not None:
            parent = await tx.milestones.by_number(query.parent)
            if parent is None or parent.id is None:
                return MilestoneRecords(milestones=[])
            parent_id = parent.id
        found = await tx.milestones.find(MilestoneFilter(
            owner_id=owner_id, parent_id=parent_id, open_only=False,
            statuses=query.statuses, kinds=query.kinds, due_before=query.due_before,
            due_after=query.due_after, tag=query.tag, text=query.text,
            after_number=query.after, limit=query.limit + 1))
        page = found[:query.limit]
        more = len(found) > query.limit
        return await with_context(tx, page, page[-1].number if more and page else None)


async def milestone_record(actor: Actor, number: int, deps: Deps) -> MilestoneRecords:
    async with deps.uow(actor.tenant_id) as tx:
        await current_user(tx, actor)
        milestone = await find_milestone(tx, MilestoneRef(number=number))
        return await with_context(tx, [milestone], None)


async def with_context(tx: UnitOfWork, page: list[Milestone], next_after: int | None
                        ) -> MilestoneRecords:
    ids = {m.owner_id for m in page} | {x.user_id for m in page for x in m.members}
    parents = {m.parent_id for m in page if m.parent_id is not None}
    numbers = {p.id: p.number for p in await tx.milestones.find(
        MilestoneFilter(ids=parents, open_only=False)) if p.id is not None} if parents else {}
    return MilestoneRecords(milestones=page, people=await tx.users.get_many(ids),
                            numbers=numbers, next_after=next_after)


async def people_records(actor: Actor, deps: Deps) -> list[User]:
    async with deps.uow(actor.tenant_id) as tx:
        await current_user(tx, actor)
        return sorted(await tx.users.all(), key=lambda u: u.handle)


async def person_record(actor: Actor, handle: str, deps: Deps) -> User:
    async with deps.uow(actor.tenant_id) as tx:
        me = await current_user(tx, actor)
        if handle == "me":
            return me
        user = await tx.users.by_handle(handle.lstrip("@").lower())
        if user is None:
            raise NotFound(f"there is no @{handle[:40]} here", hint="`people` lists everyone")
        return user


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityRecords:
    entries: list[Activity]
    people: dict[UserId, User]
    numbers: dict[MilestoneId, int]
    next_before: int | None


async def activity_records(actor: Actor, *, number: int | None, before: int | None, limit: int,
                           deps: Deps) -> ActivityRecords:
    async with deps.uow(actor.tenant_id) as tx:
        await current_user(tx, actor)
        milestone_id = None
        if number is not None:
            milestone_id = (await find_milestone(tx, MilestoneRef(number=number))).id
        found = await tx.activity.recent(milestone_id=milestone_id, limit=limit + 1,
                                         before_id=before)
        page = found[:limit]
        more = len(found) > limit and page and page[-1].id is not None
        mids = {a.milestone_id for a in page if a.milestone_id is not None}
        numbers = {m.id: m.number for m in await tx.milestones.find(
            MilestoneFilter(ids=mids, open_only=False)) if m.id is not None} if mids else {}
        people = await tx.users.get_many({a.actor_id for a in page if a.actor_id is not None})
        return ActivityRecords(entries=page, people=people, numbers=numbers,
                               next_before=page[-1].id if more else None)


async def notification_records(actor: Actor, *, unread_only: bool, limit: int, deps: Deps
                               ) -> tuple[list[Notification], dict[MilestoneId, int]]:
    """The person's own notifications, newest first, with each milestone's number."""
    async with deps.uow(actor.tenant_id) as tx:
        me = await current_user(tx, actor)
        assert me.id is not None
        found = await tx.notifications.for_user(me.id, limit=limit, unread_only=unread_only)
        mids = {n.milestone_id for n in found if n.milestone_id is not None}
        numbers = {m.id: m.number for m in await tx.milestones.find(
            MilestoneFilter(ids=mids, open_only=False)) if m.id is not None} if mids else {}
        return found, numbers


async def comment_records(actor: Actor, number: int, *, limit: int, deps: Deps
                          ) -> tuple[list[Comment], dict[UserId, User]]:
    """A milestone's latest comments, newest first, with their authors."""
    async with deps.uow(actor.tenant_id) as tx:
        await current_user(tx, actor)
        milestone = await find_milestone(tx, MilestoneRef(number=number))
        assert milestone.id is not None
        found = await tx.comments.recent(milestone.id, limit)
        return found, await tx.users.get_many({c.author_id for c in found})


async def webhook_records(actor: Actor, deps: Deps) -> list[WebhookEndpoint]:
    """The tenant's webhook endpoints (admins)."""
    async with deps.uow(actor.tenant_id) as tx:
        me = await current_user(tx, actor)
        await authorize(tx, me, Right.ADMIN, None)
        return await tx.webhooks.all()


async def webhook_log_records(actor: Actor, endpoint: int, *, limit: int, deps: Deps
                              ) -> tuple[WebhookEndpoint, list[DeliveryLogEntry]]:
    """An endpoint and its latest attempts, newest first (admins)."""
    async with deps.uow(actor.tenant_id) as tx:
        me = await current_user(tx, actor)
        await authorize(tx, me, Right.ADMIN, None)
        found = await tx.webhooks.get(EndpointId(endpoint))
        if found is None or found.id is None:
            raise NotFound(f"there is no webhook {endpoint} here", hint="`webhooks` lists them")
        return found, await tx.webhooks.log(found.id, limit=limit)
