"""The steps a use case takes through the scoring ports, inside the caller's unit of work.

The caller (the use case of a close, a reopen, a check-in ...) opens the unit of work, makes
its domain change, hands the scoring event here, and commits once: the points move in the same
transaction as the change that earned them.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.errors import Conflict
from core.model import UserId
from core.scoring.achievements import Award, ChallengeWon, StreakGrew, Trigger, earn, triggers
from core.scoring.challenge import Challenge, ChallengeState, Participant, ParticipantKind
from core.scoring.events import CheckInCycleEnded, ItemEvent, ScoringEvent, VacationRecorded
from core.scoring.ledger import Ledger, LedgerChanges, settle
from core.scoring.ledger import plan as plan_step
from core.scoring.ports import (
    AchievementRepository,
    AwardAnnouncements,
    ChallengeRepository,
    LedgerRepository,
    ScoringEventLog,
    TeamRepository,
)
from core.scoring.recompute import recompute
from core.scoring.standings import (
    TOP,
    Standing,
    people_entries,
    rank,
    ranked_slice,
    ranks_of,
    team_entries,
    winners,
)
from core.scoring.team import TeamId

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoringPorts:
    """The scoring repositories of one unit of work."""

    challenges: ChallengeRepository
    teams: TeamRepository
    log: ScoringEventLog
    ledger: LedgerRepository
    achievements: AchievementRepository
    announcements: AwardAnnouncements


async def record(ports: ScoringPorts, event: ScoringEvent) -> list[Award]:
    """Logs the event, moves the score of every active challenge, and awards new badges."""
    await ports.log.append(event)
    awards: list[Award] = []
    for challenge in await ports.challenges.all(states={ChallengeState.ACTIVE}):
        changes = await apply(ports.ledger, challenge, event)
        for trigger in triggers(changes, event.at):
            awards += await in_channel(ports, challenge,
                                       await award(ports.achievements, trigger))
    return awards


async def in_channel(ports: ScoringPorts, challenge: Challenge, awards: list[Award]
                     ) -> list[Award]:
    """The awards a challenge earned, each to be announced in its channel when the person
    takes part in it (any active challenge scores everyone's items)."""
    if not awards or challenge.channel is None:
        return awards
    assert challenge.id is not None
    taking_part = set(await ports.challenges.participants(challenge.id))
    found = []
    for a in awards:
        mine = {Participant.person(a.person)} | {
            Participant.team(t.id) for t in await ports.teams.of_member(a.person)
            if t.id is not None}
        found.append(dataclasses.replace(a, channel=challenge.channel)
                     if mine & taking_part else a)
    return found


async def apply(ledger: LedgerRepository, challenge: Challenge, event: ScoringEvent
                ) -> LedgerChanges:
    """One incremental step of one challenge: a bounded read, a bounded write."""
    assert challenge.id is not None
    cid = challenge.id
    item = await ledger.item(cid, event.item) if isinstance(event, ItemEvent) else None
    person = event.person if isinstance(event, (CheckInCycleEnded, VacationRecorded)) else None
    streak = await ledger.streak(cid, person) if person is not None else None
    step = plan_step(event, item=item, streak=streak, rules=challenge.rules,
                     period=challenge.period)
    raws = await ledger.day_points(cid, step.day_keys) if step.day_keys else {}
    changes = settle(step, raws, cap=challenge.rules.daily_cap)
    if not changes.empty:
        await ledger.write(cid, changes)
    return changes


async def rebuild(ports: ScoringPorts, challenge: Challenge, *, until: datetime | None = None
                  ) -> Ledger:
    """`challenge recompute`: the ledger rebuilt from every logged event. A draft has no
    score yet, a finished challenge's results are frozen and a cancelled one scores nothing:
    all three are refused."""
    challenge.check_open("recompute it")
    if challenge.state == ChallengeState.DRAFT:
        raise Conflict(f"{challenge.quoted} has not started: there is nothing to recompute",
                       hint=f'challenge start "{challenge.name}"')
    assert challenge.id is not None
    events = await ports.log.events(until=until)
    ledger = recompute(events, rules=challenge.rules, period=challenge.period)
    await ports.ledger.replace(challenge.id, ledger)
    logger.info("challenge %s recomputed from %d events", challenge.id, len(events))
    return ledger


async def start(ports: ScoringPorts, challenge: Challenge, at: datetime) -> Ledger:
    """Draft -> active. The score starts from the whole history: items closed before the start
    but due in the period count, as they will when a later `recompute` replays them."""
    challenge.start(at)
    await ports.challenges.save(challenge)
    return await rebuild(ports, challenge)


async def standings(ports: ScoringPorts, challenge: Challenge, names: Mapping[UserId, str],
                    *, previous_week: date | None = None) -> list[Standing]:
    """Ranked participants; with `previous_week`, each with its movement since the ranks kept
    before that week."""
    assert challenge.id is not None
    participants = await ports.challenges.participants(challenge.id)
    previous = (await ports.ledger.ranks(challenge.id, previous_week)
                if previous_week is not None else None)
    if challenge.kind == ParticipantKind.PEOPLE:
        people = [UserId(p.id) for p in participants]
        tallies = await ports.ledger.tallies(challenge.id, people)
        return rank(people_entries(people, tallies, names), previous)
    teams = await ports.teams.get_many([TeamId(p.id) for p in participants])
    ordered = [teams[TeamId(p.id)] for p in participants if TeamId(p.id) in teams]
    members = {m for t in ordered for m in t.members}
    tallies = await ports.ledger.tallies(challenge.id, members)
    return rank(team_entries(ordered, tallies), previous)


async def people_board(ports: ScoringPorts, challenge: Challenge, reader: UserId | None,
                       names: Callable[[set[UserId]], Awaitable[Mapping[UserId, str]]], *,
                       previous_week: date | None = None, top: int = TOP
                       ) -> tuple[list[Standing], int]:
    """A people challenge's top lines and the reader's own line, ranked by storage (never every
    participant in memory), with the number of participants. `names` looks up the handles of
    the people shown."""
    assert challenge.id is not None
    rows, total = await ports.ledger.board(challenge.id, top=top, reader=reader)
    previous = (await ports.ledger.ranks(challenge.id, previous_week)
                if previous_week is not None else None)
    ranked = ranked_slice(rows, await names({t.person for _, t in rows}), previous)
    shown = ranked[:top]
    own = [s for s in ranked[top:] if reader is not None
           and s.participant == Participant.person(reader)]
    return shown + own, total


async def keep_week(ports: ScoringPorts, challenge: Challenge, ranks: list[Standing],
                    today: date) -> None:
    """Keeps this week's ranks (the weekly post does), for next week's movement."""
    assert challenge.id is not None
    monday = today - timedelta(days=today.weekday())
    await ports.ledger.save_ranks(challenge.id, monday, ranks_of(ranks))


async def finish(ports: ScoringPorts, challenge: Challenge, names: Mapping[UserId, str],
                 at: datetime, today: date) -> tuple[list[Standing], list[Award]]:
    """Active -> finished: the final standings are kept and the winners get their badge."""
    final = await standings(ports, challenge, names)  # reads only: a refusal below writes nothing
    challenge.finish(at)
    await ports.challenges.save(challenge)
    await keep_week(ports, challenge, final, today)
    people: list[UserId] = []
    for winner in winners(final):
        if winner.kind == ParticipantKind.PEOPLE:
            people.append(UserId(winner.id))
        else:
            team = await ports.teams.get(TeamId(winner.id))
            people += sorted(team.members) if team is not None else []
    awards = await award(ports.achievements, ChallengeWon(
        people=tuple(dict.fromkeys(people)), challenge=challenge.quoted, at=at))
    return final, [dataclasses.replace(a, channel=challenge.channel or "") for a in awards]


async def award(achievements: AchievementRepository, trigger: Trigger) -> list[Award]:
    """The badges a trigger earns, stored; only the ones that were new are returned."""
    people = _people_of(trigger)
    earned = earn(trigger, await achievements.progress(people), await achievements.owned(people))
    for progress in earned.progress.values():
        await achievements.save_progress(progress)
    return [a for a in earned.awards if await achievements.award(a)]


def _people_of(trigger: Trigger) -> list[UserId]:
    if isinstance(trigger, ChallengeWon):
        return list(trigger.people)
    if isinstance(trigger, StreakGrew):
        return [trigger.person]
    record = trigger.score.record
    return [record.owner, *record.contributors]
