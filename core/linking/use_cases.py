"""Linking a Slack workspace and a Teams tenant into one Cairn tenant, and back.

An admin on one side asks for a code (`link teams` in Slack); an admin on the other side types
it (`link <code>` in Teams) within 15 minutes. The code's tenant is the host: it keeps its
milestones, numbers, challenges and calendars. The joining workspace brings its people: each
one is matched by the email their platform vouches for to a host user (who then has both
identities), or joins the host as a new user. Milestones are not merged: a joining side that
tracks milestones is refused with the way round that works (linking from the other side), so no
milestone number ever changes meaning. The joining side's own tenant stays as it was, dormant.

`unlink` (admins) sends every joined workspace back to the tenant it came from with its
people's identities; the host keeps everything it has, history included.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from core.commands import AnyCommand
from core.errors import Conflict, Forbidden, InvalidInput, LimitReached, NotFound
from core.linking.codes import digest, new_code
from core.linking.commands import (
    NOTIFY_CHOICES,
    PLATFORMS,
    ChooseNotifyPlatform,
    IssueLinkCode,
    RedeemLinkCode,
    Unlink,
)
from core.linking.ports import LinkCode, PlatformLink
from core.model import TenantId, UserId
from core.permissions import Right
from core.ports import MilestoneFilter, UnitOfWork
from core.tenancy import Role, User
from core.use_case import Deps, authorize, current_tenant, current_user
from core.views import Notice, Tone, View

VALID_FOR = timedelta(minutes=15)
NAMES = {"slack": "Slack", "teams": "Teams"}


def platform_here(here: str) -> str:
    platform = here.split(":", 1)[0]
    if platform not in PLATFORMS or here.count(":") < 2:
        raise InvalidInput("platform", "linking works from Slack or Teams",
                           hint="type `link teams` in Slack, or `link slack` in Teams")
    return platform


async def issue_link_code(cmd: IssueLinkCode, deps: Deps) -> Notice:
    here = platform_here(cmd.here)
    if cmd.other not in PLATFORMS or cmd.other == here:
        other = "teams" if here == "slack" else "slack"
        raise InvalidInput("platform", f"a code from {NAMES[here]} is typed in {NAMES[other]}",
                           hint=f"link {other}")
    now = deps.clock.now()
    code = new_code()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        await authorize(tx, me, Right.ADMIN, None)
        assert me.id is not None
        await tx.links.add_code(digest(code), LinkCode(
            tenant_id=cmd.actor.tenant_id, platform=cmd.other, expires_at=now + VALID_FOR),
            issued_by=me.id, at=now)
        await tx.commit()
    other = NAMES[cmd.other]
    return Notice(
        text=f"Link code for {other}: {code} — valid for 15 minutes, once. An admin of "
             f"{other} types it there to make both one company in Cairn.",
        tone=Tone.INFO, hint=f"in {other}: link {code}")


async def _milestones(deps: Deps, tenant_id: TenantId) -> int:
    async with deps.uow(tenant_id) as tx:
        return len(await tx.milestones.find(MilestoneFilter(open_only=False)))


async def redeem_link_code(cmd: RedeemLinkCode, deps: Deps) -> Notice:
    here = platform_here(cmd.here)
    joining = cmd.actor.tenant_id
    now = deps.clock.now()
    key = digest(cmd.code)
    async with deps.uow(joining) as tx:
        me = await current_user(tx, cmd.actor)
        if me.role != Role.ADMIN:
            raise Forbidden("only an admin can link workspaces", hint="ask an admin: people")
        code = await tx.links.code(key)
    if code is None:
        raise NotFound("not a link code I gave out",
                       hint="ask an admin on the other side for a new one (`link "
                            f"{here}` there)")
    if code.platform != here:
        raise InvalidInput("code", f"that code is to be typed in {NAMES[code.platform]}",
                           hint=f"type `link {code.platform}` here for a code for "
                                f"{NAMES[code.platform]}")
    if code.used_at is not None:
        raise Conflict("that link code was used already", hint="codes work once: ask for a new one")
    if now >= code.expires_at:
        raise Conflict("that link code expired (they last 15 minutes)",
                       hint="ask for a new one")
    host = code.tenant_id
    if host == joining:
        raise Conflict("this workspace is already part of that company")
    theirs, ours = await _milestones(deps, host), await _milestones(deps, joining)
    if ours:
        other = "teams" if here == "slack" else "slack"
        raise Conflict(
            f"this {NAMES[here]} workspace tracks {ours} milestone(s) of its own; linking "
            "brings people, not milestones, so no number changes meaning",
            hint=(f"link the other way: `link {other}` here, then `link <code>` in "
                  f"{NAMES[other]}" if not theirs else
                  "both sides track milestones: keep one side's, or ask support to merge"))
    async with deps.uow(host) as tx:
        if await tx.links.link_of(cmd.here) is not None:
            raise Conflict("this workspace is linked already", hint="an admin can `unlink` it")
        if await tx.links.links_to(joining):
            raise Conflict("another workspace is linked to this one already",
                           hint="unlink it first (`unlink`), then link this one")
        if not await tx.links.use_code(key, now):
            raise Conflict("that link code was used already",
                           hint="codes work once: ask for a new one")
        await tx.links.move_workspace(cmd.here, source=joining, target=host)
        matched, added = await _carry(tx, cmd.here, source=joining, target=host,
                                      admins={cmd.actor.user_id})
        await tx.links.record_link(PlatformLink(prefix=cmd.here, host_id=host,
                                                origin_id=joining, linked_at=now))
        tenant = await tx.tenants.get(host)
        await tx.commit()
    deps.links.bump()
    name = tenant.name if tenant else "the company"
    return Notice(
        text=f"Linked: this {NAMES[here]} workspace is now part of {name}. {matched} "
             f"{_people(matched)} matched by email, {added} joined. Milestones (numbers "
             f"unchanged: {theirs} so far), people, challenges and calendars are shared.",
        hint="each person is nudged once, on the platform used last: me notify slack|teams|both"
             " · admins: unlink")


def _people(n: int) -> str:
    return "person" if n == 1 else "people"


async def _carry(tx: UnitOfWork, prefix: str, *, source: TenantId, target: TenantId,
                 admins: set[UserId]) -> tuple[int, int]:
    """Moves the identities of a workspace's people from `source` to `target`: to the user with
    the same email there, or to a new user made from their profile. (matched, added)."""
    people = await tx.links.people_with(source, prefix)
    present = await tx.links.all_users(target)
    by_email = {u.email.strip().lower(): u for u in present if u.email.strip()}
    tenant = await tx.tenants.get(target)
    newcomers = [u for u, _ in people if u.email.strip().lower() not in by_email]
    limit = tenant.limits.users if tenant else None
    if limit is not None and len(present) + len(newcomers) > limit:
        raise LimitReached(
            f"the {tenant.plan.value if tenant else ''} plan has room for {limit} people and "
            f"linking would make {len(present) + len(newcomers)}",
            hint="an admin of the other side can upgrade first: plan starter")
    matched = added = 0
    for user, keys in people:
        found = by_email.get(user.email.strip().lower()) if user.email.strip() else None
        if found is None:
            found = await tx.links.add_user(_copy(user, target, admin=user.id in admins))
            if found.email.strip():
                by_email[found.email.strip().lower()] = found
            added += 1
        else:
            matched += 1
        for key in keys:
            await tx.links.move_identity(key, to=found)
    return matched, added


def _copy(user: User, tenant_id: TenantId, *, admin: bool) -> User:
    role = Role.ADMIN if admin else (Role.VIEWER if user.role == Role.VIEWER else Role.MEMBER)
    return replace(user, id=None, tenant_id=tenant_id, role=role)


async def unlink(cmd: Unlink, deps: Deps) -> Notice:
    if cmd.platform and cmd.platform not in PLATFORMS:
        raise InvalidInput("platform", "unlink slack, unlink teams, or just unlink",
                           hint="unlink teams")
    host = cmd.actor.tenant_id
    async with deps.uow(host) as tx:
        me = await current_user(tx, cmd.actor)
        await authorize(tx, me, Right.ADMIN, None)
        links = [link for link in await tx.links.links_to(host)
                 if not cmd.platform or link.platform == cmd.platform]
        if not links:
            raise NotFound("this company is not linked to another workspace",
                           hint="link teams · link slack")
        tenant = await current_tenant(tx, cmd.actor)
        for link in links:
            await tx.links.move_workspace(link.prefix, source=host, target=link.origin_id)
            await _carry(tx, link.prefix, source=host, target=link.origin_id, admins=set())
            await tx.links.forget_link(link.prefix)
        await tx.commit()
    deps.links.bump()
    gone = " and ".join(sorted({NAMES[link.platform] for link in links}))
    return Notice(
        text=f"Unlinked: the {gone} workspace is on its own again. {tenant.name} keeps "
             "everything: milestones, people and their history.",
        tone=Tone.INFO, hint="its people are back where they were before linking")


async def choose_notify_platform(cmd: ChooseNotifyPlatform, deps: Deps) -> Notice:
    if cmd.choice not in NOTIFY_CHOICES:
        raise InvalidInput("notify", "choose slack, teams, both or last",
                           hint="me notify teams")
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        assert me.id is not None
        await tx.links.save_notify_choice(me.tenant_id, me.id, choice=cmd.choice)
        await tx.commit()
    said = {"last": "on the platform you used last", "both": "on Slack and Teams",
            "slack": "on Slack", "teams": "on Teams"}[cmd.choice]
    return Notice(text=f"Nudges reach you {said}.",
                  hint="when only one platform knows you, they go there")


async def note_platform(tx: UnitOfWork, user: User, identity: str) -> None:
    """Remembers the platform a person used (a write only when it changed)."""
    assert user.id is not None
    platform = identity.split(":", 1)[0]
    if platform not in PLATFORMS:
        return
    known = (await tx.links.notify_choices([user.id])).get(user.id)
    if known is None or known.last_platform != platform:
        await tx.links.save_notify_choice(user.tenant_id, user.id, last_platform=platform)
        await tx.commit()


HANDLERS: dict[type[AnyCommand], Callable[[Any, Deps], Awaitable[View]]] = {
    IssueLinkCode: issue_link_code,
    RedeemLinkCode: redeem_link_code,
    Unlink: unlink,
    ChooseNotifyPlatform: choose_notify_platform,
}
