"""Standings: points per participant, a team's mean, competition ranks, on-time rates, moves.

Ranks are standard competition ranks (1, 1, 3) by points as shown (to the hundredth); within a
tie the order is by name, which carries no meaning. Beside the points, the on-time rate is the
Wilson lower bound over the participant's judged closes, so reliability shows at a glance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.model import UserId
from core.scoring.challenge import Participant
from core.scoring.confidence import wilson_lower_bound
from core.scoring.ledger import Tally
from core.scoring.points import ZERO, cents
from core.scoring.team import Team

TOP = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """A participant's result before ranking."""

    participant: Participant
    name: str
    points: Decimal
    judged: int = 0
    on_time: int = 0
    members: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Standing:
    rank: int
    entry: Entry
    on_time_rate: float | None  # the Wilson lower bound; None before any judged close
    movement: int | None = None  # places up (+) or down (-) since last week; None if new

    @property
    def participant(self) -> Participant:
        return self.entry.participant


def people_entries(people: Iterable[UserId], tallies: Mapping[UserId, Tally],
                   names: Mapping[UserId, str]) -> list[Entry]:
    found = []
    for person in people:
        tally = tallies.get(person, Tally(person))
        found.append(Entry(participant=Participant.person(person),
                           name=names.get(person, f"user {person}"), points=tally.points,
                           judged=tally.judged, on_time=tally.on_time))
    return found


def team_entries(teams: Iterable[Team], tallies: Mapping[UserId, Tally]) -> list[Entry]:
    """A team scores the mean of its members (a big team does not win by size); its on-time
    rate pools its members' closes. An empty team scores 0."""
    found = []
    for team in teams:
        assert team.id is not None
        members = [tallies.get(m, Tally(m)) for m in sorted(team.members)]
        total = sum((t.points for t in members), ZERO)
        mean = cents(total / len(members)) if members else ZERO
        found.append(Entry(participant=Participant.team(team.id), name=team.name, points=mean,
                           judged=sum(t.judged for t in members),
                           on_time=sum(t.on_time for t in members), members=len(members)))
    return found


def rank(entries: Iterable[Entry], previous: Mapping[Participant, int] | None = None
         ) -> list[Standing]:
    """Best first; `previous` holds last week's ranks (absent: no movement to show)."""
    ordered = sorted(entries, key=lambda e: (-cents(e.points), e.name.casefold(),
                                             e.participant))
    found: list[Standing] = []
    for index, entry in enumerate(ordered):
        tied = bool(found) and cents(found[-1].entry.points) == cents(entry.points)
        place = found[-1].rank if tied else index + 1
        before = previous.get(entry.participant) if previous is not None else None
        found.append(Standing(rank=place, entry=entry,
                              on_time_rate=wilson_lower_bound(entry.on_time, entry.judged),
                              movement=None if before is None else before - place))
    return found


def ranks_of(standings: Iterable[Standing]) -> dict[Participant, int]:
    """What to keep as this week's ranks, for next week's movement."""
    return {s.participant: s.rank for s in standings}


def top_and_own(standings: Sequence[Standing], mine: Iterable[Participant], top: int = TOP
                ) -> tuple[list[Standing], list[Standing]]:
    """The first `top` lines, and the reader's own lines that are not among them (a person's
    own line, or the lines of each of their teams)."""
    shown = list(standings[:top])
    wanted = set(mine)
    own = [s for s in standings[top:] if s.participant in wanted]
    return shown, own


def winners(standings: Sequence[Standing]) -> list[Participant]:
    """Everyone ranked first, when anyone scored at all."""
    return [s.participant for s in standings if s.rank == 1 and s.entry.points > ZERO]


def ranked_slice(rows: Iterable[tuple[int, Tally]], names: Mapping[UserId, str],
                 previous: Mapping[Participant, int] | None = None) -> list[Standing]:
    """Standings of a slice of a people leaderboard whose ranks storage computed (see
    `LedgerRepository.board`): in the same order `rank` gives, ties by name."""
    found = []
    for place, tally in rows:
        entry = people_entries([tally.person], {tally.person: tally}, names)[0]
        before = previous.get(entry.participant) if previous is not None else None
        found.append(Standing(rank=place, entry=entry,
                              on_time_rate=wilson_lower_bound(entry.on_time, entry.judged),
                              movement=None if before is None else before - place))
    return sorted(found, key=lambda s: (s.rank, s.entry.name.casefold(), s.participant))
