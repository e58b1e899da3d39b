"""Tortoise models of scoring (tortoise app label `scoring`): teams, challenges, the event log,
each challenge's ledger (items, streaks, day sums, tallies, weekly ranks) and badges.

Records whose shape belongs to the core (an item's record, a streak, the rules, an event) are
kept whole as JSON (`storage.scoring.codec`); the columns beside them are what queries filter,
sort and sum on. Every row carries its tenant.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from storage.models import TenantRow

POINTS = {"max_digits": 14, "decimal_places": 2}


def _tenant() -> fields.ForeignKeyRelation[TenantRow]:
    return fields.ForeignKeyField("cairn.TenantRow", related_name=False,
                                  on_delete=fields.CASCADE)


class TeamRow(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = _tenant()
    tenant_id: int
    name = fields.CharField(max_length=80)
    name_key = fields.CharField(max_length=80)
    created_by = fields.IntField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "scoring_teams"
        unique_together = (("tenant_id", "name_key"),)


class TeamMemberRow(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = _tenant()
    tenant_id: int
    team: fields.ForeignKeyRelation[TeamRow] = fields.ForeignKeyField(
        "scoring.TeamRow", related_name=False, on_delete=fields.CASCADE)
    team_id: int
    user_id = fields.IntField()

    class Meta:
        table = "scoring_team_members"
        unique_together = (("team_id", "user_id"),)
        indexes = (("tenant_id", "user_id"),)


class ChallengeRow(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = _tenant()
    tenant_id: int
    name = fields.CharField(max_length=100)
    name_key = fields.CharField(max_length=100)
    starts = fields.DateField()
    ends = fields.DateField()
    kind = fields.CharField(max_length=10)
    channel = fields.CharField(max_length=100, null=True)
    rules: fields.Field[dict[str, Any]] = fields.JSONField()
    state = fields.CharField(max_length=10)
    created_by = fields.IntField()
    created_at = fields.DatetimeField()
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "scoring_challenges"
        unique_together = (("tenant_id", "name_key"),)
        indexes = (("tenant_id", "state"),)


class ParticipantRow(Model):
    id = fields.IntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = _tenant()
    tenant_id: int
    challenge: fields.ForeignKeyRelation[ChallengeRow] = fields.ForeignKeyField(
        "scoring.ChallengeRow", related_name=False, on_delete=fields.CASCADE)
    challenge_id: int
    kind = fields.CharField(max_length=10)
    ref_id = fields.IntField()

    class Meta:
        table = "scoring_participants"
        unique_together = (("challenge_id", "kind", "ref_id"),)


class EventRow(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = _tenant()
    tenant_id: int
    at = fields.DatetimeField()
    kind = fields.CharField(max_length=40)
    data: fields.Field[dict[str, Any]] = fields.JSONField()

    class Meta:
        table = "scoring_events"
        indexes = (("tenant_id", "id"),)


class ItemRow(Model):
    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField()
    challenge: fields.ForeignKeyRelation[ChallengeRow] = fields.ForeignKeyField(
        "scoring.ChallengeRow", related_name=False, on_delete=fields.CASCADE)
    challenge_id: int
    item_id = fields.IntField()
    owner_id = fields.IntField()
    record: fields.Field[dict[str, Any]] = fields.JSONField()

    class Meta:
        table = "scoring_items"
        unique_together = (("challenge_id", "item_id"),)
        indexes = (("challenge_id", "owner_id"),)


class StreakRow(Model):
    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField()
    challenge: fields.ForeignKeyRelation[ChallengeRow] = fields.ForeignKeyField(
        "scoring.ChallengeRow", related_name=False, on_delete=fields.CASCADE)
    challenge_id: int
    person_id = fields.IntField()
    record: fields.Field[dict[str, Any]] = fields.JSONField()

    class Meta:
        table = "scoring_streaks"
        unique_together = (("challenge_id", "person_id"),)


class DayRow(Model):
    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField()
    challenge: fields.ForeignKeyRelation[ChallengeRow] = fields.ForeignKeyField(
        "scoring.ChallengeRow", related_name=False, on_delete=fields.CASCADE)
    challenge_id: int
    person_id = fields.IntField()
    day = fields.DateField()
    points = fields.DecimalField(**POINTS)

    class Meta:
        table = "scoring_days"
        unique_together = (("challenge_id", "person_id", "day"),)


class TallyRow(Model):
    # The running total: the leaderboard reads these, never the events.
    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField()
    challenge: fields.ForeignKeyRelation[ChallengeRow] = fields.ForeignKeyField(
        "scoring.ChallengeRow", related_name=False, on_delete=fields.CASCADE)
    challenge_id: int
    person_id = fields.IntField()
    points = fields.DecimalField(**POINTS)
    judged = fields.IntField()
    on_time = fields.IntField()

    class Meta:
        table = "scoring_tallies"
        unique_together = (("challenge_id", "person_id"),)
        indexes = (("challenge_id", "points"),)


class WeekRow(Model):
    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField()
    challenge: fields.ForeignKeyRelation[ChallengeRow] = fields.ForeignKeyField(
        "scoring.ChallengeRow", related_name=False, on_delete=fields.CASCADE)
    challenge_id: int
    week = fields.DateField()
    ranks: fields.Field[dict[str, int]] = fields.JSONField()

    class Meta:
        table = "scoring_weeks"
        unique_together = (("challenge_id", "week"),)


class AwardRow(Model):
    id = fields.BigIntField(primary_key=True)
    tenant: fields.ForeignKeyRelation[TenantRow] = _tenant()
    tenant_id: int
    person_id = fields.IntField()
    badge = fields.CharField(max_length=40)
    at = fields.DatetimeField()
    context = fields.CharField(max_length=200, default="")

    class Meta:
        table = "scoring_awards"
        unique_together = (("tenant_id", "person_id", "badge"),)


class BadgeProgressRow(Model):
    id = fields.BigIntField(primary_key=True)
    tenant_id = fields.IntField()
    person_id = fields.IntField()
    data: fields.Field[dict[str, Any]] = fields.JSONField()

    class Meta:
        table = "scoring_badge_progress"
        unique_together = (("tenant_id", "person_id"),)


TABLES = tuple(model._meta.db_table for model in (
    BadgeProgressRow, AwardRow, WeekRow, TallyRow, DayRow, StreakRow, ItemRow, EventRow,
    ParticipantRow, ChallengeRow, TeamMemberRow, TeamRow,
))
