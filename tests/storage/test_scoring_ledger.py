"""Scoring's storage on PostgreSQL: random histories scored one event at a time through the
real repositories equal the full recompute, and the leaderboard ranked in the database equals
the ranking of every participant in memory."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings

from core.bus import Deps
from core.model import TenantId, UserId
from core.people.use_cases import ensure_tenant
from core.scoring import recording
from core.scoring.challenge import Challenge, ChallengeState, Participant, Period
from core.scoring.events import ScoringEvent
from core.scoring.ledger import LedgerChanges, TallyDelta
from core.scoring.recompute import recompute
from core.scoring.rules import ScoringRules
from core.scoring.standings import people_entries, rank
from core.tenancy import Plan
from storage import open_database
from tests.databases import run_in_own_loop
from tests.fakes import FrozenClock
from tests.unit.scoring.test_incremental_equals_recompute import (
    PEOPLE,
    challenge_rules,
    histories,
)

SLUGS = itertools.count()


async def new_tenant(url: str) -> tuple[object, TenantId]:
    database = await open_database(url, migrate=False)
    deps = Deps(uow=database.unit_of_work(), clock=FrozenClock())
    tenant = await ensure_tenant(deps, slug=f"scoring-{next(SLUGS)}-{id(deps)}", name="S",
                                 plan=Plan.ENTERPRISE)
    assert tenant.id is not None
    return database, tenant.id


async def active(tx: object, tenant_id: TenantId, rules: ScoringRules, period: Period
                 ) -> Challenge:
    return await tx.scoring.challenges.add(Challenge(  # type: ignore[attr-defined]
        tenant_id=tenant_id, name="C", period=period, rules=rules, state=ChallengeState.ACTIVE,
        created_by=UserId(1), created_at=datetime(2026, 1, 1, tzinfo=UTC)))


async def score_and_compare(url: str, events: list[ScoringEvent], rules: ScoringRules,
                            period: Period) -> None:
    database, tenant_id = await new_tenant(url)
    try:
        uow = database.unit_of_work()  # type: ignore[attr-defined]
        async with uow(tenant_id) as tx:
            c = await active(tx, tenant_id, rules, period)
            await tx.commit()
        for event in events:  # one unit of work per event, as commands score them
            async with uow(tenant_id) as tx:
                await recording.record(tx.scoring, event)
                await tx.commit()
        expected = recompute(events, rules=rules, period=period).snapshot()
        async with uow(tenant_id) as tx:
            ledger = tx.scoring.ledger
            tallies = {p: t for p, t in (await ledger.tallies(c.id, PEOPLE)).items()
                       if not t.empty}
            assert tallies == dict(expected.tallies)
            for person in PEOPLE:
                items = {r.item: r for r in await ledger.items_of(c.id, person)}
                assert items == {i: r for i, r in expected.items.items() if r.owner == person}
                days = {(person, d): v for d, v in (await ledger.days_of(c.id, person)).items()}
                assert days == {k: v for k, v in expected.days.items() if k[0] == person}
                assert await ledger.streak(c.id, person) == expected.streaks.get(person)
    finally:
        await database.close()  # type: ignore[attr-defined]


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(events=histories(), rules=challenge_rules())
def test_stored_running_scores_equal_a_full_recompute(postgres_url: str,
                                                      events: list[ScoringEvent],
                                                      rules: tuple[ScoringRules, Period]
                                                      ) -> None:
    run_in_own_loop(lambda: score_and_compare(postgres_url, events, *rules))


async def board_against_memory(url: str) -> None:
    database, tenant_id = await new_tenant(url)
    try:
        uow = database.unit_of_work()  # type: ignore[attr-defined]
        async with uow(tenant_id) as tx:
            c = await active(tx, tenant_id, ScoringRules(),
                             Period(date(2026, 1, 1), date(2026, 3, 1)))
            people = [UserId(100 + i) for i in range(30)]
            for person in people:
                await tx.scoring.challenges.add_participant(c.id, Participant.person(person))
            points = [9, 9, 7, 7, 7, 6, 5, 5, 4, 4, 4, 4, 3, 2, 2, 1, 1, "0.5", "0.25"]
            for person, value in zip(people, points, strict=False):
                await tx.scoring.ledger.write(c.id, LedgerChanges(tallies=(
                    TallyDelta(person, Decimal(str(value)), 2, 1),)))
            await tx.commit()
        async with uow(tenant_id) as tx:
            names = {p: f"p{p}" for p in people}
            everyone = rank(people_entries(people, await tx.scoring.ledger.tallies(c.id, people),
                                           names))
            by_person = {s.participant: s.rank for s in everyone}
            for reader in (people[0], people[12], people[29]):
                rows, total = await tx.scoring.ledger.board(c.id, top=10, reader=reader)
                assert total == 30
                got = {Participant.person(t.person): place for place, t in rows}
                wanted = {p: r for p, r in by_person.items()
                          if r <= 10 or p == Participant.person(reader)}
                assert got == wanted
    finally:
        await database.close()  # type: ignore[attr-defined]


def test_the_leaderboard_ranked_in_the_database_equals_ranking_everyone(postgres_url: str
                                                                        ) -> None:
    run_in_own_loop(lambda: board_against_memory(postgres_url))

