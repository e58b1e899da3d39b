"""The challenge, team and score views: what a renderer gets, phrased for the reader."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.model import Kind, Priority, Status, TenantId, UserId
from core.scoring.challenge import Challenge, ChallengeState, ParticipantKind, Period
from core.scoring.explain import describe_rules
from core.scoring.present_plans import (
    challenge_line,
    challenge_list_view,
    challenge_view,
    team_list_view,
    team_view,
)
from core.scoring.rules import RuleFamily, ScoringRules
from core.scoring.team import Team, TeamId
from core.views import MilestoneLine
from tests.fakes import FrozenClock
from tests.unit.scoring.conftest import ALICE, BOB, Desk

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
TODAY = NOW.date()


def challenge(name: str, state: ChallengeState = ChallengeState.DRAFT,
              kind: ParticipantKind = ParticipantKind.PEOPLE) -> Challenge:
    c = Challenge(tenant_id=TenantId(1), name=name, created_by=UserId(1), created_at=NOW,
                  period=Period(date(2026, 3, 2), date(2026, 3, 31)), kind=kind,
                  channel="#delivery")
    if state != ChallengeState.DRAFT:
        c.start(NOW)
    if state == ChallengeState.FINISHED:
        c.finish(NOW)
    return c


def test_a_draft_challenge_offers_to_join_and_start() -> None:
    view = challenge_view(challenge("Q1 delivery"), participants=["alice"], joined=False,
                          standings=(), created_by="alice", today=TODAY)
    assert view.line.period == "Mon 2 Mar – Tue 31 Mar" and view.line.participants == 1
    assert view.next_steps == ('challenge join "Q1 delivery"', 'challenge start "Q1 delivery"')
    assert view.channel == "#delivery" and view.rules == describe_rules(ScoringRules())
    finished = challenge_view(challenge("Q1", ChallengeState.FINISHED), participants=[],
                              joined=True, standings=(), created_by="alice", today=TODAY)
    assert finished.next_steps == ('leaderboard "Q1"',)


def test_the_rules_are_described_as_set() -> None:
    lines = describe_rules(ScoringRules(families=frozenset({RuleFamily.EARLY})))
    assert lines[0] == "Early bonus: +1 when done 2 working days or more before the due date"
    assert lines[-2] == "At most 12 points per person per day"
    assert lines[-1] == ("Leaderboard posted in the challenge's channel every Friday at 16:00 "
                         "(the team's time zone)")
    moved = describe_rules(ScoringRules().changed({"post-day": "1", "post-hour": "9"}))
    assert moved[-1].startswith("Leaderboard posted in the challenge's channel every Monday "
                                "at 09:00")
    assert not any(line.startswith(("On time:", "Check-in")) for line in lines)
    full = describe_rules(ScoringRules())
    assert full[0] == ("On time: 3 points × priority (low 0.5, medium 1, high 1.5, "
                       "critical 2)")
    assert full[1] == "Late within 2 working days: 1; later: 0"


def test_the_challenge_list_shows_active_ones_first() -> None:
    lines = [challenge_line(challenge(n, s), participants=2, joined=n == "B", today=TODAY)
             for n, s in [("C", ChallengeState.FINISHED), ("b", ChallengeState.ACTIVE),
                          ("A", ChallengeState.DRAFT), ("a2", ChallengeState.ACTIVE)]]
    view = challenge_list_view(lines)
    assert [(x.name, x.state) for x in view.lines] == [
        ("a2", ChallengeState.ACTIVE), ("b", ChallengeState.ACTIVE),
        ("A", ChallengeState.DRAFT), ("C", ChallengeState.FINISHED)]


def test_teams_list_their_members_and_progress() -> None:
    sales = Team(id=TeamId(1), tenant_id=TenantId(1), name="Sales", members={ALICE, BOB},
                 created_by=ALICE, created_at=NOW)
    names = {ALICE: "alice", BOB: "bob"}
    listing = team_list_view([sales, Team(id=TeamId(2), tenant_id=TenantId(1), name="ops",
                                          created_by=ALICE, created_at=NOW)], names)
    assert [(t.name, t.members, t.size) for t in listing.teams] == [
        ("ops", (), 0), ("Sales", ("alice", "bob"), 2)]
    lines = [MilestoneLine(number=n, kind=Kind.MILESTONE, title=f"M{n}", percent=p,
                           status=Status.ON_TRACK, owner="alice", priority=Priority.HIGH)
             for n, p in ((1, 40), (2, 65))]
    view = team_view(sales, names=names, display={ALICE: "Alice A."}, open_counts={ALICE: 2},
                     milestones=lines, challenges=["Q1 delivery"])
    assert [(m.handle, m.name, m.open_milestones) for m in view.members] == [
        ("alice", "Alice A.", 2), ("bob", "", 0)]
    assert view.progress == 52
    assert team_view(sales, names=names, display={}, open_counts={}).progress is None


async def test_the_score_lists_open_items_with_when_they_are_due(desk: Desk,
                                                                 clock: FrozenClock) -> None:
    await desk.challenge()
    await desk.item(due="2026-03-20")
    outside = await desk.item(due="2026-04-20")  # not in the challenge at all
    await desk.item(due=None)
    assert outside
    score = await desk.score()
    assert score.points == "0" and score.rank == 1 and score.on_time == "–"
    assert [(i.ref, i.state, i.when) for i in score.items] == [("#1", "open", "due Fri 20 Mar")]
    assert [line.text for line in score.items[0].lines] == [
        "not closed yet (due Fri 20 Mar); it scores when it is closed"]
