"""Rule lines in words: every point of a score has a sentence that says where it came from."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from core.humanize import day_text, plural
from core.model import UserId
from core.scoring.points import ZERO, format_points
from core.scoring.rules import RuleFamily, ScoringRules
from core.scoring.verdict import RuleCode, RuleLine
from core.scoring.workdays import Deadline


def explain(line: RuleLine, *, today: date, names: Mapping[UserId, str]) -> str:
    """One sentence, dates relative to the reader's today, people by handle."""

    def due(d: Deadline | None) -> str:
        if d is None:
            return "none"
        text = day_text(d.day, today)
        return f"{text} {d.at:%H:%M}" if d.at is not None else text

    def who(user: UserId | None) -> str:
        return f"@{names[user]}" if user is not None and user in names else "someone else"

    limit = format_points(line.limit) if line.limit is not None else ""
    days = line.days or 0
    sentence: Callable[[], str] = {
        RuleCode.OPEN: lambda: f"not closed yet (due {due(line.deadline)}); it scores when "
                               "it is closed",
        RuleCode.CANCELLED: lambda: "cancelled: cancelled items score 0",
        RuleCode.ON_TIME: lambda: (
            f"done on time (due {due(line.deadline)}), {line.priority} priority "
            f"×{format_points(line.weight or ZERO)}" if line.rewarded else
            f"done on time (due {due(line.deadline)}); this challenge does not reward it"),
        RuleCode.LATE_IN_GRACE: lambda: (
            f"done {plural(days, 'working day')} late, within the grace of {limit}"
            if days else f"done after the deadline ({due(line.deadline)}), within the grace"),
        RuleCode.TOO_LATE: lambda: f"done {plural(days, 'working day')} late, past the grace "
                                   f"of {limit}: no points",
        RuleCode.EARLY_BONUS: lambda: f"early bonus: done {plural(days, 'working day')} "
                                      "before the due date",
        RuleCode.PRIORITY_RAISED: lambda: f"priority raised to {line.priority} after "
                                          "planning: weighted as it was planned",
        RuleCode.MOVE_APPROVED: lambda: (
            f"due date moved from {due(line.deadline)} to {due(line.moved_to)}, approved"
            if line.deadline is not None else f"due date {due(line.moved_to)} approved"),
        RuleCode.MOVE_NOT_APPROVED: lambda: (
            f"due date moved from {due(line.deadline)} to {due(line.moved_to)} without "
            f"approval: judged against {due(line.deadline)}"),
        RuleCode.DEADLINE_SET_LATE: lambda: (
            f"its due date ({due(line.moved_to)}) was set after planning, without approval: "
            "scores 0"),
        RuleCode.CREATED_TOO_LATE: lambda: (
            f"created {plural(days, 'day')} before its due date (at least {limit} needed): "
            "scores 0"),
        RuleCode.CLOSED_TOO_SOON: lambda: (
            f"closed {plural(line.hours or 0, 'hour')} after it was created (at least {limit} "
            "needed): scores 0"),
        RuleCode.CLOSED_BY_OTHER: lambda: f"closed by {who(line.person)}, not by its owner: "
                                          "scores 0",
        RuleCode.DAILY_CAP: lambda: f"over the daily cap of {limit} points",
        RuleCode.STREAK: lambda: f"check-in streak: {plural(days, 'full week')}",
    }[line.code]
    return sentence()


WEEKDAYS = ("", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def describe_rules(rules: ScoringRules) -> tuple[str, ...]:
    """The rule set as a challenge card lists it."""
    p = format_points
    found: list[str] = []
    if rules.rewards(RuleFamily.ON_TIME):
        found.append(f"On time: {p(rules.on_time)} points × priority (low "
                     f"{p(rules.weight_low)}, medium {p(rules.weight_medium)}, high "
                     f"{p(rules.weight_high)}, critical {p(rules.weight_critical)})")
        found.append(f"Late within {plural(rules.grace_days, 'working day')}: "
                     f"{p(rules.late_in_grace)}; later: 0")
    if rules.rewards(RuleFamily.EARLY):
        found.append(f"Early bonus: +{p(rules.early_bonus)} when done "
                     f"{plural(rules.early_days, 'working day')} or more before the due date")
    if rules.rewards(RuleFamily.STREAKS):
        found.append(f"Check-in streak: +{p(rules.streak_week)} per full week of check-ins "
                     "answered on time (vacations pause it)")
    found.append(f"Scores 0: created less than {plural(rules.min_lead_days, 'day')} before "
                 f"its due date, closed within {plural(rules.min_open_hours, 'hour')} of "
                 "creation, closed by someone else, or cancelled")
    found.append(f"On time is judged against the due date as it stood "
                 f"{plural(rules.planning_days, 'day')} after creation, unless the parent's "
                 "owner approves a move")
    found.append(f"At most {p(rules.daily_cap)} points per person per day")
    found.append(f"Leaderboard posted in the challenge's channel every {WEEKDAYS[rules.post_day]} "
                 f"at {rules.post_hour:02d}:00 (the team's time zone)")
    return tuple(found)
