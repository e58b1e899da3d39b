"""The numbers a challenge scores with: the issue's defaults, changeable per challenge.

Every number is validated where it is set, so a challenge can never hold a rule set that scores
nonsense (negative points, a cap of zero, a weight of 1,000). Points have at most two decimals:
sums of them are exact (see `points`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from core.errors import InvalidInput
from core.model import Priority

RULES_HINT = 'challenge rules "Q1 delivery" on-time:4 high:2 cap:15'


class RuleFamily(StrEnum):
    """What a challenge rewards; `rules:on-time,early,streaks` picks some."""

    ON_TIME = "on-time"  # on time, and late within the grace
    EARLY = "early"  # the early bonus
    STREAKS = "streaks"  # check-in streaks


ALL_FAMILIES = frozenset(RuleFamily)


@dataclass(frozen=True, slots=True)
class Limit:
    field: str
    low: Decimal
    high: Decimal
    whole: bool  # a count of days or hours, not points
    meaning: str


#: The names an admin types, the field each sets, and the range it must stay in.
NUMBERS: dict[str, Limit] = {
    "on-time": Limit("on_time", Decimal(0), Decimal(100), False, "points for on time"),
    "low": Limit("weight_low", Decimal(0), Decimal(10), False, "weight of low priority"),
    "medium": Limit("weight_medium", Decimal(0), Decimal(10), False, "weight of medium"),
    "high": Limit("weight_high", Decimal(0), Decimal(10), False, "weight of high"),
    "critical": Limit("weight_critical", Decimal(0), Decimal(10), False, "weight of critical"),
    "late": Limit("late_in_grace", Decimal(0), Decimal(100), False, "points late in grace"),
    "grace": Limit("grace_days", Decimal(0), Decimal(10), True, "working days of grace"),
    "early": Limit("early_bonus", Decimal(0), Decimal(100), False, "early bonus"),
    "early-days": Limit("early_days", Decimal(1), Decimal(30), True,
                        "working days early for the bonus"),
    "streak": Limit("streak_week", Decimal(0), Decimal(100), False,
                    "points per full week of streak"),
    "cap": Limit("daily_cap", Decimal(1), Decimal(1000), False, "points per person per day"),
    "lead-days": Limit("min_lead_days", Decimal(0), Decimal(30), True,
                       "days between creation and due date"),
    "min-hours": Limit("min_open_hours", Decimal(0), Decimal(168), True,
                       "hours open before a close scores"),
    "planning-days": Limit("planning_days", Decimal(0), Decimal(30), True,
                           "days after creation a due date may still move"),
    "post-day": Limit("post_day", Decimal(1), Decimal(7), True,
                      "weekday of the weekly leaderboard post, 1 = Monday"),
    "post-hour": Limit("post_hour", Decimal(0), Decimal(23), True,
                       "hour of the weekly leaderboard post, in the tenant's zone"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoringRules:
    on_time: Decimal = Decimal(3)
    weight_low: Decimal = Decimal("0.5")
    weight_medium: Decimal = Decimal(1)
    weight_high: Decimal = Decimal("1.5")
    weight_critical: Decimal = Decimal(2)
    late_in_grace: Decimal = Decimal(1)
    grace_days: int = 2
    early_bonus: Decimal = Decimal(1)
    early_days: int = 2
    streak_week: Decimal = Decimal(1)
    #: Every point of a person's local day counts towards it, streak weeks included.
    daily_cap: Decimal = Decimal(12)
    #: An item created fewer days than this before its due date scores 0.
    min_lead_days: int = 3
    #: An item closed within this many hours of its creation scores 0.
    min_open_hours: int = 24
    #: On time is judged against the deadline as it stood this many days after creation.
    planning_days: int = 3
    #: The weekly leaderboard post: ISO weekday (5 = Friday) and hour, in the tenant's zone.
    post_day: int = 5
    post_hour: int = 16
    families: frozenset[RuleFamily] = ALL_FAMILIES

    def __post_init__(self) -> None:
        for name, limit in NUMBERS.items():
            _check(name, limit, Decimal(getattr(self, limit.field)))
        if not self.families:
            raise InvalidInput("rules", "a challenge needs at least one rule",
                               hint="rules:on-time,early,streaks")

    def weight(self, priority: Priority) -> Decimal:
        return {
            Priority.LOW: self.weight_low,
            Priority.MEDIUM: self.weight_medium,
            Priority.HIGH: self.weight_high,
            Priority.CRITICAL: self.weight_critical,
        }[priority]

    def rewards(self, family: RuleFamily) -> bool:
        return family in self.families

    def changed(self, numbers: Mapping[str, str]) -> ScoringRules:
        """A copy with the numbers an admin typed (`{"on-time": "4", "cap": "15"}`)."""
        values: dict[str, Any] = {}  # field name -> Decimal or int, as the field is
        for name, text in numbers.items():
            limit = NUMBERS.get(name.strip().lower())
            if limit is None:
                known = ", ".join(NUMBERS)
                raise InvalidInput("rules", f"“{name[:20]}” is not a rule number; try {known}",
                                   hint=RULES_HINT)
            value = _parse(name, text)
            _check(name, limit, value)
            values[limit.field] = int(value) if limit.whole else value
        return dataclasses.replace(self, **values)

    def with_families(self, families: frozenset[RuleFamily]) -> ScoringRules:
        return dataclasses.replace(self, families=families)


def parse_families(text: str) -> frozenset[RuleFamily]:
    """`on-time,early,streaks` (any order, any subset; `ontime` and `on_time` work too)."""
    found: set[RuleFamily] = set()
    for word in text.replace(" ", ",").split(","):
        name = word.strip().lower().replace("_", "-")
        if not name:
            continue
        name = "on-time" if name == "ontime" else name
        try:
            found.add(RuleFamily(name))
        except ValueError:
            known = ", ".join(f.value for f in RuleFamily)
            raise InvalidInput("rules", f"“{word.strip()[:20]}” is not a rule; the rules are "
                               f"{known}", hint="rules:on-time,early,streaks") from None
    if not found:
        raise InvalidInput("rules", "name at least one rule", hint="rules:on-time,early,streaks")
    return frozenset(found)


def _parse(name: str, text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise InvalidInput("rules", f"{name} needs a number, not “{text.strip()[:20]}”",
                           hint=RULES_HINT) from None
    return value


def _check(name: str, limit: Limit, value: Decimal) -> None:
    if not value.is_finite() or not limit.low <= value <= limit.high:
        raise InvalidInput("rules", f"{name} ({limit.meaning}) must be between "
                           f"{limit.low} and {limit.high}", hint=RULES_HINT)
    if limit.whole and value != value.to_integral_value():
        raise InvalidInput("rules", f"{name} ({limit.meaning}) must be a whole number",
                           hint=RULES_HINT)
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput("rules", f"{name} may have at most two decimals", hint=RULES_HINT)
