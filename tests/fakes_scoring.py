"""In-memory fakes of the scoring ports (`core.scoring.ports`), one tenant's worth each.

They copy what goes in and out, as a database would, so a test never passes because it kept a
reference to something it changed later.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from core.errors import Conflict
from core.model import MilestoneId, TenantId, UserId
from core.nudges.badge_posts import announcements
from core.scoring.achievements import Award, Badge, Progress
from core.scoring.challenge import (
    Challenge,
    ChallengeId,
    ChallengeState,
    Participant,
    name_key,
)
from core.scoring.events import ScoringEvent
from core.scoring.item import ItemRecord
from core.scoring.ledger import DayKey, Ledger, LedgerChanges, Tally
from core.scoring.recording import ScoringPorts
from core.scoring.streaks import StreakRecord
from core.scoring.team import Team, TeamId

T = TypeVar("T")


def _copy(value: T) -> T:
    return copy.deepcopy(value)


@dataclass
class _ChallengeLedger:
    items: dict[MilestoneId, ItemRecord] = field(default_factory=dict)
    streaks: dict[UserId, StreakRecord] = field(default_factory=dict)
    days: dict[DayKey, Decimal] = field(default_factory=dict)
    tallies: dict[UserId, Tally] = field(default_factory=dict)
    weeks: dict[date, dict[Participant, int]] = field(default_factory=dict)


@dataclass
class ScoringState:
    challenges: dict[int, Challenge] = field(default_factory=dict)
    participants: dict[int, list[Participant]] = field(default_factory=dict)
    teams: dict[int, Team] = field(default_factory=dict)
    events: list[ScoringEvent] = field(default_factory=list)
    ledgers: dict[int, _ChallengeLedger] = field(default_factory=dict)
    awards: list[Award] = field(default_factory=list)
    progress: dict[UserId, Progress] = field(default_factory=dict)
    announced: list[Award] = field(default_factory=list)  # queued announcements
    writes: int = 0  # ledger writes, to check a step stays bounded
    ids: int = 0

    def next_id(self) -> int:
        self.ids += 1
        return self.ids


class FakeChallenges:
    def __init__(self, state: ScoringState) -> None:
        self.s = state

    async def add(self, challenge: Challenge) -> Challenge:
        if await self.by_name(challenge.name) is not None:
            raise Conflict(f"there is a challenge called “{challenge.name}” already",
                           hint=f'challenge "{challenge.name}"')
        stored = _copy(challenge)
        stored.id = ChallengeId(self.s.next_id())
        self.s.challenges[stored.id] = stored
        self.s.participants[stored.id] = []
        return _copy(stored)

    async def get(self, challenge_id: ChallengeId) -> Challenge | None:
        return _copy(self.s.challenges.get(challenge_id))

    async def by_name(self, name: str) -> Challenge | None:
        key = name_key(name)
        return _copy(next((c for c in self.s.challenges.values() if name_key(c.name) == key),
                          None))

    async def save(self, challenge: Challenge) -> None:
        assert challenge.id in self.s.challenges
        self.s.challenges[challenge.id] = _copy(challenge)

    async def all(self, *, states: Collection[ChallengeState] | None = None) -> list[Challenge]:
        return [_copy(c) for c in self.s.challenges.values()
                if states is None or c.state in states]

    async def posting(self, *, finished_since: datetime) -> list[tuple[Challenge, str]]:
        return [(c, "UTC") for c in await self.all() if c.channel is not None and (
            c.state == ChallengeState.ACTIVE or (c.state == ChallengeState.FINISHED and (
                c.finished_at is not None and c.finished_at >= finished_since)))]

    async def participants(self, challenge_id: ChallengeId) -> list[Participant]:
        return list(self.s.participants.get(challenge_id, []))

    async def add_participant(self, challenge_id: ChallengeId, participant: Participant) -> bool:
        joined = self.s.participants.setdefault(challenge_id, [])
        if participant in joined:
            return False
        joined.append(participant)
        return True

    async def remove_participant(self, challenge_id: ChallengeId,
                                 participant: Participant) -> bool:
        joined = self.s.participants.setdefault(challenge_id, [])
        if participant not in joined:
            return False
        joined.remove(participant)
        return True


class FakeTeams:
    def __init__(self, state: ScoringState) -> None:
        self.s = state

    async def add(self, team: Team) -> Team:
        if await self.by_name(team.name) is not None:
            raise Conflict(f"there is a team called “{team.name}” already",
                           hint=f'team "{team.name}"')
        stored = _copy(team)
        stored.id = TeamId(self.s.next_id())
        self.s.teams[stored.id] = stored
        return _copy(stored)

    async def get(self, team_id: TeamId) -> Team | None:
        return _copy(self.s.teams.get(team_id))

    async def by_name(self, name: str) -> Team | None:
        key = name_key(name)
        return _copy(next((t for t in self.s.teams.values() if name_key(t.name) == key), None))

    async def get_many(self, team_ids: Collection[TeamId]) -> dict[TeamId, Team]:
        return {i: _copy(self.s.teams[i]) for i in team_ids if i in self.s.teams}

    async def save(self, team: Team) -> None:
        assert team.id in self.s.teams
        self.s.teams[team.id] = _copy(team)

    async def all(self) -> list[Team]:
        return sorted((_copy(t) for t in self.s.teams.values()), key=lambda t: t.name.casefold())

    async def of_member(self, user_id: UserId) -> list[Team]:
        return [t for t in await self.all() if user_id in t.members]


class FakeEventLog:
    def __init__(self, state: ScoringState) -> None:
        self.s = state

    async def append(self, event: ScoringEvent) -> None:
        self.s.events.append(event)

    async def events(self, *, until: datetime | None = None) -> list[ScoringEvent]:
        return [e for e in self.s.events if until is None or e.at <= until]


class FakeLedger:
    def __init__(self, state: ScoringState) -> None:
        self.s = state

    def _of(self, challenge_id: ChallengeId) -> _ChallengeLedger:
        return self.s.ledgers.setdefault(challenge_id, _ChallengeLedger())

    async def item(self, challenge_id: ChallengeId, item: MilestoneId) -> ItemRecord | None:
        return self._of(challenge_id).items.get(item)

    async def streak(self, challenge_id: ChallengeId, person: UserId) -> StreakRecord | None:
        return self._of(challenge_id).streaks.get(person)

    async def day_points(self, challenge_id: ChallengeId, keys: Collection[DayKey]
                         ) -> dict[DayKey, Decimal]:
        days = self._of(challenge_id).days
        return {k: days[k] for k in keys if k in days}

    async def write(self, challenge_id: ChallengeId, changes: LedgerChanges) -> None:
        ledger = self._of(challenge_id)
        self.s.writes += 1
        if changes.item is not None:
            ledger.items[changes.item.item] = changes.item
        if changes.streak is not None:
            ledger.streaks[changes.streak.person] = changes.streak
        for day in changes.days:
            ledger.days[(day.person, day.day)] = day.after
        for delta in changes.tallies:
            ledger.tallies[delta.person] = ledger.tallies.get(
                delta.person, Tally(delta.person)).plus(delta)

    async def replace(self, challenge_id: ChallengeId, ledger: Ledger) -> None:
        weeks = self._of(challenge_id).weeks
        self.s.ledgers[challenge_id] = _ChallengeLedger(
            items=dict(ledger.items), streaks=dict(ledger.streaks), days=dict(ledger.days),
            tallies=dict(ledger.tallies), weeks=weeks)

    async def tallies(self, challenge_id: ChallengeId, people: Collection[UserId]
                      ) -> dict[UserId, Tally]:
        tallies = self._of(challenge_id).tallies
        return {p: tallies[p] for p in people if p in tallies}

    async def board(self, challenge_id: ChallengeId, *, top: int, reader: UserId | None
                    ) -> tuple[list[tuple[int, Tally]], int]:
        people = [UserId(p.id) for p in self.s.participants.get(challenge_id, [])
                  if p.kind.value == "people"]
        tallies = self._of(challenge_id).tallies
        found = []
        for person in people:
            tally = tallies.get(person, Tally(person))
            place = 1 + sum(1 for other in people
                            if tallies.get(other, Tally(other)).points > tally.points)
            if place <= top or person == reader:
                found.append((place, tally))
        return found, len(people)

    async def has_week(self, challenge_id: ChallengeId, week: date) -> bool:
        return week in self._of(challenge_id).weeks

    async def items_of(self, challenge_id: ChallengeId, person: UserId) -> list[ItemRecord]:
        return [r for r in self._of(challenge_id).items.values() if r.owner == person]

    async def days_of(self, challenge_id: ChallengeId, person: UserId) -> dict[date, Decimal]:
        return {day: raw for (who, day), raw in self._of(challenge_id).days.items()
                if who == person and raw}

    async def save_ranks(self, challenge_id: ChallengeId, week: date,
                         ranks: Mapping[Participant, int]) -> None:
        self._of(challenge_id).weeks.setdefault(week, dict(ranks))

    async def ranks(self, challenge_id: ChallengeId, before: date) -> dict[Participant, int]:
        weeks = self._of(challenge_id).weeks
        earlier = [w for w in weeks if w < before]
        return dict(weeks[max(earlier)]) if earlier else {}


class FakeAchievements:
    def __init__(self, state: ScoringState) -> None:
        self.s = state

    async def awards(self, person: UserId) -> list[Award]:
        return sorted((a for a in self.s.awards if a.person == person), key=lambda a: a.at)

    async def owned(self, people: Collection[UserId]) -> dict[UserId, frozenset[Badge]]:
        return {p: frozenset(a.badge for a in self.s.awards if a.person == p) for p in people}

    async def progress(self, people: Collection[UserId]) -> dict[UserId, Progress]:
        return {p: self.s.progress[p] for p in people if p in self.s.progress}

    async def save_progress(self, progress: Progress) -> None:
        self.s.progress[progress.person] = progress

    async def award(self, award: Award) -> bool:
        if any(a.person == award.person and a.badge == award.badge for a in self.s.awards):
            return False
        self.s.awards.append(award)
        return True


class FakeAwardAnnouncements:
    """Queues the announcements as deliveries of the unit of work's fake nudges, when it has
    them; otherwise keeps what was queued (tests of scoring alone)."""

    def __init__(self, state: ScoringState, nudges: Any = None,
                 tenant_id: TenantId | None = None) -> None:
        self.s = state
        self._nudges = nudges
        self._tenant_id = tenant_id

    async def queue(self, awards: Sequence[Award]) -> None:
        self.s.announced += list(awards)
        if self._nudges is not None and self._tenant_id is not None:
            await self._nudges.claim(announcements(self._tenant_id, awards))


class FakeScoring:
    """One tenant's scoring storage; `ports()` hands out the repositories over it."""

    def __init__(self, state: ScoringState | None = None) -> None:
        self.state = state if state is not None else ScoringState()

    def ports(self, nudges: Any = None, tenant_id: TenantId | None = None) -> ScoringPorts:
        return ScoringPorts(challenges=FakeChallenges(self.state), teams=FakeTeams(self.state),
                            log=FakeEventLog(self.state), ledger=FakeLedger(self.state),
                            achievements=FakeAchievements(self.state),
                            announcements=FakeAwardAnnouncements(self.state, nudges, tenant_id))
