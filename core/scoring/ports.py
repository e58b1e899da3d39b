"""What scoring needs from storage, as Protocols named by role.

Like every repository of the core, each is handed out by a unit of work scoped to one tenant:
it only ever sees that tenant's rows, and what it writes commits or rolls back with the domain
change that caused it (a close and its points are one transaction).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from core.model import MilestoneId, UserId
from core.scoring.achievements import Award, Badge, Progress
from core.scoring.challenge import Challenge, ChallengeId, ChallengeState, Participant
from core.scoring.events import ScoringEvent
from core.scoring.forecast_records import StoredForecast
from core.scoring.item import ItemRecord
from core.scoring.ledger import DayKey, Ledger, LedgerChanges, Tally
from core.scoring.streaks import StreakRecord
from core.scoring.team import Team, TeamId


class ChallengeRepository(Protocol):
    async def add(self, challenge: Challenge) -> Challenge:
        """Stores a new challenge and returns it with its id. Raises `core.errors.Conflict`
        when the tenant has a challenge of the same name (`challenge.name_key`: names are
        unique case-insensitively, whatever their state)."""
        ...

    async def get(self, challenge_id: ChallengeId) -> Challenge | None: ...

    async def by_name(self, name: str) -> Challenge | None:
        """Matched by `name_key`, so `q1 DELIVERY` finds “Q1 delivery”."""
        ...

    async def save(self, challenge: Challenge) -> None:
        """Writes its state, dates, rules and channel (not its participants)."""
        ...

    async def all(self, *, states: Collection[ChallengeState] | None = None) -> list[Challenge]:
        """Oldest first; only those in `states` when given."""
        ...

    async def posting(self, *, finished_since: datetime) -> list[tuple[Challenge, str]]:
        """The challenges that have a channel and are active, or finished since
        `finished_since`, each with its tenant's time zone: the scheduler's query, across every
        tenant in a unit of work opened without one (only the tenant's own otherwise)."""
        ...

    async def participants(self, challenge_id: ChallengeId) -> list[Participant]:
        """In the order they joined."""
        ...

    async def add_participant(self, challenge_id: ChallengeId, participant: Participant) -> bool:
        """False when it takes part already: joining twice changes nothing."""
        ...

    async def remove_participant(self, challenge_id: ChallengeId,
                                 participant: Participant) -> bool:
        """False when it did not take part."""
        ...


class TeamRepository(Protocol):
    async def add(self, team: Team) -> Team:
        """Stores a new team with its members and returns it with its id. Raises
        `core.errors.Conflict` when the tenant has a team of the same name, case-insensitive."""
        ...

    async def get(self, team_id: TeamId) -> Team | None: ...
    async def by_name(self, name: str) -> Team | None:
        """Case-insensitive, spaces collapsed."""
        ...

    async def get_many(self, team_ids: Collection[TeamId]) -> dict[TeamId, Team]: ...

    async def save(self, team: Team) -> None:
        """Writes its name and its whole member set."""
        ...

    async def all(self) -> list[Team]:
        """By name."""
        ...

    async def of_member(self, user_id: UserId) -> list[Team]:
        """Every team the person is in, by name."""
        ...


class ScoringEventLog(Protocol):
    """The tenant's scoring events, append-only: what `challenge recompute` replays."""

    async def append(self, event: ScoringEvent) -> None: ...

    async def events(self, *, until: datetime | None = None) -> list[ScoringEvent]:
        """Every event in the order appended (up to `until` included, when given)."""
        ...


class LedgerRepository(Protocol):
    """The running score of each challenge: the state `core.scoring.ledger` describes.

    A step reads one item, one streak and at most two day sums, then `write`s a bounded set of
    rows: the cost of scoring an event does not grow with the number of events."""

    async def item(self, challenge_id: ChallengeId, item: MilestoneId) -> ItemRecord | None: ...

    async def streak(self, challenge_id: ChallengeId, person: UserId) -> StreakRecord | None: ...

    async def day_points(self, challenge_id: ChallengeId, keys: Collection[DayKey]
                         ) -> dict[DayKey, Decimal]:
        """The raw points of each (person, local day) asked for; missing ones are 0."""
        ...

    async def write(self, challenge_id: ChallengeId, changes: LedgerChanges) -> None:
        """Upserts the item and streak records given, sets each changed day's raw sum to its
        `after`, and adds each tally delta to the person's tally, in O(1) statements."""
        ...

    async def replace(self, challenge_id: ChallengeId, ledger: Ledger) -> None:
        """Drops the challenge's whole state and stores this one (a recompute)."""
        ...

    async def tallies(self, challenge_id: ChallengeId, people: Collection[UserId]
                      ) -> dict[UserId, Tally]:
        """The tallies of the people asked for that have one."""
        ...

    async def board(self, challenge_id: ChallengeId, *, top: int, reader: UserId | None
                    ) -> tuple[list[tuple[int, Tally]], int]:
        """A people challenge's leaderboard without ranking everyone in memory: each
        participant ranked within `top` (standard competition ranks by points, ties included,
        so there may be more than `top`), and the reader's own (rank, tally) when they take
        part; with the number of participants. Participants without a tally score 0."""
        ...

    async def has_week(self, challenge_id: ChallengeId, week: date) -> bool:
        """Whether the ranks of that week are kept already."""
        ...

    async def items_of(self, challenge_id: ChallengeId, person: UserId) -> list[ItemRecord]:
        """The records of the items the person owns now."""
        ...

    async def days_of(self, challenge_id: ChallengeId, person: UserId) -> dict[date, Decimal]:
        """The person's raw points per local day (the days with points)."""
        ...

    async def save_ranks(self, challenge_id: ChallengeId, week: date,
                         ranks: Mapping[Participant, int]) -> None:
        """Keeps the ranks of one week (the Monday it starts); saving a week twice keeps the
        first, so a retried weekly post changes nothing."""
        ...

    async def ranks(self, challenge_id: ChallengeId, before: date) -> dict[Participant, int]:
        """The ranks of the latest week saved before `before`; empty when there is none."""
        ...


class AchievementRepository(Protocol):
    async def awards(self, person: UserId) -> list[Award]:
        """The person's badges, oldest first."""
        ...

    async def owned(self, people: Collection[UserId]) -> dict[UserId, frozenset[Badge]]: ...

    async def progress(self, people: Collection[UserId]) -> dict[UserId, Progress]: ...

    async def save_progress(self, progress: Progress) -> None: ...

    async def award(self, award: Award) -> bool:
        """Stores the badge unless the person has it (unique per person and badge); True when
        it was new, so a retried event announces nothing twice."""
        ...


class ForecastRecords(Protocol):
    """The forecasts made of a tenant's milestones, oldest first; rows are only ever added."""

    async def add(self, forecast: StoredForecast) -> StoredForecast:
        """Stores it (one statement) and returns it with its id."""
        ...

    async def latest(self, milestone_ids: Collection[MilestoneId]
                     ) -> dict[MilestoneId, StoredForecast]:
        """The newest forecast of each milestone that has one, in one statement."""
        ...


class AwardAnnouncements(Protocol):
    """The outbox of new badges: announced to the person (a DM) and in `Award.channel` when it
    has one, each exactly once, by the nudge delivery queue."""

    async def queue(self, awards: Sequence[Award]) -> None:
        """Queues the announcements in the unit of work's transaction: written with the award,
        or not at all. Queuing an award twice queues it once."""
        ...
