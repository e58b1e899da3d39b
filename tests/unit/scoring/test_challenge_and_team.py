"""Challenges' lifecycle and names, teams' members, rule sets and their validation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from core.errors import Conflict, InvalidInput
from core.model import Priority, TenantId, UserId
from core.scoring.challenge import (
    Challenge,
    ChallengeState,
    Participant,
    ParticipantKind,
    Period,
    current,
    name_key,
)
from core.scoring.rules import RuleFamily, ScoringRules, parse_families
from core.scoring.team import Team, TeamId

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def challenge(name: str = "Q1 delivery", **kw: object) -> Challenge:
    return Challenge(tenant_id=TenantId(1), name=name, period=MARCH, created_by=UserId(1),
                     created_at=NOW, **kw)  # type: ignore[arg-type]


def test_a_challenge_goes_from_draft_to_active_to_finished() -> None:
    c = challenge()
    assert c.state == ChallengeState.DRAFT and not c.scoring
    c.start(NOW)
    assert c.state == ChallengeState.ACTIVE and c.scoring and c.started_at == NOW
    c.finish(NOW + timedelta(days=30))
    assert c.state == ChallengeState.FINISHED and c.finished_at is not None


@pytest.mark.parametrize(("steps", "refused", "message", "hint"), [
    ("start", "start", "“Q1 delivery” is already active", 'challenge end "Q1 delivery"'),
    ("", "finish", "“Q1 delivery” has not started yet, so it cannot end",
     'challenge start "Q1 delivery"'),
    ("start finish", "start", "“Q1 delivery” has finished and its results are frozen",
     "challenge new"),
    ("start finish", "cancel", "“Q1 delivery” has finished and its results are frozen",
     "challenge new"),
    ("cancel", "start", "“Q1 delivery” was cancelled", "challenge new"),
    ("cancel", "cancel", "“Q1 delivery” is already cancelled", "challenge new"),
    ("start", "cancel", "", ""),
    ("", "cancel", "", ""),
])
def test_only_the_allowed_transitions_happen_and_refusals_say_why(
        steps: str, refused: str, message: str, hint: str) -> None:
    c = challenge()
    for step in steps.split():
        getattr(c, step)(NOW)
    before = c.state
    if not message:
        getattr(c, refused)(NOW)
        assert c.state == ChallengeState.CANCELLED
        return
    with pytest.raises(Conflict) as refusal:
        getattr(c, refused)(NOW)
    assert refusal.value.message == message
    assert refusal.value.hint.startswith(hint)
    assert c.state == before


def test_a_finished_challenge_keeps_its_rules_and_takes_nobody_new() -> None:
    c = challenge()
    c.start(NOW)
    c.change_rules(ScoringRules(on_time=Decimal(4)))
    c.finish(NOW)
    with pytest.raises(Conflict, match="results are frozen; you cannot change its rules"):
        c.change_rules(ScoringRules())
    with pytest.raises(Conflict, match="you cannot join it"):
        c.check_participant(Participant.person(UserId(2)))
    assert c.rules.on_time == 4


def test_participants_must_be_of_the_challenges_kind() -> None:
    people, teams = challenge(), challenge(kind=ParticipantKind.TEAMS)
    people.check_participant(Participant.person(UserId(2)))
    teams.check_participant(Participant.team(TeamId(3)))
    with pytest.raises(InvalidInput, match="is a challenge between people") as refusal:
        people.check_participant(Participant.team(TeamId(3)))
    assert refusal.value.hint == 'challenge add "Q1 delivery" @who'
    with pytest.raises(InvalidInput, match="is a challenge between teams"):
        teams.check_participant(Participant.person(UserId(2)))
    assert Participant.team(TeamId(3)).key == "teams:3"


@pytest.mark.parametrize(("name", "error"), [
    ("", "a challenge needs a name"), ("   ", "a challenge needs a name"),
    ("x" * 81, "the name is 81 characters long; keep it under 80")])
def test_bad_names_are_refused(name: str, error: str) -> None:
    with pytest.raises(InvalidInput, match=error):
        challenge(name)


def test_names_compare_case_insensitively_with_spaces_collapsed() -> None:
    assert challenge("  Q1   delivery ").name == "Q1 delivery"
    assert name_key("Q1  DELIVERY") == name_key("q1 delivery")


def test_periods_end_after_they_start_and_last_at_most_a_year() -> None:
    with pytest.raises(InvalidInput, match="ends \\(2026-02-01\\) before it starts"):
        Period(date(2026, 3, 1), date(2026, 2, 1))
    with pytest.raises(InvalidInput, match="at most a year"):
        Period(date(2026, 1, 1), date(2027, 1, 2))
    assert Period(date(2026, 3, 1), date(2026, 3, 1)).days == 1
    assert MARCH.contains(date(2026, 3, 31)) and not MARCH.contains(date(2026, 4, 1))


def test_channels_are_one_word() -> None:
    assert challenge(channel=" #delivery ").channel == "#delivery"
    with pytest.raises(InvalidInput, match="one word"):
        challenge(channel="#two words")


def test_the_current_challenge_is_the_active_one_started_last() -> None:
    first, second, draft = challenge("A"), challenge("B"), challenge("C")
    first.start(NOW)
    second.start(NOW + timedelta(days=1))
    assert current([first, second, draft]) is second
    second.finish(NOW + timedelta(days=2))
    assert current([first, second, draft]) is first
    assert current([draft]) is None


def test_teams_add_and_remove_members_and_say_who_changed() -> None:
    team = Team(tenant_id=TenantId(1), name=" Sales ", members={UserId(1)},
                created_by=UserId(1), created_at=NOW)
    assert team.name == "Sales"
    assert team.add([UserId(1), UserId(2)]) == {UserId(2)}
    assert team.remove([UserId(1), UserId(9)]) == {UserId(1)}
    assert team.members == {UserId(2)}
    for bad in ("", "#sales", "@sales", "x" * 61):
        with pytest.raises(InvalidInput):
            team.rename(bad)
    with pytest.raises(InvalidInput, match="at most 500 people"):
        team.add(UserId(n) for n in range(10, 600))
    assert team.members == {UserId(2)}


def test_the_default_rules_are_the_issues() -> None:
    rules = ScoringRules()
    assert [rules.weight(p) for p in Priority] == [Decimal("0.5"), 1, Decimal("1.5"), 2]
    assert (rules.on_time, rules.late_in_grace, rules.grace_days) == (3, 1, 2)
    assert (rules.early_bonus, rules.early_days, rules.streak_week, rules.daily_cap) == (
        1, 2, 1, 12)
    assert (rules.min_lead_days, rules.min_open_hours, rules.planning_days) == (3, 24, 3)
    assert rules.families == frozenset(RuleFamily)


def test_an_admin_changes_the_numbers_by_name() -> None:
    rules = ScoringRules().changed({"on-time": "4", "High": "2.25", "cap": "15", "grace": "3"})
    assert (rules.on_time, rules.weight_high, rules.daily_cap, rules.grace_days) == (
        4, Decimal("2.25"), 15, 3)
    assert isinstance(rules.grace_days, int)


@pytest.mark.parametrize(("numbers", "error"), [
    ({"bonus": "2"}, "“bonus” is not a rule number"),
    ({"on-time": "lots"}, "on-time needs a number"),
    ({"on-time": "-1"}, "on-time \\(points for on time\\) must be between 0 and 100"),
    ({"cap": "0"}, "cap .* must be between 1 and 1000"),
    ({"grace": "1.5"}, "grace .* must be a whole number"),
    ({"late": "0.125"}, "late may have at most two decimals"),
    ({"early": "NaN"}, "early .* must be between"),
    ({"high": "1e6"}, "high .* must be between 0 and 10"),
])
def test_bad_numbers_are_refused_and_nothing_changes(numbers: dict[str, str],
                                                     error: str) -> None:
    with pytest.raises(InvalidInput, match=error) as refusal:
        ScoringRules().changed(numbers)
    assert refusal.value.field == "rules" and "challenge rules" in refusal.value.hint


def test_rule_families_are_parsed_from_the_list_people_type() -> None:
    assert parse_families("on-time, early") == {RuleFamily.ON_TIME, RuleFamily.EARLY}
    assert parse_families("streaks,ontime,on_time") == {RuleFamily.STREAKS, RuleFamily.ON_TIME}
    with pytest.raises(InvalidInput, match="“speed” is not a rule; the rules are on-time"):
        parse_families("on-time,speed")
    with pytest.raises(InvalidInput, match="name at least one rule"):
        parse_families(" , ")
    with pytest.raises(InvalidInput, match="at least one rule"):
        ScoringRules(families=frozenset())
