"""Unanswered check-in requests: ask again, escalate to the parent's owner once, then stay quiet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from core.nudges.workweek import Vacation

#: After this many check-in requests about one milestone went unanswered, its parent's owner is
#: told (once) and the requests stop until the owner acts.
ESCALATE_AFTER = 3


@dataclass(slots=True, kw_only=True)
class AskState:
    """How a milestone's check-in requests went: consecutive unanswered ones, the last one."""

    unanswered: int = 0
    last_asked_at: datetime | None = None
    asked_on: date | None = None
    escalated_at: datetime | None = None


class FollowUp(StrEnum):
    ASK = "ask"  # ask (again)
    ESCALATE = "escalate"  # tell the parent's owner, stop asking
    PAUSED = "paused"  # escalated before, the owner has not acted: stay quiet


@dataclass(frozen=True, slots=True)
class Verdict:
    follow_up: FollowUp
    ignored: int  # requests in a row without an answer before this one
    state: AskState = field(default_factory=AskState)


def follow_up(state: AskState | None, *, last_news: datetime, day: date, now: datetime,
              vacations: Sequence[Vacation] = (), escalate_after: int = ESCALATE_AFTER
              ) -> Verdict:
    """What to do about a milestone that waits for a check-in on `day`.

    An update after the last request answers it; a vacation since then forgives it (nothing
    counts against a person on vacation). Asking twice on the same day counts once, so a
    snoozed request that comes back is the same request.
    """
    if state is None or state.last_asked_at is None:
        return Verdict(FollowUp.ASK, 0, AskState(unanswered=1, last_asked_at=now, asked_on=day))
    answered = last_news > state.last_asked_at
    away = any(v.ends >= state.last_asked_at.date() and v.starts <= day for v in vacations)
    if state.asked_on == day and not answered:
        return Verdict(FollowUp.ASK, max(0, state.unanswered - 1), state)
    if answered or away:
        return Verdict(FollowUp.ASK, 0, AskState(unanswered=1, last_asked_at=now, asked_on=day))
    if state.escalated_at is not None:
        return Verdict(FollowUp.PAUSED, state.unanswered, state)
    if state.unanswered >= escalate_after:
        return Verdict(FollowUp.ESCALATE, state.unanswered, AskState(
            unanswered=state.unanswered, last_asked_at=state.last_asked_at,
            asked_on=state.asked_on, escalated_at=now))
    return Verdict(FollowUp.ASK, state.unanswered, AskState(
        unanswered=state.unanswered + 1, last_asked_at=now, asked_on=day))
