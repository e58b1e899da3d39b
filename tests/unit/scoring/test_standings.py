"""Ranks, on-time rates, team means and movement, from tallies to the leaderboard's lines."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core.model import TenantId, UserId
from core.scoring.challenge import Challenge, Participant, ParticipantKind, Period
from core.scoring.confidence import wilson_lower_bound
from core.scoring.ledger import Tally
from core.scoring.present_scores import leaderboard_view
from core.scoring.standings import (
    Entry,
    people_entries,
    rank,
    ranks_of,
    team_entries,
    top_and_own,
    winners,
)
from core.scoring.team import Team, TeamId

NOW = datetime(2026, 3, 13, 15, tzinfo=UTC)


def entry(name: str, points: str, judged: int = 0, on_time: int = 0, n: int = 0) -> Entry:
    return Entry(participant=Participant.person(UserId(n or hash(name) % 1000)), name=name,
                 points=Decimal(points), judged=judged, on_time=on_time)


def test_ties_share_a_rank_and_the_next_one_skips() -> None:
    ranked = rank([entry("dan", "2"), entry("bob", "5"), entry("Alice", "5"),
                   entry("carol", "2"), entry("erin", "0")])
    assert [(s.rank, s.entry.name) for s in ranked] == [
        (1, "Alice"), (1, "bob"), (3, "carol"), (3, "dan"), (5, "erin")]


def test_points_that_show_the_same_tie() -> None:
    ranked = rank([entry("a", "3.331"), entry("b", "3.334"), entry("c", "3.336")])
    assert [s.rank for s in ranked] == [1, 2, 2]


def test_the_on_time_rate_is_a_wilson_lower_bound() -> None:
    assert wilson_lower_bound(2, 2) == pytest.approx(0.342, abs=0.001)
    assert wilson_lower_bound(40, 42) == pytest.approx(0.842, abs=0.001)
    assert wilson_lower_bound(0, 5) == 0.0
    assert wilson_lower_bound(0, 0) is None
    with pytest.raises(ValueError, match="3 successes out of 2"):
        wilson_lower_bound(3, 2)
    lucky, reliable = rank([entry("lucky", "6", 2, 2), entry("steady", "6", 42, 40)])
    assert lucky.on_time_rate is not None and reliable.on_time_rate is not None
    assert reliable.on_time_rate > lucky.on_time_rate


def test_people_without_a_tally_stand_at_zero() -> None:
    names = {UserId(1): "alice", UserId(2): "bob"}
    tallies = {UserId(1): Tally(UserId(1), Decimal(3), 1, 1)}
    ranked = rank(people_entries([UserId(1), UserId(2)], tallies, names))
    assert [(s.rank, s.entry.name, s.entry.points, s.on_time_rate) for s in ranked] == [
        (1, "alice", 3, pytest.approx(0.2065, abs=0.001)), (2, "bob", 0, None)]


def test_a_team_scores_its_members_mean_and_pools_their_closes() -> None:
    def team(i: int, name: str, *members: int) -> Team:
        return Team(id=TeamId(i), tenant_id=TenantId(1), name=name,
                    members={UserId(m) for m in members}, created_by=UserId(1), created_at=NOW)

    tallies = {UserId(1): Tally(UserId(1), Decimal(10), 4, 3),
               UserId(2): Tally(UserId(2), Decimal(0), 1, 0),
               UserId(3): Tally(UserId(3), Decimal(1), 1, 1),
               UserId(4): Tally(UserId(4), Decimal(6), 2, 2)}
    big = team(1, "Big", 1, 2, 3)  # 11 points between three
    small = team(2, "Small", 4)
    empty = team(3, "Empty")
    ranked = rank(team_entries([big, small, empty], tallies))
    assert [(s.rank, s.entry.name, s.entry.points, s.entry.judged, s.entry.on_time,
             s.entry.members) for s in ranked] == [
        (1, "Small", 6, 2, 2, 1), (2, "Big", Decimal("3.67"), 6, 4, 3), (3, "Empty", 0, 0, 0, 0)]


def test_movement_compares_with_last_weeks_ranks() -> None:
    a, b, c, d = (entry(n, p, n=i) for i, (n, p) in enumerate(
        [("a", "9"), ("b", "5"), ("c", "5"), ("d", "1")], start=1))
    last_week = {a.participant: 3, b.participant: 1, c.participant: 2}
    ranked = rank([a, b, c, d], last_week)
    assert [(s.entry.name, s.rank, s.movement) for s in ranked] == [
        ("a", 1, 2), ("b", 2, -1), ("c", 2, 0), ("d", 4, None)]
    assert ranks_of(ranked) == {a.participant: 1, b.participant: 2, c.participant: 2,
                                d.participant: 4}


def test_the_top_ten_plus_the_readers_lines_below_it() -> None:
    ranked = rank(entry(f"p{i:02}", str(100 - i), n=i) for i in range(1, 16))
    me, my_team = ranked[12].participant, ranked[14].participant
    shown, own = top_and_own(ranked, [me, my_team])
    assert len(shown) == 10 and [s.rank for s in own] == [13, 15]
    shown, own = top_and_own(ranked, [ranked[0].participant])
    assert own == []


def test_winners_are_everyone_ranked_first_once_anyone_scored() -> None:
    ranked = rank([entry("a", "4", n=1), entry("b", "4", n=2), entry("c", "1", n=3)])
    assert winners(ranked) == [ranked[0].participant, ranked[1].participant]
    assert winners(rank([entry("a", "0", n=1), entry("b", "0", n=2)])) == []


def test_the_leaderboard_view_carries_what_a_renderer_needs() -> None:
    c = Challenge(tenant_id=TenantId(1), name="Q1 delivery", created_by=UserId(1),
                  created_at=NOW, period=Period(date(2026, 3, 2), date(2026, 3, 31)),
                  kind=ParticipantKind.PEOPLE)
    a, b, new = entry("alice", "4.5", 3, 3, n=1), entry("bob", "3", 1, 0, n=2), \
        entry("carol", "0", n=3)
    ranked = rank([a, b, new], {a.participant: 2, b.participant: 1})
    view = leaderboard_view(c, ranked, [b.participant], today=NOW.date())
    assert view.period == "Mon 2 Mar – Tue 31 Mar" and view.participants == 3
    assert [(x.rank, x.name, x.points, x.on_time, x.movement_text, x.is_reader)
            for x in view.lines] == [
        (1, "alice", "4.5", "44%", "▲1", False), (2, "bob", "3", "0%", "▼1", True),
        (3, "carol", "0", "–", "new", False)]
