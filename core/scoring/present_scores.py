"""Builds the leaderboard, score and badges views from standings, records and awards."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from core.humanize import day_text
from core.model import MilestoneId, UserId
from core.scoring.achievements import CATALOGUE, Award
from core.scoring.challenge import Challenge, ChallengeState, Participant
from core.scoring.daily_cap import share_out
from core.scoring.explain import explain
from core.scoring.item import ItemRecord, ItemState
from core.scoring.judge import judge
from core.scoring.ledger import Tally
from core.scoring.points import ZERO, format_points, signed
from core.scoring.standings import TOP, Standing, top_and_own
from core.scoring.streaks import WEEK, StreakRecord
from core.scoring.verdict import ItemScore, RuleCode, RuleLine
from core.scoring.views import (
    BadgeLine,
    BadgesView,
    LeaderboardView,
    ScoreItemView,
    ScoreLineView,
    ScoreView,
    StandingLine,
)
from core.scoring.workdays import zone_of


def period_text(challenge: Challenge, today: date) -> str:
    return f"{day_text(challenge.period.starts, today)} – {day_text(challenge.period.ends, today)}"


def rate_text(rate: float | None) -> str:
    return "–" if rate is None else f"{round(rate * 100)}%"


def standing_line(s: Standing, mine: Iterable[Participant] = ()) -> StandingLine:
    return StandingLine(rank=s.rank, name=s.entry.name, points=format_points(s.entry.points),
                        on_time_rate=s.on_time_rate, on_time=rate_text(s.on_time_rate),
                        closes=s.entry.judged, movement=s.movement,
                        is_reader=s.participant in set(mine), members=s.entry.members)


def leaderboard_view(challenge: Challenge, standings: Sequence[Standing],
                     mine: Iterable[Participant], *, today: date, top: int = TOP,
                     participants: int | None = None) -> LeaderboardView:
    """The top lines, plus the reader's own lines when they are further down."""
    wanted = set(mine)
    shown, own = top_and_own(standings, wanted, top)
    return LeaderboardView(
        challenge=challenge.name, kind=challenge.kind, state=challenge.state,
        period=period_text(challenge, today),
        lines=tuple(standing_line(s, wanted) for s in shown),
        own=tuple(standing_line(s, wanted) for s in own),
        participants=len(standings) if participants is None else participants,
        headline="Final results" if challenge.state == ChallengeState.FINISHED else "")


def score_view(*, person: UserId, names: Mapping[UserId, str], challenge: Challenge,
               records: Iterable[ItemRecord], days: Mapping[date, Decimal],
               streak: StreakRecord | None, tally: Tally, rank: int | None, today: date,
               rate: float | None = None) -> ScoreView:
    """Every item of the person in the challenge, 0-point ones included, each with every rule
    that applied; the daily cap is charged to each day's last closes, streak weeks last.

    `days` holds the person's raw points per local day, as the ledger keeps them.
    """
    scores = [s for r in records if r.owner == person
              and (s := judge(r, challenge.rules, challenge.period)) is not None]
    cut, streak_points, streak_cut = _charge_cap(scores, days, challenge.rules.daily_cap)

    def line(rule: RuleLine) -> ScoreLineView:
        return ScoreLineView(code=rule.code.value, text=explain(rule, today=today, names=names),
                             points=signed(rule.points))

    items = []
    for s in sorted(scores, key=_order):
        rules = list(s.lines)
        taken = cut.get(s.record.item, ZERO)
        if taken:
            rules.append(RuleLine(code=RuleCode.DAILY_CAP, points=-taken,
                                  limit=challenge.rules.daily_cap))
        items.append(ScoreItemView(number=s.record.number, title=s.record.title,
                                   state=s.record.state.value,
                                   points=format_points(s.points - taken),
                                   lines=tuple(line(r) for r in rules), when=_when(s, today)))
    streak_lines: list[RuleLine] = []
    if streak is not None and streak.weeks_earned:
        streak_lines.append(RuleLine(code=RuleCode.STREAK, days=streak.weeks_earned,
                                     points=streak_points))
        if streak_cut:
            streak_lines.append(RuleLine(code=RuleCode.DAILY_CAP, points=-streak_cut,
                                         limit=challenge.rules.daily_cap))
    return ScoreView(person=names.get(person, f"user {person}"), challenge=challenge.name,
                     points=format_points(tally.points), rank=rank, on_time=rate_text(rate),
                     items=tuple(items), streak=tuple(line(r) for r in streak_lines),
                     streak_weeks=streak.days // WEEK if streak is not None else 0)


def _charge_cap(scores: Sequence[ItemScore], days: Mapping[date, Decimal], cap: Decimal
                ) -> tuple[dict[MilestoneId, Decimal], Decimal, Decimal]:
    """What the cap takes from each item, and the streak points earned and taken."""
    by_day: dict[date, list[ItemScore]] = defaultdict(list)
    for s in scores:
        c = s.contribution()
        if c is not None:
            by_day[c.day].append(s)
    cut: dict[MilestoneId, Decimal] = {}
    streak_points = streak_cut = ZERO
    for day in sorted({*by_day, *days}):
        ordered = sorted(by_day.get(day, []), key=lambda s: (s.record.closed_at,
                                                             s.record.item))
        own = sum((s.points for s in ordered), ZERO)
        streak = max(ZERO, days.get(day, own) - own)
        kept = share_out([*(s.points for s in ordered), streak], cap)
        for s, keep in zip(ordered, kept, strict=False):
            if s.points != keep:
                cut[s.record.item] = s.points - keep
        streak_points += streak
        streak_cut += streak - kept[-1]
    return cut, streak_points, streak_cut


def _order(s: ItemScore) -> tuple[int, float, int]:
    r = s.record
    if r.state == ItemState.DONE and r.closed_at is not None:
        return 0, -r.closed_at.timestamp(), r.number
    if r.state == ItemState.OPEN and s.judged_against is not None:
        return 1, float(s.judged_against.day.toordinal()), r.number
    return 2, 0.0, r.number


def _when(s: ItemScore, today: date) -> str:
    r = s.record
    if r.state == ItemState.DONE and s.day is not None:
        return f"closed {day_text(s.day, today)}"
    if r.state == ItemState.OPEN and s.judged_against is not None:
        return f"due {day_text(s.judged_against.day, today)}"
    return "cancelled"


def badges_view(person: str, awards: Sequence[Award], *, today: date, zone: str = "UTC"
                ) -> BadgesView:
    """Earned badges newest first, then the ones still to earn, in catalogue order."""
    earned = sorted(awards, key=lambda a: a.at, reverse=True)
    have = {a.badge for a in earned}
    lines = tuple(BadgeLine(code=a.badge.value, emoji=CATALOGUE[a.badge].emoji,
                            title=CATALOGUE[a.badge].title,
                            description=CATALOGUE[a.badge].description,
                            earned=day_text(a.at.astimezone(zone_of(zone)).date(), today),
                            context=a.context)
                  for a in earned)
    locked = tuple(BadgeLine(code=info.badge.value, emoji=info.emoji, title=info.title,
                             description=info.description)
                   for info in CATALOGUE.values() if info.badge not in have)
    headline = f"{len(lines)} of {len(CATALOGUE)} badges" if lines else "No badges yet"
    return BadgesView(person=person, earned=lines, locked=locked, headline=headline)
