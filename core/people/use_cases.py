"""People and workspaces: joining, profiles, roles, plans."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import time

from core.commands import Actor
from core.errors import Conflict, InvalidInput, LimitReached
from core.events import PlanChanged, RoleChanged, UserJoined
from core.grammar.profile import check_timezone
from core.linking.use_cases import note_platform
from core.milestones.due_dates import keep_moment
from core.model import TenantId, UserId
from core.people.commands import ListPeople, SetPlan, SetRole, ShowProfile, UpdateProfile
from core.people.reachability import described
from core.permissions import Right
from core.ports import MilestoneFilter, UnitOfWork
from core.scoring.achievements import badge_names
from core.tenancy import PLAN_LIMITS, WEEKDAYS, Plan, Role, Tenant, User
from core.use_case import (
    Deps,
    authorize,
    current_tenant,
    current_user,
    resolve_user,
)
from core.views import PeopleView, PersonLine, ProfileView

HANDLE_CHARS = re.compile(r"[^a-z0-9._-]+")


def handle_from(text: str) -> str:
    """A handle people can type: lower case, no spaces (`Alice Smith` -> `alice.smith`)."""
    handle = HANDLE_CHARS.sub(".", text.strip().lower()).strip("._-")
    return handle[:40] or "someone"


def actor_of(user: User) -> Actor:
    assert user.id is not None
    return Actor(tenant_id=user.tenant_id, user_id=user.id, handle=user.handle,
                 timezone=user.timezone)


async def ensure_tenant(deps: Deps, *, slug: str, name: str = "", plan: Plan = Plan.FREE,
                        timezone: str = "UTC") -> Tenant:
    slug = handle_from(slug)
    async with deps.uow() as tx:
        tenant = await tx.tenants.by_slug(slug)
        if tenant is None:
            tenant = await tx.tenants.add(Tenant(
                slug=slug, name=name or slug, plan=plan, timezone=check_timezone(timezone),
                created_at=deps.clock.now()))
            await tx.commit()
        return tenant


async def known_actor(deps: Deps, tenant_id: TenantId, identity: str) -> Actor | None:
    """The person linked to a platform identity (`slack:T1:U9`); None for someone never seen."""
    async with deps.uow(tenant_id) as tx:
        user = await tx.users.by_identity(identity)
        if user is not None:
            await note_platform(tx, user, identity)
    return actor_of(user) if user is not None else None


async def headcount(deps: Deps, tenant_id: TenantId) -> int:
    """How many people a workspace has."""
    async with deps.uow(tenant_id) as tx:
        return await tx.users.count()


async def join(
    deps: Deps,
    tenant_id: TenantId,
    *,
    handle: str,
    display_name: str = "",
    timezone: str = "UTC",
    identity: str | None = None,
    email: str = "",
) -> Actor:
    """The user behind a handle or platform identity, added on first contact.

    The first person of a workspace becomes its admin; the plan's user limit is enforced.
    """
    handle = handle_from(handle)
    async with deps.uow(tenant_id) as tx:
        user = await tx.users.by_identity(identity) if identity else None
        if user is None and not identity:
            user = await tx.users.by_handle(handle)
        if user is not None:
            return actor_of(user)
        user = await _add_user(tx, tenant_id, deps, handle=handle, display_name=display_name,
                               timezone=timezone, email=email)
        if identity:
            assert user.id is not None
            await tx.users.link_identity(user.id, identity)
        await tx.commit()
        return actor_of(user)


async def _add_user(tx: UnitOfWork, tenant_id: TenantId, deps: Deps, *, handle: str,
                    display_name: str, timezone: str, email: str) -> User:
    tenant = await tx.tenants.get(tenant_id)
    assert tenant is not None
    count = await tx.users.count()
    limit = tenant.limits.users
    if limit is not None and count >= limit:
        raise LimitReached(
            f"the {tenant.plan.value} plan has room for {limit} people and all are here",
            hint="an admin can upgrade: plan starter · plan professional")
    unique, n = handle, 1
    while await tx.users.by_handle(unique) is not None:
        n += 1
        unique = f"{handle}{n}"
    try:
        zone = check_timezone(timezone)
    except InvalidInput:
        zone = tenant.timezone
    now = deps.clock.now()
    user = await tx.users.add(User(
        tenant_id=tenant_id, handle=unique, display_name=display_name or unique,
        email=email[:200], timezone=zone, role=Role.ADMIN if count == 0 else Role.MEMBER,
        created_at=now))
    assert user.id is not None
    await tx.publish(UserJoined(tenant_id=tenant_id, milestone_id=None, actor_id=user.id, at=now,
                                user_id=user.id, role=user.role.value))
    return user


async def list_people(cmd: ListPeople, deps: Deps) -> PeopleView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        tenant = await current_tenant(tx, cmd.actor)
        people = await tx.users.all()
        reach = await tx.reach.unreachable() if me.role == Role.ADMIN else {}
        owned: Counter[UserId | None] = Counter(
            m.owner_id for m in await tx.milestones.find(MilestoneFilter()))
        limits = PLAN_LIMITS[tenant.plan]
        usage = f"{len(people)} of {limits.users} people" if limits.users else (
            f"{len(people)} people")
        return PeopleView(
            tenant=tenant.name, plan=tenant.plan.value, usage=usage,
            people=tuple(_person(u, owned[u.id], me, described(reach.get(u.id, []))
                                 if u.id is not None else ()) for u in sorted(
                people, key=lambda u: (u.role != Role.ADMIN, u.handle))))


def _person(user: User, active: int, me: User, unreachable: tuple[str, ...] = ()
            ) -> PersonLine:
    return PersonLine(handle=user.handle, name=user.display_name, role=user.role.value,
                      timezone=user.timezone, active_milestones=active, is_you=user.id == me.id,
                      unreachable=unreachable)


def _profile(user: User, me: User, headline: str = "") -> ProfileView:
    days = ", ".join(WEEKDAYS[d] for d in user.working_days)
    return ProfileView(
        person=_person(user, 0, me), email=user.email, working_days=days,
        working_hours=f"{user.work_starts:%H:%M}–{user.work_ends:%H:%M}", headline=headline)


async def show_profile(cmd: ShowProfile, deps: Deps) -> ProfileView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        user = await resolve_user(tx, cmd.person) if cmd.person else me
        assert user.id is not None
        awards = await tx.scoring.achievements.awards(user.id)
        return replace(_profile(user, me), badges=badge_names(awards))


async def update_profile(cmd: UpdateProfile, deps: Deps) -> ProfileView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        if cmd.display_name is not None:
            me.display_name = cmd.display_name
        if cmd.timezone is not None:
            timezone = check_timezone(cmd.timezone)
            # Their timed deadlines stay where they are in time: 17:00 in Los Angeles becomes
            # 10:00 the next day in Tokyo, not 17:00 in Tokyo.
            for m in await tx.milestones.find(MilestoneFilter(owner_id=me.id, open_only=False)):
                if keep_moment(m, me.timezone, timezone):
                    await tx.milestones.save(m)
            me.timezone = timezone
        if cmd.working_days is not None:
            if not cmd.working_days:
                raise InvalidInput("days", "at least one working day", hint="me days mon-fri")
            me.working_days = cmd.working_days
        if cmd.work_hours is not None:
            start, end = cmd.work_hours
            me.work_starts = time(start // 60, start % 60)
            me.work_ends = time(23, 59) if end >= 24 * 60 else time(end // 60, end % 60)
        await tx.users.save(me)
        await tx.commit()
        return _profile(me, me, headline="Profile saved")


async def set_role(cmd: SetRole, deps: Deps) -> ProfileView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        await authorize(tx, me, Right.ADMIN, None)
        user = await resolve_user(tx, cmd.person)
        previous = user.role
        if previous == Role.ADMIN and cmd.role != Role.ADMIN:
            admins = [u for u in await tx.users.all() if u.role == Role.ADMIN]
            if len(admins) == 1:
                raise Conflict(f"@{user.handle} is the only admin",
                               hint="make someone else admin first: role @bob admin")
        if previous != cmd.role:
            assert user.id is not None
            user.role = cmd.role
            await tx.users.save(user)
            await tx.publish(RoleChanged(
                tenant_id=user.tenant_id, milestone_id=None, actor_id=me.id,
                at=deps.clock.now(), user_id=user.id, role=cmd.role.value,
                previous=previous.value))
            await tx.commit()
        return _profile(user, me, headline=f"@{user.handle} is {cmd.role.value}")


async def set_plan(cmd: SetPlan, deps: Deps) -> PeopleView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        await authorize(tx, me, Right.ADMIN, None)
        tenant = await current_tenant(tx, cmd.actor)
        limits = PLAN_LIMITS[cmd.plan]
        people = await tx.users.count()
        active = await tx.milestones.count_active()
        if limits.users is not None and people > limits.users:
            raise LimitReached(f"the {cmd.plan.value} plan has room for {limits.users} people "
                               f"and {tenant.name} has {people}", hint="pick a larger plan")
        if limits.active_milestones is not None and active > limits.active_milestones:
            raise LimitReached(
                f"the {cmd.plan.value} plan has room for {limits.active_milestones} open "
                f"milestones and {active} are open", hint="close some first, or pick a larger plan")
        previous = tenant.plan
        if previous != cmd.plan:
            assert tenant.id is not None
            tenant.plan = cmd.plan
            await tx.tenants.save(tenant)
            await tx.publish(PlanChanged(tenant_id=tenant.id, milestone_id=None,
                                         actor_id=me.id, at=deps.clock.now(),
                                         plan=cmd.plan.value, previous=previous.value))
            await tx.commit()
    return await list_people(ListPeople(actor=cmd.actor), deps)
