"""Badges: a catalogue, and a pure answer to "which new badges does this earn".

Each badge is awarded once per person, ever. Only what scored counts: a close voided by an
anti-gaming rule earns nothing, and a run of closes counts distinct items, so closing and
reopening one item five times is not five in a row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.model import Kind, MilestoneId, Priority, UserId
from core.scoring.ledger import LedgerChanges
from core.scoring.streaks import WEEK, CycleVerdict
from core.scoring.verdict import ItemScore, Outcome, RuleCode

IN_A_ROW = 5
EARLY_BIRD = 3
STREAK_WEEKS = 4


class Badge(StrEnum):
    FIRST_ON_TIME = "first_on_time"
    FIVE_IN_A_ROW = "five_in_a_row"
    STREAK_4_WEEKS = "streak_4_weeks"
    GOAL_EARLY = "goal_early"
    EARLY_BIRD = "early_bird"
    CLUTCH = "clutch"
    TEAM_PLAYER = "team_player"
    CHALLENGE_WON = "challenge_won"


@dataclass(frozen=True, slots=True)
class BadgeInfo:
    badge: Badge
    emoji: str
    title: str
    description: str


CATALOGUE: dict[Badge, BadgeInfo] = {b.badge: b for b in (
    BadgeInfo(Badge.FIRST_ON_TIME, "🎯", "Bullseye", "first milestone closed on time"),
    BadgeInfo(Badge.FIVE_IN_A_ROW, "🔥", "On a roll",
              f"{IN_A_ROW} milestones on time in a row"),
    BadgeInfo(Badge.STREAK_4_WEEKS, "📅", "Steady",
              f"a {STREAK_WEEKS}-week streak of check-ins answered on time"),
    BadgeInfo(Badge.GOAL_EARLY, "🚀", "Ahead of plan", "a goal completed early"),
    BadgeInfo(Badge.EARLY_BIRD, "🐦", "Early bird", f"{EARLY_BIRD} milestones done early"),
    BadgeInfo(Badge.CLUTCH, "💎", "Clutch", "a critical milestone closed on time"),
    BadgeInfo(Badge.TEAM_PLAYER, "🤝", "Team player",
              "helped a teammate close one on time, as a contributor"),
    BadgeInfo(Badge.CHALLENGE_WON, "🏆", "Champion", "won a challenge"),
)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Progress:
    """What a person is on the way to: the distinct items of their current on-time run and
    the distinct items they did early (each kept only as long as a badge needs)."""

    person: UserId
    run: tuple[MilestoneId, ...] = ()
    early: tuple[MilestoneId, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemClosed:
    score: ItemScore
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class StreakGrew:
    person: UserId
    weeks: int  # full weeks of the current run
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ChallengeWon:
    people: tuple[UserId, ...]  # everyone ranked first, every member of a winning team
    challenge: str
    at: datetime


Trigger = ItemClosed | StreakGrew | ChallengeWon


@dataclass(frozen=True, slots=True, kw_only=True)
class Award:
    person: UserId
    badge: Badge
    at: datetime
    context: str = ""  # "#12", "“Q1 delivery”"
    #: Where it is announced besides the person's DM: the channel of the challenge that earned
    #: it, when they take part in it ("" for none). Not kept with the badge.
    channel: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Earned:
    progress: dict[UserId, Progress]  # only the people whose progress changed
    awards: tuple[Award, ...] = ()


def badge_names(awards: Sequence[Award]) -> tuple[str, ...]:
    """"🎯 Bullseye", in the order given (`me`, the App Home)."""
    return tuple(f"{CATALOGUE[a.badge].emoji} {CATALOGUE[a.badge].title}" for a in awards)


def triggers(changes: LedgerChanges, at: datetime) -> list[Trigger]:
    """What a ledger step means for badges."""
    found: list[Trigger] = []
    if changes.newly_done and changes.score is not None:
        found.append(ItemClosed(score=changes.score, at=at))
    step = changes.streak_step
    if step is not None and step.verdict == CycleVerdict.KEPT and step.new_weeks:
        found.append(StreakGrew(person=step.record.person, weeks=step.record.days // WEEK,
                                at=at))
    return found


def earn(trigger: Trigger, progress: Mapping[UserId, Progress],
         owned: Mapping[UserId, frozenset[Badge]]) -> Earned:
    """The badges a trigger earns that their people do not have yet, and the new progress."""
    if isinstance(trigger, ChallengeWon):
        return _filter(Earned(progress={}, awards=tuple(
            Award(person=p, badge=Badge.CHALLENGE_WON, at=trigger.at, context=trigger.challenge)
            for p in trigger.people)), owned)
    if isinstance(trigger, StreakGrew):
        awards: tuple[Award, ...] = ()
        if trigger.weeks >= STREAK_WEEKS:
            awards = (Award(person=trigger.person, badge=Badge.STREAK_4_WEEKS, at=trigger.at),)
        return _filter(Earned(progress={}, awards=awards), owned)
    return _filter(_item_closed(trigger, progress), owned)


def _item_closed(trigger: ItemClosed, progress: Mapping[UserId, Progress]) -> Earned:
    score, at = trigger.score, trigger.at
    record = score.record
    owner = record.owner
    mine = progress.get(owner, Progress(person=owner))
    if score.voided or score.outcome is None:
        return Earned(progress={})
    if score.outcome != Outcome.ON_TIME:
        changed = dataclasses.replace(mine, run=())
        return Earned(progress={owner: changed} if changed != mine else {})
    ref = record.ref
    awards = [Award(person=owner, badge=Badge.FIRST_ON_TIME, at=at, context=ref)]
    run = _with(mine.run, record.item, IN_A_ROW)
    if len(run) >= IN_A_ROW:
        awards.append(Award(person=owner, badge=Badge.FIVE_IN_A_ROW, at=at, context=ref))
    early = _with(mine.early, record.item, EARLY_BIRD) if score.early else mine.early
    if len(early) >= EARLY_BIRD:
        awards.append(Award(person=owner, badge=Badge.EARLY_BIRD, at=at, context=ref))
    if score.early and record.kind == Kind.GOAL:
        awards.append(Award(person=owner, badge=Badge.GOAL_EARLY, at=at, context=ref))
    weighed = next((line.priority for line in score.lines if line.code == RuleCode.ON_TIME),
                   None)
    if weighed == Priority.CRITICAL:
        awards.append(Award(person=owner, badge=Badge.CLUTCH, at=at, context=ref))
    awards += [Award(person=helper, badge=Badge.TEAM_PLAYER, at=at, context=ref)
               for helper in record.contributors if helper != owner]
    changed = dataclasses.replace(mine, run=run, early=early)
    return Earned(progress={owner: changed} if changed != mine else {}, awards=tuple(awards))


def _with(items: tuple[MilestoneId, ...], item: MilestoneId, keep: int
          ) -> tuple[MilestoneId, ...]:
    if item in items:
        return items
    return (*items, item)[-keep:]


def _filter(earned: Earned, owned: Mapping[UserId, frozenset[Badge]]) -> Earned:
    """Drops what people have already, and repeats within one trigger."""
    seen: set[tuple[UserId, Badge]] = set()
    fresh = []
    for award in earned.awards:
        key = (award.person, award.badge)
        if award.badge in owned.get(award.person, frozenset()) or key in seen:
            continue
        seen.add(key)
        fresh.append(award)
    return Earned(progress=earned.progress, awards=tuple(fresh))
