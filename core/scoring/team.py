"""A team: a named group of people in a tenant. A person may be in several teams."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NewType

from core.errors import InvalidInput
from core.model import TenantId, UserId

TeamId = NewType("TeamId", int)

NAME_MAX = 60
MEMBERS_MAX = 500
TEAM_HINT = 'team new "Sales" @alice @bob'


def check_team_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("name", "a team needs a name", hint=TEAM_HINT)
    if len(name) > NAME_MAX:
        raise InvalidInput("name", f"the name is {len(name)} characters long; keep it under "
                           f"{NAME_MAX}", hint=TEAM_HINT)
    if name.startswith(("#", "@")):
        # `list team "Sales"` and `challenge add "Sales"` must never read as a number or person.
        raise InvalidInput("name", "a team name cannot start with # or @", hint=TEAM_HINT)
    return name


@dataclass(slots=True, kw_only=True)
class Team:
    id: TeamId | None = None
    tenant_id: TenantId
    name: str
    members: set[UserId] = field(default_factory=set)
    created_by: UserId
    created_at: datetime

    def __post_init__(self) -> None:
        self.name = check_team_name(self.name)
        if len(self.members) > MEMBERS_MAX:
            raise InvalidInput("members", f"a team has at most {MEMBERS_MAX} people",
                               hint=TEAM_HINT)

    @property
    def quoted(self) -> str:
        return f"“{self.name}”"

    def add(self, people: Iterable[UserId]) -> set[UserId]:
        """Adds people; returns those who were not members yet."""
        new = set(people) - self.members
        if len(self.members) + len(new) > MEMBERS_MAX:
            raise InvalidInput("members", f"a team has at most {MEMBERS_MAX} people",
                               hint=TEAM_HINT)
        self.members |= new
        return new

    def remove(self, people: Iterable[UserId]) -> set[UserId]:
        """Removes people; returns those who were members."""
        gone = set(people) & self.members
        self.members -= gone
        return gone

    def rename(self, name: str) -> None:
        self.name = check_team_name(name)
