"""New badges announced through the nudge delivery queue: a DM to the person, and a post in the
channel of the challenge that earned it.

The scoring use case that awards a badge queues its announcements in the same transaction
(`core.scoring.ports.AwardAnnouncements`, whose storage writes the deliveries below), so a
rolled-back award announces nothing. Each delivery has a unique key, (tenant, person, "", badge,
0, "<badge>") for the DM and (tenant, 0, channel, badge, 0, "<badge>:<person>") for the channel,
and a badge is awarded once per person: each is claimed, leased and sent once, across
instances and retries, like the weekly leaderboard.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.humanize import ellipsis
from core.model import TenantId, UserId
from core.nudges.deliveries import NewNudge, Nudge
from core.nudges.schedule import NudgeKind
from core.nudges.views import BadgeAnnouncement
from core.scoring.achievements import CATALOGUE, Award, Badge

DETAIL_MAX = 80


def announcements(tenant_id: TenantId, awards: Sequence[Award]) -> list[NewNudge]:
    """The deliveries that announce these awards."""
    found: list[NewNudge] = []
    for a in awards:
        detail = ellipsis(a.context, DETAIL_MAX)
        found.append(NewNudge(tenant_id=tenant_id, kind=NudgeKind.BADGE, user_id=a.person,
                              period=a.badge.value, detail=detail, not_before=a.at))
        if a.channel:
            found.append(NewNudge(tenant_id=tenant_id, kind=NudgeKind.BADGE, channel=a.channel,
                                  period=f"{a.badge.value}:{a.person}", detail=detail,
                                  not_before=a.at))
    return found


def badge_of(nudge: Nudge) -> tuple[Badge, UserId | None] | None:
    """The badge a delivery announces and, for a channel's, who earned it."""
    code, _, person = nudge.period.partition(":")
    try:
        badge = Badge(code)
    except ValueError:
        return None
    if nudge.channel:
        return (badge, UserId(int(person))) if person.isdigit() else None
    return badge, nudge.user_id


def earner(nudge: Nudge) -> UserId | None:
    """Who earned the badge a channel's announcement is about (None for other deliveries)."""
    if nudge.kind != NudgeKind.BADGE or not nudge.channel:
        return None
    found = badge_of(nudge)
    return found[1] if found is not None else None


def announcement(nudge: Nudge, badge: Badge, handle: str) -> BadgeAnnouncement:
    info = CATALOGUE[badge]
    context = f" ({nudge.detail})" if nudge.detail else ""
    headline = (f"🏅 @{handle} earned a badge: {info.emoji} {info.title}{context}"
                if nudge.channel else
                f"🏅 New badge: {info.emoji} {info.title}, {info.description}{context}")
    return BadgeAnnouncement(nudge_id=nudge.id, kind=nudge.kind, headline=headline,
                             person=handle, emoji=info.emoji, title=info.title,
                             description=info.description, context=nudge.detail,
                             channel=nudge.channel,
                             footer="" if nudge.channel else "`badges` lists every badge")
