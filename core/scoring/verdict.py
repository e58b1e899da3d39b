"""What an item earned and why: one line per rule that applied, so every point is explained.

The lines of an item add up to its points (an anti-gaming rule takes back what was earned, the
daily cap takes back what is over it); `explain` turns each line into a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from core.model import Priority, UserId
from core.scoring.item import Contribution, ItemRecord
from core.scoring.points import ZERO
from core.scoring.workdays import Deadline


class Outcome(StrEnum):
    ON_TIME = "on_time"
    LATE_IN_GRACE = "late_in_grace"
    TOO_LATE = "too_late"


class RuleCode(StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"
    ON_TIME = "on_time"
    LATE_IN_GRACE = "late_in_grace"
    TOO_LATE = "too_late"
    EARLY_BONUS = "early_bonus"
    PRIORITY_RAISED = "priority_raised"
    MOVE_APPROVED = "move_approved"
    MOVE_NOT_APPROVED = "move_not_approved"
    # Anti-gaming: each one voids what the item earned.
    DEADLINE_SET_LATE = "deadline_set_late"
    CREATED_TOO_LATE = "created_too_late"
    CLOSED_TOO_SOON = "closed_too_soon"
    CLOSED_BY_OTHER = "closed_by_other"
    # Applied per person and day, after the item's own rules.
    DAILY_CAP = "daily_cap"
    STREAK = "streak"


VOIDING = frozenset({RuleCode.DEADLINE_SET_LATE, RuleCode.CREATED_TOO_LATE,
                     RuleCode.CLOSED_TOO_SOON, RuleCode.CLOSED_BY_OTHER})


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleLine:
    """One rule that applied. `points` is what it adds (or takes back); the other fields are
    the facts its sentence quotes, set where they mean something."""

    code: RuleCode
    points: Decimal = ZERO
    days: int | None = None  # working days late or early, days of lead, weeks of streak
    hours: int | None = None  # hours between creation and close
    deadline: Deadline | None = None  # the deadline judged against
    moved_to: Deadline | None = None  # where the deadline stands now
    priority: Priority | None = None
    weight: Decimal | None = None
    person: UserId | None = None  # who closed it, who approved
    limit: Decimal | None = None  # the rule's number (the cap, the lead days)
    rewarded: bool = True  # False when the challenge does not reward this rule's family


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemScore:
    record: ItemRecord
    judged_against: Deadline | None
    outcome: Outcome | None = None  # None until it is done
    early: bool = False
    earned: Decimal = ZERO  # before the anti-gaming rules
    points: Decimal = ZERO  # after them, before the daily cap
    lines: tuple[RuleLine, ...] = ()
    day: date | None = None  # the owner's local day of the close

    @property
    def voided(self) -> bool:
        return any(line.code in VOIDING for line in self.lines)

    @property
    def on_time(self) -> bool:
        return self.outcome == Outcome.ON_TIME and not self.voided

    def contribution(self) -> Contribution | None:
        """What the owner's score holds for it: only a done item that no anti-gaming rule
        voided contributes (its points, and one judgement in the on-time rate)."""
        if self.outcome is None or self.day is None or self.voided:
            return None  # a voided item scores 0 and does not count in the on-time rate
        return Contribution(person=self.record.owner, day=self.day, points=self.points,
                            judged=True, on_time=self.on_time)
