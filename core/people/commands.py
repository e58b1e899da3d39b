"""The commands of people: list them, show and change a profile, a role, the plan."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command, UserRef
from core.tenancy import Plan, Role
from core.views import PeopleView, ProfileView


@dataclass(frozen=True, slots=True, kw_only=True)
class ListPeople(Command[PeopleView]):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowProfile(Command[ProfileView]):
    person: UserRef | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateProfile(Command[ProfileView]):
    display_name: str | None = None
    timezone: str | None = None
    working_days: tuple[int, ...] | None = None
    work_hours: tuple[int, int] | None = None  # minutes after midnight


@dataclass(frozen=True, slots=True, kw_only=True)
class SetRole(Command[ProfileView]):
    person: UserRef
    role: Role


@dataclass(frozen=True, slots=True, kw_only=True)
class SetPlan(Command[PeopleView]):
    plan: Plan
