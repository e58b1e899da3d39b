"""What people read of scores: `leaderboard`, `score`, `badges`; and `approve #N`, `forecast #N`.
"""

from __future__ import annotations

from datetime import timedelta

from core.errors import Forbidden, InvalidInput, NotFound
from core.humanize import local_today
from core.ports import UnitOfWork
from core.scoring import recording
from core.scoring.challenge import (
    Challenge,
    ChallengeState,
    Participant,
    ParticipantKind,
    current,
)
from core.scoring.challenge_cases import find_challenge, mine, names_of, top_standings
from core.scoring.commands import (
    ApproveDeadline,
    ShowBadges,
    ShowForecast,
    ShowLeaderboard,
    ShowScore,
)
from core.scoring.confidence import wilson_lower_bound
from core.scoring.events import MoveApproved
from core.scoring.feed import announce
from core.scoring.forecast_feed import forecast_now
from core.scoring.ledger import Tally
from core.scoring.present_plans import forecast_view
from core.scoring.present_scores import badges_view, leaderboard_view, score_view
from core.scoring.views import BadgesView, ForecastView, LeaderboardView, ScoreView
from core.scoring.workdays import Deadline
from core.use_case import Deps, current_user, find_milestone, resolve_user
from core.views import Notice

HISTORY = timedelta(days=365)


async def chosen(tx: UnitOfWork, name: str | None) -> Challenge:
    """The named challenge, or the active one started last."""
    if name:
        return await find_challenge(tx, name)
    found = current(await tx.scoring.challenges.all())
    if found is None:
        raise NotFound("no challenge is running",
                       hint='`challenge list`, or leaderboard "Q1 delivery"')
    return found


async def show_leaderboard(cmd: ShowLeaderboard, deps: Deps) -> LeaderboardView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        c = await chosen(tx, cmd.challenge)
        if cmd.teams and c.kind != ParticipantKind.TEAMS:
            raise InvalidInput("teams", f"{c.quoted} is a challenge between people",
                               hint=f'leaderboard "{c.name}"')
        today = local_today(deps.clock.now(), me.timezone)
        monday = today - timedelta(days=today.weekday())
        assert c.id is not None
        ranked, total = await top_standings(tx, c, me, today)
        view = leaderboard_view(c, ranked, await mine(tx, me), today=today, participants=total)
        if c.state == ChallengeState.ACTIVE and not await tx.scoring.ledger.has_week(c.id,
                                                                                   monday):
            # The week's first look keeps everyone's ranks: next week's moves start from them.
            everyone = await recording.standings(tx.scoring, c, await names_of(tx, c))
            await recording.keep_week(tx.scoring, c, everyone, today)
            await tx.commit()
        return view


async def show_score(cmd: ShowScore, deps: Deps) -> ScoreView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        person = await resolve_user(tx, cmd.person) if cmd.person else me
        assert person.id is not None
        c = await chosen(tx, cmd.challenge)
        assert c.id is not None
        today = local_today(deps.clock.now(), me.timezone)
        ledger = tx.scoring.ledger
        own = None  # a person's line; in a challenge between teams, the teams are ranked
        if c.kind == ParticipantKind.PEOPLE:
            ranked, _ = await top_standings(tx, c, person, today, top=1)
            own = next((s for s in ranked if s.participant == Participant.person(person.id)),
                       None)
        tally = (await ledger.tallies(c.id, [person.id])).get(person.id, Tally(person.id))
        records = await ledger.items_of(c.id, person.id)
        mentioned = {person.id, *(u for r in records for u in r.contributors),
                     *(r.closed_by for r in records if r.closed_by is not None)}
        names = {uid: u.handle for uid, u in (await tx.users.get_many(mentioned)).items()}
        return score_view(person=person.id, names=names, challenge=c, records=records,
                          days=await ledger.days_of(c.id, person.id),
                          streak=await ledger.streak(c.id, person.id), tally=tally,
                          rank=own.rank if own else None,
                          rate=own.on_time_rate if own else wilson_lower_bound(
                              tally.on_time, tally.judged),
                          today=local_today(deps.clock.now(), me.timezone))


async def show_badges(cmd: ShowBadges, deps: Deps) -> BadgesView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        person = await resolve_user(tx, cmd.person) if cmd.person else me
        assert person.id is not None
        return badges_view(person.handle, await tx.scoring.achievements.awards(person.id),
                           today=local_today(deps.clock.now(), me.timezone),
                           zone=me.timezone)


async def approve_deadline(cmd: ApproveDeadline, deps: Deps) -> Notice:
    """The parent's owner (or an admin) accepts the due date as it stands now: on time is
    judged against it from now on."""
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        m = await find_milestone(tx, cmd.milestone)
        assert m.id is not None and me.id is not None
        parent = await tx.milestones.get(m.parent_id) if m.parent_id else None
        if (parent is None or parent.owner_id != me.id) and me.role.value != "admin":
            raise Forbidden(f"only the owner of the milestone above {m.ref} (or an admin) "
                            "approves its due date", hint=f"show {m.ref}")
        if m.due_date is None:
            raise InvalidInput("due", f"{m.ref} has no due date to approve",
                               hint=f"due {m.ref} friday")
        awards = await recording.record(tx.scoring, MoveApproved(
            at=deps.clock.now(), item=m.id, deadline=Deadline(m.due_date, m.due_time),
            by=me.id))
        await announce(tx, awards)
        await tx.commit()
    return Notice(text=f"Approved the due date of {m.ref} ({m.due_date:%a} {m.due_date.day} "
                       f"{m.due_date:%b}): on time is judged against it now")


async def show_forecast(cmd: ShowForecast, deps: Deps) -> ForecastView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        m = await find_milestone(tx, cmd.milestone)
        assert m.id is not None
        owner = await tx.users.get(m.owner_id)
        now = deps.clock.now()
        # Made as the stored ones are (`forecast_feed`), and not stored: reading changes nothing.
        result = await forecast_now(tx, m, now, local_today(now, (owner or me).timezone))
        return forecast_view(m.number, m.title, result, progress=m.progress,
                             today=local_today(now, me.timezone))


