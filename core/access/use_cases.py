"""Token use cases: make (shown once), list, revoke, and the check every API request passes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.access.commands import CreateToken, ListTokens, RevokeToken
from core.access.errors import RateLimited, Unauthenticated
from core.access.tokens import (
    TOKEN_TEXT,
    TOKENS_PER_PERSON,
    ApiToken,
    check_name,
    new_secret,
    token_hash,
)
from core.access.views import TokenCreatedView, TokenLine, TokenListView
from core.commands import Actor
from core.errors import LimitReached, NotFound
from core.humanize import when
from core.permissions import Right
from core.tenancy import Role, User
from core.use_case import Deps, authorize, current_user
from core.views import Notice, Tone

WINDOW = timedelta(minutes=1)


async def create_token(cmd: CreateToken, deps: Deps) -> TokenCreatedView:
    name = check_name(cmd.name)
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        if cmd.app:
            await authorize(tx, me, Right.ADMIN, None)
        owner = None if cmd.app else me.id
        held = await tx.access.tokens(user_id=owner)
        if any(t.name.lower() == name.lower() for t in held):
            raise LimitReached(f"there is already a token named “{name}”",
                               hint=f'token revoke "{name}" first, or choose another name')
        if len(held) >= TOKENS_PER_PERSON:
            raise LimitReached(f"at most {TOKENS_PER_PERSON} tokens at once",
                               hint="`tokens` lists them; revoke one you no longer use")
        secret = new_secret()
        assert me.id is not None
        await tx.access.add(ApiToken(
            tenant_id=cmd.actor.tenant_id, user_id=owner, name=name, scopes=cmd.scopes,
            token_hash=token_hash(secret), hint=secret[:10], created_by=me.id, created_at=now))
        await tx.commit()
    app = " app" if cmd.app else ""
    return TokenCreatedView(
        name=name, secret=secret, scopes=tuple(sorted(s.value for s in cmd.scopes)),
        app=cmd.app, api_url=f"{deps.calendar.public_url.rstrip('/')}/api/v1",
        revoke=f'token revoke{app} "{name}"')


async def list_tokens(cmd: ListTokens, deps: Deps) -> TokenListView:
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        mine = await tx.access.tokens(user_id=me.id)
        apps = await tx.access.tokens(user_id=None) if me.role.value == "admin" else []
    return TokenListView(tokens=tuple(_line(t, me, now) for t in mine),
                         app_tokens=tuple(_line(t, me, now) for t in apps))


async def revoke_token(cmd: RevokeToken, deps: Deps) -> Notice:
    name = " ".join(cmd.name.split())
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        if cmd.app:
            await authorize(tx, me, Right.ADMIN, None)
        held = await tx.access.tokens(user_id=None if cmd.app else me.id)
        found = next((t for t in held if t.name.lower() == name.lower()), None)
        if found is None or found.id is None:
            raise NotFound(f"you have no {'app ' if cmd.app else ''}token named “{name[:60]}”",
                           hint="`tokens` lists them")
        await tx.access.revoke(found.id, now)
        await tx.commit()
    return Notice(text=f"Token “{found.name}” is revoked; requests with it now get 401.",
                  tone=Tone.SUCCESS)


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    """Who an API request acts as, and where it stands against its rate limit."""

    token: ApiToken
    actor: Actor
    limit: int
    remaining: int
    reset: int  # seconds until the window ends


async def authenticate(secret: str, deps: Deps, *, limit: int) -> Principal:
    """The token behind an `Authorization: Bearer` value, with one request counted against its
    limit (per minute, shared by every instance through the database)."""
    if not TOKEN_TEXT.match(secret):
        raise Unauthenticated("that is not a Cairn API token",
                              hint='`token new "name"` in chat makes one')
    now = deps.clock.now()
    window = now.replace(second=0, microsecond=0)
    async with deps.uow() as tx:
        token = await tx.access.by_hash(token_hash(secret))
        if token is None or not token.active or token.id is None:
            raise Unauthenticated("this token is unknown or revoked",
                                  hint='`token new "name"` in chat makes a new one')
        count = await tx.access.hit(token.id, window)
        await tx.commit()
    if token.is_app:
        await _still_lent_by_an_admin(token, deps)
    reset = max(1, int((window + WINDOW - now).total_seconds() + 0.999))
    if count > limit:
        raise RateLimited(f"this token made more than {limit} requests this minute",
                          retry_after=reset, limit=limit)
    acting = token.user_id if token.user_id is not None else token.created_by
    return Principal(token=token, actor=Actor(tenant_id=token.tenant_id, user_id=acting),
                     limit=limit, remaining=max(0, limit - count), reset=reset)


async def _still_lent_by_an_admin(token: ApiToken, deps: Deps) -> None:
    """An app token acts with the rights of the admin who made it, and only while that person
    is an admin: demoting them (or removing them) stops the app rather than widening it."""
    async with deps.uow(token.tenant_id) as tx:
        maker = await tx.users.get(token.created_by)
    if maker is None or maker.role is not Role.ADMIN:
        raise Unauthenticated(f"the admin who made the app token “{token.name}” is no longer "
                              "an admin", hint='an admin makes a new one: token new "name" app '
                                                "<scopes…>")


def _line(token: ApiToken, me: User, now: datetime) -> TokenLine:
    used = when(token.last_used_at, now, me.timezone) if token.last_used_at else "never used"
    return TokenLine(name=token.name, hint=token.hint + "…",
                     scopes=", ".join(sorted(s.value for s in token.scopes)),
                     created=when(token.created_at, now, me.timezone), used=used,
                     app=token.is_app)
