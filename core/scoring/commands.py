"""Commands of teams, challenges, leaderboards, scores, badges, approvals and forecasts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from core.commands import Command, MilestoneRef, UserRef
from core.scoring.challenge import ParticipantKind
from core.scoring.rules import RuleFamily
from core.scoring.views import (
    BadgesView,
    ChallengeListView,
    ChallengeView,
    ForecastView,
    LeaderboardView,
    ScoreView,
    TeamListView,
    TeamView,
)
from core.views import MilestoneList, Notice


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateTeam(Command[TeamView]):
    name: str
    people: tuple[UserRef, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeTeam(Command[TeamView]):
    name: str
    add: tuple[UserRef, ...] = ()
    remove: tuple[UserRef, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ListTeams(Command[TeamListView]):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowTeam(Command[TeamView]):
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ListTeamMilestones(Command[MilestoneList]):
    """`list team "Sales"`: the open milestones the team's members own."""

    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateChallenge(Command[ChallengeView]):
    name: str
    starts: date
    ends: date
    kind: ParticipantKind = ParticipantKind.PEOPLE
    channel: str | None = None
    families: frozenset[RuleFamily] | None = None
    numbers: tuple[tuple[str, str], ...] = ()  # `on-time:4 cap:15`


@dataclass(frozen=True, slots=True, kw_only=True)
class ListChallenges(Command[ChallengeListView]):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowChallenge(Command[ChallengeView]):
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class JoinChallenge(Command[ChallengeView]):
    name: str
    leave: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class AddToChallenge(Command[ChallengeView]):
    """Admins: people (`@who`) or teams (`"Sales"`) join a challenge."""

    name: str
    people: tuple[UserRef, ...] = ()
    teams: tuple[str, ...] = ()


class Lifecycle(StrEnum):
    START = "start"
    END = "end"
    CANCEL = "cancel"
    RECOMPUTE = "recompute"


@dataclass(frozen=True, slots=True, kw_only=True)
class MoveChallenge(Command[ChallengeView]):
    name: str
    step: Lifecycle


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeChallengeRules(Command[ChallengeView]):
    name: str
    numbers: tuple[tuple[str, str], ...] = ()
    families: frozenset[RuleFamily] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowLeaderboard(Command[LeaderboardView]):
    challenge: str | None = None
    teams: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowScore(Command[ScoreView]):
    person: UserRef | None = None
    challenge: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowBadges(Command[BadgesView]):
    person: UserRef | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ApproveDeadline(Command[Notice]):
    milestone: MilestoneRef


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowForecast(Command[ForecastView]):
    milestone: MilestoneRef


