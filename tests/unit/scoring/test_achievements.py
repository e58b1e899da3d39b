"""Which new badges an event earns: once per person, and only for what really scored."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from core.model import Kind, MilestoneId, Priority, UserId
from core.scoring.achievements import (
    CATALOGUE,
    Badge,
    ChallengeWon,
    ItemClosed,
    Progress,
    StreakGrew,
    earn,
)
from core.scoring.challenge import Period
from core.scoring.item import ItemRecord, ItemState
from core.scoring.judge import judge
from core.scoring.present_scores import badges_view
from core.scoring.rules import ScoringRules
from core.scoring.verdict import ItemScore
from core.scoring.workdays import Deadline, WorkingCalendar

ALICE, BOB = UserId(1), UserId(2)
CREATED = datetime(2026, 3, 2, 9, tzinfo=UTC)
DUE = date(2026, 3, 13)


def closed(item: int, *, days_before: int = 1, late: bool = False, by: UserId = ALICE,
           kind: Kind = Kind.MILESTONE, priority: Priority = Priority.MEDIUM,
           contributors: tuple[UserId, ...] = ()) -> ItemClosed:
    at = datetime(2026, 3, 18 if late else 13 - days_before, 10, tzinfo=UTC)
    record = ItemRecord(item=MilestoneId(item), number=item, title=f"M{item}", kind=kind,
                        owner=ALICE, calendar=WorkingCalendar(), created_at=CREATED,
                        planned_priority=priority, priority=priority, planned=Deadline(DUE),
                        deadline=Deadline(DUE), contributors=contributors,
                        state=ItemState.DONE, closed_at=at, closed_by=by)
    score = judge(record, ScoringRules(), Period(date(2026, 3, 1), date(2026, 3, 31)))
    assert isinstance(score, ItemScore)
    return ItemClosed(score=score, at=at)


def badges(trigger: ItemClosed | StreakGrew | ChallengeWon,
           progress: dict[UserId, Progress] | None = None,
           owned: dict[UserId, frozenset[Badge]] | None = None) -> set[tuple[UserId, Badge]]:
    return {(a.person, a.badge) for a in earn(trigger, progress or {}, owned or {}).awards}


def test_a_first_on_time_close_earns_its_badge_once() -> None:
    assert badges(closed(1)) == {(ALICE, Badge.FIRST_ON_TIME)}
    assert badges(closed(2), owned={ALICE: frozenset({Badge.FIRST_ON_TIME})}) == set()


def test_a_close_voided_by_anti_gaming_earns_nothing() -> None:
    voided = closed(1, by=BOB, contributors=(BOB,))
    earned = earn(voided, {}, {})
    assert earned.awards == () and earned.progress == {}


def test_five_distinct_items_on_time_in_a_row_and_a_late_one_starts_over() -> None:
    progress: dict[UserId, Progress] = {}
    for item in (1, 2, 3, 4):
        earned = earn(closed(item), progress, {})
        progress.update(earned.progress)
    assert progress[ALICE].run == (1, 2, 3, 4)
    progress.update(earn(closed(4), progress, {}).progress)  # the same item again
    assert progress[ALICE].run == (1, 2, 3, 4)
    after_late = dict(progress)
    after_late.update(earn(closed(9, late=True), progress, {}).progress)
    assert after_late[ALICE].run == ()
    found = [a.badge for a in earn(closed(5), progress, {}).awards]
    assert Badge.FIVE_IN_A_ROW in found


def test_early_goals_critical_closes_early_birds_and_helpers() -> None:
    assert badges(closed(1, days_before=3, kind=Kind.GOAL)) == {
        (ALICE, Badge.FIRST_ON_TIME), (ALICE, Badge.GOAL_EARLY)}
    assert (ALICE, Badge.CLUTCH) in badges(closed(1, priority=Priority.CRITICAL))
    assert badges(closed(1, contributors=(ALICE, BOB))) == {
        (ALICE, Badge.FIRST_ON_TIME), (BOB, Badge.TEAM_PLAYER)}
    progress: dict[UserId, Progress] = {}
    for item in (1, 2):
        progress.update(earn(closed(item, days_before=3), progress, {}).progress)
    assert (ALICE, Badge.EARLY_BIRD) in badges(closed(3, days_before=3), progress)
    assert (ALICE, Badge.EARLY_BIRD) not in badges(closed(2, days_before=3), progress)


def test_streaks_and_wins() -> None:
    at = CREATED
    assert badges(StreakGrew(person=BOB, weeks=3, at=at)) == set()
    assert badges(StreakGrew(person=BOB, weeks=4, at=at)) == {(BOB, Badge.STREAK_4_WEEKS)}
    won = ChallengeWon(people=(ALICE, BOB), challenge="“Q1”", at=at)
    assert badges(won, owned={ALICE: frozenset({Badge.CHALLENGE_WON})}) == {
        (BOB, Badge.CHALLENGE_WON)}


def test_the_badges_view_lists_earned_ones_newest_first_then_the_rest() -> None:
    earned = [a for t in (closed(1), StreakGrew(person=ALICE, weeks=4,
                                                at=CREATED + timedelta(days=30)))
              for a in earn(t, {}, {}).awards]
    view = badges_view("alice", earned, today=date(2026, 4, 2), zone="Europe/Berlin")
    assert [(b.emoji, b.title, b.earned, b.context) for b in view.earned] == [
        ("📅", "Steady", "Wed 1 Apr", ""), ("🎯", "Bullseye", "Thu 12 Mar", "#1")]
    assert len(view.locked) == len(CATALOGUE) - 2
    assert view.headline == f"2 of {len(CATALOGUE)} badges"
    assert badges_view("bob", [], today=date(2026, 4, 2)).headline == "No badges yet"
