"""Team use cases: `team new|add|remove`, `teams`, `team "Sales"`, `list team "Sales"`."""

from __future__ import annotations

from core.errors import Forbidden, NotFound
from core.milestones.card_loader import stored_forecasts
from core.milestones.cards import line, sort_for_attention
from core.milestones.queries import PastLast, _paged
from core.model import UserId
from core.ports import MilestoneFilter, UnitOfWork
from core.scoring.challenge import ChallengeState, Participant
from core.scoring.commands import (
    ChangeTeam,
    CreateTeam,
    ListTeamMilestones,
    ListTeams,
    ShowTeam,
)
from core.scoring.present_plans import team_list_view, team_view
from core.scoring.team import Team
from core.scoring.views import TeamListView, TeamView
from core.tenancy import Role, User
from core.use_case import Deps, current_user, reader, resolve_users
from core.views import MilestoneList

TEAM_LIST_MAX = 200


def people_text(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


def handles(users: dict[UserId, User]) -> dict[UserId, str]:
    return {uid: u.handle for uid, u in users.items()}


async def find_team(tx: UnitOfWork, name: str) -> Team:
    team = await tx.scoring.teams.by_name(name)
    if team is None:
        raise NotFound(f"there is no team “{name[:60]}”", hint="`teams` lists them")
    return team


def may_change_team(me: User, team: Team) -> None:
    if me.role != Role.ADMIN and me.id != team.created_by:
        raise Forbidden(f"only an admin or whoever made {team.quoted} can change it",
                        hint=f'team "{team.name}"')


async def create_team(cmd: CreateTeam, deps: Deps) -> TeamView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        if me.role == Role.VIEWER:
            raise Forbidden("viewers cannot make teams", hint="ask an admin")
        people = await resolve_users(tx, cmd.people)
        assert me.id is not None
        team = await tx.scoring.teams.add(Team(
            tenant_id=cmd.actor.tenant_id, name=cmd.name,
            members={u.id for u in people if u.id is not None}, created_by=me.id,
            created_at=deps.clock.now()))
        view = await _team_view(tx, team, me, deps,
                                headline=f"Made team {team.quoted} with "
                                         f"{people_text(len(team.members))}")
        await tx.commit()
    return view


async def change_team(cmd: ChangeTeam, deps: Deps) -> TeamView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        team = await find_team(tx, cmd.name)
        may_change_team(me, team)
        added = team.add(u.id for u in await resolve_users(tx, cmd.add) if u.id is not None)
        gone = team.remove(u.id for u in await resolve_users(tx, cmd.remove)
                           if u.id is not None)
        if added or gone:
            await tx.scoring.teams.save(team)
        if cmd.add:
            headline = (f"Added {people_text(len(added))} to {team.quoted}"
                        if added else f"They are in {team.quoted} already")
        else:
            headline = (f"Removed {people_text(len(gone))} from {team.quoted}"
                        if gone else f"They were not in {team.quoted}")
        view = await _team_view(tx, team, me, deps, headline=headline)
        await tx.commit()
    return view


async def list_teams(cmd: ListTeams, deps: Deps) -> TeamListView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        await current_user(tx, cmd.actor)
        teams = (await tx.scoring.teams.all())[:TEAM_LIST_MAX]
        users = await tx.users.get_many({m for t in teams for m in t.members})
        return team_list_view(teams, handles(users))


async def show_team(cmd: ShowTeam, deps: Deps) -> TeamView:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        return await _team_view(tx, await find_team(tx, cmd.name), me, deps)


async def list_team_milestones(cmd: ListTeamMilestones, deps: Deps) -> MilestoneList:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await current_user(tx, cmd.actor)
        team = await find_team(tx, cmd.name)
        rd = reader(me, deps.clock)
        items = [m for m in await tx.milestones.find(MilestoneFilter())
                 if m.owner_id in team.members]
        items = sort_for_attention(items, rd.today)
        predicted = await stored_forecasts(tx, items)
        users = await tx.users.get_many({m.owner_id for m in items})
        lines = [line(m, users, rd, forecast=predicted.get(m.id) if m.id else None)
                 for m in items]
        return _paged(f"{team.quoted}'s milestones", lines, 1,
                      f"Nobody in {team.quoted} owns an open milestone.",
                      f'list team "{team.name}"', PastLast.LAST, grouped=True,
                      watching=set())


async def _team_view(tx: UnitOfWork, team: Team, me: User, deps: Deps, headline: str = ""
                     ) -> TeamView:
    rd = reader(me, deps.clock)
    users = await tx.users.get_many(team.members)
    items = sort_for_attention([m for m in await tx.milestones.find(MilestoneFilter())
                                if m.owner_id in team.members], rd.today)
    counts: dict[UserId, int] = {}
    for m in items:
        counts[m.owner_id] = counts.get(m.owner_id, 0) + 1
    lines = [line(m, users, rd) for m in items[:20]]
    playing = []
    assert team.id is not None
    for c in await tx.scoring.challenges.all(states={ChallengeState.DRAFT,
                                                     ChallengeState.ACTIVE}):
        assert c.id is not None
        if Participant.team(team.id) in await tx.scoring.challenges.participants(c.id):
            playing.append(c.name)
    return team_view(team, names=handles(users),
                     display={uid: u.display_name for uid, u in users.items()},
                     open_counts=counts, milestones=lines, challenges=playing,
                     headline=headline)


