"""Scoring stories: a desk that turns what people do into scoring events on a frozen clock,
records them through the ports (fakes), and reads back the views people see."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from decimal import Decimal

import pytest

from core.model import Kind, MilestoneId, Priority, TenantId, UserId
from core.scoring import recording
from core.scoring.achievements import Award
from core.scoring.challenge import Challenge, Participant, ParticipantKind, Period
from core.scoring.events import (
    CheckInCycleEnded,
    ContributorsChanged,
    DeadlineMoved,
    ItemCancelled,
    ItemCreated,
    ItemDone,
    ItemReopened,
    MoveApproved,
    ScoringEvent,
    VacationRecorded,
)
from core.scoring.ledger import Tally
from core.scoring.present_scores import leaderboard_view, score_view
from core.scoring.rules import ScoringRules
from core.scoring.standings import Standing
from core.scoring.team import Team
from core.scoring.views import LeaderboardView, ScoreView
from core.scoring.workdays import Deadline, WorkingCalendar
from tests.fakes import FrozenClock
from tests.fakes_scoring import FakeScoring

TENANT = TenantId(1)
ALICE, BOB, CAROL, DAN = UserId(1), UserId(2), UserId(3), UserId(4)
NAMES = {ALICE: "alice", BOB: "bob", CAROL: "carol", DAN: "dan"}
BERLIN = WorkingCalendar("Europe/Berlin")


class Desk:
    def __init__(self, clock: FrozenClock) -> None:
        self.clock = clock
        self.scoring = FakeScoring()
        self.ports = self.scoring.ports()
        self.names = dict(NAMES)
        self.calendars: dict[UserId, WorkingCalendar] = {}
        self._numbers = 0
        self.current: Challenge | None = None

    @property
    def challenge_now(self) -> Challenge:
        assert self.current is not None
        return self.current

    async def challenge(self, name: str = "Q1 delivery", *, starts: str = "2026-03-02",
                        ends: str = "2026-03-31", kind: ParticipantKind = ParticipantKind.PEOPLE,
                        people: Iterable[UserId] = (ALICE, BOB, CAROL),
                        teams: Iterable[Team] = (), rules: ScoringRules | None = None
                        ) -> Challenge:
        c = await self.ports.challenges.add(Challenge(
            tenant_id=TENANT, name=name, period=Period(date.fromisoformat(starts),
                                                       date.fromisoformat(ends)),
            kind=kind, rules=rules or ScoringRules(), created_by=ALICE,
            created_at=self.clock.now()))
        assert c.id is not None
        joining = ([Participant.person(p) for p in people] if kind == ParticipantKind.PEOPLE
                   else [Participant.team(t.id) for t in teams if t.id is not None])
        for participant in joining:
            c.check_participant(participant)
            await self.ports.challenges.add_participant(c.id, participant)
        await recording.start(self.ports, c, self.clock.now())
        self.current = c
        return c

    async def team(self, name: str, *members: UserId) -> Team:
        return await self.ports.teams.add(Team(tenant_id=TENANT, name=name, members=set(members),
                                               created_by=ALICE, created_at=self.clock.now()))

    async def record(self, event: ScoringEvent) -> list[Award]:
        return await recording.record(self.ports, event)

    async def item(self, *, owner: UserId = ALICE, due: str | None = "2026-03-13",
                   at: time | None = None, priority: Priority = Priority.MEDIUM,
                   kind: Kind = Kind.MILESTONE, contributors: tuple[UserId, ...] = (),
                   title: str = "") -> MilestoneId:
        self._numbers += 1
        item = MilestoneId(100 + self._numbers)
        await self.record(ItemCreated(
            at=self.clock.now(), item=item, number=self._numbers,
            title=title or f"Milestone {self._numbers}", kind=kind, owner=owner,
            calendar=self.calendars.get(owner, BERLIN), priority=priority,
            deadline=Deadline(date.fromisoformat(due), at) if due else None,
            contributors=contributors))
        return item

    async def done(self, item: MilestoneId, by: UserId | None = None) -> list[Award]:
        assert self.challenge_now.id is not None
        owner = await self.ports.ledger.item(self.challenge_now.id, item)
        who = by if by is not None else owner.owner if owner is not None else ALICE
        return await self.record(ItemDone(at=self.clock.now(), item=item, by=who))

    async def reopen(self, item: MilestoneId) -> None:
        await self.record(ItemReopened(at=self.clock.now(), item=item, by=ALICE))

    async def cancel(self, item: MilestoneId) -> None:
        await self.record(ItemCancelled(at=self.clock.now(), item=item, by=ALICE))

    async def move(self, item: MilestoneId, due: str, at: time | None = None) -> None:
        await self.record(DeadlineMoved(at=self.clock.now(), item=item,
                                        deadline=Deadline(date.fromisoformat(due), at)))

    async def approve(self, item: MilestoneId, due: str, by: UserId = DAN) -> None:
        await self.record(MoveApproved(at=self.clock.now(), item=item,
                                       deadline=Deadline(date.fromisoformat(due)), by=by))

    async def helpers(self, item: MilestoneId, *people: UserId) -> None:
        await self.record(ContributorsChanged(at=self.clock.now(), item=item,
                                              contributors=people))

    async def cycle(self, person: UserId, starts: str, ends: str, *, asked: int = 2,
                    answered: int | None = None) -> list[Award]:
        return await self.record(CheckInCycleEnded(
            at=self.clock.now(), person=person, starts=date.fromisoformat(starts),
            ends=date.fromisoformat(ends), requested=asked,
            answered_on_time=asked if answered is None else answered))

    async def vacation(self, person: UserId, starts: str, ends: str) -> None:
        await self.record(VacationRecorded(at=self.clock.now(), person=person,
                                           starts=date.fromisoformat(starts),
                                           ends=date.fromisoformat(ends)))

    async def standings(self, previous_week: str | None = None) -> list[Standing]:
        return await recording.standings(
            self.ports, self.challenge_now, self.names,
            previous_week=date.fromisoformat(previous_week) if previous_week else None)

    async def leaderboard(self, reader: UserId = ALICE, previous_week: str | None = None
                          ) -> LeaderboardView:
        mine = [Participant.person(reader)] + [
            Participant.team(t.id) for t in await self.ports.teams.of_member(reader)
            if t.id is not None]
        return leaderboard_view(self.challenge_now, await self.standings(previous_week), mine,
                                today=self.clock.now().date())

    async def score(self, person: UserId = ALICE) -> ScoreView:
        c = self.challenge_now
        assert c.id is not None
        ledger = self.ports.ledger
        tally = (await ledger.tallies(c.id, [person])).get(person)
        ranked = {s.participant: s for s in await self.standings()}
        mine = ranked.get(Participant.person(person))
        return score_view(person=person, names=self.names, challenge=c,
                          records=await ledger.items_of(c.id, person),
                          days=await ledger.days_of(c.id, person),
                          streak=await ledger.streak(c.id, person),
                          tally=tally or Tally(person), rank=mine.rank if mine else None,
                          rate=mine.on_time_rate if mine else None,
                          today=self.clock.now().date())

    async def points(self, person: UserId = ALICE) -> Decimal:
        c = self.challenge_now
        assert c.id is not None
        tally = (await self.ports.ledger.tallies(c.id, [person])).get(person)
        return tally.points if tally else Decimal(0)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock("2026-03-02T08:00:00+00:00")  # Monday 2 March, 09:00 in Berlin


@pytest.fixture
def desk(clock: FrozenClock) -> Desk:
    return Desk(clock)
