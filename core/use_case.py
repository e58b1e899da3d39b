"""What every use case needs inside its unit of work: who is acting, which milestone, who may."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from core.calendar.model import CalendarSetup
from core.commands import Actor, MilestoneRef, UserRef
from core.errors import Forbidden, LimitReached, NotFound, UnknownReference
from core.history import Notification
from core.linking.epoch import LinkEpoch
from core.milestones.cards import Reader
from core.model import Milestone, MilestoneId, UserId
from core.permissions import AncestorOwners, Right, require
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.reports.ports import ReportTools
from core.tenancy import Tenant, User
from core.view_cache import ViewCache

MAX_DEPTH = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class Deps:
    """The dependencies of the use cases, built once by the composition root."""

    uow: UnitOfWorkFactory
    clock: Clock
    #: What this installation offers for calendars (Google configured? public URL for feeds).
    calendar: CalendarSetup = field(default_factory=CalendarSetup)
    #: Reuses answers to hot reads while nothing they show changed; None computes every time.
    views: ViewCache | None = None
    #: Charts, exports and the rows reports read; None where reports are not set up.
    reports: ReportTools | None = None
    #: WEBHOOKS_ALLOW_PRIVATE: webhook endpoints may be on loopback/private addresses and http.
    allow_private_webhooks: bool = False
    #: Bumped by a link or unlink: front ends then forget who belongs to which tenant.
    links: LinkEpoch = field(default_factory=LinkEpoch)


@dataclass(frozen=True, slots=True)
class Step:
    """A change applied inside a unit of work that is already open, alone or as one of several
    milestones changed by the same command (`done #2 #3`): who acts, and when."""

    tx: UnitOfWork
    me: User
    now: datetime
    clock: Clock


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a step did, in a sentence; `changed` is False when there was nothing to do."""

    headline: str
    changed: bool = True


async def current_user(tx: UnitOfWork, actor: Actor) -> User:
    user = await tx.users.get(actor.user_id)
    if user is None:
        raise Forbidden("I don't know you in this workspace", hint="ask an admin to add you")
    return user


async def current_tenant(tx: UnitOfWork, actor: Actor) -> Tenant:
    tenant = await tx.tenants.get(actor.tenant_id)
    if tenant is None:
        raise Forbidden("this workspace is not set up", hint="ask an admin to install Cairn")
    return tenant


async def find_milestone(tx: UnitOfWork, ref: MilestoneRef, *, lock: bool = False,
                         named_as: str | None = None) -> Milestone:
    """Looks the milestone up in this tenant only; another tenant's number is simply not here.

    The milestone a command addresses is NotFound when missing; one the input only names
    (`named_as`: a parent) is an UnknownReference of that field."""
    found: Milestone | None = None
    if ref.id is not None:
        found = await tx.milestones.get(ref.id, lock=lock)
    elif ref.number is not None:
        found = await tx.milestones.by_number(ref.number, lock=lock)
    if found is None:
        message, hint = f"there is no {ref} here", "`list team` shows every number"
        if named_as is not None:
            raise UnknownReference(named_as, message, value=str(ref.number or ""), hint=hint)
        raise NotFound(message, hint=hint)
    return found


async def resolve_user(tx: UnitOfWork, ref: UserRef, *, named_as: str = "person") -> User:
    """The person the input names (as the field `named_as`); UnknownReference if not here."""
    user: User | None = None
    if ref.identity:
        user = await tx.users.by_identity(ref.identity)
    if user is None and ref.handle:
        user = await tx.users.by_handle(ref.handle)
    if user is None:
        raise UnknownReference(named_as, f"I don't know {ref} here", value=ref.handle or "",
                               hint="`people` lists everyone")
    return user


async def resolve_users(tx: UnitOfWork, refs: Iterable[UserRef], *, named_as: str = "people"
                        ) -> list[User]:
    users: list[User] = []
    for ref in refs:
        user = await resolve_user(tx, ref, named_as=named_as)
        if all(u.id != user.id for u in users):
            users.append(user)
    return users


def ancestor_owners(tx: UnitOfWork) -> AncestorOwners:
    async def owners(parent_id: MilestoneId | None) -> set[UserId]:
        found: set[UserId] = set()
        for _ in range(MAX_DEPTH):
            if parent_id is None:
                break
            parent = await tx.milestones.get(parent_id)
            if parent is None:
                break
            found.add(parent.owner_id)
            parent_id = parent.parent_id
        return found

    return owners


async def authorize(tx: UnitOfWork, user: User, right: Right, m: Milestone | None) -> None:
    await require(user, right, m, ancestor_owners(tx))


async def acting_on(tx: UnitOfWork, actor: Actor, ref: MilestoneRef, right: Right
                    ) -> tuple[User, Milestone]:
    """Who acts, and the milestone they change, locked until commit, once they may."""
    me = await current_user(tx, actor)
    m = await find_milestone(tx, ref, lock=True)
    await authorize(tx, me, right, m)
    return me, m


async def check_active_limit(tx: UnitOfWork, tenant: Tenant, adding: int = 1) -> None:
    limit = tenant.limits.active_milestones
    if limit is None:
        return
    active = await tx.milestones.count_active()
    if active + adding > limit:
        raise LimitReached(
            f"the {tenant.plan.value} plan has room for {limit} open milestones and "
            f"{active} are open",
            hint="finish or cancel one, or an admin can upgrade: plan professional",
        )


async def notify(
    tx: UnitOfWork,
    user_ids: Iterable[UserId | None],
    *,
    kind: str,
    text: str,
    milestone: Milestone | None,
    actor: User,
    at: datetime,
) -> None:
    """One inbox entry per person, never to the person who acted."""
    seen: set[UserId] = set()
    for user_id in user_ids:
        if user_id is None or user_id == actor.id or user_id in seen:
            continue
        seen.add(user_id)
        await tx.notifications.add(Notification(
            tenant_id=actor.tenant_id, user_id=user_id, kind=kind, text=text,
            milestone_id=milestone.id if milestone else None, actor_id=actor.id, created_at=at,
        ))


def reader(user: User, clock: Clock) -> Reader:
    return Reader(user=user, now=clock.now())


def label(m: Milestone) -> str:
    return f"{m.ref} {m.title}"
