"""The leaderboard in a challenge's channel: every week while it runs, and its final results.

Both go through the nudge delivery queue, so every platform with a notifier posts them, with
the queue's pacing and retries. The sweep claims each under a unique key (tenant, channel,
kind, period): "<challenge>:<Monday>" for the weekly post, at the challenge's moment (Friday
16:00 in the tenant's zone unless an admin moved it), and "<challenge>:final" for the results
of a challenge that finished in the last day. Two instances, or two ticks of the window, claim
each once; scoring itself never depends on nudges.

The board is built when the post is delivered, in a unit of work of the challenge's tenant; the
weekly one keeps the week's ranks, which next week's movement (▲2, ▼1) starts from.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from core.humanize import local_today
from core.model import TenantId, UserId
from core.nudges.deliveries import NewNudge, Nudge
from core.nudges.schedule import GRACE, NudgeKind, in_window
from core.nudges.views import ChallengePost
from core.nudges.workweek import local_day, local_moment
from core.ports import UnitOfWorkFactory
from core.scoring import recording
from core.scoring.challenge import Challenge, ChallengeId, ChallengeState, ParticipantKind
from core.scoring.challenge_cases import names_of
from core.scoring.ports import ChallengeRepository
from core.scoring.present_scores import leaderboard_view
from core.scoring.team_cases import handles

logger = logging.getLogger(__name__)

KINDS = frozenset({NudgeKind.LEADERBOARD, NudgeKind.RESULTS})
#: A challenge that finished this long ago still gets its results post (a sweep that missed the
#: moment, the scheduler down for a while); the unique key keeps it to one.
RESULTS_LOOKBACK = timedelta(days=1)


def weekly_moment(c: Challenge, timezone: str, now: datetime, grace: timedelta = GRACE
                  ) -> datetime | None:
    """The instant of this week's post when it falls in the sweep's window (now - grace, now]."""
    for day in sorted({local_day(now - grace, timezone), local_day(now, timezone)}):
        if day.isoweekday() != c.rules.post_day:
            continue
        moment = local_moment(day, c.rules.post_hour * 60, timezone)
        if in_window(moment, now, grace):
            return moment
    return None


def weekly_post(c: Challenge, timezone: str, moment: datetime) -> NewNudge:
    assert c.id is not None and c.channel is not None
    day = local_day(moment, timezone)
    monday = day - timedelta(days=day.weekday())
    return NewNudge(tenant_id=c.tenant_id, kind=NudgeKind.LEADERBOARD, channel=c.channel,
                    period=f"{c.id}:{monday.isoformat()}", detail=str(c.id),
                    not_before=moment)


async def posts_due(challenges: ChallengeRepository, now: datetime,
                    grace: timedelta = GRACE) -> list[NewNudge]:
    """The weekly posts due in the window and the results not posted yet, across tenants (two
    statements, whatever the number of challenges)."""
    due = []
    for c, timezone in await challenges.posting(finished_since=now - RESULTS_LOOKBACK):
        if c.state == ChallengeState.FINISHED:
            due.append(results_post(c, c.finished_at or now))
            continue
        moment = weekly_moment(c, timezone, now, grace)
        if moment is not None:
            due.append(weekly_post(c, timezone, moment))
    return due


def results_post(c: Challenge, finished_at: datetime) -> NewNudge:
    assert c.id is not None and c.channel is not None
    return NewNudge(tenant_id=c.tenant_id, kind=NudgeKind.RESULTS, channel=c.channel,
                    period=f"{c.id}:final", detail=str(c.id), not_before=finished_at)


async def build_posts(uow: UnitOfWorkFactory, nudges: Sequence[Nudge], now: datetime
                      ) -> dict[int, ChallengePost]:
    """The board of each leaderboard or results post of a batch, by nudge id; a post whose
    challenge is gone, or no longer running for a weekly one, gets none (it is skipped)."""
    built: dict[int, ChallengePost] = {}
    for nudge in nudges:
        if nudge.kind not in KINDS or not nudge.detail.isdigit():
            continue
        post = await _build(uow, nudge, ChallengeId(int(nudge.detail)), now)
        if post is not None:
            built[nudge.id] = post
    return built


async def _build(uow: UnitOfWorkFactory, nudge: Nudge, challenge_id: ChallengeId,
                 now: datetime) -> ChallengePost | None:
    final = nudge.kind == NudgeKind.RESULTS
    async with uow(TenantId(nudge.tenant_id)) as tx:
        c = await tx.scoring.challenges.get(challenge_id)
        wanted = ChallengeState.FINISHED if final else ChallengeState.ACTIVE
        if c is None or c.state != wanted:
            logger.info("challenge post %d skipped: the challenge is gone or %s", nudge.id,
                        c.state.value if c is not None else "deleted")
            return None
        tenant = await tx.tenants.get(c.tenant_id)
        today = local_today(now, tenant.timezone if tenant is not None else "UTC")
        monday = today - timedelta(days=today.weekday())
        previous = None if final else monday
        if c.kind == ParticipantKind.PEOPLE:
            async def handles_of(people: set[UserId]) -> dict[UserId, str]:
                return handles(await tx.users.get_many(people))

            ranked, total = await recording.people_board(tx.scoring, c, None, handles_of,
                                                         previous_week=previous)
        else:
            ranked = await recording.standings(tx.scoring, c, await names_of(tx, c),
                                               previous_week=previous)
            total = len(ranked)
        board = leaderboard_view(c, ranked, [], today=today, participants=total)
        assert c.id is not None
        if not final and not await tx.scoring.ledger.has_week(c.id, monday):
            everyone = await recording.standings(tx.scoring, c, await names_of(tx, c))
            await recording.keep_week(tx.scoring, c, everyone, today)
            await tx.commit()
    headline = (f"🏁 {c.quoted} has finished: the final results" if final
                else f"🏆 {c.quoted}: this week's leaderboard")
    return ChallengePost(nudge_id=nudge.id, kind=nudge.kind, headline=headline,
                         channel=nudge.channel, board=board, final=final, snoozes=(),
                         actions=())
