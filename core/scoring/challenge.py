"""A challenge: a period, its participants, its rules and its lifecycle.

draft -> active -> finished, and draft or active -> cancelled. A finished challenge's results
are frozen; a cancelled one never scores again. Every refused transition says why and what
works instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import NewType

from core.errors import Conflict, InvalidInput
from core.model import TenantId, UserId
from core.scoring.rules import ScoringRules
from core.scoring.team import TeamId

ChallengeId = NewType("ChallengeId", int)

NAME_MAX = 80
CHANNEL_MAX = 80
LONGEST = timedelta(days=366)
NEW_HINT = 'challenge new "Q1 delivery" from:2027-01-01 to:2027-03-31 teams #delivery'


class ChallengeState(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    FINISHED = "finished"
    CANCELLED = "cancelled"

    @property
    def closed(self) -> bool:
        return self in (ChallengeState.FINISHED, ChallengeState.CANCELLED)


class ParticipantKind(StrEnum):
    PEOPLE = "people"
    TEAMS = "teams"


#: Where each state may go next.
TRANSITIONS: dict[ChallengeState, frozenset[ChallengeState]] = {
    ChallengeState.DRAFT: frozenset({ChallengeState.ACTIVE, ChallengeState.CANCELLED}),
    ChallengeState.ACTIVE: frozenset({ChallengeState.FINISHED, ChallengeState.CANCELLED}),
    ChallengeState.FINISHED: frozenset(),
    ChallengeState.CANCELLED: frozenset(),
}


@dataclass(frozen=True, slots=True, order=True)
class Participant:
    """A person or a team taking part; `key` is stable text for storage and snapshots."""

    kind: ParticipantKind
    id: int

    @classmethod
    def person(cls, user_id: UserId) -> Participant:
        return cls(ParticipantKind.PEOPLE, user_id)

    @classmethod
    def team(cls, team_id: TeamId) -> Participant:
        return cls(ParticipantKind.TEAMS, team_id)

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.id}"


@dataclass(frozen=True, slots=True)
class Period:
    """Both days included, in the tenant's calendar."""

    starts: date
    ends: date

    def __post_init__(self) -> None:
        if self.ends < self.starts:
            raise InvalidInput("period", f"the challenge ends ({self.ends.isoformat()}) before "
                               f"it starts ({self.starts.isoformat()})", hint=NEW_HINT)
        if self.ends - self.starts >= LONGEST:
            raise InvalidInput("period", "a challenge lasts at most a year", hint=NEW_HINT)

    def contains(self, day: date) -> bool:
        return self.starts <= day <= self.ends

    @property
    def days(self) -> int:
        return (self.ends - self.starts).days + 1


def check_name(name: str) -> str:
    """The name as shown: spaces collapsed, 1 to 80 characters."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("name", "a challenge needs a name", hint=NEW_HINT)
    if len(name) > NAME_MAX:
        raise InvalidInput("name", f"the name is {len(name)} characters long; keep it under "
                           f"{NAME_MAX}", hint=NEW_HINT)
    return name


def name_key(name: str) -> str:
    """What makes two names the same: names are unique per tenant, case-insensitive."""
    return " ".join(name.split()).casefold()


def check_channel(channel: str | None) -> str | None:
    if channel is None:
        return None
    channel = channel.strip()
    if not channel or len(channel) > CHANNEL_MAX or any(c.isspace() for c in channel):
        raise InvalidInput("channel", "a channel is one word, like #delivery", hint=NEW_HINT)
    return channel


@dataclass(slots=True, kw_only=True)
class Challenge:
    id: ChallengeId | None = None
    tenant_id: TenantId
    name: str
    period: Period
    kind: ParticipantKind = ParticipantKind.PEOPLE
    channel: str | None = None
    rules: ScoringRules = field(default_factory=ScoringRules)
    state: ChallengeState = ChallengeState.DRAFT
    created_by: UserId
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    cancelled_at: datetime | None = None

    def __post_init__(self) -> None:
        self.name = check_name(self.name)
        self.channel = check_channel(self.channel)

    @property
    def quoted(self) -> str:
        return f"“{self.name}”"

    @property
    def scoring(self) -> bool:
        """Whether events still change its scores (a draft scores once it starts)."""
        return self.state == ChallengeState.ACTIVE

    def start(self, at: datetime) -> None:
        self._move(ChallengeState.ACTIVE)
        self.started_at = at

    def finish(self, at: datetime) -> None:
        self._move(ChallengeState.FINISHED)
        self.finished_at = at

    def cancel(self, at: datetime) -> None:
        self._move(ChallengeState.CANCELLED)
        self.cancelled_at = at

    def change_rules(self, rules: ScoringRules) -> None:
        """New numbers; an active challenge must then be recomputed (the ledger's contract)."""
        self.check_open("change its rules")
        self.rules = rules

    def check_open(self, doing: str) -> None:
        """Refuses changes to a finished or cancelled challenge: its results are frozen."""
        if self.state == ChallengeState.FINISHED:
            raise Conflict(f"{self.quoted} has finished and its results are frozen; "
                           f"you cannot {doing}", hint=NEW_HINT)
        if self.state == ChallengeState.CANCELLED:
            raise Conflict(f"{self.quoted} was cancelled; you cannot {doing}", hint=NEW_HINT)

    def check_participant(self, participant: Participant) -> None:
        """Joining and adding: the right kind, and only while the challenge is not over."""
        self.check_open("join it")
        if participant.kind != self.kind:
            wanted = "people" if self.kind == ParticipantKind.PEOPLE else "teams"
            raise InvalidInput("participant", f"{self.quoted} is a challenge between {wanted}",
                               hint=f'challenge add "{self.name}" '
                                    + ('@who' if self.kind == ParticipantKind.PEOPLE
                                       else '"Team"'))

    def _move(self, target: ChallengeState) -> None:
        if target in TRANSITIONS[self.state]:
            self.state = target
            return
        raise Conflict(_refusal(self, target), hint=_next_step(self))


def _refusal(c: Challenge, target: ChallengeState) -> str:
    if c.state == target:
        already = {ChallengeState.ACTIVE: "is already active",
                   ChallengeState.FINISHED: "has already finished",
                   ChallengeState.CANCELLED: "is already cancelled"}
        return f"{c.quoted} {already.get(target, 'is a draft')}"
    if c.state == ChallengeState.DRAFT and target == ChallengeState.FINISHED:
        return f"{c.quoted} has not started yet, so it cannot end"
    if c.state == ChallengeState.FINISHED:
        return f"{c.quoted} has finished and its results are frozen"
    return f"{c.quoted} was cancelled"


def _next_step(c: Challenge) -> str:
    if c.state == ChallengeState.DRAFT:
        return f'challenge start "{c.name}"'
    if c.state == ChallengeState.ACTIVE:
        return f'challenge end "{c.name}"'
    return NEW_HINT


def current(challenges: list[Challenge]) -> Challenge | None:
    """The challenge `leaderboard` shows without a name: the active one started last."""
    active = [c for c in challenges if c.state == ChallengeState.ACTIVE]
    return max(active, key=lambda c: (c.started_at or c.created_at, c.id or 0), default=None)
