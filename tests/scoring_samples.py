"""Scoring's views at their worst (long hostile names, many lines), for every renderer's tests."""

from __future__ import annotations

from core.nudges.schedule import NudgeKind
from core.nudges.views import BadgeAnnouncement
from core.scoring.challenge import ChallengeState, ParticipantKind
from core.scoring.forecast import Method
from core.scoring.views import (
    BadgeLine,
    BadgesView,
    ChallengeLine,
    ChallengeListView,
    ChallengeView,
    ForecastView,
    LeaderboardView,
    ScoreItemView,
    ScoreLineView,
    ScoreView,
    StandingLine,
    TeamLine,
    TeamListView,
    TeamMemberLine,
    TeamView,
)
from core.views import View

NASTY = "R&D <b>bold</b> & <!channel> <https://evil.example|click> *stars* `code` " * 60


def standing(rank: int, name: str = NASTY[:80]) -> StandingLine:
    return StandingLine(rank=rank, name=name, points="1234.5", on_time_rate=0.84, on_time="84%",
                        closes=40, movement=rank % 3 - 1, is_reader=rank == 40)


def scoring_views() -> dict[str, View]:
    line = ChallengeLine(name=NASTY[:80], state=ChallengeState.ACTIVE,
                         kind=ParticipantKind.TEAMS, period="Mon 5 Jan – Tue 31 Mar",
                         participants=500, joined=True)
    rules = ScoreLineView(code="on_time", text=NASTY[:300], points="+4.5")
    return {
        "leaderboard": LeaderboardView(
            challenge=NASTY[:80], kind=ParticipantKind.PEOPLE, state=ChallengeState.ACTIVE,
            period="Mon 5 Jan – Tue 31 Mar", lines=tuple(standing(i) for i in range(1, 11)),
            own=(standing(40),), participants=10_000),
        "empty leaderboard": LeaderboardView(
            challenge="Q1", kind=ParticipantKind.TEAMS, state=ChallengeState.DRAFT,
            period="Mon 5 Jan – Tue 31 Mar", lines=()),
        "score of many items": ScoreView(
            person="bob", challenge=NASTY[:80], points="88", rank=3, on_time="71%",
            items=tuple(ScoreItemView(number=i, title=NASTY[:200], state="done", points="4.5",
                                      lines=(rules,) * 4, when="closed Tue 3 Mar")
                        for i in range(300)),
            streak=(ScoreLineView(code="streak", text="3 full weeks", points="+3"),),
            streak_weeks=3),
        "challenge list": ChallengeListView(lines=(line,) * 300),
        "challenge": ChallengeView(line=line, channel="#delivery", rules=(NASTY[:300],) * 8,
                                   participants=(NASTY[:60],) * 500,
                                   standings=tuple(standing(i) for i in range(1, 6)),
                                   created_by="alice", headline=NASTY[:200],
                                   next_steps=('leaderboard "Q1"', 'score "Q1"')),
        "teams": TeamListView(teams=tuple(TeamLine(name=NASTY[:60], members=("bob",) * 400)
                                          for _ in range(100))),
        "team": TeamView(name=NASTY[:60], members=tuple(TeamMemberLine(
            handle="bob", name=NASTY[:80], open_milestones=3) for _ in range(400)),
            progress=40, challenges=(NASTY[:80],) * 10, headline="Made team"),
        "badges": BadgesView(person="bob", headline="2 of 8 badges", earned=tuple(
            BadgeLine(code="x", emoji="🎯", title="Bullseye", description=NASTY[:100],
                      earned="Tue 3 Mar", context=NASTY[:80]) for _ in range(8)),
            locked=(BadgeLine(code="y", emoji="🔥", title="On a roll", description="5"),)),
        "forecast": ForecastView(number=2, title=NASTY[:200], method=Method.TREND, progress=40,
                                 summary=NASTY[:300], p50="Fri 13 Mar", p85="Fri 20 Mar",
                                 chance=30, due="Tue 10 Mar", at_risk=True, risk=NASTY[:200],
                                 basis="from 4 check-ins over 21 days"),
        "badge news": BadgeAnnouncement(
            nudge_id=1, kind=NudgeKind.BADGE, headline=f"🏅 New badge: 🎯 {NASTY[:200]}",
            person="bob", emoji="🎯", title="Bullseye", description=NASTY[:100],
            context=NASTY[:80], footer="`badges` lists every badge"),
        "badge news in a channel": BadgeAnnouncement(
            nudge_id=2, kind=NudgeKind.BADGE, headline=f"🏅 @bob earned {NASTY[:200]}",
            person="bob", emoji="🎯", title="Bullseye", description=NASTY[:100],
            context=NASTY[:80], channel="C0BOARD"),
    }
