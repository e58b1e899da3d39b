"""ICS feeds: an address per person or goal, shown once, read by calendar apps, revoked.

An address is a bearer secret: whoever has it reads the deadlines behind it. Only its token's
SHA-256 is kept, so the database gives no address away and `calendar feed` cannot show one
again: each time it makes a new one, and the earlier ones keep working until revoked. The
host in the address is the public URL `serve` stored, whichever process printed it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from core.calendar.commands import RevokeCalendarFeed, ShowCalendarFeed
from core.calendar.model import (
    CalendarFeed,
    CalendarSetup,
    FeedContent,
    FeedScope,
    entry_for,
    feed_token_hash,
)
from core.errors import LimitReached, NotFound
from core.humanize import when
from core.model import Kind, MilestoneId, UserId
from core.permissions import Right
from core.ports import MilestoneFilter, UnitOfWork
from core.scoring.team import Team, TeamId
from core.scoring.team_cases import find_team
from core.tenancy import User
from core.use_case import Deps, authorize, current_user, find_milestone, resolve_user
from core.views import CalendarFeedView, Notice

FEED_TOKEN_BYTES = 32  # 43 URL-safe characters: unguessable
FEED_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
FEED_LIMIT = 2000
#: Active ICS addresses one person may have made (each `calendar feed` makes a new one).
FEEDS_PER_PERSON = 50
HOW_TO_SUBSCRIBE = (
    "Google Calendar: Other calendars ＋ › From URL, paste the address",
    "Outlook: Add calendar › Subscribe from web, paste the address",
    "Apple Calendar: File › New Calendar Subscription, paste the address",
)


def kind_names(kinds: frozenset[Kind]) -> tuple[str, ...]:
    """`goals`, `milestones`, `tasks`, in the order of the kinds."""
    return tuple(k.value + "s" for k in Kind if k in kinds)


async def feed_names(tx: UnitOfWork, feeds: Sequence[CalendarFeed], me: User, now: datetime
                     ) -> list[str]:
    """One line per target (someone's milestones, a goal's subtree), for `calendar status`."""
    roots = {f.root_id for f in feeds if f.root_id is not None}
    titles = {m.id: f"{m.ref} {m.title}" for m in await tx.milestones.find(
        MilestoneFilter(ids=roots, open_only=False))} if roots else {}
    people = await tx.users.get_many({f.user_id for f in feeds if f.user_id is not None})
    teams = await tx.scoring.teams.get_many(
        {TeamId(f.team_id) for f in feeds if f.team_id is not None})
    targets: dict[Target, list[CalendarFeed]] = {}
    for f in feeds:
        targets.setdefault(_target(f), []).append(f)
    names = []
    for same in targets.values():
        f = same[0]
        what = _feed_title(f, me, people.get(f.user_id) if f.user_id else None,
                           titles.get(f.root_id) if f.root_id else None,
                           _team_name(teams, f.team_id))
        if len(same) > 1:
            what += f" · {len(same)} addresses"
        read = [x.last_used_at for x in same if x.last_used_at]
        used = f"read {when(max(read), now, me.timezone)}" if read else "not read yet"
        names.append(f"{what} · {used}")
    return names


Target = tuple[FeedScope, UserId | None, MilestoneId | None, int | None]


def _target(feed: CalendarFeed) -> Target:
    return feed.scope, feed.user_id, feed.root_id, feed.team_id


def _feed_title(feed: CalendarFeed, me: User, person: User | None, root: str | None,
                team: str | None = None) -> str:
    if feed.scope == FeedScope.GROUP:
        return f"the milestones of {team or 'a deleted team'}"
    if feed.scope == FeedScope.TEAM:
        return f"{root or 'a deleted milestone'} and everything under it"
    if person is None or person.id == me.id:
        return "your milestones"
    return f"@{person.handle}'s milestones"


async def show_feed(cmd: ShowCalendarFeed, deps: Deps) -> CalendarFeedView:
    """A new address for that target. Only its hash is kept, so it is shown this once; the
    ones made before keep working until they are revoked."""
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        assert me.id is not None
        person = await resolve_user(tx, cmd.person) if cmd.person else None
        root = await find_milestone(tx, cmd.root) if cmd.root else None
        team = await find_team(tx, cmd.team) if cmd.team else None
        if root is None and person is None and team is None:
            person = me
        wanted: Target = (FeedScope.TEAM, None, root.id, None) if root else (
            (FeedScope.GROUP, None, None, team.id) if team else (
                FeedScope.PERSON, person.id if person else None, None, None))
        settings = await tx.calendar.settings()
        mine = await tx.calendar.feeds(created_by=me.id)
        if len(mine) >= FEEDS_PER_PERSON:
            raise LimitReached(f"you have {len(mine)} ICS addresses, the most one person "
                               "keeps", hint="calendar feed revoke all, then calendar feed")
        earlier = sum(1 for f in mine if _target(f) == wanted)
        token = secrets.token_urlsafe(FEED_TOKEN_BYTES)
        feed = await tx.calendar.add_feed(CalendarFeed(
            tenant_id=cmd.actor.tenant_id, token_hash=feed_token_hash(token),
            scope=wanted[0], created_by=me.id, user_id=wanted[1], root_id=wanted[2],
            team_id=wanted[3], created_at=now))
        installation = await tx.calendar.installation()
        await tx.commit()
    notes: list[str] = []
    public_url = installation.setup.public_url if installation else ""
    if not public_url:
        # The address people reach Cairn at is serve's PUBLIC_URL; this process can only guess.
        public_url = deps.calendar.public_url
        notes.append(f"No serve has run yet, so Cairn does not know its public address: start "
                     f"`serve` with PUBLIC_URL set (this address assumes {public_url})")
    notes.append("Keep this address: Cairn stores only a fingerprint of it and cannot show it "
                 "again" + (f"; the {_addresses(earlier)} you made before keep working"
                            if earlier else ""))
    title = _feed_title(feed, me, person, f"{root.ref} {root.title}" if root else None,
                        team.quoted if team else None)
    return CalendarFeedView(
        title=title[:1].upper() + title[1:],
        url=CalendarSetup(public_url=public_url).feed_url(token), created=True,
        kinds=kind_names(settings.kinds), how_to=(*notes, *HOW_TO_SUBSCRIBE),
        revoke="calendar feed revoke" + (f" {root.ref}" if root else (
            f' "{team.name}"' if team else (
                f" @{person.handle}" if person and person.id != me.id else ""))))


def _team_name(teams: Mapping[TeamId, Team], team_id: int | None) -> str | None:
    team = teams.get(TeamId(team_id)) if team_id is not None else None
    return team.quoted if team is not None else None


def _addresses(count: int) -> str:
    return "1 address" if count == 1 else f"{count} addresses"


async def revoke_feed(cmd: RevokeCalendarFeed, deps: Deps) -> Notice:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        if cmd.everyone:
            await authorize(tx, me, Right.ADMIN, None)
            feeds, what = await tx.calendar.feeds(), "every ICS feed of this workspace"
        elif cmd.all_mine:
            feeds, what = await tx.calendar.feeds(created_by=me.id), "all your ICS feeds"
        else:
            person = await resolve_user(tx, cmd.person) if cmd.person else None
            root = await find_milestone(tx, cmd.root) if cmd.root else None
            team = await find_team(tx, cmd.team) if cmd.team else None
            person = None if root or team else (person or me)
            if team is not None:
                of = f"the milestones of {team.quoted}"
            elif root is not None:
                of = f"{root.ref} {root.title}"
            else:
                assert person is not None
                of = "your milestones" if person.id == me.id else f"@{person.handle}'s milestones"
            feeds = [f for f in await tx.calendar.feeds(created_by=me.id)
                     if (root is not None and f.root_id == root.id) or (
                         team is not None and f.team_id == team.id) or (
                         person is not None and f.scope == FeedScope.PERSON
                         and f.user_id == person.id)]
            what = f"your feed of {of}"
        if not feeds:
            raise NotFound(f"there is nothing to revoke ({what}: none)",
                           hint="calendar status lists your feeds")
        count = await tx.calendar.revoke_feeds([f.id for f in feeds if f.id is not None],
                                               deps.clock.now())
        await tx.commit()
    return Notice(text=f"Revoked {what} ({_addresses(count)}); calendars subscribed to them "
                       "stop updating", hint="calendar feed makes a new address")


async def read_feed(deps: Deps, token: str) -> FeedContent | None:
    """The deadlines behind an ICS address; None when the address is unknown or revoked."""
    if not FEED_TOKEN.match(token):
        return None
    now = deps.clock.now()
    async with deps.uow() as tx:
        feed = await tx.calendar.feed_by_hash(feed_token_hash(token))
    if feed is None:
        return None
    async with deps.uow(feed.tenant_id) as tx:
        tenant = await tx.tenants.get(feed.tenant_id)
        settings = await tx.calendar.settings()
        if feed.scope == FeedScope.TEAM and feed.root_id is not None:
            ids = [feed.root_id, *(await tx.milestones.descendant_ids(feed.root_id))]
            items = await tx.milestones.find(MilestoneFilter(ids=ids[:FEED_LIMIT],
                                                             open_only=False))
            root = next((m for m in items if m.id == feed.root_id), None)
            title = f"{root.ref} {root.title}" if root else "a deleted goal"
        elif feed.scope == FeedScope.GROUP and feed.team_id is not None:
            team = await tx.scoring.teams.get(TeamId(feed.team_id))
            items = []
            for member in sorted(team.members) if team is not None else []:
                items += await tx.milestones.find(MilestoneFilter(
                    owner_id=member, open_only=False, limit=FEED_LIMIT))
            items = items[:FEED_LIMIT]
            title = team.quoted if team is not None else "a deleted team"
        else:
            person = await tx.users.get(feed.user_id) if feed.user_id else None
            items = await tx.milestones.find(MilestoneFilter(
                involving=feed.user_id, open_only=False, limit=FEED_LIMIT)) if person else []
            title = f"@{person.handle}" if person else "nobody"
        # Feeds follow the workspace's choice of kinds, whether Google sync is on or not.
        shown = replace(settings, enabled=True)
        owners = await tx.users.get_many({m.owner_id for m in items})
        entries = tuple(e for m in items if shown.covers(m)
                        for e in [entry_for(m, owners.get(m.owner_id))] if e is not None)
        if feed.id is not None:
            await tx.calendar.feed_used(feed.id, now)
        await tx.commit()
    workspace = tenant.name if tenant else "Cairn"
    return FeedContent(name=f"{workspace}: {title} deadlines",
                       description=f"Deadlines of {title} in {workspace}, from Cairn",
                       entries=entries)
