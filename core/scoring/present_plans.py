"""Builds the challenge, team and forecast views."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from core.humanize import day_text, plural
from core.model import UserId
from core.scoring.challenge import Challenge, ChallengeState, ParticipantKind
from core.scoring.explain import describe_rules
from core.scoring.forecast import MIN_CHECKINS, MIN_DONE_CHILDREN, MIN_SPAN, ForecastResult, Method
from core.scoring.present_scores import period_text
from core.scoring.team import Team
from core.scoring.views import (
    ChallengeLine,
    ChallengeListView,
    ChallengeView,
    ForecastView,
    StandingLine,
    TeamLine,
    TeamListView,
    TeamMemberLine,
    TeamView,
)
from core.views import MilestoneLine


def challenge_line(c: Challenge, *, participants: int, joined: bool, today: date
                   ) -> ChallengeLine:
    return ChallengeLine(name=c.name, state=c.state, kind=c.kind,
                         period=period_text(c, today), participants=participants, joined=joined)


def challenge_list_view(lines: Iterable[ChallengeLine]) -> ChallengeListView:
    """Active ones first, then drafts, then the finished and cancelled, each by name."""
    order = {ChallengeState.ACTIVE: 0, ChallengeState.DRAFT: 1, ChallengeState.FINISHED: 2,
             ChallengeState.CANCELLED: 3}
    return ChallengeListView(lines=tuple(sorted(lines, key=lambda x: (order[x.state],
                                                                      x.name.casefold()))))


def challenge_view(c: Challenge, *, participants: Sequence[str], joined: bool,
                   standings: Sequence[StandingLine], created_by: str, today: date,
                   headline: str = "") -> ChallengeView:
    """`participants` are handles or team names, as the challenge's kind says."""
    quoted = f'"{c.name}"'
    steps = {
        ChallengeState.DRAFT: [f"challenge start {quoted}"],
        ChallengeState.ACTIVE: [f"leaderboard {quoted}", f"score {quoted}"],
        ChallengeState.FINISHED: [f"leaderboard {quoted}"],
        ChallengeState.CANCELLED: [],
    }[c.state]
    if not c.state.closed and c.kind == ParticipantKind.PEOPLE and not joined:
        steps.insert(0, f"challenge join {quoted}")
    return ChallengeView(
        line=challenge_line(c, participants=len(participants), joined=joined, today=today),
        channel=c.channel or "", rules=describe_rules(c.rules), participants=tuple(participants),
        standings=tuple(standings), created_by=created_by, headline=headline,
        next_steps=tuple(steps))


def team_list_view(teams: Iterable[Team], names: Mapping[UserId, str]) -> TeamListView:
    lines = [TeamLine(name=t.name, members=tuple(sorted(names.get(m, f"user {m}")
                                                        for m in t.members)))
             for t in teams]
    return TeamListView(teams=tuple(sorted(lines, key=lambda x: x.name.casefold())))


def team_view(team: Team, *, names: Mapping[UserId, str], display: Mapping[UserId, str],
              open_counts: Mapping[UserId, int], milestones: Sequence[MilestoneLine] = (),
              challenges: Sequence[str] = (), headline: str = "") -> TeamView:
    """The team's members with their open milestones; its progress is the mean of those
    milestones' progress (None when there are none)."""
    members = tuple(sorted((TeamMemberLine(handle=names.get(m, f"user {m}"),
                                           name=display.get(m, ""),
                                           open_milestones=open_counts.get(m, 0))
                            for m in team.members), key=lambda x: x.handle))
    progress = round(sum(m.percent for m in milestones) / len(milestones)) if milestones \
        else None
    return TeamView(name=team.name, members=members, progress=progress,
                    milestones=tuple(milestones), challenges=tuple(challenges),
                    headline=headline)


def forecast_view(number: int, title: str, result: ForecastResult, *, progress: int,
                  today: date) -> ForecastView:
    def day(d: date | None) -> str:
        return day_text(d, today) if d is not None else ""

    chance = round(result.chance * 100) if result.chance is not None else None
    due = day(result.due)
    if result.method == Method.DONE:
        summary = "Done."
    elif not result.enough:
        summary = (f"Not enough history to forecast yet: it takes {MIN_CHECKINS} check-ins "
                   f"over {MIN_SPAN.days} days, or {MIN_DONE_CHILDREN} completed children.")
        if result.expected_now is not None:
            summary += f" By now the plan expects {result.expected_now}%; it is at {progress}%."
    elif result.p50 is None:
        summary = "No finish in sight at the recent pace."
    else:
        summary = f"Likely done {day(result.p50)}"
        summary += f", 85% sure by {day(result.p85)}" if result.p85 else \
            " (no cautious date: the slow end of the pace never finishes)"
        summary += f"; {chance}% chance of meeting the due date {due}." if chance is not None \
            and due else "."
    risk = ""
    if result.at_risk:
        risk = (f"no finish in sight before the due date {due}" if result.stalled else
                f"forecast {day(result.p50)}, {plural(result.late_by_days, 'day')} after the "
                f"due date {due}")
    basis = {
        Method.TREND: f"from {plural(result.samples, 'check-in')} over "
                      f"{plural(result.span_days, 'day')}",
        Method.THROUGHPUT: f"from {result.samples} completed "
                           f"{'child' if result.samples == 1 else 'children'} over the last "
                           f"{plural(result.span_days // 7, 'week')}",
    }.get(result.method, "")
    return ForecastView(number=number, title=title, method=result.method, progress=progress,
                        summary=summary, p50=day(result.p50), p85=day(result.p85),
                        chance=chance, due=due, at_risk=result.at_risk, risk=risk, basis=basis,
                        expected_now=result.expected_now)
