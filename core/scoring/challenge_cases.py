"""Challenge use cases: new, list, show, join/leave, add, start/end/cancel/recompute, rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core.errors import Forbidden, InvalidInput, NotFound
from core.events import ChallengeFinished
from core.history import Notification
from core.humanize import local_today
from core.model import UserId
from core.ports import UnitOfWork
from core.scoring import recording
from core.scoring.challenge import (
    Challenge,
    ChallengeState,
    Participant,
    ParticipantKind,
    Period,
)
from core.scoring.commands import (
    AddToChallenge,
    ChangeChallengeRules,
    CreateChallenge,
    JoinChallenge,
    Lifecycle,
    ListChallenges,
    MoveChallenge,
    ShowChallenge,
)
from core.scoring.feed import announce
from core.scoring.points import format_points
from core.scoring.present_plans import challenge_line, challenge_list_view, challenge_view
from core.scoring.present_scores import standing_line
from core.scoring.rules import ScoringRules
from core.scoring.standings import TOP, Standing
from core.scoring.team import TeamId
from core.scoring.team_cases import find_team, handles
from core.scoring.views import ChallengeListView, ChallengeView
from core.tenancy import Role, User
from core.use_case import Deps, current_user, resolve_users

PREVIEW = 5


async def find_challenge(tx: UnitOfWork, name: str) -> Challenge:
    challenge = await tx.scoring.challenges.by_name(name)
    if challenge is None:
        raise NotFound(f"there is no challenge “{name[:60]}”", hint="`challenge list`")
    return challenge


def require_admin(me: User, doing: str) -> None:
    if me.role != Role.ADMIN:
        raise Forbidden(f"only an admin can {doing}", hint="`people` shows who the admins are")


async def mine(tx: UnitOfWork, me: User) -> list[Participant]:
    """The reader as a participant: themselves, and each of their teams."""
    assert me.id is not None
    return [Participant.person(me.id)] + [Participant.team(t.id)
                                          for t in await tx.scoring.teams.of_member(me.id)
                                          if t.id is not None]


async def names_of(tx: UnitOfWork, c: Challenge) -> dict[UserId, str]:
    assert c.id is not None
    people: set[UserId] = set()
    teams: list[TeamId] = []
    for p in await tx.scoring.challenges.participants(c.id):
        if p.kind == ParticipantKind.PEOPLE:
            people.add(UserId(p.id))
        else:
            teams.append(TeamId(p.id))
    for team in (await tx.scoring.teams.get_many(teams)).values():
        people |= team.members
    return handles(await tx.users.get_many(people))


async def top_standings(tx: UnitOfWork, c: Challenge, me: User, today: date, *,
                        top: int = TOP) -> tuple[list[Standing], int]:
    """The top lines and the reader's own, with moves since last week, and how many take
    part. A people challenge is ranked by storage (never all of them in memory)."""
    assert me.id is not None
    monday = today - timedelta(days=today.weekday())
    if c.kind == ParticipantKind.PEOPLE:
        async def handles_of(people: set[UserId]) -> dict[UserId, str]:
            return handles(await tx.users.get_many(people))

        return await recording.people_board(tx.scoring, c, me.id, handles_of,
                                            previous_week=monday, top=top)
    ranked = await recording.standings(tx.scoring, c, await names_of(tx, c),
                                       previous_week=monday)
    return ranked, len(ranked)


async def create_challenge(cmd: CreateChallenge, deps: Deps) -> ChallengeView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        if me.role == Role.VIEWER:
            raise Forbidden("viewers cannot start challenges", hint="ask an admin")
        rules = ScoringRules()
        if cmd.families is not None:
            rules = rules.with_families(cmd.families)
        if cmd.numbers:
            require_admin(me, "change the scoring numbers")
            rules = rules.changed(dict(cmd.numbers))
        assert me.id is not None
        c = await tx.scoring.challenges.add(Challenge(
            tenant_id=cmd.actor.tenant_id, name=cmd.name, period=Period(cmd.starts, cmd.ends),
            kind=cmd.kind, channel=cmd.channel, rules=rules, created_by=me.id,
            created_at=deps.clock.now()))
        view = await _view(tx, c, me, deps, headline=f"Created the challenge {c.quoted} "
                                                      "(a draft until an admin starts it)")
        await tx.commit()
    return view


async def list_challenges(cmd: ListChallenges, deps: Deps) -> ChallengeListView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        today = local_today(deps.clock.now(), me.timezone)
        reader = set(await mine(tx, me))
        lines = []
        for c in await tx.scoring.challenges.all():
            assert c.id is not None
            joined = await tx.scoring.challenges.participants(c.id)
            lines.append(challenge_line(c, participants=len(joined),
                                        joined=bool(reader & set(joined)), today=today))
        return challenge_list_view(lines)


async def show_challenge(cmd: ShowChallenge, deps: Deps) -> ChallengeView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        return await _view(tx, await find_challenge(tx, cmd.name), me, deps)


async def join_challenge(cmd: JoinChallenge, deps: Deps) -> ChallengeView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        c = await find_challenge(tx, cmd.name)
        assert c.id is not None and me.id is not None
        me_in = Participant.person(me.id)
        if c.kind == ParticipantKind.TEAMS:
            raise InvalidInput("participant", f"{c.quoted} is a challenge between teams; an "
                               "admin adds teams", hint=f'challenge add "{c.name}" "Sales"')
        if cmd.leave:
            c.check_open("leave it")
            gone = await tx.scoring.challenges.remove_participant(c.id, me_in)
            headline = f"You left {c.quoted}" if gone else f"You were not in {c.quoted}"
        else:
            c.check_participant(me_in)
            new = await tx.scoring.challenges.add_participant(c.id, me_in)
            headline = f"You joined {c.quoted}" if new else f"You are in {c.quoted} already"
        view = await _view(tx, c, me, deps, headline=headline)
        await tx.commit()
    return view


async def add_to_challenge(cmd: AddToChallenge, deps: Deps) -> ChallengeView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        require_admin(me, "add others to a challenge")
        c = await find_challenge(tx, cmd.name)
        assert c.id is not None
        joining = [Participant.person(u.id) for u in await resolve_users(tx, cmd.people)
                   if u.id is not None]
        for name in cmd.teams:
            team = await find_team(tx, name)
            assert team.id is not None
            joining.append(Participant.team(team.id))
        added = 0
        for p in joining:
            c.check_participant(p)
            added += await tx.scoring.challenges.add_participant(c.id, p)
        headline = (f"Added {added} to {c.quoted}" if added
                    else f"They take part in {c.quoted} already")
        view = await _view(tx, c, me, deps, headline=headline)
        await tx.commit()
    return view


async def move_challenge(cmd: MoveChallenge, deps: Deps) -> ChallengeView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        require_admin(me, f"{cmd.step.value} a challenge")
        c = await find_challenge(tx, cmd.name)
        now = deps.clock.now()
        ports = tx.scoring
        if cmd.step == Lifecycle.START:
            await recording.start(ports, c, now)
            headline = f"{c.quoted} has started: points count from now on"
        elif cmd.step == Lifecycle.END:
            today = local_today(now, me.timezone)
            final, awards = await recording.finish(ports, c, await names_of(tx, c), now, today)
            await announce(tx, awards)
            await tell_results(tx, c, final, now)
            await tx.publish(ChallengeFinished(
                tenant_id=c.tenant_id, milestone_id=None, actor_id=me.id, at=now,
                challenge=c.name, podium=tuple((s.rank, s.entry.name, format_points(
                    s.entry.points)) for s in final[:10])))
            headline = f"{c.quoted} has finished: the results are frozen"
        elif cmd.step == Lifecycle.CANCEL:
            c.cancel(now)
            await ports.challenges.save(c)
            headline = f"{c.quoted} was cancelled"
        else:
            ledger = await recording.rebuild(ports, c)
            headline = (f"Recomputed {c.quoted} from the history: "
                        f"{len(ledger.items)} items, {len(ledger.tallies)} people scored")
        view = await _view(tx, c, me, deps, headline=headline)
        await tx.commit()
    return view


async def tell_results(tx: UnitOfWork, c: Challenge, final: list[Standing], now: datetime
                       ) -> None:
    """Every participant (every member of a team) finds the frozen results in their inbox."""
    podium = ", ".join(f"{s.rank}. {s.entry.name} ({format_points(s.entry.points)})"
                       for s in final[:3]) or "nobody scored"
    people: set[UserId] = set()
    for s in final:
        if s.participant.kind == ParticipantKind.PEOPLE:
            people.add(UserId(s.participant.id))
        else:
            team = await tx.scoring.teams.get(TeamId(s.participant.id))
            people |= team.members if team is not None else set()
    for person in sorted(people):
        await tx.notifications.add(Notification(
            tenant_id=c.tenant_id, user_id=person, kind="challenge",
            text=f"🏁 {c.quoted} has finished: {podium}", created_at=now))


async def change_rules(cmd: ChangeChallengeRules, deps: Deps) -> ChallengeView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        require_admin(me, "change a challenge's rules")
        c = await find_challenge(tx, cmd.name)
        rules = c.rules.changed(dict(cmd.numbers)) if cmd.numbers else c.rules
        if cmd.families is not None:
            rules = rules.with_families(cmd.families)
        c.change_rules(rules)
        await tx.scoring.challenges.save(c)
        if c.state == ChallengeState.ACTIVE:
            await recording.rebuild(tx.scoring, c)  # the ledger's contract: new numbers
        view = await _view(tx, c, me, deps, headline=f"Changed the rules of {c.quoted}")
        await tx.commit()
    return view


async def _view(tx: UnitOfWork, c: Challenge, me: User, deps: Deps, *, headline: str = ""
                ) -> ChallengeView:
    assert c.id is not None
    today = local_today(deps.clock.now(), me.timezone)
    joined = await tx.scoring.challenges.participants(c.id)
    names = await names_of(tx, c)
    if c.kind == ParticipantKind.PEOPLE:
        shown = [names.get(UserId(p.id), f"user {p.id}") for p in joined]
    else:
        teams = await tx.scoring.teams.get_many([TeamId(p.id) for p in joined])
        shown = [teams[t].name for t in teams]
    reader = await mine(tx, me)
    standings = []
    if c.state in (ChallengeState.ACTIVE, ChallengeState.FINISHED):
        ranked, _total = await top_standings(tx, c, me, today, top=PREVIEW)
        standings = [standing_line(s, reader) for s in ranked[:PREVIEW]]
    creator = await tx.users.get(c.created_by)
    return challenge_view(c, participants=shown, joined=bool(set(reader) & set(joined)),
                          standings=standings, created_by=creator.handle if creator else "",
                          today=today, headline=headline)


