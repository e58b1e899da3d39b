"""The scope a report target names, resolved in the asker's tenant: a subtree, a person, a team
(read through the scoring package's `TeamRepository` port, by name, with its members' handles)
or the company."""

from __future__ import annotations

from core.errors import NotFound
from core.ports import UnitOfWork
from core.reports.commands import ReportTarget
from core.reports.inputs import CompanyScope, PersonScope, Scope, SubtreeScope, TeamScope
from core.use_case import find_milestone, resolve_user

TEAMS_HINT = "`teams` lists them · report @bob · report #1 · report company"


async def resolve_scope(tx: UnitOfWork, target: ReportTarget) -> Scope:
    """The scope of a target; `NotFound` when its milestone, person or team is not here."""
    if target.milestone is not None:
        return SubtreeScope((await find_milestone(tx, target.milestone)).number)
    if target.person is not None:
        return PersonScope((await resolve_user(tx, target.person)).handle)
    if target.team is not None:
        return await team_scope(tx, target.team)
    return CompanyScope()


async def team_scope(tx: UnitOfWork, name: str) -> TeamScope:
    team = await tx.scoring.teams.by_name(name)
    if team is None:
        raise NotFound(f"there is no team “{name[:60]}”", hint=TEAMS_HINT)
    users = await tx.users.get_many(team.members)
    return TeamScope(team.name, tuple(sorted(u.handle for u in users.values())))
